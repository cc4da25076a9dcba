package scenario

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPrefixedRenamesEveryIDAndLeavesTheOriginalAlone(t *testing.T) {
	f := New()
	before, _ := json.Marshal(f.Steps())
	g := f.Prefixed("c1-")
	after, _ := json.Marshal(f.Steps())
	if string(before) != string(after) {
		t.Fatal("Prefixed changed the original fixture")
	}
	if len(g.Steps()) != len(f.Steps()) {
		t.Fatalf("steps %d, want %d", len(g.Steps()), len(f.Steps()))
	}
	for _, s := range g.Steps() {
		// Every id-like argument or field carries the prefix.
		for _, a := range s.Args {
			var rec map[string]any
			if json.Unmarshal([]byte(a), &rec) != nil {
				continue // a plain argument: checked below
			}
			for _, k := range []string{"id", "institution_id", "issuer_id", "subject_id", "pilot_id"} {
				if v, ok := rec[k].(string); ok && !strings.HasPrefix(v, "c1-") {
					t.Errorf("%s %s = %q lacks the prefix", s.Function, k, v)
				}
			}
		}
		if (s.Function == "SetStandardStatus" || s.Function == "ApproveAgreement") && !strings.HasPrefix(s.Args[0], "c1-") {
			t.Errorf("%s of %q lacks the prefix", s.Function, s.Args[0])
		}
		if s.Institution != "" && !strings.HasPrefix(s.Institution, "c1-") {
			t.Errorf("%s by %q lacks the prefix", s.Function, s.Institution)
		}
	}
	if g.Certificates[1].ReferenceIDs[0] != "c1-BJ-STD-MASS" || g.Comparisons[0].Results[0].InstitutionID != "c1-HBIM" ||
		g.Approvals["c1-AGR-JJJ-2024"][2] != "c1-HBIM" || f.Comparisons[0].Results[0].InstitutionID != "HBIM" {
		t.Fatalf("references not renamed consistently: %+v", g.Certificates[1])
	}
}
