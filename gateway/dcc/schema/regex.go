package schema

import (
	"fmt"
	"regexp"
	"strings"
)

// translatePattern turns an XML Schema regular expression (Part 2, Appendix
// F) into an anchored Go regexp with the same meaning. XSD patterns always
// match the whole value, know no anchors (^ and $ are ordinary characters),
// mean Unicode digits by \d, and name XML name characters with \i and \c.
// Character class subtraction ([a-z-[aeiou]]) and block escapes (\p{IsX})
// have no Go equivalent here and are refused.
func translatePattern(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`^(?:`)
	inClass := false
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\':
			if i+1 >= len(rs) {
				return nil, fmt.Errorf("trailing backslash")
			}
			i++
			e := rs[i]
			switch e {
			case 'd':
				b.WriteString(`\p{Nd}`)
			case 'D':
				if inClass {
					return nil, fmt.Errorf(`\D inside a character class is not supported`)
				}
				b.WriteString(`\P{Nd}`)
			case 's':
				b.WriteString(classBody(inClass, ` \t\n\r`))
			case 'S':
				if inClass {
					return nil, fmt.Errorf(`\S inside a character class is not supported`)
				}
				b.WriteString(`[^ \t\n\r]`)
			case 'w':
				// XSD: everything but punctuation, separators and "other".
				b.WriteString(classBody(inClass, `\p{L}\p{M}\p{N}\p{S}`))
			case 'W':
				b.WriteString(classBody(inClass, `\p{P}\p{Z}\p{C}`))
			case 'i':
				b.WriteString(classBody(inClass, `\p{L}_:`))
			case 'c':
				b.WriteString(classBody(inClass, `\p{L}\p{Nd}\p{Mn}\p{Mc}\p{Lm}._:\-\x{B7}`))
			case 'I', 'C':
				return nil, fmt.Errorf(`\%c is not supported`, e)
			case 'p', 'P':
				j := i + 1
				if j < len(rs) && rs[j] == '{' {
					k := j
					for k < len(rs) && rs[k] != '}' {
						k++
					}
					if k >= len(rs) {
						return nil, fmt.Errorf("unterminated \\%c{", e)
					}
					name := string(rs[j+1 : k])
					if strings.HasPrefix(name, "Is") {
						return nil, fmt.Errorf("block escape \\%c{%s} is not supported", e, name)
					}
					b.WriteString(`\` + string(e) + `{` + name + `}`)
					i = k
				} else {
					return nil, fmt.Errorf("\\%c without {name}", e)
				}
			case 'n', 'r', 't', '\\', '|', '.', '-', '^', '?', '*', '+', '{', '}', '(', ')', '[', ']', '$':
				switch e {
				case 'n':
					b.WriteString(`\n`)
				case 'r':
					b.WriteString(`\r`)
				case 't':
					b.WriteString(`\t`)
				default:
					b.WriteString(`\` + string(e))
				}
			default:
				return nil, fmt.Errorf("unknown escape \\%c", e)
			}
		case inClass:
			switch r {
			case ']':
				inClass = false
				b.WriteRune(r)
			case '[':
				return nil, fmt.Errorf("character class subtraction is not supported")
			case '-':
				if i+1 < len(rs) && rs[i+1] == '[' {
					return nil, fmt.Errorf("character class subtraction is not supported")
				}
				b.WriteRune(r)
			default:
				b.WriteString(quoteClassRune(r))
			}
		default:
			switch r {
			case '[':
				inClass = true
				b.WriteRune(r)
				if i+1 < len(rs) && rs[i+1] == '^' {
					b.WriteRune('^')
					i++
				}
			case '.':
				b.WriteString(`[^\n\r]`)
			case '^', '$':
				b.WriteString(`\` + string(r))
			case '(':
				if i+1 < len(rs) && rs[i+1] == '?' {
					return nil, fmt.Errorf("(? is not XSD syntax")
				}
				b.WriteRune(r)
			default:
				b.WriteRune(r)
			}
		}
	}
	if inClass {
		return nil, fmt.Errorf("unterminated character class")
	}
	b.WriteString(`)$`)
	return regexp.Compile(b.String())
}

// classBody writes class members standalone or inside an open class.
func classBody(inClass bool, members string) string {
	if inClass {
		return members
	}
	return "[" + members + "]"
}

// quoteClassRune escapes what Go treats specially inside a class but XSD
// does not.
func quoteClassRune(r rune) string {
	switch r {
	case '\\', '^', '&', '~', ':':
		return `\` + string(r)
	}
	return string(r)
}
