package index

import (
	"bytes"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// upgrade gives an index written by an earlier gateway the keys this one
// keeps beside the records (each once; a marker key remembers), so an
// index is never rebuilt from the ledger for them. An empty index gets
// the markers only.
func (x *Index) upgrade() error {
	for _, u := range []struct {
		what string
		fn   func() error
	}{
		{"supervision counters", x.ensureCounts},
		{"verification keys", x.ensureVerifications},
		{"usages of standards", x.ensureStandardUsages},
		{"split keys of usages", x.ensureUsageSplits},
	} {
		if err := u.fn(); err != nil {
			return fmt.Errorf("%s: %w", u.what, err)
		}
	}
	return nil
}

// built reports whether marker is set.
func (x *Index) built(marker string) (done bool, err error) {
	err = x.db.View(func(txn *badger.Txn) error {
		v, err := get(txn, []byte(marker))
		done = v != nil
		return err
	})
	return done, err
}

// backfill writes through one write batch what build derives from a
// snapshot of the index (build reads through txn, writes through wb), and
// sets marker with its writes.
func (x *Index) backfill(marker string, build func(txn *badger.Txn, wb *badger.WriteBatch) error) error {
	wb := x.db.NewWriteBatch()
	defer wb.Cancel()
	if err := x.db.View(func(txn *badger.Txn) error { return build(txn, wb) }); err != nil {
		return err
	}
	if err := wb.Set([]byte(marker), []byte("1")); err != nil {
		return err
	}
	return wb.Flush()
}

// ensureStandardUsages copies the certificates_by_reference entries of
// certificates whose subject is a standard under prefixStandardUsages.
func (x *Index) ensureStandardUsages() error {
	if done, err := x.built(keyStandardUsages); err != nil || done {
		return err
	}
	copied := 0
	err := x.backfill(keyStandardUsages, func(txn *badger.Txn, wb *badger.WriteBatch) error {
		prefix := join(prefixEntry, record.IndexCertificatesByReference, "/")
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 256})
		defer it.Close()
		for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
			key := it.Item().Key()
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			u, err := rules.DecodeUsage(v)
			if err != nil {
				return fmt.Errorf("usage entry %q: %w", key, err)
			}
			if u.SubjectDocType != record.DocStandard {
				continue
			}
			ref, cert, ok := bytes.Cut(key[len(prefix):], []byte{0})
			if !ok {
				return fmt.Errorf("usage entry %q has no certificate id", key)
			}
			if err := wb.Set(standardUsageKey(string(ref), string(cert)), v); err != nil {
				return err
			}
			copied++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if copied > 0 {
		x.log.Info("usages of standards copied from the reference entries", "entries", copied)
	}
	return nil
}

// ensureUsageSplits writes the split keys (u/k/) of the certificates_by_reference
// entries whose certificate splits its standard's usages (splitsUsages).
func (x *Index) ensureUsageSplits() error {
	if done, err := x.built(keyUsageSplits); err != nil || done {
		return err
	}
	written := 0
	err := x.backfill(keyUsageSplits, func(txn *badger.Txn, wb *badger.WriteBatch) error {
		prefix := join(prefixEntry, record.IndexCertificatesByReference, "/")
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
			key := it.Item().Key()
			ref, cert, ok := bytes.Cut(key[len(prefix):], []byte{0})
			if !ok {
				return fmt.Errorf("usage entry %q has no certificate id", key)
			}
			if splitsUsages(string(cert)) {
				if err := wb.Set(usageSplitKey(string(ref), string(cert)), nil); err != nil {
					return err
				}
				written++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if written > 0 {
		x.log.Info("split keys of usages written from the reference entries", "keys", written)
	}
	return nil
}
