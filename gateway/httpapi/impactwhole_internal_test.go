package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestIDListSortsEachIDOnce(t *testing.T) {
	var l idList
	for _, id := range []string{"C-3", "C-1", "", "C-10", "C-1", "C-2", "C-3"} {
		l.add(id)
	}
	order := l.sorted()
	var got []string
	for i := range order {
		got = append(got, string(l.at(order, i)))
	}
	if strings.Join(got, "|") != "|C-1|C-10|C-2|C-3" {
		t.Fatalf("sorted %q", got)
	}
}

func TestDisjointFindsAnIDInTwoLists(t *testing.T) {
	lists := func(ids ...[]string) ([]*idList, [][]uint32) {
		var ls []*idList
		var os [][]uint32
		for _, set := range ids {
			l := &idList{}
			for _, id := range set {
				l.add(id)
			}
			ls, os = append(ls, l), append(os, l.sorted())
		}
		return ls, os
	}
	if ls, os := lists([]string{"A", "C"}, []string{"B", "D"}, []string{}, []string{"E"}); !disjoint(ls, os) {
		t.Error("disjoint lists reported overlapping")
	}
	if ls, os := lists([]string{"A", "C"}, []string{"B", "D"}, []string{}, []string{"E", "C"}); disjoint(ls, os) {
		t.Error("C in the first and the last list not found")
	}
}

// writeJSONString writes what encoding/json writes, for plain ids and for
// every kind of string that needs escaping.
func TestWriteJSONStringIsEncodingJSONs(t *testing.T) {
	for _, s := range []string{"", "BJIM-2024-0042", "a\"b", `a\b`, "<tag>&", "计量", "é", "\u2028\u2029", "tab\there", "\x00\x1f\x7f", "\xff invalid", "~ ` ' !"} {
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		writeJSONString(w, []byte(s))
		w.Flush()
		want, _ := json.Marshal(s)
		if buf.String() != string(want) {
			t.Errorf("%q: wrote %s, encoding/json %s", s, buf.String(), want)
		}
	}
}
