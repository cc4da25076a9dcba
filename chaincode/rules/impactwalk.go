package rules

import (
	"encoding/base64"
	"encoding/json"
	"sort"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// UsagePage reads the usages of a standard in certificate id order, those
// after certificate id after ("" from the first), at most limit of them;
// more reports that the standard has usages past the last one returned.
type UsagePage func(standardID, after string, limit int) (uses []Usage, more bool, err error)

// ImpactWalk answers an impact a page at a time in work bounded per call,
// for the ledger, where a walk must end well inside the peer's execute
// timeout: each call reads at most budget usages (a certificate and its
// subject each) and keeps only the page, and its NextPageToken carries the
// walk on. The walk goes breadth first from the faulty standard: its
// certificates on or after since in id order, then those of each affected
// standard in the order the walk reached it, from the date it was reached
// on. A standard reached again from an earlier date is walked again for
// the certificates between the two dates only, so no certificate is
// listed twice under one standard.
//
// Unlike ImpactPaged, a page cannot know what later pages hold:
// Standards lists the affected standards found so far, and
// TotalCertificates counts the certificates of this page and every earlier
// one (on the last page, the total). A page may hold fewer than pageSize
// certificates, even none, when its budget ran out first; only an empty
// NextPageToken ends the walk.
func ImpactWalk(l Lookup, usages UsagePage, standardID, since string, pageSize int, pageToken string, budget int) (*ImpactPage, error) {
	if _, err := record.ParseDate(since); err != nil {
		return nil, record.Errorf(record.Invalid, "since: %v", err)
	}
	if pageSize < 1 || pageSize > record.MaxPageSize {
		return nil, record.Errorf(record.Invalid, "page_size must be from 1 to %d", record.MaxPageSize)
	}
	if budget < pageSize {
		return nil, record.Errorf(record.Internal, "impact walk: a budget of %d usages cannot fill a page of %d", budget, pageSize)
	}
	w, err := decodeWalk(pageToken, standardID, since)
	if err != nil {
		return nil, err
	}
	if pageToken == "" {
		root, err := l.Standard(standardID)
		if err != nil {
			return nil, err
		}
		if root == nil {
			return nil, record.Errorf(record.NotFound, "no standard %s", standardID)
		}
		w = &walkState{Root: standardID, Since: since, Queue: []walkEntry{{ID: standardID, Since: since}}, Affected: map[string]string{}}
	}
	page := &ImpactPage{StandardID: standardID, Since: since, Certificates: []ImpactItem{}}
	for len(w.Queue) > 0 && len(page.Certificates) < pageSize && budget > 0 {
		head := w.Queue[0]
		uses, more, err := usages(head.ID, w.After, min(budget, pageSize-len(page.Certificates)))
		if err != nil {
			return nil, err
		}
		budget -= len(uses)
		for _, u := range uses {
			w.After = u.CertificateID
			if u.PerformedOn < head.Since || head.Before != "" && u.PerformedOn >= head.Before {
				continue
			}
			w.Count++
			page.Certificates = append(page.Certificates, ImpactItem{CertificateID: u.CertificateID, ReferenceID: head.ID, PerformedOn: u.PerformedOn,
				IssuerID: u.IssuerID, SubjectID: u.SubjectID, SubjectDocType: u.SubjectDocType, SubjectInstitutionID: u.SubjectInstitutionID})
			if u.SubjectDocType == record.DocStandard && u.SubjectID != standardID {
				w.reach(u.SubjectID, u.PerformedOn)
			}
		}
		if !more {
			w.Queue, w.After = w.Queue[1:], ""
		}
	}
	page.TotalCertificates = w.Count
	page.Standards = make([]string, 0, len(w.Affected))
	for id := range w.Affected {
		page.Standards = append(page.Standards, id)
	}
	sort.Strings(page.Standards)
	if len(w.Queue) > 0 {
		page.NextPageToken = w.encode()
	}
	return page, nil
}

// walkState is where an impact walk stands between pages; its token is
// this, encoded. Its size is bounded by the affected standards, which
// are few, never by the certificates.
type walkState struct {
	Root     string            `json:"r"`
	Since    string            `json:"s"`
	Queue    []walkEntry       `json:"q"`           // the standards still to walk, the current one first
	After    string            `json:"a,omitempty"` // the last certificate read of the current one
	Affected map[string]string `json:"f"`           // affected standard → the date it is affected from
	Count    int               `json:"n"`           // certificates listed so far
}

// walkEntry is a standard to walk: its certificates performed from Since,
// and before Before when not "" (a second walk from an earlier date).
type walkEntry struct {
	ID     string `json:"i"`
	Since  string `json:"s"`
	Before string `json:"b,omitempty"`
}

// reach notes that a certificate performed on date made standard id
// affected.
func (w *walkState) reach(id, date string) {
	prev, ok := w.Affected[id]
	if ok && date >= prev {
		return
	}
	w.Affected[id] = date
	if !ok {
		w.Queue = append(w.Queue, walkEntry{ID: id, Since: date})
		return
	}
	// Reached again from an earlier date: a pending walk not yet begun
	// starts earlier; one begun or done gets a second walk for the dates
	// before.
	for i := range w.Queue {
		if e := &w.Queue[i]; e.ID == id && e.Before == "" && !(i == 0 && w.After != "") {
			e.Since = date
			return
		}
	}
	w.Queue = append(w.Queue, walkEntry{ID: id, Since: date, Before: prev})
}

func (w *walkState) encode() string {
	data, _ := json.Marshal(w)
	return base64.RawURLEncoding.EncodeToString(data)
}

// decodeWalk reads a page token of the impact of standardID since since;
// nil for "" (the first page). A token of another impact, or not one a
// walk gave, is refused.
func decodeWalk(token, standardID, since string) (*walkState, error) {
	if token == "" {
		return nil, nil
	}
	bad := record.Refusef(record.Invalid, record.ReasonPageTokenForeign, nil, "page_token is not a token this impact gave")
	data, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, bad
	}
	var w walkState
	if err := record.Decode(data, &w); err != nil || w.Root != standardID || w.Since != since || len(w.Queue) == 0 || w.Count < 0 || w.Affected == nil {
		return nil, bad
	}
	for _, e := range w.Queue {
		if e.ID == "" || !isDate(e.Since) || e.Before != "" && !isDate(e.Before) {
			return nil, bad
		}
	}
	for id, d := range w.Affected {
		if id == "" || !isDate(d) {
			return nil, bad
		}
	}
	return &w, nil
}

func isDate(s string) bool {
	_, err := record.ParseDate(s)
	return err == nil
}
