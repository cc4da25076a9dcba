package schema

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestANotValidatedDocumentSaysWhyWithACode checks that every document
// left unvalidated carries a listed reason with exactly its declared
// params, and that a validated one carries none.
func TestANotValidatedDocumentSaysWhyWithACode(t *testing.T) {
	const ns = `xmlns:dcc="https://ptb.de/dcc"`
	cases := []struct {
		name, doc, reason string
		params            map[string]string
	}{
		{"not a DCC", `<?xml version="1.0"?><other/>`, ReasonNotDCC, map[string]string{"root": "other"}},
		{"no version", `<?xml version="1.0"?><dcc:digitalCalibrationCertificate ` + ns + `/>`, ReasonNoVersion, nil},
		{"bad version", `<?xml version="1.0"?><dcc:digitalCalibrationCertificate ` + ns + ` schemaVersion="x"/>`, ReasonBadVersion, map[string]string{"version": "x"}},
		{"no schema", `<?xml version="1.0"?><dcc:digitalCalibrationCertificate ` + ns + ` schemaVersion="9.9.9"/>`, ReasonNoSchema,
			map[string]string{"version": "9.9.9", "embedded": strings.Join(Versions(), ", ")}},
		{"refused", `not xml at all <`, ReasonRefused, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Validate([]byte(c.doc))
			if got.Validated {
				t.Fatalf("validated: %+v", got)
			}
			if got.Reason != c.reason {
				t.Fatalf("reason %q (%s), want %q", got.Reason, got.Message, c.reason)
			}
			i := slices.IndexFunc(ReasonCodes, func(rc struct {
				Code   string
				Params []string
			}) bool {
				return rc.Code == got.Reason
			})
			if i < 0 {
				t.Fatalf("reason %q is not in ReasonCodes", got.Reason)
			}
			var keys []string
			for k := range got.Params {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			want := slices.Clone(ReasonCodes[i].Params)
			slices.Sort(want)
			if !slices.Equal(keys, want) {
				t.Errorf("params %v, want the keys %v", got.Params, want)
			}
			if c.params != nil && !reflect.DeepEqual(got.Params, c.params) {
				t.Errorf("params %v, want %v", got.Params, c.params)
			}
		})
	}
}
