package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// TestEveryRouteIsInTheDocumentAndBack keeps the OpenAPI document and the
// router in step: a route missing from the document would go unvalidated
// and undocumented; an operation without a route is a promise not kept.
func TestEveryRouteIsInTheDocumentAndBack(t *testing.T) {
	s := New(Config{Tokens: &auth.Issuer{}, ConsoleFS: fstest.MapFS{"index.html": {Data: []byte("<html>")}}})
	registered := map[string]bool{}
	for _, r := range s.echo.Routes() {
		if r.Path == "/*" || r.Path == "/" { // the console's static files
			continue
		}
		if r.Method == echo.RouteNotFound { // not a route: the answer when none matches
			continue
		}
		key := r.Method + " " + r.Path
		registered[key] = true
		if s.spec.route(r.Method, r.Path) == nil {
			t.Errorf("route %s is not in openapi.yaml", key)
		}
	}
	var documented []string
	for key := range s.spec.routes {
		documented = append(documented, key)
		if !registered[key] {
			t.Errorf("openapi.yaml documents %s, which has no route", key)
		}
	}
	sort.Strings(documented)
	if len(documented) < 40 {
		t.Errorf("only %d operations documented: %v", len(documented), documented)
	}
}

func TestEveryRecordFieldIsInTheDocument(t *testing.T) {
	s := New(Config{Tokens: &auth.Issuer{}})
	for schema, v := range map[string]any{
		"Institution": record.Institution{}, "Capability": record.Capability{}, "Standard": record.Standard{},
		"Instrument": record.Instrument{}, "Certificate": record.Certificate{}, "Comparison": record.Comparison{},
		"ComparisonResult": record.ComparisonResult{}, "Agreement": record.Agreement{}, "InstrumentOwner": record.InstrumentOwner{},
		"Uncertainty": record.Uncertainty{}, "Range": record.Range{}, "Value": record.Value{}, "Result": record.Result{},
	} {
		ref := s.spec.doc.Components.Schemas[schema]
		if ref == nil {
			t.Errorf("no schema %s", schema)
			continue
		}
		for _, field := range jsonFields(v) {
			if _, ok := ref.Value.Properties[field]; !ok {
				t.Errorf("schema %s lacks field %s", schema, field)
			}
		}
	}
}

func TestErrorsMapToOneStatusEach(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   string
	}{
		{record.Errorf(record.Invalid, "x"), 400, "invalid"},
		{record.Errorf(record.NotFound, "x"), 404, "not_found"},
		{record.Errorf(record.Conflict, "x"), 409, "conflict"},
		{record.Errorf(record.Forbidden, "x"), 403, "forbidden"},
		{record.Errorf(record.Internal, "x"), 500, "internal"},
		{fmt.Errorf("wrapped: %w", record.Errorf(record.Conflict, "x")), 409, "conflict"},
		{&ledger.Error{Phase: ledger.PhaseEndorse, Err: errors.New("peer down")}, 502, "ledger_error"},
		{&ledger.Error{Phase: ledger.PhaseSubmit, Err: ledger.ErrUnavailable}, 503, "unavailable"},
		{context.DeadlineExceeded, 504, "timeout"},
		{echo.ErrNotFound, 404, "not_found"},
		{echo.ErrMethodNotAllowed, 405, "method_not_allowed"},
		{&http.MaxBytesError{Limit: 10}, 413, "payload_too_large"},
		{errors.New("anything else"), 500, "internal"},
	}
	for _, tt := range tests {
		code, _ := classify(tt.err)
		if code != tt.code || statusOf[code] != tt.status {
			t.Errorf("%v: %s %d, want %s %d", tt.err, code, statusOf[code], tt.code, tt.status)
		}
	}
}
