package httpapi

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/index"
)

// Supervision lists (智慧计量监管): what is due, overdue, expiring or at
// risk across the region, and how much of it is covered. They are served
// from the index only; "today" is the server's Now.

// SupervisionIndex is what the supervision routes need of the read model;
// the gateway's index provides it.
type SupervisionIndex interface {
	Due(today string, withinDays int, f index.Filter, pageSize int, pageToken string) (*index.ItemPage, error)
	Overdue(today string, f index.Filter, pageSize int, pageToken string) (*index.ItemPage, error)
	Approvals(today string, withinDays int, f index.Filter, pageSize int, pageToken string) (*index.ItemPage, error)
	AtRisk(f index.Filter, pageSize int, pageToken string) (*index.ItemPage, error)
	Coverage(today, by string, f index.Filter, pageSize int, pageToken string) (*index.Coverage, error)
}

var _ SupervisionIndex = (*index.Index)(nil)

// Supervision defaults and bounds.
const (
	DefaultWithinDays = 30
	MaxWithinDays     = 3660
)

// MediaCSV is the media type of a CSV export.
const MediaCSV = "text/csv"

// supervisionIndex returns the index the supervision lists are served from.
func (s *Server) supervisionIndex() (SupervisionIndex, error) {
	if sx, ok := s.cfg.Index.(SupervisionIndex); ok {
		return sx, nil
	}
	return nil, refusef(CodeUnavailable, ReasonSupervisionNeedIndex, nil, "supervision lists need the index, which this gateway does not run")
}

// listQuery is the parsed query of a supervision list.
type listQuery struct {
	filter   index.Filter
	size     int
	token    string
	csv      bool
	pageSize bool // page_size was given
}

func parseListQuery(c echo.Context) (listQuery, error) {
	q := c.QueryParams()
	var lq listQuery
	f := &lq.filter
	if v := q.Get("region"); v != "" {
		if v != "BJ" && v != "TJ" && v != "HB" {
			return lq, record.ParamChoice("region", v, []string{"BJ", "TJ", "HB"}, "region %q is not one of BJ, TJ, HB", v)
		}
		f.Region = v
	}
	if v := q.Get("district"); v != "" {
		if err := record.ValidateDistrict("district", v); err != nil {
			return lq, err
		}
		f.District = v
	}
	if v := q.Get("institution"); v != "" {
		if err := record.ValidateID("institution", v); err != nil {
			return lq, err
		}
		f.Institution = v
	}
	if v := q.Get("category"); v != "" {
		if _, ok := record.CategoryOf(v); !ok {
			return lq, refusef(string(record.Invalid), ReasonCategoryParam, record.Params{"value": v}, "category %q is not a code of the catalogue of compulsorily managed measuring instruments", v)
		}
		f.Category = v
	}
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > record.MaxPageSize {
			return lq, record.ParamInteger("page_size", v, 1, record.MaxPageSize)
		}
		lq.size, lq.pageSize = n, true
	}
	lq.token = q.Get("page_token")
	switch v := q.Get("format"); v {
	case "csv":
		lq.csv = true
	case "", "json":
		lq.csv = v == "" && strings.Contains(c.Request().Header.Get(echo.HeaderAccept), MediaCSV)
	default:
		return lq, record.ParamChoice("format", v, []string{"json", "csv"}, "format %q is not json or csv", v)
	}
	return lq, nil
}

func withinDays(c echo.Context) (int, error) {
	v := c.QueryParam("within_days")
	if v == "" {
		return DefaultWithinDays, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > MaxWithinDays {
		return 0, record.ParamInteger("within_days", v, 0, MaxWithinDays)
	}
	return n, nil
}

// The CSV columns of each list, in order.
var (
	instrumentColumns  = []string{"instrument_id", "institution_id", "region", "district", "category", "due_on", "reason", "certificate_id", "issuer_id", "detail"}
	approvalColumns    = []string{"standard_id", "institution_id", "region", "approval_number", "status", "due_on", "reason", "certificates_after_expiry", "detail"}
	certificateColumns = []string{"certificate_id", "institution_id", "region", "district", "category", "subject_id", "performed_on", "reason", "detail"}
)

func itemField(it index.Item, col string) string {
	switch col {
	case "instrument_id":
		return it.InstrumentID
	case "standard_id":
		return it.StandardID
	case "certificate_id":
		return it.CertificateID
	case "institution_id":
		return it.InstitutionID
	case "region":
		return it.Region
	case "district":
		return it.District
	case "category":
		return it.Category
	case "due_on":
		return it.DueOn
	case "reason":
		return it.Reason
	case "detail":
		return it.Detail
	case "issuer_id":
		return it.IssuerID
	case "approval_number":
		return it.ApprovalNumber
	case "status":
		return it.Status
	case "certificates_after_expiry":
		return strings.Join(it.CertificatesAfterExpiry, " ")
	case "subject_id":
		return it.SubjectID
	case "performed_on":
		return it.PerformedOn
	case "notice_id":
		return it.NoticeID
	case "case_id":
		return it.CaseID
	case "opened_on":
		return it.OpenedOn
	case "open_items":
		return strconv.Itoa(it.OpenItems)
	}
	return ""
}

// answerList answers a supervision list: one page as JSON, or as CSV every
// item (or the one page asked for with page_size).
func answerList(c echo.Context, lq listQuery, name string, columns []string, page func(size int, token string) (*index.ItemPage, error)) error {
	if !lq.csv {
		p, err := page(lq.size, lq.token)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, p)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(columns)
	token, total := lq.token, 0
	for {
		size := lq.size
		if !lq.pageSize {
			size = record.MaxPageSize
		}
		p, err := page(size, token)
		if err != nil {
			return err
		}
		total = p.Total
		for _, it := range p.Items {
			row := make([]string, len(columns))
			for i, col := range columns {
				row[i] = itemField(it, col)
			}
			_ = w.Write(row)
		}
		token = p.NextPageToken
		if token == "" || lq.pageSize {
			break
		}
	}
	w.Flush()
	h := c.Response().Header()
	h.Set("X-Total-Count", strconv.Itoa(total))
	if lq.pageSize && token != "" {
		h.Set("X-Next-Page-Token", token)
	}
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	return c.Blob(http.StatusOK, MediaCSV+"; charset=utf-8", buf.Bytes())
}

// supervisionDue handles GET /supervision/due?within_days=N.
func (s *Server) supervisionDue(c echo.Context) error {
	lq, err := parseListQuery(c)
	if err != nil {
		return err
	}
	days, err := withinDays(c)
	if err != nil {
		return err
	}
	sx, err := s.supervisionIndex()
	if err != nil {
		return err
	}
	today := s.today()
	return answerList(c, lq, "due-"+today, instrumentColumns, func(size int, token string) (*index.ItemPage, error) {
		return sx.Due(today, days, lq.filter, size, token)
	})
}

// supervisionOverdue handles GET /supervision/overdue.
func (s *Server) supervisionOverdue(c echo.Context) error {
	lq, err := parseListQuery(c)
	if err != nil {
		return err
	}
	sx, err := s.supervisionIndex()
	if err != nil {
		return err
	}
	today := s.today()
	return answerList(c, lq, "overdue-"+today, instrumentColumns, func(size int, token string) (*index.ItemPage, error) {
		return sx.Overdue(today, lq.filter, size, token)
	})
}

// supervisionApprovals handles GET /supervision/approvals?within_days=N.
func (s *Server) supervisionApprovals(c echo.Context) error {
	lq, err := parseListQuery(c)
	if err != nil {
		return err
	}
	days, err := withinDays(c)
	if err != nil {
		return err
	}
	sx, err := s.supervisionIndex()
	if err != nil {
		return err
	}
	today := s.today()
	return answerList(c, lq, "approvals-"+today, approvalColumns, func(size int, token string) (*index.ItemPage, error) {
		return sx.Approvals(today, days, lq.filter, size, token)
	})
}

// supervisionAtRisk handles GET /supervision/at-risk.
func (s *Server) supervisionAtRisk(c echo.Context) error {
	lq, err := parseListQuery(c)
	if err != nil {
		return err
	}
	sx, err := s.supervisionIndex()
	if err != nil {
		return err
	}
	return answerList(c, lq, "at-risk-"+s.today(), certificateColumns, func(size int, token string) (*index.ItemPage, error) {
		return sx.AtRisk(lq.filter, size, token)
	})
}

// supervisionCoverage handles GET /supervision/coverage?by=district|category|institution.
func (s *Server) supervisionCoverage(c echo.Context) error {
	lq, err := parseListQuery(c)
	if err != nil {
		return err
	}
	by := c.QueryParam("by")
	if by == "" {
		by = index.ByDistrict
	}
	sx, err := s.supervisionIndex()
	if err != nil {
		return err
	}
	today := s.today()
	size := lq.size
	if lq.csv && !lq.pageSize {
		size = record.MaxPageSize
	}
	cov, err := sx.Coverage(today, by, lq.filter, size, lq.token)
	if err != nil {
		return err
	}
	if !lq.csv {
		return c.JSON(http.StatusOK, cov)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := []string{by, "name", "registered", "verified", "share"}
	if len(cov.Groups) > 0 {
		for _, p := range cov.Groups[0].History {
			header = append(header, "share_"+p.Month)
		}
	}
	_ = w.Write(header)
	for _, g := range cov.Groups {
		row := []string{g.Key, g.Name, strconv.Itoa(g.Registered), strconv.Itoa(g.Verified), strconv.FormatFloat(g.Share, 'f', 4, 64)}
		for _, p := range g.History {
			row = append(row, strconv.FormatFloat(p.Share, 'f', 4, 64))
		}
		_ = w.Write(row)
	}
	w.Flush()
	c.Response().Header().Set("X-Total-Count", strconv.Itoa(cov.Total))
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="coverage-by-`+by+"-"+today+`.csv"`)
	return c.Blob(http.StatusOK, MediaCSV+"; charset=utf-8", buf.Bytes())
}
