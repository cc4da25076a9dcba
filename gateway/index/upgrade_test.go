package index

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// TestAnIndexFromBeforeTheUsagesOfStandardsGetsThemWhenOpened: an index
// without the u/s/ entries (written by an earlier gateway) finds no
// standard below the faulty one; opened again, it has them, and its
// impact reaches the whole chain.
func TestAnIndexFromBeforeTheUsagesOfStandardsGetsThemWhenOpened(t *testing.T) {
	dir := t.TempDir()
	x, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var recs []record.EventRecord
	scenario.Synthetic(20, func(docType, id string, v any) {
		data, _ := json.Marshal(v)
		recs = append(recs, record.EventRecord{DocType: docType, ID: id, Record: data})
	})
	payload, _ := json.Marshal(record.Event{Function: "test", TxID: "tx1", Records: recs})
	if err := x.Apply(ledger.Event{BlockNumber: 1, TxID: "tx1", Name: record.EventName, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	root := "STD-0" // the primary standard the synthetic chain starts from
	standards := func(x *Index) []string {
		t.Helper()
		stds, err := x.ImpactStream(context.Background(), root, "2024-01-01", func(rules.ImpactItem) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		return stds
	}
	want := []string{"STD-1", "STD-2", "STD-3", "STD-4", "STD-5", "STD-6", "STD-7"}
	if got := standards(x); !slices.Equal(got, want) {
		t.Fatalf("affected standards = %v, want %v", got, want)
	}
	if err := x.db.DropPrefix([]byte(prefixStandardUsages), []byte(keyStandardUsages)); err != nil {
		t.Fatal(err)
	}
	if got := standards(x); len(got) != 0 {
		t.Fatalf("without the entries: affected standards = %v, want none", got)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if x, err = Open(dir, nil); err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := standards(x); !slices.Equal(got, want) {
		t.Fatalf("opened again: affected standards = %v, want %v", got, want)
	}
}
