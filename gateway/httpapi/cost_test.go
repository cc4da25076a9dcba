package httpapi_test

import (
	"bufio"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// cost sends r and measures the wall time and the bytes the whole test
// process allocated meanwhile (the server runs in it).
func (e *env) cost(r req) (*response, time.Duration, uint64) {
	e.t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	res := e.do(r)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return res, elapsed, after.TotalAlloc - before.TotalAlloc
}

// TestARequestWithinTheBodyLimitCostsLittle sends the bodies that cost the
// validator seconds and a gigabyte (issue 15: it rendered the offending
// value into its message, quadratic in depth) and checks each is refused
// with a short 400 at a small cost, writing nothing.
func TestARequestWithinTheBodyLimitCostsLittle(t *testing.T) {
	e := newEnv(t)
	e.seed()
	rec := e.recorderOf("BeijingMSP", "BJIM")
	const (
		// Measured: 1–2 ms and 0.2 MB for the deep body, about 30 ms and
		// 9 MB for the 900 KB one (before: 27 s for the deep body). The
		// time limit leaves room for a loaded machine.
		maxTime  = 2 * time.Second
		maxBytes = 64 << 20
	)
	nested := func(depth int) string {
		return `{"id":"x","results":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`
	}
	wide := `{"id":"x","results":"` + strings.Repeat("x", 900<<10) + `"}`
	tests := []struct {
		name, body, message string
	}{
		{"a body nested 9990 deep is refused before validation", nested(9990), "the request body nests arrays and objects deeper than 32 levels"},
		{"a body nested 33 deep is refused before validation", nested(32), "deeper than 32 levels"},
		{"a body nested 32 deep is validated, its error summarised", nested(31), "results"},
		{"a huge wrong value is not rendered into the message", wide, "results"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.height()
			r, elapsed, allocated := e.cost(req{method: "POST", path: "/api/v1/certificates", token: rec, body: tt.body})
			r.expectError(t, 400, "invalid", tt.message)
			msg := r.object(t)["error"].(map[string]any)["message"].(string)
			t.Logf("%d-byte body: %v, %.1f MB allocated, message %q", len(tt.body), elapsed, float64(allocated)/(1<<20), msg)
			if len(msg) > 310 || strings.Contains(msg, "xxxxxxxxxx") || strings.Contains(msg, "[[[[") {
				t.Errorf("message not summarised (%d bytes): %.200s", len(msg), msg)
			}
			if elapsed > maxTime {
				t.Errorf("took %v, want at most %v", elapsed, maxTime)
			}
			if allocated > maxBytes {
				t.Errorf("allocated %d bytes, want at most %d", allocated, maxBytes)
			}
			if after := e.height(); after != before {
				t.Errorf("ledger height moved from %d to %d", before, after)
			}
		})
	}
}

// metricsSeries returns the request series lines of /metrics.
func (e *env) metricsSeries() []string {
	e.t.Helper()
	r := e.get("/metrics", "")
	if r.status != 200 {
		e.t.Fatalf("/metrics: %d", r.status)
	}
	var series []string
	sc := bufio.NewScanner(strings.NewReader(string(r.body)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "metrotrace_http_requests_total{") {
			series = append(series, sc.Text())
		}
	}
	return series
}

// TestInventedMethodsDoNotGrowTheMetrics sends 50 requests with invented
// 16 KB methods and checks that /metrics keeps its series: an unknown
// method is counted as "other" on the "unmatched" route.
func TestInventedMethodsDoNotGrowTheMetrics(t *testing.T) {
	e := newEnv(t)
	invented := func(i int) *response {
		method := "ZZMETHOD" + strconv.Itoa(i) + strings.Repeat("Z", 16<<10)
		r := e.do(req{method: method, path: "/healthz"})
		r.expectError(t, 405, "method_not_allowed", "Method Not Allowed")
		if got := r.header.Get("Allow"); got != "OPTIONS, GET, HEAD" {
			t.Fatalf("Allow %q", got)
		}
		return r
	}
	start := e.height()
	e.metricsSeries() // the scrape's own series exists from now on
	invented(0)
	before := e.metricsSeries()
	for i := 1; i <= 50; i++ {
		invented(i)
	}
	after := e.metricsSeries()
	if len(after) != len(before) {
		t.Errorf("/metrics grew from %d to %d series:\n%s", len(before), len(after), strings.Join(after, "\n"))
	}
	want := `metrotrace_http_requests_total{method="other",route="unmatched",status="405"} 51`
	found := false
	for _, s := range after {
		found = found || s == want
		if strings.Contains(s, "ZZMETHOD") {
			t.Fatalf("an invented method became a label: %.200s", s)
		}
	}
	if !found {
		t.Errorf("no %s in\n%s", want, strings.Join(after, "\n"))
	}
	if end := e.height(); end != start {
		t.Errorf("ledger height moved from %d to %d", start, end)
	}
}

// TestWhatNoRouteTakesIsRateLimitedButProbesAreNot checks that unknown
// paths and invented methods draw on the caller's rate limit, and that
// the probes answer whatever the limit.
func TestWhatNoRouteTakesIsRateLimitedButProbesAreNot(t *testing.T) {
	e := newEnv(t, func(c *httpapi.Config) { c.RateLimit, c.RateBurst = rate.Limit(0.001), 2 })
	e.get("/nothing/here", "").expectError(t, 404, "not_found", "Not Found")
	e.do(req{method: "ZZMETHOD", path: "/healthz"}).expectError(t, 405, "method_not_allowed", "Method Not Allowed")
	e.do(req{method: "ZZMETHOD", path: "/healthz"}).expectError(t, 429, "rate_limited", "too many requests")
	e.get("/api/v1/nothing", "").expectError(t, 429, "rate_limited", "too many requests")
	for _, probe := range []string{"/healthz", "/readyz", "/metrics"} {
		if r := e.get(probe, ""); r.status == 429 {
			t.Errorf("%s: rate limited", probe)
		}
	}
}
