package fabric

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// Events reads full blocks from block from on and delivers the metrotrace
// chaincode event of every valid transaction, and an unnamed event for each
// block without one, so a reader's checkpoint moves past every block.
//
// With Options.EventsOrg set, or one organization in the connection, one
// peer delivers the blocks and Events returns when its stream ends. Given
// several organizations' users (one gateway holding every region's keys),
// it follows every one of their peers at once and applies each block from
// whichever delivers it first: a transaction committed through any peer
// reaches the index as soon as its own peer has it, not after the one
// followed peer has committed the block too, and a peer that stops (its
// stream is dialled again with backoff) does not stop the index.
func (l *Ledger) Events(ctx context.Context, from uint64, deliver func(ledger.Event) error) error {
	ids, err := l.firstUsers(0)
	if err != nil {
		return err
	}
	if len(ids) == 1 {
		return l.followPeer(ctx, ids[0], from, deliver)
	}
	streams := make([]peerStream, len(ids))
	for i, id := range ids {
		streams[i] = peerStream{msp: id.MSPID, open: func(ctx context.Context, from uint64) (<-chan *common.Block, error) {
			return l.blockEvents(ctx, id, from)
		}}
	}
	return followPeers(ctx, streams, from, l.conn.Chaincode, l.opts.Log, deliver)
}

// blockEvents opens the block stream of id's organization's peer from
// block from on.
func (l *Ledger) blockEvents(ctx context.Context, id *identity.Identity, from uint64) (<-chan *common.Block, error) {
	gw, err := l.gateway(id)
	if err != nil {
		return nil, err
	}
	blocks, err := gw.GetNetwork(l.conn.Channel).BlockEvents(ctx, client.WithStartBlock(from))
	if err != nil {
		return nil, fmt.Errorf("block events of %s's peer from %d: %w", id.MSPID, from, err)
	}
	return blocks, nil
}

// followPeer delivers the blocks of one peer until its stream ends.
func (l *Ledger) followPeer(ctx context.Context, id *identity.Identity, from uint64, deliver func(ledger.Event) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks, err := l.blockEvents(ctx, id, from)
	if err != nil {
		return err
	}
	for b := range blocks {
		if err := deliverBlock(b, l.conn.Chaincode, deliver); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.New("block event stream ended")
}

// peerStream opens the block stream of one organization's peer from a
// block on.
type peerStream struct {
	msp  string
	open func(ctx context.Context, from uint64) (<-chan *common.Block, error)
}

// peerBlock is a block and the organization whose peer delivered it.
type peerBlock struct {
	block *common.Block
	msp   string
}

// followPeers delivers each block once, in order, from the first of the
// peers to have it, until ctx ends or deliver fails. Every peer's stream
// starts at the next block not yet delivered, so a block a stream sends is
// never past that one: the blocks before it came through the same stream.
func followPeers(ctx context.Context, streams []peerStream, from uint64, chaincode string, log *slog.Logger, deliver func(ledger.Event) error) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Uint64
	next.Store(from)
	blocks := make(chan peerBlock)
	for _, ps := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ps.send(ctx, &next, blocks, log)
		}()
	}
	for {
		var pb peerBlock
		select {
		case <-ctx.Done():
			return ctx.Err()
		case pb = <-blocks:
		}
		n, want := pb.block.GetHeader().GetNumber(), next.Load()
		switch {
		case n < want:
			continue // another peer delivered it first
		case n > want:
			return fmt.Errorf("%s's peer sent block %d before block %d", pb.msp, n, want)
		}
		if err := deliverBlock(pb.block, chaincode, deliver); err != nil {
			return err
		}
		next.Store(n + 1)
	}
}

// send sends the peer's blocks to out until ctx ends, opening the stream
// again at the next undelivered block, with backoff, whenever it ends.
func (ps peerStream) send(ctx context.Context, next *atomic.Uint64, out chan<- peerBlock, log *slog.Logger) {
	backoff := followBackoff
	for ctx.Err() == nil {
		from := next.Load()
		sent := false
		blocks, err := ps.open(ctx, from)
		if err == nil {
			for b := range blocks {
				select {
				case out <- peerBlock{block: b, msp: ps.msp}:
					sent = true
				case <-ctx.Done():
					return
				}
			}
			err = errors.New("block event stream ended")
		}
		if ctx.Err() != nil {
			return
		}
		if sent {
			backoff = followBackoff
		}
		if log != nil {
			log.Warn("fabric: a followed peer's block stream stopped; the other peers go on, this one is dialled again",
				"msp_id", ps.msp, "from_block", from, "err", err, "backoff", backoff)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxFollowBackoff)
	}
}

// followBackoff and maxFollowBackoff bound the wait before a followed
// peer's stream is opened again.
const (
	followBackoff    = 100 * time.Millisecond
	maxFollowBackoff = 5 * time.Second
)

// deliverBlock delivers a block's events, or one unnamed event when it has
// none.
func deliverBlock(b *common.Block, chaincode string, deliver func(ledger.Event) error) error {
	events, err := chaincodeEvents(b, chaincode)
	if err != nil {
		return err
	}
	if len(events) == 0 {
		events = []ledger.Event{{BlockNumber: b.GetHeader().GetNumber()}}
	}
	for _, e := range events {
		if err := deliver(e); err != nil {
			return err
		}
	}
	return nil
}

// chaincodeEvents extracts, in order, the events a chaincode set in the
// valid endorser transactions of a block.
func chaincodeEvents(b *common.Block, chaincode string) ([]ledger.Event, error) {
	number := b.GetHeader().GetNumber()
	var filter []byte
	if md := b.GetMetadata().GetMetadata(); len(md) > int(common.BlockMetadataIndex_TRANSACTIONS_FILTER) {
		filter = md[common.BlockMetadataIndex_TRANSACTIONS_FILTER]
	}
	var out []ledger.Event
	for i, envBytes := range b.GetData().GetData() {
		if i < len(filter) && peer.TxValidationCode(filter[i]) != peer.TxValidationCode_VALID {
			continue
		}
		ev, err := transactionEvent(envBytes, chaincode)
		if err != nil {
			return nil, fmt.Errorf("block %d transaction %d: %w", number, i, err)
		}
		if ev != nil {
			ev.BlockNumber = number
			out = append(out, *ev)
		}
	}
	return out, nil
}

func transactionEvent(envBytes []byte, chaincode string) (*ledger.Event, error) {
	var env common.Envelope
	if err := proto.Unmarshal(envBytes, &env); err != nil {
		return nil, err
	}
	var payload common.Payload
	if err := proto.Unmarshal(env.GetPayload(), &payload); err != nil {
		return nil, err
	}
	var ch common.ChannelHeader
	if err := proto.Unmarshal(payload.GetHeader().GetChannelHeader(), &ch); err != nil {
		return nil, err
	}
	if common.HeaderType(ch.GetType()) != common.HeaderType_ENDORSER_TRANSACTION {
		return nil, nil
	}
	var tx peer.Transaction
	if err := proto.Unmarshal(payload.GetData(), &tx); err != nil {
		return nil, err
	}
	for _, action := range tx.GetActions() {
		var actionPayload peer.ChaincodeActionPayload
		if err := proto.Unmarshal(action.GetPayload(), &actionPayload); err != nil {
			return nil, err
		}
		var prp peer.ProposalResponsePayload
		if err := proto.Unmarshal(actionPayload.GetAction().GetProposalResponsePayload(), &prp); err != nil {
			return nil, err
		}
		var cca peer.ChaincodeAction
		if err := proto.Unmarshal(prp.GetExtension(), &cca); err != nil {
			return nil, err
		}
		var ce peer.ChaincodeEvent
		if err := proto.Unmarshal(cca.GetEvents(), &ce); err != nil {
			return nil, err
		}
		if ce.GetChaincodeId() != chaincode || ce.GetEventName() == "" {
			continue
		}
		return &ledger.Event{TxID: ch.GetTxId(), Timestamp: ch.GetTimestamp().AsTime().UTC().Truncate(time.Nanosecond),
			Name: ce.GetEventName(), Payload: ce.GetPayload()}, nil
	}
	return nil, nil
}
