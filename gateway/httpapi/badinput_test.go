package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// TestBadInputGetsAClearErrorAndWritesNothing sends every kind of bad
// request to a seeded server and checks the status, the error code, the
// message and that the ledger height did not move.
func TestBadInputGetsAClearErrorAndWritesNothing(t *testing.T) {
	e := newEnv(t, func(c *httpapi.Config) { c.BodyLimit = 4 << 10 })
	e.seed()
	bjRec, tjRec := e.recorderOf("BeijingMSP", "BJIM"), e.recorderOf("TianjinMSP", "TJIM")
	insp := e.inspector()
	expired, err := (&auth.Issuer{Secret: e.tokens.Secret, Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }}).
		Issue(auth.Claims{Role: auth.RoleRecorder, MSP: "BeijingMSP", Institution: "BJIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := (&auth.Issuer{Secret: bytes.Repeat([]byte("x"), 32)}).
		Issue(auth.Claims{Role: auth.RoleRecorder, MSP: "BeijingMSP", Institution: "BJIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	newStd := *bjStd
	newStd.ID = "BJ-STD-NEW"
	std := mustJSON(t, &newStd)
	withField := strings.Replace(std, `{"id"`, `{"colour":"blue","id"`, 1)
	wrongType := strings.Replace(std, `"name":"E1等级砝码标准装置"`, `"name":42`, 1)
	badDate := *certBal
	badDate.ID, badDate.PerformedOn = "BJIM-2024-0099", "2024/05/10"
	huge := strings.Replace(std, `"name":"`, `"name":"`+strings.Repeat("x", 8<<10), 1)

	tests := []struct {
		name    string
		req     req
		status  int
		code    string
		message string
	}{
		{"malformed JSON", req{method: "POST", path: "/api/v1/standards", token: bjRec, body: `{"id": "X",`}, 400, "invalid", "request body"},
		{"a body that is not an object", req{method: "POST", path: "/api/v1/standards", token: bjRec, body: `[1,2]`}, 400, "invalid", "request body"},
		{"a field of the wrong type", req{method: "POST", path: "/api/v1/standards", token: bjRec, body: wrongType}, 400, "invalid", "name"},
		{"an unknown field, refused by the chaincode", req{method: "POST", path: "/api/v1/standards", token: bjRec, body: withField}, 400, "invalid", `unknown field "colour"`},
		{"an unknown field in a status change", req{method: "POST", path: "/api/v1/standards/BJ-STD-MASS/status", token: bjRec,
			body: `{"status":"sealed","since":"2024-05-20","reason":"x","by":"me"}`}, 400, "invalid", "by"},
		{"an oversized body", req{method: "POST", path: "/api/v1/standards", token: bjRec, body: huge}, 413, "payload_too_large", "larger than 4096 bytes"},
		{"an oversized body without a length", req{method: "POST", path: "/api/v1/standards", token: bjRec, body: struct{ io.Reader }{strings.NewReader(huge)}}, 413, "payload_too_large", "larger than 4096 bytes"},
		{"an empty body", req{method: "POST", path: "/api/v1/standards", token: bjRec, body: ""}, 400, "invalid", "empty"},
		{"a body that is not JSON", req{method: "POST", path: "/api/v1/standards", token: bjRec, body: std,
			header: map[string]string{"Content-Type": "text/plain"}}, 415, "unsupported_media_type", "text/plain"},
		{"a body without a content type", req{method: "POST", path: "/api/v1/standards", token: bjRec, body: std,
			header: map[string]string{"Content-Type": ""}}, 415, "unsupported_media_type", "none"},
		{"an impossible date in a status change", req{method: "POST", path: "/api/v1/standards/BJ-STD-MASS/status", token: bjRec,
			body: `{"status":"sealed","since":"2024-02-30","reason":"x"}`}, 400, "invalid", "since"},
		{"a badly written date in a record", req{method: "POST", path: "/api/v1/certificates", token: bjRec, body: &badDate}, 400, "invalid", "performed_on"},
		{"a badly written date in a trace", req{method: "GET", path: "/api/v1/trace/BJ-BAL-001?at=01-06-2024", token: insp}, 400, "invalid", "at"},
		{"an impossible date in a trace", req{method: "GET", path: "/api/v1/trace/BJ-BAL-001?at=2024-13-01", token: insp}, 400, "invalid", "at"},
		{"an impact without since", req{method: "GET", path: "/api/v1/impact/NIM-MASS-P", token: insp}, 400, "invalid", "since"},
		{"a recognition without by", req{method: "GET", path: "/api/v1/recognition?certificate=BJIM-2024-0042", token: insp}, 400, "invalid", "by"},
		{"an invalid id in the path", req{method: "GET", path: "/api/v1/standards/-bad", token: insp}, 400, "invalid", "id"},
		{"an unknown source", req{method: "GET", path: "/api/v1/standards/NIM-MASS-P?source=cache", token: insp}, 400, "invalid", "source"},
		{"a page size out of range", req{method: "GET", path: "/api/v1/standards?page_size=0", token: insp}, 400, "invalid", "page_size"},
		{"two filters at once", req{method: "GET", path: "/api/v1/certificates?subject=A&issuer=B", token: insp}, 400, "invalid", "not both"},
		{"a filter the kind lacks", req{method: "GET", path: "/api/v1/standards?party=BJIM", token: insp}, 400, "invalid", "cannot be filtered by party"},
		{"an empty search", req{method: "GET", path: "/api/v1/search?q=", token: insp}, 400, "invalid", "q"},
		{"results that are not an array", req{method: "POST", path: "/api/v1/comparisons/CMP/results", token: bjRec, body: `{"value":1}`}, 400, "invalid", "request body"},
		{"a bad owner header", req{method: "POST", path: "/api/v1/instruments", token: bjRec, body: balance,
			header: map[string]string{"X-Owner-Details": "{owner"}}, 400, "invalid", "X-Owner-Details"},

		{"no token", req{method: "POST", path: "/api/v1/standards", body: std}, 401, "unauthorized", "bearer token is required"},
		{"no token on a read", req{method: "GET", path: "/api/v1/standards/NIM-MASS-P"}, 401, "unauthorized", "bearer token is required"},
		{"another auth scheme", req{method: "GET", path: "/api/v1/standards/NIM-MASS-P", header: map[string]string{"Authorization": "Basic dTpw"}}, 401, "unauthorized", "Bearer"},
		{"an expired token", req{method: "POST", path: "/api/v1/standards", token: expired, body: std}, 401, "unauthorized", "expired"},
		{"a forged token", req{method: "POST", path: "/api/v1/standards", token: forged, body: std}, 401, "unauthorized", "signature"},
		{"a garbage token", req{method: "GET", path: "/api/v1/standards/NIM-MASS-P", token: "abc"}, 401, "unauthorized", "malformed"},
		{"an inspector writing", req{method: "POST", path: "/api/v1/standards", token: insp, body: std}, 403, "forbidden", "inspector"},
		{"an operator writing a standard", req{method: "POST", path: "/api/v1/standards", token: e.operator("BeijingMSP"), body: std}, 403, "forbidden", "operator"},
		{"an inspector approving", req{method: "POST", path: "/api/v1/agreements/AGR/approve", token: insp}, 403, "forbidden", "inspector"},
		{"a recorder registering an institution, refused by the chaincode", req{method: "POST", path: "/api/v1/institutions", token: bjRec,
			body: `{"id":"BJ-NEW","name":"n","region":"BJ","msp_id":"BeijingMSP","kind":"enterprise"}`}, 403, "forbidden", "only an operator"},
		{"an operator registering for another organization", req{method: "POST", path: "/api/v1/institutions", token: e.operator("TianjinMSP"),
			body: `{"id":"BJ-NEW","name":"n","region":"BJ","msp_id":"BeijingMSP","kind":"enterprise"}`}, 403, "forbidden", "may not register"},
		{"another institution's write", req{method: "POST", path: "/api/v1/standards", token: tjRec, body: std}, 403, "forbidden", "may not write for BJIM"},
		{"another institution's status change", req{method: "POST", path: "/api/v1/standards/BJ-STD-MASS/status", token: tjRec,
			body: `{"status":"sealed","since":"2024-05-20","reason":"x"}`}, 403, "forbidden", "BJIM"},
		{"another institution's revocation", req{method: "POST", path: "/api/v1/certificates/BJIM-2024-0042/revoke", token: tjRec,
			body: `{"reason":"x"}`}, 403, "forbidden", "BJIM"},

		{"an unknown record", req{method: "GET", path: "/api/v1/standards/NOPE", token: insp}, 404, "not_found", "NOPE"},
		{"an unknown record on the ledger", req{method: "GET", path: "/api/v1/certificates/NOPE?source=ledger", token: insp}, 404, "not_found", "NOPE"},
		{"the history of an unknown record", req{method: "GET", path: "/api/v1/instruments/NOPE/history", token: insp}, 404, "not_found", "NOPE"},
		{"revoking an unknown certificate", req{method: "POST", path: "/api/v1/certificates/NOPE/revoke", token: bjRec, body: `{"reason":"x"}`}, 404, "not_found", "NOPE"},
		{"tracing an unknown subject", req{method: "GET", path: "/api/v1/trace/NOPE", token: insp}, 404, "not_found", "NOPE"},
		{"an impact of an unknown standard", req{method: "GET", path: "/api/v1/impact/NOPE?since=2024-01-01", token: insp}, 404, "not_found", "NOPE"},
		{"a duplicate institution", req{method: "POST", path: "/api/v1/institutions", token: e.operator("BeijingMSP"), body: nim}, 409, "conflict", "NIM"},
		{"a duplicate certificate", req{method: "POST", path: "/api/v1/certificates", token: bjRec, body: certBal}, 409, "conflict", "BJIM-2024-0042"},

		{"an unknown route", req{method: "GET", path: "/api/v1/nothing", token: insp}, 404, "not_found", "Not Found"},
		{"a wrong method", req{method: "DELETE", path: "/api/v1/standards/NIM-MASS-P", token: insp}, 405, "method_not_allowed", "Method Not Allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.height()
			e.do(tt.req).expectError(t, tt.status, tt.code, tt.message)
			if after := e.height(); after != before {
				t.Errorf("ledger height moved from %d to %d", before, after)
			}
		})
	}
}

func TestTooManyRequestsFromOneClientGet429(t *testing.T) {
	e := newEnv(t, func(c *httpapi.Config) { c.RateLimit, c.RateBurst = rate.Limit(0.001), 3 })
	tok := e.inspector()
	for i := 0; i < 3; i++ {
		e.get("/api/v1/institutions", tok).expect(t, 200)
	}
	r := e.get("/api/v1/institutions", tok)
	r.expectError(t, 429, "rate_limited", "too many requests")
	if r.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	// Probes are never limited.
	e.get("/healthz", "").expect(t, 200)
}

func TestAPanicIsA500JSONError(t *testing.T) {
	e := newEnv(t)
	e.index.panicOn = "boom"
	e.get("/api/v1/search?q=boom", e.inspector()).expectError(t, 500, "internal", "internal error")
	// The server still serves.
	e.get("/healthz", "").expect(t, 200)
}

func TestAFailingIndexIsA500WithoutDetails(t *testing.T) {
	e := newEnv(t)
	e.index.failWith = errors.New("badger: disk on fire")
	r := e.get("/api/v1/standards/NIM-MASS-P", e.inspector())
	r.expectError(t, 500, "internal", "internal error")
	if strings.Contains(string(r.body), "disk on fire") {
		t.Error("internal error details leaked")
	}
}

func TestRequestIDIsEchoedOrMade(t *testing.T) {
	e := newEnv(t)
	r := e.do(req{method: "GET", path: "/healthz", header: map[string]string{"X-Request-ID": "abc-123"}})
	if got := r.header.Get("X-Request-ID"); got != "abc-123" {
		t.Errorf("X-Request-ID %q", got)
	}
	r = e.do(req{method: "GET", path: "/healthz", header: map[string]string{"X-Request-ID": "bad id\twith spaces"}})
	if got := r.header.Get("X-Request-ID"); got == "" || strings.ContainsAny(got, " \t") {
		t.Errorf("X-Request-ID %q", got)
	}
}

func TestServeShutsDownGracefullyWhenTheContextEnds(t *testing.T) {
	e := newEnv(t)
	srv := httpapi.New(httpapi.Config{Client: e.client, Index: e.index, Tokens: e.tokens, Identities: e.wallet})
	ln := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	res, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the context ended")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("still serving after shutdown")
	}
}
