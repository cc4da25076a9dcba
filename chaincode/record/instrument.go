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
	// Location, Category and IntervalMonths are optional: records written
	// before they existed lack them. Category is a code of [Categories],
	// required at registration when Compulsory (see [Instrument.ValidateNew]).
	Location       *Location `json:"location,omitempty"`
	Category       string    `json:"category,omitempty"`
	IntervalMonths int       `json:"interval_months,omitempty"`
	// RegisteredOn is the date of the registering transaction, set by the
	// chaincode: a compulsory instrument never verified is overdue from it.
	RegisteredOn string `json:"registered_on,omitempty"`
}

// MaxIntervalMonths bounds a verification interval (ten years).
const MaxIntervalMonths = 120

// InstrumentOwner holds an instrument owner's commercial details, kept in
// the registering organization's private data collection.
type InstrumentOwner struct {
	InstrumentID string `json:"instrument_id"`
	OwnerName    string `json:"owner_name"`
	Contact      string `json:"contact"`
}

// Validate checks the record on its own, without looking at the ledger.
func (in *Instrument) Validate() error {
	var v fieldErrors
	in.validate(&v)
	return v.err()
}

func (in *Instrument) validate(v *fieldErrors) {
	v.check("doc_type", checkDocType(&in.DocType, DocInstrument))
	v.check("id", ValidateID("id", in.ID))
	v.check("institution_id", ValidateID("institution_id", in.InstitutionID))
	for _, f := range []struct{ name, value string }{
		{"type", in.Type}, {"manufacturer", in.Manufacturer}, {"model", in.Model}, {"serial", in.Serial},
	} {
		v.check(f.name, required(f.name, f.value))
	}
	q := quantityOf(v, in.Quantity)
	in.Range.validate(v, "range", q)
	before := len(v.list)
	in.MPE.validate(v, "mpe", q)
	if len(v.list) == before && in.MPE.Value <= 0 {
		v.add("mpe.value", FieldNotPositive, Params{"value": num(in.MPE.Value)}, "mpe.value must be positive, got %g", in.MPE.Value)
	}
	if in.Location != nil {
		v.check("location.district", in.Location.validate("location"))
	}
	if in.Category != "" {
		if _, ok := CategoryOf(in.Category); !ok {
			v.add("category", FieldUnknownCategory, Params{"value": in.Category, "examples": "non_automatic_weighing, water_meter, taximeter"}, "category %q is not a code of the catalogue of compulsorily managed measuring instruments (e.g. %s)", in.Category, "non_automatic_weighing, water_meter, taximeter")
		}
	}
	if in.IntervalMonths < 0 || in.IntervalMonths > MaxIntervalMonths {
		v.add("interval_months", FieldOutOfRange, Params{"value": itoa(in.IntervalMonths), "min": "1", "max": itoa(MaxIntervalMonths)}, "interval_months must be from 1 to %d, got %d", MaxIntervalMonths, in.IntervalMonths)
	}
	if in.RegisteredOn != "" {
		v.check("registered_on", validDate("registered_on", in.RegisteredOn))
	}
}

// ValidateNew checks an instrument being registered: what [Instrument.Validate]
// checks, and a category for a compulsory instrument. Stored records
// registered before categories existed stay valid under Validate; only new
// registrations must name one. registered_on is the ledger's to set.
func (in *Instrument) ValidateNew() error {
	var v fieldErrors
	in.validate(&v)
	if in.Compulsory && in.Category == "" {
		v.add("category", FieldCategoryRequired, Params{"example": "non_automatic_weighing"}, "category is required for a compulsory instrument (强检): a code of the catalogue of compulsorily managed measuring instruments, e.g. non_automatic_weighing")
	}
	if in.RegisteredOn != "" {
		v.add("registered_on", FieldSetByLedger, Params{"by": "ledger"}, "registered_on is set by the ledger at registration")
	}
	return v.err()
}

// Validate checks the owner details passed in the transient map.
func (o *InstrumentOwner) Validate() error {
	if err := required("owner_name", o.OwnerName); err != nil {
		return err
	}
	return required("contact", o.Contact)
}
