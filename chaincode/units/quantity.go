package units

import (
	"fmt"
	"sort"
	"strings"
)

// quantity is a named quantity records are kept for: the dimension its
// units must have and, for quantities whose dimension others share, the
// special unit name reserved to it (a dose in Sv is not an absorbed dose).
type quantity struct {
	name    string
	dim     Dimension
	special string
	// primary marks the quantity a unit of this dimension (and special
	// name) is taken to measure when nothing else says: "J" is energy, not
	// torque; "%" is no quantity in particular.
	primary bool
	// instruments names what measures it, from the State's catalogue of
	// compulsorily managed measuring instruments where it is listed there.
	instruments string
}

// quantities is sorted by name. It covers the quantities of the
// instruments in China's catalogue of compulsorily managed measuring
// instruments (实施强制管理的计量器具目录) and of the standards that calibrate
// them.
var quantities = []quantity{
	{"absorbed_dose", Dimension{Length: 2, Time: -2}, "Gy", true, "radiotherapy dosimeters, medical radiation sources"},
	{"absorbed_dose_rate", Dimension{Length: 2, Time: -3}, "Gy", true, "radiotherapy dosimeters"},
	{"acceleration", Dimension{Length: 1, Time: -2}, "", true, "accelerometers, vibration meters"},
	{"air_kerma", Dimension{Length: 2, Time: -2}, "Gy", false, "diagnostic X-ray dosimeters"},
	{"amount_of_substance", Dimension{Amount: 1}, "", true, "reference materials"},
	{"angle", Dimension{Angle: 1}, "", true, "angle gauges, theodolites"},
	{"angular_velocity", Dimension{Angle: 1, Time: -1}, "", true, "tachometers"},
	{"area", Dimension{Length: 2}, "", true, "leather area meters"},
	{"capacitance", Dimension{Mass: -1, Length: -2, Time: 4, Current: 2}, "", true, "capacitance standards"},
	{"catalytic_activity", Dimension{Amount: 1, Time: -1}, "", true, "clinical enzyme analysers"},
	{"charge", Dimension{Current: 1, Time: 1}, "", true, "charge standards"},
	{"concentration", Dimensionless, "", false, "exhaust gas analysers, gas detectors (mol/mol, %, ppm)"},
	{"conductance", Dimension{Mass: -1, Length: -2, Time: 3, Current: 2}, "", true, "conductivity cells"},
	{"current", Current, "", true, "ammeters, clamp meters"},
	{"density", Dimension{Mass: 1, Length: -3}, "", true, "hydrometers, density meters"},
	{"dose_equivalent", Dimension{Length: 2, Time: -2}, "Sv", true, "personal dosimeters"},
	{"dose_equivalent_rate", Dimension{Length: 2, Time: -3}, "Sv", true, "radiation protection meters"},
	{"electric_energy", Energy, "", false, "electricity meters"},
	{"energy", Energy, "", true, "energy standards"},
	{"flow_rate", Dimension{Length: 3, Time: -1}, "", true, "water meters, gas meters, flowmeters"},
	{"force", Force, "", true, "force gauges, brake testers, material testing machines"},
	{"frequency", Frequency, "Hz", true, "frequency meters"},
	{"heat_energy", Energy, "", false, "heat meters"},
	{"humidity", Dimensionless, "%RH", true, "hygrometers, grain moisture meters"},
	{"illuminance", Dimension{Luminous: 1, Angle: 2, Length: -2}, "", true, "illuminance meters"},
	{"inductance", Dimension{Mass: 1, Length: 2, Time: -2, Current: -2}, "", true, "inductance standards"},
	{"length", Length, "", true, "taximeters, tape measures, gauge blocks"},
	{"luminance", Dimension{Luminous: 1, Length: -2}, "", true, "luminance meters"},
	{"luminous_flux", Dimension{Luminous: 1, Angle: 2}, "", true, "integrating spheres"},
	{"luminous_intensity", Dimension{Luminous: 1}, "", true, "headlamp testers"},
	{"magnetic_flux", Dimension{Mass: 1, Length: 2, Time: -2, Current: -1}, "", true, "fluxmeters"},
	{"magnetic_flux_density", Dimension{Mass: 1, Time: -2, Current: -1}, "", true, "teslameters"},
	{"mass", Mass, "", true, "scales, weighing instruments, weights"},
	{"mass_concentration", Dimension{Mass: 1, Length: -3}, "", false, "breath alcohol analysers (mg/L), dust monitors"},
	{"mass_flow_rate", Dimension{Mass: 1, Time: -1}, "", true, "fuel dispensers, mass flowmeters"},
	{"moisture_content", Dimensionless, "", false, "grain moisture meters"},
	{"power", Power, "", true, "power meters, ultrasonic power meters"},
	{"pressure", Pressure, "", true, "sphygmomanometers, tonometers, pressure gauges, tyre gauges"},
	{"radioactivity", Dimension{Time: -1}, "Bq", true, "activity meters, radon monitors"},
	{"refractive_power", Dimension{Length: -1}, "", true, "focimeters, optometers (1/m, dioptre)"},
	{"resistance", Resistance, "", true, "earth and insulation resistance testers, resistors"},
	{"solid_angle", Dimension{Angle: 2}, "", true, "photometry"},
	{"sound_level", Dimension{Bel: 1}, "", true, "sound level meters, audiometers"},
	{"speed", Dimension{Length: 1, Time: -1}, "", true, "radar speed meters, speedometers"},
	{"temperature", Temperature, "", true, "clinical thermometers, thermometers"},
	{"time", Time, "", true, "taximeters, telephone billing meters, stopwatches"},
	{"torque", Energy, "", false, "torque wrenches"},
	{"voltage", Voltage, "", true, "voltmeters, electrocardiographs"},
	{"volume", Volume, "", true, "fuel dispensers, water meters, gas meters, measuring flasks"},
}

// QuantityDimensions maps the quantity names used on records to the dimension
// of their units. A record's units must fit its quantity (see
// [CheckQuantityUnit], which also keeps units with special names to their
// quantity). Read it; do not range over it where order shows: use
// [Quantities].
var QuantityDimensions = map[string]Dimension{}

var quantityByName = map[string]int{}

// dimensionNames names a dimension after its primary quantity without a
// special unit name, for messages such as "measures pressure".
var dimensionNames = map[Dimension]string{}

func init() {
	for i, q := range quantities {
		if i > 0 && quantities[i-1].name >= q.name {
			panic("units: quantities are not sorted by name at " + q.name)
		}
		QuantityDimensions[q.name] = q.dim
		quantityByName[q.name] = i
		if _, named := dimensionNames[q.dim]; q.primary && q.special == "" && !named {
			dimensionNames[q.dim] = q.name
		}
	}
}

// Quantities lists the known quantity names in sorted order.
func Quantities() []string {
	names := make([]string, len(quantities))
	for i, q := range quantities {
		names[i] = q.name
	}
	sort.Strings(names) // already sorted; kept so the promise does not rest on the table
	return names
}

// fits reports whether unit u may record values of quantity q.
func fits(q quantity, u Unit) bool {
	return u.Dimension == q.dim && (u.special == "" || u.special == q.special)
}

// CheckQuantityUnit returns nil when unit is a unit of the named quantity:
// it has the quantity's dimension, and it does not carry the special name
// of another quantity (Sv is no unit of absorbed_dose, Bq none of
// frequency, %RH none of concentration). Dimensionless quantities take
// plain ratios ("%", "ppm", "mol/mol", ""), not angles or levels (dB).
func CheckQuantityUnit(quantity, unit string) error {
	i, ok := quantityByName[quantity]
	if !ok {
		return fmt.Errorf("unknown quantity %q (known: %s)", quantity, strings.Join(Quantities(), ", "))
	}
	u, err := Parse(unit)
	if err != nil {
		return err
	}
	if !fits(quantities[i], u) {
		return fmt.Errorf("%w: unit %q measures %s, not %s", ErrIncompatible, unit, measures(u), quantity)
	}
	return nil
}

// QuantityOf names the quantity a unit is taken to measure when nothing else
// says: "kPa" is pressure, "Sv" dose_equivalent, "%RH" humidity, "J"
// energy. A unit whose dimension no quantity is primary for ("%", "m²/s²")
// is an error wrapping [ErrIncompatible].
func QuantityOf(unit string) (string, error) {
	u, err := Parse(unit)
	if err != nil {
		return "", err
	}
	if q, ok := primaryQuantity(u); ok {
		return q, nil
	}
	return "", fmt.Errorf("%w: unit %q (%s) is no quantity's primary unit; name the quantity", ErrIncompatible, unit, u.Dimension.Formula())
}

func primaryQuantity(u Unit) (string, bool) {
	for _, q := range quantities {
		if q.primary && q.dim == u.Dimension && q.special == u.special {
			return q.name, true
		}
	}
	return "", false
}

// measures says what a unit measures, for messages: its quantity where one
// is primary, else its dimension.
func measures(u Unit) string {
	if q, ok := primaryQuantity(u); ok {
		return q
	}
	return u.Dimension.String()
}

// Measures names what a unit measures, as the errors of this package say
// it: the quantity it is taken to measure ("kPa": "pressure"), or its
// dimension when no quantity is primary for it; "" for a unit that does
// not parse.
func Measures(unit string) string {
	u, err := Parse(unit)
	if err != nil {
		return ""
	}
	return measures(u)
}
