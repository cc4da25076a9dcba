package record

import (
	"strings"
	"unicode"
)

// Identification issuers a standard's equipment may be named by, as the
// DCC schema names them for an item's identifications.
const (
	IdentManufacturer          = "manufacturer"
	IdentCalibrationLaboratory = "calibrationLaboratory"
	IdentOwner                 = "owner"
	IdentOther                 = "other"
)

// IdentificationIssuers lists the issuers an identification may have.
var IdentificationIssuers = []string{IdentManufacturer, IdentCalibrationLaboratory, IdentOwner, IdentOther}

// MaxIdentifications bounds the identifications of one record.
const MaxIdentifications = 16

// IndexStandardsByIdentification lists standards by identification, the
// value being [IdentificationKey].
const IndexStandardsByIdentification = "standards_by_identification"

// Identification is an identifier of a piece of equipment and who issued
// it: a manufacturer's serial number, a laboratory's inventory number.
type Identification struct {
	Issuer      string `json:"issuer"`
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
}

// IdentificationKey is the index value of an identification:
// "issuer:value".
func IdentificationKey(issuer, value string) string { return issuer + ":" + value }

func validIdentifications(ids []Identification) error {
	if len(ids) > MaxIdentifications {
		return invalid("identifications", FieldTooMany, Params{"count": itoa(len(ids)), "max": itoa(MaxIdentifications)}, "identifications holds %d entries, more than %d", len(ids), MaxIdentifications)
	}
	seen := map[string]bool{}
	for i, id := range ids {
		field := "identifications[" + itoa(i) + "]"
		if err := oneOf(field+".issuer", id.Issuer, IdentificationIssuers); err != nil {
			return err
		}
		if err := required(field+".value", id.Value); err != nil {
			return err
		}
		if id.Value != strings.TrimSpace(id.Value) || len(id.Value) > 256 || strings.IndexFunc(id.Value, unicode.IsControl) >= 0 {
			return invalid(field+".value", FieldBadIdentification, Params{"value": id.Value}, "%s.value %q must be at most 256 characters without leading or trailing spaces or control characters", field, id.Value)
		}
		key := IdentificationKey(id.Issuer, id.Value)
		if seen[key] {
			return invalid("identifications", FieldDuplicateIdentifier, Params{"issuer": id.Issuer, "value": id.Value}, "identifications lists %s %q twice", id.Issuer, id.Value)
		}
		seen[key] = true
	}
	return nil
}
