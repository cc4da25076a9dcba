package schema

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzValidate feeds arbitrary bytes to Validate: it must never panic, and
// its Result must be consistent with itself.
func FuzzValidate(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(billionLaughs())
	f.Add(deepNesting(300))
	f.Add([]byte(`<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.1.2"><dcc:administrativeData/></dcc:digitalCalibrationCertificate>`))
	limits := Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxErrors: 20}
	f.Fuzz(func(t *testing.T, doc []byte) {
		res := limits.Validate(doc)
		if len(res.Errors) > limits.MaxErrors {
			t.Fatalf("%d errors, cap %d", len(res.Errors), limits.MaxErrors)
		}
		if res.Truncated && len(res.Errors) != limits.MaxErrors {
			t.Fatalf("truncated at %d errors", len(res.Errors))
		}
		if res.Message == "" {
			t.Fatal("no message")
		}
		if res.Validated {
			if _, ok := schemaFileOf[res.Version]; !ok {
				t.Fatalf("validated against version %q, which has no schema", res.Version)
			}
		}
		for _, e := range res.Errors {
			if e.Element == "" || e.Message == "" || e.Line < 0 {
				t.Fatalf("incomplete error %+v", e)
			}
		}
	})
}
