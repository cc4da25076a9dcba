package fabric

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// Events reads full blocks from block from on and delivers the metrotrace
// chaincode event of every valid transaction, and an unnamed event for each
// block without one, so a reader's checkpoint moves past every block.
func (l *Ledger) Events(ctx context.Context, from uint64, deliver func(ledger.Event) error) error {
	id, err := l.anyIdentity()
	if err != nil {
		return err
	}
	gw, err := l.gateway(id)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks, err := gw.GetNetwork(l.conn.Channel).BlockEvents(ctx, client.WithStartBlock(from))
	if err != nil {
		return fmt.Errorf("block events from %d: %w", from, err)
	}
	for b := range blocks {
		events, err := chaincodeEvents(b, l.conn.Chaincode)
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
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.New("block event stream ended")
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
