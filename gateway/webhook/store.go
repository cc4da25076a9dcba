package webhook

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
)

// Keys of the dispatcher's store. Every key is built in a fresh slice.
const (
	prefixSub     = "s/" // s/<subscription id> → Subscription JSON, with its secret
	prefixPending = "p/" // p/<subscription id>\x00<event id> → pending JSON
	prefixOverdue = "o/" // o/<instrument id>\x00<due on> → "": instrument_overdue raised
	keySeq        = "seq"
	keyCursor     = "cursor"
)

func key(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func subKey(id string) []byte                 { return key(prefixSub, id) }
func pendingKey(subID, eventID string) []byte { return key(prefixPending, subID, "\x00", eventID) }
func overdueKey(instrumentID, dueOn string) []byte {
	return key(prefixOverdue, instrumentID, "\x00", dueOn)
}

// pending is a delivery not yet accepted by its receiver: the exact body
// it is signed over, so a delivery resumed after a restart carries the
// same bytes and the same signature.
type pending struct {
	Subscription string `json:"subscription"`
	EventID      string `json:"event_id"`
	Type         string `json:"type"`
	Body         []byte `json:"body"`
}

// cursor is how far the dispatcher has read the ledger's events: the
// block of the last event it applied and that block's transactions already
// applied, so following again from Block skips them.
type cursor struct {
	Set   bool     `json:"set"`
	Block uint64   `json:"block"`
	TxIDs []string `json:"tx_ids"`
}

// done reports whether the event of transaction txID in block was applied.
func (c cursor) done(block uint64, txID string) bool {
	if !c.Set || block > c.Block {
		return false
	}
	if block < c.Block {
		return true
	}
	for _, t := range c.TxIDs {
		if t == txID {
			return true
		}
	}
	return false
}

// after is the cursor once the event of txID in block is applied.
func (c cursor) after(block uint64, txID string) cursor {
	if c.Set && c.Block == block {
		return cursor{Set: true, Block: block, TxIDs: append(append([]string(nil), c.TxIDs...), txID)}
	}
	return cursor{Set: true, Block: block, TxIDs: []string{txID}}
}

// openStore opens the dispatcher's badger database in dir, in memory when
// dir is "". It holds a few records per subscription and per pending
// delivery, so its caches are small; its memtables are as large as the
// index's, since a pending delivery of a large notice can take a megabyte.
func openStore(dir string) (*badgerdb.DB, error) {
	opts := badgerdb.DefaultOptions(dir)
	opts.Options = opts.WithMemTableSize(16 << 20).WithNumMemtables(2).WithBlockCacheSize(4 << 20).WithIndexCacheSize(2 << 20).
		WithNumLevelZeroTables(2).WithNumLevelZeroTablesStall(8)
	if dir != "" {
		opts.Options = opts.WithValueThreshold(1 << 10)
	}
	db, err := badgerdb.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("open the webhook store %q: %w", dir, err)
	}
	return db, nil
}

func putJSON(txn *badger.Txn, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return txn.Set(k, data)
}

func getJSON(txn *badger.Txn, k []byte, v any) (bool, error) {
	data, err := badgerdb.Get(txn, k)
	if err != nil || data == nil {
		return false, err
	}
	return true, json.Unmarshal(data, v)
}

func readCursor(txn *badger.Txn) (cursor, error) {
	var c cursor
	_, err := getJSON(txn, []byte(keyCursor), &c)
	return c, err
}

func readSeq(txn *badger.Txn) (int, error) {
	data, err := badgerdb.Get(txn, []byte(keySeq))
	if err != nil || data == nil {
		return 0, err
	}
	return strconv.Atoi(string(data))
}

// scan calls fn with the key and a copy of the value of every key under
// prefix, in key order.
func scan(txn *badger.Txn, prefix string, fn func(k, v []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix), PrefetchValues: true, PrefetchSize: 100})
	defer it.Close()
	for it.Seek([]byte(prefix)); it.ValidForPrefix([]byte(prefix)); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := fn(it.Item().KeyCopy(nil), v); err != nil {
			return err
		}
	}
	return nil
}
