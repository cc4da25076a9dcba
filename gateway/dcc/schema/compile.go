package schema

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// qname is an expanded XML name: namespace URI and local name.
type qname struct{ ns, local string }

func (q qname) String() string { return displayName(q.ns, q.local) }

// xnode is one element of a schema document, with the namespace bindings in
// scope at it (needed to resolve QName-valued attributes such as type="si:x").
type xnode struct {
	name     qname
	attrs    map[string]string // unqualified attributes only (the XSD ones)
	ns       map[string]string // prefix -> URI in scope
	children []*xnode
	doc      *xsdDoc
}

func (n *xnode) attr(name string) (string, bool) {
	v, ok := n.attrs[name]
	return v, ok
}

// xsdChildren returns the children in the XSD namespace other than annotations.
func (n *xnode) xsdChildren() []*xnode {
	var out []*xnode
	for _, c := range n.children {
		if c.name.ns == namespaceXSD && c.name.local != "annotation" {
			out = append(out, c)
		}
	}
	return out
}

// resolveQName turns a prefixed name from an attribute value into a qname.
func (n *xnode) resolveQName(v string) (qname, error) {
	v = strings.TrimSpace(v)
	prefix, local, ok := strings.Cut(v, ":")
	if !ok {
		prefix, local = "", v
	}
	uri, found := n.ns[prefix]
	if !found {
		if prefix == "" {
			return qname{"", local}, nil
		}
		return qname{}, fmt.Errorf("undeclared prefix %q in %q", prefix, v)
	}
	return qname{uri, local}, nil
}

// xsdDoc is one parsed schema document.
type xsdDoc struct {
	file            string
	targetNS        string
	qualifiedElems  bool
	qualifiedAttrs  bool
	root            *xnode
	importedSchemas []string // namespaces imported
}

// parseXSD reads a schema document into a tree.
func parseXSD(file string, data []byte) (*xsdDoc, error) {
	doc := &xsdDoc{file: file}
	d := xml.NewDecoder(bytes.NewReader(data))
	var stack []*xnode
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			parentNS := map[string]string{"xml": "http://www.w3.org/XML/1998/namespace"}
			if len(stack) > 0 {
				parentNS = stack[len(stack)-1].ns
			}
			ns, copied := parentNS, false
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					if !copied {
						ns, copied = copyMap(parentNS), true
					}
					if a.Name.Space == "xmlns" {
						ns[a.Name.Local] = a.Value
					} else {
						ns[""] = a.Value
					}
				}
			}
			n := &xnode{attrs: map[string]string{}, ns: ns, doc: doc}
			uri, ok := ns[t.Name.Space]
			if !ok && t.Name.Space != "" {
				return nil, fmt.Errorf("%s: undeclared prefix %q", file, t.Name.Space)
			}
			n.name = qname{uri, t.Name.Local}
			for _, a := range t.Attr {
				if a.Name.Space == "" && a.Name.Local != "xmlns" {
					n.attrs[a.Name.Local] = a.Value
				}
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else {
				doc.root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	if doc.root == nil || doc.root.name != (qname{namespaceXSD, "schema"}) {
		return nil, fmt.Errorf("%s: root is not xs:schema", file)
	}
	doc.targetNS = doc.root.attrs["targetNamespace"]
	doc.qualifiedElems = doc.root.attrs["elementFormDefault"] == "qualified"
	doc.qualifiedAttrs = doc.root.attrs["attributeFormDefault"] == "qualified"
	return doc, nil
}

func copyMap(m map[string]string) map[string]string {
	c := make(map[string]string, len(m)+2)
	for k, v := range m {
		c[k] = v
	}
	return c
}

// schemaSet is a compiled schema: the global components of the DCC schema and
// of everything it imports.
type schemaSet struct {
	elements map[qname]*elementDecl
	// substitutes maps a substitution group head to its members (transitively).
	substitutes map[qname][]*elementDecl

	// compile-time state
	elementNodes map[qname]*xnode
	typeNodes    map[qname]*xnode
	complexTypes map[*xnode]*complexType
	simpleTypes  map[*xnode]*simpleType
	namedSimple  map[qname]*simpleType // built-ins and provided types
}

// compileSchemaSet compiles the DCC schema in file with the embedded D-SI
// schema and the provided QUDT type, resolving imports to embedded files only.
func compileSchemaSet(file string) (*schemaSet, error) {
	s := &schemaSet{
		elements:     map[qname]*elementDecl{},
		substitutes:  map[qname][]*elementDecl{},
		elementNodes: map[qname]*xnode{},
		typeNodes:    map[qname]*xnode{},
		complexTypes: map[*xnode]*complexType{},
		simpleTypes:  map[*xnode]*simpleType{},
		namedSimple:  builtinTypes(),
	}
	// The QUDT vocabulary D-SI imports for quantityTypeQUDT is not
	// available: provide its one simple type as a string, which accepts
	// every QUDT quantity kind name (and, unavoidably, other strings).
	s.namedSimple[qname{namespaceQUDT, "quantitykind"}] = &simpleType{
		name: qname{namespaceQUDT, "quantitykind"}, base: s.namedSimple[qname{namespaceXSD, "string"}], variety: atomic, ws: wsPreserve,
	}
	loaded := map[string]bool{}
	var load func(file string) error
	load = func(file string) error {
		if loaded[file] {
			return nil
		}
		loaded[file] = true
		data, err := schemaFiles.ReadFile(file)
		if err != nil {
			return err
		}
		doc, err := parseXSD(file, data)
		if err != nil {
			return err
		}
		for _, c := range doc.root.xsdChildren() {
			switch c.name.local {
			case "import":
				switch ns := c.attrs["namespace"]; ns {
				case NamespaceSI:
					if err := load(dsiFile); err != nil {
						return err
					}
				case namespaceQUDT:
					// provided above
				default:
					return fmt.Errorf("%s: import of namespace %q has no embedded schema", file, ns)
				}
			case "element":
				q := qname{doc.targetNS, c.attrs["name"]}
				if _, dup := s.elementNodes[q]; dup {
					return fmt.Errorf("%s: element %s declared twice", file, q)
				}
				s.elementNodes[q] = c
			case "complexType", "simpleType":
				q := qname{doc.targetNS, c.attrs["name"]}
				if _, dup := s.typeNodes[q]; dup {
					return fmt.Errorf("%s: type %s declared twice", file, q)
				}
				s.typeNodes[q] = c
			default:
				return fmt.Errorf("%s: unsupported top-level xs:%s", file, c.name.local)
			}
		}
		return nil
	}
	if err := load(file); err != nil {
		return nil, err
	}
	for q := range s.elementNodes {
		if _, err := s.globalElement(q); err != nil {
			return nil, err
		}
	}
	for q, n := range s.typeNodes {
		if _, err := s.typeOf(q, n); err != nil {
			return nil, err
		}
	}
	// Substitution groups, transitively.
	for _, e := range s.elements {
		for head := e.substHead; head != (qname{}); {
			s.substitutes[head] = append(s.substitutes[head], e)
			h, ok := s.elements[head]
			if !ok {
				return nil, fmt.Errorf("element %s: substitution group head %s is not declared", e.name, head)
			}
			head = h.substHead
		}
	}
	for head, members := range s.substitutes {
		h := s.elements[head]
		for _, m := range members {
			if m.typ == nil && h != nil {
				m.typ = h.typ
			}
		}
	}
	// Drop compile-time state: the set is read-only from here on.
	s.elementNodes, s.typeNodes, s.complexTypes, s.simpleTypes = nil, nil, nil, nil
	return s, nil
}

// globalElement compiles the global element declaration q.
func (s *schemaSet) globalElement(q qname) (*elementDecl, error) {
	if e, ok := s.elements[q]; ok {
		return e, nil
	}
	n, ok := s.elementNodes[q]
	if !ok {
		return nil, fmt.Errorf("element %s is not declared", q)
	}
	e := &elementDecl{name: q, abstract: n.attrs["abstract"] == "true"}
	s.elements[q] = e // before the type, so recursive references resolve
	if sg, ok := n.attr("substitutionGroup"); ok {
		h, err := n.resolveQName(sg)
		if err != nil {
			return nil, err
		}
		e.substHead = h
	}
	if err := s.elementType(e, n); err != nil {
		return nil, fmt.Errorf("element %s: %w", q, err)
	}
	return e, nil
}

// elementType sets e's type from the declaration node n.
func (s *schemaSet) elementType(e *elementDecl, n *xnode) error {
	for _, a := range []string{"default", "fixed", "nillable", "block", "final", "form"} {
		if _, ok := n.attrs[a]; ok {
			return fmt.Errorf("unsupported attribute %s on xs:element", a)
		}
	}
	if t, ok := n.attr("type"); ok {
		q, err := n.resolveQName(t)
		if err != nil {
			return err
		}
		typ, err := s.typeByName(q)
		if err != nil {
			return err
		}
		e.typ = typ
		return nil
	}
	for _, c := range n.xsdChildren() {
		switch c.name.local {
		case "complexType":
			ct, err := s.complexType(c)
			if err != nil {
				return err
			}
			e.typ = ct
		case "simpleType":
			st, err := s.simpleType(c)
			if err != nil {
				return err
			}
			e.typ = st
		default:
			return fmt.Errorf("unsupported xs:%s in xs:element", c.name.local)
		}
	}
	if e.typ == nil && e.substHead == (qname{}) {
		e.typ = anyType
	}
	return nil
}

// typeByName resolves a named type: built-in, provided or declared.
func (s *schemaSet) typeByName(q qname) (typeDef, error) {
	if st, ok := s.namedSimple[q]; ok {
		if st.unsupported {
			return nil, fmt.Errorf("built-in type %s is not supported", q)
		}
		return st, nil
	}
	if q == (qname{namespaceXSD, "anyType"}) {
		return anyType, nil
	}
	n, ok := s.typeNodes[q]
	if !ok {
		return nil, fmt.Errorf("type %s is not declared", q)
	}
	return s.typeOf(q, n)
}

func (s *schemaSet) typeOf(q qname, n *xnode) (typeDef, error) {
	var (
		t   typeDef
		err error
	)
	if n.name.local == "complexType" {
		t, err = s.complexType(n)
	} else {
		t, err = s.simpleType(n)
	}
	if err != nil {
		return nil, fmt.Errorf("type %s: %w", q, err)
	}
	return t, nil
}

// simpleTypeByName resolves a QName that must name a simple type.
func (s *schemaSet) simpleTypeByName(q qname) (*simpleType, error) {
	t, err := s.typeByName(q)
	if err != nil {
		return nil, err
	}
	st, ok := t.(*simpleType)
	if !ok {
		return nil, fmt.Errorf("%s is not a simple type", q)
	}
	return st, nil
}

// complexType compiles an xs:complexType node.
func (s *schemaSet) complexType(n *xnode) (*complexType, error) {
	if ct, ok := s.complexTypes[n]; ok {
		return ct, nil
	}
	ct := &complexType{attrs: map[qname]*attrDecl{}}
	if name, ok := n.attr("name"); ok {
		ct.name = qname{n.doc.targetNS, name}
	}
	s.complexTypes[n] = ct
	for _, a := range []string{"mixed", "abstract", "block", "final"} {
		if v, ok := n.attrs[a]; ok && v != "false" {
			return nil, fmt.Errorf("unsupported attribute %s on xs:complexType", a)
		}
	}
	for _, c := range n.xsdChildren() {
		switch c.name.local {
		case "sequence", "choice", "all":
			p, err := s.particle(c)
			if err != nil {
				return nil, err
			}
			ct.content = p
		case "attribute":
			if err := s.attribute(ct, c); err != nil {
				return nil, err
			}
		case "simpleContent":
			if err := s.simpleContent(ct, c); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unsupported xs:%s in xs:complexType", c.name.local)
		}
	}
	if err := ct.compileContent(); err != nil {
		return nil, err
	}
	return ct, nil
}

// simpleContent compiles an xs:simpleContent with an xs:extension (the only
// derivation the DCC schemas use there).
func (s *schemaSet) simpleContent(ct *complexType, n *xnode) error {
	kids := n.xsdChildren()
	if len(kids) != 1 || kids[0].name.local != "extension" {
		return fmt.Errorf("xs:simpleContent: only xs:extension is supported")
	}
	ext := kids[0]
	bq, err := ext.resolveQName(ext.attrs["base"])
	if err != nil {
		return err
	}
	base, err := s.typeByName(bq)
	if err != nil {
		return err
	}
	switch b := base.(type) {
	case *simpleType:
		ct.simple = b
	case *complexType:
		if b.simple == nil {
			return fmt.Errorf("xs:simpleContent extends %s, which has no simple content", bq)
		}
		ct.simple = b.simple
		for q, a := range b.attrs {
			ct.attrs[q] = a
			ct.attrOrder = append(ct.attrOrder, q)
		}
	}
	for _, c := range ext.xsdChildren() {
		if c.name.local != "attribute" {
			return fmt.Errorf("unsupported xs:%s in xs:extension", c.name.local)
		}
		if err := s.attribute(ct, c); err != nil {
			return err
		}
	}
	return nil
}

// attribute compiles a local xs:attribute into ct.
func (s *schemaSet) attribute(ct *complexType, n *xnode) error {
	if _, ok := n.attr("ref"); ok {
		return fmt.Errorf("xs:attribute ref is not supported")
	}
	for _, a := range []string{"default", "fixed", "form"} {
		if _, ok := n.attrs[a]; ok {
			return fmt.Errorf("unsupported attribute %s on xs:attribute", a)
		}
	}
	name := n.attrs["name"]
	q := qname{"", name}
	if n.doc.qualifiedAttrs {
		q.ns = n.doc.targetNS
	}
	a := &attrDecl{name: q}
	switch use := n.attrs["use"]; use {
	case "required":
		a.required = true
	case "", "optional":
	case "prohibited":
		a.prohibited = true
	default:
		return fmt.Errorf("attribute %s: unknown use %q", name, use)
	}
	if t, ok := n.attr("type"); ok {
		tq, err := n.resolveQName(t)
		if err != nil {
			return err
		}
		if a.typ, err = s.simpleTypeByName(tq); err != nil {
			return fmt.Errorf("attribute %s: %w", name, err)
		}
	}
	for _, c := range n.xsdChildren() {
		if c.name.local != "simpleType" {
			return fmt.Errorf("attribute %s: unsupported xs:%s", name, c.name.local)
		}
		st, err := s.simpleType(c)
		if err != nil {
			return fmt.Errorf("attribute %s: %w", name, err)
		}
		a.typ = st
	}
	if a.typ == nil {
		a.typ = s.namedSimple[qname{namespaceXSD, "anySimpleType"}]
	}
	if _, dup := ct.attrs[q]; !dup {
		ct.attrOrder = append(ct.attrOrder, q)
	}
	ct.attrs[q] = a
	return nil
}

// particle compiles xs:sequence, xs:choice, xs:all, xs:element (local or
// ref) and xs:any.
func (s *schemaSet) particle(n *xnode) (*particle, error) {
	p := &particle{min: 1, max: 1}
	if v, ok := n.attr("minOccurs"); ok {
		m, err := strconv.Atoi(v)
		if err != nil || m < 0 {
			return nil, fmt.Errorf("bad minOccurs %q", v)
		}
		p.min = m
	}
	if v, ok := n.attr("maxOccurs"); ok {
		if v == "unbounded" {
			p.max = unbounded
		} else {
			m, err := strconv.Atoi(v)
			if err != nil || m < 0 {
				return nil, fmt.Errorf("bad maxOccurs %q", v)
			}
			p.max = m
		}
	}
	if p.max != unbounded && p.max < p.min {
		return nil, fmt.Errorf("maxOccurs %d < minOccurs %d", p.max, p.min)
	}
	switch n.name.local {
	case "sequence", "choice", "all":
		p.kind = map[string]particleKind{"sequence": pSequence, "choice": pChoice, "all": pAll}[n.name.local]
		for _, c := range n.xsdChildren() {
			switch c.name.local {
			case "element", "any", "sequence", "choice":
			default:
				return nil, fmt.Errorf("unsupported xs:%s in xs:%s", c.name.local, n.name.local)
			}
			cp, err := s.particle(c)
			if err != nil {
				return nil, err
			}
			if p.kind == pAll && (cp.kind != pElement || cp.max > 1) {
				return nil, fmt.Errorf("xs:all may hold only elements with maxOccurs 1")
			}
			p.children = append(p.children, cp)
		}
	case "element":
		p.kind = pElement
		if ref, ok := n.attr("ref"); ok {
			q, err := n.resolveQName(ref)
			if err != nil {
				return nil, err
			}
			e, err := s.globalElement(q)
			if err != nil {
				return nil, err
			}
			p.elem = e
			return p, nil
		}
		q := qname{"", n.attrs["name"]}
		if n.doc.qualifiedElems || n.attrs["form"] == "qualified" {
			q.ns = n.doc.targetNS
		}
		e := &elementDecl{name: q}
		if err := s.elementType(e, n); err != nil {
			return nil, fmt.Errorf("element %s: %w", q, err)
		}
		p.elem = e
	case "any":
		p.kind = pAny
		p.process = n.attrs["processContents"]
		switch p.process {
		case "":
			p.process = "strict"
		case "strict", "lax", "skip":
		default:
			return nil, fmt.Errorf("xs:any: unknown processContents %q", p.process)
		}
		p.targetNS = n.doc.targetNS
		p.namespaces = strings.Fields(n.attrs["namespace"])
		if len(p.namespaces) == 0 {
			p.namespaces = []string{"##any"}
		}
	default:
		return nil, fmt.Errorf("unsupported particle xs:%s", n.name.local)
	}
	return p, nil
}
