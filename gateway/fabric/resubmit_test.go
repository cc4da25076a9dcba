package fabric

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

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
