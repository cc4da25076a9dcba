package main

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
)

// mockStub is a ChaincodeStubInterface with an in-memory world state; the
// methods the chaincode does not call panic through the nil embedded
// interface.
type mockStub struct {
	shim.ChaincodeStubInterface
	fn       string
	args     []string
	state    map[string][]byte
	failed   error
	reads    int
	policies map[string][]byte
	event    string
}

func (m *mockStub) GetFunctionAndParameters() (string, []string) { return m.fn, m.args }
func (m *mockStub) PutState(k string, v []byte) error {
	if m.failed != nil {
		return m.failed
	}
	m.state[k] = v
	return nil
}
func (m *mockStub) GetState(k string) ([]byte, error) { m.reads++; return m.state[k], nil }
func (m *mockStub) SetStateValidationParameter(k string, ep []byte) error {
	m.policies[k] = ep
	return nil
}
func (m *mockStub) CreateCompositeKey(t string, attrs []string) (string, error) {
	return shim.CreateCompositeKey(t, attrs)
}
func (m *mockStub) SetEvent(name string, payload []byte) error {
	m.event = name + " " + string(payload)
	return nil
}

func invoke(st *mockStub, fn string, args ...string) (int32, string, []byte) {
	st.fn, st.args = fn, args
	r := PutChaincode{}.Invoke(st)
	return r.Status, r.Message, r.Payload
}

func TestPutWritesTheValueUnderTheKey(t *testing.T) {
	st := &mockStub{state: map[string][]byte{}}
	value := strings.Repeat("c", 600)
	if status, msg, _ := invoke(st, "Put", "k1", value); status != shim.OK {
		t.Fatalf("Put: %d %s", status, msg)
	}
	if got := string(st.state["k1"]); got != value {
		t.Fatalf("state[k1] = %q", got)
	}
	if len(st.state) != 1 {
		t.Fatalf("Put wrote %d keys, want 1", len(st.state))
	}
	if status, _, payload := invoke(st, "Get", "k1"); status != shim.OK || string(payload) != value {
		t.Fatalf("Get = %d %q", status, payload)
	}
}

func TestBadCallsAreRefusedAndWriteNothing(t *testing.T) {
	for _, tc := range []struct {
		fn   string
		args []string
		want string
	}{
		{"Put", []string{"k"}, "2 arguments"},
		{"Put", []string{"k", "v", "w"}, "2 arguments"},
		{"Put", []string{"", "v"}, "empty key"},
		{"Get", nil, "1 argument"},
		{"Delete", []string{"k"}, "unknown function"},
	} {
		st := &mockStub{state: map[string][]byte{}}
		status, msg, _ := invoke(st, tc.fn, tc.args...)
		if status != shim.ERROR || !strings.Contains(msg, tc.want) {
			t.Errorf("%s%q = %d %q, want an error mentioning %q", tc.fn, tc.args, status, msg, tc.want)
		}
		if len(st.state) != 0 {
			t.Errorf("%s%q wrote %v", tc.fn, tc.args, st.state)
		}
	}
}

func TestPutReportsAStateError(t *testing.T) {
	st := &mockStub{state: map[string][]byte{}, failed: errors.New("disk full")}
	if status, msg, _ := invoke(st, "Put", "k", "v"); status != shim.ERROR || !strings.Contains(msg, "disk full") {
		t.Fatalf("Put = %d %q", status, msg)
	}
}

func TestMetadataAndInit(t *testing.T) {
	st := &mockStub{state: map[string][]byte{}}
	if status, _, payload := invoke(st, "org.hyperledger.fabric:GetMetadata"); status != shim.OK || !strings.Contains(string(payload), `"Put"`) {
		t.Fatalf("GetMetadata = %d %s", status, payload)
	}
	if r := (PutChaincode{}).Init(st); r.Status != shim.OK {
		t.Fatalf("Init = %d %s", r.Status, r.Message)
	}
}

func TestParseConfig(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if c, err := parseConfig(nil, env(map[string]string{"CHAINCODE_SERVER_ADDRESS": "127.0.0.1:1", "CHAINCODE_ID": "benchput_1:ab"}), io.Discard); err != nil || c.Address != "127.0.0.1:1" || c.ID != "benchput_1:ab" {
		t.Fatalf("env config = %+v, %v", c, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "required"},
		{[]string{"--address", "a:1"}, "required"},
		{[]string{"--address", "a:1", "--id", "x", "--tls-cert", "c"}, "go together"},
		{[]string{"--address", "a:1", "--id", "x", "--tls-client-ca", "ca"}, "needs --tls-cert"},
		{[]string{"--address", "a:1", "--id", "x", "extra"}, "unexpected"},
	} {
		if _, err := parseConfig(tc.args, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseConfig(%q) = %v, want an error mentioning %q", tc.args, err, tc.want)
		}
	}
}

func TestPutFootprintDoesWhatACertificateAsksOfThePeer(t *testing.T) {
	st := &mockStub{state: map[string][]byte{}, policies: map[string][]byte{}}
	value := `{"id":"C1"}`
	status, msg, payload := invoke(st, "PutFootprint", "k1", value, "TianjinMSP")
	if status != shim.OK || string(payload) != value {
		t.Fatalf("PutFootprint = %d %s %q", status, msg, payload)
	}
	if st.reads != 4 || len(st.state) != 4 || string(st.state["k1"]) != value {
		t.Fatalf("%d reads, state %q; want 4 reads and 4 keys", st.reads, st.state)
	}
	if len(st.policies) != 1 || !strings.Contains(string(st.policies["k1"]), "TianjinMSP") {
		t.Fatalf("policies = %q", st.policies)
	}
	if st.event != `benchput {"function":"PutFootprint","records":[{"id":"C1"}]}` {
		t.Fatalf("event = %q", st.event)
	}
	for _, args := range [][]string{{"k1", value}, {"", value, "TianjinMSP"}, {"k1", value, ""}} {
		st := &mockStub{state: map[string][]byte{}, policies: map[string][]byte{}}
		if status, _, _ := invoke(st, "PutFootprint", args...); status == shim.OK || len(st.state) != 0 {
			t.Errorf("PutFootprint(%q) = %d, wrote %d keys; want a refusal that writes nothing", args, status, len(st.state))
		}
	}
}
