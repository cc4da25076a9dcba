package rules

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// TestTraceFindingsCarryTheParametersOfTheirDetail: a certificate issued
// against a sealed reference fails reference_active_at_use with the code
// reference_sealed and exactly the values its English detail prints, and
// the problem of the report repeats them; passing checks carry their
// findings too.
func TestTraceFindingsCarryTheParametersOfTheirDetail(t *testing.T) {
	m := newMem()
	p := std("P")
	p.Level = record.LevelPrimary
	m.put(record.DocStandard, "P", p)
	w := std("W")
	w.Status = record.StatusSealed
	w.StatusSince = "2024-02-01"
	w.StatusReason = "drift"
	w.StatusHistory = []record.StatusChange{{Status: record.StatusSealed, Since: "2024-02-01", Reason: "drift"}}
	m.put(record.DocStandard, "W", w)
	m.put(record.DocCapability, "CMC", &record.Capability{ID: "CMC", InstitutionID: "LAB", Quantity: "mass",
		Range: record.Range{Min: 0, Max: 2, Unit: "kg"}, Uncertainty: record.Uncertainty{Value: 1, Unit: "mg", K: 2}, Method: "m", ValidUntil: "2030-01-01"})
	m.put(record.DocCertificate, "P-W", cert("P-W", "W", "P", "2024-01-05"))
	m.put(record.DocCertificate, "W-X", cert("W-X", "X", "W", "2024-03-01"))
	m.put(record.DocStandard, "X", std("X"))

	rep, err := Trace(FromSource(m), "X", "2024-03-02")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Traceable {
		t.Fatal("a chain through a sealed standard is traceable")
	}
	var active *Check
	for i, c := range rep.Links[0].Checks {
		if c.Name == CheckReferenceActiveAtUse {
			active = &rep.Links[0].Checks[i]
		}
	}
	want := []Finding{{Code: FindingReferenceSealed, OK: false, Params: Params{
		"reference_id": "W", "status": "sealed", "since": "2024-02-01", "reason": "drift", "used_on": "2024-03-01"}}}
	if active == nil || active.OK || !reflect.DeepEqual(active.Findings, want) {
		t.Fatalf("reference_active_at_use = %+v, want findings %+v", active, want)
	}
	if active.Detail != "reference W was sealed since 2024-02-01 (drift), used 2024-03-01" {
		t.Fatalf("detail = %q", active.Detail)
	}
	if len(rep.ProblemDetails) != len(rep.Problems) || len(rep.Problems) != 1 {
		t.Fatalf("problems = %q, details = %+v", rep.Problems, rep.ProblemDetails)
	}
	if pd := rep.ProblemDetails[0]; pd.RecordID != "W-X" || pd.Check != CheckReferenceActiveAtUse || !reflect.DeepEqual(pd.Findings, want) {
		t.Fatalf("problem detail = %+v", pd)
	}
	cv := rep.Links[0].Checks[0]
	if cv.Name != CheckCertificateValid || !reflect.DeepEqual(cv.Findings, []Finding{{Code: FindingCertificateValid, OK: true,
		Params: Params{"certificate_id": "W-X", "performed_on": "2024-03-01", "valid_until": "2030-01-01", "date": "2024-03-02"}}}) {
		t.Fatalf("certificate_valid = %+v", cv)
	}
	// Every check of every link has at least one finding.
	for _, l := range rep.Links {
		for _, c := range l.Checks {
			if len(c.Findings) == 0 {
				t.Errorf("%s %s has no finding", l.CertificateID, c.Name)
			}
		}
	}
	// The JSON is the same every time (map keys sorted).
	a, _ := json.Marshal(rep)
	for range 5 {
		again, _ := Trace(FromSource(m), "X", "2024-03-02")
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Fatal("the trace's JSON differs between two runs")
		}
	}
}
