package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/blob"
	"github.com/metrotrace/metrotrace/gateway/dcc"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// verifyRaw posts a file to the public verify route, without a token.
func (e *dccEnv) verifyRaw(data []byte, contentType string) *response {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/api/v1/verify", body: data, header: map[string]string{"Content-Type": contentType}})
}

// verified decodes a verification answer.
func (e *dccEnv) verified(data []byte) httpapi.Verification {
	e.t.Helper()
	r := e.verifyRaw(data, "application/xml")
	r.expect(e.t, 200)
	var v httpapi.Verification
	if err := json.Unmarshal(r.body, &v); err != nil {
		e.t.Fatal(err)
	}
	return v
}

func TestVerify(t *testing.T) {
	e := newDCCEnv(t)
	mass, temperature := dccFile(t, dccMass), dccFile(t, dccTemperature)
	imported := e.importXML(e.tjRec(), mass, "")
	imported.expect(t, 201)
	importTx := imported.header.Get("X-Transaction-ID")
	e.importXML(e.bjRec(), temperature, "").expect(t, 201)

	t.Run("the original is anchored and valid, with the transaction that anchored it", func(t *testing.T) {
		v := e.verified(mass)
		if !v.Anchored || v.Altered || v.Status != httpapi.VerifyValid || v.StatusReason != "" || v.SHA256 != blob.Hash(mass) {
			t.Fatalf("verification %+v", v)
		}
		if v.Certificate == nil || v.Certificate.ID != "TJIM-2024-M-0117" || v.Certificate.DCCSHA256 != v.SHA256 {
			t.Fatalf("certificate %+v", v.Certificate)
		}
		if v.Issuer == nil || *v.Issuer != (httpapi.VerifiedIssuer{ID: "TJIM", Name: tjim.Name, Region: "TJ"}) {
			t.Errorf("issuer %+v", v.Issuer)
		}
		if v.TxID == "" || v.TxID != importTx {
			t.Errorf("tx_id %q, want the import's %q", v.TxID, importTx)
		}
		if _, err := time.Parse(time.RFC3339Nano, v.AnchoredAt); err != nil {
			t.Errorf("anchored_at %q: %v", v.AnchoredAt, err)
		}
		if v.CheckedOn != "2024-06-01" {
			t.Errorf("checked_on %s", v.CheckedOn)
		}
		if v.TraceableToday == nil || !*v.TraceableToday || len(v.TraceProblems) != 0 {
			t.Errorf("traceable_today %v, problems %v", v.TraceableToday, v.TraceProblems)
		}
		if !strings.Contains(v.Message, "TJIM-2024-M-0117") || !strings.Contains(v.Message, "valid until 2025-03-05") {
			t.Errorf("message %q", v.Message)
		}
	})
	t.Run("the answer has every documented field, null where absent", func(t *testing.T) {
		m := e.verifyRaw([]byte("hello"), "text/plain").expect(t, 200)
		for _, f := range []string{"sha256", "anchored", "altered", "certificate", "issuer", "status", "status_reason", "checked_on",
			"traceable_today", "trace_problems", "tx_id", "anchored_at", "message"} {
			if _, ok := m[f]; !ok {
				t.Errorf("no field %s in %v", f, m)
			}
		}
		if m["certificate"] != nil || m["issuer"] != nil || m["traceable_today"] != nil || m["status"] != "not_anchored" {
			t.Errorf("%v", m)
		}
	})
	t.Run("a subject that is not traceable says why", func(t *testing.T) {
		// BJIM's SPRT has no certificate of its own and is not primary.
		v := e.verified(temperature)
		if !v.Anchored || v.TraceableToday == nil || *v.TraceableToday || len(v.TraceProblems) == 0 {
			t.Errorf("traceable_today %v, problems %v", v.TraceableToday, v.TraceProblems)
		}
	})
	t.Run("a changed comment or indentation: anchored through the canonical form", func(t *testing.T) {
		for _, changed := range [][]byte{edit(t, mass, "Not a real", "Not a reaL"), []byte(strings.ReplaceAll(string(mass), "\t\t\t\t", "    "))} {
			v := e.verified(changed)
			if !v.Anchored || v.Altered || v.Matched != httpapi.MatchC14N || v.Status != httpapi.VerifyValid || v.SHA256 != blob.Hash(changed) || v.SHA256 == blob.Hash(mass) {
				t.Fatalf("verification %+v", v)
			}
			if v.Certificate == nil || v.Certificate.ID != "TJIM-2024-M-0117" || v.Certificate.DCCSHA256 != blob.Hash(mass) || v.TxID == "" {
				t.Errorf("certificate %+v, tx %q", v.Certificate, v.TxID)
			}
			if !strings.Contains(v.Message, "they differ in formatting only") {
				t.Errorf("message %q", v.Message)
			}
		}
	})
	t.Run("one byte changed in a value: not anchored, and altered since the DCC names the certificate", func(t *testing.T) {
		changed := edit(t, mass, "<si:value>1.000012</si:value>", "<si:value>1.000013</si:value>")
		v := e.verified(changed)
		if v.Anchored || !v.Altered || v.Status != httpapi.VerifyAltered || v.SHA256 != blob.Hash(changed) {
			t.Fatalf("verification %+v", v)
		}
		if v.Certificate == nil || v.Certificate.ID != "TJIM-2024-M-0117" || v.Issuer == nil || v.Issuer.ID != "TJIM" {
			t.Errorf("certificate %+v issuer %+v", v.Certificate, v.Issuer)
		}
		if v.TxID != "" || v.AnchoredAt != "" || v.TraceableToday != nil {
			t.Errorf("an altered file has no anchoring transaction nor trace: %+v", v)
		}
		if !strings.Contains(v.Message, "exists on the ledger, but these bytes differ") || !strings.Contains(v.StatusReason, blob.Hash(mass)) {
			t.Errorf("message %q reason %q", v.Message, v.StatusReason)
		}
	})
	t.Run("one byte changed in a result value: altered too", func(t *testing.T) {
		v := e.verified(edit(t, mass, "<si:value>1.000012</si:value>", "<si:value>1.000013</si:value>"))
		if v.Anchored || !v.Altered || v.Status != httpapi.VerifyAltered {
			t.Errorf("verification %+v", v)
		}
	})
	t.Run("one byte changed in the identifier: not anchored and naming no certificate", func(t *testing.T) {
		v := e.verified(edit(t, mass, "TJIM-2024-M-0117", "TJIM-2024-M-0118"))
		if v.Anchored || v.Altered || v.Status != httpapi.VerifyNotAnchored || v.Certificate != nil || v.Issuer != nil {
			t.Fatalf("verification %+v", v)
		}
		if !strings.Contains(v.Message, "TJIM-2024-M-0118, which is not on the ledger") {
			t.Errorf("message %q", v.Message)
		}
	})
	t.Run("a file that is not a DCC is not anchored", func(t *testing.T) {
		r := e.verifyRaw([]byte("%PDF-1.7 a scanned paper certificate"), "application/pdf")
		var v httpapi.Verification
		if err := json.Unmarshal(r.body, &v); err != nil || r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if v.Anchored || v.Altered || v.Status != httpapi.VerifyNotAnchored || !strings.Contains(v.Message, "not a DCC") {
			t.Errorf("verification %+v", v)
		}
	})
	t.Run("a DCC naming a certificate that anchors no DCC is not anchored", func(t *testing.T) {
		plain := record.Certificate{ID: "TJIM-2024-M-0200", Kind: "calibration", IssuerID: "TJIM", SubjectID: "TJIM-W-1KG-07",
			ReferenceIDs: []string{"TJIM-STD-E1-1KG"}, Quantity: "mass", PerformedOn: "2024-01-10", ValidUntil: "2025-01-09",
			Method: "JJG 99-2022", Results: calibration("kg", 1.00001, 0.0000002)}
		e.create(e.as("TianjinMSP", "recorder", "TJIM"), record.DocCertificate, &plain)
		v := e.verified(edit(t, mass, "TJIM-2024-M-0117", "TJIM-2024-M-0200"))
		if v.Anchored || v.Altered || v.Status != httpapi.VerifyNotAnchored || !strings.Contains(v.Message, "anchors no DCC") {
			t.Errorf("verification %+v", v)
		}
	})
	t.Run("a form upload verifies the file in it", func(t *testing.T) {
		body, ct := multipartFile(t, "file", mass)
		r := e.verifyRaw(body, ct)
		if m := r.expect(t, 200); m["anchored"] != true || m["sha256"] != blob.Hash(mass) {
			t.Errorf("%v", m)
		}
	})
	t.Run("a token is not needed, and one that is bad is ignored", func(t *testing.T) {
		r := e.do(req{method: "POST", path: "/api/v1/verify", token: "not-a-token", body: mass, header: map[string]string{"Content-Type": "application/xml"}})
		if m := r.expect(t, 200); m["anchored"] != true {
			t.Errorf("%v", m)
		}
	})
	t.Run("expired once today is past valid_until", func(t *testing.T) {
		e.setToday("2025-03-06")
		defer e.setToday("2024-06-01")
		v := e.verified(mass)
		if !v.Anchored || v.Status != httpapi.VerifyExpired || !strings.Contains(v.StatusReason, "valid until 2025-03-05") || v.CheckedOn != "2025-03-06" {
			t.Errorf("verification %+v", v)
		}
		if v.TraceableToday == nil || *v.TraceableToday {
			t.Errorf("an expired certificate's subject is not traceable: %v", v.TraceableToday)
		}
	})
	t.Run("a revoked certificate's DCC is anchored and revoked, with the reason", func(t *testing.T) {
		const reason = "the reference weight was found damaged on 2024-05-20"
		e.post("/api/v1/certificates/TJIM-2024-M-0117/revoke", e.tjRec(), httpapi.Revocation{Reason: reason}).expect(t, 200)
		v := e.verified(mass)
		if !v.Anchored || v.Altered || v.Status != httpapi.VerifyRevoked || v.StatusReason != reason {
			t.Fatalf("verification %+v", v)
		}
		if v.Certificate == nil || v.Certificate.Status != "revoked" || !strings.Contains(v.Message, "revoked: "+reason) {
			t.Errorf("certificate %+v message %q", v.Certificate, v.Message)
		}
		// The anchoring transaction is still the import, not the revocation.
		if v.TxID != importTx {
			t.Errorf("tx_id %q, want %q", v.TxID, importTx)
		}
	})
	t.Run("a superseded certificate's DCC says by which certificate", func(t *testing.T) {
		repl := record.Certificate{ID: "BJIM-2024-T-0500", Kind: "calibration", IssuerID: "BJIM", SubjectID: "HOSP-TH-0031",
			ReferenceIDs: []string{"BJIM-SPRT-01"}, Quantity: "temperature", PerformedOn: "2024-06-20", ValidUntil: "2025-06-19",
			Method: "JJG 229-2010", Results: calibration("°C", 0, 0.02)}
		e.create(e.as("BeijingMSP", "recorder", "BJIM"), record.DocCertificate, &repl)
		e.post("/api/v1/certificates/BJIM-2024-T-0458/supersede", e.bjRec(), httpapi.Supersession{ReplacementID: repl.ID, Reason: "recalibrated after repair"}).expect(t, 200)
		v := e.verified(temperature)
		if !v.Anchored || v.Status != httpapi.VerifySuperseded || v.StatusReason != "superseded by BJIM-2024-T-0500: recalibrated after repair" {
			t.Errorf("verification %+v", v)
		}
	})
}

func TestVerifyBadInput(t *testing.T) {
	e := newDCCEnv(t)
	before := e.height()
	e.verifyRaw(nil, "application/xml").expectError(t, 400, "invalid", "empty")
	huge := make([]byte, dcc.MaxSize+1)
	e.verifyRaw(huge, "application/octet-stream").expectError(t, 413, "payload_too_large", "larger than")
	// Far over the limit: refused from Content-Length, before reading.
	e.verifyRaw(make([]byte, dcc.MaxSize+1<<20), "application/octet-stream").expectError(t, 413, "payload_too_large", "larger than")
	noFile, ct := multipartFile(t, "upload", []byte("x"))
	e.verifyRaw(noFile, ct).expectError(t, 400, "invalid", `no field "file"`)
	e.verifyRaw([]byte("--x\r\nbroken"), "multipart/form-data").expectError(t, 400, "invalid", "multipart")
	// The largest file accepted is verified.
	e.verifyRaw(huge[:dcc.MaxSize], "application/octet-stream").expect(t, 200)
	if h := e.height(); h != before {
		t.Errorf("verify wrote: height %d → %d", before, h)
	}
	if n := e.blobCount(); n != 0 {
		t.Errorf("verify stored %d files", n)
	}
}

func TestVerifyWithoutIndexReadsTheLedger(t *testing.T) {
	e := newDCCEnv(t)
	mass := dccFile(t, dccMass)
	e.importXML(e.tjRec(), mass, "").expect(t, 201)
	// A second server over the same ledger and store, without an index.
	e2 := newEnv(t, func(c *httpapi.Config) {
		c.Client, c.Index, c.Blobs, c.Identities = e.client, nil, e.blobs, e.wallet
		id, err := e.wallet.Identity("HebeiMSP", "inspector", "HBIM")
		if err != nil {
			t.Fatal(err)
		}
		c.VerifyIdentity = id
	})
	r := e2.do(req{method: "POST", path: "/api/v1/verify", body: mass, header: map[string]string{"Content-Type": "application/xml"}})
	m := r.expect(t, 200)
	if m["anchored"] != true || m["status"] != "valid" || m["tx_id"] == "" || m["traceable_today"] != true {
		t.Errorf("%v", m)
	}
	if iss, _ := m["issuer"].(map[string]any); iss == nil || iss["name"] != tjim.Name {
		t.Errorf("issuer %v", m["issuer"])
	}
	r = e2.do(req{method: "POST", path: "/api/v1/verify", body: edit(t, mass, "<si:value>1.000012</si:value>", "<si:value>1.000013</si:value>"), header: map[string]string{"Content-Type": "application/xml"}})
	if m := r.expect(t, 200); m["altered"] != true {
		t.Errorf("%v", m)
	}
	got := e2.get("/api/v1/certificates/TJIM-2024-M-0117/dcc", e2.recorderOf("TianjinMSP", "TJIM"))
	if got.status != 200 || string(got.body) != string(mass) {
		t.Errorf("GET dcc without index: %d", got.status)
	}
}
