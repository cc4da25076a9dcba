package contract

import (
	"sort"
	"strconv"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Chunks of a case: how many notice items one transaction records. A case
// affecting more certificates is recorded across transactions (OpenCase,
// then ContinueCase until the case is recorded), so no transaction's write
// set grows with the case (an item is about 300 bytes).
const (
	DefaultCaseChunk = 500
	MaxCaseChunk     = 2000
)

// OpenCase opens an out-of-tolerance case on a standard: the impact walk
// from the standard since the given date finds the affected certificates,
// and one notice per issuing institution lists them. The first chunk of
// items is recorded here, the rest by ContinueCase. Certificates already
// revoked or superseded need no action and are left out. A recorder of the
// standard's institution, or any inspector, may open a case; chunk is the
// number of items to record now ("" : DefaultCaseChunk).
func (c *Contract) OpenCase(ctx contractapi.TransactionContextInterface, caseJSON, chunk string) (string, error) {
	var o record.CaseOpening
	if err := decodeValid(caseJSON, &o); err != nil {
		return "", wrapf(err, "open case")
	}
	size, err := caseChunk(chunk)
	if err != nil {
		return "", err
	}
	var std record.Standard
	if err := requireRecord(ctx, record.DocStandard, o.StandardID, &std); err != nil {
		return "", wrapf(err, "open case %s", o.ID)
	}
	who, err := mayHandleCase(ctx, &std)
	if err != nil {
		return "", wrapf(err, "open case %s", o.ID)
	}
	if err := mustNotExist(ctx, record.DocCase, o.ID); err != nil {
		return "", err
	}
	today, err := txDate(ctx)
	if err != nil {
		return "", err
	}
	if o.Since > today {
		return "", record.Refusef(record.Invalid, record.ReasonCaseSinceAfterToday, record.Params{"id": o.ID, "since": o.Since, "today": today},
			"open case %s: since %s is after today %s", o.ID, o.Since, today)
	}
	cs := &record.Case{ID: o.ID, DocType: record.DocCase, StandardID: o.StandardID, Since: o.Since, Finding: o.Finding,
		Status: record.CaseOpen, InstitutionID: std.InstitutionID, OpenedOn: today, OpenedBy: who.String(), NoticeIDs: []string{}}
	t := newTxn(ctx, record.FnOpenCase)
	if err := recordChunk(ctx, t, cs, size, today); err != nil {
		return "", wrapf(err, "open case %s", o.ID)
	}
	return t.commit()
}

// ContinueCase records the next chunk of a case's notice items; the
// gateway calls it until the case is recorded.
func (c *Contract) ContinueCase(ctx contractapi.TransactionContextInterface, caseID, chunk string) (string, error) {
	size, err := caseChunk(chunk)
	if err != nil {
		return "", err
	}
	var cs record.Case
	if err := requireRecord(ctx, record.DocCase, caseID, &cs); err != nil {
		return "", err
	}
	if cs.Recorded {
		return "", record.Refusef(record.Conflict, record.ReasonCaseRecorded, record.Params{"id": caseID}, "case %s is already recorded in full", caseID)
	}
	var std record.Standard
	if err := requireRecord(ctx, record.DocStandard, cs.StandardID, &std); err != nil {
		return "", err
	}
	if _, err := mayHandleCase(ctx, &std); err != nil {
		return "", wrapf(err, "continue case %s", caseID)
	}
	today, err := txDate(ctx)
	if err != nil {
		return "", err
	}
	t := newTxn(ctx, record.FnContinueCase)
	if err := recordChunk(ctx, t, &cs, size, today); err != nil {
		return "", wrapf(err, "continue case %s", caseID)
	}
	return t.commit()
}

func caseChunk(v string) (int, error) {
	if v == "" {
		return DefaultCaseChunk, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxCaseChunk {
		return 0, record.Errorf(record.Invalid, "chunk %q must be an integer from 1 to %d", v, MaxCaseChunk)
	}
	return n, nil
}

// mayHandleCase allows an inspector (the one write an inspector may make)
// or whoever may write for the standard's institution.
func mayHandleCase(ctx contractapi.TransactionContextInterface, std *record.Standard) (caller, error) {
	who, err := callerOf(ctx)
	if err != nil {
		return who, err
	}
	if who.hasAttributes() && who.role == record.RoleInspector {
		return who, nil
	}
	if _, err := writableInstitution(ctx, std.InstitutionID); err != nil {
		return who, wrapf(err, "a case on %s is handled by a recorder of %s or by an inspector", std.ID, std.InstitutionID)
	}
	return who, nil
}

// caseWalkCalls bounds the impact-walk pages one chunk reads
// (rules.ImpactWalk, each at most record.MaxImpactPageUsages usages), so a
// transaction's reads stay bounded however many of the usages it meets are
// filtered out.
const caseWalkCalls = 4

// recordChunk records up to size notice items, taking the impact walk
// (rules.ImpactWalk) on from the case's cursor, so a transaction reads only
// the usages of its own chunk however many certificates the case affects;
// and writes the case and every notice it touched. Items come in walk
// order: a notice may grow in every chunk and is complete when the walk
// ends. A certificate the walk meets again (under a second affected
// reference) keeps its first item. The case is written first: it is the
// transaction's answer.
func recordChunk(ctx contractapi.TransactionContextInterface, t *txn, cs *record.Case, size int, today string) error {
	l := rules.FromSource(stateSource{ctx})
	usages := writableUsagePage(ctx, l)
	touched := map[string]*record.Notice{}
	notice := func(id, institution string) (*record.Notice, error) {
		if n := touched[id]; n != nil {
			return n, nil
		}
		n := &record.Notice{ID: id, DocType: record.DocNotice, CaseID: cs.ID, StandardID: cs.StandardID, InstitutionID: institution,
			Status: record.CaseOpen, OpenedOn: today}
		found, err := readRecord(ctx, record.DocNotice, id, n)
		if err != nil {
			return nil, err
		}
		if !found {
			if institution == "" {
				return nil, record.Errorf(record.Internal, "case %s names notice %s, which does not exist", cs.ID, id)
			}
			cs.NoticeIDs = append(cs.NoticeIDs, id)
			cs.OpenNotices++
		}
		touched[id] = n
		return n, nil
	}
	var items []*record.NoticeItem
	chunk := map[string]bool{} // item ids of this chunk
	token := cs.Cursor
	for calls := 0; len(items) < size && calls < caseWalkCalls; calls++ {
		page, err := rules.ImpactWalk(l, usages, cs.StandardID, cs.Since, min(record.MaxPageSize, size-len(items)), token, record.MaxImpactPageUsages)
		if err != nil {
			return err
		}
		for _, u := range page.Certificates {
			nid := record.NoticeItemID(record.NoticeID(cs.ID, u.IssuerID), u.CertificateID)
			if chunk[nid] {
				continue
			}
			chunk[nid] = true
			var cert record.Certificate
			if err := requireRecord(ctx, record.DocCertificate, u.CertificateID, &cert); err != nil {
				return err
			}
			if cert.Status != record.CertValid {
				continue
			}
			if found, err := readRecord(ctx, record.DocNoticeItem, nid, &record.NoticeItem{}); err != nil {
				return err
			} else if found {
				continue
			}
			n, err := notice(record.NoticeID(cs.ID, u.IssuerID), u.IssuerID)
			if err != nil {
				return err
			}
			n.ItemCount++
			n.OpenItems++
			cs.Certificates++
			items = append(items, &record.NoticeItem{ID: nid, DocType: record.DocNoticeItem, NoticeID: n.ID,
				CaseID: cs.ID, CertificateID: cert.ID, SubjectID: cert.SubjectID, Status: record.ItemOpen})
		}
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	cs.Cursor, cs.Recorded = token, token == ""
	if cs.Recorded {
		// The walk is over: every notice is complete, and one whose items
		// are all resolved closes.
		for _, id := range cs.NoticeIDs {
			if _, err := notice(id, ""); err != nil {
				return err
			}
		}
	}
	ids := make([]string, 0, len(touched))
	for id := range touched {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := touched[id]
		n.Complete = cs.Recorded
		if n.Complete && n.OpenItems == 0 && n.Status == record.CaseOpen {
			n.Status, n.ClosedOn = record.CaseClosed, today
			cs.OpenNotices--
		}
	}
	closeIfDone(cs, today)
	if err := t.put(record.DocCase, cs.ID, cs, ""); err != nil {
		return err
	}
	for _, id := range ids {
		if err := t.put(record.DocNotice, id, touched[id], ""); err != nil {
			return err
		}
	}
	for _, it := range items {
		if err := t.put(record.DocNoticeItem, it.ID, it, ""); err != nil {
			return err
		}
	}
	return nil
}

func closeIfDone(cs *record.Case, today string) {
	if cs.Recorded && cs.OpenNotices == 0 && cs.Status == record.CaseOpen {
		cs.Status, cs.ClosedOn = record.CaseClosed, today
	}
}

// ResolveNotice resolves one item of a notice, as a recorder of the
// notified institution: recalled revokes the certificate; recalibrated
// names a new certificate of the same subject, performed after the case's
// since date and valid today, through which the subject is traceable
// today; no_impact states why the finding did not matter. The notice closes
// with its last item, the case with its last notice.
func (c *Contract) ResolveNotice(ctx contractapi.TransactionContextInterface, noticeID, resolutionJSON string) (string, error) {
	var n record.Notice
	if err := requireRecord(ctx, record.DocNotice, noticeID, &n); err != nil {
		return "", err
	}
	if _, err := writableInstitution(ctx, n.InstitutionID); err != nil {
		return "", wrapf(err, "resolve notice %s", noticeID)
	}
	var r record.Resolution
	if err := decodeValid(resolutionJSON, &r); err != nil {
		return "", wrapf(err, "resolve notice %s", noticeID)
	}
	var item record.NoticeItem
	found, err := readRecord(ctx, record.DocNoticeItem, record.NoticeItemID(noticeID, r.CertificateID), &item)
	if err != nil {
		return "", err
	}
	if !found {
		return "", record.Errorf(record.NotFound, "certificate %s is not an item of notice %s", r.CertificateID, noticeID)
	}
	if item.Status != record.ItemOpen {
		return "", record.Refusef(record.Conflict, record.ReasonNoticeItemResolved, record.Params{"certificate": r.CertificateID, "notice": noticeID, "action": item.Action}, "certificate %s of notice %s was already resolved: %s", r.CertificateID, noticeID, item.Action)
	}
	var cs record.Case
	if err := requireRecord(ctx, record.DocCase, n.CaseID, &cs); err != nil {
		return "", err
	}
	today, err := txDate(ctx)
	if err != nil {
		return "", err
	}
	var cert record.Certificate
	if err := requireRecord(ctx, record.DocCertificate, r.CertificateID, &cert); err != nil {
		return "", err
	}
	revoke := false
	switch r.Action {
	case record.ActionRecalled:
		revoke = cert.Status == record.CertValid
	case record.ActionRecalibrated:
		if err := checkRecalibration(ctx, &cs, &item, r.ReplacementID, today); err != nil {
			return "", wrapf(err, "resolve %s as recalibrated", r.CertificateID)
		}
	}
	item.Status, item.Action, item.ReplacementID, item.Reason, item.ResolvedOn = record.ItemResolved, r.Action, r.ReplacementID, strings.TrimSpace(r.Reason), today
	n.OpenItems--
	caseChanged := false
	if n.Complete && n.OpenItems == 0 {
		n.Status, n.ClosedOn = record.CaseClosed, today
		cs.OpenNotices--
		closeIfDone(&cs, today)
		caseChanged = true
	}
	t := newTxn(ctx, record.FnResolveNotice)
	if err := t.put(record.DocNotice, n.ID, &n, ""); err != nil {
		return "", err
	}
	if err := t.put(record.DocNoticeItem, item.ID, &item, ""); err != nil {
		return "", err
	}
	if caseChanged {
		if err := t.put(record.DocCase, cs.ID, &cs, ""); err != nil {
			return "", err
		}
	}
	if revoke {
		reason := "recalled under out-of-tolerance case " + cs.ID + " of " + cs.StandardID
		if item.Reason != "" {
			reason += ": " + item.Reason
		}
		cert.Status, cert.StatusReason = record.CertRevoked, reason
		if err := t.put(record.DocCertificate, cert.ID, &cert, ""); err != nil {
			return "", err
		}
	}
	return t.commit()
}

// checkRecalibration checks a replacement certificate: of the item's
// subject, performed after the case's since date, valid today, and the
// subject traceable today.
func checkRecalibration(ctx contractapi.TransactionContextInterface, cs *record.Case, item *record.NoticeItem, replacementID, today string) error {
	if replacementID == item.CertificateID {
		return invalidField("replacement_id", record.FieldReplacementSelf, record.Params{"id": replacementID},
			"the replacement must be a new certificate, not %s itself", replacementID)
	}
	var repl record.Certificate
	if err := requireRecord(ctx, record.DocCertificate, replacementID, &repl); err != nil {
		return onField("replacement_id", err)
	}
	if repl.SubjectID != item.SubjectID {
		return invalidField("replacement_id", record.FieldReplacementSubject, record.Params{"id": replacementID, "subject": repl.SubjectID, "want": item.SubjectID},
			"replacement %s is about %s, not %s", replacementID, repl.SubjectID, item.SubjectID)
	}
	if repl.PerformedOn <= cs.Since {
		return invalidField("replacement_id", record.FieldReplacementNotAfter, record.Params{"id": replacementID, "performed_on": repl.PerformedOn, "since": cs.Since},
			"replacement %s was performed on %s, not after %s", replacementID, repl.PerformedOn, cs.Since)
	}
	if !repl.ValidOn(today) {
		return invalidField("replacement_id", record.FieldReplacementNotValid,
			record.Params{"id": replacementID, "status": repl.Status, "performed_on": repl.PerformedOn, "valid_until": repl.ValidUntil},
			"replacement %s is not valid today (%s, %s to %s)", replacementID, repl.Status, repl.PerformedOn, repl.ValidUntil)
	}
	rep, err := rules.Trace(rules.FromSource(stateSource{ctx}), item.SubjectID, today)
	if err != nil {
		return err
	}
	if !rep.Traceable {
		return invalidField("replacement_id", record.FieldReplacementUntraced, record.Params{"id": replacementID, "subject": item.SubjectID, "problems": strings.Join(rep.Problems, "; ")},
			"%s is not traceable today through %s: %s", item.SubjectID, replacementID, strings.Join(rep.Problems, "; "))
	}
	return nil
}
