package dcc

import (
	"errors"
	"testing"
)

func TestUnitFromDSI(t *testing.T) {
	tests := []struct{ dsi, want string }{
		{`\kilogram`, "kg"},
		{`\gram`, "g"},
		{`\milli\gram`, "mg"},
		{`\micro\gram`, "µg"},
		{`\tonne`, "t"},
		{`\metre`, "m"},
		{`\milli\metre`, "mm"},
		{`\micro\metre`, "µm"},
		{`\nano\metre`, "nm"},
		{`\centi\metre`, "cm"},
		{`\kilo\metre`, "km"},
		{`\metre\tothe{3}`, "m3"},
		{`\litre`, "L"},
		{`\milli\litre`, "mL"},
		{`\kelvin`, "K"},
		{`\milli\kelvin`, "mK"},
		{`\degreecelsius`, "°C"},
		{`\pascal`, "Pa"},
		{`\hecto\pascal`, "hPa"},
		{`\kilo\pascal`, "kPa"},
		{`\mega\pascal`, "MPa"},
		{`\bar`, "bar"},
		{`\milli\bar`, "mbar"},
		{`\volt`, "V"},
		{`\milli\volt`, "mV"},
		{`\micro\volt`, "µV"},
		{`\ampere`, "A"},
		{`\milli\ampere`, "mA"},
		{`\ohm`, "Ω"},
		{`\kilo\ohm`, "kΩ"},
		{`\second`, "s"},
		{`\milli\second`, "ms"},
		{`\minute`, "min"},
		{`\hour`, "h"},
		{`\hertz`, "Hz"},
		{`\mega\hertz`, "MHz"},
		{`\newton`, "N"},
		{`\kilo\newton`, "kN"},
		{`\joule`, "J"},
		{`\watt`, "W"},
		{`\deca\metre`, "dam"},
		{`\percent`, "%"},
		{`\ppm`, "ppm"},
		{`\one`, ""},
		{` \kelvin `, "K"},
	}
	for _, tt := range tests {
		t.Run(tt.dsi+" is "+tt.want, func(t *testing.T) {
			got, err := UnitFromDSI(tt.dsi)
			if err != nil || got != tt.want {
				t.Errorf("UnitFromDSI(%q) = %q, %v; want %q", tt.dsi, got, err, tt.want)
			}
		})
	}
}

func TestUnitFromDSIReportsWhatItDoesNotKnow(t *testing.T) {
	for _, dsi := range []string{
		``, `kelvin`, `\pound`, `\degreefahrenheit`, `\mole`, `\candela`, `\metre\second\tothe{-1}`,
		`\kilogram\metre\tothe{-3}`, `\metre\tothe{2}`, `\centi\metre\tothe{3}`, `\milli\kilogram`,
		`\kilo\one`, `\milli\percent`, `\milli\hour`, `\kilo\degreecelsius`, `\tera\hertz`, `\femto\second`,
		`\kilo`, `\milli\milli\metre`, `\volt\per\metre`, `\metre\metre`,
	} {
		t.Run(dsi+" is reported", func(t *testing.T) {
			got, err := UnitFromDSI(dsi)
			if !errors.Is(err, ErrUnknownDSIUnit) {
				t.Errorf("UnitFromDSI(%q) = %q, %v; want ErrUnknownDSIUnit", dsi, got, err)
			}
		})
	}
}

func TestUnitToDSIRoundTrips(t *testing.T) {
	tests := []struct{ symbol, want string }{
		{"kg", `\kilogram`}, {"g", `\gram`}, {"mg", `\milli\gram`}, {"µg", `\micro\gram`},
		{"m", `\metre`}, {"mm", `\milli\metre`}, {"µm", `\micro\metre`}, {"dam", `\deca\metre`},
		{"K", `\kelvin`}, {"°C", `\degreecelsius`}, {"℃", `\degreecelsius`},
		{"Pa", `\pascal`}, {"kPa", `\kilo\pascal`}, {"MPa", `\mega\pascal`}, {"mbar", `\milli\bar`},
		{"V", `\volt`}, {"mV", `\milli\volt`}, {"A", `\ampere`}, {"Ω", `\ohm`}, {"kΩ", `\kilo\ohm`}, {"ohm", `\ohm`},
		{"s", `\second`}, {"ms", `\milli\second`}, {"min", `\minute`}, {"h", `\hour`},
		{"Hz", `\hertz`}, {"kHz", `\kilo\hertz`}, {"N", `\newton`}, {"J", `\joule`}, {"W", `\watt`},
		{"L", `\litre`}, {"mL", `\milli\litre`}, {"m3", `\metre\tothe{3}`}, {"t", `\tonne`},
		{"%", `\percent`}, {"ppm", `\ppm`}, {"", `\one`},
	}
	for _, tt := range tests {
		t.Run(tt.symbol+" is "+tt.want, func(t *testing.T) {
			got, err := UnitToDSI(tt.symbol)
			if err != nil || got != tt.want {
				t.Fatalf("UnitToDSI(%q) = %q, %v; want %q", tt.symbol, got, err, tt.want)
			}
			back, err := UnitFromDSI(got)
			canonical := map[string]string{"℃": "°C", "ohm": "Ω"}[tt.symbol]
			if canonical == "" {
				canonical = tt.symbol
			}
			if err != nil || back != canonical {
				t.Errorf("UnitFromDSI(%q) = %q, %v; want %q back", got, back, err, canonical)
			}
		})
	}
	for _, bad := range []string{"furlong", "kt", "m/s"} {
		if got, err := UnitToDSI(bad); err == nil {
			t.Errorf("UnitToDSI(%q) = %q, want an error", bad, got)
		}
	}
}
