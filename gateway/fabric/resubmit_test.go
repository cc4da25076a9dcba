package fabric

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"

	"github.com/metrotrace/metrotrace/chaincode/record"

	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// fakeChannel plays the orderers and the peer's CommitStatus for one
// transaction id: copies are lost or ordered as scripted, and a status
// call blocks, as the peer's does, until a copy is committed.
type fakeChannel struct {
	mu sync.Mutex
	// lose is how many copies (the first submission included) the orderers
	// take and lose; refuse is how many resubmissions they then refuse
	// (no raft leader) before taking one.
	lose, refuse int
	// peerDown makes every status call fail at once, as a restarting peer.
	peerDown bool
	// codes answer the status calls made after a copy is committed, in
	// order; the last one repeats. Empty: VALID.
	codes []peer.TxValidationCode

	committed          chan struct{}
	copies, statusCall int
}

func newFakeChannel(lose, refuse int, codes ...peer.TxValidationCode) *fakeChannel {
	f := &fakeChannel{lose: lose, refuse: refuse, codes: codes, committed: make(chan struct{})}
	f.copies = 1 // the first Submit, before awaitCommit
	if lose == 0 {
		close(f.committed)
	}
	return f
}

func (f *fakeChannel) TransactionID() string { return "tx-1" }

func (f *fakeChannel) Resubmit(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse > 0 {
		f.refuse--
		return status.Error(codes.Unavailable, "no orderers could successfully process transaction")
	}
	f.copies++
	if f.copies > f.lose {
		select {
		case <-f.committed:
		default:
			close(f.committed)
		}
	}
	return nil
}

func (f *fakeChannel) Status(ctx context.Context) (*client.Status, error) {
	f.mu.Lock()
	f.statusCall++
	down := f.peerDown
	f.mu.Unlock()
	if down {
		return nil, status.Error(codes.Unavailable, "connection refused")
	}
	select {
	case <-ctx.Done():
		return nil, status.Error(codes.DeadlineExceeded, "context deadline exceeded")
	case <-f.committed:
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	code := peer.TxValidationCode_VALID
	if len(f.codes) > 0 {
		code = f.codes[0]
		if len(f.codes) > 1 {
			f.codes = f.codes[1:]
		}
	}
	return &client.Status{Code: code, Successful: code == peer.TxValidationCode_VALID, TransactionID: "tx-1", BlockNumber: 7}, nil
}

func TestAwaitCommitResubmitsTheSameTransaction(t *testing.T) {
	opts := Options{CommitWait: 40 * time.Millisecond, CommitStatusTimeout: 2 * time.Second, SubmitTimeout: time.Second}
	for _, tc := range []struct {
		name          string
		ch            *fakeChannel
		wantCode      peer.TxValidationCode
		wantResubmits int
		within        time.Duration
	}{
		{"a transaction ordered at once is not resubmitted", newFakeChannel(0, 0), peer.TxValidationCode_VALID, 0, 40 * time.Millisecond},
		{"a copy lost with its orderer is sent again after one wait and commits", newFakeChannel(1, 0), peer.TxValidationCode_VALID, 1, 120 * time.Millisecond},
		{"resubmissions refused while raft elects a leader are tried again until one is taken", newFakeChannel(1, 3), peer.TxValidationCode_VALID, 4, 40*(1+2+4+8)*time.Millisecond + 300*time.Millisecond},
		{"a status of DUPLICATE_TXID is asked again and the committed copy's status counts", newFakeChannel(1, 0, peer.TxValidationCode_DUPLICATE_TXID, peer.TxValidationCode_VALID), peer.TxValidationCode_VALID, 1, 120 * time.Millisecond},
		{"an invalidated transaction is reported with its own code", newFakeChannel(0, 0, peer.TxValidationCode_MVCC_READ_CONFLICT), peer.TxValidationCode_MVCC_READ_CONFLICT, 0, 40 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t0 := time.Now()
			st, resubmits, err := awaitCommit(context.Background(), tc.ch, opts, time.Now())
			took := time.Since(t0)
			if err != nil {
				t.Fatalf("awaitCommit: %v", err)
			}
			if st.Code != tc.wantCode || st.BlockNumber != 7 || st.TransactionID != "tx-1" {
				t.Errorf("status = %+v, want %s in block 7 of tx-1", st, tc.wantCode)
			}
			if resubmits != tc.wantResubmits {
				t.Errorf("resubmits = %d, want %d", resubmits, tc.wantResubmits)
			}
			if took > tc.within {
				t.Errorf("took %s, want at most %s", took, tc.within)
			}
		})
	}
}

func TestAwaitCommitFailsFastWithUnavailable(t *testing.T) {
	opts := Options{CommitWait: 40 * time.Millisecond, CommitStatusTimeout: 500 * time.Millisecond, SubmitTimeout: time.Second}
	t.Run("a transaction no orderer ever orders fails after the commit timeout with a 503 error that says how to retry", func(t *testing.T) {
		ch := newFakeChannel(1000, 0)
		t0 := time.Now()
		_, resubmits, err := awaitCommit(context.Background(), ch, opts, time.Now())
		took := time.Since(t0)
		var le *ledger.Error
		if !errors.As(err, &le) || le.Phase != ledger.PhaseCommit || le.TxID != "tx-1" || !errors.Is(err, ledger.ErrUnavailable) {
			t.Fatalf("err = %v, want a commit-phase ledger error of tx-1 wrapping ErrUnavailable", err)
		}
		if !strings.Contains(err.Error(), "retry the request with the same Idempotency-Key") || !strings.Contains(err.Error(), "not committed within 500ms") {
			t.Errorf("message %q does not say what happened and how to retry", err)
		}
		if took < 500*time.Millisecond || took > 700*time.Millisecond {
			t.Errorf("took %s, want the commit timeout of 500ms", took)
		}
		// Waits of 40, 80, 160 ms, then 220 ms left: four resubmissions.
		if resubmits < 3 || resubmits > 4 || ch.copies != resubmits+1 {
			t.Errorf("resubmits = %d (copies %d), want 3 or 4 doubling rounds within 500ms", resubmits, ch.copies)
		}
	})
	t.Run("a peer that fails every status call is not spun on", func(t *testing.T) {
		ch := newFakeChannel(1000, 0)
		ch.peerDown = true
		_, _, err := awaitCommit(context.Background(), ch, opts, time.Now())
		if !errors.Is(err, ledger.ErrUnavailable) || !strings.Contains(err.Error(), "connection refused") {
			t.Fatalf("err = %v, want ErrUnavailable naming the peer's error", err)
		}
		if ch.statusCall > 6 {
			t.Errorf("%d status calls in 500ms, want one per round", ch.statusCall)
		}
	})
	t.Run("a caller that goes away ends the wait with its own error", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
		defer cancel()
		_, _, err := awaitCommit(ctx, newFakeChannel(1000, 0), opts, time.Now())
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ledger.ErrUnavailable) {
			t.Fatalf("err = %v, want the caller's context error", err)
		}
	})
}

func TestUnavailableEndorsersAndOrderersAskForARetry(t *testing.T) {
	for _, phase := range []ledger.Phase{ledger.PhaseEndorse, ledger.PhaseSubmit} {
		err := classify(phase, "tx3", status.Error(codes.Unavailable, "no orderers could successfully process transaction"))
		if !errors.Is(err, ledger.ErrUnavailable) || !strings.Contains(err.Error(), "retry later") || !retryable(err) {
			t.Errorf("%s: classified = %v, want a retryable ErrUnavailable that says to retry", phase, err)
		}
	}
	if err := classify(ledger.PhaseCommit, "tx3", status.Error(codes.Unavailable, "x")); errors.Is(err, ledger.ErrUnavailable) {
		t.Errorf("a commit-phase error is not blindly retryable: %v", err)
	}
}

// endorseError is fabric-gateway's error for an endorsement no peer
// completed: Aborted, with one detail per endorser tried.
func endorseError(t *testing.T, messages ...string) error {
	t.Helper()
	var details []protoadapt.MessageV1
	for i, m := range messages {
		details = append(details, &gateway.ErrorDetail{Address: fmt.Sprintf("127.0.0.1:1705%d", i+1), MspId: "BeijingMSP", Message: m})
	}
	st, err := status.New(codes.Aborted, "failed to endorse transaction, see attached details for more info").WithDetails(details...)
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

func TestAnUnreachableChaincodeAsksForARetry(t *testing.T) {
	for _, msg := range []string{
		"error in simulation: failed to execute transaction 5059e962: could not launch chaincode metrotrace_1.0:8a1b: connection to metrotrace_1.0:8a1b failed: error cannot create connection for metrotrace_1.0:8a1b: error creating grpc connection to 127.0.0.1:17080: dial tcp 127.0.0.1:17080: connect: connection refused",
		"error in simulation: failed to execute transaction 5059e962: chaincode stream terminated",
		"error in simulation: failed to execute transaction 5059e962: could not launch chaincode metrotrace_1.0:8a1b: chaincode registration failed: timeout expired while starting chaincode metrotrace_1.0:8a1b for transaction",
	} {
		err := classify(ledger.PhaseEndorse, "tx4", endorseError(t, msg))
		var le *ledger.Error
		if !errors.As(err, &le) || le.Phase != ledger.PhaseEndorse || le.TxID != "tx4" || !errors.Is(err, ledger.ErrUnavailable) {
			t.Fatalf("%q: classified = %v, want an endorse-phase ledger error of tx4 wrapping ErrUnavailable (503)", msg, err)
		}
		want := "endorse failed for transaction tx4: ledger unavailable: the endorsing peers could not reach the chaincode (its server may be restarting), retry later: " + msg
		if err.Error() != want {
			t.Errorf("message\n%q, want\n%q", err.Error(), want)
		}
		if !retryable(err) {
			t.Errorf("%q: an endorsement refused for a chaincode server restarting must be retried (nothing was ordered)", msg)
		}
	}
	// The chaincode's own refusal stays one, even from a peer whose
	// neighbour could not launch it.
	err := classify(ledger.PhaseEndorse, "tx5", endorseError(t, "error in simulation: failed to execute transaction 5059e962: chaincode stream terminated",
		"chaincode response 500, forbidden: a recorder of TJIM may not write for BJIM"))
	var re *record.Error
	if !errors.As(err, &re) || re.Code != record.Forbidden {
		t.Errorf("classified = %v, want the chaincode's forbidden error", err)
	}
	// Other endorsement failures are neither 503 nor retried.
	for _, msg := range []string{"error in simulation: failed to execute transaction 5059e962: timeout expired while executing transaction", "access denied: channel [metrology] creator org unknown"} {
		err := classify(ledger.PhaseEndorse, "tx6", endorseError(t, msg))
		if errors.Is(err, ledger.ErrUnavailable) || retryable(err) {
			t.Errorf("%q: classified = %v (retryable %v), want a plain ledger error, not retried", msg, err, retryable(err))
		}
	}
	// The markers count at endorsement only: a commit-phase error naming
	// one is not turned into a retry.
	if err := classify(ledger.PhaseCommit, "tx7", endorseError(t, "chaincode stream terminated")); errors.Is(err, ledger.ErrUnavailable) {
		t.Errorf("commit phase: classified = %v, want no ErrUnavailable", err)
	}
}

func TestAWriteIsBoundedByOneDeadline(t *testing.T) {
	opts := Options{CommitWait: 40 * time.Millisecond, CommitStatusTimeout: 500 * time.Millisecond, SubmitTimeout: time.Second}
	t.Run("a retry's commit wait ends at the write's deadline, not a new commit timeout after its own submission", func(t *testing.T) {
		// The write began 300 ms ago (a first attempt refused, say): 200
		// ms are left of its 500 ms.
		start := time.Now().Add(-300 * time.Millisecond)
		ctx, cancel := context.WithDeadlineCause(context.Background(), start.Add(opts.CommitStatusTimeout), errWriteDeadline)
		defer cancel()
		t0 := time.Now()
		_, _, err := awaitCommit(ctx, newFakeChannel(1000, 0), opts, start)
		took := time.Since(t0)
		if !errors.Is(err, ledger.ErrUnavailable) || !strings.Contains(err.Error(), "retry the request with the same Idempotency-Key") {
			t.Fatalf("err = %v, want ErrUnavailable saying how to retry", err)
		}
		if took < 180*time.Millisecond || took > 350*time.Millisecond {
			t.Errorf("took %s, want the 200 ms left of the write's deadline", took)
		}
	})
	t.Run("any error once the deadline passed is a 503 that says to retry, keeping its phase and transaction", func(t *testing.T) {
		late := &ledger.Error{Phase: ledger.PhaseEndorse, TxID: "tx8", Err: status.Error(codes.DeadlineExceeded, "context deadline exceeded")}
		err := pastDeadline(late, 20*time.Second)
		var le *ledger.Error
		if !errors.As(err, &le) || le.Phase != ledger.PhaseEndorse || le.TxID != "tx8" || !errors.Is(err, ledger.ErrUnavailable) {
			t.Fatalf("err = %v, want an endorse-phase ledger error of tx8 wrapping ErrUnavailable", err)
		}
		want := "endorse failed for transaction tx8: ledger unavailable: the write did not complete within 20s (peers or orderers do not answer, or the orderers have no raft leader); it may still commit: retry the request with the same Idempotency-Key header, which applies it once: last error: endorse failed for transaction tx8: rpc error: code = DeadlineExceeded desc = context deadline exceeded"
		if err.Error() != want {
			t.Errorf("message\n%q, want\n%q", err.Error(), want)
		}
		if err := pastDeadline(context.DeadlineExceeded, 20*time.Second); !errors.Is(err, ledger.ErrUnavailable) || !errors.As(err, &le) || le.Phase != ledger.PhaseCommit {
			t.Errorf("a bare context error: %v, want a commit-phase ErrUnavailable", err)
		}
		unavailable := classify(ledger.PhaseSubmit, "tx9", status.Error(codes.Unavailable, "no orderers could successfully process transaction"))
		if err := pastDeadline(unavailable, 20*time.Second); err != unavailable {
			t.Errorf("an error that already is a 503 is kept: got %v", err)
		}
		refusal := ledger.ChaincodeError("forbidden: a recorder of TJIM may not write for BJIM")
		if err := pastDeadline(refusal, 20*time.Second); err != refusal {
			t.Errorf("the chaincode's refusal is kept: got %v", err)
		}
	})
}
