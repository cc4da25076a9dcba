package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/client"
)

// HeaderOwnerDetails carries an instrument owner's commercial details,
// {"owner_name", "contact"} as JSON (or percent-encoded JSON, as browsers
// must send non-Latin-1 text), to POST /instruments. They travel as
// transient data to the registering organization's private collection and
// never reach public state.
const HeaderOwnerDetails = "X-Owner-Details"

// Response headers of a write.
const (
	HeaderTransactionID = "X-Transaction-ID"
	HeaderBlockNumber   = "X-Block-Number"
)

// Pagination bounds of list endpoints.
const (
	DefaultPageSize = record.DefaultPageSize
	MaxPageSize     = record.MaxPageSize
)

// caller returns the Fabric identity the request's token acts as.
func (s *Server) caller(c echo.Context) (*identity.Identity, error) {
	id, err := auth.IdentityFor(s.cfg.Identities, claimsOf(c))
	if err != nil {
		return nil, refusef(string(record.Forbidden), ReasonNoLedgerIdentity, nil, "no ledger identity for this token: %v", err)
	}
	return id, nil
}

// written answers a committed write once the index has applied its block,
// so the caller's next read sees it.
func (s *Server) written(c echo.Context, status int, w *client.Written) error {
	s.awaitIndex(c, w)
	return c.JSONBlob(status, w.Record)
}

// awaitIndex sets a write's transaction headers and waits, within
// WaitTimeout, until the index (if the gateway runs one) has applied its
// block.
func (s *Server) awaitIndex(c echo.Context, w *client.Written) {
	r := w.Receipt
	if r == nil {
		return
	}
	h := c.Response().Header()
	h.Set(HeaderTransactionID, r.TxID)
	h.Set(HeaderBlockNumber, formatBlock(r.BlockNumber))
	if s.cfg.Index == nil {
		return
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.WaitTimeout)
	defer cancel()
	if err := s.cfg.Index.WaitFor(ctx, r.BlockNumber); err != nil {
		// The write is committed; only the read model is behind.
		loggerFrom(c.Request().Context(), s.log).Warn("index did not catch up with a write",
			"block", r.BlockNumber, "tx_id", r.TxID, "err", err)
	}
}

// create handles POST /{kind}: the body goes to the chaincode as sent, so
// its strict decoder judges unknown fields and types.
func (s *Server) create(k kind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := s.caller(c)
		if err != nil {
			return err
		}
		var transient map[string][]byte
		if k.DocType == record.DocInstrument {
			if transient, err = ownerDetails(c.Request().Header.Get(HeaderOwnerDetails)); err != nil {
				return err
			}
		}
		w, err := s.cfg.Client.Create(c.Request().Context(), id, k.DocType, bodyOf(c), transient)
		if err != nil {
			return err
		}
		var stored struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(w.Record, &stored) == nil && stored.ID != "" {
			c.Response().Header().Set(echo.HeaderLocation, Prefix+"/"+k.Plural+"/"+url.PathEscape(stored.ID))
		}
		return s.written(c, http.StatusCreated, w)
	}
}

func ownerDetails(header string) (map[string][]byte, error) {
	header = strings.TrimSpace(header)
	if header == "" {
		return nil, nil
	}
	if !strings.HasPrefix(header, "{") {
		decoded, err := url.PathUnescape(header)
		if err != nil {
			return nil, refusef(string(record.Invalid), ReasonOwnerDetailsCoding, record.Params{"header": HeaderOwnerDetails}, "%s is neither JSON nor percent-encoded JSON", HeaderOwnerDetails)
		}
		header = decoded
	}
	if !json.Valid([]byte(header)) {
		return nil, refusef(string(record.Invalid), ReasonOwnerDetailsJSON, record.Params{"header": HeaderOwnerDetails}, "%s is not valid JSON", HeaderOwnerDetails)
	}
	return map[string][]byte{record.TransientOwner: []byte(header)}, nil
}

// get handles GET /{kind}/{id}.
func (s *Server) get(k kind) echo.HandlerFunc {
	return func(c echo.Context) error {
		r, err := s.reader(c)
		if err != nil {
			return err
		}
		data, err := r.Get(c.Request().Context(), k.DocType, c.Param("id"))
		if err != nil {
			return err
		}
		return c.JSONBlob(http.StatusOK, data)
	}
}

// History is the answer of GET /{kind}/{id}/history.
type History struct {
	DocType  string           `json:"doc_type"`
	ID       string           `json:"id"`
	Versions []record.Version `json:"versions"`
}

// history handles GET /{kind}/{id}/history.
func (s *Server) history(k kind) echo.HandlerFunc {
	return func(c echo.Context) error {
		r, err := s.reader(c)
		if err != nil {
			return err
		}
		versions, err := r.History(c.Request().Context(), k.DocType, c.Param("id"))
		if err != nil {
			return err
		}
		if err := s.withBlocks(c.Request().Context(), versions); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, History{DocType: k.DocType, ID: c.Param("id"), Versions: versions})
	}
}

// allFilters lists every list filter of every kind, to tell a filter this
// kind lacks from a parameter the API does not know.
var allFilters = func() []string {
	seen := map[string]bool{}
	for _, k := range kinds {
		for f := range k.filters {
			seen[f] = true
		}
	}
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}()

// list handles GET /{kind}: every record of the kind, or those one filter
// selects, a page at a time.
func (s *Server) list(k kind) echo.HandlerFunc {
	return func(c echo.Context) error {
		q := c.QueryParams()
		var index, value, filter string
		for _, f := range allFilters {
			v := q.Get(f)
			if v == "" {
				continue
			}
			idx, ok := k.filters[f]
			if !ok {
				return refusef(string(record.Invalid), ReasonFilterUnsupported, record.Params{"kind": k.DocType, "filter": f}, "%s cannot be filtered by %s", k.Plural, f)
			}
			if index != "" {
				return refusef(string(record.Invalid), ReasonFilterBoth, record.Params{"kind": k.DocType, "filter": filter, "other": f}, "filter %s by one of %s and %s, not both", k.Plural, filter, f)
			}
			index, value, filter = idx, v, f
		}
		size := DefaultPageSize
		if v := q.Get("page_size"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxPageSize {
				return record.ParamInteger("page_size", v, 1, MaxPageSize)
			}
			size = n
		}
		token := q.Get("page_token")
		r, err := s.reader(c)
		if err != nil {
			return err
		}
		page, err := r.List(c.Request().Context(), k.DocType, index, value, size, token)
		if err != nil {
			return err
		}
		if page.Records == nil {
			page.Records = []json.RawMessage{}
		}
		return c.JSON(http.StatusOK, page)
	}
}

// instrumentOwner handles GET /instruments/{id}/owner; the chaincode lets
// only the registering organization read it.
func (s *Server) instrumentOwner(c echo.Context) error {
	id, err := s.caller(c)
	if err != nil {
		return err
	}
	o, err := s.cfg.Client.InstrumentOwner(c.Request().Context(), id, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}
