package httpapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestImpactReportPrints: format=html answers the impact as an A4 page
// with the counts, the picture and every record of the CSV; a format the
// API does not know is a 400 JSON error.
func TestImpactReportPrints(t *testing.T) {
	e := newEnv(t)
	e.seed()
	insp := e.inspector()
	r := e.get("/api/v1/reports/impact/BJ-STD-MASS?since=2024-01-01&format=html", insp)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, %s: %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	page := string(r.body)
	for _, want := range []string{
		`data-standard="BJ-STD-MASS" data-since="2024-01-01" data-rows="3"`,
		"@page { size: A4",
		`<div data-group="certificates"><b>1</b>`, `<div data-group="instruments"><b>1</b>`,
		`<div data-group="institutions"><b>1</b>`, `<div data-group="standards"><b>0</b>`,
		`<tr data-id="BJIM-2024-0042"><td>1</td><td>证书 certificate</td><td class="mono">BJIM-2024-0042</td><td class="mono">BJIM</td><td>有效 valid</td><td class="mono">BJ-STD-MASS → BJIM-2024-0042</td></tr>`,
		`<tr data-id="BJ-BAL-001"><td>2</td><td>计量器具 instrument</td>`,
		"<svg",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("impact report lacks %s", want)
		}
	}
	e.get("/api/v1/reports/impact/BJ-STD-MASS?since=2024-01-01&format=pdf", insp).expectError(t, 400, "invalid", "format")
	e.get("/api/v1/reports/impact/NO-SUCH?since=2024-01-01&format=html", insp).expectError(t, 404, "not_found", "NO-SUCH")
}

// TestSearchSaysWhenThereAreMore: a limit smaller than the matches gives
// exactly limit hits and more=true; a large enough one gives more=false.
func TestSearchSaysWhenThereAreMore(t *testing.T) {
	e := newEnv(t)
	e.seed()
	insp := e.inspector()
	all := e.get("/api/v1/search?q=BJ&limit=100", insp).expect(t, 200)
	n := len(all["hits"].([]any))
	if n < 3 || all["more"] != false {
		t.Fatalf("search BJ: %d hits, more=%v", n, all["more"])
	}
	some := e.get("/api/v1/search?q=BJ&limit=2", insp).expect(t, 200)
	if len(some["hits"].([]any)) != 2 || some["more"] != true {
		t.Fatalf("search BJ limit 2: %v", some)
	}
	exact := e.get("/api/v1/search?q=BJ&limit="+strconv.Itoa(n), insp).expect(t, 200)
	if len(exact["hits"].([]any)) != n || exact["more"] != false {
		t.Fatalf("search BJ limit %d: more=%v", n, exact["more"])
	}
}

// TestTraceReportShowsTheVerifyQRCodeOfADCC: a link whose certificate
// anchors a DCC prints a QR code of the public verify address, which
// names the certificate and its digest; a link without a DCC prints none.
func TestTraceReportShowsTheVerifyQRCodeOfADCC(t *testing.T) {
	e := newDCCEnv(t)
	got := e.importXML(e.tjRec(), dccFile(t, dccMass), "").imported(t)
	r := e.get("/api/v1/reports/trace/TJIM-W-1KG-07?at=2024-06-01", e.inspector())
	if r.status != http.StatusOK {
		t.Fatalf("report: %d %s", r.status, r.body)
	}
	page := string(r.body)
	verify := "/#/verify?certificate=TJIM-2024-M-0117&amp;sha256=" + got.DCCSHA256
	for _, want := range []string{
		`<div class="link" data-certificate="TJIM-2024-M-0117">`,
		`<span class="qr-box" data-verify="http://`,
		verify,
		`<svg xmlns="http://www.w3.org/2000/svg" class="qr" width="22mm" height="22mm" viewBox="0 0 `,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %s", want)
		}
	}
	if n := strings.Count(page, `class="qr"`); n != 1 {
		t.Errorf("%d QR codes, want the one of the DCC's certificate", n)
	}
}
