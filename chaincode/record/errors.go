package record

import (
	"bytes"
	"encoding/json"
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
// Details, when set, name every field of a record that is wrong; Message
// then ends with their messages joined by "; ".
type Error struct {
	Code    Code
	Message string
	Details []FieldError
	// field is the error as a field error, with its code and parameters,
	// when a validator of this package made it (see [FieldErrorOf]).
	field *FieldError
}

// FieldError is one wrong field of a record: its path ("range.unit",
// "results[0].uncertainty.k") and what is wrong with it, in English
// (Message) and as a [FieldCode] with the parameters its sentence prints
// (Code, Params), so that a client says it in its own language.
type FieldError struct {
	Field   string            `json:"field"`
	Message string            `json:"message"`
	Code    FieldCode         `json:"code,omitempty"`
	Params  map[string]string `json:"params,omitempty"`
	// Fields are, for a refused item of a batch that names several
	// fields (code [ReasonItemFields]), the item's field errors.
	Fields []FieldError `json:"fields,omitempty"`
}

// detailsMarker separates an error's message from its details on the wire.
// encoding/json escapes '<' and '>' inside strings, so the marker cannot
// occur in the JSON that follows it: its last occurrence is the real one.
const detailsMarker = " <details>"

// Error renders the error as "code: message", the form chaincode errors take
// on the wire; with details, " <details>" and their JSON follow, so that
// [ParseError] recovers them from the message alone (all a chaincode error
// carries through Fabric). An error a validator made about one field (see
// [FieldErrorOf]) carries that field error as its one detail.
func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if ds := e.details(); len(ds) > 0 {
		if b, err := json.Marshal(ds); err == nil {
			s += detailsMarker + string(b)
		}
	}
	return s
}

// details are the error's Details, or its own field error when it has
// none and ends with that error's message.
func (e *Error) details() []FieldError {
	if len(e.Details) > 0 || e.field == nil || !strings.HasSuffix(e.Message, e.field.Message) {
		return e.Details
	}
	return []FieldError{*e.field}
}

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
	e := &Error{Code: best, Message: msg[at+len(best)+2:]}
	e.Message, e.Details = splitDetails(e.Message)
	return e
}

// splitDetails takes the details [Error.Error] appended off a message. It
// accepts them only when the message before them ends with their messages
// joined, as [Error.Error] wrote them; anything else stays message text.
func splitDetails(msg string) (string, []FieldError) {
	at := strings.LastIndex(msg, detailsMarker)
	if at < 0 {
		return msg, nil
	}
	var details []FieldError
	dec := json.NewDecoder(bytes.NewReader([]byte(msg[at+len(detailsMarker):])))
	if err := dec.Decode(&details); err != nil || len(details) == 0 {
		return msg, nil
	}
	// The details join to the message's end, or, for an error whose first
	// detail is its own reason (a refused batch: the whole message), the
	// others join to the end of that reason.
	if !strings.HasSuffix(msg[:at], joinDetails(details)) &&
		!(len(details) > 1 && details[0].Message == msg[:at] && strings.HasSuffix(msg[:at], joinDetails(details[1:]))) {
		return msg, nil
	}
	return msg[:at], details
}

func joinDetails(details []FieldError) string {
	parts := make([]string, len(details))
	for i, d := range details {
		parts[i] = d.Message
	}
	return strings.Join(parts, "; ")
}

// ErrorDetails returns the field errors of the first *Error in err's
// chain (for an error a validator made about one field, that field
// error); nil when it has none.
func ErrorDetails(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.details()
	}
	return nil
}

// FieldErrors is the Invalid *Error naming every field error of details
// (nil without any): for checks of a transaction's arguments, which are
// not a record's Validate.
func FieldErrors(details ...FieldError) error {
	var v fieldErrors
	for _, d := range details {
		v.push(d)
	}
	return v.err()
}

// MaxFieldErrors bounds the field errors one refusal reports: a record
// with thousands of bad results is refused just as well with the first
// ones named, and the answer stays small.
const MaxFieldErrors = 50

// fieldErrors collects every field error of a record, in the order the
// checks run (the record's field order), so a refusal names them all.
type fieldErrors struct {
	list    []FieldError
	dropped int
}

// check records err under field, or under the longer path err's message
// starts with when that path lies inside field ("range" and "range.unit is
// required" give "range.unit"). It reports whether err was nil.
func (v *fieldErrors) check(field string, err error) bool {
	if err == nil {
		return true
	}
	msg := ErrorMessage(err)
	if e := (*Error)(nil); errors.As(err, &e) && len(e.Details) > 0 {
		for _, d := range e.Details {
			v.push(d)
		}
		return false
	}
	v.push(FieldErrorOf(refineField(field, msg), err))
	return false
}

// add records a field error of code with a formatted English message.
func (v *fieldErrors) add(field string, code FieldCode, params Params, format string, args ...any) {
	v.push(NewFieldError(field, code, params, format, args...))
}

func (v *fieldErrors) push(d FieldError) {
	if len(v.list) >= MaxFieldErrors {
		v.dropped++
		return
	}
	v.list = append(v.list, d)
}

// ok reports whether no error was collected.
func (v *fieldErrors) ok() bool { return len(v.list) == 0 }

// has reports whether an error was collected for field or inside it.
func (v *fieldErrors) has(field string) bool {
	for _, d := range v.list {
		if d.Field == field || strings.HasPrefix(d.Field, field+".") || strings.HasPrefix(d.Field, field+"[") {
			return true
		}
	}
	return false
}

// err is the collected errors as one Invalid *Error, nil without any.
func (v *fieldErrors) err() error {
	if len(v.list) == 0 {
		return nil
	}
	msg := joinDetails(v.list)
	if v.dropped > 0 {
		msg = fmt.Sprintf("%d more errors not listed; ", v.dropped) + msg
	}
	return &Error{Code: Invalid, Message: msg, Details: v.list}
}

// refineField returns the path msg starts with when it lies inside field,
// else field.
func refineField(field, msg string) string {
	end := strings.IndexAny(msg, " :")
	if end <= 0 {
		return field
	}
	head := msg[:end]
	if head == field || strings.HasPrefix(head, field+".") || strings.HasPrefix(head, field+"[") {
		return head
	}
	return field
}

// Refusal collects the independent errors of one request that only the
// ledger finds (a reference that does not exist, an issuer not
// registered), each a field error of its own class, so that the request
// is refused once with all of them (at most [MaxFieldErrors]).
type Refusal struct {
	v     fieldErrors
	codes []Code
}

// Add records err, of any class, as the error of field (an error without
// a field error of its own keeps its message).
func (r *Refusal) Add(field string, err error) {
	if err == nil {
		return
	}
	r.codes = append(r.codes, ErrorCode(err))
	r.v.push(FieldErrorOf(field, err))
}

// Len is the number of errors added.
func (r *Refusal) Len() int { return len(r.codes) }

// Err is the refusal: nil without errors; with them an *Error of the
// class they share (Invalid when they differ), whose details name every
// field and whose message joins their messages.
func (r *Refusal) Err() error {
	if len(r.codes) == 0 {
		return nil
	}
	e := r.v.err().(*Error)
	for _, c := range r.codes[1:] {
		if c != r.codes[0] {
			return e
		}
	}
	e.Code = r.codes[0]
	return e
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
