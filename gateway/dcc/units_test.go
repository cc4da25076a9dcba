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
		{`\metre\tothe{3}`, "m³"},
		{`\metre\tothe{2}`, "m²"},
		{`\centi\metre\tothe{3}`, "cm³"},
		{`\mole`, "mol"},
		{`\candela`, "cd"},
		{`\tera\hertz`, "THz"},
		{`\femto\second`, "fs"},
		{`\quecto\metre`, "qm"},
		{`\quetta\gram`, "Qg"},
		{`\metre\second\tothe{-1}`, "m/s"},
		{`\metre\per\second`, "m/s"},
		{`\metre\per\second\tothe{2}`, "m/s²"},
		{`\kilogram\metre\tothe{-3}`, "kg/m³"},
		{`\volt\per\metre`, "V/m"},
		{`\metre\metre`, "m·m"},
		{`\kilogram\metre\tothe{2}\ampere\tothe{-2}\second\tothe{-3}`, "Ω"},
		{`\kilogram\metre\second\tothe{-2}`, "N"},
		{`\kilogram\metre\tothe{2}\second\tothe{-2}`, "kg·m²/s²"},
		{`\second\tothe{-1}`, "s⁻¹"},
		{`\newton\metre`, "N·m"},
		{`\kilo\watt\hour`, "kWh"},
		{`\metre\tothe{3}\per\hour`, "m³/h"},
		{`\milli\gram\per\litre`, "mg/L"},
		{`\mole\per\mole`, "mol/mol"},
		{`\mmhg`, "mmHg"},
		{`\electronvolt`, "eV"},
		{`\kilo\electronvolt`, "keV"},
		{`\gray`, "Gy"},
		{`\milli\gray`, "mGy"},
		{`\sievert`, "Sv"},
		{`\becquerel`, "Bq"},
		{`\decibel`, "dB"},
		{`\lux`, "lx"},
		{`\radian`, "rad"},
		{`\degree`, "°"},
		{`\litre\per\minute`, "L/min"},
		{`\kilo\metre\per\hour`, "km/h"},
		{`\metre\tothe{2.0}`, "m²"},
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
		``, `kelvin`, `\pound`, `\degreefahrenheit`, `\milli\kilogram`, `\kilo\one`, `\milli\percent`,
		`\milli\hour`, `\kilo\degreecelsius`, `\kilo`, `\milli\milli\metre`, `\metre\tothe{0.5}`,
		`\volt\hertz\tothe{-0.5}`, `\metre\tothe{0}`, `\metre\tothe{x}`, `\tothe{2}`, `\metre\tothe{2}\tothe{2}`,
		`\metre\per`, `\metre\per\second\per\second`, `\metre\\second`, `\metre ` + `\second`, `\Metre`,
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
		{"L", `\litre`}, {"mL", `\milli\litre`}, {"m³", `\metre\tothe{3}`}, {"t", `\tonne`},
		{"%", `\percent`}, {"ppm", `\ppm`}, {"", `\one`},
		{"m/s", `\metre\second\tothe{-1}`}, {"km/h", `\kilo\metre\hour\tothe{-1}`}, {"m/s²", `\metre\second\tothe{-2}`},
		{"N·m", `\newton\metre`}, {"mol/mol", `\mole\mole\tothe{-1}`}, {"mg/L", `\milli\gram\litre\tothe{-1}`},
		{"mmHg", `\mmhg`}, {"Gy", `\gray`}, {"mGy", `\milli\gray`}, {"dB", `\decibel`}, {"lx", `\lux`},
		{"L/min", `\litre\minute\tothe{-1}`},
	}
	for _, tt := range []struct{ symbol, want string }{
		{"m3", `\metre\tothe{3}`}, {"kWh", `\kilo\watt\hour`}, {"m³/h", `\metre\tothe{3}\hour\tothe{-1}`},
		{"%RH", `\percent`}, {"N*m", `\newton\metre`}, {"kg/m^3", `\kilogram\metre\tothe{-3}`},
	} {
		if got, err := UnitToDSI(tt.symbol); err != nil || got != tt.want {
			t.Errorf("UnitToDSI(%q) = %q, %v; want %q", tt.symbol, got, err, tt.want)
		}
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
	for _, bad := range []string{"furlong", "kt", "m//s", "m^0.5"} {
		if got, err := UnitToDSI(bad); err == nil {
			t.Errorf("UnitToDSI(%q) = %q, want an error", bad, got)
		}
	}
}

// TestCertificateMapsAResistanceInSIBaseUnits is PTB's resistance case: a
// result in \kilogram\metre\tothe{2}\ampere\tothe{-2}\second\tothe{-3} is a
// resistance in ohms, not an unknown unit.
func TestCertificateMapsAResistanceInSIBaseUnits(t *testing.T) {
	data := MustEdit(t, MustReadTestdata(t, mtMass),
		"<si:value>1.000012</si:value>\n\t\t\t\t\t\t\t\t<si:unit>\\kilogram</si:unit>",
		"<si:value>100.00021</si:value>\n\t\t\t\t\t\t\t\t<si:unit>\\kilogram\\metre\\tothe{2}\\ampere\\tothe{-2}\\second\\tothe{-3}</si:unit>")
	cert, problems, err := MustParse(t, data).Certificate(MapOptions{})
	if err != nil {
		t.Fatalf("%v (problems %v)", err, problems)
	}
	r := cert.Results[0]
	if cert.Quantity != "resistance" || r.Unit != "Ω" || r.Value != 100.00021 || r.Uncertainty.Value != 0.00000016 || r.Uncertainty.Unit != "Ω" {
		t.Errorf("mapped as %s %+v %+v, want resistance 100.00021 Ω with U = 1.6e-07 Ω", cert.Quantity, r, r.Uncertainty)
	}
	out, err := UnitToDSI(r.Unit)
	if err != nil || out != `\ohm` {
		t.Errorf("UnitToDSI(Ω) = %q, %v", out, err)
	}
}
