package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// TraceReport answers "is this subject traceable, link by link, to a
// national primary standard on date At?".
type TraceReport struct {
	SubjectID string   `json:"subject_id"`
	At        string   `json:"at"`
	Traceable bool     `json:"traceable"`
	Links     []Link   `json:"links"`
	Problems  []string `json:"problems"`
	// ProblemDetails are the problems again, one a failing check, with
	// the check's findings (codes and parameters) beside its English
	// detail, so that a client can say them in its own language.
	ProblemDetails []Problem `json:"problem_details"`

	// linkJSON holds, beside Links, the JSON of the links spliced from a
	// trace memo (TraceAbove), encoded once for every trace that meets
	// them; nil where a link is encoded afresh. AppendJSON writes these
	// bytes for the links they stand beside, so a report's links are not
	// to be changed once Trace has returned it.
	linkJSON [][]byte
}

// Problem is one failing check of a trace: the record it concerns (the
// certificate, or the subject when no certificate was found), the check's
// name and its failing findings.
type Problem struct {
	RecordID string    `json:"record_id"`
	Check    string    `json:"check"`
	Detail   string    `json:"detail"`
	Findings []Finding `json:"findings"`
}

// Link is one certificate of the chain: who calibrated what against which
// reference standards, with every check applied to it. UsedOn is the date
// on which the link had to hold: the trace date for the subject's own
// certificate, the performance date of the certificate below it otherwise.
type Link struct {
	CertificateID string   `json:"certificate_id"`
	IssuerID      string   `json:"issuer_id"`
	SubjectID     string   `json:"subject_id"`
	ReferenceIDs  []string `json:"reference_ids"`
	Depth         int      `json:"depth"`
	UsedOn        string   `json:"used_on"`
	Checks        []Check  `json:"checks"`
}

// Trace walks from a subject (a standard or an instrument) up through the
// reference standards of its certificates to primary standards, checking
// every link. The subject's own certificate must be valid on at; every
// reference must have been fit for use on the day it was used.
func Trace(l Lookup, subjectID, at string) (*TraceReport, error) {
	if _, err := record.ParseDate(at); err != nil {
		return nil, record.Errorf(record.Invalid, "at: %v", err)
	}
	subject, err := FindSubject(l, subjectID)
	if err != nil {
		return nil, err
	}
	rep := &TraceReport{SubjectID: subjectID, At: at, Links: []Link{}, Problems: []string{}, ProblemDetails: []Problem{}}
	if subject.Standard != nil && subject.Standard.Level == record.LevelPrimary {
		rep.Traceable = true
		return rep, nil
	}
	w := &walker{l: l, rep: rep, done: map[string]bool{}}
	w.memo, _ = l.(TraceMemo)
	if _, err := w.walk(subjectID, subject, at, []string{subjectID}, 0); err != nil {
		return nil, err
	}
	rep.Traceable = true
	for _, link := range rep.Links {
		for _, c := range link.Checks {
			if !c.OK {
				rep.Traceable = false
				name := link.CertificateID
				if name == "" {
					name = link.SubjectID
				}
				rep.Problems = append(rep.Problems, fmt.Sprintf("%s: %s: %s", name, c.Name, c.Detail))
				findings := c.Findings
				if findings == nil {
					findings = []Finding{}
				}
				rep.ProblemDetails = append(rep.ProblemDetails, Problem{RecordID: name, Check: c.Name, Detail: c.Detail, Findings: findings})
			}
		}
	}
	return rep, nil
}

type walker struct {
	l    Lookup
	rep  *TraceReport
	done map[string]bool // certificates already reported: each link is listed once
	// reaches remembers whether the branch above a certificate reaches a
	// primary standard, for certificates met again through another branch.
	reaches map[string]bool
	// memo, when the Lookup keeps them, gives the walks above the
	// certificates of the subject's reference standards (depth 1).
	memo TraceMemo
}

// TraceMemo is implemented by a Lookup that keeps, for one state of the
// records it reads, the walk above a reference standard's certificate: a
// trace of an instrument then walks its own certificate and takes the
// chain above from the memo, instead of walking the same standards' links
// again for every instrument calibrated against them. The chaincode's
// lookup keeps none.
type TraceMemo interface {
	TraceAbove(certificateID string) (*TraceAbove, bool)
	KeepTraceAbove(certificateID string, above *TraceAbove)
}

// TraceAbove is the walk above one certificate of a reference standard,
// as a trace meets it at depth 1: its links in walk order (the first, the
// certificate's own, says the date it was used on, which is the trace's),
// whether each one's branches reach a primary standard, and what it can
// be used for. Every link above the first depends on its certificate
// alone: its references were used on the certificate's performance date.
type TraceAbove struct {
	links []Link
	// json are the links' JSON but the first's (whose used_on is the
	// trace's own), for AppendJSON.
	json    [][]byte
	reaches []bool
	reach   bool
	// usable is false when the walk met a cycle: there the links depend
	// on where the walk entered it, so it is walked again each time.
	usable bool
	// referenced are the ids every link references: a walk whose subject
	// is among them would see a cycle the memo's walk did not.
	referenced map[string]bool
}

// walkAbove walks the certificate cert of a reference standard met at
// depth 1 through the memo: a kept walk is spliced into the report (links
// another branch reported already left out, as the walk would), a missing
// one is walked on its own and kept. It returns false for ok when the memo
// cannot answer for this trace, and the caller walks as without one.
func (w *walker) walkAbove(cert *record.Certificate, subjectID string, subject Subject, date string) (reach, ok bool, err error) {
	above, kept := w.memo.TraceAbove(cert.ID)
	if !kept {
		sub := &walker{l: w.l, rep: &TraceReport{}, done: map[string]bool{}, reaches: map[string]bool{}}
		r, err := sub.walk(subjectID, subject, date, []string{subjectID}, 1)
		if err != nil {
			return false, false, err
		}
		above = &TraceAbove{reach: r, usable: true, referenced: map[string]bool{}}
		for _, link := range sub.rep.Links {
			link.ReferenceIDs, link.Checks = slices.Clip(link.ReferenceIDs), slices.Clip(link.Checks)
			above.links = append(above.links, link)
			above.reaches = append(above.reaches, sub.reaches[link.CertificateID])
			for _, id := range link.ReferenceIDs {
				above.referenced[id] = true
			}
			for _, c := range link.Checks {
				if c.Name == CheckNoCycle && !c.OK {
					above.usable = false
				}
			}
		}
		above.json = make([][]byte, len(above.links))
		for i := 1; i < len(above.links); i++ {
			above.json[i] = appendLink(nil, &above.links[i])
		}
		w.memo.KeepTraceAbove(cert.ID, above)
	}
	if !above.usable || above.referenced[w.rep.SubjectID] {
		return false, false, nil
	}
	for i, link := range above.links {
		if w.done[link.CertificateID] {
			continue
		}
		if i == 0 {
			link.UsedOn = date // the one part of the walk that is the trace's own
		}
		w.done[link.CertificateID] = true
		w.reaches[link.CertificateID] = above.reaches[i]
		w.rep.Links = append(w.rep.Links, link)
		if above.json[i] != nil {
			w.rep.linkJSON = append(w.rep.linkJSON, make([][]byte, len(w.rep.Links)-len(w.rep.linkJSON))...)
			w.rep.linkJSON[len(w.rep.Links)-1] = above.json[i]
		}
	}
	return above.reach, true, nil
}

// walk reports the link of subject's certificate counting on date and
// recurses into its references. It returns whether every branch above
// subject reaches a primary standard (cycles are left to no_cycle).
func (w *walker) walk(subjectID string, subject Subject, date string, path []string, depth int) (bool, error) {
	certs, err := w.l.CertificatesBySubject(subjectID)
	if err != nil {
		return false, fmt.Errorf("certificates of %s: %w", subjectID, err)
	}
	cert, valid := CertificateAt(certs, date)
	if cert == nil {
		if depth == 0 {
			w.rep.Links = append(w.rep.Links, Link{
				SubjectID: subjectID, ReferenceIDs: []string{}, Depth: 0, UsedOn: date,
				Checks: []Check{{Name: CheckCertificateValid, OK: false,
					Detail:   fmt.Sprintf("%s has no certificate performed on or before %s", subjectID, date),
					Findings: []Finding{{Code: FindingNoCertificate, Params: Params{"subject_id": subjectID, "date": date}}}}},
			})
		}
		return false, nil
	}
	if w.reaches == nil {
		w.reaches = map[string]bool{}
	}
	if w.done[cert.ID] {
		return w.reaches[cert.ID], nil
	}
	if depth == 1 && w.memo != nil {
		if reach, ok, err := w.walkAbove(cert, subjectID, subject, date); err != nil || ok {
			return reach, err
		}
	}
	w.done[cert.ID] = true

	link := Link{
		CertificateID: cert.ID, IssuerID: cert.IssuerID, SubjectID: subjectID,
		ReferenceIDs: append([]string{}, cert.ReferenceIDs...), Depth: depth, UsedOn: date,
	}
	if depth == 0 {
		link.Checks = append(link.Checks, certificateValid(cert, valid, date))
	}
	refs := make([]*record.Standard, 0, len(cert.ReferenceIDs))
	active := checkBuilder{name: CheckReferenceActiveAtUse}
	refCert := checkBuilder{name: CheckReferenceCertificateValidAtUse}
	approval := checkBuilder{name: CheckApprovalValidAtUse}
	cycle := checkBuilder{name: CheckNoCycle}
	use := cert.PerformedOn
	type branch struct {
		ref  *record.Standard
		root bool // primary, or a cycle: nothing to walk
	}
	var branches []branch
	for _, refID := range cert.ReferenceIDs {
		ref, err := w.l.Standard(refID)
		if err != nil {
			return false, fmt.Errorf("reference %s: %w", refID, err)
		}
		if ref == nil {
			active.bad(FindingReferenceMissing, Params{"reference_id": refID}, fmt.Sprintf("reference %s does not exist", refID))
			continue
		}
		refs = append(refs, ref)
		if status, change := ref.StatusOn(use); status != record.StatusActive {
			active.bad("reference_"+status, Params{"reference_id": ref.ID, "status": status, "since": change.Since, "reason": change.Reason, "used_on": use},
				fmt.Sprintf("reference %s was %s since %s (%s), used %s", ref.ID, status, change.Since, change.Reason, use))
		} else {
			active.ok(FindingReferenceActive, Params{"reference_id": ref.ID, "used_on": use}, fmt.Sprintf("reference %s active on %s", ref.ID, use))
		}
		checkApproval(&approval, ref, use)
		onPath := slices.Contains(path, refID)
		if onPath {
			loop := strings.Join(append(append([]string{}, path...), refID), " → ")
			cycle.bad(FindingReferenceOnPath, Params{"reference_id": refID, "path": loop}, fmt.Sprintf("reference %s is already on the path %s", refID, loop))
		} else {
			cycle.ok(FindingReferenceNotOnPath, Params{"reference_id": refID}, fmt.Sprintf("reference %s not on the path", refID))
		}
		if ref.Level == record.LevelPrimary {
			refCert.ok(FindingReferencePrimary, Params{"reference_id": ref.ID}, fmt.Sprintf("reference %s is a primary standard", ref.ID))
			branches = append(branches, branch{ref: ref, root: true})
			continue
		}
		refCerts, err := w.l.CertificatesBySubject(refID)
		if err != nil {
			return false, fmt.Errorf("certificates of %s: %w", refID, err)
		}
		rc, ok := CertificateAt(refCerts, use)
		switch {
		case len(refCerts) == 0:
			refCert.ok(FindingReferenceUncertified, Params{"reference_id": ref.ID}, fmt.Sprintf("reference %s has no certificate at all (a root: see reaches_primary)", ref.ID))
		case ok:
			refCert.ok(FindingReferenceCertificateValid, Params{"reference_id": ref.ID, "certificate_id": rc.ID, "performed_on": rc.PerformedOn, "valid_until": rc.ValidUntil, "used_on": use},
				fmt.Sprintf("reference %s certificate %s valid %s to %s, used %s", ref.ID, rc.ID, rc.PerformedOn, rc.ValidUntil, use))
		default:
			code, params, detail := describeInvalidAtUse(ref.ID, refCerts, rc, use)
			refCert.bad(code, params, detail)
		}
		branches = append(branches, branch{ref: ref, root: onPath})
	}
	capable, err := IssuerCapable(w.l, cert)
	if err != nil {
		return false, err
	}
	link.Checks = append(link.Checks,
		active.check(FindingNoReference, "no reference standard"),
		refCert.check(FindingNoReference, "no reference standard"),
		approval.check(FindingNoReference, "no reference standard"),
		capable,
		UncertaintyRatio(cert, subject, refs),
		cycle.check(FindingNoReference, "no reference standard"),
	)
	index := len(w.rep.Links)
	w.rep.Links = append(w.rep.Links, link)

	reach := checkBuilder{name: CheckReachesPrimary}
	all := true
	for _, br := range branches {
		switch {
		case br.ref.Level == record.LevelPrimary:
			reach.ok(FindingReferencePrimary, Params{"reference_id": br.ref.ID}, fmt.Sprintf("reference %s is primary", br.ref.ID))
		case br.root:
			// A cycle: reported by no_cycle, not walked again.
		default:
			up, err := w.walk(br.ref.ID, Subject{Standard: br.ref}, use, append(append([]string{}, path...), br.ref.ID), depth+1)
			if err != nil {
				return false, err
			}
			if up {
				reach.ok(FindingReferenceReachesPrimary, Params{"reference_id": br.ref.ID}, fmt.Sprintf("reference %s reaches a primary standard", br.ref.ID))
			} else {
				all = false
				reach.bad(FindingReferenceDeadEnd, Params{"reference_id": br.ref.ID, "level": br.ref.Level}, deadEnd(br.ref))
			}
		}
	}
	if len(refs) < len(cert.ReferenceIDs) {
		all = false
		reach.bad(FindingReferenceMissing, Params{}, "a reference standard does not exist")
	}
	w.rep.Links[index].Checks = append(w.rep.Links[index].Checks, reach.check(FindingAllOnCycle, "every reference is on a cycle (see no_cycle)"))
	w.reaches[cert.ID] = all
	return all, nil
}

func deadEnd(ref *record.Standard) string {
	return fmt.Sprintf("reference %s (%s standard) does not lead to a primary standard", ref.ID, ref.Level)
}

func certificateValid(c *record.Certificate, valid bool, date string) Check {
	if valid {
		return Check{Name: CheckCertificateValid, OK: true,
			Detail: fmt.Sprintf("certificate %s valid %s to %s, checked %s", c.ID, c.PerformedOn, c.ValidUntil, date),
			Findings: []Finding{{Code: FindingCertificateValid, OK: true,
				Params: Params{"certificate_id": c.ID, "performed_on": c.PerformedOn, "valid_until": c.ValidUntil, "date": date}}}}
	}
	code, params := invalidFinding(c, date)
	return Check{Name: CheckCertificateValid, OK: false, Detail: invalidReason("certificate "+c.ID, c, date),
		Findings: []Finding{{Code: code, Params: params}}}
}

// invalidReason says why certificate c does not count on date.
func invalidReason(what string, c *record.Certificate, date string) string {
	switch {
	case c.Status != record.CertValid:
		reason := c.StatusReason
		if c.SupersededBy != "" {
			reason = strings.TrimSpace(reason + " (superseded by " + c.SupersededBy + ")")
		}
		return fmt.Sprintf("%s %s: %s, needed %s", what, c.Status, reason, date)
	case date > c.ValidUntil:
		return fmt.Sprintf("%s expired %s, needed %s", what, c.ValidUntil, date)
	default:
		return fmt.Sprintf("%s performed %s, after %s", what, c.PerformedOn, date)
	}
}

// invalidFinding is invalidReason as a finding of certificate c.
func invalidFinding(c *record.Certificate, date string) (string, Params) {
	switch {
	case c.Status != record.CertValid:
		return "certificate_" + c.Status, Params{"certificate_id": c.ID, "status": c.Status, "reason": c.StatusReason, "superseded_by": c.SupersededBy, "date": date}
	case date > c.ValidUntil:
		return FindingCertificateExpired, Params{"certificate_id": c.ID, "valid_until": c.ValidUntil, "date": date}
	default:
		return FindingCertificateNotYet, Params{"certificate_id": c.ID, "performed_on": c.PerformedOn, "date": date}
	}
}

func describeInvalidAtUse(refID string, all []*record.Certificate, latest *record.Certificate, use string) (string, Params, string) {
	if latest == nil {
		first := append([]*record.Certificate(nil), all...)
		sortCertificates(first)
		return FindingReferenceCertificateLater,
			Params{"reference_id": refID, "used_on": use, "certificate_id": first[0].ID, "performed_on": first[0].PerformedOn},
			fmt.Sprintf("reference %s had no certificate by %s (first %s performed %s)", refID, use, first[0].ID, first[0].PerformedOn)
	}
	what := fmt.Sprintf("reference %s certificate %s", refID, latest.ID)
	switch {
	case latest.Status != record.CertValid:
		return "reference_certificate_" + latest.Status,
			Params{"reference_id": refID, "certificate_id": latest.ID, "status": latest.Status, "reason": latest.StatusReason, "used_on": use},
			fmt.Sprintf("%s %s (%s), used %s", what, latest.Status, latest.StatusReason, use)
	default:
		return FindingReferenceCertificateExpired,
			Params{"reference_id": refID, "certificate_id": latest.ID, "valid_until": latest.ValidUntil, "used_on": use},
			fmt.Sprintf("%s expired %s, used %s", what, latest.ValidUntil, use)
	}
}

func checkApproval(b *checkBuilder, ref *record.Standard, use string) {
	switch {
	case ref.Approval != nil && use <= ref.Approval.ValidUntil:
		b.ok(FindingApprovalValid, Params{"reference_id": ref.ID, "number": ref.Approval.Number, "valid_until": ref.Approval.ValidUntil, "used_on": use},
			fmt.Sprintf("reference %s approval %s valid until %s, used %s", ref.ID, ref.Approval.Number, ref.Approval.ValidUntil, use))
	case ref.Approval != nil:
		b.bad(FindingApprovalExpired, Params{"reference_id": ref.ID, "number": ref.Approval.Number, "valid_until": ref.Approval.ValidUntil, "used_on": use},
			fmt.Sprintf("reference %s approval %s expired %s, used %s", ref.ID, ref.Approval.Number, ref.Approval.ValidUntil, use))
	case record.NeedsApproval(ref.Level):
		b.bad(FindingApprovalMissing, Params{"reference_id": ref.ID, "level": ref.Level},
			fmt.Sprintf("reference %s (%s standard) has no approval", ref.ID, ref.Level))
	default:
		b.ok(FindingApprovalNotNeeded, Params{"reference_id": ref.ID, "level": ref.Level},
			fmt.Sprintf("reference %s is a %s standard: no approval needed", ref.ID, ref.Level))
	}
}
