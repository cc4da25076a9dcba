// Package scenario is the reference data of metrotrace's tests: a small
// Beijing–Tianjin–Hebei region with a five-level traceability chain, a
// Hebei branch, a comparison and a three-region agreement, as records and
// as the ordered chaincode calls that write them. The chaincode tests, the
// index tests and the conformance suite (embedded and Fabric) all load it.
package scenario

import (
	"encoding/json"
	"fmt"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Fixture is a small region: NIM holds the national primary mass standard;
// a five-level chain runs NIM → Beijing public standard → Tianjin enterprise
// standard → working standard → balance; a Hebei branch is calibrated by
// NIM and calibrates a Hebei instrument; a comparison and a three-region
// agreement support recognition. Tests change one thing, then load it.
type Fixture struct {
	Institutions []*record.Institution
	Capabilities []*record.Capability
	Standards    []*record.Standard
	Instruments  []*record.Instrument
	Certificates []*record.Certificate
	Statuses     []StatusChange
	Comparisons  []*record.Comparison
	Agreements   []*record.Agreement
	Approvals    map[string][]string // agreement id → approving parties
}

// StatusChange is a standard's status change to apply after registration.
type StatusChange struct{ Standard, Status, Since, Reason string }

// U is an expanded uncertainty with k = 2.
func U(v float64, unit string) record.Uncertainty {
	return record.Uncertainty{Value: v, Unit: unit, K: 2}
}

// UP is a pointer to an expanded uncertainty with k = 2.
func UP(v float64, unit string) *record.Uncertainty { x := U(v, unit); return &x }

// New returns the fixture; change it, then load its Steps.
func New() *Fixture {
	f := &Fixture{Approvals: map[string][]string{}}
	f.Institutions = []*record.Institution{
		{ID: "NIM", Name: "中国计量科学研究院", Region: "BJ", MSPID: "BeijingMSP", Kind: "national_institute"},
		{ID: "BJIM", Name: "北京市计量检测科学研究院", Region: "BJ", MSPID: "BeijingMSP", Kind: "legal_metrology",
			Accreditations: []record.Accreditation{{Scheme: "CNAS", Number: "L0001", Quantities: []string{"mass"}, ValidUntil: "2027-12-31"}}},
		{ID: "TJIM", Name: "天津市计量监督检测科学研究院", Region: "TJ", MSPID: "TianjinMSP", Kind: "legal_metrology"},
		{ID: "TJ-ENT", Name: "天津某精密制造有限公司", Region: "TJ", MSPID: "TianjinMSP", Kind: "enterprise"},
		{ID: "HBIM", Name: "河北省计量监督检测研究院", Region: "HB", MSPID: "HebeiMSP", Kind: "legal_metrology",
			Accreditations: []record.Accreditation{{Scheme: "CNAS", Number: "L1234", Quantities: []string{"mass", "pressure"}, ValidUntil: "2027-06-30"}}},
	}
	f.Capabilities = []*record.Capability{
		{ID: "CMC-NIM-MASS", InstitutionID: "NIM", Quantity: "mass", Range: record.Range{Min: 1, Max: 1000, Unit: "g"}, Uncertainty: U(0.02, "mg"), Method: "JJG 99-2022", ValidUntil: "2030-12-31"},
		{ID: "CMC-BJIM-MASS", InstitutionID: "BJIM", Quantity: "mass", Range: record.Range{Min: 1, Max: 2e7, Unit: "mg"}, Uncertainty: U(0.15, "mg"), Method: "JJG 99-2022", ValidUntil: "2028-12-31"},
		{ID: "CMC-TJENT-MASS", InstitutionID: "TJ-ENT", Quantity: "mass", Range: record.Range{Min: 1, Max: 10000, Unit: "g"}, Uncertainty: U(1, "mg"), Method: "JJG 99-2022", ValidUntil: "2028-12-31"},
		{ID: "CMC-HBIM-MASS", InstitutionID: "HBIM", Quantity: "mass", Range: record.Range{Min: 0.001, Max: 20, Unit: "kg"}, Uncertainty: U(0.5, "mg"), Method: "JJG 99-2022", ValidUntil: "2028-12-31"},
	}
	f.Standards = []*record.Standard{
		{ID: "NIM-MASS-P", InstitutionID: "NIM", Name: "千克质量国家基准", Level: "primary", Quantity: "mass",
			Range: record.Range{Min: 1, Max: 1, Unit: "kg"}, Uncertainty: U(0.02, "mg")},
		{ID: "BJ-STD-MASS", InstitutionID: "BJIM", Name: "E1等级砝码标准装置", Level: "public", Quantity: "mass",
			Range: record.Range{Min: 1, Max: 1000000, Unit: "mg"}, Uncertainty: U(0.1, "mg"),
			Approval: &record.Approval{Number: "[2019]京量标证字第001号", ValidUntil: "2028-12-31"}},
		{ID: "TJ-ENT-STD", InstitutionID: "TJ-ENT", Name: "E2等级砝码标准装置", Level: "enterprise", Quantity: "mass",
			Range: record.Range{Min: 1, Max: 1000, Unit: "g"}, Uncertainty: U(0.3, "mg"),
			Approval: &record.Approval{Number: "[2021]津企标证字第042号", ValidUntil: "2027-06-30"}},
		{ID: "TJ-ENT-WS", InstitutionID: "TJ-ENT", Name: "F1等级工作砝码", Level: "working", Quantity: "mass",
			Range: record.Range{Min: 1, Max: 1000, Unit: "g"}, Uncertainty: U(1.5, "mg")},
		{ID: "HB-STD-MASS", InstitutionID: "HBIM", Name: "E2等级砝码标准装置", Level: "public", Quantity: "mass",
			Range: record.Range{Min: 1, Max: 1000, Unit: "g"}, Uncertainty: U(0.2, "mg"),
			Approval: &record.Approval{Number: "[2020]冀量标证字第007号", ValidUntil: "2028-06-30"}},
	}
	f.Instruments = []*record.Instrument{
		{ID: "TJ-BAL-001", InstitutionID: "TJ-ENT", Type: "electronic balance", Manufacturer: "Mettler Toledo", Model: "XPR1203S",
			Serial: "B912345", Quantity: "mass", Range: record.Range{Min: 0, Max: 1.2, Unit: "kg"}, MPE: record.Value{Value: 0.01, Unit: "g"}, Compulsory: true,
			Category: "non_automatic_weighing", IntervalMonths: 12, Location: &record.Location{District: "120116", Address: "天津市滨海新区第三大街 51 号"}},
		{ID: "HB-BAL-007", InstitutionID: "HBIM", Type: "electronic balance", Manufacturer: "Sartorius", Model: "Cubis II",
			Serial: "S0077", Quantity: "mass", Range: record.Range{Min: 0, Max: 2, Unit: "kg"}, MPE: record.Value{Value: 20, Unit: "mg"}},
	}
	f.Certificates = []*record.Certificate{
		{ID: "NIM-2024-0001", Kind: "calibration", IssuerID: "NIM", SubjectID: "BJ-STD-MASS", ReferenceIDs: []string{"NIM-MASS-P"}, Quantity: "mass",
			PerformedOn: "2024-01-10", ValidUntil: "2026-01-09", Method: "JJG 99-2022",
			Results: []record.Result{{Value: 1, Unit: "kg", Uncertainty: UP(0.05, "mg")}}},
		{ID: "BJIM-2024-0100", Kind: "calibration", IssuerID: "BJIM", SubjectID: "TJ-ENT-STD", ReferenceIDs: []string{"BJ-STD-MASS"}, Quantity: "mass",
			PerformedOn: "2024-03-01", ValidUntil: "2025-02-28", Method: "JJG 99-2022",
			Results: []record.Result{{Value: 1000, Unit: "g", Uncertainty: UP(0.3, "mg")}}},
		{ID: "TJENT-2024-0007", Kind: "calibration", IssuerID: "TJ-ENT", SubjectID: "TJ-ENT-WS", ReferenceIDs: []string{"TJ-ENT-STD"}, Quantity: "mass",
			PerformedOn: "2024-04-01", ValidUntil: "2025-03-31", Method: "JJG 99-2022",
			Results: []record.Result{{Value: 1, Unit: "kg", Uncertainty: UP(1.5, "mg")}}},
		{ID: "TJENT-2024-0042", Kind: "verification", IssuerID: "TJ-ENT", SubjectID: "TJ-BAL-001", ReferenceIDs: []string{"TJ-ENT-WS"}, Quantity: "mass",
			PerformedOn: "2024-05-10", ValidUntil: "2025-05-09", Method: "JJG 1036-2022", Conformity: "pass",
			Results: []record.Result{{Value: 1000.002, Unit: "g"}}},
		{ID: "NIM-2024-0002", Kind: "calibration", IssuerID: "NIM", SubjectID: "HB-STD-MASS", ReferenceIDs: []string{"NIM-MASS-P"}, Quantity: "mass",
			PerformedOn: "2024-01-20", ValidUntil: "2026-01-19", Method: "JJG 99-2022",
			Results: []record.Result{{Value: 1000, Unit: "g", Uncertainty: UP(0.05, "mg")}}},
		{ID: "HBIM-2024-0300", Kind: "calibration", IssuerID: "HBIM", SubjectID: "HB-BAL-007", ReferenceIDs: []string{"HB-STD-MASS"}, Quantity: "mass",
			PerformedOn: "2024-05-20", ValidUntil: "2025-05-19", Method: "JJF 1847-2020",
			Results: []record.Result{{Value: 1000.004, Unit: "g", Uncertainty: UP(5, "mg")}}},
	}
	f.Comparisons = []*record.Comparison{
		{ID: "CMP-MASS-2023", PilotID: "NIM", Quantity: "mass", CompletedOn: "2023-09-01",
			Reference: record.Result{Value: 1, Unit: "kg", Uncertainty: UP(0.02, "mg")},
			Results: []record.ComparisonResult{
				{InstitutionID: "HBIM", Value: 1000.0001, Unit: "g", Uncertainty: UP(0.2, "mg")},
				{InstitutionID: "TJIM", Value: 999.99995, Unit: "g", Uncertainty: UP(0.25, "mg")},
			}},
	}
	f.Agreements = []*record.Agreement{
		{ID: "AGR-JJJ-2024", Parties: []string{"BJIM", "TJIM", "HBIM"}, Quantities: []string{"mass", "pressure"},
			RequiresAccreditation: true, ComparisonWithinYears: 3, ValidFrom: "2024-01-01", ValidUntil: "2026-12-31"},
	}
	f.Approvals["AGR-JJJ-2024"] = []string{"BJIM", "TJIM", "HBIM"}
	return f
}

// Standard returns the fixture's standard with the id, to change it.
func (f *Fixture) Standard(id string) *record.Standard {
	return find(f.Standards, id, func(s *record.Standard) string { return s.ID })
}

// Certificate returns the fixture's certificate with the id, to change it.
func (f *Fixture) Certificate(id string) *record.Certificate {
	return find(f.Certificates, id, func(c *record.Certificate) string { return c.ID })
}

// Capability returns the fixture's capability with the id, to change it.
func (f *Fixture) Capability(id string) *record.Capability {
	return find(f.Capabilities, id, func(c *record.Capability) string { return c.ID })
}

// Institution returns the fixture's institution with the id, to change it.
func (f *Fixture) Institution(id string) *record.Institution {
	return find(f.Institutions, id, func(in *record.Institution) string { return in.ID })
}

// find returns the record with the id; a test naming a record the fixture
// lacks is a bug in the test, so it panics.
func find[T any](list []*T, id string, idOf func(*T) string) *T {
	for _, r := range list {
		if idOf(r) == id {
			return r
		}
	}
	panic(fmt.Sprintf("no %T %s in the fixture", *new(T), id))
}

// Step is one chaincode call of a scenario, in submission order, with the
// identity that makes it: an organization (MSPID), a role and an
// institution (both empty for an organization admin).
type Step struct {
	Function    string            `json:"function"`
	Args        []string          `json:"args"`
	Transient   map[string][]byte `json:"transient,omitempty"`
	MSPID       string            `json:"msp_id"`
	Role        string            `json:"role"`
	Institution string            `json:"institution"`
}

// Steps returns the calls that write the fixture: each institution by its
// organization's operator, each record by a recorder of its institution,
// agreements proposed by an operator of the first party's organization and
// approved by each party's recorder.
func (f *Fixture) Steps() []Step {
	msp := map[string]string{}
	var steps []Step
	add := func(mspID, role, inst, fn string, args ...string) {
		steps = append(steps, Step{Function: fn, Args: args, MSPID: mspID, Role: role, Institution: inst})
	}
	recorder := func(inst, fn string, args ...string) { add(msp[inst], "recorder", inst, fn, args...) }
	for _, in := range f.Institutions {
		msp[in.ID] = in.MSPID
		add(in.MSPID, "operator", "", "RegisterInstitution", mustJSON(in))
	}
	for _, c := range f.Capabilities {
		recorder(c.InstitutionID, "RegisterCapability", mustJSON(c))
	}
	owner := map[string]string{}
	for _, s := range f.Standards {
		owner[s.ID] = s.InstitutionID
		recorder(s.InstitutionID, "RegisterStandard", mustJSON(s))
	}
	for _, in := range f.Instruments {
		recorder(in.InstitutionID, "RegisterInstrument", mustJSON(in))
	}
	for _, c := range f.Certificates {
		recorder(c.IssuerID, "IssueCertificate", mustJSON(c))
	}
	for _, sc := range f.Statuses {
		recorder(owner[sc.Standard], "SetStandardStatus", sc.Standard, sc.Status, sc.Since, sc.Reason)
	}
	for _, c := range f.Comparisons {
		recorder(c.PilotID, "RecordComparison", mustJSON(c))
	}
	for _, a := range f.Agreements {
		add(msp[a.Parties[0]], "operator", "", "ProposeAgreement", mustJSON(a))
		for _, p := range f.Approvals[a.ID] {
			recorder(p, "ApproveAgreement", a.ID, "")
		}
	}
	return steps
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
