package index_test

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
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
	benchIdx  *index.Index
	benchErr  error
)

// benchIndex builds, once per run, an index holding an eight-level chain
// (a primary standard and seven standards below it) feeding every
// instrument, each instrument with three yearly certificates.
func benchIndex(b *testing.B) *index.Index {
	benchOnce.Do(func() {
		benchIdx, benchErr = index.Open(b.TempDir(), nil)
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
			if len(batch) == 2000 {
				flush()
			}
		}
		u := func(v float64) record.Uncertainty { return record.Uncertainty{Value: v, Unit: "mg", K: 2} }
		add(record.DocInstitution, "LAB", &record.Institution{ID: "LAB", Name: "lab", Region: "BJ", MSPID: "BeijingMSP", Kind: "legal_metrology", Accreditations: []record.Accreditation{}})
		add(record.DocCapability, "CMC", &record.Capability{ID: "CMC", InstitutionID: "LAB", Quantity: "mass", Range: record.Range{Min: 0, Max: 10, Unit: "kg"}, Uncertainty: u(0.001), Method: "JJG 99", ValidUntil: "2099-12-31"})
		levels := []string{"primary", "public", "public", "department", "enterprise", "enterprise", "working", "working"}
		for i, lvl := range levels {
			s := &record.Standard{ID: fmt.Sprint("STD-", i), InstitutionID: "LAB", Name: "s", Level: lvl, Quantity: "mass",
				Range: record.Range{Min: 0, Max: 10, Unit: "kg"}, Uncertainty: u(0.01 * float64(i+1)), Status: "active", StatusHistory: []record.StatusChange{}}
			if record.NeedsApproval(lvl) {
				s.Approval = &record.Approval{Number: "A", ValidUntil: "2099-12-31"}
			}
			add(record.DocStandard, s.ID, s)
			if i > 0 {
				add(record.DocCertificate, fmt.Sprint("C-STD-", i), &record.Certificate{ID: fmt.Sprint("C-STD-", i), Kind: "calibration", IssuerID: "LAB",
					SubjectID: s.ID, ReferenceIDs: []string{fmt.Sprint("STD-", i-1)}, Quantity: "mass", PerformedOn: "2024-01-0" + strconv.Itoa(i),
					ValidUntil: "2030-01-01", Method: "JJG 99", Results: []record.Result{{Value: 1, Unit: "kg", Uncertainty: &record.Uncertainty{Value: 0.01*float64(i+1) + 0.005, Unit: "mg", K: 2}}}, Status: "valid"})
			}
		}
		for n := 0; n < benchInstruments(); n++ {
			id := fmt.Sprintf("INS-%07d", n)
			add(record.DocInstrument, id, &record.Instrument{ID: id, InstitutionID: "LAB", Type: "balance", Manufacturer: "m", Model: "x", Serial: id,
				Quantity: "mass", Range: record.Range{Min: 0, Max: 2, Unit: "kg"}, MPE: record.Value{Value: 10, Unit: "mg"}})
			for y := 0; y < 3; y++ {
				cid := fmt.Sprintf("C-%07d-%d", n, y)
				add(record.DocCertificate, cid, &record.Certificate{ID: cid, Kind: "verification", IssuerID: "LAB", SubjectID: id,
					ReferenceIDs: []string{"STD-7"}, Quantity: "mass", PerformedOn: fmt.Sprintf("%d-06-01", 2024+y), ValidUntil: fmt.Sprintf("%d-05-31", 2025+y),
					Method: "JJG 1036", Conformity: "pass", Results: []record.Result{}, Status: "valid"})
			}
		}
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
		_, err := x.Get(record.DocInstrument, fmt.Sprintf("INS-%07d", (i*7919)%n))
		return err
	})
}

// BenchmarkTraceDepth8 traces instruments through eight levels.
func BenchmarkTraceDepth8(b *testing.B) {
	x := benchIndex(b)
	n := benchInstruments()
	timed(b, func(i int) error {
		rep, err := x.Trace(fmt.Sprintf("INS-%07d", (i*7919)%n), "2026-07-01")
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
		set, err := x.Impact("STD-6", "2024-01-01", false)
		if err == nil && len(set.Instruments) != n {
			return fmt.Errorf("impact reached %d instruments, want %d", len(set.Instruments), n)
		}
		return err
	})
}
