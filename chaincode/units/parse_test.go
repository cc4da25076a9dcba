package units

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseGivesExactDimensionAndFactor(t *testing.T) {
	ohm := Dimension{Mass: 1, Length: 2, Time: -3, Current: -2}
	tests := []struct {
		unit   string
		dim    Dimension
		factor float64
		offset float64
		symbol string // canonical metrotrace symbol
		dsi    string // canonical D-SI form
	}{
		{"kg", Mass, 1, 0, "kg", `\kilogram`},
		{"g", Mass, 1e-3, 0, "g", `\gram`},
		{"mg", Mass, 1e-6, 0, "mg", `\milli\gram`},
		{"µg", Mass, 1e-9, 0, "µg", `\micro\gram`},
		{"ug", Mass, 1e-9, 0, "µg", `\micro\gram`},
		{"μg", Mass, 1e-9, 0, "µg", `\micro\gram`},
		{"t", Mass, 1e3, 0, "t", `\tonne`},
		{"m", Length, 1, 0, "m", `\metre`},
		{"mm", Length, 1e-3, 0, "mm", `\milli\metre`},
		{"km", Length, 1e3, 0, "km", `\kilo\metre`},
		{"µm", Length, 1e-6, 0, "µm", `\micro\metre`},
		{"um", Length, 1e-6, 0, "µm", `\micro\metre`},
		{"dam", Length, 10, 0, "dam", `\deca\metre`},
		{"s", Time, 1, 0, "s", `\second`},
		{"ms", Time, 1e-3, 0, "ms", `\milli\second`},
		{"min", Time, 60, 0, "min", `\minute`},
		{"h", Time, 3600, 0, "h", `\hour`},
		{"A", Current, 1, 0, "A", `\ampere`},
		{"mA", Current, 1e-3, 0, "mA", `\milli\ampere`},
		{"K", Temperature, 1, 0, "K", `\kelvin`},
		{"mK", Temperature, 1e-3, 0, "mK", `\milli\kelvin`},
		{"°C", Temperature, 1, 273.15, "°C", `\degreecelsius`},
		{"℃", Temperature, 1, 273.15, "°C", `\degreecelsius`},
		{"degC", Temperature, 1, 273.15, "°C", `\degreecelsius`},
		{"mol", Dimension{Amount: 1}, 1, 0, "mol", `\mole`},
		{"cd", Dimension{Luminous: 1}, 1, 0, "cd", `\candela`},
		{"Hz", Frequency, 1, 0, "Hz", `\hertz`},
		{"N", Force, 1, 0, "N", `\newton`},
		{"kN", Force, 1e3, 0, "kN", `\kilo\newton`},
		{"N·m", Energy, 1, 0, "N·m", `\newton\metre`},
		{"N*m", Energy, 1, 0, "N·m", `\newton\metre`},
		{"N⋅m", Energy, 1, 0, "N·m", `\newton\metre`},
		{"Pa", Pressure, 1, 0, "Pa", `\pascal`},
		{"hPa", Pressure, 1e2, 0, "hPa", `\hecto\pascal`},
		{"kPa", Pressure, 1e3, 0, "kPa", `\kilo\pascal`},
		{"MPa", Pressure, 1e6, 0, "MPa", `\mega\pascal`},
		{"bar", Pressure, 1e5, 0, "bar", `\bar`},
		{"mbar", Pressure, 1e2, 0, "mbar", `\milli\bar`},
		{"mmHg", Pressure, 133.322387415, 0, "mmHg", `\mmhg`},
		{"J", Energy, 1, 0, "J", `\joule`},
		{"kJ", Energy, 1e3, 0, "kJ", `\kilo\joule`},
		{"kWh", Energy, 3.6e6, 0, "kWh", `\kilo\watt\hour`},
		{"kW·h", Energy, 3.6e6, 0, "kWh", `\kilo\watt\hour`},
		{"MW·h", Energy, 3.6e9, 0, "MWh", `\mega\watt\hour`},
		{"W·h²", Dimension{Mass: 1, Length: 2, Time: -1}, 3600 * 3600, 0, "W·h²", `\watt\hour\tothe{2}`},
		{"mA·h", Dimension{Current: 1, Time: 1}, 3.6, 0, "mAh", `\milli\ampere\hour`},
		{`\kilo\watt\tothe{2}\hour\tothe{2}`, Dimension{Mass: 2, Length: 4, Time: -4}, 3.6e6 * 3.6e6, 0, "kWh²", `\kilo\watt\tothe{2}\hour\tothe{2}`},
		{"W", Power, 1, 0, "W", `\watt`},
		{"kW", Power, 1e3, 0, "kW", `\kilo\watt`},
		{"V", Voltage, 1, 0, "V", `\volt`},
		{"mV", Voltage, 1e-3, 0, "mV", `\milli\volt`},
		{"kV", Voltage, 1e3, 0, "kV", `\kilo\volt`},
		{"Ω", ohm, 1, 0, "Ω", `\ohm`},
		{"\u2126", ohm, 1, 0, "Ω", `\ohm`},
		{"ohm", ohm, 1, 0, "Ω", `\ohm`},
		{"kΩ", ohm, 1e3, 0, "kΩ", `\kilo\ohm`},
		{"MΩ", ohm, 1e6, 0, "MΩ", `\mega\ohm`},
		{"S", Dimension{Mass: -1, Length: -2, Time: 3, Current: 2}, 1, 0, "S", `\siemens`},
		{"F", Dimension{Mass: -1, Length: -2, Time: 4, Current: 2}, 1, 0, "F", `\farad`},
		{"H", Dimension{Mass: 1, Length: 2, Time: -2, Current: -2}, 1, 0, "H", `\henry`},
		{"T", Dimension{Mass: 1, Time: -2, Current: -1}, 1, 0, "T", `\tesla`},
		{"Wb", Dimension{Mass: 1, Length: 2, Time: -2, Current: -1}, 1, 0, "Wb", `\weber`},
		{"lm", Dimension{Luminous: 1, Angle: 2}, 1, 0, "lm", `\lumen`},
		{"lx", Dimension{Luminous: 1, Angle: 2, Length: -2}, 1, 0, "lx", `\lux`},
		{"Bq", Frequency, 1, 0, "Bq", `\becquerel`},
		{"Gy", Dimension{Length: 2, Time: -2}, 1, 0, "Gy", `\gray`},
		{"mGy", Dimension{Length: 2, Time: -2}, 1e-3, 0, "mGy", `\milli\gray`},
		{"Sv", Dimension{Length: 2, Time: -2}, 1, 0, "Sv", `\sievert`},
		{"µSv/h", Dimension{Length: 2, Time: -3}, 1e-6 / 3600, 0, "µSv/h", `\micro\sievert\hour\tothe{-1}`},
		{"L", Volume, 1e-3, 0, "L", `\litre`},
		{"l", Volume, 1e-3, 0, "L", `\litre`},
		{"mL", Volume, 1e-6, 0, "mL", `\milli\litre`},
		{"m³", Volume, 1, 0, "m³", `\metre\tothe{3}`},
		{"m3", Volume, 1, 0, "m³", `\metre\tothe{3}`},
		{"m^3", Volume, 1, 0, "m³", `\metre\tothe{3}`},
		{"cm³", Volume, 1e-6, 0, "cm³", `\centi\metre\tothe{3}`},
		{"m³/h", Dimension{Length: 3, Time: -1}, 1.0 / 3600, 0, "m³/h", `\metre\tothe{3}\hour\tothe{-1}`},
		{"L/min", Dimension{Length: 3, Time: -1}, 1e-3 / 60, 0, "L/min", `\litre\minute\tothe{-1}`},
		{"km/h", Dimension{Length: 1, Time: -1}, 1e3 / 3600, 0, "km/h", `\kilo\metre\hour\tothe{-1}`},
		{"m/s", Dimension{Length: 1, Time: -1}, 1, 0, "m/s", `\metre\second\tothe{-1}`},
		{"m/s²", Dimension{Length: 1, Time: -2}, 1, 0, "m/s²", `\metre\second\tothe{-2}`},
		{"m/s^2", Dimension{Length: 1, Time: -2}, 1, 0, "m/s²", `\metre\second\tothe{-2}`},
		{"kg/m³", Dimension{Mass: 1, Length: -3}, 1, 0, "kg/m³", `\kilogram\metre\tothe{-3}`},
		{"mg/L", Dimension{Mass: 1, Length: -3}, 1e-3, 0, "mg/L", `\milli\gram\litre\tothe{-1}`},
		{"W/(m²·K)", Dimension{Mass: 1, Time: -3, Temperature: -1}, 1, 0, "W·m⁻²·K⁻¹", `\watt\metre\tothe{-2}\kelvin\tothe{-1}`},
		{"1/s", Frequency, 1, 0, "s⁻¹", `\second\tothe{-1}`},
		{"s⁻¹", Frequency, 1, 0, "s⁻¹", `\second\tothe{-1}`},
		{"°C/min", Dimension{Temperature: 1, Time: -1}, 1.0 / 60, 0, "°C/min", `\degreecelsius\minute\tothe{-1}`},
		{"mol/mol", Dimensionless, 1, 0, "mol/mol", `\mole\mole\tothe{-1}`},
		{"µmol/mol", Dimensionless, 1e-6, 0, "µmol/mol", `\micro\mole\mole\tothe{-1}`},
		{"", Dimensionless, 1, 0, "", `\one`},
		{"%", Dimensionless, 1e-2, 0, "%", `\percent`},
		{"%RH", Dimensionless, 1e-2, 0, "%RH", `\percent`},
		{"ppm", Dimensionless, 1e-6, 0, "ppm", `\ppm`},
		{"rad", Dimension{Angle: 1}, 1, 0, "rad", `\radian`},
		{"mrad", Dimension{Angle: 1}, 1e-3, 0, "mrad", `\milli\radian`},
		{"°", Dimension{Angle: 1}, math.Pi / 180, 0, "°", `\degree`},
		{"″", Dimension{Angle: 1}, math.Pi / 648000, 0, "″", `\arcsecond`},
		{"sr", Dimension{Angle: 2}, 1, 0, "sr", `\steradian`},
		{"dB", Dimension{Bel: 1}, 0.1, 0, "dB", `\decibel`},
		{"Np", Dimension{Neper: 1}, 1, 0, "Np", `\neper`},
		{"eV", Energy, 1.602176634e-19, 0, "eV", `\electronvolt`},
		{"ha", Dimension{Length: 2}, 1e4, 0, "ha", `\hectare`},
		{"Å", Length, 1e-10, 0, "Å", `\angstrom`},
		{"kn", Dimension{Length: 1, Time: -1}, 1852.0 / 3600, 0, "kn", `\knot`},
		{"kat", Dimension{Amount: 1, Time: -1}, 1, 0, "kat", `\katal`},
		{"mAh", Dimension{Current: 1, Time: 1}, 3.6, 0, "mAh", `\milli\ampere\hour`},

		// D-SI strings read into the same model.
		{`\kilogram\metre\tothe{2}\ampere\tothe{-2}\second\tothe{-3}`, ohm, 1, 0, "kg·m²·A⁻²·s⁻³", `\kilogram\metre\tothe{2}\ampere\tothe{-2}\second\tothe{-3}`},
		{`\kilo\pascal`, Pressure, 1e3, 0, "kPa", `\kilo\pascal`},
		{`\kilo\gram`, Mass, 1, 0, "kg", `\kilogram`},
		{`\metre\per\second\tothe{2}`, Dimension{Length: 1, Time: -2}, 1, 0, "m/s²", `\metre\second\tothe{-2}`},
		{`\joule\per\kilogram\kelvin`, Dimension{Length: 2, Time: -2, Temperature: -1}, 1, 0, "J·kg⁻¹·K⁻¹", `\joule\kilogram\tothe{-1}\kelvin\tothe{-1}`},
		{`\per\second`, Frequency, 1, 0, "s⁻¹", `\second\tothe{-1}`},
		{`\metre\tothe{2.0}`, Dimension{Length: 2}, 1, 0, "m²", `\metre\tothe{2}`},
		{`\milli\metre\tothe{3}`, Volume, 1e-9, 0, "mm³", `\milli\metre\tothe{3}`},
		{`\quecto\metre`, Length, 1e-30, 0, "qm", `\quecto\metre`},
		{`\quetta\metre`, Length, 1e30, 0, "Qm", `\quetta\metre`},
		{`\ronna\gram`, Mass, 1e24, 0, "Rg", `\ronna\gram`},
		{`\degreecelsius\one`, Temperature, 1, 273.15, "°C", `\degreecelsius`},
		{`\one`, Dimensionless, 1, 0, "", `\one`},
		{`\percent`, Dimensionless, 1e-2, 0, "%", `\percent`},
		{`\mmhg`, Pressure, 133.322387415, 0, "mmHg", `\mmhg`},
		{`\astronomicalunit`, Length, 149597870700, 0, "au", `\astronomicalunit`},
		{`\dalton`, Mass, 1.66053906892e-27, 0, "Da", `\dalton`},
		{`\day`, Time, 86400, 0, "d", `\day`},
		{`\arcminute`, Dimension{Angle: 1}, math.Pi / 10800, 0, "′", `\arcminute`},
		{`\nauticalmile`, Length, 1852, 0, "nmi", `\nauticalmile`},
		{`\bel`, Dimension{Bel: 1}, 1, 0, "B", `\bel`},
	}
	for _, tt := range tests {
		t.Run(tt.unit+" is "+tt.dsi, func(t *testing.T) {
			u, err := Parse(tt.unit)
			if err != nil {
				t.Fatal(err)
			}
			if u.Dimension != tt.dim {
				t.Errorf("dimension %s (%+v), want %s (%+v)", u.Dimension.Formula(), u.Dimension, tt.dim.Formula(), tt.dim)
			}
			if !NearlyEqual(u.Factor(), tt.factor) {
				t.Errorf("factor %.17g, want %.17g", u.Factor(), tt.factor)
			}
			if u.Offset() != tt.offset {
				t.Errorf("offset %g, want %g", u.Offset(), tt.offset)
			}
			if got := u.String(); got != tt.symbol {
				t.Errorf("String() = %q, want %q", got, tt.symbol)
			}
			if got := u.DSI(); got != tt.dsi {
				t.Errorf("DSI() = %q, want %q", got, tt.dsi)
			}
		})
	}
}

func TestDecimalPrefixesAreExact(t *testing.T) {
	for unit, want := range map[string]float64{"mg": 1e-6, "µg": 1e-9, "mm³": 1e-9, "kWh": 3.6e6, "mbar": 100, "mL": 1e-6, "ng": 1e-12} {
		if got := MustParse(unit).Factor(); got != want {
			t.Errorf("factor of %s = %.17g, want exactly %g", unit, got, want)
		}
	}
}

func TestParseRefusesWhatIsNoUnit(t *testing.T) {
	tests := []struct{ unit, says string }{
		{"furlong", `"furlong" is not a unit symbol`},
		{"kkg", `"kg" takes no prefix`},
		{"Mt", `"t" takes no prefix`},
		{"kt", `"t" takes no prefix`},
		{"xm", `"xm" is not a unit symbol`},
		{"da", `"da" is not a unit symbol`},
		{"k°C", `"°C" takes no prefix`},
		{"m//s", "more than one '/'"},
		{"m/s/s", "more than one '/'"},
		{"m/", "nothing after '/'"},
		{"/s", "an empty term"},
		{"N··m", "an empty term"},
		{"m^", "not an integer exponent"},
		{"m^0.5", "not an integer exponent"},
		{"m^0", "exponent 0"},
		{"m^99", "out of range"},
		{"m⁻", "without digits"},
		{"^2", "an exponent without a unit"},
		{"m⁶¹", "out of range"},
		{strings.Repeat("m·", 60) + "m", "exponent 61 of m is out of range"},
		{strings.Repeat("m", 600), "longer than any unit"},
		{"m\xff", "not UTF-8"},
		{`\pound`, `\pound is not a D-SI unit or prefix`},
		{`\degreefahrenheit`, `is not a D-SI unit or prefix`},
		{`\milli\kilogram`, `\kilogram takes no prefix`},
		{`\kilo\one`, `\one takes no prefix`},
		{`\milli\percent`, `\percent takes no prefix`},
		{`\milli\hour`, `\hour takes no prefix`},
		{`\kilo\degreecelsius`, `\degreecelsius takes no prefix`},
		{`\kilo`, `the prefix \kilo has no unit`},
		{`\milli\milli\metre`, `\milli follows the prefix \milli`},
		{`\metre\tothe{0.5}`, "non-integer exponent 0.5 is not supported"},
		{`\volt\hertz\tothe{-0.5}`, "non-integer exponent -0.5"},
		{`\metre\tothe{0}`, "exponent 0"},
		{`\metre\tothe{x}`, "not an integer exponent"},
		{`\metre\tothe{1e3}`, "not an integer exponent"},
		{`\metre\tothe{}`, "not an integer exponent"},
		{`\metre\tothe{2.}`, "not a number"},
		{`\tothe{2}`, `does not follow a unit`},
		{`\metre\tothe{2}\tothe{2}`, `does not follow a unit`},
		{`\metre\per\tothe{2}`, `does not follow a unit`},
		{`\metre\per`, `nothing after \per`},
		{`\metre\per\second\per\second`, `more than one \per`},
		{`\metre\\second`, `an empty macro`},
		{`\metre\`, `an empty macro`},
		{`\metre \second`, `is not a D-SI unit or prefix`},
		{`\Metre`, `\Metre is not a D-SI unit or prefix`},
		{`\quetta\metre\tothe{20}`, "out of the range of numbers"},
	}
	for _, tt := range tests {
		t.Run(tt.unit+" is refused", func(t *testing.T) {
			u, err := Parse(tt.unit)
			if !errors.Is(err, ErrUnknownUnit) {
				t.Fatalf("Parse(%q) = %v, %v; want ErrUnknownUnit", tt.unit, u, err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("Parse(%q): %q does not say %q", tt.unit, err, tt.says)
			}
			var ue *UnitError
			if !errors.As(err, &ue) || ue.Reason == "" {
				t.Errorf("Parse(%q): %v is not a UnitError with a reason", tt.unit, err)
			}
		})
	}
	if _, err := ParseDSI("kPa"); !errors.Is(err, ErrUnknownUnit) {
		t.Errorf("ParseDSI(kPa) = %v, want ErrUnknownUnit", err)
	}
}

// TestEveryPrefixedSymbolReadsBack guards the metrotrace syntax against
// ambiguity: every prefix on every unit that takes one writes a symbol that
// reads back as that prefix and that unit, and every unit's own symbol reads
// as itself, never as a prefixed other.
func TestEveryPrefixedSymbolReadsBack(t *testing.T) {
	for ai, a := range atoms {
		if a.symbol == "" {
			continue
		}
		u := MustParse(a.symbol)
		if len(u.terms) != 1 || u.terms[0] != (term{prefix: -1, atom: atomBySymbol[a.symbol], exp: 1}) {
			t.Errorf("%q reads as %+v", a.symbol, u.terms)
		}
		if !a.prefixable {
			continue
		}
		for pi, p := range prefixes {
			want := normalize(term{prefix: pi, atom: ai, exp: 1})
			s := p.symbol + a.symbol
			u, err := Parse(s)
			if err != nil || len(u.terms) != 1 || u.terms[0] != want {
				t.Errorf("%q reads as %+v, %v; want %s and %s", s, u.terms, err, p.dsi, a.dsi)
			}
			d, err := Parse(`\` + p.dsi + `\` + a.dsi[0])
			if len(a.dsi) == 1 && (err != nil || d.String() != u.String()) {
				t.Errorf(`\%s\%s reads as %q, %v; want %q`, p.dsi, a.dsi[0], d.String(), err, u.String())
			}
		}
	}
}

// TestUnitsOnRecordsStillRead lists every unit metrotrace's tests, demo
// catalogue, scenario and DCC mapping write, so records already on a ledger
// stay valid.
func TestUnitsOnRecordsStillRead(t *testing.T) {
	for _, unit := range []string{
		"kg", "g", "mg", "µg", "t", "mm", "µm", "m", "dam", "kPa", "MPa", "hPa", "Pa", "mbar", "bar",
		"°C", "℃", "degC", "K", "mK", "V", "mV", "µV", "A", "mA", "Ω", "kΩ", "ohm",
		"s", "ms", "min", "h", "Hz", "kHz", "MHz", "N", "kN", "J", "W", "L", "mL", "m3", "%", "ppm", "",
	} {
		if !Known(unit) {
			t.Errorf("%q is no longer a unit", unit)
		}
	}
}

func TestDimensionNamesAndFormula(t *testing.T) {
	tests := []struct {
		unit, name, formula string
	}{
		{"kg", "mass", "kg"},
		{"kPa", "pressure", "kg·m⁻¹·s⁻²"},
		{"Ω", "resistance", "kg·m²·s⁻³·A⁻²"},
		{"%", "dimensionless", "1"},
		{"Gy", "m²·s⁻²", "m²·s⁻²"},
		{"dB", "sound_level", "B"},
		{"kg·m⁻⁴", "kg·m⁻⁴", "kg·m⁻⁴"},
	}
	for _, tt := range tests {
		d := MustParse(tt.unit).Dimension
		if d.String() != tt.name || d.Formula() != tt.formula {
			t.Errorf("%s: String %q Formula %q, want %q and %q", tt.unit, d.String(), d.Formula(), tt.name, tt.formula)
		}
	}
}
