package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
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
	)
	switch {
	case errors.As(err, &api):
		return err
	case errors.As(err, &tooBig):
		return refusef(CodePayloadTooLarge, ReasonBodyTooLarge, record.Params{"limit": fmt.Sprint(tooBig.Limit)},
			"request body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, auth.ErrInvalidToken):
		return tokenRefusal(err)
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
	}
	return err
}
