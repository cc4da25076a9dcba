package contract

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// TransientIdempotencyKey is the transient-map key carrying a write's
// idempotency key. A write made with a key stores its answer under the key,
// scoped by the caller's organization and institution; a later write with
// the same key and the same function and arguments is answered with the
// stored answer and applies nothing, and one with other arguments is a
// conflict. The key travels as transient data, so it is not part of the
// transaction's arguments, but the record of it is on the ledger with the
// write itself: a retry after a lost answer finds it.
const TransientIdempotencyKey = "idempotency_key"

// MaxIdempotencyKeyLength bounds an idempotency key.
const MaxIdempotencyKeyLength = 128

// idempotencyObject is the composite-key object type of stored answers.
const idempotencyObject = "idempotency"

// IdempotentWrite is what a keyed write leaves on the ledger: which
// request it answered and the answer.
type IdempotentWrite struct {
	Key           string `json:"key"`
	Function      string `json:"function"`
	RequestSHA256 string `json:"request_sha256"`
	TxID          string `json:"tx_id"`
	Result        string `json:"result"`
}

// RequestSHA256 is the digest that tells a retry from another request under
// the same key: the function and its arguments, each length-prefixed.
// Transient data (an instrument owner's details) is left out, so no digest
// of private data reaches public state.
func RequestSHA256(function string, args []string) string {
	h := sha256.New()
	var n [8]byte
	for _, part := range append([]string{function}, args...) {
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write([]byte(part))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ValidateIdempotencyKey checks a key: 1 to MaxIdempotencyKeyLength
// printable ASCII characters without spaces.
func ValidateIdempotencyKey(key string) error {
	if key == "" || len(key) > MaxIdempotencyKeyLength {
		return record.Refusef(record.Invalid, record.ReasonIdempotencyKeyLength, record.Params{"max": strconv.Itoa(MaxIdempotencyKeyLength), "got": strconv.Itoa(len(key))}, "an idempotency key has 1 to %d characters, got %d", MaxIdempotencyKeyLength, len(key))
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return record.Refusef(record.Invalid, record.ReasonIdempotencyKeyChars, record.Params{"index": strconv.Itoa(i), "byte": fmt.Sprintf("0x%02x", key[i])}, "an idempotency key is printable ASCII without spaces; byte %d is 0x%02x", i, key[i])
		}
	}
	return nil
}

// idempotencyKeyOf returns the transaction's idempotency key, "" without one.
func idempotencyKeyOf(ctx contractapi.TransactionContextInterface) (string, error) {
	transient, err := ctx.GetStub().GetTransient()
	if err != nil {
		return "", record.Errorf(record.Internal, "read transient data: %v", err)
	}
	raw, ok := transient[TransientIdempotencyKey]
	if !ok {
		return "", nil
	}
	key := string(raw)
	if err := ValidateIdempotencyKey(key); err != nil {
		return "", err
	}
	return key, nil
}

func idempotencyStateKey(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	who, err := callerOf(ctx)
	if err != nil {
		return "", err
	}
	k, err := ctx.GetStub().CreateCompositeKey(idempotencyObject, []string{who.mspID, who.institution, key})
	if err != nil {
		return "", record.Errorf(record.Invalid, "idempotency key %q: %v", key, err)
	}
	return k, nil
}

// thisRequest is the function and argument digest of the transaction.
func thisRequest(ctx contractapi.TransactionContextInterface) (function, digest string) {
	fn, args := ctx.GetStub().GetFunctionAndParameters()
	fn = strings.TrimPrefix(fn, Name+":")
	return fn, RequestSHA256(fn, args)
}

// storedWrite loads the answer stored under the caller's key, nil if none.
func storedWrite(ctx contractapi.TransactionContextInterface, key string) (*IdempotentWrite, error) {
	stateKey, err := idempotencyStateKey(ctx, key)
	if err != nil {
		return nil, err
	}
	data, err := ctx.GetStub().GetState(stateKey)
	if err != nil {
		return nil, record.Errorf(record.Internal, "read idempotency key %q: %v", key, err)
	}
	if data == nil {
		return nil, nil
	}
	var w IdempotentWrite
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, record.Errorf(record.Internal, "decode idempotency key %q: %v", key, err)
	}
	return &w, nil
}

// replay answers a write whose idempotency key was used before: done is
// true when the caller must return (out, err) at once, with the stored
// answer of the same request or a conflict for another request.
func replay(ctx contractapi.TransactionContextInterface) (out string, done bool, err error) {
	key, err := idempotencyKeyOf(ctx)
	if err != nil || key == "" {
		return "", err != nil, err
	}
	w, err := storedWrite(ctx, key)
	if err != nil || w == nil {
		return "", err != nil, err
	}
	fn, digest := thisRequest(ctx)
	if w.Function != fn || w.RequestSHA256 != digest {
		return "", true, record.Refusef(record.Conflict, record.ReasonIdempotencyReused, record.Params{"key": key, "tx": w.TxID, "function": w.Function}, "idempotency key %q was used by transaction %s for another request (%s); use a new key for a new request", key, w.TxID, w.Function)
	}
	return w.Result, true, nil
}

// rememberWrite stores the transaction's answer under its idempotency key,
// if it has one.
func rememberWrite(ctx contractapi.TransactionContextInterface, result string) error {
	key, err := idempotencyKeyOf(ctx)
	if err != nil || key == "" {
		return err
	}
	stateKey, err := idempotencyStateKey(ctx, key)
	if err != nil {
		return err
	}
	fn, digest := thisRequest(ctx)
	data, err := json.Marshal(IdempotentWrite{Key: key, Function: fn, RequestSHA256: digest, TxID: ctx.GetStub().GetTxID(), Result: result})
	if err != nil {
		return record.Errorf(record.Internal, "encode idempotency key: %v", err)
	}
	if err := ctx.GetStub().PutState(stateKey, data); err != nil {
		return record.Errorf(record.Internal, "write idempotency key %q: %v", key, err)
	}
	return nil
}

// GetIdempotentWrite returns what the caller's write with an idempotency
// key stored (an IdempotentWrite), so a gateway can answer a retry without
// submitting it again; not_found when no write used the key.
func (c *Contract) GetIdempotentWrite(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	if err := ValidateIdempotencyKey(key); err != nil {
		return "", err
	}
	w, err := storedWrite(ctx, key)
	if err != nil {
		return "", err
	}
	if w == nil {
		return "", record.Errorf(record.NotFound, "no write used idempotency key %q", key)
	}
	data, err := json.Marshal(w)
	if err != nil {
		return "", record.Errorf(record.Internal, "encode idempotent write: %v", err)
	}
	return string(data), nil
}
