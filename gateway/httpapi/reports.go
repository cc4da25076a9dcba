package httpapi

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/graph"
)

//go:embed report_trace.html
var traceReportHTML string

var traceReportTemplate = template.Must(template.New("trace").Parse(traceReportHTML))

// shanghai is the time zone of the reports; without the zone database the
// fixed UTC+8 offset is the same (China has no daylight saving time).
var shanghai = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

// reportLink is one link of the printed trace.
type reportLink struct {
	Step                    int
	CertificateID, Kind     string
	SubjectID               string
	IssuerID, IssuerName    string
	References              []string
	PerformedOn, ValidUntil string
	UsedOn, Status          string
	TxID, Committed         string
	Checks                  []reportCheck
}

type reportCheck struct {
	Name, Label, Detail string
	OK                  bool
}

// traceReport handles GET /reports/trace/{subject_id}?at=: the trace as a
// print-ready A4 page (中文 with English terms), with the picture and every
// link's certificate, issuer, dates, checks and transaction.
func (s *Server) traceReport(c echo.Context) error {
	at, err := s.date(c, "at", false)
	if err != nil {
		return err
	}
	r, rep, nodes, err := s.describedTrace(c, at)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	picture, err := graph.Trace(ctx, rep, nodes, graph.Options{Lang: graph.LangZH, Compact: true})
	if err != nil {
		return svg(c, nil, err)
	}
	names := map[string]string{}
	institution := func(id string) string {
		if id == "" {
			return ""
		}
		if n, ok := names[id]; ok {
			return n
		}
		var in record.Institution
		if raw, err := r.Get(ctx, record.DocInstitution, id); err == nil && json.Unmarshal(raw, &in) == nil {
			names[id] = in.Name
		}
		return names[id]
	}
	links := make([]reportLink, 0, len(rep.Links))
	for i, l := range rep.Links {
		rl := reportLink{Step: i + 1, CertificateID: l.CertificateID, SubjectID: l.SubjectID, IssuerID: l.IssuerID,
			IssuerName: institution(l.IssuerID), References: l.ReferenceIDs, UsedOn: l.UsedOn}
		for _, ch := range l.Checks {
			rl.Checks = append(rl.Checks, reportCheck{Name: ch.Name, Label: graph.CheckLabel(ch.Name, graph.LangZH), Detail: ch.Detail, OK: ch.OK})
		}
		if l.CertificateID != "" {
			if err := certificateFacts(ctx, r, &rl); err != nil {
				return err
			}
		}
		links = append(links, rl)
	}
	subjectName := nodes[rep.SubjectID].Name
	var buf bytes.Buffer
	err = traceReportTemplate.Execute(&buf, map[string]any{
		"Subject": rep.SubjectID, "SubjectName": subjectName, "At": rep.At, "Traceable": rep.Traceable,
		"Problems": rep.Problems, "Links": links,
		// The picture is the graph package's SVG, which escapes every text.
		"Picture":   template.HTML(picture),
		"Generated": s.cfg.Now().In(shanghai).Format("2006-01-02 15:04:05"),
	})
	if err != nil {
		return errorf(string(record.Internal), "report: %v", err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// certificateFacts adds a certificate's kind, dates and status and the
// transaction that wrote its current version.
func certificateFacts(ctx context.Context, r Reader, rl *reportLink) error {
	raw, err := r.Get(ctx, record.DocCertificate, rl.CertificateID)
	if err != nil {
		return err
	}
	var cert record.Certificate
	if err := json.Unmarshal(raw, &cert); err != nil {
		return errorf(string(record.Internal), "certificate %s: %v", rl.CertificateID, err)
	}
	rl.Kind, rl.PerformedOn, rl.ValidUntil, rl.Status = cert.Kind, cert.PerformedOn, cert.ValidUntil, cert.Status
	// The history is the ledger's; a gateway that cannot read it still
	// prints the report, without the transaction.
	if versions, err := r.History(ctx, record.DocCertificate, rl.CertificateID); err == nil && len(versions) > 0 {
		last := versions[len(versions)-1]
		rl.TxID = last.TxID
		if t, err := time.Parse(time.RFC3339Nano, last.Timestamp); err == nil {
			rl.Committed = t.In(shanghai).Format("2006-01-02 15:04:05")
		} else {
			rl.Committed = last.Timestamp
		}
	}
	return nil
}

// impactCSV handles GET /reports/impact/{standard_id}?since=: every record
// the impact reached, one a row, with its owner institution, its status
// and the path from the faulty standard, as CSV.
func (s *Server) impactCSV(c echo.Context) error {
	since, err := s.date(c, "since", true)
	if err != nil {
		return err
	}
	r, err := s.reader(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	set, err := r.Impact(ctx, c.Param("standard_id"), since, true)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"kind", "id", "owner_institution", "status", "path"})
	type owned struct {
		InstitutionID string `json:"institution_id"`
		IssuerID      string `json:"issuer_id"`
		Status        string `json:"status"`
	}
	groups := []struct {
		docType string
		ids     []string
	}{
		{record.DocCertificate, set.Certificates}, {record.DocStandard, set.Standards},
		{record.DocInstrument, set.Instruments}, {record.DocInstitution, set.Institutions},
	}
	for _, g := range groups {
		for _, id := range g.ids {
			owner, status := "", ""
			if g.docType == record.DocInstitution {
				owner = id
			} else {
				raw, err := r.Get(ctx, g.docType, id)
				if err != nil {
					return err
				}
				var o owned
				if err := json.Unmarshal(raw, &o); err != nil {
					return errorf(string(record.Internal), "%s %s: %v", g.docType, id, err)
				}
				owner, status = o.InstitutionID, o.Status
				if g.docType == record.DocCertificate {
					owner = o.IssuerID
				}
			}
			_ = w.Write([]string{g.docType, id, owner, status, strings.Join(set.Paths[id], " > ")})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return errorf(string(record.Internal), "csv: %v", err)
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="impact-`+safeName(set.StandardID)+`-`+set.Since+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// safeName keeps the letters, digits, dots and dashes of an id for a file
// name.
func safeName(id string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
			return r
		}
		return '_'
	}, id)
}
