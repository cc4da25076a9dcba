package httpapi

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
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
	// Block is the number of the block of TxID, "" when unknown.
	Block string
	// VerifyURL is the public verify address of a certificate with a DCC,
	// and QR its picture.
	VerifyURL string
	QR        template.HTML
	Checks    []reportCheck
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
			if err := s.certificateFacts(ctx, r, &rl, publicBase(c)); err != nil {
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

// certificateFacts adds a certificate's kind, dates and status, the
// transaction that wrote its current version with its block, and for a
// certificate with a DCC the QR code of its public verify address (the
// console's verify page under base, which needs no token).
func (s *Server) certificateFacts(ctx context.Context, r Reader, rl *reportLink, base string) error {
	raw, err := r.Get(ctx, record.DocCertificate, rl.CertificateID)
	if err != nil {
		return err
	}
	var cert record.Certificate
	if err := json.Unmarshal(raw, &cert); err != nil {
		return errorf(string(record.Internal), "certificate %s: %v", rl.CertificateID, err)
	}
	rl.Kind, rl.PerformedOn, rl.ValidUntil, rl.Status = cert.Kind, cert.PerformedOn, cert.ValidUntil, cert.Status
	if cert.DCCSHA256 != "" {
		rl.VerifyURL = VerifyAddress(base, cert.ID, cert.DCCSHA256)
		picture, err := qrSVG(rl.VerifyURL, 22)
		if err != nil {
			return errorf(string(record.Internal), "report: %v", err)
		}
		// qrSVG writes numbers only: nothing to escape.
		rl.QR = template.HTML(picture)
	}
	// The history is the ledger's; a gateway that cannot read it still
	// prints the report, without the transaction.
	if versions, err := r.History(ctx, record.DocCertificate, rl.CertificateID); err == nil && len(versions) > 0 {
		if err := s.withBlocks(ctx, versions); err != nil {
			return err
		}
		last := versions[len(versions)-1]
		rl.TxID = last.TxID
		if last.BlockNumber != nil {
			rl.Block = strconv.FormatUint(*last.BlockNumber, 10)
		}
		if t, err := time.Parse(time.RFC3339Nano, last.Timestamp); err == nil {
			rl.Committed = t.In(shanghai).Format("2006-01-02 15:04:05")
		} else {
			rl.Committed = last.Timestamp
		}
	}
	return nil
}

// impactRow is one record an impact reached, as the impact reports list it.
type impactRow struct {
	Kind, ID, Owner, Status string
	Path                    []string
}

// impactRows reads an impact with its paths and the owner institution and
// status of every record it reached, certificates first.
func impactRows(ctx context.Context, r Reader, standardID, since string) (*rules.ImpactSet, []impactRow, error) {
	set, err := r.Impact(ctx, standardID, since, true)
	if err != nil {
		return nil, nil, err
	}
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
	var rows []impactRow
	for _, g := range groups {
		for _, id := range g.ids {
			owner, status := "", ""
			if g.docType == record.DocInstitution {
				owner = id
			} else {
				raw, err := r.Get(ctx, g.docType, id)
				if err != nil {
					return nil, nil, err
				}
				var o owned
				if err := json.Unmarshal(raw, &o); err != nil {
					return nil, nil, errorf(string(record.Internal), "%s %s: %v", g.docType, id, err)
				}
				owner, status = o.InstitutionID, o.Status
				if g.docType == record.DocCertificate {
					owner = o.IssuerID
				}
			}
			rows = append(rows, impactRow{Kind: g.docType, ID: id, Owner: owner, Status: status, Path: set.Paths[id]})
		}
	}
	return set, rows, nil
}

// Formats of GET /reports/impact/{standard_id}.
const (
	impactFormatCSV  = "csv"
	impactFormatHTML = "html"
)

// impactCSV handles GET /reports/impact/{standard_id}?since=&format=:
// every record the impact reached, one a row, with its owner institution,
// its status and the path from the faulty standard, as CSV (the default)
// or, with format=html, as a print-ready A4 page.
func (s *Server) impactCSV(c echo.Context) error {
	since, err := s.date(c, "since", true)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	switch format {
	case "", impactFormatCSV, impactFormatHTML:
	default:
		return record.ParamChoice("format", format, []string{"csv", "html"}, "format %q must be csv or html", format)
	}
	r, err := s.reader(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	set, rows, err := impactRows(ctx, r, c.Param("standard_id"), since)
	if err != nil {
		return err
	}
	if format == impactFormatHTML {
		return s.impactHTML(c, set, rows)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"kind", "id", "owner_institution", "status", "path"})
	for _, row := range rows {
		_ = w.Write([]string{row.Kind, row.ID, row.Owner, row.Status, strings.Join(row.Path, " > ")})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return errorf(string(record.Internal), "csv: %v", err)
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="impact-`+safeName(set.StandardID)+`-`+set.Since+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

//go:embed report_impact.html
var impactReportHTML string

var impactReportTemplate = template.Must(template.New("impact").Funcs(template.FuncMap{"inc": func(i int) int { return i + 1 }}).Parse(impactReportHTML))

// impactHTML answers the impact as a print-ready A4 page (中文 with English
// terms): the faulty standard, the counts, the picture and every record
// with its owner, status and path.
func (s *Server) impactHTML(c echo.Context, set *rules.ImpactSet, rows []impactRow) error {
	ctx := c.Request().Context()
	picture, err := graph.Impact(ctx, set, graph.Options{Lang: graph.LangZH})
	if err != nil {
		return svg(c, nil, err)
	}
	type printedRow struct {
		impactRow
		KindLabel, StatusLabel, PathText string
	}
	kindLabel := map[string]string{record.DocCertificate: "证书 certificate", record.DocStandard: "计量标准 standard",
		record.DocInstrument: "计量器具 instrument", record.DocInstitution: "机构 institution"}
	statusLabel := map[string]string{"valid": "有效 valid", "revoked": "撤销 revoked", "superseded": "已被替代 superseded",
		"active": "在用 active", "sealed": "封存 sealed"}
	printed := make([]printedRow, 0, len(rows))
	for _, row := range rows {
		st := statusLabel[row.Status]
		if st == "" {
			st = row.Status
		}
		printed = append(printed, printedRow{impactRow: row, KindLabel: kindLabel[row.Kind], StatusLabel: st, PathText: strings.Join(row.Path, " → ")})
	}
	var buf bytes.Buffer
	err = impactReportTemplate.Execute(&buf, map[string]any{
		"Standard": set.StandardID, "Since": set.Since, "Rows": printed,
		"Certificates": len(set.Certificates), "Standards": len(set.Standards),
		"Instruments": len(set.Instruments), "Institutions": len(set.Institutions),
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

// VerifyAddress is the public address at which anyone checks a
// certificate's DCC: the console's verify page (no token), told which
// certificate and digest to expect.
func VerifyAddress(base, certificateID, sha256Hex string) string {
	return strings.TrimRight(base, "/") + "/#/verify?certificate=" + url.QueryEscape(certificateID) + "&sha256=" + url.QueryEscape(sha256Hex)
}

// publicBase is the gateway's address as the request reached it.
func publicBase(c echo.Context) string {
	return c.Scheme() + "://" + c.Request().Host
}
