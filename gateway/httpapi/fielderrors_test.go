package httpapi_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// fieldErrors decodes the details of an error answer.
func (r *response) fieldErrors(t *testing.T) []httpapi.Detail {
	t.Helper()
	var eb httpapi.ErrorBody
	if err := json.Unmarshal(r.body, &eb); err != nil {
		t.Fatalf("answer is not an error body: %v\n%s", err, r.body)
	}
	return eb.Error.Details
}

func fe(field, message string) httpapi.Detail { return httpapi.Detail{Field: field, Message: message} }

// TestABadBodyOfEveryCreateRouteGetsEveryFieldErrorAtOnce sends, to each
// create route, a body with several wrong fields: the gateway's schema
// check names every field of a wrong type, the chaincode every field whose
// value is wrong, in the record's field order, and nothing is written.
func TestABadBodyOfEveryCreateRouteGetsEveryFieldErrorAtOnce(t *testing.T) {
	e := newEnv(t)
	e.seed()
	bj, nimRec, op := e.recorderOf("BeijingMSP", "BJIM"), e.recorderOf("BeijingMSP", "NIM"), e.operator("BeijingMSP")
	tests := []struct {
		name, path, token, body string
		want                    []httpapi.Detail
	}{
		{"a standard with values of the wrong type, refused by the gateway", "/api/v1/standards", bj,
			`{"id":1,"institution_id":"BJIM","name":2,"level":"working","quantity":"mass","range":{"min":"1","max":10,"unit":"g"}}`,
			[]httpapi.Detail{
				fe("id", "id: value must be a string"),
				fe("name", "name: value must be a string"),
				fe("range.min", "range.min: value must be a number"),
			}},
		{"a standard with wrong values, refused by the chaincode", "/api/v1/standards", bj,
			`{"id":"BJ-S-X","institution_id":"BJIM","name":" ","level":"national","quantity":"mass","range":{"min":5,"max":1,"unit":"g"},"uncertainty":{"value":0,"unit":"mm","k":2}}`,
			[]httpapi.Detail{
				fe("name", "name is required"),
				fe("level", `level "national" is not one of primary, public, department, enterprise, working`),
				fe("range.min", "range: min 5 is greater than max 1"),
				fe("uncertainty.value", "uncertainty.value must be positive, got 0"),
				fe("uncertainty.unit", `uncertainty.unit: incompatible units: unit "mm" measures length, not mass`),
			}},
		{"a capability", "/api/v1/capabilities", bj,
			`{"id":"CMC-X","institution_id":"BJIM","quantity":"luck","range":{"min":0,"max":1,"unit":"kg"},"uncertainty":{"value":1,"unit":"mg","k":20},"method":"","valid_until":"2030-13-01"}`,
			[]httpapi.Detail{
				fe("quantity", `quantity "luck" is not a known quantity`),
				fe("uncertainty.k", "uncertainty.k must be a coverage factor between 1 and 10, got 20"),
				fe("method", "method is required"),
				fe("valid_until", `valid_until: date "2030-13-01" is not a valid YYYY-MM-DD date`),
			}},
		{"an instrument", "/api/v1/instruments", bj,
			`{"id":"BJ-X","institution_id":"BJIM","type":"balance","manufacturer":"","model":"","serial":"S1","quantity":"mass","range":{"min":0,"max":1,"unit":"kPa"},"mpe":{"value":-1,"unit":"g"},"compulsory":true}`,
			[]httpapi.Detail{
				fe("manufacturer", "manufacturer is required"),
				fe("model", "model is required"),
				fe("range.unit", `range.unit: incompatible units: unit "kPa" measures pressure, not mass`),
				fe("mpe.value", "mpe.value must be positive, got -1"),
				fe("category", "category is required for a compulsory instrument (强检): a code of the catalogue of compulsorily managed measuring instruments, e.g. non_automatic_weighing"),
			}},
		{"a certificate", "/api/v1/certificates", bj,
			`{"id":"BJIM-X","kind":"verification","issuer_id":"BJIM","subject_id":"BJ-BAL-001","reference_ids":["BJ-BAL-001"],"quantity":"mass","performed_on":"2024-05-10","valid_until":"2024-05-01","method":"m","results":[{"value":1,"unit":"m"}]}`,
			[]httpapi.Detail{
				fe("reference_ids[0]", "certificate BJIM-X references its own subject BJ-BAL-001"),
				fe("valid_until", "valid_until 2024-05-01 is before performed_on 2024-05-10"),
				fe("results[0].unit", `results[0].unit: incompatible units: unit "m" measures length, not mass`),
				fe("conformity", "conformity is required (one of pass, fail)"),
			}},
		{"a comparison", "/api/v1/comparisons", nimRec,
			`{"id":"CMP-X","pilot_id":"NIM","quantity":"mass","completed_on":"","reference":{"value":1,"unit":"kg"},"results":[{"institution_id":"BJIM","value":1,"unit":"s","uncertainty":{"value":1,"unit":"mg","k":2}}]}`,
			[]httpapi.Detail{
				fe("completed_on", "completed_on is required"),
				fe("reference.uncertainty", "reference.uncertainty is required to compute En"),
				fe("results[0].unit", `results[0].unit: incompatible units: unit "s" measures time, not mass`),
			}},
		{"an agreement", "/api/v1/agreements", bj,
			`{"id":"AGR-X","parties":["BJIM"],"quantities":["mass","luck"],"comparison_within_years":99,"valid_from":"2024-01-01","valid_until":"2023-01-01"}`,
			[]httpapi.Detail{
				fe("parties", "parties must name at least two institutions"),
				fe("quantities[1]", `quantities[1] "luck" is not a known quantity`),
				fe("comparison_within_years", "comparison_within_years must be between 0 (no comparison needed) and 50, got 99"),
				fe("valid_until", "valid_until 2023-01-01 is before valid_from 2024-01-01"),
			}},
		{"an institution", "/api/v1/institutions", op,
			`{"id":"BJ-NEW","name":"","region":"SH","msp_id":"BeijingMSP","kind":"shop"}`,
			[]httpapi.Detail{
				fe("name", "name is required"),
				fe("region", `region "SH" is not one of BJ, TJ, HB`),
				fe("kind", `kind "shop" is not one of national_institute, legal_metrology, authorized_station, accredited_lab, enterprise`),
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.height()
			r := e.do(req{method: "POST", path: tt.path, token: tt.token, body: tt.body})
			r.expectError(t, 400, "invalid", "")
			coded := r.fieldErrors(t)
			// Every detail says its sentence as a code with parameters too
			// (their values are the record package's to test).
			got := make([]httpapi.Detail, len(coded))
			for i, d := range coded {
				if d.Code == "" || d.Params["field"] == "" {
					t.Errorf("%s: %q has code %q, params %v", d.Field, d.Message, d.Code, d.Params)
				}
				got[i] = fe(d.Field, d.Message)
			}
			if tt.want[0].Message == "id: value must be a string" {
				if d := coded[0]; d.Code != "schema" || !reflect.DeepEqual(d.Params, map[string]string{"field": "id", "rule": "type", "type": "string"}) {
					t.Errorf("schema error %+v, want code schema, rule type", d)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				var b strings.Builder
				for _, d := range got {
					b.WriteString("\t" + d.Field + " | " + d.Message + "\n")
				}
				t.Errorf("details:\n%s", b.String())
			}
			if after := e.height(); after != before {
				t.Errorf("ledger height moved from %d to %d", before, after)
			}
		})
	}
}

// TestAHostileBodyWithThousandsOfWrongValuesCostsLittle checks that
// collecting every schema error stays bounded: 20,000 wrong results get a
// 400 naming the first MaxDetails of them and counting all, cheaply.
func TestAHostileBodyWithThousandsOfWrongValuesCostsLittle(t *testing.T) {
	e := newEnv(t)
	e.seed()
	const n = 20000
	body := `{"id":"X","results":[` + strings.TrimSuffix(strings.Repeat(`{"value":"x"},`, n), ",") + `]}`
	before := e.height()
	r, elapsed, allocated := e.cost(req{method: "POST", path: "/api/v1/certificates", token: e.recorderOf("BeijingMSP", "BJIM"), body: body})
	r.expectError(t, 400, "invalid", "20000 errors: results[0].value: value must be a number; results[1].value")
	details := r.fieldErrors(t)
	if len(details) != httpapi.MaxDetails || details[0].Field != "results[0].value" || details[0].Message != "results[0].value: value must be a number" ||
		details[httpapi.MaxDetails-1].Field != "results[49].value" {
		t.Fatalf("%d details, first %+v, last %+v", len(details), details[0], details[len(details)-1])
	}
	// 50 details, each with its code and parameters: about 8.8 KB.
	if len(r.body) > 12<<10 {
		t.Errorf("answer of %d bytes, want at most 12 KiB", len(r.body))
	}
	// Measured: about 0.3 s and 21 MB for the 280 KB body; the limits leave
	// room for a loaded machine.
	if elapsed > 3*time.Second || allocated > 128<<20 {
		t.Errorf("refusal cost %v and %d MB", elapsed, allocated>>20)
	}
	if after := e.height(); after != before {
		t.Errorf("ledger height moved from %d to %d", before, after)
	}
	t.Logf("%d-byte body refused in %v, %d MB allocated", len(body), elapsed, allocated>>20)
}

// TestAnUnknownFieldIsNamedInTheDetails checks the chaincode's strict
// decoding names the field it refuses.
func TestAnUnknownFieldIsNamedInTheDetails(t *testing.T) {
	e := newEnv(t)
	e.seed()
	body := `{"colour":"red","id":"BJ-S-Y","institution_id":"BJIM","name":"n","level":"working","quantity":"mass","range":{"min":1,"max":2,"unit":"g"},"uncertainty":{"value":1,"unit":"mg","k":2}}`
	r := e.do(req{method: "POST", path: "/api/v1/standards", token: e.recorderOf("BeijingMSP", "BJIM"), body: body})
	r.expectError(t, 400, "invalid", `unknown field "colour"`)
	want := []httpapi.Detail{{Field: "colour", Code: "json_unknown_field", Params: map[string]string{"field": "colour"}, Message: `malformed JSON: unknown field "colour"`}}
	if got := r.fieldErrors(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("details %+v, want %+v", got, want)
	}
}

// TestEveryWrongParameterIsNamed checks the schema check names each wrong
// query parameter too, in one answer, in the order the operation declares
// its parameters.
func TestEveryWrongParameterIsNamed(t *testing.T) {
	e := newEnv(t)
	r := e.get("/api/v1/supervision/due?region=SH&within_days=x", e.inspector())
	r.expectError(t, 400, "invalid", "2 errors: ")
	want := []httpapi.Detail{
		{Field: "within_days", Code: "schema", Params: map[string]string{"field": "within_days", "rule": "request"},
			Message: `parameter "within_days" in query: value x: an invalid integer: invalid syntax`},
		{Field: "region", Code: "schema", Params: map[string]string{"field": "region", "rule": "enum"},
			Message: `parameter "region" in query: value is not one of the allowed values ["BJ","TJ","HB"]`},
	}
	if got := r.fieldErrors(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("details:\n got %+v\nwant %+v", got, want)
	}
}
