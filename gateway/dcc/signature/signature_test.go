package signature_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature/signaturetest"
)

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustCert(t *testing.T, name string) *x509.Certificate {
	t.Helper()
	c, err := parsePEM(mustRead(t, filepath.Join("trusted_certs", name)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c
}

func parsePEM(data []byte) (*x509.Certificate, error) {
	b, _ := pem.Decode(data)
	if b == nil {
		return nil, errors.New("no PEM block")
	}
	return x509.ParseCertificate(b.Bytes)
}

func TestVerifyPTBExamples(t *testing.T) {
	root, sub, signer := mustCert(t, "root.crt"), mustCert(t, "sub.crt"), mustCert(t, "signer.crt")
	// Calibration A registered its signer's certificate on the ledger.
	regs := []record.SigningCertificate{{ID: "CAL-A-DCC-1", InstitutionID: "CAL-A", Status: record.SigningActive,
		Certificate: signaturetest.PEM(signer), Chain: []string{signaturetest.PEM(sub), signaturetest.PEM(root)}}}
	withRoots := func(o signature.Options) signature.Options {
		o.Institution, o.Registered = "CAL-A", regs
		return o
	}
	const labA = "CN=Calibration Lab A1,O=Calibration A GmbH,C=DE"
	const labB = "CN=Calibration Lab B1,O=Calibration B GmbH,C=DE"
	const subCA = "CN=Calibration Community Sub CA 01,O=Calibration Community,C=DE"
	cases := []struct {
		name, file string
		opts       signature.Options
		want       signature.Result
		reason     string
		revoked    bool
	}{
		{"the signed example verifies and chains at its signing time though its signer expired in 2024",
			"dcc_gp_temperature_typical_v12_signed.xml",
			signature.Options{Roots: []*x509.Certificate{root}, Intermediates: []*x509.Certificate{sub}},
			signature.Result{Present: true, Valid: true, SignerSubject: labA, SignerIssuer: subCA, SignedAt: "2022-10-21T07:47:21Z", ChainValid: true, Registered: true}, "", false},
		{"without the sub CA the signed example does not chain",
			"dcc_gp_temperature_typical_v12_signed.xml",
			signature.Options{Roots: []*x509.Certificate{root}},
			signature.Result{Present: true, Valid: true, SignerSubject: labA, SignerIssuer: subCA, SignedAt: "2022-10-21T07:47:21Z", Registered: true}, "does not chain to a trust root", false},
		{"without trust roots the chain is not judged valid",
			"dcc_gp_temperature_typical_v12_signed.xml", signature.Options{},
			signature.Result{Present: true, Valid: true, SignerSubject: labA, SignerIssuer: subCA, SignedAt: "2022-10-21T07:47:21Z", Registered: true}, "no trust roots", false},
		{"the manipulated twin does not verify",
			"dcc_gp_temperature_typical_v12_signed_manipulated.xml",
			signature.Options{Roots: []*x509.Certificate{root}, Intermediates: []*x509.Certificate{sub}},
			signature.Result{Present: true, SignerSubject: labA, SignerIssuer: subCA, SignedAt: "2022-10-21T07:47:21Z"}, "reference 1 (URI \"\"): digest does not match", false},
		{"the long-term file chains through the CA certificates it embeds and its CRL clears the signer",
			"dcc_gp_temperature_typical_v12_v3.2.0_signed_lt.xml",
			signature.Options{Roots: []*x509.Certificate{root}},
			signature.Result{Present: true, Valid: true, SignerSubject: labA, SignerIssuer: subCA, SignedAt: "2023-06-20T12:12:42Z", ChainValid: true, Registered: true}, "", false},
		{"the revoked long-term file verifies but its CRL revoked the signer before the signing time",
			"dcc_gp_temperature_typical_v12_v3.2.0_signed_lt_revoked.xml",
			signature.Options{Roots: []*x509.Certificate{root}},
			signature.Result{Present: true, Valid: true, SignerSubject: labB, SignerIssuer: subCA, SignedAt: "2023-06-15T13:47:36Z"},
			`certificate "` + labB + `" was revoked at 2023-06-15T10:58:20Z (keyCompromise (CRL of Calibration Community Sub CA 01)), before the signing time 2023-06-15T13:47:36Z, as the file's own revocation data state; ` +
				`the signer's certificate (` + labB + `, issued by ` + subCA + `) is not one of the 1 signing certificates CAL-A registered, nor issued under one`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := signature.Verify(mustRead(t, tc.file), withRoots(tc.opts))
			rev := got.Revocation
			reason, reasons := got.Reason, got.Reasons
			got.Revocation, got.Reason, got.Reasons = nil, "", nil
			checkReasons(t, reason, reasons)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if tc.reason == "" && reason != "" || !strings.Contains(reason, tc.reason) {
				t.Errorf("reason %q, want %q", reason, tc.reason)
			}
			if strings.Contains(tc.file, "_lt") {
				if rev == nil || rev.CRLs != 2 || rev.OCSPResponses != 3 || rev.Revoked != tc.revoked {
					t.Fatalf("revocation %+v, want 2 CRLs, 3 OCSP responses, revoked %v", rev, tc.revoked)
				}
				if want := []string{tc.want.SignerSubject, subCA}; strings.Join(rev.Checked, "|") != strings.Join(want, "|") {
					t.Errorf("checked %q, want %q", rev.Checked, want)
				}
			} else if rev != nil {
				t.Errorf("revocation %+v, want none", rev)
			}
		})
	}
}

// checkReasons fails unless a result's Reasons give one listed code, with
// only its declared parameters, for each sentence of its Reason.
func checkReasons(t *testing.T, reason string, reasons []signature.Reason) {
	t.Helper()
	declared := map[string][]string{}
	for _, c := range signature.ReasonCodes {
		declared[c.Code] = c.Params
	}
	if (reason == "") != (len(reasons) == 0) {
		t.Errorf("reason %q with %d reason codes", reason, len(reasons))
	}
	for _, r := range reasons {
		params, ok := declared[r.Code]
		if !ok {
			t.Errorf("reason code %q is not in ReasonCodes", r.Code)
		}
		if len(r.Params) != len(params) {
			t.Errorf("%s carries %v, ReasonCodes declares %v", r.Code, r.Params, params)
		}
		for k := range r.Params {
			if !slices.Contains(params, k) {
				t.Errorf("%s carries %q, which ReasonCodes does not declare (%v)", r.Code, k, params)
			}
		}
	}
}
