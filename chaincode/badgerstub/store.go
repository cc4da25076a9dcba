package badgerstub

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
)

// ErrDuplicateTxID is returned when a proposal reuses a committed tx id.
var ErrDuplicateTxID = errors.New("duplicate transaction id")

// ErrEndorsementPolicy is returned when a transaction writes a key whose
// key-level endorsement policy the endorsing organizations do not satisfy.
var ErrEndorsementPolicy = errors.New("ENDORSEMENT_POLICY_FAILURE")

// Store is a ledger of chaincode state in badger.
type Store struct {
	db     *badgerdb.DB
	writer sync.Mutex // one writer: submits are serialized
}

// Open opens the store in dir, or in memory when dir is "". On disk the
// value log is garbage-collected while the store is open ([badgerdb]).
func Open(dir string) (*Store, error) {
	opts := badgerdb.DefaultOptions(dir)
	if dir != "" {
		// badger's defaults (five 64 MiB memtables, a 256 MiB block cache,
		// four compactors) would take a gateway on the embedded ledger
		// past 300 MB alone; two 8 MiB memtables, small caches and two
		// compactors keep it under (the ledger is written one transaction
		// at a time). Each memtable also costs its flush: badger builds the
		// level-0 table in buffers doubling up to the memtable's size and
		// keeps them pooled (twice the memtable). A transaction may be
		// 15 % of a memtable, 1.2 MiB: values over 1 KiB (records, their
		// history, the log entry with its event) go to the value log and
		// count only as a pointer, so a batch at the 1 MiB body limit,
		// written three times, fits (TestTheLargestBatchCommitsOnDisk in
		// gateway/embedded; at 32 MiB without the threshold it was 4.8 MiB
		// of a transaction).
		opts.Options = opts.WithMemTableSize(8 << 20).WithNumMemtables(2).WithBlockCacheSize(16 << 20).WithIndexCacheSize(16 << 20).WithNumCompactors(2).
			WithValueThreshold(1 << 10).
			WithNumLevelZeroTables(3).WithNumLevelZeroTablesStall(10)
	}
	// Submits are simulated and committed one at a time (Store.writer),
	// so no transaction can conflict with another and badger's own
	// conflict detection has nothing to find. It would cost memory: badger
	// keeps the keys each commit wrote until no older read transaction is
	// open, and a follower reading the transaction log holds one for as
	// long as it applies what it reads (28 MB during a 100k-certificate
	// case).
	opts.Options = opts.WithDetectConflicts(false)
	db, err := badgerdb.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("open badger store %q: %w", dir, err)
	}
	return &Store{db: db}, nil
}

// Close stops the value-log collector and closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Proposal is one invocation of the chaincode: who calls which function
// with which arguments, and the transaction id and timestamp to use
// (supplied by the caller, so runs are reproducible).
type Proposal struct {
	TxID      string
	Timestamp time.Time
	ChannelID string
	// Creator is a serialized identity (see [SerializeIdentity]).
	Creator   []byte
	Transient map[string][]byte
	Function  string
	Args      []string
	// PeerMSPID is the organization whose "peer" executes the chaincode:
	// private data of other organizations' implicit collections is not
	// available to it. Empty means every collection is available.
	PeerMSPID string
	// EndorsingOrgs are the organizations endorsing the transaction; when
	// set, writes to keys with a key-level endorsement policy must be
	// endorsed by every organization the policy names.
	EndorsingOrgs []string
}

// Result is the outcome of one execution.
type Result struct {
	TxID        string
	BlockNumber uint64 // the committed transaction's number; 0 for an evaluation
	Timestamp   time.Time
	Response    *peer.Response
	Event       *peer.ChaincodeEvent
}

// Failed reports whether the chaincode returned an error status.
func (r *Result) Failed() bool { return r.Response.Status >= shim.ERRORTHRESHOLD }

// TxEntry is one committed transaction in the log.
type TxEntry struct {
	Number       uint64    `json:"number"`
	TxID         string    `json:"tx_id"`
	Timestamp    time.Time `json:"timestamp"`
	Function     string    `json:"function"`
	CreatorMSPID string    `json:"creator_msp_id"`
	EventName    string    `json:"event_name,omitempty"`
	EventPayload []byte    `json:"event_payload,omitempty"`
	Keys         []string  `json:"keys"`
}

// Evaluate runs a read-only invocation against the committed state. Its
// writes, if any, are discarded.
func (s *Store) Evaluate(cc shim.Chaincode, p Proposal) (*Result, error) {
	stub, err := s.newStub(p)
	if err != nil {
		return nil, err
	}
	defer stub.discard()
	resp := cc.Invoke(stub)
	return &Result{TxID: p.TxID, Timestamp: p.Timestamp, Response: resp, Event: stub.event}, nil
}

// Submit runs an invocation and, when the chaincode succeeds, commits its
// writes, history, event and log entry in one badger transaction. When the
// chaincode fails nothing is written. Submits are serialized.
func (s *Store) Submit(cc shim.Chaincode, p Proposal) (*Result, error) {
	s.writer.Lock()
	defer s.writer.Unlock()
	if p.TxID == "" {
		return nil, errors.New("submit: a transaction id is required")
	}
	if err := s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(txIDKey(p.TxID))
		if err == nil {
			return fmt.Errorf("%w %s", ErrDuplicateTxID, p.TxID)
		}
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		return err
	}); err != nil {
		return nil, err
	}
	stub, err := s.newStub(p)
	if err != nil {
		return nil, err
	}
	resp := cc.Invoke(stub)
	stub.discard()
	res := &Result{TxID: p.TxID, Timestamp: p.Timestamp, Response: resp, Event: stub.event}
	if res.Failed() {
		return res, nil
	}
	number, err := s.commit(stub)
	if err != nil {
		return nil, err
	}
	res.BlockNumber = number
	return res, nil
}

func (s *Store) commit(stub *Stub) (uint64, error) {
	var number uint64
	err := s.db.Update(func(txn *badger.Txn) error {
		height, err := readHeight(txn)
		if err != nil {
			return err
		}
		number = height + 1
		if err := s.checkEndorsement(txn, stub); err != nil {
			return err
		}
		entry := TxEntry{
			Number: number, TxID: stub.proposal.TxID, Timestamp: stub.proposal.Timestamp.UTC(),
			Function: stub.proposal.Function, CreatorMSPID: stub.creatorMSPID(), Keys: []string{},
		}
		for _, w := range stub.writes.ordered() {
			entry.Keys = append(entry.Keys, w.key)
			if err := applyStateWrite(txn, w, number, entry); err != nil {
				return err
			}
		}
		for _, w := range stub.validation.ordered() {
			if err := setOrDelete(txn, validationKey(w.key), w.value, w.delete); err != nil {
				return err
			}
		}
		for _, w := range stub.private.ordered() {
			if err := setOrDelete(txn, []byte(w.key), w.value, w.delete); err != nil {
				return err
			}
		}
		if stub.event != nil {
			entry.EventName, entry.EventPayload = stub.event.EventName, stub.event.Payload
		}
		data, err := json.Marshal(entry)
		if err != nil {
			return err
		}
		if err := txn.Set(txKey(number), data); err != nil {
			return err
		}
		if err := txn.Set(txIDKey(entry.TxID), uint64Bytes(number)); err != nil {
			return err
		}
		return txn.Set([]byte(keyHeight), uint64Bytes(number))
	})
	if err != nil {
		return 0, fmt.Errorf("commit %s: %w", stub.proposal.TxID, err)
	}
	return number, nil
}

type historyEntry struct {
	TxID      string    `json:"tx_id"`
	Timestamp time.Time `json:"timestamp"`
	Value     []byte    `json:"value"`
	IsDelete  bool      `json:"is_delete"`
}

func applyStateWrite(txn *badger.Txn, w write, number uint64, entry TxEntry) error {
	if err := setOrDelete(txn, stateKey(w.key), w.value, w.delete); err != nil {
		return err
	}
	h, err := json.Marshal(historyEntry{TxID: entry.TxID, Timestamp: entry.Timestamp, Value: w.value, IsDelete: w.delete})
	if err != nil {
		return err
	}
	return txn.Set(historyKey(w.key, number), h)
}

func setOrDelete(txn *badger.Txn, key, value []byte, del bool) error {
	if del {
		return txn.Delete(key)
	}
	return txn.Set(key, value)
}

func readHeight(txn *badger.Txn) (uint64, error) {
	item, err := txn.Get([]byte(keyHeight))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(v), nil
}

// Height returns the number of committed transactions (each is a block of
// its own on this ledger).
func (s *Store) Height() (uint64, error) {
	var h uint64
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		h, err = readHeight(txn)
		return err
	})
	return h, err
}

// Transactions calls fn for every committed transaction numbered from
// onward, in order, until fn returns an error.
func (s *Store) Transactions(from uint64, fn func(TxEntry) error) error {
	return s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 64, Prefix: []byte(prefixTx)})
		defer it.Close()
		for it.Seek(txKey(from)); it.ValidForPrefix([]byte(prefixTx)); it.Next() {
			data, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			var e TxEntry
			if err := json.Unmarshal(data, &e); err != nil {
				return fmt.Errorf("decode transaction log entry: %w", err)
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	})
}

// Transaction returns the committed transaction with the given id.
func (s *Store) Transaction(txID string) (*TxEntry, error) {
	var entry *TxEntry
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(txIDKey(txID))
		if err != nil {
			return err
		}
		n, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		item, err = txn.Get(txKey(binary.BigEndian.Uint64(n)))
		if err != nil {
			return err
		}
		data, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		entry = &TxEntry{}
		return json.Unmarshal(data, entry)
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	return entry, err
}
