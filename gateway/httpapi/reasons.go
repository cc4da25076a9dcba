package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// Reason codes of the refusals the gateway makes itself, beside the
// record package's (see [record.Refusef]): the error's one detail, under
// no field, carries the code and the parameters its sentence prints, so
// that a client says the refusal in its own language. Codes are stable:
// add codes, never rename or remove one (the console has a zh and an en
// sentence for each, and a test fails for a code without them).
const (
	ReasonTokenRequired        record.FieldCode = "token_required"         // (none)
	ReasonTokenBadHeader       record.FieldCode = "token_bad_header"       // (none)
	ReasonTokenInvalid         record.FieldCode = "token_invalid"          // (none): bad signature, malformed
	ReasonTokenExpired         record.FieldCode = "token_expired"          // (none)
	ReasonTokenBadClaims       record.FieldCode = "token_bad_claims"       // (none)
	ReasonTokenUnknownOrg      record.FieldCode = "token_unknown_org"      // msp
	ReasonTokenOrgElsewhere    record.FieldCode = "token_org_elsewhere"    // msp, institution
	ReasonTokenNoInstitution   record.FieldCode = "token_no_institution"   // institution
	ReasonTokenInstitutionOrg  record.FieldCode = "token_institution_org"  // institution
	ReasonTokenOrgMismatch     record.FieldCode = "token_org_mismatch"     // institution, msp, claimed
	ReasonTokenNoParty         record.FieldCode = "token_no_party"         // (none)
	ReasonNoLedgerIdentity     record.FieldCode = "no_ledger_identity"     // (none)
	ReasonRoleMayNot           record.FieldCode = "role_may_not"           // role, method, path, roles
	ReasonBodyTooLarge         record.FieldCode = "body_too_large"         // limit
	ReasonFileTooLarge         record.FieldCode = "file_too_large"         // limit
	ReasonHeadersTooLarge      record.FieldCode = "headers_too_large"      // size, limit
	ReasonUnsupportedMediaType record.FieldCode = "unsupported_media_type" // type, want
	ReasonMethodNotAllowed     record.FieldCode = "method_not_allowed"     // method, allowed
	ReasonRouteNotFound        record.FieldCode = "route_not_found"        // path
	ReasonRateLimited          record.FieldCode = "rate_limited"           // (none)
	ReasonRequestTimeout       record.FieldCode = "request_timeout"        // timeout
	ReasonDCCOnLedger          record.FieldCode = "dcc_on_ledger"          // id, digest
	ReasonFileEmpty            record.FieldCode = "file_empty"             // (none)
	ReasonNoFileField          record.FieldCode = "no_file_field"          // name
	ReasonDCCSchemaInvalid     record.FieldCode = "dcc_schema_invalid"     // version, errors (English, the validator's)
	ReasonUnknownIssuer        record.FieldCode = "unknown_issuer"         // id
	ReasonUnknownLaboratory    record.FieldCode = "unknown_laboratory"     // id
	ReasonDCCSignatureBroken   record.FieldCode = "dcc_signature_broken"   // detail (English)
	ReasonDCCSignatureRequired record.FieldCode = "dcc_signature_required" // institution, detail (English, the check's reason)
	ReasonDCCOnLedgerOther     record.FieldCode = "dcc_on_ledger_other"    // id, digest, file_digest
	// Refusals of a request's parameters, headers and body.
	ReasonFilterUnsupported  record.FieldCode = "filter_unsupported"   // kind (the doc type), filter
	ReasonFilterBoth         record.FieldCode = "filter_both"          // kind, filter, other
	ReasonFilterRequired     record.FieldCode = "filter_required"      // kind
	ReasonUnknownIndex       record.FieldCode = "unknown_index"        // value
	ReasonCategoryParam      record.FieldCode = "category_param"       // value
	ReasonOwnerDetailsCoding record.FieldCode = "owner_details_coding" // header
	ReasonOwnerDetailsJSON   record.FieldCode = "owner_details_json"   // header
	ReasonQueryMalformed     record.FieldCode = "query_malformed"      // detail (English, from net/url)
	ReasonNotInAPI           record.FieldCode = "not_in_api"           // method, path
	ReasonBodyUnreadable     record.FieldCode = "body_unreadable"      // detail (English)
	ReasonMultipartInvalid   record.FieldCode = "multipart_invalid"    // detail (English, from mime/multipart)
	ReasonBodyEmpty          record.FieldCode = "body_empty"           // (none)
	ReasonBodyTooDeep        record.FieldCode = "body_too_deep"        // max
	ReasonBodyNotArray       record.FieldCode = "body_not_array"       // (none)
	ReasonBatchEmpty         record.FieldCode = "batch_empty"          // max
	ReasonBatchTooLarge      record.FieldCode = "batch_too_large"      // count, max
	ReasonPictureTooLarge    record.FieldCode = "picture_too_large"    // max
	ReasonItemNotObject      record.FieldCode = "item_not_object"      // (none): an item of a batch
	// Refusals of what this gateway does not run or keep (404, 503).
	ReasonCasesNeedIndex       record.FieldCode = "cases_need_index"       // (none)
	ReasonSearchNeedsIndex     record.FieldCode = "search_needs_index"     // (none)
	ReasonSupervisionNeedIndex record.FieldCode = "supervision_need_index" // (none)
	ReasonNoDCCStore           record.FieldCode = "no_dcc_store"           // (none)
	ReasonDCCKeptByIssuer      record.FieldCode = "dcc_kept_by_issuer"     // id, digest
	ReasonDCCNotInStore        record.FieldCode = "dcc_not_in_store"       // id, digest, issuer
	ReasonNoDCCAnchored        record.FieldCode = "no_dcc_anchored"        // id
	ReasonNoWebhooks           record.FieldCode = "no_webhooks"            // (none)
	ReasonNoReaderIdentity     record.FieldCode = "no_reader_identity"     // (none)
	ReasonVerifyNotConfigured  record.FieldCode = "verify_not_configured"  // (none)
	// Failures of the ledger (502, 503, 504).
	ReasonLedgerUnavailable record.FieldCode = "ledger_unavailable" // detail (English)
	ReasonLedgerRetryLater  record.FieldCode = "ledger_retry_later" // who (endorsing peer, orderer or chaincode), detail (English): nothing was ordered
	ReasonLedgerMayCommit   record.FieldCode = "ledger_may_commit"  // within, detail (English): retry with the same Idempotency-Key
	ReasonLedgerTimeout     record.FieldCode = "ledger_timeout"     // (none)
	ReasonRequestCancelled  record.FieldCode = "request_cancelled"  // (none)
	ReasonLedgerFailed      record.FieldCode = "ledger_failed"      // phase, detail (English)
	ReasonInternal          record.FieldCode = "internal_error"     // (none)
	ReasonInternalDetail    record.FieldCode = "internal_detail"    // detail (English)
	ReasonLedgerInternal    record.FieldCode = "ledger_internal"    // detail (English, the chaincode's)
	ReasonDCCStoreFailed    record.FieldCode = "dcc_store_failed"   // id, detail (English)
	ReasonRequestInvalid    record.FieldCode = "request_invalid"    // detail (English, the validator's)
)

// ReasonCodes lists every reason code of the gateway with the parameters
// its refusals carry, in the order of their declaration.
var ReasonCodes = []struct {
	Code   record.FieldCode
	Params []string
}{
	{ReasonTokenRequired, nil},
	{ReasonTokenBadHeader, nil},
	{ReasonTokenInvalid, nil},
	{ReasonTokenExpired, nil},
	{ReasonTokenBadClaims, nil},
	{ReasonTokenUnknownOrg, []string{"msp"}},
	{ReasonTokenOrgElsewhere, []string{"msp", "institution"}},
	{ReasonTokenNoInstitution, []string{"institution"}},
	{ReasonTokenInstitutionOrg, []string{"institution"}},
	{ReasonTokenOrgMismatch, []string{"institution", "msp", "claimed"}},
	{ReasonTokenNoParty, nil},
	{ReasonNoLedgerIdentity, nil},
	{ReasonRoleMayNot, []string{"role", "method", "path", "roles"}},
	{ReasonBodyTooLarge, []string{"limit"}},
	{ReasonFileTooLarge, []string{"limit"}},
	{ReasonHeadersTooLarge, []string{"size", "limit"}},
	{ReasonUnsupportedMediaType, []string{"type", "want"}},
	{ReasonMethodNotAllowed, []string{"method", "allowed"}},
	{ReasonRouteNotFound, []string{"path"}},
	{ReasonRateLimited, nil},
	{ReasonRequestTimeout, []string{"timeout"}},
	{ReasonDCCOnLedger, []string{"id", "digest"}},
	{ReasonFileEmpty, nil},
	{ReasonNoFileField, []string{"name"}},
	{ReasonDCCSchemaInvalid, []string{"version", "errors"}},
	{ReasonUnknownIssuer, []string{"id"}},
	{ReasonUnknownLaboratory, []string{"id"}},
	{ReasonDCCSignatureBroken, []string{"detail"}},
	{ReasonDCCSignatureRequired, []string{"institution", "detail"}},
	{ReasonDCCOnLedgerOther, []string{"id", "digest", "file_digest"}},
	{ReasonFilterUnsupported, []string{"kind", "filter"}},
	{ReasonFilterBoth, []string{"kind", "filter", "other"}},
	{ReasonFilterRequired, []string{"kind"}},
	{ReasonUnknownIndex, []string{"value"}},
	{ReasonCategoryParam, []string{"value"}},
	{ReasonOwnerDetailsCoding, []string{"header"}},
	{ReasonOwnerDetailsJSON, []string{"header"}},
	{ReasonQueryMalformed, []string{"detail"}},
	{ReasonNotInAPI, []string{"method", "path"}},
	{ReasonBodyUnreadable, []string{"detail"}},
	{ReasonMultipartInvalid, []string{"detail"}},
	{ReasonBodyEmpty, nil},
	{ReasonBodyTooDeep, []string{"max"}},
	{ReasonBodyNotArray, nil},
	{ReasonBatchEmpty, []string{"max"}},
	{ReasonBatchTooLarge, []string{"count", "max"}},
	{ReasonPictureTooLarge, []string{"max"}},
	{ReasonItemNotObject, nil},
	{ReasonCasesNeedIndex, nil},
	{ReasonSearchNeedsIndex, nil},
	{ReasonSupervisionNeedIndex, nil},
	{ReasonNoDCCStore, nil},
	{ReasonDCCKeptByIssuer, []string{"id", "digest"}},
	{ReasonDCCNotInStore, []string{"id", "digest", "issuer"}},
	{ReasonNoDCCAnchored, []string{"id"}},
	{ReasonNoWebhooks, nil},
	{ReasonNoReaderIdentity, nil},
	{ReasonVerifyNotConfigured, nil},
	{ReasonLedgerUnavailable, []string{"detail"}},
	{ReasonLedgerRetryLater, []string{"who", "detail"}},
	{ReasonLedgerMayCommit, []string{"within", "detail"}},
	{ReasonLedgerTimeout, nil},
	{ReasonRequestCancelled, nil},
	{ReasonLedgerFailed, []string{"phase", "detail"}},
	{ReasonInternal, nil},
	{ReasonInternalDetail, []string{"detail"}},
	{ReasonLedgerInternal, []string{"detail"}},
	{ReasonDCCStoreFailed, []string{"id", "detail"}},
	{ReasonRequestInvalid, []string{"detail"}},
}

// refusef is an error of the API of code whose one detail, under no
// field, is the reason code with its parameters; format and args make the
// English message.
func refusef(code string, reason record.FieldCode, params record.Params, format string, args ...any) error {
	fe := record.NewFieldError("", reason, params, format, args...)
	return &apiError{code: code, message: fe.Message, details: []record.FieldError{fe}}
}

// tokenRefusal is the 401 of a token Verify refused, its reason telling an
// expired token and bad claims from a token that is no token of this
// gateway.
func tokenRefusal(err error) error {
	reason := ReasonTokenInvalid
	switch {
	case errors.Is(err, auth.ErrExpired):
		reason = ReasonTokenExpired
	case errors.Is(err, auth.ErrInvalidClaims):
		reason = ReasonTokenBadClaims
	}
	return refusef(CodeUnauthorized, reason, nil, "%v", err)
}

// explained is err with a reason when it is an error of the web server
// or of a library that comes without one (echo's 404, 405 and 413, a body
// over its limit, a refused token); any other error as it is.
func explained(err error, c echo.Context) error {
	var (
		api    *apiError
		he     *echo.HTTPError
		tooBig *http.MaxBytesError
		rec    *record.Error
		led    *ledger.Error
	)
	switch {
	case errors.As(err, &api):
		return err
	case errors.As(err, &tooBig):
		return refusef(CodePayloadTooLarge, ReasonBodyTooLarge, record.Params{"limit": fmt.Sprint(tooBig.Limit)},
			"request body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, auth.ErrInvalidToken):
		return tokenRefusal(err)
	case errors.As(err, &rec):
		if rec.Code == record.Internal && len(record.ErrorDetails(err)) == 0 {
			return refusef(string(record.Internal), ReasonLedgerInternal, record.Params{"detail": rec.Message}, "the ledger failed: %s", rec.Message)
		}
		return err
	case errors.Is(err, ledger.ErrUnavailable):
		return unavailable(err)
	case errors.Is(err, context.DeadlineExceeded):
		return refusef(CodeTimeout, ReasonLedgerTimeout, nil, "the ledger did not answer in time")
	case errors.As(err, &led):
		return refusef(CodeLedger, ReasonLedgerFailed, record.Params{"phase": string(led.Phase), "detail": fmt.Sprint(led.Err)}, "%s", led.Error())
	case errors.Is(err, context.Canceled):
		return refusef(CodeUnavailable, ReasonRequestCancelled, nil, "the request was cancelled")
	case errors.As(err, &he):
		if _, ok := he.Message.(string); ok && he.Message != http.StatusText(he.Code) {
			return err
		}
		switch he.Code {
		case http.StatusMethodNotAllowed:
			allowed := c.Response().Header().Get(echo.HeaderAllow)
			return refusef(CodeMethodNotAllowed, ReasonMethodNotAllowed, record.Params{"method": c.Request().Method, "allowed": allowed},
				"Method Not Allowed")
		case http.StatusNotFound:
			return refusef(string(record.NotFound), ReasonRouteNotFound, record.Params{"path": c.Request().URL.Path}, "Not Found")
		}
		return err
	}
	if code, _ := classify(err); code == string(record.Internal) {
		return refusef(code, ReasonInternal, nil, "internal error")
	}
	return err
}

// unavailable is the 503 of an unavailable ledger err, its reason saying
// what the caller may do (see [ledger.Unavailable]); the message is err's.
func unavailable(err error) error {
	var u *ledger.Unavailable
	switch {
	case errors.As(err, &u) && u.Within > 0:
		return refusef(CodeUnavailable, ReasonLedgerMayCommit, record.Params{"within": u.Within.String(), "detail": err.Error()}, "%s", err)
	case errors.As(err, &u) && u.Who != "":
		return refusef(CodeUnavailable, ReasonLedgerRetryLater, record.Params{"who": u.Who, "detail": err.Error()}, "%s", err)
	}
	return refusef(CodeUnavailable, ReasonLedgerUnavailable, record.Params{"detail": err.Error()}, "%s", err)
}
