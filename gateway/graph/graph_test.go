package graph_test

import (
	"context"
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/graph"
)

// wellFormed fails unless svg parses as XML.
func wellFormed(t *testing.T, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("picture is not well-formed XML: %v\n%s", err, svg)
		}
	}
}

func TestTrace(t *testing.T) {
	rep := &rules.TraceReport{SubjectID: `I<1>&"`, At: "2026-03-15", Links: []rules.Link{
		{CertificateID: "C-1", SubjectID: `I<1>&"`, ReferenceIDs: []string{"S-1", "S-2"}, Checks: []rules.Check{
			{Name: rules.CheckCertificateValid, OK: true}, {Name: rules.CheckReferenceActiveAtUse, OK: false}}},
		{CertificateID: "C-2", SubjectID: "S-1", ReferenceIDs: []string{"P"}, Depth: 1, Checks: []rules.Check{
			{Name: rules.CheckReachesPrimary, OK: false}}},
		{SubjectID: "S-2", Depth: 1, Checks: []rules.Check{{Name: rules.CheckCertificateValid, OK: false}}},
	}}
	nodes := map[string]graph.Node{
		`I<1>&"`: {Kind: graph.KindInstrument, Name: `balance <script>alert(1)</script>`},
		"S-1":    {Kind: graph.KindStandard, Level: "public", Status: "sealed"},
		"P":      {Kind: graph.KindPrimary},
	}
	svg, err := graph.Trace(context.Background(), rep, nodes, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, svg)
	s := string(svg)
	for _, want := range []string{
		`data-nodes="4" data-edges="3"`,
		`data-certificate="C-1" data-from="I&lt;1&gt;&amp;&#34;" data-to="S-1" data-state="fail" data-ok="false" data-checks="certificate_valid:pass reference_active_at_use:fail"`,
		`data-certificate="C-2" data-from="S-1" data-to="P" data-state="broken-above"`,
		`data-id="S-2" data-kind="unknown" data-ok="false"`,
		"无有效证书", "封存", "社会公用", "使用时参考标准在用",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("picture lacks %s", want)
		}
	}
	if strings.Contains(s, "<script") {
		t.Error("a record's name came through as markup")
	}
}

func TestImpactTooLarge(t *testing.T) {
	set := &rules.ImpactSet{StandardID: "S", Since: "2026-01-01", Paths: map[string][]string{}}
	for i := 0; i <= graph.MaxNodes; i++ {
		set.Instruments = append(set.Instruments, "I"+strings.Repeat("x", i%5)+string(rune('a'+i%26)))
	}
	if _, err := graph.Impact(context.Background(), set, graph.Options{}); !errors.Is(err, graph.ErrTooLarge) {
		t.Fatalf("err %v, want ErrTooLarge", err)
	}
}
