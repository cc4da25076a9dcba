package index_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// benchInstruments is the number of instruments of the benchmark region
// (METROTRACE_BENCH_INSTRUMENTS; the design target is 1,000,000). Each has
// three certificates, so certificates are three times as many.
func benchInstruments() int {
	if n, err := strconv.Atoi(os.Getenv("METROTRACE_BENCH_INSTRUMENTS")); err == nil && n > 0 {
		return n
	}
	return 20000
}

var (
	benchOnce sync.Once
	benchDir  string
	benchIdx  *index.Index
	benchErr  error
)

// TestMain closes and removes the benchmarks' shared index after every
// test and benchmark of the package has run. The index outlives the
// benchmark that built it, so it cannot live in that benchmark's
// b.TempDir: its cleanup would remove the directory under an open
// database whose compactions are still writing tables into it.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchIdx != nil {
		if err := benchIdx.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "closing the benchmark index:", err)
			code = 1
		}
	}
	if benchDir != "" {
		if err := os.RemoveAll(benchDir); err != nil {
			fmt.Fprintln(os.Stderr, "removing the benchmark index:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// benchIndex builds, once per run, an index holding an eight-level chain
// (a primary standard and seven standards below it) feeding every
// instrument, each instrument with three yearly certificates.
func benchIndex(b *testing.B) *index.Index {
	benchOnce.Do(func() {
		if benchDir, benchErr = os.MkdirTemp("", "metrotrace-index-bench-"); benchErr != nil {
			return
		}
		benchIdx, benchErr = index.Open(benchDir, nil)
		if benchErr != nil {
			return
		}
		var block uint64
		var batch []record.EventRecord
		flush := func() {
			if len(batch) == 0 {
				return
			}
			block++
			payload, _ := json.Marshal(record.Event{Function: "bench", TxID: fmt.Sprint("tx", block), Records: batch})
			if err := benchIdx.Apply(ledger.Event{BlockNumber: block, TxID: fmt.Sprint("tx", block), Name: record.EventName, Payload: payload}); err != nil && benchErr == nil {
				benchErr = err
			}
			batch = batch[:0]
		}
		add := func(docType, id string, v any) {
			data, _ := json.Marshal(v)
			batch = append(batch, record.EventRecord{DocType: docType, ID: id, Record: data})
			if len(batch) == 1000 {
				flush()
			}
		}
		scenario.Synthetic(benchInstruments(), add)
		flush()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchIdx
}

// timed runs op b.N times and reports p50 and p99 latencies in ms.
func timed(b *testing.B, op func(i int) error) {
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkGetBaseline is the baseline: one record read from the index.
func BenchmarkGetBaseline(b *testing.B) {
	x := benchIndex(b)
	n := benchInstruments()
	timed(b, func(i int) error {
		_, err := x.Get(context.Background(), record.DocInstrument, scenario.SyntheticInstrumentID((i*7919)%n))
		return err
	})
}

// BenchmarkTraceDepth8 traces instruments through eight levels.
func BenchmarkTraceDepth8(b *testing.B) {
	x := benchIndex(b)
	n := benchInstruments()
	timed(b, func(i int) error {
		rep, err := x.Trace(context.Background(), scenario.SyntheticInstrumentID((i*7919)%n), scenario.SyntheticTraceAt)
		if err == nil && (!rep.Traceable || len(rep.Links) != 8) {
			return fmt.Errorf("trace = traceable %v, %d links: %v", rep.Traceable, len(rep.Links), rep.Problems)
		}
		return err
	})
}

// BenchmarkImpactAllInstruments finds everything a standard feeding every
// instrument affected.
func BenchmarkImpactAllInstruments(b *testing.B) {
	x := benchIndex(b)
	n := benchInstruments()
	timed(b, func(int) error {
		set, err := x.Impact(context.Background(), scenario.SyntheticImpactStandard, "2024-01-01", false)
		if err == nil && len(set.Instruments) != n {
			return fmt.Errorf("impact reached %d instruments, want %d", len(set.Instruments), n)
		}
		return err
	})
}

// BenchmarkImpactPagedAllInstruments walks the same impact a page of
// record.MaxPageSize certificates at a time, as GET
// /impact/{standard}?page_size= does: the first page (which counts every
// certificate) per op; the gateway holds the affected standards and one
// page, whatever the impact's size.
func BenchmarkImpactPagedAllInstruments(b *testing.B) {
	x := benchIndex(b)
	n := benchInstruments()
	timed(b, func(int) error {
		p, err := x.ImpactPage(context.Background(), scenario.SyntheticImpactStandard, "2024-01-01", record.MaxPageSize, "")
		if err == nil && (p.TotalCertificates < 3*n || len(p.Certificates) != record.MaxPageSize || p.NextPageToken == "") {
			return fmt.Errorf("impact page: %d of %d certificates, token %q; want %d of at least %d", len(p.Certificates), p.TotalCertificates, p.NextPageToken, record.MaxPageSize, 3*n)
		}
		return err
	})
}

// BenchmarkImpactStreamAllInstruments streams the whole impact of a
// standard feeding every instrument (every certificate, one at a time):
// compare with BenchmarkImpactAllInstruments, which holds the answer.
func BenchmarkImpactStreamAllInstruments(b *testing.B) {
	x := benchIndex(b)
	n := benchInstruments()
	timed(b, func(int) error {
		items := 0
		stds, err := x.ImpactStream(context.Background(), scenario.SyntheticImpactStandard, "2024-01-01", func(rules.ImpactItem) error {
			items++
			return nil
		})
		if err == nil && (items != 3*n+1 || len(stds) != 1) {
			return fmt.Errorf("impact stream: %d certificates under %v, want %d under [STD-7]", items, stds, 3*n+1)
		}
		return err
	})
}
