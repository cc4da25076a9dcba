package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxJSONDepth bounds the nesting of a JSON document: no record nests
// deeper than a handful of levels, and a bound keeps a hostile document of
// thousands of brackets from costing more than a glance.
const MaxJSONDepth = 32

// CheckStrictJSON refuses what encoding/json would silently accept and so
// make a record ambiguous: an object key given twice at any depth (the
// decoder keeps the last one; keys are compared as the decoder matches them
// to fields, without regard to case), and a string holding invalid UTF-8 or
// an unpaired UTF-16 surrogate escape (the decoder would store U+FFFD in
// its place). The error names the field. It also refuses documents nested
// deeper than [MaxJSONDepth]. Syntax errors are left to the decoder, which
// describes them better; CheckStrictJSON returns nil for them.
func CheckStrictJSON(data []byte) error {
	if strictPlain(data) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		object bool
		keys   map[string]bool
		index  int
		key    string // the key whose value comes next, in an object
		path   string
	}
	var stack []*frame
	// fieldPath names the value the next token belongs to.
	fieldPath := func() string {
		if len(stack) == 0 {
			return "value"
		}
		top := stack[len(stack)-1]
		if top.object {
			return joinField(top.path, top.key)
		}
		return top.path + "[" + strconv.Itoa(top.index) + "]"
	}
	// afterValue moves the enclosing container past one value.
	afterValue := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.object {
			top.key = ""
		} else {
			top.index++
		}
	}
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // the decoder reports syntax errors
		}
		raw := data[start:dec.InputOffset()]
		expectingKey := len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].key == ""
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) >= MaxJSONDepth {
					return invalid(fieldPath(), FieldJSONTooDeep, Params{"max": itoa(MaxJSONDepth)}, "malformed JSON: %s nests deeper than %d levels", fieldPath(), MaxJSONDepth)
				}
				path := ""
				if len(stack) > 0 {
					path = fieldPath()
				}
				stack = append(stack, &frame{object: t == '{', keys: map[string]bool{}, path: path})
			case '}', ']':
				stack = stack[:len(stack)-1]
				afterValue()
			}
		case string:
			if expectingKey {
				top := stack[len(stack)-1]
				if !validJSONString(t, raw) {
					return invalid(top.path, FieldJSONKeyNotUTF8, nil, "malformed JSON: a key in %s is not valid UTF-8", nameOf(top.path))
				}
				folded := strings.ToLower(t)
				if top.keys[folded] {
					return invalid(joinField(top.path, t), FieldJSONTwice, nil, "malformed JSON: field %q is given twice", joinField(top.path, t))
				}
				top.keys[folded] = true
				top.key = t
				continue
			}
			if !validJSONString(t, raw) {
				return invalid(fieldPath(), FieldNotUTF8, nil, "malformed JSON: field %q is not valid UTF-8 text", fieldPath())
			}
			afterValue()
		default:
			afterValue()
		}
	}
}

// validJSONString reports whether a decoded string token is the text its
// raw form says: encoding/json turns invalid UTF-8 and unpaired surrogate
// escapes into U+FFFD, so a decoded U+FFFD the raw text does not spell out
// (literally or as \ufffd) was one of those.
func validJSONString(decoded string, raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	n := strings.Count(decoded, "\uFFFD")
	if n == 0 {
		return true
	}
	spelled := bytes.Count(raw, []byte("\uFFFD")) + strings.Count(strings.ToLower(string(raw)), `\ufffd`)
	return n <= spelled
}

func joinField(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func nameOf(path string) string {
	if path == "" {
		return "the document"
	}
	return strconv.Quote(path)
}

// ValidText checks that a free-text argument is valid UTF-8, naming the
// field: a chaincode argument arrives as bytes, and Go would carry invalid
// sequences into JSON as U+FFFD.
func ValidText(field, s string) error {
	if !utf8.ValidString(s) {
		return invalid(field, FieldNotUTF8, nil, "%s is not valid UTF-8 text", field)
	}
	return nil
}
