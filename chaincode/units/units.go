// Package units compares measurement values across SI prefixes.
//
// A unit is written as an optional SI prefix followed by a base symbol
// ("mg", "kPa", "mV", "mm"). Values of the same dimension convert into each
// other; values of different dimensions are an error, never a silent pass.
// Celsius temperatures convert to kelvin with an offset for values and without
// one for differences (uncertainties, errors), which is why there are two
// conversion functions.
package units

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// ErrUnknownUnit is returned for a unit symbol this package does not know.
var ErrUnknownUnit = errors.New("unknown unit")

// ErrIncompatible is returned when two units measure different dimensions.
var ErrIncompatible = errors.New("incompatible units")

// Dimension names what a unit measures, e.g. "mass" or "pressure".
type Dimension string

// Dimensions known to the package. Dimensionless covers "" and "%", which
// relative uncertainties and ratios use.
const (
	Mass          Dimension = "mass"
	Length        Dimension = "length"
	Temperature   Dimension = "temperature"
	Pressure      Dimension = "pressure"
	Voltage       Dimension = "voltage"
	Current       Dimension = "current"
	Resistance    Dimension = "resistance"
	Time          Dimension = "time"
	Frequency     Dimension = "frequency"
	Force         Dimension = "force"
	Energy        Dimension = "energy"
	Power         Dimension = "power"
	Volume        Dimension = "volume"
	Dimensionless Dimension = "dimensionless"
)

// base is a unit symbol without prefix: its dimension, its factor to the
// dimension's coherent unit, its offset (only Celsius has one) and whether
// SI prefixes may be put in front of it.
type base struct {
	dim      Dimension
	factor   float64
	offset   float64
	prefixes bool
}

var bases = map[string]base{
	"g":    {Mass, 1e-3, 0, true},
	"t":    {Mass, 1e3, 0, false},
	"m":    {Length, 1, 0, true},
	"K":    {Temperature, 1, 0, true},
	"°C":   {Temperature, 1, 273.15, false},
	"℃":    {Temperature, 1, 273.15, false},
	"degC": {Temperature, 1, 273.15, false},
	"Pa":   {Pressure, 1, 0, true},
	"bar":  {Pressure, 1e5, 0, true},
	"V":    {Voltage, 1, 0, true},
	"A":    {Current, 1, 0, true},
	"Ω":    {Resistance, 1, 0, true},
	"ohm":  {Resistance, 1, 0, true},
	"s":    {Time, 1, 0, true},
	"min":  {Time, 60, 0, false},
	"h":    {Time, 3600, 0, false},
	"Hz":   {Frequency, 1, 0, true},
	"N":    {Force, 1, 0, true},
	"J":    {Energy, 1, 0, true},
	"W":    {Power, 1, 0, true},
	"L":    {Volume, 1e-3, 0, true},
	"m3":   {Volume, 1, 0, false},
	"":     {Dimensionless, 1, 0, false},
	"%":    {Dimensionless, 1e-2, 0, false},
	"ppm":  {Dimensionless, 1e-6, 0, false},
}

var prefixes = map[string]float64{
	"p": 1e-12, "n": 1e-9, "µ": 1e-6, "μ": 1e-6, "u": 1e-6, "m": 1e-3,
	"c": 1e-2, "d": 1e-1, "da": 1e1, "h": 1e2, "k": 1e3, "M": 1e6, "G": 1e9,
}

// Unit is a parsed unit symbol.
type Unit struct {
	Symbol    string
	Dimension Dimension
	factor    float64
	offset    float64
}

// Parse reads a unit symbol such as "kg", "kPa" or "°C".
func Parse(symbol string) (Unit, error) {
	s := strings.TrimSpace(symbol)
	if b, ok := bases[s]; ok {
		return Unit{Symbol: s, Dimension: b.dim, factor: b.factor, offset: b.offset}, nil
	}
	// Try the longest prefix first so "da" wins over "d".
	for _, p := range prefixNames() {
		if !strings.HasPrefix(s, p) {
			continue
		}
		b, ok := bases[s[len(p):]]
		if !ok || !b.prefixes || s[len(p):] == "" {
			continue
		}
		return Unit{Symbol: s, Dimension: b.dim, factor: prefixes[p] * b.factor}, nil
	}
	return Unit{}, fmt.Errorf("%w %q", ErrUnknownUnit, symbol)
}

func prefixNames() []string {
	names := make([]string, 0, len(prefixes))
	for p := range prefixes {
		names = append(names, p)
	}
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) > len(names[j])
		}
		return names[i] < names[j]
	})
	return names
}

// Known reports whether symbol is a unit this package can convert.
func Known(symbol string) bool {
	_, err := Parse(symbol)
	return err == nil
}

// DimensionOf returns the dimension a unit symbol measures.
func DimensionOf(symbol string) (Dimension, error) {
	u, err := Parse(symbol)
	return u.Dimension, err
}

// Compatible returns nil when both symbols measure the same dimension.
func Compatible(a, b string) error {
	ua, err := Parse(a)
	if err != nil {
		return err
	}
	ub, err := Parse(b)
	if err != nil {
		return err
	}
	if ua.Dimension != ub.Dimension {
		return fmt.Errorf("%w: %q (%s) and %q (%s)", ErrIncompatible, a, ua.Dimension, b, ub.Dimension)
	}
	return nil
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
	if err := Compatible(from, to); err != nil {
		return 0, err
	}
	uf, _ := Parse(from)
	ut, _ := Parse(to)
	coherent := value * uf.factor
	if absolute {
		coherent += uf.offset
		return (coherent - ut.offset) / ut.factor, nil
	}
	return coherent / ut.factor, nil
}

// QuantityDimensions maps the quantity names used on records to the dimension
// of their units. A record's units must fit its quantity.
var QuantityDimensions = map[string]Dimension{
	"mass":        Mass,
	"length":      Length,
	"temperature": Temperature,
	"pressure":    Pressure,
	"voltage":     Voltage,
	"current":     Current,
	"resistance":  Resistance,
	"time":        Time,
	"frequency":   Frequency,
	"force":       Force,
	"energy":      Energy,
	"power":       Power,
	"volume":      Volume,
	"humidity":    Dimensionless,
}

// Quantities lists the known quantity names in sorted order.
func Quantities() []string {
	names := make([]string, 0, len(QuantityDimensions))
	for q := range QuantityDimensions {
		names = append(names, q)
	}
	sort.Strings(names)
	return names
}

// CheckQuantityUnit returns nil when unit is a unit of the named quantity.
func CheckQuantityUnit(quantity, unit string) error {
	dim, ok := QuantityDimensions[quantity]
	if !ok {
		return fmt.Errorf("unknown quantity %q (known: %s)", quantity, strings.Join(Quantities(), ", "))
	}
	u, err := Parse(unit)
	if err != nil {
		return err
	}
	if u.Dimension != dim {
		return fmt.Errorf("%w: unit %q measures %s, not %s", ErrIncompatible, unit, u.Dimension, quantity)
	}
	return nil
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
