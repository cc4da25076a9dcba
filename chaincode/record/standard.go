package record

import "sort"

// Standard levels, from the root of a chain down.
const (
	LevelPrimary    = "primary"
	LevelPublic     = "public"
	LevelDepartment = "department"
	LevelEnterprise = "enterprise"
	LevelWorking    = "working"
)

// Levels lists the standard levels.
var Levels = []string{LevelPrimary, LevelPublic, LevelDepartment, LevelEnterprise, LevelWorking}

// Standard statuses.
const (
	StatusActive  = "active"
	StatusSealed  = "sealed"
	StatusRevoked = "revoked"
)

// StandardStatuses lists the standard statuses.
var StandardStatuses = []string{StatusActive, StatusSealed, StatusRevoked}

// Standard is a measurement standard (计量标准) held by an institution.
type Standard struct {
	ID            string      `json:"id"`
	DocType       string      `json:"doc_type"`
	InstitutionID string      `json:"institution_id"`
	Name          string      `json:"name"`
	Level         string      `json:"level"`
	Quantity      string      `json:"quantity"`
	Range         Range       `json:"range"`
	Uncertainty   Uncertainty `json:"uncertainty"`
	MPE           *Value      `json:"mpe,omitempty"`
	// Identifications name the standard's equipment as a DCC's measuring
	// equipment does (a serial number by its manufacturer, an inventory
	// number by its owner), so that DCCs naming it resolve to it.
	Identifications []Identification `json:"identifications,omitempty"`
	Approval        *Approval        `json:"approval,omitempty"`
	Status          string           `json:"status"`
	StatusSince     string           `json:"status_since"`
	StatusReason    string           `json:"status_reason"`
	StatusHistory   []StatusChange   `json:"status_history"`
}

// Approval is the standard approval certificate (计量标准考核证书).
type Approval struct {
	Number     string `json:"number"`
	ValidUntil string `json:"valid_until"`
}

// StatusChange is one entry of a standard's status history.
type StatusChange struct {
	Status string `json:"status"`
	Since  string `json:"since"`
	Reason string `json:"reason"`
}

// NeedsApproval reports whether the level requires a standard approval:
// public, department and enterprise standards do; primary standards are
// established by the state and working standards are approved through the
// standard above them.
func NeedsApproval(level string) bool {
	return level == LevelPublic || level == LevelDepartment || level == LevelEnterprise
}

// Validate checks the record on its own, without looking at the ledger. A
// new standard starts active unless it says otherwise.
func (s *Standard) Validate() error {
	var v fieldErrors
	v.check("doc_type", checkDocType(&s.DocType, DocStandard))
	v.check("id", ValidateID("id", s.ID))
	v.check("institution_id", ValidateID("institution_id", s.InstitutionID))
	v.check("name", required("name", s.Name))
	levelOK := v.check("level", oneOf("level", s.Level, Levels))
	q := quantityOf(&v, s.Quantity)
	s.Range.validate(&v, "range", q)
	s.Uncertainty.validate(&v, "uncertainty", q)
	if s.MPE != nil {
		before := len(v.list)
		s.MPE.validate(&v, "mpe", q)
		if len(v.list) == before && s.MPE.Value <= 0 {
			v.add("mpe.value", FieldNotPositive, Params{"value": num(s.MPE.Value)}, "mpe.value must be positive, got %g", s.MPE.Value)
		}
	}
	v.check("identifications", validIdentifications(s.Identifications))
	if s.Approval != nil {
		v.check("approval.number", required("approval.number", s.Approval.Number))
		v.check("approval.valid_until", validDate("approval.valid_until", s.Approval.ValidUntil))
	} else if levelOK && NeedsApproval(s.Level) {
		v.add("approval", FieldApprovalRequired, Params{"level": s.Level}, "approval is required for a %s standard", s.Level)
	}
	if s.Status == "" {
		s.Status = StatusActive
	}
	v.check("status", oneOf("status", s.Status, StandardStatuses))
	if s.StatusSince != "" {
		v.check("status_since", validDate("status_since", s.StatusSince))
	}
	if s.StatusHistory == nil {
		s.StatusHistory = []StatusChange{}
	}
	return v.err()
}

// StatusOn returns the status the standard had on date, with the change
// that set it (zero if it was never changed: a standard is active until a
// status change says otherwise).
func (s *Standard) StatusOn(date string) (string, StatusChange) {
	changes := append([]StatusChange(nil), s.StatusHistory...)
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].Since < changes[j].Since })
	status, at := StatusActive, StatusChange{}
	for _, c := range changes {
		if c.Since > date {
			break
		}
		status, at = c.Status, c
	}
	return status, at
}
