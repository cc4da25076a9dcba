package record

import "strings"

// Doc types of an out-of-tolerance case: the case, one notice per
// institution that issued an affected certificate, and one item per
// affected certificate. Items are records of their own so that a case
// affecting many certificates is written across many bounded transactions
// and resolving one item rewrites one small record.
const (
	DocCase       = "case"
	DocNotice     = "notice"
	DocNoticeItem = "notice_item"
)

// Statuses of a case and a notice.
const (
	CaseOpen   = "open"
	CaseClosed = "closed"
)

// Statuses of a notice item.
const (
	ItemOpen     = "open"
	ItemResolved = "resolved"
)

// Actions that resolve a notice item.
const (
	ActionRecalled     = "recalled"     // the certificate is revoked
	ActionRecalibrated = "recalibrated" // a new certificate of the subject, after since, traceable today
	ActionNoImpact     = "no_impact"    // the finding did not affect the result: a reason says why
)

// Actions lists the resolve actions.
var Actions = []string{ActionRecalled, ActionRecalibrated, ActionNoImpact}

// CaseOpening is what opens a case: a standard found out of tolerance from
// a date on, and the finding.
type CaseOpening struct {
	ID         string `json:"id"`
	StandardID string `json:"standard_id"`
	Since      string `json:"since"`
	Finding    string `json:"finding"`
}

// Validate checks the opening on its own.
func (o *CaseOpening) Validate() error {
	if err := ValidateID("id", o.ID); err != nil {
		return err
	}
	if err := ValidateID("standard_id", o.StandardID); err != nil {
		return err
	}
	if err := validDate("since", o.Since); err != nil {
		return err
	}
	return required("finding", o.Finding)
}

// Case is an out-of-tolerance case (计量标准超差处置): the standard, the date
// it may have been out of tolerance from, and how far its notices are
// recorded and resolved. The notices themselves are records of their own.
type Case struct {
	ID            string   `json:"id"`
	DocType       string   `json:"doc_type"`
	StandardID    string   `json:"standard_id"`
	Since         string   `json:"since"`
	Finding       string   `json:"finding"`
	Status        string   `json:"status"`
	InstitutionID string   `json:"institution_id"` // the standard's institution
	OpenedOn      string   `json:"opened_on"`
	OpenedBy      string   `json:"opened_by"`
	ClosedOn      string   `json:"closed_on,omitempty"`
	NoticeIDs     []string `json:"notice_ids"`
	OpenNotices   int      `json:"open_notices"`
	Certificates  int      `json:"certificates"` // items recorded so far
	// Recorded is true once every notice is recorded; until then
	// ContinueCase records the next chunk, taking the impact walk on from
	// Cursor (the walk's page token, rules.ImpactWalk).
	Recorded bool   `json:"recorded"`
	Cursor   string `json:"cursor,omitempty"`
}

// Notice tells an institution which of the certificates it issued a case
// affects. It closes when it is complete (every item recorded) and every
// item is resolved.
type Notice struct {
	ID            string `json:"id"`
	DocType       string `json:"doc_type"`
	CaseID        string `json:"case_id"`
	StandardID    string `json:"standard_id"`
	InstitutionID string `json:"institution_id"`
	Status        string `json:"status"`
	OpenedOn      string `json:"opened_on"`
	ClosedOn      string `json:"closed_on,omitempty"`
	ItemCount     int    `json:"item_count"`
	OpenItems     int    `json:"open_items"`
	Complete      bool   `json:"complete"`
}

// NoticeItem is one affected certificate of a notice and how it was
// resolved.
type NoticeItem struct {
	ID            string `json:"id"`
	DocType       string `json:"doc_type"`
	NoticeID      string `json:"notice_id"`
	CaseID        string `json:"case_id"`
	CertificateID string `json:"certificate_id"`
	SubjectID     string `json:"subject_id"`
	Status        string `json:"status"`
	Action        string `json:"action"`
	ReplacementID string `json:"replacement_id"`
	Reason        string `json:"reason"`
	ResolvedOn    string `json:"resolved_on,omitempty"`
}

// Resolution is the body of a notice item's resolution.
type Resolution struct {
	CertificateID string `json:"certificate_id"`
	Action        string `json:"action"`
	ReplacementID string `json:"replacement_id"`
	Reason        string `json:"reason"`
}

// Validate checks a resolution on its own: which certificate, a known
// action, a replacement exactly for recalibrated, a reason for no_impact.
func (r *Resolution) Validate() error {
	if err := ValidateID("certificate_id", r.CertificateID); err != nil {
		return err
	}
	if err := oneOf("action", r.Action, Actions); err != nil {
		return err
	}
	switch r.Action {
	case ActionRecalibrated:
		if err := ValidateID("replacement_id", r.ReplacementID); err != nil {
			return invalid("replacement_id", FieldReplacementRequired, Params{"action": r.Action}, "recalibrated names the new certificate: %s", ErrorMessage(err))
		}
	default:
		if r.ReplacementID != "" {
			return invalid("replacement_id", FieldReplacementNotWanted, Params{"action": r.Action}, "replacement_id is only given with recalibrated")
		}
	}
	if r.Action == ActionNoImpact && strings.TrimSpace(r.Reason) == "" {
		return invalid("reason", FieldReasonRequired, Params{"action": r.Action, "id": r.CertificateID}, "no_impact needs a reason")
	}
	return nil
}

// NoticeID is the id of the notice of a case to an institution; "~" cannot
// occur in either id, so the pair is recovered unambiguously.
func NoticeID(caseID, institutionID string) string { return caseID + "~" + institutionID }

// NoticeItemID is the id of a certificate's item in a notice.
func NoticeItemID(noticeID, certificateID string) string { return noticeID + "~" + certificateID }
