package index

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// syntheticIndex opens an index in dir holding the synthetic region of n
// instruments (scenario.Synthetic), applied in events of 1000 records as
// metrotrace-bench builds it.
func syntheticIndex(t *testing.T, dir string, n int) *Index {
	t.Helper()
	x, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var recs []record.EventRecord
	scenario.Synthetic(n, func(docType, id string, v any) {
		data, _ := json.Marshal(v)
		recs = append(recs, record.EventRecord{DocType: docType, ID: id, Record: data})
	})
	for i := 0; i < len(recs); i += 1000 {
		tx := fmt.Sprintf("tx%d", i)
		payload, _ := json.Marshal(record.Event{Function: "test", TxID: tx, Records: recs[i:min(i+1000, len(recs))]})
		if err := x.Apply(ledger.Event{BlockNumber: uint64(1 + i), TxID: tx, Name: record.EventName, Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

// reopen closes x and opens the index in dir again, as a newer gateway
// opens an index an earlier one wrote.
func reopen(t *testing.T, x *Index, dir string) *Index {
	t.Helper()
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	x, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestAnIndexFromBeforeTheUsagesOfStandardsGetsThemWhenOpened: an index
// without the u/s/ entries (written by an earlier gateway) finds no
// standard below the faulty one; opened again, it has them, and its
// impact reaches the whole chain.
func TestAnIndexFromBeforeTheUsagesOfStandardsGetsThemWhenOpened(t *testing.T) {
	dir := t.TempDir()
	x := syntheticIndex(t, dir, 20)
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
	x = reopen(t, x, dir)
	defer x.Close()
	if got := standards(x); !slices.Equal(got, want) {
		t.Fatalf("opened again: affected standards = %v, want %v", got, want)
	}
}

// TestAnIndexFromBeforeTheSplitKeysGetsThemWhenOpened: the split keys of
// the usages of standards, dropped as an earlier gateway never wrote
// them, are written again when the index is opened: the same keys, and
// the same impact read through them.
func TestAnIndexFromBeforeTheSplitKeysGetsThemWhenOpened(t *testing.T) {
	dir := t.TempDir()
	x := syntheticIndex(t, dir, 4000)
	splitKeys := func(x *Index) (keys []string) {
		t.Helper()
		err := x.db.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefixUsageSplits)})
			defer it.Close()
			for it.Seek([]byte(prefixUsageSplits)); it.ValidForPrefix([]byte(prefixUsageSplits)); it.Next() {
				keys = append(keys, string(it.Item().Key()))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return keys
	}
	impact := func(x *Index) (ids []string) {
		t.Helper()
		_, err := x.ImpactStream(context.Background(), scenario.SyntheticImpactStandard, "2024-01-01", func(it rules.ImpactItem) error {
			ids = append(ids, it.CertificateID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	keys, ids := splitKeys(x), impact(x)
	if len(keys) < scanMinRanges || len(ids) != 3*4000+1 {
		t.Fatalf("%d split keys and %d certificates in the impact; want at least %d and %d", len(keys), len(ids), scanMinRanges, 3*4000+1)
	}
	if err := x.db.DropPrefix([]byte(prefixUsageSplits), []byte(keyUsageSplits)); err != nil {
		t.Fatal(err)
	}
	if got := splitKeys(x); len(got) != 0 {
		t.Fatalf("%d split keys left after dropping them", len(got))
	}
	if got := impact(x); !slices.Equal(got, ids) {
		t.Fatalf("without split keys (one iterator): %d certificates, want the same %d", len(got), len(ids))
	}
	x = reopen(t, x, dir)
	defer x.Close()
	if got := splitKeys(x); !slices.Equal(got, keys) {
		t.Fatalf("opened again: %d split keys, want the %d written with the records", len(got), len(keys))
	}
	if got := impact(x); !slices.Equal(got, ids) {
		t.Fatalf("opened again: %d certificates, want the same %d", len(got), len(ids))
	}
}
