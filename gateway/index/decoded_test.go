package index_test

import (
	"context"
	"sync"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// Traces and recognitions answered from the decoded cache give the
// chaincode's answer before and after a change of a standard on their
// chain, also while other questions run at the same time (run with
// -race).
func TestCachedAnswersFollowEveryChange(t *testing.T) {
	ld := load(t, "", scenario.New())
	x := openIndex(t, "")
	follow(t, x, ld.l)
	ctx := context.Background()
	viewer, _ := ld.l.Wallet().Identity("BeijingMSP", "inspector", "BJIM")
	same := func(when string) string {
		t.Helper()
		want, err := ld.client.Trace(ctx, viewer, "TJ-BAL-001", "2024-06-01")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ { // the first fills the cache, the others read it
			got, err := x.Trace(ctx, "TJ-BAL-001", "2024-06-01")
			if err != nil {
				t.Fatal(err)
			}
			if asJSON(t, got) != asJSON(t, want) {
				t.Fatalf("%s, trace %d: index %s, chaincode %s", when, i, asJSON(t, got), asJSON(t, want))
			}
		}
		rw, err := ld.client.Recognize(ctx, viewer, scenario.RecognitionCertificate, scenario.RecognitionBy, scenario.RecognitionAt)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			rg, err := x.Recognize(ctx, scenario.RecognitionCertificate, scenario.RecognitionBy, scenario.RecognitionAt)
			if err != nil || asJSON(t, rg) != asJSON(t, rw) {
				t.Fatalf("%s, recognition %d: index %s (%v), chaincode %s", when, i, asJSON(t, rg), err, asJSON(t, rw))
			}
		}
		return asJSON(t, want)
	}
	before := same("before the seal")

	// Questions run while the standard is sealed and the index applies it.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := x.Trace(ctx, "TJ-BAL-001", "2024-06-01"); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	recorder, _ := ld.l.Wallet().Identity("TianjinMSP", "recorder", "TJ-ENT")
	r, err := ld.l.Submit(ctx, recorder, ledger.Call{Function: "SetStandardStatus", Args: []string{"TJ-ENT-WS", "sealed", "2024-01-01", "out of tolerance"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.WaitFor(ctx, r.BlockNumber); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	if after := same("after the seal"); after == before {
		t.Fatalf("sealing TJ-ENT-WS from 2024-01-01 did not change the trace: %s", after)
	}
}

// A fresh index (epoch 0, never applied an event) answers from an empty
// cache.
func TestAFreshIndexTracesThroughTheCache(t *testing.T) {
	x := openIndex(t, "")
	for i := 0; i < 2; i++ {
		if _, err := x.Trace(context.Background(), "NOTHING", "2024-06-01"); err == nil {
			t.Fatal("a trace of an unknown subject on an empty index answered")
		}
	}
}
