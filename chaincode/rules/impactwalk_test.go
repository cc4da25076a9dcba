package rules

import (
	"reflect"
	"sort"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// memUsagePage pages the usages of a memSource and counts what it reads.
func memUsagePage(l Lookup, reads *int) UsagePage {
	return func(standardID, after string, limit int) ([]Usage, bool, error) {
		uses, err := usagesOf(l, standardID, false)
		if err != nil {
			return nil, false, err
		}
		sort.Slice(uses, func(i, j int) bool { return uses[i].CertificateID < uses[j].CertificateID })
		i := sort.Search(len(uses), func(i int) bool { return uses[i].CertificateID > after })
		uses = uses[i:]
		more := len(uses) > limit
		if more {
			uses = uses[:limit]
		}
		*reads += len(uses)
		return uses, more, nil
	}
}

// TestImpactWalkReachesAStandardAgainFromAnEarlierDate: B is reached from
// June first (A-B), walked, then reached from February through C; the
// second walk of B lists what B calibrated between the two dates (B-I1)
// and nothing twice.
func TestImpactWalkReachesAStandardAgainFromAnEarlierDate(t *testing.T) {
	m := newMem()
	for _, id := range []string{"A", "B", "C"} {
		m.put(record.DocStandard, id, std(id))
	}
	m.put(record.DocInstrument, "I", &record.Instrument{ID: "I", InstitutionID: "OWNER", Type: "t", Manufacturer: "m", Model: "x", Serial: "1",
		Quantity: "mass", Range: record.Range{Min: 0, Max: 1, Unit: "kg"}, MPE: record.Value{Value: 10, Unit: "mg"}})
	m.put(record.DocCertificate, "A-B", cert("A-B", "B", "A", "2024-06-01"))   // A → B late
	m.put(record.DocCertificate, "A-C", cert("A-C", "C", "A", "2024-01-10"))   // A → C
	m.put(record.DocCertificate, "C-B", cert("C-B", "B", "C", "2024-02-01"))   // C → B early
	m.put(record.DocCertificate, "B-I1", cert("B-I1", "I", "B", "2024-03-01")) // between the two
	m.put(record.DocCertificate, "B-I2", cert("B-I2", "I", "B", "2024-07-01")) // after both
	m.put(record.DocCertificate, "B-I0", cert("B-I0", "I", "B", "2024-01-15")) // before B was affected
	l := FromSource(m)
	whole, err := Impact(l, "A", "2024-01-01", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, 2, 3, 100} {
		var got []string
		var reads int
		token := ""
		for page := 0; ; page++ {
			before := reads
			p, err := ImpactWalk(l, memUsagePage(l, &reads), "A", "2024-01-01", size, token, size)
			if err != nil {
				t.Fatal(err)
			}
			if reads-before > size || len(p.Certificates) > size {
				t.Fatalf("page size %d: page %d read %d usages and holds %d, over the budget", size, page, reads-before, len(p.Certificates))
			}
			for _, c := range p.Certificates {
				got = append(got, c.ReferenceID+":"+c.CertificateID)
			}
			if token = p.NextPageToken; token == "" {
				if !reflect.DeepEqual(p.Standards, []string{"B", "C"}) || p.TotalCertificates != len(got) {
					t.Fatalf("last page %+v", p)
				}
				break
			}
			if page > 20 {
				t.Fatal("the walk does not end")
			}
		}
		// A's, then B from June, C's, then B again for February to June.
		want := []string{"A:A-B", "A:A-C", "B:B-I2", "C:C-B", "B:B-I1"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("page size %d: walk %v, want %v", size, got, want)
		}
		ids := []string{}
		for _, g := range got {
			ids = append(ids, g[2:])
		}
		sort.Strings(ids)
		if !reflect.DeepEqual(ids, whole.Certificates) {
			t.Fatalf("walk lists %v, Impact %v", ids, whole.Certificates)
		}
	}
	if _, err := ImpactWalk(l, memUsagePage(l, new(int)), "A", "2024-01-01", 10, "", 5); record.ErrorCode(err) != record.Internal {
		t.Fatalf("a budget under the page size: %v", err)
	}
	if _, err := ImpactWalk(l, memUsagePage(l, new(int)), "NOPE", "2024-01-01", 10, "", 10); record.ErrorCode(err) != record.NotFound {
		t.Fatalf("an unknown standard: %v", err)
	}
}
