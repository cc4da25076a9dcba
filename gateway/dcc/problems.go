package dcc

import (
	"fmt"
	"strings"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// ProblemCode names the sentence of a mapping note ([Problem]), so that a
// client says it in its own language from its Params: Message beside it
// is that sentence in English. Codes are stable: add codes, never rename
// or remove one (the web console has a zh and an en sentence for each,
// and a test fails for a code without them).
type ProblemCode string

// The problem codes, with the parameters each carries.
const (
	ProblemIDSanitized               ProblemCode = "id_sanitized"                // what, value, id
	ProblemItemNotRecorded           ProblemCode = "item_not_recorded"           // name
	ProblemEquipmentAuxiliary        ProblemCode = "equipment_auxiliary"         // name
	ProblemEquipmentNoIdentification ProblemCode = "equipment_no_identification" // name
	ProblemEquipmentNotOnLedger      ProblemCode = "equipment_not_on_ledger"     // name, tried
	ProblemEquipmentIsSubject        ProblemCode = "equipment_is_subject"        // name
	ProblemReferencesGiven           ProblemCode = "references_given"            // ids
	ProblemEquipmentIdentified       ProblemCode = "equipment_identified"        // name, id, issuer, value
	ProblemEquipmentNamed            ProblemCode = "equipment_named"             // name, id, issuer
	ProblemEquipmentUnresolved       ProblemCode = "equipment_unresolved"        // name, tried
	ProblemEndDateMissing            ProblemCode = "end_date_missing"            // date
	ProblemErrorsAsReference         ProblemCode = "errors_as_reference"         // path
	ProblemQuantityNoUncertainty     ProblemCode = "quantity_no_uncertainty"     // name
	ProblemOneAsPercent              ProblemCode = "one_as_percent"              // (none)
	ProblemValidUntilRecalibration   ProblemCode = "valid_until_recalibration"   // date
	ProblemValidUntilDefault         ProblemCode = "valid_until_default"         // years, date
	ProblemConformityNotRecorded     ProblemCode = "conformity_not_recorded"     // value
	ProblemReplacesReport            ProblemCode = "replaces_report"             // report, id
	ProblemReplacesReportNoID        ProblemCode = "replaces_report_no_id"       // report
	ProblemReplacesReportNotSHA256   ProblemCode = "replaces_report_not_sha256"  // report, procedure, value
	ProblemReplacesReportUnanchored  ProblemCode = "replaces_report_unanchored"  // report, digest
	ProblemPreviousAmbiguous         ProblemCode = "previous_ambiguous"          // digest
	ProblemPreviousNotValid          ProblemCode = "previous_not_valid"          // digest, id, status
	ProblemSupersedes                ProblemCode = "supersedes"                  // id, digest
	ProblemSINotRead                 ProblemCode = "si_not_read"                 // element
	ProblemNoDSIValue                ProblemCode = "no_dsi_value"                // (none)
	ProblemHybridEmpty               ProblemCode = "hybrid_empty"                // (none)
	ProblemUnitUnknown               ProblemCode = "unit_unknown"                // reason
	ProblemUncertaintyNotExpanded    ProblemCode = "uncertainty_not_expanded"    // (none)
	ProblemUncertaintyNotRead        ProblemCode = "uncertainty_not_read"        // element, suffix
	// Problems that stop the mapping (the import is refused with them).
	ProblemIDUnusable              ProblemCode = "id_unusable"               // what, value
	ProblemNoUniqueIdentifier      ProblemCode = "no_unique_identifier"      // (none)
	ProblemNoLaboratoryCode        ProblemCode = "no_laboratory_code"        // name
	ProblemBadLaboratoryCode       ProblemCode = "bad_laboratory_code"       // value
	ProblemResolvedIDInvalid       ProblemCode = "resolved_id_invalid"       // what, detail
	ProblemNoItem                  ProblemCode = "no_item"                   // (none)
	ProblemItemUnresolved          ProblemCode = "item_unresolved"           // name, tried
	ProblemNoReferenceUnresolved   ProblemCode = "no_reference_unresolved"   // unresolved
	ProblemNoReference             ProblemCode = "no_reference"              // (none)
	ProblemNoPerformanceDate       ProblemCode = "no_performance_date"       // (none)
	ProblemResultUnitUnknown       ProblemCode = "result_unit_unknown"       // unit
	ProblemUncertaintyUnitMismatch ProblemCode = "uncertainty_unit_mismatch" // unit, value_unit, detail
	ProblemNoUncertainResult       ProblemCode = "no_uncertain_result"       // (none)
	ProblemOptionQuantityUnknown   ProblemCode = "option_quantity_unknown"   // value, known
	ProblemResultsUnitBad          ProblemCode = "results_unit_bad"          // unit, detail
	ProblemResultsTwoQuantities    ProblemCode = "results_two_quantities"    // dimension, unit, other_dimension, other_unit
	ProblemDimensionlessQuantity   ProblemCode = "dimensionless_quantity"    // (none)
	ProblemQuantityNotInferred     ProblemCode = "quantity_not_inferred"     // unit, dimension
	ProblemNoMethod                ProblemCode = "no_method"                 // (none)
	ProblemNoConformity            ProblemCode = "no_conformity"             // (none)
	ProblemPreviousOtherSubject    ProblemCode = "previous_other_subject"    // digest, id, subject, want
	ProblemOptionInvalid           ProblemCode = "option_invalid"            // detail
	ProblemBadPerformanceDate      ProblemCode = "bad_performance_date"      // detail
	ProblemOptionBadID             ProblemCode = "option_bad_id"             // option, value
	ProblemResolvedBadID           ProblemCode = "resolved_bad_id"           // what, value
	// Problems that stop the reading (the DCC is refused with the first).
	ProblemDCCTooLarge              ProblemCode = "dcc_too_large"              // size, max
	ProblemDCCEmpty                 ProblemCode = "dcc_empty"                  // (none)
	ProblemXMLMalformed             ProblemCode = "xml_malformed"              // detail (English, from encoding/xml)
	ProblemXMLAfterRoot             ProblemCode = "xml_after_root"             // (none)
	ProblemXMLTooDeep               ProblemCode = "xml_too_deep"               // max
	ProblemXMLTextOutside           ProblemCode = "xml_text_outside"           // (none)
	ProblemXMLNoRoot                ProblemCode = "xml_no_root"                // (none)
	ProblemNotADCC                  ProblemCode = "not_a_dcc"                  // root, namespace
	ProblemNoSchemaVersion          ProblemCode = "no_schema_version"          // (none)
	ProblemSchemaVersionUnsupported ProblemCode = "schema_version_unsupported" // value
	ProblemNoAdministrativeData     ProblemCode = "no_administrative_data"     // (none)
	ProblemNoMeasurementResults     ProblemCode = "no_measurement_results"     // (none)
	ProblemNoCoreData               ProblemCode = "no_core_data"               // (none)
	ProblemBadDateValue             ProblemCode = "bad_date_value"             // detail
	ProblemNoDCCResults             ProblemCode = "no_dcc_results"             // (none)
	ProblemNoSIValue                ProblemCode = "no_si_value"                // suffix
	ProblemNoSIUnit                 ProblemCode = "no_si_unit"                 // suffix
	ProblemEmptyValue               ProblemCode = "empty_value"                // (none)
	ProblemRealNotOne               ProblemCode = "real_not_one"               // count
	ProblemMixedUnits               ProblemCode = "mixed_units"                // unit, other_unit
	ProblemUnitsCount               ProblemCode = "units_count"                // units, values
	ProblemUncertaintyIncomplete    ProblemCode = "uncertainty_incomplete"     // (none)
	ProblemEntriesCount             ProblemCode = "entries_count"              // entries, values
	ProblemNotANumber               ProblemCode = "not_a_number"               // value
	ProblemNotFiniteNumber          ProblemCode = "not_finite_number"          // value
)

// ProblemCodes lists every [ProblemCode] with the parameters its problems
// carry, in the order of their declaration.
var ProblemCodes = []struct {
	Code   ProblemCode
	Params []string
}{
	{ProblemIDSanitized, []string{"what", "value", "id"}},
	{ProblemItemNotRecorded, []string{"name"}},
	{ProblemEquipmentAuxiliary, []string{"name"}},
	{ProblemEquipmentNoIdentification, []string{"name"}},
	{ProblemEquipmentNotOnLedger, []string{"name", "tried"}},
	{ProblemEquipmentIsSubject, []string{"name"}},
	{ProblemReferencesGiven, []string{"ids"}},
	{ProblemEquipmentIdentified, []string{"name", "id", "issuer", "value"}},
	{ProblemEquipmentNamed, []string{"name", "id", "issuer"}},
	{ProblemEquipmentUnresolved, []string{"name", "tried"}},
	{ProblemEndDateMissing, []string{"date"}},
	{ProblemErrorsAsReference, []string{"path"}},
	{ProblemQuantityNoUncertainty, []string{"name"}},
	{ProblemOneAsPercent, nil},
	{ProblemValidUntilRecalibration, []string{"date"}},
	{ProblemValidUntilDefault, []string{"years", "date"}},
	{ProblemConformityNotRecorded, []string{"value"}},
	{ProblemReplacesReport, []string{"report", "id"}},
	{ProblemReplacesReportNoID, []string{"report"}},
	{ProblemReplacesReportNotSHA256, []string{"report", "procedure", "value"}},
	{ProblemReplacesReportUnanchored, []string{"report", "digest"}},
	{ProblemPreviousAmbiguous, []string{"digest"}},
	{ProblemPreviousNotValid, []string{"digest", "id", "status"}},
	{ProblemSupersedes, []string{"id", "digest"}},
	{ProblemSINotRead, []string{"element"}},
	{ProblemNoDSIValue, nil},
	{ProblemHybridEmpty, nil},
	{ProblemUnitUnknown, []string{"reason"}},
	{ProblemUncertaintyNotExpanded, nil},
	{ProblemUncertaintyNotRead, []string{"element", "suffix"}},
	{ProblemIDUnusable, []string{"what", "value"}},
	{ProblemNoUniqueIdentifier, nil},
	{ProblemNoLaboratoryCode, []string{"name"}},
	{ProblemBadLaboratoryCode, []string{"value"}},
	{ProblemResolvedIDInvalid, []string{"what", "detail"}},
	{ProblemNoItem, nil},
	{ProblemItemUnresolved, []string{"name", "tried"}},
	{ProblemNoReferenceUnresolved, []string{"unresolved"}},
	{ProblemNoReference, nil},
	{ProblemNoPerformanceDate, nil},
	{ProblemResultUnitUnknown, []string{"unit"}},
	{ProblemUncertaintyUnitMismatch, []string{"unit", "value_unit", "detail"}},
	{ProblemNoUncertainResult, nil},
	{ProblemOptionQuantityUnknown, []string{"value", "known"}},
	{ProblemResultsUnitBad, []string{"unit", "detail"}},
	{ProblemResultsTwoQuantities, []string{"dimension", "unit", "other_dimension", "other_unit"}},
	{ProblemDimensionlessQuantity, nil},
	{ProblemQuantityNotInferred, []string{"unit", "dimension"}},
	{ProblemNoMethod, nil},
	{ProblemNoConformity, nil},
	{ProblemPreviousOtherSubject, []string{"digest", "id", "subject", "want"}},
	{ProblemOptionInvalid, []string{"detail"}},
	{ProblemBadPerformanceDate, []string{"detail"}},
	{ProblemOptionBadID, []string{"option", "value"}},
	{ProblemResolvedBadID, []string{"what", "value"}},
	{ProblemDCCTooLarge, []string{"size", "max"}},
	{ProblemDCCEmpty, nil},
	{ProblemXMLMalformed, []string{"detail"}},
	{ProblemXMLAfterRoot, nil},
	{ProblemXMLTooDeep, []string{"max"}},
	{ProblemXMLTextOutside, nil},
	{ProblemXMLNoRoot, nil},
	{ProblemNotADCC, []string{"root", "namespace"}},
	{ProblemNoSchemaVersion, nil},
	{ProblemSchemaVersionUnsupported, []string{"value"}},
	{ProblemNoAdministrativeData, nil},
	{ProblemNoMeasurementResults, nil},
	{ProblemNoCoreData, nil},
	{ProblemBadDateValue, []string{"detail"}},
	{ProblemNoDCCResults, nil},
	{ProblemNoSIValue, []string{"suffix"}},
	{ProblemNoSIUnit, []string{"suffix"}},
	{ProblemEmptyValue, nil},
	{ProblemRealNotOne, []string{"count"}},
	{ProblemMixedUnits, []string{"unit", "other_unit"}},
	{ProblemUnitsCount, []string{"units", "values"}},
	{ProblemUncertaintyIncomplete, nil},
	{ProblemEntriesCount, []string{"entries", "values"}},
	{ProblemNotANumber, []string{"value"}},
	{ProblemNotFiniteNumber, []string{"value"}},
}

// newProblem is the problem at path with code and the English message
// format and args make; names name the args, in order, as its params.
func newProblem(path string, code ProblemCode, names []string, format string, args ...any) Problem {
	var params map[string]string
	if len(names) > 0 {
		params = make(map[string]string, len(names))
		for i, n := range names {
			params[n] = fmt.Sprint(args[i])
		}
	}
	return Problem{Path: path, Message: fmt.Sprintf(format, args...), Code: code, Params: params}
}

// unreadable is the Invalid error of a file that does not read as a DCC
// at all: its message the English, its one detail, under no path, the
// problem's code and params.
func unreadable(code ProblemCode, names []string, format string, args ...any) error {
	p := newProblem("", code, names, format, args...)
	return &record.Error{Code: record.Invalid, Message: p.Message,
		Details: []record.FieldError{{Message: p.Message, Code: record.FieldCode(p.Code), Params: p.Params}}}
}

// fatalError is the Invalid error of a DCC that does not map: its message
// names every problem that stops the mapping, and its details are those
// problems, each under its path with its code and params (a
// [ProblemCode] as the detail's code), so that a client says them in its
// own language.
func fatalError(uniqueIdentifier string, fatal []Problem) error {
	parts := make([]string, len(fatal))
	details := make([]record.FieldError, len(fatal))
	for i, p := range fatal {
		parts[i] = p.String()
		details[i] = record.FieldError{Field: p.Path, Message: p.String(), Code: record.FieldCode(p.Code), Params: p.Params}
	}
	return &record.Error{Code: record.Invalid, Details: details,
		Message: fmt.Sprintf("DCC %q does not map onto a certificate: %s", uniqueIdentifier, strings.Join(parts, "; "))}
}
