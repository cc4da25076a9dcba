package ops

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/golang/protobuf/proto" //nolint:staticcheck // the sdk's protos are APIv1 messages
	"github.com/hyperledger/fabric-protos-go/common"
	"github.com/hyperledger/fabric-protos-go/msp"
	"github.com/hyperledger/fabric-sdk-go/pkg/client/ledger"
	"github.com/hyperledger/fabric-sdk-go/pkg/client/resmgmt"
)

// PeerStatus is one peer's view of the channel.
type PeerStatus struct {
	Name     string `json:"name"`
	MSPID    string `json:"msp_id"`
	Endpoint string `json:"endpoint"`
	// Reachable is false when the peer did not answer; Error says why.
	Reachable bool   `json:"reachable"`
	Error     string `json:"error,omitempty"`
	// Height is the number of blocks the peer has committed.
	Height           uint64 `json:"height"`
	CurrentBlockHash string `json:"current_block_hash,omitempty"`
	// InStep tells whether the peer has the highest height seen; Behind is
	// by how many blocks it lags.
	InStep bool   `json:"in_step"`
	Behind uint64 `json:"behind"`
}

// ChaincodeStatus is the committed chaincode definition.
type ChaincodeStatus struct {
	Name     string `json:"name"`
	Version  string `json:"version,omitempty"`
	Sequence int64  `json:"sequence,omitempty"`
	// Approvals maps each org's MSP id to whether it approved this
	// definition.
	Approvals         map[string]bool `json:"approvals,omitempty"`
	EndorsementPolicy string          `json:"endorsement_policy,omitempty"`
	// Peer is the peer that answered; Error is set when none could.
	Peer  string `json:"peer,omitempty"`
	Error string `json:"error,omitempty"`
}

// OrdererStatus tells whether an orderer accepts TLS connections with its
// expected certificate and, when its operations endpoint is known, its raft
// role in the channel.
type OrdererStatus struct {
	Name      string `json:"name"`
	Endpoint  string `json:"endpoint"`
	Reachable bool   `json:"reachable"`
	Error     string `json:"error,omitempty"`
	// Operations is the operations endpoint the metrics were read from
	// ("" when connection.json has none: no raft role).
	Operations string `json:"operations_endpoint,omitempty"`
	// RaftRole is "leader" or "follower" from the orderer's
	// consensus_etcdraft_is_leader gauge, "" when it could not be read
	// (RaftError says why).
	RaftRole  string `json:"raft_role,omitempty"`
	RaftError string `json:"raft_error,omitempty"`
	// ClusterSize and ActiveNodes are the orderer's
	// consensus_etcdraft_cluster_size and _active_nodes gauges (-1: not
	// exported; active nodes are 0 until the leader has measured them).
	ClusterSize int `json:"raft_cluster_size,omitempty"`
	ActiveNodes int `json:"raft_active_nodes,omitempty"`
}

// StatusReport is the health of the channel as the operator sees it.
type StatusReport struct {
	Channel  string `json:"channel"`
	Identity string `json:"identity"`
	// Fallback is the identity the ledger was read with when the own org's
	// peer could not serve the channel configuration.
	Fallback  string           `json:"fallback_identity,omitempty"`
	MaxHeight uint64           `json:"max_height"`
	Peers     []PeerStatus     `json:"peers"`
	Chaincode *ChaincodeStatus `json:"chaincode,omitempty"`
	Orderers  []OrdererStatus  `json:"orderers"`
	// Healthy is false when any problem is listed.
	Healthy  bool     `json:"healthy"`
	Problems []string `json:"problems"`
}

// Evaluate fills in MaxHeight, each peer's InStep and Behind, Healthy and
// Problems: a peer that is unreachable or behind the highest peer by more
// than lag blocks, a chaincode definition that cannot be read or lacks an
// org's approval, a majority of orderers unreachable (raft quorum), and,
// for orderers with an operations endpoint, no raft leader (or more than
// one), or a leader that sees fewer active nodes than a quorum are
// problems; a single orderer down is reported, not a problem.
func (r *StatusReport) Evaluate(lag uint64) {
	r.MaxHeight = 0
	for _, p := range r.Peers {
		if p.Reachable && p.Height > r.MaxHeight {
			r.MaxHeight = p.Height
		}
	}
	r.Problems = []string{}
	for i := range r.Peers {
		p := &r.Peers[i]
		if !p.Reachable {
			p.InStep, p.Behind = false, 0
			r.Problems = append(r.Problems, fmt.Sprintf("peer %s (%s, %s) is unreachable: %s", p.Name, p.MSPID, p.Endpoint, p.Error))
			continue
		}
		p.Behind = r.MaxHeight - p.Height
		p.InStep = p.Behind == 0
		if p.Behind > lag {
			r.Problems = append(r.Problems, fmt.Sprintf("peer %s (%s) is behind: height %d, highest %d", p.Name, p.MSPID, p.Height, r.MaxHeight))
		}
	}
	if cc := r.Chaincode; cc != nil {
		switch {
		case cc.Error != "":
			r.Problems = append(r.Problems, fmt.Sprintf("chaincode %s: %s", cc.Name, cc.Error))
		default:
			var missing []string
			for msp, ok := range cc.Approvals {
				if !ok {
					missing = append(missing, msp)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				r.Problems = append(r.Problems, fmt.Sprintf("chaincode %s sequence %d lacks the approval of %s", cc.Name, cc.Sequence, strings.Join(missing, ", ")))
			}
		}
	}
	if n := len(r.Orderers); n > 0 {
		up := 0
		for _, o := range r.Orderers {
			if o.Reachable {
				up++
			}
		}
		if up <= n/2 {
			r.Problems = append(r.Problems, fmt.Sprintf("only %d of %d orderers reachable: no raft quorum", up, n))
		}
		r.Problems = append(r.Problems, raftProblems(r.Orderers)...)
	}
	r.Healthy = len(r.Problems) == 0
}

// StatusOptions tune Status.
type StatusOptions struct {
	// Lag is how many blocks a peer may trail the highest and still count
	// as healthy (default 0).
	Lag uint64
	// Settle is how long Status re-reads heights while a reachable peer
	// is behind, so a block being committed is not reported (default 3s;
	// negative: no retry).
	Settle time.Duration
	// SkipChaincode leaves the chaincode definition out.
	SkipChaincode bool
}

// Status reads every peer's height, the committed definition of the
// connection's chaincode, the orderers' reachability and raft roles (from
// their operations endpoints' /metrics), and evaluates them.
func (c *Client) Status(ctx context.Context, opt StatusOptions) (*StatusReport, error) {
	if opt.Settle == 0 {
		opt.Settle = 3 * time.Second
	}
	r := &StatusReport{Channel: c.conn.Channel, Identity: c.Identity()}
	lc, lerr := c.ledgerClient()
	deadline := time.Now().Add(opt.Settle)
	for {
		r.Peers = r.Peers[:0]
		for i := range c.conn.Orgs {
			o := &c.conn.Orgs[i]
			p := PeerStatus{Name: PeerName(o), MSPID: o.MSPID, Endpoint: o.PeerEndpoint}
			if lerr != nil {
				p.Error = lerr.Error()
			} else if info, err := lc.QueryInfo(ledger.WithTargetEndpoints(p.Name), ledger.WithParentContext(ctx)); err != nil {
				p.Error = firstLine(err.Error())
			} else {
				p.Reachable = true
				p.Height = info.BCI.Height
				p.CurrentBlockHash = hex.EncodeToString(info.BCI.CurrentBlockHash)
			}
			r.Peers = append(r.Peers, p)
		}
		r.Evaluate(opt.Lag)
		behind := false
		for _, p := range r.Peers {
			if p.Reachable && p.Behind > opt.Lag {
				behind = true
			}
		}
		if !behind || opt.Settle < 0 || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if !opt.SkipChaincode && c.conn.Chaincode != "" {
		r.Chaincode = c.committedChaincode(ctx, r.Peers)
	}
	for i := range c.conn.Orderers {
		o := &c.conn.Orderers[i]
		s := OrdererStatus{Name: OrdererName(i, o), Endpoint: o.Endpoint}
		if err := tlsProbe(ctx, o.Endpoint, o.HostOverride, o.TLSCACert); err != nil {
			s.Error = err.Error()
		} else {
			s.Reachable = true
		}
		if o.OperationsEndpoint != "" {
			s.Operations = o.OperationsEndpoint
			if m, err := fetchRaftMetrics(ctx, o, c.conn.Channel); err != nil {
				s.RaftError = firstLine(err.Error())
			} else {
				s.RaftRole, s.ClusterSize, s.ActiveNodes = m.Role(), m.ClusterSize, m.ActiveNodes
			}
		}
		r.Orderers = append(r.Orderers, s)
	}
	r.Fallback = c.Fallback()
	r.Evaluate(opt.Lag)
	return r, nil
}

// committedChaincode asks the reachable peers, own org's first, for the
// committed definition.
func (c *Client) committedChaincode(ctx context.Context, peers []PeerStatus) *ChaincodeStatus {
	cs := &ChaincodeStatus{Name: c.conn.Chaincode}
	rc, err := c.resmgmtClient()
	if err != nil {
		cs.Error = err.Error()
		return cs
	}
	order := make([]PeerStatus, 0, len(peers))
	for _, p := range peers {
		if p.MSPID == c.org.MSPID {
			order = append([]PeerStatus{p}, order...)
		} else {
			order = append(order, p)
		}
	}
	var errs []string
	for _, p := range order {
		if !p.Reachable {
			continue
		}
		defs, err := rc.LifecycleQueryCommittedCC(c.conn.Channel, resmgmt.LifecycleQueryCommittedCCRequest{Name: c.conn.Chaincode},
			resmgmt.WithTargetEndpoints(p.Name), resmgmt.WithParentContext(ctx))
		if err != nil {
			errs = append(errs, p.Name+": "+firstLine(err.Error()))
			continue
		}
		for _, d := range defs {
			if d.Name != c.conn.Chaincode {
				continue
			}
			cs.Version, cs.Sequence, cs.Approvals, cs.Peer = d.Version, d.Sequence, d.Approvals, p.Name
			cs.EndorsementPolicy = d.ChannelConfigPolicy
			if cs.EndorsementPolicy == "" && d.SignaturePolicy != nil {
				cs.EndorsementPolicy = SignaturePolicyString(d.SignaturePolicy)
			}
			return cs
		}
		cs.Error = fmt.Sprintf("not committed on channel %s (asked %s)", c.conn.Channel, p.Name)
		return cs
	}
	if len(errs) == 0 {
		errs = append(errs, "no reachable peer")
	}
	cs.Error = "cannot query the committed definition: " + strings.Join(errs, "; ")
	return cs
}

// SignaturePolicyString renders a signature policy like the peer CLI does,
// e.g. OutOf(2, 'BeijingMSP.peer', 'TianjinMSP.peer').
func SignaturePolicyString(env *common.SignaturePolicyEnvelope) string {
	var ids []string
	for _, p := range env.Identities {
		ids = append(ids, principalString(p))
	}
	var walk func(*common.SignaturePolicy) string
	walk = func(p *common.SignaturePolicy) string {
		if p == nil {
			return "?"
		}
		switch t := p.Type.(type) {
		case *common.SignaturePolicy_SignedBy:
			if int(t.SignedBy) < len(ids) {
				return "'" + ids[t.SignedBy] + "'"
			}
			return "?"
		case *common.SignaturePolicy_NOutOf_:
			var parts []string
			for _, r := range t.NOutOf.Rules {
				parts = append(parts, walk(r))
			}
			return fmt.Sprintf("OutOf(%d, %s)", t.NOutOf.N, strings.Join(parts, ", "))
		}
		return "?"
	}
	return walk(env.Rule)
}

// tlsProbe opens a TLS connection to ep and verifies the server's
// certificate against caFile for serverName.
func tlsProbe(ctx context.Context, ep, serverName, caFile string) error {
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return fmt.Errorf("no certificate in %s", caFile)
	}
	if serverName == "" {
		serverName, _, _ = net.SplitHostPort(ep)
	}
	d := tls.Dialer{NetDialer: &net.Dialer{Timeout: 3 * time.Second},
		Config: &tls.Config{RootCAs: pool, ServerName: serverName, NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12}}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := d.DialContext(cctx, "tcp", ep)
	if err != nil {
		return err
	}
	return conn.Close()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// principalString renders an MSP principal as "<MSP>.<role>" ("?" if it is
// not a role principal).
func principalString(p *msp.MSPPrincipal) string {
	if p == nil || p.PrincipalClassification != msp.MSPPrincipal_ROLE {
		return "?"
	}
	r := &msp.MSPRole{}
	if err := proto.Unmarshal(p.Principal, r); err != nil {
		return "?"
	}
	return r.MspIdentifier + "." + strings.ToLower(r.Role.String())
}
