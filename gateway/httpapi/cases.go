package httpapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/index"
)

// Out-of-tolerance cases: POST /cases opens one and drives its recording
// to the end, GET /cases/{id} shows it with its notices, POST
// /notices/{id}/resolve resolves one item.

// CaseIndex is what the case routes need of the read model.
type CaseIndex interface {
	Case(id string) (*index.CaseView, error)
	Notice(id string) (*index.NoticeView, error)
	OpenNotices(today string, olderThanDays int, f index.Filter, pageSize int, pageToken string) (*index.ItemPage, error)
}

var _ CaseIndex = (*index.Index)(nil)

// CaseChunk is how many notice items each transaction of a case records:
// small enough for any Fabric block, large enough that a case over 100k
// certificates takes a few hundred transactions.
const CaseChunk = 1000

// MaxCaseTransactions bounds the transactions one POST /cases drives; a
// larger case (or one whose request timed out) is continued by POST /cases
// again with the same opening.
const MaxCaseTransactions = 10000

// caseOpeners may open a case: a recorder of the standard's institution or
// an inspector (the chaincode checks which).
var caseOpeners = []string{auth.RoleRecorder, auth.RoleInspector}

func (s *Server) caseIndex() (CaseIndex, error) {
	if cx, ok := s.cfg.Index.(CaseIndex); ok {
		return cx, nil
	}
	return nil, refusef(CodeUnavailable, ReasonCasesNeedIndex, nil, "cases are shown from the index, which this gateway does not run")
}

// openCase handles POST /cases: it opens the case, then continues it until
// every notice is recorded, and answers with the case and its notices.
func (s *Server) openCase(c echo.Context) error {
	var o record.CaseOpening
	if err := decodeBody(c, &o); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	cx, err := s.caseIndex()
	if err != nil {
		return err
	}
	id, err := s.caller(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	body, _ := json.Marshal(&o)
	w, err := s.cfg.Client.OpenCase(ctx, id, body, CaseChunk)
	if record.ErrorCode(err) == record.Conflict {
		// The same opening again resumes a case whose recording stopped
		// part way (a request timeout, a gateway restart).
		if view, verr := cx.Case(o.ID); verr == nil && !view.Recorded && view.StandardID == o.StandardID && view.Since == o.Since {
			w, err = s.cfg.Client.ContinueCase(ctx, id, o.ID, CaseChunk)
		}
	}
	if err != nil {
		return err
	}
	for n := 0; ; n++ {
		var cs record.Case
		if err := json.Unmarshal(w.Record, &cs); err != nil {
			return errorf(string(record.Internal), "decode the case: %v", err)
		}
		if cs.Recorded || n == MaxCaseTransactions {
			break
		}
		if w, err = s.cfg.Client.ContinueCase(ctx, id, o.ID, CaseChunk); err != nil {
			return err
		}
	}
	c.Response().Header().Set(echo.HeaderLocation, Prefix+"/cases/"+url.PathEscape(o.ID))
	s.awaitIndex(c, w)
	view, err := cx.Case(o.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, view)
}

// getCase handles GET /cases/{id}.
func (s *Server) getCase(c echo.Context) error {
	cx, err := s.caseIndex()
	if err != nil {
		return err
	}
	view, err := cx.Case(c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, view)
}

// getNotice handles GET /notices/{id}.
func (s *Server) getNotice(c echo.Context) error {
	cx, err := s.caseIndex()
	if err != nil {
		return err
	}
	view, err := cx.Notice(c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, view)
}

// resolveNotice handles POST /notices/{id}/resolve and answers with the
// notice as it now stands.
func (s *Server) resolveNotice(c echo.Context) error {
	var r record.Resolution
	if err := decodeBody(c, &r); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	cx, err := s.caseIndex()
	if err != nil {
		return err
	}
	id, err := s.caller(c)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(&r)
	w, err := s.cfg.Client.ResolveNotice(c.Request().Context(), id, c.Param("id"), body)
	if err != nil {
		return err
	}
	s.awaitIndex(c, w)
	view, err := cx.Notice(c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, view)
}

// supervisionOpenNotices handles GET /supervision/open-notices?older_than_days=N.
func (s *Server) supervisionOpenNotices(c echo.Context) error {
	lq, err := parseListQuery(c)
	if err != nil {
		return err
	}
	days := 0
	if v := c.QueryParam("older_than_days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > MaxWithinDays {
			return record.ParamInteger("older_than_days", v, 0, MaxWithinDays)
		}
		days = n
	}
	cx, err := s.caseIndex()
	if err != nil {
		return err
	}
	today := s.today()
	return answerList(c, lq, "open-notices-"+today, noticeColumns, func(size int, token string) (*index.ItemPage, error) {
		return cx.OpenNotices(today, days, lq.filter, size, token)
	})
}

var noticeColumns = []string{"notice_id", "case_id", "standard_id", "institution_id", "region", "opened_on", "open_items", "reason", "detail"}
