// Package embedded is the single-machine ledger: the real metrotrace
// chaincode executed in-process over the badger-backed chaincode stub, on
// disk under a data directory. One writer; each transaction commits
// atomically with its history, event and transaction-log entry. It
// implements ledger.Ledger, and keeps a local certificate authority per
// organization so access control behaves as on Fabric.
package embedded

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/metrotrace/metrotrace/chaincode/badgerstub"
	"github.com/metrotrace/metrotrace/chaincode/contract"
	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// Channel is the channel name the embedded ledger reports to the chaincode.
const Channel = "metrology"

// Organizations are the organizations of the embedded ledger's consortium:
// its wallet issues identities of these only, so a token naming any other
// organization gets no identity and leaves no CA behind.
var Organizations = []string{"BeijingMSP", "TianjinMSP", "HebeiMSP"}

// Ledger is the embedded ledger.
type Ledger struct {
	store  *badgerstub.Store
	cc     shim.Chaincode
	clock  func() time.Time
	wallet *Wallet

	mu      sync.Mutex
	commits chan struct{} // closed and replaced on every commit
}

var _ ledger.Ledger = (*Ledger)(nil)

// Option configures Open.
type Option func(*Ledger)

// WithClock sets the clock that stamps transactions (tests fix it).
func WithClock(clock func() time.Time) Option { return func(l *Ledger) { l.clock = clock } }

// Open opens (creating if needed) the ledger under dir: state in
// dir/ledger, the organizations' local CAs in dir/ca. dir "" keeps
// everything in memory, for tests: there badger stores no value over
// 1 MiB, so a transaction whose log entry is larger (a batch near the
// HTTP body limit, whose event lists every certificate) needs a dir.
func Open(dir string, opts ...Option) (*Ledger, error) {
	stateDir := ""
	if dir != "" {
		stateDir = filepath.Join(dir, "ledger")
		if err := os.MkdirAll(stateDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	store, err := badgerstub.Open(stateDir)
	if err != nil {
		return nil, err
	}
	cc, err := contract.New()
	if err != nil {
		store.Close()
		return nil, err
	}
	caDir := ""
	if dir != "" {
		caDir = filepath.Join(dir, "ca")
	}
	l := &Ledger{store: store, cc: cc, clock: time.Now, wallet: NewWallet(caDir, Organizations...), commits: make(chan struct{})}
	for _, o := range opts {
		o(l)
	}
	return l, nil
}

// Wallet returns the local CAs that issue this ledger's identities.
func (l *Ledger) Wallet() *Wallet { return l.wallet }

// Store exposes the underlying store (transaction log, height).
func (l *Ledger) Store() *badgerstub.Store { return l.store }

// Close closes the store.
func (l *Ledger) Close() error { return l.store.Close() }

func newTxID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (l *Ledger) proposal(id *identity.Identity, call ledger.Call) badgerstub.Proposal {
	return badgerstub.Proposal{
		TxID: newTxID(), Timestamp: l.clock().UTC(), ChannelID: Channel, Creator: id.Serialized(),
		Transient: call.Transient, Function: call.Function, Args: call.Args,
		PeerMSPID: id.MSPID, EndorsingOrgs: []string{id.MSPID},
	}
}

// Submit executes the call and commits it when the chaincode succeeds.
func (l *Ledger) Submit(ctx context.Context, id *identity.Identity, call ledger.Call) (*ledger.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := l.wallet.Verify(id); err != nil {
		return nil, &ledger.Error{Phase: ledger.PhaseEndorse, Err: err}
	}
	p := l.proposal(id, call)
	res, err := l.store.Submit(l.cc, p)
	if err != nil {
		phase := ledger.PhaseCommit
		if errors.Is(err, badgerstub.ErrEndorsementPolicy) {
			phase = ledger.PhaseEndorse
		}
		return nil, &ledger.Error{Phase: phase, TxID: p.TxID, Err: err}
	}
	if res.Failed() {
		return nil, ledger.ChaincodeError(res.Response.Message)
	}
	l.mu.Lock()
	close(l.commits)
	l.commits = make(chan struct{})
	l.mu.Unlock()
	return &ledger.Receipt{TxID: res.TxID, BlockNumber: res.BlockNumber, Timestamp: res.Timestamp, Payload: res.Response.Payload}, nil
}

// Evaluate runs a read-only call.
func (l *Ledger) Evaluate(ctx context.Context, id *identity.Identity, call ledger.Call) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := l.wallet.Verify(id); err != nil {
		return nil, &ledger.Error{Phase: ledger.PhaseQuery, Err: err}
	}
	res, err := l.store.Evaluate(l.cc, l.proposal(id, call))
	if err != nil {
		return nil, &ledger.Error{Phase: ledger.PhaseQuery, Err: err}
	}
	if res.Failed() {
		return nil, ledger.ChaincodeError(res.Response.Message)
	}
	return res.Response.Payload, nil
}

// Height is the number of the next block; on this ledger every
// transaction is a block of its own, numbered from 1.
func (l *Ledger) Height(context.Context) (uint64, error) {
	h, err := l.store.Height()
	return h + 1, err
}

// Events delivers the events of committed transactions from block from on,
// then waits for new commits until ctx ends.
func (l *Ledger) Events(ctx context.Context, from uint64, deliver func(ledger.Event) error) error {
	next := from
	if next == 0 {
		next = 1
	}
	for {
		l.mu.Lock()
		wait := l.commits
		l.mu.Unlock()
		err := l.store.Transactions(next, func(e badgerstub.TxEntry) error {
			next = e.Number + 1
			if e.EventName == "" {
				return nil
			}
			return deliver(ledger.Event{BlockNumber: e.Number, TxID: e.TxID, Timestamp: e.Timestamp, Name: e.EventName, Payload: e.EventPayload})
		})
		if err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wait:
		}
	}
}
