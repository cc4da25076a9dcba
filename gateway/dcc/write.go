package dcc

import (
	"bytes"
	"encoding/xml"
	"math"
	"strconv"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/units"
)

// GeneratedSchemaVersion is the DCC schema version [Generate] writes.
const GeneratedSchemaVersion = "3.3.0"

// GenerateInfo carries what a DCC needs and a ledger certificate does not
// hold. Zero fields take the defaults documented on them.
type GenerateInfo struct {
	// SoftwareName and SoftwareRelease fill dccSoftware; defaults
	// "metrotrace" and "dev".
	SoftwareName    string
	SoftwareRelease string
	// LaboratoryName is the issuer's name; default the issuer id.
	LaboratoryName  string
	LaboratoryCity  string
	LaboratoryEMail string
	// RespPersons are the names of the persons responsible for the
	// certificate, the first being the main signer. At least one is
	// required by the DCC schema; there is no default.
	RespPersons []string
	// CustomerName defaults to "not disclosed": owners' details stay in
	// private data, not on the public ledger.
	CustomerName string
	// ItemName and ItemManufacturer describe the subject; defaults name the
	// quantity ("mass instrument") and "not recorded".
	ItemName         string
	ItemManufacturer string
	// Country is countryCodeISO3166_1, default "CN". UsedLangs default to
	// "zh" and "en", MandatoryLang to "zh"; fixed texts are written in both
	// Chinese and English.
	Country       string
	UsedLangs     []string
	MandatoryLang string
	// BeginPerformanceDate defaults to the certificate's performed_on.
	BeginPerformanceDate string
	// IssueDate, when set, is written as coreData/issueDate.
	IssueDate string
	// PreviousReport, when set, links the report this DCC replaces.
	PreviousReport *Reference
}

// quantityNames are Chinese names of the quantities, for the texts of a
// generated DCC.
var quantityNames = map[string]string{
	"mass": "质量", "length": "长度", "temperature": "温度", "pressure": "压力",
	"voltage": "电压", "current": "电流", "resistance": "电阻", "time": "时间",
	"frequency": "频率", "force": "力", "energy": "能量", "power": "功率",
	"volume": "容量", "humidity": "湿度",
}

// Generate writes a DCC v3.3 document for a ledger certificate: the
// certificate number as uniqueIdentifier, the issuer as
// calibrationLaboratoryCode, the subject as the item's identification
// (issuer calibrationLaboratory), each reference standard as a measuring
// equipment, the method as a used method with its norm, valid_until as a
// basic_recalibration statement, the conformity of a verification as a
// basic_conformity statement, and each result as an si:real with
// si:expandedUnc (uncertainty, coverage factor, coverage probability of a
// normal distribution).
//
// D-SI states an expanded uncertainty in the unit of its value, so an
// uncertainty in another unit is converted and a relative one is made
// absolute at its value. Parsing the output with [Parse] and mapping it with
// [Document.Certificate] gives the certificate back (kind verification
// needs MapOptions.Kind). Status, revocation and supersession are ledger
// facts and are not written. Errors are *record.Error of code
// record.Invalid.
func Generate(cert *record.Certificate, info GenerateInfo) ([]byte, error) {
	if cert == nil {
		return nil, record.Errorf(record.Invalid, "generate DCC: no certificate")
	}
	for _, f := range []struct{ field, value string }{
		{"id", cert.ID}, {"issuer_id", cert.IssuerID}, {"subject_id", cert.SubjectID},
	} {
		if err := record.ValidateID(f.field, f.value); err != nil {
			return nil, record.Errorf(record.Invalid, "generate DCC for certificate %q: %s", cert.ID, record.ErrorMessage(err))
		}
	}
	if _, err := record.ParseDate(cert.PerformedOn); err != nil {
		return nil, record.Errorf(record.Invalid, "generate DCC for certificate %s: performed_on: %v", cert.ID, err)
	}
	if len(cert.Results) == 0 {
		return nil, record.Errorf(record.Invalid, "generate DCC for certificate %s: a DCC needs at least one result", cert.ID)
	}
	if len(info.RespPersons) == 0 {
		return nil, record.Errorf(record.Invalid, "generate DCC for certificate %s: at least one responsible person is required (GenerateInfo.RespPersons)", cert.ID)
	}
	defaults(&info, cert)

	data, err := resultData(cert)
	if err != nil {
		return nil, err
	}

	core := el("dcc:coreData", leaf("dcc:countryCodeISO3166_1", info.Country))
	for _, l := range info.UsedLangs {
		core.add(leaf("dcc:usedLangCodeISO639_1", l))
	}
	core.add(
		leaf("dcc:mandatoryLangCodeISO639_1", info.MandatoryLang),
		leaf("dcc:uniqueIdentifier", cert.ID),
		leaf("dcc:beginPerformanceDate", info.BeginPerformanceDate),
		leaf("dcc:endPerformanceDate", cert.PerformedOn),
		leaf("dcc:performanceLocation", "laboratory"),
	)
	if info.IssueDate != "" {
		core.add(leaf("dcc:issueDate", info.IssueDate))
	}
	if p := info.PreviousReport; p != nil {
		core.add(el("dcc:previousReport",
			textEl("dcc:referral", p.Referral),
			leaf("dcc:referralID", p.ReferralID),
			leaf("dcc:procedure", p.Procedure),
			leaf("dcc:value", p.Value),
		))
	}

	persons := el("dcc:respPersons")
	for i, name := range info.RespPersons {
		rp := el("dcc:respPerson", el("dcc:person", plainText("dcc:name", name)))
		if i == 0 {
			rp.add(leaf("dcc:mainSigner", "true"))
		}
		persons.add(rp)
	}

	labContact := el("dcc:contact", plainText("dcc:name", info.LaboratoryName))
	if info.LaboratoryEMail != "" {
		labContact.add(leaf("dcc:eMail", info.LaboratoryEMail))
	}
	labLocation := el("dcc:location")
	if info.LaboratoryCity != "" {
		labLocation.add(leaf("dcc:city", info.LaboratoryCity))
	}
	labContact.add(labLocation.add(leaf("dcc:countryCode", info.Country)))

	statements := el("dcc:statements")
	if cert.ValidUntil != "" {
		statements.add(el("dcc:statement",
			bilingual("dcc:declaration", "证书有效期至（建议复校日期）：", "Valid until (date of the recommended recalibration):"),
			leaf("dcc:date", cert.ValidUntil),
		).attr("refType", RefTypeRecalibration))
	}
	if cert.Conformity != "" {
		statements.add(el("dcc:statement",
			bilingual("dcc:declaration", "检定结论：", "Verification result:"),
			leaf("dcc:conformity", cert.Conformity),
		).attr("refType", RefTypeConformity))
	}

	admin := el("dcc:administrativeData",
		el("dcc:dccSoftware", el("dcc:software",
			plainText("dcc:name", info.SoftwareName),
			leaf("dcc:release", info.SoftwareRelease),
		)),
		core,
		el("dcc:items", el("dcc:item",
			plainText("dcc:name", info.ItemName),
			el("dcc:manufacturer", plainText("dcc:name", info.ItemManufacturer)),
			el("dcc:identifications", identificationEl(cert.SubjectID)),
		)),
		el("dcc:calibrationLaboratory",
			leaf("dcc:calibrationLaboratoryCode", cert.IssuerID),
			labContact,
		),
		persons,
		el("dcc:customer",
			plainText("dcc:name", info.CustomerName),
			el("dcc:location", leaf("dcc:countryCode", info.Country)),
		),
	)
	if len(statements.children) > 0 {
		admin.add(statements)
	}

	mr := el("dcc:measurementResult", bilingual("dcc:name", "校准结果", "Calibration results"))
	if cert.Method != "" {
		mr.add(el("dcc:usedMethods", el("dcc:usedMethod",
			plainText("dcc:name", cert.Method),
			leaf("dcc:norm", cert.Method),
		)))
	}
	if len(cert.ReferenceIDs) > 0 {
		eqs := el("dcc:measuringEquipments")
		for _, ref := range cert.ReferenceIDs {
			eqs.add(el("dcc:measuringEquipment",
				bilingual("dcc:name", "计量标准 "+ref, "Measurement standard "+ref),
				el("dcc:identifications", identificationEl(ref)),
			).attr("refType", RefTypeStandardUsed))
		}
		mr.add(eqs)
	}
	mr.add(el("dcc:results", el("dcc:result",
		bilingual("dcc:name", quantityNames[cert.Quantity], cert.Quantity),
		data,
	)))

	root := el("dcc:digitalCalibrationCertificate", admin, el("dcc:measurementResults", mr)).
		attr("xmlns:dcc", NamespaceDCC).
		attr("xmlns:si", NamespaceSI).
		attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance").
		attr("xsi:schemaLocation", NamespaceDCC+" https://ptb.de/dcc/v"+GeneratedSchemaVersion+"/dcc.xsd").
		attr("schemaVersion", GeneratedSchemaVersion)

	var b bytes.Buffer
	b.WriteString(xml.Header)
	root.write(&b, 0)
	return b.Bytes(), nil
}

func defaults(info *GenerateInfo, cert *record.Certificate) {
	set := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	set(&info.SoftwareName, "metrotrace")
	set(&info.SoftwareRelease, "dev")
	set(&info.LaboratoryName, cert.IssuerID)
	set(&info.CustomerName, "not disclosed")
	set(&info.ItemName, cert.Quantity+" instrument")
	set(&info.ItemManufacturer, "not recorded")
	set(&info.Country, "CN")
	set(&info.MandatoryLang, "zh")
	set(&info.BeginPerformanceDate, cert.PerformedOn)
	if len(info.UsedLangs) == 0 {
		info.UsedLangs = []string{"zh", "en"}
	}
}

// resultData writes the results as dcc:data with one dcc:quantity each.
func resultData(cert *record.Certificate) (*node, error) {
	data := el("dcc:data")
	for i, r := range cert.Results {
		if math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
			return nil, record.Errorf(record.Invalid, "generate DCC for certificate %s: results[%d].value is not a finite number", cert.ID, i)
		}
		unit, err := UnitToDSI(r.Unit)
		if err != nil {
			return nil, record.Errorf(record.Invalid, "generate DCC for certificate %s: results[%d]: %v", cert.ID, i, err)
		}
		sr := el("si:real", leaf("si:value", formatNumber(r.Value)), leaf("si:unit", unit))
		if u := r.Uncertainty; u != nil {
			var value float64
			if u.Relative {
				value, err = u.Absolute(r.Quantity(), r.Unit)
			} else {
				value, err = units.ConvertDelta(u.Value, u.Unit, r.Unit)
			}
			if err != nil {
				return nil, record.Errorf(record.Invalid, "generate DCC for certificate %s: results[%d].uncertainty: %v", cert.ID, i, err)
			}
			sr.add(el("si:expandedUnc",
				leaf("si:uncertainty", formatNumber(value)),
				leaf("si:coverageFactor", formatNumber(u.K)),
				leaf("si:coverageProbability", formatNumber(coverageProbability(u.K))),
			))
		}
		n := strconv.Itoa(i + 1)
		data.add(el("dcc:quantity",
			bilingual("dcc:name", "测量结果 "+n, "Measured value "+n),
			sr,
		).attr("refType", RefTypeMeasuredValue))
	}
	return data, nil
}

// coverageProbability is the coverage probability of a coverage factor k
// for a normal distribution, rounded to three digits; k = 2 gives the
// customary 0.95.
func coverageProbability(k float64) float64 {
	if k == 2 {
		return 0.95
	}
	return math.Round(math.Erf(k/math.Sqrt2)*1000) / 1000
}

// formatNumber writes the shortest decimal that reads back as the same
// float64, in the lexical form D-SI accepts ("0.00016", "1.6e-07").
func formatNumber(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func identificationEl(id string) *node {
	return el("dcc:identification",
		leaf("dcc:issuer", IssuerCalibrationLaboratory),
		leaf("dcc:value", id),
		bilingual("dcc:name", "metrotrace 标识", "metrotrace id"),
	)
}

// node is an element to write. Names carry their prefix; the root declares
// the namespaces.
type node struct {
	name     string
	attrs    [][2]string
	text     string
	children []*node
}

func el(name string, children ...*node) *node { return &node{name: name, children: children} }

func leaf(name, text string) *node { return &node{name: name, text: text} }

// plainText is a dcc text element with one content in no stated language.
func plainText(name, s string) *node { return el(name, leaf("dcc:content", s)) }

// bilingual is a dcc text element in Chinese and English.
func bilingual(name, zh, en string) *node {
	return el(name, leaf("dcc:content", zh).attr("lang", "zh"), leaf("dcc:content", en).attr("lang", "en"))
}

// textEl writes a Text; an empty Text becomes one empty content, which the
// schema requires at least of.
func textEl(name string, t Text) *node {
	n := el(name)
	for _, c := range t {
		content := leaf("dcc:content", c.Value)
		if c.Lang != "" {
			content.attr("lang", c.Lang)
		}
		n.add(content)
	}
	if len(t) == 0 {
		n.add(leaf("dcc:content", ""))
	}
	return n
}

func (n *node) add(children ...*node) *node {
	n.children = append(n.children, children...)
	return n
}

func (n *node) attr(k, v string) *node {
	n.attrs = append(n.attrs, [2]string{k, v})
	return n
}

func (n *node) write(b *bytes.Buffer, depth int) {
	for range depth {
		b.WriteByte('\t')
	}
	b.WriteByte('<')
	b.WriteString(n.name)
	for _, a := range n.attrs {
		b.WriteString(" " + a[0] + `="`)
		_ = xml.EscapeText(b, []byte(a[1]))
		b.WriteByte('"')
	}
	switch {
	case len(n.children) > 0:
		b.WriteString(">\n")
		for _, c := range n.children {
			c.write(b, depth+1)
		}
		for range depth {
			b.WriteByte('\t')
		}
	case n.text != "":
		b.WriteByte('>')
		_ = xml.EscapeText(b, []byte(n.text))
	default:
		b.WriteString("/>\n")
		return
	}
	b.WriteString("</" + n.name + ">\n")
}
