package fabric

import (
	"errors"
	"reflect"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// TestFieldErrorsCrossTheGatewayService checks that a refusal naming
// several fields, as an endorsing peer reports it, comes back with every
// field error.
func TestFieldErrorsCrossTheGatewayService(t *testing.T) {
	refusal := (&record.Standard{ID: "S", InstitutionID: "BJIM", Level: "working", Quantity: "mass",
		Range: record.Range{Min: 1, Max: 2, Unit: "g"}, Uncertainty: record.Uncertainty{Value: 1, Unit: "mm", K: 2}}).Validate()
	want := record.ErrorDetails(refusal)
	if len(want) != 2 {
		t.Fatalf("the standard has %d field errors, want 2: %v", len(want), refusal)
	}
	st, _ := status.New(codes.Aborted, "failed to endorse transaction, see attached details for more info").WithDetails(
		&gateway.ErrorDetail{Address: "127.0.0.1:17051", MspId: "BeijingMSP", Message: "chaincode response 500, register standard: " + refusal.Error()})
	var re *record.Error
	if err := classify(ledger.PhaseEndorse, "tx1", st.Err()); !errors.As(err, &re) || re.Code != record.Invalid || !reflect.DeepEqual(re.Details, want) {
		t.Fatalf("classified = %#v, want details %+v", err, want)
	}
}
