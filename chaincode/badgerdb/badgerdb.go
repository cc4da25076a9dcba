// Package badgerdb is the one way metrotrace opens a badger database: the
// embedded ledger's store (chaincode/badgerstub), the gateway's index
// (gateway/index) and its store of DCC files (gateway/blob) all open
// through it, as ipfs/go-ds-badger opens its datastore.
//
// badger never reclaims the space of overwritten or deleted values in its
// value log by itself: compactions only count what each value-log file
// holds that is no longer live, and a file is rewritten only when
// [badger.DB.RunValueLogGC] is called. A [DB] opened on disk therefore runs
// that garbage collection in a goroutine every [Options.GCInterval], until
// [DB.Close]. [badger.ErrNoRewrite] (nothing worth rewriting) ends a pass
// normally; it is not an error.
//
// The package holds no metrotrace concept, so chaincode and gateway
// packages both import it without pulling each other's dependencies.
package badgerdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// MemoryLimit is the Go runtime's soft memory limit (debug.SetMemoryLimit)
// for a process that holds the embedded ledger's and the index's
// databases, as metrotrace serve does: their memtables, the table builders
// badger pools and the garbage of a long write stay about that size
// instead of doubling with GOGC. At 160 MiB an out-of-tolerance case over
// 100k certificates (metrotrace-bench case) peaked at 210 MiB of RSS in
// 32 s; at 256 MiB it peaked at 300-327 MiB in 26-29 s.
const MemoryLimit = 160 << 20

// Options are badger's own options and how the value-log garbage
// collector runs.
type Options struct {
	badger.Options

	// GCInterval is the time between two garbage-collection passes over
	// the value log. Zero or negative runs no collector (call
	// [DB.CollectGarbage] yourself). In-memory databases have no value
	// log and never run one.
	GCInterval time.Duration
	// GCDiscardRatio is the share of a value-log file that must be
	// garbage for the file to be rewritten, in (0, 1). badger recommends
	// 0.5: the lifetime write amplification of the value log is then 2.
	GCDiscardRatio float64
	// GCSleep is the pause between two rewrites within one pass, so a
	// pass that finds much to collect does not monopolise the disk.
	GCSleep time.Duration
	// Log receives the collector's failures (nil: discarded).
	Log *slog.Logger
}

// DefaultOptions returns the options of a database in dir, or in memory
// when dir is "": badger's defaults without badger's own logger, and a
// collector every ten minutes that rewrites files at least half garbage.
func DefaultOptions(dir string) Options {
	opts := badger.DefaultOptions(dir).WithLogger(nil).
		// A table is built whole in memory, in buffers that start at twice
		// its size and double when full; badger pools up to eight of them
		// per database with every buffer they ever grew (a compaction runs
		// up to five builders at once, and each of two compactors does).
		// Compression adds a second copy of every block. Uncompressed 1 MiB
		// tables at every level (badger doubles the size per level by
		// default, so the deepest tables of a large database were 32 MiB)
		// keep each pooled builder at 2 MiB. The data is mostly short keys
		// and JSON records; the cost is disk: 3.1 GiB allocated for the
		// benchmark's 1M index (session 3, compressed: 769 MiB).
		WithCompression(options.None).WithBaseTableSize(1 << 20)
	opts.TableSizeMultiplier = 1
	if dir == "" {
		opts = opts.WithInMemory(true)
	}
	return Options{
		Options:        opts,
		GCInterval:     10 * time.Minute,
		GCDiscardRatio: 0.5,
		GCSleep:        time.Second,
	}
}

// DB is an open badger database with its value-log collector. Every method
// of [badger.DB] is available on it; [DB.Close] stops the collector first.
type DB struct {
	*badger.DB

	ratio float64
	sleep time.Duration
	log   *slog.Logger

	stop      context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating if needed) the database opts describe and, on disk
// with a positive GCInterval, starts its value-log collector.
func Open(opts Options) (*DB, error) {
	if !opts.InMemory && (opts.GCDiscardRatio <= 0 || opts.GCDiscardRatio >= 1) {
		return nil, fmt.Errorf("open badger %q: GC discard ratio %v is not in (0, 1)", opts.Dir, opts.GCDiscardRatio)
	}
	bdb, err := badger.Open(opts.Options)
	if err != nil {
		return nil, err
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(context.Background())
	db := &DB{DB: bdb, ratio: opts.GCDiscardRatio, sleep: opts.GCSleep, log: log, stop: stop, done: make(chan struct{})}
	if opts.InMemory || opts.ReadOnly || opts.GCInterval <= 0 {
		close(db.done)
		return db, nil
	}
	go db.collect(ctx, opts.GCInterval)
	return db, nil
}

// collect runs a garbage-collection pass every interval until ctx ends.
func (db *DB) collect(ctx context.Context, interval time.Duration) {
	defer close(db.done)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if _, err := db.collectGarbage(ctx, db.sleep); err != nil && ctx.Err() == nil {
			db.log.Warn("badger value-log garbage collection", "dir", db.Opts().Dir, "err", err)
		}
	}
}

// CollectGarbage runs one garbage-collection pass now: it rewrites
// value-log files while badger finds one at least GCDiscardRatio garbage,
// and returns how many it rewrote. A database in memory or read-only has
// nothing to collect (0, nil).
func (db *DB) CollectGarbage() (int, error) {
	return db.collectGarbage(context.Background(), 0)
}

func (db *DB) collectGarbage(ctx context.Context, sleep time.Duration) (int, error) {
	if opts := db.Opts(); opts.InMemory || opts.ReadOnly {
		return 0, nil
	}
	rewritten := 0
	for {
		err := db.RunValueLogGC(db.ratio)
		switch {
		case errors.Is(err, badger.ErrNoRewrite):
			return rewritten, nil
		case errors.Is(err, badger.ErrRejected):
			// Another pass is running, or the database is closing:
			// either way this one has nothing to add.
			return rewritten, nil
		case err != nil:
			return rewritten, fmt.Errorf("value-log GC of %q: %w", db.Opts().Dir, err)
		}
		rewritten++
		if sleep > 0 {
			select {
			case <-ctx.Done():
				return rewritten, nil
			case <-time.After(sleep):
			}
		}
	}
}

// Close stops the collector, waits for a pass under way to end, and closes
// the database. Calling it again returns the first call's result.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.stop()
		<-db.done
		db.closeErr = db.DB.Close()
	})
	return db.closeErr
}

// CompactionsPending reports whether a level of the tree is due for
// compaction (badger's score of at least 1, what makes its compactors pick
// the level). After a bulk load the compactions that follow it compete
// with reads for the CPU and the disk until none is pending.
func (db *DB) CompactionsPending() bool {
	for _, l := range db.Levels() {
		if l.Score >= 1 {
			return true
		}
	}
	return false
}

// Get returns a copy of a key's value in txn, nil (and no error) when the
// key is absent: badger's ErrKeyNotFound is the caller's "not there".
func Get(txn *badger.Txn, key []byte) ([]byte, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}
