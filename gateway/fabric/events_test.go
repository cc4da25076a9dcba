package fabric

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/gateway/ledger"
	"github.com/metrotrace/metrotrace/network"
)

// chainBlock is block n of a test channel: one metrotrace transaction,
// "tx<n>".
func chainBlock(t *testing.T, n uint64) *common.Block {
	return &common.Block{
		Header: &common.BlockHeader{Number: n},
		Data: &common.BlockData{Data: [][]byte{
			envelope(t, fmt.Sprint("tx", n), common.HeaderType_ENDORSER_TRANSACTION, "metrotrace", "metrotrace", []byte(`{}`)),
		}},
	}
}

// fakePeer serves a test channel's blocks: each stream sends blocks from
// its start on, through block last, each after delay; a stream opened
// with from below stallAt stops sending (without closing) at stallAt, one
// below breakAt closes after sending breakAt-1; the first failOpens opens
// are refused.
type fakePeer struct {
	t                 *testing.T
	msp               string
	last              uint64
	delay             time.Duration
	stallAt, breakAt  uint64
	failOpens         int
	mu                sync.Mutex
	opens             []uint64
	skipFirst, sentUp bool
}

func (p *fakePeer) stream() peerStream {
	return peerStream{msp: p.msp, open: func(ctx context.Context, from uint64) (<-chan *common.Block, error) {
		p.mu.Lock()
		p.opens = append(p.opens, from)
		refuse := len(p.opens) <= p.failOpens
		p.mu.Unlock()
		if refuse {
			return nil, errors.New("connection refused")
		}
		out := make(chan *common.Block)
		go func() {
			defer close(out)
			start := from
			if p.skipFirst {
				start++ // a misbehaving peer: its first block is past from
			}
			for n := start; n <= p.last; n++ {
				if p.stallAt > 0 && from < p.stallAt && n == p.stallAt {
					<-ctx.Done()
					return
				}
				if p.breakAt > 0 && from < p.breakAt && n == p.breakAt {
					return
				}
				select {
				case <-time.After(p.delay):
				case <-ctx.Done():
					return
				}
				select {
				case out <- chainBlock(p.t, n):
				case <-ctx.Done():
					return
				}
			}
			<-ctx.Done()
		}()
		return out, nil
	}}
}

// follow runs followPeers from block from until block last is delivered
// and returns the transaction ids delivered, in order.
func follow(t *testing.T, from, last uint64, peers ...*fakePeer) ([]string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var streams []peerStream
	for _, p := range peers {
		streams = append(streams, p.stream())
	}
	var got []string
	err := followPeers(ctx, streams, from, "metrotrace", nil, func(e ledger.Event) error {
		got = append(got, e.TxID)
		if e.BlockNumber == last {
			cancel()
		}
		return nil
	})
	return got, err
}

func txIDs(from, last uint64) []string {
	var ids []string
	for n := from; n <= last; n++ {
		ids = append(ids, fmt.Sprint("tx", n))
	}
	return ids
}

// TestFollowingSeveralPeersDeliversEachBlockOnce: three peers, one that
// stalls at block 5, one whose stream breaks after block 6 and one whose
// first dial is refused: every block from 3 to 19 is delivered once, in
// order, and the broken and refused streams are opened again at a block
// not yet delivered.
func TestFollowingSeveralPeersDeliversEachBlockOnce(t *testing.T) {
	stalls := &fakePeer{t: t, msp: "BeijingMSP", last: 19, stallAt: 5}
	breaks := &fakePeer{t: t, msp: "TianjinMSP", last: 19, delay: time.Millisecond, breakAt: 7}
	refused := &fakePeer{t: t, msp: "HebeiMSP", last: 19, delay: 3 * time.Millisecond, failOpens: 1}
	got, err := follow(t, 3, 19, stalls, breaks, refused)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("followPeers = %v, want context.Canceled once block 19 was delivered", err)
	}
	if want := txIDs(3, 19); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	// Each stream starts at the next block not delivered when its
	// goroutine first runs: 3, or later when another peer was first.
	if len(stalls.opens) != 1 || stalls.opens[0] < 3 {
		t.Errorf("the stalled peer's stream was opened at %v, want once, at 3 or later", stalls.opens)
	}
	if o := breaks.opens; len(o) == 0 || o[0] < 3 || (o[0] < 7 && (len(o) < 2 || o[1] < 6)) {
		t.Errorf("the broken peer's stream was opened at %v, want at 3 or later, then (when it broke after block 6) again at 6 or later", o)
	}
	if o := refused.opens; len(o) < 2 || o[0] < 3 || o[1] < o[0] {
		t.Errorf("the refused peer's stream was opened at %v, want at 3 or later, then again no earlier", o)
	}
}

// TestAPeerSkippingABlockStopsFollowing: a block past the next one to
// deliver is an error, not a gap in the index.
func TestAPeerSkippingABlockStopsFollowing(t *testing.T) {
	bad := &fakePeer{t: t, msp: "TianjinMSP", last: 9, skipFirst: true}
	got, err := follow(t, 4, 9, bad)
	if err == nil || err.Error() != "TianjinMSP's peer sent block 5 before block 4" || len(got) != 0 {
		t.Fatalf("followPeers = %v, delivered %v; want the skipped block's error and nothing delivered", err, got)
	}
}

// TestTheFollowedPeersAreThoseOfOrganizationsWithUsers: without EventsOrg
// every organization with an enrolled user is followed, in the
// connection's order (one without users, a partner listed for its peer
// only, is not); EventsOrg follows that one only, and one the connection
// has no user of is refused by name.
func TestTheFollowedPeersAreThoseOfOrganizationsWithUsers(t *testing.T) {
	dir := t.TempDir()
	user := func(name, inst string) network.User {
		u := network.User{Name: name, Institution: inst, Role: "recorder",
			Cert: filepath.Join(dir, name+".pem"), Key: filepath.Join(dir, name+"_sk"), MSPDir: dir}
		for _, f := range []string{u.Cert, u.Key} {
			if err := os.WriteFile(f, []byte(name), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return u
	}
	conn := &network.Connection{Channel: "metrology", Chaincode: "metrotrace", Orgs: []network.Org{
		{MSPID: "BeijingMSP", Users: []network.User{user("bjim-recorder", "BJIM")}},
		{MSPID: "TianjinMSP"},
		{MSPID: "HebeiMSP", Users: []network.User{user("heim-recorder", "HEIM"), user("he-lab-recorder", "HE-LAB")}},
	}}
	ledgerWith := func(eventsOrg string) *Ledger {
		l := &Ledger{conn: conn, ids: map[string]*identity.Identity{}, users: map[string][]network.User{}, opts: Options{EventsOrg: eventsOrg}}
		for _, o := range conn.Orgs {
			l.users[o.MSPID] = o.Users
		}
		return l
	}
	msps := func(ids []*identity.Identity) string {
		var s []string
		for _, id := range ids {
			s = append(s, id.MSPID+":"+string(id.CertPEM))
		}
		return strings.Join(s, " ")
	}
	ids, err := ledgerWith("").firstUsers(0)
	if got := msps(ids); err != nil || got != "BeijingMSP:bjim-recorder HebeiMSP:heim-recorder" {
		t.Fatalf("followed = %q, %v; want Beijing's and Hebei's first users", got, err)
	}
	if id, err := ledgerWith("").anyIdentity(); err != nil || id.MSPID+":"+string(id.CertPEM) != "BeijingMSP:bjim-recorder" {
		t.Fatalf("anyIdentity = %+v, %v; want Beijing's first user", id, err)
	}
	ids, err = ledgerWith("HebeiMSP").firstUsers(0)
	if got := msps(ids); err != nil || got != "HebeiMSP:heim-recorder" {
		t.Fatalf("followed with EventsOrg HebeiMSP = %q, %v; want Hebei's only", got, err)
	}
	for _, org := range []string{"TianjinMSP", "NoSuchMSP"} {
		_, err = ledgerWith(org).firstUsers(0)
		if want := "the connection description has no user of " + org + ", the organization to follow"; err == nil || err.Error() != want {
			t.Fatalf("EventsOrg %s: %v, want %q", org, err, want)
		}
	}
}
