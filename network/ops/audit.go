package ops

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hyperledger/fabric-protos-go/common"
	"github.com/hyperledger/fabric-protos-go/peer"
	"github.com/hyperledger/fabric-sdk-go/pkg/client/channel"
	"github.com/hyperledger/fabric-sdk-go/pkg/client/ledger"
	"github.com/hyperledger/fabric-sdk-go/pkg/common/providers/fab"
)

// txIDPattern is the form of a Fabric transaction id: the hex SHA-256 of
// nonce and creator.
var txIDPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidTxID reports whether id looks like a Fabric transaction id.
func ValidTxID(id string) error {
	if !txIDPattern.MatchString(id) {
		return fmt.Errorf("%q is not a transaction id (64 lower-case hex digits)", id)
	}
	return nil
}

// Audit builds the proof for one transaction from the ledger of peer (MSP
// id, org name or peer name; "" = the client's own org's peer): the block
// holding it, its validation code (from the block metadata, cross-checked
// with the peer's processed-transaction record), creator and endorsers, and
// the block's data hash and its links to the previous and next blocks.
func (c *Client) Audit(ctx context.Context, txID, peerSel string) (*TxAudit, error) {
	if err := ValidTxID(txID); err != nil {
		return nil, fmt.Errorf("ops: audit: %w", err)
	}
	_, target, err := c.peerOf(peerSel)
	if err != nil {
		return nil, err
	}
	lc, err := c.ledgerClient()
	if err != nil {
		return nil, err
	}
	opts := []ledger.RequestOption{ledger.WithTargetEndpoints(target), ledger.WithParentContext(ctx)}
	block, err := lc.QueryBlockByTxID(fab.TransactionID(txID), opts...)
	if err != nil {
		return nil, fmt.Errorf("ops: audit: block of transaction %s (peer %s): %w", txID, target, errors.New(firstLine(err.Error())))
	}
	a, err := AuditBlock(block, txID)
	if err != nil {
		return nil, err
	}
	if pt, err := lc.QueryTransaction(fab.TransactionID(txID), opts...); err == nil {
		if code := peer.TxValidationCode(pt.ValidationCode).String(); code != a.ValidationCode {
			return nil, fmt.Errorf("ops: audit: transaction %s: block metadata says %s, the peer's transaction index says %s", txID, a.ValidationCode, code)
		}
	}
	var prev, next *common.Block
	if a.BlockNumber > 0 {
		if prev, err = lc.QueryBlock(a.BlockNumber-1, opts...); err != nil {
			return nil, fmt.Errorf("ops: audit: block %d: %w", a.BlockNumber-1, errors.New(firstLine(err.Error())))
		}
	}
	if info, err := lc.QueryInfo(opts...); err == nil {
		switch {
		case info.BCI.Height > a.BlockNumber+1:
			if next, err = lc.QueryBlock(a.BlockNumber+1, opts...); err != nil {
				return nil, fmt.Errorf("ops: audit: block %d: %w", a.BlockNumber+1, errors.New(firstLine(err.Error())))
			}
		case info.BCI.Height == a.BlockNumber+1:
			ok := hex.EncodeToString(info.BCI.CurrentBlockHash) == a.BlockHash
			a.PeerHashOK = &ok
		}
	}
	a.CheckLinks(prev, next)
	return a, nil
}

// RecordVersion is one version of a record as the chaincode's History
// function returns it.
type RecordVersion struct {
	TxID      string          `json:"tx_id"`
	Timestamp string          `json:"timestamp"`
	IsDelete  bool            `json:"is_delete"`
	Value     json.RawMessage `json:"value"`
}

// ParseRecordRef splits "DOCTYPE/ID" (e.g. certificate/TJ-2024-0001).
func ParseRecordRef(ref string) (docType, id string, err error) {
	docType, id, ok := strings.Cut(ref, "/")
	if !ok || docType == "" || id == "" {
		return "", "", fmt.Errorf("record %q: want DOCTYPE/ID, e.g. certificate/TJ-2024-0001", ref)
	}
	return docType, id, nil
}

// RecordHistory asks the chaincode (function History, evaluated on peer)
// for every version of a record, oldest first, with the transaction that
// wrote it.
func (c *Client) RecordHistory(ctx context.Context, docType, id, peerSel string) ([]RecordVersion, error) {
	_, target, err := c.peerOf(peerSel)
	if err != nil {
		return nil, err
	}
	cc, err := c.channelClient()
	if err != nil {
		return nil, err
	}
	resp, err := cc.Query(channel.Request{ChaincodeID: c.conn.Chaincode, Fcn: "History", Args: [][]byte{[]byte(docType), []byte(id)}},
		channel.WithTargetEndpoints(target), channel.WithParentContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("ops: history of %s %s: %s", docType, id, firstLine(err.Error()))
	}
	var vs []RecordVersion
	if err := json.Unmarshal(resp.Payload, &vs); err != nil {
		return nil, fmt.Errorf("ops: history of %s %s: %w", docType, id, err)
	}
	return vs, nil
}
