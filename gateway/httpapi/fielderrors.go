package httpapi

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// MaxDetails bounds the field errors one answer lists, whichever layer
// found them: a hostile body with a million wrong values is refused with
// the first ones named, at the cost of reading it once.
const MaxDetails = record.MaxFieldErrors

// validationDetails lists the field errors of a failed request
// validation, in the order kin-openapi found them (parameters first, then
// the body in document order), each message clipped to max bytes and at
// most MaxDetails of them; the count of all is returned too.
func validationDetails(err error, max int) ([]record.FieldError, int) {
	var out []record.FieldError
	total := 0
	// label names a parameter in a message as kin-openapi does
	// (parameter "region" in query); a body field by its path.
	labels := map[string]string{}
	var walk func(err error, param string)
	walk = func(err error, param string) {
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, each := range e {
				walk(each, param)
			}
			return
		case *openapi3filter.RequestError:
			name := "body"
			if e.Parameter != nil {
				name = e.Parameter.Name
				labels[name] = fmt.Sprintf("parameter %q in %s", name, e.Parameter.In)
			}
			if e.Err != nil {
				walk(e.Err, name)
				return
			}
			if param == "" {
				param = name
			}
			err = errors.New(e.Error())
		}
		var schemaErr *openapi3.SchemaError
		total++
		if len(out) >= MaxDetails {
			return
		}
		field, reason, params := param, err.Error(), record.Params{"rule": "request"}
		if errors.Is(err, openapi3filter.ErrInvalidRequired) {
			// A required parameter missing, not one that does not parse.
			params["rule"] = "required"
		}
		if errors.As(err, &schemaErr) {
			params["rule"] = schemaErr.SchemaField
			if schemaErr.SchemaField == "type" && schemaErr.Schema != nil && schemaErr.Schema.Type != nil && len(*schemaErr.Schema.Type) == 1 {
				params["type"] = (*schemaErr.Schema.Type)[0]
			}
			reason = schemaErr.Reason
			if reason == "" {
				reason = "does not match the schema's " + schemaErr.SchemaField
			}
			if p := fieldPath(schemaErr.JSONPointer()); p != "" {
				if param == "body" {
					field = p
				} else {
					field = param + "." + p
				}
			}
		}
		if field == "" {
			field = "body"
		}
		label := field
		if field == "body" {
			label = "request body"
		} else if l, ok := labels[field]; ok {
			label = l
		}
		params["field"] = field
		out = append(out, record.FieldError{Field: field, Message: clip(label+": "+firstLine(reason), max), Code: record.FieldSchema, Params: params})
	}
	walk(err, "")
	return out, total
}

// fieldPath writes a JSON pointer as the records' field paths are written:
// /results/0/unit → results[0].unit.
func fieldPath(pointer []string) string {
	var b strings.Builder
	for _, seg := range pointer {
		if _, err := strconv.Atoi(seg); err == nil && b.Len() > 0 {
			b.WriteString("[" + seg + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// invalidFields is the refusal of a request whose fields are wrong: its
// message joins the first field errors (within max bytes), its details
// list them all up to MaxDetails.
func invalidFields(details []record.FieldError, total, max int) error {
	parts := make([]string, 0, len(details))
	for _, d := range details {
		parts = append(parts, d.Message)
	}
	msg := strings.Join(parts, "; ")
	if total > 1 {
		msg = strconv.Itoa(total) + " errors: " + msg
	}
	return &apiError{code: string(record.Invalid), message: clip(msg, max), details: details}
}
