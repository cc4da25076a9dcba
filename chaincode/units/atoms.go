package units

import "math"

// atom is a unit with a name of its own: its metrotrace symbol, its D-SI
// macros, what it measures and its factor to the coherent SI unit
// (mant·10^exp10, kept apart so that decimal prefixes multiply exactly).
type atom struct {
	symbol     string   // canonical metrotrace symbol
	dsi        []string // D-SI macros (without backslash) whose product it is
	dim        Dimension
	mant       float64
	exp10      int
	offset     float64 // kelvin at 0 of the unit: only °C has one
	prefixable bool
	// special names a unit whose dimension other quantities share and that
	// names one quantity only: Hz is not Bq, Gy is not Sv, %RH is humidity.
	special string
}

// atoms lists every unit with a name: the SI base and derived units, the
// non-SI units D-SI 2.x admits, and metrotrace's shorthand products (Wh, Ah).
// Order matters only for readers; lookups go through the maps built from it.
var atoms = []atom{
	// SI base units.
	{symbol: "m", dsi: []string{"metre"}, dim: Dimension{Length: 1}, mant: 1, prefixable: true},
	{symbol: "kg", dsi: []string{"kilogram"}, dim: Dimension{Mass: 1}, mant: 1},
	{symbol: "g", dsi: []string{"gram"}, dim: Dimension{Mass: 1}, mant: 1, exp10: -3, prefixable: true},
	{symbol: "s", dsi: []string{"second"}, dim: Dimension{Time: 1}, mant: 1, prefixable: true},
	{symbol: "A", dsi: []string{"ampere"}, dim: Dimension{Current: 1}, mant: 1, prefixable: true},
	{symbol: "K", dsi: []string{"kelvin"}, dim: Dimension{Temperature: 1}, mant: 1, prefixable: true},
	{symbol: "mol", dsi: []string{"mole"}, dim: Dimension{Amount: 1}, mant: 1, prefixable: true},
	{symbol: "cd", dsi: []string{"candela"}, dim: Dimension{Luminous: 1}, mant: 1, prefixable: true},

	// SI derived units with special names.
	{symbol: "rad", dsi: []string{"radian"}, dim: Dimension{Angle: 1}, mant: 1, prefixable: true},
	{symbol: "sr", dsi: []string{"steradian"}, dim: Dimension{Angle: 2}, mant: 1, prefixable: true},
	{symbol: "Hz", dsi: []string{"hertz"}, dim: Dimension{Time: -1}, mant: 1, prefixable: true, special: "Hz"},
	{symbol: "N", dsi: []string{"newton"}, dim: Force, mant: 1, prefixable: true},
	{symbol: "Pa", dsi: []string{"pascal"}, dim: Pressure, mant: 1, prefixable: true},
	{symbol: "J", dsi: []string{"joule"}, dim: Energy, mant: 1, prefixable: true},
	{symbol: "W", dsi: []string{"watt"}, dim: Power, mant: 1, prefixable: true},
	{symbol: "C", dsi: []string{"coulomb"}, dim: Dimension{Current: 1, Time: 1}, mant: 1, prefixable: true},
	{symbol: "V", dsi: []string{"volt"}, dim: Voltage, mant: 1, prefixable: true},
	{symbol: "F", dsi: []string{"farad"}, dim: Dimension{Mass: -1, Length: -2, Time: 4, Current: 2}, mant: 1, prefixable: true},
	{symbol: "Ω", dsi: []string{"ohm"}, dim: Resistance, mant: 1, prefixable: true},
	{symbol: "S", dsi: []string{"siemens"}, dim: Dimension{Mass: -1, Length: -2, Time: 3, Current: 2}, mant: 1, prefixable: true},
	{symbol: "Wb", dsi: []string{"weber"}, dim: Dimension{Mass: 1, Length: 2, Time: -2, Current: -1}, mant: 1, prefixable: true},
	{symbol: "T", dsi: []string{"tesla"}, dim: Dimension{Mass: 1, Time: -2, Current: -1}, mant: 1, prefixable: true},
	{symbol: "H", dsi: []string{"henry"}, dim: Dimension{Mass: 1, Length: 2, Time: -2, Current: -2}, mant: 1, prefixable: true},
	{symbol: "°C", dsi: []string{"degreecelsius"}, dim: Dimension{Temperature: 1}, mant: 1, offset: 273.15},
	{symbol: "lm", dsi: []string{"lumen"}, dim: Dimension{Luminous: 1, Angle: 2}, mant: 1, prefixable: true},
	{symbol: "lx", dsi: []string{"lux"}, dim: Dimension{Luminous: 1, Angle: 2, Length: -2}, mant: 1, prefixable: true},
	{symbol: "Bq", dsi: []string{"becquerel"}, dim: Dimension{Time: -1}, mant: 1, prefixable: true, special: "Bq"},
	{symbol: "Gy", dsi: []string{"gray"}, dim: Dimension{Length: 2, Time: -2}, mant: 1, prefixable: true, special: "Gy"},
	{symbol: "Sv", dsi: []string{"sievert"}, dim: Dimension{Length: 2, Time: -2}, mant: 1, prefixable: true, special: "Sv"},
	{symbol: "kat", dsi: []string{"katal"}, dim: Dimension{Amount: 1, Time: -1}, mant: 1, prefixable: true},

	// Non-SI units accepted for use with the SI, as D-SI writes them.
	{symbol: "min", dsi: []string{"minute"}, dim: Dimension{Time: 1}, mant: 60},
	{symbol: "h", dsi: []string{"hour"}, dim: Dimension{Time: 1}, mant: 3600},
	{symbol: "d", dsi: []string{"day"}, dim: Dimension{Time: 1}, mant: 86400},
	{symbol: "au", dsi: []string{"astronomicalunit"}, dim: Dimension{Length: 1}, mant: 149597870700},
	{symbol: "°", dsi: []string{"degree"}, dim: Dimension{Angle: 1}, mant: math.Pi / 180},
	{symbol: "′", dsi: []string{"arcminute"}, dim: Dimension{Angle: 1}, mant: math.Pi / 10800},
	{symbol: "″", dsi: []string{"arcsecond"}, dim: Dimension{Angle: 1}, mant: math.Pi / 648000},
	{symbol: "ha", dsi: []string{"hectare"}, dim: Dimension{Length: 2}, mant: 1, exp10: 4},
	{symbol: "L", dsi: []string{"litre"}, dim: Volume, mant: 1, exp10: -3, prefixable: true},
	{symbol: "t", dsi: []string{"tonne"}, dim: Dimension{Mass: 1}, mant: 1, exp10: 3},
	{symbol: "Da", dsi: []string{"dalton"}, dim: Dimension{Mass: 1}, mant: 1.66053906892, exp10: -27, prefixable: true},
	{symbol: "eV", dsi: []string{"electronvolt"}, dim: Energy, mant: 1.602176634, exp10: -19, prefixable: true},
	{symbol: "Np", dsi: []string{"neper"}, dim: Dimension{Neper: 1}, mant: 1},
	{symbol: "B", dsi: []string{"bel"}, dim: Dimension{Bel: 1}, mant: 1},
	{symbol: "dB", dsi: []string{"decibel"}, dim: Dimension{Bel: 1}, mant: 1, exp10: -1},

	// Units D-SI admits for use in older documents.
	{symbol: "bar", dsi: []string{"bar"}, dim: Pressure, mant: 1, exp10: 5, prefixable: true},
	{symbol: "mmHg", dsi: []string{"mmhg"}, dim: Pressure, mant: 133.322387415},
	{symbol: "Å", dsi: []string{"angstrom"}, dim: Dimension{Length: 1}, mant: 1, exp10: -10},
	{symbol: "nmi", dsi: []string{"nauticalmile"}, dim: Dimension{Length: 1}, mant: 1852},
	{symbol: "kn", dsi: []string{"knot"}, dim: Dimension{Length: 1, Time: -1}, mant: 1852.0 / 3600},

	// Ratios.
	{symbol: "", dsi: []string{"one"}, dim: Dimensionless, mant: 1},
	{symbol: "%", dsi: []string{"percent"}, dim: Dimensionless, mant: 1, exp10: -2},
	{symbol: "ppm", dsi: []string{"ppm"}, dim: Dimensionless, mant: 1, exp10: -6},

	// metrotrace shorthands: products written as one symbol.
	{symbol: "%RH", dsi: []string{"percent"}, dim: Dimensionless, mant: 1, exp10: -2, special: "%RH"},
	{symbol: "Wh", dsi: []string{"watt", "hour"}, dim: Energy, mant: 3600, prefixable: true},
	{symbol: "Ah", dsi: []string{"ampere", "hour"}, dim: Dimension{Current: 1, Time: 1}, mant: 3600, prefixable: true},
}

// symbolAliases are other spellings of metrotrace symbols.
var symbolAliases = map[string]string{
	"\u2103": "°C", "degC": "°C",
	"ohm": "\u03a9", "\u2126": "\u03a9", // OHM SIGN
	"l":      "L",
	"deg":    "°",
	"\u212b": "\u00c5", // ANGSTROM SIGN
	"% RH":   "%RH", "%rh": "%RH",
}

// prefix is an SI prefix: its metrotrace symbol, its D-SI macro and its
// power of ten.
type prefix struct {
	symbol string
	dsi    string
	exp10  int
}

// prefixes lists the SI prefixes from quecto to quetta (SI brochure, 9th
// edition, 2022 amendment), as D-SI 2.x names them.
var prefixes = []prefix{
	{"q", "quecto", -30}, {"r", "ronto", -27}, {"y", "yocto", -24}, {"z", "zepto", -21},
	{"a", "atto", -18}, {"f", "femto", -15}, {"p", "pico", -12}, {"n", "nano", -9},
	{"\u00b5", "micro", -6}, {"m", "milli", -3}, {"c", "centi", -2}, {"d", "deci", -1},
	{"da", "deca", 1}, {"h", "hecto", 2}, {"k", "kilo", 3}, {"M", "mega", 6},
	{"G", "giga", 9}, {"T", "tera", 12}, {"P", "peta", 15}, {"E", "exa", 18},
	{"Z", "zetta", 21}, {"Y", "yotta", 24}, {"R", "ronna", 27}, {"Q", "quetta", 30},
}

// prefixAliases are other spellings of prefix symbols: the Greek mu and the
// ASCII u for the micro sign.
var prefixAliases = map[string]string{"\u03bc": "\u00b5", "u": "\u00b5"}

// Lookup tables built once from the lists above. They are read, never
// ranged over, so map order cannot leak into results.
var (
	atomBySymbol   = map[string]int{}
	atomByDSI      = map[string]int{}
	prefixBySymbol = map[string]int{}
	prefixByDSI    = map[string]int{}
	// prefixSymbolsLongestFirst is tried in order when splitting a
	// metrotrace symbol, so "da" wins over "d".
	prefixSymbolsLongestFirst []string
	kilo, gram, kilogram      int
)

func init() {
	for i, a := range atoms {
		if _, dup := atomBySymbol[a.symbol]; !dup {
			atomBySymbol[a.symbol] = i
		}
		if len(a.dsi) == 1 && a.special != "%RH" {
			atomByDSI[a.dsi[0]] = i
		}
	}
	for alias, symbol := range symbolAliases {
		atomBySymbol[alias] = atomBySymbol[symbol]
	}
	for i, p := range prefixes {
		prefixBySymbol[p.symbol] = i
		prefixByDSI[p.dsi] = i
	}
	for alias, symbol := range prefixAliases {
		prefixBySymbol[alias] = prefixBySymbol[symbol]
	}
	for _, p := range []string{"da"} {
		prefixSymbolsLongestFirst = append(prefixSymbolsLongestFirst, p)
	}
	for _, p := range prefixes {
		if p.symbol != "da" {
			prefixSymbolsLongestFirst = append(prefixSymbolsLongestFirst, p.symbol)
		}
	}
	prefixSymbolsLongestFirst = append(prefixSymbolsLongestFirst, "\u03bc", "u")
	kilo, gram, kilogram = prefixBySymbol["k"], atomBySymbol["g"], atomBySymbol["kg"]
}
