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
	var v fieldErrors
	v.check("doc_type", checkDocType(&a.DocType, DocAgreement))
	v.check("id", ValidateID("id", a.ID))
	if len(a.Parties) < 2 {
		v.add("parties", FieldTooFewParties, Params{"min": "2"}, "parties must name at least two institutions")
	}
	for i, p := range a.Parties {
		v.check("parties["+itoa(i)+"]", ValidateID("parties["+itoa(i)+"]", p))
	}
	v.check("parties", noDuplicates("parties", a.Parties))
	if len(a.Quantities) == 0 {
		v.add("quantities", FieldNoQuantities, nil, "quantities must name at least one quantity")
	}
	for i, q := range a.Quantities {
		if validQuantity(q) != nil {
			v.add("quantities["+itoa(i)+"]", FieldUnknownQuantity, Params{"value": q}, "quantities[%d] %q is not a known quantity", i, q)
		}
	}
	v.check("quantities", noDuplicates("quantities", a.Quantities))
	if a.ComparisonWithinYears < 0 || a.ComparisonWithinYears > 50 {
		v.add("comparison_within_years", FieldOutOfRange, Params{"value": itoa(a.ComparisonWithinYears), "min": "0", "max": "50"}, "comparison_within_years must be between 0 (no comparison needed) and 50, got %d", a.ComparisonWithinYears)
	}
	fromOK := v.check("valid_from", validDate("valid_from", a.ValidFrom))
	untilOK := v.check("valid_until", validDate("valid_until", a.ValidUntil))
	if fromOK && untilOK && a.ValidUntil < a.ValidFrom {
		v.add("valid_until", FieldDateBefore, Params{"value": a.ValidUntil, "other_field": "valid_from", "other": a.ValidFrom}, "valid_until %s is before valid_from %s", a.ValidUntil, a.ValidFrom)
	}
	if len(a.Approvals) != 0 {
		v.add("approvals", FieldSetByLedger, Params{"by": FnApproveAgreement}, "approvals are given through ApproveAgreement, not in the proposal")
	}
	if err := v.err(); err != nil {
		return err
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
