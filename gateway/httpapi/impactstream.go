package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// MediaNDJSON is the media type of a streamed impact: one JSON object a
// line (format=ndjson, or Accept: application/x-ndjson).
const MediaNDJSON = "application/x-ndjson"

// formatNDJSON asks GET /impact/{standard_id} for the stream.
const formatNDJSON = "ndjson"

// ImpactStreamer is an Index that streams an impact from one snapshot
// (index.Index): fn is called for every affected certificate, in the order
// of ImpactPage's pages, and the affected standards but the faulty one are
// returned. Memory holds the affected standards, whatever the impact's size.
type ImpactStreamer interface {
	ImpactStream(ctx context.Context, standardID, since string, fn func(rules.ImpactItem) error) ([]string, error)
}

// impactStreamEnd is the last line of a streamed impact that completed.
// A stream whose last line is not one (but an ErrorBody) stopped early.
type impactStreamEnd struct {
	End rules.ImpactStreamEnd `json:"end"`
}

// streamPageSize is the page a reader that cannot stream is read in.
const streamPageSize = MaxPageSize

// impactStream answers GET /impact/{standard_id}?since=&format=ndjson: every
// affected certificate as a rules.ImpactItem, one a line, as the walk finds
// it (a certificate that used two affected standards is a line for each),
// then the end (impactStreamEnd). The gateway holds one item at a time, so an
// impact over a whole region streams in bounded memory. An error before
// the first line is an ordinary JSON error; one after it, an ErrorBody
// line that ends the stream.
func (s *Server) impactStream(c echo.Context, r Reader, since string) error {
	id := c.Param("standard_id")
	ctx := c.Request().Context()
	resp := c.Response()
	var (
		w     *bufio.Writer
		enc   *json.Encoder
		items int
	)
	emit := func(v any) error {
		if w == nil {
			resp.Header().Set(echo.HeaderContentType, MediaNDJSON)
			resp.WriteHeader(http.StatusOK)
			w = bufio.NewWriterSize(resp, 32<<10)
			enc = json.NewEncoder(w)
		}
		return enc.Encode(v)
	}
	var line []byte
	item := func(it rules.ImpactItem) error {
		items++
		if w == nil {
			return emit(it) // the header first
		}
		line = append(it.AppendJSON(line[:0]), '\n') // what enc.Encode writes
		_, err := w.Write(line)
		return err
	}
	standards, err := streamImpact(ctx, r, id, since, item)
	if err == nil {
		if standards == nil {
			standards = []string{}
		}
		err = emit(impactStreamEnd{End: rules.ImpactStreamEnd{StandardID: id, Since: since, Items: items, Standards: standards}})
	} else if w != nil {
		// The request's deadline (RequestTimeout) said as the timeout
		// middleware says it, not as the ledger's.
		err = timeoutError(s.cfg.RequestTimeout)(err, c)
		code, message := classify(explained(err, c))
		loggerFrom(ctx, s.log).Warn("impact stream stopped", "items", items, "code", code, "err", err)
		_ = enc.Encode(ErrorBody{Error: ErrorDetail{Code: code, Message: message}})
		err = nil
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

// streamerOf is r's stream of an impact from one snapshot, when r has one
// (the index's).
func streamerOf(r Reader) (ImpactStreamer, bool) {
	if ir, ok := r.(indexReader); ok {
		st, ok := ir.Index.(ImpactStreamer)
		return st, ok
	}
	return nil, false
}

// streamImpact streams an impact through r: from the index's snapshot
// when it can, else page by page (the ledger's pages, each an evaluation).
func streamImpact(ctx context.Context, r Reader, id, since string, fn func(rules.ImpactItem) error) ([]string, error) {
	if st, ok := streamerOf(r); ok {
		return st.ImpactStream(ctx, id, since, fn)
	}
	token := ""
	for {
		p, err := r.ImpactPage(ctx, id, since, streamPageSize, token)
		if err != nil {
			return nil, err
		}
		for _, it := range p.Certificates {
			if err := fn(it); err != nil {
				return nil, err
			}
		}
		if p.NextPageToken == "" {
			return p.Standards, nil
		}
		token = p.NextPageToken
	}
}
