package rules

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// IssuerCapable checks that the issuer of a certificate held a CMC for the
// certificate's quantity, valid on performed_on, whose range covers every
// result value and whose uncertainty is not larger than any stated result
// uncertainty (a laboratory cannot claim better than its CMC).
func IssuerCapable(l Lookup, c *record.Certificate) (Check, error) {
	b := checkBuilder{name: CheckIssuerCapable}
	caps, err := l.CapabilitiesByInstitution(c.IssuerID)
	if err != nil {
		return Check{}, fmt.Errorf("capabilities of %s: %w", c.IssuerID, err)
	}
	sort.Slice(caps, func(i, j int) bool { return caps[i].ID < caps[j].ID })
	var valid []*record.Capability
	for _, cp := range caps {
		if cp.Quantity == c.Quantity && c.PerformedOn <= cp.ValidUntil {
			valid = append(valid, cp)
		}
	}
	if len(valid) == 0 {
		b.bad(FindingNoCMC, Params{"issuer_id": c.IssuerID, "quantity": c.Quantity, "date": c.PerformedOn},
			fmt.Sprintf("issuer %s has no CMC for %s valid on %s", c.IssuerID, c.Quantity, c.PerformedOn))
		return b.check("", ""), nil
	}
	if len(c.Results) == 0 {
		b.ok(FindingCMCCovers, Params{"issuer_id": c.IssuerID, "capability_id": valid[0].ID, "quantity": c.Quantity, "date": c.PerformedOn},
			fmt.Sprintf("issuer %s CMC %s covers %s on %s", c.IssuerID, valid[0].ID, c.Quantity, c.PerformedOn))
		return b.check("", ""), nil
	}
	for _, r := range c.Results {
		covered, why := coveringCMC(valid, r)
		if covered != nil {
			// Each part formatted once, for the parameters and the text.
			value, rng, unc := strconv.FormatFloat(r.Value, 'g', -1, 64), covered.Range.String(), covered.Uncertainty.String()
			b.ok(FindingResultWithinCMC, Params{"value": value, "unit": r.Unit, "capability_id": covered.ID, "range": rng, "uncertainty": unc},
				"result "+value+" "+r.Unit+" within CMC "+covered.ID+" "+rng+", "+unc)
		} else {
			p := Params{"value": fmt.Sprintf("%g", r.Value), "unit": r.Unit, "certificate_id": c.ID, "reasons": strconv.Itoa(len(why))}
			text := make([]string, len(why))
			for i, w := range why {
				text[i] = w.text
				for k, v := range w.params {
					p[k+"."+strconv.Itoa(i)] = v
				}
			}
			b.bad(FindingResultNotCovered, p, fmt.Sprintf("result %g %s of %s: %s", r.Value, r.Unit, c.ID, joinReasons(text)))
		}
	}
	return b.check("", ""), nil
}

// Why a CMC does not cover a result: the "reason.<i>" parameters of a
// result_not_covered finding, one for each CMC tried (i from 0 to
// "reasons" - 1), each with its own parameters suffixed ".<i>".
const (
	CoverRangeUnits        = "range_units"              // capability_id, from (the result's unit), to (the range's)
	CoverOutsideRange      = "outside_range"            // capability_id, range
	CoverCMCUncertainty    = "cmc_uncertainty_units"    // capability_id, from, to
	CoverResultUncertainty = "result_uncertainty_units" // from, to
	CoverBelowCMC          = "below_cmc"                // capability_id, stated, best, unit
)

// notCovered is why one CMC does not cover a result: in English, and as
// a reason code with its parameters.
type notCovered struct {
	text   string
	params Params
}

// coveringCMC returns the first CMC covering the result, or why none does.
func coveringCMC(caps []*record.Capability, r record.Result) (*record.Capability, []notCovered) {
	var reasons []notCovered
	add := func(code string, p Params, format string, args ...any) {
		p["reason"] = code
		reasons = append(reasons, notCovered{text: fmt.Sprintf(format, args...), params: p})
	}
	for _, cp := range caps {
		in, err := cp.Range.Covers(r.Quantity())
		if err != nil {
			add(CoverRangeUnits, Params{"capability_id": cp.ID, "from": r.Unit, "to": cp.Range.Unit}, "CMC %s: %v", cp.ID, err)
			continue
		}
		if !in {
			add(CoverOutsideRange, Params{"capability_id": cp.ID, "range": cp.Range.String()}, "outside CMC %s range %s", cp.ID, cp.Range)
			continue
		}
		if r.Uncertainty == nil {
			return cp, nil
		}
		best, err := cp.Uncertainty.Absolute(r.Quantity(), r.Unit)
		if err != nil {
			from, to := absoluteUnits(cp.Uncertainty, r.Quantity(), r.Unit)
			add(CoverCMCUncertainty, Params{"capability_id": cp.ID, "from": from, "to": to}, "CMC %s: %v", cp.ID, err)
			continue
		}
		stated, err := r.Uncertainty.Absolute(r.Quantity(), r.Unit)
		if err != nil {
			from, to := absoluteUnits(*r.Uncertainty, r.Quantity(), r.Unit)
			add(CoverResultUncertainty, Params{"from": from, "to": to}, "result uncertainty: %v", err)
			continue
		}
		if stated < best && !nearlyEqual(stated, best) {
			add(CoverBelowCMC, Params{"capability_id": cp.ID, "stated": fmt.Sprintf("%g", stated), "best": fmt.Sprintf("%g", best), "unit": r.Unit},
				"stated U = %g %s is smaller than CMC %s best U = %g %s", stated, r.Unit, cp.ID, best, r.Unit)
			continue
		}
		return cp, nil
	}
	return nil, reasons
}
