package record

// Capability is a calibration and measurement capability (CMC) of an
// institution: what it can measure, over which range, with which best
// expanded uncertainty and method.
type Capability struct {
	ID            string      `json:"id"`
	DocType       string      `json:"doc_type"`
	InstitutionID string      `json:"institution_id"`
	Quantity      string      `json:"quantity"`
	Range         Range       `json:"range"`
	Uncertainty   Uncertainty `json:"uncertainty"`
	Method        string      `json:"method"`
	ValidUntil    string      `json:"valid_until"`
}

// Validate checks the record on its own, without looking at the ledger.
func (c *Capability) Validate() error {
	var v fieldErrors
	v.check("doc_type", checkDocType(&c.DocType, DocCapability))
	v.check("id", ValidateID("id", c.ID))
	v.check("institution_id", ValidateID("institution_id", c.InstitutionID))
	q := quantityOf(&v, c.Quantity)
	c.Range.validate(&v, "range", q)
	c.Uncertainty.validate(&v, "uncertainty", q)
	v.check("method", required("method", c.Method))
	v.check("valid_until", validDate("valid_until", c.ValidUntil))
	return v.err()
}
