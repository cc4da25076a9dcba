package rules

import (
	"sort"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Lookup is what the rules need to read. A getter returns (nil, nil) when
// the record does not exist; an error means the lookup itself failed.
// List methods may return records in any order: the rules sort them.
type Lookup interface {
	Institution(id string) (*record.Institution, error)
	Standard(id string) (*record.Standard, error)
	Instrument(id string) (*record.Instrument, error)
	Certificate(id string) (*record.Certificate, error)
	CertificatesBySubject(subjectID string) ([]*record.Certificate, error)
	CertificatesByReference(standardID string) ([]*record.Certificate, error)
	CapabilitiesByInstitution(institutionID string) ([]*record.Capability, error)
	AgreementsByParty(institutionID string) ([]*record.Agreement, error)
	ComparisonsByInstitution(institutionID string) ([]*record.Comparison, error)
}

// Subject is what a certificate is about: a standard or an instrument.
type Subject struct {
	Standard   *record.Standard
	Instrument *record.Instrument
}

// InstitutionID returns the institution that holds the subject.
func (s Subject) InstitutionID() string {
	if s.Standard != nil {
		return s.Standard.InstitutionID
	}
	return s.Instrument.InstitutionID
}

// MPE returns the subject's maximum permissible error, if it has one.
func (s Subject) MPE() *record.Value {
	if s.Standard != nil {
		return s.Standard.MPE
	}
	mpe := s.Instrument.MPE
	return &mpe
}

// Range returns the subject's measuring range.
func (s Subject) Range() record.Range {
	if s.Standard != nil {
		return s.Standard.Range
	}
	return s.Instrument.Range
}

// DocType returns record.DocStandard or record.DocInstrument.
func (s Subject) DocType() string {
	if s.Standard != nil {
		return record.DocStandard
	}
	return record.DocInstrument
}

// FindSubject looks a subject up as an instrument first, then as a
// standard: ids are unique across the two (the contract refuses one taken
// by the other), most subjects traced are working instruments, and a
// standard is what a gateway's cache holds, so asking for it second costs
// an instrument's trace no read of a standard that cannot exist. It
// returns a NotFound error when neither exists.
func FindSubject(l Lookup, id string) (Subject, error) {
	in, err := l.Instrument(id)
	if err != nil {
		return Subject{}, err
	}
	if in != nil {
		return Subject{Instrument: in}, nil
	}
	s, err := l.Standard(id)
	if err != nil {
		return Subject{}, err
	}
	if s != nil {
		return Subject{Standard: s}, nil
	}
	return Subject{}, record.Errorf(record.NotFound, "no standard or instrument %s", id)
}

// sortCertificates orders certificates by performed_on, then id.
func sortCertificates(certs []*record.Certificate) {
	sort.Slice(certs, func(i, j int) bool { return PerformedBefore(certs[i], certs[j]) })
}

// PerformedBefore orders certificates as the rules read them: by
// performed_on, then by id; the last is a subject's latest.
func PerformedBefore(a, b *record.Certificate) bool {
	if a.PerformedOn != b.PerformedOn {
		return a.PerformedOn < b.PerformedOn
	}
	return a.ID < b.ID
}

// CertificateAt chooses the certificate of a subject that counts on date:
// the latest one valid on that date; failing that, the latest performed on
// or before it (so a report can say why it no longer counts); nil when the
// subject had no certificate by then.
func CertificateAt(certs []*record.Certificate, date string) (chosen *record.Certificate, valid bool) {
	sorted := append([]*record.Certificate(nil), certs...)
	sortCertificates(sorted)
	var latest *record.Certificate
	for i := len(sorted) - 1; i >= 0; i-- {
		c := sorted[i]
		if c.ValidOn(date) {
			return c, true
		}
		if latest == nil && c.PerformedOn <= date {
			latest = c
		}
	}
	return latest, false
}
