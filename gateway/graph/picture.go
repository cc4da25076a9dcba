package graph

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/goccy/go-graphviz"
)

// Kinds of node.
const (
	KindInstrument = "instrument"
	KindStandard   = "standard"
	KindPrimary    = "primary"
	KindUnknown    = "unknown"
)

// States of an edge, as its data-state attribute says.
const (
	// StatePass: every check of the certificate passed.
	StatePass = "pass"
	// StateFail: a check of the certificate itself failed.
	StateFail = "fail"
	// StateBrokenAbove: only reaches_primary failed, so the fault is
	// further up the chain.
	StateBrokenAbove = "broken-above"
	// StateAffected: an impact edge, a certificate that used a faulty
	// standard.
	StateAffected = "affected"
)

// MaxNodes bounds a picture: more records than this are not drawn (the
// JSON answer lists them).
const MaxNodes = 400

// Node is a record drawn as a node.
type Node struct {
	ID     string
	Kind   string // KindInstrument, KindStandard, KindPrimary or KindUnknown
	Name   string
	Level  string // a standard's level
	Status string // a standard's status
}

// Options choose how a picture is labelled.
type Options struct {
	// Lang is LangZH (the default) or LangEN.
	Lang string
	// Compact folds the passing checks of an edge into one line.
	Compact bool
}

// CheckMark is one check of an edge.
type CheckMark struct {
	Name string
	OK   bool
}

// edge is a certificate drawn from one node to another.
type edge struct {
	from, to    string
	certificate string
	state       string
	checks      []CheckMark
	note        string // extra line under the certificate id
}

// picture is a graph before layout.
type picture struct {
	name    string
	rankdir string
	nodes   []Node
	index   map[string]int
	// flagged nodes are drawn red (a subject without a valid certificate).
	flagged map[string]string
	edges   []edge
	opt     Options
}

func newPicture(name, rankdir string, opt Options) *picture {
	if opt.Lang != LangEN {
		opt.Lang = LangZH
	}
	return &picture{name: name, rankdir: rankdir, index: map[string]int{}, flagged: map[string]string{}, opt: opt}
}

// node adds n once; later calls for the same id keep the first.
func (p *picture) node(n Node) {
	if _, ok := p.index[n.ID]; ok {
		return
	}
	p.index[n.ID] = len(p.nodes)
	p.nodes = append(p.nodes, n)
}

// Colours of the states, and of node kinds.
var stateColour = map[string]string{
	StatePass:        "#2e7d32",
	StateFail:        "#c62828",
	StateBrokenAbove: "#e57373",
	StateAffected:    "#ef6c00",
}

func (p *picture) dot() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n", p.name)
	fmt.Fprintf(&b, "graph [rankdir=%s nodesep=0.35 ranksep=0.55 bgcolor=\"transparent\" fontname=\"sans-serif\"];\n", p.rankdir)
	b.WriteString("node [shape=plain fontname=\"sans-serif\" fontsize=11];\n")
	b.WriteString("edge [fontname=\"sans-serif\" fontsize=10 arrowsize=0.7];\n")
	for i, n := range p.nodes {
		fmt.Fprintf(&b, "n%d [id=\"n%d\" label=<%s>];\n", i, i, p.nodeLabel(n))
	}
	for i, e := range p.edges {
		from, to := p.index[e.from], p.index[e.to]
		colour := stateColour[e.state]
		width := "1.6"
		style := "solid"
		switch e.state {
		case StateFail:
			width = "3.2"
		case StateBrokenAbove:
			style = "dashed"
		}
		fmt.Fprintf(&b, "n%d -> n%d [id=\"e%d\" color=%q fontcolor=%q penwidth=%s style=%s label=<%s>];\n",
			from, to, i, colour, colour, width, style, p.edgeLabel(e))
	}
	b.WriteString("}\n")
	return b.String()
}

func esc(s string) string { return html.EscapeString(s) }

func (p *picture) nodeLabel(n Node) string {
	lang := p.opt.Lang
	var kind, fill, border string
	switch n.Kind {
	case KindPrimary:
		kind, fill, border = wordPrimary.in(lang), "#fff4d6", "#b8860b"
	case KindStandard:
		kind, fill, border = wordStandard.in(lang), "#e8f0fe", "#3b6db3"
		if n.Level != "" {
			level := n.Level
			if lang != LangEN && levelZH[level] != "" {
				level = levelZH[level]
			}
			kind += " · " + level
		}
	case KindInstrument:
		kind, fill, border = wordInstrument.in(lang), "#eef7ee", "#4a8a4a"
	default:
		kind, fill, border = wordUnknown.in(lang), "#f5f5f5", "#888888"
	}
	if why, ok := p.flagged[n.ID]; ok {
		border = stateColour[StateFail]
		_ = why
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" BGCOLOR="%s" COLOR="%s" STYLE="rounded">`, fill, border)
	fmt.Fprintf(&b, `<TR><TD WIDTH="%d"><FONT POINT-SIZE="9" COLOR="#555555">%s</FONT></TD></TR>`, width(kind, 9), esc(kind))
	fmt.Fprintf(&b, `<TR><TD WIDTH="%d"><B>%s</B></TD></TR>`, width(n.ID, 11.5), esc(n.ID))
	if n.Name != "" {
		name := clip(n.Name, 28)
		fmt.Fprintf(&b, `<TR><TD WIDTH="%d"><FONT POINT-SIZE="9">%s</FONT></TD></TR>`, width(name, 9), esc(name))
	}
	if n.Status != "" && n.Status != "active" {
		status := n.Status
		if lang != LangEN && statusZH[status] != "" {
			status = statusZH[status]
		}
		fmt.Fprintf(&b, `<TR><TD><FONT POINT-SIZE="9" COLOR="#c62828">%s</FONT></TD></TR>`, esc(status))
	}
	if why, ok := p.flagged[n.ID]; ok {
		fmt.Fprintf(&b, `<TR><TD><FONT POINT-SIZE="9" COLOR="#c62828">✗ %s</FONT></TD></TR>`, esc(why))
	}
	b.WriteString(`</TABLE>`)
	return b.String()
}

func (p *picture) edgeLabel(e edge) string {
	lang := p.opt.Lang
	var b strings.Builder
	b.WriteString(`<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" BGCOLOR="#ffffff">`)
	fmt.Fprintf(&b, `<TR><TD ALIGN="LEFT"><B>%s</B></TD></TR>`, esc(e.certificate))
	if e.note != "" {
		fmt.Fprintf(&b, `<TR><TD ALIGN="LEFT">%s</TD></TR>`, esc(e.note))
	}
	passed := 0
	for _, c := range e.checks {
		if c.OK {
			passed++
		}
	}
	for _, c := range e.checks {
		if c.OK && p.opt.Compact {
			continue
		}
		mark, colour := "✓", stateColour[StatePass]
		if !c.OK {
			mark, colour = "✗", stateColour[StateFail]
		}
		label := mark + " " + CheckLabel(c.Name, lang)
		fmt.Fprintf(&b, `<TR><TD ALIGN="LEFT" WIDTH="%d"><FONT COLOR="%s">%s</FONT></TD></TR>`, width(label, 10), colour, esc(label))
	}
	if p.opt.Compact && passed > 0 {
		fmt.Fprintf(&b, `<TR><TD ALIGN="LEFT"><FONT COLOR="%s">✓ %d/%d %s</FONT></TD></TR>`,
			stateColour[StatePass], passed, len(e.checks), esc(wordChecksPass.in(lang)))
	}
	b.WriteString(`</TABLE>`)
	return b.String()
}

// width estimates the points a text takes at a font size: dot's own
// estimate, without fonts in WebAssembly, gives Han characters too little
// room, so each label cell asks for at least this width.
func width(s string, size float64) int {
	w := 0.0
	for _, r := range s {
		switch {
		case r >= 0x2E80:
			w += size
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			w += 0.68 * size
		default:
			w += 0.56 * size
		}
	}
	return int(w) + 8
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// The Graphviz WebAssembly module is one instance per process, not safe
// for concurrent use: renders take turns.
var (
	engineMu  sync.Mutex
	engine    *graphviz.Graphviz
	engineErr error
)

// render lays the picture out with dot and returns its SVG, decorated.
func (p *picture) render(ctx context.Context) ([]byte, error) {
	if len(p.nodes) > MaxNodes {
		return nil, fmt.Errorf("%w: %d records, more than the %d a picture draws", ErrTooLarge, len(p.nodes), MaxNodes)
	}
	engineMu.Lock()
	defer engineMu.Unlock()
	if engine == nil && engineErr == nil {
		engine, engineErr = graphviz.New(context.Background())
	}
	if engineErr != nil {
		return nil, fmt.Errorf("start graphviz: %w", engineErr)
	}
	g, err := graphviz.ParseBytes([]byte(p.dot()))
	if err != nil {
		return nil, fmt.Errorf("graphviz parse: %w", err)
	}
	defer g.Close()
	var buf bytes.Buffer
	if err := engine.Render(ctx, g, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("graphviz render: %w", err)
	}
	return p.decorate(buf.Bytes()), nil
}

// ErrTooLarge is returned for a picture of more than MaxNodes records.
var ErrTooLarge = fmt.Errorf("too large to draw")

var (
	groupOpen = regexp.MustCompile(`<g id="([ne])(\d+)" class="(node|edge)">\n<title>[^<]*</title>`)
	prolog    = regexp.MustCompile(`(?s)^<\?xml.*?<svg `)
)

// decorate replaces dot's titles (its internal node names) with the
// records' ids and the certificates' checks, and adds data attributes.
func (p *picture) decorate(svg []byte) []byte {
	svg = prolog.ReplaceAll(svg, []byte(fmt.Sprintf(`<svg class="chain-graph" data-nodes="%d" data-edges="%d" `, len(p.nodes), len(p.edges))))
	return groupOpen.ReplaceAllFunc(svg, func(m []byte) []byte {
		sub := groupOpen.FindSubmatch(m)
		var i int
		fmt.Sscanf(string(sub[2]), "%d", &i)
		if string(sub[1]) == "n" && i < len(p.nodes) {
			n := p.nodes[i]
			ok := "true"
			title := n.ID
			if why, bad := p.flagged[n.ID]; bad {
				ok, title = "false", n.ID+": "+why
			}
			return []byte(fmt.Sprintf(`<g id="n%d" class="node" data-id="%s" data-kind="%s" data-ok="%s">`+"\n<title>%s</title>",
				i, esc(n.ID), esc(n.Kind), ok, esc(title)))
		}
		if string(sub[1]) == "e" && i < len(p.edges) {
			e := p.edges[i]
			marks := make([]string, len(e.checks))
			lines := make([]string, len(e.checks))
			for j, c := range e.checks {
				state, mark := "pass", "✓"
				if !c.OK {
					state, mark = "fail", "✗"
				}
				marks[j] = c.Name + ":" + state
				lines[j] = mark + " " + c.Name
			}
			ok := e.state == StatePass || e.state == StateAffected
			return []byte(fmt.Sprintf(`<g id="e%d" class="edge" data-certificate="%s" data-from="%s" data-to="%s" data-state="%s" data-ok="%t" data-checks="%s">`+"\n<title>%s</title>",
				i, esc(e.certificate), esc(e.from), esc(e.to), e.state, ok, esc(strings.Join(marks, " ")),
				esc(e.certificate+": "+strings.Join(lines, "; "))))
		}
		return m
	})
}
