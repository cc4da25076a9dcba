package units

import (
	"errors"
	"math"
	"testing"
)

func TestConvertAcrossPrefixes(t *testing.T) {
	tests := []struct {
		name     string
		value    float64
		from, to string
		want     float64
	}{
		{"grams to kilograms", 1500, "g", "kg", 1.5},
		{"milligrams to grams", 250, "mg", "g", 0.25},
		{"micrograms with the micro sign", 1, "µg", "mg", 0.001},
		{"millimetres to metres", 12.5, "mm", "m", 0.0125},
		{"kilopascals to megapascals", 2500, "kPa", "MPa", 2.5},
		{"hectopascals to pascals", 1013.25, "hPa", "Pa", 101325},
		{"millibar to kilopascals", 1000, "mbar", "kPa", 100},
		{"millivolts to volts", 10, "mV", "V", 0.01},
		{"tonnes to kilograms", 2, "t", "kg", 2000},
		{"percent to one", 5, "%", "", 0.05},
		{"celsius to kelvin is offset", 25, "°C", "K", 298.15},
		{"kelvin to celsius is offset", 273.15, "K", "℃", 0},
		{"minutes to seconds", 2, "min", "s", 120},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Convert(tt.value, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > 1e-9*math.Max(1, math.Abs(tt.want)) {
				t.Fatalf("Convert(%g %s → %s) = %.15g, want %g", tt.value, tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestConvertDeltaIgnoresOffsets(t *testing.T) {
	got, err := ConvertDelta(0.05, "°C", "mK")
	if err != nil || math.Abs(got-50) > 1e-9 {
		t.Fatalf("ConvertDelta(0.05 °C → mK) = %g, %v; want 50", got, err)
	}
}

func TestIncompatibleAndUnknownUnitsAreErrors(t *testing.T) {
	if _, err := Convert(1, "kg", "m"); !errors.Is(err, ErrIncompatible) {
		t.Fatalf("kg → m: %v, want ErrIncompatible", err)
	}
	if _, err := Convert(1, "kPa", "V"); !errors.Is(err, ErrIncompatible) {
		t.Fatalf("kPa → V: %v, want ErrIncompatible", err)
	}
	for _, bad := range []string{"furlong", "kkg", "Mt", "xm", "da"} {
		if _, err := Parse(bad); !errors.Is(err, ErrUnknownUnit) {
			t.Errorf("Parse(%q) = %v, want ErrUnknownUnit", bad, err)
		}
	}
}

func TestQuantityUnits(t *testing.T) {
	if err := CheckQuantityUnit("pressure", "MPa"); err != nil {
		t.Fatal(err)
	}
	if err := CheckQuantityUnit("mass", "mm"); !errors.Is(err, ErrIncompatible) {
		t.Fatalf("mass in mm: %v", err)
	}
	if err := CheckQuantityUnit("luck", "g"); err == nil {
		t.Fatal("unknown quantity accepted")
	}
	if d, _ := DimensionOf("dam"); d != Length {
		t.Fatalf("dam measures %s, want length", d)
	}
}
