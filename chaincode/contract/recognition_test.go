package contract_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

func recognize(t *testing.T, l *ledger, cert, by, at string) rules.RecognitionDecision {
	t.Helper()
	return decode[rules.RecognitionDecision](t, l.mustEvaluate(l.as("TianjinMSP", "inspector", "TJIM"), "Recognize", cert, by, at))
}

func TestRecognizeHebeiCertificateInTianjin(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	d := recognize(t, l, "HBIM-2024-0300", "TJIM", "2024-06-01")
	if !d.Recognized || d.AgreementID != "AGR-JJJ-2024" {
		t.Fatalf("decision = %+v, want recognized under AGR-JJJ-2024", d)
	}
	want := []rules.Check{
		{Name: "agreement_in_force", OK: true, Detail: "agreement AGR-JJJ-2024 between BJIM, TJIM, HBIM in force on 2024-05-20, covers mass",
			Findings: []rules.Finding{{Code: "agreement_in_force", OK: true, Params: rules.Params{
				"agreement_id": "AGR-JJJ-2024", "parties": "BJIM, TJIM, HBIM", "date": "2024-05-20", "quantity": "mass"}}}},
		{Name: "certificate_valid", OK: true, Detail: "certificate HBIM-2024-0300 valid 2024-05-20 to 2025-05-19, checked 2024-06-01",
			Findings: []rules.Finding{{Code: "certificate_valid", OK: true, Params: rules.Params{
				"certificate_id": "HBIM-2024-0300", "performed_on": "2024-05-20", "valid_until": "2025-05-19", "date": "2024-06-01"}}}},
		{Name: "issuer_capable", OK: true, Detail: "result 1000.004 g within CMC CMC-HBIM-MASS [0.001, 20] kg, U = 0.5 mg (k=2)",
			Findings: []rules.Finding{{Code: "result_within_cmc", OK: true, Params: rules.Params{
				"value": "1000.004", "unit": "g", "capability_id": "CMC-HBIM-MASS", "range": "[0.001, 20] kg", "uncertainty": "U = 0.5 mg (k=2)"}}}},
		{Name: "issuer_accredited", OK: true, Detail: "HBIM accredited CNAS L1234 for mass until 2027-06-30",
			Findings: []rules.Finding{{Code: "accredited", OK: true, Params: rules.Params{
				"issuer_id": "HBIM", "scheme": "CNAS", "number": "L1234", "quantity": "mass", "valid_until": "2027-06-30"}}}},
		{Name: "comparison_satisfactory", OK: true, Detail: "comparison CMP-MASS-2023 completed 2023-09-01: En = 0.498 (|En| <= 1)",
			Findings: []rules.Finding{{Code: "comparison_en", OK: true, Params: rules.Params{
				"comparison_id": "CMP-MASS-2023", "completed_on": "2023-09-01", "en": "0.498"}}}},
		{Name: "traceable", OK: true, Detail: "subject HB-BAL-007 traceable on 2024-05-20 through 2 links",
			Findings: []rules.Finding{{Code: "subject_traceable", OK: true, Params: rules.Params{
				"subject_id": "HB-BAL-007", "date": "2024-05-20", "links": "2"}}}},
	}
	if !reflect.DeepEqual(d.Checks, want) {
		t.Fatalf("checks =\n%+v\nwant\n%+v", d.Checks, want)
	}
}

func TestRecognitionFailsOnTheNamedCondition(t *testing.T) {
	for _, tt := range scenario.RecognitionCases() {
		t.Run(tt.Name, func(t *testing.T) {
			f := scenario.New()
			tt.Change(f)
			l := newLedger(t)
			l.load(f)
			d := recognize(t, l, scenario.RecognitionCertificate, scenario.RecognitionBy, scenario.RecognitionAt)
			if d.Recognized {
				t.Fatalf("recognized despite %s: %+v", tt.Name, d.Checks)
			}
			if len(d.Checks) != 6 {
				t.Fatalf("checks = %d, want all 6 reported", len(d.Checks))
			}
			if got := failingChecks(d.Checks); !reflect.DeepEqual(got, []string{tt.FailedCheck}) {
				t.Fatalf("failing = %v, want exactly [%s]: %+v", got, tt.FailedCheck, d.Checks)
			}
			for _, c := range d.Checks {
				if c.Name == tt.FailedCheck && c.Detail != tt.Detail {
					t.Fatalf("%s detail = %q, want %q", c.Name, c.Detail, tt.Detail)
				}
			}
		})
	}
}

func TestRecognizeRefusesUnknownRecords(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	inspector := l.as("TianjinMSP", "inspector", "TJIM")
	_, err := l.evaluate(inspector, "Recognize", "NO-CERT", "TJIM", "2024-06-01")
	wantCode(t, err, record.NotFound)
	_, err = l.evaluate(inspector, "Recognize", "HBIM-2024-0300", "NOBODY", "2024-06-01")
	wantCode(t, err, record.NotFound)
}

func TestComparisonComputesEn(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	cmp := decode[record.Comparison](t, l.mustEvaluate(l.as("BeijingMSP", "", ""), "Get", "comparison", "CMP-MASS-2023"))
	// HBIM: (1000.0001 g − 1 kg) / sqrt(0.2² + 0.02²) mg = 0.1 / sqrt(0.0404)
	want := 0.1 / math.Sqrt(0.0404)
	if got := *cmp.Results[0].EN; math.Abs(got-want) > 1e-6 {
		t.Fatalf("En of HBIM = %.12f, want %.12f", got, want)
	}
	// TJIM: −0.05 / sqrt(0.25² + 0.02²)
	if got, want := *cmp.Results[1].EN, -0.05/math.Sqrt(0.0629); math.Abs(got-want) > 1e-6 {
		t.Fatalf("En of TJIM = %.12f, want %.12f", got, want)
	}
}
