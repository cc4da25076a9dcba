package rules

import "strings"

// Check names, as reported in trace links and recognition decisions.
const (
	CheckCertificateValid               = "certificate_valid"
	CheckReferenceActiveAtUse           = "reference_active_at_use"
	CheckReferenceCertificateValidAtUse = "reference_certificate_valid_at_use"
	CheckApprovalValidAtUse             = "approval_valid_at_use"
	CheckIssuerCapable                  = "issuer_capable"
	CheckUncertaintyRatio               = "uncertainty_ratio"
	CheckNoCycle                        = "no_cycle"
	CheckReachesPrimary                 = "reaches_primary"

	CheckAgreementInForce       = "agreement_in_force"
	CheckIssuerAccredited       = "issuer_accredited"
	CheckComparisonSatisfactory = "comparison_satisfactory"
	CheckTraceable              = "traceable"
)

// Check is one named rule applied to one link or decision, with a detail a
// person can read. Findings are the same detail as machine-readable codes
// with parameters, one a finding the detail joins, so that a client can
// say it in its own language; a check without findings has only its
// English detail.
type Check struct {
	Name     string    `json:"name"`
	OK       bool      `json:"ok"`
	Detail   string    `json:"detail"`
	Findings []Finding `json:"findings,omitempty"`
}

// Finding is one fact a check found: a code (see the Finding… constants
// in findings.go) and its parameters, every value a string as the detail
// prints it. Its JSON is deterministic: encoding/json writes map keys in
// sorted order.
type Finding struct {
	Code   string            `json:"code"`
	OK     bool              `json:"ok"`
	Params map[string]string `json:"params,omitempty"`
}

// Params are a finding's parameters.
type Params = map[string]string

// checkBuilder gathers findings for one check: the check fails if any
// finding fails; the detail joins the failing findings, or the passing ones
// when nothing failed.
type checkBuilder struct {
	name       string
	pass, fail []string
	// passF and failF are the findings of pass and fail, one each.
	passF, failF []Finding
}

func (b *checkBuilder) ok(code string, p Params, detail string) {
	b.pass = append(b.pass, detail)
	b.passF = append(b.passF, Finding{Code: code, OK: true, Params: p})
}

func (b *checkBuilder) bad(code string, p Params, detail string) {
	b.fail = append(b.fail, detail)
	b.failF = append(b.failF, Finding{Code: code, OK: false, Params: p})
}

// check builds the check; with no finding at all, empty (code, detail)
// stands for it.
func (b *checkBuilder) check(emptyCode, emptyDetail string) Check {
	if len(b.fail) > 0 {
		return Check{Name: b.name, OK: false, Detail: strings.Join(b.fail, "; "), Findings: b.failF}
	}
	if len(b.pass) == 0 {
		return Check{Name: b.name, OK: true, Detail: emptyDetail, Findings: []Finding{{Code: emptyCode, OK: true}}}
	}
	return Check{Name: b.name, OK: true, Detail: strings.Join(b.pass, "; "), Findings: b.passF}
}

// AllOK reports whether every check passed.
func AllOK(checks []Check) bool {
	for _, c := range checks {
		if !c.OK {
			return false
		}
	}
	return true
}
