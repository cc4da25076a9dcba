package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/apiclient"
)

// crashLab registers the crash test's laboratory on a fresh server and
// returns a recorder token of it.
func crashLab(t *testing.T, bin, dir string, srv *server) string {
	t.Helper()
	op, err := apiclient.New(srv.url, apiclient.WithToken(bannerTokens(t, srv.banner)["operator TianjinMSP"]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := op.Create(context.Background(), "institutions", []byte(`{"id":"CRASH-LAB","name":"Crash test laboratory","region":"TJ",
		"msp_id":"TianjinMSP","kind":"accredited_lab","accreditations":[]}`)); err != nil {
		t.Fatalf("register the institution: %v", err)
	}
	out, err := exec.Command(bin, "token", "--data-dir", dir, "--role", "recorder", "--institution", "CRASH-LAB", "--msp", "TianjinMSP").Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func crashItems(n int) []item {
	items := make([]item, n)
	for i := range items {
		body := fmt.Sprintf(`{"id":"CRASH-CAP-%05d","institution_id":"CRASH-LAB","quantity":"mass","range":{"min":0.001,"max":%d,"unit":"kg"},`+
			`"uncertainty":{"value":0.5,"unit":"mg","k":2},"method":"JJG 99-2022","valid_until":"2030-12-31"}`, i, 100+i)
		items[i] = newItem(fmt.Sprintf("record %d", i+1), i+1, []byte(body))
	}
	return items
}

func ledgerHeight(t *testing.T, c *apiclient.Client) uint64 {
	t.Helper()
	r, err := c.Ready(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.IndexHeight != r.LedgerHeight {
		t.Fatalf("index at %d, ledger at %d", r.IndexHeight, r.LedgerHeight)
	}
	return r.LedgerHeight
}

// TestRepeatedKillsDuringWriteBurstsLoseNothing is issue 15's item 8: a
// `metrotrace serve` process is killed with SIGKILL in the middle of each of
// several write bursts, restarted, and the import is run again over the
// same file plus a new burst. After every kill, every acknowledged record is
// on the ledger and in the index, nothing never sent is, the index equals
// the ledger, and no record was refused as a duplicate: the re-run's
// Idempotency-Keys answer the records already written (in flight included)
// without writing them again. METROTRACE_CRASH_ROUNDS sets the number of
// kills (default 3).
func TestRepeatedKillsDuringWriteBurstsLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	rounds := 3
	if v := os.Getenv("METROTRACE_CRASH_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("METROTRACE_CRASH_ROUNDS=%q", v)
		}
		rounds = n
	}
	const burst = 600
	bin := buildBinary(t)
	dir := t.TempDir()
	ctx := context.Background()
	srv := startServer(t, bin, dir)
	token := crashLab(t, bin, dir, srv)
	all := crashItems((rounds + 1) * burst)
	acked := map[string]bool{}
	totalAcked, totalInFlight := 0, 0
	for round := 0; round < rounds; round++ {
		items := all[:(round+1)*burst]
		rec, err := apiclient.New(srv.url, apiclient.WithToken(token))
		if err != nil {
			t.Fatal(err)
		}
		// Kill somewhere in this round's new records, at a different place
		// each round.
		killAt := round*burst + burst/4 + (round*337)%(burst/2)
		var mu sync.Mutex
		answered := 0
		killed := false
		im := &importer{client: rec, kind: apiclient.Kind{Plural: "capabilities", DocType: record.DocCapability}, concurrency: 8,
			onResult: func(o outcome) {
				mu.Lock()
				defer mu.Unlock()
				if o.Created || o.Replayed {
					acked[o.ID] = true
					answered++
				}
				if answered == killAt && !killed {
					killed = true
					srv.kill(t)
				}
			}}
		sum := im.run(ctx, items)
		srv.wait()
		if !killed {
			t.Fatalf("round %d: the import finished before the kill", round+1)
		}
		if len(sum.Rejected) != 0 {
			t.Fatalf("round %d: %d refused, first %+v (a duplicate would be a 409)", round+1, len(sum.Rejected), sum.Rejected[0])
		}
		inFlight := map[string]bool{}
		for _, o := range sum.Unanswered {
			inFlight[o.ID] = true
		}
		restart := time.Now()
		srv = startServer(t, bin, dir)
		restartTime := time.Since(restart)
		rec, err = apiclient.New(srv.url, apiclient.WithToken(token))
		if err != nil {
			t.Fatal(err)
		}
		ledgerHeight(t, rec)
		fromIndex := listAll(t, rec, apiclient.SourceIndex)
		fromLedger := listAll(t, rec, apiclient.SourceLedger)
		for id := range acked {
			if _, ok := fromLedger[id]; !ok {
				t.Errorf("round %d: acknowledged %s is missing from the ledger", round+1, id)
			}
		}
		for id := range fromLedger {
			if !acked[id] && !inFlight[id] {
				t.Errorf("round %d: %s is on the ledger but was never sent", round+1, id)
			}
		}
		sameRecords(t, "index", fromIndex, "ledger", fromLedger)
		totalAcked += sum.Created + sum.Replayed
		totalInFlight += len(inFlight)
		t.Logf("round %d: killed after %d answers (%d new, %d already imported), %d in flight, %d not sent; restart %.2fs; ledger %d = index %d records, all %d acknowledged present",
			round+1, sum.Created+sum.Replayed, sum.Created, sum.Replayed, len(inFlight), sum.NotSent, restartTime.Seconds(), len(fromLedger), len(fromIndex), len(acked))
		if t.Failed() {
			t.FailNow()
		}
	}
	// A last run without a kill completes the file: every record once.
	rec, err := apiclient.New(srv.url, apiclient.WithToken(token))
	if err != nil {
		t.Fatal(err)
	}
	im := &importer{client: rec, kind: apiclient.Kind{Plural: "capabilities", DocType: record.DocCapability}, concurrency: 8}
	sum := im.run(ctx, all)
	if len(sum.Rejected) != 0 || len(sum.Unanswered) != 0 || sum.Created+sum.Replayed != len(all) || sum.Replayed < len(acked) {
		t.Fatalf("final run: %d created, %d already imported, %d rejected, %d unanswered of %d (acknowledged before %d)",
			sum.Created, sum.Replayed, len(sum.Rejected), len(sum.Unanswered), len(all), len(acked))
	}
	fromLedger := listAll(t, rec, apiclient.SourceLedger)
	if len(fromLedger) != len(all) {
		t.Fatalf("%d records on the ledger, want %d", len(fromLedger), len(all))
	}
	t.Logf("crash rounds: %d kills, %d answers acknowledged, %d in flight at kills, 0 lost, 0 duplicated; final run %d new + %d already imported = %d records",
		rounds, totalAcked, totalInFlight, sum.Created, sum.Replayed, len(fromLedger))
	srv.stop(t)
	compareDataDir(t, dir)
}

// TestARetryAfterARestartIsAnsweredFromTheLedger: the gateway dies (SIGKILL)
// after a keyed write committed; the retry to the restarted gateway gets
// the first answer and the ledger does not grow.
func TestARetryAfterARestartIsAnsweredFromTheLedger(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	ctx := apiclient.WithIdempotencyKey(context.Background(), "retry-after-restart-1")
	srv := startServer(t, bin, dir)
	token := crashLab(t, bin, dir, srv)
	rec, err := apiclient.New(srv.url, apiclient.WithToken(token))
	if err != nil {
		t.Fatal(err)
	}
	body := crashItems(1)[0].Body
	first, err := rec.Create(ctx, "capabilities", body)
	if err != nil {
		t.Fatal(err)
	}
	height := ledgerHeight(t, rec)
	srv.kill(t)
	srv.wait()

	srv = startServer(t, bin, dir)
	rec, err = apiclient.New(srv.url, apiclient.WithToken(token))
	if err != nil {
		t.Fatal(err)
	}
	again, err := rec.Create(ctx, "capabilities", body)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Replayed || again.TxID != first.TxID || !sameJSON(again.Record, first.Record) {
		t.Fatalf("retry: replayed %v, tx %s (first %s), %s vs %s", again.Replayed, again.TxID, first.TxID, again.Record, first.Record)
	}
	if h := ledgerHeight(t, rec); h != height {
		t.Fatalf("ledger height %d → %d after the retry", height, h)
	}
	// Without the key the same body is the conflict it always was.
	if _, err := rec.Create(context.Background(), "capabilities", body); !apiclient.IsStatus(err, 409) {
		t.Fatalf("unkeyed repeat: %v, want 409", err)
	}
}
