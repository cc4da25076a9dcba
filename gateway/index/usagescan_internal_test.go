package index

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// usageDB opens a badger database of small tables holding the usage
// entries of STD-A (n of them, with their split keys; some overwritten,
// some deleted, the last ones left in the memtable) between those of its
// neighbours STD- and STD-B, and returns the usages of STD-A in key order.
func usageDB(t *testing.T, n int) (*badger.DB, []rules.Usage) {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(t.TempDir()).WithLogger(nil).
		WithMemTableSize(1 << 20).WithBaseTableSize(32 << 10).WithValueThreshold(1 << 10).WithNumLevelZeroTables(1).WithNumLevelZeroTablesStall(4))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	usage := func(std string, i, version int) rules.Usage {
		return rules.Usage{CertificateID: fmt.Sprintf("CERT-%s-%07d", std, i), PerformedOn: fmt.Sprintf("2024-%02d-01", 1+i%12),
			IssuerID: "BJIM", SubjectID: fmt.Sprintf("INS-%d-v%d", i, version), SubjectDocType: record.DocInstrument, SubjectInstitutionID: "TJ"}
	}
	put := func(std string, u rules.Usage) error {
		return db.Update(func(txn *badger.Txn) error { return putUsage(txn.Set, std, u.CertificateID, u.Encode()) })
	}
	wb := db.NewWriteBatch()
	for _, std := range []string{"STD-", "STD-A", "STD-B"} {
		count := 500
		if std == "STD-A" {
			count = n
		}
		for i := 0; i < count; i++ {
			u := usage(std, i, 0)
			if err := putUsage(wb.Set, std, u.CertificateID, u.Encode()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := wb.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := db.Flatten(1); err != nil {
		t.Fatal(err)
	}
	want := map[string]rules.Usage{}
	for i := 0; i < n; i++ {
		u := usage("STD-A", i, 0)
		want[u.CertificateID] = u
	}
	for i := 7; i < n; i += 101 { // newer versions, in the memtable and the tables above
		u := usage("STD-A", i, 1)
		if err := put("STD-A", u); err != nil {
			t.Fatal(err)
		}
		want[u.CertificateID] = u
	}
	for i := 13; i < n; i += 97 {
		id := usage("STD-A", i, 0).CertificateID
		if err := db.Update(func(txn *badger.Txn) error {
			return txn.Delete(entryKey(record.IndexCertificatesByReference, "STD-A", id))
		}); err != nil {
			t.Fatal(err)
		}
		delete(want, id)
	}
	out := make([]rules.Usage, 0, len(want))
	for _, u := range want {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CertificateID < out[j].CertificateID })
	return db, out
}

// collect returns what EachUsage of STD-A passed to fn, and its error.
func collect(db *badger.DB, stop int) (got []rules.Usage, err error) {
	errStop := errors.New("enough")
	err = db.View(func(txn *badger.Txn) error {
		return usageScan{source{txn}}.EachUsage("STD-A", func(u rules.Usage) error {
			if len(got) == stop {
				return errStop
			}
			got = append(got, u)
			return nil
		})
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	return got, err
}

// starts returns the range starts of STD-A's usages.
func starts(t *testing.T, db *badger.DB) (keys [][]byte) {
	t.Helper()
	if err := db.View(func(txn *badger.Txn) error { keys = rangeStarts(txn, "STD-A"); return nil }); err != nil {
		t.Fatal(err)
	}
	return keys
}

// The ranges start at the standard's prefix, then at the entry of every
// certificate that splits its usages (about one in usageSplitEvery, by the
// hash of its id), whatever else the database holds.
func TestRangesStartAtTheSplitKeys(t *testing.T) {
	db, _ := usageDB(t, 20000)
	want := []string{string(entryPrefix(record.IndexCertificatesByReference, "STD-A"))}
	for i := 0; i < 20000; i++ {
		if id := fmt.Sprintf("CERT-STD-A-%07d", i); splitsUsages(id) {
			want = append(want, string(entryKey(record.IndexCertificatesByReference, "STD-A", id)))
		}
	}
	var got []string
	for _, k := range starts(t, db) {
		got = append(got, string(k))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("range starts %q, want %q", got, want)
	}
	// 20,000 usages: about ten ranges, enough for the workers' path.
	if len(want) < 2*scanMinRanges || len(want) > 20 {
		t.Fatalf("%d ranges for 20,000 usages, one in %d splitting", len(want), usageSplitEvery)
	}
}

// A scan on two workers passes every usage of the standard once, in key
// order, the latest version of each and none of its neighbours', across
// range boundaries, levels and the memtable.
func TestScanUsagesReadsEveryRangeInOrder(t *testing.T) {
	db, want := usageDB(t, 20000)
	before := runtime.NumGoroutine()
	got, err := collect(db, -1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d usages, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("usage %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("%d goroutines after the scan, %d before", after, before)
	}
}

// An error of fn stops the scan where it came: the workers reading ahead
// are stopped and their iterators closed before the snapshot is (else
// badger's Discard panics).
func TestScanUsagesStopsAtTheCallersError(t *testing.T) {
	db, want := usageDB(t, 20000)
	for _, stop := range []int{0, 1, scanChunk, 5000, len(want) - 1} {
		got, err := collect(db, stop)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != stop || (stop > 0 && got[stop-1] != want[stop-1]) {
			t.Fatalf("stopped at %d: %d usages, the last %+v", stop, len(got), got[len(got)-1])
		}
	}
}

// An entry that does not decode ends the scan with an error naming the
// standard, from whichever range it lies in.
func TestScanUsagesReportsAnEntryThatDoesNotDecode(t *testing.T) {
	db, want := usageDB(t, 20000)
	bad := want[len(want)*2/3].CertificateID
	if err := db.Update(func(txn *badger.Txn) error {
		return txn.Set(entryKey(record.IndexCertificatesByReference, "STD-A", bad), []byte("three\x00fields\x00only"))
	}); err != nil {
		t.Fatal(err)
	}
	got, err := collect(db, -1)
	if err == nil || !strings.Contains(err.Error(), "usage entry of STD-A") {
		t.Fatalf("error %v, want the bad entry's", err)
	}
	if len(got) != len(want)*2/3 {
		t.Fatalf("%d usages before the error, want the %d before the bad entry", len(got), len(want)*2/3)
	}
}

// A standard whose entries lie in fewer than scanMinRanges ranges is read
// by one iterator, with the same answer.
func TestScanUsagesOfASmallStandard(t *testing.T) {
	db, want := usageDB(t, 50)
	if n := len(starts(t, db)); n >= scanMinRanges {
		t.Fatalf("%d ranges for 50 usages", n)
	}
	got, err := collect(db, -1)
	if err != nil || len(got) != len(want) || got[0] != want[0] || got[len(got)-1] != want[len(want)-1] {
		t.Fatalf("%d usages (%v), want %d", len(got), err, len(want))
	}
}
