package record

// SignedQuantities are the quantities whose values may be negative: a
// temperature in °C, a voltage or current of either polarity, a force in
// compression, a gauge pressure below ambient, an angle. Every other
// quantity (length, mass, time, resistance, …) is a magnitude: a negative
// value or range bound of it describes nothing that can be measured. The
// rule keys on the quantity's name, so it holds whatever the unit parser
// knows about units.
var SignedQuantities = map[string]bool{
	"temperature":  true,
	"voltage":      true,
	"current":      true,
	"force":        true,
	"pressure":     true,
	"angle":        true,
	"plane_angle":  true,
	"acceleration": true,
	"velocity":     true,
}

// MayBeNegative reports whether values of the named quantity may be below
// zero (see [SignedQuantities]).
func MayBeNegative(quantity string) bool { return SignedQuantities[quantity] }

// notNegative refuses a negative value of a magnitude quantity.
func notNegative(field, quantity string, v float64) error {
	if v < 0 && !MayBeNegative(quantity) {
		return invalid(field, FieldNegative, Params{"quantity": quantity, "value": FormatNumber(v)}, "%s must not be negative: %s is a magnitude, got %s", field, quantity, FormatNumber(v))
	}
	return nil
}
