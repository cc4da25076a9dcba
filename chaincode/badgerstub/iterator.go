package badgerstub

import (
	"encoding/json"
	"errors"

	"github.com/dgraph-io/badger/v4"

	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"google.golang.org/protobuf/types/known/timestamppb"
)

type kv struct {
	key   string
	value []byte
}

// iterator walks a result set read in full from the snapshot.
type iterator struct {
	kvs []kv
	pos int
}

func newIterator(kvs []kv) *iterator { return &iterator{kvs: kvs} }

func (it *iterator) HasNext() bool { return it.pos < len(it.kvs) }

func (it *iterator) Close() error { return nil }

func (it *iterator) Next() (*queryresult.KV, error) {
	if !it.HasNext() {
		return nil, errors.New("no more results")
	}
	x := it.kvs[it.pos]
	it.pos++
	return &queryresult.KV{Key: x.key, Value: x.value}, nil
}

// lazyIterator walks a committed range of the snapshot as it is read, as
// a peer streams a range query: a range of a hundred thousand keys costs
// what the chaincode reads of it, and nothing is held but the current key.
type lazyIterator struct {
	it          *badger.Iterator
	prefix, end string
	closed      bool
}

// lazy starts a lazy iterator over the keys of prefix from start to end
// (excluded; "" for no end).
func (s *Stub) lazy(prefix, start, end string) *lazyIterator {
	it := s.read.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
	it.Seek(join(prefix, start))
	l := &lazyIterator{it: it, prefix: prefix, end: end}
	s.open = append(s.open, l)
	return l
}

func (l *lazyIterator) HasNext() bool {
	if l.closed || !l.it.ValidForPrefix([]byte(l.prefix)) {
		return false
	}
	return l.end == "" || string(l.it.Item().Key()[len(l.prefix):]) < l.end
}

func (l *lazyIterator) Next() (*queryresult.KV, error) {
	if !l.HasNext() {
		return nil, errors.New("no more results")
	}
	item := l.it.Item()
	v, err := item.ValueCopy(nil)
	if err != nil {
		return nil, err
	}
	kv := &queryresult.KV{Key: string(item.Key()[len(l.prefix):]), Value: v}
	l.it.Next()
	return kv, nil
}

func (l *lazyIterator) Close() error {
	if !l.closed {
		l.closed = true
		l.it.Close()
	}
	return nil
}

type historyIterator struct {
	entries []*historyEntry
	pos     int
}

func (it *historyIterator) HasNext() bool { return it.pos < len(it.entries) }

func (it *historyIterator) Close() error { return nil }

func (it *historyIterator) Next() (*queryresult.KeyModification, error) {
	if !it.HasNext() {
		return nil, errors.New("no more results")
	}
	h := it.entries[it.pos]
	it.pos++
	return &queryresult.KeyModification{TxId: h.TxID, Value: h.Value, Timestamp: timestamppb.New(h.Timestamp), IsDelete: h.IsDelete}, nil
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
