package fabric

import (
	"errors"
	"strings"

	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/status"
)

// chaincodeRefusal finds the chaincode's own error message in a
// fabric-gateway error: peers report "chaincode response 500, <message>" in
// the status message or in the per-endorser details.
func chaincodeRefusal(err error) (string, bool) {
	const marker = "chaincode response "
	for _, m := range errorMessages(err) {
		i := strings.Index(m, marker)
		if i < 0 {
			continue
		}
		rest := m[i+len(marker):]
		if j := strings.Index(rest, ", "); j >= 0 {
			rest = rest[j+2:]
		}
		return rest, true
	}
	return "", false
}

// chaincodeDownMarkers are the peer's own messages (not the chaincode's)
// for a chaincode it cannot reach: a chaincode server that died (its
// stream ended, or connecting to it again failed) or has not registered
// yet (core/chaincode: chaincode_support.go, handler.go,
// runtime_launcher.go).
var chaincodeDownMarkers = []string{
	"could not launch chaincode",
	"chaincode stream terminated",
	"timeout expired while starting chaincode",
}

// chaincodeDown tells an endorsement that failed because the endorsing
// peers could not reach the chaincode, and names the peer's message.
func chaincodeDown(err error) (string, bool) {
	for _, m := range errorMessages(err) {
		for _, marker := range chaincodeDownMarkers {
			if strings.Contains(m, marker) {
				return m, true
			}
		}
	}
	return "", false
}

// errorMessages are a fabric-gateway error's messages: the status
// message and the per-endorser (or per-orderer) details.
func errorMessages(err error) []string {
	var msgs []string
	var withDetails interface{ Details() []*gateway.ErrorDetail }
	if errors.As(err, &withDetails) {
		for _, d := range withDetails.Details() {
			msgs = append(msgs, d.GetMessage())
		}
	}
	if st, ok := status.FromError(err); ok {
		msgs = append(msgs, st.Message())
		for _, d := range st.Details() {
			if ed, ok := d.(*gateway.ErrorDetail); ok {
				msgs = append(msgs, ed.GetMessage())
			}
		}
	}
	return msgs
}
