package httpapi_test

import (
	"bytes"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// TestGatewayRefusalsCarryTheirReason: the refusals the gateway makes
// itself (a token missing, expired or not its own, a role that may not, a
// wrong content type, a method a path does not take, a body too large)
// keep their class as error.code and carry one detail under no field with
// the reason code and exactly the parameters httpapi.ReasonCodes declares.
func TestGatewayRefusalsCarryTheirReason(t *testing.T) {
	e := newEnv(t)
	e.seed()
	rec := e.recorderOf("BeijingMSP", "BJIM")
	expired, err := (&auth.Issuer{Secret: bytes.Repeat([]byte("s"), 32), Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }}).
		Issue(auth.Claims{Role: auth.RoleRecorder, MSP: "BeijingMSP", Institution: "BJIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := (&auth.Issuer{Secret: bytes.Repeat([]byte("x"), 32)}).Issue(auth.Claims{Role: auth.RoleRecorder, MSP: "BeijingMSP", Institution: "BJIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[record.FieldCode][]string{}
	for _, c := range append(slices.Clone(record.FieldCodes), httpapi.ReasonCodes...) {
		declared[c.Code] = c.Params
	}
	tests := []struct {
		name   string
		r      req
		status int
		code   string
		reason record.FieldCode
		params map[string]string
	}{
		{"no token", req{method: "POST", path: "/api/v1/standards", body: `{}`}, 401, "unauthorized", httpapi.ReasonTokenRequired, nil},
		{"an expired token", req{method: "POST", path: "/api/v1/standards", token: expired, body: `{}`}, 401, "unauthorized", httpapi.ReasonTokenExpired, nil},
		{"a token of another key", req{method: "POST", path: "/api/v1/standards", token: foreign, body: `{}`}, 401, "unauthorized", httpapi.ReasonTokenInvalid, nil},
		{"an inspector writes", req{method: "POST", path: "/api/v1/standards", token: e.inspector(), body: `{}`}, 403, "forbidden", httpapi.ReasonRoleMayNot,
			map[string]string{"role": "inspector", "method": "POST", "path": "/api/v1/standards", "roles": "recorder"}},
		{"a body of text", req{method: "POST", path: "/api/v1/standards", token: rec, body: `{}`, header: map[string]string{"Content-Type": "text/plain"}},
			415, "unsupported_media_type", httpapi.ReasonUnsupportedMediaType, map[string]string{"type": "text/plain", "want": "application/json"}},
		{"a method the path does not take", req{method: "DELETE", path: "/api/v1/standards", token: rec}, 405, "method_not_allowed", httpapi.ReasonMethodNotAllowed,
			map[string]string{"method": "DELETE", "allowed": "OPTIONS, GET, HEAD, POST"}},
		{"a date that is none", req{method: "GET", path: "/api/v1/trace/BJ-STD-1?at=2026-02-30", token: rec}, 400, "invalid", record.ReasonParamBadDate,
			map[string]string{"param": "at", "value": "2026-02-30"}},
		{"page_size with paths", req{method: "GET", path: "/api/v1/impact/BJ-STD-1?since=2026-01-01&page_size=5&paths=true", token: rec}, 400, "invalid",
			record.ReasonParamsExclusive, map[string]string{"param": "paths", "other": "page_size"}},
		{"a source that is none", req{method: "GET", path: "/api/v1/search?q=a&source=chain", token: rec}, 400, "invalid", record.ReasonParamChoice,
			map[string]string{"param": "source", "value": "chain", "allowed": "index, ledger"}},
		{"a search read from the ledger", req{method: "GET", path: "/api/v1/search?q=a&source=ledger", token: rec}, 503, "unavailable",
			httpapi.ReasonSearchNeedsIndex, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.height()
			r := e.do(tt.r)
			r.expectError(t, tt.status, tt.code, "")
			ds := r.fieldErrors(t)
			if len(ds) != 1 || ds[0].Field != "" || ds[0].Index != nil || ds[0].Code != string(tt.reason) || !reflect.DeepEqual(ds[0].Params, tt.params) {
				t.Fatalf("details %+v, want one under no field with %s %v", ds, tt.reason, tt.params)
			}
			want, ok := declared[tt.reason]
			if !ok {
				t.Fatalf("%s is not in httpapi.ReasonCodes", tt.reason)
			}
			for k := range ds[0].Params {
				if !slices.Contains(want, k) {
					t.Errorf("%s carries %q, which ReasonCodes does not declare (%v)", tt.reason, k, want)
				}
			}
			if e.height() != before {
				t.Error("a refused request wrote")
			}
		})
	}
}

// TestEveryGatewayReasonCodeIsListedOnce fails for a reason code listed
// twice or clashing with a record code (the console has one table).
func TestEveryGatewayReasonCodeIsListedOnce(t *testing.T) {
	seen := map[record.FieldCode]bool{}
	for _, c := range record.FieldCodes {
		seen[c.Code] = true
	}
	for _, c := range httpapi.ReasonCodes {
		if seen[c.Code] {
			t.Errorf("%q is listed twice (or is also a record code)", c.Code)
		}
		seen[c.Code] = true
	}
	if len(httpapi.ReasonCodes) < 20 {
		t.Errorf("ReasonCodes lists %d codes", len(httpapi.ReasonCodes))
	}
}

// TestAMissingRequiredParameterSaysRequired: a required query parameter
// left out is a schema error of rule "required" (the console says 缺少必填项),
// not one of a parameter that does not parse.
func TestAMissingRequiredParameterSaysRequired(t *testing.T) {
	e := newEnv(t)
	e.seed()
	r := e.do(req{method: "GET", path: "/api/v1/impact/BJ-STD-1", token: e.recorderOf("BeijingMSP", "BJIM")})
	r.expectError(t, 400, "invalid", "")
	ds := r.fieldErrors(t)
	want := map[string]string{"field": "since", "rule": "required"}
	if len(ds) != 1 || ds[0].Field != "since" || ds[0].Code != string(record.FieldSchema) || !reflect.DeepEqual(ds[0].Params, want) {
		t.Fatalf("details %+v, want one of since with schema %v", ds, want)
	}
}
