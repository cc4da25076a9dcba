package contract_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

const (
	shaA  = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	shaAc = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
	shaB  = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

func TestADCCNamingItsPreviousReportByHashSupersedesIt(t *testing.T) {
	f := scenario.New()
	l := newLedger(t)
	l.load(f)
	rec := l.as("BeijingMSP", "recorder", "BJIM")
	first := *f.Certificate("BJIM-2024-0100")
	first.ID, first.DCCSHA256, first.DCCC14NSHA256 = "BJIM-DCC-1", shaA, shaAc
	l.mustSubmit(rec, "IssueCertificate", mustJSON(t, first))

	second := first
	second.ID, second.DCCSHA256, second.DCCC14NSHA256 = "BJIM-DCC-2", shaB, ""
	// A re-indented copy of the first DCC (same canonical form) is anchored already.
	dup := second
	dup.DCCC14NSHA256 = shaAc
	_, err := l.submit(rec, "IssueCertificate", mustJSON(t, dup))
	wantCode(t, err, record.Conflict)

	for _, bad := range []struct {
		name, supersedes, sha string
		code                  record.Code
		msg                   string
	}{
		{"a hash the previous certificate does not anchor", "BJIM-DCC-1", shaB, record.Invalid,
			"issue certificate BJIM-DCC-2: certificate BJIM-DCC-1 does not anchor a DCC of SHA-256 " + shaB + " (previous_dcc_sha256)"},
		{"a previous certificate of another subject", "NIM-2024-0001", shaA, record.Invalid,
			"issue certificate BJIM-DCC-2: certificate NIM-2024-0001 does not anchor a DCC of SHA-256 " + shaA + " (previous_dcc_sha256)"},
		{"a previous certificate that does not exist", "NOPE", shaA, record.NotFound, "issue certificate BJIM-DCC-2: certificate NOPE does not exist"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			c := second
			c.Supersedes, c.PreviousDCCSHA256 = bad.supersedes, bad.sha
			before := l.snapshot([2]string{"certificate", "BJIM-DCC-1"}, [2]string{"certificate", "BJIM-DCC-2"})
			_, err := l.submit(rec, "IssueCertificate", mustJSON(t, c))
			wantCode(t, err, bad.code)
			if got := err.(*record.Error).Message; got != bad.msg {
				t.Errorf("message %q\nwant    %q", got, bad.msg)
			}
			if bad.code == record.Invalid {
				want := []record.FieldError{{Field: "previous_dcc_sha256", Code: record.FieldPreviousNotAnchored,
					Params:  record.Params{"field": "previous_dcc_sha256", "id": bad.supersedes, "value": bad.sha},
					Message: "certificate " + bad.supersedes + " does not anchor a DCC of SHA-256 " + bad.sha + " (previous_dcc_sha256)"}}
				if got := record.ErrorDetails(err); !reflect.DeepEqual(got, want) {
					t.Errorf("details %+v\nwant    %+v", got, want)
				}
			}
			if l.snapshot([2]string{"certificate", "BJIM-DCC-1"}, [2]string{"certificate", "BJIM-DCC-2"}) != before {
				t.Fatal("refused issue changed the ledger")
			}
		})
	}
	// Named by the canonical hash, the previous certificate is superseded in the same transaction.
	second.Supersedes, second.PreviousDCCSHA256 = "BJIM-DCC-1", shaAc
	if got := decode[record.Certificate](t, l.mustSubmit(rec, "IssueCertificate", mustJSON(t, second))); got.ID != "BJIM-DCC-2" || got.Supersedes != "BJIM-DCC-1" {
		t.Fatalf("IssueCertificate answered %+v, want the new certificate", got)
	}
	prev := decode[record.Certificate](t, l.mustEvaluate(rec, "Get", "certificate", "BJIM-DCC-1"))
	if prev.Status != record.CertSuperseded || prev.SupersededBy != "BJIM-DCC-2" ||
		prev.StatusReason != "superseded by certificate BJIM-DCC-2, whose DCC names this one's as its previous report" {
		t.Fatalf("previous certificate %+v", prev)
	}
	page := decode[record.LedgerPage](t, l.mustEvaluate(rec, "List", record.IndexCertificatesByDCCC14N, shaAc, "", ""))
	if len(page.Records) != 1 || !strings.Contains(string(page.Records[0]), `"id":"BJIM-DCC-1"`) {
		t.Fatalf("by canonical hash: %s", page.Records)
	}
}

func TestStandardIdentificationsAreValidatedAndIndexed(t *testing.T) {
	f := scenario.New()
	l := newLedger(t)
	l.load(f)
	rec := l.as("BeijingMSP", "recorder", "BJIM")
	std := *f.Standard("BJ-STD-MASS")
	std.ID, std.StatusSince, std.StatusHistory = "BJ-STD-MASS-2", "", nil
	std.Identifications = []record.Identification{{Issuer: "manufacturer", Value: "SN 4711", Description: "serial no."}, {Issuer: "customer", Value: "x"}}
	_, err := l.submit(rec, "RegisterStandard", mustJSON(t, std))
	wantCode(t, err, record.Invalid)
	if msg := err.(*record.Error).Message; !strings.Contains(msg, `identifications[1].issuer "customer" is not one of manufacturer, calibrationLaboratory, owner, other`) {
		t.Errorf("message %q", msg)
	}
	std.Identifications = std.Identifications[:1]
	l.mustSubmit(rec, "RegisterStandard", mustJSON(t, std))
	page := decode[record.LedgerPage](t, l.mustEvaluate(rec, "List", record.IndexStandardsByIdentification, record.IdentificationKey("manufacturer", "SN 4711"), "", ""))
	if len(page.Records) != 1 || !strings.Contains(string(page.Records[0]), `"identifications":[{"issuer":"manufacturer","value":"SN 4711","description":"serial no."}]`) {
		t.Fatalf("by identification: %s", page.Records)
	}
}
