package rules

import (
	"fmt"
	"math"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/units"
)

// MaxVerificationRatio is the largest admissible ratio of a reference
// standard's expanded uncertainty to the subject's MPE in a verification
// (the classic 1/3 rule).
const MaxVerificationRatio = 1.0 / 3.0

// UncertaintyRatio checks every reference standard of a certificate
// against its subject: for a verification the reference uncertainty must
// not exceed 1/3 of the subject's MPE; for a calibration it must be smaller
// than every stated result uncertainty.
func UncertaintyRatio(c *record.Certificate, subject Subject, refs []*record.Standard) Check {
	b := checkBuilder{name: CheckUncertaintyRatio}
	for _, ref := range refs {
		switch c.Kind {
		case record.KindVerification:
			verificationRatio(&b, c, subject, ref)
		default:
			calibrationRatio(&b, c, ref)
		}
	}
	return b.check(FindingNoReference, "no reference standard to compare")
}

func verificationRatio(b *checkBuilder, c *record.Certificate, subject Subject, ref *record.Standard) {
	mpe := subject.MPE()
	if mpe == nil {
		b.bad(FindingSubjectNoMPE, Params{"subject_id": c.SubjectID}, fmt.Sprintf("subject %s has no MPE to verify against", c.SubjectID))
		return
	}
	at := evaluationPoint(c, subject)
	u, err := ref.Uncertainty.Absolute(at, mpe.Unit)
	if err != nil {
		b.bad(FindingUnitsIncompatible, unitsParams(Params{"of": UnitsReferenceMPE, "reference_id": ref.ID, "subject_id": c.SubjectID}, ref.Uncertainty, at, mpe.Unit),
			fmt.Sprintf("reference %s uncertainty vs MPE of %s: %v", ref.ID, c.SubjectID, err))
		return
	}
	limit := math.Abs(mpe.Value) * MaxVerificationRatio
	detail := fmt.Sprintf("reference %s U = %s %s vs MPE/3 = %s %s of %s", ref.ID, num(u), mpe.Unit, num(limit), mpe.Unit, c.SubjectID)
	p := Params{"reference_id": ref.ID, "u": num(u), "unit": mpe.Unit, "limit": num(limit), "subject_id": c.SubjectID, "ratio": num(u / math.Abs(mpe.Value))}
	if u <= limit || nearlyEqual(u, limit) {
		b.ok(FindingVerificationRatio, p, detail+" (ratio "+p["ratio"]+" <= 1/3)")
	} else {
		b.bad(FindingVerificationRatio, p, detail+" (ratio "+p["ratio"]+" > 1/3)")
	}
}

func calibrationRatio(b *checkBuilder, c *record.Certificate, ref *record.Standard) {
	for _, r := range c.Results {
		if r.Uncertainty == nil {
			continue
		}
		stated, err := r.Uncertainty.Absolute(r.Quantity(), r.Unit)
		if err != nil {
			b.bad(FindingUnitsIncompatible, unitsParams(Params{"of": UnitsResult, "value": fmt.Sprintf("%g", r.Value), "unit": r.Unit}, *r.Uncertainty, r.Quantity(), r.Unit),
				fmt.Sprintf("result %g %s uncertainty: %v", r.Value, r.Unit, err))
			continue
		}
		u, err := ref.Uncertainty.Absolute(r.Quantity(), r.Unit)
		if err != nil {
			b.bad(FindingUnitsIncompatible, unitsParams(Params{"of": UnitsReferenceResult, "reference_id": ref.ID, "value": fmt.Sprintf("%g", r.Value), "unit": r.Unit}, ref.Uncertainty, r.Quantity(), r.Unit),
				fmt.Sprintf("reference %s uncertainty vs result %g %s: %v", ref.ID, r.Value, r.Unit, err))
			continue
		}
		detail := fmt.Sprintf("reference %s U = %s %s vs result %g %s U = %s %s", ref.ID, num(u), r.Unit, r.Value, r.Unit, num(stated), r.Unit)
		p := Params{"reference_id": ref.ID, "u": num(u), "unit": r.Unit, "value": fmt.Sprintf("%g", r.Value), "stated": num(stated)}
		if u < stated && !nearlyEqual(u, stated) {
			b.ok(FindingCalibrationRatio, p, detail)
		} else {
			b.bad(FindingCalibrationRatio, p, detail+" (reference not better than result)")
		}
	}
}

// evaluationPoint is where a relative uncertainty is evaluated: the largest
// result of the certificate, or else the top of the subject's range.
func evaluationPoint(c *record.Certificate, subject Subject) record.Value {
	var at *record.Value
	for _, r := range c.Results {
		if at == nil || math.Abs(r.Value) > math.Abs(at.Value) {
			v := r.Quantity()
			at = &v
		}
	}
	if at != nil {
		return *at
	}
	rg := subject.Range()
	return record.Value{Value: math.Max(math.Abs(rg.Min), math.Abs(rg.Max)), Unit: rg.Unit}
}

func num(f float64) string { return fmt.Sprintf("%.4g", f) }

func nearlyEqual(a, b float64) bool { return units.NearlyEqual(a, b) }

func joinReasons(r []string) string { return strings.Join(r, "; ") }

// What a units_incompatible finding could not compare (its "of").
const (
	UnitsReferenceMPE    = "reference_mpe"    // the reference's uncertainty with the subject's MPE
	UnitsResult          = "result"           // a result's uncertainty with its value
	UnitsReferenceResult = "reference_result" // the reference's uncertainty with a result
)

// absoluteUnits names the two units [record.Uncertainty.Absolute] converts
// between when it fails: a relative uncertainty's own unit and "" (it is
// not a ratio), or the unit of the value it is taken of and the target;
// an absolute one's unit and the target.
func absoluteUnits(u record.Uncertainty, at record.Value, unit string) (from, to string) {
	if u.Relative {
		if _, err := units.ConvertDelta(1, u.Unit, ""); err != nil {
			return u.Unit, ""
		}
		return at.Unit, unit
	}
	return u.Unit, unit
}

// unitsParams adds to p the units that could not be converted ("from",
// "to") and what each measures ("from_measures", "to_measures").
func unitsParams(p Params, u record.Uncertainty, at record.Value, unit string) Params {
	from, to := absoluteUnits(u, at, unit)
	p["from"], p["to"] = from, to
	p["from_measures"], p["to_measures"] = units.Measures(from), units.Measures(to)
	return p
}
