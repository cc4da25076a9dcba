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
// person can read.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// checkBuilder gathers findings for one check: the check fails if any
// finding fails; the detail joins the failing findings, or the passing ones
// when nothing failed.
type checkBuilder struct {
	name       string
	pass, fail []string
}

func (b *checkBuilder) ok(detail string)  { b.pass = append(b.pass, detail) }
func (b *checkBuilder) bad(detail string) { b.fail = append(b.fail, detail) }
func (b *checkBuilder) add(ok bool, detail string) {
	if ok {
		b.ok(detail)
	} else {
		b.bad(detail)
	}
}

func (b *checkBuilder) check(emptyDetail string) Check {
	if len(b.fail) > 0 {
		return Check{Name: b.name, OK: false, Detail: strings.Join(b.fail, "; ")}
	}
	if len(b.pass) == 0 {
		return Check{Name: b.name, OK: true, Detail: emptyDetail}
	}
	return Check{Name: b.name, OK: true, Detail: strings.Join(b.pass, "; ")}
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
