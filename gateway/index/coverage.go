package index

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"sort"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Groupings of the coverage report.
const (
	ByDistrict    = "district"
	ByCategory    = "category"
	ByInstitution = "institution"
)

// CoverageMonths is how many months of history a coverage report gives,
// the current one included.
const CoverageMonths = 12

// CoveragePoint is the coverage of a group on one day: compulsory
// instruments registered by then, those with a verification in force, and
// the share (0 when none is registered).
type CoveragePoint struct {
	Month      string  `json:"month,omitempty"`
	On         string  `json:"on"`
	Registered int     `json:"registered"`
	Verified   int     `json:"verified"`
	Share      float64 `json:"share"`
}

// CoverageGroup is the coverage of one district, category or institution
// today, with its monthly history (month ends, oldest first; the current
// month is counted on today).
type CoverageGroup struct {
	Key  string `json:"key"`
	Name string `json:"name,omitempty"`
	CoveragePoint
	History []CoveragePoint `json:"history"`
}

// Coverage is the answer of a coverage report: groups by key, a page of
// them, Total counting every group; Overall sums every group.
type Coverage struct {
	By            string          `json:"by"`
	On            string          `json:"on"`
	Overall       CoveragePoint   `json:"overall"`
	Groups        []CoverageGroup `json:"groups"`
	Total         int             `json:"total"`
	NextPageToken string          `json:"next_page_token"`
}

// Unknown is the key of the group of instruments without a district or
// category.
const Unknown = "unknown"

// Coverage reports, per group, how many compulsory instruments (强检) are
// registered and how many have a verification in force on today, with the
// share and a monthly history.
func (x *Index) Coverage(today, by string, f Filter, pageSize int, pageToken string) (*Coverage, error) {
	if by != ByDistrict && by != ByCategory && by != ByInstitution {
		return nil, record.ParamChoice("by", by, []string{ByDistrict, ByCategory, ByInstitution}, "by must be district, category or institution, not %q", by)
	}
	size, err := pageSizeOf(pageSize)
	if err != nil {
		return nil, err
	}
	start, err := decodeToken(pageToken)
	if err != nil {
		return nil, err
	}
	days, months, err := historyDays(today)
	if err != nil {
		return nil, err
	}
	groups := map[string]*tally{}
	overall := newTally(len(days))
	err = x.db.View(func(txn *badger.Txn) error {
		if scope, ok := f.coverageScope(); ok {
			return coverageFromCounts(txn, scope, by, days, groups, overall)
		}
		return coverageFromEntries(txn, f, by, days, groups, overall)
	})
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	last := len(days) - 1
	point := func(t *tally, i int) CoveragePoint {
		return CoveragePoint{Month: months[i], On: days[i], Registered: t.reg[i], Verified: t.ver[i], Share: share(t.ver[i], t.reg[i])}
	}
	cov := &Coverage{By: by, On: today, Overall: point(overall, last), Groups: []CoverageGroup{}, Total: len(keys)}
	cov.Overall.Month = ""
	i := sort.SearchStrings(keys, string(start))
	if start != nil && (i == len(keys) || keys[i] != string(start)) {
		return nil, record.Refusef(record.Invalid, record.ReasonPageTokenStale, nil, "page_token is not a token of this list (or the list changed)")
	}
	var names map[string]string
	if by == ByInstitution {
		names = map[string]string{}
		_ = x.db.View(func(txn *badger.Txn) error {
			l := rules.FromSource(source{txn})
			for _, k := range keys {
				if in, err := l.Institution(k); err == nil && in != nil {
					names[k] = in.Name
				}
			}
			return nil
		})
	}
	for ; i < len(keys); i++ {
		if len(cov.Groups) == size {
			cov.NextPageToken = base64.RawURLEncoding.EncodeToString([]byte(keys[i]))
			break
		}
		k := keys[i]
		g := CoverageGroup{Key: k, CoveragePoint: point(groups[k], last), History: make([]CoveragePoint, 0, len(days))}
		g.Month = ""
		switch by {
		case ByDistrict:
			g.Name = record.DistrictNames[k]
		case ByCategory:
			if c, ok := record.CategoryOf(k); ok {
				g.Name = c.Zh
			}
		default:
			g.Name = names[k]
		}
		for j := range days {
			g.History = append(g.History, point(groups[k], j))
		}
		cov.Groups = append(cov.Groups, g)
	}
	return cov, nil
}

// tally counts a group's instruments registered and verified on each day
// of a report.
type tally struct{ reg, ver []int }

func newTally(days int) *tally { return &tally{reg: make([]int, days), ver: make([]int, days)} }

// coverageScope is the scope of the coverage counters a filter reads: the
// whole ledger or one region; false when the filter names anything else.
func (f Filter) coverageScope() (string, bool) {
	switch {
	case f.District != "" || f.Institution != "" || f.Category != "":
		return "", false
	case f.Region != "":
		return "r:" + f.Region, true
	}
	return "", true
}

// coverageFromCounts fills the tallies from the coverage counters of a
// scope.
func coverageFromCounts(txn *badger.Txn, scope, by string, days []string, groups map[string]*tally, overall *tally) error {
	of := func(group string) *tally {
		g := groups[group]
		if g == nil {
			g = newTally(len(days))
			groups[group] = g
		}
		return g
	}
	if err := coverageCounts(txn, measureRegistered, scope, by, days, func(g string) []int { return of(g).reg }); err != nil {
		return err
	}
	if err := coverageCounts(txn, measureVerified, scope, by, days, func(g string) []int { return of(g).ver }); err != nil {
		return err
	}
	for _, g := range groups {
		for i := range days {
			overall.reg[i] += g.reg[i]
			overall.ver[i] += g.ver[i]
		}
	}
	return nil
}

// coverageFromEntries fills the tallies from every due entry the filter
// matches (filters the counters do not keep).
func coverageFromEntries(txn *badger.Txn, f Filter, by string, days []string, groups map[string]*tally, overall *tally) error {
	prefix := []byte(prefixDue)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 100})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		var e dueEntry
		if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
			return err
		}
		if !f.match(e.Region, e.District, e.InstitutionID, e.Category) {
			continue
		}
		key := e.groupBy(by)
		g := groups[key]
		if g == nil {
			g = newTally(len(days))
			groups[key] = g
		}
		d := rules.Due{Periods: e.Periods}
		for i, day := range days {
			if e.RegisteredOn != "" && e.RegisteredOn > day {
				continue
			}
			g.reg[i]++
			overall.reg[i]++
			if d.CoveredOn(day) {
				g.ver[i]++
				overall.ver[i]++
			}
		}
	}
	return nil
}

// historyDays returns the days the history is counted on: the last day of
// each of the CoverageMonths-1 months before today's, then today; with
// their months (YYYY-MM).
func historyDays(today string) (days, months []string, err error) {
	t, err := record.ParseDate(today)
	if err != nil {
		return nil, nil, record.Errorf(record.Invalid, "today: %v", err)
	}
	first := t.AddDate(0, 0, 1-t.Day())
	for i := CoverageMonths - 1; i >= 1; i-- {
		end := first.AddDate(0, 1-i, -1)
		days = append(days, end.Format(record.DateLayout))
		months = append(months, end.Format("2006-01"))
	}
	days = append(days, today)
	months = append(months, t.Format("2006-01"))
	return days, months, nil
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(of)*10000) / 10000
}
