package units

import (
	"errors"
	"math"
	"testing"
)

// FuzzParse reads arbitrary text as a unit. It must never panic; what it
// refuses it refuses with ErrUnknownUnit; what it reads has a finite,
// non-zero factor, and its metrotrace symbol and its D-SI form both read back
// as the same unit and write themselves again unchanged.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"", "kg", "mg", "µm", "um", "°C", "℃", "kPa", "mmHg", "kWh", "m³/h", "m3", "L/min", "km/h", "N·m", "N*m",
		"m/s²", "m/s^2", "W/(m²·K)", "1/s", "s⁻¹", "mol/mol", "mg/L", "%", "%RH", "% RH", "ppm", "dB", "rad", "°",
		"Ω", "kΩ", "ohm", "µSv/h", "mAh", "dam", "kkg", "Mt", "m//s", "m^0",
		`\kilogram\metre\tothe{2}\ampere\tothe{-2}\second\tothe{-3}`, `\kilo\pascal`, `\metre\per\second\tothe{2}`,
		`\degreecelsius`, `\one`, `\percent`, `\metre\tothe{0.5}`, `\milli\kilogram`, `\kilo\gram`, `\per\second`,
		`\quetta\metre\tothe{20}`, `\metre\\second`, `\tothe{2}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrUnknownUnit) {
				t.Fatalf("Parse(%q): %v is not ErrUnknownUnit", s, err)
			}
			return
		}
		if f := u.Factor(); math.IsInf(f, 0) || math.IsNaN(f) || f == 0 {
			t.Fatalf("Parse(%q): factor %g", s, f)
		}
		sym := u.String()
		us, err := parse(sym)
		if err != nil {
			t.Fatalf("%q writes %q, which does not read: %v", s, sym, err)
		}
		if !sameModel(u, us) || us.special != u.special || us.String() != sym {
			t.Fatalf("%q → %q → %q (%+v), want %+v", s, sym, us.String(), us, u)
		}
		dsi := u.DSI()
		ud, err := parse(dsi)
		if err != nil {
			t.Fatalf("%q writes %q, which does not read: %v", s, dsi, err)
		}
		if !sameModel(u, ud) || ud.DSI() != dsi {
			t.Fatalf("%q → %q → %q (%+v), want %+v", s, dsi, ud.DSI(), ud, u)
		}
	})
}
