package contract

import (
	"encoding/json"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Trace reports whether a standard or instrument is traceable, link by
// link, to primary standards on date at (empty: the transaction's date).
func (c *Contract) Trace(ctx contractapi.TransactionContextInterface, subjectID, at string) (string, error) {
	at, err := dateOrToday(ctx, at)
	if err != nil {
		return "", err
	}
	rep, err := rules.Trace(stateLookup{ctx}, subjectID, at)
	return answer(rep, err)
}

// Impact lists what a standard affected from date since on: certificates,
// standards, instruments and institutions, with the path to each.
func (c *Contract) Impact(ctx contractapi.TransactionContextInterface, standardID, since string) (string, error) {
	set, err := rules.Impact(stateLookup{ctx}, standardID, since)
	return answer(set, err)
}

// Recognize decides whether institution by recognizes a certificate on date
// at (empty: the transaction's date), reporting every check.
func (c *Contract) Recognize(ctx contractapi.TransactionContextInterface, certificateID, by, at string) (string, error) {
	at, err := dateOrToday(ctx, at)
	if err != nil {
		return "", err
	}
	d, err := rules.Recognize(stateLookup{ctx}, certificateID, by, at)
	return answer(d, err)
}

func dateOrToday(ctx contractapi.TransactionContextInterface, at string) (string, error) {
	if at == "" {
		return txDate(ctx)
	}
	if _, err := record.ParseDate(at); err != nil {
		return "", record.Errorf(record.Invalid, "at: %v", err)
	}
	return at, nil
}

func answer(v any, err error) (string, error) {
	if err != nil {
		if record.ErrorCode(err) == record.Internal {
			return "", record.Errorf(record.Internal, "%v", err)
		}
		return "", err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return "", record.Errorf(record.Internal, "encode answer: %v", err)
	}
	return string(out), nil
}

// stateLookup lets the rules read the world state through the indexes.
type stateLookup struct {
	ctx contractapi.TransactionContextInterface
}

func get[T any](l stateLookup, docType, id string) (*T, error) {
	var v T
	found, err := readRecord(l.ctx, docType, id, &v)
	if err != nil || !found {
		return nil, err
	}
	return &v, nil
}

func list[T any](l stateLookup, index, value, docType string) ([]*T, error) {
	ids, err := indexedIDs(l.ctx, index, value)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(ids))
	for _, id := range ids {
		v, err := get[T](l, docType, id)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

func (l stateLookup) Institution(id string) (*record.Institution, error) {
	return get[record.Institution](l, record.DocInstitution, id)
}

func (l stateLookup) Standard(id string) (*record.Standard, error) {
	return get[record.Standard](l, record.DocStandard, id)
}

func (l stateLookup) Instrument(id string) (*record.Instrument, error) {
	return get[record.Instrument](l, record.DocInstrument, id)
}

func (l stateLookup) Certificate(id string) (*record.Certificate, error) {
	return get[record.Certificate](l, record.DocCertificate, id)
}

func (l stateLookup) CertificatesBySubject(id string) ([]*record.Certificate, error) {
	return list[record.Certificate](l, IndexCertificatesBySubject, id, record.DocCertificate)
}

func (l stateLookup) CertificatesByReference(id string) ([]*record.Certificate, error) {
	return list[record.Certificate](l, IndexCertificatesByReference, id, record.DocCertificate)
}

func (l stateLookup) CapabilitiesByInstitution(id string) ([]*record.Capability, error) {
	return list[record.Capability](l, IndexCapabilitiesByInstitution, id, record.DocCapability)
}

func (l stateLookup) AgreementsByParty(id string) ([]*record.Agreement, error) {
	return list[record.Agreement](l, IndexAgreementsByParty, id, record.DocAgreement)
}

func (l stateLookup) ComparisonsByInstitution(id string) ([]*record.Comparison, error) {
	return list[record.Comparison](l, IndexComparisonsByInstitution, id, record.DocComparison)
}
