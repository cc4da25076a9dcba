// Package client is the typed metrotrace contract client shared by every
// handler and command: it turns Go calls into chaincode calls on a
// ledger.Ledger, whichever backend that is, and decodes the answers.
package client

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// Client calls the metrotrace chaincode through a ledger.
type Client struct {
	Ledger ledger.Ledger
}

// New returns a client over l.
func New(l ledger.Ledger) *Client { return &Client{Ledger: l} }

// Written is a record as stored by a transaction, with the transaction
// (of block 0 when the answer is a replay: see [Idempotency]).
type Written struct {
	Record  json.RawMessage
	Receipt *ledger.Receipt
}

func (c *Client) submit(ctx context.Context, id *identity.Identity, fn string, transient map[string][]byte, args ...string) (*Written, error) {
	if idem := idempotencyOf(ctx); idem != nil {
		return c.submitOnce(ctx, idem, id, ledger.Call{Function: fn, Args: args, Transient: transient})
	}
	r, err := c.Ledger.Submit(ctx, id, ledger.Call{Function: fn, Args: args, Transient: transient})
	if err != nil {
		return nil, err
	}
	return &Written{Record: json.RawMessage(r.Payload), Receipt: r}, nil
}

func (c *Client) evaluate(ctx context.Context, id *identity.Identity, fn string, args ...string) ([]byte, error) {
	return c.Ledger.Evaluate(ctx, id, ledger.Call{Function: fn, Args: args})
}

// Create records a new record of a doc type from its JSON; the chaincode
// validates it strictly. transient carries private data (the instrument
// owner's details under record.TransientOwner).
func (c *Client) Create(ctx context.Context, id *identity.Identity, docType string, recordJSON []byte, transient map[string][]byte) (*Written, error) {
	k, ok := record.KindOf(docType)
	if !ok {
		return nil, record.Errorf(record.Invalid, "unknown doc type %q", docType)
	}
	return c.submit(ctx, id, k.Create, transient, string(recordJSON))
}

// IssueCertificates records up to record.MaxBatch certificates in one
// transaction, all or nothing. Written.Record is the JSON array of the
// stored certificates in the batch's order; a refused batch is a
// *record.Error whose message names every refused item (record.BatchItems).
func (c *Client) IssueCertificates(ctx context.Context, id *identity.Identity, certificates []json.RawMessage) (*Written, error) {
	if len(certificates) == 0 {
		return nil, record.Errorf(record.Invalid, "issue certificates: the batch is empty")
	}
	if len(certificates) > record.MaxBatch {
		return nil, record.Errorf(record.Invalid, "issue certificates: %d certificates, a batch takes at most %d", len(certificates), record.MaxBatch)
	}
	data, err := json.Marshal(certificates)
	if err != nil {
		return nil, record.Errorf(record.Invalid, "issue certificates: %v", err)
	}
	return c.submit(ctx, id, record.FnIssueCertificates, nil, string(data))
}

// SetStandardStatus seals, revokes or reactivates a standard.
func (c *Client) SetStandardStatus(ctx context.Context, id *identity.Identity, standardID, status, since, reason string) (*Written, error) {
	return c.submit(ctx, id, record.FnSetStandardStatus, nil, standardID, status, since, reason)
}

// RevokeCertificate revokes a certificate with a reason.
func (c *Client) RevokeCertificate(ctx context.Context, id *identity.Identity, certificateID, reason string) (*Written, error) {
	return c.submit(ctx, id, record.FnRevokeCertificate, nil, certificateID, reason)
}

// RevokeSigningCertificate revokes a DCC signing certificate from a date.
func (c *Client) RevokeSigningCertificate(ctx context.Context, id *identity.Identity, signingCertificateID, revokedOn, reason string) (*Written, error) {
	return c.submit(ctx, id, "RevokeSigningCertificate", nil, signingCertificateID, revokedOn, reason)
}

// SupersedeCertificate marks a certificate superseded by another.
func (c *Client) SupersedeCertificate(ctx context.Context, id *identity.Identity, certificateID, replacementID, reason string) (*Written, error) {
	return c.submit(ctx, id, record.FnSupersedeCertificate, nil, certificateID, replacementID, reason)
}

// AddComparisonResults adds participants' results (JSON array) to a comparison.
func (c *Client) AddComparisonResults(ctx context.Context, id *identity.Identity, comparisonID string, resultsJSON []byte) (*Written, error) {
	return c.submit(ctx, id, record.FnAddComparisonResults, nil, comparisonID, string(resultsJSON))
}

// ApproveAgreement records a party's approval ("" : the caller's institution).
func (c *Client) ApproveAgreement(ctx context.Context, id *identity.Identity, agreementID, partyID string) (*Written, error) {
	return c.submit(ctx, id, record.FnApproveAgreement, nil, agreementID, partyID)
}

// Get returns a record's JSON.
func (c *Client) Get(ctx context.Context, id *identity.Identity, docType, recordID string) (json.RawMessage, error) {
	b, err := c.evaluate(ctx, id, record.FnGet, docType, recordID)
	return json.RawMessage(b), err
}

// History returns a record's versions, oldest first.
func (c *Client) History(ctx context.Context, id *identity.Identity, docType, recordID string) ([]record.Version, error) {
	return decode[[]record.Version](c.evaluate(ctx, id, record.FnHistory, docType, recordID))
}

// List returns a page of an index (see record.Indexes).
func (c *Client) List(ctx context.Context, id *identity.Identity, index, value string, pageSize int, bookmark string) (*record.LedgerPage, error) {
	size := ""
	if pageSize > 0 {
		size = strconv.Itoa(pageSize)
	}
	p, err := decode[record.LedgerPage](c.evaluate(ctx, id, record.FnList, index, value, size, bookmark))
	return &p, err
}

// InstrumentOwner returns an instrument owner's private details.
func (c *Client) InstrumentOwner(ctx context.Context, id *identity.Identity, instrumentID string) (*record.InstrumentOwner, error) {
	o, err := decode[record.InstrumentOwner](c.evaluate(ctx, id, record.FnGetInstrumentOwner, instrumentID))
	return &o, err
}

// FindByDCC returns the certificates anchoring a DCC's SHA-256.
func (c *Client) FindByDCC(ctx context.Context, id *identity.Identity, sha256Hex string) ([]record.Certificate, error) {
	return decode[[]record.Certificate](c.evaluate(ctx, id, record.FnFindByDCC, sha256Hex))
}

// Trace asks the chaincode whether a subject is traceable on date at ("": today).
func (c *Client) Trace(ctx context.Context, id *identity.Identity, subjectID, at string) (*rules.TraceReport, error) {
	r, err := decode[rules.TraceReport](c.evaluate(ctx, id, record.FnTrace, subjectID, at))
	return &r, err
}

// Impact asks the chaincode what a standard affected since a date, with
// the path to each affected id when withPaths.
func (c *Client) Impact(ctx context.Context, id *identity.Identity, standardID, since string, withPaths bool) (*rules.ImpactSet, error) {
	s, err := decode[rules.ImpactSet](c.evaluate(ctx, id, record.FnImpact, standardID, since, strconv.FormatBool(withPaths)))
	return &s, err
}

// ImpactPage asks the chaincode for one page of an impact, its walk bounded
// per call (the contract's ImpactPage, rules.ImpactWalk); pageToken is ""
// for the first page, then the previous page's next_page_token.
func (c *Client) ImpactPage(ctx context.Context, id *identity.Identity, standardID, since string, pageSize int, pageToken string) (*rules.ImpactPage, error) {
	p, err := decode[rules.ImpactPage](c.evaluate(ctx, id, record.FnImpactPage, standardID, since, strconv.Itoa(pageSize), pageToken))
	return &p, err
}

// Recognize asks the chaincode whether institution by recognizes a certificate.
func (c *Client) Recognize(ctx context.Context, id *identity.Identity, certificateID, by, at string) (*rules.RecognitionDecision, error) {
	d, err := decode[rules.RecognitionDecision](c.evaluate(ctx, id, record.FnRecognize, certificateID, by, at))
	return &d, err
}

func decode[T any](data []byte, err error) (T, error) {
	var v T
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, fmt.Errorf("decode chaincode answer: %w", err)
	}
	return v, nil
}

// OpenCase opens an out-of-tolerance case ({"id", "standard_id", "since",
// "finding"}) and records its first chunk of notice items (chunk 0: the
// chaincode's default); the answer is the case, whose recorded field says
// whether ContinueCase must follow.
func (c *Client) OpenCase(ctx context.Context, id *identity.Identity, openingJSON []byte, chunk int) (*Written, error) {
	return c.submit(ctx, id, record.FnOpenCase, nil, string(openingJSON), chunkArg(chunk))
}

// ContinueCase records the next chunk of a case's notice items.
func (c *Client) ContinueCase(ctx context.Context, id *identity.Identity, caseID string, chunk int) (*Written, error) {
	return c.submit(ctx, id, record.FnContinueCase, nil, caseID, chunkArg(chunk))
}

// ResolveNotice resolves one item of a notice ({"certificate_id",
// "action", "replacement_id", "reason"}).
func (c *Client) ResolveNotice(ctx context.Context, id *identity.Identity, noticeID string, resolutionJSON []byte) (*Written, error) {
	return c.submit(ctx, id, record.FnResolveNotice, nil, noticeID, string(resolutionJSON))
}

func chunkArg(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}
