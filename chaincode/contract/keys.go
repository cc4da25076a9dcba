package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// Index names accepted by List, each an index of composite keys
// "<index>" + [value, id].
const (
	IndexCertificatesBySubject     = "certificates_by_subject"
	IndexCertificatesByReference   = "certificates_by_reference"
	IndexCertificatesByIssuer      = "certificates_by_issuer"
	IndexCertificatesByDCC         = "certificates_by_dcc"
	IndexStandardsByInstitution    = "standards_by_institution"
	IndexInstrumentsByInstitution  = "instruments_by_institution"
	IndexCapabilitiesByInstitution = "capabilities_by_institution"
	IndexAgreementsByParty         = "agreements_by_party"
	IndexComparisonsByInstitution  = "comparisons_by_institution"
)

// indexDocType maps each index to the doc type of the records it lists.
var indexDocType = map[string]string{
	IndexCertificatesBySubject:     "certificate",
	IndexCertificatesByReference:   "certificate",
	IndexCertificatesByIssuer:      "certificate",
	IndexCertificatesByDCC:         "certificate",
	IndexStandardsByInstitution:    "standard",
	IndexInstrumentsByInstitution:  "instrument",
	IndexCapabilitiesByInstitution: "capability",
	IndexAgreementsByParty:         "agreement",
	IndexComparisonsByInstitution:  "comparison",
}

// Indexes lists the index names in a fixed order.
var Indexes = []string{
	IndexCertificatesBySubject, IndexCertificatesByReference, IndexCertificatesByIssuer, IndexCertificatesByDCC,
	IndexStandardsByInstitution, IndexInstrumentsByInstitution, IndexCapabilitiesByInstitution,
	IndexAgreementsByParty, IndexComparisonsByInstitution,
}

// recordKey is the state key of a record: a composite key of its doc type
// and id, so every record of a kind can be listed by prefix.
func recordKey(ctx contractapi.TransactionContextInterface, docType, id string) (string, error) {
	return ctx.GetStub().CreateCompositeKey(docType, []string{id})
}

func indexKey(ctx contractapi.TransactionContextInterface, index, value, id string) (string, error) {
	return ctx.GetStub().CreateCompositeKey(index, []string{value, id})
}

// CreateFunctions names the transaction function that creates a record of
// each doc type.
var CreateFunctions = map[string]string{
	"institution": "RegisterInstitution",
	"capability":  "RegisterCapability",
	"standard":    "RegisterStandard",
	"instrument":  "RegisterInstrument",
	"certificate": "IssueCertificate",
	"comparison":  "RecordComparison",
	"agreement":   "ProposeAgreement",
}
