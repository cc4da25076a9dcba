package index

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Reasons an item is on a supervision list.
const (
	ReasonNeverVerified   = "never_verified"
	ReasonOverdue         = "verification_overdue"
	ReasonDueSoon         = "verification_due"
	ReasonApprovalExpired = "approval_expired"
	ReasonApprovalExpires = "approval_expires"
)

// Filter narrows a supervision list; an empty field does not filter.
// Region matches an instrument's district's region (else its registering
// institution's), a standard's institution's, or a certificate's issuer's.
// District and Category match instruments (for at-risk: the certificate's
// subject), so a list of standards with either set is empty.
type Filter struct {
	Region      string
	District    string
	Institution string
	Category    string
}

func (f Filter) match(region, district, institution, category string) bool {
	return (f.Region == "" || f.Region == region) && (f.District == "" || f.District == district) &&
		(f.Institution == "" || f.Institution == institution) && (f.Category == "" || f.Category == category)
}

// Item is one entry of a supervision list: an instrument (due, overdue), a
// standard (approvals), a certificate (at risk) or a notice (open notices),
// with why it is listed.
type Item struct {
	InstrumentID  string `json:"instrument_id,omitempty"`
	StandardID    string `json:"standard_id,omitempty"`
	CertificateID string `json:"certificate_id,omitempty"`
	InstitutionID string `json:"institution_id"`
	Region        string `json:"region"`
	District      string `json:"district,omitempty"`
	Category      string `json:"category,omitempty"`
	DueOn         string `json:"due_on,omitempty"`
	Reason        string `json:"reason"`
	Detail        string `json:"detail"`
	// Instruments: the verifier of CertificateID, their latest verification.
	IssuerID string `json:"issuer_id,omitempty"`
	// Standards: the approval and its certificates issued after it expired.
	ApprovalNumber          string   `json:"approval_number,omitempty"`
	Status                  string   `json:"status,omitempty"`
	CertificatesAfterExpiry []string `json:"certificates_after_expiry,omitempty"`
	// Certificates: their subject, date and every risk.
	SubjectID   string       `json:"subject_id,omitempty"`
	PerformedOn string       `json:"performed_on,omitempty"`
	Risks       []rules.Risk `json:"risks,omitempty"`
	// Notices: which case, since when, how many items are unresolved.
	NoticeID  string `json:"notice_id,omitempty"`
	CaseID    string `json:"case_id,omitempty"`
	OpenedOn  string `json:"opened_on,omitempty"`
	OpenItems int    `json:"open_items,omitempty"`
}

// ItemPage is one page of a supervision list; Total counts every item of
// the list, across pages.
type ItemPage struct {
	Items         []Item `json:"items"`
	Total         int    `json:"total"`
	NextPageToken string `json:"next_page_token"`
}

func pageSizeOf(n int) (int, error) {
	if n <= 0 {
		return 100, nil
	}
	if n > record.MaxPageSize {
		return 0, record.Errorf(record.Invalid, "page_size must be at most %d", record.MaxPageSize)
	}
	return n, nil
}

func decodeToken(token string) ([]byte, error) {
	if token == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) == 0 {
		return nil, record.Refusef(record.Invalid, record.ReasonPageTokenForeign, nil, "page_token is not a token of this list")
	}
	return b, nil
}

// Due lists the compulsory instruments due for verification from today to
// withinDays days later, soonest first.
func (x *Index) Due(today string, withinDays int, f Filter, pageSize int, pageToken string) (*ItemPage, error) {
	if withinDays < 0 {
		return nil, record.Errorf(record.Invalid, "within_days must not be negative")
	}
	until, err := record.AddDays(today, withinDays)
	if err != nil {
		return nil, record.Errorf(record.Invalid, "today: %v", err)
	}
	return x.dueRange(today, until, today, f, pageSize, pageToken)
}

// Overdue lists the compulsory instruments past their due date on today,
// or never verified (overdue from their registration day on), most
// overdue first.
func (x *Index) Overdue(today string, f Filter, pageSize int, pageToken string) (*ItemPage, error) {
	if _, err := record.ParseDate(today); err != nil {
		return nil, record.Errorf(record.Invalid, "today: %v", err)
	}
	return x.dueRange("", today, today, f, pageSize, pageToken)
}

// dueRange pages the due entries with from <= due_on <= to. The due list
// (from set) leaves out instruments never verified; the overdue list (from
// "") leaves out those verified and due on today itself. A filtered list
// pages along the keys of its most selective field; its total comes from
// the counters when at most one field is set, else from reading the
// entries of that field.
func (x *Index) dueRange(from, to, today string, f Filter, pageSize int, pageToken string) (*ItemPage, error) {
	size, err := pageSizeOf(pageSize)
	if err != nil {
		return nil, err
	}
	start, err := decodeToken(pageToken)
	if err != nil {
		return nil, err
	}
	if start != nil && string(start) < from {
		return nil, record.Refusef(record.Invalid, record.ReasonPageTokenForeign, nil, "page_token is not a token of this list")
	}
	if start == nil {
		start = []byte(from)
	}
	d, set := f.scanDim()
	overdue := from == ""
	listed := func(e *dueEntry) bool {
		verified := e.CertificateID != ""
		if (!overdue && !verified) || (overdue && verified && e.DueOn >= today) {
			return false
		}
		return f.match(e.Region, e.District, e.InstitutionID, e.Category)
	}
	page := &ItemPage{Items: []Item{}}
	err = x.db.View(func(txn *badger.Txn) error {
		if set <= 1 {
			var err error
			if page.Total, err = listTotal(txn, d, from, to, today); err != nil {
				return err
			}
		} else if err := eachDue(txn, d, []byte(from), to, func(_ []byte, e *dueEntry) (bool, error) {
			if listed(e) {
				page.Total++
			}
			return true, nil
		}); err != nil {
			return err
		}
		return eachDue(txn, d, start, to, func(pos []byte, e *dueEntry) (bool, error) {
			if !listed(e) {
				return true, nil
			}
			if len(page.Items) == size {
				page.NextPageToken = base64.RawURLEncoding.EncodeToString(pos)
				return false, nil
			}
			page.Items = append(page.Items, dueItem(*e, today))
			return true, nil
		})
	})
	return page, err
}

// listTotal counts the entries of the due (from set) or overdue (from "")
// list along a dimension from the counters.
func listTotal(txn *badger.Txn, d dimGroup, from, to, today string) (int, error) {
	if from != "" {
		return sumCounts(txn, stateVerified, d, from, to)
	}
	never, err := sumCounts(txn, stateUnverified, d, "", to)
	if err != nil {
		return 0, err
	}
	yesterday, err := record.AddDays(today, -1)
	if err != nil {
		return 0, record.Errorf(record.Invalid, "today: %v", err)
	}
	late, err := sumCounts(txn, stateVerified, d, "", yesterday)
	return never + late, err
}

// eachDue calls fn with the due entries along a dimension from position
// start (due_on\x00instrument_id, or a due date) to the last of day to, in
// due order, with each entry's position, until fn says stop.
func eachDue(txn *badger.Txn, d dimGroup, start []byte, to string, fn func(pos []byte, e *dueEntry) (bool, error)) error {
	prefix := scanPrefix(d)
	end := append(bytes.Clone(prefix), to+"\x01"...) // just past every key of the last day
	primary := d.dim == dimAll
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: primary, PrefetchSize: 100})
	defer it.Close()
	for it.Seek(append(bytes.Clone(prefix), start...)); it.ValidForPrefix(prefix); it.Next() {
		key := it.Item().Key()
		if bytes.Compare(key, end) >= 0 {
			break
		}
		pos := bytes.Clone(key[len(prefix):])
		var e dueEntry
		decode := func(v []byte) error { return json.Unmarshal(v, &e) }
		if primary {
			if err := it.Item().Value(decode); err != nil {
				return fmt.Errorf("due entry %q: %w", key, err)
			}
		} else {
			v, err := get(txn, append([]byte(prefixDue), pos...))
			if err != nil {
				return err
			}
			if v == nil {
				return fmt.Errorf("due key %q has no entry", key)
			}
			if err := decode(v); err != nil {
				return fmt.Errorf("due entry of %q: %w", key, err)
			}
		}
		more, err := fn(pos, &e)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

func dueItem(e dueEntry, today string) Item {
	it := Item{InstrumentID: e.InstrumentID, CertificateID: e.CertificateID, InstitutionID: e.InstitutionID, Region: e.Region,
		District: e.District, Category: e.Category, DueOn: e.DueOn, IssuerID: e.IssuerID}
	switch {
	case e.CertificateID == "":
		it.Reason = ReasonNeverVerified
		if e.RegisteredOn != "" {
			it.Detail = fmt.Sprintf("never verified since its registration on %s", e.RegisteredOn)
		} else {
			it.Detail = "never verified"
		}
	case e.DueOn < today:
		it.Reason = ReasonOverdue
		it.Detail = fmt.Sprintf("verification %s was due on %s (%d days ago)", e.CertificateID, e.DueOn, daysBetween(e.DueOn, today))
	default:
		it.Reason = ReasonDueSoon
		it.Detail = fmt.Sprintf("verification %s falls due on %s (in %d days)", e.CertificateID, e.DueOn, daysBetween(today, e.DueOn))
	}
	return it
}

func daysBetween(a, b string) int {
	ta, err1 := record.ParseDate(a)
	tb, err2 := record.ParseDate(b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(math.Round(tb.Sub(ta).Hours() / 24))
}

// keyed is an item with its place in a computed list.
type keyed struct {
	key  string
	item Item
}

// pageOf pages a list computed whole, in key order; the token is the key
// of the first item of the next page.
func pageOf(items []keyed, pageSize int, pageToken string) (*ItemPage, error) {
	size, err := pageSizeOf(pageSize)
	if err != nil {
		return nil, err
	}
	start, err := decodeToken(pageToken)
	if err != nil {
		return nil, err
	}
	sort.Slice(items, func(i, j int) bool { return items[i].key < items[j].key })
	page := &ItemPage{Items: []Item{}, Total: len(items)}
	i := sort.Search(len(items), func(i int) bool { return items[i].key >= string(start) })
	if start != nil && (i == len(items) || items[i].key != string(start)) {
		return nil, record.Refusef(record.Invalid, record.ReasonPageTokenStale, nil, "page_token is not a token of this list (or the list changed)")
	}
	for ; i < len(items); i++ {
		if len(page.Items) == size {
			page.NextPageToken = base64.RawURLEncoding.EncodeToString([]byte(items[i].key))
			break
		}
		page.Items = append(page.Items, items[i].item)
	}
	return page, nil
}

// eachStandard calls fn for every standard of the index, in id order.
func eachStandard(txn *badger.Txn, fn func(*record.Standard) error) error {
	prefix := recordPrefix(record.DocStandard)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 100})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		var s record.Standard
		if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &s) }); err != nil {
			return err
		}
		if err := fn(&s); err != nil {
			return err
		}
	}
	return nil
}

// regionOf returns an institution's region, remembering answers.
func regionOf(l rules.Lookup, cache map[string]string, id string) (string, error) {
	if r, ok := cache[id]; ok {
		return r, nil
	}
	in, err := l.Institution(id)
	if err != nil {
		return "", err
	}
	r := ""
	if in != nil {
		r = in.Region
	}
	cache[id] = r
	return r, nil
}

// Approvals lists the standards whose approval (计量标准考核证书) expires
// from today to withinDays days later or has expired, soonest first, each
// with the certificates issued against it after the approval expired.
func (x *Index) Approvals(today string, withinDays int, f Filter, pageSize int, pageToken string) (*ItemPage, error) {
	if withinDays < 0 {
		return nil, record.Errorf(record.Invalid, "within_days must not be negative")
	}
	until, err := record.AddDays(today, withinDays)
	if err != nil {
		return nil, record.Errorf(record.Invalid, "today: %v", err)
	}
	var items []keyed
	err = x.db.View(func(txn *badger.Txn) error {
		src := source{txn}
		l := rules.FromSource(src)
		regions := map[string]string{}
		return eachStandard(txn, func(s *record.Standard) error {
			if s.Approval == nil || s.Approval.ValidUntil > until {
				return nil
			}
			region, err := regionOf(l, regions, s.InstitutionID)
			if err != nil {
				return err
			}
			if !f.match(region, "", s.InstitutionID, "") {
				return nil
			}
			it := Item{StandardID: s.ID, InstitutionID: s.InstitutionID, Region: region, DueOn: s.Approval.ValidUntil,
				ApprovalNumber: s.Approval.Number, Status: s.Status}
			if s.Approval.ValidUntil < today {
				it.Reason = ReasonApprovalExpired
				uses, err := src.UsagesOf(s.ID)
				if err != nil {
					return err
				}
				for _, u := range uses {
					if u.PerformedOn > s.Approval.ValidUntil {
						it.CertificatesAfterExpiry = append(it.CertificatesAfterExpiry, u.CertificateID)
					}
				}
				sort.Strings(it.CertificatesAfterExpiry)
				it.Detail = fmt.Sprintf("approval %s expired on %s; %d certificate(s) issued with the standard since", s.Approval.Number, s.Approval.ValidUntil, len(it.CertificatesAfterExpiry))
			} else {
				it.Reason = ReasonApprovalExpires
				it.Detail = fmt.Sprintf("approval %s expires on %s (in %d days)", s.Approval.Number, s.Approval.ValidUntil, daysBetween(today, s.Approval.ValidUntil))
			}
			items = append(items, keyed{s.Approval.ValidUntil + "\x00" + s.ID, it})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return pageOf(items, pageSize, pageToken)
}

// AtRisk lists the valid certificates issued against a reference standard
// that was not fit for use on the day (rules.RisksOf): sealed or revoked,
// its approval expired, or its own certificate expired. Ordered by
// certificate id.
func (x *Index) AtRisk(f Filter, pageSize int, pageToken string) (*ItemPage, error) {
	var items []keyed
	err := x.db.View(func(txn *badger.Txn) error {
		src := source{txn}
		l := rules.FromSource(src)
		regions := map[string]string{}
		suspects := map[string]bool{}
		if err := eachStandard(txn, func(s *record.Standard) error {
			var certs []*record.Certificate
			if s.Level != record.LevelPrimary {
				var err error
				if certs, err = l.CertificatesBySubject(s.ID); err != nil {
					return err
				}
			}
			uses, err := src.UsagesOf(s.ID)
			if err != nil {
				return err
			}
			for _, u := range uses {
				if unfitOn(s, certs, u.PerformedOn) {
					suspects[u.CertificateID] = true
				}
			}
			return nil
		}); err != nil {
			return err
		}
		for id := range suspects {
			c, err := l.Certificate(id)
			if err != nil || c == nil {
				return err
			}
			risks, err := rules.RisksOf(l, c)
			if err != nil {
				return err
			}
			if len(risks) == 0 {
				continue
			}
			region, err := regionOf(l, regions, c.IssuerID)
			if err != nil {
				return err
			}
			district, category := "", ""
			if in, err := l.Instrument(c.SubjectID); err != nil {
				return err
			} else if in != nil {
				category = in.Category
				if in.Location != nil {
					district = in.Location.District
				}
			}
			if !f.match(region, district, c.IssuerID, category) {
				continue
			}
			reasons := make([]string, 0, len(risks))
			details := make([]string, 0, len(risks))
			for _, r := range risks {
				if !contains(reasons, r.Reason) {
					reasons = append(reasons, r.Reason)
				}
				details = append(details, r.Detail)
			}
			items = append(items, keyed{c.ID, Item{CertificateID: c.ID, InstitutionID: c.IssuerID, Region: region, District: district,
				Category: category, SubjectID: c.SubjectID, PerformedOn: c.PerformedOn, Reason: strings.Join(reasons, ","),
				Detail: strings.Join(details, "; "), Risks: risks}})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pageOf(items, pageSize, pageToken)
}

// unfitOn is a quick test of whether a standard was unfit for use on a
// day; rules.RisksOf then says exactly why.
func unfitOn(s *record.Standard, certs []*record.Certificate, day string) bool {
	if status, _ := s.StatusOn(day); status != record.StatusActive {
		return true
	}
	if s.Approval != nil && day > s.Approval.ValidUntil {
		return true
	}
	if len(certs) == 0 {
		return false
	}
	_, ok := rules.CertificateAt(certs, day)
	return !ok
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
