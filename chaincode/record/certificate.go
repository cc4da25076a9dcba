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
	if err := checkDocType(&c.DocType, DocCertificate); err != nil {
		return err
	}
	if err := ValidateID("id", c.ID); err != nil {
		return err
	}
	if err := oneOf("kind", c.Kind, CertificateKinds); err != nil {
		return err
	}
	if err := ValidateID("issuer_id", c.IssuerID); err != nil {
		return err
	}
	if err := ValidateID("subject_id", c.SubjectID); err != nil {
		return err
	}
	if len(c.ReferenceIDs) == 0 {
		return Errorf(Invalid, "reference_ids must name at least one reference standard")
	}
	for i, ref := range c.ReferenceIDs {
		if err := ValidateID("reference_ids["+itoa(i)+"]", ref); err != nil {
			return err
		}
		if ref == c.SubjectID {
			return Errorf(Invalid, "certificate %s references its own subject %s", c.ID, ref)
		}
	}
	if err := noDuplicates("reference_ids", c.ReferenceIDs); err != nil {
		return err
	}
	if err := validQuantity(c.Quantity); err != nil {
		return err
	}
	if err := validDate("performed_on", c.PerformedOn); err != nil {
		return err
	}
	if err := validDate("valid_until", c.ValidUntil); err != nil {
		return err
	}
	if c.ValidUntil < c.PerformedOn {
		return Errorf(Invalid, "valid_until %s is before performed_on %s", c.ValidUntil, c.PerformedOn)
	}
	if c.Kind == KindCalibration && len(c.Results) == 0 {
		return Errorf(Invalid, "a calibration certificate needs at least one result")
	}
	if c.Results == nil {
		c.Results = []Result{}
	}
	for i, r := range c.Results {
		field := "results[" + itoa(i) + "]"
		if err := r.validate(field, c.Quantity); err != nil {
			return err
		}
		if c.Kind == KindCalibration && r.Uncertainty == nil {
			return Errorf(Invalid, "%s.uncertainty is required on a calibration result", field)
		}
	}
	switch c.Kind {
	case KindVerification:
		if err := oneOf("conformity", c.Conformity, Conformities); err != nil {
			return err
		}
	case KindCalibration:
		if c.Conformity != "" {
			return Errorf(Invalid, "conformity is only stated on a verification certificate")
		}
	}
	if err := required("method", c.Method); err != nil {
		return err
	}
	if c.DCCSHA256 != "" && !sha256Pattern.MatchString(c.DCCSHA256) {
		return Errorf(Invalid, "dcc_sha256 must be 64 lowercase hex digits")
	}
	if c.DCCC14NSHA256 != "" && !sha256Pattern.MatchString(c.DCCC14NSHA256) {
		return Errorf(Invalid, "dcc_c14n_sha256 must be 64 lowercase hex digits")
	}
	if c.DCCC14NSHA256 != "" && c.DCCSHA256 == "" {
		return Errorf(Invalid, "dcc_c14n_sha256 is the canonical digest of the DCC dcc_sha256 anchors; set both")
	}
	if (c.Supersedes == "") != (c.PreviousDCCSHA256 == "") {
		return Errorf(Invalid, "supersedes and previous_dcc_sha256 go together: the certificate replaced and the SHA-256 of its DCC")
	}
	if c.Supersedes != "" {
		if err := ValidateID("supersedes", c.Supersedes); err != nil {
			return err
		}
		if c.Supersedes == c.ID {
			return Errorf(Invalid, "certificate %s cannot supersede itself", c.ID)
		}
		if !sha256Pattern.MatchString(c.PreviousDCCSHA256) {
			return Errorf(Invalid, "previous_dcc_sha256 must be 64 lowercase hex digits")
		}
	}
	if c.Status == "" {
		c.Status = CertValid
	}
	if c.Status != CertValid {
		return Errorf(Invalid, "a new certificate must be valid; revoke or supersede it afterwards")
	}
	if c.SupersededBy != "" {
		return Errorf(Invalid, "superseded_by is set by SupersedeCertificate")
	}
	return nil
}

// ValidOn reports whether the certificate was in force on date: status
// valid and performed_on <= date <= valid_until.
func (c *Certificate) ValidOn(date string) bool {
	return c.Status == CertValid && c.PerformedOn <= date && date <= c.ValidUntil
}
