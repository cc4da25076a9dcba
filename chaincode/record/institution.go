package record

import (
	"slices"

	"github.com/metrotrace/metrotrace/chaincode/units"
)

// Regions of the consortium.
var Regions = []string{"BJ", "TJ", "HB"}

// Institution kinds.
var InstitutionKinds = []string{"national_institute", "legal_metrology", "authorized_station", "accredited_lab", "enterprise"}

// Institution is a calibration or verification body, or an enterprise that
// owns instruments. Its MSPID names the Fabric organization that writes for it.
type Institution struct {
	ID             string          `json:"id"`
	DocType        string          `json:"doc_type"`
	Name           string          `json:"name"`
	Region         string          `json:"region"`
	MSPID          string          `json:"msp_id"`
	Kind           string          `json:"kind"`
	Accreditations []Accreditation `json:"accreditations"`
	// RequireSignedDCC makes the gateway refuse a DCC import for this
	// institution unless the DCC carries a valid XML signature by a
	// certificate the institution registered (a signing_certificate record)
	// that was valid and not revoked at the signing time.
	RequireSignedDCC bool `json:"require_signed_dcc,omitempty"`
}

// Accreditation is an accreditation (e.g. CNAS) covering some quantities.
type Accreditation struct {
	Scheme     string   `json:"scheme"`
	Number     string   `json:"number"`
	Quantities []string `json:"quantities"`
	ValidUntil string   `json:"valid_until"`
}

// Validate checks the record on its own, without looking at the ledger.
func (in *Institution) Validate() error {
	var v fieldErrors
	v.check("doc_type", checkDocType(&in.DocType, DocInstitution))
	v.check("id", ValidateID("id", in.ID))
	v.check("name", required("name", in.Name))
	v.check("region", oneOf("region", in.Region, Regions))
	v.check("msp_id", required("msp_id", in.MSPID))
	v.check("kind", oneOf("kind", in.Kind, InstitutionKinds))
	if in.Accreditations == nil {
		in.Accreditations = []Accreditation{}
	}
	for i, a := range in.Accreditations {
		field := "accreditations[" + itoa(i) + "]"
		v.check(field+".scheme", required(field+".scheme", a.Scheme))
		v.check(field+".number", required(field+".number", a.Number))
		if len(a.Quantities) == 0 {
			v.add(field+".quantities", FieldNoQuantities, nil, "%s.quantities must name at least one quantity", field)
		}
		for _, q := range a.Quantities {
			if _, ok := units.QuantityDimensions[q]; !ok {
				v.add(field+".quantities", FieldUnknownQuantityListed, Params{"value": q}, "%s.quantities: unknown quantity %q", field, q)
			}
		}
		v.check(field+".valid_until", validDate(field+".valid_until", a.ValidUntil))
	}
	return v.err()
}

// AccreditedFor returns the accreditation covering quantity on date, if any.
func (in *Institution) AccreditedFor(quantity, date string) (Accreditation, bool) {
	for _, a := range in.Accreditations {
		if slices.Contains(a.Quantities, quantity) && date <= a.ValidUntil {
			return a, true
		}
	}
	return Accreditation{}, false
}
