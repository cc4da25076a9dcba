package schema

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// elementDecl is a compiled element declaration (global or local).
type elementDecl struct {
	name      qname
	typ       typeDef // *simpleType or *complexType
	abstract  bool
	substHead qname
}

// typeDef is a *simpleType or a *complexType.
type typeDef interface{}

// complexType is a compiled complex type.
type complexType struct {
	name      qname
	attrs     map[qname]*attrDecl
	attrOrder []qname
	anyAttrs  bool // xs:anyType: every attribute is allowed
	// simple is the type of the text of a simple-content type.
	simple *simpleType
	// content is the element-only content model; nil with simple == nil
	// means empty content.
	content *particle
	model   *automaton // compiled content (not for xs:all)
}

// anyType is xs:anyType: any attributes, any content, validated laxly.
var anyType = &complexType{
	name:     qname{namespaceXSD, "anyType"},
	attrs:    map[qname]*attrDecl{},
	anyAttrs: true,
	content: &particle{kind: pSequence, min: 1, max: 1, children: []*particle{
		{kind: pAny, min: 0, max: unbounded, process: "lax", namespaces: []string{"##any"}},
	}},
}

func init() {
	if err := anyType.compileContent(); err != nil {
		panic(err)
	}
}

// attrDecl is a compiled attribute declaration.
type attrDecl struct {
	name       qname
	typ        *simpleType
	required   bool
	prohibited bool
}

type particleKind int

const (
	pElement particleKind = iota
	pAny
	pSequence
	pChoice
	pAll
)

// unbounded is maxOccurs="unbounded".
const unbounded = -1

// particle is one term of a content model with its occurrence range.
type particle struct {
	kind     particleKind
	min, max int
	// pElement
	elem *elementDecl
	// pAny
	namespaces []string // ##any, ##other, ##targetNamespace, ##local or URIs
	process    string   // strict, lax, skip
	targetNS   string
	// groups
	children []*particle
}

// describe names what a leaf particle accepts, for messages.
func (p *particle) describe() string {
	if p.kind == pElement {
		return p.elem.name.String()
	}
	return "any element (" + strings.Join(p.namespaces, " ") + ")"
}

// allows reports whether the wildcard p admits an element of namespace ns.
func (p *particle) allows(ns string) bool {
	for _, c := range p.namespaces {
		switch c {
		case "##any":
			return true
		case "##other":
			if ns != p.targetNS && ns != "" {
				return true
			}
		case "##targetNamespace":
			if ns == p.targetNS {
				return true
			}
		case "##local":
			if ns == "" {
				return true
			}
		default:
			if ns == c {
				return true
			}
		}
	}
	return false
}

// maxExpansion bounds the copies made for numeric occurrence ranges.
const maxExpansion = 1000

// compileContent builds the automaton of ct's content model.
func (ct *complexType) compileContent() error {
	if ct.content == nil || ct.content.kind == pAll {
		return nil
	}
	a := &automaton{}
	in, out, err := a.build(ct.content, 0)
	if err != nil {
		return err
	}
	a.start, a.accept = in, out
	// Epsilon closures are fixed: compute each state's once, so that
	// validating only unions precomputed sets.
	a.closures = make([][]int, len(a.eps))
	for s := range a.eps {
		a.closures[s] = a.closure([]int{s})
		sort.Ints(a.closures[s])
	}
	ct.model = a
	return nil
}

// automaton is a Thompson NFA over element names. Leaves are particles; a
// state set is simulated, so no backtracking ever happens.
type automaton struct {
	eps      [][]int
	closures [][]int // closures[s]: states reachable from s by epsilon moves, sorted
	edges    [][]edge
	start    int
	accept   int
}

type edge struct {
	leaf *particle
	to   int
}

func (a *automaton) state() int {
	a.eps = append(a.eps, nil)
	a.edges = append(a.edges, nil)
	return len(a.eps) - 1
}

// build returns the entry and exit states of p's fragment.
func (a *automaton) build(p *particle, copies int) (int, int, error) {
	if copies > maxExpansion {
		return 0, 0, fmt.Errorf("content model too large")
	}
	// one builds a single occurrence of p's term.
	one := func() (int, int, error) {
		switch p.kind {
		case pElement, pAny:
			in, out := a.state(), a.state()
			a.edges[in] = append(a.edges[in], edge{p, out})
			return in, out, nil
		case pSequence:
			in := a.state()
			cur := in
			for _, c := range p.children {
				ci, co, err := a.build(c, copies+1)
				if err != nil {
					return 0, 0, err
				}
				a.eps[cur] = append(a.eps[cur], ci)
				cur = co
			}
			return in, cur, nil
		case pChoice:
			in, out := a.state(), a.state()
			for _, c := range p.children {
				ci, co, err := a.build(c, copies+1)
				if err != nil {
					return 0, 0, err
				}
				a.eps[in] = append(a.eps[in], ci)
				a.eps[co] = append(a.eps[co], out)
			}
			return in, out, nil
		}
		return 0, 0, fmt.Errorf("xs:all nested in a content model is not supported")
	}
	in := a.state()
	cur := in
	for i := 0; i < p.min; i++ {
		fi, fo, err := one()
		if err != nil {
			return 0, 0, err
		}
		a.eps[cur] = append(a.eps[cur], fi)
		cur = fo
		copies++
	}
	switch {
	case p.max == unbounded:
		fi, fo, err := one()
		if err != nil {
			return 0, 0, err
		}
		out := a.state()
		a.eps[cur] = append(a.eps[cur], fi, out)
		a.eps[fo] = append(a.eps[fo], fi, out)
		cur = out
	default:
		out := a.state()
		for i := p.min; i < p.max; i++ {
			fi, fo, err := one()
			if err != nil {
				return 0, 0, err
			}
			a.eps[cur] = append(a.eps[cur], fi, out)
			cur = fo
			copies++
			if copies > maxExpansion {
				return 0, 0, fmt.Errorf("content model too large")
			}
		}
		a.eps[cur] = append(a.eps[cur], out)
		cur = out
	}
	return in, cur, nil
}

// closure extends set with every state reachable by epsilon moves.
func (a *automaton) closure(set []int) []int {
	seen := make(map[int]bool, len(set)*2)
	out := make([]int, 0, len(set)*2)
	stack := append([]int(nil), set...)
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
		for i := len(a.eps[s]) - 1; i >= 0; i-- {
			stack = append(stack, a.eps[s][i])
		}
	}
	return out
}

// initial is the state set before any child.
func (a *automaton) initial() []int { return a.closures[a.start] }

// union returns the sorted union of the closures of targets.
func (a *automaton) union(targets []int) []int {
	if len(targets) == 1 {
		return a.closures[targets[0]]
	}
	var out []int
	for _, t := range targets {
		out = append(out, a.closures[t]...)
	}
	sort.Ints(out)
	return slices.Compact(out)
}

// accepting reports whether the content may end in set.
func (a *automaton) accepting(set []int) bool {
	for _, s := range set {
		if s == a.accept {
			return true
		}
	}
	return false
}

// step moves set over a child element named q. It returns the leaf that
// matched (nil if none) and the next set. When an element particle and a
// wildcard both match (the schemas are UPA-conformant, so this is the only
// ambiguity left), the element particle wins.
func (a *automaton) step(set []int, q qname, subst map[qname][]*elementDecl) (*particle, *elementDecl, []int) {
	var (
		chosen *particle
		decl   *elementDecl
		next   []int
	)
	for _, s := range set {
		for _, e := range a.edges[s] {
			d, ok := leafMatches(e.leaf, q, subst)
			if !ok {
				continue
			}
			switch {
			case chosen == nil, chosen.kind == pAny && e.leaf.kind == pElement:
				chosen, decl, next = e.leaf, d, []int{e.to}
			case chosen == e.leaf:
				next = append(next, e.to)
			}
		}
	}
	if chosen == nil {
		return nil, nil, set
	}
	return chosen, decl, a.union(next)
}

// expected lists what may come next in set, for messages.
func (a *automaton) expected(set []int) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range set {
		for _, e := range a.edges[s] {
			d := e.leaf.describe()
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// leafMatches reports whether an element named q matches the leaf and, for
// element particles, which declaration (the leaf's or a substitution group
// member's) applies.
func leafMatches(p *particle, q qname, subst map[qname][]*elementDecl) (*elementDecl, bool) {
	if p.kind == pAny {
		return nil, p.allows(q.ns)
	}
	if p.elem.name == q {
		return p.elem, true
	}
	for _, m := range subst[p.elem.name] {
		if m.name == q {
			return m, true
		}
	}
	return nil, false
}
