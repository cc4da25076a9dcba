package record

import (
	"strconv"

	"github.com/metrotrace/metrotrace/chaincode/units"
)

func validQuantity(q string) error {
	if q == "" {
		return Errorf(Invalid, "quantity is required")
	}
	if _, ok := units.QuantityDimensions[q]; !ok {
		return Errorf(Invalid, "quantity %q is not a known quantity", q)
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }
