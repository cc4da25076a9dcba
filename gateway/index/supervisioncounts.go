package index

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// What the supervision lists and the coverage report read instead of every
// due entry: kept in step with the due entries in the transaction that
// writes them, so a page of a list reads its page and a handful of
// counters, and a coverage report reads its group's counters, at any
// number of instruments.
const (
	// v/x/<dim>\x00<group>\x00<due_on>\x00<instrument_id> → nothing: the due
	// entries of one region, district, institution or category, in due
	// order, so a filtered list pages without reading the others.
	prefixDueBy = "v/x/"
	// v/n/<state>\x00<dim>\x00<group>\x00<due_on> → count (varint) of the due
	// entries of that state (verified or not) on that day; dim "*" counts
	// all of them. A list's total is a sum over the days of its range.
	prefixDueCount = "v/n/"
	// v/g/<measure>\x00<scope>\x00<by>\x00<group>\x00<day> → change (varint)
	// of the number of instruments registered (measure R) or covered by a
	// verification (V) on that day: coverage on a day is the sum of the
	// changes up to it. Scope "" is the whole ledger, "r:<region>" one
	// region.
	prefixCoverage = "v/g/"
	// keyCounts is present when the keys above match the due entries; an
	// index written before they existed gets them when it is opened.
	keyCounts = "v/counts"
)

// Dimensions of the due entries.
const (
	dimAll         = "*"
	dimRegion      = "r"
	dimDistrict    = "d"
	dimInstitution = "i"
	dimCategory    = "c"
)

// Verification states of a due entry.
const (
	stateVerified   = "v"
	stateUnverified = "u"
)

// Coverage measures.
const (
	measureRegistered = "R"
	measureVerified   = "V"
)

// dimGroup is one dimension of an entry with its value.
type dimGroup struct{ dim, group string }

// dims returns the dimensions an entry is counted and kept under (the
// empty ones left out), dimAll first.
func (e *dueEntry) dims() []dimGroup {
	out := []dimGroup{{dimAll, ""}}
	for _, d := range []dimGroup{{dimRegion, e.Region}, {dimDistrict, e.District}, {dimInstitution, e.InstitutionID}, {dimCategory, e.Category}} {
		if d.group != "" {
			out = append(out, d)
		}
	}
	return out
}

func (e *dueEntry) state() string {
	if e.CertificateID == "" {
		return stateUnverified
	}
	return stateVerified
}

// scanDim picks the dimension a filtered list pages along (the most
// selective one set) and says how many of the filter's fields are set.
func (f Filter) scanDim() (d dimGroup, set int) {
	d = dimGroup{dimAll, ""}
	for _, c := range []dimGroup{{dimRegion, f.Region}, {dimCategory, f.Category}, {dimDistrict, f.District}, {dimInstitution, f.Institution}} {
		if c.group != "" {
			d = c
			set++
		}
	}
	return d, set
}

// scanPrefix is where the entries of a dimension are kept in due order.
func scanPrefix(d dimGroup) []byte {
	if d.dim == dimAll {
		return []byte(prefixDue)
	}
	return join(prefixDueBy, d.dim, "\x00", d.group, "\x00")
}

func dueByKey(d dimGroup, dueOn, instrumentID string) []byte {
	return join(prefixDueBy, d.dim, "\x00", d.group, "\x00", dueOn, "\x00", instrumentID)
}

func dueCountPrefix(state string, d dimGroup) []byte {
	return join(prefixDueCount, state, "\x00", d.dim, "\x00", d.group, "\x00")
}

func coveragePrefix(measure, scope, by string) []byte {
	return join(prefixCoverage, measure, "\x00", scope, "\x00", by, "\x00")
}

// counts gathers the counter changes of one transaction, applied once at
// its end (many entries of an event change the same counters).
type counts map[string]int64

func (c counts) add(key []byte, n int64) { c[string(key)] += n }

// entry adds (n = 1) or takes away (n = -1) an entry's part in every
// counter.
func (c counts) entry(e *dueEntry, n int64) {
	for _, d := range e.dims() {
		c.add(append(dueCountPrefix(e.state(), d), e.DueOn...), n)
	}
	scopes := []string{""}
	if e.Region != "" {
		scopes = append(scopes, "r:"+e.Region)
	}
	spans := coveredSpans(e)
	for _, scope := range scopes {
		for _, by := range []string{ByDistrict, ByCategory, ByInstitution} {
			g := e.groupBy(by)
			c.add(append(coveragePrefix(measureRegistered, scope, by), g+"\x00"+e.RegisteredOn...), n)
			p := coveragePrefix(measureVerified, scope, by)
			for _, s := range spans {
				c.add(append(bytes.Clone(p), g+"\x00"+s.From...), n)
				if s.To != "" {
					c.add(append(bytes.Clone(p), g+"\x00"+s.To...), -n)
				}
			}
		}
	}
}

// groupBy is the entry's group in a coverage report by district, category
// or institution (Unknown when it has none).
func (e *dueEntry) groupBy(by string) string {
	g := e.InstitutionID
	switch by {
	case ByDistrict:
		g = e.District
	case ByCategory:
		g = e.Category
	}
	if g == "" {
		return Unknown
	}
	return g
}

// coveredSpans returns the days an entry counts as covered, as disjoint
// spans [From, To) in date order: its periods from its registration on,
// merged where they overlap or touch. To is the day after the period ends
// ("" when that day is past any date the ledger takes).
func coveredSpans(e *dueEntry) []rules.Period {
	var spans []rules.Period
	for _, p := range e.Periods {
		from := max(p.From, e.RegisteredOn)
		if from > p.To {
			continue
		}
		to, err := record.AddDays(p.To, 1)
		if err != nil || len(to) != len(p.To) {
			to = ""
		}
		spans = append(spans, rules.Period{From: from, To: to})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].From < spans[j].From })
	var out []rules.Period
	for _, s := range spans {
		if n := len(out); n > 0 && (out[n-1].To == "" || s.From <= out[n-1].To) {
			if out[n-1].To != "" && (s.To == "" || s.To > out[n-1].To) {
				out[n-1].To = s.To
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// apply writes the gathered changes into txn, in key order; a counter that
// falls to zero is deleted.
func (c counts) apply(txn *badger.Txn) error {
	keys := make([]string, 0, len(c))
	for k, n := range c {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := get(txn, []byte(k))
		if err != nil {
			return err
		}
		n := c[k]
		if v != nil {
			old, err := decodeCount([]byte(k), v)
			if err != nil {
				return err
			}
			n += old
		}
		if n == 0 {
			err = txn.Delete([]byte(k))
		} else {
			err = txn.Set([]byte(k), binary.AppendVarint(nil, n))
		}
		if err != nil {
			return err
		}
	}
	clear(c)
	return nil
}

// putDue writes a due entry (data, its JSON) with its keys along its
// dimensions and counts it.
func putDue(txn *badger.Txn, c counts, e *dueEntry, data []byte) error {
	key := dueKey(e.DueOn, e.InstrumentID)
	if err := txn.Set(key, data); err != nil {
		return err
	}
	for _, d := range e.dims()[1:] {
		if err := txn.Set(dueByKey(d, e.DueOn, e.InstrumentID), nil); err != nil {
			return err
		}
	}
	c.entry(e, 1)
	return txn.Set(dueOfInstrumentKey(e.InstrumentID), key)
}

// dropDue removes an instrument's due entry, its keys and its counts.
func dropDue(txn *badger.Txn, c counts, id string) error {
	key, data, err := dueOf(txn, id)
	if err != nil || key == nil {
		return err
	}
	return removeDue(txn, c, id, key, data)
}

// dueOf returns the key of an instrument's due entry and the entry's JSON
// (nil, nil when it has none).
func dueOf(txn *badger.Txn, id string) (key, data []byte, err error) {
	if key, err = get(txn, dueOfInstrumentKey(id)); err != nil || key == nil {
		return nil, nil, err
	}
	data, err = get(txn, key)
	return key, data, err
}

// removeDue removes the due entry data stored under key, its keys along
// its dimensions, and its counts.
func removeDue(txn *badger.Txn, c counts, id string, key, data []byte) error {
	if err := txn.Delete(key); err != nil {
		return err
	}
	if err := txn.Delete(dueOfInstrumentKey(id)); err != nil {
		return err
	}
	if data == nil {
		return nil
	}
	var e dueEntry
	if err := json.Unmarshal(data, &e); err != nil {
		return fmt.Errorf("due entry of %s: %w", id, err)
	}
	for _, d := range e.dims()[1:] {
		if err := txn.Delete(dueByKey(d, e.DueOn, e.InstrumentID)); err != nil {
			return err
		}
	}
	c.entry(&e, -1)
	return nil
}

// decodeCount reads a counter's varint value.
func decodeCount(key, v []byte) (int64, error) {
	n, w := binary.Varint(v)
	if w <= 0 {
		return 0, fmt.Errorf("counter %q is not a number", key)
	}
	return n, nil
}

// sumCounts adds up the counters of a state along a dimension for the due
// days from lo to hi (both included; lo "" from the first).
func sumCounts(txn *badger.Txn, state string, d dimGroup, lo, hi string) (int, error) {
	prefix := dueCountPrefix(state, d)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 256})
	defer it.Close()
	end := append(bytes.Clone(prefix), hi+"\x00"...)
	total := int64(0)
	for it.Seek(append(bytes.Clone(prefix), lo...)); it.ValidForPrefix(prefix); it.Next() {
		if bytes.Compare(it.Item().Key(), end) >= 0 {
			break
		}
		if err := it.Item().Value(func(v []byte) error {
			n, err := decodeCount(it.Item().Key(), v)
			total += n
			return err
		}); err != nil {
			return 0, err
		}
	}
	return int(total), nil
}

// coverageCounts sums, per group of a coverage scope, the changes of a
// measure up to each of days (sorted), from the counters.
func coverageCounts(txn *badger.Txn, measure, scope, by string, days []string, into func(group string) []int) error {
	prefix := coveragePrefix(measure, scope, by)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 256})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		rest := it.Item().Key()[len(prefix):]
		sep := bytes.IndexByte(rest, 0)
		if sep < 0 {
			return fmt.Errorf("coverage counter %q has no day", it.Item().Key())
		}
		group, day := string(rest[:sep]), string(rest[sep+1:])
		var n int64
		if err := it.Item().Value(func(v []byte) (err error) {
			n, err = decodeCount(it.Item().Key(), v)
			return err
		}); err != nil {
			return err
		}
		sums := into(group)
		for i := sort.SearchStrings(days, day); i < len(days); i++ {
			sums[i] += int(n)
		}
	}
	return nil
}

// ensureCounts gives an index written before the counters existed its
// counters and dimension keys, from its due entries (once; keyCounts
// remembers).
func (x *Index) ensureCounts() error {
	if done, err := x.built(keyCounts); err != nil || done {
		return err
	}
	for _, p := range []string{prefixDueBy, prefixDueCount, prefixCoverage} {
		if err := x.db.DropPrefix([]byte(p)); err != nil {
			return err
		}
	}
	c := counts{}
	entries := 0
	err := x.backfill(keyCounts, func(txn *badger.Txn, wb *badger.WriteBatch) error {
		prefix := []byte(prefixDue)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 256})
		defer it.Close()
		for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
			var e dueEntry
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
				return fmt.Errorf("due entry %q: %w", it.Item().Key(), err)
			}
			for _, d := range e.dims()[1:] {
				if err := wb.Set(dueByKey(d, e.DueOn, e.InstrumentID), nil); err != nil {
					return err
				}
			}
			c.entry(&e, 1)
			entries++
		}
		for k, n := range c {
			if n != 0 {
				if err := wb.Set([]byte(k), binary.AppendVarint(nil, n)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if entries > 0 {
		x.log.Info("supervision counters built from the due entries", "entries", entries, "counters", len(c))
	}
	return nil
}
