package signature

import (
	"errors"
	"fmt"
	"strings"
)

// Reason is one sentence of a [Result]'s Reason as a code and the values
// it prints, so that a client says it in its own language.
type Reason struct {
	Code   string            `json:"code"`
	Params map[string]string `json:"params,omitempty"`
}

// The reason codes. Codes are stable: add codes, never rename or remove
// one (the web console has a zh and an en sentence for each, and a test
// fails for a code without them). "detail" is a technical message in
// English (an X.509 or XML error).
const (
	ReasonNoSignature               = "no_signature"                 // (none)
	ReasonNotXML                    = "not_xml"                      // detail
	ReasonNotVerified               = "not_verified"                 // detail
	ReasonNoSigningTimeChain        = "no_signing_time_chain"        // (none)
	ReasonChainRevoked              = "chain_revoked"                // subject, revoked_at, reason, signed_at
	ReasonNoRoots                   = "no_roots"                     // (none)
	ReasonChainUntrusted            = "chain_untrusted"              // signed_at, detail
	ReasonNoInstitution             = "no_institution"               // (none)
	ReasonNoSigningTimeRegistration = "no_signing_time_registration" // (none)
	ReasonRegisteredUnparsable      = "registered_unparsable"        // id, institution, detail
	ReasonRegisteredNotValidAt      = "registered_not_valid_at"      // id, institution, signed_at, from, to
	ReasonRegisteredChainInvalid    = "registered_chain_invalid"     // id, institution, signed_at, detail
	ReasonRegisteredRevoked         = "registered_revoked"           // id, institution, revoked_on, reason, signed_at
	ReasonNoneRegistered            = "none_registered"              // institution
	ReasonNotRegistered             = "not_registered"               // subject, issuer, count, institution
)

// ReasonCodes lists every reason code with the parameters it carries, in
// the order of their declaration.
var ReasonCodes = []struct {
	Code   string
	Params []string
}{
	{ReasonNoSignature, nil},
	{ReasonNotXML, []string{"detail"}},
	{ReasonNotVerified, []string{"detail"}},
	{ReasonNoSigningTimeChain, nil},
	{ReasonChainRevoked, []string{"subject", "revoked_at", "reason", "signed_at"}},
	{ReasonNoRoots, nil},
	{ReasonChainUntrusted, []string{"signed_at", "detail"}},
	{ReasonNoInstitution, nil},
	{ReasonNoSigningTimeRegistration, nil},
	{ReasonRegisteredUnparsable, []string{"id", "institution", "detail"}},
	{ReasonRegisteredNotValidAt, []string{"id", "institution", "signed_at", "from", "to"}},
	{ReasonRegisteredChainInvalid, []string{"id", "institution", "signed_at", "detail"}},
	{ReasonRegisteredRevoked, []string{"id", "institution", "revoked_on", "reason", "signed_at"}},
	{ReasonNoneRegistered, []string{"institution"}},
	{ReasonNotRegistered, []string{"subject", "issuer", "count", "institution"}},
}

// reasonError is a verification failure with its [Reason].
type reasonError struct {
	reason Reason
	msg    string
}

func (e *reasonError) Error() string { return e.msg }

// because is the failure of code with params and the English message
// format and args make.
func because(code string, params map[string]string, format string, args ...any) error {
	return &reasonError{reason: Reason{Code: code, Params: params}, msg: fmt.Sprintf(format, args...)}
}

// failed is res with the reasons errs give: their messages joined as
// Reason, their codes as Reasons.
func failed(res Result, errs ...error) Result {
	msgs := make([]string, 0, len(errs))
	for _, err := range errs {
		msgs = append(msgs, err.Error())
		var re *reasonError
		if errors.As(err, &re) {
			res.Reasons = append(res.Reasons, re.reason)
		}
	}
	res.Reason = strings.Join(msgs, "; ")
	return res
}
