package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/metrotrace/metrotrace/chaincode/contract"
	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// Idempotency is a write's idempotency key and, once the write returns,
// whether its answer was a replay of an earlier write with the key.
type Idempotency struct {
	// Key is the caller's key (see contract.TransientIdempotencyKey).
	Key string
	// Replayed is set when the answer is the stored answer of an earlier
	// write, which applied; TxID is then that write's transaction.
	Replayed bool
	TxID     string
}

type idempotencyKey struct{}

// WithIdempotency returns a context whose writes carry idem's key: every
// write through the client with it applies at most once, and idem records
// whether the answer was replayed.
func WithIdempotency(ctx context.Context, idem *Idempotency) context.Context {
	return context.WithValue(ctx, idempotencyKey{}, idem)
}

func idempotencyOf(ctx context.Context) *Idempotency {
	idem, _ := ctx.Value(idempotencyKey{}).(*Idempotency)
	if idem == nil || idem.Key == "" {
		return nil
	}
	return idem
}

// submitOnce submits a keyed write: the answer stored under the key when an
// earlier write used it for the same request (without a new transaction, so
// a retry adds nothing to the ledger), a conflict when it used it for
// another, else the write with the key as transient data. A write that
// fails after it may have been ordered is looked up again, so a retry that
// lost a race with its first attempt still gets that attempt's answer.
func (c *Client) submitOnce(ctx context.Context, idem *Idempotency, id *identity.Identity, call ledger.Call) (*Written, error) {
	if err := contract.ValidateIdempotencyKey(idem.Key); err != nil {
		return nil, err
	}
	if w, err := c.replayed(ctx, idem, id, call); w != nil || err != nil {
		return w, err
	}
	transient := maps.Clone(call.Transient)
	if transient == nil {
		transient = map[string][]byte{}
	}
	transient[contract.TransientIdempotencyKey] = []byte(idem.Key)
	call.Transient = transient
	r, err := c.Ledger.Submit(ctx, id, call)
	if err != nil {
		var le *ledger.Error
		if errors.As(err, &le) && le.Phase != ledger.PhaseEndorse {
			if w, rerr := c.replayed(ctx, idem, id, call); w != nil || rerr != nil {
				return w, rerr
			}
		}
		return nil, err
	}
	return &Written{Record: json.RawMessage(r.Payload), Receipt: r}, nil
}

// replayed returns the stored answer of an earlier write with the key, nil
// when there is none.
func (c *Client) replayed(ctx context.Context, idem *Idempotency, id *identity.Identity, call ledger.Call) (*Written, error) {
	data, err := c.Ledger.Evaluate(ctx, id, ledger.Call{Function: "GetIdempotentWrite", Args: []string{idem.Key}})
	if record.ErrorCode(err) == record.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var w contract.IdempotentWrite
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("decode idempotent write: %w", err)
	}
	if w.Function != call.Function || w.RequestSHA256 != contract.RequestSHA256(call.Function, call.Args) {
		return nil, record.Refusef(record.Conflict, record.ReasonIdempotencyReused, record.Params{"key": idem.Key, "tx": w.TxID, "function": w.Function}, "idempotency key %q was used by transaction %s for another request (%s); use a new key for a new request", idem.Key, w.TxID, w.Function)
	}
	idem.Replayed, idem.TxID = true, w.TxID
	// The block of the first write is not known here; it is committed,
	// so nothing needs to wait for it.
	return &Written{Record: json.RawMessage(w.Result), Receipt: &ledger.Receipt{TxID: w.TxID, Payload: []byte(w.Result)}}, nil
}
