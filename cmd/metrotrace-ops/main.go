// Command metrotrace-ops is the consortium operator's tool for the metrotrace
// Fabric network, built on fabric-sdk-go (which must never be linked into the
// gateway or chaincode binaries; see network/ops and cmd/linkage_test.go).
//
//	metrotrace-ops status  [--connection FILE] [--org ORG] [--user NAME] [--lag N] [--json]
//	metrotrace-ops audit   [flags] TXID
//	metrotrace-ops audit   [flags] --record DOCTYPE/ID
//	metrotrace-ops profile [--connection FILE] [--org ORG]
//	metrotrace-ops register --msp MSPID --institution ID --role ROLE [--name NAME] [--secret S]
//	metrotrace-ops enroll  --msp MSPID --name NAME --secret S [--out MSPDIR]
//	metrotrace-ops revoke  --org MSPID --name NAME [--reason R]
//	metrotrace-ops deploy  --package FILE | --label LABEL [--address ADDR] [--tls] [--out FILE]
//	                       [--name CC] [--version V] [--sequence N]
//
// status prints every peer's height and whether it is in step with the
// highest, the committed chaincode definition (version, sequence, approvals,
// endorsement policy), whether the orderers answer and their raft roles
// (leader/follower, from consensus_etcdraft_is_leader on each orderer's
// operations endpoint /metrics, when connection.json names it); it exits 1
// when a peer is unreachable or behind, the definition cannot be read or
// lacks an approval, a majority of orderers is down, or no orderer is the
// raft leader (or the leader sees fewer active nodes than a quorum).
//
// audit prints the proof behind a transaction: its block, validation code,
// creator MSP and metrotrace.* certificate attributes, endorsing orgs, the
// block's hash and previous hash, and whether the header's data hash is the
// SHA-256 of the block's data and the hash chain to the neighbouring blocks
// holds; it exits 1 when the transaction is not VALID or a hash does not
// match. With --record it audits every transaction in a record's history.
//
// profile prints the fabric-sdk-go connection profile generated from
// connection.json.
//
// register registers an institution user with the org's Fabric CA (through
// the CA's registrar) as a client whose enrollment certificates carry
// metrotrace.institution and metrotrace.role; it refuses a role other than
// recorder, inspector or operator and (unless --no-ledger-check) an
// institution that is not on the ledger or belongs to another org. enroll
// enrolls a registered user into an MSP directory (default
// <network dir>/orgs/<org>/users/<name>/msp) and checks the attributes.
//
// revoke revokes a user's certificates at its org's Fabric CA, has the CA
// generate its CRL and puts that CRL into the org's MSP in the channel
// configuration (a config update signed by the admins of a majority of the
// orgs, the user's org's admin first), then waits until the peers run the
// new configuration: from then on peers refuse the user's proposals.
//
// deploy runs the chaincode lifecycle through the sdk: installs the package
// (a file, or a ccaas package built from --label, --address and --tls like
// scripts/network.sh builds it) on every peer, reads the committed
// definition, approves the next sequence for every org whose admin is in
// connection.json, commits it and waits until every peer shows it. It does
// not start chaincode servers.
//
// The connection description defaults to $METROTRACE_NETWORK_DIR/connection.json,
// else .network/connection.json. Exit codes: 0 healthy/valid, 1 unhealthy,
// invalid or failed, 2 usage.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/metrotrace/metrotrace/network"
	"github.com/metrotrace/metrotrace/network/ops"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK        = 0
	exitUnhealthy = 1
	exitUsage     = 2
)

const usage = `usage: metrotrace-ops COMMAND [flags]

commands:
  status              peer heights (in step?), committed chaincode, orderers and raft roles;
                      exit 1 if unhealthy
  audit TXID          the proof behind a transaction; exit 1 if not VALID or a hash does not match
  audit --record DOCTYPE/ID
                      audit every transaction in a record's history
  profile             print the fabric-sdk-go connection profile generated from connection.json
  register --msp MSPID --institution ID --role recorder|inspector|operator [--name NAME] [--secret S]
                      register an institution user with the org's Fabric CA (ECert attributes)
  enroll --msp MSPID --name NAME --secret S [--out MSPDIR]
                      enroll a registered user into an MSP directory
  revoke --org MSPID --name NAME [--reason R]
                      revoke a user at the org's CA and put the CA's CRL into the channel
                      configuration (signed by a majority of org admins)
  deploy --package FILE | --label LABEL [--address ADDR] [--tls] [--out FILE]
         [--name CC] [--version V] [--sequence N]
                      install on every peer, approve for every org admin, commit the next sequence

run "metrotrace-ops COMMAND -h" for a command's flags
`

// errUsage marks command-line mistakes (exit 2).
var errUsage = errors.New("usage")

// common are the flags every command has.
type common struct {
	connection string
	org        string
	user       string
	json       bool
	timeout    time.Duration
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.connection, "connection", defaultConnection(), "connection description written by scripts/network.sh up")
	fs.StringVar(&c.org, "org", "", "organisation (MSP id or short name) whose identity is used (default: the first)")
	fs.StringVar(&c.user, "user", "", "enrollment id of the identity (default: the org's admin)")
	fs.BoolVar(&c.json, "json", false, "print JSON")
	fs.DurationVar(&c.timeout, "timeout", 60*time.Second, "give up after this long")
}

// defaultConnection is $METROTRACE_NETWORK_DIR/connection.json, else
// .network/connection.json.
func defaultConnection() string {
	if d := os.Getenv("METROTRACE_NETWORK_DIR"); d != "" {
		return filepath.Join(d, network.DefaultConnectionFile)
	}
	return filepath.Join(".network", network.DefaultConnectionFile)
}

// parse parses flags and positional arguments in any order.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	code := exitOK
	switch args[0] {
	case "status":
		code, err = cmdStatus(ctx, args[1:], stdout, stderr)
	case "audit":
		code, err = cmdAudit(ctx, args[1:], stdout, stderr)
	case "profile":
		code, err = cmdProfile(args[1:], stdout, stderr)
	case "register":
		code, err = cmdRegister(ctx, args[1:], stdout, stderr)
	case "enroll":
		code, err = cmdEnroll(args[1:], stdout, stderr)
	case "revoke":
		code, err = cmdRevoke(ctx, args[1:], stdout, stderr)
	case "deploy":
		code, err = cmdDeploy(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "metrotrace-ops: unknown command %q\n%s", args[0], usage)
		return exitUsage
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "metrotrace-ops %s: %v\n", args[0], err)
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "metrotrace-ops %s: %v\n", args[0], err)
		return exitUnhealthy
	}
	return code
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("metrotrace-ops "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// flagError turns a flag package error into a usage error (help stays help).
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return fmt.Errorf("%w: %v", errUsage, err)
}

func open(c *common) (*ops.Client, error) {
	conn, err := network.LoadConnection(c.connection)
	if err != nil {
		return nil, err
	}
	return ops.Open(conn, ops.Options{Org: c.org, User: c.user})
}

func cmdStatus(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	var lag uint64
	var settle time.Duration
	var noCC bool
	fs := newFlagSet("status", stderr)
	c.register(fs)
	fs.Uint64Var(&lag, "lag", 0, "blocks a peer may trail the highest and still be healthy")
	fs.DurationVar(&settle, "settle", 3*time.Second, "re-read heights this long while a peer is behind (0: once)")
	fs.BoolVar(&noCC, "no-chaincode", false, "do not query the committed chaincode definition")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	if len(pos) > 0 {
		return 0, fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if settle == 0 {
		settle = -1
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cl, err := open(&c)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	rep, err := cl.Status(ctx, ops.StatusOptions{Lag: lag, Settle: settle, SkipChaincode: noCC})
	if err != nil {
		return 0, err
	}
	if c.json {
		if err := writeJSON(stdout, rep); err != nil {
			return 0, err
		}
	} else {
		printStatus(stdout, rep)
	}
	if !rep.Healthy {
		return exitUnhealthy, nil
	}
	return exitOK, nil
}

func printStatus(w io.Writer, r *ops.StatusReport) {
	fmt.Fprintf(w, "channel %s (as %s), highest block height %d\n", r.Channel, r.Identity, r.MaxHeight)
	if r.Fallback != "" {
		fmt.Fprintf(w, "(the own org's peer could not serve the channel configuration; read as %s)\n", r.Fallback)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PEER\tMSP\tENDPOINT\tHEIGHT\tSTATE")
	for _, p := range r.Peers {
		state := "in step"
		switch {
		case !p.Reachable:
			state = "UNREACHABLE: " + p.Error
		case !p.InStep:
			state = fmt.Sprintf("BEHIND by %d", p.Behind)
		}
		h := fmt.Sprint(p.Height)
		if !p.Reachable {
			h = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, p.MSPID, p.Endpoint, h, state)
	}
	_ = tw.Flush()
	if cc := r.Chaincode; cc != nil {
		if cc.Error != "" {
			fmt.Fprintf(w, "chaincode %s: %s\n", cc.Name, cc.Error)
		} else {
			var ap []string
			keys := make([]string, 0, len(cc.Approvals))
			for k := range cc.Approvals {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				ap = append(ap, fmt.Sprintf("%s=%v", k, cc.Approvals[k]))
			}
			fmt.Fprintf(w, "chaincode %s: version %s, sequence %d, endorsement policy %s, approvals %s (from %s)\n",
				cc.Name, cc.Version, cc.Sequence, cc.EndorsementPolicy, strings.Join(ap, " "), cc.Peer)
		}
	}
	for _, o := range r.Orderers {
		state := "reachable"
		if !o.Reachable {
			state = "UNREACHABLE: " + o.Error
		}
		if o.Operations != "" {
			switch {
			case o.RaftRole == "":
				state += ", raft role unknown: " + o.RaftError
			case o.ClusterSize > 0 && o.ActiveNodes > 0:
				state += fmt.Sprintf(", raft %s (%d of %d nodes active)", o.RaftRole, o.ActiveNodes, o.ClusterSize)
			case o.ClusterSize > 0:
				state += fmt.Sprintf(", raft %s (cluster of %d)", o.RaftRole, o.ClusterSize)
			default:
				state += ", raft " + o.RaftRole
			}
		}
		fmt.Fprintf(w, "orderer %s %s: %s\n", o.Name, o.Endpoint, state)
	}
	if r.Healthy {
		fmt.Fprintln(w, "healthy")
		return
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "PROBLEM: %s\n", p)
	}
}

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	var record, peerSel string
	fs := newFlagSet("audit", stderr)
	c.register(fs)
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

func cmdProfile(args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	fs := newFlagSet("profile", stderr)
	c.register(fs)
	store := fs.String("store", filepath.Join(os.TempDir(), "metrotrace-ops"), "credential store directory named in the profile")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	if len(pos) > 0 {
		return 0, fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	conn, err := network.LoadConnection(c.connection)
	if err != nil {
		return 0, err
	}
	org := c.org
	if org == "" {
		org = conn.Orgs[0].MSPID
	}
	p, err := ops.Profile(conn, ops.ProfileOptions{Org: org, StoreDir: *store})
	if err != nil {
		return 0, err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", p)
	return exitOK, err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func cmdRegister(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	var req ops.UserRequest
	var noCheck bool
	fs := newFlagSet("register", stderr)
	c.register(fs)
	fs.StringVar(&c.org, "msp", "", "organisation (MSP id or short name) whose CA registers the user (required)")
	fs.StringVar(&req.Institution, "institution", "", "institution id (metrotrace.institution attribute)")
	fs.StringVar(&req.Role, "role", "", "recorder, inspector or operator (metrotrace.role attribute)")
	fs.StringVar(&req.Name, "name", "", "enrollment id (default <institution lower-cased>-<role>)")
	fs.StringVar(&req.Secret, "secret", "", "enrollment secret (default: chosen by the CA, printed)")
	fs.BoolVar(&noCheck, "no-ledger-check", false, "do not check that the institution is on the ledger and belongs to the org")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	if len(pos) > 0 {
		return 0, fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if c.org == "" {
		return 0, fmt.Errorf("%w: --msp is required", errUsage)
	}
	if err := req.Validate(); err != nil {
		return 0, fmt.Errorf("%w: %v", errUsage, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cl, err := open(&c)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	org, err := cl.Connection().Org(c.org)
	if err != nil {
		return 0, err
	}
	if !noCheck {
		if err := cl.InstitutionExists(ctx, req.Institution, org.MSPID); err != nil {
			return 0, err
		}
	}
	secret, err := cl.Register(org.MSPID, req)
	if err != nil {
		return 0, err
	}
	if c.json {
		return exitOK, writeJSON(stdout, map[string]string{"name": req.Name, "secret": secret, "msp_id": org.MSPID,
			"institution": req.Institution, "role": req.Role})
	}
	fmt.Fprintf(stdout, "registered %s %s %s as %s (secret %s)\n", org.MSPID, req.Institution, req.Role, req.Name, secret)
	return exitOK, nil
}

func cmdEnroll(args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	var name, secret, out string
	fs := newFlagSet("enroll", stderr)
	c.register(fs)
	fs.StringVar(&c.org, "msp", "", "organisation (MSP id or short name) of the user's CA (required)")
	fs.StringVar(&name, "name", "", "enrollment id (required)")
	fs.StringVar(&secret, "secret", "", "enrollment secret (required)")
	fs.StringVar(&out, "out", "", "MSP directory to create (default <network dir>/orgs/<org>/users/<name>/msp)")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	switch {
	case len(pos) > 0:
		return 0, fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	case c.org == "" || name == "" || secret == "":
		return 0, fmt.Errorf("%w: --msp, --name and --secret are required", errUsage)
	}
	cl, err := open(&c)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	org, err := cl.Connection().Org(c.org)
	if err != nil {
		return 0, err
	}
	if out == "" {
		out = filepath.Join(filepath.Dir(c.connection), "orgs", org.Name, "users", name, "msp")
	}
	u, err := cl.Enroll(org.MSPID, name, secret, out)
	if err != nil {
		return 0, err
	}
	if c.json {
		return exitOK, writeJSON(stdout, u)
	}
	fmt.Fprintf(stdout, "enrolled %s %s %s as %s: %s\n", u.MSPID, u.Institution, u.Role, u.Name, u.MSPDir)
	return exitOK, nil
}

func cmdRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	var req ops.RevokeRequest
	fs := newFlagSet("revoke", stderr)
	c.register(fs)
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

// ccaasConnection is the connection.json of a ccaas package, with the
// placeholders network/builders/ccaas/bin/release fills in.
func ccaasConnection(address string, tls bool) []byte {
	m := map[string]any{"address": address, "dial_timeout": "10s", "tls_required": tls}
	if tls {
		m["client_auth_required"] = true
		m["root_cert"] = "{{root_cert}}"
		m["client_cert"] = "{{client_cert}}"
		m["client_key"] = "{{client_key}}"
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return append(b, '\n')
}

func cmdDeploy(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var c common
	var req ops.DeployRequest
	var pkgFile, label, address, out string
	var tls bool
	fs := newFlagSet("deploy", stderr)
	c.register(fs)
	fs.StringVar(&pkgFile, "package", "", "chaincode package file (tar.gz with metadata.json and code.tar.gz)")
	fs.StringVar(&label, "label", "", "build a ccaas package with this label instead of reading --package")
	fs.StringVar(&address, "address", "{{address}}", "with --label: the chaincode server address in connection.json")
	fs.BoolVar(&tls, "tls", false, "with --label: mutual TLS to the chaincode server (certificate placeholders)")
	fs.StringVar(&out, "out", "", "with --label: also write the package to this file")
	fs.StringVar(&req.Name, "name", "", "chaincode name (default: the connection's chaincode)")
	fs.StringVar(&req.Version, "version", "", "definition version (default: the sequence)")
	fs.Int64Var(&req.Sequence, "sequence", 0, "definition sequence; must be the committed one + 1 (default: that)")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, flagError(err)
	}
	switch {
	case len(pos) > 0:
		return 0, fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	case (pkgFile == "") == (label == ""):
		return 0, fmt.Errorf("%w: give --package FILE or --label LABEL", errUsage)
	case label == "" && (out != "" || tls || address != "{{address}}"):
		return 0, fmt.Errorf("%w: --address, --tls and --out go with --label", errUsage)
	case req.Sequence < 0:
		return 0, fmt.Errorf("%w: --sequence must be positive", errUsage)
	}
	if label != "" {
		if req.Package, err = ops.CCaaSPackage(label, ccaasConnection(address, tls)); err != nil {
			return 0, err
		}
		if out != "" {
			if err := os.WriteFile(out, req.Package, 0o644); err != nil {
				return 0, err
			}
		}
	} else if req.Package, err = os.ReadFile(pkgFile); err != nil {
		return 0, err
	}
	if c.timeout == 60*time.Second {
		c.timeout = 3 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cl, err := open(&c)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	t0 := time.Now()
	res, err := cl.Deploy(ctx, req)
	if err != nil {
		if res != nil && !c.json {
			fmt.Fprintf(stderr, "metrotrace-ops deploy: so far: package %s installed %v, approved by %v\n", res.PackageID, res.Installed, res.ApprovedBy)
		}
		return 0, err
	}
	if c.json {
		return exitOK, writeJSON(stdout, res)
	}
	peers := make([]string, 0, len(res.Installed))
	for p := range res.Installed {
		peers = append(peers, p)
	}
	sort.Strings(peers)
	fmt.Fprintf(stdout, "package %s (label %s, type %s)\n", res.PackageID, res.Label, res.Type)
	for _, p := range peers {
		fmt.Fprintf(stdout, "  %s on %s\n", res.Installed[p], p)
	}
	fmt.Fprintf(stdout, "approved %s version %s sequence %d (committed before: %d) for %s\n", res.Name, res.Version, res.Sequence, res.PreviousSequence, strings.Join(res.ApprovedBy, ", "))
	keys := make([]string, 0, len(res.Approvals))
	for k := range res.Approvals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var ap []string
	for _, k := range keys {
		ap = append(ap, fmt.Sprintf("%s=%v", k, res.Approvals[k]))
	}
	fmt.Fprintf(stdout, "committed %s sequence %d on channel %s (tx %s), endorsement policy %s, approvals %s, seen by %s, in %s\n",
		res.Name, res.Sequence, res.Channel, res.CommitTxID, res.EndorsementPolicy, strings.Join(ap, " "), strings.Join(res.Peers, ", "), time.Since(t0).Round(time.Millisecond))
	return exitOK, nil
}
