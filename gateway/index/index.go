// Package index is the gateway's read model: a badger database of every
// record, built from the chaincode events of committed transactions alone.
// Each event is applied in one badger transaction together with the
// checkpoint that covers it, so a crash never loses or double-applies an
// event, and following resumes where it stopped. Lookups, lists, search and
// the trace, impact and recognition rules (the chaincode's own rule code)
// are answered from it.
package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// Key prefixes. Keys are built in fresh slices.
const (
	prefixRecord = "r/" // r/<doc_type>/<id> → record JSON
	prefixEntry  = "i/" // i/<index>/<value>\x00<id> → nothing
	prefixSearch = "s/" // s/<lower-case id>\x00<doc_type>\x00<id> → name[\x00more search terms]
	prefixBlock  = "t/" // t/<tx id> → block number (decimal) of a transaction that wrote records
	// u/s/<reference>\x00<certificate id> → usage, for certificates whose
	// subject is a standard (a copy of their certificates_by_reference entry)
	prefixStandardUsages = "u/s/"
	keyStandardUsages    = "u/s-built" // the u/s/ entries are complete
	// u/k/<reference>\x00<certificate id> → nothing, for about one in
	// usageSplitEvery of a standard's usages: where a scan of its usages
	// splits into ranges (usagescan.go)
	prefixUsageSplits = "u/k/"
	keyUsageSplits    = "u/k-built" // the u/k/ entries are complete
	keyCheckpoint     = "cp"
)

// Index is the read model.
type Index struct {
	db  *badgerdb.DB
	log *slog.Logger

	// writer serializes the events applied (advance), the one writer of
	// the database after Open.
	writer sync.Mutex

	mu      sync.Mutex
	cp      Checkpoint
	applied chan struct{} // closed and replaced after every applied event

	// decoded caches decoded records for the questions (decoded.go).
	decoded decoded
}

// Checkpoint is how far the index has read: the last block it applied and
// the transactions of that block already applied.
type Checkpoint struct {
	Applied bool     `json:"applied"` // false until the first event
	Block   uint64   `json:"block"`
	TxIDs   []string `json:"tx_ids"`
}

// Open opens the index in dir, or in memory when dir is "". On disk the
// value log, where records over 1 KiB go, is garbage-collected while the
// index is open ([badgerdb]).
func Open(dir string, log *slog.Logger) (*Index, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts := badgerdb.DefaultOptions(dir)
	opts.Log = log
	opts.Options = opts.WithMemTableSize(8 << 20).WithNumMemtables(2).WithBlockCacheSize(32 << 20).WithIndexCacheSize(16 << 20).
		WithNumLevelZeroTables(2).WithNumLevelZeroTablesStall(8).WithNumCompactors(2)
	if dir != "" {
		// On disk, large records go to the value log to keep the tree
		// small. In memory every value stays in the LSM tree: keep the
		// default (large) threshold, or records over it would be refused.
		opts.Options = opts.WithValueThreshold(1 << 10)
	}
	// Events are applied one at a time (Index.writer), so badger's conflict
	// detection has nothing to find; it would keep the keys of every
	// commit for as long as a query's read transaction is open (an impact
	// streamed over minutes).
	opts.Options = opts.WithDetectConflicts(false)
	db, err := badgerdb.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	x := &Index{db: db, log: log, applied: make(chan struct{})}
	if err := db.View(func(txn *badger.Txn) error {
		cp, err := readCheckpoint(txn)
		x.cp = cp
		return err
	}); err != nil {
		db.Close()
		return nil, err
	}
	if err := x.upgrade(); err != nil {
		db.Close()
		return nil, fmt.Errorf("upgrade index %q: %w", dir, err)
	}
	if dir != "" {
		// Opening reads every table's index through its mapping (about
		// 200 MiB at 1M instruments), an upgrade every entry it copies
		// from; a gateway's release watcher counts from what is resident
		// when it starts, so those pages would stay.
		if _, err := badgerdb.ReleaseMapped(dir); err != nil {
			log.Warn("releasing the index's mapped pages after opening", "dir", dir, "err", err)
		}
	}
	return x, nil
}

// Close stops the value-log collector and closes the database.
func (x *Index) Close() error { return x.db.Close() }

// CompactionsPending reports whether the index's store still has levels
// due for compaction, as after a bulk build; queries meanwhile share the
// CPU and the disk with the compactors.
func (x *Index) CompactionsPending() bool { return x.db.CompactionsPending() }

// Checkpoint returns how far the index has read.
func (x *Index) Checkpoint() Checkpoint {
	x.mu.Lock()
	defer x.mu.Unlock()
	return Checkpoint{Applied: x.cp.Applied, Block: x.cp.Block, TxIDs: slices.Clone(x.cp.TxIDs)}
}

// Height is the next block the index needs: every event of lower blocks has
// been applied.
func (x *Index) Height() uint64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.cp.Applied {
		return 0
	}
	return x.cp.Block + 1
}

func readCheckpoint(txn *badger.Txn) (Checkpoint, error) {
	var cp Checkpoint
	item, err := txn.Get([]byte(keyCheckpoint))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return cp, nil
	}
	if err != nil {
		return cp, err
	}
	err = item.Value(func(v []byte) error { return json.Unmarshal(v, &cp) })
	return cp, err
}

// Apply applies one event and moves the checkpoint past it in the same
// badger transaction. Events at or before the checkpoint are skipped, so
// replaying is harmless. An event without a name only moves the checkpoint
// (a block without metrotrace transactions).
func (x *Index) Apply(ev ledger.Event) error {
	var payload record.Event
	if ev.Name != "" {
		if ev.Name != record.EventName {
			return x.advance(ev, nil)
		}
		if err := json.Unmarshal(ev.Payload, &payload); err != nil {
			return fmt.Errorf("event of transaction %s: %w", ev.TxID, err)
		}
	}
	return x.advance(ev, payload.Records)
}

func (x *Index) advance(ev ledger.Event, records []record.EventRecord) error {
	var next Checkpoint
	x.writer.Lock()
	defer x.writer.Unlock()
	x.decoded.begin()
	defer x.decoded.end()
	err := x.db.Update(func(txn *badger.Txn) error {
		cp, err := readCheckpoint(txn)
		if err != nil {
			return err
		}
		switch {
		case cp.Applied && ev.BlockNumber < cp.Block:
			next = cp
			return errSkip
		case cp.Applied && ev.BlockNumber == cp.Block && (ev.TxID == "" || slices.Contains(cp.TxIDs, ev.TxID)):
			next = cp
			return errSkip
		case cp.Applied && ev.BlockNumber == cp.Block:
			next = Checkpoint{Applied: true, Block: cp.Block, TxIDs: append(slices.Clone(cp.TxIDs), ev.TxID)}
		default:
			next = Checkpoint{Applied: true, Block: ev.BlockNumber, TxIDs: []string{}}
			if ev.TxID != "" {
				next.TxIDs = append(next.TxIDs, ev.TxID)
			}
		}
		day := ""
		if !ev.Timestamp.IsZero() {
			day = record.DateOf(ev.Timestamp)
		}
		due := newDueBatch()
		for _, r := range records {
			if err := putRecord(txn, due, r, day); err != nil {
				return fmt.Errorf("apply %s %s of transaction %s: %w", r.DocType, r.ID, ev.TxID, err)
			}
		}
		if err := due.flush(txn); err != nil {
			return fmt.Errorf("due entries of transaction %s: %w", ev.TxID, err)
		}
		if len(records) > 0 && ev.TxID != "" {
			// Fabric's history of a key has no block numbers: the index
			// keeps each writing transaction's block for the history answer.
			if err := txn.Set(blockKey(ev.TxID), []byte(strconv.FormatUint(ev.BlockNumber, 10))); err != nil {
				return err
			}
		}
		data, _ := json.Marshal(next)
		return txn.Set([]byte(keyCheckpoint), data)
	})
	if errors.Is(err, errSkip) {
		return nil
	}
	if err != nil {
		return err
	}
	x.mu.Lock()
	x.cp = next
	close(x.applied)
	x.applied = make(chan struct{})
	x.mu.Unlock()
	return nil
}

var errSkip = errors.New("already applied")

// BlockOf returns the number of the block holding transaction txID, when
// the index applied that transaction (one that wrote records); found is
// false otherwise.
func (x *Index) BlockOf(_ context.Context, txID string) (block uint64, found bool, err error) {
	if txID == "" {
		return 0, false, nil
	}
	err = x.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(blockKey(txID))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			n, err := strconv.ParseUint(string(v), 10, 64)
			if err != nil {
				return fmt.Errorf("index: block of transaction %s: %w", txID, err)
			}
			block, found = n, true
			return nil
		})
	})
	return block, found, err
}

// WaitFor returns once the index has applied block (read-your-writes after
// a submit), or when ctx ends.
func (x *Index) WaitFor(ctx context.Context, block uint64) error {
	for {
		x.mu.Lock()
		done := x.cp.Applied && x.cp.Block >= block
		wait := x.applied
		x.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("index still at block %d, waiting for %d: %w", x.Checkpoint().Block, block, ctx.Err())
		case <-wait:
		}
	}
}

// Follow applies the ledger's events from the checkpoint on until ctx ends,
// reconnecting with backoff after errors.
func (x *Index) Follow(ctx context.Context, l ledger.Ledger) error {
	backoff := 100 * time.Millisecond
	for {
		// Resume at the checkpoint's own block: its remaining transactions
		// may not have been applied yet; those that were are skipped.
		cp := x.Checkpoint()
		from := cp.Block
		if !cp.Applied {
			from = 0
		}
		err := l.Events(ctx, from, x.Apply)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		x.log.Warn("index: event stream stopped; retrying", "from_block", from, "err", err, "backoff", backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// Reset empties the index, so that following replays from block 0.
func (x *Index) Reset() error {
	x.decoded.begin()
	defer x.decoded.end()
	if err := x.db.DropAll(); err != nil {
		return err
	}
	if err := x.upgrade(); err != nil {
		return err
	}
	x.mu.Lock()
	x.cp = Checkpoint{}
	x.mu.Unlock()
	return nil
}
