package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/metrotrace/metrotrace/network/ops"
)

// cmdAudit runs "metrotrace-ops audit TXID | --record DOCTYPE/ID": the
// proof behind each transaction; exit 1 when one is not VALID or a hash does
// not match.
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	var record, peerSel string
	fs := newFlagSet("audit", stderr)
	c.register(fs, defaultTimeout)
	fs.StringVar(&record, "record", "", "audit every transaction of this record's history: DOCTYPE/ID")
	fs.StringVar(&peerSel, "peer", "", "peer whose ledger is read: MSP id, org or peer name (default: the identity's org)")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	var txIDs []string
	var docType, id string
	switch {
	case record != "" && len(pos) > 0:
		return 0, fmt.Errorf("%w: give a TXID or --record, not both", errUsage)
	case record != "":
		if docType, id, err = ops.ParseRecordRef(record); err != nil {
			return 0, fmt.Errorf("%w: %v", errUsage, err)
		}
	case len(pos) == 1:
		if err := ops.ValidTxID(pos[0]); err != nil {
			return 0, fmt.Errorf("%w: %v", errUsage, err)
		}
		txIDs = pos
	default:
		return 0, fmt.Errorf("%w: give one TXID (or --record DOCTYPE/ID)", errUsage)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cl, err := open(&c)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	if record != "" {
		vs, err := cl.RecordHistory(ctx, docType, id, peerSel)
		if err != nil {
			return 0, err
		}
		for _, v := range vs {
			txIDs = append(txIDs, v.TxID)
		}
	}
	var audits []*ops.TxAudit
	code := exitOK
	for _, tx := range txIDs {
		a, err := cl.Audit(ctx, tx, peerSel)
		if err != nil {
			return 0, err
		}
		audits = append(audits, a)
		if !a.OK() {
			code = exitUnhealthy
		}
	}
	if c.json {
		var v any = audits
		if record == "" {
			v = audits[0]
		}
		if err := writeJSON(stdout, v); err != nil {
			return 0, err
		}
		return code, nil
	}
	if record != "" {
		fmt.Fprintf(stdout, "record %s/%s: %d version(s)\n", docType, id, len(audits))
	}
	for i, a := range audits {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		printAudit(stdout, a)
	}
	return code, nil
}

// printAudit prints one transaction's audit as a table.
func printAudit(w io.Writer, a *ops.TxAudit) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("transaction", a.TxID)
	row("channel", a.Channel)
	row("type", a.Type)
	row("chaincode", a.Chaincode)
	row("timestamp", a.Timestamp.Format(time.RFC3339Nano))
	row("block", fmt.Sprintf("%d (transaction %d of %d)", a.BlockNumber, a.TxIndex, a.BlockTxs))
	row("validation code", a.ValidationCode)
	row("creator", identityString(a.Creator))
	row("endorsing orgs", strings.Join(a.EndorsingOrgs, ", "))
	for _, e := range a.Endorsers {
		row("  endorser", identityString(e))
	}
	row("block hash", a.BlockHash)
	row("previous hash", a.PreviousHash+" "+checkMark(a.PreviousHashOK, "hash of block "+fmt.Sprint(int64(a.BlockNumber)-1)))
	row("data hash", a.DataHash)
	row("computed data hash", a.ComputedDataHash+" "+checkMark(&a.DataHashOK, "SHA-256 of the block data"))
	row("next block link", checkMark(a.NextLinkOK, "previous hash of block "+fmt.Sprint(a.BlockNumber+1)))
	if a.PeerHashOK != nil {
		row("latest block", checkMark(a.PeerHashOK, "the peer's current block hash"))
	}
	_ = tw.Flush()
	if a.OK() {
		fmt.Fprintln(w, "proof holds")
	} else {
		fmt.Fprintln(w, "PROOF DOES NOT HOLD")
	}
}

// checkMark says whether a check passed, failed or could not be made.
func checkMark(ok *bool, what string) string {
	switch {
	case ok == nil:
		return "(" + what + ": not checked)"
	case *ok:
		return "(= " + what + ": ok)"
	default:
		return "(≠ " + what + ": MISMATCH)"
	}
}

// identityString renders an identity: MSP, subject and attributes.
func identityString(id ops.Identity) string {
	s := id.MSPID
	if id.Subject != "" {
		s += " " + id.Subject
	}
	keys := make([]string, 0, len(id.Attributes))
	for k := range id.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s += fmt.Sprintf(" %s=%s", k, id.Attributes[k])
	}
	return s
}
