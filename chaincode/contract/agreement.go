package contract

import (
	"slices"
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// ProposeAgreement records a mutual-recognition agreement proposed by one of
// its parties (an operator of a party's organization, or a recorder of a
// party). It is in force only once every party has approved it.
func (c *Contract) ProposeAgreement(ctx contractapi.TransactionContextInterface, agreementJSON string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	var a record.Agreement
	if err := decodeValid(agreementJSON, &a); err != nil {
		return "", wrapf(err, "propose agreement")
	}
	if a.ProposedBy != "" {
		return "", record.Errorf(record.Invalid, "propose agreement %s: proposed_by is set by the chaincode", a.ID)
	}
	who, err := callerOf(ctx)
	if err != nil {
		return "", err
	}
	if err := mustNotExist(ctx, record.DocAgreement, a.ID); err != nil {
		return "", err
	}
	// Every party that does not exist is named at once.
	var wrong record.Refusal
	for i, p := range a.Parties {
		in, err := requireInstitution(ctx, p)
		if record.ErrorCode(err) == record.NotFound {
			wrong.Add("parties["+strconv.Itoa(i)+"]", err)
			continue
		}
		if err != nil {
			return "", wrapf(err, "propose agreement %s", a.ID)
		}
		if a.ProposedBy != "" || in.MSPID != who.mspID {
			continue
		}
		if !who.hasAttributes() || who.role == record.RoleOperator || (who.role == record.RoleRecorder && who.institution == p) {
			a.ProposedBy = p
		}
	}
	if err := wrong.Err(); err != nil {
		return "", wrapf(err, "propose agreement %s", a.ID)
	}
	if a.ProposedBy == "" {
		return "", record.Refusef(record.Forbidden, record.ReasonCallerNotAParty, who.params(record.Params{"id": a.ID}), "propose agreement %s: %s does not act for any of its parties", a.ID, who)
	}
	t := newTxn(ctx, record.FnProposeAgreement)
	if err := t.put(record.DocAgreement, a.ID, &a, ""); err != nil {
		return "", err
	}
	return t.commit()
}

// ApproveAgreement records a party's approval. partyID may be empty when
// the caller's identity names its institution.
func (c *Contract) ApproveAgreement(ctx contractapi.TransactionContextInterface, agreementID, partyID string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	var a record.Agreement
	if err := requireRecord(ctx, record.DocAgreement, agreementID, &a); err != nil {
		return "", err
	}
	if partyID == "" {
		who, err := callerOf(ctx)
		if err != nil {
			return "", err
		}
		partyID = who.institution
		if partyID == "" {
			return "", record.Refusef(record.Invalid, record.ReasonPartyRequired, record.Params{"id": agreementID}, "approve agreement %s: name the approving party", agreementID)
		}
	}
	if !a.HasParty(partyID) {
		return "", record.Refusef(record.Invalid, record.ReasonNotAParty, record.Params{"party": partyID, "id": agreementID}, "%s is not a party to agreement %s", partyID, agreementID)
	}
	if _, err := writableInstitution(ctx, partyID); err != nil {
		return "", wrapf(err, "approve agreement %s", agreementID)
	}
	if slices.Contains(a.Approvals, partyID) {
		return "", record.Refusef(record.Conflict, record.ReasonAlreadyApproved, record.Params{"party": partyID, "id": agreementID}, "%s already approved agreement %s", partyID, agreementID)
	}
	a.Approvals = append(a.Approvals, partyID)
	t := newTxn(ctx, record.FnApproveAgreement)
	if err := t.put(record.DocAgreement, a.ID, &a, ""); err != nil {
		return "", err
	}
	return t.commit()
}
