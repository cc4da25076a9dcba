package httpapi_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/rules"
)

func TestImpactInPages(t *testing.T) {
	e := newEnv(t)
	e.seed()
	insp := e.inspector()
	page := func(t *testing.T, token string) rules.ImpactPage {
		t.Helper()
		r := e.get("/api/v1/impact/NIM-MASS-P?since=2024-01-01&page_size=1&page_token="+url.QueryEscape(token), insp)
		r.expect(t, 200)
		var p rules.ImpactPage
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p1 := page(t, "")
	want1 := rules.ImpactItem{CertificateID: "NIM-2024-0001", ReferenceID: "NIM-MASS-P", PerformedOn: "2024-01-10", IssuerID: "NIM",
		SubjectID: "BJ-STD-MASS", SubjectDocType: "standard", SubjectInstitutionID: "BJIM"}
	if len(p1.Certificates) != 1 || p1.Certificates[0] != want1 || p1.TotalCertificates != 2 || p1.NextPageToken == "" ||
		len(p1.Standards) != 1 || p1.Standards[0] != "BJ-STD-MASS" || p1.StandardID != "NIM-MASS-P" || p1.Since != "2024-01-01" {
		t.Fatalf("page 1 = %+v", p1)
	}
	p2 := page(t, p1.NextPageToken)
	want2 := rules.ImpactItem{CertificateID: "BJIM-2024-0042", ReferenceID: "BJ-STD-MASS", PerformedOn: "2024-05-10", IssuerID: "BJIM",
		SubjectID: "BJ-BAL-001", SubjectDocType: "instrument", SubjectInstitutionID: "BJIM"}
	if len(p2.Certificates) != 1 || p2.Certificates[0] != want2 || p2.TotalCertificates != 2 || p2.NextPageToken != "" {
		t.Fatalf("page 2 = %+v", p2)
	}
	// Without page_size the whole answer, as before.
	whole := e.get("/api/v1/impact/NIM-MASS-P?since=2024-01-01", insp).expect(t, 200)
	if certs, _ := whole["certificates"].([]any); len(certs) != 2 || whole["total_certificates"] != nil {
		t.Fatalf("whole answer %v", whole)
	}
	for _, bad := range []struct {
		query  string
		status int
		code   string
		msg    string
	}{
		{"since=2024-01-01&page_size=0", 400, "invalid", ""},
		{"since=2024-01-01&page_size=1001", 400, "invalid", ""},
		{"since=2024-01-01&page_size=x", 400, "invalid", ""},
		{"since=2024-01-01&page_size=2&paths=true", 400, "invalid", "paths and page_size exclude each other"},
		{"since=2024-01-01&page_size=2&page_token=bogus", 400, "invalid", "page_token"},
		{"since=2024-01-01&page_token=" + url.QueryEscape(p1.NextPageToken), 400, "invalid", "page_size"},
		{"since=2024-01-01&page_size=2&source=ledger&page_token=" + url.QueryEscape(p1.NextPageToken), 400, "invalid", "page_token"},
	} {
		e.get("/api/v1/impact/NIM-MASS-P?"+bad.query, insp).expectError(t, bad.status, bad.code, bad.msg)
	}
	e.get("/api/v1/impact/NO-STD?since=2024-01-01&page_size=2", insp).expectError(t, 404, "not_found", "NO-STD")
	e.get("/api/v1/impact/NO-STD?since=2024-01-01&page_size=2&source=ledger", insp).expectError(t, 404, "not_found", "NO-STD")
}

// TestImpactInPagesFromTheLedger pages the same impact from the chaincode:
// the walk's pages, each counting what it and the earlier pages hold.
func TestImpactInPagesFromTheLedger(t *testing.T) {
	e := newEnv(t)
	e.seed()
	insp := e.inspector()
	var items []rules.ImpactItem
	token := ""
	for n := 1; ; n++ {
		r := e.get("/api/v1/impact/NIM-MASS-P?since=2024-01-01&page_size=1&source=ledger&page_token="+url.QueryEscape(token), insp)
		r.expect(t, 200)
		var p rules.ImpactPage
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Certificates) != 1 || p.TotalCertificates != n || p.StandardID != "NIM-MASS-P" {
			t.Fatalf("ledger page %d = %+v", n, p)
		}
		items = append(items, p.Certificates...)
		if token = p.NextPageToken; token == "" {
			break
		}
		if n > 5 {
			t.Fatal("the ledger's pages do not end")
		}
	}
	want := []rules.ImpactItem{
		{CertificateID: "NIM-2024-0001", ReferenceID: "NIM-MASS-P", PerformedOn: "2024-01-10", IssuerID: "NIM",
			SubjectID: "BJ-STD-MASS", SubjectDocType: "standard", SubjectInstitutionID: "BJIM"},
		{CertificateID: "BJIM-2024-0042", ReferenceID: "BJ-STD-MASS", PerformedOn: "2024-05-10", IssuerID: "BJIM",
			SubjectID: "BJ-BAL-001", SubjectDocType: "instrument", SubjectInstitutionID: "BJIM"},
	}
	if len(items) != len(want) || items[0] != want[0] || items[1] != want[1] {
		t.Fatalf("ledger pages list %+v, want %+v", items, want)
	}
}
