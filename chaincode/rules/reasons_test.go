package rules

import (
	"reflect"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// TestAResultNotCoveredSaysWhyForEachCMCAsCodes: a result that no CMC of
// the issuer covers names, for each CMC tried, a reason code with its
// numbers and units, beside the English detail.
func TestAResultNotCoveredSaysWhyForEachCMCAsCodes(t *testing.T) {
	m := newMem()
	for _, cp := range []*record.Capability{
		{ID: "A-RANGE", Range: record.Range{Min: 0, Max: 0.5, Unit: "kg"}, Uncertainty: record.Uncertainty{Value: 1, Unit: "mg", K: 2}},
		{ID: "B-BEST", Range: record.Range{Min: 0, Max: 2, Unit: "kg"}, Uncertainty: record.Uncertainty{Value: 5, Unit: "mg", K: 2}},
		{ID: "C-UNITS", Range: record.Range{Min: 0, Max: 2, Unit: "kPa"}, Uncertainty: record.Uncertainty{Value: 1, Unit: "Pa", K: 2}},
	} {
		cp.InstitutionID, cp.Quantity, cp.Method, cp.ValidUntil = "LAB", "mass", "m", "2030-01-01"
		m.put(record.DocCapability, cp.ID, cp)
	}
	c := cert("C1", "X", "W", "2024-03-01")
	got, err := IssuerCapable(FromSource(m), c)
	if err != nil {
		t.Fatal(err)
	}
	want := []Finding{{Code: FindingResultNotCovered, Params: Params{
		"value": "1", "unit": "kg", "certificate_id": "C1", "reasons": "3",
		"reason.0": CoverOutsideRange, "capability_id.0": "A-RANGE", "range.0": "[0, 0.5] kg",
		"reason.1": CoverBelowCMC, "capability_id.1": "B-BEST", "stated.1": "2e-06", "best.1": "5e-06", "unit.1": "kg",
		"reason.2": CoverRangeUnits, "capability_id.2": "C-UNITS", "from.2": "kg", "to.2": "kPa",
	}}}
	if got.OK || !reflect.DeepEqual(got.Findings, want) {
		t.Fatalf("findings:\n got %+v\nwant %+v", got.Findings, want)
	}
	if d := `result 1 kg of C1: outside CMC A-RANGE range [0, 0.5] kg; stated U = 2e-06 kg is smaller than CMC B-BEST best U = 5e-06 kg; ` +
		`CMC C-UNITS: incompatible units: "kg" (mass) and "kPa" (pressure)`; got.Detail != d {
		t.Fatalf("detail %q, want %q", got.Detail, d)
	}
}

// TestIncompatibleUnitsOfARatioAreNamedAsUnits: a reference whose
// uncertainty is in a length unit cannot be compared with a mass MPE; the
// finding names both units and what they measure.
func TestIncompatibleUnitsOfARatioAreNamedAsUnits(t *testing.T) {
	ref := std("W")
	ref.Uncertainty = record.Uncertainty{Value: 1, Unit: "mm", K: 2}
	c := cert("C1", "I", "W", "2024-03-01")
	c.Kind = record.KindVerification
	in := &record.Instrument{ID: "I", Quantity: "mass", Range: record.Range{Min: 0, Max: 1, Unit: "kg"}, MPE: record.Value{Value: 1, Unit: "g"}}
	got := UncertaintyRatio(c, Subject{Instrument: in}, []*record.Standard{ref})
	want := []Finding{{Code: FindingUnitsIncompatible, Params: Params{"of": UnitsReferenceMPE, "reference_id": "W", "subject_id": "I",
		"from": "mm", "to": "g", "from_measures": "length", "to_measures": "mass"}}}
	if got.OK || !reflect.DeepEqual(got.Findings, want) {
		t.Fatalf("findings:\n got %+v\nwant %+v", got.Findings, want)
	}
	c.Kind = record.KindCalibration
	c.Results[0].Uncertainty = &record.Uncertainty{Value: 1, Unit: "%", K: 2, Relative: true}
	ref.Uncertainty = record.Uncertainty{Value: 1, Unit: "s", K: 2}
	got = UncertaintyRatio(c, Subject{Instrument: in}, []*record.Standard{ref})
	want = []Finding{{Code: FindingUnitsIncompatible, Params: Params{"of": UnitsReferenceResult, "reference_id": "W", "value": "1", "unit": "kg",
		"from": "s", "to": "kg", "from_measures": "time", "to_measures": "mass"}}}
	if got.OK || !reflect.DeepEqual(got.Findings, want) {
		t.Fatalf("findings:\n got %+v\nwant %+v", got.Findings, want)
	}
}
