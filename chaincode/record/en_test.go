package record

import (
	"math"
	"reflect"
	"testing"
)

func TestENMatchesAHandComputedExample(t *testing.T) {
	// Lab 100.012 kPa (U = 0.010 kPa), reference 100.000 kPa (U = 0.005 kPa):
	// En = 0.012 / sqrt(0.010² + 0.005²) = 0.012 / sqrt(0.000125) = 1.0733126291998991
	const want = 1.0733126291998991
	lab := Result{Value: 100.012, Unit: "kPa", Uncertainty: &Uncertainty{Value: 0.010, Unit: "kPa", K: 2}}
	tests := []struct {
		name string
		ref  Result
	}{
		{"same units", Result{Value: 100.000, Unit: "kPa", Uncertainty: &Uncertainty{Value: 0.005, Unit: "kPa", K: 2}}},
		{"reference in pascals", Result{Value: 100000, Unit: "Pa", Uncertainty: &Uncertainty{Value: 5, Unit: "Pa", K: 2}}},
		{"relative reference uncertainty", Result{Value: 100.000, Unit: "kPa", Uncertainty: &Uncertainty{Value: 0.005, Unit: "%", K: 2, Relative: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EN(lab, tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > 1e-9 {
				t.Fatalf("En = %.16f, want %.16f", got, want)
			}
		})
	}
	neg, _ := EN(Result{Value: 99.988, Unit: "kPa", Uncertainty: lab.Uncertainty}, tests[0].ref)
	if math.Abs(neg+want) > 1e-9 {
		t.Fatalf("En below the reference = %.16f, want %.16f", neg, -want)
	}
}

func TestENRefusesIncompatibleOrMissingUncertainty(t *testing.T) {
	if _, err := EN(Result{Value: 1, Unit: "kg", Uncertainty: &Uncertainty{Value: 1, Unit: "mg", K: 2}},
		Result{Value: 1, Unit: "m", Uncertainty: &Uncertainty{Value: 1, Unit: "mm", K: 2}}); ErrorCode(err) != Invalid {
		t.Fatalf("kg against m: %v, want invalid", err)
	}
	if _, err := EN(Result{Value: 1, Unit: "kg"}, Result{Value: 1, Unit: "kg", Uncertainty: &Uncertainty{Value: 1, Unit: "mg", K: 2}}); ErrorCode(err) != Invalid {
		t.Fatalf("missing uncertainty: %v, want invalid", err)
	}
}

func TestParseErrorRecoversTheCodeFromWrappedMessages(t *testing.T) {
	tests := []struct {
		msg  string
		want Error
	}{
		{"forbidden: a recorder of NIM may not write for BJIM", Error{Code: Forbidden, Message: "a recorder of NIM may not write for BJIM"}},
		{"chaincode response 500, not_found: standard X does not exist", Error{Code: NotFound, Message: "standard X does not exist"}},
		{"something broke", Error{Code: Internal, Message: "something broke"}},
	}
	for _, tt := range tests {
		if got := ParseError(tt.msg); !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("ParseError(%q) = %+v, want %+v", tt.msg, *got, tt.want)
		}
	}
}

func TestStandardStatusOnADate(t *testing.T) {
	s := Standard{StatusHistory: []StatusChange{
		{Status: StatusSealed, Since: "2024-03-01", Reason: "drift"},
		{Status: StatusActive, Since: "2024-06-01", Reason: "recalibrated"},
	}}
	for date, want := range map[string]string{"2024-02-28": StatusActive, "2024-03-01": StatusSealed, "2024-05-31": StatusSealed, "2024-06-01": StatusActive} {
		if got, _ := s.StatusOn(date); got != want {
			t.Errorf("status on %s = %s, want %s", date, got, want)
		}
	}
}
