package httpapi

import (
	"testing"

	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/dcc"
)

// TestDCCAnswersAreInTheDocument keeps the schemas of the DCC and verify
// answers in step with the Go types the handlers encode.
func TestDCCAnswersAreInTheDocument(t *testing.T) {
	s := New(Config{Tokens: &auth.Issuer{}})
	for schema, v := range map[string]any{
		"Verification": Verification{}, "VerifiedIssuer": VerifiedIssuer{}, "DCCImport": DCCImport{}, "DCCProblem": dcc.Problem{},
	} {
		ref := s.spec.doc.Components.Schemas[schema]
		if ref == nil {
			t.Errorf("no schema %s", schema)
			continue
		}
		fields := jsonFields(v)
		for _, field := range fields {
			if _, ok := ref.Value.Properties[field]; !ok {
				t.Errorf("schema %s lacks field %s", schema, field)
			}
		}
		if len(ref.Value.Properties) != len(fields) {
			t.Errorf("schema %s has %d properties, the answer %d fields", schema, len(ref.Value.Properties), len(fields))
		}
	}
	statuses := s.spec.doc.Components.Schemas["Verification"].Value.Properties["status"].Value.Enum
	want := []string{VerifyValid, VerifyExpired, VerifyRevoked, VerifySuperseded, VerifyNotAnchored, VerifyAltered}
	if len(statuses) != len(want) {
		t.Fatalf("status enum %v, want %v", statuses, want)
	}
	for i, w := range want {
		if statuses[i] != w {
			t.Errorf("status enum %v, want %v", statuses, want)
		}
	}
}
