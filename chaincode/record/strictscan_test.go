package record

import (
	"strings"
	"testing"
)

// TestStrictPlainAcceptsOnlyWhatTheTokenWalkAccepts: strictPlain is a fast
// path of CheckStrictJSON, so it must answer true exactly for plain
// documents the token walk accepts, and false for every document the walk
// refuses or that it does not read as plain.
func TestStrictPlainAcceptsOnlyWhatTheTokenWalkAccepts(t *testing.T) {
	deep := strings.Repeat("[", MaxJSONDepth) + strings.Repeat("]", MaxJSONDepth)
	tooDeep := strings.Repeat("[", MaxJSONDepth+1) + strings.Repeat("]", MaxJSONDepth+1)
	for _, c := range []struct {
		doc   string
		plain bool
	}{
		{`{"id":"C-1","results":[{"value":1.5e-3,"unit":"kg"}],"ok":true,"n":null,"z":-0}`, true},
		{` {"a" : [ 1 , 2 ] , "b" : { } , "c" : [ ] } `, true},
		{`{"name":"天津市计量监督检测科学研究院","note":"a\n\"quoted\"\\/"}`, true},
		{deep, true},
		{`"text"`, true},
		{`{"id":"a","id":"b"}`, false},
		{`{"id":"a","ID":"b"}`, false},
		{`{"r":{"max":1,"max":2}}`, false},
		{`{"a":{"x":1},"b":{"x":1}}`, true},
		{tooDeep, false},
		{"{\"a\":\"\xff\"}", false},
		{`{"a":"\ud800"}`, false},
		{`{"a":"\u0041"}`, false}, // any \u escape goes the slow way
		{`{"caf\u00e9":1}`, false},
		{`{"a":1,}`, false},
		{`{"a":01}`, false},
		{`{"a":1} x`, false},
		{`{"a":tru}`, false},
		{"{\"a\":\"\x01\"}", false},
		{``, false},
	} {
		if got := strictPlain([]byte(c.doc)); got != c.plain {
			t.Errorf("strictPlain(%q) = %v, want %v", c.doc, got, c.plain)
		}
		if c.plain {
			if err := CheckStrictJSON([]byte(c.doc)); err != nil {
				t.Errorf("CheckStrictJSON(%q) = %v for a plain document", c.doc, err)
			}
		}
	}
	// The refused ones are still named by the token walk.
	if err := CheckStrictJSON([]byte(`{"r":{"max":1,"MAX":2}}`)); err == nil || !strings.Contains(err.Error(), `"r.MAX" is given twice`) {
		t.Errorf("a key twice in any case: %v", err)
	}
	if err := CheckStrictJSON([]byte(tooDeep)); err == nil {
		t.Errorf("a document too deep: accepted")
	}
}
