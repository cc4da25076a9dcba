package httpapi_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// edgesOf returns the data-state of every certificate edge of a picture,
// keyed by certificate and reference.
func edgesOf(t *testing.T, svg string) map[string]string {
	t.Helper()
	re := regexp.MustCompile(`<g id="e\d+" class="edge" data-certificate="([^"]*)" data-from="([^"]*)" data-to="([^"]*)" data-state="([^"]*)"`)
	out := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(svg, -1) {
		out[m[1]+" "+m[2]+"→"+m[3]] = m[4]
	}
	return out
}

func TestTraceAndImpactPictures(t *testing.T) {
	e := newEnv(t)
	e.seed()
	insp := e.inspector()

	t.Run("a traceable chain is three records and two green certificates", func(t *testing.T) {
		r := e.get("/api/v1/trace/BJ-BAL-001/graph.svg?at=2024-06-01", insp)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("status %d, %s: %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		svg := string(r.body)
		if !strings.HasPrefix(svg, `<svg class="chain-graph" data-nodes="3" data-edges="2" `) {
			t.Errorf("picture starts %.120q", svg)
		}
		want := map[string]string{
			"BJIM-2024-0042 BJ-BAL-001→BJ-STD-MASS": "pass",
			"NIM-2024-0001 BJ-STD-MASS→NIM-MASS-P":  "pass",
		}
		if got := edgesOf(t, svg); len(got) != 2 || got["BJIM-2024-0042 BJ-BAL-001→BJ-STD-MASS"] != "pass" || got["NIM-2024-0001 BJ-STD-MASS→NIM-MASS-P"] != "pass" {
			t.Errorf("edges %v, want %v", got, want)
		}
		for _, part := range []string{`data-id="NIM-MASS-P" data-kind="primary"`, `data-id="BJ-BAL-001" data-kind="instrument"`,
			`data-id="BJ-STD-MASS" data-kind="standard"`, "计量基准", "证书有效"} {
			if !strings.Contains(svg, part) {
				t.Errorf("picture lacks %q", part)
			}
		}
	})

	t.Run("an expired certificate is a red edge naming its failing check", func(t *testing.T) {
		r := e.get("/api/v1/trace/BJ-BAL-001/graph.svg?at=2025-06-01&lang=en&view=compact", insp)
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		svg := string(r.body)
		got := edgesOf(t, svg)
		if got["BJIM-2024-0042 BJ-BAL-001→BJ-STD-MASS"] != "fail" || got["NIM-2024-0001 BJ-STD-MASS→NIM-MASS-P"] != "pass" {
			t.Errorf("edges %v", got)
		}
		if !strings.Contains(svg, `stroke="#c62828"`) || !strings.Contains(svg, "certificate_valid:fail") {
			t.Error("the failing edge is not drawn red with its failing check")
		}
		if !strings.Contains(svg, "primary standard") || strings.Contains(svg, "计量基准") {
			t.Error("lang=en still draws Chinese labels")
		}
		// Compact: passing checks folded into one line.
		if !strings.Contains(svg, "checks pass") || strings.Contains(svg, ">✓ issuer_capable<") {
			t.Error("view=compact lists passing checks one by one")
		}
	})

	t.Run("an impact draws the faulty standard above what it affected", func(t *testing.T) {
		r := e.get("/api/v1/impact/BJ-STD-MASS/graph.svg?since=2024-01-01", insp)
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		svg := string(r.body)
		if got := edgesOf(t, svg); len(got) != 1 || got["BJIM-2024-0042 BJ-STD-MASS→BJ-BAL-001"] != "affected" {
			t.Errorf("edges %v", got)
		}
		if !strings.Contains(svg, `data-nodes="2"`) {
			t.Errorf("picture starts %.120q", svg)
		}
	})

	t.Run("bad questions are JSON errors", func(t *testing.T) {
		e.get("/api/v1/trace/BJ-BAL-001/graph.svg?lang=fr", insp).expectError(t, 400, "invalid", "lang")
		e.get("/api/v1/trace/BJ-BAL-001/graph.svg?view=tiny", insp).expectError(t, 400, "invalid", "view")
		e.get("/api/v1/trace/BJ-BAL-001/graph.svg?at=2024-13-01", insp).expectError(t, 400, "invalid", "at")
		e.get("/api/v1/trace/NO-SUCH/graph.svg", insp).expectError(t, 404, "not_found", "NO-SUCH")
		e.get("/api/v1/impact/BJ-STD-MASS/graph.svg", insp).expectError(t, 400, "invalid", "since")
		e.get("/api/v1/impact/NO-SUCH/graph.svg?since=2024-01-01", insp).expectError(t, 404, "not_found", "NO-SUCH")
		e.get("/api/v1/trace/BJ-BAL-001/graph.svg", "").expectError(t, 401, "unauthorized", "")
	})
}
