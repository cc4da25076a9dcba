package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// ImpactSet answers "this standard was found faulty since a date: what is
// affected?". Every id comes with the path from the faulty standard to it.
type ImpactSet struct {
	StandardID   string              `json:"standard_id"`
	Since        string              `json:"since"`
	Certificates []string            `json:"certificates"`
	Instruments  []string            `json:"instruments"`
	Standards    []string            `json:"standards"`
	Institutions []string            `json:"institutions"`
	Paths        map[string][]string `json:"paths"`
}

// Impact walks down from a standard: every certificate that used it on or
// after since, their subjects, and transitively everything calibrated by an
// affected standard on or after the day it was affected.
func Impact(l Lookup, standardID, since string) (*ImpactSet, error) {
	if _, err := record.ParseDate(since); err != nil {
		return nil, record.Errorf(record.Invalid, "since: %v", err)
	}
	root, err := l.Standard(standardID)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, record.Errorf(record.NotFound, "no standard %s", standardID)
	}
	set := &ImpactSet{StandardID: standardID, Since: since, Paths: map[string][]string{}}
	affectedSince := map[string]string{standardID: since}
	pathTo := map[string][]string{standardID: {standardID}}
	type item struct{ id, since string }
	queue := []item{{standardID, since}}
	kinds := map[string]string{}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if affectedSince[it.id] != it.since {
			continue // superseded by an earlier date found later
		}
		uses, err := usagesOf(l, it.id)
		if err != nil {
			return nil, fmt.Errorf("certificates using %s: %w", it.id, err)
		}
		for _, c := range uses {
			if c.PerformedOn < it.since {
				continue
			}
			certPath := appendPath(pathTo[it.id], c.CertificateID)
			set.note(kinds, c.CertificateID, record.DocCertificate, certPath)
			set.note(kinds, c.IssuerID, record.DocInstitution, certPath)
			if c.SubjectDocType == "" {
				continue // the subject is not registered
			}
			subjPath := appendPath(certPath, c.SubjectID)
			set.note(kinds, c.SubjectID, c.SubjectDocType, subjPath)
			set.note(kinds, c.SubjectInstitutionID, record.DocInstitution, subjPath)
			if c.SubjectDocType != record.DocStandard || c.SubjectID == standardID {
				continue
			}
			if prev, seen := affectedSince[c.SubjectID]; !seen || c.PerformedOn < prev {
				affectedSince[c.SubjectID] = c.PerformedOn
				pathTo[c.SubjectID] = subjPath
				queue = append(queue, item{c.SubjectID, c.PerformedOn})
			}
		}
	}
	set.Certificates, set.Instruments, set.Standards, set.Institutions = []string{}, []string{}, []string{}, []string{}
	for id, kind := range kinds {
		switch kind {
		case record.DocCertificate:
			set.Certificates = append(set.Certificates, id)
		case record.DocInstrument:
			set.Instruments = append(set.Instruments, id)
		case record.DocStandard:
			set.Standards = append(set.Standards, id)
		case record.DocInstitution:
			set.Institutions = append(set.Institutions, id)
		}
	}
	for _, list := range [][]string{set.Certificates, set.Instruments, set.Standards, set.Institutions} {
		sort.Strings(list)
	}
	return set, nil
}

// note records an affected id with the first path found to it.
func (s *ImpactSet) note(kinds map[string]string, id, kind string, path []string) {
	if _, seen := kinds[id]; seen {
		return
	}
	kinds[id] = kind
	s.Paths[id] = path
}

func appendPath(path []string, id string) []string {
	out := make([]string, 0, len(path)+1)
	return append(append(out, path...), id)
}

// Usage is a certificate that used a reference standard, reduced to what
// the impact walk needs.
type Usage struct {
	CertificateID        string
	PerformedOn          string
	IssuerID             string
	SubjectID            string
	SubjectDocType       string // "" when the subject is not registered
	SubjectInstitutionID string
}

// Encode packs a usage compactly: its fields joined by NUL bytes (ids and
// dates cannot contain NUL). Stores keep usages in this form because the
// impact walk decodes one per certificate.
func (u Usage) Encode() []byte {
	return []byte(strings.Join([]string{u.CertificateID, u.PerformedOn, u.IssuerID, u.SubjectID, u.SubjectDocType, u.SubjectInstitutionID}, "\x00"))
}

// DecodeUsage unpacks a usage written by Encode.
func DecodeUsage(b []byte) (Usage, error) {
	f := strings.Split(string(b), "\x00")
	if len(f) != 6 {
		return Usage{}, fmt.Errorf("malformed usage entry %q", b)
	}
	return Usage{f[0], f[1], f[2], f[3], f[4], f[5]}, nil
}

// UsageLookup is an optional Lookup extension for stores that keep usages
// ready (the gateway's index does): the certificates that used a standard,
// without reading every certificate and subject.
type UsageLookup interface {
	UsagesOf(standardID string) ([]Usage, error)
}

// usagesOf returns the usages of a standard ordered by performance date,
// then certificate id.
func usagesOf(l Lookup, standardID string) ([]Usage, error) {
	var uses []Usage
	if ul, ok := l.(UsageLookup); ok {
		var err error
		if uses, err = ul.UsagesOf(standardID); err != nil {
			return nil, err
		}
	} else {
		certs, err := l.CertificatesByReference(standardID)
		if err != nil {
			return nil, err
		}
		for _, c := range certs {
			u, err := UsageOf(l, c)
			if err != nil {
				return nil, err
			}
			uses = append(uses, u)
		}
	}
	sort.Slice(uses, func(i, j int) bool {
		if uses[i].PerformedOn != uses[j].PerformedOn {
			return uses[i].PerformedOn < uses[j].PerformedOn
		}
		return uses[i].CertificateID < uses[j].CertificateID
	})
	return uses, nil
}

// UsageOf reduces a certificate to a Usage, looking its subject up.
func UsageOf(l Lookup, c *record.Certificate) (Usage, error) {
	u := Usage{CertificateID: c.ID, PerformedOn: c.PerformedOn, IssuerID: c.IssuerID, SubjectID: c.SubjectID}
	subject, err := FindSubject(l, c.SubjectID)
	if err != nil {
		if record.ErrorCode(err) == record.NotFound {
			return u, nil
		}
		return u, err
	}
	u.SubjectDocType, u.SubjectInstitutionID = subject.DocType(), subject.InstitutionID()
	return u, nil
}
