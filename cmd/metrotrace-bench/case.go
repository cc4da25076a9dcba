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
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// caseConfig is the configuration of the case subcommand.
type caseConfig struct {
	instruments int
	chunk       int
	cpuProfile  string
	memProfile  string
	markdown    bool
}

func parseCase(args []string, stderr io.Writer) (caseConfig, error) {
	c := caseConfig{}
	fs := flag.NewFlagSet("metrotrace-bench case", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.instruments, "instruments", 100000, "compulsory instruments the standard feeds, one certificate each")
	fs.IntVar(&c.chunk, "chunk", httpapi.CaseChunk, "notice items per transaction (the gateway's chunk)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the case's recording to this file")
	fs.StringVar(&c.memProfile, "memprofile", "", "write a heap profile (pprof) to this file when the case is recorded (the .before file: when it is opened)")
	fs.BoolVar(&c.markdown, "markdown", false, "print the table as Markdown")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	case c.instruments < 1 || c.instruments > 1000000:
		return c, fmt.Errorf("--instruments must be between 1 and 1000000, not %d", c.instruments)
	case c.chunk < 1 || c.chunk > 2000:
		return c, fmt.Errorf("--chunk must be between 1 and 2000, not %d", c.chunk)
	}
	return c, nil
}

// embeddedRegion is the scenario region on an embedded ledger on disk with
// an index following it, as `metrotrace serve` runs them.
type embeddedRegion struct {
	ledger   *embedded.Ledger
	index    *index.Index
	times    *applyTimes
	recorder *identity.Identity // a recorder of TJ-ENT
	stop     func()
}

func openEmbeddedRegion(ctx context.Context, dir string) (*embeddedRegion, error) {
	l, err := embedded.Open(filepath.Join(dir, "ledger"))
	if err != nil {
		return nil, err
	}
	for _, s := range scenario.New().Steps() {
		id, err := l.Wallet().Identity(s.MSPID, s.Role, s.Institution)
		if err == nil {
			_, err = l.Submit(ctx, id, ledger.Call{Function: s.Function, Args: s.Args, Transient: s.Transient})
		}
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("scenario step %s: %w", s.Function, err)
		}
	}
	x, err := index.Open(filepath.Join(dir, "index"), nil)
	if err != nil {
		l.Close()
		return nil, err
	}
	r := &embeddedRegion{ledger: l, index: x, times: &applyTimes{Ledger: l, applied: map[uint64]time.Time{}}}
	follow, cancel := context.WithCancel(ctx)
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		_ = x.Follow(follow, r.times)
	}()
	stopReleasing := badgerdb.StartReleasingMapped(nil, dir) // as metrotrace serve does
	r.stop = func() {
		cancel()
		<-followed
		stopReleasing()
		x.Close()
		l.Close()
	}
	if r.recorder, err = l.Wallet().Identity("TianjinMSP", "recorder", "TJ-ENT"); err != nil {
		r.stop()
		return nil, err
	}
	return r, nil
}

// registerInstruments registers n copies of the scenario's Tianjin balance
// (the subject of certificateTemplate), named by subject, changed by edit.
func (r *embeddedRegion) registerInstruments(ctx context.Context, n int, subject func(int) string, edit func(int, *record.Instrument)) error {
	cert := certificateTemplate()
	var balance record.Instrument
	for _, in := range scenario.New().Instruments {
		if in.ID == cert.SubjectID {
			balance = *in
		}
	}
	for i := 0; i < n; i++ {
		in := balance
		in.ID, in.Serial = subject(i), subject(i)
		if edit != nil {
			edit(i, &in)
		}
		data, _ := json.Marshal(&in)
		if _, err := r.ledger.Submit(ctx, r.recorder, ledger.Call{Function: record.FnRegisterInstrument, Args: []string{string(data)}}); err != nil {
			return fmt.Errorf("register %s: %w", in.ID, err)
		}
		if (i+1)%50000 == 0 {
			fmt.Fprintf(os.Stderr, "  %d instruments\n", i+1)
		}
	}
	return nil
}

// issueBatched issues n copies of cert, the i-th named id(i) and about
// subject(i), record.MaxBatch a transaction through submit.
func issueBatched(n int, cert record.Certificate, id, subject func(int) string, submit func(ledger.Call) error) error {
	batch := make([]json.RawMessage, 0, record.MaxBatch)
	for i := 0; i < n; i++ {
		cert.ID, cert.SubjectID = id(i), subject(i)
		data, _ := json.Marshal(&cert)
		batch = append(batch, data)
		if len(batch) == record.MaxBatch || i == n-1 {
			arg, _ := json.Marshal(batch)
			if err := submit(ledger.Call{Function: record.FnIssueCertificates, Args: []string{string(arg)}}); err != nil {
				return fmt.Errorf("issue batch ending at %s: %w", cert.ID, err)
			}
			batch = batch[:0]
		}
	}
	return nil
}

// writeHeapProfile writes the heap's profile (after a collection) to
// file+suffix; with file "" it does nothing.
func writeHeapProfile(file, suffix string) error {
	if file == "" {
		return nil
	}
	f, err := os.Create(file + suffix)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// startCPUProfile writes a CPU profile to file until the returned stop is
// called; with file "" it does nothing.
func startCPUProfile(file string) (stop func(), err error) {
	if file == "" {
		return func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// runCase measures an out-of-tolerance case on the embedded ledger: a
// standard whose certificates calibrated N compulsory instruments is found
// out of tolerance, and the case is opened as POST /api/v1/cases does it
// (OpenCase, then ContinueCase of the gateway's chunk until recorded),
// until the index shows every notice item; with the process's RSS sampled
// throughout (ledger and index are what the gateway process holds).
func runCase(c caseConfig, stdout, stderr io.Writer) error {
	tmp, err := os.MkdirTemp("", "metrotrace-bench-case-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(badgerdb.MemoryLimit) // as metrotrace serve sets it (--memory-limit)
	}
	ctx := context.Background()
	r, err := openEmbeddedRegion(ctx, tmp)
	if err != nil {
		return err
	}
	defer r.stop()
	subject := func(i int) string { return fmt.Sprintf("CASE-INS-%07d", i) }
	fmt.Fprintf(stderr, "registering %d compulsory instruments\n", c.instruments)
	if err := r.registerInstruments(ctx, c.instruments, subject, func(i int, in *record.Instrument) {
		in.Compulsory, in.Category, in.IntervalMonths = true, "non_automatic_weighing", 12
		in.Location = &record.Location{District: scenario.SyntheticDistricts[i%len(scenario.SyntheticDistricts)]}
	}); err != nil {
		return err
	}
	cert := certificateTemplate()
	fmt.Fprintf(stderr, "issuing %d certificates against %s, %d a transaction\n", c.instruments, cert.ReferenceIDs[0], record.MaxBatch)
	var last *ledger.Receipt
	if err := issueBatched(c.instruments, cert, func(i int) string { return fmt.Sprintf("CASE-C-%08d", i) }, subject, func(call ledger.Call) (err error) {
		last, err = r.ledger.Submit(ctx, r.recorder, call)
		return err
	}); err != nil {
		return err
	}
	wait, stop := context.WithTimeout(ctx, 10*time.Minute)
	defer stop()
	if err := r.index.WaitFor(wait, last.BlockNumber); err != nil {
		return err
	}
	runtime.GC()
	before, _ := readMem("/proc/self/status")
	if err := writeHeapProfile(c.memProfile, ".before"); err != nil {
		return err
	}

	fmt.Fprintf(stderr, "opening a case on %s since %s\n", cert.ReferenceIDs[0], "2024-01-01")
	stopProfile, err := startCPUProfile(c.cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	rss := sampleRSS(50 * time.Millisecond)
	opening, _ := json.Marshal(&record.CaseOpening{ID: "CASE-BENCH", StandardID: cert.ReferenceIDs[0], Since: "2024-01-01", Finding: "out of tolerance at 200 g"})
	chunk := fmt.Sprint(c.chunk)
	start := time.Now()
	rec, err := r.ledger.Submit(ctx, r.recorder, ledger.Call{Function: record.FnOpenCase, Args: []string{string(opening), chunk}})
	var first time.Duration
	txs := 1
	for err == nil {
		if txs == 1 {
			first = time.Since(start)
		}
		var cs record.Case
		if err = json.Unmarshal(rec.Payload, &cs); err != nil || cs.Recorded {
			break
		}
		rec, err = r.ledger.Submit(ctx, r.recorder, ledger.Call{Function: record.FnContinueCase, Args: []string{"CASE-BENCH", chunk}})
		txs++
	}
	if err != nil {
		rss.peak()
		return fmt.Errorf("case transaction %d: %w", txs, err)
	}
	recorded := time.Since(start)
	if err := writeHeapProfile(c.memProfile, ""); err != nil {
		return err
	}
	if err := r.index.WaitFor(wait, rec.BlockNumber); err != nil {
		return err
	}
	indexed := time.Since(start)
	peak := rss.peak()
	view, err := r.index.Case("CASE-BENCH")
	if err != nil {
		return err
	}
	items := 0
	for _, n := range view.Notices {
		items += len(n.Items)
	}
	if !view.Recorded || items < c.instruments {
		return fmt.Errorf("case recorded %v with %d items in %d notices, want every one of %d certificates", view.Recorded, items, len(view.Notices), c.instruments)
	}
	t := &table{Title: fmt.Sprintf("metrotrace-bench case: an out-of-tolerance case on the embedded ledger (GOMAXPROCS %d)", runtime.GOMAXPROCS(0))}
	t.Rows = append(t.Rows,
		row{What: fmt.Sprintf("open a case on a standard feeding %d instruments: %d notice items in %d notices, %d transactions of %d items", c.instruments, items, len(view.Notices), txs, c.chunk),
			Measured: fmt.Sprintf("%.1f s to recorded, %.1f s to indexed", recorded.Seconds(), indexed.Seconds()), Baseline: fmt.Sprintf("first transaction %s", ms(first)),
			Ratio: ratio(float64(recorded), float64(first)), Target: "≤ 60 s"},
		row{What: "RSS of the process (ledger + index) while the case is recorded", Measured: fmt.Sprintf("peak %s (%s anonymous, Go heap %s)", mib(peak.RSS), mib(peak.Anon), mib(peak.GoHeap)),
			Baseline: fmt.Sprintf("before %s (Go heap %s)", mib(before.RSS), mib(before.GoHeap)), Ratio: "–", Target: "≤ 300 MB"},
	)
	return t.write(stdout, c.markdown)
}
