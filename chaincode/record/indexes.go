package record

// Index names: each lists the records of one doc type by one field value,
// kept by the chaincode as composite keys "<index>" + [value, id] and by
// the gateway's read model alike.
const (
	IndexCertificatesBySubject   = "certificates_by_subject"
	IndexCertificatesByReference = "certificates_by_reference"
	IndexCertificatesByIssuer    = "certificates_by_issuer"
	IndexCertificatesByDCC       = "certificates_by_dcc"
	// IndexCertificatesByDCCC14N lists certificates by the SHA-256 of
	// their DCC's canonical form.
	IndexCertificatesByDCCC14N     = "certificates_by_dcc_c14n"
	IndexStandardsByInstitution    = "standards_by_institution"
	IndexInstrumentsByInstitution  = "instruments_by_institution"
	IndexCapabilitiesByInstitution = "capabilities_by_institution"
	IndexAgreementsByParty         = "agreements_by_party"
	IndexComparisonsByInstitution  = "comparisons_by_institution"
	IndexCasesByStandard           = "cases_by_standard"
	IndexNoticesByCase             = "notices_by_case"
	IndexNoticesByInstitution      = "notices_by_institution"
	IndexItemsByNotice             = "notice_items_by_notice"
)

// Indexes lists the index names in a fixed order.
var Indexes = []string{
	IndexCertificatesBySubject, IndexCertificatesByReference, IndexCertificatesByIssuer, IndexCertificatesByDCC,
	IndexStandardsByInstitution, IndexInstrumentsByInstitution, IndexCapabilitiesByInstitution,
	IndexAgreementsByParty, IndexComparisonsByInstitution, IndexSigningCertificatesByInstitution,
	IndexStandardsByIdentification, IndexCertificatesByDCCC14N,
	IndexCasesByStandard, IndexNoticesByCase, IndexNoticesByInstitution, IndexItemsByNotice,
}

// IndexDocType maps each index to the doc type of the records it lists.
var IndexDocType = map[string]string{
	IndexCertificatesBySubject:     DocCertificate,
	IndexCertificatesByReference:   DocCertificate,
	IndexCertificatesByIssuer:      DocCertificate,
	IndexCertificatesByDCC:         DocCertificate,
	IndexStandardsByInstitution:    DocStandard,
	IndexInstrumentsByInstitution:  DocInstrument,
	IndexCapabilitiesByInstitution: DocCapability,
	IndexAgreementsByParty:         DocAgreement,
	IndexComparisonsByInstitution:  DocComparison,

	IndexSigningCertificatesByInstitution: DocSigningCertificate,
	IndexStandardsByIdentification:        DocStandard,
	IndexCertificatesByDCCC14N:            DocCertificate,
	IndexCasesByStandard:                  DocCase,
	IndexNoticesByCase:                    DocNotice,
	IndexNoticesByInstitution:             DocNotice,
	IndexItemsByNotice:                    DocNoticeItem,
}

// IndexEntries returns the index values of a record: index name → values.
// The indexed fields never change once a record is written.
func IndexEntries(v any) map[string][]string {
	switch r := v.(type) {
	case *Certificate:
		e := map[string][]string{
			IndexCertificatesBySubject:   {r.SubjectID},
			IndexCertificatesByReference: r.ReferenceIDs,
			IndexCertificatesByIssuer:    {r.IssuerID},
		}
		if r.DCCSHA256 != "" {
			e[IndexCertificatesByDCC] = []string{r.DCCSHA256}
		}
		if r.DCCC14NSHA256 != "" {
			e[IndexCertificatesByDCCC14N] = []string{r.DCCC14NSHA256}
		}
		return e
	case *Standard:
		e := map[string][]string{IndexStandardsByInstitution: {r.InstitutionID}}
		for _, id := range r.Identifications {
			e[IndexStandardsByIdentification] = append(e[IndexStandardsByIdentification], IdentificationKey(id.Issuer, id.Value))
		}
		return e
	case *Instrument:
		return map[string][]string{IndexInstrumentsByInstitution: {r.InstitutionID}}
	case *Capability:
		return map[string][]string{IndexCapabilitiesByInstitution: {r.InstitutionID}}
	case *SigningCertificate:
		return map[string][]string{IndexSigningCertificatesByInstitution: {r.InstitutionID}}
	case *Agreement:
		return map[string][]string{IndexAgreementsByParty: r.Parties}
	case *Comparison:
		ids := []string{r.PilotID}
		for _, res := range r.Results {
			ids = append(ids, res.InstitutionID)
		}
		return map[string][]string{IndexComparisonsByInstitution: SortedUnique(ids)}
	case *Case:
		return map[string][]string{IndexCasesByStandard: {r.StandardID}}
	case *Notice:
		return map[string][]string{IndexNoticesByCase: {r.CaseID}, IndexNoticesByInstitution: {r.InstitutionID}}
	case *NoticeItem:
		return map[string][]string{IndexItemsByNotice: {r.NoticeID}}
	}
	return nil
}
