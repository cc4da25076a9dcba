package record

// Instrument is a working measuring instrument (工作计量器具). The owner's
// commercial details are not part of it: they live in private data
// ([InstrumentOwner]).
type Instrument struct {
	ID            string `json:"id"`
	DocType       string `json:"doc_type"`
	InstitutionID string `json:"institution_id"`
	Type          string `json:"type"`
	Manufacturer  string `json:"manufacturer"`
	Model         string `json:"model"`
	Serial        string `json:"serial"`
	Quantity      string `json:"quantity"`
	Range         Range  `json:"range"`
	MPE           Value  `json:"mpe"`
	Compulsory    bool   `json:"compulsory"`
}

// InstrumentOwner holds an instrument owner's commercial details, kept in
// the registering organization's private data collection.
type InstrumentOwner struct {
	InstrumentID string `json:"instrument_id"`
	OwnerName    string `json:"owner_name"`
	Contact      string `json:"contact"`
}

// Validate checks the record on its own, without looking at the ledger.
func (in *Instrument) Validate() error {
	if err := checkDocType(&in.DocType, DocInstrument); err != nil {
		return err
	}
	if err := ValidateID("id", in.ID); err != nil {
		return err
	}
	if err := ValidateID("institution_id", in.InstitutionID); err != nil {
		return err
	}
	for _, f := range []struct{ name, value string }{
		{"type", in.Type}, {"manufacturer", in.Manufacturer}, {"model", in.Model}, {"serial", in.Serial},
	} {
		if err := required(f.name, f.value); err != nil {
			return err
		}
	}
	if err := validQuantity(in.Quantity); err != nil {
		return err
	}
	if err := in.Range.validate("range", in.Quantity); err != nil {
		return err
	}
	if err := in.MPE.validate("mpe", in.Quantity); err != nil {
		return err
	}
	if in.MPE.Value <= 0 {
		return Errorf(Invalid, "mpe.value must be positive, got %g", in.MPE.Value)
	}
	return nil
}

// Validate checks the owner details passed in the transient map.
func (o *InstrumentOwner) Validate() error {
	if err := required("owner_name", o.OwnerName); err != nil {
		return err
	}
	return required("contact", o.Contact)
}
