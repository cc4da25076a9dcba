package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/graph"
)

// ContentTypeSVG is the media type of the pictures.
const ContentTypeSVG = "image/svg+xml"

// graphOptions reads ?lang=zh|en and ?view=full|compact.
func graphOptions(c echo.Context) (graph.Options, error) {
	opt := graph.Options{Lang: graph.LangZH}
	switch v := c.QueryParam("lang"); v {
	case "", graph.LangZH:
	case graph.LangEN:
		opt.Lang = graph.LangEN
	default:
		return opt, record.ParamChoice("lang", v, []string{graph.LangZH, graph.LangEN}, "lang must be %s or %s, not %q", graph.LangZH, graph.LangEN, v)
	}
	switch v := c.QueryParam("view"); v {
	case "", "full":
	case "compact":
		opt.Compact = true
	default:
		return opt, record.ParamChoice("view", v, []string{"full", "compact"}, "view must be full or compact, not %q", v)
	}
	return opt, nil
}

// svg answers a picture, or a picture's error: too many records to draw
// is the caller's question (400), anything else the server's.
func svg(c echo.Context, data []byte, err error) error {
	if errors.Is(err, graph.ErrTooLarge) {
		return refusef(string(record.Invalid), ReasonPictureTooLarge, record.Params{"max": fmt.Sprint(graph.MaxNodes)}, "%v: ask for the JSON answer instead", err)
	}
	if err != nil {
		return errorf(string(record.Internal), "draw: %v", err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, ContentTypeSVG, data)
}

// traceGraph handles GET /trace/{subject_id}/graph.svg?at=&lang=&view=.
func (s *Server) traceGraph(c echo.Context) error {
	at, err := s.date(c, "at", false)
	if err != nil {
		return err
	}
	opt, err := graphOptions(c)
	if err != nil {
		return err
	}
	_, rep, nodes, err := s.describedTrace(c, at)
	if err != nil {
		return err
	}
	data, err := graph.Trace(c.Request().Context(), rep, nodes, opt)
	return svg(c, data, err)
}

// describedTrace answers the request's trace of {subject_id} on date at
// through its Reader, with a node for every record the trace names: what
// the picture and the printed report draw. It returns the Reader too, for
// the report's further lookups.
func (s *Server) describedTrace(c echo.Context, at string) (Reader, *rules.TraceReport, map[string]graph.Node, error) {
	r, err := s.reader(c)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx := c.Request().Context()
	rep, err := r.Trace(ctx, c.Param("subject_id"), at)
	if err != nil {
		return nil, nil, nil, err
	}
	nodes, err := describeTrace(ctx, r, rep)
	if err != nil {
		return nil, nil, nil, err
	}
	return r, rep, nodes, nil
}

// describeTrace looks up every record of a trace for its node: a standard
// (with level and status) or an instrument. A record that is neither is
// left out and drawn as not found.
func describeTrace(ctx context.Context, r Reader, rep *rules.TraceReport) (map[string]graph.Node, error) {
	nodes := map[string]graph.Node{}
	describe := func(id string) error {
		if _, done := nodes[id]; done {
			return nil
		}
		st, err := readAs[record.Standard](ctx, r, record.DocStandard, id)
		if err == nil {
			kind := graph.KindStandard
			if st.Level == record.LevelPrimary {
				kind = graph.KindPrimary
			}
			nodes[id] = graph.Node{ID: id, Kind: kind, Name: st.Name, Level: st.Level, Status: st.Status}
			return nil
		}
		if record.ErrorCode(err) != record.NotFound {
			return err
		}
		in, err := readAs[record.Instrument](ctx, r, record.DocInstrument, id)
		if err == nil {
			name := in.Type
			if in.Manufacturer != "" || in.Model != "" {
				name += " · " + in.Manufacturer + " " + in.Model
			}
			nodes[id] = graph.Node{ID: id, Kind: graph.KindInstrument, Name: name}
			return nil
		}
		if record.ErrorCode(err) != record.NotFound {
			return err
		}
		nodes[id] = graph.Node{ID: id, Kind: graph.KindUnknown}
		return nil
	}
	if err := describe(rep.SubjectID); err != nil {
		return nil, err
	}
	for _, l := range rep.Links {
		if err := describe(l.SubjectID); err != nil {
			return nil, err
		}
		for _, ref := range l.ReferenceIDs {
			if err := describe(ref); err != nil {
				return nil, err
			}
		}
	}
	return nodes, nil
}

// impactGraph handles GET /impact/{standard_id}/graph.svg?since=&lang=&view=.
func (s *Server) impactGraph(c echo.Context) error {
	since, err := s.date(c, "since", true)
	if err != nil {
		return err
	}
	opt, err := graphOptions(c)
	if err != nil {
		return err
	}
	r, err := s.reader(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	set, err := r.Impact(ctx, c.Param("standard_id"), since, true)
	if err != nil {
		return err
	}
	data, err := graph.Impact(ctx, set, opt)
	return svg(c, data, err)
}
