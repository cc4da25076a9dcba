package record

import (
	"math"

	"github.com/metrotrace/metrotrace/chaincode/units"
)

// Comparison is an inter-laboratory comparison (比对) with its reference
// value and each participant's result and En number.
type Comparison struct {
	ID          string             `json:"id"`
	DocType     string             `json:"doc_type"`
	PilotID     string             `json:"pilot_id"`
	Quantity    string             `json:"quantity"`
	CompletedOn string             `json:"completed_on"`
	Reference   Result             `json:"reference"`
	Results     []ComparisonResult `json:"results"`
}

// ComparisonResult is one participant's result. En is computed by the
// chaincode, never taken from the caller.
type ComparisonResult struct {
	InstitutionID string       `json:"institution_id"`
	Value         float64      `json:"value"`
	Unit          string       `json:"unit"`
	Uncertainty   *Uncertainty `json:"uncertainty"`
	EN            *float64     `json:"en"`
}

// Validate checks the record on its own, without looking at the ledger.
func (c *Comparison) Validate() error {
	var v fieldErrors
	v.check("doc_type", checkDocType(&c.DocType, DocComparison))
	v.check("id", ValidateID("id", c.ID))
	v.check("pilot_id", ValidateID("pilot_id", c.PilotID))
	q := quantityOf(&v, c.Quantity)
	v.check("completed_on", validDate("completed_on", c.CompletedOn))
	c.Reference.validate(&v, "reference", q)
	if c.Reference.Uncertainty == nil {
		v.add("reference.uncertainty", FieldUncertaintyForEn, nil, "reference.uncertainty is required to compute En")
	}
	if c.Results == nil {
		c.Results = []ComparisonResult{}
	}
	validateComparisonResults(&v, q, c.Results, "results")
	return v.err()
}

// ValidateComparisonResults checks participants' results before En is
// computed for them.
func ValidateComparisonResults(quantity string, results []ComparisonResult, field string) error {
	var v fieldErrors
	validateComparisonResults(&v, quantity, results, field)
	return v.err()
}

func validateComparisonResults(v *fieldErrors, quantity string, results []ComparisonResult, field string) {
	ids := make([]string, 0, len(results))
	for i, r := range results {
		f := field + "[" + itoa(i) + "]"
		v.check(f+".institution_id", ValidateID(f+".institution_id", r.InstitutionID))
		(Result{Value: r.Value, Unit: r.Unit, Uncertainty: r.Uncertainty}).validate(v, f, quantity)
		if r.Uncertainty == nil {
			v.add(f+".uncertainty", FieldUncertaintyForEn, nil, "%s.uncertainty is required to compute En", f)
		}
		if r.EN != nil {
			v.add(f+".en", FieldComputed, nil, "%s.en is computed by the chaincode; do not send it", f)
		}
		ids = append(ids, r.InstitutionID)
	}
	v.check(field, noDuplicates(field+" institution_id", ids))
}

// EN computes the normalized error En = (x_lab − x_ref) / sqrt(U_lab² + U_ref²)
// of a laboratory result against a reference, both with expanded
// uncertainties (JJF 1117). Values and uncertainties are converted to the
// reference's unit first.
func EN(lab, ref Result) (float64, error) {
	if lab.Uncertainty == nil || ref.Uncertainty == nil {
		return 0, Errorf(Invalid, "En needs the expanded uncertainty of both results")
	}
	x, err := units.Convert(lab.Value, lab.Unit, ref.Unit)
	if err != nil {
		return 0, Errorf(Invalid, "En: %v", err)
	}
	uLab, err := lab.Uncertainty.Absolute(lab.Quantity(), ref.Unit)
	if err != nil {
		return 0, Errorf(Invalid, "En: %v", err)
	}
	uRef, err := ref.Uncertainty.Absolute(ref.Quantity(), ref.Unit)
	if err != nil {
		return 0, Errorf(Invalid, "En: %v", err)
	}
	den := math.Sqrt(uLab*uLab + uRef*uRef)
	if den == 0 {
		return 0, Errorf(Invalid, "En: both uncertainties are zero")
	}
	return (x - ref.Value) / den, nil
}
