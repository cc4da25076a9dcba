package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Trace asks whether a standard or instrument is traceable on date at
// (YYYY-MM-DD; "": the server's today), link by link.
func (c *Client) Trace(ctx context.Context, subjectID, at string, source Source) (*rules.TraceReport, error) {
	q := source.set(url.Values{})
	if at != "" {
		q.Set("at", at)
	}
	var r rules.TraceReport
	if err := c.getJSON(ctx, "/trace/"+seg(subjectID), q, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Impact asks what a standard affected from date since (YYYY-MM-DD) on.
func (c *Client) Impact(ctx context.Context, standardID, since string, withPaths bool, source Source) (*rules.ImpactSet, error) {
	q := source.set(url.Values{})
	q.Set("since", since)
	if withPaths {
		q.Set("paths", "true")
	}
	var s rules.ImpactSet
	if err := c.getJSON(ctx, "/impact/"+seg(standardID), q, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// ImpactStream asks a standard's whole impact as a stream (format=ndjson)
// and calls fn for every affected certificate as it arrives, holding one at
// a time; it returns the stream's end. A stream that stopped early is an
// *Error with the code and message its last line gave (status 200: the
// answer had begun), and an error of fn stops the stream.
func (c *Client) ImpactStream(ctx context.Context, standardID, since string, source Source, fn func(rules.ImpactItem) error) (*rules.ImpactStreamEnd, error) {
	q := source.set(url.Values{})
	q.Set("since", since)
	q.Set("format", "ndjson")
	var end *rules.ImpactStreamEnd
	read := func(body io.Reader) error {
		dec := json.NewDecoder(body)
		for {
			var line struct {
				rules.ImpactItem
				End   *rules.ImpactStreamEnd `json:"end"`
				Error *errorDetail           `json:"error"`
			}
			if err := dec.Decode(&line); err == io.EOF {
				return errors.New("the stream ended without its end line")
			} else if err != nil {
				return fmt.Errorf("decode the stream: %w", err)
			}
			switch {
			case line.End != nil:
				end = line.End
				return nil
			case line.Error != nil:
				return &Error{Status: http.StatusOK, Code: line.Error.Code, Message: line.Error.Message, Details: line.Error.Details}
			}
			if err := fn(line.ImpactItem); err != nil {
				return err
			}
		}
	}
	if _, err := c.do(ctx, request{method: http.MethodGet, path: APIPrefix + "/impact/" + seg(standardID), query: q, accept: "application/x-ndjson", stream: read}); err != nil {
		return nil, err
	}
	return end, nil
}

// Recognize asks whether institution by recognizes a certificate, on date
// at ("": the server's today), with every check.
func (c *Client) Recognize(ctx context.Context, certificateID, by, at string, source Source) (*rules.RecognitionDecision, error) {
	q := source.set(url.Values{})
	q.Set("certificate", certificateID)
	q.Set("by", by)
	if at != "" {
		q.Set("at", at)
	}
	var d rules.RecognitionDecision
	if err := c.getJSON(ctx, "/recognition", q, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Verify sends a file (a DCC or any certificate file) to POST /verify,
// which needs no token, and returns the server's verdict as JSON: whether
// the file's SHA-256 is anchored, by which certificate, and its status.
func (c *Client) Verify(ctx context.Context, file []byte) (json.RawMessage, error) {
	res, err := c.do(ctx, request{method: http.MethodPost, path: APIPrefix + "/verify",
		contentType: "application/octet-stream", body: file})
	if err != nil {
		return nil, err
	}
	return json.RawMessage(res.body), nil
}

// ImportDCC sends a Digital Calibration Certificate (XML) to POST
// /certificates/dcc, which records the certificate it describes and keeps
// the file; it returns the server's answer, the stored certificate.
func (c *Client) ImportDCC(ctx context.Context, xml []byte) (json.RawMessage, error) {
	res, err := c.do(ctx, request{method: http.MethodPost, path: APIPrefix + "/certificates/dcc",
		contentType: "application/xml", body: xml})
	if err != nil {
		return nil, err
	}
	return json.RawMessage(res.body), nil
}

// DCC downloads the Digital Calibration Certificate of a certificate: the
// file its issuer imported, or with generate a DCC v3.3 document made from
// the ledger record.
func (c *Client) DCC(ctx context.Context, certificateID string, generate bool) ([]byte, error) {
	q := url.Values{}
	if generate {
		q.Set("generate", "true")
	}
	res, err := c.do(ctx, request{method: http.MethodGet, path: APIPrefix + "/certificates/" + seg(certificateID) + "/dcc",
		query: q, accept: "application/xml, application/json"})
	if err != nil {
		return nil, err
	}
	return res.body, nil
}

// Readiness is the gateway's answer to GET /readyz.
type Readiness struct {
	Ready        bool     `json:"ready"`
	LedgerHeight uint64   `json:"ledger_height"`
	IndexHeight  uint64   `json:"index_height"`
	Problems     []string `json:"problems"`
}

// Ready asks whether the gateway is ready: its ledger reachable and its
// index caught up. A gateway that is up but not ready answers with Ready
// false and a nil error.
func (c *Client) Ready(ctx context.Context) (*Readiness, error) {
	res, err := c.do(ctx, request{method: http.MethodGet, path: "/readyz"})
	if err != nil && !IsStatus(err, http.StatusServiceUnavailable) {
		return nil, err
	}
	var r Readiness
	if err := decode(res.body, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
