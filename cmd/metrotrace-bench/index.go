package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// markerFile, in an index directory, says which region the directory holds
// and that its build completed, so a later run can reuse it.
const markerFile = "metrotrace-bench.json"

// marker is the content of markerFile.
type marker struct {
	Instruments  int     `json:"instruments"`
	Certificates int     `json:"certificates"`
	Complete     bool    `json:"complete"`
	BuildSeconds float64 `json:"build_seconds"`
}

// The benchmark region is scenario.Synthetic.
const (
	impactStandard = scenario.SyntheticImpactStandard
	traceAt        = scenario.SyntheticTraceAt
)

var instrumentID = scenario.SyntheticInstrumentID

// regionEvents writes the benchmark region as events of at most batch
// records each to out, then closes it: an institution, a capability, an
// eight-level chain of standards (STD-0 primary … STD-7 working, each
// calibrated against the one above) and n instruments under STD-7, each with
// three yearly verification certificates — the region of
// gateway/index/bench_test.go.
func regionEvents(n, batch int, out chan<- ledger.Event) {
	defer close(out)
	var block uint64
	var recs []record.EventRecord
	flush := func() {
		if len(recs) == 0 {
			return
		}
		block++
		tx := "bench-" + strconv.FormatUint(block, 10)
		payload, err := json.Marshal(record.Event{Function: "bench", TxID: tx, Records: recs})
		if err != nil {
			panic(err) // records of fixed types always marshal
		}
		out <- ledger.Event{BlockNumber: block, TxID: tx, Name: record.EventName, Payload: payload}
		recs = make([]record.EventRecord, 0, batch)
	}
	add := func(docType, id string, v any) {
		data, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		recs = append(recs, record.EventRecord{DocType: docType, ID: id, Record: data})
		if len(recs) >= batch {
			flush()
		}
	}
	scenario.Synthetic(n, add)
	flush()
}

// prepareDir decides whether dir holds a complete index of n instruments
// to reuse (true), or is empty or new and will be built (false). A
// directory of another size or an unfinished build is emptied when rebuild
// is set and refused otherwise; a non-empty directory without a marker is
// always refused, so no unrelated data is removed.
func prepareDir(dir string, n int, rebuild bool) (reuse bool, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return false, err
	}
	if len(entries) == 0 {
		return false, nil
	}
	data, err := os.ReadFile(filepath.Join(dir, markerFile))
	if errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("%s is not empty and holds no %s: not a metrotrace-bench index; choose another --dir", dir, markerFile)
	}
	if err != nil {
		return false, err
	}
	var m marker
	if err := json.Unmarshal(data, &m); err != nil {
		return false, fmt.Errorf("%s: %w", filepath.Join(dir, markerFile), err)
	}
	if m.Complete && m.Instruments == n && !rebuild {
		return true, nil
	}
	if !rebuild {
		if !m.Complete {
			return false, fmt.Errorf("%s holds an unfinished build; pass --rebuild to start again", dir)
		}
		return false, fmt.Errorf("%s holds an index of %d instruments, not %d; pass --rebuild or choose another --dir", dir, m.Instruments, n)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return false, err
		}
	}
	return false, nil
}

func writeMarker(dir string, m marker) error {
	data, _ := json.Marshal(m)
	return os.WriteFile(filepath.Join(dir, markerFile), data, 0o644)
}

// runIndex builds or reuses the index and measures it.
func runIndex(c indexConfig, stdout, stderr io.Writer) error {
	dir := c.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "metrotrace-bench-index-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(badgerdb.MemoryLimit) // as metrotrace serve sets it (--memory-limit)
	}
	memStart, err := readMem("/proc/self/status")
	if err != nil {
		return err
	}
	reuse, err := prepareDir(dir, c.instruments, c.rebuild)
	if err != nil {
		return err
	}
	n := c.instruments
	t := &table{Title: fmt.Sprintf("metrotrace-bench index: %d instruments, %d certificates, 8-level chain (%s, GOMAXPROCS %d)", n, 3*n+7, dir, runtime.GOMAXPROCS(0))}

	x, err := index.Open(dir, nil)
	if err != nil {
		return err
	}
	defer x.Close()
	defer badgerdb.StartReleasingMapped(nil, dir)() // as metrotrace serve does
	var build time.Duration
	if reuse {
		fmt.Fprintf(stderr, "reusing the index of %d instruments in %s\n", n, dir)
		data, _ := os.ReadFile(filepath.Join(dir, markerFile))
		var m marker
		_ = json.Unmarshal(data, &m)
		build = time.Duration(m.BuildSeconds * float64(time.Second))
		t.Notes = append(t.Notes, "index reused from an earlier run: build time is that run's; RSS \"after build\" is after opening")
	} else {
		if err := writeMarker(dir, marker{Instruments: n, Certificates: 3*n + 7}); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "building an index of %d instruments (%d records) in %s, %d records per event\n", n, 4*n+17, dir, c.batch)
		events := make(chan ledger.Event, 4)
		go regionEvents(n, c.batch, events)
		start := time.Now()
		next := start.Add(10 * time.Second)
		applied := 0
		for ev := range events {
			if err := x.Apply(ev); err != nil {
				for range events { // let the producer finish
				}
				return fmt.Errorf("apply block %d: %w", ev.BlockNumber, err)
			}
			applied++
			if now := time.Now(); now.After(next) {
				fmt.Fprintf(stderr, "  %d records in %s\n", applied*c.batch, now.Sub(start).Round(time.Second))
				next = now.Add(10 * time.Second)
			}
		}
		build = time.Since(start)
		if err := writeMarker(dir, marker{Instruments: n, Certificates: 3*n + 7, Complete: true, BuildSeconds: build.Seconds()}); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "built in %s\n", build.Round(time.Millisecond))
	}
	settled, pending := settleCompactions(x, maxSettle, stderr)
	memBuilt, err := readMem("/proc/self/status")
	if err != nil {
		return err
	}
	apparent, allocated, err := dirSize(dir)
	if err != nil {
		return err
	}
	records := 4*n + 17
	t.Rows = append(t.Rows,
		row{What: "build (index.Apply, " + strconv.Itoa(c.batch) + " records per event)", Measured: fmt.Sprintf("%s, %.0f records/s, %.0f certificates/s", build.Round(time.Millisecond), float64(records)/build.Seconds(), float64(3*n+7)/build.Seconds())},
		row{What: "on-disk size", Measured: fmt.Sprintf("%s apparent, %s allocated", mib(apparent), mib(allocated)), Ratio: fmt.Sprintf("%.0f B per record", float64(allocated)/float64(records))},
		row{What: "wait for badger's compactions before the measurements", Measured: settledText(settled, pending)},
	)

	rng := rand.New(rand.NewPCG(c.seed, 1))
	sample := func() []string {
		ids := make([]string, c.samples)
		for i := range ids {
			ids[i] = instrumentID(rng.IntN(n))
		}
		return ids
	}
	fmt.Fprintf(stderr, "point reads and traces of %d random instruments\n", c.samples)
	getLat := make([]time.Duration, 0, c.samples)
	for _, id := range sample() {
		start := time.Now()
		if _, err := x.Get(context.Background(), record.DocInstrument, id); err != nil {
			return fmt.Errorf("get %s: %w", id, err)
		}
		getLat = append(getLat, time.Since(start))
	}
	traceLat := make([]time.Duration, 0, c.samples)
	for _, id := range sample() {
		start := time.Now()
		rep, err := x.Trace(context.Background(), id, traceAt)
		d := time.Since(start)
		if err != nil {
			return fmt.Errorf("trace %s: %w", id, err)
		}
		if !rep.Traceable || len(rep.Links) != 8 {
			return fmt.Errorf("trace %s: traceable %v with %d links, want 8: %v", id, rep.Traceable, len(rep.Links), rep.Problems)
		}
		traceLat = append(traceLat, d)
	}
	memTraced, err := readMem("/proc/self/status")
	if err != nil {
		return err
	}
	g, tr := summarize(getLat), summarize(traceLat)
	t.Rows = append(t.Rows,
		row{What: fmt.Sprintf("point read (Get), %d random instruments", c.samples), Measured: "p50 " + ms(g.P50) + ", p99 " + ms(g.P99)},
		row{What: fmt.Sprintf("trace depth 8, %d random instruments", c.samples), Measured: "p50 " + ms(tr.P50) + ", p99 " + ms(tr.P99),
			Baseline: "point read p99 " + ms(g.P99), Ratio: ratio(float64(tr.P99), float64(g.P99)) + " (p99)", Target: "p99 ≤ 1 ms at 1M / 3M"},
	)

	if err := measureStream(x, n, c.impactRuns, t, stderr); err != nil {
		return err
	}
	if err := measureSupervision(x, n, c.supervisionRuns, g, t, stderr); err != nil {
		return err
	}
	if c.httpClients > 0 {
		if err := measureHTTP(x, n, c, t, stderr); err != nil {
			return err
		}
	}

	fmt.Fprintf(stderr, "listing every instrument (baseline of impact)\n")
	start := time.Now()
	listed, token := 0, ""
	for {
		page, err := x.List(context.Background(), record.DocInstrument, "", "", record.MaxPageSize, token)
		if err != nil {
			return err
		}
		listed += len(page.Records)
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	list := time.Since(start)
	if listed != n {
		return fmt.Errorf("listed %d instruments, want %d", listed, n)
	}
	impact := func(paths bool, runs int) (summary, error) {
		var d []time.Duration
		for i := 0; i < runs; i++ {
			start := time.Now()
			set, err := x.Impact(context.Background(), impactStandard, "2024-01-01", paths)
			el := time.Since(start)
			if err != nil {
				return summary{}, err
			}
			if len(set.Instruments) != n {
				return summary{}, fmt.Errorf("impact of %s reached %d instruments, want %d", impactStandard, len(set.Instruments), n)
			}
			d = append(d, el)
			runtime.GC() // each run starts from the same heap
		}
		return summarize(d), nil
	}
	fmt.Fprintf(stderr, "impact of %s (feeds all %d instruments), %d runs without and %d with paths\n", impactStandard, n, c.impactRuns, c.impactRuns)
	imp, err := impact(false, c.impactRuns)
	if err != nil {
		return err
	}
	impPaths, err := impact(true, c.impactRuns)
	if err != nil {
		return err
	}
	target := "≤ 0.5 s for 100k instruments"
	if n != 100000 {
		target += fmt.Sprintf(" (%.2f s scaled to %d)", 0.5*float64(n)/100000, n)
	}
	t.Rows = append(t.Rows,
		row{What: fmt.Sprintf("list every instrument (%d pages of %d)", (n+record.MaxPageSize-1)/record.MaxPageSize, record.MaxPageSize), Measured: list.Round(time.Millisecond).String()},
		row{What: fmt.Sprintf("impact of %s feeding %d instruments / %d certificates, no paths (%d runs)", impactStandard, n, 3*n+1, c.impactRuns),
			Measured: "p50 " + ms(imp.P50) + ", max " + ms(imp.Max), Baseline: "list every instrument " + ms(list), Ratio: ratio(float64(imp.P50), float64(list)), Target: target},
		row{What: fmt.Sprintf("impact of %s with paths (%d runs)", impactStandard, c.impactRuns),
			Measured: "p50 " + ms(impPaths.P50) + ", max " + ms(impPaths.Max), Baseline: "no paths p50 " + ms(imp.P50), Ratio: ratio(float64(impPaths.P50), float64(imp.P50)), Target: target},
	)
	memAfter, err := readMem("/proc/self/status")
	if err != nil {
		return err
	}
	runtime.GC()
	debug.FreeOSMemory()
	memFreed, err := readMem("/proc/self/status")
	if err != nil {
		return err
	}
	after := "after build"
	if reuse {
		after = "after opening"
	}
	t.Rows = append(t.Rows,
		row{What: "process RSS " + after, Measured: memBuilt.String(), Baseline: "at start " + mib(memStart.RSS), Target: "≤ 300 MB at 1M"},
		row{What: "process RSS after the point reads and traces (before impact)", Measured: memTraced.String(), Baseline: "at start " + mib(memStart.RSS), Target: "≤ 300 MB at 1M"},
		row{What: "process RSS after the queries", Measured: memAfter.String(), Baseline: "at start " + mib(memStart.RSS), Target: "≤ 300 MB at 1M"},
		row{What: "process RSS after the queries, GC and debug.FreeOSMemory", Measured: memFreed.String(), Baseline: "at start " + mib(memStart.RSS), Target: "≤ 300 MB at 1M"},
	)
	t.Notes = append(t.Notes, fmt.Sprintf("%d instruments × 3 certificates under STD-7; trace at %s; impact since 2024-01-01", n, traceAt),
		"RSS from /proc/self/status (VmRSS; anon = Go heap with badger's memtables and caches, file = mapped table files; peak = VmHWM) and the Go heap in use from runtime.MemStats")
	return t.write(stdout, c.markdown)
}

// maxSettle bounds the wait for the compactions that follow a build.
const maxSettle = 10 * time.Minute

// settleCompactions waits, up to limit, until the index's store has no
// level due for compaction, so that the measurements see the index a
// gateway serves from once a bulk load is behind it, whether the index
// was just built or reused; it says how long it waited and whether
// compactions were still pending when it stopped.
func settleCompactions(x *index.Index, limit time.Duration, stderr io.Writer) (time.Duration, bool) {
	start := time.Now()
	next := start.Add(10 * time.Second)
	for x.CompactionsPending() {
		now := time.Now()
		if now.Sub(start) >= limit {
			fmt.Fprintf(stderr, "compactions still pending after %s; measuring anyway\n", limit)
			return now.Sub(start), true
		}
		if now.After(next) {
			fmt.Fprintf(stderr, "  waiting for badger's compactions: %s\n", now.Sub(start).Round(time.Second))
			next = now.Add(10 * time.Second)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(start), false
}

// settledText is the wait's row.
func settledText(waited time.Duration, pending bool) string {
	if pending {
		return fmt.Sprintf("still pending after %s (measured anyway)", waited.Round(time.Second))
	}
	return fmt.Sprintf("none pending after %s", waited.Round(100*time.Millisecond))
}
