package record

import "regexp"

// Certificate kinds.
const (
	KindCalibration  = "calibration"
	KindVerification = "verification"
)

// CertificateKinds lists the certificate kinds.
var CertificateKinds = []string{KindCalibration, KindVerification}

// Certificate statuses.
const (
	CertValid      = "valid"
	CertRevoked    = "revoked"
	CertSuperseded = "superseded"
)

// CertificateStatuses lists the certificate statuses.
var CertificateStatuses = []string{CertValid, CertRevoked, CertSuperseded}

// Conformity verdicts of a verification.
var Conformities = []string{"pass", "fail"}

var sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Certificate records one calibration or verification: who performed it on
// what, with which reference standards, with which results.
type Certificate struct {
	ID           string   `json:"id"`
	DocType      string   `json:"doc_type"`
	Kind         string   `json:"kind"`
	IssuerID     string   `json:"issuer_id"`
	SubjectID    string   `json:"subject_id"`
	ReferenceIDs []string `json:"reference_ids"`
	Quantity     string   `json:"quantity"`
	PerformedOn  string   `json:"performed_on"`
	ValidUntil   string   `json:"valid_until"`
	Results      []Result `json:"results"`
	Conformity   string   `json:"conformity,omitempty"`
	Method       string   `json:"method"`
	DCCSHA256    string   `json:"dcc_sha256,omitempty"`
	// DCCC14NSHA256 is the SHA-256 of the DCC's canonical form (see
	// dcc.CanonicalSHA256), which formatting changes leave alone.
	DCCC14NSHA256 string `json:"dcc_c14n_sha256,omitempty"`
	// Supersedes names the certificate this one replaces, whose DCC has the
	// SHA-256 PreviousDCCSHA256 (exact or canonical): the DCC's
	// previousReport. IssueCertificate checks the hash and supersedes it.
	Supersedes        string `json:"supersedes,omitempty"`
	PreviousDCCSHA256 string `json:"previous_dcc_sha256,omitempty"`
	Status            string `json:"status"`
	StatusReason      string `json:"status_reason"`
	SupersededBy      string `json:"superseded_by,omitempty"`
}

// Validate checks the record on its own, without looking at the ledger. A
// new certificate is valid unless it says otherwise.
func (c *Certificate) Validate() error {
	var v fieldErrors
	v.check("doc_type", checkDocType(&c.DocType, DocCertificate))
	v.check("id", ValidateID("id", c.ID))
	kindOK := v.check("kind", oneOf("kind", c.Kind, CertificateKinds))
	v.check("issuer_id", ValidateID("issuer_id", c.IssuerID))
	v.check("subject_id", ValidateID("subject_id", c.SubjectID))
	if len(c.ReferenceIDs) == 0 {
		v.add("reference_ids", FieldNoReferences, nil, "reference_ids must name at least one reference standard")
	}
	for i, ref := range c.ReferenceIDs {
		field := "reference_ids[" + itoa(i) + "]"
		if !v.check(field, ValidateID(field, ref)) {
			continue
		}
		if ref == c.SubjectID {
			v.add(field, FieldReferencesSubject, Params{"id": c.ID, "value": ref}, "certificate %s references its own subject %s", c.ID, ref)
		}
	}
	v.check("reference_ids", noDuplicates("reference_ids", c.ReferenceIDs))
	q := quantityOf(&v, c.Quantity)
	performedOK := v.check("performed_on", validDate("performed_on", c.PerformedOn))
	untilOK := v.check("valid_until", validDate("valid_until", c.ValidUntil))
	if performedOK && untilOK && c.ValidUntil < c.PerformedOn {
		v.add("valid_until", FieldDateBefore, Params{"value": c.ValidUntil, "other_field": "performed_on", "other": c.PerformedOn}, "valid_until %s is before performed_on %s", c.ValidUntil, c.PerformedOn)
	}
	if c.Kind == KindCalibration && len(c.Results) == 0 {
		v.add("results", FieldNoResults, nil, "a calibration certificate needs at least one result")
	}
	if c.Results == nil {
		c.Results = []Result{}
	}
	for i, r := range c.Results {
		field := "results[" + itoa(i) + "]"
		r.validate(&v, field, q)
		if c.Kind == KindCalibration && r.Uncertainty == nil {
			v.add(field+".uncertainty", FieldUncertaintyRequired, nil, "%s.uncertainty is required on a calibration result", field)
		}
	}
	switch {
	case !kindOK:
	case c.Kind == KindVerification:
		v.check("conformity", oneOf("conformity", c.Conformity, Conformities))
	case c.Kind == KindCalibration && c.Conformity != "":
		v.add("conformity", FieldConformityNotStated, nil, "conformity is only stated on a verification certificate")
	}
	v.check("method", required("method", c.Method))
	if c.DCCSHA256 != "" && !sha256Pattern.MatchString(c.DCCSHA256) {
		v.add("dcc_sha256", FieldBadSHA256, nil, "dcc_sha256 must be 64 lowercase hex digits")
	}
	if c.DCCC14NSHA256 != "" && !sha256Pattern.MatchString(c.DCCC14NSHA256) {
		v.add("dcc_c14n_sha256", FieldBadSHA256, nil, "dcc_c14n_sha256 must be 64 lowercase hex digits")
	}
	if c.DCCC14NSHA256 != "" && c.DCCSHA256 == "" {
		v.add("dcc_sha256", FieldC14NWithoutSHA256, nil, "dcc_c14n_sha256 is the canonical digest of the DCC dcc_sha256 anchors; set both")
	}
	if (c.Supersedes == "") != (c.PreviousDCCSHA256 == "") {
		v.add("supersedes", FieldSupersedesPair, nil, "supersedes and previous_dcc_sha256 go together: the certificate replaced and the SHA-256 of its DCC")
	}
	if c.Supersedes != "" {
		if v.check("supersedes", ValidateID("supersedes", c.Supersedes)) && c.Supersedes == c.ID {
			v.add("supersedes", FieldSupersedesItself, Params{"id": c.ID}, "certificate %s cannot supersede itself", c.ID)
		}
		if c.PreviousDCCSHA256 != "" && !sha256Pattern.MatchString(c.PreviousDCCSHA256) {
			v.add("previous_dcc_sha256", FieldBadSHA256, nil, "previous_dcc_sha256 must be 64 lowercase hex digits")
		}
	}
	if c.Status == "" {
		c.Status = CertValid
	}
	if c.Status != CertValid {
		v.add("status", FieldNewMustBeValid, nil, "a new certificate must be valid; revoke or supersede it afterwards")
	}
	if c.SupersededBy != "" {
		v.add("superseded_by", FieldSetByLedger, Params{"by": FnSupersedeCertificate}, "superseded_by is set by SupersedeCertificate")
	}
	return v.err()
}

// ValidOn reports whether the certificate was in force on date: status
// valid and performed_on <= date <= valid_until.
func (c *Certificate) ValidOn(date string) bool {
	return c.Status == CertValid && c.PerformedOn <= date && date <= c.ValidUntil
}
