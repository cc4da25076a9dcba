package units

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestConvertDerivedAndNonSIUnits(t *testing.T) {
	tests := []struct {
		name     string
		value    float64
		from, to string
		want     float64
	}{
		{"kilowatt hours to joules", 1, "kWh", "J", 3.6e6},
		{"kilowatt hours written as a product", 2.5, "kW·h", "MJ", 9},
		{"D-SI kilowatt hours to megajoules", 1, `\kilo\watt\hour`, "MJ", 3.6},
		{"kilometres per hour to metres per second", 72, "km/h", "m/s", 20},
		{"knots to kilometres per hour", 1, "kn", "km/h", 1.852},
		{"cubic metres per hour to litres per minute", 6, "m³/h", "L/min", 100},
		{"legacy m3 to litres", 1.5, "m3", "L", 1500},
		{"millimetres of mercury to kilopascals", 120, "mmHg", "kPa", 15.998686489800},
		{"D-SI ohm in base units to kilohms", 4700, `\kilogram\metre\tothe{2}\ampere\tothe{-2}\second\tothe{-3}`, "kΩ", 4.7},
		{"newton metres are joules", 3, "N·m", "J", 3},
		{"milligrams per litre to grams per cubic metre", 0.25, "mg/L", "g/m³", 0.25},
		{"micromoles per mole to ppm", 35, "µmol/mol", "ppm", 35},
		{"percent relative humidity to percent", 45, "%RH", "%", 45},
		{"degrees to radians", 180, "°", "rad", math.Pi},
		{"arcseconds to degrees", 3600, "″", "°", 1},
		{"decibels to bels", 85, "dB", "B", 8.5},
		{"millisievert per hour to microsievert per hour", 0.002, "mSv/h", "µSv/h", 2},
		{"hectares to square metres", 1.5, "ha", "m²", 15000},
		{"electronvolts to joules", 1, "MeV", "J", 1.602176634e-13},
		{"celsius per minute is a rate, no offset", 2, "°C/min", "K/s", 2.0 / 60},
		{"kelvin to celsius absolute", 300, "K", "°C", 26.85},
		{"millikelvin to celsius absolute", 273160, "mK", "°C", 0.01},
		{"celsius to millikelvin absolute", 0.01, "°C", "mK", 273160},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Convert(tt.value, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > 1e-9*math.Max(1, math.Abs(tt.want)) {
				t.Fatalf("Convert(%g %s → %s) = %.15g, want %.15g", tt.value, tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestConvertIsExactAcrossDecimalPrefixes(t *testing.T) {
	tests := []struct {
		value    float64
		from, to string
		want     float64
	}{
		{250, "mg", "g", 0.25},
		{12.5, "mm", "m", 0.0125},
		{1500, "g", "kg", 1.5},
		{0.1, "kg", "mg", 100000},
		{7.3, "kPa", "Pa", 7300},
		{1013.25, "hPa", "kPa", 101.325},
	}
	for _, tt := range tests {
		if got, _ := Convert(tt.value, tt.from, tt.to); got != tt.want {
			t.Errorf("Convert(%g %s → %s) = %.17g, want exactly %g", tt.value, tt.from, tt.to, got, tt.want)
		}
	}
}

func TestConvertRefusesWhatSIWouldCountAsOne(t *testing.T) {
	for _, pair := range [][2]string{
		{"Gy", "Sv"}, {"mGy", "mSv"}, {"Hz", "Bq"}, {"%", "dB"}, {"", "rad"}, {"%", "°"}, {"dB", "Np"},
		{"cd", "lm"}, {"lm", "lx"}, {"rad", "sr"}, {"K", "°C/min"}, {"m³", "L/min"}, {"kWh", "kW"},
	} {
		if _, err := Convert(1, pair[0], pair[1]); !errors.Is(err, ErrIncompatible) {
			t.Errorf("Convert(1, %q, %q) = %v, want ErrIncompatible", pair[0], pair[1], err)
		}
	}
	for _, pair := range [][2]string{{"Gy", "J/kg"}, {"Sv", "m²/s²"}, {"Hz", "s⁻¹"}, {"Bq", "1/s"}, {"%RH", ""}, {"J", "N·m"}} {
		if err := Compatible(pair[0], pair[1]); err != nil {
			t.Errorf("Compatible(%q, %q) = %v, want nil", pair[0], pair[1], err)
		}
	}
	err := Compatible("Gy", "Sv")
	if err == nil || !strings.Contains(err.Error(), `"Gy" (absorbed_dose) and "Sv" (dose_equivalent)`) {
		t.Errorf("Compatible(Gy, Sv) = %v, want it to name both quantities", err)
	}
}

// families are units of one dimension each, for the round-trip properties.
var families = [][]string{
	{"kg", "g", "mg", "µg", "t", "Da", `\kilogram`, `\micro\gram`},
	{"m", "mm", "km", "µm", "nm", "Å", "au", "nmi", `\deca\metre`},
	{"Pa", "kPa", "MPa", "hPa", "bar", "mbar", "mmHg", "N/m²", `\kilogram\metre\tothe{-1}\second\tothe{-2}`},
	{"J", "kJ", "kWh", "Wh", "eV", "N·m", "W·s", `\kilo\watt\hour`},
	{"Ω", "kΩ", "MΩ", "mΩ", "V/A", `\kilogram\metre\tothe{2}\ampere\tothe{-2}\second\tothe{-3}`},
	{"m/s", "km/h", "kn", "mm/min", `\metre\per\second`},
	{"m³/h", "L/min", "mL/s", "m³/s", "L/h"},
	{"m³", "L", "mL", "cm³", "m3", "dm³"},
	{"s", "ms", "min", "h", "d", "µs"},
	{"rad", "mrad", "°", "′", "″"},
	{"", "%", "ppm", "mol/mol", "µmol/mol", "%RH", `\one`, `\percent`},
	{"Gy", "mGy", "µGy", "J/kg"},
	{"dB", "B"},
	{"lx", "lm/m²", "klx"},
	{"mg/L", "g/m³", "kg/m³", "g/cm³"},
}

func TestConvertRoundTripsBetweenCompatibleUnits(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 3))
	for i := 0; i < 10000; i++ {
		f := families[r.IntN(len(families))]
		a, b := f[r.IntN(len(f))], f[r.IntN(len(f))]
		x := (r.Float64()*2 - 1) * math.Pow(10, float64(r.IntN(13)-6))
		there, err := Convert(x, a, b)
		if err != nil {
			t.Fatalf("Convert(%g, %q, %q): %v", x, a, b, err)
		}
		back, err := Convert(there, b, a)
		if err != nil {
			t.Fatalf("Convert(%g, %q, %q): %v", there, b, a, err)
		}
		if !NearlyEqual(back, x) {
			t.Fatalf("%g %s → %g %s → %g %s", x, a, there, b, back, a)
		}
		d, _ := ConvertDelta(x, a, b)
		if d != there {
			t.Fatalf("without an offset ConvertDelta(%g, %q, %q) = %g differs from Convert = %g", x, a, b, d, there)
		}
	}
}

func TestConvertRoundTripsTemperatures(t *testing.T) {
	temps := []string{"K", "mK", "µK", "°C", "℃", `\degreecelsius`, `\kelvin`, `\milli\kelvin`}
	r := rand.New(rand.NewPCG(27, 315))
	for i := 0; i < 10000; i++ {
		a, b := temps[r.IntN(len(temps))], temps[r.IntN(len(temps))]
		x := r.Float64()*2000 - 200
		for _, conv := range []struct {
			name string
			f    func(float64, string, string) (float64, error)
		}{{"Convert", Convert}, {"ConvertDelta", ConvertDelta}} {
			there, err := conv.f(x, a, b)
			if err != nil {
				t.Fatal(err)
			}
			back, _ := conv.f(there, b, a)
			// An offset of 273.15 K costs absolute, not relative, precision:
			// about one ulp of 273.15 K, in the unit of x.
			fa := MustParse(a).Factor()
			if math.Abs(back-x) > 1e-12*math.Max(math.Abs(x)*fa, 300)/fa {
				t.Fatalf("%s: %g %s → %g %s → %g %s", conv.name, x, a, there, b, back, a)
			}
		}
	}
	if got, _ := Convert(20, "°C", "K"); got != 293.15 {
		t.Errorf("Convert(20 °C → K) = %.17g", got)
	}
	if got, _ := ConvertDelta(20, "°C", "K"); got != 20 {
		t.Errorf("ConvertDelta(20 °C → K) = %.17g", got)
	}
}

// randomUnit writes a random product of prefixed units with exponents, in
// the metrotrace syntax.
func randomUnit(r *rand.Rand) string {
	n := 1 + r.IntN(4)
	parts := make([]string, n)
	for i := range parts {
		a := atoms[r.IntN(len(atoms))]
		for a.symbol == "" {
			a = atoms[r.IntN(len(atoms))]
		}
		s := a.symbol
		if a.prefixable && r.IntN(2) == 0 {
			s = prefixes[r.IntN(len(prefixes))].symbol + s
		}
		if e := r.IntN(7) - 3; e != 0 && e != 1 {
			s += superscript(e)
		}
		parts[i] = s
	}
	return strings.Join(parts, "·")
}

func sameModel(a, b Unit) bool {
	return a.Dimension == b.Dimension && NearlyEqual(a.Factor(), b.Factor()) && a.Offset() == b.Offset()
}

func TestSymbolAndDSIGiveTheSameModel(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 12))
	for i := 0; i < 10000; i++ {
		s := randomUnit(r)
		u, err := Parse(s)
		if err != nil {
			if strings.Contains(err.Error(), "takes no prefix") || strings.Contains(err.Error(), "out of") {
				continue
			}
			t.Fatalf("Parse(%q): %v", s, err)
		}
		d, err := Parse(u.DSI())
		if err != nil || !sameModel(u, d) {
			t.Fatalf("%q → %q → %+v, %v; want %+v", s, u.DSI(), d, err, u)
		}
		c, err := Parse(u.String())
		if err != nil || !sameModel(u, c) || c.special != u.special || c.String() != u.String() {
			t.Fatalf("%q → %q → %+v, %v; want %+v", s, u.String(), c, err, u)
		}
		if d.DSI() != u.DSI() {
			t.Fatalf("D-SI of %q is not stable: %q then %q", s, u.DSI(), d.DSI())
		}
	}
}
