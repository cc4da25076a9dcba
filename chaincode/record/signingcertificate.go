package record

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"time"
)

// DocSigningCertificate is the doc type of an institution's DCC signing
// certificate.
const DocSigningCertificate = "signing_certificate"

// IndexSigningCertificatesByInstitution lists signing certificates by
// institution_id.
const IndexSigningCertificatesByInstitution = "signing_certificates_by_institution"

// Signing certificate statuses.
const (
	SigningActive  = "active"
	SigningRevoked = "revoked"
)

// SigningCertificateStatuses lists the statuses of a signing certificate.
var SigningCertificateStatuses = []string{SigningActive, SigningRevoked}

// MaxChainLength bounds the CA certificates a signing certificate carries.
const MaxChainLength = 8

// SigningCertificate is an X.509 certificate an institution signs its DCCs
// with, registered on the ledger with its CA chain: the ledger is the trust
// store DCC signatures are checked against. Certificate may be the signer's
// own certificate or a CA certificate of the institution under which its
// signers' certificates are issued. Revocation takes effect from the start
// (00:00 UTC) of RevokedOn: a DCC signed before then by the certificate
// still verifies as registered.
type SigningCertificate struct {
	ID            string `json:"id"`
	DocType       string `json:"doc_type"`
	InstitutionID string `json:"institution_id"`
	// Certificate is the PEM of the certificate; Chain the PEMs of the CA
	// certificates above it, issuer first, up to a root.
	Certificate string   `json:"certificate"`
	Chain       []string `json:"chain"`
	// Subject, Issuer, Serial (hex), NotBefore, NotAfter (RFC 3339) and
	// SHA256 (of the DER) are read from Certificate by Validate.
	Subject   string `json:"subject"`
	Issuer    string `json:"issuer"`
	Serial    string `json:"serial"`
	NotBefore string `json:"not_before"`
	NotAfter  string `json:"not_after"`
	SHA256    string `json:"sha256"`
	// Status is active or revoked; RevokedOn (a date) and RevocationReason
	// are set by RevokeSigningCertificate.
	Status           string `json:"status"`
	RevokedOn        string `json:"revoked_on,omitempty"`
	RevocationReason string `json:"revocation_reason,omitempty"`
}

// ParseCertificatePEM parses exactly one PEM "CERTIFICATE" block.
func ParseCertificatePEM(field, s string) (*x509.Certificate, error) {
	block, rest := pem.Decode([]byte(strings.TrimSpace(s)))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, invalid(field, FieldNotPEM, nil, "%s is not a PEM CERTIFICATE block", field)
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return nil, invalid(field, FieldPEMMoreBlocks, nil, "%s holds more than one PEM block; put CA certificates in chain", field)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, invalid(field, FieldX509Invalid, Params{"detail": err.Error()}, "%s: %v", field, err)
	}
	return c, nil
}

// Validate checks the record on its own: the PEMs parse, each chain
// certificate signed the one before it, and the derived fields match the
// certificate (they are filled in when empty). A new record is active.
func (s *SigningCertificate) Validate() error {
	if err := checkDocType(&s.DocType, DocSigningCertificate); err != nil {
		return err
	}
	if err := ValidateID("id", s.ID); err != nil {
		return err
	}
	if err := ValidateID("institution_id", s.InstitutionID); err != nil {
		return err
	}
	cert, err := ParseCertificatePEM("certificate", s.Certificate)
	if err != nil {
		return err
	}
	if len(s.Chain) > MaxChainLength {
		return invalid("chain", FieldTooMany, Params{"count": itoa(len(s.Chain)), "max": itoa(MaxChainLength)}, "chain holds %d certificates, more than %d", len(s.Chain), MaxChainLength)
	}
	if s.Chain == nil {
		s.Chain = []string{}
	}
	below := cert
	for i, p := range s.Chain {
		field := "chain[" + itoa(i) + "]"
		c, err := ParseCertificatePEM(field, p)
		if err != nil {
			return err
		}
		if err := below.CheckSignatureFrom(c); err != nil {
			return invalid(field, FieldChainNotSigned, Params{"subject": c.Subject.String(), "below": below.Subject.String(), "detail": err.Error()},
				"%s (%s) did not sign %s: %v", field, c.Subject, below.Subject, err)
		}
		below = c
	}
	sum := sha256.Sum256(cert.Raw)
	derived := []struct {
		field string
		dst   *string
		value string
	}{
		{"subject", &s.Subject, cert.Subject.String()},
		{"issuer", &s.Issuer, cert.Issuer.String()},
		{"serial", &s.Serial, strings.ToLower(cert.SerialNumber.Text(16))},
		{"not_before", &s.NotBefore, cert.NotBefore.UTC().Format(time.RFC3339)},
		{"not_after", &s.NotAfter, cert.NotAfter.UTC().Format(time.RFC3339)},
		{"sha256", &s.SHA256, hex.EncodeToString(sum[:])},
	}
	for _, d := range derived {
		if *d.dst == "" {
			*d.dst = d.value
		} else if *d.dst != d.value {
			return invalid(d.field, FieldDerivedMismatch, Params{"value": *d.dst, "want": d.value}, "%s %q does not match the certificate's %q", d.field, *d.dst, d.value)
		}
	}
	if s.Status == "" {
		s.Status = SigningActive
	}
	if err := oneOf("status", s.Status, SigningCertificateStatuses); err != nil {
		return err
	}
	if s.Status == SigningRevoked {
		if err := validDate("revoked_on", s.RevokedOn); err != nil {
			return err
		}
		if err := required("revocation_reason", s.RevocationReason); err != nil {
			return err
		}
	} else if s.RevokedOn != "" || s.RevocationReason != "" {
		return invalid("status", FieldActiveNoRevocation, nil, "an active signing certificate has no revoked_on or revocation_reason")
	}
	return nil
}

// RevokedBefore reports whether the record was revoked at or before t:
// revocation counts from 00:00 UTC of revoked_on.
func (s *SigningCertificate) RevokedBefore(t time.Time) bool {
	if s.Status != SigningRevoked {
		return false
	}
	d, err := ParseDate(s.RevokedOn)
	if err != nil {
		return true
	}
	return !t.Before(d)
}
