package contract

import (
	"errors"
	"fmt"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// TestAnswerStatesAnErrorsCodeOnce: a rule's failure reaches the client
// with its code once, "internal: ..." for a plain error and for an
// internal domain error alike, and a domain error of another code keeps it.
func TestAnswerStatesAnErrorsCodeOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"an internal domain error", record.Errorf(record.Internal, "read standard S: disk full"), "internal: read standard S: disk full"},
		{"a wrapped internal domain error", fmt.Errorf("trace: %w", record.Errorf(record.Internal, "disk full")), "trace: internal: disk full"},
		{"a plain error", errors.New("disk full"), "internal: disk full"},
		{"a not-found error", record.Errorf(record.NotFound, "standard S does not exist"), "not_found: standard S does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := answer(nil, tc.err)
			if out != "" || err == nil || err.Error() != tc.want {
				t.Fatalf("answer: %q, %v; want \"\", %q", out, err, tc.want)
			}
			if got, want := record.ParseError(err.Error()).Code, record.ErrorCode(tc.err); got != want {
				t.Fatalf("code on the wire %q, want %q", got, want)
			}
		})
	}
}
