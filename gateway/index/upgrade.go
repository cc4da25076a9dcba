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

// eachReferenceEntry calls fn for every certificates_by_reference entry of
// txn's snapshot with its standard and certificate ids (values: prefetch
// the usages the entries hold).
func eachReferenceEntry(txn *badger.Txn, values bool, fn func(ref, cert string, item *badger.Item) error) error {
	prefix := join(prefixEntry, record.IndexCertificatesByReference, "/")
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: values, PrefetchSize: 256})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		key := it.Item().Key()
		ref, cert, ok := bytes.Cut(key[len(prefix):], []byte{0})
		if !ok {
			return fmt.Errorf("usage entry %q has no certificate id", key)
		}
		if err := fn(string(ref), string(cert), it.Item()); err != nil {
			return err
		}
	}
	return nil
}

// backfillOnce runs backfill(marker, build) unless marker is set, and
// logs how many keys build wrote (build counts them in *written).
func (x *Index) backfillOnce(marker, what string, build func(txn *badger.Txn, wb *badger.WriteBatch, written *int) error) error {
	if done, err := x.built(marker); err != nil || done {
		return err
	}
	written := 0
	if err := x.backfill(marker, func(txn *badger.Txn, wb *badger.WriteBatch) error { return build(txn, wb, &written) }); err != nil {
		return err
	}
	if written > 0 {
		x.log.Info(what+" written from the reference entries", "keys", written)
	}
	return nil
}

// ensureStandardUsages copies the certificates_by_reference entries of
// certificates whose subject is a standard under prefixStandardUsages.
func (x *Index) ensureStandardUsages() error {
	return x.backfillOnce(keyStandardUsages, "usages of standards", func(txn *badger.Txn, wb *badger.WriteBatch, written *int) error {
		return eachReferenceEntry(txn, true, func(ref, cert string, item *badger.Item) error {
			v, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			u, err := rules.DecodeUsage(v)
			if err != nil {
				return fmt.Errorf("usage entry of %s under %s: %w", cert, ref, err)
			}
			if u.SubjectDocType != record.DocStandard {
				return nil
			}
			*written++
			return wb.Set(standardUsageKey(ref, cert), v)
		})
	})
}

// ensureUsageSplits writes the split keys (u/k/) of the
// certificates_by_reference entries whose certificate splits its
// standard's usages (splitsUsages).
func (x *Index) ensureUsageSplits() error {
	return x.backfillOnce(keyUsageSplits, "split keys of usages", func(txn *badger.Txn, wb *badger.WriteBatch, written *int) error {
		return eachReferenceEntry(txn, false, func(ref, cert string, _ *badger.Item) error {
			if !splitsUsages(cert) {
				return nil
			}
			*written++
			return wb.Set(usageSplitKey(ref, cert), nil)
		})
	})
}
