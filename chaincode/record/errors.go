package record

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error so that every layer (chaincode, gateway, CLI)
// can react the same way: the HTTP gateway maps each code to one status.
type Code string

// Error codes. They travel inside chaincode error messages as a prefix
// ("invalid: ..."), so they must stay stable.
const (
	Invalid   Code = "invalid"
	NotFound  Code = "not_found"
	Conflict  Code = "conflict"
	Forbidden Code = "forbidden"
	Internal  Code = "internal"
)

var codes = []Code{Invalid, NotFound, Conflict, Forbidden, Internal}

// Error is a domain error: a code and a message a person understands.
type Error struct {
	Code    Code
	Message string
}

// Error renders the error as "code: message", the form chaincode errors take
// on the wire.
func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, Internal for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ParseError recovers an *Error from a message produced by [Error.Error],
// possibly wrapped by transport text before it (Fabric prefixes chaincode
// messages with its own). A message without a known code becomes Internal.
func ParseError(msg string) *Error {
	best, at := Internal, -1
	for _, c := range codes {
		prefix := string(c) + ": "
		if i := strings.Index(msg, prefix); i >= 0 && (at < 0 || i < at) {
			best, at = c, i
		}
	}
	if at < 0 {
		return &Error{Code: Internal, Message: msg}
	}
	return &Error{Code: best, Message: msg[at+len(best)+2:]}
}

// ErrorMessage returns the message of the first *Error in err's chain,
// without its code, or err's text for any other error; "" for nil. It is
// what a person reads beside [ErrorCode].
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
