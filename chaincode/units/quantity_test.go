package units

import (
	"errors"
	"sort"
	"strings"
	"testing"
)

func TestQuantityTakesItsUnits(t *testing.T) {
	tests := []struct {
		quantity string
		accepts  []string
		refuses  []string
	}{
		{"mass", []string{"kg", "g", "mg", "t", `\kilogram`}, []string{"mm", "N", "kg/m³"}},
		{"length", []string{"m", "mm", "km", "µm", "nmi"}, []string{"m²", "s"}},
		{"time", []string{"s", "min", "h", "d"}, []string{"Hz"}},
		{"temperature", []string{"K", "°C", "mK", `\degreecelsius`}, []string{"°C/min"}},
		{"pressure", []string{"Pa", "kPa", "MPa", "bar", "mbar", "mmHg", `\mmhg`}, []string{"N", "N/m"}},
		{"voltage", []string{"V", "mV", "kV"}, []string{"A"}},
		{"current", []string{"A", "mA"}, []string{"V"}},
		{"resistance", []string{"Ω", "kΩ", "MΩ", "ohm", "V/A", `\kilogram\metre\tothe{2}\ampere\tothe{-2}\second\tothe{-3}`}, []string{"S"}},
		{"electric_energy", []string{"kWh", "kW·h", "J", "MJ"}, []string{"kW"}},
		{"heat_energy", []string{"GJ", "MWh", "kWh"}, []string{"W"}},
		{"power", []string{"W", "kW", "mW"}, []string{"kWh"}},
		{"flow_rate", []string{"m³/h", "L/min", "L/h", "m³/s"}, []string{"m³", "kg/h"}},
		{"mass_flow_rate", []string{"kg/h", "t/h", "g/s"}, []string{"m³/h"}},
		{"volume", []string{"L", "mL", "m³", "m3", "cm³"}, []string{"m²"}},
		{"speed", []string{"km/h", "m/s", "kn"}, []string{"m/s²"}},
		{"acceleration", []string{"m/s²", "m/s^2"}, []string{"m/s"}},
		{"torque", []string{"N·m", "N*m", "kN·m"}, []string{"N"}},
		{"force", []string{"N", "kN"}, []string{"N·m"}},
		{"density", []string{"kg/m³", "g/cm³", "g/mL"}, []string{"kg"}},
		{"mass_concentration", []string{"mg/L", "mg/m³", "g/L"}, []string{"mol/mol", "%"}},
		{"concentration", []string{"mol/mol", "µmol/mol", "%", "ppm", ""}, []string{"%RH", "dB", "°", "mg/L"}},
		{"humidity", []string{"%RH", "%", "", `\percent`}, []string{"dB", "rad", "g"}},
		{"moisture_content", []string{"%"}, []string{"%RH"}},
		{"sound_level", []string{"dB", "B", `\decibel`}, []string{"%", "", "Np"}},
		{"absorbed_dose", []string{"Gy", "mGy", "J/kg"}, []string{"Sv", "mSv"}},
		{"air_kerma", []string{"Gy", "mGy"}, []string{"Sv"}},
		{"absorbed_dose_rate", []string{"Gy/s", "mGy/h"}, []string{"Sv/h", "Gy"}},
		{"dose_equivalent", []string{"Sv", "mSv", "µSv"}, []string{"Gy"}},
		{"dose_equivalent_rate", []string{"µSv/h", "mSv/h"}, []string{"µGy/h", "µSv"}},
		{"radioactivity", []string{"Bq", "kBq", "MBq", "s⁻¹"}, []string{"Hz"}},
		{"frequency", []string{"Hz", "kHz", "MHz", "1/s"}, []string{"Bq"}},
		{"illuminance", []string{"lx", "klx", "lm/m²"}, []string{"cd/m²", "cd"}},
		{"luminous_intensity", []string{"cd"}, []string{"lm"}},
		{"angle", []string{"rad", "°", "′", "″", "mrad"}, []string{"%", "", "sr"}},
		{"refractive_power", []string{"m⁻¹", "1/m"}, []string{"m"}},
		{"area", []string{"m²", "ha", "mm²"}, []string{"m"}},
	}
	for _, tt := range tests {
		t.Run(tt.quantity, func(t *testing.T) {
			for _, u := range tt.accepts {
				if err := CheckQuantityUnit(tt.quantity, u); err != nil {
					t.Errorf("%s in %q: %v", tt.quantity, u, err)
				}
			}
			for _, u := range tt.refuses {
				if err := CheckQuantityUnit(tt.quantity, u); !errors.Is(err, ErrIncompatible) {
					t.Errorf("%s in %q: %v, want ErrIncompatible", tt.quantity, u, err)
				}
			}
		})
	}
}

func TestQuantityErrorsSayWhatTheUnitMeasures(t *testing.T) {
	tests := []struct{ quantity, unit, says string }{
		{"mass", "mm", `unit "mm" measures length, not mass`},
		{"mass", "kPa", `unit "kPa" measures pressure, not mass`},
		{"absorbed_dose", "Sv", `unit "Sv" measures dose_equivalent, not absorbed_dose`},
		{"concentration", "%RH", `unit "%RH" measures humidity, not concentration`},
		{"humidity", "dB", `unit "dB" measures sound_level, not humidity`},
		{"mass", "kg·m⁻⁴", `unit "kg·m⁻⁴" measures kg·m⁻⁴, not mass`},
	}
	for _, tt := range tests {
		err := CheckQuantityUnit(tt.quantity, tt.unit)
		if err == nil || err.Error() != "incompatible units: "+tt.says {
			t.Errorf("CheckQuantityUnit(%q, %q) = %v, want %q", tt.quantity, tt.unit, err, tt.says)
		}
	}
	if err := CheckQuantityUnit("luck", "g"); err == nil || !strings.Contains(err.Error(), `unknown quantity "luck" (known: absorbed_dose, `) {
		t.Errorf("unknown quantity: %v", err)
	}
	if err := CheckQuantityUnit("mass", "furlong"); !errors.Is(err, ErrUnknownUnit) {
		t.Errorf("unknown unit: %v", err)
	}
}

func TestQuantityOfAUnit(t *testing.T) {
	tests := map[string]string{
		"kg": "mass", "kPa": "pressure", "mmHg": "pressure", "Ω": "resistance", "J": "energy", "kWh": "energy",
		"N·m": "energy", "m³/h": "flow_rate", "km/h": "speed", "Gy": "absorbed_dose", "mSv": "dose_equivalent",
		"µSv/h": "dose_equivalent_rate", "Bq": "radioactivity", "Hz": "frequency", "%RH": "humidity",
		"dB": "sound_level", "lx": "illuminance", "°": "angle", "°C": "temperature", "kg/m³": "density",
		`\kilogram\metre\tothe{2}\ampere\tothe{-2}\second\tothe{-3}`: "resistance",
	}
	for unit, want := range tests {
		if got, err := QuantityOf(unit); got != want || err != nil {
			t.Errorf("QuantityOf(%q) = %q, %v; want %q", unit, got, err, want)
		}
	}
	for _, unit := range []string{"%", "", "mol/mol", "m²/s²", "s⁻¹", "kg·m⁻⁴"} {
		if got, err := QuantityOf(unit); !errors.Is(err, ErrIncompatible) {
			t.Errorf("QuantityOf(%q) = %q, %v; want ErrIncompatible", unit, got, err)
		}
	}
}

func TestQuantitiesAreSortedAndCoverTheCatalogue(t *testing.T) {
	q := Quantities()
	if !sort.StringsAreSorted(q) || len(q) != len(QuantityDimensions) {
		t.Fatalf("Quantities() = %v", q)
	}
	// The quantities of the instruments in the State's catalogue of
	// compulsorily managed measuring instruments, and those records used
	// before the dimension vector.
	for _, name := range []string{
		"mass", "length", "temperature", "pressure", "voltage", "current", "resistance", "electric_energy",
		"heat_energy", "power", "flow_rate", "volume", "speed", "torque", "force", "density", "concentration",
		"mass_concentration", "humidity", "absorbed_dose", "dose_equivalent", "time", "frequency", "sound_level",
		"illuminance", "angle", "radioactivity", "energy", "refractive_power", "dose_equivalent_rate",
	} {
		if _, ok := QuantityDimensions[name]; !ok {
			t.Errorf("no quantity %q", name)
		}
	}
	for _, q := range quantities {
		if q.instruments == "" {
			t.Errorf("%s names no instrument", q.name)
		}
	}
}
