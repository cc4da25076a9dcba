package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/identity"
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
	subject := c.Param("subject_id")
	return ask(s, c, func(ctx context.Context, id *identity.Identity) (*rules.TraceReport, error) {
		return s.cfg.Client.Trace(ctx, id, subject, at)
	}, func() (*rules.TraceReport, error) { return s.cfg.Index.Trace(subject, at) })
}

// ask answers a rule question from the chaincode (?source=ledger) or from
// the index.
func ask[T any](s *Server, c echo.Context, chaincode func(context.Context, *identity.Identity) (T, error), index func() (T, error)) error {
	ledger, err := s.fromLedger(c)
	if err != nil {
		return err
	}
	var answer T
	if ledger {
		id, err := s.caller(c)
		if err != nil {
			return err
		}
		answer, err = chaincode(c.Request().Context(), id)
		if err != nil {
			return err
		}
	} else if answer, err = index(); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, answer)
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
	standard := c.Param("standard_id")
	return ask(s, c, func(ctx context.Context, id *identity.Identity) (*rules.ImpactSet, error) {
		return s.cfg.Client.Impact(ctx, id, standard, since, withPaths)
	}, func() (*rules.ImpactSet, error) { return s.cfg.Index.Impact(standard, since, withPaths) })
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
	return ask(s, c, func(ctx context.Context, id *identity.Identity) (*rules.RecognitionDecision, error) {
		return s.cfg.Client.Recognize(ctx, id, cert, by, at)
	}, func() (*rules.RecognitionDecision, error) { return s.cfg.Index.Recognize(cert, by, at) })
}
