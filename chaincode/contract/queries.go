package contract

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Get returns a record by doc type and id.
func (c *Contract) Get(ctx contractapi.TransactionContextInterface, docType, id string) (string, error) {
	if !record.IsDocType(docType) {
		return "", record.Errorf(record.Invalid, "unknown doc type %q", docType)
	}
	key, err := recordKey(ctx, docType, id)
	if err != nil {
		return "", record.Errorf(record.Invalid, "%s id %q: %v", docType, id, err)
	}
	data, err := ctx.GetStub().GetState(key)
	if err != nil {
		return "", record.Errorf(record.Internal, "read %s %s: %v", docType, id, err)
	}
	if data == nil {
		return "", record.Errorf(record.NotFound, "%s %s does not exist", docType, id)
	}
	return string(data), nil
}

// History returns every version of a record, oldest first, with the
// transaction id and time that wrote it.
func (c *Contract) History(ctx contractapi.TransactionContextInterface, docType, id string) (string, error) {
	if !record.IsDocType(docType) {
		return "", record.Errorf(record.Invalid, "unknown doc type %q", docType)
	}
	key, err := recordKey(ctx, docType, id)
	if err != nil {
		return "", record.Errorf(record.Invalid, "%s id %q: %v", docType, id, err)
	}
	it, err := ctx.GetStub().GetHistoryForKey(key)
	if err != nil {
		return "", record.Errorf(record.Internal, "history of %s %s: %v", docType, id, err)
	}
	defer it.Close()
	versions := []record.Version{}
	for it.HasNext() {
		m, err := it.Next()
		if err != nil {
			return "", record.Errorf(record.Internal, "history of %s %s: %v", docType, id, err)
		}
		v := record.Version{TxID: m.TxId, IsDelete: m.IsDelete, Value: json.RawMessage("null")}
		if m.Timestamp != nil {
			v.Timestamp = m.Timestamp.AsTime().UTC().Format(time.RFC3339Nano)
		}
		if len(m.Value) > 0 {
			v.Value = json.RawMessage(m.Value)
		}
		versions = append(versions, v)
	}
	if len(versions) == 0 {
		return "", record.Errorf(record.NotFound, "%s %s has no history", docType, id)
	}
	// Fabric returns newest first; people read history oldest first.
	for i, j := 0, len(versions)-1; i < j; i, j = i+1, j-1 {
		versions[i], versions[j] = versions[j], versions[i]
	}
	out, _ := json.Marshal(versions)
	return string(out), nil
}

// List returns a page of the records an index holds for a value, e.g. the
// certificates of a subject. pageSize is 1..1000 (empty: 100); bookmark is
// the one returned with the previous page ("" for the first).
func (c *Contract) List(ctx contractapi.TransactionContextInterface, index, value, pageSize, bookmark string) (string, error) {
	docType, ok := record.IndexDocType[index]
	if !ok {
		return "", record.Errorf(record.Invalid, "unknown index %q", index)
	}
	if value == "" {
		return "", record.Errorf(record.Invalid, "List %s: a value is required", index)
	}
	size := record.DefaultPageSize
	if pageSize != "" {
		n, err := strconv.Atoi(pageSize)
		if err != nil || n < 1 || n > record.MaxPageSize {
			return "", record.Errorf(record.Invalid, "page size %q must be an integer from 1 to %d", pageSize, record.MaxPageSize)
		}
		size = n
	}
	it, meta, err := ctx.GetStub().GetStateByPartialCompositeKeyWithPagination(index, []string{value}, int32(size), bookmark)
	if err != nil {
		return "", record.Errorf(record.Invalid, "List %s %s: %v", index, value, err)
	}
	defer it.Close()
	page := record.LedgerPage{Records: []json.RawMessage{}}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return "", record.Errorf(record.Internal, "List %s: %v", index, err)
		}
		_, attrs, err := ctx.GetStub().SplitCompositeKey(kv.Key)
		if err != nil || len(attrs) != 2 {
			return "", record.Errorf(record.Internal, "List %s: malformed index key", index)
		}
		data, err := c.Get(ctx, docType, attrs[1])
		if err != nil {
			return "", err
		}
		page.Records = append(page.Records, json.RawMessage(data))
	}
	page.Count = len(page.Records)
	if meta != nil {
		page.Bookmark = meta.Bookmark
	}
	out, _ := json.Marshal(page)
	return string(out), nil
}

// GetInstrumentOwner returns an instrument owner's private details. Only
// the registering organization's peers hold them, and only a caller of that
// organization may read them.
func (c *Contract) GetInstrumentOwner(ctx contractapi.TransactionContextInterface, instrumentID string) (string, error) {
	var in record.Instrument
	if err := requireRecord(ctx, record.DocInstrument, instrumentID, &in); err != nil {
		return "", err
	}
	owner, err := requireInstitution(ctx, in.InstitutionID)
	if err != nil {
		return "", err
	}
	who, err := callerOf(ctx)
	if err != nil {
		return "", err
	}
	if who.mspID != owner.MSPID {
		return "", record.Refusef(record.Forbidden, record.ReasonOwnerPrivate, record.Params{"id": instrumentID, "msp": owner.MSPID}, "owner details of %s are private to %s", instrumentID, owner.MSPID)
	}
	data, err := ctx.GetStub().GetPrivateData(implicitCollection(owner.MSPID), instrumentID)
	if err != nil {
		return "", record.Refusef(record.Forbidden, record.ReasonOwnerElsewhere, record.Params{"id": instrumentID, "msp": owner.MSPID}, "owner details of %s are kept by peers of %s: %v", instrumentID, owner.MSPID, err)
	}
	if data == nil {
		return "", record.Errorf(record.NotFound, "no owner details recorded for %s", instrumentID)
	}
	return string(data), nil
}

// FindByDCC returns the certificates anchoring a DCC by its SHA-256.
func (c *Contract) FindByDCC(ctx contractapi.TransactionContextInterface, sha256Hex string) (string, error) {
	ids, err := indexedIDs(ctx, record.IndexCertificatesByDCC, sha256Hex)
	if err != nil {
		return "", err
	}
	certs := []json.RawMessage{}
	for _, id := range ids {
		data, err := c.Get(ctx, record.DocCertificate, id)
		if err != nil {
			return "", err
		}
		certs = append(certs, json.RawMessage(data))
	}
	out, _ := json.Marshal(certs)
	return string(out), nil
}

// indexedIDs returns every id an index holds for a value, in key order.
func indexedIDs(ctx contractapi.TransactionContextInterface, index, value string) ([]string, error) {
	it, err := ctx.GetStub().GetStateByPartialCompositeKey(index, []string{value})
	if err != nil {
		return nil, record.Errorf(record.Invalid, "%s %q: %v", index, value, err)
	}
	defer it.Close()
	var ids []string
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, record.Errorf(record.Internal, "%s: %v", index, err)
		}
		_, attrs, err := ctx.GetStub().SplitCompositeKey(kv.Key)
		if err != nil || len(attrs) != 2 {
			return nil, record.Errorf(record.Internal, "%s: malformed index key", index)
		}
		ids = append(ids, attrs[1])
	}
	return ids, nil
}
