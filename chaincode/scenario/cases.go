package scenario

import "github.com/metrotrace/metrotrace/chaincode/record"

// TraceBreak breaks exactly one link of the fixture's chain: after Change,
// tracing Subject at At fails exactly the check FailedCheck, with Detail.
type TraceBreak struct {
	Name        string
	Subject     string
	At          string
	Change      func(f *Fixture)
	FailedCheck string
	Detail      string
}

// TraceBreaks returns one break per trace check of the design.
func TraceBreaks() []TraceBreak {
	return []TraceBreak{
		{
			Name: "an expired subject certificate fails certificate_valid", Subject: "TJ-BAL-001", At: "2025-06-01",
			Change: func(f *Fixture) {}, FailedCheck: "certificate_valid",
			Detail: "certificate TJENT-2024-0042 expired 2025-05-09, needed 2025-06-01",
		},
		{
			Name: "a reference certificate expired before use fails reference_certificate_valid_at_use", Subject: "TJ-BAL-001", At: "2024-06-01",
			Change:      func(f *Fixture) { f.Certificate("BJIM-2024-0100").ValidUntil = "2024-03-31" },
			FailedCheck: "reference_certificate_valid_at_use",
			Detail:      "reference TJ-ENT-STD certificate BJIM-2024-0100 expired 2024-03-31, used 2024-04-01",
		},
		{
			Name: "a standard sealed before use fails reference_active_at_use", Subject: "TJ-BAL-001", At: "2024-06-01",
			Change: func(f *Fixture) {
				f.Statuses = append(f.Statuses, StatusChange{Standard: "TJ-ENT-STD", Status: "sealed", Since: "2024-03-15", Reason: "out of tolerance at 500 g"})
			},
			FailedCheck: "reference_active_at_use",
			Detail:      "reference TJ-ENT-STD was sealed since 2024-03-15 (out of tolerance at 500 g), used 2024-04-01",
		},
		{
			Name: "a standard revoked before use fails reference_active_at_use", Subject: "TJ-BAL-001", At: "2024-06-01",
			Change: func(f *Fixture) {
				f.Statuses = append(f.Statuses, StatusChange{Standard: "BJ-STD-MASS", Status: "revoked", Since: "2024-02-01", Reason: "approval withdrawn"})
			},
			FailedCheck: "reference_active_at_use",
			Detail:      "reference BJ-STD-MASS was revoked since 2024-02-01 (approval withdrawn), used 2024-03-01",
		},
		{
			Name: "an approval expired before use fails approval_valid_at_use", Subject: "TJ-BAL-001", At: "2024-06-01",
			Change:      func(f *Fixture) { f.Standard("TJ-ENT-STD").Approval.ValidUntil = "2024-03-31" },
			FailedCheck: "approval_valid_at_use",
			Detail:      "reference TJ-ENT-STD approval [2021]津企标证字第042号 expired 2024-03-31, used 2024-04-01",
		},
		{
			Name: "a CMC not covering the result fails issuer_capable", Subject: "TJ-BAL-001", At: "2024-06-01",
			Change:      func(f *Fixture) { f.Capability("CMC-BJIM-MASS").Range.Max = 500000 },
			FailedCheck: "issuer_capable",
			Detail:      "result 1000 g of BJIM-2024-0100: outside CMC CMC-BJIM-MASS range [1, 500000] mg",
		},
		{
			Name: "a reference too coarse for the MPE fails uncertainty_ratio", Subject: "TJ-BAL-001", At: "2024-06-01",
			Change: func(f *Fixture) {
				for _, in := range f.Instruments {
					if in.ID == "TJ-BAL-001" {
						in.MPE = record.Value{Value: 4, Unit: "mg"}
					}
				}
			},
			FailedCheck: "uncertainty_ratio",
			Detail:      "reference TJ-ENT-WS U = 1.5 mg vs MPE/3 = 1.333 mg of TJ-BAL-001 (ratio 0.375 > 1/3)",
		},
		{
			Name: "a standard calibrated against its own descendant fails no_cycle", Subject: "TJ-BAL-001", At: "2024-06-01",
			Change: func(f *Fixture) {
				f.Certificates = append(f.Certificates, &record.Certificate{ID: "TJENT-2024-0008", Kind: "calibration", IssuerID: "TJ-ENT",
					SubjectID: "TJ-ENT-STD", ReferenceIDs: []string{"TJ-ENT-WS"}, Quantity: "mass", PerformedOn: "2024-04-01", ValidUntil: "2025-03-31",
					Method: "JJG 99-2022", Results: []record.Result{{Value: 1000, Unit: "g", Uncertainty: UP(2, "mg")}}})
			},
			FailedCheck: "no_cycle",
			Detail:      "reference TJ-ENT-WS is already on the path TJ-BAL-001 → TJ-ENT-WS → TJ-ENT-STD → TJ-ENT-WS",
		},
		{
			Name: "a chain ending in a standard that is not primary fails reaches_primary", Subject: "TJ-BAL-001", At: "2024-06-01",
			Change: func(f *Fixture) {
				p := f.Standard("NIM-MASS-P")
				p.Level = "public"
				p.Approval = &record.Approval{Number: "NIM-A-1", ValidUntil: "2030-01-01"}
			},
			FailedCheck: "reaches_primary",
			Detail:      "reference NIM-MASS-P (public standard) does not lead to a primary standard",
		},
	}
}

// Recognition is the question every RecognitionCase asks: is the Hebei
// calibration certificate recognized by the Tianjin institute on that date?
const (
	RecognitionCertificate = "HBIM-2024-0300"
	RecognitionBy          = "TJIM"
	RecognitionAt          = "2024-06-01"
)

// RecognitionCase removes one condition of recognition: after Change, the
// decision fails exactly FailedCheck, with Detail.
type RecognitionCase struct {
	Name        string
	Change      func(f *Fixture)
	FailedCheck string
	Detail      string
}

// RecognitionCases returns one case per condition of recognition.
func RecognitionCases() []RecognitionCase {
	return []RecognitionCase{
		{"no agreement", func(f *Fixture) { f.Agreements = nil },
			"agreement_in_force", "no agreement between HBIM and TJIM"},
		{"an agreement not approved by every party", func(f *Fixture) { f.Approvals["AGR-JJJ-2024"] = []string{"BJIM", "TJIM"} },
			"agreement_in_force", "agreement AGR-JJJ-2024 not approved by HBIM"},
		{"a quantity out of the agreement's scope", func(f *Fixture) { f.Agreements[0].Quantities = []string{"pressure", "temperature"} },
			"agreement_in_force", "agreement AGR-JJJ-2024 does not cover mass (covers pressure, temperature)"},
		{"an issuer without accreditation", func(f *Fixture) { f.Institution("HBIM").Accreditations = nil },
			"issuer_accredited", "HBIM holds no accreditation for mass valid on 2024-05-20"},
		{"a comparison with |En| > 1", func(f *Fixture) { f.Comparisons[0].Results[0].Value = 1000.0005 },
			"comparison_satisfactory", "comparison CMP-MASS-2023 completed 2023-09-01: En = 2.488 (|En| > 1)"},
		{"a comparison older than the agreement's window", func(f *Fixture) { f.Comparisons[0].CompletedOn = "2020-11-30" },
			"comparison_satisfactory", "latest mass comparison of HBIM, CMP-MASS-2023 completed 2020-11-30, is more than 3 years before 2024-05-20"},
		{"an untraceable subject", func(f *Fixture) {
			f.Statuses = append(f.Statuses, StatusChange{Standard: "HB-STD-MASS", Status: "sealed", Since: "2024-05-01", Reason: "damaged weight"})
		}, "traceable", "subject HB-BAL-007 not traceable on 2024-05-20: HBIM-2024-0300: reference_active_at_use: reference HB-STD-MASS was sealed since 2024-05-01 (damaged weight), used 2024-05-20"},
	}
}
