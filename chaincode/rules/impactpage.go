package rules

import (
	"encoding/base64"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// ImpactPage is one page of an impact, for impacts too large to answer
// whole: every affected standard (there are few), and a page of the
// affected certificates, each with the standard it used and its subject.
// Pages follow the affected standards in id order (the faulty standard
// first), and each standard's certificates in id order. A certificate
// that used two affected standards is listed under each.
type ImpactPage struct {
	StandardID string `json:"standard_id"`
	Since      string `json:"since"`
	// Standards lists every affected standard but the faulty one, in id
	// order, on every page.
	Standards []string `json:"standards"`
	// Certificates is this page.
	Certificates []ImpactItem `json:"certificates"`
	// TotalCertificates counts the items of every page.
	TotalCertificates int `json:"total_certificates"`
	// NextPageToken, when not empty, asks for the next page.
	NextPageToken string `json:"next_page_token"`
}

// ImpactItem is an affected certificate: the affected standard it used
// (ReferenceID), when it was performed, who issued it, and its subject
// (SubjectDocType "" when the subject is not registered).
type ImpactItem struct {
	CertificateID        string `json:"certificate_id"`
	ReferenceID          string `json:"reference_id"`
	PerformedOn          string `json:"performed_on"`
	IssuerID             string `json:"issuer_id"`
	SubjectID            string `json:"subject_id"`
	SubjectDocType       string `json:"subject_doc_type"`
	SubjectInstitutionID string `json:"subject_institution_id"`
}

// EachUsage calls fn for every usage of a standard, in certificate id
// order, without holding them all; stores that can stream their usages
// pass one to ImpactPaged.
type EachUsage func(standardID string, fn func(Usage) error) error

// ImpactPaged answers the impact one page at a time in memory bounded by
// the number of affected standards and the page size: it walks the
// standards first, then streams each one's certificates, counting all and
// keeping only the page. each, when nil, reads usages as Impact does;
// standards, when not nil, streams only the usages whose subject is a
// standard, which is all the walk for the affected standards reads.
func ImpactPaged(l Lookup, each, standards EachUsage, standardID, since string, pageSize int, pageToken string) (*ImpactPage, error) {
	if _, err := record.ParseDate(since); err != nil {
		return nil, record.Errorf(record.Invalid, "since: %v", err)
	}
	if pageSize < 1 || pageSize > record.MaxPageSize {
		return nil, record.Errorf(record.Invalid, "page_size must be from 1 to %d", record.MaxPageSize)
	}
	afterStd, afterCert, err := decodeImpactToken(pageToken)
	if err != nil {
		return nil, err
	}
	each = eachOf(l, each)
	affectedSince, order, err := affectedStandards(l, standardsOf(each, standards), standardID, since)
	if err != nil {
		return nil, err
	}
	page := &ImpactPage{StandardID: standardID, Since: since, Standards: order, Certificates: []ImpactItem{}}
	var last ImpactItem
	for _, std := range append([]string{standardID}, order...) {
		from := affectedSince[std]
		err := each(std, func(u Usage) error {
			if u.PerformedOn < from {
				return nil
			}
			page.TotalCertificates++
			if pageToken != "" && (position(std, standardID) < position(afterStd, standardID) ||
				std == afterStd && u.CertificateID <= afterCert) {
				return nil
			}
			if len(page.Certificates) < pageSize {
				last = ImpactItem{CertificateID: u.CertificateID, ReferenceID: std, PerformedOn: u.PerformedOn, IssuerID: u.IssuerID,
					SubjectID: u.SubjectID, SubjectDocType: u.SubjectDocType, SubjectInstitutionID: u.SubjectInstitutionID}
				page.Certificates = append(page.Certificates, last)
			} else if page.NextPageToken == "" {
				page.NextPageToken = encodeImpactToken(last.ReferenceID, last.CertificateID)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return page, nil
}

// position orders standards as pages do: the faulty one first, then by id.
func position(std, root string) string {
	if std == root {
		return ""
	}
	return "\x01" + std
}

func encodeImpactToken(std, cert string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(std + "\x00" + cert))
}

func decodeImpactToken(token string) (std, cert string, err error) {
	if token == "" {
		return "", "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	std, cert, ok := strings.Cut(string(raw), "\x00")
	if err != nil || !ok || std == "" || cert == "" {
		return "", "", record.Refusef(record.Invalid, record.ReasonPageTokenForeign, nil, "page_token %q is not a token this impact gave", token)
	}
	return std, cert, nil
}
