package rules

import (
	"fmt"
	"sort"

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
			b.ok(FindingResultWithinCMC, Params{"value": fmt.Sprintf("%g", r.Value), "unit": r.Unit, "capability_id": covered.ID,
				"range": covered.Range.String(), "uncertainty": covered.Uncertainty.String()},
				fmt.Sprintf("result %g %s within CMC %s %s, %s", r.Value, r.Unit, covered.ID, covered.Range, covered.Uncertainty))
		} else {
			b.bad(FindingResultNotCovered, Params{"value": fmt.Sprintf("%g", r.Value), "unit": r.Unit, "certificate_id": c.ID, "reason": why},
				fmt.Sprintf("result %g %s of %s: %s", r.Value, r.Unit, c.ID, why))
		}
	}
	return b.check("", ""), nil
}

// coveringCMC returns the first CMC covering the result, or why none does.
func coveringCMC(caps []*record.Capability, r record.Result) (*record.Capability, string) {
	var reasons []string
	for _, cp := range caps {
		in, err := cp.Range.Covers(r.Quantity())
		if err != nil {
			reasons = append(reasons, fmt.Sprintf("CMC %s: %v", cp.ID, err))
			continue
		}
		if !in {
			reasons = append(reasons, fmt.Sprintf("outside CMC %s range %s", cp.ID, cp.Range))
			continue
		}
		if r.Uncertainty == nil {
			return cp, ""
		}
		best, err := cp.Uncertainty.Absolute(r.Quantity(), r.Unit)
		if err != nil {
			reasons = append(reasons, fmt.Sprintf("CMC %s: %v", cp.ID, err))
			continue
		}
		stated, err := r.Uncertainty.Absolute(r.Quantity(), r.Unit)
		if err != nil {
			reasons = append(reasons, fmt.Sprintf("result uncertainty: %v", err))
			continue
		}
		if stated < best && !nearlyEqual(stated, best) {
			reasons = append(reasons, fmt.Sprintf("stated U = %g %s is smaller than CMC %s best U = %g %s", stated, r.Unit, cp.ID, best, r.Unit))
			continue
		}
		return cp, ""
	}
	return nil, joinReasons(reasons)
}
