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
	// Periods are the spans covered by the counted verifications, oldest
	// first, merged where they share a day (so repeated verifications of
	// one span are one period): what the coverage history is computed from.
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

// Counts reports whether a certificate counts towards the due date of
// instrument id: a verification of this instrument, still valid (not
// revoked or superseded) and passed. A failed verification does not renew
// the cycle, and a calibration is not a verification.
func Counts(id string, c *record.Certificate) bool {
	return c.SubjectID == id && c.Kind == record.KindVerification && c.Status == record.CertValid && c.Conformity == "pass"
}

// DueOf computes an instrument's due date from its certificates (any
// order); only those that Counts are read.
func DueOf(in *record.Instrument, certs []*record.Certificate) Due {
	var counted []*record.Certificate
	for _, c := range certs {
		if Counts(in.ID, c) {
			counted = append(counted, c)
		}
	}
	sortCertificates(counted)
	var latest *record.Certificate
	if n := len(counted); n > 0 {
		latest = counted[n-1]
	}
	return DueAdding(in, Due{Periods: []Period{}}, latest, counted)
}

// DueAdding is DueOf over the certificates d was computed from together
// with added, without those: latest is the certificate d.CertificateID
// names (nil when d has none), and every one of added must Count and be
// new to d. It lets an index apply a new verification in the time of its
// periods, however many verifications the instrument had before.
func DueAdding(in *record.Instrument, d Due, latest *record.Certificate, added []*record.Certificate) Due {
	out := Due{Periods: append([]Period{}, d.Periods...)}
	for _, c := range added {
		out.Periods = append(out.Periods, Period{From: c.PerformedOn, To: dueAfter(in, c)})
		if latest == nil || PerformedBefore(latest, c) {
			latest = c
		}
	}
	out.Periods = mergePeriods(out.Periods)
	out.DueOn = in.RegisteredOn
	if latest != nil {
		out.DueOn, out.CertificateID, out.IssuerID = dueAfter(in, latest), latest.ID, latest.IssuerID
	}
	return out
}

// mergePeriods sorts periods by their start and merges those that share a
// day, in place.
func mergePeriods(ps []Period) []Period {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].From < ps[j].From })
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 && p.From <= out[n-1].To {
			out[n-1].To = max(out[n-1].To, p.To)
			continue
		}
		out = append(out, p)
	}
	return out
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
