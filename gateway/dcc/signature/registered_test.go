package signature_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature/signaturetest"
)

func gpExample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/dcc_gp_temperature_typical_v12.xml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestRegisteredOnTheLedger(t *testing.T) {
	from, until := date("2024-01-01T00:00:00Z"), date("2027-01-01T00:00:00Z")
	root := signaturetest.NewRoot(t, "Test Root", from, date("2034-01-01T00:00:00Z"))
	sub := root.NewCA(t, "Test Sub CA", from, date("2030-01-01T00:00:00Z"))
	lab := sub.NewSigner(t, "BJIM DCC signer", from, until)
	other := sub.NewSigner(t, "Someone else", from, until)
	labCA := sub.NewCA(t, "BJIM signing CA", from, until)
	labStaff := labCA.NewSigner(t, "BJIM staff signer", from, until)
	signedAt := date("2025-03-10T08:00:00Z")
	dcc := gpExample(t)

	reg := func(id, inst string, e *signaturetest.Entity, revokedOn string) record.SigningCertificate {
		r := record.SigningCertificate{ID: id, InstitutionID: inst, Certificate: signaturetest.PEM(e.Cert), Chain: e.ChainPEM()}
		if revokedOn != "" {
			r.Status, r.RevokedOn, r.RevocationReason = record.SigningRevoked, revokedOn, "key lost"
		}
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
		return r
	}
	cases := []struct {
		name       string
		signer     *signaturetest.Entity
		at         time.Time
		regs       []record.SigningCertificate
		registered bool
		chainValid bool
		reason     string
	}{
		{"a signer whose certificate the issuing institution registered is registered", lab, signedAt,
			[]record.SigningCertificate{reg("BJIM-SIGN-1", "BJIM", lab, "")}, true, true, ""},
		{"a signer issued under a CA the institution registered is registered", labStaff, signedAt,
			[]record.SigningCertificate{reg("BJIM-CA-1", "BJIM", labCA, "")}, true, true, ""},
		{"a registration revoked after the signing time still counts", lab, signedAt,
			[]record.SigningCertificate{reg("BJIM-SIGN-1", "BJIM", lab, "2025-03-11")}, true, true, ""},
		{"an unregistered key is not registered", other, signedAt,
			[]record.SigningCertificate{reg("BJIM-SIGN-1", "BJIM", lab, "")}, false, true,
			"the signer's certificate (CN=Someone else,O=metrotrace test PKI,C=CN, issued by CN=Test Sub CA,O=metrotrace test PKI,C=CN) is not one of the 1 signing certificates BJIM registered, nor issued under one"},
		{"a key revoked before the signing time is not registered", lab, signedAt,
			[]record.SigningCertificate{reg("BJIM-SIGN-1", "BJIM", lab, "2025-03-01")}, false, true,
			"the signer chains to signing certificate BJIM-SIGN-1 of BJIM, which BJIM revoked on 2025-03-01 (key lost), before the signing time 2025-03-10T08:00:00Z"},
		{"a key revoked on the signing day is not registered", lab, signedAt,
			[]record.SigningCertificate{reg("BJIM-SIGN-1", "BJIM", lab, "2025-03-10")}, false, true,
			"the signer chains to signing certificate BJIM-SIGN-1 of BJIM, which BJIM revoked on 2025-03-10 (key lost), before the signing time 2025-03-10T08:00:00Z"},
		{"another institution's registration does not count", lab, signedAt,
			[]record.SigningCertificate{reg("TJIM-SIGN-1", "TJIM", lab, "")}, false, true,
			"institution BJIM has registered no signing certificate on the ledger"},
		{"a signature made after the certificate expired is neither chained nor registered", lab, date("2027-02-01T00:00:00Z"),
			[]record.SigningCertificate{reg("BJIM-SIGN-1", "BJIM", lab, "")}, false, false,
			"the signer chains to signing certificate BJIM-SIGN-1 of BJIM, which was not valid at the signing time 2027-02-01T00:00:00Z (valid 2024-01-01T00:00:00Z to 2027-01-01T00:00:00Z)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			signed := tc.signer.Sign(t, dcc, tc.at)
			got, sig := signature.Verify(signed, signature.Options{Roots: []*x509.Certificate{root.Cert}, Institution: "BJIM", Registered: tc.regs})
			if !got.Present || !got.Valid || sig == nil {
				t.Fatalf("signature does not verify: %+v", got)
			}
			if got.SignedAt != tc.at.Format(time.RFC3339) || got.SignerSubject != tc.signer.Cert.Subject.String() {
				t.Errorf("signed_at %s by %s", got.SignedAt, got.SignerSubject)
			}
			if got.Registered != tc.registered || got.ChainValid != tc.chainValid {
				t.Errorf("registered %v chain_valid %v, want %v %v (%s)", got.Registered, got.ChainValid, tc.registered, tc.chainValid, got.Reason)
			}
			_, why := sig.Registered("BJIM", tc.regs)
			if why != tc.reason {
				t.Errorf("reason %q\nwant   %q", why, tc.reason)
			}
		})
	}
}

func TestSignedInTestVerifiesAndTamperingIsCaught(t *testing.T) {
	from := date("2024-01-01T00:00:00Z")
	root := signaturetest.NewRoot(t, "Test Root", from, date("2034-01-01T00:00:00Z"))
	lab := root.NewSigner(t, "lab", from, date("2030-01-01T00:00:00Z"))
	signed := lab.Sign(t, gpExample(t), date("2025-01-01T00:00:00Z"))
	opts := signature.Options{Roots: []*x509.Certificate{root.Cert}}
	if got, _ := signature.Verify(signed, opts); !got.Valid || !got.ChainValid {
		t.Fatalf("freshly signed: %+v", got)
	}
	tamper := []struct{ name, from, to, reason string }{
		{"a changed value", "<si:value>593</si:value>", "<si:value>594</si:value>", `reference 1 (URI ""): digest does not match`},
		{"a changed signing time", "<xades:SigningTime>2025-01-01T00:00:00Z", "<xades:SigningTime>2025-01-02T00:00:00Z", `reference 2 (URI "#xades-metrotrace-signature"): digest does not match`},
		{"a changed reference digest", "<ds:DigestValue>", "<ds:DigestValue>AAAA", "signature value does not verify"},
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			if !bytes.Contains(signed, []byte(tc.from)) {
				t.Fatalf("%q not in the signed file", tc.from)
			}
			bad := bytes.Replace(signed, []byte(tc.from), []byte(tc.to), 1)
			got, sig := signature.Verify(bad, opts)
			if got.Valid || sig != nil || !got.Present || !strings.Contains(got.Reason, tc.reason) {
				t.Errorf("got %+v, want invalid with %q", got, tc.reason)
			}
		})
	}
	t.Run("a re-indented signed file no longer verifies, as C14N keeps whitespace", func(t *testing.T) {
		bad := bytes.Replace(signed, []byte("\n\t\t"), []byte("\n  "), -1)
		if got, _ := signature.Verify(bad, opts); got.Valid {
			t.Errorf("re-indented: %+v", got)
		}
	})
	t.Run("an unsigned file has no signature", func(t *testing.T) {
		got, sig := signature.Verify(gpExample(t), opts)
		if got.Present || got.Valid || sig != nil || got.Reason != "the DCC carries no XML signature" {
			t.Errorf("got %+v", got)
		}
	})
}

func TestRSASignature(t *testing.T) {
	from := date("2024-01-01T00:00:00Z")
	root := signaturetest.NewRoot(t, "Test Root", from, date("2034-01-01T00:00:00Z"))
	lab := root.NewSigner(t, "lab", from, date("2030-01-01T00:00:00Z"))
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	// An RSA certificate for the same subject, issued by the test root.
	tmpl := *lab.Cert
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, root.Cert, &key.PublicKey, root.Key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	signed, err := signature.Sign(gpExample(t), signature.Signer{Key: key, Certificate: cert}, date("2025-01-01T00:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(signed, []byte("xmldsig-more#rsa-sha256")) {
		t.Fatal("not signed with RSA-SHA256")
	}
	got, _ := signature.Verify(signed, signature.Options{Roots: []*x509.Certificate{root.Cert}})
	if !got.Valid || !got.ChainValid {
		t.Fatalf("got %+v", got)
	}
}
