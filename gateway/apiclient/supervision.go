package apiclient

import (
	"context"
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
var SupervisionLists = []string{ListDue, ListOverdue, ListApprovals, ListAtRisk, ListCoverage}

// SupervisionQuery narrows and pages a supervision list; zero fields are
// left to the server's defaults.
type SupervisionQuery struct {
	WithinDays  *int   // due and approvals (nil: the server's 30)
	By          string // coverage: district, category or institution
	Region      string
	District    string
	Institution string
	Category    string
	PageSize    int
	PageToken   string
}

func (q SupervisionQuery) values() url.Values {
	v := url.Values{}
	if q.WithinDays != nil {
		v.Set("within_days", strconv.Itoa(*q.WithinDays))
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
// ListApprovals or ListAtRisk).
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
