package units

import (
	"strconv"
	"strings"
)

// String writes the unit as a canonical metrotrace symbol: the symbols of
// its terms joined by "·", one denominator term after "/" ("m/s²", "m³/h"),
// several as negative powers ("W·m⁻²·K⁻¹"), the unit one as "". Aliases are
// written in their canonical form ("ohm" is "Ω", "℃" is "°C", "uV" is "µV").
// Parsing the result gives the same unit.
func (u Unit) String() string {
	var num, den []term
	for _, t := range u.terms {
		if t.exp > 0 {
			num = append(num, t)
		} else {
			den = append(den, t)
		}
	}
	write := func(ts []term, negate bool) string {
		parts := make([]string, len(ts))
		for i, t := range ts {
			if negate {
				t.exp = -t.exp
			}
			parts[i] = symbolOf(t)
		}
		return strings.Join(parts, "·")
	}
	switch {
	case len(den) == 0:
		return write(num, false)
	case len(num) > 0 && len(den) == 1:
		return write(num, false) + "/" + write(den, true)
	default:
		return write(u.terms, false)
	}
}

func symbolOf(t term) string {
	s := atoms[t.atom].symbol
	if t.prefix >= 0 {
		s = prefixes[t.prefix].symbol + s
	}
	if t.exp != 1 {
		s += superscript(t.exp)
	}
	return s
}

// DSI writes the unit as a D-SI unit string: each term as its prefix and
// unit macros with \tothe{n} for a power other than 1, negative powers
// included ("\metre\second\tothe{-1}"); the unit one is \one. A shorthand
// such as "kWh" is written as its product, "\kilo\watt\hour".
func (u Unit) DSI() string {
	if len(u.terms) == 0 {
		return `\one`
	}
	var b strings.Builder
	for _, t := range u.terms {
		a := atoms[t.atom]
		for i, name := range a.dsi {
			if i == 0 && t.prefix >= 0 {
				b.WriteString(`\` + prefixes[t.prefix].dsi)
			}
			b.WriteString(`\` + name)
			if t.exp != 1 {
				b.WriteString(`\tothe{` + strconv.Itoa(t.exp) + `}`)
			}
		}
	}
	return b.String()
}

// InBaseUnits reports whether the unit is written in SI base units only,
// without prefixes (the kilogram counts as a base unit), and has more than
// one term: "\kilogram\metre\tothe{2}\ampere\tothe{-2}\second\tothe{-3}"
// is, "Ω" and "kg" are not. Such a unit reads better under its special name.
func (u Unit) InBaseUnits() bool {
	if len(u.terms) < 2 {
		return false
	}
	for _, t := range u.terms {
		if t.prefix >= 0 || !isBase[atoms[t.atom].symbol] {
			return false
		}
	}
	return true
}

var isBase = map[string]bool{"m": true, "kg": true, "s": true, "A": true, "K": true, "mol": true, "cd": true}
