package index

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// source lets the rules read one consistent snapshot of the index.
type source struct{ txn *badger.Txn }

// Record returns a record's JSON, nil when absent.
func (s source) Record(docType, id string) ([]byte, error) { return get(s.txn, recordKey(docType, id)) }

// IDs returns the ids an index holds for a value, in id order.
func (s source) IDs(index, value string) ([]string, error) {
	prefix := entryPrefix(index, value)
	it := s.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	var ids []string
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		ids = append(ids, string(it.Item().Key()[len(prefix):]))
	}
	return ids, nil
}

// UsagesOf returns the usages kept in the certificates_by_reference entries
// of a standard.
func (s source) UsagesOf(standardID string) ([]rules.Usage, error) {
	var out []rules.Usage
	err := s.EachUsage(standardID, func(u rules.Usage) error {
		out = append(out, u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EachUsage streams the usages of a standard in certificate id order,
// decoding one entry at a time (rules.EachUsage).
func (s source) EachUsage(standardID string, fn func(rules.Usage) error) error {
	return s.eachUsage(entryPrefix(record.IndexCertificatesByReference, standardID), standardID, fn)
}

// EachStandardUsage streams the usages of a standard whose subject is a
// standard, in certificate id order: the walk for the standards an impact
// reaches reads these, not the usages of every instrument.
func (s source) EachStandardUsage(standardID string, fn func(rules.Usage) error) error {
	return s.eachUsage(standardUsagesPrefix(standardID), standardID, fn)
}

// eachUsage streams the usage entries under prefix (small inline values:
// no prefetching goroutines).
func (s source) eachUsage(prefix []byte, standardID string, fn func(rules.Usage) error) error {
	it := s.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		u, err := usageOf(it.Item(), standardID)
		if err != nil {
			return err
		}
		if err := fn(u); err != nil {
			return err
		}
	}
	return nil
}

// usageOf decodes the usage a usage entry of standardID holds.
func usageOf(item *badger.Item, standardID string) (u rules.Usage, err error) {
	err = item.Value(func(v []byte) (err error) {
		u, err = rules.DecodeUsage(v)
		return err
	})
	if err != nil {
		return u, fmt.Errorf("usage entry of %s: %w", standardID, err)
	}
	return u, nil
}
