package dcc

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Supported schema versions: major 3, minor 1 to 3 (3.1.x, 3.2.x, 3.3.x).
const (
	minSchemaMinor = 1
	maxSchemaMinor = 3
)

var schemaVersionPattern = regexp.MustCompile(`^3\.(\d+)(\.\d+)?$`)

// Parse reads a DCC of schema version 3.1 to 3.3 from its exact bytes.
//
// It rejects, with a *[record.Error] of code [record.Invalid]: input larger
// than [MaxSize], malformed XML, a root other than
// dcc:digitalCalibrationCertificate, a missing or unsupported
// schemaVersion, and D-SI quantities that break the D-SI rules (a value
// without unit, a number that is not a number, an expanded uncertainty
// without coverage factor, lists of mismatched length). Units metrotrace
// does not know are not errors here: the quantity keeps its D-SI unit with
// UnitKnown false and a [Problem] is noted; [Document.Certificate] refuses
// them where they matter.
func Parse(data []byte) (*Document, error) {
	if len(data) > MaxSize {
		return nil, unreadable(ProblemDCCTooLarge, []string{"size", "max"}, "DCC is %d bytes, more than the %d bytes (10 MiB) accepted", len(data), MaxSize)
	}
	if len(data) == 0 {
		return nil, unreadable(ProblemDCCEmpty, nil, "DCC is empty")
	}
	root, err := parseTree(data)
	if err != nil {
		return nil, err
	}
	if !root.is(NamespaceDCC, "digitalCalibrationCertificate") {
		return nil, unreadable(ProblemNotADCC, []string{"root", "namespace"}, "not a DCC: the root element is %s, not dcc:digitalCalibrationCertificate in namespace %s", root.describe(), NamespaceDCC)
	}
	version := root.attr("schemaVersion")
	if err := checkSchemaVersion(version); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	r := &reader{doc: &Document{SchemaVersion: version, SHA256: hex.EncodeToString(sum[:]), raw: bytes.Clone(data)}}
	r.read(root)
	if r.err != nil {
		return nil, r.err
	}
	return r.doc, nil
}

func checkSchemaVersion(v string) error {
	if v == "" {
		return unreadable(ProblemNoSchemaVersion, nil, "DCC has no schemaVersion attribute; supported versions are 3.1 to 3.3")
	}
	m := schemaVersionPattern.FindStringSubmatch(v)
	if m == nil {
		return unreadable(ProblemSchemaVersionUnsupported, []string{"value"}, "DCC schema version %q is not supported; supported versions are 3.1 to 3.3", v)
	}
	minor, err := strconv.Atoi(m[1])
	if err != nil || minor < minSchemaMinor || minor > maxSchemaMinor {
		return unreadable(ProblemSchemaVersionUnsupported, []string{"value"}, "DCC schema version %q is not supported; supported versions are 3.1 to 3.3", v)
	}
	return nil
}

// reader extracts a Document from the element tree. The first structural
// error stops it; notes go to doc.Problems.
type reader struct {
	doc    *Document
	err    error
	groups int
}

func (r *reader) fail(path string, code ProblemCode, names []string, format string, args ...any) {
	if r.err == nil {
		p := newProblem(path, code, names, format, args...)
		r.err = &record.Error{Code: record.Invalid, Message: p.String(),
			Details: []record.FieldError{{Field: p.Path, Message: p.String(), Code: record.FieldCode(p.Code), Params: p.Params}}}
	}
}

func (r *reader) note(path string, code ProblemCode, names []string, format string, args ...any) {
	r.doc.Problems = append(r.doc.Problems, newProblem(path, code, names, format, args...))
}

func (r *reader) read(root *element) {
	admin := root.child(NamespaceDCC, "administrativeData")
	if admin == nil {
		r.fail("administrativeData", ProblemNoAdministrativeData, nil, "missing: a DCC must have dcc:administrativeData")
		return
	}
	const a = "administrativeData"
	for _, sw := range admin.child(NamespaceDCC, "dccSoftware").all(NamespaceDCC, "software") {
		r.doc.Software = append(r.doc.Software, Software{
			Name:    text(sw.child(NamespaceDCC, "name")),
			Release: sw.child(NamespaceDCC, "release").value(),
			Type:    sw.child(NamespaceDCC, "type").value(),
		})
	}
	r.readCore(admin.child(NamespaceDCC, "coreData"), a+"/coreData")
	for _, it := range admin.child(NamespaceDCC, "items").all(NamespaceDCC, "item") {
		r.doc.Items = append(r.doc.Items, Item{
			Name:            text(it.child(NamespaceDCC, "name")),
			Manufacturer:    text(it.child(NamespaceDCC, "manufacturer").child(NamespaceDCC, "name")),
			Model:           it.child(NamespaceDCC, "model").value(),
			Identifications: identifications(it.child(NamespaceDCC, "identifications")),
		})
	}
	if lab := admin.child(NamespaceDCC, "calibrationLaboratory"); lab != nil {
		r.doc.Laboratory = Laboratory{
			Code:    lab.child(NamespaceDCC, "calibrationLaboratoryCode").value(),
			Contact: contact(lab.child(NamespaceDCC, "contact")),
		}
	}
	for _, rp := range admin.child(NamespaceDCC, "respPersons").all(NamespaceDCC, "respPerson") {
		r.doc.RespPersons = append(r.doc.RespPersons, RespPerson{
			Person:     contact(rp.child(NamespaceDCC, "person")),
			Role:       rp.child(NamespaceDCC, "role").value(),
			MainSigner: rp.child(NamespaceDCC, "mainSigner").value() == "true",
		})
	}
	r.doc.Customer = contact(admin.child(NamespaceDCC, "customer"))
	for _, st := range admin.child(NamespaceDCC, "statements").all(NamespaceDCC, "statement") {
		s := Statement{
			RefTypes:    st.refTypes(),
			Declaration: text(st.child(NamespaceDCC, "declaration")),
			Date:        st.child(NamespaceDCC, "date").value(),
			Conformity:  st.child(NamespaceDCC, "conformity").value(),
		}
		for _, n := range st.all(NamespaceDCC, "norm") {
			s.Norms = append(s.Norms, n.value())
		}
		r.doc.Statements = append(r.doc.Statements, s)
	}

	results := root.child(NamespaceDCC, "measurementResults")
	if results == nil {
		r.fail("measurementResults", ProblemNoMeasurementResults, nil, "missing: a DCC must have dcc:measurementResults")
		return
	}
	for i, mr := range results.all(NamespaceDCC, "measurementResult") {
		r.readMeasurementResult(mr, fmt.Sprintf("measurementResults/measurementResult[%d]", i+1))
	}
}

func (r *reader) readCore(core *element, path string) {
	if core == nil {
		r.fail(path, ProblemNoCoreData, nil, "missing: a DCC must have dcc:coreData")
		return
	}
	c := CoreData{
		CountryCode:          core.child(NamespaceDCC, "countryCodeISO3166_1").value(),
		UniqueIdentifier:     core.child(NamespaceDCC, "uniqueIdentifier").value(),
		Identifications:      identifications(core.child(NamespaceDCC, "identifications")),
		ReceiptDate:          core.child(NamespaceDCC, "receiptDate").value(),
		BeginPerformanceDate: core.child(NamespaceDCC, "beginPerformanceDate").value(),
		EndPerformanceDate:   core.child(NamespaceDCC, "endPerformanceDate").value(),
		PerformanceLocation:  core.child(NamespaceDCC, "performanceLocation").value(),
		IssueDate:            core.child(NamespaceDCC, "issueDate").value(),
	}
	for _, l := range core.all(NamespaceDCC, "usedLangCodeISO639_1") {
		c.UsedLangs = append(c.UsedLangs, l.value())
	}
	for _, l := range core.all(NamespaceDCC, "mandatoryLangCodeISO639_1") {
		c.MandatoryLangs = append(c.MandatoryLangs, l.value())
	}
	if prev := core.child(NamespaceDCC, "previousReport"); prev != nil {
		c.PreviousReport = reference(prev)
	}
	for _, d := range []struct{ name, value string }{
		{"receiptDate", c.ReceiptDate},
		{"beginPerformanceDate", c.BeginPerformanceDate},
		{"endPerformanceDate", c.EndPerformanceDate},
		{"issueDate", c.IssueDate},
	} {
		if d.value == "" {
			continue
		}
		if _, err := record.ParseDate(d.value); err != nil {
			r.fail(path+"/"+d.name, ProblemBadDateValue, []string{"detail"}, "%v", err)
		}
	}
	r.doc.Core = c
}

func (r *reader) readMeasurementResult(mr *element, path string) {
	m := MeasurementResult{Path: path, RefTypes: mr.refTypes(), Name: text(mr.child(NamespaceDCC, "name"))}
	for _, um := range mr.child(NamespaceDCC, "usedMethods").all(NamespaceDCC, "usedMethod") {
		method := Method{RefTypes: um.refTypes(), Name: text(um.child(NamespaceDCC, "name"))}
		for _, n := range um.all(NamespaceDCC, "norm") {
			method.Norms = append(method.Norms, n.value())
		}
		for _, ref := range um.all(NamespaceDCC, "reference") {
			method.References = append(method.References, ref.value())
		}
		m.Methods = append(m.Methods, method)
	}
	for i, me := range mr.child(NamespaceDCC, "measuringEquipments").all(NamespaceDCC, "measuringEquipment") {
		eq := Equipment{
			Path:            fmt.Sprintf("%s/measuringEquipments/measuringEquipment[%d]", path, i+1),
			RefTypes:        me.refTypes(),
			Name:            text(me.child(NamespaceDCC, "name")),
			Model:           me.child(NamespaceDCC, "model").value(),
			Identifications: identifications(me.child(NamespaceDCC, "identifications")),
		}
		if cert := me.child(NamespaceDCC, "certificate"); cert != nil {
			eq.Certificate = reference(cert)
		}
		m.Equipments = append(m.Equipments, eq)
	}
	for i, ic := range mr.child(NamespaceDCC, "influenceConditions").all(NamespaceDCC, "influenceCondition") {
		cond := InfluenceCondition{RefTypes: ic.refTypes(), Name: text(ic.child(NamespaceDCC, "name"))}
		cond.Quantities = r.readData(ic.child(NamespaceDCC, "data"),
			fmt.Sprintf("%s/influenceConditions/influenceCondition[%d]/data", path, i+1), nil, 0)
		m.InfluenceConditions = append(m.InfluenceConditions, cond)
	}
	results := mr.child(NamespaceDCC, "results")
	if results == nil {
		r.fail(path+"/results", ProblemNoDCCResults, nil, "missing: a measurement result must have dcc:results")
		return
	}
	for i, res := range results.all(NamespaceDCC, "result") {
		p := fmt.Sprintf("%s/results/result[%d]", path, i+1)
		result := Result{Path: p, RefTypes: res.refTypes(), Name: text(res.child(NamespaceDCC, "name"))}
		result.Quantities = r.readData(res.child(NamespaceDCC, "data"), p+"/data", nil, 0)
		m.Results = append(m.Results, result)
	}
	r.doc.MeasurementResults = append(r.doc.MeasurementResults, m)
}

// readData reads the quantities of a dcc:data or dcc:list element, lists
// flattened in document order. Quantities without D-SI content (text,
// formulas, files) are skipped with a note.
func (r *reader) readData(data *element, path string, listRefTypes []string, group int) []Quantity {
	if data == nil {
		return nil
	}
	var out []Quantity
	nq, nl := 0, 0
	for _, c := range data.children {
		switch {
		case c.is(NamespaceDCC, "quantity"):
			nq++
			p := fmt.Sprintf("%s/quantity[%d]", path, nq)
			if q, ok := r.readQuantity(c, p); ok {
				q.ListRefTypes, q.Group = listRefTypes, group
				out = append(out, q)
			}
		case c.is(NamespaceDCC, "list"):
			nl++
			r.groups++
			out = append(out, r.readData(c, fmt.Sprintf("%s/list[%d]", path, nl), c.refTypes(), r.groups)...)
		}
	}
	return out
}

// readQuantity reads the D-SI content of one dcc:quantity.
func (r *reader) readQuantity(qe *element, path string) (Quantity, bool) {
	q := Quantity{Path: path, RefTypes: qe.refTypes(), Name: text(qe.child(NamespaceDCC, "name"))}
	for _, c := range qe.children {
		if c.space != NamespaceSI {
			continue
		}
		switch c.local {
		case "real", "realListXMLList":
			rep, ok := r.readRepresentation(c, path+"/si:"+c.local)
			if !ok {
				return q, false
			}
			rep.into(&q)
			return q, true
		case "hybrid":
			return r.readHybrid(c, path+"/si:hybrid", q)
		default:
			r.note(path+"/si:"+c.local, ProblemSINotRead, []string{"element"}, "si:%s is not read; only si:real, si:realListXMLList and si:hybrid are", c.local)
			return q, false
		}
	}
	r.note(path, ProblemNoDSIValue, nil, "quantity has no D-SI value (si:real, si:realListXMLList or si:hybrid); not read")
	return q, false
}

// readHybrid takes the first representation of an si:hybrid whose unit
// metrotrace knows, and names the others.
func (r *reader) readHybrid(h *element, path string, q Quantity) (Quantity, bool) {
	var reps []representation
	seen := map[string]int{}
	for _, c := range h.children {
		if c.space != NamespaceSI || (c.local != "real" && c.local != "realListXMLList") {
			continue
		}
		seen[c.local]++
		rep, ok := r.readRepresentation(c, fmt.Sprintf("%s/si:%s[%d]", path, c.local, seen[c.local]))
		if !ok {
			return q, false
		}
		reps = append(reps, rep)
	}
	if len(reps) == 0 {
		r.note(path, ProblemHybridEmpty, nil, "si:hybrid holds no si:real or si:realListXMLList; not read")
		return q, false
	}
	chosen := 0
	for i, rep := range reps {
		if rep.known {
			chosen = i
			break
		}
	}
	reps[chosen].into(&q)
	for i, rep := range reps {
		if i != chosen {
			q.Alternatives = append(q.Alternatives, rep.dsiUnit)
		}
	}
	return q, true
}

// representation is one D-SI real or real list.
type representation struct {
	dsiUnit       string
	unit          string
	known         bool
	values        []float64
	uncertainties []ExpandedUncertainty
}

func (rep representation) into(q *Quantity) {
	q.DSIUnit, q.Unit, q.UnitKnown = rep.dsiUnit, rep.unit, rep.known
	q.Values, q.Uncertainties = rep.values, rep.uncertainties
}

// readRepresentation reads an si:real or an si:realListXMLList with its
// expanded uncertainty in any of the D-SI forms: si:expandedUnc /
// si:expandedUncXMLList (D-SI 1.x) and si:measurementUncertaintyUnivariate /
// …XMLList with si:expandedMU (D-SI 2.x). A single unit, uncertainty or
// coverage factor in a list applies to every value.
func (r *reader) readRepresentation(e *element, path string) (representation, bool) {
	list := e.local == "realListXMLList"
	suffix := ""
	if list {
		suffix = "XMLList"
	}
	var rep representation
	valueEl, unitEl := e.child(NamespaceSI, "value"+suffix), e.child(NamespaceSI, "unit"+suffix)
	if valueEl == nil {
		r.fail(path, ProblemNoSIValue, []string{"suffix"}, "si:value%s is missing", suffix)
		return rep, false
	}
	if unitEl == nil || unitEl.value() == "" {
		r.fail(path, ProblemNoSIUnit, []string{"suffix"}, "si:unit%s is missing: every D-SI value needs a unit", suffix)
		return rep, false
	}
	values, ok := r.numbers(valueEl.value(), path+"/si:value"+suffix)
	if !ok {
		return rep, false
	}
	if len(values) == 0 {
		r.fail(path+"/si:value"+suffix, ProblemEmptyValue, nil, "no value")
		return rep, false
	}
	if !list && len(values) != 1 {
		r.fail(path+"/si:value", ProblemRealNotOne, []string{"count"}, "si:real holds %d numbers, not one", len(values))
		return rep, false
	}
	unitsList := strings.Fields(unitEl.value())
	for _, u := range unitsList[1:] {
		if u != unitsList[0] {
			r.fail(path+"/si:unitXMLList", ProblemMixedUnits, []string{"unit", "other_unit"}, "values in different units (%s, %s) are not supported", unitsList[0], u)
			return rep, false
		}
	}
	if len(unitsList) != 1 && len(unitsList) != len(values) {
		r.fail(path+"/si:unitXMLList", ProblemUnitsCount, []string{"units", "values"}, "%d units for %d values", len(unitsList), len(values))
		return rep, false
	}
	rep.values, rep.dsiUnit = values, unitsList[0]
	if u, err := UnitFromDSI(rep.dsiUnit); err == nil {
		rep.unit, rep.known = u, true
	} else {
		r.note(path, ProblemUnitUnknown, []string{"reason"}, "%v: metrotrace has no unit for it", err)
	}

	uncEl, valueName, kName, pName := e.child(NamespaceSI, "expandedUnc"+suffix), "uncertainty"+suffix, "coverageFactor"+suffix, "coverageProbability"+suffix
	if uncEl == nil {
		if mu := e.child(NamespaceSI, "measurementUncertaintyUnivariate"+suffix); mu != nil {
			uncEl, valueName = mu.child(NamespaceSI, "expandedMU"+suffix), "valueExpandedMU"+suffix
			if uncEl == nil {
				r.note(path, ProblemUncertaintyNotExpanded, nil, "measurement uncertainty is not an expanded uncertainty (si:expandedMU); not read")
				return rep, true
			}
		}
	}
	for _, other := range []string{"coverageInterval", "ellipsoidalRegion", "rectangularRegion"} {
		if e.child(NamespaceSI, other+suffix) != nil {
			r.note(path, ProblemUncertaintyNotRead, []string{"element", "suffix"}, "si:%s%s is not read; only expanded uncertainties are", other, suffix)
		}
	}
	if uncEl == nil {
		return rep, true
	}
	up := path + "/si:" + uncEl.local
	us, ok := r.perValue(uncEl.child(NamespaceSI, valueName), up+"/si:"+valueName, len(values), true)
	if !ok {
		return rep, false
	}
	ks, ok := r.perValue(uncEl.child(NamespaceSI, kName), up+"/si:"+kName, len(values), true)
	if !ok {
		return rep, false
	}
	ps, ok := r.perValue(uncEl.child(NamespaceSI, pName), up+"/si:"+pName, len(values), false)
	if !ok {
		return rep, false
	}
	rep.uncertainties = make([]ExpandedUncertainty, len(values))
	for i := range values {
		rep.uncertainties[i] = ExpandedUncertainty{Value: us[i], K: ks[i]}
		if ps != nil {
			rep.uncertainties[i].Probability = ps[i]
		}
	}
	return rep, true
}

// perValue reads a list of numbers that holds either one entry for all n
// values or one per value, and spreads it to n entries.
func (r *reader) perValue(e *element, path string, n int, required bool) ([]float64, bool) {
	if e == nil {
		if required {
			r.fail(path, ProblemUncertaintyIncomplete, nil, "missing: an expanded uncertainty needs its value and coverage factor")
			return nil, false
		}
		return nil, true
	}
	xs, ok := r.numbers(e.value(), path)
	if !ok {
		return nil, false
	}
	switch len(xs) {
	case n:
		return xs, true
	case 1:
		out := make([]float64, n)
		for i := range out {
			out[i] = xs[0]
		}
		return out, true
	}
	r.fail(path, ProblemEntriesCount, []string{"entries", "values"}, "%d entries for %d values; give one for all or one per value", len(xs), n)
	return nil, false
}

// decimalPattern is the lexical form of a D-SI number: no hexadecimal
// floats, no infinities or NaN, which strconv.ParseFloat would accept.
var decimalPattern = regexp.MustCompile(`^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$`)

func (r *reader) numbers(s, path string) ([]float64, bool) {
	fields := strings.Fields(s)
	out := make([]float64, 0, len(fields))
	for _, f := range fields {
		if !decimalPattern.MatchString(f) {
			r.fail(path, ProblemNotANumber, []string{"value"}, "%q is not a number", f)
			return nil, false
		}
		x, err := strconv.ParseFloat(f, 64)
		if err != nil || math.IsInf(x, 0) {
			r.fail(path, ProblemNotFiniteNumber, []string{"value"}, "%q is not a finite number", f)
			return nil, false
		}
		out = append(out, x)
	}
	return out, true
}

// text reads the dcc:content children of a text element.
func text(e *element) Text {
	var t Text
	for _, c := range e.all(NamespaceDCC, "content") {
		t = append(t, Content{Lang: c.attr("lang"), Value: c.value()})
	}
	return t
}

func identifications(e *element) []Identification {
	var out []Identification
	for _, id := range e.all(NamespaceDCC, "identification") {
		out = append(out, Identification{
			Issuer: id.child(NamespaceDCC, "issuer").value(),
			Value:  id.child(NamespaceDCC, "value").value(),
			Name:   text(id.child(NamespaceDCC, "name")),
		})
	}
	return out
}

func contact(e *element) Contact {
	if e == nil {
		return Contact{}
	}
	c := Contact{
		Name:  text(e.child(NamespaceDCC, "name")),
		EMail: e.child(NamespaceDCC, "eMail").value(),
		Phone: e.child(NamespaceDCC, "phone").value(),
	}
	loc := e.child(NamespaceDCC, "location")
	c.City = loc.child(NamespaceDCC, "city").value()
	c.CountryCode = loc.child(NamespaceDCC, "countryCode").value()
	return c
}

func reference(e *element) *Reference {
	return &Reference{
		Referral:   text(e.child(NamespaceDCC, "referral")),
		ReferralID: e.child(NamespaceDCC, "referralID").value(),
		Procedure:  e.child(NamespaceDCC, "procedure").value(),
		Value:      e.child(NamespaceDCC, "value").value(),
	}
}
