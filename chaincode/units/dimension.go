package units

import (
	"strconv"
	"strings"
)

// Dimension is what a unit measures: the integer exponents of the seven SI
// base dimensions and of three dimensions SI counts as 1 but that are kept
// apart here, because converting them into a plain ratio is a mistake: plane
// angle (rad; a steradian is rad²), and the logarithmic levels in bel and in
// neper. Dimensions compare with ==.
type Dimension struct {
	Length      int8 // metre
	Mass        int8 // kilogram
	Time        int8 // second
	Current     int8 // ampere
	Temperature int8 // kelvin
	Amount      int8 // mole
	Luminous    int8 // candela
	Angle       int8 // radian
	Bel         int8 // bel (level of a power quantity, 10·lg)
	Neper       int8 // neper (level of a field quantity, ln)
}

// Dimensions of the quantities metrotrace recorded before units had a
// dimension vector, under their old names.
var (
	Dimensionless = Dimension{}
	Mass          = Dimension{Mass: 1}
	Length        = Dimension{Length: 1}
	Temperature   = Dimension{Temperature: 1}
	Time          = Dimension{Time: 1}
	Current       = Dimension{Current: 1}
	Frequency     = Dimension{Time: -1}
	Force         = Dimension{Mass: 1, Length: 1, Time: -2}
	Pressure      = Dimension{Mass: 1, Length: -1, Time: -2}
	Energy        = Dimension{Mass: 1, Length: 2, Time: -2}
	Power         = Dimension{Mass: 1, Length: 2, Time: -3}
	Voltage       = Dimension{Mass: 1, Length: 2, Time: -3, Current: -1}
	Resistance    = Dimension{Mass: 1, Length: 2, Time: -3, Current: -2}
	Volume        = Dimension{Length: 3}
)

// numDims is the number of exponents in a Dimension.
const numDims = 10

// maxExponent bounds every exponent of a parsed unit, so that no product of
// terms overflows and no factor leaves the float range unnoticed.
const maxExponent = 60

// baseSymbols are the coherent units of the exponents, in Dimension order,
// for writing a dimension without a name.
var baseSymbols = [numDims]string{"m", "kg", "s", "A", "K", "mol", "cd", "rad", "B", "Np"}

func (d Dimension) vec() [numDims]int {
	return [numDims]int{int(d.Length), int(d.Mass), int(d.Time), int(d.Current), int(d.Temperature),
		int(d.Amount), int(d.Luminous), int(d.Angle), int(d.Bel), int(d.Neper)}
}

// fromVec builds a Dimension from exponents already checked against
// maxExponent.
func fromVec(v [numDims]int) Dimension {
	return Dimension{int8(v[0]), int8(v[1]), int8(v[2]), int8(v[3]), int8(v[4]),
		int8(v[5]), int8(v[6]), int8(v[7]), int8(v[8]), int8(v[9])}
}

// IsDimensionless reports whether d is a plain ratio ("", "%", "mol/mol").
// Angles and levels are not plain ratios.
func (d Dimension) IsDimensionless() bool { return d == Dimensionless }

// Formula writes the dimension as a product of coherent units,
// "kg·m²·s⁻³·A⁻²" for the ohm, "1" for a ratio.
func (d Dimension) Formula() string {
	v := d.vec()
	// kg first: "kg·m²·s⁻²" is how the SI brochure writes these.
	order := [numDims]int{1, 0, 2, 3, 4, 5, 6, 7, 8, 9}
	var parts []string
	for _, i := range order {
		if v[i] == 0 {
			continue
		}
		p := baseSymbols[i]
		if v[i] != 1 {
			p += superscript(v[i])
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "1"
	}
	return strings.Join(parts, "·")
}

// String names the dimension after the quantity it is best known as
// ("mass", "pressure", "energy", "dimensionless"); a dimension no quantity
// has is written as its [Dimension.Formula].
func (d Dimension) String() string {
	if d == Dimensionless {
		return "dimensionless"
	}
	if name, ok := dimensionNames[d]; ok {
		return name
	}
	return d.Formula()
}

var superscriptDigits = []string{"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"}

// superscript writes an integer as superscript digits, "⁻²" for -2.
func superscript(n int) string {
	var b strings.Builder
	if n < 0 {
		b.WriteString("⁻")
		n = -n
	}
	for _, c := range strconv.Itoa(n) {
		b.WriteString(superscriptDigits[c-'0'])
	}
	return b.String()
}
