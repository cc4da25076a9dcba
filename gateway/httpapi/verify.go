package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/blob"
	"github.com/metrotrace/metrotrace/gateway/dcc"
	"github.com/metrotrace/metrotrace/gateway/dcc/schema"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature"
)

// Statuses of a verification.
const (
	// VerifyValid: the file is anchored by a valid certificate within its
	// validity.
	VerifyValid = "valid"
	// VerifyExpired: the certificate is valid on the ledger but today is
	// after its valid_until.
	VerifyExpired = "expired"
	// VerifyRevoked and VerifySuperseded: the certificate's ledger status.
	VerifyRevoked    = "revoked"
	VerifySuperseded = "superseded"
	// VerifyNotAnchored: no certificate anchors the file's SHA-256.
	VerifyNotAnchored = "not_anchored"
	// VerifyAltered: the file is a DCC whose uniqueIdentifier names a ledger
	// certificate that anchors a different file.
	VerifyAltered = "altered"
)

// Verification is the answer of POST /verify.
type Verification struct {
	// SHA256 is the lowercase hex SHA-256 of the exact bytes sent.
	SHA256 string `json:"sha256"`
	// Anchored says a ledger certificate anchors these bytes, or their
	// canonical form (Matched says which).
	Anchored bool `json:"anchored"`
	// Altered says the file is a DCC naming a ledger certificate that
	// anchors other bytes.
	Altered bool `json:"altered"`
	// Certificate is the anchoring certificate, or when altered the
	// certificate the DCC names; null otherwise.
	Certificate *record.Certificate `json:"certificate"`
	// Issuer is the certificate's issuing institution; null without a
	// certificate.
	Issuer *VerifiedIssuer `json:"issuer"`
	// Status is one of the Verify* statuses; StatusReason says why
	// (revocation reason, expiry date, differing hashes, ...).
	Status       string `json:"status"`
	StatusReason string `json:"status_reason"`
	// CheckedOn is the gateway's today, the date expiry and traceability
	// are judged on.
	CheckedOn string `json:"checked_on"`
	// TraceableToday is the trace verdict of the certificate's subject
	// today; null when the file is not anchored or the trace failed.
	// TraceProblems lists the failed checks, or why the trace failed.
	TraceableToday *bool    `json:"traceable_today"`
	TraceProblems  []string `json:"trace_problems"`
	// TxID and AnchoredAt (RFC 3339) are the transaction that anchored
	// these bytes: the first version of the certificate carrying this
	// SHA-256. Empty unless anchored.
	TxID       string `json:"tx_id"`
	AnchoredAt string `json:"anchored_at"`
	// Message says the outcome in a sentence.
	Message string `json:"message"`
	// C14NSHA256 is the SHA-256 of the file's canonical form ("" when it
	// is not XML); Matched says which digest a certificate anchors:
	// MatchBytes, MatchC14N (the file differs from the anchored DCC in
	// formatting only) or "" when not anchored.
	C14NSHA256 string `json:"c14n_sha256"`
	Matched    string `json:"matched"`
	// Signature is the check of the file's XML signature, judged against
	// the signing certificates of the certificate's issuer (else of the
	// DCC's laboratory).
	Signature *signature.Result `json:"signature"`
	// Schema is the validation of the file against the DCC schema of its
	// version; null when the file is not XML.
	Schema *schema.Result `json:"schema"`
}

// Digests a verification may match.
const (
	MatchBytes = "bytes"
	MatchC14N  = "c14n"
)

// VerifiedIssuer is the institution that issued a verified certificate.
type VerifiedIssuer struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Region string `json:"region"`
}

// verify handles POST /verify, which is public: anyone holding a file may
// ask whether the ledger anchors it. The ledger is read as
// Config.VerifyIdentity, never as the caller.
func (s *Server) verify(c echo.Context) error {
	id := s.cfg.VerifyIdentity
	if id == nil {
		return refusef(CodeUnavailable, ReasonVerifyNotConfigured, nil, "verification is not configured on this gateway (it has no reader identity to read the ledger with)")
	}
	data, err := readFile(c, false)
	if err != nil {
		return err
	}
	r, err := s.readerAs(c, id)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v := &Verification{
		SHA256:        blob.Hash(data),
		CheckedOn:     s.today(),
		TraceProblems: []string{},
	}
	certs, err := r.FindByDCC(ctx, v.SHA256)
	if err != nil {
		return err
	}
	if len(certs) > 0 {
		v.Matched = MatchBytes
	}
	if c14n, err := dcc.CanonicalSHA256(data); err == nil {
		sch := schema.Validate(data)
		v.C14NSHA256, v.Schema = c14n, &sch
		if len(certs) == 0 {
			if certs, err = (ledgerLookup{ctx: ctx, r: r}).ByCanonical(c14n); err != nil {
				return err
			}
			if len(certs) > 0 {
				v.Matched = MatchC14N
			}
		}
	}
	if len(certs) > 0 {
		err = verifyAnchored(ctx, r, v, &certs[0])
	} else {
		err = verifyNotAnchored(ctx, r, v, data)
	}
	if err != nil {
		return err
	}
	if err := s.verifySignature(ctx, r, v, data); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// verifyAnchored fills in the answer for a file a certificate anchors.
func verifyAnchored(ctx context.Context, r Reader, v *Verification, cert *record.Certificate) error {
	v.Anchored = true
	v.Certificate = cert
	if err := verifiedIssuer(ctx, r, v, cert.IssuerID); err != nil {
		return err
	}
	versions, err := r.History(ctx, record.DocCertificate, cert.ID)
	if err != nil {
		return err
	}
	for _, ver := range versions {
		var anchored struct {
			DCCSHA256 string `json:"dcc_sha256"`
		}
		if json.Unmarshal(ver.Value, &anchored) == nil && anchored.DCCSHA256 == cert.DCCSHA256 {
			// The version that first anchored the certificate's DCC.
			v.TxID, v.AnchoredAt = ver.TxID, ver.Timestamp
			break
		}
	}
	v.Status, v.StatusReason = certificateStatus(cert, v.CheckedOn)
	traceToday(ctx, r, v, cert.SubjectID)
	defer func() {
		if v.Matched == MatchC14N {
			v.Message += fmt.Sprintf(" The file is not byte for byte the DCC anchored (SHA-256 %s), but its canonical form is: they differ in formatting only.", cert.DCCSHA256)
		}
	}()

	issuer := cert.IssuerID
	if v.Issuer != nil && v.Issuer.Name != "" {
		issuer = fmt.Sprintf("%s (%s)", v.Issuer.Name, cert.IssuerID)
	}
	msg := fmt.Sprintf("This file is the DCC anchored by certificate %s, issued by %s for %s on %s", cert.ID, issuer, cert.SubjectID, cert.PerformedOn)
	if v.TxID != "" {
		msg += fmt.Sprintf(" and recorded in transaction %s at %s", v.TxID, v.AnchoredAt)
	}
	switch v.Status {
	case VerifyValid:
		msg += fmt.Sprintf(". The certificate is valid until %s.", cert.ValidUntil)
	case VerifyExpired:
		msg += fmt.Sprintf(". The certificate expired: it was valid until %s.", cert.ValidUntil)
	case VerifyRevoked:
		msg += ". The certificate was revoked: " + orUnstated(cert.StatusReason) + "."
	case VerifySuperseded:
		msg += ". The certificate was superseded: " + v.StatusReason + "."
	default:
		msg += fmt.Sprintf(". The certificate's status is %s.", cert.Status)
	}
	v.Message = msg
	return nil
}

// certificateStatus judges a certificate on date today: its ledger status,
// or expired when valid on the ledger but past valid_until.
func certificateStatus(cert *record.Certificate, today string) (status, reason string) {
	switch cert.Status {
	case record.CertRevoked:
		return VerifyRevoked, cert.StatusReason
	case record.CertSuperseded:
		reason = cert.StatusReason
		if cert.SupersededBy != "" {
			reason = fmt.Sprintf("superseded by %s: %s", cert.SupersededBy, orUnstated(cert.StatusReason))
		}
		return VerifySuperseded, reason
	}
	if cert.ValidUntil != "" && today > cert.ValidUntil {
		return VerifyExpired, fmt.Sprintf("valid until %s; checked on %s", cert.ValidUntil, today)
	}
	return VerifyValid, ""
}

func orUnstated(reason string) string {
	if reason == "" {
		return "no reason stated"
	}
	return reason
}

// verifiedIssuer reads the issuing institution into the answer; an issuer
// the read model does not know leaves it null.
func verifiedIssuer(ctx context.Context, r Reader, v *Verification, issuerID string) error {
	in, err := readAs[record.Institution](ctx, r, record.DocInstitution, issuerID)
	if record.ErrorCode(err) == record.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	v.Issuer = &VerifiedIssuer{ID: in.ID, Name: in.Name, Region: in.Region}
	return nil
}

// traceToday asks whether the subject is traceable today; a trace that
// fails leaves the verdict null and says why.
func traceToday(ctx context.Context, r Reader, v *Verification, subject string) {
	rep, err := r.Trace(ctx, subject, v.CheckedOn)
	if err != nil {
		v.TraceProblems = append(v.TraceProblems, "the trace of "+subject+" failed: "+record.ErrorMessage(err))
		return
	}
	traceable := rep.Traceable
	v.TraceableToday = &traceable
	v.TraceProblems = append(v.TraceProblems, rep.Problems...)
}

// verifyNotAnchored fills in the answer for a file no certificate anchors:
// altered when it is a DCC whose uniqueIdentifier, made into a ledger id
// as the importer does, names a certificate anchoring other bytes.
func verifyNotAnchored(ctx context.Context, r Reader, v *Verification, data []byte) error {
	v.Status = VerifyNotAnchored
	v.StatusReason = "no certificate on the ledger anchors SHA-256 " + v.SHA256
	v.Message = "No certificate on the ledger anchors this file: it is not an anchored DCC, or it was modified."
	doc, err := dcc.Parse(data)
	if err != nil {
		v.Message += " It is not a DCC naming a ledger certificate either (" + record.ErrorMessage(err) + ")."
		return nil
	}
	certID, ok := dcc.SanitizeID(doc.Core.UniqueIdentifier)
	if !ok {
		v.Message += " It is a DCC, but its uniqueIdentifier names no ledger certificate."
		return nil
	}
	cert, err := readAs[record.Certificate](ctx, r, record.DocCertificate, certID)
	if record.ErrorCode(err) == record.NotFound {
		v.Message += fmt.Sprintf(" It is a DCC naming certificate %s, which is not on the ledger.", certID)
		return nil
	}
	if err != nil {
		return err
	}
	if cert.DCCSHA256 == "" {
		v.Message += fmt.Sprintf(" It is a DCC naming certificate %s, which exists on the ledger but anchors no DCC.", certID)
		return nil
	}
	v.Altered = true
	v.Certificate = cert
	if err := verifiedIssuer(ctx, r, v, cert.IssuerID); err != nil {
		return err
	}
	v.Status = VerifyAltered
	v.StatusReason = fmt.Sprintf("certificate %s anchors a DCC with SHA-256 %s; this file's SHA-256 is %s", cert.ID, cert.DCCSHA256, v.SHA256)
	v.Message = fmt.Sprintf("Certificate %s exists on the ledger, but these bytes differ from the DCC it anchored: the file was altered, or is not the DCC that was issued.", cert.ID)
	return nil
}
