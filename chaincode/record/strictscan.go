package record

import "unicode/utf8"

// strictPlain reports, in one pass over the bytes, that data is a JSON
// document CheckStrictJSON accepts: well-formed, no object key twice (ASCII
// keys compared without regard to case), valid UTF-8 text, no \u escape at
// all, nested at most MaxJSONDepth deep. It answers false for anything
// else, which CheckStrictJSON then examines token by token to name the
// problem (or to find there is none): the records clients send are almost
// always plain, and the token walk costs several times the decoding.
func strictPlain(data []byte) bool {
	s := plainScanner{data: data}
	s.space()
	if !s.value(0) {
		return false
	}
	s.space()
	return s.i == len(s.data)
}

// plainScanner is strictPlain's position in data and the keys of the
// objects being read (keys[from:] are the innermost object's, as offsets
// of their text in data).
type plainScanner struct {
	data []byte
	i    int
	keys [][2]int
}

func (s *plainScanner) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *plainScanner) value(depth int) bool {
	if s.i >= len(s.data) {
		return false
	}
	switch c := s.data[s.i]; {
	case c == '{':
		return s.object(depth)
	case c == '[':
		return s.array(depth)
	case c == '"':
		_, _, ok := s.str()
		return ok
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	return false
}

func (s *plainScanner) literal(word string) bool {
	if len(s.data)-s.i < len(word) || string(s.data[s.i:s.i+len(word)]) != word {
		return false
	}
	s.i += len(word)
	return true
}

func (s *plainScanner) digits() int {
	n := 0
	for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

func (s *plainScanner) number() bool {
	if s.data[s.i] == '-' {
		s.i++
	}
	if s.i < len(s.data) && s.data[s.i] == '0' {
		s.i++
	} else if s.digits() == 0 {
		return false
	}
	if s.i < len(s.data) && s.data[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return false
		}
	}
	if s.i < len(s.data) && (s.data[s.i] == 'e' || s.data[s.i] == 'E') {
		s.i++
		if s.i < len(s.data) && (s.data[s.i] == '+' || s.data[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

// str reads a string at s.i and returns the offsets of its text (between
// the quotes); not ok for invalid UTF-8, a control character or a \u
// escape.
func (s *plainScanner) str() (from, to int, ok bool) {
	s.i++ // the opening quote
	from = s.i
	ascii := true
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '"':
			to = s.i
			s.i++
			if !ascii && !utf8.Valid(s.data[from:to]) {
				return 0, 0, false
			}
			return from, to, true
		case c == '\\':
			if s.i+1 >= len(s.data) {
				return 0, 0, false
			}
			switch s.data[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			default: // \u, or not an escape at all
				return 0, 0, false
			}
			s.i += 2
			continue
		case c < 0x20:
			return 0, 0, false
		case c >= 0x80:
			ascii = false
		}
		s.i++
	}
	return 0, 0, false
}

func (s *plainScanner) object(depth int) bool {
	if depth >= MaxJSONDepth {
		return false
	}
	s.i++ // {
	first := len(s.keys)
	defer func() { s.keys = s.keys[:first] }()
	s.space()
	if s.i < len(s.data) && s.data[s.i] == '}' {
		s.i++
		return true
	}
	for {
		if s.i >= len(s.data) || s.data[s.i] != '"' {
			return false
		}
		from, to, ok := s.str()
		if !ok || !s.newKey(first, from, to) {
			return false
		}
		s.space()
		if s.i >= len(s.data) || s.data[s.i] != ':' {
			return false
		}
		s.i++
		s.space()
		if !s.value(depth + 1) {
			return false
		}
		s.space()
		if s.i >= len(s.data) {
			return false
		}
		switch s.data[s.i] {
		case ',':
			s.i++
			s.space()
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// newKey records the key data[from:to] of the object whose keys start at
// keys[first], refusing a key that is not plain ASCII or that the object
// already has in any case.
func (s *plainScanner) newKey(first, from, to int) bool {
	key := s.data[from:to]
	for _, c := range key {
		if c >= 0x80 || c == '\\' {
			return false
		}
	}
	for _, k := range s.keys[first:] {
		if asciiEqualFold(s.data[k[0]:k[1]], key) {
			return false
		}
	}
	s.keys = append(s.keys, [2]int{from, to})
	return true
}

func asciiEqualFold(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func (s *plainScanner) array(depth int) bool {
	if depth >= MaxJSONDepth {
		return false
	}
	s.i++ // [
	s.space()
	if s.i < len(s.data) && s.data[s.i] == ']' {
		s.i++
		return true
	}
	for {
		if !s.value(depth + 1) {
			return false
		}
		s.space()
		if s.i >= len(s.data) {
			return false
		}
		switch s.data[s.i] {
		case ',':
			s.i++
			s.space()
		case ']':
			s.i++
			return true
		default:
			return false
		}
	}
}
