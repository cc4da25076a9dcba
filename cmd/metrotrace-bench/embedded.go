package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// embeddedConfig is the configuration of the embedded subcommand.
type embeddedConfig struct {
	single, batched int
	instruments     int
	cpuProfile      string
	markdown        bool
}

func parseEmbedded(args []string, stderr io.Writer) (embeddedConfig, error) {
	c := embeddedConfig{}
	fs := flag.NewFlagSet("metrotrace-bench embedded", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.single, "single", 5000, "certificates issued one transaction each")
	fs.IntVar(&c.batched, "certificates", 50000, "certificates issued through IssueCertificates, record.MaxBatch a transaction")
	fs.IntVar(&c.instruments, "instruments", 1000, "instruments registered first, copies of the scenario's Tianjin balance; the certificates are spread over them round robin, as a region's are")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the ledger phases to this file")
	fs.BoolVar(&c.markdown, "markdown", false, "print the table as Markdown")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	case c.single < 1 || c.single > 10000000:
		return c, fmt.Errorf("--single must be between 1 and 10000000, not %d", c.single)
	case c.instruments < 1 || c.instruments > 1000000:
		return c, fmt.Errorf("--instruments must be between 1 and 1000000, not %d", c.instruments)
	case c.batched < 1 || c.batched > 10000000:
		return c, fmt.Errorf("--certificates must be between 1 and 10000000, not %d", c.batched)
	}
	return c, nil
}

// selfCPU is the CPU time this process has used, user and system: on a
// shared, loaded machine rates per CPU second compare across runs, rates
// per wall second do not. (cpuMeter reads the network's processes.)
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ingest is one measured phase: items written in wall and CPU time.
type ingest struct {
	items     int
	wall, cpu time.Duration
}

func (g ingest) String() string {
	return fmt.Sprintf("%.0f /s (%.0f per CPU second; %d in %s)", float64(g.items)/g.wall.Seconds(), float64(g.items)/g.cpu.Seconds(), g.items, g.wall.Round(time.Millisecond))
}

func measured(items int, fn func() error) (ingest, error) {
	runtime.GC()
	cpu, start := selfCPU(), time.Now()
	err := fn()
	return ingest{items: items, wall: time.Since(start), cpu: selfCPU() - cpu}, err
}

// runEmbedded measures ingest on the embedded ledger (gateway/embedded:
// the real chaincode on the badger stub, on disk) while an on-disk index
// follows it, as metrotrace serve --backend embedded runs: certificates one
// transaction each and record.MaxBatch a transaction, each beside raw
// badger writes of the same values the same way, spread over instruments
// registered first, and the index lag of
// every transaction (commit → index applied). The lag here covers every
// transaction of the ledger, which has no peers: the Fabric figure
// (metrotrace-bench network) follows every organization's peer.
func runEmbedded(c embeddedConfig, stdout, stderr io.Writer) error {
	tmp, err := os.MkdirTemp("", "metrotrace-bench-embedded-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	cert := certificateTemplate()
	value, _ := json.Marshal(&cert)
	fmt.Fprintf(stderr, "raw badger: %d values one transaction each, %d in transactions of %d\n", c.single, c.batched, record.MaxBatch)
	db, err := badgerdb.Open(badgerdb.DefaultOptions(filepath.Join(tmp, "raw")))
	if err != nil {
		return err
	}
	rawSingle, err := measured(c.single, func() error {
		for i := 0; i < c.single; i++ {
			if err := db.Update(func(txn *badger.Txn) error { return txn.Set(fmt.Appendf(nil, "s/%08d", i), value) }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return err
	}
	rawBatch, err := measured(c.batched, func() error {
		for i := 0; i < c.batched; i += record.MaxBatch {
			if err := db.Update(func(txn *badger.Txn) error {
				for j := i; j < min(i+record.MaxBatch, c.batched); j++ {
					if err := txn.Set(fmt.Appendf(nil, "b/%08d", j), value); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		return err
	}

	r, err := openEmbeddedRegion(ctx, tmp)
	if err != nil {
		return err
	}
	defer r.stop()
	l, x, at, recorder := r.ledger, r.index, r.times, r.recorder
	fmt.Fprintf(stderr, "registering %d instruments\n", c.instruments)
	subject := func(i int) string { return fmt.Sprintf("BENCH-INS-%07d", i%c.instruments) }
	if err := r.registerInstruments(ctx, c.instruments, subject, nil); err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(c.cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	var commits []commit
	submit := func(call ledger.Call) error {
		r, err := l.Submit(ctx, recorder, call)
		if err != nil {
			return err
		}
		commits = append(commits, commit{block: r.BlockNumber, at: time.Now()})
		return nil
	}
	fmt.Fprintf(stderr, "embedded ledger: %d certificates one transaction each\n", c.single)
	single, err := measured(c.single, func() error {
		for i := 0; i < c.single; i++ {
			cert.ID, cert.SubjectID = fmt.Sprintf("BENCH-S-%08d", i), subject(i)
			data, _ := json.Marshal(&cert)
			if err := submit(ledger.Call{Function: record.FnIssueCertificate, Args: []string{string(data)}}); err != nil {
				return fmt.Errorf("issue %s: %w", cert.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	singleCommits := len(commits)
	fmt.Fprintf(stderr, "embedded ledger: %d certificates, %d a transaction\n", c.batched, record.MaxBatch)
	batched, err := measured(c.batched, func() error {
		return issueBatched(c.batched, cert, func(i int) string { return fmt.Sprintf("BENCH-B-%08d", i) }, subject, submit)
	})
	if err != nil {
		return err
	}
	wait, stop := context.WithTimeout(ctx, 2*time.Minute)
	defer stop()
	if err := x.WaitFor(wait, commits[len(commits)-1].block); err != nil {
		return err
	}
	lagSingle, missing1 := at.lags(commits[:singleCommits], nil)
	lagBatch, missing2 := at.lags(commits[singleCommits:], nil)
	if missing1+missing2 > 0 {
		return fmt.Errorf("the index applied no event of %d committed transactions", missing1+missing2)
	}
	ls, lb := summarize(clampNegative(lagSingle)), summarize(clampNegative(lagBatch))
	t := &table{Title: fmt.Sprintf("metrotrace-bench embedded: the chaincode on the badger stub, on disk, an index following (GOMAXPROCS %d)", runtime.GOMAXPROCS(0))}
	t.Rows = append(t.Rows,
		row{What: "embedded IssueCertificate, one transaction per certificate", Measured: single.String(), Baseline: "raw badger, one write per transaction " + rawSingle.String(),
			Ratio: ratio(float64(single.items)/single.cpu.Seconds(), float64(rawSingle.items)/rawSingle.cpu.Seconds()) + " (per CPU second)", Target: "≥ 5,000 /s"},
		row{What: fmt.Sprintf("embedded IssueCertificates, %d certificates per transaction", record.MaxBatch), Measured: batched.String(),
			Baseline: fmt.Sprintf("raw badger, %d writes per transaction %s", record.MaxBatch, rawBatch), Ratio: ratio(float64(batched.items)/batched.cpu.Seconds(), float64(rawBatch.items)/rawBatch.cpu.Seconds()) + " (per CPU second)", Target: "≥ 20,000 /s"},
		row{What: "the batched against the single", Measured: fmt.Sprintf("%.0f /s", float64(batched.items)/batched.wall.Seconds()), Baseline: fmt.Sprintf("%.0f /s", float64(single.items)/single.wall.Seconds()),
			Ratio: ratio(float64(batched.items)/batched.wall.Seconds(), float64(single.items)/single.wall.Seconds())},
		row{What: fmt.Sprintf("index lag, commit → index applied, every transaction (%d single)", len(lagSingle)), Measured: "p50 " + ms(ls.P50) + ", p99 " + ms(ls.P99) + ", max " + ms(ls.Max), Target: "p99 ≤ 100 ms"},
		row{What: fmt.Sprintf("index lag, every transaction (%d of %d certificates)", len(lagBatch), record.MaxBatch), Measured: "p50 " + ms(lb.P50) + ", p99 " + ms(lb.P99) + ", max " + ms(lb.Max), Target: "p99 ≤ 100 ms"},
	)
	t.Notes = append(t.Notes, "rates per wall second move with the machine's load; per CPU second (getrusage of this process, which also runs the index) they compare across runs",
		"lag: from Submit returning to the index having applied the transaction's event (0 when the index was first); the embedded ledger has no peers, so it covers every transaction")
	return t.write(stdout, c.markdown)
}

// clampNegative sets negative lags (the index applied the event before the
// submitter saw its commit) to 0.
func clampNegative(d []time.Duration) []time.Duration {
	for i := range d {
		d[i] = max(d[i], 0)
	}
	return d
}
