package dcc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxDepth bounds element nesting. Real DCCs nest about 15 deep; the bound
// keeps a hostile document from exhausting the stack of the recursive
// readers.
const maxDepth = 256

// element is a namespace-resolved XML element: the reader works on a small
// tree rather than on struct tags because DCC content is selected by
// namespace and local name wherever it appears, in any prefix.
type element struct {
	space, local string
	attrs        []xml.Attr
	text         strings.Builder
	children     []*element
}

// parseTree reads one XML document into a tree, rejecting malformed XML,
// content after the root element, and nesting deeper than maxDepth.
func parseTree(data []byte) (*element, error) {
	// Editors on Windows start UTF-8 files with a byte order mark, which
	// encoding/xml would read as text before the root.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var root *element
	var stack []*element
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, unreadable(ProblemXMLMalformed, []string{"detail"}, "malformed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && root != nil {
				return nil, unreadable(ProblemXMLAfterRoot, nil, "malformed XML: content after the root element")
			}
			if len(stack) >= maxDepth {
				return nil, unreadable(ProblemXMLTooDeep, []string{"max"}, "malformed XML: elements nested deeper than %d", maxDepth)
			}
			e := &element{space: t.Name.Space, local: t.Name.Local, attrs: t.Attr}
			if len(stack) == 0 {
				root = e
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, e)
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				// Whitespace before any other text is what value trims
				// anyway: the indentation of container elements is not
				// kept.
				if e := stack[len(stack)-1]; e.text.Len() > 0 || len(bytes.TrimSpace(t)) > 0 {
					e.text.Write(t)
				}
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, unreadable(ProblemXMLTextOutside, nil, "malformed XML: text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, unreadable(ProblemXMLNoRoot, nil, "malformed XML: no root element")
	}
	return root, nil
}

// is reports whether the element has the given namespace and local name.
func (e *element) is(space, local string) bool {
	return e != nil && e.space == space && e.local == local
}

// child returns the first child named {space}local, or nil.
func (e *element) child(space, local string) *element {
	if e == nil {
		return nil
	}
	for _, c := range e.children {
		if c.is(space, local) {
			return c
		}
	}
	return nil
}

// all returns every child named {space}local.
func (e *element) all(space, local string) []*element {
	if e == nil {
		return nil
	}
	var out []*element
	for _, c := range e.children {
		if c.is(space, local) {
			out = append(out, c)
		}
	}
	return out
}

// value returns the element's own text, trimmed; "" for a nil element.
func (e *element) value() string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(e.text.String())
}

// attr returns the value of the attribute with the given local name and no
// namespace, or "".
func (e *element) attr(local string) string {
	if e == nil {
		return ""
	}
	for _, a := range e.attrs {
		if a.Name.Local == local && (a.Name.Space == "" || a.Name.Space == e.space) {
			return a.Value
		}
	}
	return ""
}

// refTypes splits the refType attribute, a whitespace-separated list; nil
// when there is none.
func (e *element) refTypes() []string {
	f := strings.Fields(e.attr("refType"))
	if len(f) == 0 {
		return nil
	}
	return f
}

// describe renders the element's name for messages: "{ns}local" or "local".
func (e *element) describe() string {
	if e.space == "" {
		return e.local
	}
	return fmt.Sprintf("{%s}%s", e.space, e.local)
}
