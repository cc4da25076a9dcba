package fabric

import (
	"errors"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/ledger"
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
