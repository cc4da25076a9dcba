package index

import (
	"github.com/dgraph-io/badger/v4"
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
