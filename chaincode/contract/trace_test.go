package contract_test

import (
	"reflect"
	"sort"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
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
	l.load(scenario.New())
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
	l.load(scenario.New())
	rep := traceOf(t, l, "NIM-MASS-P", "2024-06-01")
	if !rep.Traceable || len(rep.Links) != 0 {
		t.Fatalf("primary standard trace = %+v, want traceable with no links", rep)
	}
}

func TestTraceDefaultsToTheTransactionDate(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	rep := traceOf(t, l, "TJ-BAL-001", "")
	if rep.At != "2024-06-01" || !rep.Traceable {
		t.Fatalf("trace without date = at %s traceable %v, want at 2024-06-01 traceable", rep.At, rep.Traceable)
	}
}

// TestTraceBreaksExactlyOneCheck breaks one link per scenario and expects
// exactly the named check to fail.
func TestTraceBreaksExactlyOneCheck(t *testing.T) {
	for _, tt := range scenario.TraceBreaks() {
		t.Run(tt.Name, func(t *testing.T) {
			f := scenario.New()
			tt.Change(f)
			l := newLedger(t)
			l.load(f)
			rep := traceOf(t, l, tt.Subject, tt.At)
			if rep.Traceable {
				t.Fatalf("traceable after the break; links %+v", rep.Links)
			}
			if got := failingChecks(linkChecks(rep)...); !reflect.DeepEqual(got, []string{tt.FailedCheck}) {
				t.Fatalf("failing checks = %v, want exactly [%s]; problems %v", got, tt.FailedCheck, rep.Problems)
			}
			found := false
			for _, link := range rep.Links {
				for _, c := range link.Checks {
					if c.Name == tt.FailedCheck && !c.OK && c.Detail == tt.Detail {
						found = true
					}
				}
			}
			if !found {
				t.Fatalf("no failing %s with detail %q; problems %v", tt.FailedCheck, tt.Detail, rep.Problems)
			}
		})
	}
}

func TestTraceOfUnknownSubjectIsNotFound(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	_, err := l.evaluate(l.as("HebeiMSP", "inspector", "HBIM"), "Trace", "NO-SUCH", "2024-06-01")
	wantCode(t, err, record.NotFound)
	_, err = l.evaluate(l.as("HebeiMSP", "inspector", "HBIM"), "Trace", "TJ-BAL-001", "2024-13-01")
	wantCode(t, err, record.Invalid)
}
