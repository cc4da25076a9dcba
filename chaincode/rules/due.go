package rules

import (
	"sort"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Period is a span during which an instrument's verification was in force:
// from the verification's performed_on to its due date, both included.
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Due is where an instrument stands in its verification cycle.
type Due struct {
	// DueOn is when the instrument must be verified again: the valid_until
	// of its latest valid verification, or that verification's
	// performed_on plus the instrument's interval when that is earlier; for
	// an instrument never verified, its registration date (it is overdue
	// from then on). "" when neither is known.
	DueOn string `json:"due_on"`
	// CertificateID is the verification DueOn comes from, "" when never verified.
	CertificateID string `json:"certificate_id,omitempty"`
	// IssuerID is the institution that performed it.
	IssuerID string `json:"issuer_id,omitempty"`
	// Periods are the spans covered by each counted verification, oldest
	// first: what the coverage history is computed from.
	Periods []Period `json:"periods"`
}

// Verified reports whether any verification counts for the instrument.
func (d Due) Verified() bool { return d.CertificateID != "" }

// CoveredOn reports whether a counted verification was in force on date.
func (d Due) CoveredOn(date string) bool {
	for _, p := range d.Periods {
		if p.From <= date && date <= p.To {
			return true
		}
	}
	return false
}

// DueOf computes an instrument's due date from its certificates (any
// order). A verification counts when it is of this instrument, still valid
// (not revoked or superseded) and passed: a failed verification does not
// make an instrument fit for use, so it never moves the due date.
func DueOf(in *record.Instrument, certs []*record.Certificate) Due {
	var counted []*record.Certificate
	for _, c := range certs {
		if c.SubjectID == in.ID && c.Kind == record.KindVerification && c.Status == record.CertValid && c.Conformity == "pass" {
			counted = append(counted, c)
		}
	}
	sortCertificates(counted)
	d := Due{DueOn: in.RegisteredOn, Periods: []Period{}}
	for _, c := range counted {
		d.Periods = append(d.Periods, Period{From: c.PerformedOn, To: dueAfter(in, c)})
	}
	sort.SliceStable(d.Periods, func(i, j int) bool { return d.Periods[i].From < d.Periods[j].From })
	if n := len(counted); n > 0 {
		latest := counted[n-1]
		d.DueOn, d.CertificateID, d.IssuerID = dueAfter(in, latest), latest.ID, latest.IssuerID
	}
	return d
}

// dueAfter is the due date a verification sets: its valid_until, or its
// performed_on plus the instrument's interval when earlier.
func dueAfter(in *record.Instrument, c *record.Certificate) string {
	due := c.ValidUntil
	if in.IntervalMonths > 0 {
		if byInterval, err := record.AddMonths(c.PerformedOn, in.IntervalMonths); err == nil && byInterval < due {
			due = byInterval
		}
	}
	return due
}
