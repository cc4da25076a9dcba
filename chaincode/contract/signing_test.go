package contract_test

import (
	"strings"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature/signaturetest"
)

func TestSigningCertificatesAreKeptByTheInstitution(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	root := signaturetest.NewRoot(t, "Root", from, from.AddDate(10, 0, 0))
	signer := root.NewSigner(t, "BJIM DCC", from, from.AddDate(3, 0, 0))
	sc := record.SigningCertificate{ID: "BJIM-DCC-1", InstitutionID: "BJIM", Certificate: signaturetest.PEM(signer.Cert), Chain: signer.ChainPEM()}
	watched := [][2]string{{record.DocSigningCertificate, "BJIM-DCC-1"}}

	refused := []struct {
		name string
		who  [3]string
		sc   func(record.SigningCertificate) record.SigningCertificate
		code record.Code
		msg  string
	}{
		{"a recorder of another institution may not", [3]string{"BeijingMSP", "recorder", "NIM"}, nil, record.Forbidden,
			"register signing certificate BJIM-DCC-1: a recorder of NIM may not keep the signing certificates of BJIM"},
		{"another organization may not", [3]string{"TianjinMSP", "operator", ""}, nil, record.Forbidden,
			"register signing certificate BJIM-DCC-1: TianjinMSP operator may not keep the signing certificates of BJIM, which belongs to BeijingMSP"},
		{"an inspector may not", [3]string{"BeijingMSP", "inspector", "BJIM"}, nil, record.Forbidden,
			"register signing certificate BJIM-DCC-1: inspectors read; they cannot keep the signing certificates of BJIM"},
		{"a certificate that is not PEM is refused", [3]string{"BeijingMSP", "recorder", "BJIM"},
			func(s record.SigningCertificate) record.SigningCertificate { s.Certificate = "MIIB..."; return s }, record.Invalid,
			"register signing certificate: certificate is not a PEM CERTIFICATE block"},
		{"a chain that did not sign the certificate is refused", [3]string{"BeijingMSP", "recorder", "BJIM"},
			func(s record.SigningCertificate) record.SigningCertificate {
				s.Chain = []string{signaturetest.PEM(signer.Cert)}
				return s
			}, record.Invalid,
			"register signing certificate: chain[0] (CN=BJIM DCC,O=metrotrace test PKI,C=CN) did not sign CN=BJIM DCC,O=metrotrace test PKI,C=CN: x509: invalid signature: parent certificate cannot sign this kind of certificate"},
		{"a new certificate cannot be revoked already", [3]string{"BeijingMSP", "recorder", "BJIM"},
			func(s record.SigningCertificate) record.SigningCertificate {
				s.Status, s.RevokedOn, s.RevocationReason = record.SigningRevoked, "2024-01-01", "x"
				return s
			}, record.Invalid,
			"register signing certificate BJIM-DCC-1: a new signing certificate is active; revoke it with RevokeSigningCertificate"},
		{"a subject that does not match the certificate is refused", [3]string{"BeijingMSP", "recorder", "BJIM"},
			func(s record.SigningCertificate) record.SigningCertificate { s.Subject = "CN=someone"; return s }, record.Invalid,
			`register signing certificate: subject "CN=someone" does not match the certificate's "CN=BJIM DCC,O=metrotrace test PKI,C=CN"`},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			body := sc
			if tc.sc != nil {
				body = tc.sc(sc)
			}
			before := l.snapshot(watched...)
			_, err := l.submit(l.as(tc.who[0], tc.who[1], tc.who[2]), record.FnRegisterSigningCertificate, mustJSON(t, body))
			wantCode(t, err, tc.code)
			if got := err.(*record.Error).Message; got != tc.msg {
				t.Errorf("message %q\nwant    %q", got, tc.msg)
			}
			if l.snapshot(watched...) != before {
				t.Fatal("a refused transaction changed the ledger")
			}
		})
	}

	got := decode[record.SigningCertificate](t, l.mustSubmit(l.as("BeijingMSP", "recorder", "BJIM"), "RegisterSigningCertificate", mustJSON(t, sc)))
	if got.Status != record.SigningActive || got.Subject != "CN=BJIM DCC,O=metrotrace test PKI,C=CN" || got.NotAfter != "2027-01-01T00:00:00Z" || len(got.SHA256) != 64 || len(got.Chain) != 1 {
		t.Fatalf("registered %+v", got)
	}
	// An operator of the organization keeps them too, but not the same certificate twice.
	again := sc
	again.ID = "BJIM-DCC-2"
	_, err := l.submit(l.as("BeijingMSP", "operator", ""), "RegisterSigningCertificate", mustJSON(t, again))
	wantCode(t, err, record.Conflict)
	other := root.NewSigner(t, "BJIM DCC 2", from, from.AddDate(3, 0, 0))
	again.Certificate = signaturetest.PEM(other.Cert)
	l.mustSubmit(l.as("BeijingMSP", "operator", ""), "RegisterSigningCertificate", mustJSON(t, again))

	page := decode[record.LedgerPage](t, l.mustEvaluate(l.as("HebeiMSP", "", ""), "List", record.IndexSigningCertificatesByInstitution, "BJIM", "", ""))
	if len(page.Records) != 2 {
		t.Fatalf("listed %d signing certificates of BJIM, want 2", len(page.Records))
	}

	// Revocation: from a date that has come, with a reason, once.
	recorder := l.as("BeijingMSP", "recorder", "BJIM")
	for _, bad := range []struct{ on, reason, msg string }{
		{"2024-06-02", "key lost", "revoked_on 2024-06-02 is after today 2024-06-01: revoke from a date that has come"},
		{"2024-5-1", "key lost", `revoked_on: date "2024-5-1" is not a valid YYYY-MM-DD date`},
		{"2024-05-01", "", "a reason is required to revoke signing certificate BJIM-DCC-1"},
	} {
		_, err := l.submit(recorder, "RevokeSigningCertificate", "BJIM-DCC-1", bad.on, bad.reason)
		wantCode(t, err, record.Invalid)
		if err.(*record.Error).Message != bad.msg {
			t.Errorf("message %q, want %q", err.(*record.Error).Message, bad.msg)
		}
	}
	_, err = l.submit(l.as("BeijingMSP", "recorder", "NIM"), "RevokeSigningCertificate", "BJIM-DCC-1", "2024-05-01", "key lost")
	wantCode(t, err, record.Forbidden)
	rev := decode[record.SigningCertificate](t, l.mustSubmit(recorder, "RevokeSigningCertificate", "BJIM-DCC-1", "2024-05-01", "key lost"))
	if rev.Status != record.SigningRevoked || rev.RevokedOn != "2024-05-01" || rev.RevocationReason != "key lost" {
		t.Fatalf("revoked %+v", rev)
	}
	_, err = l.submit(recorder, "RevokeSigningCertificate", "BJIM-DCC-1", "2024-05-01", "again")
	wantCode(t, err, record.Conflict)
	h := l.mustEvaluate(l.as("HebeiMSP", "", ""), "History", record.DocSigningCertificate, "BJIM-DCC-1")
	if strings.Count(h, `"tx_id"`) != 2 || !strings.Contains(h, `"status":"active"`) || !strings.Contains(h, `"revoked_on":"2024-05-01"`) {
		t.Fatalf("history %s, want active then revoked", h)
	}
}
