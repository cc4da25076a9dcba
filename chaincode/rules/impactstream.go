package rules

import (
	"sort"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// eachOf is each, or when nil a stream of the usages Lookup reads whole.
func eachOf(l Lookup, each EachUsage) EachUsage {
	if each != nil {
		return each
	}
	return func(id string, fn func(Usage) error) error {
		uses, err := usagesOf(l, id, false)
		if err != nil {
			return err
		}
		for _, u := range uses {
			if err := fn(u); err != nil {
				return err
			}
		}
		return nil
	}
}

// standardsOf is standards, or when nil each (whose usages of instruments
// the walk for the affected standards passes over).
func standardsOf(each, standards EachUsage) EachUsage {
	if standards != nil {
		return standards
	}
	return each
}

// affectedStandards finds the standards an impact reaches and the date each
// is affected from, as Impact finds them (a standard reached again from an
// earlier date is walked again), reading usages through each; NotFound
// when the faulty standard is not registered. order lists them but the
// faulty one, in id order.
func affectedStandards(l Lookup, each EachUsage, standardID, since string) (affectedSince map[string]string, order []string, err error) {
	root, err := l.Standard(standardID)
	if err != nil {
		return nil, nil, err
	}
	if root == nil {
		return nil, nil, record.Errorf(record.NotFound, "no standard %s", standardID)
	}
	affectedSince = map[string]string{standardID: since}
	type item struct{ id, since string }
	queue := []item{{standardID, since}}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if affectedSince[it.id] != it.since {
			continue
		}
		err := each(it.id, func(u Usage) error {
			if u.PerformedOn < it.since || u.SubjectDocType != record.DocStandard || u.SubjectID == standardID {
				return nil
			}
			if prev, ok := affectedSince[u.SubjectID]; !ok || u.PerformedOn < prev {
				affectedSince[u.SubjectID] = u.PerformedOn
				queue = append(queue, item{u.SubjectID, u.PerformedOn})
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	order = make([]string, 0, len(affectedSince))
	for id := range affectedSince {
		if id != standardID {
			order = append(order, id)
		}
	}
	sort.Strings(order)
	return affectedSince, order, nil
}

// ImpactStream answers an impact as a stream: it calls fn for every
// affected certificate, in the order of ImpactPaged's pages (the faulty
// standard's certificates first, then each affected standard's in id
// order), and returns the affected standards but the faulty one. Memory
// holds the affected standards only, whatever the impact's size, and the
// whole walk reads each usage twice at most (ImpactPaged reads all of them
// for every page). each streams a standard's usages (nil: read through
// l), standards only those whose subject is a standard (nil: each's; with
// it, the usages of instruments are read once); an error of fn stops the
// walk and is returned.
func ImpactStream(l Lookup, each, standards EachUsage, standardID, since string, fn func(ImpactItem) error) ([]string, error) {
	if _, err := record.ParseDate(since); err != nil {
		return nil, record.Errorf(record.Invalid, "since: %v", err)
	}
	each = eachOf(l, each)
	affectedSince, order, err := affectedStandards(l, standardsOf(each, standards), standardID, since)
	if err != nil {
		return nil, err
	}
	for _, std := range append([]string{standardID}, order...) {
		from := affectedSince[std]
		err := each(std, func(u Usage) error {
			if u.PerformedOn < from {
				return nil
			}
			return fn(ImpactItem{CertificateID: u.CertificateID, ReferenceID: std, PerformedOn: u.PerformedOn, IssuerID: u.IssuerID,
				SubjectID: u.SubjectID, SubjectDocType: u.SubjectDocType, SubjectInstitutionID: u.SubjectInstitutionID})
		})
		if err != nil {
			return nil, err
		}
	}
	return order, nil
}

// ImpactStreamEnd ends a streamed impact that completed (the gateway's
// format=ndjson answer, as {"end": ImpactStreamEnd}): the impact it
// answered, how many items came before it, and the affected standards but
// the faulty one, in id order.
type ImpactStreamEnd struct {
	StandardID string   `json:"standard_id"`
	Since      string   `json:"since"`
	Items      int      `json:"items"`
	Standards  []string `json:"standards"`
}
