package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/metrotrace/metrotrace/network/ops"
)

// cmdRevoke runs "metrotrace-ops revoke": it revokes a user at its
// organization's CA and puts the CA's CRL into the channel configuration.
func cmdRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	var req ops.RevokeRequest
	fs := newFlagSet("revoke", stderr)
	c.register(fs, defaultTimeout)
	fs.StringVar(&req.Name, "name", "", "enrollment id of the user to revoke (required)")
	fs.StringVar(&req.Reason, "reason", "", "revocation reason as Fabric CA spells it (default unspecified), e.g. keycompromise, privilegewithdrawn")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	switch {
	case len(pos) > 0:
		return 0, fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	case c.org == "" || req.Name == "":
		return 0, fmt.Errorf("%w: --org (the user's organisation) and --name are required", errUsage)
	}
	if c.user != "" {
		return 0, fmt.Errorf("%w: revoke acts as the org's admin; --user is not allowed", errUsage)
	}
	req.Org = c.org
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cl, err := open(&c)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	res, err := cl.Revoke(ctx, req)
	if res != nil && !c.json {
		printRevoke(stdout, res)
	}
	if err != nil {
		return 0, err
	}
	if c.json {
		return exitOK, writeJSON(stdout, res)
	}
	return exitOK, nil
}

// printRevoke prints what a revocation changed.
func printRevoke(w io.Writer, r *ops.RevokeResult) {
	fmt.Fprintf(w, "revoked %s of %s at %s: %d certificate(s)\n", r.Name, r.MSPID, r.CA, len(r.RevokedCerts))
	for _, rc := range r.RevokedCerts {
		fmt.Fprintf(w, "  serial %s aki %s\n", rc.Serial, rc.AKI)
	}
	u := r.Update
	if u == nil {
		return
	}
	if u.Unchanged {
		fmt.Fprintf(w, "channel %s already carries this CRL of %s (config sequence %d); nothing submitted\n", u.Channel, u.MSPID, u.ConfigSequence)
		return
	}
	num := ""
	if u.CRLNumber != "" {
		num = ", number " + u.CRLNumber
	}
	fmt.Fprintf(w, "CRL of %s: %d revoked certificate(s)%s, issued %s\n", u.MSPID, u.CRLEntries, num, u.CRLThisUpdate.Format(time.RFC3339))
	fmt.Fprintf(w, "config update %s of channel %s signed by %s\n", u.TxID, u.Channel, strings.Join(u.Signers, ", "))
	if u.NewConfigSequence > 0 {
		fmt.Fprintf(w, "config sequence %d -> %d in block %d, seen by %s\n", u.ConfigSequence, u.NewConfigSequence, u.ConfigBlock, strings.Join(u.Peers, ", "))
	}
}
