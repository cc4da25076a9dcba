package apiclient

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/metrotrace/metrotrace/gateway/index"
)

// Supervision lists, as GET /supervision/... names them.
const (
	ListDue       = "due"
	ListOverdue   = "overdue"
	ListApprovals = "approvals"
	ListAtRisk    = "at-risk"
	ListCoverage  = "coverage"
)

// SupervisionLists lists the lists in the order the CLI shows them.
var SupervisionLists = []string{ListDue, ListOverdue, ListApprovals, ListAtRisk, ListCoverage, ListOpenNotices}

// SupervisionQuery narrows and pages a supervision list; zero fields are
// left to the server's defaults.
type SupervisionQuery struct {
	WithinDays    *int   // due and approvals (nil: the server's 30)
	OlderThanDays *int   // open notices (nil: 0)
	By            string // coverage: district, category or institution
	Region        string
	District      string
	Institution   string
	Category      string
	PageSize      int
	PageToken     string
}

func (q SupervisionQuery) values() url.Values {
	v := url.Values{}
	if q.WithinDays != nil {
		v.Set("within_days", strconv.Itoa(*q.WithinDays))
	}
	if q.OlderThanDays != nil {
		v.Set("older_than_days", strconv.Itoa(*q.OlderThanDays))
	}
	for name, s := range map[string]string{"by": q.By, "region": q.Region, "district": q.District,
		"institution": q.Institution, "category": q.Category, "page_token": q.PageToken} {
		if s != "" {
			v.Set(name, s)
		}
	}
	if q.PageSize > 0 {
		v.Set("page_size", strconv.Itoa(q.PageSize))
	}
	return v
}

// Supervision asks for one page of a supervision list (ListDue, ListOverdue,
// ListApprovals, ListAtRisk or ListOpenNotices).
func (c *Client) Supervision(ctx context.Context, list string, q SupervisionQuery) (*index.ItemPage, error) {
	var p index.ItemPage
	if err := c.getJSON(ctx, "/supervision/"+seg(list), q.values(), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Coverage asks for the coverage report of compulsory instruments.
func (c *Client) Coverage(ctx context.Context, q SupervisionQuery) (*index.Coverage, error) {
	var cov index.Coverage
	if err := c.getJSON(ctx, "/supervision/coverage", q.values(), &cov); err != nil {
		return nil, err
	}
	return &cov, nil
}

// SupervisionCSV exports a supervision list (any of SupervisionLists) as
// CSV: every item, or one page when q.PageSize is set.
func (c *Client) SupervisionCSV(ctx context.Context, list string, q SupervisionQuery) ([]byte, error) {
	v := q.values()
	v.Set("format", "csv")
	res, err := c.do(ctx, request{method: http.MethodGet, path: APIPrefix + "/supervision/" + seg(list), query: v, accept: "text/csv, application/json"})
	if err != nil {
		return nil, err
	}
	return res.body, nil
}

// ListOpenNotices is the inspectors' list of notices still open after a
// number of days (SupervisionQuery.OlderThanDays).
const ListOpenNotices = "open-notices"

// OpenCase opens an out-of-tolerance case ({"id", "standard_id", "since",
// "finding"}) and returns it with every notice, once recorded in full.
func (c *Client) OpenCase(ctx context.Context, opening any) (*index.CaseView, error) {
	body, err := json.Marshal(opening)
	if err != nil {
		return nil, err
	}
	res, err := c.do(ctx, request{method: http.MethodPost, path: APIPrefix + "/cases", contentType: "application/json", body: body})
	if err != nil {
		return nil, err
	}
	var cv index.CaseView
	return &cv, decode(res.body, &cv)
}

// Case returns a case with its notices and their items.
func (c *Client) Case(ctx context.Context, id string) (*index.CaseView, error) {
	var cv index.CaseView
	if err := c.getJSON(ctx, "/cases/"+seg(id), nil, &cv); err != nil {
		return nil, err
	}
	return &cv, nil
}

// ResolveNotice resolves one certificate of a notice ({"certificate_id",
// "action", "replacement_id", "reason"}) and returns the notice.
func (c *Client) ResolveNotice(ctx context.Context, noticeID string, resolution any) (*index.NoticeView, error) {
	body, err := json.Marshal(resolution)
	if err != nil {
		return nil, err
	}
	res, err := c.do(ctx, request{method: http.MethodPost, path: APIPrefix + "/notices/" + seg(noticeID) + "/resolve", contentType: "application/json", body: body})
	if err != nil {
		return nil, err
	}
	var nv index.NoticeView
	return &nv, decode(res.body, &nv)
}
