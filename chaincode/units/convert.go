package units

import (
	"fmt"
	"math"
)

// Known reports whether symbol is a unit this package can read.
func Known(symbol string) bool {
	_, err := Parse(symbol)
	return err == nil
}

// DimensionOf returns the dimension a unit measures.
func DimensionOf(symbol string) (Dimension, error) {
	u, err := Parse(symbol)
	return u.Dimension, err
}

// compatible reports whether values in a and b measure the same thing: the
// same dimension, and no two different special names (Hz and Bq, Gy and Sv
// share a dimension but not a quantity).
func compatible(a, b Unit) bool {
	return a.Dimension == b.Dimension && (a.special == b.special || a.special == "" || b.special == "")
}

// Compatible returns nil when both units measure the same dimension, an
// error wrapping [ErrIncompatible] when they do not, and the parse error
// when one is not a unit.
func Compatible(a, b string) error {
	_, _, err := parsePair(a, b)
	return err
}

func parsePair(a, b string) (Unit, Unit, error) {
	ua, err := Parse(a)
	if err != nil {
		return Unit{}, Unit{}, err
	}
	ub, err := Parse(b)
	if err != nil {
		return Unit{}, Unit{}, err
	}
	if !compatible(ua, ub) {
		return Unit{}, Unit{}, fmt.Errorf("%w: %q (%s) and %q (%s)", ErrIncompatible, a, measures(ua), b, measures(ub))
	}
	return ua, ub, nil
}

// Convert converts a value (a reading, a range bound) from one unit to
// another, applying offsets such as Celsius to kelvin.
func Convert(value float64, from, to string) (float64, error) {
	return convert(value, from, to, true)
}

// ConvertDelta converts a difference (an uncertainty, an error, a tolerance)
// from one unit to another: offsets do not apply to differences.
func ConvertDelta(value float64, from, to string) (float64, error) {
	return convert(value, from, to, false)
}

func convert(value float64, from, to string, absolute bool) (float64, error) {
	uf, ut, err := parsePair(from, to)
	if err != nil {
		return 0, err
	}
	if !absolute || (uf.offset == 0 && ut.offset == 0) {
		return rescale(value, uf.mant/ut.mant, uf.exp10-ut.exp10), nil
	}
	coherent := rescale(value, uf.mant, uf.exp10) + uf.offset
	return rescale((coherent-ut.offset)/ut.mant, 1, -ut.exp10), nil
}

// rescale returns x·mant·10^exp10, dividing by an exact power of ten for a
// negative exponent so that 250 mg is 0.25 g and not 0.25000000000000006.
func rescale(x, mant float64, exp10 int) float64 {
	x *= mant
	if exp10 >= 0 {
		return x * math.Pow10(exp10)
	}
	return x / math.Pow10(-exp10)
}

// NearlyEqual reports whether a and b agree to a relative tolerance of 1e-12,
// so a value converted back and forth across prefixes still compares equal.
func NearlyEqual(a, b float64) bool {
	if a == b {
		return true
	}
	scale := math.Max(math.Abs(a), math.Abs(b))
	return math.Abs(a-b) <= 1e-12*scale
}
