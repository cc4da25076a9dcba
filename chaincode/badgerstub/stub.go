package badgerstub

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
)

// ImplicitCollectionPrefix starts the name of an organization's implicit
// private data collection: "_implicit_org_" + MSP id.
const ImplicitCollectionPrefix = "_implicit_org_"

// Stub is the chaincode's view of the ledger during one invocation. Reads
// see the state committed before the invocation began; writes are kept
// until the store commits them.
type Stub struct {
	proposal   Proposal
	read       *badger.Txn
	args       [][]byte
	writes     writeSet
	validation writeSet
	private    writeSet
	event      *peer.ChaincodeEvent
	// paged and wrote enforce Fabric's rule that a transaction either
	// runs paginated queries or writes, never both (the peer's simulator
	// refuses the second).
	paged, wrote bool
	// open are the lazy range iterators handed out, closed with the stub.
	open []*lazyIterator
}

// errPagedThenWrite and errWriteThenPaged are the peer's refusals.
var (
	errPagedThenWrite = errors.New("unsupported transaction: it has already performed a paginated query, writes are not allowed")
	errWriteThenPaged = errors.New("unsupported transaction: paginated queries are supported only in a read-only transaction")
)

// writing notes a write, refused after a paginated query.
func (s *Stub) writing() error {
	if s.paged {
		return errPagedThenWrite
	}
	s.wrote = true
	return nil
}

var _ shim.ChaincodeStubInterface = (*Stub)(nil)

type write struct {
	key    string
	value  []byte
	delete bool
}

type writeSet map[string]write

func (w writeSet) put(key string, value []byte) {
	w[key] = write{key: key, value: append([]byte(nil), value...)}
}

func (w writeSet) del(key string) { w[key] = write{key: key, delete: true} }

// ordered returns the writes sorted by key, so commits are deterministic.
func (w writeSet) ordered() []write {
	out := make([]write, 0, len(w))
	for _, x := range w {
		out = append(out, x)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

func (s *Store) newStub(p Proposal) (*Stub, error) {
	if p.Function == "" {
		return nil, errors.New("a function name is required")
	}
	args := make([][]byte, 0, len(p.Args)+1)
	args = append(args, []byte(p.Function))
	for _, a := range p.Args {
		args = append(args, []byte(a))
	}
	return &Stub{
		proposal: p, read: s.db.NewTransaction(false), args: args,
		writes: writeSet{}, validation: writeSet{}, private: writeSet{},
	}, nil
}

// discard closes the iterators the chaincode left open (badger refuses to
// discard a transaction with one open) and ends the snapshot.
func (s *Stub) discard() {
	for _, it := range s.open {
		it.Close()
	}
	s.read.Discard()
}

func (s *Stub) creatorMSPID() string {
	var id msp.SerializedIdentity
	if err := proto.Unmarshal(s.proposal.Creator, &id); err != nil {
		return ""
	}
	return id.Mspid
}

func (s *Stub) get(key []byte) ([]byte, error) { return badgerdb.Get(s.read, key) }

// GetArgs returns the function name followed by the arguments.
func (s *Stub) GetArgs() [][]byte { return s.args }

// GetStringArgs returns GetArgs as strings.
func (s *Stub) GetStringArgs() []string {
	out := make([]string, len(s.args))
	for i, a := range s.args {
		out[i] = string(a)
	}
	return out
}

// GetFunctionAndParameters splits the arguments into function and parameters.
func (s *Stub) GetFunctionAndParameters() (string, []string) {
	all := s.GetStringArgs()
	return all[0], all[1:]
}

// GetArgsSlice returns the arguments concatenated.
func (s *Stub) GetArgsSlice() ([]byte, error) {
	var out []byte
	for _, a := range s.args {
		out = append(out, a...)
	}
	return out, nil
}

// GetTxID returns the transaction id supplied with the proposal.
func (s *Stub) GetTxID() string { return s.proposal.TxID }

// GetChannelID returns the channel name supplied with the proposal.
func (s *Stub) GetChannelID() string { return s.proposal.ChannelID }

// InvokeChaincode is not supported: metrotrace runs one chaincode.
func (s *Stub) InvokeChaincode(name string, _ [][]byte, _ string) *peer.Response {
	return &peer.Response{Status: shim.ERROR, Message: "chaincode-to-chaincode calls are not supported by the embedded ledger: " + name}
}

// GetState returns the committed value of key, or nil.
func (s *Stub) GetState(key string) ([]byte, error) {
	if key == "" {
		return nil, errors.New("key must not be an empty string")
	}
	return s.get(stateKey(key))
}

// GetMultipleStates returns the committed values of keys.
func (s *Stub) GetMultipleStates(keys ...string) ([][]byte, error) {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		v, err := s.GetState(k)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// PutState buffers a write of key.
func (s *Stub) PutState(key string, value []byte) error {
	if key == "" {
		return errors.New("key must not be an empty string")
	}
	if err := s.writing(); err != nil {
		return err
	}
	if len(value) == 0 {
		// Fabric treats an empty value as a delete; so do we.
		s.writes.del(key)
		return nil
	}
	s.writes.put(key, value)
	return nil
}

// DelState buffers a delete of key.
func (s *Stub) DelState(key string) error {
	if key == "" {
		return errors.New("key must not be an empty string")
	}
	if err := s.writing(); err != nil {
		return err
	}
	s.writes.del(key)
	return nil
}

// SetStateValidationParameter buffers a key-level endorsement policy.
func (s *Stub) SetStateValidationParameter(key string, ep []byte) error {
	if err := s.writing(); err != nil {
		return err
	}
	s.validation.put(key, ep)
	return nil
}

// GetStateValidationParameter returns the committed key-level policy of key.
func (s *Stub) GetStateValidationParameter(key string) ([]byte, error) {
	return s.get(validationKey(key))
}

// GetStateByRange returns the committed simple keys in [startKey, endKey).
func (s *Stub) GetStateByRange(startKey, endKey string) (shim.StateQueryIteratorInterface, error) {
	if err := validateSimpleKey(startKey); err != nil {
		return nil, err
	}
	if err := validateSimpleKey(endKey); err != nil {
		return nil, err
	}
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	return s.lazy(prefixState, startKey, endKey), nil
}

// GetStateByRangeWithPagination is GetStateByRange a page at a time.
func (s *Stub) GetStateByRangeWithPagination(startKey, endKey string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if err := validateSimpleKey(startKey); err != nil {
		return nil, nil, err
	}
	if err := validateSimpleKey(endKey); err != nil {
		return nil, nil, err
	}
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	return s.page(startKey, endKey, pageSize, bookmark)
}

// GetStateByPartialCompositeKey returns the committed composite keys
// starting with objectType and keys.
func (s *Stub) GetStateByPartialCompositeKey(objectType string, keys []string) (shim.StateQueryIteratorInterface, error) {
	start, err := createCompositeKey(objectType, keys)
	if err != nil {
		return nil, err
	}
	return s.lazy(prefixState, start, start+maxRune), nil
}

// GetStateByPartialCompositeKeyWithPagination is the paginated form.
func (s *Stub) GetStateByPartialCompositeKeyWithPagination(objectType string, keys []string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	start, err := createCompositeKey(objectType, keys)
	if err != nil {
		return nil, nil, err
	}
	return s.page(start, start+maxRune, pageSize, bookmark)
}

// GetAllStatesCompositeKeyWithPagination pages through every composite key.
func (s *Stub) GetAllStatesCompositeKeyWithPagination(pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	return s.page(compositeNamespace, compositeNamespace+maxRune, pageSize, bookmark)
}

func (s *Stub) page(start, end string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	if pageSize <= 0 {
		return nil, nil, fmt.Errorf("page size must be positive, got %d", pageSize)
	}
	if s.wrote {
		return nil, nil, errWriteThenPaged
	}
	s.paged = true
	if bookmark != "" {
		if bookmark < start || (end != "" && bookmark >= end) {
			return nil, nil, fmt.Errorf("bookmark is outside the queried range")
		}
		start = bookmark
	}
	kvs, next, err := s.scan(prefixState, start, end, int(pageSize))
	if err != nil {
		return nil, nil, err
	}
	return newIterator(kvs), &peer.QueryResponseMetadata{FetchedRecordsCount: int32(len(kvs)), Bookmark: next}, nil
}

// scan returns the keys under prefix in [start, end) (end "" = unbounded),
// at most limit of them (0 = all), and the key after the last returned.
func (s *Stub) scan(prefix, start, end string, limit int) ([]kv, string, error) {
	it := s.read.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100, Prefix: []byte(prefix)})
	defer it.Close()
	var out []kv
	for it.Seek(join(prefix, start)); it.ValidForPrefix([]byte(prefix)); it.Next() {
		key := string(it.Item().Key()[len(prefix):])
		if end != "" && key >= end {
			break
		}
		if limit > 0 && len(out) == limit {
			return out, key, nil
		}
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return nil, "", err
		}
		out = append(out, kv{key: key, value: v})
	}
	return out, "", nil
}

// GetQueryResult is not supported: the state database is LevelDB-like.
func (s *Stub) GetQueryResult(string) (shim.StateQueryIteratorInterface, error) {
	return nil, errors.New("rich queries are not supported on a LevelDB-style state database")
}

// GetQueryResultWithPagination is not supported, as GetQueryResult.
func (s *Stub) GetQueryResultWithPagination(string, int32, string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	return nil, nil, errors.New("rich queries are not supported on a LevelDB-style state database")
}

// GetHistoryForKey returns the committed versions of key, newest first,
// as Fabric v2 does.
func (s *Stub) GetHistoryForKey(key string) (shim.HistoryQueryIteratorInterface, error) {
	prefix := historyPrefix(key)
	it := s.read.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: prefix, Reverse: true})
	defer it.Close()
	var mods []*historyEntry
	seek := join(string(prefix), "\xff\xff\xff\xff\xff\xff\xff\xff\xff")
	for it.Seek(seek); it.ValidForPrefix(prefix); it.Next() {
		var h historyEntry
		if err := it.Item().Value(func(v []byte) error { return jsonUnmarshal(v, &h) }); err != nil {
			return nil, err
		}
		mods = append(mods, &h)
	}
	return &historyIterator{entries: mods}, nil
}

// GetPrivateData returns the committed value of key in collection.
func (s *Stub) GetPrivateData(collection, key string) ([]byte, error) {
	if err := s.collectionAvailable(collection); err != nil {
		return nil, err
	}
	return s.get(privateKey(collection, key))
}

// GetMultiplePrivateData returns several private values.
func (s *Stub) GetMultiplePrivateData(collection string, keys ...string) ([][]byte, error) {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		v, err := s.GetPrivateData(collection, k)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// GetPrivateDataHash returns the SHA-256 of a private value: every member
// of the channel may see the hash.
func (s *Stub) GetPrivateDataHash(collection, key string) ([]byte, error) {
	v, err := s.get(privateKey(collection, key))
	if err != nil || v == nil {
		return nil, err
	}
	h := sha256.Sum256(v)
	return h[:], nil
}

// PutPrivateData buffers a private write.
func (s *Stub) PutPrivateData(collection, key string, value []byte) error {
	if collection == "" {
		return errors.New("collection must not be an empty string")
	}
	if len(value) == 0 {
		return errors.New("private data value must not be empty")
	}
	if err := s.writing(); err != nil {
		return err
	}
	s.private.put(string(privateKey(collection, key)), value)
	return nil
}

// DelPrivateData buffers a private delete.
func (s *Stub) DelPrivateData(collection, key string) error {
	if err := s.writing(); err != nil {
		return err
	}
	s.private.del(string(privateKey(collection, key)))
	return nil
}

// PurgePrivateData deletes a private value (no private history is kept).
func (s *Stub) PurgePrivateData(collection, key string) error {
	return s.DelPrivateData(collection, key)
}

// SetPrivateDataValidationParameter is not supported.
func (s *Stub) SetPrivateDataValidationParameter(string, string, []byte) error {
	return errors.New("private data key-level endorsement is not supported by the embedded ledger")
}

// GetPrivateDataValidationParameter returns no policy.
func (s *Stub) GetPrivateDataValidationParameter(string, string) ([]byte, error) { return nil, nil }

// GetPrivateDataByRange returns private keys of a collection in a range.
func (s *Stub) GetPrivateDataByRange(collection, startKey, endKey string) (shim.StateQueryIteratorInterface, error) {
	if err := s.collectionAvailable(collection); err != nil {
		return nil, err
	}
	prefix := string(privatePrefix(collection))
	if startKey == "" {
		startKey = emptyKeySubstitute
	}
	kvs, _, err := s.scan(prefix, startKey, endKey, 0)
	return newIterator(kvs), err
}

// GetPrivateDataByPartialCompositeKey returns private composite keys.
func (s *Stub) GetPrivateDataByPartialCompositeKey(collection, objectType string, keys []string) (shim.StateQueryIteratorInterface, error) {
	if err := s.collectionAvailable(collection); err != nil {
		return nil, err
	}
	start, err := createCompositeKey(objectType, keys)
	if err != nil {
		return nil, err
	}
	kvs, _, err := s.scan(string(privatePrefix(collection)), start, start+maxRune, 0)
	return newIterator(kvs), err
}

// GetPrivateDataQueryResult is not supported.
func (s *Stub) GetPrivateDataQueryResult(string, string) (shim.StateQueryIteratorInterface, error) {
	return nil, errors.New("rich queries are not supported on a LevelDB-style state database")
}

// collectionAvailable refuses another organization's implicit collection,
// as a peer that is not a member of a collection has no copy of its data.
func (s *Stub) collectionAvailable(collection string) error {
	org, implicit := strings.CutPrefix(collection, ImplicitCollectionPrefix)
	if !implicit || s.proposal.PeerMSPID == "" || org == s.proposal.PeerMSPID {
		return nil
	}
	return fmt.Errorf("private data of collection %s is not available on a peer of %s", collection, s.proposal.PeerMSPID)
}

// GetCreator returns the serialized identity of the caller.
func (s *Stub) GetCreator() ([]byte, error) { return s.proposal.Creator, nil }

// GetTransient returns the transient data of the proposal.
func (s *Stub) GetTransient() (map[string][]byte, error) {
	out := make(map[string][]byte, len(s.proposal.Transient))
	for k, v := range s.proposal.Transient {
		out[k] = v
	}
	return out, nil
}

// GetBinding returns nil: there is no signed proposal to bind to.
func (s *Stub) GetBinding() ([]byte, error) { return nil, nil }

// GetDecorations returns no decorations.
func (s *Stub) GetDecorations() map[string][]byte { return map[string][]byte{} }

// GetSignedProposal is not available outside a peer.
func (s *Stub) GetSignedProposal() (*peer.SignedProposal, error) {
	return nil, errors.New("no signed proposal on the embedded ledger")
}

// GetTxTimestamp returns the timestamp supplied with the proposal.
func (s *Stub) GetTxTimestamp() (*timestamppb.Timestamp, error) {
	return timestamppb.New(s.proposal.Timestamp), nil
}

// SetEvent sets the transaction's event; a later call replaces it, as on Fabric.
func (s *Stub) SetEvent(name string, payload []byte) error {
	if name == "" {
		return errors.New("event name can not be empty string")
	}
	s.event = &peer.ChaincodeEvent{TxId: s.proposal.TxID, EventName: name, Payload: append([]byte(nil), payload...)}
	return nil
}

// StartWriteBatch does nothing: writes are always batched.
func (s *Stub) StartWriteBatch() {}

// FinishWriteBatch does nothing: writes are always batched.
func (s *Stub) FinishWriteBatch() error { return nil }

// CreateCompositeKey joins an object type and attributes as Fabric does.
func (s *Stub) CreateCompositeKey(objectType string, attributes []string) (string, error) {
	return createCompositeKey(objectType, attributes)
}

// SplitCompositeKey splits a composite key into its object type and attributes.
func (s *Stub) SplitCompositeKey(compositeKey string) (string, []string, error) {
	return splitCompositeKey(compositeKey)
}
