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
//	metrotrace-ops deploy  --package-for MSPID=FILE ... [--name CC] [--version V] [--sequence N]
//	metrotrace-ops msp     --ca-cert FILE [--tls-ca-cert FILE] [-q] MSPDIR...
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
// not start chaincode servers. With --package-for, once per organization,
// each organization's peer gets its own package (a ccaas package naming
// that organization's chaincode server literally); every organization
// approves the same definition with its own package id.
//
// msp writes the layout every metrotrace MSP directory has (cacerts/ca.pem,
// tlscacerts/ca.pem, the NodeOUs config.yaml), as enroll does; the network
// scripts call it for the identities they enroll with fabric-ca-client.
//
// The connection description defaults to $METROTRACE_NETWORK_DIR/connection.json,
// else .network/connection.json. Exit codes: 0 healthy/valid, 1 unhealthy,
// invalid or failed, 2 usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
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
         (--package-for MSPID=FILE, once per org, instead of --package: a package per org)
  msp --ca-cert FILE [--tls-ca-cert FILE] MSPDIR...
                      write the MSP layout (CA certificates, NodeOUs config.yaml) into MSP directories

run "metrotrace-ops COMMAND -h" for a command's flags
`

// errUsage marks command-line mistakes (exit 2).
var errUsage = errors.New("usage")

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

// run runs one command line and returns its exit status.
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
	case "msp":
		code, err = cmdMSP(args[1:], stdout, stderr)
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

// newFlagSet returns the flag set of a command, reporting to stderr.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("metrotrace-ops "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// givenFlags returns the names of the flags set on the command line, so a
// command tells a flag given its default value from one not given.
func givenFlags(fs *flag.FlagSet) map[string]bool {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return given
}

// flagError turns a flag package error into a usage error (help stays help).
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return fmt.Errorf("%w: %v", errUsage, err)
}
