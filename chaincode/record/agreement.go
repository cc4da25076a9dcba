package record

import "slices"

// Agreement is a mutual-recognition agreement (互认协议) among institutions:
// which quantities it covers, under which conditions, and who approved it.
// It is in force only when every party approved it.
type Agreement struct {
	ID                    string   `json:"id"`
	DocType               string   `json:"doc_type"`
	Parties               []string `json:"parties"`
	Quantities            []string `json:"quantities"`
	RequiresAccreditation bool     `json:"requires_accreditation"`
	ComparisonWithinYears int      `json:"comparison_within_years"`
	ValidFrom             string   `json:"valid_from"`
	ValidUntil            string   `json:"valid_until"`
	Approvals             []string `json:"approvals"`
	ProposedBy            string   `json:"proposed_by,omitempty"`
}

// Validate checks the record on its own, without looking at the ledger.
func (a *Agreement) Validate() error {
	if err := checkDocType(&a.DocType, DocAgreement); err != nil {
		return err
	}
	if err := ValidateID("id", a.ID); err != nil {
		return err
	}
	if len(a.Parties) < 2 {
		return Errorf(Invalid, "parties must name at least two institutions")
	}
	for i, p := range a.Parties {
		if err := ValidateID("parties["+itoa(i)+"]", p); err != nil {
			return err
		}
	}
	if err := noDuplicates("parties", a.Parties); err != nil {
		return err
	}
	if len(a.Quantities) == 0 {
		return Errorf(Invalid, "quantities must name at least one quantity")
	}
	for _, q := range a.Quantities {
		if err := validQuantity(q); err != nil {
			return err
		}
	}
	if err := noDuplicates("quantities", a.Quantities); err != nil {
		return err
	}
	if a.ComparisonWithinYears < 0 || a.ComparisonWithinYears > 50 {
		return Errorf(Invalid, "comparison_within_years must be between 0 (no comparison needed) and 50, got %d", a.ComparisonWithinYears)
	}
	if err := validDate("valid_from", a.ValidFrom); err != nil {
		return err
	}
	if err := validDate("valid_until", a.ValidUntil); err != nil {
		return err
	}
	if a.ValidUntil < a.ValidFrom {
		return Errorf(Invalid, "valid_until %s is before valid_from %s", a.ValidUntil, a.ValidFrom)
	}
	if len(a.Approvals) != 0 {
		return Errorf(Invalid, "approvals are given through ApproveAgreement, not in the proposal")
	}
	a.Approvals = []string{}
	return nil
}

// HasParty reports whether id is a party to the agreement.
func (a *Agreement) HasParty(id string) bool { return slices.Contains(a.Parties, id) }

// Covers reports whether the agreement covers the quantity.
func (a *Agreement) Covers(quantity string) bool { return slices.Contains(a.Quantities, quantity) }

// MissingApprovals returns the parties that have not approved, in party order.
func (a *Agreement) MissingApprovals() []string {
	var missing []string
	for _, p := range a.Parties {
		if !slices.Contains(a.Approvals, p) {
			missing = append(missing, p)
		}
	}
	return missing
}

// InForceOn reports whether every party approved and date lies within the
// agreement's validity.
func (a *Agreement) InForceOn(date string) bool {
	return len(a.MissingApprovals()) == 0 && a.ValidFrom <= date && date <= a.ValidUntil
}
