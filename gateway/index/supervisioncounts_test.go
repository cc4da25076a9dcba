package index

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

const countsToday = "2026-06-15"

// randomEntry is a due entry of instrument i with random dimensions,
// registration, verification state and periods (some overlapping, some
// before the registration, one open-ended at the last date).
func randomEntry(r *rand.Rand, i int) *dueEntry {
	pick := func(opts ...string) string { return opts[r.Intn(len(opts))] }
	day := func() string {
		d, _ := record.AddDays("2025-01-01", r.Intn(900))
		return d
	}
	e := &dueEntry{InstrumentID: fmt.Sprintf("IN-%04d", i), InstitutionID: pick("BJ-A", "BJ-B", "TJ-A", "HB-A"),
		District: pick("", "110101", "120101", "120116", "130102"), Category: pick("", "water_meter", "taximeter"),
		RegisteredOn: pick("", day())}
	e.Region = record.RegionOfDistrict(e.District)
	if e.Region == "" {
		e.Region = strings.SplitN(e.InstitutionID, "-", 2)[0]
	}
	for n := r.Intn(4); n > 0; n-- {
		from := day()
		to, _ := record.AddDays(from, r.Intn(400))
		if r.Intn(20) == 0 {
			to = "9999-12-31"
		}
		e.Periods = append(e.Periods, rules.Period{From: from, To: to})
	}
	if len(e.Periods) == 0 || r.Intn(5) == 0 {
		e.DueOn = e.RegisteredOn
	} else {
		e.CertificateID = "V-" + e.InstrumentID
		e.DueOn = e.Periods[len(e.Periods)-1].To
	}
	return e
}

func writeEntries(t *testing.T, x *Index, entries []*dueEntry, drop []string) {
	t.Helper()
	if err := x.db.Update(func(txn *badger.Txn) error {
		c := counts{}
		for _, e := range entries {
			key, old, err := dueOf(txn, e.InstrumentID)
			if err != nil {
				return err
			}
			if err := replaceDue(txn, c, e, key, old); err != nil {
				return err
			}
		}
		for _, id := range drop {
			if err := dropDue(txn, c, id); err != nil {
				return err
			}
		}
		return c.apply(txn)
	}); err != nil {
		t.Fatal(err)
	}
}

// dumpCounts returns every counter and dimension key with its value.
func dumpCounts(t *testing.T, x *Index) map[string]string {
	t.Helper()
	out := map[string]string{}
	if err := x.db.View(func(txn *badger.Txn) error {
		for _, p := range []string{prefixDueBy, prefixDueCount, prefixCoverage} {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(p), PrefetchValues: true})
			for it.Seek([]byte(p)); it.ValidForPrefix([]byte(p)); it.Next() {
				v, err := it.Item().ValueCopy(nil)
				if err != nil {
					it.Close()
					return err
				}
				out[string(it.Item().KeyCopy(nil))] = string(v)
			}
			it.Close()
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkCountsAgree compares what the counters answer with what reading
// every due entry answers, for the list totals and pages along each
// dimension and for coverage of the whole ledger and of each region.
func checkCountsAgree(t *testing.T, x *Index, when string) {
	t.Helper()
	filters := []Filter{{}, {Region: "TJ"}, {Region: "HB"}, {District: "120101"}, {Institution: "BJ-B"}, {Category: "water_meter"}}
	for _, f := range filters {
		for _, list := range []string{"overdue", "due"} {
			ask := func(f Filter, size int, token string) (*ItemPage, error) {
				if list == "due" {
					return x.Due(countsToday, 60, f, size, token)
				}
				return x.Overdue(countsToday, f, size, token)
			}
			var ids []string
			token := ""
			for {
				p, err := ask(f, 7, token)
				if err != nil {
					t.Fatalf("%s: %s %+v: %v", when, list, f, err)
				}
				for _, it := range p.Items {
					ids = append(ids, it.InstrumentID)
					if !f.match(it.Region, it.District, it.InstitutionID, it.Category) {
						t.Fatalf("%s: %s %+v lists %s of %s/%s", when, list, f, it.InstrumentID, it.Region, it.District)
					}
				}
				if p.Total != countEntries(t, x, list, f) {
					t.Fatalf("%s: %s %+v: total %d from the counters, %d from the entries", when, list, f, p.Total, countEntries(t, x, list, f))
				}
				if token = p.NextPageToken; token == "" {
					break
				}
			}
			if len(ids) != countEntries(t, x, list, f) {
				t.Fatalf("%s: %s %+v: %d items paged, %d entries", when, list, f, len(ids), countEntries(t, x, list, f))
			}
			// A second field that every entry of the district has makes
			// the total be counted from the entries, not the counters.
			if f.District != "" {
				wide := f
				wide.Region = record.RegionOfDistrict(f.District)
				if p, err := ask(wide, 1000, ""); err != nil || p.Total != len(ids) || len(p.Items) != len(ids) {
					t.Fatalf("%s: %s %+v (two fields): %v %+v, want %d", when, list, wide, err, p, len(ids))
				}
			}
		}
	}
	days, _, err := historyDays(countsToday)
	if err != nil {
		t.Fatal(err)
	}
	for _, scope := range []string{"", "TJ", "BJ", "HB"} {
		for _, by := range []string{ByDistrict, ByCategory, ByInstitution} {
			fromCounts, fromEntries := map[string]*tally{}, map[string]*tally{}
			oc, oe := newTally(len(days)), newTally(len(days))
			if err := x.db.View(func(txn *badger.Txn) error {
				s := ""
				if scope != "" {
					s = "r:" + scope
				}
				if err := coverageFromCounts(txn, s, by, days, fromCounts, oc); err != nil {
					return err
				}
				return coverageFromEntries(txn, Filter{Region: scope}, by, days, fromEntries, oe)
			}); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fromCounts, fromEntries) || !reflect.DeepEqual(oc, oe) {
				t.Fatalf("%s: coverage of %q by %s: counters %v overall %v, entries %v overall %v", when, scope, by, fromCounts, *oc, fromEntries, *oe)
			}
		}
	}
}

// countEntries counts a list's entries by reading every due entry.
func countEntries(t *testing.T, x *Index, list string, f Filter) int {
	t.Helper()
	n := 0
	until, _ := record.AddDays(countsToday, 60)
	if err := x.db.View(func(txn *badger.Txn) error {
		return eachDue(txn, dimGroup{dimAll, ""}, nil, "9999-12-31", func(_ []byte, e *dueEntry) (bool, error) {
			verified := e.CertificateID != ""
			in := false
			if list == "due" {
				in = verified && e.DueOn >= countsToday && e.DueOn <= until
			} else {
				in = !verified && e.DueOn <= countsToday || verified && e.DueOn < countsToday
			}
			if in && f.match(e.Region, e.District, e.InstitutionID, e.Category) {
				n++
			}
			return true, nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSupervisionCountersAgreeWithTheEntries(t *testing.T) {
	x, err := Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	r := rand.New(rand.NewSource(7))
	var entries []*dueEntry
	for i := 0; i < 400; i++ {
		entries = append(entries, randomEntry(r, i))
	}
	writeEntries(t, x, entries, nil)
	if got := countEntries(t, x, "overdue", Filter{}); got < 50 {
		t.Fatalf("the random region has %d overdue entries, too few to test", got)
	}
	checkCountsAgree(t, x, "after the first writes")

	// Moves, changed periods, unchanged rewrites, and removals.
	var changed []*dueEntry
	var dropped []string
	for i := 0; i < 400; i += 3 {
		e := randomEntry(r, i)
		changed = append(changed, e)
	}
	changed = append(changed, entries[1], entries[2])
	for i := 5; i < 400; i += 11 {
		dropped = append(dropped, entries[i].InstrumentID)
	}
	writeEntries(t, x, changed, dropped)
	checkCountsAgree(t, x, "after changes and removals")

	// Built from the entries alone (an index from before the counters),
	// the counters are the same keys with the same values.
	before := dumpCounts(t, x)
	if err := x.db.Update(func(txn *badger.Txn) error { return txn.Delete([]byte(keyCounts)) }); err != nil {
		t.Fatal(err)
	}
	if err := x.db.DropPrefix([]byte(prefixDueCount), []byte(prefixCoverage)); err != nil {
		t.Fatal(err)
	}
	if err := x.ensureCounts(); err != nil {
		t.Fatal(err)
	}
	if after := dumpCounts(t, x); !reflect.DeepEqual(after, before) {
		t.Fatalf("rebuilt counters differ: %d keys, %d before", len(after), len(before))
	}

	// With every entry gone no counter is left, none stays at zero.
	var all []string
	for i := 0; i < 400; i++ {
		all = append(all, fmt.Sprintf("IN-%04d", i))
	}
	writeEntries(t, x, nil, all)
	if left := dumpCounts(t, x); len(left) != 0 {
		t.Fatalf("%d counter keys left with no entry, e.g. %v", len(left), left)
	}
}

func TestCoveredSpansMergeAndClip(t *testing.T) {
	e := &dueEntry{RegisteredOn: "2026-02-01", Periods: []rules.Period{
		{From: "2026-03-01", To: "2026-03-31"}, {From: "2025-01-01", To: "2025-12-31"}, {From: "2026-01-15", To: "2026-02-10"},
		{From: "2026-02-11", To: "2026-02-20"}, {From: "2026-03-10", To: "2026-04-30"}, {From: "2026-06-01", To: "9999-12-31"}}}
	want := []rules.Period{{From: "2026-02-01", To: "2026-02-21"}, {From: "2026-03-01", To: "2026-05-01"}, {From: "2026-06-01", To: ""}}
	if got := coveredSpans(e); !reflect.DeepEqual(got, want) {
		t.Fatalf("spans %v, want %v", got, want)
	}
}
