package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"slices"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// SetStandardStatus seals, revokes or reactivates a standard from a date,
// with a reason. Status changes are kept in order; a revoked standard stays
// revoked.
func (c *Contract) SetStandardStatus(ctx contractapi.TransactionContextInterface, standardID, status, since, reason string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	var s record.Standard
	if err := requireRecord(ctx, record.DocStandard, standardID, &s); err != nil {
		return "", err
	}
	if _, err := writableInstitution(ctx, s.InstitutionID); err != nil {
		return "", wrapf(err, "set status of standard %s", standardID)
	}
	// Every wrong argument is named at once, as a record's fields are.
	var wrong []record.FieldError
	if !slices.Contains(record.StandardStatuses, status) {
		wrong = append(wrong, record.NewFieldError("status", record.FieldNotOneOf, record.Params{"value": status, "allowed": "active, sealed, revoked"},
			"status %q is not one of active, sealed, revoked", status))
	}
	if err := record.PlausibleDate("since", since); err != nil {
		wrong = append(wrong, record.FieldErrorOf("since", err))
	}
	if err := record.ValidText("reason", reason); err != nil {
		wrong = append(wrong, record.FieldErrorOf("reason", err))
	} else if status != record.StatusActive && reason == "" {
		wrong = append(wrong, record.NewFieldError("reason", record.FieldReasonRequired, record.Params{"action": "status", "id": standardID, "status": status},
			"a reason is required to make standard %s %s", standardID, status))
	}
	if err := record.FieldErrors(wrong...); err != nil {
		return "", err
	}
	if s.Status == record.StatusRevoked {
		return "", record.Refusef(record.Conflict, record.ReasonStandardRevoked, record.Params{"id": standardID, "since": s.StatusSince}, "standard %s was revoked on %s and cannot change status", standardID, s.StatusSince)
	}
	if s.Status == status {
		return "", record.Refusef(record.Conflict, record.ReasonStandardAlready, record.Params{"id": standardID, "status": status}, "standard %s is already %s", standardID, status)
	}
	if n := len(s.StatusHistory); n > 0 && since < s.StatusHistory[n-1].Since {
		return "", invalidField("since", record.FieldBeforeLastChange, record.Params{"value": since, "id": standardID, "last": s.StatusHistory[n-1].Since},
			"since %s is before the last status change of %s on %s", since, standardID, s.StatusHistory[n-1].Since)
	}
	s.Status, s.StatusSince, s.StatusReason = status, since, reason
	s.StatusHistory = append(s.StatusHistory, record.StatusChange{Status: status, Since: since, Reason: reason})
	t := newTxn(ctx, record.FnSetStandardStatus)
	if err := t.put(record.DocStandard, s.ID, &s, ""); err != nil {
		return "", err
	}
	return t.commit()
}

// RevokeCertificate revokes a valid certificate, with a reason.
func (c *Contract) RevokeCertificate(ctx contractapi.TransactionContextInterface, certificateID, reason string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	cert, err := changeableCertificate(ctx, certificateID, reason, "revoke")
	if err != nil {
		return "", err
	}
	cert.Status, cert.StatusReason = record.CertRevoked, reason
	t := newTxn(ctx, record.FnRevokeCertificate)
	if err := t.put(record.DocCertificate, cert.ID, cert, ""); err != nil {
		return "", err
	}
	return t.commit()
}

// SupersedeCertificate marks a valid certificate as superseded by a newer
// valid certificate of the same subject, with a reason.
func (c *Contract) SupersedeCertificate(ctx contractapi.TransactionContextInterface, certificateID, replacementID, reason string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	cert, err := changeableCertificate(ctx, certificateID, reason, "supersede")
	if err != nil {
		return "", err
	}
	if replacementID == certificateID {
		return "", invalidField("replacement_id", record.FieldReplacementSelf, record.Params{"id": certificateID}, "certificate %s cannot supersede itself", certificateID)
	}
	var repl record.Certificate
	if err := requireRecord(ctx, record.DocCertificate, replacementID, &repl); err != nil {
		return "", wrapf(onField("replacement_id", err), "supersede %s", certificateID)
	}
	if repl.SubjectID != cert.SubjectID {
		return "", invalidField("replacement_id", record.FieldReplacementSubject, record.Params{"id": replacementID, "subject": repl.SubjectID, "want": cert.SubjectID},
			"replacement %s is about %s, not %s", replacementID, repl.SubjectID, cert.SubjectID)
	}
	if repl.Status != record.CertValid {
		return "", record.Refusef(record.Conflict, record.ReasonReplacementStatus, record.Params{"id": replacementID, "status": repl.Status}, "replacement %s is %s", replacementID, repl.Status)
	}
	cert.Status, cert.StatusReason, cert.SupersededBy = record.CertSuperseded, reason, replacementID
	t := newTxn(ctx, record.FnSupersedeCertificate)
	if err := t.put(record.DocCertificate, cert.ID, cert, ""); err != nil {
		return "", err
	}
	return t.commit()
}

func changeableCertificate(ctx contractapi.TransactionContextInterface, id, reason, verb string) (*record.Certificate, error) {
	var cert record.Certificate
	if err := requireRecord(ctx, record.DocCertificate, id, &cert); err != nil {
		return nil, err
	}
	if _, err := writableInstitution(ctx, cert.IssuerID); err != nil {
		return nil, wrapf(err, "%s certificate %s", verb, id)
	}
	if reason == "" {
		return nil, record.FieldErrors(record.NewFieldError("reason", record.FieldReasonRequired, record.Params{"action": verb, "id": id},
			"a reason is required to %s certificate %s", verb, id))
	}
	if err := record.ValidText("reason", reason); err != nil {
		return nil, record.FieldErrors(record.FieldErrorOf("reason", err))
	}
	if cert.Status != record.CertValid {
		return nil, record.Refusef(record.Conflict, record.ReasonCertificateAlready, record.Params{"id": id, "status": cert.Status}, "certificate %s is already %s", id, cert.Status)
	}
	return &cert, nil
}
