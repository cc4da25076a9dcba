// Package ledger is the gateway's port to the ledger: submit and evaluate
// chaincode functions by name and arguments, as a given identity, and
// follow the chaincode events of committed transactions. Two backends
// implement it: package embedded (the chaincode in-process over badger) and
// package fabric (a real network through the peer Gateway service).
package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Call is one chaincode invocation.
type Call struct {
	Function  string
	Args      []string
	Transient map[string][]byte
}

// Receipt is what a committed transaction returns.
type Receipt struct {
	TxID        string
	BlockNumber uint64
	Timestamp   time.Time
	Payload     []byte
}

// Event is a chaincode event of a committed transaction, with its position
// in the ledger so a reader can checkpoint after it.
type Event struct {
	BlockNumber uint64
	TxID        string
	Timestamp   time.Time
	Name        string
	Payload     []byte
}

// Ledger is the port every handler and command goes through.
type Ledger interface {
	// Submit endorses, orders and commits a transaction as id; it returns
	// once the transaction is committed, or an error.
	Submit(ctx context.Context, id *identity.Identity, call Call) (*Receipt, error)
	// Evaluate runs a read-only call as id against committed state.
	Evaluate(ctx context.Context, id *identity.Identity, call Call) ([]byte, error)
	// Events calls deliver, in commit order, with the chaincode event of
	// every valid transaction in blocks numbered from onward (0: from the
	// start), then follows new commits until ctx ends or deliver returns an
	// error, which Events returns.
	Events(ctx context.Context, from uint64, deliver func(Event) error) error
	// Height is the number of the next block: every event of a block below
	// it has been committed.
	Height(ctx context.Context) (uint64, error)
	// Close releases the backend.
	Close() error
}

// Phase says where a transaction failed.
type Phase string

// Phases of a transaction.
const (
	PhaseEndorse Phase = "endorse"
	PhaseSubmit  Phase = "submit"
	PhaseCommit  Phase = "commit"
	PhaseQuery   Phase = "evaluate"
)

// Error is a transaction failure outside the chaincode's own refusals:
// which phase failed and why. The chaincode's refusals are *record.Error.
type Error struct {
	Phase Phase
	TxID  string
	Err   error
}

// Error renders the failure with its phase.
func (e *Error) Error() string {
	if e.TxID != "" {
		return fmt.Sprintf("%s failed for transaction %s: %v", e.Phase, e.TxID, e.Err)
	}
	return fmt.Sprintf("%s failed: %v", e.Phase, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrUnavailable marks a backend that cannot be reached.
var ErrUnavailable = errors.New("ledger unavailable")

// Unavailable says what a caller may do about an [ErrUnavailable]
// failure, so that a client says it in its own language: nothing was
// ordered and the same request may be sent again later (Who names what
// did not take it: "endorsing peer", "orderer" or "chaincode"), or the
// write may still commit after its deadline Within and is retried with
// the same Idempotency-Key (Who ""). Its message is its cause's.
type Unavailable struct {
	Who    string
	Within time.Duration
	Err    error
}

// Error is the cause's message.
func (u *Unavailable) Error() string { return u.Err.Error() }

// Unwrap returns the cause.
func (u *Unavailable) Unwrap() error { return u.Err }

// ChaincodeError turns a chaincode's error message into the *record.Error
// it was made from.
func ChaincodeError(message string) error { return record.ParseError(message) }
