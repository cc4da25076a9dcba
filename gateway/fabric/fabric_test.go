package fabric

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/ledger"
	"github.com/metrotrace/metrotrace/network"
)

func TestChaincodeRefusalsBecomeRecordErrors(t *testing.T) {
	st, _ := status.New(codes.Aborted, "failed to endorse transaction, see attached details for more info").WithDetails(
		&gateway.ErrorDetail{Address: "127.0.0.1:17051", MspId: "TianjinMSP",
			Message: "chaincode response 500, forbidden: a recorder of TJIM may not write for BJIM"})
	err := classify(ledger.PhaseEndorse, "tx1", st.Err())
	var re *record.Error
	if !errors.As(err, &re) || re.Code != record.Forbidden || re.Message != "a recorder of TJIM may not write for BJIM" {
		t.Fatalf("classified = %v, want the chaincode's forbidden error", err)
	}
	other := classify(ledger.PhaseSubmit, "tx2", status.Error(codes.Unavailable, "no orderers could successfully process transaction"))
	var le *ledger.Error
	if !errors.As(other, &le) || le.Phase != ledger.PhaseSubmit || le.TxID != "tx2" {
		t.Fatalf("classified = %v, want a submit-phase ledger error", other)
	}
	if !retryable(other) {
		t.Fatal("an unavailable orderer must be retried")
	}
	if !retryable(&ledger.Error{Phase: ledger.PhaseCommit, Err: &CommitCodeError{Code: peer.TxValidationCode_MVCC_READ_CONFLICT}}) {
		t.Fatal("an MVCC read conflict must be retried")
	}
	if !retryable(&ledger.Error{Phase: ledger.PhaseEndorse, Err: errors.New("failed to collect enough transaction endorsements: ProposalResponsePayloads do not match")}) {
		t.Fatal("endorsers at different heights must be retried")
	}
	if retryable(&ledger.Error{Phase: ledger.PhaseCommit, Err: &CommitCodeError{Code: peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE}}) {
		t.Fatal("an endorsement policy failure must not be retried")
	}
}

func envelope(t *testing.T, txID string, typ common.HeaderType, chaincode, event string, payload []byte) []byte {
	t.Helper()
	ce, _ := proto.Marshal(&peer.ChaincodeEvent{ChaincodeId: chaincode, TxId: txID, EventName: event, Payload: payload})
	cca, _ := proto.Marshal(&peer.ChaincodeAction{Events: ce})
	prp, _ := proto.Marshal(&peer.ProposalResponsePayload{Extension: cca})
	cap, _ := proto.Marshal(&peer.ChaincodeActionPayload{Action: &peer.ChaincodeEndorsedAction{ProposalResponsePayload: prp}})
	tx, _ := proto.Marshal(&peer.Transaction{Actions: []*peer.TransactionAction{{Payload: cap}}})
	ch, _ := proto.Marshal(&common.ChannelHeader{Type: int32(typ), TxId: txID, Timestamp: timestamppb.Now()})
	pl, _ := proto.Marshal(&common.Payload{Header: &common.Header{ChannelHeader: ch}, Data: tx})
	env, _ := proto.Marshal(&common.Envelope{Payload: pl})
	return env
}

func TestBlockEventsKeepValidMetrotraceTransactionsInOrder(t *testing.T) {
	b := &common.Block{
		Header: &common.BlockHeader{Number: 7},
		Data: &common.BlockData{Data: [][]byte{
			envelope(t, "a", common.HeaderType_ENDORSER_TRANSACTION, "metrotrace", "metrotrace", []byte(`{"n":1}`)),
			envelope(t, "b", common.HeaderType_ENDORSER_TRANSACTION, "metrotrace", "metrotrace", []byte(`{"n":2}`)),
			envelope(t, "c", common.HeaderType_ENDORSER_TRANSACTION, "other", "x", nil),
			envelope(t, "d", common.HeaderType_ENDORSER_TRANSACTION, "metrotrace", "metrotrace", []byte(`{"n":4}`)),
		}},
		Metadata: &common.BlockMetadata{Metadata: [][]byte{nil, nil,
			{byte(peer.TxValidationCode_VALID), byte(peer.TxValidationCode_MVCC_READ_CONFLICT), byte(peer.TxValidationCode_VALID), byte(peer.TxValidationCode_VALID)}}},
	}
	events, err := chaincodeEvents(b, "metrotrace")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].TxID != "a" || events[1].TxID != "d" || events[1].BlockNumber != 7 || string(events[1].Payload) != `{"n":4}` {
		t.Fatalf("events = %+v, want a and d of block 7", events)
	}
}

func TestReceiptTimeIsTheChannelHeaders(t *testing.T) {
	at := time.Date(2026, 12, 1, 19, 30, 5, 123456789, time.UTC)
	ch, _ := proto.Marshal(&common.ChannelHeader{Type: int32(common.HeaderType_ENDORSER_TRANSACTION), TxId: "tx1", Timestamp: timestamppb.New(at)})
	hdr, _ := proto.Marshal(&common.Header{ChannelHeader: ch})
	prop, _ := proto.Marshal(&peer.Proposal{Header: hdr})
	got, err := headerTimestamp(&peer.SignedProposal{ProposalBytes: prop})
	if err != nil || !got.Equal(at) {
		t.Fatalf("headerTimestamp = %v, %v; want %v", got, err, at)
	}
	ch, _ = proto.Marshal(&common.ChannelHeader{TxId: "tx2"})
	hdr, _ = proto.Marshal(&common.Header{ChannelHeader: ch})
	prop, _ = proto.Marshal(&peer.Proposal{Header: hdr})
	if _, err := headerTimestamp(&peer.SignedProposal{ProposalBytes: prop}); err == nil {
		t.Fatal("a header without a timestamp must be an error")
	}
	if _, err := headerTimestamp(&peer.SignedProposal{ProposalBytes: []byte{0xff}}); err == nil {
		t.Fatal("undecodable proposal bytes must be an error")
	}
}

func TestOwnerDetailsAreEndorsedByTheOwnersOrgOnly(t *testing.T) {
	l := &Ledger{}
	id := &identity.Identity{MSPID: "TianjinMSP"}
	if got := l.endorsers(id, ledger.Call{Function: record.FnSetInstrumentOwner}); len(got) != 1 || got[0] != "TianjinMSP" {
		t.Fatalf("endorsers of SetInstrumentOwner = %v, want [TianjinMSP]", got)
	}
	if got := l.endorsers(id, ledger.Call{Function: record.FnRegisterInstrument}); got != nil {
		t.Fatalf("endorsers of the public record = %v, want the Gateway's choice (nil)", got)
	}
}

func TestIdentityFindsUsersEnrolledAfterTheStart(t *testing.T) {
	dir := t.TempDir()
	user := func(name, inst, role string) network.User {
		u := network.User{Name: name, Institution: inst, Role: role,
			Cert: filepath.Join(dir, name+".pem"), Key: filepath.Join(dir, name+"_sk"), MSPDir: dir}
		if err := os.WriteFile(u.Cert, []byte("cert of "+name), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(u.Key, []byte("key of "+name), 0o600); err != nil {
			t.Fatal(err)
		}
		return u
	}
	conn := &network.Connection{Channel: "metrology", Chaincode: "metrotrace",
		Orgs: []network.Org{{Name: "tianjin", MSPID: "TianjinMSP", Users: []network.User{user("tjim-recorder", "TJIM", "recorder")}}}}
	reloads := 0
	later := *conn
	later.Orgs = []network.Org{{Name: "tianjin", MSPID: "TianjinMSP",
		Users: []network.User{conn.Orgs[0].Users[0], user("tj-lab2-recorder", "TJ-LAB2", "recorder")}},
		{Name: "beijing", MSPID: "BeijingMSP", Users: []network.User{user("bjim-recorder", "BJIM", "recorder")}}}
	l := &Ledger{conn: conn, ids: map[string]*identity.Identity{},
		users: map[string][]network.User{"TianjinMSP": conn.Orgs[0].Users},
		opts:  Options{Reload: func() (*network.Connection, error) { reloads++; return &later, nil }}}

	id, err := l.Identity("TianjinMSP", "recorder", "TJ-LAB2")
	if err != nil || string(id.KeyPEM) != "key of tj-lab2-recorder" || reloads != 1 {
		t.Fatalf("a user enrolled later = %+v, %v (reloads %d)", id, err, reloads)
	}
	// An organization the gateway did not start with stays unknown: it
	// holds no peer of it, and no reload adds its keys.
	l.reloaded = time.Time{}
	if _, err := l.Identity("BeijingMSP", "recorder", "BJIM"); err == nil || !strings.Contains(err.Error(), "holds no key") {
		t.Fatalf("another org's user = %v, want refused", err)
	}
	// Misses reread the file at most once a second.
	l.reloaded = time.Time{}
	_, _ = l.Identity("TianjinMSP", "recorder", "NOPE")
	_, _ = l.Identity("TianjinMSP", "recorder", "NOPE2")
	if reloads != 3 {
		t.Fatalf("reloads = %d, want 3 (the second miss within a second does not reread)", reloads)
	}
}
