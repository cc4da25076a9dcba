package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/apiclient"
	"github.com/metrotrace/metrotrace/gateway/dcc/schema"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// Marks of a passing and a failing check.
const (
	markOK   = "✓"
	markFail = "✗"
)

func mark(ok bool) string {
	if ok {
		return markOK
	}
	return markFail
}

// printChecks prints checks one a line, names aligned, with their detail.
func printChecks(w io.Writer, indent string, checks []rules.Check) {
	width := 0
	for _, c := range checks {
		width = max(width, len(c.Name))
	}
	for _, c := range checks {
		detail := c.Detail
		if detail == "" {
			detail = "-"
		}
		fmt.Fprintf(w, "%s%s %-*s  %s\n", indent, mark(c.OK), width, c.Name, detail)
	}
}

func printTrace(w io.Writer, r *rules.TraceReport) {
	if r.Traceable {
		fmt.Fprintf(w, "%s %s is TRACEABLE on %s: %d link(s), every check passes.\n", markOK, r.SubjectID, r.At, len(r.Links))
	} else {
		fmt.Fprintf(w, "%s %s is NOT TRACEABLE on %s.\n", markFail, r.SubjectID, r.At)
	}
	if len(r.Problems) > 0 {
		fmt.Fprintln(w, "Problems:")
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  - %s\n", p)
		}
	}
	for i, l := range r.Links {
		ok := true
		for _, c := range l.Checks {
			ok = ok && c.OK
		}
		refs := strings.Join(l.ReferenceIDs, ", ")
		if refs == "" {
			refs = "none"
		}
		fmt.Fprintf(w, "%s link %d (depth %d): certificate %s issued by %s for %s, references %s", mark(ok), i+1, l.Depth, l.CertificateID, l.IssuerID, l.SubjectID, refs)
		if l.UsedOn != "" {
			fmt.Fprintf(w, ", must hold on %s", l.UsedOn)
		}
		fmt.Fprintln(w)
		printChecks(w, "    ", l.Checks)
	}
}

func printImpact(w io.Writer, s *rules.ImpactSet) {
	fmt.Fprintf(w, "Impact of %s since %s: %d certificate(s), %d instrument(s), %d standard(s), %d institution(s).\n",
		s.StandardID, s.Since, len(s.Certificates), len(s.Instruments), len(s.Standards), len(s.Institutions))
	list := func(title string, ids []string) {
		if len(ids) == 0 {
			return
		}
		fmt.Fprintf(w, "%s:\n", title)
		for _, id := range ids {
			if path := s.Paths[id]; len(path) > 0 {
				fmt.Fprintf(w, "  %-28s via %s\n", id, strings.Join(path, " → "))
			} else {
				fmt.Fprintf(w, "  %s\n", id)
			}
		}
	}
	list("Certificates", s.Certificates)
	list("Instruments", s.Instruments)
	list("Standards", s.Standards)
	list("Institutions", s.Institutions)
}

func printRecognition(w io.Writer, d *rules.RecognitionDecision) {
	verdict := "RECOGNIZED"
	if !d.Recognized {
		verdict = "NOT RECOGNIZED"
	}
	fmt.Fprintf(w, "%s Certificate %s is %s by %s", mark(d.Recognized), d.CertificateID, verdict, d.By)
	if d.At != "" {
		fmt.Fprintf(w, " on %s", d.At)
	}
	if d.AgreementID != "" {
		fmt.Fprintf(w, " (agreement %s)", d.AgreementID)
	}
	fmt.Fprintln(w, ".")
	printChecks(w, "  ", d.Checks)
}

func printHistory(w io.Writer, h *apiclient.History) error {
	fmt.Fprintf(w, "%s %s: %d version(s), oldest first\n", h.DocType, h.ID, len(h.Versions))
	for i, v := range h.Versions {
		what := ""
		if v.IsDelete {
			what = " (deleted)"
		}
		fmt.Fprintf(w, "\n#%d %s tx %s%s\n", i+1, v.Timestamp, v.TxID, what)
		if len(v.Value) > 0 {
			if err := writeJSON(w, v.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

// printVerification prints the answer of POST /verify: the verdict first,
// then the certificate, the anchoring transaction and the trace.
func printVerification(w io.Writer, raw json.RawMessage) error {
	var v httpapi.Verification
	if err := json.Unmarshal(raw, &v); err != nil || v.Status == "" {
		return printGeneric(w, raw)
	}
	ok := v.Anchored && v.Status == httpapi.VerifyValid
	fmt.Fprintf(w, "%s %s", mark(ok), strings.ToUpper(strings.ReplaceAll(v.Status, "_", " ")))
	if v.Message != "" {
		fmt.Fprintf(w, ": %s", v.Message)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  sha256       %s\n", v.SHA256)
	if c := v.Certificate; c != nil {
		fmt.Fprintf(w, "  certificate  %s (%s of %s, %s, performed %s, valid until %s), status %s", c.ID, c.Kind, c.SubjectID, c.Quantity, c.PerformedOn, c.ValidUntil, c.Status)
		if c.StatusReason != "" {
			fmt.Fprintf(w, ": %s", c.StatusReason)
		}
		fmt.Fprintln(w)
	}
	if is := v.Issuer; is != nil {
		fmt.Fprintf(w, "  issuer       %s %s (%s)\n", is.ID, is.Name, is.Region)
	}
	if v.StatusReason != "" {
		fmt.Fprintf(w, "  reason       %s\n", v.StatusReason)
	}
	if v.TxID != "" {
		fmt.Fprintf(w, "  anchored by  transaction %s at %s\n", v.TxID, v.AnchoredAt)
	}
	if v.TraceableToday != nil {
		verdict := "traceable"
		if !*v.TraceableToday {
			verdict = "NOT traceable"
		}
		fmt.Fprintf(w, "  %s subject %s on %s\n", mark(*v.TraceableToday), verdict, v.CheckedOn)
	}
	for _, p := range v.TraceProblems {
		fmt.Fprintf(w, "      - %s\n", p)
	}
	for _, l := range dccTrustLines(raw, "  ") {
		fmt.Fprintln(w, l)
	}
	return nil
}

// printGeneric prints a JSON object readably: scalars as "key: value",
// booleans with ✓/✗, nested values as indented JSON. Answers whose shape
// this command does not know (verify, DCC import) print this way.
func printGeneric(w io.Writer, raw json.RawMessage) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return writeJSON(w, raw)
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := obj[k]
		var scalar any
		if json.Unmarshal(v, &scalar) == nil {
			switch s := scalar.(type) {
			case bool:
				fmt.Fprintf(w, "%s %s\n", mark(s), k)
				continue
			case string, float64:
				fmt.Fprintf(w, "%s: %v\n", k, s)
				continue
			case nil:
				fmt.Fprintf(w, "%s: -\n", k)
				continue
			}
		}
		fmt.Fprintf(w, "%s:\n", k)
		var buf strings.Builder
		if err := writeJSON(&buf, v); err != nil {
			return err
		}
		for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	return nil
}

// dccTrustLines says, for people, what the server found of a DCC's schema
// and signature ("schema" and "signature" of an import or verify answer).
func dccTrustLines(raw json.RawMessage, indent string) []string {
	var a struct {
		Matched   string            `json:"matched"`
		Schema    *schema.Result    `json:"schema"`
		Signature *signature.Result `json:"signature"`
	}
	if json.Unmarshal(raw, &a) != nil {
		return nil
	}
	var lines []string
	if m := a.Matched; m != "" {
		lines = append(lines, fmt.Sprintf("%smatched      the %s digest", indent, map[string]string{"bytes": "exact bytes'", "c14n": "canonical form's"}[m]))
	}
	if sc := a.Schema; sc != nil {
		// A version without an embedded schema is accepted, not refused:
		// neither a pass nor a failure.
		m := "·"
		if sc.Validated || len(sc.Errors) > 0 {
			m = mark(sc.Validated && len(sc.Errors) == 0)
		}
		lines = append(lines, fmt.Sprintf("%s%s schema     %s", indent, m, sc.Message))
		for _, e := range sc.Errors {
			lines = append(lines, fmt.Sprintf("%s      - line %d %s: %s", indent, e.Line, e.Element, e.Message))
		}
	}
	if sg := a.Signature; sg != nil {
		switch {
		case !sg.Present:
			lines = append(lines, fmt.Sprintf("%s· signature  none", indent))
		default:
			lines = append(lines, fmt.Sprintf("%s%s signature  valid %v, chain valid %v, registered %v; signed %s by %s (issuer %s)",
				indent, mark(sg.Valid && sg.Registered), sg.Valid, sg.ChainValid, sg.Registered, sg.SignedAt, sg.SignerSubject, sg.SignerIssuer))
			if sg.Reason != "" {
				lines = append(lines, fmt.Sprintf("%s      - %s", indent, sg.Reason))
			}
		}
	}
	return lines
}
