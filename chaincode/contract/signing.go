package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// RegisterSigningCertificate records a DCC signing certificate of an
// institution with its CA chain, written by the institution's recorder or
// by an operator of its organization. The record is the trust store DCC
// signatures of the institution are checked against.
func (c *Contract) RegisterSigningCertificate(ctx contractapi.TransactionContextInterface, signingCertificateJSON string) (string, error) {
	var sc record.SigningCertificate
	if err := decodeValid(signingCertificateJSON, &sc); err != nil {
		return "", wrapf(err, "register signing certificate")
	}
	if sc.Status != record.SigningActive {
		return "", record.Refusef(record.Invalid, record.ReasonSigningNewActive, record.Params{"id": sc.ID}, "register signing certificate %s: a new signing certificate is active; revoke it with RevokeSigningCertificate", sc.ID)
	}
	owner, err := signingCertificateKeeper(ctx, sc.InstitutionID)
	if err != nil {
		return "", wrapf(err, "register signing certificate %s", sc.ID)
	}
	if err := mustNotExist(ctx, record.DocSigningCertificate, sc.ID); err != nil {
		return "", err
	}
	ids, err := indexedIDs(ctx, record.IndexSigningCertificatesByInstitution, sc.InstitutionID)
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		var other record.SigningCertificate
		if err := requireRecord(ctx, record.DocSigningCertificate, id, &other); err != nil {
			return "", err
		}
		if other.SHA256 == sc.SHA256 {
			return "", record.Refusef(record.Conflict, record.ReasonSigningDuplicate, record.Params{"id": sc.ID, "other": id, "digest": sc.SHA256}, "register signing certificate %s: %s already registers this certificate (SHA-256 %s)", sc.ID, id, sc.SHA256)
		}
	}
	t := newTxn(ctx, "RegisterSigningCertificate")
	if err := t.put(record.DocSigningCertificate, sc.ID, &sc, owner.MSPID); err != nil {
		return "", err
	}
	return t.commit()
}

// RevokeSigningCertificate revokes a signing certificate from a date (not
// after the transaction's), with a reason: DCCs signed from that date on no
// longer verify as registered. A revoked certificate stays revoked.
func (c *Contract) RevokeSigningCertificate(ctx contractapi.TransactionContextInterface, signingCertificateID, revokedOn, reason string) (string, error) {
	var sc record.SigningCertificate
	if err := requireRecord(ctx, record.DocSigningCertificate, signingCertificateID, &sc); err != nil {
		return "", err
	}
	if _, err := signingCertificateKeeper(ctx, sc.InstitutionID); err != nil {
		return "", wrapf(err, "revoke signing certificate %s", signingCertificateID)
	}
	if err := record.PlausibleDate("revoked_on", revokedOn); err != nil {
		return "", record.FieldErrors(record.FieldErrorOf("revoked_on", err))
	}
	today, err := txDate(ctx)
	if err != nil {
		return "", err
	}
	if revokedOn > today {
		return "", invalidField("revoked_on", record.FieldAfterToday, record.Params{"value": revokedOn, "today": today},
			"revoked_on %s is after today %s: revoke from a date that has come", revokedOn, today)
	}
	if reason == "" {
		return "", invalidField("reason", record.FieldReasonRequired, record.Params{"action": "revoke", "id": signingCertificateID},
			"a reason is required to revoke signing certificate %s", signingCertificateID)
	}
	if sc.Status == record.SigningRevoked {
		return "", record.Refusef(record.Conflict, record.ReasonSigningRevoked, record.Params{"id": signingCertificateID, "on": sc.RevokedOn}, "signing certificate %s was revoked on %s", signingCertificateID, sc.RevokedOn)
	}
	sc.Status, sc.RevokedOn, sc.RevocationReason = record.SigningRevoked, revokedOn, reason
	t := newTxn(ctx, "RevokeSigningCertificate")
	if err := t.put(record.DocSigningCertificate, sc.ID, &sc, ""); err != nil {
		return "", err
	}
	return t.commit()
}

// signingCertificateKeeper loads the institution a signing certificate
// belongs to and checks the caller may keep its signing certificates.
func signingCertificateKeeper(ctx contractapi.TransactionContextInterface, id string) (*record.Institution, error) {
	in, err := requireInstitution(ctx, id)
	if err != nil {
		return nil, err
	}
	who, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := who.mayKeepSigningCertificates(in); err != nil {
		return nil, err
	}
	return in, nil
}
