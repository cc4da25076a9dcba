package index

import (
	"encoding/json"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// CaseView is an out-of-tolerance case as the API shows it: the case with
// its notices and their items.
type CaseView struct {
	ID            string       `json:"id"`
	StandardID    string       `json:"standard_id"`
	Since         string       `json:"since"`
	Finding       string       `json:"finding"`
	Status        string       `json:"status"`
	InstitutionID string       `json:"institution_id"`
	OpenedOn      string       `json:"opened_on"`
	OpenedBy      string       `json:"opened_by"`
	ClosedOn      string       `json:"closed_on,omitempty"`
	Recorded      bool         `json:"recorded"`
	Certificates  int          `json:"certificates"`
	Notices       []NoticeView `json:"notices"`
}

// NoticeView is a notice with its items.
type NoticeView struct {
	ID            string     `json:"id"`
	CaseID        string     `json:"case_id"`
	InstitutionID string     `json:"institution_id"`
	Status        string     `json:"status"`
	OpenedOn      string     `json:"opened_on"`
	ClosedOn      string     `json:"closed_on,omitempty"`
	OpenItems     int        `json:"open_items"`
	Items         []ItemView `json:"items"`
}

// ItemView is one affected certificate of a notice and its resolution.
type ItemView struct {
	CertificateID string `json:"certificate_id"`
	SubjectID     string `json:"subject_id"`
	Status        string `json:"status"`
	Action        string `json:"action"`
	ReplacementID string `json:"replacement_id"`
	Reason        string `json:"reason"`
	ResolvedOn    string `json:"resolved_on,omitempty"`
}

func noticeView(l rules.Source, n *record.Notice) (NoticeView, error) {
	v := NoticeView{ID: n.ID, CaseID: n.CaseID, InstitutionID: n.InstitutionID, Status: n.Status, OpenedOn: n.OpenedOn,
		ClosedOn: n.ClosedOn, OpenItems: n.OpenItems, Items: []ItemView{}}
	ids, err := l.IDs(record.IndexItemsByNotice, n.ID)
	if err != nil {
		return v, err
	}
	for _, id := range ids {
		data, err := l.Record(record.DocNoticeItem, id)
		if err != nil || data == nil {
			return v, err
		}
		var it record.NoticeItem
		if err := json.Unmarshal(data, &it); err != nil {
			return v, fmt.Errorf("notice item %s: %w", id, err)
		}
		v.Items = append(v.Items, ItemView{CertificateID: it.CertificateID, SubjectID: it.SubjectID, Status: it.Status,
			Action: it.Action, ReplacementID: it.ReplacementID, Reason: it.Reason, ResolvedOn: it.ResolvedOn})
	}
	return v, nil
}

// Case returns a case with every notice and item, notices by institution,
// items by certificate; a NotFound *record.Error when there is none.
func (x *Index) Case(id string) (*CaseView, error) {
	var out *CaseView
	err := x.db.View(func(txn *badger.Txn) error {
		src := source{txn}
		data, err := src.Record(record.DocCase, id)
		if err != nil {
			return err
		}
		if data == nil {
			return record.Errorf(record.NotFound, "case %s does not exist", id)
		}
		var cs record.Case
		if err := json.Unmarshal(data, &cs); err != nil {
			return err
		}
		out = &CaseView{ID: cs.ID, StandardID: cs.StandardID, Since: cs.Since, Finding: cs.Finding, Status: cs.Status,
			InstitutionID: cs.InstitutionID, OpenedOn: cs.OpenedOn, OpenedBy: cs.OpenedBy, ClosedOn: cs.ClosedOn,
			Recorded: cs.Recorded, Certificates: cs.Certificates, Notices: []NoticeView{}}
		ids, err := src.IDs(record.IndexNoticesByCase, id)
		if err != nil {
			return err
		}
		for _, nid := range ids {
			n, err := notice(src, nid)
			if err != nil {
				return err
			}
			v, err := noticeView(src, n)
			if err != nil {
				return err
			}
			out.Notices = append(out.Notices, v)
		}
		return nil
	})
	return out, err
}

// Notice returns a notice with its items; NotFound when there is none.
func (x *Index) Notice(id string) (*NoticeView, error) {
	var out *NoticeView
	err := x.db.View(func(txn *badger.Txn) error {
		n, err := notice(source{txn}, id)
		if err != nil {
			return err
		}
		v, err := noticeView(source{txn}, n)
		out = &v
		return err
	})
	return out, err
}

func notice(src source, id string) (*record.Notice, error) {
	data, err := src.Record(record.DocNotice, id)
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, record.Errorf(record.NotFound, "notice %s does not exist", id)
	}
	var n record.Notice
	if err := json.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("notice %s: %w", id, err)
	}
	return &n, nil
}

// ReasonNoticeOpen is why an open notice is listed.
const ReasonNoticeOpen = "notice_open"

// OpenNotices lists the notices still open that were opened at least
// olderThanDays days before today, oldest first: who has not yet dealt with
// an out-of-tolerance case. Region and institution filter the notified
// institution.
func (x *Index) OpenNotices(today string, olderThanDays int, f Filter, pageSize int, pageToken string) (*ItemPage, error) {
	if olderThanDays < 0 {
		return nil, record.Errorf(record.Invalid, "older_than_days must not be negative")
	}
	until, err := record.AddDays(today, -olderThanDays)
	if err != nil {
		return nil, record.Errorf(record.Invalid, "today: %v", err)
	}
	var items []keyed
	err = x.db.View(func(txn *badger.Txn) error {
		l := rules.FromSource(source{txn})
		regions := map[string]string{}
		prefix := recordPrefix(record.DocNotice)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 100})
		defer it.Close()
		for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
			var n record.Notice
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &n) }); err != nil {
				return err
			}
			if n.Status != record.CaseOpen || n.OpenedOn > until {
				continue
			}
			region, err := regionOf(l, regions, n.InstitutionID)
			if err != nil {
				return err
			}
			if !f.match(region, "", n.InstitutionID, "") {
				continue
			}
			items = append(items, keyed{n.OpenedOn + "\x00" + n.ID, Item{NoticeID: n.ID, CaseID: n.CaseID, StandardID: n.StandardID,
				InstitutionID: n.InstitutionID, Region: region, OpenedOn: n.OpenedOn, OpenItems: n.OpenItems, Reason: ReasonNoticeOpen,
				Detail: fmt.Sprintf("%d of %d item(s) unresolved since %s (%d days)", n.OpenItems, n.ItemCount, n.OpenedOn, daysBetween(n.OpenedOn, today))}})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pageOf(items, pageSize, pageToken)
}
