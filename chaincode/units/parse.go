package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxUnitLength bounds the text of a unit: no real unit is longer, and a
// bound keeps hostile input cheap to refuse.
const maxUnitLength = 512

// Unit is a parsed unit: a product of terms, what it measures and its
// factor to the coherent SI unit of its dimension.
type Unit struct {
	// Symbol is the unit as it was written, without surrounding space.
	Symbol string
	// Dimension is what the unit measures.
	Dimension Dimension

	terms   []term
	mant    float64 // factor = mant·10^exp10
	exp10   int
	offset  float64 // only a lone °C has one
	special string  // the special name of a quantity the unit is reserved for, see atom.special
}

// term is one factor of a unit: a prefix (or -1), an atom and an exponent.
type term struct {
	prefix int
	atom   int
	exp    int
}

// Parse reads a unit, either a metrotrace symbol ("kg", "kPa", "°C",
// "m³/h", "N·m", "kg·m⁻³", "m/s^2") or a D-SI unit string, recognised by its
// leading backslash ("\kilo\pascal", "\metre\per\second\tothe{2}"). The
// empty symbol is the unit one. Errors wrap [ErrUnknownUnit].
func Parse(symbol string) (Unit, error) {
	s := strings.TrimSpace(symbol)
	if len(s) > maxUnitLength {
		return Unit{}, &UnitError{Unit: s[:32] + "…", Reason: fmt.Sprintf("%d bytes is longer than any unit (at most %d)", len(s), maxUnitLength)}
	}
	return parse(s)
}

// parse reads a unit of any length: written forms of a unit read back even
// where they are longer than what Parse accepts as input.
func parse(s string) (Unit, error) {
	if !utf8.ValidString(s) {
		return Unit{}, &UnitError{Unit: s, Reason: "not UTF-8"}
	}
	var terms []term
	var err error
	if strings.HasPrefix(s, `\`) {
		terms, err = parseDSI(s)
	} else {
		terms, err = parseSymbol(s)
	}
	if err != nil {
		return Unit{}, &UnitError{Unit: s, Reason: err.Error()}
	}
	u, err := build(s, terms)
	if err != nil {
		return Unit{}, &UnitError{Unit: s, Reason: err.Error()}
	}
	return u, nil
}

// ParseDSI reads a D-SI unit string only; a metrotrace symbol is an error.
func ParseDSI(dsi string) (Unit, error) {
	if s := strings.TrimSpace(dsi); !strings.HasPrefix(s, `\`) {
		return Unit{}, &UnitError{Unit: s, Reason: "a D-SI unit starts with a backslash"}
	}
	return Parse(dsi)
}

// MustParse is Parse for units known to be valid, such as constants in
// tests; it panics on an error.
func MustParse(symbol string) Unit {
	u, err := Parse(symbol)
	if err != nil {
		panic(err)
	}
	return u
}

// Factor is what a value in the unit is multiplied by to give the value in
// the coherent SI unit of its dimension (1000 for "km", 3.6e6 for "kWh"),
// offset aside.
func (u Unit) Factor() float64 { return u.mant * math.Pow10(u.exp10) }

// Offset is the value of the coherent unit at the unit's zero: 273.15 for
// a lone "°C", otherwise 0.
func (u Unit) Offset() float64 { return u.offset }

// build multiplies the terms out. Terms of the unit one are dropped, so that
// "\degreecelsius\one" is "°C" and the written form does not change what a
// unit is.
func build(symbol string, all []term) (Unit, error) {
	u := Unit{Symbol: symbol, mant: 1}
	var dim [numDims]int
	special, mixed := "", false
	for _, t := range fold(all) {
		a := atoms[t.atom]
		u.terms = append(u.terms, t)
		for i, e := range a.dim.vec() {
			dim[i] += e * t.exp
		}
		u.mant *= math.Pow(a.mant, float64(t.exp))
		e10 := a.exp10
		if t.prefix >= 0 {
			e10 += prefixes[t.prefix].exp10
		}
		u.exp10 += e10 * t.exp
		if a.special != "" && special != "" && a.special != special {
			mixed = true
		}
		if a.special != "" {
			special = a.special
		}
	}
	for i, e := range dim {
		if e > maxExponent || e < -maxExponent {
			return Unit{}, fmt.Errorf("exponent %d of %s is out of range (at most %d)", e, baseSymbols[i], maxExponent)
		}
	}
	u.Dimension = fromVec(dim)
	if f := u.Factor(); math.IsInf(f, 0) || math.IsNaN(f) || f == 0 {
		return Unit{}, fmt.Errorf("factor to SI is out of the range of numbers")
	}
	if len(u.terms) == 1 && u.terms[0].exp == 1 && u.terms[0].prefix < 0 {
		u.offset = atoms[u.terms[0].atom].offset
	}
	if !mixed {
		u.special = special
	}
	return u, nil
}

// shorthands are the products written as one symbol: a watt (or ampere)
// term followed by an hour term of the same power is the watt hour.
var shorthands = [][3]string{{"W", "h", "Wh"}, {"A", "h", "Ah"}}

// fold drops terms of the unit one and writes products that have a
// shorthand as the shorthand, so that "\kilo\watt\hour", "kW·h" and "kWh"
// are the same terms.
func fold(all []term) []term {
	var out []term
	for _, t := range all {
		if atoms[t.atom].symbol == "" {
			continue
		}
		if n := len(out); n > 0 && t.prefix < 0 {
			last := out[n-1]
			for _, sh := range shorthands {
				if atoms[last.atom].symbol == sh[0] && atoms[t.atom].symbol == sh[1] && last.exp == t.exp {
					out[n-1] = term{prefix: last.prefix, atom: atomBySymbol[sh[2]], exp: t.exp}
					t.atom = -1
					break
				}
			}
			if t.atom < 0 {
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// parseSymbol reads a metrotrace symbol: terms joined by "·", "⋅" or "*",
// at most one "/" (its right side may be parenthesised), each term a unit
// symbol with an optional SI prefix and an exponent written "²", "⁻¹" or
// "^-1".
func parseSymbol(s string) ([]term, error) {
	if s == "" {
		return []term{{prefix: -1, atom: atomBySymbol[""], exp: 1}}, nil
	}
	if i, ok := atomBySymbol[s]; ok { // "% RH" has a space, "%" no prefix
		return []term{{prefix: -1, atom: i, exp: 1}}, nil
	}
	num, den, hasDen := strings.Cut(s, "/")
	if hasDen {
		if strings.Contains(den, "/") {
			return nil, fmt.Errorf("more than one '/'; write the denominator as a product, \"W/(m²·K)\"")
		}
		if strings.HasPrefix(den, "(") && strings.HasSuffix(den, ")") {
			den = den[1 : len(den)-1]
		}
		if den == "" {
			return nil, fmt.Errorf("nothing after '/'")
		}
	}
	var terms []term
	if !(hasDen && num == "1") {
		ts, err := parseProduct(num, 1)
		if err != nil {
			return nil, err
		}
		terms = ts
	}
	if hasDen {
		ts, err := parseProduct(den, -1)
		if err != nil {
			return nil, err
		}
		terms = append(terms, ts...)
	}
	return terms, nil
}

// productSeparators join the terms of a metrotrace symbol.
var productSeparators = strings.NewReplacer("⋅", "·", "*", "·")

func parseProduct(s string, sign int) ([]term, error) {
	if s == "" {
		return nil, fmt.Errorf("an empty term")
	}
	var terms []term
	for _, text := range strings.Split(productSeparators.Replace(s), "·") {
		t, err := parseSymbolTerm(text)
		if err != nil {
			return nil, err
		}
		t.exp *= sign
		terms = append(terms, t)
	}
	return terms, nil
}

// superscriptValues reads superscript digits back.
var superscriptValues = map[rune]int{'⁰': 0, '¹': 1, '²': 2, '³': 3, '⁴': 4, '⁵': 5, '⁶': 6, '⁷': 7, '⁸': 8, '⁹': 9}

func parseSymbolTerm(text string) (term, error) {
	if text == "" {
		return term{}, fmt.Errorf("an empty term")
	}
	if text == "m3" { // metrotrace's first volume symbol, still on records
		return term{prefix: -1, atom: atomBySymbol["m"], exp: 3}, nil
	}
	base, exp, err := splitExponent(text)
	if err != nil {
		return term{}, err
	}
	t, err := lookupSymbol(base)
	if err != nil {
		return term{}, err
	}
	t.exp = exp
	return t, nil
}

// splitExponent separates "m²" into "m" and 2, "s^-1" into "s" and -1; a
// term without an exponent has exponent 1.
func splitExponent(text string) (string, int, error) {
	if base, e, ok := strings.Cut(text, "^"); ok {
		n, err := parseInteger(e)
		if err != nil {
			return "", 0, fmt.Errorf("exponent %q of %q: %v", e, base, err)
		}
		return base, n, nil
	}
	end := len(text)
	n, scale := 0, 1
	for end > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:end])
		v, ok := superscriptValues[r]
		if !ok {
			break
		}
		if scale > 1000 {
			return "", 0, fmt.Errorf("exponent of %q is too long", text)
		}
		n += v * scale
		scale *= 10
		end -= size
	}
	if scale == 1 {
		if strings.HasSuffix(text, "⁻") {
			return "", 0, fmt.Errorf("%q: '⁻' without digits", text)
		}
		return text, 1, nil
	}
	if strings.HasSuffix(text[:end], "⁻") {
		n, end = -n, end-len("⁻")
	}
	if err := checkExponent(n); err != nil {
		return "", 0, fmt.Errorf("exponent of %q: %v", text, err)
	}
	return text[:end], n, nil
}

// lookupSymbol finds a unit symbol, with an SI prefix if it takes one. A
// whole symbol wins over a prefixed one ("min" is the minute, "Pa" the
// pascal, "cd" the candela), and the longest prefix over shorter ones.
func lookupSymbol(s string) (term, error) {
	if s == "" {
		return term{}, fmt.Errorf("an exponent without a unit")
	}
	if i, ok := atomBySymbol[s]; ok {
		return term{prefix: -1, atom: i, exp: 1}, nil
	}
	for _, p := range prefixSymbolsLongestFirst {
		rest, ok := strings.CutPrefix(s, p)
		if !ok || rest == "" {
			continue
		}
		i, ok := atomBySymbol[rest]
		if !ok {
			continue
		}
		if !atoms[i].prefixable {
			return term{}, fmt.Errorf("%q takes no prefix", atoms[i].symbol)
		}
		return normalize(term{prefix: prefixBySymbol[p], atom: i, exp: 1}), nil
	}
	return term{}, fmt.Errorf("%q is not a unit symbol", s)
}

// normalize writes a kilo-gram as the kilogram, so that "kg" reads the same
// however it was spelled.
func normalize(t term) term {
	if t.prefix == kilo && t.atom == gram {
		return term{prefix: -1, atom: kilogram, exp: t.exp}
	}
	return t
}

// parseDSI reads a D-SI unit string: macros, each a prefix, a unit, \per or
// \tothe{n}. A prefix stands right before its unit, \tothe right after it
// (once), and everything after the one \per is in the denominator.
func parseDSI(s string) ([]term, error) {
	var terms []term
	pending := -1 // a prefix waiting for its unit
	sign, powered := 1, false
	seenPer := false
	for _, name := range strings.Split(s[1:], `\`) {
		switch {
		case name == "":
			return nil, fmt.Errorf(`an empty macro "\"`)
		case name == "per":
			if seenPer {
				return nil, fmt.Errorf(`more than one \per`)
			}
			if pending >= 0 {
				return nil, fmt.Errorf(`\%s before \per has no unit`, prefixes[pending].dsi)
			}
			seenPer, sign = true, -1
		case strings.HasPrefix(name, "tothe{") && strings.HasSuffix(name, "}"):
			if len(terms) == 0 || pending >= 0 || powered || (seenPer && terms[len(terms)-1].exp > 0) {
				return nil, fmt.Errorf(`\%s does not follow a unit`, name)
			}
			n, err := parseDSIExponent(name[len("tothe{") : len(name)-1])
			if err != nil {
				return nil, fmt.Errorf(`\%s: %v`, name, err)
			}
			terms[len(terms)-1].exp *= n
			powered = true
		default:
			if p, ok := prefixByDSI[name]; ok {
				if pending >= 0 {
					return nil, fmt.Errorf(`\%s follows the prefix \%s`, name, prefixes[pending].dsi)
				}
				pending = p
				continue
			}
			a, ok := atomByDSI[name]
			if !ok {
				return nil, fmt.Errorf(`\%s is not a D-SI unit or prefix`, name)
			}
			if pending >= 0 && !atoms[a].prefixable {
				return nil, fmt.Errorf(`\%s takes no prefix`, name)
			}
			terms = append(terms, normalize(term{prefix: pending, atom: a, exp: sign}))
			pending, powered = -1, false
		}
	}
	if pending >= 0 {
		return nil, fmt.Errorf(`the prefix \%s has no unit`, prefixes[pending].dsi)
	}
	if len(terms) == 0 {
		return nil, fmt.Errorf("no unit")
	}
	if seenPer && terms[len(terms)-1].exp > 0 {
		return nil, fmt.Errorf(`nothing after \per`)
	}
	return terms, nil
}

// parseDSIExponent reads the n of \tothe{n}. D-SI admits decimals such as
// 0.5; dimensions here have integer exponents, so a decimal is accepted
// only when it is a whole number ("2.0").
func parseDSIExponent(s string) (int, error) {
	whole, frac, isDecimal := strings.Cut(s, ".")
	if isDecimal {
		if frac == "" || strings.Trim(frac, "0123456789") != "" {
			return 0, fmt.Errorf("%q is not a number", s)
		}
		if strings.Trim(frac, "0") != "" {
			return 0, fmt.Errorf("the non-integer exponent %s is not supported: metrotrace dimensions have integer exponents", s)
		}
	}
	return parseInteger(whole)
}

// parseInteger reads an exponent: an optional sign and at most three
// digits, never zero.
func parseInteger(s string) (int, error) {
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "+"), "-")
	if digits == "" || len(digits) > 3 || strings.Trim(digits, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not an integer exponent", s)
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer exponent", s)
	}
	if strings.HasPrefix(s, "-") {
		n = -n
	}
	return n, checkExponent(n)
}

func checkExponent(n int) error {
	if n == 0 {
		return fmt.Errorf("exponent 0 makes the unit one; write it as one")
	}
	if n > maxExponent || n < -maxExponent {
		return fmt.Errorf("exponent %d is out of range (at most %d)", n, maxExponent)
	}
	return nil
}
