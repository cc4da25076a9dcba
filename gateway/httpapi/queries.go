package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Search bounds.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 100
)

// SearchResult is the answer of GET /search.
type SearchResult struct {
	Query string `json:"query"`
	Hits  []Hit  `json:"hits"`
}

func (s *Server) search(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if q == "" {
		return invalidf("q is required")
	}
	limit := DefaultSearchLimit
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxSearchLimit {
			return invalidf("limit %q must be an integer from 1 to %d", v, MaxSearchLimit)
		}
		limit = n
	}
	if s.cfg.Index == nil {
		return errorf(CodeUnavailable, "search needs the index, which this gateway does not run")
	}
	hits, err := s.cfg.Index.Search(q, limit)
	if err != nil {
		return err
	}
	if hits == nil {
		hits = []Hit{}
	}
	return c.JSON(http.StatusOK, SearchResult{Query: q, Hits: hits})
}

// date reads a YYYY-MM-DD query parameter; "" gives def, and a required
// parameter must be present.
func (s *Server) date(c echo.Context, name string, required bool) (string, error) {
	v := c.QueryParam(name)
	if v == "" {
		if required {
			return "", invalidf("%s (YYYY-MM-DD) is required", name)
		}
		return s.cfg.Now().Format(record.DateLayout), nil
	}
	if _, err := record.ParseDate(v); err != nil {
		return "", invalidf("%s: %v", name, err)
	}
	return v, nil
}

func requiredParam(c echo.Context, name string) (string, error) {
	v := c.QueryParam(name)
	if v == "" {
		return "", invalidf("%s is required", name)
	}
	return v, nil
}

// trace handles GET /trace/{subject_id}?at=.
func (s *Server) trace(c echo.Context) error {
	at, err := s.date(c, "at", false)
	if err != nil {
		return err
	}
	ledger, err := s.fromLedger(c)
	if err != nil {
		return err
	}
	subject := c.Param("subject_id")
	var rep *rules.TraceReport
	if ledger {
		id, err := s.caller(c)
		if err != nil {
			return err
		}
		rep, err = s.cfg.Client.Trace(c.Request().Context(), id, subject, at)
		if err != nil {
			return err
		}
	} else if rep, err = s.cfg.Index.Trace(subject, at); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rep)
}

// impact handles GET /impact/{standard_id}?since=&paths=.
func (s *Server) impact(c echo.Context) error {
	since, err := s.date(c, "since", true)
	if err != nil {
		return err
	}
	withPaths := false
	switch v := c.QueryParam("paths"); v {
	case "", "false":
	case "true":
		withPaths = true
	default:
		return invalidf("paths must be true or false, not %q", v)
	}
	ledger, err := s.fromLedger(c)
	if err != nil {
		return err
	}
	standard := c.Param("standard_id")
	var set *rules.ImpactSet
	if ledger {
		id, err := s.caller(c)
		if err != nil {
			return err
		}
		set, err = s.cfg.Client.Impact(c.Request().Context(), id, standard, since, withPaths)
		if err != nil {
			return err
		}
	} else if set, err = s.cfg.Index.Impact(standard, since, withPaths); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, set)
}

// recognition handles GET /recognition?certificate=&by=&at=.
func (s *Server) recognition(c echo.Context) error {
	cert, err := requiredParam(c, "certificate")
	if err != nil {
		return err
	}
	by, err := requiredParam(c, "by")
	if err != nil {
		return err
	}
	at, err := s.date(c, "at", false)
	if err != nil {
		return err
	}
	ledger, err := s.fromLedger(c)
	if err != nil {
		return err
	}
	var d *rules.RecognitionDecision
	if ledger {
		id, err := s.caller(c)
		if err != nil {
			return err
		}
		d, err = s.cfg.Client.Recognize(c.Request().Context(), id, cert, by, at)
		if err != nil {
			return err
		}
	} else if d, err = s.cfg.Index.Recognize(cert, by, at); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}
