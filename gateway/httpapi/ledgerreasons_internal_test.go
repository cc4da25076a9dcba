package httpapi

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// TestLedgerFailuresCarryTheirReason: a ledger that cannot be reached, a
// write that may still commit, a ledger that does not answer in time, a
// failed phase and an unknown error keep their class and English message
// and carry one reason under no field with exactly its declared params.
func TestLedgerFailuresCarryTheirReason(t *testing.T) {
	mayCommit := &ledger.Error{Phase: ledger.PhaseCommit, TxID: "t1", Err: &ledger.Unavailable{Within: 20 * time.Second,
		Err: fmt.Errorf("%w: the write did not complete within 20s; it may still commit", ledger.ErrUnavailable)}}
	retry := &ledger.Error{Phase: ledger.PhaseSubmit, Err: &ledger.Unavailable{Who: "orderer",
		Err: fmt.Errorf("%w: no orderer took the transaction, retry later: eof", ledger.ErrUnavailable)}}
	plain := fmt.Errorf("%w: peer down", ledger.ErrUnavailable)
	failed := &ledger.Error{Phase: ledger.PhaseEndorse, Err: errors.New("endorsement mismatch")}
	declared := map[record.FieldCode][]string{}
	for _, c := range ReasonCodes {
		declared[c.Code] = c.Params
	}
	tests := []struct {
		name          string
		err           error
		code, message string
		reason        record.FieldCode
		params        map[string]string
	}{
		{"may still commit", mayCommit, CodeUnavailable, mayCommit.Error(), ReasonLedgerMayCommit, map[string]string{"within": "20s", "detail": mayCommit.Error()}},
		{"retry later", retry, CodeUnavailable, retry.Error(), ReasonLedgerRetryLater, map[string]string{"who": "orderer", "detail": retry.Error()}},
		{"unavailable", plain, CodeUnavailable, plain.Error(), ReasonLedgerUnavailable, map[string]string{"detail": plain.Error()}},
		{"deadline", context.DeadlineExceeded, CodeTimeout, "the ledger did not answer in time", ReasonLedgerTimeout, nil},
		{"cancelled", context.Canceled, CodeUnavailable, "the request was cancelled", ReasonRequestCancelled, nil},
		{"a failed phase", failed, CodeLedger, failed.Error(), ReasonLedgerFailed, map[string]string{"phase": "endorse", "detail": "endorsement mismatch"}},
		{"anything else", errors.New("boom"), string(record.Internal), "internal error", ReasonInternal, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := explained(tt.err, nil)
			code, message := classify(err)
			if code != tt.code || message != tt.message {
				t.Errorf("classified %s %q, want %s %q", code, message, tt.code, tt.message)
			}
			ds := detailsOf(err)
			if len(ds) != 1 || ds[0].Field != "" || ds[0].Code != string(tt.reason) || !(reflect.DeepEqual(ds[0].Params, tt.params) || len(ds[0].Params) == 0 && len(tt.params) == 0) {
				t.Fatalf("details %+v, want one under no field with %s %v", ds, tt.reason, tt.params)
			}
			if len(declared[tt.reason]) != len(tt.params) {
				t.Errorf("%s declares %v, carries %v", tt.reason, declared[tt.reason], tt.params)
			}
		})
	}
	// A refusal of the chaincode stays its own.
	rec := record.Refusef(record.Conflict, record.ReasonAlreadyExists, record.Params{"kind": "standard", "id": "S"}, "standard S already exists")
	if got := explained(rec, nil); got != rec {
		t.Errorf("a chaincode refusal became %v", got)
	}
}
