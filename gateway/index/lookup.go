package index

import (
	"encoding/json"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/contract"
	"github.com/metrotrace/metrotrace/chaincode/record"
)

// lookup lets the rules read one consistent snapshot of the index.
type lookup struct{ txn *badger.Txn }

func getRecord[T any](txn *badger.Txn, docType, id string) (*T, error) {
	data, err := get(txn, recordKey(docType, id))
	if err != nil || data == nil {
		return nil, err
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

func list[T any](txn *badger.Txn, index, value, docType string) ([]*T, error) {
	prefix := entryPrefix(index, value)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	var ids []string
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		ids = append(ids, string(it.Item().Key()[len(prefix):]))
	}
	it.Close()
	out := make([]*T, 0, len(ids))
	for _, id := range ids {
		v, err := getRecord[T](txn, docType, id)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

func (l lookup) Institution(id string) (*record.Institution, error) {
	return getRecord[record.Institution](l.txn, record.DocInstitution, id)
}

func (l lookup) Standard(id string) (*record.Standard, error) {
	return getRecord[record.Standard](l.txn, record.DocStandard, id)
}

func (l lookup) Instrument(id string) (*record.Instrument, error) {
	return getRecord[record.Instrument](l.txn, record.DocInstrument, id)
}

func (l lookup) Certificate(id string) (*record.Certificate, error) {
	return getRecord[record.Certificate](l.txn, record.DocCertificate, id)
}

func (l lookup) CertificatesBySubject(id string) ([]*record.Certificate, error) {
	return list[record.Certificate](l.txn, contract.IndexCertificatesBySubject, id, record.DocCertificate)
}

func (l lookup) CertificatesByReference(id string) ([]*record.Certificate, error) {
	return list[record.Certificate](l.txn, contract.IndexCertificatesByReference, id, record.DocCertificate)
}

func (l lookup) CapabilitiesByInstitution(id string) ([]*record.Capability, error) {
	return list[record.Capability](l.txn, contract.IndexCapabilitiesByInstitution, id, record.DocCapability)
}

func (l lookup) AgreementsByParty(id string) ([]*record.Agreement, error) {
	return list[record.Agreement](l.txn, contract.IndexAgreementsByParty, id, record.DocAgreement)
}

func (l lookup) ComparisonsByInstitution(id string) ([]*record.Comparison, error) {
	return list[record.Comparison](l.txn, contract.IndexComparisonsByInstitution, id, record.DocComparison)
}
