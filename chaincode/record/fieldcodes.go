package record

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// FieldCode names one sentence of a field error, so that a client says it
// in its own language from the error's parameters: the English Message
// beside it is that sentence in English. Codes are stable: add codes,
// never rename or remove one (the web console has a zh and an en
// template for each, and a test fails for a code without them).
type FieldCode string

// The field error codes, with the parameters each carries besides
// "field" (the field's path as the message writes it, always set).
const (
	FieldRequired              FieldCode = "required"                // (none)
	FieldRequiredOneOf         FieldCode = "required_one_of"         // allowed
	FieldNotOneOf              FieldCode = "not_one_of"              // value, allowed
	FieldBadID                 FieldCode = "bad_id"                  // value
	FieldDocTypeMismatch       FieldCode = "doc_type_mismatch"       // value, want
	FieldDuplicate             FieldCode = "duplicate"               // value
	FieldJSONType              FieldCode = "json_type"               // want, got
	FieldJSONUnknown           FieldCode = "json_unknown_field"      // (none)
	FieldJSONTooDeep           FieldCode = "json_too_deep"           // max
	FieldJSONKeyNotUTF8        FieldCode = "json_key_not_utf8"       // (none; field is the object's path, "" for the document)
	FieldJSONTwice             FieldCode = "json_twice"              // (none)
	FieldJSONSyntax            FieldCode = "json_syntax"             // offset, reason (English, from encoding/json)
	FieldJSONTruncated         FieldCode = "json_truncated"          // (none)
	FieldJSONEmpty             FieldCode = "json_empty"              // (none)
	FieldJSONTrailing          FieldCode = "json_trailing"           // (none)
	FieldNotUTF8               FieldCode = "not_utf8"                // (none)
	FieldBadDate               FieldCode = "bad_date"                // value
	FieldImplausibleDate       FieldCode = "implausible_date"        // value, min, max
	FieldAfterToday            FieldCode = "after_today"             // value, today
	FieldDateBefore            FieldCode = "date_before"             // value, other_field, other
	FieldDistrictRequired      FieldCode = "district_required"       // (none)
	FieldBadDistrict           FieldCode = "bad_district"            // value
	FieldDistrictOutside       FieldCode = "district_outside"        // value
	FieldNotFinite             FieldCode = "not_finite"              // (none)
	FieldNotPositive           FieldCode = "not_positive"            // value
	FieldNegative              FieldCode = "negative"                // quantity, value
	FieldCoverageFactor        FieldCode = "coverage_factor"         // value, min, max
	FieldRelativeUnit          FieldCode = "relative_unit"           // value
	FieldUnitOrRelative        FieldCode = "unit_or_relative"        // (none)
	FieldMinAboveMax           FieldCode = "min_above_max"           // min, max
	FieldBadUnit               FieldCode = "bad_unit"                // value, reason (English, from the unit parser)
	FieldUnitNotOfQuantity     FieldCode = "unit_not_of_quantity"    // value, quantity, measures
	FieldUnknownQuantity       FieldCode = "unknown_quantity"        // value
	FieldUnknownQuantityListed FieldCode = "unknown_quantity_listed" // value
	FieldNoQuantities          FieldCode = "no_quantities"           // (none)
	FieldTooFewParties         FieldCode = "too_few_parties"         // min
	FieldOutOfRange            FieldCode = "out_of_range"            // value, min, max
	FieldSetByLedger           FieldCode = "set_by_ledger"           // by (the function or "the ledger")
	FieldNoReferences          FieldCode = "no_references"           // (none)
	FieldReferencesSubject     FieldCode = "references_subject"      // id, value
	FieldNoResults             FieldCode = "no_results"              // (none)
	FieldUncertaintyRequired   FieldCode = "uncertainty_required"    // (none): on a calibration result
	FieldUncertaintyForEn      FieldCode = "uncertainty_for_en"      // (none)
	FieldComputed              FieldCode = "computed"                // (none): en, computed by the chaincode
	FieldConformityNotStated   FieldCode = "conformity_only_verification"
	FieldBadSHA256             FieldCode = "bad_sha256"                // (none)
	FieldC14NWithoutSHA256     FieldCode = "c14n_without_sha256"       // (none)
	FieldSupersedesPair        FieldCode = "supersedes_pair"           // (none)
	FieldSupersedesItself      FieldCode = "supersedes_itself"         // id
	FieldNewMustBeValid        FieldCode = "new_must_be_valid"         // (none)
	FieldUnknownCategory       FieldCode = "unknown_category"          // value, examples
	FieldCategoryRequired      FieldCode = "category_required"         // example
	FieldApprovalRequired      FieldCode = "approval_required"         // level
	FieldTooMany               FieldCode = "too_many"                  // count, max
	FieldBadIdentification     FieldCode = "bad_identification"        // value
	FieldDuplicateIdentifier   FieldCode = "duplicate_identification"  // issuer, value
	FieldReasonRequired        FieldCode = "reason_required"           // action, id, status (for a status change)
	FieldRecordNotFound        FieldCode = "record_not_found"          // kind, id
	FieldSubjectNotFound       FieldCode = "subject_not_found"         // id
	FieldQuantityMismatch      FieldCode = "quantity_mismatch"         // kind, id, measures, quantity
	FieldSubjectNoMPE          FieldCode = "subject_no_mpe"            // id
	FieldBeforeLastChange      FieldCode = "before_last_change"        // value, id, last
	FieldReplacementSelf       FieldCode = "replacement_self"          // id
	FieldReplacementSubject    FieldCode = "replacement_subject"       // id, subject, want
	FieldReplacementNotAfter   FieldCode = "replacement_not_after"     // id, performed_on, since
	FieldReplacementNotValid   FieldCode = "replacement_not_valid"     // id, status, performed_on, valid_until
	FieldReplacementUntraced   FieldCode = "replacement_not_traceable" // id, subject, problems (English, the trace's)
	FieldReplacementRequired   FieldCode = "replacement_required"      // action
	FieldReplacementNotWanted  FieldCode = "replacement_not_wanted"    // action
	FieldPreviousNotAnchored   FieldCode = "previous_not_anchored"     // id, value
	FieldPreviousSubject       FieldCode = "previous_subject"          // id, subject, want
	FieldNotPEM                FieldCode = "not_pem_certificate"       // (none)
	FieldPEMMoreBlocks         FieldCode = "pem_more_blocks"           // (none)
	FieldX509Invalid           FieldCode = "x509_invalid"              // detail (English, from crypto/x509)
	FieldChainNotSigned        FieldCode = "chain_not_signed"          // subject, below, detail (English, from crypto/x509)
	FieldDerivedMismatch       FieldCode = "derived_mismatch"          // value, want
	FieldActiveNoRevocation    FieldCode = "active_no_revocation"      // (none)
	FieldSchema                FieldCode = "schema"                    // rule (the schema keyword: type, enum, pattern, required, ...; "request" for a parameter that does not parse), type (for rule type)
)

// Reason codes: the sentence of a refusal that names no field (a record
// that exists already, a role that may not act, ...). Such a refusal
// carries one field error under no field ("") with the reason code and
// its parameters (see [Refusef]); its class stays the error's [Code].
const (
	ReasonAlreadyExists           FieldCode = "already_exists"             // kind, id
	ReasonStandardNewActive       FieldCode = "standard_new_active"        // id
	ReasonSigningNewActive        FieldCode = "signing_new_active"         // id
	ReasonSigningDuplicate        FieldCode = "signing_duplicate"          // id, other, digest
	ReasonSigningRevoked          FieldCode = "signing_revoked"            // id, on
	ReasonBatchTwice              FieldCode = "batch_twice"                // kind, id, index
	ReasonDCCAnchored             FieldCode = "dcc_anchored"               // id, digest, other
	ReasonDCCAnchoredInBatch      FieldCode = "dcc_anchored_in_batch"      // id, digest, other
	ReasonDCCFormAnchored         FieldCode = "dcc_form_anchored"          // id, digest, other
	ReasonDCCFormAnchoredInBatch  FieldCode = "dcc_form_anchored_in_batch" // id, digest, other
	ReasonSupersededInBatch       FieldCode = "superseded_in_batch"        // id, other, supersedes
	ReasonPreviousAlready         FieldCode = "previous_already"           // id, status
	ReasonStandardRevoked         FieldCode = "standard_revoked"           // id, since
	ReasonStandardAlready         FieldCode = "standard_already"           // id, status
	ReasonReplacementStatus       FieldCode = "replacement_status"         // id, status
	ReasonCertificateAlready      FieldCode = "certificate_already"        // id, status
	ReasonIdempotencyReused       FieldCode = "idempotency_reused"         // key, tx, function
	ReasonIdempotencyKeyLength    FieldCode = "idempotency_key_length"     // max, got
	ReasonIdempotencyKeyChars     FieldCode = "idempotency_key_chars"      // index, byte
	ReasonCallerUnreadable        FieldCode = "caller_unreadable"          // (none)
	ReasonCallerMSPUnreadable     FieldCode = "caller_msp_unreadable"      // (none)
	ReasonCallerNoRole            FieldCode = "caller_no_role"             // (none)
	ReasonCallerUnknownRole       FieldCode = "caller_unknown_role"        // role
	ReasonCallerNoInstitution     FieldCode = "caller_no_institution"      // role
	ReasonWriteOtherOrg           FieldCode = "write_other_org"            // caller (caller_msp, caller_role, caller_institution), id, msp
	ReasonWriteOtherInstitution   FieldCode = "write_other_institution"    // institution, id
	ReasonInspectorNoWrite        FieldCode = "inspector_no_write"         // id
	ReasonOperatorNoWrite         FieldCode = "operator_no_write"          // id
	ReasonSigningOtherOrg         FieldCode = "signing_other_org"          // caller (and its parts), id, msp
	ReasonSigningOtherInstitution FieldCode = "signing_other_institution"  // institution, id
	ReasonInspectorNoSigning      FieldCode = "inspector_no_signing"       // id
	ReasonRegisterOtherOrg        FieldCode = "register_other_org"         // caller (and its parts), id, msp
	ReasonOperatorOnly            FieldCode = "operator_only"              // role
	ReasonCaseRecorded            FieldCode = "case_recorded"              // id
	ReasonNoticeItemResolved      FieldCode = "notice_item_resolved"       // certificate, notice, action
	ReasonNotAParty               FieldCode = "not_a_party"                // party, id
	ReasonCallerNotAParty         FieldCode = "caller_not_a_party"         // id, caller (and its parts)
	ReasonAlreadyApproved         FieldCode = "already_approved"           // party, id
	ReasonOwnerPrivate            FieldCode = "owner_private"              // id, msp
	ReasonOwnerElsewhere          FieldCode = "owner_elsewhere"            // id, msp
	ReasonComparisonResultExists  FieldCode = "comparison_result_exists"   // id, institution
	ReasonSubscriptionInstitution FieldCode = "subscription_institution"   // (none)
	ReasonBatchRefused            FieldCode = "batch_refused"              // refused, total
	ReasonPartyRequired           FieldCode = "party_required"             // id (the agreement)
	ReasonCaseSinceAfterToday     FieldCode = "case_since_after_today"     // id, since, today
	ReasonNoResultsGiven          FieldCode = "no_results_given"           // id (the comparison)
	ReasonItemFields              FieldCode = "item_fields"                // count; the item's field errors are the detail's Fields
	// Refusals of a query's parameters, by the gateway or its index.
	ReasonParamRequired     FieldCode = "param_required"      // param
	ReasonParamDateRequired FieldCode = "param_date_required" // param
	ReasonParamBadDate      FieldCode = "param_bad_date"      // param, value
	ReasonParamInteger      FieldCode = "param_integer"       // param, value, min, max
	ReasonParamChoice       FieldCode = "param_choice"        // param, value, allowed (", "-separated)
	ReasonParamsExclusive   FieldCode = "params_exclusive"    // param, other
	ReasonPageTokenForeign  FieldCode = "page_token_foreign"  // (none)
	ReasonPageTokenStale    FieldCode = "page_token_stale"    // (none): not of this list, or the list changed
	ReasonImpactTooLarge    FieldCode = "impact_too_large"    // id, max: more usages than one evaluation reads
)

// FieldCodes lists every [FieldCode] with the parameters its errors carry
// (besides "field"), in the order of their declaration.
var FieldCodes = []struct {
	Code   FieldCode
	Params []string
}{
	{FieldRequired, nil},
	{FieldRequiredOneOf, []string{"allowed"}},
	{FieldNotOneOf, []string{"value", "allowed"}},
	{FieldBadID, []string{"value"}},
	{FieldDocTypeMismatch, []string{"value", "want"}},
	{FieldDuplicate, []string{"value"}},
	{FieldJSONType, []string{"want", "got"}},
	{FieldJSONUnknown, nil},
	{FieldJSONTooDeep, []string{"max"}},
	{FieldJSONKeyNotUTF8, nil},
	{FieldJSONTwice, nil},
	{FieldJSONSyntax, []string{"offset", "reason"}},
	{FieldJSONTruncated, nil},
	{FieldJSONEmpty, nil},
	{FieldJSONTrailing, nil},
	{FieldNotUTF8, nil},
	{FieldBadDate, []string{"value"}},
	{FieldImplausibleDate, []string{"value", "min", "max"}},
	{FieldAfterToday, []string{"value", "today"}},
	{FieldDateBefore, []string{"value", "other_field", "other"}},
	{FieldDistrictRequired, nil},
	{FieldBadDistrict, []string{"value"}},
	{FieldDistrictOutside, []string{"value"}},
	{FieldNotFinite, nil},
	{FieldNotPositive, []string{"value"}},
	{FieldNegative, []string{"quantity", "value"}},
	{FieldCoverageFactor, []string{"value", "min", "max"}},
	{FieldRelativeUnit, []string{"value"}},
	{FieldUnitOrRelative, nil},
	{FieldMinAboveMax, []string{"min", "max"}},
	{FieldBadUnit, []string{"value", "reason"}},
	{FieldUnitNotOfQuantity, []string{"value", "quantity", "measures"}},
	{FieldUnknownQuantity, []string{"value"}},
	{FieldUnknownQuantityListed, []string{"value"}},
	{FieldNoQuantities, nil},
	{FieldTooFewParties, []string{"min"}},
	{FieldOutOfRange, []string{"value", "min", "max"}},
	{FieldSetByLedger, []string{"by"}},
	{FieldNoReferences, nil},
	{FieldReferencesSubject, []string{"id", "value"}},
	{FieldNoResults, nil},
	{FieldUncertaintyRequired, nil},
	{FieldUncertaintyForEn, nil},
	{FieldComputed, nil},
	{FieldConformityNotStated, nil},
	{FieldBadSHA256, nil},
	{FieldC14NWithoutSHA256, nil},
	{FieldSupersedesPair, nil},
	{FieldSupersedesItself, []string{"id"}},
	{FieldNewMustBeValid, nil},
	{FieldUnknownCategory, []string{"value", "examples"}},
	{FieldCategoryRequired, []string{"example"}},
	{FieldApprovalRequired, []string{"level"}},
	{FieldTooMany, []string{"count", "max"}},
	{FieldBadIdentification, []string{"value"}},
	{FieldDuplicateIdentifier, []string{"issuer", "value"}},
	{FieldReasonRequired, []string{"action", "id", "status"}},
	{FieldRecordNotFound, []string{"kind", "id"}},
	{FieldSubjectNotFound, []string{"id"}},
	{FieldQuantityMismatch, []string{"kind", "id", "measures", "quantity"}},
	{FieldSubjectNoMPE, []string{"id"}},
	{FieldBeforeLastChange, []string{"value", "id", "last"}},
	{FieldReplacementSelf, []string{"id"}},
	{FieldReplacementSubject, []string{"id", "subject", "want"}},
	{FieldReplacementNotAfter, []string{"id", "performed_on", "since"}},
	{FieldReplacementNotValid, []string{"id", "status", "performed_on", "valid_until"}},
	{FieldReplacementUntraced, []string{"id", "subject", "problems"}},
	{FieldReplacementRequired, []string{"action"}},
	{FieldReplacementNotWanted, []string{"action"}},
	{FieldPreviousNotAnchored, []string{"id", "value"}},
	{FieldPreviousSubject, []string{"id", "subject", "want"}},
	{FieldNotPEM, nil},
	{FieldPEMMoreBlocks, nil},
	{FieldX509Invalid, []string{"detail"}},
	{FieldChainNotSigned, []string{"subject", "below", "detail"}},
	{FieldDerivedMismatch, []string{"value", "want"}},
	{FieldActiveNoRevocation, nil},
	{FieldSchema, []string{"rule", "type"}},
	{ReasonAlreadyExists, []string{"kind", "id"}},
	{ReasonStandardNewActive, []string{"id"}},
	{ReasonSigningNewActive, []string{"id"}},
	{ReasonSigningDuplicate, []string{"id", "other", "digest"}},
	{ReasonSigningRevoked, []string{"id", "on"}},
	{ReasonBatchTwice, []string{"kind", "id", "index"}},
	{ReasonDCCAnchored, []string{"id", "digest", "other"}},
	{ReasonDCCAnchoredInBatch, []string{"id", "digest", "other"}},
	{ReasonDCCFormAnchored, []string{"id", "digest", "other"}},
	{ReasonDCCFormAnchoredInBatch, []string{"id", "digest", "other"}},
	{ReasonSupersededInBatch, []string{"id", "other", "supersedes"}},
	{ReasonPreviousAlready, []string{"id", "status"}},
	{ReasonStandardRevoked, []string{"id", "since"}},
	{ReasonStandardAlready, []string{"id", "status"}},
	{ReasonReplacementStatus, []string{"id", "status"}},
	{ReasonCertificateAlready, []string{"id", "status"}},
	{ReasonIdempotencyReused, []string{"key", "tx", "function"}},
	{ReasonIdempotencyKeyLength, []string{"max", "got"}},
	{ReasonIdempotencyKeyChars, []string{"index", "byte"}},
	{ReasonCallerUnreadable, nil},
	{ReasonCallerMSPUnreadable, nil},
	{ReasonCallerNoRole, nil},
	{ReasonCallerUnknownRole, []string{"role"}},
	{ReasonCallerNoInstitution, []string{"role"}},
	{ReasonWriteOtherOrg, []string{"caller", "caller_msp", "caller_role", "caller_institution", "id", "msp"}},
	{ReasonWriteOtherInstitution, []string{"institution", "id"}},
	{ReasonInspectorNoWrite, []string{"id"}},
	{ReasonOperatorNoWrite, []string{"id"}},
	{ReasonSigningOtherOrg, []string{"caller", "caller_msp", "caller_role", "caller_institution", "id", "msp"}},
	{ReasonSigningOtherInstitution, []string{"institution", "id"}},
	{ReasonInspectorNoSigning, []string{"id"}},
	{ReasonRegisterOtherOrg, []string{"caller", "caller_msp", "caller_role", "caller_institution", "id", "msp"}},
	{ReasonOperatorOnly, []string{"role"}},
	{ReasonCaseRecorded, []string{"id"}},
	{ReasonNoticeItemResolved, []string{"certificate", "notice", "action"}},
	{ReasonNotAParty, []string{"party", "id"}},
	{ReasonCallerNotAParty, []string{"id", "caller", "caller_msp", "caller_role", "caller_institution"}},
	{ReasonAlreadyApproved, []string{"party", "id"}},
	{ReasonOwnerPrivate, []string{"id", "msp"}},
	{ReasonOwnerElsewhere, []string{"id", "msp"}},
	{ReasonComparisonResultExists, []string{"id", "institution"}},
	{ReasonSubscriptionInstitution, nil},
	{ReasonBatchRefused, []string{"refused", "total"}},
	{ReasonPartyRequired, []string{"id"}},
	{ReasonCaseSinceAfterToday, []string{"id", "since", "today"}},
	{ReasonNoResultsGiven, []string{"id"}},
	{ReasonItemFields, []string{"count"}},
	{ReasonParamRequired, []string{"param"}},
	{ReasonParamDateRequired, []string{"param"}},
	{ReasonParamBadDate, []string{"param", "value"}},
	{ReasonParamInteger, []string{"param", "value", "min", "max"}},
	{ReasonParamChoice, []string{"param", "value", "allowed"}},
	{ReasonParamsExclusive, []string{"param", "other"}},
	{ReasonPageTokenForeign, nil},
	{ReasonPageTokenStale, nil},
	{ReasonImpactTooLarge, []string{"id", "max"}},
}

// Params are the parameters of a field error, each a value as the English
// message prints it (numbers formatted, strings unquoted).
type Params = map[string]string

// NewFieldError is the field error of field with the given code and
// parameters, its English message formatted from format and args; params
// gains "field" when it has none.
func NewFieldError(field string, code FieldCode, params Params, format string, args ...any) FieldError {
	p := Params{}
	if field != "" {
		p["field"] = field
	}
	for k, v := range params {
		p[k] = v
	}
	return FieldError{Field: field, Message: fmt.Sprintf(format, args...), Code: code, Params: p}
}

// invalid is the Invalid *Error of one field error: what the validators
// return. Its message is the English sentence; [fieldErrors.check] and
// [FieldErrorOf] take its code and parameters back.
func invalid(field string, code FieldCode, params Params, format string, args ...any) error {
	fe := NewFieldError(field, code, params, format, args...)
	return &Error{Code: Invalid, Message: fe.Message, field: &fe}
}

// FieldErrorOf is err as a field error of field: its message, and its code
// and parameters when a validator of this package made it (see
// [FieldCode]); for checks of a transaction's arguments.
func FieldErrorOf(field string, err error) FieldError {
	var e *Error
	if errors.As(err, &e) && e.field != nil {
		fe := *e.field
		fe.Field = field
		if _, ok := fe.Params["field"]; !ok && field != "" {
			p := Params{"field": field}
			for k, v := range fe.Params {
				p[k] = v
			}
			fe.Params = p
		}
		return fe
	}
	return FieldError{Field: field, Message: ErrorMessage(err)}
}

// ErrorOfField is the *Error of code whose message is fe's: the error of
// a check that names a field only where its caller knows which
// ([FieldErrorOf] and [Refusal.Add] put it under that field, with fe's
// code and parameters).
func ErrorOfField(code Code, fe FieldError) error {
	return &Error{Code: code, Message: fe.Message, field: &fe}
}

// Refusef is the *Error of code whose one detail, under no field, is
// the reason of the refusal: a reason code (see [ReasonAlreadyExists]) and
// the parameters its sentence prints, so that a client says it in its own
// language; the English message is formatted from format and args.
func Refusef(code Code, reason FieldCode, params Params, format string, args ...any) error {
	return ErrorOfField(code, NewFieldError("", reason, params, format, args...))
}

// NotFoundf is the NotFound *Error "<kind> <id> does not exist", with the
// field error code [FieldRecordNotFound].
func NotFoundf(kind, id string) error {
	return ErrorOfField(NotFound, NewFieldError("", FieldRecordNotFound, Params{"kind": kind, "id": id}, "%s %s does not exist", kind, id))
}

// ParamInteger is the Invalid refusal of query parameter param whose
// value is not an integer from min to max.
func ParamInteger(param, value string, min, max int) error {
	return Refusef(Invalid, ReasonParamInteger, Params{"param": param, "value": value, "min": strconv.Itoa(min), "max": strconv.Itoa(max)},
		"%s %q must be an integer from %d to %d", param, value, min, max)
}

// ParamChoice is the Invalid refusal of query parameter param whose value
// is none of allowed; format and args make the English message.
func ParamChoice(param, value string, allowed []string, format string, args ...any) error {
	return Refusef(Invalid, ReasonParamChoice, Params{"param": param, "value": value, "allowed": strings.Join(allowed, ", ")}, format, args...)
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
