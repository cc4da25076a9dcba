package contract

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// IssueCertificates records up to record.MaxBatch certificates in one
// transaction, all or nothing. Every item goes through the checks of
// IssueCertificate; when any is refused, nothing is written and the error
// names every refused item by its index (record.BatchError). The answer is
// the JSON array of the stored certificates, in the batch's order, and the
// transaction's one event carries all of them (and those they supersede).
func (c *Contract) IssueCertificates(ctx contractapi.TransactionContextInterface, certificatesJSON string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	items, err := decodeBatch(certificatesJSON)
	if err != nil {
		return "", err
	}
	rc := newReads(ctx)
	claims := &batchClaims{ids: map[string]int{}, dccs: map[string]string{}, supersedes: map[string]string{}}
	t := newTxn(ctx, record.FnIssueCertificates)
	var refused []record.ItemError
	stored := make([]json.RawMessage, 0, len(items))
	for i, raw := range items {
		claims.at = i
		cert, issuer, prev, err := checkNewCertificate(ctx, rc, string(raw), claims)
		if err == nil && len(refused) == 0 {
			if err = t.put(record.DocCertificate, cert.ID, cert, issuer.MSPID); err == nil {
				stored = append(stored, t.event.Records[len(t.event.Records)-1].Record)
				if prev != nil {
					err = t.put(record.DocCertificate, prev.ID, prev, "")
				}
			}
		}
		if err != nil {
			// An item refused with one sentence (one field error or a
			// reason) carries its code; one naming several fields none.
			it := record.ItemError{Index: i, Code: record.ErrorCode(err), Message: record.ErrorMessage(err)}
			switch ds := record.ErrorDetails(err); {
			case len(ds) == 1:
				it.Reason, it.Params = ds[0].Code, ds[0].Params
			case len(ds) > 1:
				// Several fields: each said from its own code.
				it.Reason, it.Params, it.Fields = record.ReasonItemFields, record.Params{"count": strconv.Itoa(len(ds))}, ds
			}
			refused = append(refused, it)
		}
	}
	if len(refused) > 0 {
		return "", record.BatchError("issue certificates", len(items), refused)
	}
	if _, err := t.commit(); err != nil {
		return "", err
	}
	return answerAll(stored), nil
}

// decodeBatch splits a JSON array of 1 to record.MaxBatch items.
func decodeBatch(data string) ([]json.RawMessage, error) {
	var items []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader([]byte(data)))
	if err := dec.Decode(&items); err != nil {
		return nil, record.Errorf(record.Invalid, "issue certificates: the argument must be a JSON array of certificates: %v", err)
	}
	if dec.More() {
		return nil, record.Errorf(record.Invalid, "issue certificates: the argument must be one JSON array")
	}
	if len(items) == 0 {
		return nil, record.Errorf(record.Invalid, "issue certificates: the batch is empty")
	}
	if len(items) > record.MaxBatch {
		return nil, record.Errorf(record.Invalid, "issue certificates: %d certificates, a batch takes at most %d", len(items), record.MaxBatch)
	}
	return items, nil
}

// answerAll is the JSON array of the certificates a batch stored (not the
// ones they superseded, which the event carries too).
func answerAll(records []json.RawMessage) string {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, r := range records {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(r)
	}
	b.WriteByte(']')
	return b.String()
}

// batchClaims are the certificate ids, DCCs and superseded certificates a
// batch's earlier items take: state shows none of them before the
// transaction commits. A nil *batchClaims (a single certificate) claims
// nothing.
type batchClaims struct {
	at         int               // the item being checked
	ids        map[string]int    // certificate id → item
	dccs       map[string]string // DCC SHA-256 (canonical: "c14n:" + SHA-256) → certificate id
	supersedes map[string]string // superseded certificate id → certificate id
}

func (b *batchClaims) superseded(id string) (string, bool) {
	if b == nil {
		return "", false
	}
	by, ok := b.supersedes[id]
	return by, ok
}

func (b *batchClaims) certificate(id string) (int, bool) {
	if b == nil {
		return 0, false
	}
	at, ok := b.ids[id]
	return at, ok
}

func (b *batchClaims) dcc(sha string) (string, bool) {
	if b == nil {
		return "", false
	}
	id, ok := b.dccs[sha]
	return id, ok
}

func (b *batchClaims) claim(cert *record.Certificate) {
	if b == nil {
		return
	}
	b.ids[cert.ID] = b.at
	if cert.DCCSHA256 != "" {
		b.dccs[cert.DCCSHA256] = cert.ID
	}
	if cert.DCCC14NSHA256 != "" {
		b.dccs["c14n:"+cert.DCCC14NSHA256] = cert.ID
	}
	if cert.Supersedes != "" {
		b.supersedes[cert.Supersedes] = cert.ID
	}
}

// reads caches, for one transaction, the caller and the institutions,
// standards and instruments a certificate check reads, so a batch reads
// each key once. What it caches was read from state before the
// transaction's own writes, as Fabric's GetState answers too.
type reads struct {
	ctx          contractapi.TransactionContextInterface
	who          *caller
	whoErr       error
	institutions map[string]cached[record.Institution]
	standards    map[string]cached[record.Standard]
	instruments  map[string]cached[record.Instrument]
}

// cached is one read: the record, whether it exists, the read's error.
type cached[T any] struct {
	v     *T
	found bool
	err   error
}

func newReads(ctx contractapi.TransactionContextInterface) *reads {
	return &reads{ctx: ctx, institutions: map[string]cached[record.Institution]{},
		standards: map[string]cached[record.Standard]{}, instruments: map[string]cached[record.Instrument]{}}
}

func readCached[T any](ctx contractapi.TransactionContextInterface, m map[string]cached[T], docType, id string) (*T, bool, error) {
	if c, ok := m[id]; ok {
		return c.v, c.found, c.err
	}
	v := new(T)
	found, err := readRecord(ctx, docType, id, v)
	m[id] = cached[T]{v: v, found: found, err: err}
	return v, found, err
}

func (r *reads) standard(id string) (*record.Standard, bool, error) {
	return readCached(r.ctx, r.standards, record.DocStandard, id)
}

func (r *reads) instrument(id string) (*record.Instrument, bool, error) {
	return readCached(r.ctx, r.instruments, record.DocInstrument, id)
}

// writableInstitution is the package's writableInstitution, cached.
func (r *reads) writableInstitution(id string) (*record.Institution, error) {
	in, found, err := readCached(r.ctx, r.institutions, record.DocInstitution, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, record.NotFoundf(record.DocInstitution, id)
	}
	if r.who == nil && r.whoErr == nil {
		who, err := callerOf(r.ctx)
		r.who, r.whoErr = &who, err
	}
	if r.whoErr != nil {
		return nil, r.whoErr
	}
	if err := r.who.mayWriteFor(in); err != nil {
		return nil, err
	}
	return in, nil
}
