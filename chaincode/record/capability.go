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
	if err := checkDocType(&c.DocType, DocCapability); err != nil {
		return err
	}
	if err := ValidateID("id", c.ID); err != nil {
		return err
	}
	if err := ValidateID("institution_id", c.InstitutionID); err != nil {
		return err
	}
	if err := validQuantity(c.Quantity); err != nil {
		return err
	}
	if err := c.Range.validate("range", c.Quantity); err != nil {
		return err
	}
	if err := c.Uncertainty.validate("uncertainty", c.Quantity); err != nil {
		return err
	}
	if err := required("method", c.Method); err != nil {
		return err
	}
	return validDate("valid_until", c.ValidUntil)
}
