package index_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/client"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// loaded is an embedded ledger with a scenario written to it.
type loaded struct {
	l      *embedded.Ledger
	client *client.Client
}

func load(t *testing.T, dir string, f *scenario.Fixture) *loaded {
	t.Helper()
	clock := time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)
	l, err := embedded.Open(dir, embedded.WithClock(func() time.Time { clock = clock.Add(time.Second); return clock }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	for _, s := range f.Steps() {
		id, err := l.Wallet().Identity(s.MSPID, s.Role, s.Institution)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Submit(context.Background(), id, ledger.Call{Function: s.Function, Args: s.Args, Transient: s.Transient}); err != nil {
			t.Fatalf("%s: %v", s.Function, err)
		}
	}
	return &loaded{l: l, client: client.New(l)}
}

func follow(t *testing.T, x *index.Index, l ledger.Ledger) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = x.Follow(ctx, l) }()
	t.Cleanup(func() { cancel(); <-done })
	h, _ := l.Height(ctx)
	// A bound against a hang, not a speed check: on a loaded 2-core
	// machine applying a 500-certificate block took longer than 10 s.
	wait, stop := context.WithTimeout(ctx, 2*time.Minute)
	defer stop()
	if err := x.WaitFor(wait, h-1); err != nil {
		t.Fatal(err)
	}
}

func openIndex(t *testing.T, dir string) *index.Index {
	t.Helper()
	x, err := index.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestIndexAnswersAsTheChaincodeDoes runs every trace break and recognition
// case of the scenario on both: the index must give the chaincode's answer.
func TestIndexAnswersAsTheChaincodeDoes(t *testing.T) {
	type question struct {
		name   string
		change func(*scenario.Fixture)
		ask    func(*loaded, *index.Index) (fromChaincode, fromIndex any, err1, err2 error)
	}
	ctx := context.Background()
	var qs []question
	trace := func(subject, at string) func(*loaded, *index.Index) (any, any, error, error) {
		return func(ld *loaded, x *index.Index) (any, any, error, error) {
			id, _ := ld.l.Wallet().Identity("BeijingMSP", "inspector", "BJIM")
			a, e1 := ld.client.Trace(ctx, id, subject, at)
			b, e2 := x.Trace(context.Background(), subject, at)
			return a, b, e1, e2
		}
	}
	qs = append(qs, question{"the unbroken chain", func(*scenario.Fixture) {}, trace("TJ-BAL-001", "2024-06-01")})
	for _, b := range scenario.TraceBreaks() {
		qs = append(qs, question{b.Name, b.Change, trace(b.Subject, b.At)})
	}
	recognize := func(ld *loaded, x *index.Index) (any, any, error, error) {
		id, _ := ld.l.Wallet().Identity("TianjinMSP", "inspector", "TJIM")
		a, e1 := ld.client.Recognize(ctx, id, scenario.RecognitionCertificate, scenario.RecognitionBy, scenario.RecognitionAt)
		b, e2 := x.Recognize(context.Background(), scenario.RecognitionCertificate, scenario.RecognitionBy, scenario.RecognitionAt)
		return a, b, e1, e2
	}
	qs = append(qs, question{"recognition", func(*scenario.Fixture) {}, recognize})
	for _, c := range scenario.RecognitionCases() {
		qs = append(qs, question{c.Name, c.Change, recognize})
	}
	qs = append(qs, question{"impact", func(*scenario.Fixture) {}, func(ld *loaded, x *index.Index) (any, any, error, error) {
		id, _ := ld.l.Wallet().Identity("BeijingMSP", "inspector", "BJIM")
		a, e1 := ld.client.Impact(ctx, id, "BJ-STD-MASS", "2024-02-01", true)
		b, e2 := x.Impact(context.Background(), "BJ-STD-MASS", "2024-02-01", true)
		return a, b, e1, e2
	}})
	for _, q := range qs {
		t.Run(q.name, func(t *testing.T) {
			f := scenario.New()
			q.change(f)
			ld := load(t, "", f)
			x := openIndex(t, "")
			follow(t, x, ld.l)
			a, b, e1, e2 := q.ask(ld, x)
			if e1 != nil || e2 != nil {
				t.Fatalf("chaincode error %v, index error %v", e1, e2)
			}
			if asJSON(t, a) != asJSON(t, b) {
				t.Fatalf("chaincode:\n%s\nindex:\n%s", asJSON(t, a), asJSON(t, b))
			}
		})
	}
}

func TestIndexHoldsEveryRecordOfTheLedger(t *testing.T) {
	f := scenario.New()
	ld := load(t, "", f)
	x := openIndex(t, "")
	follow(t, x, ld.l)
	id, _ := ld.l.Wallet().Identity("HebeiMSP", "", "")
	count := 0
	for _, doc := range record.DocTypes {
		page, err := x.List(context.Background(), doc, "", "", 2, "")
		for err == nil {
			for _, r := range page.Records {
				var v struct {
					ID string `json:"id"`
				}
				_ = json.Unmarshal(r, &v)
				onLedger, err := ld.client.Get(context.Background(), id, doc, v.ID)
				if err != nil || string(onLedger) != string(r) {
					t.Fatalf("%s %s: index %s, ledger %s (%v)", doc, v.ID, r, onLedger, err)
				}
				count++
			}
			if page.NextPageToken == "" {
				break
			}
			page, err = x.List(context.Background(), doc, "", "", 2, page.NextPageToken)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if count != 24 {
		t.Fatalf("index holds %d records, want 24", count)
	}
	page, err := x.List(context.Background(), record.DocCertificate, record.IndexCertificatesByReference, "NIM-MASS-P", 10, "")
	if err != nil || len(page.Records) != 2 {
		t.Fatalf("certificates using NIM-MASS-P = %d, %v; want 2", len(page.Records), err)
	}
	hits, err := x.Search(context.Background(), "tj-ent", 10)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, h := range hits {
		got = append(got, h.DocType+"/"+h.ID)
	}
	// Ids starting with the query first, then names containing it.
	want := []string{"institution/TJ-ENT", "standard/TJ-ENT-STD", "standard/TJ-ENT-WS",
		"certificate/BJIM-2024-0100", "certificate/TJENT-2024-0007", "certificate/TJENT-2024-0042"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("search tj-ent = %v, want %v", got, want)
	}
	if hits, _ := x.Search(context.Background(), "天津", 10); len(hits) != 2 {
		t.Fatalf("search 天津 = %+v, want the two Tianjin-named institutions", hits)
	}
	for _, bad := range []func() error{
		func() error { _, err := x.List(context.Background(), "widget", "", "", 10, ""); return err },
		func() error {
			_, err := x.List(context.Background(), record.DocStandard, record.IndexCertificatesBySubject, "X", 10, "")
			return err
		},
		func() error {
			_, err := x.List(context.Background(), record.DocStandard, "", "", 10, "garbage!")
			return err
		},
		func() error { _, err := x.List(context.Background(), record.DocStandard, "", "", 5000, ""); return err },
		func() error { _, err := x.Get(context.Background(), record.DocStandard, "NOPE"); return err },
	} {
		if err := bad(); record.ErrorCode(err) != record.Invalid && record.ErrorCode(err) != record.NotFound {
			t.Errorf("bad query error = %v, want invalid or not found", err)
		}
	}
}

// TestReplayIsExactlyOnceAndResumesAfterReopen applies the event stream
// twice and in two sittings: the index ends equal to one clean pass.
func TestReplayIsExactlyOnceAndResumesAfterReopen(t *testing.T) {
	ld := load(t, "", scenario.New())
	height, _ := ld.l.Height(context.Background())
	n := int(height - 1)
	var events []ledger.Event
	ctx, cancel := context.WithCancel(context.Background())
	_ = ld.l.Events(ctx, 0, func(e ledger.Event) error {
		events = append(events, e)
		if len(events) == n {
			cancel()
		}
		return nil
	})
	cancel()
	if n != 27 || len(events) != n {
		t.Fatalf("events = %d of %d transactions, want 27", len(events), n)
	}
	dir := t.TempDir()
	x, err := index.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events[:20] {
		if err := x.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	x.Close() // a crash after event 20
	x = openIndex(t, dir)
	if cp := x.Checkpoint(); cp.Block != events[19].BlockNumber {
		t.Fatalf("checkpoint after reopen = %+v, want block %d", cp, events[19].BlockNumber)
	}
	for _, e := range events { // the stream restarts from the beginning
		if err := x.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	clean := openIndex(t, "")
	for _, e := range events {
		_ = clean.Apply(e)
	}
	for _, doc := range record.DocTypes {
		a, _ := x.List(context.Background(), doc, "", "", 1000, "")
		b, _ := clean.List(context.Background(), doc, "", "", 1000, "")
		if asJSON(t, a) != asJSON(t, b) {
			t.Fatalf("%s after replay differs from a clean pass", doc)
		}
	}
	if x.Height() != events[n-1].BlockNumber+1 {
		t.Fatalf("height = %d, want %d", x.Height(), events[n-1].BlockNumber+1)
	}
}

func TestInMemoryIndexKeepsLargeRecords(t *testing.T) {
	x := openIndex(t, "")
	name := strings.Repeat("计量", 1500) // about 9 KB of JSON
	rec, _ := json.Marshal(record.Institution{ID: "BIG", Name: name, Region: "BJ", MSPID: "BeijingMSP", Kind: "enterprise"})
	payload, _ := json.Marshal(record.Event{Function: "RegisterInstitution", TxID: "t1", Records: []record.EventRecord{{DocType: record.DocInstitution, ID: "BIG", Record: rec}}})
	if err := x.Apply(ledger.Event{BlockNumber: 1, TxID: "t1", Name: record.EventName, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	got, err := x.Get(context.Background(), record.DocInstitution, "BIG")
	if err != nil || string(got) != string(rec) {
		t.Fatalf("large record = %d bytes, %v; want %d bytes", len(got), err, len(rec))
	}
}
