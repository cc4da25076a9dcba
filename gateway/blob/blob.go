// Package blob is the gateway's store of Digital Calibration Certificate
// files: the exact bytes of each DCC, kept off chain in the issuing
// institution's gateway and named by the lowercase hex SHA-256 the ledger
// anchors (a certificate's dcc_sha256).
//
// The store is a badger database, on disk or in memory. Writes are
// idempotent: putting the same bytes twice stores them once. Every error
// about the caller's input is a *[record.Error] (Invalid for bad input,
// NotFound for an unknown hash), so the HTTP layer maps it without
// translation.
package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
	"github.com/metrotrace/metrotrace/chaincode/record"
)

// MaxSize is the largest blob the store accepts, in bytes: the largest DCC
// metrotrace reads ([record.MaxDCCSize], 10 MiB).
const MaxSize = record.MaxDCCSize

// Layout: a blob is its metadata under "blob/<sha>" (size and chunk size,
// written last, so a blob exists only once all of it is stored) and its
// bytes in chunks under "chunk/<sha>/<n>". badger refuses single values
// over 1 MiB in memory and transactions over a fraction of its memtable,
// so a 10 MiB DCC cannot be one value in one transaction.
const (
	metaPrefix  = "blob/"
	chunkPrefix = "chunk/"
	// ChunkSize is the size of the pieces a blob is stored in.
	ChunkSize = 256 << 10
)

var hashPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Store keeps blobs by SHA-256. It is safe for concurrent use.
type Store struct {
	db *badgerdb.DB

	mu   sync.Mutex
	held map[string]int // staged blobs: SHA-256 → imports holding it
}

// Open opens (creating if needed) the store under dir; dir "" keeps it in
// memory, for tests and throwaway gateways. On disk the value log is
// garbage-collected while the store is open ([badgerdb]).
func Open(dir string) (*Store, error) {
	db, err := badgerdb.Open(badgerdb.DefaultOptions(dir))
	if err != nil {
		return nil, fmt.Errorf("open blob store %q: %w", dir, err)
	}
	return &Store{db: db}, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Hash returns the lowercase hex SHA-256 of data, the name a blob is
// stored under.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// normalHash lowercases a hex SHA-256 and refuses anything else.
func normalHash(sha string) (string, error) {
	lower := strings.ToLower(sha)
	if !hashPattern.MatchString(lower) {
		return "", record.Errorf(record.Invalid, "%q is not a SHA-256 (64 hex digits)", sha)
	}
	return lower, nil
}

func metaKey(sha string) []byte { return []byte(metaPrefix + sha) }

func chunkKey(sha string, n int) []byte { return fmt.Appendf(nil, "%s%s/%06d", chunkPrefix, sha, n) }

// meta is what a blob's metadata records.
type meta struct {
	size      int
	chunkSize int
}

func (m meta) encode() []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(m.size))
	return binary.BigEndian.AppendUint32(b, uint32(m.chunkSize))
}

func decodeMeta(b []byte) (meta, error) {
	if len(b) != 12 {
		return meta{}, fmt.Errorf("metadata of %d bytes, want 12", len(b))
	}
	m := meta{size: int(binary.BigEndian.Uint64(b)), chunkSize: int(binary.BigEndian.Uint32(b[8:]))}
	if m.size <= 0 || m.size > MaxSize || m.chunkSize <= 0 {
		return meta{}, fmt.Errorf("metadata says %d bytes in chunks of %d", m.size, m.chunkSize)
	}
	return m, nil
}

// Put stores the exact bytes of data under their SHA-256 and returns it.
// Storing bytes already present is a no-op. Empty data and data larger
// than MaxSize are refused with record.Invalid.
func (s *Store) Put(data []byte) (string, error) {
	if len(data) == 0 {
		return "", record.Errorf(record.Invalid, "the file is empty; nothing to store")
	}
	if len(data) > MaxSize {
		return "", record.Errorf(record.Invalid, "the file is %d bytes, more than the %d bytes accepted", len(data), MaxSize)
	}
	sha := Hash(data)
	if ok, err := s.Has(sha); err != nil || ok {
		return sha, err // stored already: same hash, same bytes
	}
	// Chunks first, metadata last. Chunks of an interrupted or concurrent
	// Put of the same bytes are the same chunks, so rewriting them is
	// harmless.
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	for n, off := 0, 0; off < len(data); n, off = n+1, off+ChunkSize {
		end := min(off+ChunkSize, len(data))
		// badger keeps the value until the batch is flushed: give it a
		// copy the caller cannot change.
		if err := wb.Set(chunkKey(sha, n), bytes.Clone(data[off:end])); err != nil {
			return "", record.Errorf(record.Internal, "store blob %s: %v", sha, shortError(err))
		}
	}
	if err := wb.Flush(); err != nil {
		return "", record.Errorf(record.Internal, "store blob %s: %v", sha, shortError(err))
	}
	err := s.db.Update(func(txn *badger.Txn) error {
		if err := markStored(txn, sha, time.Now()); err != nil {
			return err
		}
		return txn.Set(metaKey(sha), meta{size: len(data), chunkSize: ChunkSize}.encode())
	})
	if err != nil {
		return "", record.Errorf(record.Internal, "store blob %s: %v", sha, shortError(err))
	}
	return sha, nil
}

// shortError keeps the first line of badger's errors, some of which quote
// the whole value.
func shortError(err error) string {
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// Get returns the bytes stored under a SHA-256 (hex, either case): a
// *record.Error of code NotFound when there are none, Invalid when sha is
// not a SHA-256. The bytes are checked against their hash before they are
// returned.
func (s *Store) Get(sha string) ([]byte, error) {
	sha, err := normalHash(sha)
	if err != nil {
		return nil, err
	}
	var data []byte
	err = s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(metaKey(sha))
		if err != nil {
			return err
		}
		raw, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		m, err := decodeMeta(raw)
		if err != nil {
			return err
		}
		data = make([]byte, 0, m.size)
		for n := 0; len(data) < m.size; n++ {
			item, err := txn.Get(chunkKey(sha, n))
			if errors.Is(err, badger.ErrKeyNotFound) {
				return fmt.Errorf("chunk %d is missing", n)
			}
			if err != nil {
				return err
			}
			if err := item.Value(func(v []byte) error {
				if len(data)+len(v) > m.size {
					return fmt.Errorf("chunk %d runs past the %d bytes recorded", n, m.size)
				}
				data = append(data, v...)
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, record.Errorf(record.NotFound, "no file with SHA-256 %s is stored", sha)
	}
	if err != nil {
		return nil, record.Errorf(record.Internal, "read blob %s: %v", sha, shortError(err))
	}
	if got := Hash(data); got != sha {
		return nil, record.Errorf(record.Internal, "blob %s is corrupt: its bytes hash to %s", sha, got)
	}
	return data, nil
}

// Has reports whether bytes are stored under a SHA-256.
func (s *Store) Has(sha string) (bool, error) {
	sha, err := normalHash(sha)
	if err != nil {
		return false, err
	}
	err = s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(metaKey(sha))
		return err
	})
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, badger.ErrKeyNotFound):
		return false, nil
	}
	return false, record.Errorf(record.Internal, "look up blob %s: %v", sha, err)
}

// Count returns the number of blobs stored.
func (s *Store) Count() (int, error) {
	n := 0
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		opts.Prefix = []byte(metaPrefix)
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		return 0, record.Errorf(record.Internal, "count blobs: %v", err)
	}
	return n, nil
}
