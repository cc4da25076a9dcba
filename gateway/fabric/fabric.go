// Package fabric is the gateway's backend for a real Hyperledger Fabric
// network: it talks to the peers' Gateway service through
// github.com/hyperledger/fabric-gateway, with TLS, identities and signers
// from the connection description the network scripts write, endorse,
// submit and commit-status timeouts, retry with backoff on MVCC read
// conflicts and on an orderer failover, resubmission of the same signed
// transaction when an orderer lost it, and errors classified by phase.
// It implements ledger.Ledger.
package fabric

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	gwid "github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/ledger"
	"github.com/metrotrace/metrotrace/network"
)

// Options tune the client.
type Options struct {
	EvaluateTimeout time.Duration
	EndorseTimeout  time.Duration
	SubmitTimeout   time.Duration
	// CommitStatusTimeout bounds a whole write, from its first endorsement
	// to its commit: endorsements, submissions, retries with a new
	// endorsement and resubmissions of the same transaction included; past
	// it the write fails with ledger.ErrUnavailable (HTTP 503, retry with
	// the same Idempotency-Key).
	CommitStatusTimeout time.Duration
	// CommitWait is how long a submitted transaction's commit is awaited
	// before the same signed transaction is submitted again, because the
	// orderer that took it may have died before ordering it; it doubles
	// after each resubmission, up to 4 s. A few batch timeouts.
	CommitWait time.Duration
	// Retries is how often a transaction is retried after an MVCC read
	// conflict or an unavailable orderer.
	Retries int
	// Backoff is the first wait between retries; it doubles each time.
	Backoff time.Duration
	// EventsOrg is the organization (MSP id) whose peer alone delivers
	// blocks and answers height queries. Empty: every organization with
	// an enrolled user delivers blocks, each applied from the first peer
	// to have it (Ledger.Events), and the first answers height queries.
	EventsOrg string
	// Reload, when set, reads the connection description again; Identity
	// calls it when no user of the connection matches, so users enrolled
	// after the gateway started are served (their organizations' peers
	// are the ones dialled at Open).
	Reload func() (*network.Connection, error)
	// Log, when set, receives a warning for each resubmission of a
	// transaction whose commit did not come, and a note when it committed.
	Log *slog.Logger
}

// MaxMessageBytes is the largest gRPC message the gateway takes from or
// sends to a peer: 100 MiB, as the peers' own default
// (peer.limits / maxRecvMsgSize). gRPC's client default of 4 MiB is below
// the largest block the channel allows (BatchSize AbsoluteMaxBytes 10 MB: a
// block holding one transaction above PreferredMaxBytes), and a block the
// gateway cannot receive would stop the index before it for ever.
const MaxMessageBytes = 100 << 20

// reloadInterval bounds how often a miss rereads the connection description.
const reloadInterval = time.Second

// DefaultOptions suit a network on one machine with a 100 ms batch timeout.
var DefaultOptions = Options{
	EvaluateTimeout: 10 * time.Second, EndorseTimeout: 20 * time.Second,
	SubmitTimeout: 10 * time.Second, CommitStatusTimeout: 20 * time.Second,
	CommitWait: time.Second, Retries: 4, Backoff: 200 * time.Millisecond,
}

// Ledger is a connection to a Fabric network.
type Ledger struct {
	conn  *network.Connection
	opts  Options
	peers map[string]*grpc.ClientConn // by MSP id

	mu       sync.Mutex
	gateways map[[32]byte]*client.Gateway // by identity certificate
	ids      map[string]*identity.Identity
	users    map[string][]network.User // by MSP id; replaced by a reload
	reloaded time.Time
}

var _ ledger.Ledger = (*Ledger)(nil)

// Open dials every organization's peer (TLS, loopback or not) described by
// the connection.
func Open(conn *network.Connection, opts Options) (*Ledger, error) {
	if opts.EvaluateTimeout == 0 {
		events, reload, log := opts.EventsOrg, opts.Reload, opts.Log
		opts = DefaultOptions
		opts.EventsOrg, opts.Reload, opts.Log = events, reload, log
	}
	if opts.CommitWait <= 0 {
		opts.CommitWait = DefaultOptions.CommitWait
	}
	l := &Ledger{conn: conn, opts: opts, peers: map[string]*grpc.ClientConn{},
		gateways: map[[32]byte]*client.Gateway{}, ids: map[string]*identity.Identity{}, users: map[string][]network.User{}}
	for _, o := range conn.Orgs {
		l.users[o.MSPID] = o.Users
	}
	for _, o := range conn.Orgs {
		pem, err := os.ReadFile(o.PeerTLSCACert)
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("TLS CA of %s's peer: %w", o.MSPID, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			l.Close()
			return nil, fmt.Errorf("TLS CA of %s's peer: no PEM certificate in %s", o.MSPID, o.PeerTLSCACert)
		}
		cc, err := grpc.NewClient(o.PeerEndpoint, grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, o.PeerHostOverride)),
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(MaxMessageBytes), grpc.MaxCallSendMsgSize(MaxMessageBytes)))
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("dial %s's peer at %s: %w", o.MSPID, o.PeerEndpoint, err)
		}
		l.peers[o.MSPID] = cc
	}
	return l, nil
}

// Close closes every connection.
func (l *Ledger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, gw := range l.gateways {
		_ = gw.Close()
	}
	for _, cc := range l.peers {
		_ = cc.Close()
	}
	return nil
}

// Identity returns the enrolled user of an organization with a role and
// institution, from the connection description (auth.Identities). An
// operator matches the organization's operator whatever its institution.
// A miss rereads the description (Options.Reload), at most once a second.
func (l *Ledger) Identity(mspID, role, institution string) (*identity.Identity, error) {
	key := mspID + "\x00" + role + "\x00" + institution
	l.mu.Lock()
	defer l.mu.Unlock()
	if id, ok := l.ids[key]; ok {
		return id, nil
	}
	id, err := l.findUser(mspID, role, institution)
	if err != nil && l.opts.Reload != nil && time.Since(l.reloaded) >= reloadInterval {
		l.reloaded = time.Now()
		if conn, rerr := l.opts.Reload(); rerr == nil {
			for _, o := range conn.Orgs {
				if _, known := l.users[o.MSPID]; known {
					l.users[o.MSPID] = o.Users
				}
			}
			id, err = l.findUser(mspID, role, institution)
		}
	}
	if err != nil {
		return nil, err
	}
	l.ids[key] = id
	return id, nil
}

// findUser looks a user up in the users known; l.mu is held.
func (l *Ledger) findUser(mspID, role, institution string) (*identity.Identity, error) {
	users, ok := l.users[mspID]
	if !ok {
		return nil, fmt.Errorf("%w: no organization %s in the connection description: this gateway holds no key of it", auth.ErrUnknownOrganization, mspID)
	}
	for _, u := range users {
		if u.Role != role || (institution != "" && role != record.RoleOperator && u.Institution != institution) {
			continue
		}
		cert, key, err := u.ReadCredentials()
		if err != nil {
			return nil, err
		}
		return &identity.Identity{MSPID: mspID, CertPEM: cert, KeyPEM: key}, nil
	}
	return nil, fmt.Errorf("no enrolled %s of %s in %s", role, institution, mspID)
}

// contract returns the metrotrace contract through the identity's own
// organization's peer, connecting once per identity.
func (l *Ledger) gateway(id *identity.Identity) (*client.Gateway, error) {
	key := sha256.Sum256(append([]byte(id.MSPID+"\x00"), id.CertPEM...))
	l.mu.Lock()
	defer l.mu.Unlock()
	if gw, ok := l.gateways[key]; ok {
		return gw, nil
	}
	peerConn, ok := l.peers[id.MSPID]
	if !ok {
		return nil, fmt.Errorf("no peer of %s in the connection description", id.MSPID)
	}
	cert, err := gwid.CertificateFromPEM(id.CertPEM)
	if err != nil {
		return nil, fmt.Errorf("identity certificate: %w", err)
	}
	x509id, err := gwid.NewX509Identity(id.MSPID, cert)
	if err != nil {
		return nil, err
	}
	pk, err := gwid.PrivateKeyFromPEM(id.KeyPEM)
	if err != nil {
		return nil, fmt.Errorf("identity key: %w", err)
	}
	sign, err := gwid.NewPrivateKeySign(pk)
	if err != nil {
		return nil, err
	}
	gw, err := client.Connect(x509id, client.WithSign(sign), client.WithHash(hash.SHA256), client.WithClientConnection(peerConn),
		client.WithEvaluateTimeout(l.opts.EvaluateTimeout), client.WithEndorseTimeout(l.opts.EndorseTimeout),
		client.WithSubmitTimeout(l.opts.SubmitTimeout), client.WithCommitStatusTimeout(l.opts.CommitStatusTimeout))
	if err != nil {
		return nil, err
	}
	l.gateways[key] = gw
	return gw, nil
}

func (l *Ledger) contract(id *identity.Identity) (*client.Contract, error) {
	gw, err := l.gateway(id)
	if err != nil {
		return nil, err
	}
	return gw.GetNetwork(l.conn.Channel).GetContract(l.conn.Chaincode), nil
}

// endorsers chooses endorsing organizations. Owner details go in a
// transaction of their own (SetInstrumentOwner) whose only write is the
// caller's organization's implicit collection: Fabric validates it against
// that organization's endorsement policy, so its own peers alone endorse
// it and no other organization's peer receives the transient data. Other
// calls leave the choice to the Gateway service (which honours key-level
// policies).
func (l *Ledger) endorsers(id *identity.Identity, call ledger.Call) []string {
	if call.Function == record.FnSetInstrumentOwner {
		return []string{id.MSPID}
	}
	return nil
}

// Submit endorses, submits and waits for the commit of a transaction,
// retrying MVCC read conflicts and orderer unavailability with backoff.
// RegisterInstrument with owner details becomes two transactions: the
// public record (majority policy), then SetInstrumentOwner with the
// details, endorsed by the caller's organization alone. The receipt is the
// public record's.
func (l *Ledger) Submit(ctx context.Context, id *identity.Identity, call ledger.Call) (*ledger.Receipt, error) {
	start := time.Now()
	total := commitTimeout(l.opts)
	dctx, cancel := context.WithDeadlineCause(ctx, start.Add(total), errWriteDeadline)
	defer cancel()
	r, err := l.submit(dctx, id, call, start)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(dctx), errWriteDeadline) {
		err = pastDeadline(err, total)
	}
	return r, err
}

// errWriteDeadline is the cause of a write's context when its one deadline
// (CommitStatusTimeout from its start) passed.
var errWriteDeadline = errors.New("the write's deadline passed")

// commitTimeout is the deadline of a whole write.
func commitTimeout(opts Options) time.Duration {
	if opts.CommitStatusTimeout > 0 {
		return opts.CommitStatusTimeout
	}
	return DefaultOptions.CommitStatusTimeout
}

// pastDeadline is the error of a write whose deadline passed: a 503 that
// says to retry, unless the error already is one, or is the chaincode's
// own refusal.
func pastDeadline(err error, total time.Duration) error {
	var rec *record.Error
	if errors.Is(err, ledger.ErrUnavailable) || errors.As(err, &rec) {
		return err
	}
	le := &ledger.Error{Phase: ledger.PhaseCommit}
	if errors.As(err, &le) {
		le = &ledger.Error{Phase: le.Phase, TxID: le.TxID}
	}
	le.Err = &ledger.Unavailable{Within: total, Err: fmt.Errorf("%w: the write did not complete within %s (peers or orderers do not answer, or the orderers have no raft leader); it may still commit: retry the request with the same Idempotency-Key header, which applies it once: last error: %v",
		ledger.ErrUnavailable, total, err)}
	return le
}

// submit is Submit within the write's deadline (ctx's); start is the
// write's start, from which awaitCommit counts the commit timeout.
func (l *Ledger) submit(ctx context.Context, id *identity.Identity, call ledger.Call, start time.Time) (*ledger.Receipt, error) {
	c, err := l.contract(id)
	if err != nil {
		return nil, &ledger.Error{Phase: ledger.PhaseEndorse, Err: err}
	}
	owner, private := call.Transient[record.TransientOwner]
	if call.Function != record.FnRegisterInstrument || !private {
		return l.submitRetrying(ctx, c, id, call, start)
	}
	var in struct {
		ID string `json:"id"`
	}
	if len(call.Args) == 0 || json.Unmarshal([]byte(call.Args[0]), &in) != nil || in.ID == "" {
		return nil, ledger.ChaincodeError(string(record.Invalid) + ": register instrument: the instrument JSON names no id")
	}
	public := ledger.Call{Function: call.Function, Args: call.Args}
	r, err := l.submitRetrying(ctx, c, id, public, start)
	if err != nil {
		return nil, err
	}
	details := ledger.Call{Function: record.FnSetInstrumentOwner, Args: []string{in.ID},
		Transient: map[string][]byte{record.TransientOwner: owner}}
	if _, err := l.submitRetrying(ctx, c, id, details, start); err != nil {
		return nil, fmt.Errorf("instrument %s is registered (tx %s) but its owner details were not stored: %w", in.ID, r.TxID, err)
	}
	return r, nil
}

func (l *Ledger) submitRetrying(ctx context.Context, c *client.Contract, id *identity.Identity, call ledger.Call, start time.Time) (*ledger.Receipt, error) {
	wait := l.opts.Backoff
	for attempt := 0; ; attempt++ {
		r, err := l.submitOnce(ctx, c, id, call, start)
		if err == nil || attempt >= l.opts.Retries || !retryable(err) {
			return r, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func (l *Ledger) submitOnce(ctx context.Context, c *client.Contract, id *identity.Identity, call ledger.Call, start time.Time) (*ledger.Receipt, error) {
	opts := []client.ProposalOption{client.WithArguments(call.Args...)}
	if len(call.Transient) > 0 {
		opts = append(opts, client.WithTransient(call.Transient))
	}
	if orgs := l.endorsers(id, call); len(orgs) > 0 {
		opts = append(opts, client.WithEndorsingOrganizations(orgs...))
	}
	proposal, err := c.NewProposal(call.Function, opts...)
	if err != nil {
		return nil, &ledger.Error{Phase: ledger.PhaseEndorse, Err: err}
	}
	ts, err := proposalTimestamp(proposal)
	if err != nil {
		return nil, &ledger.Error{Phase: ledger.PhaseEndorse, TxID: proposal.TransactionID(), Err: err}
	}
	tx, err := proposal.EndorseWithContext(ctx)
	if err != nil {
		return nil, classify(ledger.PhaseEndorse, proposal.TransactionID(), err)
	}
	// The submission is bounded by SubmitTimeout (SubmitWithContext does
	// not apply it); one that times out may have been taken by an orderer,
	// so it is awaited and resubmitted like one that was answered. So is
	// one answered Unavailable: the gateway peer may have died after
	// passing it to an orderer, and a new endorsement of a write that did
	// commit would be refused as already done (seen in TestFaultsUnderLoad
	// when Tianjin's peer was killed: a 409 for a write that had
	// committed). The same signed envelope commits at most once.
	sctx, cancel := context.WithTimeout(ctx, submitBound(l.opts))
	commit, err := tx.SubmitWithContext(sctx)
	cancel()
	if err != nil && (ctx.Err() != nil || !(isDeadline(err) || status.Code(err) == codes.Unavailable)) {
		return nil, classify(ledger.PhaseSubmit, tx.TransactionID(), err)
	}
	// The commit is awaited until the write's deadline, counted from its
	// start: a retry with a new endorsement does not start a new window.
	st, _, err := awaitCommit(ctx, &gatewaySubmission{tx: tx, commit: commit}, l.opts, start)
	if err != nil {
		var le *ledger.Error
		if errors.As(err, &le) {
			return nil, err
		}
		return nil, classify(ledger.PhaseCommit, tx.TransactionID(), err)
	}
	if !st.Successful {
		return nil, &ledger.Error{Phase: ledger.PhaseCommit, TxID: st.TransactionID,
			Err: &CommitCodeError{Code: st.Code}}
	}
	return &ledger.Receipt{TxID: st.TransactionID, BlockNumber: st.BlockNumber, Timestamp: ts, Payload: tx.Result()}, nil
}

// proposalTimestamp is the timestamp in the transaction's channel header:
// the time the chaincode sees (GetTxTimestamp) and the block records.
func proposalTimestamp(p *client.Proposal) (time.Time, error) {
	b, err := p.Bytes()
	if err != nil {
		return time.Time{}, err
	}
	var pt gwproto.ProposedTransaction
	if err := proto.Unmarshal(b, &pt); err != nil {
		return time.Time{}, fmt.Errorf("decode proposal: %w", err)
	}
	return headerTimestamp(pt.GetProposal())
}

// headerTimestamp reads the channel header's timestamp of a proposal.
func headerTimestamp(sp *peer.SignedProposal) (time.Time, error) {
	var prop peer.Proposal
	if err := proto.Unmarshal(sp.GetProposalBytes(), &prop); err != nil {
		return time.Time{}, fmt.Errorf("decode proposal: %w", err)
	}
	var hdr common.Header
	if err := proto.Unmarshal(prop.GetHeader(), &hdr); err != nil {
		return time.Time{}, fmt.Errorf("decode proposal header: %w", err)
	}
	var ch common.ChannelHeader
	if err := proto.Unmarshal(hdr.GetChannelHeader(), &ch); err != nil {
		return time.Time{}, fmt.Errorf("decode channel header: %w", err)
	}
	if ch.GetTimestamp() == nil {
		return time.Time{}, errors.New("the transaction's channel header has no timestamp")
	}
	return ch.GetTimestamp().AsTime().UTC(), nil
}

// CommitCodeError is a transaction the peers validated as invalid.
type CommitCodeError struct{ Code peer.TxValidationCode }

// Error names the validation code, e.g. MVCC_READ_CONFLICT.
func (e *CommitCodeError) Error() string {
	return "transaction invalidated with " + e.Code.String()
}

func retryable(err error) bool {
	var cc *CommitCodeError
	if errors.As(err, &cc) {
		return cc.Code == peer.TxValidationCode_MVCC_READ_CONFLICT || cc.Code == peer.TxValidationCode_PHANTOM_READ_CONFLICT
	}
	var le *ledger.Error
	if !errors.As(err, &le) {
		return false
	}
	switch le.Phase {
	case ledger.PhaseSubmit:
		return status.Code(le.Err) == codes.Unavailable
	case ledger.PhaseEndorse:
		// Endorsers that have not committed the previous block yet answer
		// from older state; their responses differ until they catch up.
		// A chaincode server restarting is classified ErrUnavailable.
		return strings.Contains(le.Err.Error(), "ProposalResponsePayloads do not match") || status.Code(le.Err) == codes.Unavailable ||
			errors.Is(le.Err, ledger.ErrUnavailable)
	}
	return false
}

// classify turns a fabric-gateway error into the chaincode's own
// *record.Error when the chaincode refused, and a ledger.Error otherwise.
func classify(phase ledger.Phase, txID string, err error) error {
	if msg, ok := chaincodeRefusal(err); ok {
		return ledger.ChaincodeError(msg)
	}
	// A peer the endorsement policy needs that discovery does not see yet
	// (restarting) makes the gateway service answer FailedPrecondition "no
	// combination of peers can be derived": nothing was endorsed either.
	noEndorsers := phase == ledger.PhaseEndorse && status.Code(err) == codes.FailedPrecondition &&
		strings.Contains(err.Error(), "no combination of peers can be derived")
	if noEndorsers || status.Code(err) == codes.Unavailable && (phase == ledger.PhaseEndorse || phase == ledger.PhaseSubmit) {
		// Nothing was ordered: the same request may simply be sent again.
		who := map[ledger.Phase]string{ledger.PhaseEndorse: "endorsing peer", ledger.PhaseSubmit: "orderer"}[phase]
		return &ledger.Error{Phase: phase, TxID: txID, Err: &ledger.Unavailable{Who: who, Err: fmt.Errorf("%w: no %s took the transaction, retry later: %w",
			ledger.ErrUnavailable, who, err)}}
	}
	if msg, ok := chaincodeDown(err); ok && phase == ledger.PhaseEndorse {
		// The peers answered but could not run the chaincode (its server
		// died or is starting again): nothing was endorsed, let alone
		// ordered, so the same request may be sent again.
		return &ledger.Error{Phase: phase, TxID: txID, Err: &ledger.Unavailable{Who: "chaincode", Err: fmt.Errorf("%w: the endorsing peers could not reach the chaincode (its server may be restarting), retry later: %s",
			ledger.ErrUnavailable, msg)}}
	}
	return &ledger.Error{Phase: phase, TxID: txID, Err: err}
}

// Evaluate runs a query on the caller's organization's peer.
func (l *Ledger) Evaluate(ctx context.Context, id *identity.Identity, call ledger.Call) ([]byte, error) {
	c, err := l.contract(id)
	if err != nil {
		return nil, &ledger.Error{Phase: ledger.PhaseQuery, Err: err}
	}
	opts := []client.ProposalOption{client.WithArguments(call.Args...)}
	if len(call.Transient) > 0 {
		opts = append(opts, client.WithTransient(call.Transient))
	}
	// Private data lives on the registering organization's peer: ask it.
	opts = append(opts, client.WithEndorsingOrganizations(id.MSPID))
	proposal, err := c.NewProposal(call.Function, opts...)
	if err != nil {
		return nil, &ledger.Error{Phase: ledger.PhaseQuery, Err: err}
	}
	out, err := proposal.EvaluateWithContext(ctx)
	if err != nil {
		return nil, classify(ledger.PhaseQuery, "", err)
	}
	return out, nil
}

// Height asks the query system chaincode for the channel's block height.
func (l *Ledger) Height(ctx context.Context) (uint64, error) {
	id, err := l.anyIdentity()
	if err != nil {
		return 0, err
	}
	gw, err := l.gateway(id)
	if err != nil {
		return 0, err
	}
	out, err := gw.GetNetwork(l.conn.Channel).GetContract("qscc").EvaluateWithContext(ctx, "GetChainInfo",
		client.WithArguments(l.conn.Channel), client.WithEndorsingOrganizations(id.MSPID))
	if err != nil {
		return 0, &ledger.Error{Phase: ledger.PhaseQuery, Err: fmt.Errorf("%w: %v", ledger.ErrUnavailable, err)}
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(out, &info); err != nil {
		return 0, fmt.Errorf("decode chain info: %w", err)
	}
	return info.Height, nil
}

func (l *Ledger) anyIdentity() (*identity.Identity, error) {
	ids, err := l.firstUsers(1)
	if err != nil {
		return nil, err
	}
	return ids[0], nil
}

// firstUsers returns the identity of the first user of each organization
// that has one (of EventsOrg only, when set), in the connection's order,
// stopping after max of them (0: all).
func (l *Ledger) firstUsers(max int) ([]*identity.Identity, error) {
	var ids []*identity.Identity
	for _, o := range l.conn.Orgs {
		if l.opts.EventsOrg != "" && o.MSPID != l.opts.EventsOrg {
			continue
		}
		l.mu.Lock()
		users := l.users[o.MSPID]
		l.mu.Unlock()
		if len(users) == 0 {
			continue
		}
		id, err := l.Identity(o.MSPID, users[0].Role, users[0].Institution)
		if err != nil {
			return nil, err
		}
		if ids = append(ids, id); len(ids) == max {
			break
		}
	}
	if len(ids) > 0 {
		return ids, nil
	}
	if l.opts.EventsOrg != "" {
		return nil, fmt.Errorf("the connection description has no user of %s, the organization to follow", l.opts.EventsOrg)
	}
	return nil, errors.New("the connection description has no user")
}
