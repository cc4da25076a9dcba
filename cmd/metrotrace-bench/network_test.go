package main

import (
	"context"
	"errors"
	"math"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }

func TestBenchUsersSpreadOverTheOrganizations(t *testing.T) {
	u := benchUsers(5)
	want := []benchUser{{"BeijingMSP", "BJ", "BENCH-W000"}, {"TianjinMSP", "TJ", "BENCH-W001"}, {"HebeiMSP", "HB", "BENCH-W002"},
		{"BeijingMSP", "BJ", "BENCH-W003"}, {"TianjinMSP", "TJ", "BENCH-W004"}}
	for i := range want {
		if u[i] != want[i] {
			t.Errorf("user %d = %+v, want %+v", i, u[i], want[i])
		}
	}
	for _, in := range u {
		if err := record.ValidateID("id", in.Institution); err != nil {
			t.Errorf("%s: %v", in.Institution, err)
		}
	}
}

func TestWorkloadCallsHaveTheSameValueAndDistinctKeys(t *testing.T) {
	wl := workload{runID: "abc", cert: certificateTemplate()}
	u := benchUsers(2)[1]
	issue, put := wl.issue(u, 1, 7), wl.put(u, 1, 7)
	if issue.Function != "IssueCertificate" || len(issue.Args) != 1 || !strings.Contains(issue.Args[0], `"issuer_id":"BENCH-W001"`) {
		t.Fatalf("issue = %+v", issue)
	}
	if put.Function != "Put" || len(put.Args) != 2 || put.Args[1] != issue.Args[0] || put.Args[0] != "raw-Babc-001-0000007" {
		t.Fatalf("put = %+v", put)
	}
	if wl.certificateID(1, 7) == wl.certificateID(1, 8) || wl.certificateID(1, 7) == wl.certificateID(2, 7) {
		t.Fatal("certificate ids repeat")
	}
	if n := len(put.Args[1]); n < 300 || n > 2000 {
		t.Fatalf("value of %d bytes is not certificate-sized", n)
	}
}

// TestMetrotraceWorkloadOnTheEmbeddedLedger runs the metrotrace phase's
// setup and calls through the real chaincode in-process, and follows it
// with an index, as the network run does.
func TestMetrotraceWorkloadOnTheEmbeddedLedger(t *testing.T) {
	l, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	users := benchUsers(3)
	loaded, skipped, err := loadScenario(ctx, l, l.Wallet().Identity, users)
	if err != nil || loaded == 0 || skipped != 0 {
		t.Fatalf("load = %d, %d, %v", loaded, skipped, err)
	}
	// A second load finds everything there.
	loaded2, skipped2, err := loadScenario(ctx, l, l.Wallet().Identity, users)
	if err != nil || loaded2 != 0 || skipped2 != loaded {
		t.Fatalf("second load = %d, %d, %v (first wrote %d)", loaded2, skipped2, err, loaded)
	}

	x, err := index.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	follower := &applyTimes{Ledger: l, applied: map[uint64]time.Time{}}
	fctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- x.Follow(fctx, follower) }()
	defer func() { stop(); <-done }()

	wl := workload{runID: "t", cert: certificateTemplate()}
	res := runPhase(ctx, len(users), 0, 300*time.Millisecond, nil, func(ctx context.Context, w, seq int) (*ledger.Receipt, error) {
		id, err := l.Wallet().Identity(users[w].MSPID, "recorder", users[w].Institution)
		if err != nil {
			return nil, err
		}
		return l.Submit(ctx, id, wl.issue(users[w], w, seq))
	})
	if res.errors != 0 || len(res.lat) == 0 {
		t.Fatalf("phase: %d committed, %d errors, first %v", len(res.lat), res.errors, res.firstErr)
	}
	var last uint64
	for _, c := range res.commits {
		last = max(last, c.block)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := x.WaitFor(wctx, last); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Get(context.Background(), record.DocCertificate, wl.certificateID(2, 0)); err != nil {
		t.Fatalf("the index lacks an issued certificate: %v", err)
	}
	lags, missing := follower.lags(res.commits, nil)
	if missing != 0 || len(lags) != len(res.commits) {
		t.Fatalf("lags: %d of %d, %d missing", len(lags), len(res.commits), missing)
	}
	tb := networkTable(networkConfig{concurrency: 3, rounds: 1, duration: time.Second, batchTimeout: 100 * time.Millisecond, rawChaincode: "benchput"}, res, res, lags, 0)
	var b strings.Builder
	if err := tb.write(&b, false); err != nil || !strings.Contains(b.String(), "1.00 ×") {
		t.Fatalf("table: %v\n%s", err, b.String())
	}
}

func TestRunPhaseCountsOnlyTheWindow(t *testing.T) {
	var calls atomic.Int64
	res := runPhase(context.Background(), 4, 50*time.Millisecond, 200*time.Millisecond, nil, func(_ context.Context, w, seq int) (*ledger.Receipt, error) {
		calls.Add(1)
		time.Sleep(10 * time.Millisecond)
		if w == 3 {
			return nil, errors.New("refused")
		}
		return &ledger.Receipt{BlockNumber: uint64(seq)}, nil
	})
	if res.window != 200*time.Millisecond {
		t.Fatalf("window = %v", res.window)
	}
	// 3 good submitters × at most 20 calls in the window (fewer on a loaded
	// machine, where sleeps overrun); the warm-up's calls are not counted.
	if n := len(res.lat); n < 3 || n > 63 {
		t.Fatalf("%d measured transactions, want about 60", n)
	}
	if int64(len(res.lat)+res.errors) >= calls.Load() {
		t.Fatalf("warm-up transactions were counted: %d measured+errors of %d calls", len(res.lat)+res.errors, calls.Load())
	}
	if res.errors == 0 || res.firstErr == nil || res.firstErr.Error() != "refused" {
		t.Fatalf("errors = %d, %v", res.errors, res.firstErr)
	}
	// tps is what was measured over the window: never more than the 300/s
	// three sleeping submitters can reach.
	if tps, want := res.tps(), float64(len(res.lat))/res.window.Seconds(); tps > 315 || math.Abs(tps-want) > 0.5 {
		t.Fatalf("tps = %.0f, want %.0f", tps, want)
	}
	if len(res.commits) != len(res.lat) || res.blocks() == 0 {
		t.Fatalf("commits %d, blocks %d", len(res.commits), res.blocks())
	}
}

func TestApplyTimesLag(t *testing.T) {
	base := time.Now()
	a := &applyTimes{applied: map[uint64]time.Time{5: base.Add(30 * time.Millisecond), 6: base}}
	commits := []commit{{5, base, 0}, {6, base.Add(10 * time.Millisecond), 1}, {7, base, 0}}
	lags, missing := a.lags(commits, nil)
	if missing != 1 || len(lags) != 2 || lags[0] != 30*time.Millisecond || lags[1] != -10*time.Millisecond {
		t.Fatalf("lags = %v, missing %d", lags, missing)
	}
	lags, missing = a.lags(commits, func(c commit) bool { return c.worker == 1 })
	if missing != 0 || len(lags) != 1 || lags[0] != -10*time.Millisecond {
		t.Fatalf("lags of worker 1 = %v, missing %d", lags, missing)
	}
}

// TestBatchWorkloadOnTheEmbeddedLedger issues the batched phase's calls
// through the real chaincode in-process: every certificate of a batch is
// stored, with ids apart from the single-certificate phases'.
func TestBatchWorkloadOnTheEmbeddedLedger(t *testing.T) {
	l, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	users := benchUsers(2)
	if _, _, err := loadScenario(ctx, l, l.Wallet().Identity, users); err != nil {
		t.Fatal(err)
	}
	wl := workload{runID: "t", cert: certificateTemplate()}
	id, err := l.Wallet().Identity(users[1].MSPID, "recorder", users[1].Institution)
	if err != nil {
		t.Fatal(err)
	}
	call := wl.issueBatch(users[1], 1, batchSeq+3*20, 20)
	if call.Function != "IssueCertificates" || len(call.Args) != 1 {
		t.Fatalf("call = %s with %d args", call.Function, len(call.Args))
	}
	if _, err := l.Submit(ctx, id, call); err != nil {
		t.Fatal(err)
	}
	for _, seq := range []int{batchSeq + 60, batchSeq + 79} {
		data, err := l.Evaluate(ctx, id, ledger.Call{Function: "Get", Args: []string{record.DocCertificate, wl.certificateID(1, seq)}})
		if err != nil || !strings.Contains(string(data), `"issuer_id":"BENCH-W001"`) {
			t.Fatalf("certificate %s: %s, %v", wl.certificateID(1, seq), data, err)
		}
	}
	if _, err := l.Evaluate(ctx, id, ledger.Call{Function: "Get", Args: []string{record.DocCertificate, wl.certificateID(1, batchSeq+80)}}); record.ErrorCode(err) != record.NotFound {
		t.Fatalf("the batch stored a 21st certificate: %v", err)
	}
	// The same batch again is refused whole, every item named.
	_, err = l.Submit(ctx, id, call)
	if record.ErrorCode(err) != record.Conflict || !strings.Contains(err.Error(), "item 19") {
		t.Fatalf("repeated batch: %v", err)
	}

	raw := phaseResult{window: time.Second, lat: make([]time.Duration, 100)}
	batched := phaseResult{window: time.Second, lat: []time.Duration{time.Second, 3 * time.Second}, errors: 1}
	rows := batchRows(networkConfig{batch: 300}, raw, batched)
	if rows[0].Measured != "600 certificates/s (2.0 TPS, 1 errors)" || rows[0].Ratio != "6.00 ×" || rows[0].Baseline != "raw 100.0 TPS" {
		t.Fatalf("rows = %+v", rows)
	}
	if !strings.Contains(rows[1].Measured, "p99 3000") {
		t.Fatalf("latency row = %+v", rows[1])
	}
}
