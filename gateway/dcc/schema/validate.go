package schema

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// prefixOf gives the prefixes used in element paths.
var prefixOf = map[string]string{NamespaceDCC: "dcc", NamespaceSI: "si", NamespaceDSig: "ds"}

// displayName renders an expanded name with the conventional prefix.
func displayName(ns, local string) string {
	if ns == "" {
		return local
	}
	if p, ok := prefixOf[ns]; ok {
		return p + ":" + local
	}
	return "{" + ns + "}" + local
}

// xmlDeclVersion is the start every XML declaration must have (encoding/xml
// does not insist on it).
var xmlDeclVersion = regexp.MustCompile(`^\s*version\s*=\s*("1\.0"|'1\.0')`)

// xmlDeclEncoding finds the encoding of an XML declaration; encodingName is
// what it may be (encoding/xml itself refuses every encoding but UTF-8).
var (
	xmlDeclEncoding = regexp.MustCompile(`\sencoding\s*=\s*("|')([^"']*)("|')`)
	encodingName    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]*$`)
)

// frameMode says how an open element's content is treated.
type frameMode int

const (
	modeComplex frameMode = iota // element-only content, checked against model
	modeAll                      // xs:all content
	modeSimple                   // text only (simple type or simple content)
	modeEmpty                    // no content
	modeLax                      // no declaration: children validated where declared
	modeSkip                     // not validated at all
)

// frame is one open element.
type frame struct {
	loc     loc
	line    int
	mode    frameMode
	ct      *complexType
	st      *simpleType
	set     []int          // automaton states (modeComplex)
	seen    map[qname]bool // modeAll
	text    strings.Builder
	textErr bool
	// broken is set after an unexpected child: like libxml2, the rest of
	// the content model is not checked, so one misplaced element makes one
	// error rather than a cascade.
	broken   bool
	children map[qname]int
}

// loc is where an element is: its parent's frame, its name and its position
// among its parent's children of that name. The path string is built only
// when an error names it, so deep documents cost no quadratic string work.
type loc struct {
	parent *frame
	name   qname
	index  int
}

// String renders the path, e.g. /dcc:a/dcc:b[2]/si:c.
func (l loc) String() string {
	if l.name == (qname{}) {
		return "/"
	}
	var parts []string
	for at := l; ; at = at.parent.loc {
		p := at.name.String()
		if at.index > 1 {
			p += "[" + strconv.Itoa(at.index) + "]"
		}
		parts = append(parts, p)
		if at.parent == nil {
			break
		}
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString("/")
		b.WriteString(parts[i])
	}
	return b.String()
}

// validation is the state of one Validate call.
type validation struct {
	doc    []byte
	limits Limits
	res    Result
	set    *schemaSet

	// line tracking: line of byte offset lineOff is line.
	lineOff int64
	line    int

	ids              map[string]int // ID -> line
	idrefs           []idref
	stack            []*frame
	signatureSkipped bool
	errTotal         int
}

type idref struct {
	value string
	loc   loc
	line  int
}

func newValidation(doc []byte, l Limits) *validation {
	return &validation{doc: doc, limits: l, line: 1, ids: map[string]int{}}
}

// errorf records an error unless the cap is reached.
func (v *validation) errorf(line int, where loc, format string, args ...any) {
	v.errTotal++
	if len(v.res.Errors) >= v.limits.MaxErrors {
		v.res.Truncated = true
		return
	}
	v.res.Errors = append(v.res.Errors, Error{Line: line, Element: where.String(), Message: fmt.Sprintf(format, args...)})
}

// lineAt returns the line of byte offset off; offsets only grow.
func (v *validation) lineAt(off int64) int {
	if off > int64(len(v.doc)) {
		off = int64(len(v.doc))
	}
	if off > v.lineOff {
		v.line += bytes.Count(v.doc[v.lineOff:off], []byte{'\n'})
		v.lineOff = off
	}
	return v.line
}

// refuse ends validation with one error: the document cannot be read safely.
func (v *validation) refuse(line int, format string, args ...any) Result {
	v.res.Validated = false
	v.res.Errors = nil
	v.res.Truncated = false
	v.errTotal = 0
	v.errorf(line, loc{}, format, args...)
	v.res.Message = "refused: " + v.res.Errors[0].Message
	v.res.Reason, v.res.Params = ReasonRefused, map[string]string{"detail": v.res.Errors[0].Message}
	return v.res
}

func (v *validation) run() Result {
	if len(v.doc) > v.limits.MaxBytes {
		return v.refuse(0, "document is %d bytes, more than the limit of %d", len(v.doc), v.limits.MaxBytes)
	}
	d := xml.NewDecoder(bytes.NewReader(v.doc))
	d.Strict = true
	rootSeen := false
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		line := v.lineAt(off)
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return v.refuse(se.Line, "not well-formed XML: %s", se.Msg)
			}
			return v.refuse(line, "not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			// DOCTYPE, and with it every entity and DTD declaration, is
			// refused outright: nothing is expanded, nothing is fetched.
			return v.refuse(line, "document type declarations (DOCTYPE, ENTITY) are not accepted")
		case xml.ProcInst:
			if t.Target == "xml" {
				if off != 0 {
					return v.refuse(line, "not well-formed XML: the XML declaration is not at the start")
				}
				if !xmlDeclVersion.Match(t.Inst) {
					return v.refuse(line, "not well-formed XML: the XML declaration does not start with version=\"1.0\"")
				}
				if m := xmlDeclEncoding.FindSubmatch(t.Inst); m != nil && !encodingName.Match(m[2]) {
					return v.refuse(line, "not well-formed XML: bad encoding name %q in the XML declaration", truncate(string(m[2])))
				}
			}
		case xml.StartElement:
			if rootSeen && len(v.stack) == 0 {
				return v.refuse(line, "not well-formed XML: a second root element")
			}
			if len(v.stack) >= v.limits.MaxDepth {
				return v.refuse(line, "elements nested deeper than %d", v.limits.MaxDepth)
			}
			if !rootSeen {
				rootSeen = true
				if res, stop := v.root(t, line); stop {
					return res
				}
				continue
			}
			v.start(t, line)
		case xml.EndElement:
			v.end()
		case xml.CharData:
			if len(v.stack) == 0 && len(bytes.TrimSpace(t)) > 0 {
				return v.refuse(line, "not well-formed XML: text outside the root element")
			}
			v.chars(t, line)
		}
	}
	if !rootSeen {
		return v.refuse(v.line, "no root element")
	}
	v.finish()
	return v.res
}

// root picks the schema from the root element's schemaVersion and opens it.
func (v *validation) root(t xml.StartElement, line int) (Result, bool) {
	name := qname{t.Name.Space, t.Name.Local}
	for _, a := range t.Attr {
		if a.Name.Space == "" && a.Name.Local == "schemaVersion" {
			v.res.Version = a.Value
		}
	}
	path := loc{name: name, index: 1}
	if name != (qname{NamespaceDCC, rootElementDCC}) {
		v.errorf(line, path, "root element is %s, not dcc:%s", name, rootElementDCC)
		v.res.Message = "not a DCC"
		v.res.Reason, v.res.Params = ReasonNotDCC, map[string]string{"root": name.String()}
		v.stack = append(v.stack, &frame{loc: path, line: line, mode: modeSkip})
		return Result{}, false
	}
	switch {
	case v.res.Version == "":
		v.errorf(line, path, "attribute schemaVersion is missing")
		v.res.Message = "no schemaVersion: not validated"
		v.res.Reason = ReasonNoVersion
	case !versionPattern.MatchString(v.res.Version):
		v.errorf(line, path, "schemaVersion %q is not a version (want N.N.N)", truncate(v.res.Version))
		v.res.Message = "bad schemaVersion: not validated"
		v.res.Reason, v.res.Params = ReasonBadVersion, map[string]string{"version": truncate(v.res.Version)}
	default:
		set, err := schemaFor(v.res.Version)
		if err != nil {
			// An embedded schema that does not compile is a defect of this
			// program, not of the document; say so rather than pass it.
			return v.refuse(line, "%v", err), true
		}
		if set == nil {
			v.res.Message = fmt.Sprintf("not schema-validated: no schema for DCC %s is embedded (embedded: %s)",
				v.res.Version, strings.Join(Versions(), ", "))
			v.res.Reason, v.res.Params = ReasonNoSchema, map[string]string{"version": v.res.Version, "embedded": strings.Join(Versions(), ", ")}
		} else {
			v.set = set
			v.res.Validated = true
		}
	}
	if v.set == nil {
		v.stack = append(v.stack, &frame{loc: path, line: line, mode: modeSkip})
		return Result{}, false
	}
	decl := v.set.elements[name]
	v.open(decl, t, path, line)
	return Result{}, false
}

// start handles a child element's start tag.
func (v *validation) start(t xml.StartElement, line int) {
	parent := v.stack[len(v.stack)-1]
	name := qname{t.Name.Space, t.Name.Local}
	if parent.children == nil {
		parent.children = map[qname]int{}
	}
	parent.children[name]++
	path := loc{parent: parent, name: name, index: parent.children[name]}
	push := func(mode frameMode) {
		v.stack = append(v.stack, &frame{loc: path, line: line, mode: mode})
	}
	switch parent.mode {
	case modeSkip:
		push(modeSkip)
		return
	case modeLax:
		if d, ok := v.set.elements[name]; ok {
			v.open(d, t, path, line)
		} else {
			push(modeLax)
		}
		return
	case modeSimple, modeEmpty:
		if !parent.textErr {
			kind := "simple"
			if parent.mode == modeEmpty {
				kind = "empty"
			}
			v.errorf(line, path, "element not allowed: %s has %s content", parent.loc, kind)
			parent.textErr = true
		}
		push(modeSkip)
		return
	}
	// An enveloped XML signature as the root's last child is not part of
	// the certificate the schema describes (the enveloped-signature
	// transform removes it before signing); the signature check covers it.
	if len(v.stack) == 1 && name == (qname{NamespaceDSig, "Signature"}) {
		v.signatureSkipped = true
		push(modeSkip)
		return
	}
	if parent.broken {
		if d, ok := v.set.elements[name]; ok {
			v.open(d, t, path, line)
		} else {
			push(modeSkip)
		}
		return
	}
	var (
		leaf *particle
		decl *elementDecl
	)
	if parent.mode == modeAll {
		for _, c := range parent.ct.content.children {
			if d, ok := leafMatches(c, name, v.set.substitutes); ok {
				leaf, decl = c, d
				break
			}
		}
		if leaf != nil && parent.seen[leaf.elem.name] {
			v.errorf(line, path, "element %s appears more than once", name)
			push(modeSkip)
			return
		}
		if leaf != nil {
			parent.seen[leaf.elem.name] = true
		}
	} else {
		var next []int
		leaf, decl, next = parent.ct.model.step(parent.set, name, v.set.substitutes)
		if leaf != nil {
			parent.set = next
		}
	}
	if leaf == nil {
		v.errorf(line, path, "unexpected element %s; expected %s", name, v.expected(parent))
		parent.broken = parent.mode == modeComplex
		if d, ok := v.set.elements[name]; ok {
			v.open(d, t, path, line)
		} else {
			push(modeSkip)
		}
		return
	}
	if leaf.kind == pAny {
		d, ok := v.set.elements[name]
		switch {
		case leaf.process == "skip":
			push(modeSkip)
		case ok:
			v.open(d, t, path, line)
		case leaf.process == "lax":
			push(modeLax)
		default:
			v.errorf(line, path, "no declaration for %s, which the strict wildcard requires", name)
			push(modeSkip)
		}
		return
	}
	if decl.abstract {
		v.errorf(line, path, "element %s is abstract; use a member of its substitution group", name)
	}
	v.open(decl, t, path, line)
}

// expected describes what the parent's content model allows next.
func (v *validation) expected(f *frame) string {
	var names []string
	if f.mode == modeAll {
		for _, c := range f.ct.content.children {
			if !f.seen[c.elem.name] {
				names = append(names, c.elem.name.String())
			}
		}
	} else {
		names = f.ct.model.expected(f.set)
	}
	if len(names) == 0 {
		return "no more elements"
	}
	if len(names) > 10 {
		names = append(names[:10], "…")
	}
	return "one of: " + strings.Join(names, ", ")
}

// open pushes the frame of an element with declaration d and checks its
// attributes.
func (v *validation) open(d *elementDecl, t xml.StartElement, path loc, line int) {
	f := &frame{loc: path, line: line}
	v.stack = append(v.stack, f)
	var ct *complexType
	switch typ := d.typ.(type) {
	case *simpleType:
		f.mode, f.st = modeSimple, typ
	case *complexType:
		ct = typ
		f.ct = ct
		switch {
		case ct.simple != nil:
			f.mode, f.st = modeSimple, ct.simple
		case ct.content == nil:
			f.mode = modeEmpty
		case ct.content.kind == pAll:
			f.mode, f.seen = modeAll, map[qname]bool{}
		default:
			f.mode, f.set = modeComplex, ct.model.initial()
		}
	default:
		f.mode = modeLax
	}
	seen := map[qname]bool{}
	for _, a := range t.Attr {
		an := qname{a.Name.Space, a.Name.Local}
		switch {
		case a.Name.Space == "xmlns", a.Name.Space == "" && a.Name.Local == "xmlns":
			continue
		case a.Name.Space == namespaceXSI:
			switch a.Name.Local {
			case "schemaLocation", "noNamespaceSchemaLocation":
				// The document cannot choose its schema: ignored.
			default:
				v.errorf(line, path, "attribute xsi:%s is not supported", a.Name.Local)
			}
			continue
		}
		if ct == nil {
			v.errorf(line, path, "attribute %s not allowed: the element has a simple type", an)
			continue
		}
		if ct.anyAttrs {
			continue
		}
		decl, ok := ct.attrs[an]
		if !ok || decl.prohibited {
			v.errorf(line, path, "attribute %s is not allowed", an)
			continue
		}
		seen[an] = true
		v.checkValue(decl.typ, a.Value, line, path, "attribute "+an.String())
	}
	if ct != nil {
		for _, q := range ct.attrOrder {
			if a := ct.attrs[q]; a.required && !seen[q] {
				v.errorf(line, path, "required attribute %s is missing", q)
			}
		}
	}
}

// checkValue validates a text or attribute value and records IDs/IDREFs.
func (v *validation) checkValue(st *simpleType, value string, line int, path loc, what string) {
	refs, err := st.validate(value)
	if err != nil {
		v.errorf(line, path, "%s: %v", what, err)
		return
	}
	for _, r := range refs {
		switch r.kind {
		case idID:
			if first, dup := v.ids[r.value]; dup {
				v.errorf(line, path, "%s: ID %q is already used on line %d", what, truncate(r.value), first)
			} else {
				v.ids[r.value] = line
			}
		case idIDREF:
			v.idrefs = append(v.idrefs, idref{r.value, path, line})
		}
	}
}

// chars handles character data.
func (v *validation) chars(t xml.CharData, line int) {
	if len(v.stack) == 0 {
		return
	}
	f := v.stack[len(v.stack)-1]
	switch f.mode {
	case modeSimple:
		if f.text.Len()+len(t) <= v.limits.MaxBytes {
			f.text.Write(t)
		}
	case modeComplex, modeAll, modeEmpty:
		if !f.textErr && len(bytes.TrimSpace(t)) > 0 {
			v.errorf(line, f.loc, "text %q not allowed in element-only content", truncate(strings.TrimSpace(string(t))))
			f.textErr = true
		}
	}
}

// end closes the innermost element.
func (v *validation) end() {
	f := v.stack[len(v.stack)-1]
	v.stack = v.stack[:len(v.stack)-1]
	switch f.mode {
	case modeSimple:
		if !f.textErr {
			v.checkValue(f.st, f.text.String(), f.line, f.loc, "value")
		}
	case modeComplex:
		if !f.broken && !f.ct.model.accepting(f.set) {
			v.errorf(f.line, f.loc, "content is incomplete: missing %s", strings.TrimPrefix(v.expected(f), "one of: "))
		}
	case modeAll:
		var missing []string
		for _, c := range f.ct.content.children {
			if c.min > 0 && !f.seen[c.elem.name] {
				missing = append(missing, c.elem.name.String())
			}
		}
		if len(missing) > 0 {
			v.errorf(f.line, f.loc, "required element %s is missing", strings.Join(missing, ", "))
		}
	}
}

// finish checks IDREFs and writes the summary.
func (v *validation) finish() {
	for _, r := range v.idrefs {
		if _, ok := v.ids[r.value]; !ok {
			v.errorf(r.line, r.loc, "IDREF %q names no element's ID", truncate(r.value))
		}
	}
	sort.SliceStable(v.res.Errors, func(i, j int) bool { return v.res.Errors[i].Line < v.res.Errors[j].Line })
	if !v.res.Validated {
		if v.res.Message == "" {
			v.res.Message = "not validated"
		}
		if v.res.Reason == "" {
			v.res.Reason = ReasonNotValidated
		}
		return
	}
	sig := ""
	if v.signatureSkipped {
		sig = "; the enveloped ds:Signature is left to the signature check"
	}
	if len(v.res.Errors) == 0 {
		v.res.Message = fmt.Sprintf("valid against DCC schema %s (D-SI 2.2.0)%s", v.res.Version, sig)
	} else {
		more := ""
		if v.res.Truncated {
			more = fmt.Sprintf(" (first %d shown)", len(v.res.Errors))
		}
		noun := "errors"
		if v.errTotal == 1 {
			noun = "error"
		}
		v.res.Message = fmt.Sprintf("invalid against DCC schema %s: %d %s%s%s", v.res.Version, v.errTotal, noun, more, sig)
	}
}
