package ops

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/golang/protobuf/proto" //nolint:staticcheck // the sdk's protos are APIv1 messages
	"github.com/hyperledger/fabric-protos-go/common"
	"github.com/hyperledger/fabric-protos-go/msp"
	"github.com/hyperledger/fabric-protos-go/peer"
)

// BlockDataHash is the hash Fabric puts into a block header's data_hash: the
// SHA-256 of the concatenation of the block's envelopes, in order.
func BlockDataHash(data [][]byte) []byte {
	h := sha256.New()
	for _, d := range data {
		h.Write(d)
	}
	return h.Sum(nil)
}

// asn1Header is the ASN.1 structure Fabric hashes as a block's header.
type asn1Header struct {
	Number       *big.Int
	PreviousHash []byte
	DataHash     []byte
}

// BlockHeaderHash is a block's hash as Fabric computes it (and as the next
// block's previous_hash and the peer's CurrentBlockHash carry it): the SHA-256
// of the DER encoding of SEQUENCE { number INTEGER, previous_hash OCTET
// STRING, data_hash OCTET STRING }.
func BlockHeaderHash(h *common.BlockHeader) []byte {
	if h == nil {
		return nil
	}
	der, err := asn1.Marshal(asn1Header{
		Number:       new(big.Int).SetUint64(h.Number),
		PreviousHash: h.PreviousHash,
		DataHash:     h.DataHash,
	})
	if err != nil { // cannot happen for these types
		panic(fmt.Sprintf("ops: asn1 of block header: %v", err))
	}
	sum := sha256.Sum256(der)
	return sum[:]
}

// Identity is a signer found in a transaction (creator or endorser).
type Identity struct {
	MSPID string `json:"msp_id"`
	// Subject is the certificate's subject common name.
	Subject string `json:"subject,omitempty"`
	// Issuer is the certificate issuer's common name.
	Issuer string `json:"issuer,omitempty"`
	// Attributes are the Fabric CA attributes of the enrollment certificate
	// whose name starts with "metrotrace.".
	Attributes map[string]string `json:"attributes,omitempty"`
}

// TxAudit is the proof behind one transaction.
type TxAudit struct {
	TxID    string `json:"tx_id"`
	Channel string `json:"channel"`
	// Type is the envelope's header type, e.g. ENDORSER_TRANSACTION.
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	// Chaincode is the chaincode the transaction invoked (name), if any.
	Chaincode string `json:"chaincode,omitempty"`
	// BlockNumber and TxIndex locate the transaction.
	BlockNumber uint64 `json:"block_number"`
	TxIndex     int    `json:"tx_index"`
	BlockTxs    int    `json:"block_txs"`
	// ValidationCode is the committing peer's verdict from the block
	// metadata, e.g. VALID or MVCC_READ_CONFLICT.
	ValidationCode string     `json:"validation_code"`
	Valid          bool       `json:"valid"`
	Creator        Identity   `json:"creator"`
	Endorsers      []Identity `json:"endorsers"`
	// EndorsingOrgs are the MSP ids of the endorsers, sorted, unique.
	EndorsingOrgs []string `json:"endorsing_orgs"`
	// BlockHash is the hash of the block's header; PreviousHash and DataHash
	// are the header's fields (hex).
	BlockHash    string `json:"block_hash"`
	PreviousHash string `json:"previous_hash"`
	DataHash     string `json:"data_hash"`
	// ComputedDataHash is the SHA-256 of the block's data; DataHashOK tells
	// whether it equals DataHash.
	ComputedDataHash string `json:"computed_data_hash"`
	DataHashOK       bool   `json:"data_hash_ok"`
	// PreviousHashOK tells whether PreviousHash is the hash of the previous
	// block's header (nil when that block was not checked).
	PreviousHashOK *bool `json:"previous_hash_ok,omitempty"`
	// NextLinkOK tells whether the next block's previous_hash is BlockHash
	// (nil when there is no next block yet or it was not checked).
	NextLinkOK *bool `json:"next_link_ok,omitempty"`
	// PeerHashOK tells, when the block is the peer's latest, whether
	// BlockHash equals the peer's own current block hash (nil otherwise).
	PeerHashOK *bool `json:"peer_hash_ok,omitempty"`
}

// OK tells whether the proof holds: the transaction is valid and every hash
// that was checked matches.
func (a *TxAudit) OK() bool {
	holds := func(b *bool) bool { return b == nil || *b }
	return a.Valid && a.DataHashOK && holds(a.PreviousHashOK) && holds(a.NextLinkOK) && holds(a.PeerHashOK)
}

// AuditBlock finds the transaction txID in block and builds its proof from
// the block alone (data hash, header fields, validation code from the
// metadata, creator, endorsers). Links to neighbouring blocks are checked by
// CheckLinks.
func AuditBlock(block *common.Block, txID string) (*TxAudit, error) {
	if block == nil || block.Header == nil || block.Data == nil {
		return nil, errors.New("ops: audit: block without header or data")
	}
	computed := BlockDataHash(block.Data.Data)
	a := &TxAudit{
		TxID:             txID,
		BlockNumber:      block.Header.Number,
		TxIndex:          -1,
		BlockTxs:         len(block.Data.Data),
		BlockHash:        hex.EncodeToString(BlockHeaderHash(block.Header)),
		PreviousHash:     hex.EncodeToString(block.Header.PreviousHash),
		DataHash:         hex.EncodeToString(block.Header.DataHash),
		ComputedDataHash: hex.EncodeToString(computed),
		DataHashOK:       bytes.Equal(computed, block.Header.DataHash),
		EndorsingOrgs:    []string{},
		Endorsers:        []Identity{},
	}
	for i, envBytes := range block.Data.Data {
		env := &common.Envelope{}
		if err := proto.Unmarshal(envBytes, env); err != nil {
			return nil, fmt.Errorf("ops: audit: block %d tx %d: envelope: %w", a.BlockNumber, i, err)
		}
		payload := &common.Payload{}
		if err := proto.Unmarshal(env.Payload, payload); err != nil {
			return nil, fmt.Errorf("ops: audit: block %d tx %d: payload: %w", a.BlockNumber, i, err)
		}
		if payload.Header == nil {
			continue
		}
		ch := &common.ChannelHeader{}
		if err := proto.Unmarshal(payload.Header.ChannelHeader, ch); err != nil {
			return nil, fmt.Errorf("ops: audit: block %d tx %d: channel header: %w", a.BlockNumber, i, err)
		}
		if ch.TxId != txID {
			continue
		}
		a.TxIndex = i
		a.Channel = ch.ChannelId
		a.Type = common.HeaderType(ch.Type).String()
		if ch.Timestamp != nil {
			a.Timestamp = time.Unix(ch.Timestamp.Seconds, int64(ch.Timestamp.Nanos)).UTC()
		}
		sh := &common.SignatureHeader{}
		if err := proto.Unmarshal(payload.Header.SignatureHeader, sh); err != nil {
			return nil, fmt.Errorf("ops: audit: tx %s: signature header: %w", txID, err)
		}
		creator, err := ParseIdentity(sh.Creator)
		if err != nil {
			return nil, fmt.Errorf("ops: audit: tx %s: creator: %w", txID, err)
		}
		a.Creator = creator
		if ch.Type == int32(common.HeaderType_ENDORSER_TRANSACTION) {
			if err := a.readEndorsements(payload.Data); err != nil {
				return nil, fmt.Errorf("ops: audit: tx %s: %w", txID, err)
			}
		}
		a.ValidationCode, a.Valid = validationCode(block, i)
		return a, nil
	}
	return nil, fmt.Errorf("ops: audit: transaction %s is not in block %d", txID, a.BlockNumber)
}

// validationCode reads the transaction's code from the block's
// TRANSACTIONS_FILTER metadata.
func validationCode(block *common.Block, i int) (string, bool) {
	md := block.Metadata
	idx := int(common.BlockMetadataIndex_TRANSACTIONS_FILTER)
	if md == nil || len(md.Metadata) <= idx || len(md.Metadata[idx]) <= i {
		return "UNKNOWN (no transactions filter in the block metadata)", false
	}
	code := peer.TxValidationCode(md.Metadata[idx][i])
	return code.String(), code == peer.TxValidationCode_VALID
}

func (a *TxAudit) readEndorsements(data []byte) error {
	tx := &peer.Transaction{}
	if err := proto.Unmarshal(data, tx); err != nil {
		return fmt.Errorf("transaction: %w", err)
	}
	orgs := map[string]bool{}
	for _, act := range tx.Actions {
		ccap := &peer.ChaincodeActionPayload{}
		if err := proto.Unmarshal(act.Payload, ccap); err != nil {
			return fmt.Errorf("chaincode action payload: %w", err)
		}
		if ccap.Action == nil {
			continue
		}
		if a.Chaincode == "" {
			a.Chaincode = chaincodeName(ccap.Action.ProposalResponsePayload)
		}
		for _, e := range ccap.Action.Endorsements {
			id, err := ParseIdentity(e.Endorser)
			if err != nil {
				return fmt.Errorf("endorser: %w", err)
			}
			a.Endorsers = append(a.Endorsers, id)
			orgs[id.MSPID] = true
		}
	}
	for o := range orgs {
		a.EndorsingOrgs = append(a.EndorsingOrgs, o)
	}
	sort.Strings(a.EndorsingOrgs)
	return nil
}

// chaincodeName reads the chaincode id from a proposal response payload's
// ChaincodeAction ("" if it cannot).
func chaincodeName(prp []byte) string {
	p := &peer.ProposalResponsePayload{}
	if proto.Unmarshal(prp, p) != nil {
		return ""
	}
	ca := &peer.ChaincodeAction{}
	if proto.Unmarshal(p.Extension, ca) != nil || ca.ChaincodeId == nil {
		return ""
	}
	return ca.ChaincodeId.Name
}

// attrOID is the certificate extension in which Fabric CA puts enrollment
// attributes, as JSON {"attrs":{"name":"value",...}}.
var attrOID = asn1.ObjectIdentifier{1, 2, 3, 4, 5, 6, 7, 8, 1}

// ParseIdentity decodes a serialized identity (msp.SerializedIdentity with a
// PEM certificate): MSP id, subject and issuer common names, and the
// metrotrace.* attributes of the certificate.
func ParseIdentity(serialized []byte) (Identity, error) {
	sid := &msp.SerializedIdentity{}
	if err := proto.Unmarshal(serialized, sid); err != nil {
		return Identity{}, fmt.Errorf("serialized identity: %w", err)
	}
	id := Identity{MSPID: sid.Mspid}
	blk, _ := pem.Decode(sid.IdBytes)
	if blk == nil {
		return id, fmt.Errorf("identity of %s: no PEM certificate", sid.Mspid)
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return id, fmt.Errorf("identity of %s: %w", sid.Mspid, err)
	}
	id.Subject = cert.Subject.CommonName
	id.Issuer = cert.Issuer.CommonName
	attrs, err := CertAttributes(cert)
	if err != nil {
		return id, fmt.Errorf("identity %s of %s: %w", id.Subject, sid.Mspid, err)
	}
	for k, v := range attrs {
		if strings.HasPrefix(k, "metrotrace.") {
			if id.Attributes == nil {
				id.Attributes = map[string]string{}
			}
			id.Attributes[k] = v
		}
	}
	return id, nil
}

// CertAttributes returns every Fabric CA attribute of an enrollment
// certificate (nil if it has none).
func CertAttributes(cert *x509.Certificate) (map[string]string, error) {
	for _, ext := range cert.Extensions {
		if !ext.Id.Equal(attrOID) {
			continue
		}
		var v struct {
			Attrs map[string]string `json:"attrs"`
		}
		if err := json.Unmarshal(ext.Value, &v); err != nil {
			return nil, fmt.Errorf("attribute extension: %w", err)
		}
		return v.Attrs, nil
	}
	return nil, nil
}

// CheckLinks checks the hash chain around a's block: prev (block n-1, nil
// for the genesis block or when not fetched) must hash to a.PreviousHash, and
// next (block n+1, nil if not committed yet) must carry a.BlockHash as its
// previous hash.
func (a *TxAudit) CheckLinks(prev, next *common.Block) {
	if prev != nil && prev.Header != nil {
		ok := hex.EncodeToString(BlockHeaderHash(prev.Header)) == a.PreviousHash && prev.Header.Number+1 == a.BlockNumber
		a.PreviousHashOK = &ok
	}
	if next != nil && next.Header != nil {
		ok := hex.EncodeToString(next.Header.PreviousHash) == a.BlockHash && next.Header.Number == a.BlockNumber+1
		a.NextLinkOK = &ok
	}
}
