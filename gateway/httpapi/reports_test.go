package httpapi_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
)

func TestReports(t *testing.T) {
	e := newEnv(t)
	e.seed()
	insp := e.inspector()

	t.Run("the trace report prints every link with its certificate, issuer, dates, checks and transaction", func(t *testing.T) {
		r := e.get("/api/v1/reports/trace/BJ-BAL-001?at=2025-06-01", insp)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Fatalf("status %d, %s: %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		page := string(r.body)
		for _, want := range []string{
			`data-subject="BJ-BAL-001" data-traceable="false" data-links="2"`,
			"@page { size: A4",
			"✗ 不可溯源 <em>Not traceable</em>",
			`<div class="link" data-certificate="BJIM-2024-0042">`,
			`<div class="link" data-certificate="NIM-2024-0001">`,
			"BJIM · 北京市计量检测科学研究院",
			"<td>2024-05-10</td>", "<td>2025-05-09</td>",
			`<li class="fail" data-check="certificate_valid">✗ 证书有效 <em>certificate_valid</em>: `,
			`<svg class="chain-graph" data-nodes="3" data-edges="2"`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("report lacks %s", want)
			}
		}
		// Each certificate names the transaction that wrote it.
		if n := strings.Count(page, `上链交易 <em>Transaction</em></td><td class="mono">—`); n != 0 {
			t.Errorf("%d links without their transaction", n)
		}
	})

	t.Run("the impact CSV lists every affected record with owner and status", func(t *testing.T) {
		r := e.get("/api/v1/reports/impact/BJ-STD-MASS?since=2024-01-01", insp)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("status %d, %s: %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"kind", "id", "owner_institution", "status", "path"},
			{"certificate", "BJIM-2024-0042", "BJIM", "valid", "BJ-STD-MASS > BJIM-2024-0042"},
			{"instrument", "BJ-BAL-001", "BJIM", "", "BJ-STD-MASS > BJIM-2024-0042 > BJ-BAL-001"},
			{"institution", "BJIM", "BJIM", "", "BJ-STD-MASS > BJIM-2024-0042"},
		}
		if len(rows) != len(want) {
			t.Fatalf("rows %q, want %q", rows, want)
		}
		for i := range want {
			if strings.Join(rows[i], ",") != strings.Join(want[i], ",") {
				t.Errorf("row %d: %q, want %q", i, rows[i], want[i])
			}
		}
		if got := r.header.Get("Content-Disposition"); got != `attachment; filename="impact-BJ-STD-MASS-2024-01-01.csv"` {
			t.Errorf("Content-Disposition %q", got)
		}
	})

	t.Run("bad questions are JSON errors", func(t *testing.T) {
		e.get("/api/v1/reports/trace/NO-SUCH", insp).expectError(t, 404, "not_found", "NO-SUCH")
		e.get("/api/v1/reports/trace/BJ-BAL-001?at=yesterday", insp).expectError(t, 400, "invalid", "at")
		e.get("/api/v1/reports/impact/BJ-STD-MASS", insp).expectError(t, 400, "invalid", "since")
		e.get("/api/v1/reports/trace/BJ-BAL-001", "").expectError(t, 401, "unauthorized", "")
	})
}
