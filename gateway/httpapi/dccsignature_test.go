package httpapi_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature/signaturetest"
)

// signedFile reads a signed PTB example or its test PKI.
func signedFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "dcc", "signature", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// importAnswer decodes the signature of an import or verify answer.
type signedAnswer struct {
	Certificate record.Certificate `json:"certificate"`
	Signature   *signature.Result  `json:"signature"`
	Schema      json.RawMessage    `json:"schema"`
	Matched     string             `json:"matched"`
	Altered     bool               `json:"altered"`
}

func (r *response) signed(t *testing.T, status int) signedAnswer {
	t.Helper()
	r.expect(t, status)
	var a signedAnswer
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatal(err)
	}
	if a.Signature == nil || !strings.Contains(string(a.Schema), `"version":`) || !strings.Contains(string(a.Schema), `"errors":[]`) {
		t.Fatalf("no signature or schema: %s", r.body)
	}
	return a
}

// seedPTB registers what the PTB temperature examples name, for BJIM: the
// item as a standard, the reference by its manufacturer identification.
func (e *dccEnv) seedPTB() {
	e.t.Helper()
	bj := e.as("BeijingMSP", "recorder", "BJIM")
	approval := &record.Approval{Number: "X-1", ValidUntil: "2030-01-01"}
	e.create(bj, record.DocStandard, &record.Standard{ID: "BJIM-PT100-REF", InstitutionID: "BJIM", Name: "Pt 100 reference",
		Level: "public", Quantity: "temperature", Range: record.Range{Min: 0, Max: 1000, Unit: "K"}, Uncertainty: u(10, "mK"), Approval: approval,
		Identifications: []record.Identification{{Issuer: "manufacturer", Value: "string-manufacturer-measuringEquipment-1", Description: "serial"}}})
	e.create(bj, record.DocStandard, &record.Standard{ID: "BJIM-REF-2", InstitutionID: "BJIM", Name: "another reference",
		Level: "public", Quantity: "temperature", Range: record.Range{Min: 0, Max: 1000, Unit: "K"}, Uncertainty: u(10, "mK"), Approval: approval})
	e.create(bj, record.DocStandard, &record.Standard{ID: "string-calibrationLaboratory-item", InstitutionID: "BJIM", Name: "PTB example item",
		Level: "working", Quantity: "temperature", Range: record.Range{Min: 0, Max: 1000, Unit: "K"}, Uncertainty: u(0.1, "K"),
		MPE: &record.Value{Value: 0.5, Unit: "K"}, Approval: approval})
}

func TestPTBExamplesImportOrAreRefused(t *testing.T) {
	e := newDCCEnv(t)
	e.seedPTB()
	// BJIM registers the PTB test signer, with its CA chain, on the ledger.
	sc := e.post("/api/v1/signing-certificates", e.bjRec(), map[string]any{
		"id": "BJIM-DCC-SIGNER-A1", "institution_id": "BJIM",
		"certificate": string(signedFile(t, "trusted_certs/signer.crt")),
		"chain":       []string{string(signedFile(t, "trusted_certs/sub.crt")), string(signedFile(t, "trusted_certs/root.crt"))},
	}).expect(t, 201)
	if sc["status"] != "active" || sc["subject"] != "CN=Calibration Lab A1,O=Calibration A GmbH,C=DE" || sc["not_after"] != "2024-12-02T12:40:00Z" {
		t.Fatalf("signing certificate %v", sc)
	}
	before := e.height()
	e.importXML(e.bjRec(), signedFile(t, "dcc_gp_temperature_typical_v12_signed_manipulated.xml"), "?issuer_id=BJIM").
		expectError(t, 400, "invalid", `the DCC carries an XML signature that does not verify: reference 1 (URI ""): digest does not match`)
	if e.height() != before || e.blobCount() != 0 {
		t.Fatal("a manipulated signed DCC wrote something")
	}

	im := e.importXML(e.bjRec(), signedFile(t, "dcc_gp_temperature_typical_v12_signed.xml"), "?issuer_id=BJIM").signed(t, 201)
	want := signature.Result{Present: true, Valid: true, SignerSubject: "CN=Calibration Lab A1,O=Calibration A GmbH,C=DE",
		SignerIssuer: "CN=Calibration Community Sub CA 01,O=Calibration Community,C=DE", SignedAt: "2022-10-21T07:47:21Z", ChainValid: true, Registered: true}
	if !reflect.DeepEqual(*im.Signature, want) {
		t.Errorf("signature %+v\nwant      %+v", *im.Signature, want)
	}
	if !reflect.DeepEqual(im.Certificate.ReferenceIDs, []string{"BJIM-PT100-REF"}) || im.Certificate.SubjectID != "string-calibrationLaboratory-item" {
		t.Errorf("certificate %+v", im.Certificate)
	}

	// The other files of the same uniqueIdentifier are different files: 409, nothing written.
	for _, name := range []string{"dcc_gp_temperature_typical_v12_v3.2.0_signed_lt.xml", "dcc_gp_temperature_typical_v12_v3.2.0_signed_lt_revoked.xml"} {
		before, blobs := e.height(), e.blobCount()
		e.importXML(e.bjRec(), signedFile(t, name), "?issuer_id=BJIM").
			expectError(t, 409, "conflict", "certificate GP_DCC_temperature_typical_1.2 is on the ledger already, anchoring another DCC")
		if e.height() != before || e.blobCount() != blobs {
			t.Fatalf("%s: a refused import wrote something", name)
		}
	}
	e.importXML(e.bjRec(), dccFile(t, dccPTBTypical), "?issuer_id=BJIM").expectError(t, 409, "conflict", "anchoring another DCC")
	e.importXML(e.bjRec(), signedFile(t, "dcc_gp_temperature_typical_v12_signed.xml"), "?issuer_id=BJIM").
		expectError(t, 409, "conflict", "anchoring this very DCC")

	// Verify reports the long-term files' chain and revocation as they state them.
	lt := e.verifyRaw(signedFile(t, "dcc_gp_temperature_typical_v12_v3.2.0_signed_lt.xml"), "application/xml").signed(t, 200)
	if !lt.Altered || !lt.Signature.Valid || !lt.Signature.ChainValid || !lt.Signature.Registered || lt.Signature.SignedAt != "2023-06-20T12:12:42Z" ||
		lt.Signature.Revocation == nil || lt.Signature.Revocation.Revoked || lt.Signature.Revocation.CRLs != 2 {
		t.Errorf("long-term file: altered %v, signature %+v %+v", lt.Altered, lt.Signature, lt.Signature.Revocation)
	}
	rv := e.verifyRaw(signedFile(t, "dcc_gp_temperature_typical_v12_v3.2.0_signed_lt_revoked.xml"), "application/xml").signed(t, 200)
	if !rv.Signature.Valid || rv.Signature.ChainValid || rv.Signature.Registered || rv.Signature.Revocation == nil || !rv.Signature.Revocation.Revoked ||
		rv.Signature.Revocation.RevokedAt != "2023-06-15T10:58:20Z" || !strings.Contains(rv.Signature.Reason, "was revoked at 2023-06-15T10:58:20Z (keyCompromise") ||
		!strings.Contains(rv.Signature.Reason, "is not one of the 1 signing certificates BJIM registered") {
		t.Errorf("revoked long-term file: %+v %+v", rv.Signature, rv.Signature.Revocation)
	}
	mv := e.verifyRaw(signedFile(t, "dcc_gp_temperature_typical_v12_signed_manipulated.xml"), "application/xml").signed(t, 200)
	if !mv.Signature.Present || mv.Signature.Valid || mv.Signature.Registered {
		t.Errorf("manipulated: %+v", mv.Signature)
	}
	sv := e.verifyRaw(signedFile(t, "dcc_gp_temperature_typical_v12_signed.xml"), "application/xml").signed(t, 200)
	if sv.Matched != "bytes" || !reflect.DeepEqual(*sv.Signature, want) {
		t.Errorf("signed: matched %q, %+v", sv.Matched, sv.Signature)
	}
}

func TestGPExamplesMapByIdentificationsAndReferenceIDs(t *testing.T) {
	e := newDCCEnv(t)
	e.seedPTB()
	im := e.importXML(e.bjRec(), dccFile(t, "dcc_gp_temperature_simplified_v12.xml"), "?issuer_id=BJIM").imported(t)
	if !reflect.DeepEqual(im.Certificate.ReferenceIDs, []string{"BJIM-PT100-REF"}) ||
		!hasProblem(im.Problems, "measuringEquipment[1]", `is standard BJIM-PT100-REF, which carries its manufacturer identification "string-manufacturer-measuringEquipment-1"`) {
		t.Errorf("by identification: %+v %v", im.Certificate, im.Problems)
	}
	im = e.importXML(e.bjRec(), dccFile(t, dccPTBTypical), "?issuer_id=BJIM&reference_ids=BJIM-REF-2,%20BJIM-PT100-REF").imported(t)
	if !reflect.DeepEqual(im.Certificate.ReferenceIDs, []string{"BJIM-REF-2", "BJIM-PT100-REF"}) || !hasProblem(im.Problems, "measuringEquipments", "named by the request (reference_ids)") {
		t.Errorf("by reference_ids: %+v %v", im.Certificate, im.Problems)
	}
	before := e.height()
	e.importXML(e.bjRec(), dccFile(t, dccPTBTypical), "?issuer_id=BJIM&reference_ids=a%20b").expectError(t, 400, "invalid", `reference_ids "a b" is not a valid id`)
	// Without a standard carrying its identification, the equipment resolves to nothing and says what was tried.
	e.importXML(e.tjRec(), edit(t, dccFile(t, dccPTBTypical), "string-manufacturer-measuringEquipment-1", "SN-UNKNOWN"), "?issuer_id=TJIM&subject_id=TJIM-W-1KG-07").
		expectError(t, 400, "invalid", "no measuring equipment identifies a reference standard")
	r := e.importXML(e.tjRec(), edit(t, dccFile(t, dccPTBTypical), "string-manufacturer-measuringEquipment-1", "SN-UNKNOWN"), "?issuer_id=TJIM&subject_id=TJIM-W-1KG-07")
	if !strings.Contains(string(r.body), `unresolved equipment \"Pt 100 thermometer\": tried manufacturer identification \"SN-UNKNOWN\"; standard id \"SN-UNKNOWN\"`) {
		t.Errorf("no tried list: %s", r.body)
	}
	if e.height() != before {
		t.Error("a refused import wrote")
	}
}

func TestSignedDCCsAgainstSigningCertificatesOnTheLedger(t *testing.T) {
	e := newDCCEnv(t)
	// BJ-SIGNED requires signed DCCs; it imports BJIM's temperature DCC under its own name.
	e.create(e.as("BeijingMSP", "operator", ""), record.DocInstitution, &record.Institution{ID: "BJ-SIGNED", Name: "北京签名实验室", Region: "BJ",
		MSPID: "BeijingMSP", Kind: "accredited_lab", RequireSignedDCC: true})
	rec := e.recorderOf("BeijingMSP", "BJ-SIGNED")
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	root := signaturetest.NewRoot(t, "Test Root", from, from.AddDate(10, 0, 0))
	lab := root.NewSigner(t, "BJ-SIGNED DCC", from, from.AddDate(5, 0, 0))
	lost := root.NewSigner(t, "BJ-SIGNED lost key", from, from.AddDate(5, 0, 0))
	stranger := root.NewSigner(t, "stranger", from, from.AddDate(5, 0, 0))
	for id, s := range map[string]*signaturetest.Entity{"BJS-1": lab, "BJS-LOST": lost} {
		e.post("/api/v1/signing-certificates", e.operator("BeijingMSP"), map[string]any{"id": id, "institution_id": "BJ-SIGNED",
			"certificate": signaturetest.PEM(s.Cert), "chain": s.ChainPEM()}).expect(t, 201)
	}
	e.post("/api/v1/signing-certificates/BJS-LOST/revoke", e.inspector(), map[string]any{"revoked_on": "2025-01-01", "reason": "x"}).expectError(t, 403, "forbidden", "")
	e.post("/api/v1/signing-certificates/BJS-LOST/revoke", rec, map[string]any{"revoked_on": "2025-1-1", "reason": "x"}).expectError(t, 400, "invalid", "revoked_on")
	rv := e.post("/api/v1/signing-certificates/BJS-LOST/revoke", rec, map[string]any{"revoked_on": "2025-01-01", "reason": "key lost"}).expect(t, 200)
	if rv["status"] != "revoked" || rv["revoked_on"] != "2025-01-01" {
		t.Fatalf("revoked %v", rv)
	}
	if h := e.get("/api/v1/signing-certificates/BJS-LOST/history", e.inspector()); h.status != 200 || strings.Count(string(h.body), `"tx_id"`) != 2 {
		t.Errorf("history %d %s", h.status, h.body)
	}
	if l := e.get("/api/v1/signing-certificates?institution=BJ-SIGNED", e.inspector()).expect(t, 200); len(l["records"].([]any)) != 2 {
		t.Errorf("list %v", l)
	}

	temp := dccFile(t, dccTemperature)
	at := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	const q = "?issuer_id=BJ-SIGNED"
	refused := []struct {
		name, reason string
		data         []byte
	}{
		{"an unsigned DCC", "institution BJ-SIGNED requires its DCCs to be signed with a signing certificate it registered: the DCC carries no XML signature", temp},
		{"a DCC signed by an unregistered key", "is not one of the 2 signing certificates BJ-SIGNED registered", stranger.Sign(t, temp, at)},
		{"a DCC signed by a key revoked before the signing time", "the signer chains to signing certificate BJS-LOST of BJ-SIGNED, which BJ-SIGNED revoked on 2025-01-01 (key lost), before the signing time 2025-06-01T08:00:00Z", lost.Sign(t, temp, at)},
	}
	for _, tc := range refused {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			before, blobs := e.height(), e.blobCount()
			e.importXML(rec, tc.data, q).expectError(t, 400, "invalid", tc.reason)
			if e.height() != before || e.blobCount() != blobs {
				t.Fatal("a refused import wrote")
			}
		})
	}
	t.Run("a DCC signed by a registered key imports, registered", func(t *testing.T) {
		im := e.importXML(rec, lab.Sign(t, temp, at), q).signed(t, 201)
		if s := im.Signature; !s.Valid || !s.ChainValid || !s.Registered || s.SignedAt != "2025-06-01T08:00:00Z" || s.Reason != "" || s.SignerSubject != lab.Cert.Subject.String() {
			t.Errorf("signature %+v", s)
		}
		if im.Certificate.IssuerID != "BJ-SIGNED" {
			t.Errorf("certificate %+v", im.Certificate)
		}
	})
	t.Run("an institution that does not require signatures imports a stranger's signature, not registered", func(t *testing.T) {
		signed := stranger.Sign(t, edit(t, temp, "BJIM/2024/T/0458", "BJIM/2024/T/0459"), at)
		im := e.importXML(e.bjRec(), signed, "").signed(t, 201)
		if s := im.Signature; !s.Valid || s.Registered || s.ChainValid || !strings.Contains(s.Reason, "institution BJIM has registered no signing certificate on the ledger") {
			t.Errorf("signature %+v", s)
		}
	})
}

func TestADCCNamingAnAnchoredPreviousReportSupersedesIt(t *testing.T) {
	e := newDCCEnv(t)
	const named = "9f2c4b7e1a0d3c5b8e6f4a2d1c0b9a8e7f6d5c4b3a2918e7d6c5b4a3f2e1d0c9"
	pressure := dccFile(t, dccPressure)
	// The report replaced: the same calibration under the old number.
	old := edit(t, pressure, "<dcc:uniqueIdentifier>HBIM-2024-P-0042-R1</dcc:uniqueIdentifier>", "<dcc:uniqueIdentifier>HBIM-2024-P-0042</dcc:uniqueIdentifier>")
	im := e.importXML(e.hbRec(), old, "?valid_until=2025-06-30").imported(t)
	if !hasProblem(im.Problems, "previousReport", "whose SHA-256 "+named+" no certificate on the ledger anchors; not linked") {
		t.Errorf("problems %v", im.Problems)
	}
	// Its replacement names it by the SHA-256 of its canonical form (re-indented: the same).
	c14n := im.Certificate.DCCC14NSHA256
	if c14n == "" {
		t.Fatal("no canonical digest anchored")
	}
	repl := e.importXML(e.hbRec(), edit(t, pressure, named, strings.ToUpper(c14n)), "?valid_until=2025-06-30").imported(t)
	if repl.Certificate.Supersedes != "HBIM-2024-P-0042" || repl.Certificate.PreviousDCCSHA256 != c14n {
		t.Fatalf("replacement %+v", repl.Certificate)
	}
	var prev record.Certificate
	if err := json.Unmarshal(e.get("/api/v1/certificates/HBIM-2024-P-0042", e.inspector()).body, &prev); err != nil {
		t.Fatal(err)
	}
	if prev.Status != record.CertSuperseded || prev.SupersededBy != "HBIM-2024-P-0042-R1" {
		t.Errorf("previous certificate %+v", prev)
	}
	// Verifying the old file now says it was superseded.
	if v := e.verified(old); v.Status != "superseded" || !strings.Contains(v.StatusReason, "superseded by HBIM-2024-P-0042-R1") {
		t.Errorf("verify old: %s %s", v.Status, v.StatusReason)
	}
}

func TestSchemaInvalidDCCIsRefusedNamingTheElement(t *testing.T) {
	e := newDCCEnv(t)
	e.seedPTB()
	before, blobs := e.height(), e.blobCount()
	bad := edit(t, dccFile(t, dccPTBTypical), "<dcc:countryCodeISO3166_1>DE</dcc:countryCodeISO3166_1>", "")
	e.importXML(e.bjRec(), bad, "?issuer_id=BJIM").expectError(t, 400, "invalid", "the DCC is not valid against the DCC schema 3.1.1: line ")
	r := e.importXML(e.bjRec(), bad, "?issuer_id=BJIM")
	if !strings.Contains(string(r.body), "countryCodeISO3166_1") {
		t.Errorf("the error does not name the missing element: %s", r.body)
	}
	if e.height() != before || e.blobCount() != blobs {
		t.Fatal("a schema-invalid import wrote")
	}
	// Verify answers the schema errors rather than refusing.
	vr := e.verifyRaw(bad, "application/xml")
	vr.expect(t, 200)
	if !strings.Contains(string(vr.body), `"schema":{"version":"3.1.1","validated":true`) || !strings.Contains(string(vr.body), "expected one of: dcc:countryCodeISO3166_1") {
		t.Errorf("verify: %s", vr.body)
	}
}
