package rules

import "github.com/metrotrace/metrotrace/chaincode/jsonappend"

// AppendJSON appends the report's JSON to dst: byte for byte what
// encoding/json writes for it (TestAnswersWriteTheJSONOfEncodingJSON),
// several times faster. The gateway answers a trace with it.
func (r *TraceReport) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"subject_id":`...)
	dst = jsonappend.String(dst, r.SubjectID)
	dst = append(dst, `,"at":`...)
	dst = jsonappend.String(dst, r.At)
	dst = append(dst, `,"traceable":`...)
	dst = jsonappend.Bool(dst, r.Traceable)
	dst = append(dst, `,"links":`...)
	dst = r.appendLinks(dst)
	dst = append(dst, `,"problems":`...)
	dst = jsonappend.Strings(dst, r.Problems)
	dst = append(dst, `,"problem_details":`...)
	dst = jsonappend.Array(dst, r.ProblemDetails, appendProblem)
	return append(dst, '}')
}

// AppendJSON appends the decision's JSON to dst, byte for byte what
// encoding/json writes for it. The gateway answers a recognition with it.
func (d *RecognitionDecision) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"certificate_id":`...)
	dst = jsonappend.String(dst, d.CertificateID)
	dst = append(dst, `,"by":`...)
	dst = jsonappend.String(dst, d.By)
	dst = append(dst, `,"at":`...)
	dst = jsonappend.String(dst, d.At)
	dst = append(dst, `,"recognized":`...)
	dst = jsonappend.Bool(dst, d.Recognized)
	dst = append(dst, `,"agreement_id":`...)
	dst = jsonappend.String(dst, d.AgreementID)
	dst = append(dst, `,"checks":`...)
	dst = jsonappend.Array(dst, d.Checks, appendCheck)
	return append(dst, '}')
}

// appendLinks appends the report's links as a JSON array: for each, the
// bytes a trace memo encoded for it, or the link encoded now.
func (r *TraceReport) appendLinks(dst []byte) []byte {
	if r.linkJSON == nil {
		return jsonappend.Array(dst, r.Links, appendLink)
	}
	dst = append(dst, '[')
	for i := range r.Links {
		if i > 0 {
			dst = append(dst, ',')
		}
		if i < len(r.linkJSON) && r.linkJSON[i] != nil {
			dst = append(dst, r.linkJSON[i]...)
		} else {
			dst = appendLink(dst, &r.Links[i])
		}
	}
	return append(dst, ']')
}

func appendLink(dst []byte, l *Link) []byte {
	dst = append(dst, `{"certificate_id":`...)
	dst = jsonappend.String(dst, l.CertificateID)
	dst = append(dst, `,"issuer_id":`...)
	dst = jsonappend.String(dst, l.IssuerID)
	dst = append(dst, `,"subject_id":`...)
	dst = jsonappend.String(dst, l.SubjectID)
	dst = append(dst, `,"reference_ids":`...)
	dst = jsonappend.Strings(dst, l.ReferenceIDs)
	dst = append(dst, `,"depth":`...)
	dst = jsonappend.Int(dst, l.Depth)
	dst = append(dst, `,"used_on":`...)
	dst = jsonappend.String(dst, l.UsedOn)
	dst = append(dst, `,"checks":`...)
	dst = jsonappend.Array(dst, l.Checks, appendCheck)
	return append(dst, '}')
}

func appendCheck(dst []byte, c *Check) []byte {
	dst = append(dst, `{"name":`...)
	dst = jsonappend.String(dst, c.Name)
	dst = append(dst, `,"ok":`...)
	dst = jsonappend.Bool(dst, c.OK)
	dst = append(dst, `,"detail":`...)
	dst = jsonappend.String(dst, c.Detail)
	if len(c.Findings) > 0 { // omitempty
		dst = append(dst, `,"findings":`...)
		dst = jsonappend.Array(dst, c.Findings, appendFinding)
	}
	return append(dst, '}')
}

func appendFinding(dst []byte, f *Finding) []byte {
	dst = append(dst, `{"code":`...)
	dst = jsonappend.String(dst, f.Code)
	dst = append(dst, `,"ok":`...)
	dst = jsonappend.Bool(dst, f.OK)
	if len(f.Params) > 0 { // omitempty
		dst = append(dst, `,"params":`...)
		dst = jsonappend.StringMap(dst, f.Params)
	}
	return append(dst, '}')
}

func appendProblem(dst []byte, p *Problem) []byte {
	dst = append(dst, `{"record_id":`...)
	dst = jsonappend.String(dst, p.RecordID)
	dst = append(dst, `,"check":`...)
	dst = jsonappend.String(dst, p.Check)
	dst = append(dst, `,"detail":`...)
	dst = jsonappend.String(dst, p.Detail)
	dst = append(dst, `,"findings":`...)
	dst = jsonappend.Array(dst, p.Findings, appendFinding)
	return append(dst, '}')
}

// AppendJSON appends the item's JSON to dst, byte for byte what
// encoding/json writes for it. A streamed impact (format=ndjson) writes
// one per affected certificate with it: 3M lines at 1M instruments.
func (it *ImpactItem) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"certificate_id":`...)
	dst = jsonappend.String(dst, it.CertificateID)
	dst = append(dst, `,"reference_id":`...)
	dst = jsonappend.String(dst, it.ReferenceID)
	dst = append(dst, `,"performed_on":`...)
	dst = jsonappend.String(dst, it.PerformedOn)
	dst = append(dst, `,"issuer_id":`...)
	dst = jsonappend.String(dst, it.IssuerID)
	dst = append(dst, `,"subject_id":`...)
	dst = jsonappend.String(dst, it.SubjectID)
	dst = append(dst, `,"subject_doc_type":`...)
	dst = jsonappend.String(dst, it.SubjectDocType)
	dst = append(dst, `,"subject_institution_id":`...)
	dst = jsonappend.String(dst, it.SubjectInstitutionID)
	return append(dst, '}')
}
