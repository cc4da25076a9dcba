package apiclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Header names of a write's answer.
const (
	headerTransactionID = "X-Transaction-ID"
	headerBlockNumber   = "X-Block-Number"
)

// Written is a record the server stored: the record as stored and the
// transaction that committed it.
type Written struct {
	Record      json.RawMessage
	TxID        string
	BlockNumber uint64
	// Replayed is true when the server answered with the stored answer of
	// an earlier write with the same idempotency key: nothing new applied.
	Replayed bool
}

// Create records a new record of a kind (plural, e.g. "capabilities") from
// its JSON, as the token's institution.
func (c *Client) Create(ctx context.Context, kind string, recordJSON []byte) (*Written, error) {
	res, err := c.do(ctx, request{method: http.MethodPost, path: APIPrefix + "/" + seg(kind),
		contentType: "application/json", body: recordJSON})
	if err != nil {
		return nil, err
	}
	w := &Written{Record: json.RawMessage(res.body), TxID: res.header.Get(headerTransactionID),
		Replayed: res.header.Get(headerIdempotentReplayed) == "true"}
	w.BlockNumber, _ = strconv.ParseUint(res.header.Get(headerBlockNumber), 10, 64)
	return w, nil
}

// IssueCertificates records certificates in one transaction, all or
// nothing (POST /certificates/batch, at most 500). It returns the stored
// certificates in the order sent; a refused batch is an *Error whose
// Details name every refused item.
func (c *Client) IssueCertificates(ctx context.Context, certificates []json.RawMessage) ([]json.RawMessage, *Written, error) {
	body, err := json.Marshal(map[string][]json.RawMessage{"certificates": certificates})
	if err != nil {
		return nil, nil, err
	}
	res, err := c.do(ctx, request{method: http.MethodPost, path: APIPrefix + "/certificates/batch",
		contentType: "application/json", body: body})
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		Certificates []json.RawMessage `json:"certificates"`
	}
	if err := json.Unmarshal(res.body, &out); err != nil {
		return nil, nil, fmt.Errorf("decode the batch's answer: %w", err)
	}
	w := &Written{Record: json.RawMessage(res.body), TxID: res.header.Get(headerTransactionID),
		Replayed: res.header.Get(headerIdempotentReplayed) == "true"}
	w.BlockNumber, _ = strconv.ParseUint(res.header.Get(headerBlockNumber), 10, 64)
	return out.Certificates, w, nil
}

// Source selects where a read is answered: SourceIndex (the default, the
// gateway's read model) or SourceLedger (the chaincode itself).
type Source string

// Sources of a read.
const (
	SourceIndex  Source = ""
	SourceLedger Source = "ledger"
)

func (s Source) set(q url.Values) url.Values {
	if s != SourceIndex {
		q.Set("source", string(s))
	}
	return q
}

// Get returns a record's JSON.
func (c *Client) Get(ctx context.Context, kind, id string, source Source) (json.RawMessage, error) {
	var out json.RawMessage
	err := c.getJSON(ctx, "/"+seg(kind)+"/"+seg(id), source.set(url.Values{}), &out)
	return out, err
}

// Version is one version of a record, as its history lists it.
type Version = record.Version

// History is every version of a record, oldest first.
type History struct {
	DocType  string    `json:"doc_type"`
	ID       string    `json:"id"`
	Versions []Version `json:"versions"`
}

// History returns a record's versions, oldest first.
func (c *Client) History(ctx context.Context, kind, id string) (*History, error) {
	var h History
	if err := c.getJSON(ctx, "/"+seg(kind)+"/"+seg(id)+"/history", nil, &h); err != nil {
		return nil, err
	}
	return &h, nil
}

// ListQuery selects a page of a list: every record of the kind, or those a
// filter (institution, subject, issuer, party ...) selects.
type ListQuery struct {
	Filter    string
	Value     string
	PageSize  int
	PageToken string
	Source    Source
}

// Page is one page of a list.
type Page = record.Page

// List returns a page of records of a kind.
func (c *Client) List(ctx context.Context, kind string, q ListQuery) (*Page, error) {
	v := q.Source.set(url.Values{})
	if q.Filter != "" {
		v.Set(q.Filter, q.Value)
	}
	if q.PageSize > 0 {
		v.Set("page_size", strconv.Itoa(q.PageSize))
	}
	if q.PageToken != "" {
		v.Set("page_token", q.PageToken)
	}
	var p Page
	if err := c.getJSON(ctx, "/"+seg(kind), v, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ListAll calls fn with every record of a list, page after page.
func (c *Client) ListAll(ctx context.Context, kind string, q ListQuery, fn func(json.RawMessage) error) error {
	for {
		p, err := c.List(ctx, kind, q)
		if err != nil {
			return err
		}
		for _, r := range p.Records {
			if err := fn(r); err != nil {
				return err
			}
		}
		if p.NextPageToken == "" {
			return nil
		}
		q.PageToken = p.NextPageToken
	}
}
