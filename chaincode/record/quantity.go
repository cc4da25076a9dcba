package record

import (
	"fmt"
	"math"
	"strconv"

	"github.com/metrotrace/metrotrace/chaincode/units"
)

// Value is a quantity value: a number and its unit.
type Value struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// String renders the value as "1.5 kg".
func (v Value) String() string { return FormatNumber(v.Value) + " " + v.Unit }

// FormatNumber writes a number as people read it on certificates: plain
// decimals ("20000000", "0.0005"), exponents beyond 1e12 or below 1e-4.
func FormatNumber(f float64) string {
	if a := math.Abs(f); a != 0 && (a >= 1e12 || a < 1e-4) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// Uncertainty is an expanded uncertainty with its coverage factor k. A
// relative uncertainty has Relative set and an empty unit (or "%"/"ppm").
type Uncertainty struct {
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	K        float64 `json:"k"`
	Relative bool    `json:"relative,omitempty"`
}

// String renders the uncertainty as "U = 0.2 mg (k=2)".
func (u Uncertainty) String() string {
	if u.Relative {
		return fmt.Sprintf("U = %s%s relative (k=%s)", FormatNumber(u.Value), u.Unit, FormatNumber(u.K))
	}
	return fmt.Sprintf("U = %s %s (k=%s)", FormatNumber(u.Value), u.Unit, FormatNumber(u.K))
}

// Absolute returns the uncertainty in unit at the given measured value:
// a relative uncertainty is scaled by |at|.
func (u Uncertainty) Absolute(at Value, unit string) (float64, error) {
	if u.Relative {
		f, err := units.ConvertDelta(u.Value, u.Unit, "")
		if err != nil {
			return 0, err
		}
		v, err := units.ConvertDelta(math.Abs(at.Value)*f, at.Unit, unit)
		return v, err
	}
	return units.ConvertDelta(u.Value, u.Unit, unit)
}

// Range is a measuring range.
type Range struct {
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
	Unit string  `json:"unit"`
}

// String renders the range as "[0, 20] kg".
func (r Range) String() string {
	return fmt.Sprintf("[%s, %s] %s", FormatNumber(r.Min), FormatNumber(r.Max), r.Unit)
}

// Covers reports whether the value lies within the range, converting units.
func (r Range) Covers(v Value) (bool, error) {
	x, err := units.Convert(v.Value, v.Unit, r.Unit)
	if err != nil {
		return false, err
	}
	return (x >= r.Min || units.NearlyEqual(x, r.Min)) && (x <= r.Max || units.NearlyEqual(x, r.Max)), nil
}

// Result is one measured result with its expanded uncertainty.
type Result struct {
	Value       float64      `json:"value"`
	Unit        string       `json:"unit"`
	Uncertainty *Uncertainty `json:"uncertainty,omitempty"`
}

// Quantity returns the result's value with its unit.
func (r Result) Quantity() Value { return Value{Value: r.Value, Unit: r.Unit} }

func validateNumber(f float64, field string) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return invalid(field, FieldNotFinite, nil, "%s must be a finite number", field)
	}
	return nil
}

// The validators below add every error they find to v. A quantity of ""
// means the record's quantity is itself wrong (and reported): units are
// then only checked to be units.

func (val Value) validate(v *fieldErrors, field, quantity string) {
	v.check(field+".value", validateNumber(val.Value, field+".value"))
	if val.Unit == "" {
		v.add(field+".unit", FieldRequired, nil, "%s.unit is required", field)
		return
	}
	v.check(field+".unit", checkUnit(field+".unit", quantity, val.Unit))
}

func (u *Uncertainty) validate(v *fieldErrors, field, quantity string) {
	if v.check(field+".value", validateNumber(u.Value, field+".value")) && u.Value <= 0 {
		v.add(field+".value", FieldNotPositive, Params{"value": num(u.Value)}, "%s.value must be positive, got %g", field, u.Value)
	}
	if v.check(field+".k", validateNumber(u.K, field+".k")) && (u.K < 1 || u.K > 10) {
		v.add(field+".k", FieldCoverageFactor, Params{"value": num(u.K), "min": "1", "max": "10"}, "%s.k must be a coverage factor between 1 and 10, got %g", field, u.K)
	}
	if u.Relative {
		if d, err := units.DimensionOf(u.Unit); err != nil || d != units.Dimensionless {
			v.add(field+".unit", FieldRelativeUnit, Params{"value": u.Unit}, "%s.unit of a relative uncertainty must be \"\", \"%%\" or \"ppm\", got %q", field, u.Unit)
		}
		return
	}
	if u.Unit == "" {
		v.add(field+".unit", FieldUnitOrRelative, nil, "%s.unit is required (or set relative: true)", field)
		return
	}
	v.check(field+".unit", checkUnit(field+".unit", quantity, u.Unit))
}

func (r Range) validate(v *fieldErrors, field, quantity string) {
	minOK := v.check(field+".min", validateNumber(r.Min, field+".min"))
	maxOK := v.check(field+".max", validateNumber(r.Max, field+".max"))
	if minOK && maxOK && r.Min > r.Max {
		v.add(field+".min", FieldMinAboveMax, Params{"min": num(r.Min), "max": num(r.Max)}, "%s: min %g is greater than max %g", field, r.Min, r.Max)
	} else if minOK && quantity != "" {
		v.check(field+".min", notNegative(field+".min", quantity, r.Min))
	}
	if r.Unit == "" {
		v.add(field+".unit", FieldRequired, nil, "%s.unit is required", field)
		return
	}
	v.check(field+".unit", checkUnit(field+".unit", quantity, r.Unit))
}

func (r Result) validate(v *fieldErrors, field, quantity string) {
	before := len(v.list)
	(Value{Value: r.Value, Unit: r.Unit}).validate(v, field, quantity)
	if len(v.list) == before && quantity != "" {
		v.check(field+".value", notNegative(field+".value", quantity, r.Value))
	}
	if r.Uncertainty != nil {
		r.Uncertainty.validate(v, field+".uncertainty", quantity)
	}
}

// checkUnit checks that unit measures quantity, or only that it is a unit
// when the quantity is "".
func checkUnit(field, quantity, unit string) error {
	if _, err := units.Parse(unit); err != nil {
		return invalid(field, FieldBadUnit, Params{"value": unit, "reason": err.Error()}, "%s: %v", field, err)
	}
	if quantity == "" {
		return nil
	}
	if err := units.CheckQuantityUnit(quantity, unit); err != nil {
		return invalid(field, FieldUnitNotOfQuantity, Params{"value": unit, "quantity": quantity, "measures": units.Measures(unit)}, "%s: %v", field, err)
	}
	return nil
}
