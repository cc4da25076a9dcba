package contract

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// readRecord loads a record into v; found is false when it does not exist.
func readRecord(ctx contractapi.TransactionContextInterface, docType, id string, v any) (found bool, err error) {
	key, err := recordKey(ctx, docType, id)
	if err != nil {
		return false, record.Errorf(record.Invalid, "%s id %q: %v", docType, id, err)
	}
	data, err := ctx.GetStub().GetState(key)
	if err != nil {
		return false, record.Errorf(record.Internal, "read %s %s: %v", docType, id, err)
	}
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, record.Errorf(record.Internal, "decode %s %s: %v", docType, id, err)
	}
	return true, nil
}

// requireRecord loads a record that must exist.
func requireRecord(ctx contractapi.TransactionContextInterface, docType, id string, v any) error {
	found, err := readRecord(ctx, docType, id, v)
	if err != nil {
		return err
	}
	if !found {
		return record.NotFoundf(docType, id)
	}
	return nil
}

// exists reports whether a record exists.
func exists(ctx contractapi.TransactionContextInterface, docType, id string) (bool, error) {
	key, err := recordKey(ctx, docType, id)
	if err != nil {
		return false, record.Errorf(record.Invalid, "%s id %q: %v", docType, id, err)
	}
	data, err := ctx.GetStub().GetState(key)
	if err != nil {
		return false, record.Errorf(record.Internal, "read %s %s: %v", docType, id, err)
	}
	return data != nil, nil
}

func requireInstitution(ctx contractapi.TransactionContextInterface, id string) (*record.Institution, error) {
	var in record.Institution
	if err := requireRecord(ctx, record.DocInstitution, id, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// txn gathers what one transaction writes and emits the event at the end.
type txn struct {
	ctx   contractapi.TransactionContextInterface
	event record.Event
	// policies caches the encoded owner policy of each MSP: a batch sets
	// the same one on every record.
	policies map[string][]byte
}

func newTxn(ctx contractapi.TransactionContextInterface, function string) *txn {
	return &txn{ctx: ctx, event: record.Event{Function: function, TxID: ctx.GetStub().GetTxID(), Records: []record.EventRecord{}}}
}

// put writes a record with its index entries and adds it to the
// transaction's event. ownerMSP, when set, becomes the key-level
// endorsement policy: only the owner's organization can then endorse a
// change of the record.
func (t *txn) put(docType, id string, v any, ownerMSP string) error {
	data, err := json.Marshal(v)
	if err != nil {
		return record.Errorf(record.Internal, "encode %s %s: %v", docType, id, err)
	}
	key, err := recordKey(t.ctx, docType, id)
	if err != nil {
		return record.Errorf(record.Invalid, "%s id %q: %v", docType, id, err)
	}
	if err := t.ctx.GetStub().PutState(key, data); err != nil {
		return record.Errorf(record.Internal, "write %s %s: %v", docType, id, err)
	}
	if ownerMSP != "" {
		if err := t.setOwnerPolicy(key, ownerMSP); err != nil {
			return err
		}
	}
	t.event.Records = append(t.event.Records, record.EventRecord{DocType: docType, ID: id, Record: data})
	return t.index(id, record.IndexEntries(v))
}

// index writes index entries for a record: one per (index, value).
func (t *txn) index(id string, entries map[string][]string) error {
	names := make([]string, 0, len(entries))
	for name := range entries {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, value := range entries[name] {
			key, err := indexKey(t.ctx, name, value, id)
			if err != nil {
				return record.Errorf(record.Invalid, "index %s: %v", name, err)
			}
			if err := t.ctx.GetStub().PutState(key, []byte{0}); err != nil {
				return record.Errorf(record.Internal, "write index %s: %v", name, err)
			}
		}
	}
	return nil
}

// commit emits the transaction's event and returns the JSON of the first
// record written, the transaction's answer, which it stores under the
// transaction's idempotency key when it has one.
func (t *txn) commit() (string, error) {
	payload, err := t.eventPayload()
	if err != nil {
		return "", record.Errorf(record.Internal, "encode event: %v", err)
	}
	if err := t.ctx.GetStub().SetEvent(record.EventName, payload); err != nil {
		return "", record.Errorf(record.Internal, "set event: %v", err)
	}
	out := "{}"
	if len(t.event.Records) > 0 {
		out = string(t.event.Records[0].Record)
	}
	if err := rememberWrite(t.ctx, out); err != nil {
		return "", err
	}
	return out, nil
}

// setOwnerPolicy makes mspID's peers the only endorsers of a change of key.
// eventPayload is json.Marshal(t.event) without re-validating and
// compacting every record, which json.Marshal wrote compact already.
func (t *txn) eventPayload() ([]byte, error) {
	head, err := json.Marshal(struct {
		Function string `json:"function"`
		TxID     string `json:"tx_id"`
	}{t.event.Function, t.event.TxID})
	if err != nil {
		return nil, err
	}
	size := len(head) + 16
	for _, r := range t.event.Records {
		size += len(r.Record) + len(r.DocType) + len(r.ID) + 40
	}
	b := make([]byte, 0, size)
	b = append(b, head[:len(head)-1]...)
	b = append(b, `,"records":[`...)
	for i, r := range t.event.Records {
		if i > 0 {
			b = append(b, ',')
		}
		docType, _ := json.Marshal(r.DocType)
		id, _ := json.Marshal(r.ID)
		b = append(b, `{"doc_type":`...)
		b = append(b, docType...)
		b = append(b, `,"id":`...)
		b = append(b, id...)
		b = append(b, `,"record":`...)
		b = append(b, r.Record...)
		b = append(b, '}')
	}
	return append(b, "]}"...), nil
}

func (t *txn) setOwnerPolicy(key, mspID string) error {
	policy, ok := t.policies[mspID]
	if !ok {
		var err error
		if policy, err = ownerPolicy(mspID); err != nil {
			return err
		}
		if t.policies == nil {
			t.policies = map[string][]byte{}
		}
		t.policies[mspID] = policy
	}
	if err := t.ctx.GetStub().SetStateValidationParameter(key, policy); err != nil {
		return record.Errorf(record.Internal, "set endorsement policy: %v", err)
	}
	return nil
}

// ownerPolicy is the encoded key-level endorsement policy "a peer of mspID".
func ownerPolicy(mspID string) ([]byte, error) {
	ep, err := statebased.NewStateEP(nil)
	if err != nil {
		return nil, record.Errorf(record.Internal, "endorsement policy: %v", err)
	}
	if err := ep.AddOrgs(statebased.RoleTypePeer, mspID); err != nil {
		return nil, record.Errorf(record.Internal, "endorsement policy for %s: %v", mspID, err)
	}
	policy, err := ep.Policy()
	if err != nil {
		return nil, record.Errorf(record.Internal, "endorsement policy: %v", err)
	}
	return policy, nil
}

// txDate is the transaction's date: the chaincode's only notion of today.
func txDate(ctx contractapi.TransactionContextInterface) (string, error) {
	ts, err := ctx.GetStub().GetTxTimestamp()
	if err != nil {
		return "", record.Errorf(record.Internal, "transaction timestamp: %v", err)
	}
	return record.DateOf(ts.AsTime()), nil
}

// happenedBy checks that a date something was done on is not after the
// transaction's date: a certificate cannot report a calibration performed
// tomorrow.
func happenedBy(ctx contractapi.TransactionContextInterface, field, date string) error {
	today, err := txDate(ctx)
	if err != nil {
		return err
	}
	return record.NotAfter(field, date, today)
}

func mustNotExist(ctx contractapi.TransactionContextInterface, docType, id string) error {
	found, err := exists(ctx, docType, id)
	if err != nil {
		return err
	}
	if found {
		return record.Refusef(record.Conflict, record.ReasonAlreadyExists, record.Params{"kind": docType, "id": id}, "%s %s already exists", docType, id)
	}
	return nil
}

// invalidField is the Invalid error of one field of a transaction's
// arguments, with its code and parameters (see record.FieldCode).
func invalidField(field string, code record.FieldCode, params record.Params, format string, args ...any) error {
	return record.ErrorOfField(record.Invalid, record.NewFieldError(field, code, params, format, args...))
}

// onField puts an error a validator or a lookup made (a record that does
// not exist) under field, keeping its class, code and parameters; other
// errors are returned as they are.
func onField(field string, err error) error {
	fe := record.FieldErrorOf(field, err)
	if fe.Code == "" {
		return err
	}
	return record.ErrorOfField(record.ErrorCode(err), fe)
}

func wrapf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var e *record.Error
	msg := fmt.Sprintf(format, args...)
	if asError(err, &e) {
		return &record.Error{Code: e.Code, Message: msg + ": " + e.Message, Details: record.ErrorDetails(err)}
	}
	return record.Errorf(record.Internal, "%s: %v", msg, err)
}
