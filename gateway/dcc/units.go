package dcc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/units"
)

// ErrUnknownDSIUnit is returned for a D-SI unit that has no metrotrace unit
// symbol. Such a unit is reported, never guessed.
var ErrUnknownDSIUnit = errors.New("unknown D-SI unit")

// dsiPrefixes maps D-SI prefix macros to SI prefix symbols. Only the
// prefixes metrotrace's units package converts are listed; \tera, \femto and
// the like are unknown here.
var dsiPrefixes = map[string]string{
	"pico": "p", "nano": "n", "micro": "µ", "milli": "m", "centi": "c",
	"deci": "d", "deca": "da", "hecto": "h", "kilo": "k", "mega": "M", "giga": "G",
}

// dsiUnits maps D-SI unit macros to metrotrace base symbols.
var dsiUnits = map[string]string{
	"metre":         "m",
	"gram":          "g",
	"kilogram":      "kg",
	"tonne":         "t",
	"second":        "s",
	"minute":        "min",
	"hour":          "h",
	"ampere":        "A",
	"kelvin":        "K",
	"degreecelsius": "°C",
	"pascal":        "Pa",
	"bar":           "bar",
	"volt":          "V",
	"ohm":           "Ω",
	"hertz":         "Hz",
	"newton":        "N",
	"joule":         "J",
	"watt":          "W",
	"litre":         "L",
	"percent":       "%",
	"ppm":           "ppm",
	"one":           "",
}

// UnitFromDSI translates a D-SI unit ("\milli\metre", "\degreecelsius",
// "\one") into a metrotrace unit symbol ("mm", "°C", ""). It accepts one
// unit with an optional prefix, and "\metre\tothe{3}"; anything else
// (products, quotients, other powers, units or prefixes metrotrace does not
// convert) is an error wrapping [ErrUnknownDSIUnit].
func UnitFromDSI(dsi string) (string, error) {
	s := strings.TrimSpace(dsi)
	unknown := func() (string, error) { return "", fmt.Errorf("%w %q", ErrUnknownDSIUnit, dsi) }
	if !strings.HasPrefix(s, `\`) {
		return unknown()
	}
	parts := strings.Split(s[1:], `\`)
	prefix := ""
	if p, ok := dsiPrefixes[parts[0]]; ok && len(parts) > 1 {
		prefix, parts = p, parts[1:]
	}
	base, ok := dsiUnits[parts[0]]
	if !ok {
		return unknown()
	}
	switch {
	case len(parts) == 1:
	case len(parts) == 2 && parts[1] == "tothe{3}" && base == "m" && prefix == "":
		return "m3", nil
	default:
		return unknown()
	}
	if prefix == "" {
		return base, nil
	}
	if base == "kg" || base == "" || base == "%" || base == "ppm" {
		return unknown() // \milli\kilogram, \kilo\one: not units
	}
	symbol := prefix + base
	if u, err := units.Parse(symbol); err != nil || u.Symbol != symbol {
		return unknown() // a prefix the base does not take, e.g. \milli\hour
	}
	return symbol, nil
}

// symbolNames maps metrotrace base symbols (and their aliases) back to D-SI
// macros, for writing.
var symbolNames = map[string]string{
	"m": `\metre`, "g": `\gram`, "kg": `\kilogram`, "t": `\tonne`,
	"s": `\second`, "min": `\minute`, "h": `\hour`, "A": `\ampere`,
	"K": `\kelvin`, "°C": `\degreecelsius`, "℃": `\degreecelsius`, "degC": `\degreecelsius`,
	"Pa": `\pascal`, "bar": `\bar`, "V": `\volt`, "Ω": `\ohm`, "ohm": `\ohm`,
	"Hz": `\hertz`, "N": `\newton`, "J": `\joule`, "W": `\watt`, "L": `\litre`,
	"m3": `\metre\tothe{3}`, "%": `\percent`, "ppm": `\ppm`, "": `\one`,
}

// prefixNames maps SI prefix symbols back to D-SI prefix macros.
var prefixNames = map[string]string{
	"p": `\pico`, "n": `\nano`, "µ": `\micro`, "μ": `\micro`, "u": `\micro`,
	"m": `\milli`, "c": `\centi`, "d": `\deci`, "da": `\deca`, "h": `\hecto`,
	"k": `\kilo`, "M": `\mega`, "G": `\giga`,
}

// UnitToDSI translates a metrotrace unit symbol ("mg", "kPa", "°C", "%",
// "") into its D-SI form ("\milli\gram", "\kilo\pascal", "\degreecelsius",
// "\percent", "\one"). An unknown symbol is an error.
func UnitToDSI(symbol string) (string, error) {
	s := strings.TrimSpace(symbol)
	if name, ok := symbolNames[s]; ok {
		return name, nil
	}
	if _, err := units.Parse(s); err != nil {
		return "", fmt.Errorf("no D-SI form for unit %q: %w", symbol, err)
	}
	// units.Parse accepted a prefixed symbol: split it the same way, the
	// longest prefix first so "da" wins over "d".
	for _, p := range []string{"da", "p", "n", "µ", "μ", "u", "m", "c", "d", "h", "k", "M", "G"} {
		base, ok := strings.CutPrefix(s, p)
		if !ok || base == "" {
			continue
		}
		if name, known := symbolNames[base]; known && base != "kg" {
			return prefixNames[p] + name, nil
		}
	}
	return "", fmt.Errorf("no D-SI form for unit %q", symbol)
}
