// Package units parses measurement units into one model and converts values
// between them.
//
// Two syntaxes are read into the same model: metrotrace's own symbols ("kg",
// "kPa", "Ω", "kWh", "m³/h", "N·m", "mol/mol", "%RH") and D-SI unit strings as
// digital calibration certificates write them ("\kilo\pascal",
// "\metre\tothe{3}\per\hour", "\kilogram\metre\tothe{2}\ampere\tothe{-2}\second\tothe{-3}").
// A parsed [Unit] is a product of terms (an optional SI prefix, a unit, an
// integer exponent); it measures a [Dimension] (the exponents of the seven SI
// base dimensions, plus plane angle and the logarithmic levels, which SI
// counts as 1 but which nobody converts into a plain ratio) and converts to
// the coherent SI unit of that dimension by a factor. Values of the same
// dimension convert into each other; values of different dimensions are an
// error, never a silent pass.
//
// Celsius temperatures convert to kelvin with an offset for values and without
// one for differences (uncertainties, errors), which is why there are two
// conversion functions, [Convert] and [ConvertDelta]. Only a lone "°C" has an
// offset: in "°C/min" or "W/(m·°C)" the degree is a difference.
//
// Quantities ("mass", "pressure", "absorbed_dose" …) are named and each is
// tied to a dimension; see [CheckQuantityUnit].
//
// Nothing in this package depends on map iteration order: the chaincode
// calls it and must answer the same on every peer.
package units

import (
	"errors"
	"strconv"
)

// ErrUnknownUnit is returned for a unit this package cannot read: an unknown
// symbol or macro, a prefix on a unit that takes none, a malformed exponent.
var ErrUnknownUnit = errors.New("unknown unit")

// ErrIncompatible is returned when two units measure different dimensions,
// or a unit does not measure the quantity it is recorded for.
var ErrIncompatible = errors.New("incompatible units")

// UnitError is the error [Parse] returns: the unit as written and why it
// cannot be read. It wraps [ErrUnknownUnit].
type UnitError struct {
	Unit   string
	Reason string
}

func (e *UnitError) Error() string { return "unknown unit " + strconv.Quote(e.Unit) + ": " + e.Reason }

// Unwrap makes a UnitError match [ErrUnknownUnit] with errors.Is.
func (e *UnitError) Unwrap() error { return ErrUnknownUnit }
