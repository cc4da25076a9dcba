package blob

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
)

// A DCC import stores the file first and commits its certificate second,
// so an anchored certificate never lacks its file. A file whose commit
// then failed is an orphan: Collect removes it once it is older than a
// grace period that covers any commit still in flight.

// storedPrefix keys the time a blob was first stored: "stored/<sha>" → Unix
// nanoseconds, big-endian.
const storedPrefix = "stored/"

func storedKey(sha string) []byte { return []byte(storedPrefix + sha) }

// markStored records when a blob was first stored.
func markStored(txn *badger.Txn, sha string, at time.Time) error {
	return txn.Set(storedKey(sha), binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano())))
}

// StoredAt returns when the blob was first stored; the zero time for a
// blob stored before the store recorded times.
func (s *Store) StoredAt(sha string) (time.Time, error) {
	sha, err := normalHash(sha)
	if err != nil {
		return time.Time{}, err
	}
	var at time.Time
	err = s.db.View(func(txn *badger.Txn) error {
		v, err := badgerdb.Get(txn, storedKey(sha))
		if err != nil || len(v) != 8 {
			return err
		}
		at = time.Unix(0, int64(binary.BigEndian.Uint64(v)))
		return nil
	})
	return at, err
}

// Staged is a blob stored for a certificate not yet committed. While it is
// staged, neither Collect nor another import's Done removes it.
type Staged struct {
	// SHA256 is the blob's name.
	SHA256 string
	store  *Store
	done   bool
}

// Stage stores data as Put does and holds it until Done.
func (s *Store) Stage(data []byte) (*Staged, error) {
	sha, err := s.Put(data)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.held == nil {
		s.held = map[string]int{}
	}
	s.held[sha]++
	s.mu.Unlock()
	return &Staged{SHA256: sha, store: s}, nil
}

// Done releases the hold. When the certificate was not committed, the blob
// is removed at once unless another import holds it or anchored reports a
// certificate anchoring it; when it was, the blob stays. An error of
// anchored keeps the blob for Collect. Done is idempotent.
func (st *Staged) Done(committed bool, anchored func(sha string) (bool, error)) error {
	s := st.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.done {
		return nil
	}
	st.done = true
	if s.held[st.SHA256]--; s.held[st.SHA256] <= 0 {
		delete(s.held, st.SHA256)
	}
	if committed || s.held[st.SHA256] > 0 {
		return nil
	}
	ok, err := anchored(st.SHA256)
	if err != nil || ok {
		return err
	}
	return s.remove(st.SHA256)
}

func (s *Store) isHeld(sha string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held[sha] > 0
}

// Collect removes every blob stored before cutoff that no import holds and
// that anchored reports as anchored by no certificate, and returns how
// many it removed. A blob without a stored time counts as old. ctx stops
// the sweep between blobs.
func (s *Store) Collect(ctx context.Context, cutoff time.Time, anchored func(sha string) (bool, error)) (int, error) {
	var candidates []string
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(metaPrefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			sha := string(it.Item().Key()[len(metaPrefix):])
			v, err := badgerdb.Get(txn, storedKey(sha))
			if err != nil {
				return err
			}
			if len(v) == 8 && !time.Unix(0, int64(binary.BigEndian.Uint64(v))).Before(cutoff) {
				continue
			}
			candidates = append(candidates, sha)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("collect blobs: %w", err)
	}
	removed := 0
	for _, sha := range candidates {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		ok, err := anchored(sha)
		if err != nil {
			return removed, fmt.Errorf("collect blobs: is %s anchored: %w", sha, err)
		}
		if ok || s.isHeld(sha) {
			continue
		}
		if err := s.remove(sha); err != nil {
			return removed, err
		}
		removed++
	}
	return removed, nil
}

// remove deletes a blob: its metadata first, so it stops existing at once,
// then its chunks and stored time.
func (s *Store) remove(sha string) error {
	err := s.db.Update(func(txn *badger.Txn) error { return txn.Delete(metaKey(sha)) })
	if err != nil {
		return fmt.Errorf("remove blob %s: %w", sha, err)
	}
	prefix := []byte(chunkPrefix + sha + "/")
	var keys [][]byte
	err = s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			keys = append(keys, it.Item().KeyCopy(nil))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove blob %s: %w", sha, err)
	}
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	for _, k := range append(keys, storedKey(sha)) {
		if err := wb.Delete(k); err != nil {
			return fmt.Errorf("remove blob %s: %w", sha, err)
		}
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("remove blob %s: %w", sha, err)
	}
	return nil
}
