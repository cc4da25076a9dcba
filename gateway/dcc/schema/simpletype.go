package schema

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

type variety int

const (
	atomic variety = iota
	list
	union
)

type whitespace int

const (
	wsPreserve whitespace = iota
	wsReplace
	wsCollapse
)

// idKind marks the types whose values take part in ID/IDREF checking.
type idKind int

const (
	idNone idKind = iota
	idID
	idIDREF
)

// simpleType is a compiled simple type: a built-in, or a restriction, list or
// union of other simple types.
type simpleType struct {
	name    qname
	variety variety
	base    *simpleType // restriction base (nil for xs:anySimpleType)
	item    *simpleType // list item type
	members []*simpleType
	ws      whitespace
	id      idKind
	numeric bool // ordered numerically (decimal, integer, double)
	// lexical checks a built-in's lexical form (after whitespace handling).
	lexical     func(string) error
	unsupported bool

	// facets of this derivation step
	enums    []string
	patterns []*regexp.Regexp // one of them must match
	patSrc   []string
	length   *int
	minLen   *int
	maxLen   *int
	minInc   *big.Rat
	maxInc   *big.Rat
	minExc   *big.Rat
	maxExc   *big.Rat
}

func intp(i int) *int { return &i }

// simpleType compiles an xs:simpleType node.
func (s *schemaSet) simpleType(n *xnode) (*simpleType, error) {
	if st, ok := s.simpleTypes[n]; ok {
		return st, nil
	}
	st := &simpleType{}
	if name, ok := n.attr("name"); ok {
		st.name = qname{n.doc.targetNS, name}
	}
	s.simpleTypes[n] = st
	kids := n.xsdChildren()
	if len(kids) != 1 {
		return nil, fmt.Errorf("xs:simpleType needs one of xs:restriction, xs:list, xs:union")
	}
	d := kids[0]
	switch d.name.local {
	case "restriction":
		return st, s.restriction(st, d)
	case "list":
		st.variety, st.ws = list, wsCollapse
		if it, ok := d.attr("itemType"); ok {
			q, err := d.resolveQName(it)
			if err != nil {
				return nil, err
			}
			if st.item, err = s.simpleTypeByName(q); err != nil {
				return nil, err
			}
		} else {
			for _, c := range d.xsdChildren() {
				item, err := s.simpleType(c)
				if err != nil {
					return nil, err
				}
				st.item = item
			}
		}
		if st.item == nil {
			return nil, fmt.Errorf("xs:list without an item type")
		}
		return st, nil
	case "union":
		st.variety, st.ws = union, wsCollapse
		for _, m := range strings.Fields(d.attrs["memberTypes"]) {
			q, err := d.resolveQName(m)
			if err != nil {
				return nil, err
			}
			mt, err := s.simpleTypeByName(q)
			if err != nil {
				return nil, err
			}
			st.members = append(st.members, mt)
		}
		for _, c := range d.xsdChildren() {
			mt, err := s.simpleType(c)
			if err != nil {
				return nil, err
			}
			st.members = append(st.members, mt)
		}
		return st, nil
	}
	return nil, fmt.Errorf("unsupported xs:%s in xs:simpleType", d.name.local)
}

// restriction compiles the facets of an xs:restriction of a simple type.
func (s *schemaSet) restriction(st *simpleType, d *xnode) error {
	if b, ok := d.attr("base"); ok {
		q, err := d.resolveQName(b)
		if err != nil {
			return err
		}
		if st.base, err = s.simpleTypeByName(q); err != nil {
			return err
		}
	}
	for _, c := range d.xsdChildren() {
		if c.name.local == "simpleType" {
			if st.base != nil {
				return fmt.Errorf("xs:restriction has both a base and an inline type")
			}
			b, err := s.simpleType(c)
			if err != nil {
				return err
			}
			st.base = b
		}
	}
	if st.base == nil {
		return fmt.Errorf("xs:restriction without a base type")
	}
	b := st.base
	st.variety, st.ws, st.id, st.numeric, st.item, st.members = b.variety, b.ws, b.id, b.numeric, b.item, b.members
	for _, c := range d.xsdChildren() {
		v := c.attrs["value"]
		switch c.name.local {
		case "simpleType":
		case "enumeration":
			st.enums = append(st.enums, v)
		case "pattern":
			re, err := translatePattern(v)
			if err != nil {
				return fmt.Errorf("pattern %q: %w", v, err)
			}
			st.patterns = append(st.patterns, re)
			st.patSrc = append(st.patSrc, v)
		case "length", "minLength", "maxLength":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return fmt.Errorf("bad %s %q", c.name.local, v)
			}
			switch c.name.local {
			case "length":
				st.length = intp(n)
			case "minLength":
				st.minLen = intp(n)
			default:
				st.maxLen = intp(n)
			}
		case "minInclusive", "maxInclusive", "minExclusive", "maxExclusive":
			if !b.numeric {
				return fmt.Errorf("%s on a non-numeric type is not supported", c.name.local)
			}
			r, ok := new(big.Rat).SetString(strings.TrimSpace(v))
			if !ok {
				return fmt.Errorf("bad %s %q", c.name.local, v)
			}
			switch c.name.local {
			case "minInclusive":
				st.minInc = r
			case "maxInclusive":
				st.maxInc = r
			case "minExclusive":
				st.minExc = r
			default:
				st.maxExc = r
			}
		case "whiteSpace":
			switch v {
			case "preserve":
				st.ws = wsPreserve
			case "replace":
				st.ws = wsReplace
			case "collapse":
				st.ws = wsCollapse
			default:
				return fmt.Errorf("bad whiteSpace %q", v)
			}
		default:
			return fmt.Errorf("unsupported facet xs:%s", c.name.local)
		}
	}
	return nil
}

// normalize applies a whitespace facet.
func normalize(v string, ws whitespace) string {
	switch ws {
	case wsReplace:
		return strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, v)
	case wsCollapse:
		return strings.Join(strings.Fields(v), " ")
	}
	return v
}

// valueRef is one ID or IDREF found in a value.
type valueRef struct {
	kind  idKind
	value string
}

// validate checks the value v (as it stands in the document) against st and
// returns the IDs and IDREFs it holds.
func (st *simpleType) validate(v string) ([]valueRef, error) {
	var refs []valueRef
	err := st.check(normalize(v, st.ws), &refs)
	return refs, err
}

// check validates an already normalized value.
func (st *simpleType) check(v string, refs *[]valueRef) error {
	switch st.variety {
	case list:
		if st.base == nil || st.base.variety != list {
			for _, item := range strings.Fields(v) {
				if err := st.item.check(normalize(item, st.item.ws), refs); err != nil {
					return fmt.Errorf("list item: %w", err)
				}
			}
		} else if err := st.base.check(v, refs); err != nil {
			return err
		}
		return st.facets(v, len(strings.Fields(v)))
	case union:
		if st.base != nil && st.base.variety == union {
			if err := st.base.check(v, refs); err != nil {
				return err
			}
		} else {
			ok := false
			var last error
			for _, m := range st.members {
				var mr []valueRef
				if last = m.check(normalize(v, m.ws), &mr); last == nil {
					*refs = append(*refs, mr...)
					ok = true
					break
				}
			}
			if !ok {
				return fmt.Errorf("%q matches no member type of the union: %v", v, last)
			}
		}
		return st.facets(v, utf8.RuneCountInString(v))
	}
	if st.lexical != nil { // a built-in
		if err := st.lexical(v); err != nil {
			return err
		}
		if st.id != idNone {
			*refs = append(*refs, valueRef{st.id, v})
		}
	} else if st.base != nil {
		if err := st.base.check(v, refs); err != nil {
			return err
		}
	}
	return st.facets(v, utf8.RuneCountInString(v))
}

// facets checks this derivation step's facets; n is the value's length
// (characters, or items for a list).
func (st *simpleType) facets(v string, n int) error {
	if len(st.enums) > 0 {
		found := false
		for _, e := range st.enums {
			if e == v {
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("%q is not one of the allowed values %s", truncate(v), enumList(st.enums))
		}
	}
	if len(st.patterns) > 0 {
		found := false
		for _, re := range st.patterns {
			if re.MatchString(v) {
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("%q does not match the pattern %s", truncate(v), strings.Join(st.patSrc, " | "))
		}
	}
	unit := "characters"
	if st.variety == list {
		unit = "items"
	}
	if st.length != nil && n != *st.length {
		return fmt.Errorf("length is %d %s, want %d", n, unit, *st.length)
	}
	if st.minLen != nil && n < *st.minLen {
		return fmt.Errorf("length is %d %s, want at least %d", n, unit, *st.minLen)
	}
	if st.maxLen != nil && n > *st.maxLen {
		return fmt.Errorf("length is %d %s, want at most %d", n, unit, *st.maxLen)
	}
	if st.minInc != nil || st.maxInc != nil || st.minExc != nil || st.maxExc != nil {
		r, ok := new(big.Rat).SetString(v)
		if !ok {
			return fmt.Errorf("%q is not comparable with the type's bounds", truncate(v))
		}
		if st.minInc != nil && r.Cmp(st.minInc) < 0 {
			return fmt.Errorf("%s is below the minimum %s", v, st.minInc.RatString())
		}
		if st.maxInc != nil && r.Cmp(st.maxInc) > 0 {
			return fmt.Errorf("%s is above the maximum %s", v, st.maxInc.RatString())
		}
		if st.minExc != nil && r.Cmp(st.minExc) <= 0 {
			return fmt.Errorf("%s is not above %s", v, st.minExc.RatString())
		}
		if st.maxExc != nil && r.Cmp(st.maxExc) >= 0 {
			return fmt.Errorf("%s is not below %s", v, st.maxExc.RatString())
		}
	}
	return nil
}

func enumList(enums []string) string {
	if len(enums) > 12 {
		return "(" + strings.Join(enums[:12], ", ") + ", …)"
	}
	return "(" + strings.Join(enums, ", ") + ")"
}

// truncate keeps messages short when a value is long.
func truncate(v string) string {
	if len(v) <= 80 {
		return v
	}
	cut := 77
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return v[:cut] + "..."
}

// Lexical forms of the built-in types (XML Schema 1.0 Part 2).
var (
	reDecimal  = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)
	reInteger  = regexp.MustCompile(`^[+-]?[0-9]+$`)
	reDouble   = regexp.MustCompile(`^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|-?INF|NaN)$`)
	reDate     = regexp.MustCompile(`^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?$`)
	reDateTime = regexp.MustCompile(`^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$`)
	reTime     = regexp.MustCompile(`^([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$`)
	reDuration = regexp.MustCompile(`^-?P([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?$`)
	reGYear    = regexp.MustCompile(`^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$`)
	reLanguage = regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)
)

func lexicalRegexp(kind string, re *regexp.Regexp) func(string) error {
	return func(v string) error {
		if !re.MatchString(v) {
			return fmt.Errorf("%q is not a valid %s", truncate(v), kind)
		}
		return nil
	}
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if (year%4 == 0 && year%100 != 0) || year%400 == 0 {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// checkDate checks the ranges of a date's parts (year, month, day strings)
// and of its timezone.
func checkDate(y, m, d, tz string) bool {
	year, err := strconv.Atoi(y)
	if err != nil || year == 0 {
		return false
	}
	month, _ := strconv.Atoi(m)
	day, _ := strconv.Atoi(d)
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return false
	}
	return checkTZ(tz)
}

func checkTZ(tz string) bool {
	if len(tz) == 6 {
		h, _ := strconv.Atoi(tz[1:3])
		mi, _ := strconv.Atoi(tz[4:6])
		return h < 14 && mi < 60 || h == 14 && mi == 0
	}
	return true
}

func checkClock(h, mi, s, frac string) bool {
	hour, _ := strconv.Atoi(h)
	minute, _ := strconv.Atoi(mi)
	sec, _ := strconv.Atoi(s)
	if hour == 24 {
		return minute == 0 && sec == 0 && strings.Trim(frac, ".0") == ""
	}
	return hour < 24 && minute < 60 && sec < 60
}

func lexDate(v string) error {
	m := reDate.FindStringSubmatch(v)
	if m == nil || !checkDate(m[1], m[2], m[3], m[4]) {
		return fmt.Errorf("%q is not a valid xs:date (YYYY-MM-DD)", truncate(v))
	}
	return nil
}

func lexDateTime(v string) error {
	m := reDateTime.FindStringSubmatch(v)
	if m == nil || !checkDate(m[1], m[2], m[3], m[8]) || !checkClock(m[4], m[5], m[6], m[7]) {
		return fmt.Errorf("%q is not a valid xs:dateTime (YYYY-MM-DDThh:mm:ss)", truncate(v))
	}
	return nil
}

func lexTime(v string) error {
	m := reTime.FindStringSubmatch(v)
	if m == nil || !checkClock(m[1], m[2], m[3], m[4]) || !checkTZ(m[5]) {
		return fmt.Errorf("%q is not a valid xs:time", truncate(v))
	}
	return nil
}

func lexDuration(v string) error {
	if !reDuration.MatchString(v) || strings.HasSuffix(v, "P") || strings.HasSuffix(v, "T") {
		return fmt.Errorf("%q is not a valid xs:duration", truncate(v))
	}
	return nil
}

func lexBoolean(v string) error {
	switch v {
	case "true", "false", "1", "0":
		return nil
	}
	return fmt.Errorf("%q is not a valid xs:boolean (true, false, 1, 0)", truncate(v))
}

func isNameStart(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)
}

func isNameChar(r rune) bool {
	return isNameStart(r) || r == '-' || r == '.' || unicode.IsDigit(r) ||
		unicode.In(r, unicode.Mn, unicode.Mc, unicode.Lm) || r == '\u00B7'
}

func isNCName(v string) bool {
	if v == "" {
		return false
	}
	for i, r := range v {
		if i == 0 && !isNameStart(r) || !isNameChar(r) {
			return false
		}
	}
	return true
}

func lexNCName(kind string) func(string) error {
	return func(v string) error {
		if !isNCName(v) {
			return fmt.Errorf("%q is not a valid %s (an XML name without a colon)", truncate(v), kind)
		}
		return nil
	}
}

func lexName(v string) error {
	for _, part := range strings.Split(v, ":") {
		if part != "" && !isNCName(part) {
			return fmt.Errorf("%q is not a valid xs:Name", truncate(v))
		}
	}
	if v == "" || v[0] == '-' || v[0] == '.' {
		return fmt.Errorf("%q is not a valid xs:Name", truncate(v))
	}
	return nil
}

func lexNMTOKEN(v string) error {
	if v == "" {
		return fmt.Errorf("empty xs:NMTOKEN")
	}
	for _, r := range v {
		if !isNameChar(r) && r != ':' {
			return fmt.Errorf("%q is not a valid xs:NMTOKEN", truncate(v))
		}
	}
	return nil
}

func lexQName(v string) error {
	prefix, local, ok := strings.Cut(v, ":")
	if ok && !isNCName(prefix) || !isNCName(local) && !(!ok && isNCName(prefix)) {
		return fmt.Errorf("%q is not a valid xs:QName", truncate(v))
	}
	return nil
}

func lexBase64(v string) error {
	s := strings.Join(strings.Fields(v), "")
	if _, err := base64.StdEncoding.DecodeString(s); err != nil {
		return fmt.Errorf("not valid xs:base64Binary: %v", err)
	}
	return nil
}

func lexHex(v string) error {
	if _, err := hex.DecodeString(v); err != nil {
		return fmt.Errorf("%q is not valid xs:hexBinary", truncate(v))
	}
	return nil
}

func lexIntRange(kind string, lo, hi *big.Int) func(string) error {
	return func(v string) error {
		if !reInteger.MatchString(v) {
			return fmt.Errorf("%q is not a valid %s", truncate(v), kind)
		}
		n, _ := new(big.Int).SetString(strings.TrimPrefix(v, "+"), 10)
		if lo != nil && n.Cmp(lo) < 0 || hi != nil && n.Cmp(hi) > 0 {
			return fmt.Errorf("%s is out of the range of %s", truncate(v), kind)
		}
		return nil
	}
}

func bigInt(s string) *big.Int {
	n, _ := new(big.Int).SetString(s, 10)
	return n
}

// builtinTypes returns the XML Schema built-in simple types the validator
// knows, by name. Built-ins not listed are refused when a schema uses them.
func builtinTypes() map[qname]*simpleType {
	m := map[qname]*simpleType{}
	add := func(name string, ws whitespace, lex func(string) error) *simpleType {
		st := &simpleType{name: qname{namespaceXSD, name}, ws: ws, lexical: lex}
		m[st.name] = st
		return st
	}
	any := func(string) error { return nil }
	add("anySimpleType", wsPreserve, any)
	add("string", wsPreserve, any)
	add("normalizedString", wsReplace, any)
	add("token", wsCollapse, any)
	add("anyURI", wsCollapse, any)
	add("boolean", wsCollapse, lexBoolean)
	add("decimal", wsCollapse, lexicalRegexp("xs:decimal", reDecimal)).numeric = true
	add("double", wsCollapse, lexicalRegexp("xs:double", reDouble)).numeric = true
	add("float", wsCollapse, lexicalRegexp("xs:float", reDouble)).numeric = true
	for _, r := range []struct {
		name   string
		lo, hi string
	}{
		{"integer", "", ""}, {"nonNegativeInteger", "0", ""}, {"positiveInteger", "1", ""},
		{"nonPositiveInteger", "", "0"}, {"negativeInteger", "", "-1"},
		{"long", "-9223372036854775808", "9223372036854775807"}, {"int", "-2147483648", "2147483647"},
		{"short", "-32768", "32767"}, {"byte", "-128", "127"},
		{"unsignedLong", "0", "18446744073709551615"}, {"unsignedInt", "0", "4294967295"},
		{"unsignedShort", "0", "65535"}, {"unsignedByte", "0", "255"},
	} {
		var lo, hi *big.Int
		if r.lo != "" {
			lo = bigInt(r.lo)
		}
		if r.hi != "" {
			hi = bigInt(r.hi)
		}
		add(r.name, wsCollapse, lexIntRange("xs:"+r.name, lo, hi)).numeric = true
	}
	add("date", wsCollapse, lexDate)
	add("dateTime", wsCollapse, lexDateTime)
	add("time", wsCollapse, lexTime)
	add("duration", wsCollapse, lexDuration)
	add("gYear", wsCollapse, lexicalRegexp("xs:gYear", reGYear))
	add("language", wsCollapse, lexicalRegexp("xs:language", reLanguage))
	add("Name", wsCollapse, lexName)
	add("NCName", wsCollapse, lexNCName("xs:NCName"))
	add("NMTOKEN", wsCollapse, lexNMTOKEN)
	add("QName", wsCollapse, lexQName)
	add("base64Binary", wsCollapse, lexBase64)
	add("hexBinary", wsCollapse, lexHex)
	add("ID", wsCollapse, lexNCName("xs:ID")).id = idID
	idref := add("IDREF", wsCollapse, lexNCName("xs:IDREF"))
	idref.id = idIDREF
	listOf := func(name string, item *simpleType) {
		m[qname{namespaceXSD, name}] = &simpleType{
			name: qname{namespaceXSD, name}, variety: list, item: item, ws: wsCollapse, minLen: intp(1),
		}
	}
	listOf("IDREFS", idref)
	listOf("NMTOKENS", m[qname{namespaceXSD, "NMTOKEN"}])
	for _, name := range []string{"ENTITY", "ENTITIES", "NOTATION", "gYearMonth", "gMonthDay", "gDay", "gMonth"} {
		m[qname{namespaceXSD, name}] = &simpleType{name: qname{namespaceXSD, name}, unsupported: true}
	}
	return m
}
