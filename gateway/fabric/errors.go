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
	const marker = "chaincode response "
	for _, m := range msgs {
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
