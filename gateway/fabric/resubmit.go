package fabric

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// An orderer acknowledges a transaction when it has taken it, not when it
// has ordered it: a raft leader (or the follower that forwarded to it) that
// dies before cutting the block loses it, and the peer's CommitStatus then
// waits for a commit that never comes. awaitCommit bounds each wait and
// submits the same signed envelope again, so the transaction keeps its id:
// Fabric's validator marks every later copy of an id already on the ledger
// DUPLICATE_TXID (core/committer/txvalidator/v20/validator.go), and the
// peer's CommitStatus answers the first copy committed (the txid index is
// ordered by block and position, common/ledger/blkstorage/blockindex.go; a
// waiting listener gets the first commit event of the id). The write is thus
// applied at most once however often it is resubmitted.

// submission is one signed transaction in flight: the parts of
// *client.Transaction and *client.Commit that awaitCommit uses, so that the
// resubmit logic can be tested without a network.
type submission interface {
	// TransactionID is the id every copy carries.
	TransactionID() string
	// Resubmit sends the same signed envelope to an orderer again.
	Resubmit(ctx context.Context) error
	// Status waits for the id's commit status until ctx ends.
	Status(ctx context.Context) (*client.Status, error)
}

// gatewaySubmission is a submission through the peer's Gateway service.
// commit is nil while no submission was answered (the first one timed
// out: an orderer may still have taken it).
type gatewaySubmission struct {
	tx     *client.Transaction
	commit *client.Commit
}

func (s *gatewaySubmission) TransactionID() string { return s.tx.TransactionID() }

// Resubmit calls Submit again on the endorsed, already signed transaction:
// fabric-gateway signs once and sends the same envelope.
func (s *gatewaySubmission) Resubmit(ctx context.Context) error {
	c, err := s.tx.SubmitWithContext(ctx)
	if err == nil && s.commit == nil {
		s.commit = c
	}
	return err
}

// errNotSubmitted is the status of a transaction no orderer has answered.
var errNotSubmitted = errors.New("no orderer answered the submission in time")

func (s *gatewaySubmission) Status(ctx context.Context) (*client.Status, error) {
	if s.commit == nil {
		return nil, errNotSubmitted
	}
	return s.commit.StatusWithContext(ctx)
}

// maxCommitWait caps the doubling wait between resubmissions.
const maxCommitWait = 4 * time.Second

// awaitCommit waits for the commit status of a transaction whose write
// began at submitted, until opts.CommitStatusTimeout after that (the
// write's one deadline, which ctx may also carry with errWriteDeadline as
// its cause). Each wait lasts opts.CommitWait,
// doubling up to maxCommitWait; when it passes without a status, the same
// signed transaction is submitted again (an orderer that refuses it, e.g.
// while raft elects a leader, is tried again at the next round). When the
// total wait passes, the error wraps ledger.ErrUnavailable (HTTP 503) and
// says that the write may still commit and how to retry it safely.
// resubmits counts the extra copies sent.
func awaitCommit(ctx context.Context, s submission, opts Options, submitted time.Time) (st *client.Status, resubmits int, err error) {
	total := opts.CommitStatusTimeout
	if total <= 0 {
		total = DefaultOptions.CommitStatusTimeout
	}
	wait := opts.CommitWait
	if wait <= 0 {
		wait = DefaultOptions.CommitWait
	}
	cctx, cancel := context.WithDeadline(ctx, submitted.Add(total))
	defer cancel()
	var lastErr error
	start := submitted
	defer func() {
		if opts.Log != nil && resubmits > 0 {
			opts.Log.Info("transaction resubmitted", "tx_id", s.TransactionID(), "resubmissions", resubmits,
				"committed", err == nil, "waited", time.Since(start).Round(time.Millisecond))
		}
	}()
	for {
		round := time.Now()
		wctx, wcancel := context.WithTimeout(cctx, wait)
		st, err = s.Status(wctx)
		wcancel()
		if err == nil {
			if st.Code != peer.TxValidationCode_DUPLICATE_TXID {
				return st, resubmits, nil
			}
			// Only a copy of this very transaction carries its id: one copy
			// is on the ledger. A fresh status call reads the ledger's
			// txid index, whose first entry is the copy that counts.
			if again, aerr := s.Status(cctx); aerr == nil && again.Code != peer.TxValidationCode_DUPLICATE_TXID {
				return again, resubmits, nil
			}
			return st, resubmits, nil
		}
		if ctx.Err() != nil && !errors.Is(context.Cause(ctx), errWriteDeadline) {
			return nil, resubmits, ctx.Err()
		}
		if cctx.Err() != nil {
			return nil, resubmits, &ledger.Error{Phase: ledger.PhaseCommit, TxID: s.TransactionID(), Err: &ledger.Unavailable{Within: total, Err: fmt.Errorf(
				"%w: transaction not committed within %s although submitted %d times (the orderers may have no raft leader); it may still commit: retry the request with the same Idempotency-Key header, which applies it once: last error: %v",
				ledger.ErrUnavailable, total, resubmits+1, errOr(lastErr, err))}}
		}
		if !isDeadline(err) {
			// The peer itself failed (restarting, say): wait out the round
			// rather than spin, then resubmit as for a silent orderer.
			lastErr = err
			select {
			case <-cctx.Done():
				continue
			case <-time.After(time.Until(round.Add(wait))):
			}
		}
		if opts.Log != nil {
			opts.Log.Warn("transaction not committed yet: submitting the same signed transaction again",
				"tx_id", s.TransactionID(), "resubmission", resubmits+1, "waited", time.Since(start).Round(time.Millisecond), "err", errOr(lastErr, err))
		}
		sctx, scancel := context.WithTimeout(cctx, submitBound(opts))
		rerr := s.Resubmit(sctx)
		scancel()
		if rerr != nil {
			lastErr = rerr
		} else {
			lastErr = nil
		}
		resubmits++
		if wait *= 2; wait > maxCommitWait {
			wait = maxCommitWait
		}
	}
}

// errOr is err, or fallback when err is nil.
func errOr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// isDeadline tells a wait that ran out (the context's or the gRPC call's)
// from a failure.
func isDeadline(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || status.Code(err) == codes.DeadlineExceeded
}

// submitBound is how long one submission may take.
func submitBound(opts Options) time.Duration {
	if opts.SubmitTimeout > 0 {
		return opts.SubmitTimeout
	}
	return DefaultOptions.SubmitTimeout
}
