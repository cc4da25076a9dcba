package rules

import (
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// memSource is raw storage in maps, for the rules alone.
type memSource struct {
	records map[string][]byte
	index   map[string][]string
}

func newMem() *memSource {
	return &memSource{records: map[string][]byte{}, index: map[string][]string{}}
}

func (m *memSource) put(docType, id string, v any) {
	data, _ := json.Marshal(v)
	m.records[docType+"/"+id] = data
	for idx, values := range record.IndexEntries(v) {
		for _, val := range values {
			m.index[idx+"/"+val] = append(m.index[idx+"/"+val], id)
		}
	}
}

func (m *memSource) Record(docType, id string) ([]byte, error) { return m.records[docType+"/"+id], nil }

func (m *memSource) IDs(index, value string) ([]string, error) {
	ids := append([]string(nil), m.index[index+"/"+value]...)
	sort.Strings(ids)
	return ids, nil
}

func std(id string) *record.Standard {
	return &record.Standard{ID: id, InstitutionID: "LAB", Name: id, Level: record.LevelWorking, Quantity: "mass",
		Range: record.Range{Min: 0, Max: 1, Unit: "kg"}, Uncertainty: record.Uncertainty{Value: 1, Unit: "mg", K: 2}, Status: "active"}
}

func cert(id, subject, ref, on string) *record.Certificate {
	return &record.Certificate{ID: id, Kind: "calibration", IssuerID: "LAB", SubjectID: subject, ReferenceIDs: []string{ref},
		Quantity: "mass", PerformedOn: on, ValidUntil: "2030-01-01", Method: "m", Status: "valid",
		Results: []record.Result{{Value: 1, Unit: "kg", Uncertainty: &record.Uncertainty{Value: 2, Unit: "mg", K: 2}}}}
}

// TestImpactFollowsTheEarliestAffectedDate: B is first reached as affected
// from June, then found affected from February through C; what B calibrated
// between the two dates (B-I1, March) is affected too.
func TestImpactFollowsTheEarliestAffectedDate(t *testing.T) {
	m := newMem()
	for _, id := range []string{"A", "B", "C"} {
		m.put(record.DocStandard, id, std(id))
	}
	m.put(record.DocInstrument, "I", &record.Instrument{ID: "I", InstitutionID: "OWNER", Type: "t", Manufacturer: "m", Model: "x", Serial: "1",
		Quantity: "mass", Range: record.Range{Min: 0, Max: 1, Unit: "kg"}, MPE: record.Value{Value: 10, Unit: "mg"}})
	m.put(record.DocCertificate, "A-C", cert("A-C", "C", "A", "2024-01-10"))   // A → C
	m.put(record.DocCertificate, "C-B", cert("C-B", "B", "C", "2024-06-01"))   // C → B late
	m.put(record.DocCertificate, "A-B", cert("A-B", "B", "A", "2024-02-01"))   // A → B early
	m.put(record.DocCertificate, "B-I1", cert("B-I1", "I", "B", "2024-03-01")) // between the two
	m.put(record.DocCertificate, "B-I0", cert("B-I0", "I", "B", "2024-01-15")) // before B was affected
	m.put(record.DocCertificate, "OLD", cert("OLD", "C", "A", "2023-12-31"))   // before since
	set, err := Impact(FromSource(m), "A", "2024-01-01", true)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"A-B", "A-C", "B-I1", "C-B"}; !reflect.DeepEqual(set.Certificates, want) {
		t.Fatalf("certificates = %v, want %v", set.Certificates, want)
	}
	if !reflect.DeepEqual(set.Standards, []string{"B", "C"}) || !reflect.DeepEqual(set.Instruments, []string{"I"}) ||
		!reflect.DeepEqual(set.Institutions, []string{"LAB", "OWNER"}) {
		t.Fatalf("set = %+v", set)
	}
	// Paths follow the first way an id was reached.
	if got := set.Paths["B-I1"]; !reflect.DeepEqual(got, []string{"A", "A-B", "B", "B-I1"}) {
		t.Fatalf("path to B-I1 = %v", got)
	}
	if got := set.Paths["OWNER"]; got[len(got)-1] != "I" {
		t.Fatalf("path to the owner institution = %v, want it to end at the instrument", got)
	}
	bare, _ := Impact(FromSource(m), "A", "2024-01-01", false)
	if bare.Paths != nil || !reflect.DeepEqual(bare.Certificates, set.Certificates) {
		t.Fatalf("impact without paths = %+v", bare)
	}
}

func TestCertificateAtPrefersTheLatestValidOne(t *testing.T) {
	old := cert("OLD", "X", "R", "2023-01-01")
	old.ValidUntil = "2024-01-01"
	cur := cert("CUR", "X", "R", "2024-01-02")
	revoked := cert("REV", "X", "R", "2024-03-01")
	revoked.Status = record.CertRevoked
	certs := []*record.Certificate{revoked, old, cur}
	if c, ok := CertificateAt(certs, "2024-06-01"); c.ID != "CUR" || !ok {
		t.Fatalf("on 2024-06-01: %s %v, want CUR valid", c.ID, ok)
	}
	if c, ok := CertificateAt(certs, "2023-06-01"); c.ID != "OLD" || !ok {
		t.Fatalf("on 2023-06-01: %s %v, want OLD valid", c.ID, ok)
	}
	if c, ok := CertificateAt(certs, "2031-01-01"); c.ID != "REV" || ok {
		t.Fatalf("on 2031-01-01: %v %v, want the latest (revoked), not valid", c, ok)
	}
	if c, _ := CertificateAt(certs, "2022-01-01"); c != nil {
		t.Fatalf("before any certificate: %v", c)
	}
}

func TestUsageEncodingRoundTrips(t *testing.T) {
	u := Usage{"C1", "2024-01-01", "LAB", "S", record.DocStandard, "LAB2"}
	got, err := DecodeUsage(u.Encode())
	if err != nil || got != u {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	// An unregistered subject has an empty doc type; empty fields anywhere
	// survive the round trip.
	for _, u := range []Usage{{"C1", "2024-01-01", "LAB", "S", "", "LAB2"}, {}, {"", "", "", "", "", "X"}} {
		if got, err := DecodeUsage(u.Encode()); err != nil || got != u {
			t.Fatalf("round trip of %+v = %+v, %v", u, got, err)
		}
	}
	for _, bad := range []string{"", "a\x00b", "a\x00b\x00c\x00d\x00e", "a\x00b\x00c\x00d\x00e\x00f\x00g", "\x00\x00\x00\x00\x00\x00"} {
		if got, err := DecodeUsage([]byte(bad)); err == nil {
			t.Fatalf("the malformed entry %q (%d fields) was accepted as %+v", bad, strings.Count(bad, "\x00")+1, got)
		}
	}
}

// TestImpactWithinRefusesALongerWalk: the bounded walk answers as Impact
// up to its bound, and refuses beyond it.
func TestImpactWithinRefusesALongerWalk(t *testing.T) {
	m := newMem()
	for _, id := range []string{"A", "B", "C"} {
		m.put(record.DocStandard, id, std(id))
	}
	m.put(record.DocCertificate, "A-C", cert("A-C", "C", "A", "2024-01-10"))
	m.put(record.DocCertificate, "C-B", cert("C-B", "B", "C", "2024-06-01"))
	m.put(record.DocCertificate, "A-B", cert("A-B", "B", "A", "2024-02-01"))
	m.put(record.DocCertificate, "B-I1", cert("B-I1", "I", "B", "2024-03-01"))
	m.put(record.DocCertificate, "B-I0", cert("B-I0", "I", "B", "2024-01-15"))
	m.put(record.DocCertificate, "OLD", cert("OLD", "C", "A", "2023-12-31"))
	// The walk reads A's three certificates, C's one and B's two.
	full, err := Impact(FromSource(m), "A", "2024-01-01", true)
	if err != nil {
		t.Fatal(err)
	}
	within, err := ImpactWithin(FromSource(m), "A", "2024-01-01", true, 6)
	if err != nil || !reflect.DeepEqual(within, full) {
		t.Fatalf("within 6: %+v, %v; want %+v", within, err, full)
	}
	_, err = ImpactWithin(FromSource(m), "A", "2024-01-01", false, 5)
	want := "the impact of A reaches more than 5 certificates, more than one evaluation reads; ask the gateway's index (GET /api/v1/impact/A)"
	if record.ErrorCode(err) != record.Invalid || record.ErrorMessage(err) != want {
		t.Fatalf("within 5: %v", err)
	}
}

// pagedGraph is the graph of TestImpactFollowsTheEarliestAffectedDate: A
// calibrates C and B, C calibrates B later, B calibrates the unregistered
// I twice, and an old certificate of C predates every since.
func pagedGraph() *memSource {
	m := newMem()
	for _, id := range []string{"A", "B", "C"} {
		m.put(record.DocStandard, id, std(id))
	}
	m.put(record.DocCertificate, "A-C", cert("A-C", "C", "A", "2024-01-10"))
	m.put(record.DocCertificate, "C-B", cert("C-B", "B", "C", "2024-06-01"))
	m.put(record.DocCertificate, "A-B", cert("A-B", "B", "A", "2024-02-01"))
	m.put(record.DocCertificate, "B-I1", cert("B-I1", "I", "B", "2024-03-01"))
	m.put(record.DocCertificate, "B-I0", cert("B-I0", "I", "B", "2024-01-15"))
	m.put(record.DocCertificate, "OLD", cert("OLD", "C", "A", "2023-12-31"))
	return m
}

// TestImpactPagedListsWhatImpactDoesPageByPage: on the graph of
// TestImpactFollowsTheEarliestAffectedDate, pages of two give Impact's
// certificates, each with the affected standard it used.
func TestImpactPagedListsWhatImpactDoesPageByPage(t *testing.T) {
	l := FromSource(pagedGraph())
	p1, err := ImpactPaged(l, nil, nil, "A", "2024-01-01", 3, "")
	if err != nil {
		t.Fatal(err)
	}
	got := func(p *ImpactPage) []string {
		var out []string
		for _, c := range p.Certificates {
			out = append(out, c.ReferenceID+">"+c.CertificateID+">"+c.SubjectID+"/"+c.SubjectDocType)
		}
		return out
	}
	if want := []string{"A>A-B>B/standard", "A>A-C>C/standard", "B>B-I1>I/"}; !reflect.DeepEqual(got(p1), want) ||
		p1.TotalCertificates != 4 || !reflect.DeepEqual(p1.Standards, []string{"B", "C"}) || p1.NextPageToken == "" {
		t.Fatalf("page 1 = %v %+v", got(p1), p1)
	}
	p2, err := ImpactPaged(l, nil, nil, "A", "2024-01-01", 3, p1.NextPageToken)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"C>C-B>B/standard"}; !reflect.DeepEqual(got(p2), want) || p2.TotalCertificates != 4 || p2.NextPageToken != "" {
		t.Fatalf("page 2 = %v %+v", got(p2), p2)
	}
	// A page exactly full is the last: no token to an empty page.
	p, _ := ImpactPaged(l, nil, nil, "A", "2024-01-01", 4, "")
	if len(p.Certificates) != 4 || p.NextPageToken != "" {
		t.Fatalf("page of 4 = %+v", p)
	}
	for _, bad := range []struct {
		size  int
		token string
		code  record.Code
	}{{0, "", record.Invalid}, {record.MaxPageSize + 1, "", record.Invalid}, {2, "not-a-token!", record.Invalid}} {
		if _, err := ImpactPaged(l, nil, nil, "A", "2024-01-01", bad.size, bad.token); record.ErrorCode(err) != bad.code {
			t.Errorf("size %d token %q: %v", bad.size, bad.token, err)
		}
	}
	if _, err := ImpactPaged(l, nil, nil, "NO", "2024-01-01", 2, ""); record.ErrorCode(err) != record.NotFound {
		t.Errorf("unknown standard: %v", err)
	}
}

// TestImpactStreamGivesEveryPageInOrder: on the graph of
// TestImpactPagedListsWhatImpactDoesPageByPage, the stream calls back with
// the items of every page in page order, and an error of the callback
// stops it.
func TestImpactStreamGivesEveryPageInOrder(t *testing.T) {
	l := FromSource(pagedGraph())
	var got []string
	stds, err := ImpactStream(l, nil, nil, "A", "2024-01-01", func(it ImpactItem) error {
		got = append(got, it.ReferenceID+">"+it.CertificateID+">"+it.SubjectID+"/"+it.SubjectDocType)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"A>A-B>B/standard", "A>A-C>C/standard", "B>B-I1>I/", "C>C-B>B/standard"}; !reflect.DeepEqual(got, want) ||
		!reflect.DeepEqual(stds, []string{"B", "C"}) {
		t.Fatalf("stream = %v, standards %v", got, stds)
	}
	stop := errors.New("enough")
	calls := 0
	if _, err := ImpactStream(l, nil, nil, "A", "2024-01-01", func(ImpactItem) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("a failing callback: err %v after %d calls, want %v after 1", err, calls, stop)
	}
	if _, err := ImpactStream(l, nil, nil, "NO", "2024-01-01", func(ImpactItem) error { return nil }); record.ErrorCode(err) != record.NotFound {
		t.Errorf("unknown standard: %v", err)
	}
	if _, err := ImpactStream(l, nil, nil, "A", "2024-13-01", func(ImpactItem) error { return nil }); record.ErrorCode(err) != record.Invalid {
		t.Errorf("bad since: %v", err)
	}
}
