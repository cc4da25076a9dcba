package contract

import (
	"encoding/json"
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// RegisterInstitution registers an institution of the caller's organization.
func (c *Contract) RegisterInstitution(ctx contractapi.TransactionContextInterface, institutionJSON string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	var in record.Institution
	if err := decodeValid(institutionJSON, &in); err != nil {
		return "", wrapf(err, "register institution")
	}
	who, err := callerOf(ctx)
	if err != nil {
		return "", err
	}
	if err := who.mayRegisterInstitution(&in); err != nil {
		return "", err
	}
	if err := mustNotExist(ctx, record.DocInstitution, in.ID); err != nil {
		return "", err
	}
	t := newTxn(ctx, record.FnRegisterInstitution)
	if err := t.put(record.DocInstitution, in.ID, &in, in.MSPID); err != nil {
		return "", err
	}
	return t.commit()
}

// RegisterCapability records a CMC of an institution.
func (c *Contract) RegisterCapability(ctx contractapi.TransactionContextInterface, capabilityJSON string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	var cp record.Capability
	if err := decodeValid(capabilityJSON, &cp); err != nil {
		return "", wrapf(err, "register capability")
	}
	owner, err := writableInstitution(ctx, cp.InstitutionID)
	if err != nil {
		return "", wrapf(err, "register capability %s", cp.ID)
	}
	if err := mustNotExist(ctx, record.DocCapability, cp.ID); err != nil {
		return "", err
	}
	t := newTxn(ctx, record.FnRegisterCapability)
	if err := t.put(record.DocCapability, cp.ID, &cp, owner.MSPID); err != nil {
		return "", err
	}
	return t.commit()
}

// RegisterStandard records a measurement standard of an institution.
func (c *Contract) RegisterStandard(ctx contractapi.TransactionContextInterface, standardJSON string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	var s record.Standard
	if err := decodeValid(standardJSON, &s); err != nil {
		return "", wrapf(err, "register standard")
	}
	if s.Status != record.StatusActive || s.StatusSince != "" || s.StatusReason != "" || len(s.StatusHistory) != 0 {
		return "", record.Refusef(record.Invalid, record.ReasonStandardNewActive, record.Params{"id": s.ID}, "register standard %s: a new standard is active; change its status with SetStandardStatus", s.ID)
	}
	owner, err := writableInstitution(ctx, s.InstitutionID)
	if err != nil {
		return "", wrapf(err, "register standard %s", s.ID)
	}
	if err := mustNotExistSubject(ctx, s.ID); err != nil {
		return "", err
	}
	today, err := txDate(ctx)
	if err != nil {
		return "", err
	}
	s.StatusSince = today
	t := newTxn(ctx, record.FnRegisterStandard)
	if err := t.put(record.DocStandard, s.ID, &s, owner.MSPID); err != nil {
		return "", err
	}
	return t.commit()
}

// SetInstrumentOwner stores the owner's commercial details of a registered
// instrument, given in the transient map under "owner", in the owning
// organization's implicit private data collection. It writes nothing else:
// the transaction's only write is to that collection, so Fabric validates
// it against the owner organization's own endorsement policy, and the
// gateway has it endorsed by the owner's peers alone, which then are the
// only peers that ever see the details (the block carries their hash).
// It returns the instrument id.
func (c *Contract) SetInstrumentOwner(ctx contractapi.TransactionContextInterface, instrumentID string) (string, error) {
	var in record.Instrument
	if err := requireRecord(ctx, record.DocInstrument, instrumentID, &in); err != nil {
		return "", err
	}
	owner, err := writableInstitution(ctx, in.InstitutionID)
	if err != nil {
		return "", wrapf(err, "owner details of %s", instrumentID)
	}
	transient, err := ctx.GetStub().GetTransient()
	if err != nil {
		return "", record.Errorf(record.Internal, "read transient data: %v", err)
	}
	raw, ok := transient[record.TransientOwner]
	if !ok {
		return "", record.Errorf(record.Invalid, "owner details of %s: no %q entry in the transient data", instrumentID, record.TransientOwner)
	}
	if err := putOwner(ctx, owner.MSPID, instrumentID, raw); err != nil {
		return "", err
	}
	return instrumentID, nil
}

// putOwner validates owner details and writes them to the owner
// organization's implicit collection.
func putOwner(ctx contractapi.TransactionContextInterface, mspID, instrumentID string, raw []byte) error {
	var o record.InstrumentOwner
	if err := decodeValid(string(raw), &o); err != nil {
		return wrapf(err, "owner details of %s", instrumentID)
	}
	if o.InstrumentID != "" && o.InstrumentID != instrumentID {
		return record.Errorf(record.Invalid, "owner details name instrument %s, not %s", o.InstrumentID, instrumentID)
	}
	o.InstrumentID = instrumentID
	data, _ := json.Marshal(&o)
	if err := ctx.GetStub().PutPrivateData(implicitCollection(mspID), instrumentID, data); err != nil {
		return record.Errorf(record.Internal, "write owner details of %s: %v", instrumentID, err)
	}
	return nil
}

// RegisterInstrument records a working instrument. The owner's commercial
// details, if given in the transient map under "owner", go to the
// registering organization's implicit private data collection, never to
// public state. On Fabric the gateway sends them separately with
// SetInstrumentOwner, so that no other organization endorses them.
func (c *Contract) RegisterInstrument(ctx contractapi.TransactionContextInterface, instrumentJSON string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	var in record.Instrument
	if err := record.Decode([]byte(instrumentJSON), &in); err != nil {
		return "", wrapf(err, "register instrument")
	}
	if err := in.ValidateNew(); err != nil {
		return "", wrapf(err, "register instrument")
	}
	owner, err := writableInstitution(ctx, in.InstitutionID)
	if err != nil {
		return "", wrapf(err, "register instrument %s", in.ID)
	}
	if err := mustNotExistSubject(ctx, in.ID); err != nil {
		return "", err
	}
	transient, err := ctx.GetStub().GetTransient()
	if err != nil {
		return "", record.Errorf(record.Internal, "read transient data: %v", err)
	}
	if in.RegisteredOn, err = txDate(ctx); err != nil {
		return "", err
	}
	t := newTxn(ctx, record.FnRegisterInstrument)
	if raw, ok := transient[record.TransientOwner]; ok {
		if err := putOwner(ctx, owner.MSPID, in.ID, raw); err != nil {
			return "", err
		}
	}
	if err := t.put(record.DocInstrument, in.ID, &in, owner.MSPID); err != nil {
		return "", err
	}
	return t.commit()
}

// IssueCertificate records a calibration or verification certificate issued
// by the caller's institution.
func (c *Contract) IssueCertificate(ctx contractapi.TransactionContextInterface, certificateJSON string) (string, error) {
	if out, done, err := replay(ctx); done {
		return out, err
	}
	cert, issuer, prev, err := checkNewCertificate(ctx, newReads(ctx), certificateJSON, nil)
	if err != nil {
		return "", err
	}
	t := newTxn(ctx, record.FnIssueCertificate)
	// The new certificate first: the transaction answers with it.
	if err := t.put(record.DocCertificate, cert.ID, cert, issuer.MSPID); err != nil {
		return "", err
	}
	if prev != nil {
		if err := t.put(record.DocCertificate, prev.ID, prev, ""); err != nil {
			return "", err
		}
	}
	return t.commit()
}

// checkNewCertificate decodes a new certificate and checks it against the
// ledger: the one code path of IssueCertificate and of every item of
// IssueCertificates. It returns the certificate, its issuer and, when it
// supersedes one through its DCC, that one superseded. rc caches the
// records read; batch, when not nil, holds the ids, DCCs and superseded
// certificates the batch's earlier items take, which state does not show
// until the transaction commits.
func checkNewCertificate(ctx contractapi.TransactionContextInterface, rc *reads, certificateJSON string, batch *batchClaims) (*record.Certificate, *record.Institution, *record.Certificate, error) {
	var cert record.Certificate
	if err := decodeValid(certificateJSON, &cert); err != nil {
		return nil, nil, nil, wrapf(err, "issue certificate")
	}
	// The checks against the ledger that are independent of each other
	// are all made, and the certificate refused once, naming every field
	// (a conflict, or a caller who may not write for the issuer, is
	// refused at once).
	var wrong record.Refusal
	if err := happenedBy(ctx, "performed_on", cert.PerformedOn); record.ErrorCode(err) == record.Invalid {
		wrong.Add("performed_on", err)
	} else if err != nil {
		return nil, nil, nil, wrapf(err, "issue certificate %s", cert.ID)
	}
	issuer, err := rc.writableInstitution(cert.IssuerID)
	if record.ErrorCode(err) == record.NotFound {
		wrong.Add("issuer_id", err)
	} else if err != nil {
		return nil, nil, nil, wrapf(err, "issue certificate %s", cert.ID)
	}
	if err := mustNotExist(ctx, record.DocCertificate, cert.ID); err != nil {
		return nil, nil, nil, err
	}
	if at, ok := batch.certificate(cert.ID); ok {
		return nil, nil, nil, record.Refusef(record.Conflict, record.ReasonBatchTwice, record.Params{"kind": record.DocCertificate, "id": cert.ID, "index": strconv.Itoa(at)}, "%s %s is also item %d of this batch", record.DocCertificate, cert.ID, at)
	}
	if err := checkCertificateReferences(rc, &cert, &wrong); err != nil {
		return nil, nil, nil, wrapf(err, "issue certificate %s", cert.ID)
	}
	if err := wrong.Err(); err != nil {
		return nil, nil, nil, wrapf(err, "issue certificate %s", cert.ID)
	}
	if cert.DCCSHA256 != "" {
		ids, err := indexedIDs(ctx, record.IndexCertificatesByDCC, cert.DCCSHA256)
		if err != nil {
			return nil, nil, nil, err
		}
		if len(ids) > 0 {
			return nil, nil, nil, record.Refusef(record.Conflict, record.ReasonDCCAnchored, record.Params{"id": cert.ID, "digest": cert.DCCSHA256, "other": ids[0]}, "issue certificate %s: DCC %s is already anchored by certificate %s", cert.ID, cert.DCCSHA256, ids[0])
		}
		if id, ok := batch.dcc(cert.DCCSHA256); ok {
			return nil, nil, nil, record.Refusef(record.Conflict, record.ReasonDCCAnchoredInBatch, record.Params{"id": cert.ID, "digest": cert.DCCSHA256, "other": id}, "issue certificate %s: DCC %s is also anchored by certificate %s of this batch", cert.ID, cert.DCCSHA256, id)
		}
	}
	if cert.DCCC14NSHA256 != "" {
		ids, err := indexedIDs(ctx, record.IndexCertificatesByDCCC14N, cert.DCCC14NSHA256)
		if err != nil {
			return nil, nil, nil, err
		}
		if len(ids) > 0 {
			return nil, nil, nil, record.Refusef(record.Conflict, record.ReasonDCCFormAnchored, record.Params{"id": cert.ID, "digest": cert.DCCC14NSHA256, "other": ids[0]}, "issue certificate %s: a DCC of the same canonical form (SHA-256 %s) is already anchored by certificate %s", cert.ID, cert.DCCC14NSHA256, ids[0])
		}
		if id, ok := batch.dcc("c14n:" + cert.DCCC14NSHA256); ok {
			return nil, nil, nil, record.Refusef(record.Conflict, record.ReasonDCCFormAnchoredInBatch, record.Params{"id": cert.ID, "digest": cert.DCCC14NSHA256, "other": id}, "issue certificate %s: a DCC of the same canonical form (SHA-256 %s) is also anchored by certificate %s of this batch", cert.ID, cert.DCCC14NSHA256, id)
		}
	}
	var prev *record.Certificate
	if cert.Supersedes != "" {
		if id, ok := batch.superseded(cert.Supersedes); ok {
			return nil, nil, nil, record.Refusef(record.Conflict, record.ReasonSupersededInBatch, record.Params{"id": cert.ID, "other": id, "supersedes": cert.Supersedes}, "issue certificate %s: certificate %s of this batch supersedes %s already", cert.ID, id, cert.Supersedes)
		}
		if prev, err = supersededByDCC(ctx, &cert); err != nil {
			return nil, nil, nil, wrapf(err, "issue certificate %s", cert.ID)
		}
	}
	batch.claim(&cert)
	return &cert, issuer, prev, nil
}

// supersededByDCC checks the certificate a new one supersedes through its
// DCC's previousReport: it exists, anchors a DCC of the SHA-256 named
// (exact bytes or canonical form), is valid, is about the same subject and
// its issuer is writable by the caller. It returns it superseded.
func supersededByDCC(ctx contractapi.TransactionContextInterface, cert *record.Certificate) (*record.Certificate, error) {
	var prev record.Certificate
	if err := requireRecord(ctx, record.DocCertificate, cert.Supersedes, &prev); err != nil {
		return nil, err
	}
	if prev.DCCSHA256 == "" || (prev.DCCSHA256 != cert.PreviousDCCSHA256 && prev.DCCC14NSHA256 != cert.PreviousDCCSHA256) {
		return nil, invalidField("previous_dcc_sha256", record.FieldPreviousNotAnchored, record.Params{"id": prev.ID, "value": cert.PreviousDCCSHA256},
			"certificate %s does not anchor a DCC of SHA-256 %s (previous_dcc_sha256)", prev.ID, cert.PreviousDCCSHA256)
	}
	if prev.SubjectID != cert.SubjectID {
		return nil, invalidField("supersedes", record.FieldPreviousSubject, record.Params{"id": prev.ID, "subject": prev.SubjectID, "want": cert.SubjectID},
			"previous certificate %s is about %s, not %s", prev.ID, prev.SubjectID, cert.SubjectID)
	}
	if prev.Status != record.CertValid {
		return nil, record.Refusef(record.Conflict, record.ReasonPreviousAlready, record.Params{"id": prev.ID, "status": prev.Status}, "previous certificate %s is already %s", prev.ID, prev.Status)
	}
	if _, err := writableInstitution(ctx, prev.IssuerID); err != nil {
		return nil, err
	}
	prev.Status, prev.SupersededBy = record.CertSuperseded, cert.ID
	prev.StatusReason = "superseded by certificate " + cert.ID + ", whose DCC names this one's as its previous report"
	return &prev, nil
}

// checkCertificateReferences checks that the subject and every reference
// standard exist and measure the certificate's quantity, and that a
// verification's subject has an MPE to verify against, adding each wrong
// one to wrong; it returns only an error of reading the ledger.
func checkCertificateReferences(rc *reads, cert *record.Certificate, wrong *record.Refusal) error {
	var subjectQuantity string
	var subjectMPE *record.Value
	// The instrument first: most certificates are of working instruments,
	// and ids are unique across standards and instruments, so a found
	// instrument spares the read of a standard that cannot exist.
	in, found, err := rc.instrument(cert.SubjectID)
	if err != nil {
		return err
	}
	subjectFound := found
	if found {
		subjectQuantity, subjectMPE = in.Quantity, &in.MPE
	} else {
		std, found, err := rc.standard(cert.SubjectID)
		if err != nil {
			return err
		}
		if found {
			subjectFound, subjectQuantity, subjectMPE = true, std.Quantity, std.MPE
		}
	}
	switch {
	case !subjectFound:
		wrong.Add("subject_id", record.ErrorOfField(record.NotFound, record.NewFieldError("", record.FieldSubjectNotFound, record.Params{"id": cert.SubjectID},
			"subject %s is neither a registered standard nor an instrument", cert.SubjectID)))
	case subjectQuantity != cert.Quantity:
		wrong.Add("subject_id", record.ErrorOfField(record.Invalid, record.NewFieldError("", record.FieldQuantityMismatch,
			record.Params{"kind": "subject", "id": cert.SubjectID, "measures": subjectQuantity, "quantity": cert.Quantity},
			"subject %s measures %s, the certificate is for %s", cert.SubjectID, subjectQuantity, cert.Quantity)))
	case cert.Kind == record.KindVerification && subjectMPE == nil:
		wrong.Add("subject_id", record.ErrorOfField(record.Invalid, record.NewFieldError("", record.FieldSubjectNoMPE, record.Params{"id": cert.SubjectID},
			"a verification needs the subject's MPE; standard %s has none", cert.SubjectID)))
	}
	for i, refID := range cert.ReferenceIDs {
		field := "reference_ids[" + strconv.Itoa(i) + "]"
		ref, found, err := rc.standard(refID)
		if err != nil {
			return err
		}
		if !found {
			wrong.Add(field, record.ErrorOfField(record.NotFound, record.NewFieldError("", record.FieldRecordNotFound, record.Params{"kind": "reference standard", "id": refID},
				"reference standard %s does not exist", refID)))
			continue
		}
		if ref.Quantity != cert.Quantity {
			wrong.Add(field, record.ErrorOfField(record.Invalid, record.NewFieldError("", record.FieldQuantityMismatch,
				record.Params{"kind": "reference standard", "id": refID, "measures": ref.Quantity, "quantity": cert.Quantity},
				"reference standard %s measures %s, the certificate is for %s", refID, ref.Quantity, cert.Quantity)))
		}
	}
	return nil
}

// writableInstitution loads the institution a record is written for and
// checks the caller may write for it.
func writableInstitution(ctx contractapi.TransactionContextInterface, id string) (*record.Institution, error) {
	in, err := requireInstitution(ctx, id)
	if err != nil {
		return nil, err
	}
	who, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := who.mayWriteFor(in); err != nil {
		return nil, err
	}
	return in, nil
}

// mustNotExistSubject keeps standard and instrument ids distinct, so a
// certificate's subject id names exactly one record.
func mustNotExistSubject(ctx contractapi.TransactionContextInterface, id string) error {
	for _, doc := range []string{record.DocStandard, record.DocInstrument} {
		found, err := exists(ctx, doc, id)
		if err != nil {
			return err
		}
		if found {
			return record.Refusef(record.Conflict, record.ReasonAlreadyExists, record.Params{"kind": doc, "id": id}, "%s %s already exists", doc, id)
		}
	}
	return nil
}

func implicitCollection(mspID string) string { return "_implicit_org_" + mspID }

// validatable is a record that can check itself.
type validatable interface{ Validate() error }

func decodeValid(data string, v validatable) error {
	if err := record.Decode([]byte(data), v); err != nil {
		return err
	}
	return v.Validate()
}
