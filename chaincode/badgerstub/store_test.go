package badgerstub

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
)

// scriptCC is a chaincode whose Invoke runs a test function over the stub.
type scriptCC func(stub shim.ChaincodeStubInterface) error

func (f scriptCC) Init(shim.ChaincodeStubInterface) *peer.Response {
	return &peer.Response{Status: shim.OK}
}

func (f scriptCC) Invoke(stub shim.ChaincodeStubInterface) *peer.Response {
	if err := f(stub); err != nil {
		return &peer.Response{Status: shim.ERROR, Message: err.Error()}
	}
	return &peer.Response{Status: shim.OK, Payload: []byte("done")}
}

var t0 = time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)

func proposal(n int) Proposal {
	return Proposal{TxID: fmt.Sprintf("tx%d", n), Timestamp: t0.Add(time.Duration(n) * time.Minute), Function: "f"}
}

func openMem(t *testing.T) *Store {
	t.Helper()
	s, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func put(kvs ...string) scriptCC {
	return func(stub shim.ChaincodeStubInterface) error {
		for i := 0; i < len(kvs); i += 2 {
			if err := stub.PutState(kvs[i], []byte(kvs[i+1])); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestFailedInvocationWritesNothing(t *testing.T) {
	s := openMem(t)
	if _, err := s.Submit(put("a", "1"), proposal(1)); err != nil {
		t.Fatal(err)
	}
	res, err := s.Submit(scriptCC(func(stub shim.ChaincodeStubInterface) error {
		_ = stub.PutState("a", []byte("2"))
		_ = stub.PutState("b", []byte("2"))
		_ = stub.SetEvent("e", []byte("x"))
		return errors.New("invalid: refused")
	}), proposal(2))
	if err != nil || !res.Failed() {
		t.Fatalf("submit = %v, %+v; want a failed response", err, res)
	}
	if h, _ := s.Height(); h != 1 {
		t.Fatalf("height = %d, want 1", h)
	}
	got := evalGet(t, s, "a", "b")
	if !reflect.DeepEqual(got, []string{"1", ""}) {
		t.Fatalf("state = %v, want [1 \"\"]", got)
	}
}

func evalGet(t *testing.T, s *Store, keys ...string) []string {
	t.Helper()
	var out []string
	_, err := s.Evaluate(scriptCC(func(stub shim.ChaincodeStubInterface) error {
		for _, k := range keys {
			v, err := stub.GetState(k)
			if err != nil {
				return err
			}
			out = append(out, string(v))
		}
		return nil
	}), proposal(999))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadsSeeCommittedStateOnlyAsOnFabric(t *testing.T) {
	s := openMem(t)
	var seen []byte
	_, err := s.Submit(scriptCC(func(stub shim.ChaincodeStubInterface) error {
		_ = stub.PutState("k", []byte("v"))
		var err error
		seen, err = stub.GetState("k")
		return err
	}), proposal(1))
	if err != nil || seen != nil {
		t.Fatalf("read own write = %q, %v; want nil", seen, err)
	}
}

func TestHistoryIsNewestFirstWithTxIDsAndTimes(t *testing.T) {
	s := openMem(t)
	for i, v := range []string{"v1", "v2"} {
		if _, err := s.Submit(put("k", v, "kk", "other"), proposal(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Submit(scriptCC(func(stub shim.ChaincodeStubInterface) error { return stub.DelState("k") }), proposal(3)); err != nil {
		t.Fatal(err)
	}
	var got []string
	_, _ = s.Evaluate(scriptCC(func(stub shim.ChaincodeStubInterface) error {
		it, err := stub.GetHistoryForKey("k")
		if err != nil {
			return err
		}
		for it.HasNext() {
			m, _ := it.Next()
			got = append(got, fmt.Sprintf("%s %s %q %v", m.TxId, m.Timestamp.AsTime().Format("15:04"), m.Value, m.IsDelete))
		}
		return nil
	}), proposal(9))
	want := []string{`tx3 08:03 "" true`, `tx2 08:02 "v2" false`, `tx1 08:01 "v1" false`}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
}

func TestRangeCompositeAndPaginatedQueries(t *testing.T) {
	s := openMem(t)
	_, err := s.Submit(scriptCC(func(stub shim.ChaincodeStubInterface) error {
		for _, k := range []string{"a", "b", "c", "d"} {
			_ = stub.PutState(k, []byte(k))
		}
		for _, attrs := range [][]string{{"x", "1"}, {"x", "2"}, {"x", "3"}, {"y", "1"}} {
			ck, err := stub.CreateCompositeKey("idx", attrs)
			if err != nil {
				return err
			}
			_ = stub.PutState(ck, []byte{0})
		}
		return nil
	}), proposal(1))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Evaluate(scriptCC(func(stub shim.ChaincodeStubInterface) error {
		if got := keys(stub.GetStateByRange("b", "d")); !reflect.DeepEqual(got, []string{"b", "c"}) {
			return fmt.Errorf("range b..d = %v", got)
		}
		if got := keys(stub.GetStateByRange("", "")); !reflect.DeepEqual(got, []string{"a", "b", "c", "d"}) {
			return fmt.Errorf("unbounded range = %v (composite keys must not appear)", got)
		}
		var attrs []string
		for _, k := range keys(stub.GetStateByPartialCompositeKey("idx", []string{"x"})) {
			_, a, _ := stub.SplitCompositeKey(k)
			attrs = append(attrs, strings.Join(a, ":"))
		}
		if !reflect.DeepEqual(attrs, []string{"x:1", "x:2", "x:3"}) {
			return fmt.Errorf("partial composite = %v", attrs)
		}
		it, meta, err := stub.GetStateByPartialCompositeKeyWithPagination("idx", []string{"x"}, 2, "")
		if err != nil {
			return err
		}
		if n := len(keys(it, nil)); n != 2 || meta.FetchedRecordsCount != 2 || meta.Bookmark == "" {
			return fmt.Errorf("page 1 = %d records, meta %+v", n, meta)
		}
		it, meta, err = stub.GetStateByPartialCompositeKeyWithPagination("idx", []string{"x"}, 2, meta.Bookmark)
		if err != nil {
			return err
		}
		if n := len(keys(it, nil)); n != 1 || meta.Bookmark != "" {
			return fmt.Errorf("page 2 = %d records, meta %+v", n, meta)
		}
		if _, err := stub.GetStateByRange("\x00bad", ""); err == nil {
			return errors.New("a simple range accepted a composite start key")
		}
		if _, err := stub.GetQueryResult(`{"selector":{}}`); err == nil {
			return errors.New("rich query accepted")
		}
		return nil
	}), proposal(2))
	if err != nil {
		t.Fatal(err)
	}
}

func keys(it shim.StateQueryIteratorInterface, err error) []string {
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	var out []string
	for it.HasNext() {
		kv, _ := it.Next()
		out = append(out, kv.Key)
	}
	return out
}

func TestDuplicateTxIDIsRefused(t *testing.T) {
	s := openMem(t)
	if _, err := s.Submit(put("a", "1"), proposal(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(put("a", "2"), proposal(1)); !errors.Is(err, ErrDuplicateTxID) {
		t.Fatalf("error = %v, want ErrDuplicateTxID", err)
	}
}

func TestPrivateDataOfAnotherOrgIsNotAvailable(t *testing.T) {
	s := openMem(t)
	p := proposal(1)
	p.PeerMSPID = "TianjinMSP"
	_, err := s.Submit(scriptCC(func(stub shim.ChaincodeStubInterface) error {
		return stub.PutPrivateData(ImplicitCollectionPrefix+"TianjinMSP", "k", []byte("secret"))
	}), p)
	if err != nil {
		t.Fatal(err)
	}
	read := func(peerMSP string) (string, error) {
		var v []byte
		p := proposal(2)
		p.PeerMSPID = peerMSP
		res, err := s.Evaluate(scriptCC(func(stub shim.ChaincodeStubInterface) error {
			var err error
			v, err = stub.GetPrivateData(ImplicitCollectionPrefix+"TianjinMSP", "k")
			return err
		}), p)
		if err == nil && res.Failed() {
			err = errors.New(res.Response.Message)
		}
		return string(v), err
	}
	if v, err := read("TianjinMSP"); err != nil || v != "secret" {
		t.Fatalf("Tianjin peer read = %q, %v", v, err)
	}
	if _, err := read("BeijingMSP"); err == nil || !strings.Contains(err.Error(), "not available on a peer of BeijingMSP") {
		t.Fatalf("Beijing peer read error = %v", err)
	}
}

func TestStoreOnDiskSurvivesReopenWithItsLog(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := proposal(1)
	if _, err := s.Submit(scriptCC(func(stub shim.ChaincodeStubInterface) error {
		_ = stub.PutState("a", []byte("1"))
		return stub.SetEvent("metrotrace", []byte(`{"n":1}`))
	}), p); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := evalGet(t, s, "a"); got[0] != "1" {
		t.Fatalf("after reopen a = %q", got[0])
	}
	var log []TxEntry
	if err := s.Transactions(1, func(e TxEntry) error { log = append(log, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].TxID != "tx1" || log[0].Number != 1 || string(log[0].EventPayload) != `{"n":1}` || !reflect.DeepEqual(log[0].Keys, []string{"a"}) {
		t.Fatalf("log = %+v", log)
	}
	if e, err := s.Transaction("tx1"); err != nil || e == nil || e.Number != 1 {
		t.Fatalf("Transaction(tx1) = %+v, %v", e, err)
	}
	if e, err := s.Transaction("nope"); err != nil || e != nil {
		t.Fatalf("Transaction(nope) = %+v, %v; want nil, nil", e, err)
	}
}

// As on Fabric, a transaction runs paginated queries or writes, not both:
// a write after a paginated query and a paginated query after a write are
// refused, and the refused transaction writes nothing.
func TestPaginatedQueriesAndWritesExcludeEachOther(t *testing.T) {
	s := openMem(t)
	if _, err := s.Submit(put("a", "1", "b", "2"), proposal(1)); err != nil {
		t.Fatal(err)
	}
	pagedThenWrite := scriptCC(func(stub shim.ChaincodeStubInterface) error {
		it, _, err := stub.GetStateByRangeWithPagination("a", "z", 1, "")
		if err != nil {
			return err
		}
		it.Close()
		return stub.PutState("c", []byte("3"))
	})
	writeThenPaged := scriptCC(func(stub shim.ChaincodeStubInterface) error {
		if err := stub.PutState("c", []byte("3")); err != nil {
			return err
		}
		_, _, err := stub.GetStateByRangeWithPagination("a", "z", 1, "")
		return err
	})
	rangeThenWrite := scriptCC(func(stub shim.ChaincodeStubInterface) error {
		it, err := stub.GetStateByRange("a", "z")
		if err != nil {
			return err
		}
		it.Close()
		return stub.PutState("d", []byte("4"))
	})
	for i, c := range []struct {
		cc   scriptCC
		want error
	}{{pagedThenWrite, errPagedThenWrite}, {writeThenPaged, errWriteThenPaged}} {
		res, err := s.Submit(c.cc, proposal(2+i))
		if err != nil || !res.Failed() || !strings.Contains(res.Response.Message, c.want.Error()) {
			t.Fatalf("case %d: %v, %+v; want the refusal %q", i, err, res, c.want)
		}
	}
	if _, err := s.Evaluate(scriptCC(func(stub shim.ChaincodeStubInterface) error {
		if v, _ := stub.GetState("c"); v != nil {
			return fmt.Errorf("a refused transaction wrote c = %q", v)
		}
		return nil
	}), proposal(9)); err != nil {
		t.Fatal(err)
	}
	if res, err := s.Submit(rangeThenWrite, proposal(10)); err != nil || res.Failed() {
		t.Fatalf("a write after an unpaginated range query: %v, %+v", err, res)
	}
}

// A range the chaincode leaves open is closed with its transaction, and a
// lazy range reads the snapshot the transaction began with.
func TestARangeLeftOpenIsClosedWithItsTransaction(t *testing.T) {
	s := openMem(t)
	if _, err := s.Submit(put("a", "1", "b", "2", "c", "3"), proposal(1)); err != nil {
		t.Fatal(err)
	}
	var got []string
	res, err := s.Submit(scriptCC(func(stub shim.ChaincodeStubInterface) error {
		it, err := stub.GetStateByRange("a", "")
		if err != nil {
			return err
		}
		if err := stub.PutState("b", []byte("changed")); err != nil {
			return err
		}
		for i := 0; i < 2 && it.HasNext(); i++ { // left open after two
			kv, err := it.Next()
			if err != nil {
				return err
			}
			got = append(got, kv.Key+"="+string(kv.Value))
		}
		return nil
	}), proposal(2))
	if err != nil || res.Failed() {
		t.Fatalf("%v %+v", err, res)
	}
	if want := []string{"a=1", "b=2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("read %v, want %v (the snapshot, not the transaction's own write)", got, want)
	}
}
