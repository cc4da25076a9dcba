package contract_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/badgerstub"
	"github.com/metrotrace/metrotrace/chaincode/contract"
	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// identityT is the identity type tests pass around.
type identityT = identity.Identity

// ledger runs the real contract through the contract API's invoke path over
// an in-memory badger stub.
type ledger struct {
	t     testing.TB
	store *badgerstub.Store
	cc    *contractapi.ContractChaincode
	cas   map[string]*identity.CA
	ids   map[string]*identity.Identity
	now   time.Time
	seq   int
}

func newLedger(t testing.TB) *ledger {
	t.Helper()
	store, err := badgerstub.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cc, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	return &ledger{t: t, store: store, cc: cc, cas: map[string]*identity.CA{}, ids: map[string]*identity.Identity{},
		now: time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)}
}

// as returns an identity of an organization; role and institution become
// Fabric CA attributes unless both are empty (an org admin).
func (l *ledger) as(mspID, role, institution string) *identity.Identity {
	l.t.Helper()
	key := mspID + "/" + role + "/" + institution
	if id, ok := l.ids[key]; ok {
		return id
	}
	ca, ok := l.cas[mspID]
	if !ok {
		var err error
		if ca, err = identity.NewCA(mspID); err != nil {
			l.t.Fatal(err)
		}
		l.cas[mspID] = ca
	}
	var attrs map[string]string
	if role != "" || institution != "" {
		attrs = map[string]string{}
		if role != "" {
			attrs[record.AttrRole] = role
		}
		if institution != "" {
			attrs[record.AttrInstitution] = institution
		}
	}
	id, err := ca.Issue(key, attrs)
	if err != nil {
		l.t.Fatal(err)
	}
	l.ids[key] = id
	return id
}

func (l *ledger) proposal(id *identity.Identity, fn string, args []string) badgerstub.Proposal {
	l.seq++
	l.now = l.now.Add(time.Second)
	return badgerstub.Proposal{TxID: fmt.Sprintf("tx%06d", l.seq), Timestamp: l.now, ChannelID: "metrology",
		Creator: id.Serialized(), Function: fn, Args: args, PeerMSPID: id.MSPID}
}

// submit runs a transaction and commits it when the chaincode succeeds.
func (l *ledger) submit(id *identity.Identity, fn string, args ...string) (string, error) {
	return l.submitWith(l.proposal(id, fn, args))
}

func (l *ledger) submitWith(p badgerstub.Proposal) (string, error) {
	l.t.Helper()
	res, err := l.store.Submit(l.cc, p)
	if err != nil {
		return "", err
	}
	if res.Failed() {
		return "", record.ParseError(res.Response.Message)
	}
	return string(res.Response.Payload), nil
}

// evaluate runs a query against committed state.
func (l *ledger) evaluate(id *identity.Identity, fn string, args ...string) (string, error) {
	l.t.Helper()
	res, err := l.store.Evaluate(l.cc, l.proposal(id, fn, args))
	if err != nil {
		return "", err
	}
	if res.Failed() {
		return "", record.ParseError(res.Response.Message)
	}
	return string(res.Response.Payload), nil
}

func (l *ledger) mustSubmit(id *identity.Identity, fn string, args ...string) string {
	l.t.Helper()
	out, err := l.submit(id, fn, args...)
	if err != nil {
		l.t.Fatalf("%s(%v): %v", fn, args, err)
	}
	return out
}

func (l *ledger) mustEvaluate(id *identity.Identity, fn string, args ...string) string {
	l.t.Helper()
	out, err := l.evaluate(id, fn, args...)
	if err != nil {
		l.t.Fatalf("%s(%v): %v", fn, args, err)
	}
	return out
}

func (l *ledger) height() uint64 {
	l.t.Helper()
	h, err := l.store.Height()
	if err != nil {
		l.t.Fatal(err)
	}
	return h
}

// snapshot captures everything a rejected transaction must leave alone: the
// height, and the value and history of the named records.
func (l *ledger) snapshot(records ...[2]string) string {
	l.t.Helper()
	viewer := l.as("BeijingMSP", "", "")
	s := fmt.Sprintf("height=%d", l.height())
	for _, r := range records {
		v, err := l.evaluate(viewer, "Get", r[0], r[1])
		h, herr := l.evaluate(viewer, "History", r[0], r[1])
		s += fmt.Sprintf("\n%s/%s=%s err=%v history=%s err=%v", r[0], r[1], v, err, h, herr)
	}
	return s
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decode[T any](t testing.TB, data string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

func wantCode(t testing.TB, err error, code record.Code) {
	t.Helper()
	var e *record.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want a %s error", err, code)
	}
	if e.Code != code {
		t.Fatalf("error code = %s (%s), want %s", e.Code, e.Message, code)
	}
}

// load writes a fixture through the contract, step by step.
func (l *ledger) load(f *scenario.Fixture) {
	l.t.Helper()
	for _, s := range f.Steps() {
		p := l.proposal(l.as(s.MSPID, s.Role, s.Institution), s.Function, s.Args)
		p.Transient = s.Transient
		if _, err := l.submitWith(p); err != nil {
			l.t.Fatalf("%s(%v): %v", s.Function, s.Args, err)
		}
	}
}
