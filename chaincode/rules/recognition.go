package rules

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// RecognitionDecision answers "is this certificate recognized by that
// institution?" with every check, passing or not.
type RecognitionDecision struct {
	CertificateID string  `json:"certificate_id"`
	By            string  `json:"by"`
	At            string  `json:"at"`
	Recognized    bool    `json:"recognized"`
	AgreementID   string  `json:"agreement_id"`
	Checks        []Check `json:"checks"`
}

// Recognize decides whether institution by recognizes certificate certID on
// date at: an agreement in force on the performance date must have both
// parties and cover the quantity, the certificate must be valid on at, the
// issuer capable, accredited where the agreement requires it, with a
// satisfactory comparison (|En| <= 1) within the agreement's window, and
// the subject traceable on the performance date.
func Recognize(l Lookup, certID, by, at string) (*RecognitionDecision, error) {
	if _, err := record.ParseDate(at); err != nil {
		return nil, record.Errorf(record.Invalid, "at: %v", err)
	}
	cert, err := l.Certificate(certID)
	if err != nil {
		return nil, err
	}
	if cert == nil {
		return nil, record.Errorf(record.NotFound, "no certificate %s", certID)
	}
	byInst, err := l.Institution(by)
	if err != nil {
		return nil, err
	}
	if byInst == nil {
		return nil, record.Errorf(record.NotFound, "no institution %s", by)
	}
	issuer, err := l.Institution(cert.IssuerID)
	if err != nil {
		return nil, err
	}
	if issuer == nil {
		return nil, record.Errorf(record.NotFound, "no institution %s (issuer of %s)", cert.IssuerID, cert.ID)
	}
	d := &RecognitionDecision{CertificateID: certID, By: by, At: at}

	agreementCheck, agreement, err := agreementInForce(l, cert, by)
	if err != nil {
		return nil, err
	}
	d.Checks = append(d.Checks, agreementCheck)
	if agreementCheck.OK {
		d.AgreementID = agreement.ID
	}
	d.Checks = append(d.Checks, certificateValid(cert, cert.ValidOn(at), at))
	capable, err := IssuerCapable(l, cert)
	if err != nil {
		return nil, err
	}
	d.Checks = append(d.Checks, capable, issuerAccredited(issuer, cert, agreement))
	comparison, err := comparisonSatisfactory(l, cert, agreement)
	if err != nil {
		return nil, err
	}
	d.Checks = append(d.Checks, comparison)
	trace, err := Trace(l, cert.SubjectID, cert.PerformedOn)
	if err != nil {
		return nil, err
	}
	traceCheck := Check{Name: CheckTraceable, OK: trace.Traceable,
		Detail:   fmt.Sprintf("subject %s traceable on %s through %d links", cert.SubjectID, cert.PerformedOn, len(trace.Links)),
		Findings: oneFinding(FindingSubjectTraceable, true, Params{"subject_id": cert.SubjectID, "date": cert.PerformedOn, "links": strconv.Itoa(len(trace.Links))})}
	if !trace.Traceable {
		traceCheck.Detail = fmt.Sprintf("subject %s not traceable on %s: %s", cert.SubjectID, cert.PerformedOn, strings.Join(trace.Problems, "; "))
		traceCheck.Findings = []Finding{{Code: FindingSubjectNotTraceable, Params: Params{"subject_id": cert.SubjectID, "date": cert.PerformedOn}}}
		for _, p := range trace.ProblemDetails {
			traceCheck.Findings = append(traceCheck.Findings, p.Findings...)
		}
	}
	d.Checks = append(d.Checks, traceCheck)
	d.Recognized = AllOK(d.Checks)
	return d, nil
}

// agreementInForce finds the agreement under which by recognizes cert. When
// none is in force it returns the closest candidate (both parties, then the
// first by id), whose conditions the other checks then use, and says what is
// missing.
func agreementInForce(l Lookup, cert *record.Certificate, by string) (Check, *record.Agreement, error) {
	agreements, err := l.AgreementsByParty(cert.IssuerID)
	if err != nil {
		return Check{}, nil, fmt.Errorf("agreements of %s: %w", cert.IssuerID, err)
	}
	sort.Slice(agreements, func(i, j int) bool { return agreements[i].ID < agreements[j].ID })
	var candidates []*record.Agreement
	for _, a := range agreements {
		if a.HasParty(by) && a.HasParty(cert.IssuerID) {
			candidates = append(candidates, a)
		}
	}
	if len(candidates) == 0 {
		return Check{Name: CheckAgreementInForce, OK: false,
			Detail:   fmt.Sprintf("no agreement between %s and %s", cert.IssuerID, by),
			Findings: oneFinding(FindingNoAgreement, false, Params{"issuer_id": cert.IssuerID, "by": by})}, nil, nil
	}
	var reasons []string
	var findings []Finding
	for _, a := range candidates {
		var why []string
		if !a.Covers(cert.Quantity) {
			why = append(why, fmt.Sprintf("does not cover %s (covers %s)", cert.Quantity, strings.Join(a.Quantities, ", ")))
			findings = append(findings, Finding{Code: FindingAgreementNotCovering, Params: Params{"agreement_id": a.ID, "quantity": cert.Quantity, "covers": strings.Join(a.Quantities, ", ")}})
		}
		if missing := a.MissingApprovals(); len(missing) > 0 {
			why = append(why, "not approved by "+strings.Join(missing, ", "))
			findings = append(findings, Finding{Code: FindingAgreementNotApproved, Params: Params{"agreement_id": a.ID, "missing": strings.Join(missing, ", ")}})
		}
		if cert.PerformedOn < a.ValidFrom || cert.PerformedOn > a.ValidUntil {
			why = append(why, fmt.Sprintf("valid %s to %s, certificate performed %s", a.ValidFrom, a.ValidUntil, cert.PerformedOn))
			findings = append(findings, Finding{Code: FindingAgreementNotValid, Params: Params{"agreement_id": a.ID, "valid_from": a.ValidFrom, "valid_until": a.ValidUntil, "performed_on": cert.PerformedOn}})
		}
		if len(why) == 0 {
			return Check{Name: CheckAgreementInForce, OK: true,
				Detail:   fmt.Sprintf("agreement %s between %s in force on %s, covers %s", a.ID, strings.Join(a.Parties, ", "), cert.PerformedOn, cert.Quantity),
				Findings: oneFinding(FindingAgreementInForce, true, Params{"agreement_id": a.ID, "parties": strings.Join(a.Parties, ", "), "date": cert.PerformedOn, "quantity": cert.Quantity})}, a, nil
		}
		reasons = append(reasons, fmt.Sprintf("agreement %s %s", a.ID, strings.Join(why, ", ")))
	}
	return Check{Name: CheckAgreementInForce, OK: false, Detail: strings.Join(reasons, "; "), Findings: findings}, candidates[0], nil
}

func issuerAccredited(issuer *record.Institution, cert *record.Certificate, a *record.Agreement) Check {
	acc, ok := issuer.AccreditedFor(cert.Quantity, cert.PerformedOn)
	if a != nil && !a.RequiresAccreditation {
		return Check{Name: CheckIssuerAccredited, OK: true, Detail: fmt.Sprintf("agreement %s does not require accreditation", a.ID),
			Findings: oneFinding(FindingAccreditationNotRequired, true, Params{"agreement_id": a.ID})}
	}
	if ok {
		return Check{Name: CheckIssuerAccredited, OK: true,
			Detail:   fmt.Sprintf("%s accredited %s %s for %s until %s", issuer.ID, acc.Scheme, acc.Number, cert.Quantity, acc.ValidUntil),
			Findings: oneFinding(FindingAccredited, true, Params{"issuer_id": issuer.ID, "scheme": acc.Scheme, "number": acc.Number, "quantity": cert.Quantity, "valid_until": acc.ValidUntil})}
	}
	return Check{Name: CheckIssuerAccredited, OK: false,
		Detail:   fmt.Sprintf("%s holds no accreditation for %s valid on %s", issuer.ID, cert.Quantity, cert.PerformedOn),
		Findings: oneFinding(FindingNotAccredited, false, Params{"issuer_id": issuer.ID, "quantity": cert.Quantity, "date": cert.PerformedOn})}
}

// comparisonSatisfactory looks at the issuer's latest comparison for the
// quantity completed within the agreement's window before the certificate
// was performed; its |En| must not exceed 1. Without an agreement any
// earlier comparison counts.
func comparisonSatisfactory(l Lookup, cert *record.Certificate, a *record.Agreement) (Check, error) {
	name := CheckComparisonSatisfactory
	if a != nil && a.ComparisonWithinYears == 0 {
		return Check{Name: name, OK: true, Detail: fmt.Sprintf("agreement %s requires no comparison", a.ID),
			Findings: oneFinding(FindingComparisonNotRequired, true, Params{"agreement_id": a.ID})}, nil
	}
	from := ""
	if a != nil {
		var err error
		if from, err = record.AddYears(cert.PerformedOn, -a.ComparisonWithinYears); err != nil {
			return Check{}, err
		}
	}
	comparisons, err := l.ComparisonsByInstitution(cert.IssuerID)
	if err != nil {
		return Check{}, fmt.Errorf("comparisons of %s: %w", cert.IssuerID, err)
	}
	sort.Slice(comparisons, func(i, j int) bool {
		if comparisons[i].CompletedOn != comparisons[j].CompletedOn {
			return comparisons[i].CompletedOn > comparisons[j].CompletedOn
		}
		return comparisons[i].ID < comparisons[j].ID
	})
	var older *record.Comparison
	for _, cmp := range comparisons {
		if cmp.Quantity != cert.Quantity || cmp.CompletedOn > cert.PerformedOn {
			continue
		}
		res := resultOf(cmp, cert.IssuerID)
		if res == nil || res.EN == nil {
			continue
		}
		if cmp.CompletedOn < from {
			if older == nil {
				older = cmp
			}
			continue
		}
		en := *res.EN
		detail := fmt.Sprintf("comparison %s completed %s: En = %.3f", cmp.ID, cmp.CompletedOn, en)
		p := Params{"comparison_id": cmp.ID, "completed_on": cmp.CompletedOn, "en": fmt.Sprintf("%.3f", en)}
		if math.Abs(en) <= 1 {
			return Check{Name: name, OK: true, Detail: detail + " (|En| <= 1)", Findings: oneFinding(FindingComparisonEN, true, p)}, nil
		}
		return Check{Name: name, OK: false, Detail: detail + " (|En| > 1)", Findings: oneFinding(FindingComparisonEN, false, p)}, nil
	}
	if older != nil {
		return Check{Name: name, OK: false, Detail: fmt.Sprintf("latest %s comparison of %s, %s completed %s, is more than %d years before %s",
			cert.Quantity, cert.IssuerID, older.ID, older.CompletedOn, a.ComparisonWithinYears, cert.PerformedOn),
			Findings: oneFinding(FindingComparisonTooOld, false, Params{"quantity": cert.Quantity, "issuer_id": cert.IssuerID, "comparison_id": older.ID,
				"completed_on": older.CompletedOn, "years": strconv.Itoa(a.ComparisonWithinYears), "performed_on": cert.PerformedOn})}, nil
	}
	return Check{Name: name, OK: false, Detail: fmt.Sprintf("%s took part in no %s comparison completed by %s", cert.IssuerID, cert.Quantity, cert.PerformedOn),
		Findings: oneFinding(FindingNoComparison, false, Params{"issuer_id": cert.IssuerID, "quantity": cert.Quantity, "date": cert.PerformedOn})}, nil
}

func resultOf(c *record.Comparison, institutionID string) *record.ComparisonResult {
	for i := range c.Results {
		if c.Results[i].InstitutionID == institutionID {
			return &c.Results[i]
		}
	}
	return nil
}

// oneFinding is a check's single finding.
func oneFinding(code string, ok bool, p Params) []Finding {
	return []Finding{{Code: code, OK: ok, Params: p}}
}
