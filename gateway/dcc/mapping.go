package dcc

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/units"
)

// DefaultValidityYears is how long a mapped certificate is valid when
// neither [MapOptions] nor the DCC says: DCCs rarely carry a validity, so
// valid_until defaults to performed_on plus one year.
const DefaultValidityYears = 1

// DefaultIDIssuers is the order in which identifications are preferred when
// an item or a measuring equipment is named on the ledger: the issuing
// laboratory's own number first (the id it registered), then the
// customer's, the owner's, the manufacturer's (usually a serial number) and
// any other.
var DefaultIDIssuers = []string{IssuerCalibrationLaboratory, IssuerCustomer, IssuerOwner, IssuerManufacturer, IssuerOther}

// Role says what an identified thing is to the certificate.
type Role string

// Roles of identified things.
const (
	RoleSubject   Role = "subject"   // the calibrated item
	RoleReference Role = "reference" // a measuring equipment used as reference standard
)

// IDResolver names a DCC item or measuring equipment on the ledger from its
// identifications, e.g. by looking a serial number up in the index. It
// returns ok false when the thing has no ledger id.
type IDResolver func(role Role, ids []Identification) (id string, ok bool)

// MapOptions steers [Document.Certificate]. The zero value maps by the
// rules documented on each field.
type MapOptions struct {
	// CertificateID overrides the certificate id, otherwise
	// coreData/uniqueIdentifier made into a ledger id (see [SanitizeID]).
	CertificateID string
	// IssuerID overrides the issuer, otherwise calibrationLaboratoryCode.
	IssuerID string
	// Kind is record.KindCalibration (default) or record.KindVerification;
	// a verification takes its conformity from the basic_conformity
	// statement.
	Kind string
	// Quantity overrides the quantity inferred from the results' unit.
	Quantity string
	// Method overrides the method read from usedMethods.
	Method string
	// ValidUntil overrides valid_until, otherwise the date of a
	// basic_recalibration statement, otherwise performed_on plus
	// ValidityYears (DefaultValidityYears when 0).
	ValidUntil    string
	ValidityYears int
	// IDIssuers orders the identification issuers to name the subject and
	// the references by; DefaultIDIssuers when nil. Ignored with ResolveID.
	IDIssuers []string
	// ResolveID, when set, names the subject and the references instead of
	// IDIssuers.
	ResolveID IDResolver
	// Lang is the language names are quoted in, in problems; "en" when empty.
	Lang string
	// ReferenceIDs, when set, are the certificate's reference standards as
	// the caller names them; they win over the measuring equipment.
	ReferenceIDs []string
	// Standards, when set, resolves each measuring equipment to a
	// registered standard (see [StandardLookup]) instead of IDIssuers or
	// ResolveID.
	Standards StandardLookup
	// Anchors, when set, links a previousReport that names a DCC by its
	// SHA-256 to the certificate anchoring that DCC: the new certificate
	// supersedes it.
	Anchors AnchorLookup
}

// AnchorLookup finds certificates by the DCC they anchor.
type AnchorLookup interface {
	// ByDCCSHA256 returns the certificates anchoring a DCC whose exact bytes
	// or canonical form have the SHA-256 (lowercase hex).
	ByDCCSHA256(sha string) ([]record.Certificate, error)
}

// StandardLookup finds registered standards for [Document.Certificate]. A
// measuring equipment is the standard that carries one of its
// identifications (same issuer, same value; a DCC's "customer" is the
// standard's "owner"); failing that, the standard whose ledger id one of
// its identifications names.
type StandardLookup interface {
	// ByIdentification returns the ids of the registered standards carrying
	// an identification.
	ByIdentification(issuer, value string) ([]string, error)
	// Exists reports whether a standard of that id is registered.
	Exists(id string) (bool, error)
}

// Certificate maps the document onto a ledger certificate:
//
//   - id: coreData/uniqueIdentifier, made into a ledger id;
//   - kind: calibration unless MapOptions.Kind says otherwise;
//   - issuer_id: calibrationLaboratory/calibrationLaboratoryCode;
//   - subject_id: an identification of the first item;
//   - reference_ids: an identification of each measuring equipment that
//     is not marked auxiliary (refType containing "auxiliary");
//   - quantity: inferred from the dimension of the results' unit (a
//     dimensionless result is humidity when the DCC speaks of humidity);
//   - performed_on: endPerformanceDate, else beginPerformanceDate;
//   - valid_until: see MapOptions.ValidUntil;
//   - results: every D-SI value that carries an expanded uncertainty, with
//     its uncertainty and k. A measurement error (basic_measurementError)
//     listed beside reference values (basic_referenceValue) gives results at
//     the reference values, with the uncertainty of the error: the ledger
//     compares result values with capability ranges, which the calibration
//     points fall in and the errors do not. Values in \one are recorded in %,
//     because the ledger requires a unit on an absolute uncertainty;
//   - method: the norm of the first used method that is not about
//     uncertainty evaluation, else its name;
//   - dcc_sha256: [Document.SHA256]. dcc_c14n_sha256 is left empty: it
//     costs a second reading of the file, so the importer that anchors it
//     sets it from [Document.CanonicalSHA256].
//
// Problems say what does not map or was mapped by a rule worth knowing.
// What a certificate cannot do without (an id, an issuer, a subject, a
// reference, a date, results, a method, a unit for every result) is an
// error: a *record.Error of code record.Invalid naming every such gap; the
// problems then list them too. The certificate returned has passed
// record.Certificate.Validate.
func (d *Document) Certificate(opts MapOptions) (*record.Certificate, []Problem, error) {
	m := &mapper{doc: d, opts: opts, problems: append([]Problem(nil), d.Problems...)}
	if m.opts.Lang == "" {
		m.opts.Lang = "en"
	}
	if m.opts.Kind == "" {
		m.opts.Kind = record.KindCalibration
	}
	if m.opts.ValidityYears == 0 {
		m.opts.ValidityYears = DefaultValidityYears
	}
	if m.opts.IDIssuers == nil {
		m.opts.IDIssuers = DefaultIDIssuers
	}
	cert := &record.Certificate{
		DocType:   record.DocCertificate,
		Kind:      m.opts.Kind,
		DCCSHA256: d.SHA256,
		Status:    record.CertValid,
	}
	cert.ID = m.certificateID()
	cert.IssuerID = m.issuer()
	cert.SubjectID = m.subject()
	cert.ReferenceIDs = m.references(cert.SubjectID)
	cert.PerformedOn = m.performedOn()
	cert.Results = m.results()
	cert.Quantity = m.quantity(cert.Results)
	cert.ValidUntil = m.validUntil(cert.PerformedOn)
	cert.Method = m.method()
	cert.Conformity = m.conformity()
	m.previousReport(cert)
	if m.err != nil {
		return nil, m.problems, m.err
	}
	if len(m.fatal) > 0 {
		return nil, m.problems, fatalError(d.Core.UniqueIdentifier, m.fatal)
	}
	if err := cert.Validate(); err != nil {
		return nil, m.problems, record.Errorf(record.Invalid, "DCC %q maps onto an invalid certificate: %s",
			d.Core.UniqueIdentifier, record.ErrorMessage(err))
	}
	return cert, m.problems, nil
}

// mapper carries one mapping: problems are notes, fatal are the gaps that
// make the mapping fail (they are problems too).
type mapper struct {
	doc      *Document
	opts     MapOptions
	problems []Problem
	fatal    []Problem
	// err is a failure of a lookup, not of the document.
	err error
	// unresolved says, for each measuring equipment that resolved to no
	// standard, what was tried.
	unresolved []string
}

func (m *mapper) note(path string, code ProblemCode, names []string, format string, args ...any) {
	m.problems = append(m.problems, newProblem(path, code, names, format, args...))
}

func (m *mapper) fail(path string, code ProblemCode, names []string, format string, args ...any) {
	p := newProblem(path, code, names, format, args...)
	m.problems = append(m.problems, p)
	m.fatal = append(m.fatal, p)
}

// SanitizeID turns a DCC identifier into a ledger id (1–64 of A-Z a-z 0-9
// . _ -, starting with a letter or digit): every run of other characters
// becomes one '-'. It reports false when nothing usable remains or the
// result is too long.
func SanitizeID(s string) (string, bool) {
	var b strings.Builder
	dash := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r < 128 && (r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z'):
			b.WriteRune(r)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.Trim(b.String(), "-")
	id = strings.TrimLeft(id, "._")
	return id, record.ValidateID("id", id) == nil
}

// badIDFormat is the English of [ProblemOptionBadID]: an option's name and
// its value, which [record.ValidateID] refuses.
const badIDFormat = "%s %q is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)"

// ledgerID makes a DCC identifier into a ledger id, noting a change.
func (m *mapper) ledgerID(path, what, raw string) (string, bool) {
	id, ok := SanitizeID(raw)
	if !ok {
		m.fail(path, ProblemIDUnusable, []string{"what", "value"}, "%s %q cannot be made into a ledger id (1-64 of A-Z a-z 0-9 . _ -)", what, raw)
		return "", false
	}
	if id != raw {
		m.note(path, ProblemIDSanitized, []string{"what", "value", "id"}, "%s %q is not a valid ledger id; recorded as %q", what, raw, id)
	}
	return id, true
}

func (m *mapper) certificateID() string {
	const path = "administrativeData/coreData/uniqueIdentifier"
	if m.opts.CertificateID != "" {
		if err := record.ValidateID("id", m.opts.CertificateID); err != nil {
			m.fail("MapOptions.CertificateID", ProblemOptionBadID, []string{"option", "value"}, badIDFormat, "id", m.opts.CertificateID)
		}
		return m.opts.CertificateID
	}
	raw := m.doc.Core.UniqueIdentifier
	if raw == "" {
		m.fail(path, ProblemNoUniqueIdentifier, nil, "missing: the certificate id is the DCC's unique identifier")
		return ""
	}
	id, _ := m.ledgerID(path, "uniqueIdentifier", raw)
	return id
}

func (m *mapper) issuer() string {
	const path = "administrativeData/calibrationLaboratory/calibrationLaboratoryCode"
	if m.opts.IssuerID != "" {
		if err := record.ValidateID("issuer_id", m.opts.IssuerID); err != nil {
			m.fail("MapOptions.IssuerID", ProblemOptionBadID, []string{"option", "value"}, badIDFormat, "issuer_id", m.opts.IssuerID)
		}
		return m.opts.IssuerID
	}
	code := m.doc.Laboratory.Code
	if code == "" {
		m.fail(path, ProblemNoLaboratoryCode, []string{"name"}, "missing: the issuing institution is named by the calibration laboratory code (laboratory %q)",
			m.doc.Laboratory.Contact.Name.In(m.opts.Lang))
		return ""
	}
	// A laboratory code is matched against institution ids as it is:
	// rewriting it could name another institution.
	if err := record.ValidateID("issuer_id", code); err != nil {
		m.fail(path, ProblemBadLaboratoryCode, []string{"value"}, "calibration laboratory code %q is not a valid institution id", code)
		return ""
	}
	return code
}

// resolve names an identified thing on the ledger.
func (m *mapper) resolve(role Role, ids []Identification, path, what string) (string, bool) {
	if m.opts.ResolveID != nil {
		id, ok := m.opts.ResolveID(role, ids)
		if !ok {
			return "", false
		}
		if err := record.ValidateID(string(role), id); err != nil {
			m.fail(path, ProblemResolvedBadID, []string{"what", "value"}, "%s: resolved id %q is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)", what, id)
			return "", false
		}
		return id, true
	}
	for _, issuer := range m.opts.IDIssuers {
		for i, id := range ids {
			if id.Issuer == issuer && id.Value != "" {
				return m.ledgerID(fmt.Sprintf("%s/identifications/identification[%d]", path, i+1), what+" identification", id.Value)
			}
		}
	}
	return "", false
}

func (m *mapper) subject() string {
	const path = "administrativeData/items"
	items := m.doc.Items
	if len(items) == 0 {
		m.fail(path, ProblemNoItem, nil, "missing: no dcc:item names the calibrated subject")
		return ""
	}
	for i, it := range items[1:] {
		m.note(fmt.Sprintf("%s/item[%d]", path, i+2), ProblemItemNotRecorded, []string{"name"}, "item %q is not recorded: a ledger certificate has one subject, the first item",
			it.Name.In(m.opts.Lang))
	}
	first := path + "/item[1]"
	id, ok := m.resolve(RoleSubject, items[0].Identifications, first, "item")
	if !ok {
		m.fail(first, ProblemItemUnresolved, []string{"name", "tried"}, "item %q has no identification that names it on the ledger (issuers tried: %s)",
			items[0].Name.In(m.opts.Lang), m.issuersTried())
		return ""
	}
	return id
}

func (m *mapper) issuersTried() string {
	if m.opts.ResolveID != nil {
		return "resolver"
	}
	return strings.Join(m.opts.IDIssuers, ", ")
}

func (m *mapper) references(subject string) []string {
	if len(m.opts.ReferenceIDs) > 0 {
		return m.givenReferences()
	}
	var refs []string
	seen := map[string]bool{}
	for _, mr := range m.doc.MeasurementResults {
		for _, eq := range mr.Equipments {
			name := eq.Name.In(m.opts.Lang)
			if isAuxiliary(eq) {
				m.note(eq.Path, ProblemEquipmentAuxiliary, []string{"name"}, "measuring equipment %q is auxiliary equipment, not a reference standard; not recorded", name)
				continue
			}
			if m.opts.Standards != nil {
				id, ok := m.lookupStandard(eq, name)
				if ok && id != subject && !seen[id] {
					seen[id] = true
					refs = append(refs, id)
				}
				continue
			}
			id, ok := m.resolve(RoleReference, eq.Identifications, eq.Path, "measuring equipment")
			switch {
			case !ok && len(eq.Identifications) == 0:
				m.note(eq.Path, ProblemEquipmentNoIdentification, []string{"name"}, "measuring equipment %q is not recorded as a reference: it has no identification", name)
			case !ok:
				m.note(eq.Path, ProblemEquipmentNotOnLedger, []string{"name", "tried"}, "measuring equipment %q is not recorded as a reference: no identification names it on the ledger (issuers tried: %s)", name, m.issuersTried())
			case id == subject:
				m.note(eq.Path, ProblemEquipmentIsSubject, []string{"name"}, "measuring equipment %q is the subject itself; not recorded as a reference", name)
			case seen[id]:
			default:
				seen[id] = true
				refs = append(refs, id)
			}
		}
	}
	if len(refs) == 0 && len(m.unresolved) > 0 {
		m.fail("measurementResults/measurementResult/measuringEquipments", ProblemNoReferenceUnresolved, []string{"unresolved"}, "missing: no measuring equipment identifies a reference standard; a certificate needs at least one (unresolved equipment %s; name the standards with reference_ids)",
			strings.Join(m.unresolved, ", "))
	} else if len(refs) == 0 {
		m.fail("measurementResults/measurementResult/measuringEquipments", ProblemNoReference, nil, "missing: no measuring equipment identifies a reference standard; a certificate needs at least one")
	}
	return refs
}

// givenReferences takes MapOptions.ReferenceIDs.
func (m *mapper) givenReferences() []string {
	var refs []string
	seen := map[string]bool{}
	for _, id := range m.opts.ReferenceIDs {
		if err := record.ValidateID("reference_ids", id); err != nil {
			m.fail("MapOptions.ReferenceIDs", ProblemOptionBadID, []string{"option", "value"}, badIDFormat, "reference_ids", id)
			continue
		}
		if !seen[id] {
			seen[id] = true
			refs = append(refs, id)
		}
	}
	m.note("measurementResults/measurementResult/measuringEquipments",
		ProblemReferencesGiven, []string{"ids"}, "reference standards %s are named by the request (reference_ids), not resolved from the measuring equipment", strings.Join(refs, ", "))
	return refs
}

// standardIssuer maps a DCC identification issuer onto a standard's.
func standardIssuer(issuer string) string {
	if issuer == IssuerCustomer {
		return record.IdentOwner
	}
	return issuer
}

// lookupStandard resolves a measuring equipment through
// MapOptions.Standards, noting the outcome and, when nothing matches,
// everything that was tried.
func (m *mapper) lookupStandard(eq Equipment, name string) (string, bool) {
	var tried []string
	for _, ident := range eq.Identifications {
		value := strings.TrimSpace(ident.Value)
		if value == "" {
			continue
		}
		ids, err := m.opts.Standards.ByIdentification(standardIssuer(ident.Issuer), value)
		if err != nil {
			m.err = err
			return "", false
		}
		switch len(ids) {
		case 0:
			tried = append(tried, fmt.Sprintf("%s identification %q", ident.Issuer, value))
		case 1:
			m.note(eq.Path, ProblemEquipmentIdentified, []string{"name", "id", "issuer", "value"}, "measuring equipment %q is standard %s, which carries its %s identification %q", name, ids[0], ident.Issuer, value)
			return ids[0], true
		default:
			tried = append(tried, fmt.Sprintf("%s identification %q (carried by several standards: %s)", ident.Issuer, value, strings.Join(ids, ", ")))
		}
	}
	for _, ident := range eq.Identifications {
		id, ok := SanitizeID(ident.Value)
		if !ok {
			continue
		}
		found, err := m.opts.Standards.Exists(id)
		if err != nil {
			m.err = err
			return "", false
		}
		if found {
			m.note(eq.Path, ProblemEquipmentNamed, []string{"name", "id", "issuer"}, "measuring equipment %q is standard %s, named by its %s identification", name, id, ident.Issuer)
			return id, true
		}
		tried = append(tried, fmt.Sprintf("standard id %q", id))
	}
	if len(tried) == 0 {
		m.note(eq.Path, ProblemEquipmentNoIdentification, []string{"name"}, "measuring equipment %q is not recorded as a reference: it has no identification", name)
		return "", false
	}
	m.note(eq.Path, ProblemEquipmentUnresolved, []string{"name", "tried"}, "measuring equipment %q resolves to no registered standard (tried: %s); register its identification on the standard or name the standards with reference_ids",
		name, strings.Join(tried, "; "))
	m.unresolved = append(m.unresolved, fmt.Sprintf("%q: tried %s", name, strings.Join(tried, "; ")))
	return "", false
}

// isAuxiliary reports whether a measuring equipment is marked as auxiliary
// (a comparator, a bath): the ledger's reference_ids name standards only.
func isAuxiliary(eq Equipment) bool {
	for _, rt := range eq.RefTypes {
		if strings.Contains(strings.ToLower(rt), "auxiliary") {
			return true
		}
	}
	return false
}

func (m *mapper) performedOn() string {
	const path = "administrativeData/coreData"
	c := m.doc.Core
	switch {
	case c.EndPerformanceDate != "":
		return c.EndPerformanceDate
	case c.BeginPerformanceDate != "":
		m.note(path+"/endPerformanceDate", ProblemEndDateMissing, []string{"date"}, "missing; performed_on is the begin performance date %s", c.BeginPerformanceDate)
		return c.BeginPerformanceDate
	}
	m.fail(path+"/endPerformanceDate", ProblemNoPerformanceDate, nil, "missing: performed_on is the end (or begin) performance date")
	return ""
}

// results collects every value with an expanded uncertainty.
func (m *mapper) results() []record.Result {
	var out []record.Result
	for _, mr := range m.doc.MeasurementResults {
		for _, res := range mr.Results {
			used := map[string]bool{}
			for _, q := range res.Quantities {
				// A verification may state indications without uncertainty;
				// a calibration result always has one.
				plain := len(q.Uncertainties) == 0
				if plain && !(m.opts.Kind == record.KindVerification && hasRefType(q.RefTypes, RefTypeMeasuredValue)) {
					continue
				}
				if !q.UnitKnown {
					m.fail(q.Path, ProblemResultUnitUnknown, []string{"unit"}, "unknown D-SI unit %q: the result cannot be recorded in a metrotrace unit", q.DSIUnit)
					continue
				}
				values, unit := q.Values, q.Unit
				if hasRefType(q.RefTypes, RefTypeMeasurementError) {
					if ref := referenceFor(res.Quantities, q); ref != nil {
						values, unit = ref.Values, ref.Unit
						used[ref.Path] = true
						m.note(q.Path, ProblemErrorsAsReference, []string{"path"}, "measurement errors are not recorded; results are the reference values of %s with the uncertainty of the error", ref.Path)
					}
				}
				used[q.Path] = true
				for i, v := range values {
					if plain {
						out = append(out, record.Result{Value: v, Unit: unit})
						continue
					}
					u := q.Uncertainties[i]
					uv, err := units.ConvertDelta(u.Value, q.Unit, unit)
					if err != nil {
						m.fail(q.Path, ProblemUncertaintyUnitMismatch, []string{"unit", "value_unit", "detail"}, "uncertainty in %q does not fit values in %q: %v", q.Unit, unit, err)
						break
					}
					out = append(out, record.Result{Value: v, Unit: unit, Uncertainty: &record.Uncertainty{Value: uv, Unit: unit, K: u.K}})
				}
			}
			for _, q := range res.Quantities {
				if !used[q.Path] {
					m.note(q.Path, ProblemQuantityNoUncertainty, []string{"name"}, "quantity %q is not recorded: it carries no expanded uncertainty", q.Name.In(m.opts.Lang))
				}
			}
		}
	}
	if len(out) == 0 {
		m.fail("measurementResults", ProblemNoUncertainResult, nil, "missing: no result value carries an expanded uncertainty; a calibration certificate needs results with uncertainty and k")
		return nil
	}
	for i := range out {
		if out[i].Unit == "" {
			out[i].Value = percent(out[i].Value)
			out[i].Unit = "%"
			if u := out[i].Uncertainty; u != nil {
				u.Value, u.Unit = percent(u.Value), "%"
			}
			if i == 0 {
				m.note("measurementResults", ProblemOneAsPercent, nil, `values in \one are recorded in %%`)
			}
		}
	}
	return out
}

// percent converts a ratio to percent, rounded to 15 significant digits so
// that 0.201 becomes 20.1 and not 20.099999999999998.
func percent(x float64) float64 {
	y, _ := strconv.ParseFloat(strconv.FormatFloat(x*100, 'g', 15, 64), 64)
	return y
}

// referenceFor finds, in the same dcc:list as a measurement error, the
// reference values it was measured at: same number of values, same
// dimension.
func referenceFor(qs []Quantity, errQ Quantity) *Quantity {
	if errQ.Group == 0 {
		return nil
	}
	for i := range qs {
		q := &qs[i]
		if q.Group == errQ.Group && hasRefType(q.RefTypes, RefTypeReferenceValue) && q.UnitKnown &&
			len(q.Values) == len(errQ.Values) && units.Compatible(q.Unit, errQ.Unit) == nil {
			return q
		}
	}
	return nil
}

// humidityWords mark a dimensionless result as relative humidity.
var humidityWords = []string{"humidity", "feuchte", "湿度"}

func (m *mapper) quantity(results []record.Result) string {
	if m.opts.Quantity != "" {
		if _, ok := units.QuantityDimensions[m.opts.Quantity]; !ok {
			m.fail("MapOptions.Quantity", ProblemOptionQuantityUnknown, []string{"value", "known"}, "%q is not a known quantity (known: %s)", m.opts.Quantity, strings.Join(units.Quantities(), ", "))
		}
		return m.opts.Quantity
	}
	if len(results) == 0 {
		return ""
	}
	dim, err := units.DimensionOf(results[0].Unit)
	if err != nil {
		m.fail("measurementResults", ProblemResultsUnitBad, []string{"unit", "detail"}, "unit %q of the results: %v", results[0].Unit, err)
		return ""
	}
	for _, r := range results[1:] {
		if d, _ := units.DimensionOf(r.Unit); d != dim {
			m.fail("measurementResults", ProblemResultsTwoQuantities, []string{"dimension", "unit", "other_dimension", "other_unit"}, "results measure both %s (%q) and %s (%q); one certificate records one quantity", dim, results[0].Unit, d, r.Unit)
			return ""
		}
	}
	if dim == units.Dimensionless {
		if m.speaksOf(humidityWords) {
			return "humidity"
		}
		m.fail("measurementResults", ProblemDimensionlessQuantity, nil, "the quantity of dimensionless results cannot be inferred (no mention of humidity); set MapOptions.Quantity")
		return ""
	}
	q, err := units.QuantityOf(results[0].Unit)
	if err != nil {
		m.fail("measurementResults", ProblemQuantityNotInferred, []string{"unit", "dimension"}, "no metrotrace quantity is inferred from %q (%s); set MapOptions.Quantity", results[0].Unit, dim.Formula())
		return ""
	}
	return q
}

// speaksOf reports whether a measurement result, a result or a quantity
// carrying an uncertainty mentions one of the words in its refType or name.
func (m *mapper) speaksOf(words []string) bool {
	match := func(refTypes []string, name Text) bool {
		for _, w := range words {
			if name.contains(w) {
				return true
			}
			for _, rt := range refTypes {
				if strings.Contains(strings.ToLower(rt), w) {
					return true
				}
			}
		}
		return false
	}
	for _, mr := range m.doc.MeasurementResults {
		if match(mr.RefTypes, mr.Name) {
			return true
		}
		for _, r := range mr.Results {
			if match(r.RefTypes, r.Name) {
				return true
			}
			for _, q := range r.Quantities {
				if len(q.Uncertainties) > 0 && match(q.RefTypes, q.Name) {
					return true
				}
			}
		}
	}
	return false
}

func (m *mapper) validUntil(performedOn string) string {
	if m.opts.ValidUntil != "" {
		return m.opts.ValidUntil
	}
	for i, st := range m.doc.Statements {
		if hasRefType(st.RefTypes, RefTypeRecalibration) && st.Date != "" {
			m.note(fmt.Sprintf("administrativeData/statements/statement[%d]", i+1), ProblemValidUntilRecalibration, []string{"date"}, "valid_until is the recalibration date %s", st.Date)
			return st.Date
		}
	}
	if performedOn == "" {
		return ""
	}
	until, err := record.AddYears(performedOn, m.opts.ValidityYears)
	if err != nil {
		m.fail("administrativeData/coreData/endPerformanceDate", ProblemBadPerformanceDate, []string{"detail"}, "%v", err)
		return ""
	}
	m.note("administrativeData/statements", ProblemValidUntilDefault, []string{"years", "date"}, "the DCC states no validity; valid_until is performed_on + %d year(s): %s", m.opts.ValidityYears, until)
	return until
}

// isUncertaintyMethod reports whether a used method describes how the
// uncertainty was evaluated (GUM) rather than how the calibration was done.
func isUncertaintyMethod(me Method) bool {
	for _, rt := range me.RefTypes {
		if strings.Contains(strings.ToLower(rt), "uncertainty") {
			return true
		}
	}
	return false
}

func (m *mapper) method() string {
	if m.opts.Method != "" {
		return m.opts.Method
	}
	var methods []Method
	for _, mr := range m.doc.MeasurementResults {
		methods = append(methods, mr.Methods...)
	}
	for _, me := range methods {
		if !isUncertaintyMethod(me) && len(me.Norms) > 0 && me.Norms[0] != "" {
			return me.Norms[0]
		}
	}
	for _, me := range methods {
		if name := me.Name.In(m.opts.Lang); !isUncertaintyMethod(me) && name != "" {
			return name
		}
	}
	m.fail("measurementResults/measurementResult/usedMethods", ProblemNoMethod, nil, "missing: no dcc:usedMethod names the calibration method; set MapOptions.Method")
	return ""
}

func (m *mapper) conformity() string {
	for i, st := range m.doc.Statements {
		if st.Conformity == "" {
			continue
		}
		path := fmt.Sprintf("administrativeData/statements/statement[%d]/conformity", i+1)
		if m.opts.Kind == record.KindVerification {
			return st.Conformity
		}
		m.note(path, ProblemConformityNotRecorded, []string{"value"}, "conformity %q is not recorded: only a verification certificate states conformity", st.Conformity)
		return ""
	}
	if m.opts.Kind == record.KindVerification {
		m.fail("administrativeData/statements", ProblemNoConformity, nil, "missing: a verification needs a statement with dcc:conformity")
	}
	return ""
}

// sha256Procedures are the previousReport procedures naming SHA-256.
var sha256Procedures = []string{"sha256", "sha-256", "sha2-256"}

func (m *mapper) previousReport(cert *record.Certificate) {
	prev := m.doc.Core.PreviousReport
	if prev == nil {
		return
	}
	const path = "administrativeData/coreData/previousReport"
	if m.opts.Anchors != nil {
		m.linkPrevious(cert, prev, path)
		return
	}
	if id, ok := SanitizeID(prev.ReferralID); ok {
		m.note(path, ProblemReplacesReport, []string{"report", "id"}, "this DCC replaces report %q (ledger id %q); supersede that certificate on the ledger", prev.ReferralID, id)
		return
	}
	m.note(path, ProblemReplacesReportNoID, []string{"report"}, "this DCC replaces report %q, which has no ledger id; link it by hand", prev.ReferralID)
}

// linkPrevious links the certificate anchoring the DCC a previousReport
// names by hash, after checking the hash names exactly one valid
// certificate of the same subject.
func (m *mapper) linkPrevious(cert *record.Certificate, prev *Reference, path string) {
	procedure := strings.ToLower(strings.TrimSpace(prev.Procedure))
	value := strings.ToLower(strings.TrimSpace(prev.Value))
	if !contains(sha256Procedures, procedure) || len(value) != 64 || strings.Trim(value, "0123456789abcdef") != "" {
		m.note(path, ProblemReplacesReportNotSHA256, []string{"report", "procedure", "value"}, "this DCC replaces report %q, but names it by %s %q, not by a SHA-256 in hex; not linked on the ledger", prev.ReferralID, prev.Procedure, prev.Value)
		return
	}
	certs, err := m.opts.Anchors.ByDCCSHA256(value)
	if err != nil {
		m.err = err
		return
	}
	switch {
	case len(certs) == 0:
		m.note(path, ProblemReplacesReportUnanchored, []string{"report", "digest"}, "this DCC replaces report %q, whose SHA-256 %s no certificate on the ledger anchors; not linked", prev.ReferralID, value)
	case len(certs) > 1:
		m.note(path, ProblemPreviousAmbiguous, []string{"digest"}, "the SHA-256 %s of the previous report is anchored by several certificates; not linked", value)
	case certs[0].SubjectID != cert.SubjectID:
		m.fail(path, ProblemPreviousOtherSubject, []string{"digest", "id", "subject", "want"}, "the previous report (SHA-256 %s) is certificate %s about %s, not about this DCC's subject %s", value, certs[0].ID, certs[0].SubjectID, cert.SubjectID)
	case certs[0].Status != record.CertValid:
		m.note(path, ProblemPreviousNotValid, []string{"digest", "id", "status"}, "the previous report (SHA-256 %s) is certificate %s, which is %s already; not linked", value, certs[0].ID, certs[0].Status)
	default:
		cert.Supersedes, cert.PreviousDCCSHA256 = certs[0].ID, value
		m.note(path, ProblemSupersedes, []string{"id", "digest"}, "this DCC replaces certificate %s, whose anchored DCC has the SHA-256 %s named by previousReport; it supersedes it", certs[0].ID, value)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
