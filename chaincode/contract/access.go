package contract

import (
	"errors"
	"fmt"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// caller is the identity that submitted the transaction.
type caller struct {
	mspID       string
	institution string // from the attribute, "" without attributes
	role        string // from the attribute, "" without attributes
}

func (c caller) hasAttributes() bool { return c.role != "" || c.institution != "" }

// params are the parameters that name the caller in a refusal: "caller"
// as String writes it, and its parts, so that a client names the caller
// in its own language.
func (c caller) params(more record.Params) record.Params {
	p := record.Params{"caller": c.String(), "caller_msp": c.mspID, "caller_role": c.role, "caller_institution": c.institution}
	for k, v := range more {
		p[k] = v
	}
	return p
}

func (c caller) String() string {
	if c.hasAttributes() && c.institution != "" {
		return fmt.Sprintf("%s %s of %s", c.mspID, c.role, c.institution)
	}
	if c.hasAttributes() {
		return c.mspID + " " + c.role
	}
	return "identity of " + c.mspID
}

func callerOf(ctx contractapi.TransactionContextInterface) (caller, error) {
	id := ctx.GetClientIdentity()
	if id == nil {
		return caller{}, record.Refusef(record.Forbidden, record.ReasonCallerUnreadable, nil, "the caller's identity cannot be read")
	}
	msp, err := id.GetMSPID()
	if err != nil || msp == "" {
		return caller{}, record.Refusef(record.Forbidden, record.ReasonCallerMSPUnreadable, nil, "the caller's MSP cannot be read")
	}
	c := caller{mspID: msp}
	c.institution, _, _ = id.GetAttributeValue(record.AttrInstitution)
	c.role, _, _ = id.GetAttributeValue(record.AttrRole)
	if c.hasAttributes() {
		switch c.role {
		case record.RoleRecorder, record.RoleInspector, record.RoleOperator:
		case "":
			return caller{}, record.Refusef(record.Forbidden, record.ReasonCallerNoRole, nil, "identity carries %s but no %s attribute", record.AttrInstitution, record.AttrRole)
		default:
			return caller{}, record.Refusef(record.Forbidden, record.ReasonCallerUnknownRole, record.Params{"role": c.role}, "unknown role %q (recorder, inspector or operator)", c.role)
		}
		if c.institution == "" && c.role != record.RoleOperator {
			return caller{}, record.Refusef(record.Forbidden, record.ReasonCallerNoInstitution, record.Params{"role": c.role}, "a %s identity must carry the %s attribute", c.role, record.AttrInstitution)
		}
	}
	return c, nil
}

// mayWriteFor allows writing a record in the name of an institution: the
// caller's MSP must be the institution's, and a caller with attributes must
// be a recorder of that very institution.
func (c caller) mayWriteFor(in *record.Institution) error {
	if c.mspID != in.MSPID {
		return record.Refusef(record.Forbidden, record.ReasonWriteOtherOrg, c.params(record.Params{"id": in.ID, "msp": in.MSPID}), "%s may not write for %s, which belongs to %s", c, in.ID, in.MSPID)
	}
	if !c.hasAttributes() {
		return nil
	}
	switch c.role {
	case record.RoleRecorder:
		if c.institution != in.ID {
			return record.Refusef(record.Forbidden, record.ReasonWriteOtherInstitution, record.Params{"institution": c.institution, "id": in.ID}, "a recorder of %s may not write for %s", c.institution, in.ID)
		}
		return nil
	case record.RoleInspector:
		return record.Refusef(record.Forbidden, record.ReasonInspectorNoWrite, record.Params{"id": in.ID}, "inspectors read; they cannot write for %s", in.ID)
	default:
		return record.Refusef(record.Forbidden, record.ReasonOperatorNoWrite, record.Params{"id": in.ID}, "operators register institutions and propose agreements; records of %s are written by its recorders", in.ID)
	}
}

// mayKeepSigningCertificates allows registering and revoking the DCC
// signing certificates of an institution: the caller's MSP must be the
// institution's, and a caller with attributes must be a recorder of that
// institution or an operator of its organization (who keeps the
// organization's PKI).
func (c caller) mayKeepSigningCertificates(in *record.Institution) error {
	if c.mspID != in.MSPID {
		return record.Refusef(record.Forbidden, record.ReasonSigningOtherOrg, c.params(record.Params{"id": in.ID, "msp": in.MSPID}), "%s may not keep the signing certificates of %s, which belongs to %s", c, in.ID, in.MSPID)
	}
	if !c.hasAttributes() || c.role == record.RoleOperator || c.role == record.RoleRecorder && c.institution == in.ID {
		return nil
	}
	if c.role == record.RoleRecorder {
		return record.Refusef(record.Forbidden, record.ReasonSigningOtherInstitution, record.Params{"institution": c.institution, "id": in.ID}, "a recorder of %s may not keep the signing certificates of %s", c.institution, in.ID)
	}
	return record.Refusef(record.Forbidden, record.ReasonInspectorNoSigning, record.Params{"id": in.ID}, "inspectors read; they cannot keep the signing certificates of %s", in.ID)
}

// mayRegisterInstitution allows registering an institution of the caller's
// own organization; with attributes, only an operator may.
func (c caller) mayRegisterInstitution(in *record.Institution) error {
	if c.mspID != in.MSPID {
		return record.Refusef(record.Forbidden, record.ReasonRegisterOtherOrg, c.params(record.Params{"id": in.ID, "msp": in.MSPID}), "%s may not register %s for %s", c, in.ID, in.MSPID)
	}
	if c.hasAttributes() && c.role != record.RoleOperator {
		return record.Refusef(record.Forbidden, record.ReasonOperatorOnly, record.Params{"role": c.role}, "only an operator registers institutions; caller is a %s", c.role)
	}
	return nil
}

func asError(err error, target **record.Error) bool { return errors.As(err, target) }
