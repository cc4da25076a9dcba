package contract_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// access counts what one transaction asks of the peer: every call that is a
// round trip between the chaincode and its peer (state reads and writes,
// key-level policies, range queries), the composite keys built locally, and
// the bytes that travel in the transaction (arguments, written values,
// event, answer).
type access struct {
	reads, writes, policies, ranges, compositeKeys int
	readKeys, writtenKeys                          []string
	argBytes, valueBytes, eventBytes, answerBytes  int
}

// roundTrips are the calls the shim sends to the peer and waits for.
func (a *access) roundTrips() int { return a.reads + a.writes + a.policies + a.ranges }

// countingStub counts the calls of the chaincode on its stub.
type countingStub struct {
	shim.ChaincodeStubInterface
	a *access
}

func (s countingStub) GetState(key string) ([]byte, error) {
	s.a.reads++
	s.a.readKeys = append(s.a.readKeys, printable(key))
	return s.ChaincodeStubInterface.GetState(key)
}

func (s countingStub) PutState(key string, value []byte) error {
	s.a.writes++
	s.a.writtenKeys = append(s.a.writtenKeys, printable(key))
	s.a.valueBytes += len(value)
	return s.ChaincodeStubInterface.PutState(key, value)
}

func (s countingStub) SetStateValidationParameter(key string, ep []byte) error {
	s.a.policies++
	s.a.valueBytes += len(ep)
	return s.ChaincodeStubInterface.SetStateValidationParameter(key, ep)
}

func (s countingStub) GetStateByPartialCompositeKey(objectType string, keys []string) (shim.StateQueryIteratorInterface, error) {
	s.a.ranges++
	return s.ChaincodeStubInterface.GetStateByPartialCompositeKey(objectType, keys)
}

func (s countingStub) CreateCompositeKey(objectType string, attributes []string) (string, error) {
	s.a.compositeKeys++
	return s.ChaincodeStubInterface.CreateCompositeKey(objectType, attributes)
}

func (s countingStub) SetEvent(name string, payload []byte) error {
	s.a.eventBytes += len(name) + len(payload)
	return s.ChaincodeStubInterface.SetEvent(name, payload)
}

// countingChaincode hands the chaincode a counting stub.
type countingChaincode struct {
	shim.Chaincode
	a *access
}

func (c countingChaincode) Invoke(stub shim.ChaincodeStubInterface) *peer.Response {
	for _, arg := range stub.GetArgs() {
		c.a.argBytes += len(arg)
	}
	res := c.Chaincode.Invoke(countingStub{stub, c.a})
	c.a.answerBytes = len(res.Payload)
	return res
}

func printable(key string) string { return strings.Trim(strings.ReplaceAll(key, "\x00", "/"), "/") }

// measureAccess submits one transaction through a counting chaincode.
func measureAccess(t *testing.T, l *ledger, as *identityT, fn string, args ...string) *access {
	t.Helper()
	a := &access{}
	res, err := l.store.Submit(countingChaincode{l.cc, a}, l.proposal(as, fn, args))
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() {
		t.Fatalf("%s: %s", fn, res.Response.Message)
	}
	return a
}

// TestIssueCertificateStateAccess is the per-certificate accounting of
// docs/BENCHMARKS.md: what IssueCertificate asks of the peer for the
// network benchmark's certificate (a verification of a registered
// instrument against one reference standard, no DCC), against the raw
// put's one write. A change that adds a read, a write or bytes shows here.
func TestIssueCertificateStateAccess(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	recorder := l.as("TianjinMSP", record.RoleRecorder, "TJ-ENT")
	cert := *scenario.New().Certificate("TJENT-2024-0042")
	cert.ID = "BENCH-ACCOUNT-1"
	data := mustJSON(t, &cert)
	a := measureAccess(t, l, recorder, record.FnIssueCertificate, data)

	wantReads := []string{"institution/TJ-ENT", "certificate/BENCH-ACCOUNT-1", "instrument/TJ-BAL-001", "standard/TJ-ENT-WS"}
	if fmt.Sprint(a.readKeys) != fmt.Sprint(wantReads) {
		t.Errorf("reads = %q, want %q", a.readKeys, wantReads)
	}
	wantWrites := []string{"certificate/BENCH-ACCOUNT-1",
		"certificates_by_issuer/TJ-ENT/BENCH-ACCOUNT-1", "certificates_by_reference/TJ-ENT-WS/BENCH-ACCOUNT-1", "certificates_by_subject/TJ-BAL-001/BENCH-ACCOUNT-1"}
	if fmt.Sprint(a.writtenKeys) != fmt.Sprint(wantWrites) {
		t.Errorf("writes = %q, want %q", a.writtenKeys, wantWrites)
	}
	if a.policies != 1 || a.ranges != 0 || a.roundTrips() != 9 {
		t.Errorf("key-level policies %d, range queries %d, round trips %d; want 1, 0, 9", a.policies, a.ranges, a.roundTrips())
	}
	// Composite keys: the four read, the four written (the certificate's
	// key is built again to write it).
	if a.compositeKeys != 8 {
		t.Errorf("composite keys built = %d, want 8", a.compositeKeys)
	}
	// The stored certificate is the one the event carries and the answer
	// returns: the bytes a certificate costs in the transaction, three times
	// its JSON, and the arguments once more.
	stored, _ := json.Marshal(&cert)
	if a.answerBytes < len(stored) || a.eventBytes < a.answerBytes || a.argBytes < len(data) {
		t.Errorf("bytes: args %d, answer %d, event %d; the certificate is %d", a.argBytes, a.answerBytes, a.eventBytes, len(stored))
	}
	t.Logf("IssueCertificate: %d reads %q, %d writes, %d key-level policy, %d composite keys, %d round trips; bytes: arguments %d, written values+policy %d, event %d, answer %d",
		a.reads, a.readKeys, a.writes, a.policies, a.compositeKeys, a.roundTrips(), a.argBytes, a.valueBytes, a.eventBytes, a.answerBytes)

	// A batch reads the issuer, the instrument and the reference once for
	// all its certificates: per certificate, one read (its own id) and the
	// four writes and one policy of a single certificate.
	const n = 20
	certs := make([]record.Certificate, n)
	for i := range certs {
		certs[i] = cert
		certs[i].ID = fmt.Sprintf("BENCH-ACCOUNT-B%02d", i)
	}
	b := measureAccess(t, l, recorder, record.FnIssueCertificates, mustJSON(t, certs))
	if b.reads != 3+n || b.writes != 4*n || b.policies != n || b.ranges != 0 {
		t.Errorf("batch of %d: %d reads, %d writes, %d policies, %d range queries; want %d, %d, %d, 0", n, b.reads, b.writes, b.policies, b.ranges, 3+n, 4*n, n)
	}
	t.Logf("IssueCertificates of %d: %d reads, %d writes, %d policies, %d round trips (%.2f per certificate); bytes: arguments %d, written %d, event %d, answer %d",
		n, b.reads, b.writes, b.policies, b.roundTrips(), float64(b.roundTrips())/n, b.argBytes, b.valueBytes, b.eventBytes, b.answerBytes)
}

// TestStandardSubjectIsStillFound checks the other order of the subject
// lookup: a certificate of a standard reads the instrument key first,
// finds nothing, then finds the standard.
func TestStandardSubjectIsStillFound(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	cert := *scenario.New().Certificate("NIM-2024-0002")
	cert.ID = "NIM-ACCOUNT-1"
	a := measureAccess(t, l, l.as("BeijingMSP", record.RoleRecorder, "NIM"), record.FnIssueCertificate, mustJSON(t, &cert))
	keys := append([]string(nil), a.readKeys...)
	sort.Strings(keys)
	want := []string{"certificate/NIM-ACCOUNT-1", "institution/NIM", "instrument/HB-STD-MASS", "standard/HB-STD-MASS", "standard/NIM-MASS-P"}
	if fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Fatalf("reads = %q, want %q", keys, want)
	}
}
