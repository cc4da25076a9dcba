package index

import (
	"encoding/json"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/contract"
	"github.com/metrotrace/metrotrace/chaincode/record"
)

func recordKey(docType, id string) []byte { return join(prefixRecord, docType, "/", id) }

func recordPrefix(docType string) []byte { return join(prefixRecord, docType, "/") }

func entryPrefix(index, value string) []byte { return join(prefixEntry, index, "/", value, "\x00") }

func entryKey(index, value, id string) []byte {
	return join(prefixEntry, index, "/", value, "\x00", id)
}

func searchKey(docType, id string) []byte {
	return join(prefixSearch, strings.ToLower(id), "\x00", docType, "\x00", id)
}

func join(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// entries returns the index entries of a record, the same indexes the
// chaincode keeps (see contract.Indexes).
func entries(docType string, data []byte) (map[string][]string, string, error) {
	switch docType {
	case record.DocCertificate:
		var c record.Certificate
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, "", err
		}
		e := map[string][]string{
			contract.IndexCertificatesBySubject:   {c.SubjectID},
			contract.IndexCertificatesByReference: c.ReferenceIDs,
			contract.IndexCertificatesByIssuer:    {c.IssuerID},
		}
		if c.DCCSHA256 != "" {
			e[contract.IndexCertificatesByDCC] = []string{c.DCCSHA256}
		}
		return e, c.Kind + " of " + c.SubjectID + " by " + c.IssuerID, nil
	case record.DocStandard:
		var s record.Standard
		err := json.Unmarshal(data, &s)
		return map[string][]string{contract.IndexStandardsByInstitution: {s.InstitutionID}}, s.Name, err
	case record.DocInstrument:
		var in record.Instrument
		err := json.Unmarshal(data, &in)
		return map[string][]string{contract.IndexInstrumentsByInstitution: {in.InstitutionID}}, in.Type + " " + in.Model, err
	case record.DocCapability:
		var c record.Capability
		err := json.Unmarshal(data, &c)
		return map[string][]string{contract.IndexCapabilitiesByInstitution: {c.InstitutionID}}, c.Quantity + " " + c.Method, err
	case record.DocAgreement:
		var a record.Agreement
		err := json.Unmarshal(data, &a)
		return map[string][]string{contract.IndexAgreementsByParty: a.Parties}, strings.Join(a.Quantities, ", "), err
	case record.DocComparison:
		var c record.Comparison
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, "", err
		}
		ids := []string{c.PilotID}
		for _, r := range c.Results {
			ids = append(ids, r.InstitutionID)
		}
		return map[string][]string{contract.IndexComparisonsByInstitution: record.SortedUnique(ids)}, c.Quantity, nil
	case record.DocInstitution:
		var in record.Institution
		err := json.Unmarshal(data, &in)
		return nil, in.Name, err
	}
	return nil, "", nil
}

// putRecord stores a record's new version with its index and search
// entries. Indexed fields never change once written, so entries only grow.
func putRecord(txn *badger.Txn, r record.EventRecord) error {
	if !record.IsDocType(r.DocType) {
		return nil // a newer chaincode's record: not ours to index
	}
	e, name, err := entries(r.DocType, r.Record)
	if err != nil {
		return err
	}
	if err := txn.Set(recordKey(r.DocType, r.ID), r.Record); err != nil {
		return err
	}
	for idx, values := range e {
		for _, v := range values {
			if err := txn.Set(entryKey(idx, v, r.ID), nil); err != nil {
				return err
			}
		}
	}
	return txn.Set(searchKey(r.DocType, r.ID), []byte(name))
}
