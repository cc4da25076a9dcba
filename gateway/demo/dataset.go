package demo

import (
	"encoding/json"
	"fmt"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// The provincial institutes of metrology of the three regions: the
// institutions the demo features, whose users a server with the demo
// prints ready-to-use tokens for.
const (
	InstituteBeijing = "BJIM"
	InstituteTianjin = "TJIM"
	InstituteHebei   = "HBIM"
)

// FeaturedInstitutes lists the featured institutes, Beijing first: its
// inspector is the one a server's banner shows the examples as.
var FeaturedInstitutes = []string{InstituteBeijing, InstituteTianjin, InstituteHebei}

// Dataset is the demo data in the order it is loaded: every slice is in
// submission order, and maps are only looked up, never iterated in output
// order.
type Dataset struct {
	// Today is the day the dataset was generated for.
	Today        string                `json:"today"`
	Institutions []*record.Institution `json:"institutions"`
	Capabilities []*record.Capability  `json:"capabilities"`
	Standards    []*record.Standard    `json:"standards"`
	Instruments  []*record.Instrument  `json:"instruments"`
	// Owners holds the private owner details of some instruments, by
	// instrument id: they travel in the transient map and land in the
	// registering organization's implicit private data collection.
	Owners        map[string]record.InstrumentOwner `json:"owners"`
	Certificates  []*record.Certificate             `json:"certificates"`
	StatusChanges []StatusChange                    `json:"status_changes"`
	Comparisons   []*record.Comparison              `json:"comparisons"`
	Agreements    []*record.Agreement               `json:"agreements"`
	// Approvals lists, by agreement id, the parties that approve it, in
	// order. A party missing here leaves the agreement pending.
	Approvals map[string][]string `json:"approvals"`
	// Cases are out-of-tolerance cases opened (each by a recorder of the
	// standard's institution) after everything else; Resolutions resolve
	// some of their notice items, in order.
	Cases       []record.CaseOpening `json:"cases"`
	Resolutions []Resolution         `json:"resolutions"`
	Showcase    Showcase             `json:"showcase"`
}

// StatusChange is one SetStandardStatus call.
type StatusChange struct {
	StandardID string `json:"standard_id"`
	Status     string `json:"status"`
	Since      string `json:"since"`
	Reason     string `json:"reason"`
}

// Showcase names the records worth showing in documentation, demos and
// tests. Every verdict described here holds on Today.
type Showcase struct {
	// Today is the date at which the verdicts below hold.
	Today string `json:"today"`
	// Traceable is an enterprise instrument traceable at Today through a
	// seven-level chain: primary → NIM working reference → provincial →
	// district → enterprise → working standard → instrument.
	Traceable string `json:"traceable"`
	// TraceableCompulsory is a market scale under compulsory verification,
	// traceable through a four-level chain (primary → BJIM → district
	// institute → scale).
	TraceableCompulsory string `json:"traceable_compulsory"`
	// ExpiredReference is an instrument calibrated against
	// ExpiredReferenceStandard after that standard's certificate expired:
	// check reference_certificate_valid_at_use fails.
	ExpiredReference         string `json:"expired_reference"`
	ExpiredReferenceStandard string `json:"expired_reference_standard"`
	// SealedReference is an instrument verified against SealedStandard
	// after it was sealed on SealedSince: check reference_active_at_use
	// fails.
	SealedReference string `json:"sealed_reference"`
	SealedStandard  string `json:"sealed_standard"`
	SealedSince     string `json:"sealed_since"`
	// RatioFailing is a micrometer verified against working gauge blocks
	// whose uncertainty exceeds a third of its MPE: check
	// uncertainty_ratio fails.
	RatioFailing string `json:"ratio_failing"`
	// Overdue is an instrument whose own verification certificate has
	// expired: check certificate_valid fails.
	Overdue string `json:"overdue"`
	// ImpactStandard, found out of tolerance, was last known good on
	// ImpactSince: the impact query from that day lists certificates,
	// instruments, standards (transitively) and institutions.
	ImpactStandard string `json:"impact_standard"`
	ImpactSince    string `json:"impact_since"`
	// RecognizedCertificate, issued by a Hebei institute, is recognized by
	// RecognizedBy under the three-region agreement: every check passes.
	RecognizedCertificate string `json:"recognized_certificate"`
	RecognizedBy          string `json:"recognized_by"`
	// UnrecognizedCertificate is not recognized by UnrecognizedBy: only
	// check UnrecognizedCheck fails (its issuer's latest comparison for
	// the quantity had |En| > 1).
	UnrecognizedCertificate string `json:"unrecognized_certificate"`
	UnrecognizedBy          string `json:"unrecognized_by"`
	UnrecognizedCheck       string `json:"unrecognized_check"`
	// Agreement is the three-region agreement, in force; PendingAgreement
	// is an agreement among the accredited laboratories still waiting for
	// one party's approval.
	Agreement        string `json:"agreement"`
	PendingAgreement string `json:"pending_agreement"`
	// The supervision lists on Today: NeverVerified, a compulsory scale
	// registered and never verified, heads the overdue list with Overdue;
	// DueSoon falls due within 30 days; ExpiringApproval is a standard
	// whose approval expires within 30 days; AtRisk is the certificate
	// issued against SealedStandard after it was sealed.
	NeverVerified    string `json:"never_verified"`
	DueSoon          string `json:"due_soon"`
	ExpiringApproval string `json:"expiring_approval"`
	AtRisk           string `json:"at_risk"`
	// Case is the out-of-tolerance case on SealedStandard since
	// ImpactSince, still open: OpenNotice (the district institute's) has
	// items recalled, recalibrated, of no impact and still open;
	// ClosedNotice (the enterprise's) is resolved in full.
	Case         string `json:"case"`
	OpenNotice   string `json:"open_notice"`
	ClosedNotice string `json:"closed_notice"`
}

// Break is a subject deliberately not traceable on Showcase.Today, with the
// one check that fails and why.
type Break struct {
	Subject string `json:"subject"`
	Check   string `json:"check"`
	Why     string `json:"why"`
}

// Breaks lists the deliberately untraceable subjects, in a fixed order.
func (s Showcase) Breaks() []Break {
	return []Break{
		{s.ExpiredReference, "reference_certificate_valid_at_use", "calibrated against " + s.ExpiredReferenceStandard + " after its certificate expired"},
		{s.SealedReference, "reference_active_at_use", "verified against " + s.SealedStandard + ", sealed since " + s.SealedSince},
		{s.RatioFailing, "uncertainty_ratio", "reference uncertainty above a third of the micrometer's MPE"},
		{s.Overdue, "certificate_valid", "verification certificate expired; overdue for re-verification"},
		{s.ExpiredReferenceStandard, "certificate_valid", "its own calibration certificate has expired"},
	}
}

// Step is one chaincode call: the function, its arguments and transient
// data, and the identity that submits it (an organization, a role carried
// as the metrotrace.role attribute, and an institution carried as the
// metrotrace.institution attribute, empty for an operator).
type Step = scenario.Step

// Count returns the number of writes (chaincode transactions) that load
// the dataset: len(d.Steps()).
func (d *Dataset) Count() int {
	n := len(d.Institutions) + len(d.Capabilities) + len(d.Standards) + len(d.Instruments) +
		len(d.Certificates) + len(d.StatusChanges) + len(d.Comparisons) + len(d.Agreements)
	for _, a := range d.Agreements {
		n += len(d.Approvals[a.ID])
	}
	return n + len(d.Cases) + len(d.Resolutions)
}

// Steps returns the chaincode calls that load the dataset, in the order
// they must be submitted: institutions (each by an operator of its
// organization), capabilities, standards, instruments (owner details in
// the transient map), certificates, status changes and comparisons (each
// by a recorder of the owning institution), then each agreement, proposed
// by an operator of its first party's organization and approved by a
// recorder of each approving party, then the out-of-tolerance cases, each
// opened by a recorder of the standard's institution and resolved in part
// by recorders of the notified institutions.
func (d *Dataset) Steps() []Step {
	msp := make(map[string]string, len(d.Institutions))
	steps := make([]Step, 0, d.Count())
	for _, in := range d.Institutions {
		msp[in.ID] = in.MSPID
		steps = append(steps, Step{Function: record.FnRegisterInstitution, Args: []string{mustJSON(in)}, MSPID: in.MSPID, Role: record.RoleOperator})
	}
	by := func(inst, fn string, args ...string) Step {
		return Step{Function: fn, Args: args, MSPID: msp[inst], Role: record.RoleRecorder, Institution: inst}
	}
	for _, c := range d.Capabilities {
		steps = append(steps, by(c.InstitutionID, record.FnRegisterCapability, mustJSON(c)))
	}
	holder := make(map[string]string, len(d.Standards))
	for _, s := range d.Standards {
		holder[s.ID] = s.InstitutionID
		steps = append(steps, by(s.InstitutionID, record.FnRegisterStandard, mustJSON(s)))
	}
	for _, in := range d.Instruments {
		st := by(in.InstitutionID, record.FnRegisterInstrument, mustJSON(in))
		if o, ok := d.Owners[in.ID]; ok {
			st.Transient = map[string][]byte{record.TransientOwner: []byte(mustJSON(o))}
		}
		steps = append(steps, st)
	}
	for _, c := range d.Certificates {
		steps = append(steps, by(c.IssuerID, record.FnIssueCertificate, mustJSON(c)))
	}
	for _, sc := range d.StatusChanges {
		steps = append(steps, by(holder[sc.StandardID], record.FnSetStandardStatus, sc.StandardID, sc.Status, sc.Since, sc.Reason))
	}
	for _, c := range d.Comparisons {
		steps = append(steps, by(c.PilotID, record.FnRecordComparison, mustJSON(c)))
	}
	for _, a := range d.Agreements {
		steps = append(steps, Step{Function: record.FnProposeAgreement, Args: []string{mustJSON(a)}, MSPID: msp[a.Parties[0]], Role: record.RoleOperator})
		for _, p := range d.Approvals[a.ID] {
			steps = append(steps, by(p, record.FnApproveAgreement, a.ID, ""))
		}
	}
	for _, c := range d.Cases {
		steps = append(steps, by(holder[c.StandardID], record.FnOpenCase, mustJSON(c), caseChunk))
	}
	for _, r := range d.Resolutions {
		steps = append(steps, by(r.InstitutionID, record.FnResolveNotice, r.NoticeID, mustJSON(r.Resolution)))
	}
	return steps
}

// mustJSON encodes a record of the dataset, which always encodes.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("demo: encode %T: %v", v, err))
	}
	return string(b)
}
