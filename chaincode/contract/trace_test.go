package contract_test

import (
	"reflect"
	"sort"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

func failingChecks(checks ...[]rules.Check) []string {
	seen := map[string]bool{}
	for _, list := range checks {
		for _, c := range list {
			if !c.OK {
				seen[c.Name] = true
			}
		}
	}
	out := []string{}
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func traceOf(t *testing.T, l *ledger, subject, at string) rules.TraceReport {
	t.Helper()
	return decode[rules.TraceReport](t, l.mustEvaluate(l.as("HebeiMSP", "inspector", "HBIM"), "Trace", subject, at))
}

func linkChecks(rep rules.TraceReport) [][]rules.Check {
	var out [][]rules.Check
	for _, l := range rep.Links {
		out = append(out, l.Checks)
	}
	return out
}

func TestTraceFiveLevelChainIsTraceable(t *testing.T) {
	l := newLedger(t)
	l.load(newFixture())
	rep := traceOf(t, l, "TJ-BAL-001", "2024-06-01")
	if !rep.Traceable {
		t.Fatalf("not traceable: %v", rep.Problems)
	}
	wantLinks := []struct {
		cert, issuer, subject string
		refs                  []string
		depth                 int
		usedOn                string
	}{
		{"TJENT-2024-0042", "TJ-ENT", "TJ-BAL-001", []string{"TJ-ENT-WS"}, 0, "2024-06-01"},
		{"TJENT-2024-0007", "TJ-ENT", "TJ-ENT-WS", []string{"TJ-ENT-STD"}, 1, "2024-05-10"},
		{"BJIM-2024-0100", "BJIM", "TJ-ENT-STD", []string{"BJ-STD-MASS"}, 2, "2024-04-01"},
		{"NIM-2024-0001", "NIM", "BJ-STD-MASS", []string{"NIM-MASS-P"}, 3, "2024-03-01"},
	}
	if len(rep.Links) != len(wantLinks) {
		t.Fatalf("links = %d, want %d: %+v", len(rep.Links), len(wantLinks), rep.Links)
	}
	allNames := []string{"reference_active_at_use", "reference_certificate_valid_at_use", "approval_valid_at_use",
		"issuer_capable", "uncertainty_ratio", "no_cycle", "reaches_primary"}
	for i, w := range wantLinks {
		got := rep.Links[i]
		if got.CertificateID != w.cert || got.IssuerID != w.issuer || got.SubjectID != w.subject ||
			!reflect.DeepEqual(got.ReferenceIDs, w.refs) || got.Depth != w.depth || got.UsedOn != w.usedOn {
			t.Errorf("link %d = %+v, want %+v", i, got, w)
		}
		names := []string{}
		for _, c := range got.Checks {
			names = append(names, c.Name)
			if !c.OK || c.Detail == "" {
				t.Errorf("link %s check %s = %+v, want ok with a detail", got.CertificateID, c.Name, c)
			}
		}
		want := allNames
		if i == 0 {
			want = append([]string{"certificate_valid"}, allNames...)
		}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("link %s checks = %v, want %v", got.CertificateID, names, want)
		}
	}
	if len(rep.Problems) != 0 {
		t.Errorf("problems = %v, want none", rep.Problems)
	}
	// The verification link compares the working standard with the MPE.
	if d := rep.Links[0].Checks[5].Detail; d != "reference TJ-ENT-WS U = 0.0015 g vs MPE/3 = 0.003333 g of TJ-BAL-001 (ratio 0.15 <= 1/3)" {
		t.Errorf("uncertainty_ratio detail = %q", d)
	}
}

func TestTracePrimaryStandardIsItsOwnRoot(t *testing.T) {
	l := newLedger(t)
	l.load(newFixture())
	rep := traceOf(t, l, "NIM-MASS-P", "2024-06-01")
	if !rep.Traceable || len(rep.Links) != 0 {
		t.Fatalf("primary standard trace = %+v, want traceable with no links", rep)
	}
}

func TestTraceDefaultsToTheTransactionDate(t *testing.T) {
	l := newLedger(t)
	l.load(newFixture())
	rep := traceOf(t, l, "TJ-BAL-001", "")
	if rep.At != "2024-06-01" || !rep.Traceable {
		t.Fatalf("trace without date = at %s traceable %v, want at 2024-06-01 traceable", rep.At, rep.Traceable)
	}
}

// TestTraceBreaksExactlyOneCheck breaks one link per scenario and expects
// exactly the named check to fail.
func TestTraceBreaksExactlyOneCheck(t *testing.T) {
	tests := []struct {
		name       string
		subject    string
		at         string
		change     func(f *fixture)
		wantFailed string
		wantDetail string
	}{
		{
			name: "an expired subject certificate fails certificate_valid", subject: "TJ-BAL-001", at: "2025-06-01",
			change: func(f *fixture) {}, wantFailed: "certificate_valid",
			wantDetail: "certificate TJENT-2024-0042 expired 2025-05-09, needed 2025-06-01",
		},
		{
			name: "a reference certificate expired before use fails reference_certificate_valid_at_use", subject: "TJ-BAL-001", at: "2024-06-01",
			change:     func(f *fixture) { f.certificate("BJIM-2024-0100").ValidUntil = "2024-03-31" },
			wantFailed: "reference_certificate_valid_at_use",
			wantDetail: "reference TJ-ENT-STD certificate BJIM-2024-0100 expired 2024-03-31, used 2024-04-01",
		},
		{
			name: "a standard sealed before use fails reference_active_at_use", subject: "TJ-BAL-001", at: "2024-06-01",
			change: func(f *fixture) {
				f.statuses = append(f.statuses, statusChange{"TJ-ENT-STD", "sealed", "2024-03-15", "out of tolerance at 500 g"})
			},
			wantFailed: "reference_active_at_use",
			wantDetail: "reference TJ-ENT-STD was sealed since 2024-03-15 (out of tolerance at 500 g), used 2024-04-01",
		},
		{
			name: "a standard revoked before use fails reference_active_at_use", subject: "TJ-BAL-001", at: "2024-06-01",
			change: func(f *fixture) {
				f.statuses = append(f.statuses, statusChange{"BJ-STD-MASS", "revoked", "2024-02-01", "approval withdrawn"})
			},
			wantFailed: "reference_active_at_use",
			wantDetail: "reference BJ-STD-MASS was revoked since 2024-02-01 (approval withdrawn), used 2024-03-01",
		},
		{
			name: "an approval expired before use fails approval_valid_at_use", subject: "TJ-BAL-001", at: "2024-06-01",
			change:     func(f *fixture) { f.standard("TJ-ENT-STD").Approval.ValidUntil = "2024-03-31" },
			wantFailed: "approval_valid_at_use",
			wantDetail: "reference TJ-ENT-STD approval [2021]津企标证字第042号 expired 2024-03-31, used 2024-04-01",
		},
		{
			name: "a CMC not covering the result fails issuer_capable", subject: "TJ-BAL-001", at: "2024-06-01",
			change:     func(f *fixture) { f.capability("CMC-BJIM-MASS").Range.Max = 500000 },
			wantFailed: "issuer_capable",
			wantDetail: "result 1000 g of BJIM-2024-0100: outside CMC CMC-BJIM-MASS range [1, 500000] mg",
		},
		{
			name: "a reference too coarse for the MPE fails uncertainty_ratio", subject: "TJ-BAL-001", at: "2024-06-01",
			change: func(f *fixture) {
				for _, in := range f.instruments {
					if in.ID == "TJ-BAL-001" {
						in.MPE = record.Value{Value: 4, Unit: "mg"}
					}
				}
			},
			wantFailed: "uncertainty_ratio",
			wantDetail: "reference TJ-ENT-WS U = 1.5 mg vs MPE/3 = 1.333 mg of TJ-BAL-001 (ratio 0.375 > 1/3)",
		},
		{
			name: "a standard calibrated against its own descendant fails no_cycle", subject: "TJ-BAL-001", at: "2024-06-01",
			change: func(f *fixture) {
				f.certificates = append(f.certificates, &record.Certificate{ID: "TJENT-2024-0008", Kind: "calibration", IssuerID: "TJ-ENT",
					SubjectID: "TJ-ENT-STD", ReferenceIDs: []string{"TJ-ENT-WS"}, Quantity: "mass", PerformedOn: "2024-04-01", ValidUntil: "2025-03-31",
					Method: "JJG 99-2022", Results: []record.Result{{Value: 1000, Unit: "g", Uncertainty: up(2, "mg")}}})
			},
			wantFailed: "no_cycle",
			wantDetail: "reference TJ-ENT-WS is already on the path TJ-BAL-001 → TJ-ENT-WS → TJ-ENT-STD → TJ-ENT-WS",
		},
		{
			name: "a chain ending in a standard that is not primary fails reaches_primary", subject: "TJ-BAL-001", at: "2024-06-01",
			change: func(f *fixture) {
				p := f.standard("NIM-MASS-P")
				p.Level = "public"
				p.Approval = &record.Approval{Number: "NIM-A-1", ValidUntil: "2030-01-01"}
			},
			wantFailed: "reaches_primary",
			wantDetail: "reference NIM-MASS-P (public standard) does not lead to a primary standard",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture()
			tt.change(f)
			l := newLedger(t)
			l.load(f)
			rep := traceOf(t, l, tt.subject, tt.at)
			if rep.Traceable {
				t.Fatalf("traceable after the break; links %+v", rep.Links)
			}
			if got := failingChecks(linkChecks(rep)...); !reflect.DeepEqual(got, []string{tt.wantFailed}) {
				t.Fatalf("failing checks = %v, want exactly [%s]; problems %v", got, tt.wantFailed, rep.Problems)
			}
			found := false
			for _, link := range rep.Links {
				for _, c := range link.Checks {
					if c.Name == tt.wantFailed && !c.OK && c.Detail == tt.wantDetail {
						found = true
					}
				}
			}
			if !found {
				t.Fatalf("no failing %s with detail %q; problems %v", tt.wantFailed, tt.wantDetail, rep.Problems)
			}
		})
	}
}

func TestTraceOfUnknownSubjectIsNotFound(t *testing.T) {
	l := newLedger(t)
	l.load(newFixture())
	_, err := l.evaluate(l.as("HebeiMSP", "inspector", "HBIM"), "Trace", "NO-SUCH", "2024-06-01")
	wantCode(t, err, record.NotFound)
	_, err = l.evaluate(l.as("HebeiMSP", "inspector", "HBIM"), "Trace", "TJ-BAL-001", "2024-13-01")
	wantCode(t, err, record.Invalid)
}
