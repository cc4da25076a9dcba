package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Doc types: the value of every record's doc_type field.
const (
	DocInstitution = "institution"
	DocCapability  = "capability"
	DocStandard    = "standard"
	DocInstrument  = "instrument"
	DocCertificate = "certificate"
	DocComparison  = "comparison"
	DocAgreement   = "agreement"
)

// DocTypes lists every doc type in a fixed order.
var DocTypes = []string{DocInstitution, DocCapability, DocStandard, DocInstrument, DocCertificate, DocComparison, DocAgreement, DocSigningCertificate,
	DocCase, DocNotice, DocNoticeItem}

// IsDocType reports whether s is one of [DocTypes].
func IsDocType(s string) bool { return slices.Contains(DocTypes, s) }

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidateID checks an identifier: 1–64 characters, letters, digits, '.',
// '_' and '-', starting with a letter or digit.
func ValidateID(field, id string) error {
	if id == "" {
		return invalid(field, FieldRequired, nil, "%s is required", field)
	}
	if !idPattern.MatchString(id) {
		return invalid(field, FieldBadID, Params{"value": id}, "%s %q is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)", field, id)
	}
	return nil
}

// Decode parses one JSON record strictly: unknown fields, trailing data,
// wrong types, keys given twice and invalid UTF-8 are errors with the field
// named (see [CheckStrictJSON]).
func Decode(data []byte, v any) error {
	if err := CheckStrictJSON(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := "malformed JSON: " + describeJSONError(err)
		if field := jsonErrorField(err); field != "" {
			fe := FieldError{Field: field, Message: msg, Code: FieldJSONUnknown, Params: Params{"field": field}}
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) {
				fe.Code, fe.Params["want"], fe.Params["got"] = FieldJSONType, typeErr.Type.String(), typeErr.Value
			}
			return &Error{Code: Invalid, Message: msg, Details: []FieldError{fe}}
		}
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &syntaxErr):
			return invalid("", FieldJSONSyntax, Params{"offset": strconv.FormatInt(syntaxErr.Offset, 10), "reason": syntaxErr.Error()}, "%s", msg)
		case errors.Is(err, io.EOF):
			return invalid("", FieldJSONEmpty, nil, "%s", msg)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return invalid("", FieldJSONTruncated, nil, "%s", msg)
		}
		return &Error{Code: Invalid, Message: msg}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalid("", FieldJSONTrailing, nil, "malformed JSON: unexpected data after the JSON value")
	}
	return nil
}

// jsonErrorField names the field a decoding error is about: the field of
// a wrong type, or an unknown field; "" when the error is about the
// document as a whole.
func jsonErrorField(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return typeErr.Field
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if f, err := strconv.Unquote(name); err == nil {
			return f
		}
	}
	return ""
}

func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "value"
		}
		return fmt.Sprintf("field %q must be %s, not %s", field, typeErr.Type.String(), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("%v at byte %d", syntaxErr, syntaxErr.Offset)
	case errors.Is(err, io.EOF):
		return "empty input"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return err.Error()
}

func oneOf(field, value string, allowed []string) error {
	if value == "" {
		return invalid(field, FieldRequiredOneOf, Params{"allowed": strings.Join(allowed, ", ")}, "%s is required (one of %s)", field, strings.Join(allowed, ", "))
	}
	if !slices.Contains(allowed, value) {
		return invalid(field, FieldNotOneOf, Params{"value": value, "allowed": strings.Join(allowed, ", ")}, "%s %q is not one of %s", field, value, strings.Join(allowed, ", "))
	}
	return nil
}

func required(field, value string) error {
	if strings.TrimSpace(value) == "" {
		return invalid(field, FieldRequired, nil, "%s is required", field)
	}
	return nil
}

func validDate(field, value string) error {
	if value == "" {
		return invalid(field, FieldRequired, nil, "%s is required", field)
	}
	return PlausibleDate(field, value)
}

func checkDocType(docType *string, want string) error {
	if *docType == "" {
		*docType = want
		return nil
	}
	if *docType != want {
		return invalid("doc_type", FieldDocTypeMismatch, Params{"value": *docType, "want": want}, "doc_type %q does not match %q", *docType, want)
	}
	return nil
}

// noDuplicates checks that a list of ids holds each id once, and sorts a
// copy-free view of it only for the check.
func noDuplicates(field string, ids []string) error {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return invalid(field, FieldDuplicate, Params{"value": id}, "%s lists %q twice", field, id)
		}
		seen[id] = true
	}
	return nil
}

// SortedUnique returns the distinct strings of list in sorted order.
func SortedUnique(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := make([]string, 0, len(list))
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
