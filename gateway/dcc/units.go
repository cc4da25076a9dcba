package dcc

import (
	"errors"
	"fmt"

	"github.com/metrotrace/metrotrace/chaincode/units"
)

// ErrUnknownDSIUnit is returned for a D-SI unit that has no metrotrace unit
// symbol. Such a unit is reported, never guessed.
var ErrUnknownDSIUnit = errors.New("unknown D-SI unit")

// specialNames are the coherent SI units with special names that a unit
// written in base units only is renamed to, so that the ohm of PTB's
// resistance example is recorded as "Ω". Units whose dimension other
// quantities share (Hz, Bq, Gy, Sv, J as torque) are not renamed: the base
// units do not say which one is meant.
var specialNames = []string{"N", "Pa", "W", "C", "V", "F", "Ω", "S", "Wb", "T", "H"}

// UnitFromDSI translates a D-SI unit ("\milli\metre", "\degreecelsius",
// "\metre\per\second", "\one") into a metrotrace unit symbol ("mm", "°C",
// "m/s", ""). Every D-SI unit the units package reads translates: prefixes,
// SI base and derived units, \tothe{n} with an integer n, \per, products,
// and the non-SI units D-SI admits. A product of SI base units that is a
// unit with a special name gets that name. Anything else is an error
// wrapping [ErrUnknownDSIUnit] that says why.
func UnitFromDSI(dsi string) (string, error) {
	u, err := units.ParseDSI(dsi)
	if err != nil {
		var ue *units.UnitError
		if errors.As(err, &ue) {
			return "", fmt.Errorf("%w %q: %s", ErrUnknownDSIUnit, ue.Unit, ue.Reason)
		}
		return "", fmt.Errorf("%w %q: %v", ErrUnknownDSIUnit, dsi, err)
	}
	if u.InBaseUnits() && u.Factor() == 1 {
		for _, name := range specialNames {
			if units.MustParse(name).Dimension == u.Dimension {
				return name, nil
			}
		}
	}
	return u.String(), nil
}

// UnitToDSI translates a metrotrace unit symbol ("mg", "kPa", "°C", "%",
// "m³/h", "") into its canonical D-SI form ("\milli\gram", "\kilo\pascal",
// "\degreecelsius", "\percent", "\metre\tothe{3}\hour\tothe{-1}", "\one").
// An unknown symbol is an error.
func UnitToDSI(symbol string) (string, error) {
	u, err := units.Parse(symbol)
	if err != nil {
		return "", fmt.Errorf("no D-SI form for unit %q: %w", symbol, err)
	}
	return u.DSI(), nil
}
