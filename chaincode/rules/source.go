package rules

import (
	"encoding/json"
	"fmt"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Source is raw record storage: a record's JSON by doc type and id (nil
// when absent), and the ids an index (record.Indexes) holds for a value.
// The chaincode's world state and the gateway's index are both Sources.
type Source interface {
	Record(docType, id string) ([]byte, error)
	IDs(index, value string) ([]string, error)
}

// UsageSource is a Source that also keeps usages ready (see UsageLookup).
type UsageSource interface {
	Source
	UsagesOf(standardID string) ([]Usage, error)
}

// FromSource adapts raw storage to the Lookup the rules read through; a
// UsageSource's lookup is also a UsageLookup.
func FromSource(s Source) Lookup {
	if us, ok := s.(UsageSource); ok {
		return usageLookup{sourceLookup{s}, us}
	}
	return sourceLookup{s}
}

type usageLookup struct {
	sourceLookup
	us UsageSource
}

func (l usageLookup) UsagesOf(standardID string) ([]Usage, error) { return l.us.UsagesOf(standardID) }

type sourceLookup struct{ s Source }

func one[T any](s Source, docType, id string) (*T, error) {
	data, err := s.Record(docType, id)
	if err != nil || data == nil {
		return nil, err
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", docType, id, err)
	}
	return &v, nil
}

func many[T any](s Source, index, value string) ([]*T, error) {
	ids, err := s.IDs(index, value)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(ids))
	for _, id := range ids {
		v, err := one[T](s, record.IndexDocType[index], id)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

func (l sourceLookup) Institution(id string) (*record.Institution, error) {
	return one[record.Institution](l.s, record.DocInstitution, id)
}

func (l sourceLookup) Standard(id string) (*record.Standard, error) {
	return one[record.Standard](l.s, record.DocStandard, id)
}

func (l sourceLookup) Instrument(id string) (*record.Instrument, error) {
	return one[record.Instrument](l.s, record.DocInstrument, id)
}

func (l sourceLookup) Certificate(id string) (*record.Certificate, error) {
	return one[record.Certificate](l.s, record.DocCertificate, id)
}

func (l sourceLookup) CertificatesBySubject(id string) ([]*record.Certificate, error) {
	return many[record.Certificate](l.s, record.IndexCertificatesBySubject, id)
}

func (l sourceLookup) CertificatesByReference(id string) ([]*record.Certificate, error) {
	return many[record.Certificate](l.s, record.IndexCertificatesByReference, id)
}

func (l sourceLookup) CapabilitiesByInstitution(id string) ([]*record.Capability, error) {
	return many[record.Capability](l.s, record.IndexCapabilitiesByInstitution, id)
}

func (l sourceLookup) AgreementsByParty(id string) ([]*record.Agreement, error) {
	return many[record.Agreement](l.s, record.IndexAgreementsByParty, id)
}

func (l sourceLookup) ComparisonsByInstitution(id string) ([]*record.Comparison, error) {
	return many[record.Comparison](l.s, record.IndexComparisonsByInstitution, id)
}
