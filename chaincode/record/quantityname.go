package record

import (
	"strconv"

	"github.com/metrotrace/metrotrace/chaincode/units"
)

func validQuantity(q string) error {
	if q == "" {
		return invalid("quantity", FieldRequired, nil, "quantity is required")
	}
	if _, ok := units.QuantityDimensions[q]; !ok {
		return invalid("quantity", FieldUnknownQuantity, Params{"value": q}, "quantity %q is not a known quantity", q)
	}
	return nil
}

// quantityOf checks a record's quantity into v and returns it, or "" when
// it is wrong, so that the record's units are not also reported against a
// quantity that does not exist.
func quantityOf(v *fieldErrors, q string) string {
	if !v.check("quantity", validQuantity(q)) {
		return ""
	}
	return q
}

func itoa(i int) string { return strconv.Itoa(i) }
