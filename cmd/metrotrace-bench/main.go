// Command metrotrace-bench measures metrotrace against the performance
// targets of the design, each figure next to a baseline measured in the
// same run and their ratio.
//
//	metrotrace-bench index   [--instruments N] [--dir DIR] [--samples N] ...
//	metrotrace-bench embedded [--single N] [--certificates N]
//	metrotrace-bench case [--instruments N] [--chunk N]
//	metrotrace-bench network --connection FILE [--concurrency N] [--duration D] ...
//
// index builds (or reuses) a read-model index (gateway/index) of N
// instruments with three certificates each under an eight-level chain, then
// measures point reads, traces of depth 8, the impact of a standard feeding
// every instrument (with and without paths), the on-disk size and the
// process's RSS.
//
// index also asks the supervision lists (overdue, coverage by district)
// and, with --http-clients, trace, recognition and impact through the HTTP
// API beside GET /healthz.
//
// embedded issues certificates on the embedded ledger, one a transaction
// and record.MaxBatch a transaction, each beside raw badger writes, while an
// index follows, and reports the index lag of every transaction.
//
// case opens an out-of-tolerance case on the embedded ledger on a
// standard that calibrated N compulsory instruments, as POST /api/v1/cases
// records it (a chunk of notice items a transaction), and reports the time
// until every item is recorded and indexed and the process's peak RSS.
//
// network runs on a live Fabric network (scripts/network.sh up --deploy,
// plus scripts/network.sh deploy --name benchput --path ./network/benchcc):
// N concurrent submitters, each its own goroutine and identity, first put
// certificate-sized values through the trivial chaincode benchput (the raw
// baseline), then issue distinct certificates through metrotrace on the
// scenario region, while an index follows the channel, then (--batch N)
// issue N distinct certificates per transaction through IssueCertificates;
// it reports TPS and latency of each, the ratios to the raw put, and the
// index lag from commit.
//
// Both print a table (--markdown: the README's Markdown format). See
// scripts/bench.sh for the whole suite.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// indexConfig is the configuration of the index subcommand.
type indexConfig struct {
	instruments int
	dir         string
	samples     int
	impactRuns  int
	batch       int
	seed        uint64
	rebuild     bool
	markdown    bool
	// supervisionRuns is how many times each supervision list is asked.
	supervisionRuns int
	// httpClients, when positive, measures trace, impact, recognition and
	// GET /healthz through the HTTP API with that many concurrent clients
	// for httpDuration each.
	httpClients  int
	httpDuration time.Duration
	// cpuProfile, when set, is the file of a CPU profile (pprof) of the
	// HTTP trace route's load.
	cpuProfile string
}

// networkConfig is the configuration of the network subcommand.
type networkConfig struct {
	connection   string
	concurrency  int
	duration     time.Duration
	warmup       time.Duration
	rounds       int
	rawChaincode string
	batchTimeout time.Duration
	eventsOrg    string
	evaluate     time.Duration
	batch        int
	footprint    bool
	cpuPids      string
	printUsers   bool
	printCert    bool
	loadOnly     bool
	markdown     bool
}

const usage = `usage:
  metrotrace-bench index   [--instruments N] [--dir DIR] [flags]
  metrotrace-bench embedded [--single N] [--certificates N] [--markdown]
  metrotrace-bench case [--instruments N] [--chunk N] [--markdown]
  metrotrace-bench network --connection FILE [--concurrency N] [--duration D] [flags]
  metrotrace-bench network --print-users [--concurrency N]
run "metrotrace-bench <command> -h" for the flags`

func parseIndex(args []string, stderr io.Writer) (indexConfig, error) {
	c := indexConfig{}
	fs := flag.NewFlagSet("metrotrace-bench index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.instruments, "instruments", 100000, "instruments in the index (three certificates each)")
	fs.StringVar(&c.dir, "dir", "", "index directory, reused when it holds a complete index of the same size (default: a temporary directory, removed after)")
	fs.IntVar(&c.samples, "samples", 10000, "random instruments for the point-read and trace latencies")
	fs.IntVar(&c.impactRuns, "impact-runs", 5, "runs of each impact query")
	fs.IntVar(&c.batch, "batch", 1000, "records per applied event while building")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the random instrument choice")
	fs.IntVar(&c.supervisionRuns, "supervision-runs", 200, "runs of a page of the overdue list (coverage: a tenth as many, at least 3)")
	fs.IntVar(&c.httpClients, "http-clients", 0, "concurrent clients of the HTTP measurement (0: skip it)")
	fs.DurationVar(&c.httpDuration, "http-duration", 5*time.Second, "measured time of each HTTP route")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the HTTP trace route's load to this file (needs --http-clients)")
	fs.BoolVar(&c.rebuild, "rebuild", false, "rebuild an index of another size or an unfinished one in --dir")
	fs.BoolVar(&c.markdown, "markdown", false, "print the table as Markdown")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	case c.instruments < 1 || c.instruments > 9999999:
		return c, fmt.Errorf("--instruments must be between 1 and 9999999, not %d", c.instruments)
	case c.samples < 1:
		return c, fmt.Errorf("--samples must be at least 1, not %d", c.samples)
	case c.impactRuns < 1:
		return c, fmt.Errorf("--impact-runs must be at least 1, not %d", c.impactRuns)
	case c.supervisionRuns < 1:
		return c, fmt.Errorf("--supervision-runs must be at least 1, not %d", c.supervisionRuns)
	case c.httpClients < 0 || c.httpClients > 256:
		return c, fmt.Errorf("--http-clients must be between 0 and 256, not %d", c.httpClients)
	case c.cpuProfile != "" && c.httpClients == 0:
		return c, fmt.Errorf("--cpuprofile profiles the HTTP trace route: give --http-clients too")
	case c.httpClients > 0 && c.httpDuration <= 0:
		return c, fmt.Errorf("--http-duration must be positive, not %s", c.httpDuration)
	case c.batch < 1 || c.batch > 5000:
		return c, fmt.Errorf("--batch must be between 1 and 5000 records (a badger transaction's limit), not %d", c.batch)
	}
	return c, nil
}

func parseNetwork(args []string, stderr io.Writer) (networkConfig, error) {
	c := networkConfig{}
	fs := flag.NewFlagSet("metrotrace-bench network", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.connection, "connection", "", "connection.json of the running network (written by scripts/network.sh up)")
	fs.IntVar(&c.concurrency, "concurrency", 50, "concurrent submitters, each its own goroutine and identity")
	fs.DurationVar(&c.duration, "duration", 30*time.Second, "measured time of each phase")
	fs.DurationVar(&c.warmup, "warmup", 3*time.Second, "unmeasured time at the start of each phase")
	fs.IntVar(&c.rounds, "rounds", 1, "raw and metrotrace phases alternate this many times; figures are over all rounds")
	fs.StringVar(&c.rawChaincode, "raw-chaincode", "benchput", "name of the trivial put chaincode (network/benchcc) on the channel")
	fs.DurationVar(&c.batchTimeout, "batch-timeout", 100*time.Millisecond, "the orderer's BatchTimeout (the index lag target)")
	fs.StringVar(&c.eventsOrg, "events-org", "", "MSP id of the one peer the index follows (default: every organization's peer, each block applied from the first to deliver it)")
	fs.DurationVar(&c.evaluate, "evaluate", 0, "also run each chaincode through Evaluate alone (execution on one peer, no ordering or commit) for this long, to separate chaincode cost from ordering and validation (0: skip)")
	fs.IntVar(&c.batch, "batch", 20, "certificates per IssueCertificates transaction in the batched phase of each round (0: no batched phase)")
	fs.BoolVar(&c.footprint, "footprint", true, "also run the raw chaincode's PutFootprint in each round: IssueCertificate's reads, writes, key-level policy and event without its checks, so the state footprint and the chaincode's own work are measured apart")
	fs.StringVar(&c.cpuPids, "cpu-pids", "", "directory of the network's NAME.pid files ($METROTRACE_NETWORK_DIR/pids); when set, each phase also reports the CPU its transactions cost the network")
	fs.BoolVar(&c.printUsers, "print-users", false, "print the users the run needs as a batch for 'scripts/network.sh enroll --batch -', and exit")
	fs.BoolVar(&c.printCert, "print-certificate", false, "print the certificate every IssueCertificate copies (JSON; other clients such as Caliper's workload set its id and issuer_id), and exit")
	fs.BoolVar(&c.loadOnly, "load-only", false, "write the scenario region and the submitters' institutions, then exit (to run another client, such as Caliper, on the same data)")
	fs.BoolVar(&c.markdown, "markdown", false, "print the table as Markdown")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	case c.concurrency < 1 || c.concurrency > 999:
		return c, fmt.Errorf("--concurrency must be between 1 and 999, not %d", c.concurrency)
	case c.printUsers, c.printCert:
		return c, nil
	case c.connection == "":
		return c, errors.New("--connection is required (the network's connection.json)")
	case c.duration <= 0:
		return c, fmt.Errorf("--duration must be positive, not %s", c.duration)
	case c.warmup < 0:
		return c, fmt.Errorf("--warmup must not be negative, not %s", c.warmup)
	case c.rounds < 1:
		return c, fmt.Errorf("--rounds must be at least 1, not %d", c.rounds)
	case c.rawChaincode == "":
		return c, errors.New("--raw-chaincode must name the put chaincode")
	case c.evaluate < 0:
		return c, fmt.Errorf("--evaluate must not be negative, not %s", c.evaluate)
	case c.batchTimeout <= 0:
		return c, fmt.Errorf("--batch-timeout must be positive, not %s", c.batchTimeout)
	case c.batch < 0 || c.batch > record.MaxBatch:
		return c, fmt.Errorf("--batch must be from 0 (no batched phase) to %d certificates (record.MaxBatch), not %d", record.MaxBatch, c.batch)
	}
	return c, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "index":
		c, err := parseIndex(args[1:], stderr)
		if err != nil {
			return badArgs(err)
		}
		return runIndex(c, stdout, stderr)
	case "embedded":
		c, err := parseEmbedded(args[1:], stderr)
		if err != nil {
			return badArgs(err)
		}
		return runEmbedded(c, stdout, stderr)
	case "case":
		c, err := parseCase(args[1:], stderr)
		if err != nil {
			return badArgs(err)
		}
		return runCase(c, stdout, stderr)
	case "network":
		c, err := parseNetwork(args[1:], stderr)
		if err != nil {
			return badArgs(err)
		}
		if c.printUsers {
			return printUsers(c, stdout)
		}
		if c.printCert {
			return printCertificate(stdout)
		}
		return runNetwork(c, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q: %w", args[0], errUsage)
}

var errUsage = errors.New(usage)

// argsError is a command line a subcommand refused: exit status 2.
type argsError struct{ err error }

func (e argsError) Error() string { return e.err.Error() }
func (e argsError) Unwrap() error { return e.err }

// badArgs marks a subcommand's parse error as a usage error.
func badArgs(err error) error { return argsError{err} }

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	case errors.As(err, new(argsError)):
		fmt.Fprintln(os.Stderr, "metrotrace-bench:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "metrotrace-bench:", err)
		os.Exit(1)
	}
}
