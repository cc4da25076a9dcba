package httpapi

import (
	"context"
	"encoding/json"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/index"
)

// ReadModel is the query side the API reads from: the gateway's index,
// fed by chaincode events. Its rule answers come from the same rules code
// the chaincode runs.
type ReadModel interface {
	// Get returns a record's JSON; a *record.Error with code NotFound when
	// absent.
	Get(docType, id string) (json.RawMessage, error)
	// List returns a page of the records of a doc type that an index (one
	// of contract.Indexes) holds for value; index "" lists every record of
	// docType.
	List(docType, index, value string, pageSize int, pageToken string) (*Page, error)
	// Search finds records whose id or name matches query.
	Search(query string, limit int) ([]Hit, error)
	// Trace, Impact and Recognize answer the traceability rules.
	Trace(subjectID, at string) (*rules.TraceReport, error)
	Impact(standardID, since string, withPaths bool) (*rules.ImpactSet, error)
	Recognize(certificateID, by, at string) (*rules.RecognitionDecision, error)
	// FindByDCC returns the certificates anchoring a DCC's SHA-256.
	FindByDCC(sha256Hex string) ([]record.Certificate, error)
	// WaitFor returns when the index has applied the given block, so a read
	// after a write sees it.
	WaitFor(ctx context.Context, block uint64) error
	// Height is the number of the next block the index will read.
	Height() uint64
}

// Page is one page of a list, as the index returns it.
type Page = index.Page

// Hit is one search result, as the index returns it.
type Hit = index.Hit

// The gateway's index is the read model.
var _ ReadModel = (*index.Index)(nil)
