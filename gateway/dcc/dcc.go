// Package dcc reads, maps and writes PTB Digital Calibration Certificates
// (DCC, XML schema v3.1 to v3.3, with D-SI quantities).
//
// [Parse] turns the exact bytes of a DCC into a [Document]: administrative
// data (software, core data, items, laboratory, responsible persons,
// customer, statements) and measurement results (methods, measuring
// equipment, influence conditions and D-SI quantities). [Document.Certificate]
// maps a document onto a ledger [record.Certificate] and reports, as
// [Problem]s, everything that does not map. [Generate] writes a DCC v3.3
// document from a ledger certificate.
//
// The DCC itself stays off chain; the ledger keeps its SHA-256
// ([Document.SHA256]), computed over the exact bytes given to [Parse].
// Every error this package returns for bad input is a *[record.Error] with
// code [record.Invalid].
package dcc

import (
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// XML namespaces of the DCC and of the D-SI quantities it embeds.
const (
	NamespaceDCC = "https://ptb.de/dcc"
	NamespaceSI  = "https://ptb.de/si"
)

// MaxSize is the largest DCC [Parse] accepts, in bytes
// ([record.MaxDCCSize], 10 MiB); anything larger is refused before parsing.
const MaxSize = record.MaxDCCSize

// Document is a parsed DCC: what metrotrace reads from it, in the document's
// own terms. Units of quantities are already translated to metrotrace unit
// symbols where known (see [UnitFromDSI]).
type Document struct {
	// SchemaVersion is the schemaVersion attribute of the root, e.g. "3.3.0".
	SchemaVersion string
	// SHA256 is the lowercase hex SHA-256 of the exact bytes parsed.
	SHA256             string
	Software           []Software
	Core               CoreData
	Items              []Item
	Laboratory         Laboratory
	RespPersons        []RespPerson
	Customer           Contact
	Statements         []Statement
	MeasurementResults []MeasurementResult
	// Problems lists what the reader noticed but could not represent, such
	// as a unit metrotrace does not know in an influence condition.
	Problems []Problem

	// raw is a copy of the bytes parsed, for [Document.CanonicalSHA256];
	// c14n and c14nErr cache its result.
	raw     []byte
	c14n    string
	c14nErr error
	c14nSet bool
}

// CanonicalSHA256 is [CanonicalSHA256] of the bytes parsed. It is computed
// on the first call, not by [Parse]: canonicalization reads the document a
// second time into another tree and costs more than Parse itself, and only
// the import (which anchors it) and the verification (which looks it up)
// need it. A document that Parse accepted can still fail here, with a
// *[record.Error] of code [record.Invalid]. It is not safe for concurrent
// use on the same Document.
func (d *Document) CanonicalSHA256() (string, error) {
	if !d.c14nSet {
		d.c14n, d.c14nErr = CanonicalSHA256(d.raw)
		d.c14nSet = true
	}
	return d.c14n, d.c14nErr
}

// Problem says precisely what is missing or does not map, and where: Path is
// an XPath-like location in the DCC ("measurementResults/measurementResult[1]/
// results/result[1]"), or the ledger field concerned. Message is English;
// Code and Params (see [ProblemCodes]) let a client say it in its own
// language. A problem that stops the mapping has no code.
type Problem struct {
	Path    string            `json:"path"`
	Message string            `json:"message"`
	Code    ProblemCode       `json:"code,omitempty"`
	Params  map[string]string `json:"params,omitempty"`
}

// String renders the problem as "path: message".
func (p Problem) String() string { return p.Path + ": " + p.Message }

// Text is a text in one or more languages (dcc:content elements).
type Text []Content

// Content is one language version of a text; Lang is empty when the DCC does
// not say.
type Content struct {
	Lang  string `json:"lang,omitempty"`
	Value string `json:"value"`
}

// In returns the text in lang, else the first content without a language,
// else the first content, else "".
func (t Text) In(lang string) string {
	for _, c := range t {
		if c.Lang == lang {
			return c.Value
		}
	}
	for _, c := range t {
		if c.Lang == "" {
			return c.Value
		}
	}
	if len(t) > 0 {
		return t[0].Value
	}
	return ""
}

// contains reports whether any language version contains s, ignoring case.
func (t Text) contains(s string) bool {
	for _, c := range t {
		if strings.Contains(strings.ToLower(c.Value), s) {
			return true
		}
	}
	return false
}

// Software is one dcc:software of dcc:dccSoftware.
type Software struct {
	Name    Text
	Release string
	Type    string
}

// CoreData is dcc:coreData: the certificate's identity and dates. Dates are
// "YYYY-MM-DD" as written in the DCC.
type CoreData struct {
	CountryCode          string
	UsedLangs            []string
	MandatoryLangs       []string
	UniqueIdentifier     string
	Identifications      []Identification
	ReceiptDate          string
	BeginPerformanceDate string
	EndPerformanceDate   string
	PerformanceLocation  string
	// IssueDate is set by DCCs of schema 3.3 and later that state it.
	IssueDate string
	// PreviousReport links the report this DCC replaces, if any.
	PreviousReport *Reference
}

// Reference is a dcc hashType: a link to another document (a previous
// report, the certificate of a measuring equipment) with its hash.
type Reference struct {
	Referral   Text
	ReferralID string
	Procedure  string
	Value      string
}

// Identification is one dcc:identification: who issued the identifier
// (manufacturer, calibrationLaboratory, customer, owner, other), the
// identifier, and what it is ("Serial no.").
type Identification struct {
	Issuer string
	Value  string
	Name   Text
}

// Identification issuers defined by the DCC schema.
const (
	IssuerManufacturer          = "manufacturer"
	IssuerCalibrationLaboratory = "calibrationLaboratory"
	IssuerCustomer              = "customer"
	IssuerOwner                 = "owner"
	IssuerOther                 = "other"
)

// Item is one dcc:item, a thing calibrated by the DCC.
type Item struct {
	Name            Text
	Manufacturer    Text
	Model           string
	Identifications []Identification
}

// Laboratory is dcc:calibrationLaboratory.
type Laboratory struct {
	// Code is dcc:calibrationLaboratoryCode, the laboratory's identifier;
	// metrotrace reads it as the issuing institution's id.
	Code    string
	Contact Contact
}

// Contact is a dcc contact: a laboratory, a customer, a person.
type Contact struct {
	Name        Text
	EMail       string
	Phone       string
	City        string
	CountryCode string
}

// RespPerson is one dcc:respPerson, a person responsible for the DCC.
type RespPerson struct {
	Person     Contact
	Role       string
	MainSigner bool
}

// Statement is one dcc:statement. Conformity is "pass", "fail", … when the
// statement declares one; Date is the statement's date (the recalibration
// date of a basic_recalibration statement).
type Statement struct {
	RefTypes    []string
	Norms       []string
	Declaration Text
	Date        string
	Conformity  string
}

// Reference types (refType attribute values) of the DCC's "basic"
// vocabulary that this package interprets.
const (
	RefTypeConformity       = "basic_conformity"
	RefTypeRecalibration    = "basic_recalibration"
	RefTypeReferenceValue   = "basic_referenceValue"
	RefTypeMeasuredValue    = "basic_measuredValue"
	RefTypeMeasurementError = "basic_measurementError"
	RefTypeUncertainty      = "basic_uncertainty"
	RefTypeStandardUsed     = "basic_standardUsed"
	RefTypeNormalUsed       = "basic_normalUsed"
)

// hasRefType reports whether refTypes holds t.
func hasRefType(refTypes []string, t string) bool {
	for _, r := range refTypes {
		if r == t {
			return true
		}
	}
	return false
}

// MeasurementResult is one dcc:measurementResult.
type MeasurementResult struct {
	Path                string
	RefTypes            []string
	Name                Text
	Methods             []Method
	Equipments          []Equipment
	InfluenceConditions []InfluenceCondition
	Results             []Result
}

// Method is one dcc:usedMethod; Norms holds its dcc:norm entries
// ("DKD-R 5-1:2018", "JJG 99-2022").
type Method struct {
	RefTypes   []string
	Name       Text
	Norms      []string
	References []string
}

// Equipment is one dcc:measuringEquipment: a reference standard or an
// auxiliary instrument used for the calibration.
type Equipment struct {
	Path            string
	RefTypes        []string
	Name            Text
	Model           string
	Identifications []Identification
	// Certificate is the equipment's own calibration certificate, if linked.
	Certificate *Reference
}

// InfluenceCondition is one dcc:influenceCondition (ambient temperature,
// humidity, …) with its quantities.
type InfluenceCondition struct {
	RefTypes   []string
	Name       Text
	Quantities []Quantity
}

// Result is one dcc:result with the quantities of its data, lists
// flattened in document order.
type Result struct {
	Path       string
	RefTypes   []string
	Name       Text
	Quantities []Quantity
}

// Quantity is one dcc:quantity holding D-SI values: an si:real (one value),
// an si:realListXMLList (several values), or an si:hybrid of equivalent
// representations, of which the first in a unit metrotrace knows is read and
// the others are named in Alternatives.
type Quantity struct {
	// Path locates the dcc:quantity in the document.
	Path     string
	RefTypes []string
	// ListRefTypes are the refTypes of the enclosing dcc:list, if any; Group
	// numbers the enclosing list (quantities of the same list share it, 0
	// when not in a list), so that values of a list can be read side by side.
	ListRefTypes []string
	Group        int
	Name         Text
	// DSIUnit is the unit as written ("\milli\metre"); Unit is the metrotrace
	// symbol ("mm") when UnitKnown.
	DSIUnit   string
	Unit      string
	UnitKnown bool
	Values    []float64
	// Uncertainties is empty or holds one expanded uncertainty per value,
	// in Unit.
	Uncertainties []ExpandedUncertainty
	// Alternatives are the D-SI units of the other representations of an
	// si:hybrid.
	Alternatives []string
}

// ExpandedUncertainty is an expanded measurement uncertainty U with its
// coverage factor k and coverage probability p (0 when not stated).
type ExpandedUncertainty struct {
	Value       float64
	K           float64
	Probability float64
}
