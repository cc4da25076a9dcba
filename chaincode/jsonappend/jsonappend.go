// Package jsonappend appends JSON values to a byte slice exactly as
// encoding/json writes them (strings HTML-escaped, invalid UTF-8 as
// U+FFFD, map keys sorted), without reflection. The gateway's most asked
// answers (a trace, a recognition decision) write themselves with it:
// encoding/json spent a third of a depth-8 trace's CPU in reflection and
// in sorting each finding's parameter map.
package jsonappend

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

const hex = "0123456789abcdef"

// String appends s as a JSON string.
func String(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if htmlSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// htmlSafe holds, for each ASCII byte, whether encoding/json writes it as
// it is: printable, and neither a quote, a backslash nor <, > or &.
var htmlSafe = func() (safe [utf8.RuneSelf]bool) {
	for b := byte(0x20); b < utf8.RuneSelf; b++ {
		safe[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return safe
}()

// Bool appends true or false.
func Bool(dst []byte, v bool) []byte {
	if v {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// Int appends v in decimal.
func Int(dst []byte, v int) []byte { return strconv.AppendInt(dst, int64(v), 10) }

// Strings appends ss as an array of strings, or null when ss is nil.
func Strings(dst []byte, ss []string) []byte {
	return Array(dst, ss, func(dst []byte, s *string) []byte { return String(dst, *s) })
}

// StringMap appends m as an object with its keys in sorted order, or null
// when m is nil.
func StringMap(dst []byte, m map[string]string) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	var stack [16]string
	keys := stack[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = String(dst, k)
		dst = append(dst, ':')
		dst = String(dst, m[k])
	}
	return append(dst, '}')
}

// Array appends xs as an array, each element by appendOne, or null when
// xs is nil.
func Array[T any](dst []byte, xs []T, appendOne func([]byte, *T) []byte) []byte {
	if xs == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i := range xs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendOne(dst, &xs[i])
	}
	return append(dst, ']')
}
