package signature_test

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/gateway/dcc/signature"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature/signaturetest"
)

// FuzzVerify feeds Verify arbitrary bytes: it must never panic, and its
// answer must be consistent. The seeds are small documents signed with a
// generated key (a PTB example takes some 30 ms to check, too slow to fuzz
// a million times); METROTRACE_FUZZ_PTB=1 adds the PTB examples.
func FuzzVerify(f *testing.F) {
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	pki := signaturetest.NewRoot(f, "Fuzz Root", from, from.AddDate(10, 0, 0))
	signer := pki.NewCA(f, "Fuzz CA", from, from.AddDate(5, 0, 0)).NewSigner(f, "Fuzz signer", from, from.AddDate(2, 0, 0))
	for _, doc := range []string{
		`<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.1.1"><dcc:a x="1">t</dcc:a></dcc:digitalCalibrationCertificate>`,
		"<r xmlns=\"urn:x\" xmlns:p=\"urn:p\">\n\t<p:a p:b=\"&amp;\">x<!-- c --></p:a>\n</r>",
	} {
		f.Add(signer.Sign(f, []byte(doc), from.AddDate(1, 0, 0)))
	}
	if os.Getenv("METROTRACE_FUZZ_PTB") != "" {
		files, _ := filepath.Glob("testdata/*.xml")
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(`<a xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Signature><ds:SignedInfo/></ds:Signature></a>`))
	opts := signature.Options{Roots: []*x509.Certificate{mustCertF(f, "root.crt"), pki.Cert}, Institution: "CAL-A"}
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
