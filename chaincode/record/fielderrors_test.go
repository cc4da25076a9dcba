package record

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// fe is a field error with its code and the parameters besides "field".
func fe(field, message string, code FieldCode, params ...string) FieldError {
	p := Params{"field": field}
	for i := 0; i+1 < len(params); i += 2 {
		p[params[i]] = params[i+1]
	}
	return FieldError{Field: field, Message: message, Code: code, Params: p}
}

func TestAStandardWithManyWrongFieldsNamesEveryOneInFieldOrder(t *testing.T) {
	s := Standard{ID: "bad id", Level: "national", Quantity: "mass",
		Range:       Range{Min: 5, Max: 1, Unit: "g"},
		Uncertainty: Uncertainty{Value: 0, Unit: "mm", K: 2},
		Approval:    &Approval{Number: "", ValidUntil: "2024-02-30"}}
	err := s.Validate()
	want := []FieldError{
		fe("id", `id "bad id" is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)`, FieldBadID, "value", "bad id"),
		fe("institution_id", "institution_id is required", FieldRequired),
		fe("name", "name is required", FieldRequired),
		fe("level", `level "national" is not one of primary, public, department, enterprise, working`, FieldNotOneOf,
			"value", "national", "allowed", "primary, public, department, enterprise, working"),
		fe("range.min", "range: min 5 is greater than max 1", FieldMinAboveMax, "min", "5", "max", "1"),
		fe("uncertainty.value", "uncertainty.value must be positive, got 0", FieldNotPositive, "value", "0"),
		fe("uncertainty.unit", `uncertainty.unit: incompatible units: unit "mm" measures length, not mass`, FieldUnitNotOfQuantity,
			"value", "mm", "quantity", "mass", "measures", "length"),
		fe("approval.number", "approval.number is required", FieldRequired),
		fe("approval.valid_until", `approval.valid_until: date "2024-02-30" is not a valid YYYY-MM-DD date`, FieldBadDate, "value", "2024-02-30"),
	}
	if got := ErrorDetails(err); !reflect.DeepEqual(got, want) {
		t.Fatalf("details:\n got %q\nwant %q", got, want)
	}
	if ErrorCode(err) != Invalid {
		t.Fatalf("code %s, want invalid", ErrorCode(err))
	}
	if msg := ErrorMessage(err); !strings.HasPrefix(msg, `id "bad id" is not a valid id`) || strings.Count(msg, "; ") != len(want)-1 {
		t.Fatalf("message %q does not join the %d details", msg, len(want))
	}
}

func TestAWrongQuantityIsReportedOnceNotAgainstEveryUnit(t *testing.T) {
	c := Capability{ID: "C1", InstitutionID: "NIM", Quantity: "luck", Method: "JJG 99-2022", ValidUntil: "2030-01-01",
		Range: Range{Min: 0, Max: 1, Unit: "kg"}, Uncertainty: Uncertainty{Value: 1, Unit: "furlong", K: 2}}
	got := ErrorDetails(c.Validate())
	want := []FieldError{
		fe("quantity", `quantity "luck" is not a known quantity`, FieldUnknownQuantity, "value", "luck"),
		fe("uncertainty.unit", `uncertainty.unit: unknown unit "furlong": "furlong" is not a unit symbol`, FieldBadUnit,
			"value", "furlong", "reason", `unknown unit "furlong": "furlong" is not a unit symbol`),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("details:\n got %q\nwant %q", got, want)
	}
}

func TestFieldErrorsCrossTheWireInTheMessageAlone(t *testing.T) {
	err := (&Agreement{ID: "A1", Parties: []string{"X"}, ValidFrom: "2024-01-01", ValidUntil: "2023-01-01"}).Validate()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("not an *Error: %v", err)
	}
	// Transports put their own text before the chaincode's message, the
	// contract its own context before the record's.
	wrapped := "chaincode response 500, " + (&Error{Code: e.Code, Message: "register agreement: " + e.Message, Details: e.Details}).Error()
	got := ParseError(wrapped)
	if got.Code != Invalid || !reflect.DeepEqual(got.Details, e.Details) || got.Message != "register agreement: "+e.Message {
		t.Fatalf("ParseError = %+v, want code invalid, message %q, details %+v", *got, "register agreement: "+e.Message, e.Details)
	}
	want := []FieldError{
		fe("parties", "parties must name at least two institutions", FieldTooFewParties, "min", "2"),
		fe("quantities", "quantities must name at least one quantity", FieldNoQuantities),
		fe("valid_until", "valid_until 2023-01-01 is before valid_from 2024-01-01", FieldDateBefore,
			"value", "2023-01-01", "other_field", "valid_from", "other", "2024-01-01"),
	}
	if !reflect.DeepEqual(e.Details, want) {
		t.Fatalf("details:\n got %q\nwant %q", e.Details, want)
	}
}

func TestAMessageThatOnlyLooksLikeDetailsStaysText(t *testing.T) {
	for _, msg := range []string{
		`invalid: unit "x <details>[{\"field\":\"a\",\"message\":\"b\"}]" is unknown`,
		`invalid: b <details>[{"field":"a","message":"c"}]`,
		`invalid: b <details>not json`,
	} {
		got := ParseError(msg)
		if got.Details != nil || got.Message != strings.TrimPrefix(msg, "invalid: ") {
			t.Errorf("ParseError(%q) = %+v, want the text kept without details", msg, *got)
		}
	}
}

func TestFieldErrorsAreBounded(t *testing.T) {
	results := make([]Result, 200)
	for i := range results {
		results[i] = Result{Value: 1, Unit: "furlong"}
	}
	c := Certificate{ID: "C", Kind: KindVerification, IssuerID: "I", SubjectID: "S", ReferenceIDs: []string{"R"}, Quantity: "mass",
		PerformedOn: "2024-01-01", ValidUntil: "2025-01-01", Conformity: "pass", Method: "m", Results: results}
	err := c.Validate()
	if n := len(ErrorDetails(err)); n != MaxFieldErrors {
		t.Fatalf("%d details, want %d", n, MaxFieldErrors)
	}
	if msg := ErrorMessage(err); !strings.HasPrefix(msg, "150 more errors not listed; ") {
		t.Fatalf("message %q does not say how many were left out", msg[:80])
	}
	if got := ParseError(err.Error()); len(got.Details) != MaxFieldErrors {
		t.Fatalf("%d details after the wire, want %d", len(got.Details), MaxFieldErrors)
	}
}
