package rules

import (
	"encoding/json"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// memoLookup keeps walks above reference standards' certificates in a
// map, as the index's decoded cache does, and counts how often one served.
type memoLookup struct {
	Lookup
	above map[string]*TraceAbove
	hits  int
}

func (m *memoLookup) TraceAbove(id string) (*TraceAbove, bool) {
	a, ok := m.above[id]
	if ok {
		m.hits++
	}
	return a, ok
}

func (m *memoLookup) KeepTraceAbove(id string, a *TraceAbove) { m.above[id] = a }

// TestTracesThroughTheMemoAreTheWalks: on a graph with a shared chain, a
// diamond (two references whose chains meet), a cycle above a reference,
// a chain that comes back to the traced standard, a dead end and a
// reference certified after its use, every subject traced on several
// dates through a memo (the first trace fills it, the second reads it)
// gives the same JSON as the walk without one, and the memo served.
func TestTracesThroughTheMemoAreTheWalks(t *testing.T) {
	m := newMem()
	primary := std("P")
	primary.Level = record.LevelPrimary
	m.put(record.DocStandard, "P", primary)
	for _, id := range []string{"A", "B", "C", "D", "X", "Y", "S", "R", "E", "L"} {
		m.put(record.DocStandard, id, std(id))
	}
	for _, c := range []*record.Certificate{
		cert("C-A", "A", "P", "2024-01-10"),
		cert("C-B", "B", "A", "2024-02-10"),
		cert("C-C", "C", "A", "2024-02-11"),
		cert("C-D", "D", "B", "2024-03-10"),
		cert("C-X", "X", "Y", "2024-01-05"),
		cert("C-Y", "Y", "X", "2024-01-04"),
		cert("C-S", "S", "R", "2024-02-01"),
		cert("C-R", "R", "S", "2024-01-20"),
		cert("C-L", "L", "A", "2025-01-01"), // after its uses below
	} {
		m.put(record.DocCertificate, c.ID, c)
	}
	diamond := cert("C-D2", "D", "B", "2024-04-01")
	diamond.ReferenceIDs = []string{"B", "C"}
	m.put(record.DocCertificate, diamond.ID, diamond)
	inst := func(id string, refs ...string) {
		m.put(record.DocInstrument, id, &record.Instrument{ID: id, InstitutionID: "OWNER", Type: "t", Manufacturer: "m", Model: "x", Serial: id,
			Range: record.Range{Min: 0, Max: 1, Unit: "kg"}, MPE: record.Value{Value: 1, Unit: "g"}})
		c := cert("C-"+id, id, refs[0], "2024-05-01")
		c.ReferenceIDs = refs
		m.put(record.DocCertificate, c.ID, c)
	}
	inst("I1", "D")
	inst("I2", "D")
	inst("I3", "B", "C") // the diamond at depth 1
	inst("I4", "X")      // a cycle above its reference
	inst("I5", "E", "B") // E has no certificate: a dead end
	inst("I6", "L")      // L certified after the use
	inst("I7", "D", "B") // B again through D's chain

	plain := FromSource(m)
	memo := &memoLookup{Lookup: plain, above: map[string]*TraceAbove{}}
	subjects := []string{"I1", "I2", "I3", "I4", "I5", "I6", "I7", "A", "B", "C", "D", "S", "R", "X", "Y", "L", "P"}
	traced, spliced := 0, 0
	for round := 0; round < 2; round++ {
		for _, id := range subjects {
			for _, at := range []string{"2024-03-20", "2024-06-01", "2025-06-01"} {
				want, err := Trace(plain, id, at)
				if err != nil {
					t.Fatal(err)
				}
				got, err := Trace(memo, id, at)
				if err != nil {
					t.Fatal(err)
				}
				w, _ := json.Marshal(want)
				g, _ := json.Marshal(got)
				if string(g) != string(w) {
					t.Fatalf("round %d, %s on %s:\nmemo %s\nwalk %s", round, id, at, g, w)
				}
				// The links spliced from the memo are written from the
				// bytes it encoded for them: the same JSON.
				if a := got.AppendJSON(nil); string(a) != string(w) {
					t.Fatalf("round %d, %s on %s: AppendJSON through the memo:\n%s\nencoding/json of the walk:\n%s", round, id, at, a, w)
				}
				if got.linkJSON != nil {
					spliced++
				}
				traced++
			}
		}
	}
	if spliced < 20 {
		t.Fatalf("%d of %d traces wrote links from the memo's bytes, want at least 20", spliced, traced)
	}
	if memo.hits < 40 {
		t.Fatalf("the memo served %d of %d traces' chains, want at least 40", memo.hits, traced)
	}
	// The cycle's walk is kept but never spliced: it is walked each time.
	if a := memo.above["C-X"]; a == nil || a.usable {
		t.Fatalf("the walk above C-X (a cycle) = %+v, want kept as unusable", a)
	}
	// A walk that references the subject is not spliced into that
	// subject's trace: S's chain (through R) comes back to S.
	if a := memo.above["C-R"]; a == nil || !a.referenced["S"] {
		t.Fatalf("the walk above C-R = %+v, want it to reference S", a)
	}
}
