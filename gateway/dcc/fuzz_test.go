package dcc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// FuzzParse checks that no input makes the reader, the mapper or the
// writer panic, that every refusal is an invalid-input error, and that a
// certificate mapped from any input can be written back as a DCC that reads
// again.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.3.0"/>`))
	f.Add([]byte(`<a:b xmlns:a="https://ptb.de/si"><a:real><a:value>1</a:value></a:real></a:b>`))
	f.Add([]byte("<"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data)
		if err != nil {
			if code := record.ErrorCode(err); code != record.Invalid {
				t.Fatalf("Parse error %v has code %q, want invalid", err, code)
			}
			return
		}
		cert, _, err := doc.Certificate(MapOptions{IssuerID: "FUZZ"})
		if err != nil {
			if code := record.ErrorCode(err); code != record.Invalid {
				t.Fatalf("Certificate error %v has code %q, want invalid", err, code)
			}
			return
		}
		out, err := Generate(cert, GenerateInfo{RespPersons: []string{"fuzz"}})
		if err != nil {
			t.Fatalf("Generate of a mapped certificate: %v", err)
		}
		if _, err := Parse(out); err != nil {
			t.Fatalf("Parse of a generated DCC: %v", err)
		}
	})
}
