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
	DefaultSearchLimit = record.DefaultSearchLimit
	MaxSearchLimit     = record.MaxSearchLimit
)

// SearchResult is the answer of GET /search.
type SearchResult struct {
	Query string       `json:"query"`
	Hits  []record.Hit `json:"hits"`
	// More says that more records match than the limit let through.
	More bool `json:"more"`
}

func (s *Server) search(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if q == "" {
		return refusef(string(record.Invalid), record.ReasonParamRequired, record.Params{"param": "q"}, "q is required")
	}
	limit := DefaultSearchLimit
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxSearchLimit {
			return record.ParamInteger("limit", v, 1, MaxSearchLimit)
		}
		limit = n
	}
	r, err := s.reader(c)
	if err != nil {
		return err
	}
	// One more than shown tells whether there are more.
	hits, err := r.Search(c.Request().Context(), q, limit+1)
	if err != nil {
		return err
	}
	if hits == nil {
		hits = []record.Hit{}
	}
	more := len(hits) > limit
	if more {
		hits = hits[:limit]
	}
	return c.JSON(http.StatusOK, SearchResult{Query: q, Hits: hits, More: more})
}

// today is the gateway's today, YYYY-MM-DD, by Config.Now.
func (s *Server) today() string { return s.cfg.Now().Format(record.DateLayout) }

// date reads a YYYY-MM-DD query parameter; "" gives def, and a required
// parameter must be present.
func (s *Server) date(c echo.Context, name string, required bool) (string, error) {
	v := c.QueryParam(name)
	if v == "" {
		if required {
			return "", refusef(string(record.Invalid), record.ReasonParamDateRequired, record.Params{"param": name}, "%s (YYYY-MM-DD) is required", name)
		}
		return s.today(), nil
	}
	if _, err := record.ParseDate(v); err != nil {
		return "", refusef(string(record.Invalid), record.ReasonParamBadDate, record.Params{"param": name, "value": v}, "%s: %v", name, err)
	}
	return v, nil
}

func requiredParam(c echo.Context, name string) (string, error) {
	v := c.QueryParam(name)
	if v == "" {
		return "", refusef(string(record.Invalid), record.ReasonParamRequired, record.Params{"param": name}, "%s is required", name)
	}
	return v, nil
}

// trace handles GET /trace/{subject_id}?at=.
func (s *Server) trace(c echo.Context) error {
	at, err := s.date(c, "at", false)
	if err != nil {
		return err
	}
	r, err := s.reader(c)
	if err != nil {
		return err
	}
	return answer[*rules.TraceReport](c)(r.Trace(c.Request().Context(), c.Param("subject_id"), at))
}

// answer returns a function that answers a read with its result as JSON,
// or with its error.
func answer[T any](c echo.Context) func(T, error) error {
	return func(v T, err error) error {
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, v)
	}
}

// impact handles GET /impact/{standard_id}?since=&paths=, with page_size
// (and page_token) one page of it, and with format=ndjson (or Accept:
// application/x-ndjson) all of it as a stream (impactStream).
func (s *Server) impact(c echo.Context) error {
	since, err := s.date(c, "since", true)
	if err != nil {
		return err
	}
	stream := false
	switch v := c.QueryParam("format"); v {
	case "json":
	case formatNDJSON:
		stream = true
	case "":
		stream = strings.Contains(c.Request().Header.Get(echo.HeaderAccept), MediaNDJSON)
	default:
		return record.ParamChoice("format", v, []string{"json", formatNDJSON}, "format %q is not json or ndjson", v)
	}
	if stream {
		for _, p := range []string{"page_size", "page_token", "paths"} {
			if c.QueryParam(p) != "" {
				return refusef(string(record.Invalid), record.ReasonParamsExclusive, record.Params{"param": p, "other": "format"},
					"%s and a streamed impact (format=ndjson) exclude each other: the stream is every item, each naming its reference standard", p)
			}
		}
		r, err := s.reader(c)
		if err != nil {
			return err
		}
		return s.impactStream(c, r, since)
	}
	if v := c.QueryParam("page_size"); v != "" || c.QueryParam("page_token") != "" {
		return s.impactPage(c, since, v)
	}
	withPaths := false
	switch v := c.QueryParam("paths"); v {
	case "", "false":
	case "true":
		withPaths = true
	default:
		return record.ParamChoice("paths", v, []string{"true", "false"}, "paths must be true or false, not %q", v)
	}
	r, err := s.reader(c)
	if err != nil {
		return err
	}
	if _, ok := streamerOf(r); ok && !withPaths {
		return s.impactWhole(c, r, since)
	}
	return answer[*rules.ImpactSet](c)(r.Impact(c.Request().Context(), c.Param("standard_id"), since, withPaths))
}

// impactPage answers one page of an impact (rules.ImpactPage).
func (s *Server) impactPage(c echo.Context, since, size string) error {
	if c.QueryParam("paths") != "" {
		return refusef(string(record.Invalid), record.ReasonParamsExclusive, record.Params{"param": "paths", "other": "page_size"}, "paths and page_size exclude each other: a page names each certificate's reference standard")
	}
	n, err := strconv.Atoi(size)
	if err != nil || n < 1 || n > MaxPageSize {
		return record.ParamInteger("page_size", size, 1, MaxPageSize)
	}
	r, err := s.reader(c)
	if err != nil {
		return err
	}
	return answer[*rules.ImpactPage](c)(r.ImpactPage(c.Request().Context(), c.Param("standard_id"), since, n, c.QueryParam("page_token")))
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
	r, err := s.reader(c)
	if err != nil {
		return err
	}
	return answer[*rules.RecognitionDecision](c)(r.Recognize(c.Request().Context(), cert, by, at))
}
