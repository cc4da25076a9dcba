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
	if err := checkDocType(&s.DocType, DocStandard); err != nil {
		return err
	}
	if err := ValidateID("id", s.ID); err != nil {
		return err
	}
	if err := ValidateID("institution_id", s.InstitutionID); err != nil {
		return err
	}
	if err := required("name", s.Name); err != nil {
		return err
	}
	if err := oneOf("level", s.Level, Levels); err != nil {
		return err
	}
	if err := validQuantity(s.Quantity); err != nil {
		return err
	}
	if err := s.Range.validate("range", s.Quantity); err != nil {
		return err
	}
	if err := s.Uncertainty.validate("uncertainty", s.Quantity); err != nil {
		return err
	}
	if s.MPE != nil {
		if err := s.MPE.validate("mpe", s.Quantity); err != nil {
			return err
		}
		if s.MPE.Value <= 0 {
			return Errorf(Invalid, "mpe.value must be positive, got %g", s.MPE.Value)
		}
	}
	if err := validIdentifications(s.Identifications); err != nil {
		return err
	}
	if s.Approval != nil {
		if err := required("approval.number", s.Approval.Number); err != nil {
			return err
		}
		if err := validDate("approval.valid_until", s.Approval.ValidUntil); err != nil {
			return err
		}
	} else if NeedsApproval(s.Level) {
		return Errorf(Invalid, "approval is required for a %s standard", s.Level)
	}
	if s.Status == "" {
		s.Status = StatusActive
	}
	if err := oneOf("status", s.Status, StandardStatuses); err != nil {
		return err
	}
	if s.StatusSince != "" {
		if err := validDate("status_since", s.StatusSince); err != nil {
			return err
		}
	}
	if s.StatusHistory == nil {
		s.StatusHistory = []StatusChange{}
	}
	return nil
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
