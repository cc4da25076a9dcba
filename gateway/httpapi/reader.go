package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/client"
)

// Reader answers every read question of the API: records, lists, history,
// the traceability rules, the certificates anchoring a DCC and search. A
// request reads through exactly one Reader, which [Server.reader] picks:
// the gateway's index (the default), or the ledger read as the caller
// (?source=ledger). Handlers never ask where an answer comes from.
type Reader interface {
	// Get returns a record's JSON; a *record.Error with code NotFound when
	// absent.
	Get(ctx context.Context, docType, id string) (json.RawMessage, error)
	// List returns a page of the records of a doc type that an index (one
	// of record.Indexes) holds for value; index "" lists every record of
	// docType where the reader can.
	List(ctx context.Context, docType, index, value string, pageSize int, pageToken string) (*record.Page, error)
	// History returns a record's versions, oldest first.
	History(ctx context.Context, docType, id string) ([]record.Version, error)
	// Trace, Impact and Recognize answer the traceability rules.
	Trace(ctx context.Context, subjectID, at string) (*rules.TraceReport, error)
	Impact(ctx context.Context, standardID, since string, withPaths bool) (*rules.ImpactSet, error)
	// ImpactPage answers an impact a page of certificates at a time, in
	// memory bounded by the page (rules.ImpactPaged).
	ImpactPage(ctx context.Context, standardID, since string, pageSize int, pageToken string) (*rules.ImpactPage, error)
	Recognize(ctx context.Context, certificateID, by, at string) (*rules.RecognitionDecision, error)
	// FindByDCC returns the certificates anchoring a DCC's SHA-256.
	FindByDCC(ctx context.Context, sha256Hex string) ([]record.Certificate, error)
	// Search finds records whose id or name matches query.
	Search(ctx context.Context, query string, limit int) ([]record.Hit, error)
}

// Index is the gateway's read model, fed by chaincode events and running
// the chaincode's own rules: every Reader question but History (it keeps
// current state only), and the position a write can wait for.
type Index interface {
	Get(ctx context.Context, docType, id string) (json.RawMessage, error)
	List(ctx context.Context, docType, index, value string, pageSize int, pageToken string) (*record.Page, error)
	Trace(ctx context.Context, subjectID, at string) (*rules.TraceReport, error)
	Impact(ctx context.Context, standardID, since string, withPaths bool) (*rules.ImpactSet, error)
	ImpactPage(ctx context.Context, standardID, since string, pageSize int, pageToken string) (*rules.ImpactPage, error)
	Recognize(ctx context.Context, certificateID, by, at string) (*rules.RecognitionDecision, error)
	FindByDCC(ctx context.Context, sha256Hex string) ([]record.Certificate, error)
	Search(ctx context.Context, query string, limit int) ([]record.Hit, error)
	// WaitFor returns when the index has applied the given block, so a read
	// after a write sees it.
	WaitFor(ctx context.Context, block uint64) error
	// Height is the number of the next block the index will read.
	Height() uint64
}

// indexReader reads the index; History, which the index does not keep,
// comes from the ledger.
type indexReader struct {
	Index
	ledger *ledgerReader
}

func (r indexReader) History(ctx context.Context, docType, id string) ([]record.Version, error) {
	return r.ledger.History(ctx, docType, id)
}

// ledgerReader reads the ledger through the contract, as one identity. The
// identity is resolved on first use, so a request that never reaches the
// ledger needs none.
type ledgerReader struct {
	client   *client.Client
	identity func() (*identity.Identity, error)
}

func (r *ledgerReader) Get(ctx context.Context, docType, id string) (json.RawMessage, error) {
	as, err := r.identity()
	if err != nil {
		return nil, err
	}
	return r.client.Get(ctx, as, docType, id)
}

func (r *ledgerReader) List(ctx context.Context, docType, index, value string, pageSize int, pageToken string) (*record.Page, error) {
	if index == "" {
		kind, _ := record.KindOf(docType)
		return nil, refusef(string(record.Invalid), ReasonFilterRequired, record.Params{"kind": docType}, "listing %s from the ledger needs a filter", kind.Plural)
	}
	if record.IndexDocType[index] != docType {
		return nil, refusef(string(record.Invalid), ReasonUnknownIndex, record.Params{"value": index}, "unknown index %q", index)
	}
	bookmark, err := ledgerBookmark(pageToken)
	if err != nil {
		return nil, err
	}
	as, err := r.identity()
	if err != nil {
		return nil, err
	}
	p, err := r.client.List(ctx, as, index, value, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	return &record.Page{Records: p.Records, NextPageToken: ledgerPageToken(p.Bookmark)}, nil
}

// ledgerTokenPrefix marks a page token of a list read from the ledger.
const ledgerTokenPrefix = "L."

// ledgerPageToken is the page token of a ledger bookmark (the composite
// key the next page starts at, NUL bytes and all): URL-safe base64 after
// a prefix, so that it is text a client can pass on as it is, and an
// index's token is told from it.
func ledgerPageToken(bookmark string) string {
	if bookmark == "" {
		return ""
	}
	return ledgerTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(bookmark))
}

// ledgerBookmark is the bookmark a ledgerPageToken carries; a token of
// anything else is refused.
func ledgerBookmark(token string) (string, error) {
	if token == "" {
		return "", nil
	}
	if enc, ok := strings.CutPrefix(token, ledgerTokenPrefix); ok {
		if b, err := base64.RawURLEncoding.DecodeString(enc); err == nil && len(b) > 0 {
			return string(b), nil
		}
	}
	return "", record.Refusef(record.Invalid, record.ReasonPageTokenForeign, nil, "page_token is not a token of this list from the ledger")
}

func (r *ledgerReader) History(ctx context.Context, docType, id string) ([]record.Version, error) {
	as, err := r.identity()
	if err != nil {
		return nil, err
	}
	return r.client.History(ctx, as, docType, id)
}

func (r *ledgerReader) Trace(ctx context.Context, subjectID, at string) (*rules.TraceReport, error) {
	as, err := r.identity()
	if err != nil {
		return nil, err
	}
	return r.client.Trace(ctx, as, subjectID, at)
}

func (r *ledgerReader) Impact(ctx context.Context, standardID, since string, withPaths bool) (*rules.ImpactSet, error) {
	as, err := r.identity()
	if err != nil {
		return nil, err
	}
	return r.client.Impact(ctx, as, standardID, since, withPaths)
}

// ImpactPage pages the impact from the ledger: the contract's ImpactPage
// walks breadth first, each call bounded (record.MaxImpactPageUsages), so
// its pages are not the index's (rules.ImpactWalk says how they differ),
// but the certificates of all pages are the same.
func (r *ledgerReader) ImpactPage(ctx context.Context, standardID, since string, pageSize int, pageToken string) (*rules.ImpactPage, error) {
	as, err := r.identity()
	if err != nil {
		return nil, err
	}
	return r.client.ImpactPage(ctx, as, standardID, since, pageSize, pageToken)
}

func (r *ledgerReader) Recognize(ctx context.Context, certificateID, by, at string) (*rules.RecognitionDecision, error) {
	as, err := r.identity()
	if err != nil {
		return nil, err
	}
	return r.client.Recognize(ctx, as, certificateID, by, at)
}

func (r *ledgerReader) FindByDCC(ctx context.Context, sha256Hex string) ([]record.Certificate, error) {
	as, err := r.identity()
	if err != nil {
		return nil, err
	}
	return r.client.FindByDCC(ctx, as, sha256Hex)
}

// Search is answered by the index only: the chaincode has no text search.
func (r *ledgerReader) Search(context.Context, string, int) ([]record.Hit, error) {
	return nil, refusef(CodeUnavailable, ReasonSearchNeedsIndex, nil, "search needs the index, which this request does not read (source=ledger, or a gateway without an index)")
}

// Sources a request can read from (?source=).
const (
	SourceIndex  = "index"
	SourceLedger = "ledger"
)

// reader picks the request's Reader: the one place the source of a read
// is decided. ?source=ledger, or a gateway without an index, reads the
// ledger as the caller; anything else reads the index.
func (s *Server) reader(c echo.Context) (Reader, error) {
	return s.readerFor(c, func() (*identity.Identity, error) { return s.caller(c) })
}

// readerAs is reader for requests that read as a fixed identity, such as
// the public POST /verify, which carries no token.
func (s *Server) readerAs(c echo.Context, id *identity.Identity) (Reader, error) {
	return s.readerFor(c, func() (*identity.Identity, error) {
		if id == nil {
			return nil, refusef(CodeUnavailable, ReasonNoReaderIdentity, nil, "this gateway has no ledger identity to read with")
		}
		return id, nil
	})
}

func (s *Server) readerFor(c echo.Context, as func() (*identity.Identity, error)) (Reader, error) {
	ledger := &ledgerReader{client: s.cfg.Client, identity: once(as)}
	switch src := c.QueryParam("source"); src {
	case "", SourceIndex:
		if s.cfg.Index == nil {
			return ledger, nil
		}
		return indexReader{Index: s.cfg.Index, ledger: ledger}, nil
	case SourceLedger:
		return ledger, nil
	default:
		return nil, record.ParamChoice("source", src, []string{SourceIndex, SourceLedger}, "source %q is not %s or %s", src, SourceIndex, SourceLedger)
	}
}

// once resolves an identity at most once.
func once(resolve func() (*identity.Identity, error)) func() (*identity.Identity, error) {
	var (
		id   *identity.Identity
		err  error
		done bool
	)
	return func() (*identity.Identity, error) {
		if !done {
			id, err = resolve()
			done = true
		}
		return id, err
	}
}
