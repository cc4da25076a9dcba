package contract_test

import (
	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
)

// fixture is a small region: NIM holds the national primary mass standard;
// a five-level chain runs NIM → Beijing public standard → Tianjin enterprise
// standard → working standard → balance; a Hebei branch is calibrated by
// NIM and calibrates a Hebei instrument; a comparison and a three-region
// agreement support recognition. Tests change one thing, then load it.
type fixture struct {
	institutions []*record.Institution
	capabilities []*record.Capability
	standards    []*record.Standard
	instruments  []*record.Instrument
	certificates []*record.Certificate
	statuses     []statusChange
	comparisons  []*record.Comparison
	agreements   []*record.Agreement
	approvals    map[string][]string // agreement id → approving parties
}

type statusChange struct{ standard, status, since, reason string }

func u(v float64, unit string) record.Uncertainty {
	return record.Uncertainty{Value: v, Unit: unit, K: 2}
}

func up(v float64, unit string) *record.Uncertainty { x := u(v, unit); return &x }

func newFixture() *fixture {
	f := &fixture{approvals: map[string][]string{}}
	f.institutions = []*record.Institution{
		{ID: "NIM", Name: "中国计量科学研究院", Region: "BJ", MSPID: "BeijingMSP", Kind: "national_institute"},
		{ID: "BJIM", Name: "北京市计量检测科学研究院", Region: "BJ", MSPID: "BeijingMSP", Kind: "legal_metrology",
			Accreditations: []record.Accreditation{{Scheme: "CNAS", Number: "L0001", Quantities: []string{"mass"}, ValidUntil: "2027-12-31"}}},
		{ID: "TJIM", Name: "天津市计量监督检测科学研究院", Region: "TJ", MSPID: "TianjinMSP", Kind: "legal_metrology"},
		{ID: "TJ-ENT", Name: "天津某精密制造有限公司", Region: "TJ", MSPID: "TianjinMSP", Kind: "enterprise"},
		{ID: "HBIM", Name: "河北省计量监督检测研究院", Region: "HB", MSPID: "HebeiMSP", Kind: "legal_metrology",
			Accreditations: []record.Accreditation{{Scheme: "CNAS", Number: "L1234", Quantities: []string{"mass", "pressure"}, ValidUntil: "2027-06-30"}}},
	}
	f.capabilities = []*record.Capability{
		{ID: "CMC-NIM-MASS", InstitutionID: "NIM", Quantity: "mass", Range: record.Range{Min: 1, Max: 1000, Unit: "g"}, Uncertainty: u(0.02, "mg"), Method: "JJG 99-2022", ValidUntil: "2030-12-31"},
		{ID: "CMC-BJIM-MASS", InstitutionID: "BJIM", Quantity: "mass", Range: record.Range{Min: 1, Max: 2e7, Unit: "mg"}, Uncertainty: u(0.15, "mg"), Method: "JJG 99-2022", ValidUntil: "2028-12-31"},
		{ID: "CMC-TJENT-MASS", InstitutionID: "TJ-ENT", Quantity: "mass", Range: record.Range{Min: 1, Max: 10000, Unit: "g"}, Uncertainty: u(1, "mg"), Method: "JJG 99-2022", ValidUntil: "2028-12-31"},
		{ID: "CMC-HBIM-MASS", InstitutionID: "HBIM", Quantity: "mass", Range: record.Range{Min: 0.001, Max: 20, Unit: "kg"}, Uncertainty: u(0.5, "mg"), Method: "JJG 99-2022", ValidUntil: "2028-12-31"},
	}
	f.standards = []*record.Standard{
		{ID: "NIM-MASS-P", InstitutionID: "NIM", Name: "千克质量国家基准", Level: "primary", Quantity: "mass",
			Range: record.Range{Min: 1, Max: 1, Unit: "kg"}, Uncertainty: u(0.02, "mg")},
		{ID: "BJ-STD-MASS", InstitutionID: "BJIM", Name: "E1等级砝码标准装置", Level: "public", Quantity: "mass",
			Range: record.Range{Min: 1, Max: 1000000, Unit: "mg"}, Uncertainty: u(0.1, "mg"),
			Approval: &record.Approval{Number: "[2019]京量标证字第001号", ValidUntil: "2028-12-31"}},
		{ID: "TJ-ENT-STD", InstitutionID: "TJ-ENT", Name: "E2等级砝码标准装置", Level: "enterprise", Quantity: "mass",
			Range: record.Range{Min: 1, Max: 1000, Unit: "g"}, Uncertainty: u(0.3, "mg"),
			Approval: &record.Approval{Number: "[2021]津企标证字第042号", ValidUntil: "2027-06-30"}},
		{ID: "TJ-ENT-WS", InstitutionID: "TJ-ENT", Name: "F1等级工作砝码", Level: "working", Quantity: "mass",
			Range: record.Range{Min: 1, Max: 1000, Unit: "g"}, Uncertainty: u(1.5, "mg")},
		{ID: "HB-STD-MASS", InstitutionID: "HBIM", Name: "E2等级砝码标准装置", Level: "public", Quantity: "mass",
			Range: record.Range{Min: 1, Max: 1000, Unit: "g"}, Uncertainty: u(0.2, "mg"),
			Approval: &record.Approval{Number: "[2020]冀量标证字第007号", ValidUntil: "2028-06-30"}},
	}
	f.instruments = []*record.Instrument{
		{ID: "TJ-BAL-001", InstitutionID: "TJ-ENT", Type: "electronic balance", Manufacturer: "Mettler Toledo", Model: "XPR1203S",
			Serial: "B912345", Quantity: "mass", Range: record.Range{Min: 0, Max: 1.2, Unit: "kg"}, MPE: record.Value{Value: 0.01, Unit: "g"}, Compulsory: true},
		{ID: "HB-BAL-007", InstitutionID: "HBIM", Type: "electronic balance", Manufacturer: "Sartorius", Model: "Cubis II",
			Serial: "S0077", Quantity: "mass", Range: record.Range{Min: 0, Max: 2, Unit: "kg"}, MPE: record.Value{Value: 20, Unit: "mg"}},
	}
	f.certificates = []*record.Certificate{
		{ID: "NIM-2024-0001", Kind: "calibration", IssuerID: "NIM", SubjectID: "BJ-STD-MASS", ReferenceIDs: []string{"NIM-MASS-P"}, Quantity: "mass",
			PerformedOn: "2024-01-10", ValidUntil: "2026-01-09", Method: "JJG 99-2022",
			Results: []record.Result{{Value: 1, Unit: "kg", Uncertainty: up(0.05, "mg")}}},
		{ID: "BJIM-2024-0100", Kind: "calibration", IssuerID: "BJIM", SubjectID: "TJ-ENT-STD", ReferenceIDs: []string{"BJ-STD-MASS"}, Quantity: "mass",
			PerformedOn: "2024-03-01", ValidUntil: "2025-02-28", Method: "JJG 99-2022",
			Results: []record.Result{{Value: 1000, Unit: "g", Uncertainty: up(0.3, "mg")}}},
		{ID: "TJENT-2024-0007", Kind: "calibration", IssuerID: "TJ-ENT", SubjectID: "TJ-ENT-WS", ReferenceIDs: []string{"TJ-ENT-STD"}, Quantity: "mass",
			PerformedOn: "2024-04-01", ValidUntil: "2025-03-31", Method: "JJG 99-2022",
			Results: []record.Result{{Value: 1, Unit: "kg", Uncertainty: up(1.5, "mg")}}},
		{ID: "TJENT-2024-0042", Kind: "verification", IssuerID: "TJ-ENT", SubjectID: "TJ-BAL-001", ReferenceIDs: []string{"TJ-ENT-WS"}, Quantity: "mass",
			PerformedOn: "2024-05-10", ValidUntil: "2025-05-09", Method: "JJG 1036-2022", Conformity: "pass",
			Results: []record.Result{{Value: 1000.002, Unit: "g"}}},
		{ID: "NIM-2024-0002", Kind: "calibration", IssuerID: "NIM", SubjectID: "HB-STD-MASS", ReferenceIDs: []string{"NIM-MASS-P"}, Quantity: "mass",
			PerformedOn: "2024-01-20", ValidUntil: "2026-01-19", Method: "JJG 99-2022",
			Results: []record.Result{{Value: 1000, Unit: "g", Uncertainty: up(0.05, "mg")}}},
		{ID: "HBIM-2024-0300", Kind: "calibration", IssuerID: "HBIM", SubjectID: "HB-BAL-007", ReferenceIDs: []string{"HB-STD-MASS"}, Quantity: "mass",
			PerformedOn: "2024-05-20", ValidUntil: "2025-05-19", Method: "JJF 1847-2020",
			Results: []record.Result{{Value: 1000.004, Unit: "g", Uncertainty: up(5, "mg")}}},
	}
	f.comparisons = []*record.Comparison{
		{ID: "CMP-MASS-2023", PilotID: "NIM", Quantity: "mass", CompletedOn: "2023-09-01",
			Reference: record.Result{Value: 1, Unit: "kg", Uncertainty: up(0.02, "mg")},
			Results: []record.ComparisonResult{
				{InstitutionID: "HBIM", Value: 1000.0001, Unit: "g", Uncertainty: up(0.2, "mg")},
				{InstitutionID: "TJIM", Value: 999.99995, Unit: "g", Uncertainty: up(0.25, "mg")},
			}},
	}
	f.agreements = []*record.Agreement{
		{ID: "AGR-JJJ-2024", Parties: []string{"BJIM", "TJIM", "HBIM"}, Quantities: []string{"mass", "pressure"},
			RequiresAccreditation: true, ComparisonWithinYears: 3, ValidFrom: "2024-01-01", ValidUntil: "2026-12-31"},
	}
	f.approvals["AGR-JJJ-2024"] = []string{"BJIM", "TJIM", "HBIM"}
	return f
}

func (f *fixture) standard(id string) *record.Standard {
	for _, s := range f.standards {
		if s.ID == id {
			return s
		}
	}
	panic("no standard " + id)
}

func (f *fixture) certificate(id string) *record.Certificate {
	for _, c := range f.certificates {
		if c.ID == id {
			return c
		}
	}
	panic("no certificate " + id)
}

func (f *fixture) capability(id string) *record.Capability {
	for _, c := range f.capabilities {
		if c.ID == id {
			return c
		}
	}
	panic("no capability " + id)
}

func (f *fixture) institution(id string) *record.Institution {
	for _, in := range f.institutions {
		if in.ID == id {
			return in
		}
	}
	panic("no institution " + id)
}

// load writes the fixture through the contract, each record by a recorder
// of its institution and each institution by its organization's operator.
func (l *ledger) load(f *fixture) {
	l.t.Helper()
	msp := map[string]string{}
	for _, in := range f.institutions {
		msp[in.ID] = in.MSPID
		l.mustSubmit(l.as(in.MSPID, "operator", ""), "RegisterInstitution", mustJSON(l.t, in))
	}
	recorder := func(inst string) *identity.Identity { return l.as(msp[inst], "recorder", inst) }
	for _, c := range f.capabilities {
		l.mustSubmit(recorder(c.InstitutionID), "RegisterCapability", mustJSON(l.t, c))
	}
	for _, s := range f.standards {
		l.mustSubmit(recorder(s.InstitutionID), "RegisterStandard", mustJSON(l.t, s))
	}
	for _, in := range f.instruments {
		l.mustSubmit(recorder(in.InstitutionID), "RegisterInstrument", mustJSON(l.t, in))
	}
	for _, c := range f.certificates {
		l.mustSubmit(recorder(c.IssuerID), "IssueCertificate", mustJSON(l.t, c))
	}
	for _, sc := range f.statuses {
		owner := ""
		for _, s := range f.standards {
			if s.ID == sc.standard {
				owner = s.InstitutionID
			}
		}
		l.mustSubmit(recorder(owner), "SetStandardStatus", sc.standard, sc.status, sc.since, sc.reason)
	}
	for _, c := range f.comparisons {
		l.mustSubmit(recorder(c.PilotID), "RecordComparison", mustJSON(l.t, c))
	}
	for _, a := range f.agreements {
		l.mustSubmit(l.as(msp[a.Parties[0]], "operator", ""), "ProposeAgreement", mustJSON(l.t, a))
		for _, p := range f.approvals[a.ID] {
			l.mustSubmit(recorder(p), "ApproveAgreement", a.ID, "")
		}
	}
}
