package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// ImpactSet answers "this standard was found faulty since a date: what is
// affected?". Paths, when asked for, gives for every id the path from the
// faulty standard to it (for an institution: to the certificate or subject
// that involves it).
type ImpactSet struct {
	StandardID   string              `json:"standard_id"`
	Since        string              `json:"since"`
	Certificates []string            `json:"certificates"`
	Instruments  []string            `json:"instruments"`
	Standards    []string            `json:"standards"`
	Institutions []string            `json:"institutions"`
	Paths        map[string][]string `json:"paths,omitempty"`
}

// reached is how the impact walk first reached an id: its kind, the id
// before it on the path, and whether the path names the id itself.
type reached struct {
	kind string
	via  string
	self bool
}

// Impact walks down from a standard: every certificate that used it on or
// after since, their subjects, and transitively everything calibrated by an
// affected standard on or after the day it was affected. withPaths adds the
// path to every id, which costs memory in proportion to the answer.
func Impact(l Lookup, standardID, since string, withPaths bool) (*ImpactSet, error) {
	return ImpactWithin(l, standardID, since, withPaths, 0)
}

// ImpactWithin is Impact bounded: it refuses, with a record.Error of code
// Invalid, a walk that reads more than maxUsages certificates (0: no
// bound), so an evaluation stops by itself long before a peer's execute
// timeout would stop it.
func ImpactWithin(l Lookup, standardID, since string, withPaths bool, maxUsages int) (*ImpactSet, error) {
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
	set := &ImpactSet{StandardID: standardID, Since: since}
	affectedSince := map[string]string{standardID: since}
	type item struct{ id, since string }
	queue := []item{{standardID, since}}
	var seen map[string]reached
	walked := 0
	note := func(id, kind, via string, self bool) {
		if seen == nil {
			seen = map[string]reached{}
		}
		if _, ok := seen[id]; !ok {
			seen[id] = reached{kind: kind, via: via, self: self}
		}
	}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if affectedSince[it.id] != it.since {
			continue // superseded by an earlier date found later
		}
		uses, err := usagesOf(l, it.id, withPaths)
		if err != nil {
			return nil, fmt.Errorf("certificates using %s: %w", it.id, err)
		}
		if walked += len(uses); maxUsages > 0 && walked > maxUsages {
			return nil, record.Refusef(record.Invalid, record.ReasonImpactTooLarge, record.Params{"id": standardID, "max": strconv.Itoa(maxUsages)},
				"the impact of %s reaches more than %d certificates, more than one evaluation reads; ask the gateway's index (GET /api/v1/impact/%s)", standardID, maxUsages, standardID)
		}
		if len(seen) == 0 {
			seen = make(map[string]reached, 2*len(uses))
		}
		for _, c := range uses {
			if c.PerformedOn < it.since {
				continue
			}
			note(c.CertificateID, record.DocCertificate, it.id, true)
			note(c.IssuerID, record.DocInstitution, c.CertificateID, false)
			if c.SubjectDocType == "" {
				continue // the subject is not registered
			}
			note(c.SubjectID, c.SubjectDocType, c.CertificateID, true)
			note(c.SubjectInstitutionID, record.DocInstitution, c.SubjectID, false)
			if c.SubjectDocType != record.DocStandard || c.SubjectID == standardID {
				continue
			}
			if prev, ok := affectedSince[c.SubjectID]; !ok || c.PerformedOn < prev {
				affectedSince[c.SubjectID] = c.PerformedOn
				queue = append(queue, item{c.SubjectID, c.PerformedOn})
			}
		}
	}
	set.Certificates, set.Instruments, set.Standards, set.Institutions = []string{}, []string{}, []string{}, []string{}
	for id, r := range seen {
		switch r.kind {
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
	if withPaths {
		set.Paths = paths(seen, standardID)
	}
	return set, nil
}

// paths materializes the path to every reached id from the root.
func paths(seen map[string]reached, root string) map[string][]string {
	memo := map[string][]string{root: {root}}
	var pathTo func(id string) []string // the path ending with id itself
	pathTo = func(id string) []string {
		if p, ok := memo[id]; ok {
			return p
		}
		r := seen[id]
		p := pathTo(r.via)
		out := make([]string, len(p), len(p)+1)
		copy(out, p)
		out = append(out, id)
		memo[id] = out
		return out
	}
	out := make(map[string][]string, len(seen))
	for id, r := range seen {
		if r.self {
			out[id] = pathTo(id)
		} else {
			out[id] = pathTo(r.via)
		}
	}
	return out
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

// DecodeUsage unpacks a usage written by Encode. The six fields are
// substrings of one string made of b, so a usage costs one allocation (the
// impact walk decodes one per certificate: 3M of them at 1M instruments).
func DecodeUsage(b []byte) (Usage, error) {
	var f [6]string
	s := string(b)
	for i := range f[:5] {
		end := strings.IndexByte(s, 0)
		if end < 0 {
			return Usage{}, fmt.Errorf("malformed usage entry %q", b)
		}
		f[i], s = s[:end], s[end+1:]
	}
	if strings.IndexByte(s, 0) >= 0 {
		return Usage{}, fmt.Errorf("malformed usage entry %q", b)
	}
	f[5] = s
	return Usage{f[0], f[1], f[2], f[3], f[4], f[5]}, nil
}

// UsageLookup is an optional Lookup extension for stores that keep usages
// ready (the gateway's index does): the certificates that used a standard,
// without reading every certificate and subject.
type UsageLookup interface {
	UsagesOf(standardID string) ([]Usage, error)
}

// usagesOf returns the usages of a standard; ordered by performance date,
// then certificate id, when the order matters (it decides which path to an
// id is reported first).
func usagesOf(l Lookup, standardID string, ordered bool) ([]Usage, error) {
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
	if ordered {
		sort.Slice(uses, func(i, j int) bool {
			if uses[i].PerformedOn != uses[j].PerformedOn {
				return uses[i].PerformedOn < uses[j].PerformedOn
			}
			return uses[i].CertificateID < uses[j].CertificateID
		})
	}
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

// AffectedUsages is the impact walk's certificates, each once, as usages
// (certificate, date, issuer, subject): what an out-of-tolerance case
// notifies. In no particular order. It walks as Impact does: every usage
// of an affected standard on or after the day it was affected.
func AffectedUsages(l Lookup, standardID, since string) ([]Usage, error) {
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
	affectedSince := map[string]string{standardID: since}
	type item struct{ id, since string }
	queue := []item{{standardID, since}}
	seen := map[string]bool{}
	var out []Usage
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if affectedSince[it.id] != it.since {
			continue
		}
		uses, err := usagesOf(l, it.id, false)
		if err != nil {
			return nil, fmt.Errorf("certificates using %s: %w", it.id, err)
		}
		for _, c := range uses {
			if c.PerformedOn < it.since {
				continue
			}
			if !seen[c.CertificateID] {
				seen[c.CertificateID] = true
				out = append(out, c)
			}
			if c.SubjectDocType != record.DocStandard || c.SubjectID == standardID {
				continue
			}
			if prev, ok := affectedSince[c.SubjectID]; !ok || c.PerformedOn < prev {
				affectedSince[c.SubjectID] = c.PerformedOn
				queue = append(queue, item{c.SubjectID, c.PerformedOn})
			}
		}
	}
	return out, nil
}
