package rules

import (
	"fmt"
	"sort"

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
		certs, err := l.CertificatesByReference(it.id)
		if err != nil {
			return nil, fmt.Errorf("certificates using %s: %w", it.id, err)
		}
		sortCertificates(certs)
		for _, c := range certs {
			if c.PerformedOn < it.since {
				continue
			}
			certPath := appendPath(pathTo[it.id], c.ID)
			set.note(kinds, c.ID, record.DocCertificate, certPath)
			set.note(kinds, c.IssuerID, record.DocInstitution, certPath)
			subject, err := FindSubject(l, c.SubjectID)
			if err != nil {
				if record.ErrorCode(err) == record.NotFound {
					continue
				}
				return nil, err
			}
			subjPath := appendPath(certPath, c.SubjectID)
			set.note(kinds, c.SubjectID, subject.DocType(), subjPath)
			set.note(kinds, subject.InstitutionID(), record.DocInstitution, subjPath)
			if subject.Standard == nil || c.SubjectID == standardID {
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
