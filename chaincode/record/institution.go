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
	if err := checkDocType(&in.DocType, DocInstitution); err != nil {
		return err
	}
	if err := ValidateID("id", in.ID); err != nil {
		return err
	}
	if err := required("name", in.Name); err != nil {
		return err
	}
	if err := oneOf("region", in.Region, Regions); err != nil {
		return err
	}
	if err := required("msp_id", in.MSPID); err != nil {
		return err
	}
	if err := oneOf("kind", in.Kind, InstitutionKinds); err != nil {
		return err
	}
	if in.Accreditations == nil {
		in.Accreditations = []Accreditation{}
	}
	for i, a := range in.Accreditations {
		field := "accreditations[" + itoa(i) + "]"
		if err := required(field+".scheme", a.Scheme); err != nil {
			return err
		}
		if err := required(field+".number", a.Number); err != nil {
			return err
		}
		if len(a.Quantities) == 0 {
			return Errorf(Invalid, "%s.quantities must name at least one quantity", field)
		}
		for _, q := range a.Quantities {
			if _, ok := units.QuantityDimensions[q]; !ok {
				return Errorf(Invalid, "%s.quantities: unknown quantity %q", field, q)
			}
		}
		if err := validDate(field+".valid_until", a.ValidUntil); err != nil {
			return err
		}
	}
	return nil
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
