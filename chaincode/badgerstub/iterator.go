package badgerstub

import (
	"encoding/json"
	"errors"

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
