package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/demo"
	"github.com/metrotrace/metrotrace/gateway/index"
)

// checkSupervision follows the loaded demo with an index and checks what
// the showcase promises of the supervision lists and the case.
func checkSupervision(t *testing.T, l *ledger, sc demo.Showcase) {
	x, err := index.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = x.Follow(ctx, l.el) }()
	defer func() { cancel(); <-done }()
	h, _ := l.el.Height(ctx)
	wait, stop := context.WithTimeout(ctx, 30*time.Second)
	defer stop()
	if err := x.WaitFor(wait, h-1); err != nil {
		t.Fatal(err)
	}
	items := func(p *index.ItemPage, err error) []index.Item {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p.Items
	}
	ids := func(list []index.Item, field func(index.Item) string) []string {
		var out []string
		for _, it := range list {
			out = append(out, field(it))
		}
		return out
	}
	instrument := func(it index.Item) string { return it.InstrumentID }
	standard := func(it index.Item) string { return it.StandardID }
	certificate := func(it index.Item) string { return it.CertificateID }
	overdue := ids(items(x.Overdue(sc.Today, index.Filter{}, record.MaxPageSize, "")), instrument)
	for _, c := range []struct {
		list string
		got  []string
		want string
	}{
		{"overdue", overdue, sc.NeverVerified},
		{"overdue", overdue, sc.Overdue},
		{"due within 30 days", ids(items(x.Due(sc.Today, 30, index.Filter{}, record.MaxPageSize, "")), instrument), sc.DueSoon},
		{"due in 西青区", ids(items(x.Due(sc.Today, 30, index.Filter{District: "120111"}, record.MaxPageSize, "")), instrument), sc.DueSoon},
		{"approvals within 30 days", ids(items(x.Approvals(sc.Today, 30, index.Filter{}, record.MaxPageSize, "")), standard), sc.ExpiringApproval},
		{"at risk", ids(items(x.AtRisk(index.Filter{}, record.MaxPageSize, "")), certificate), sc.AtRisk},
	} {
		if !slices.Contains(c.got, c.want) {
			t.Errorf("%s lacks %s: %v", c.list, c.want, c.got)
		}
	}
	t.Logf("overdue %d, due within 30 days %d", len(overdue), len(ids(items(x.Due(sc.Today, 30, index.Filter{}, record.MaxPageSize, "")), instrument)))
	cov, err := x.Coverage(sc.Today, index.ByDistrict, index.Filter{}, 0, "")
	if err != nil || cov.Total < 10 || cov.Overall.Verified == 0 || cov.Overall.Verified >= cov.Overall.Registered {
		t.Errorf("coverage by district = %+v, %v", cov.Overall, err)
	}
	cs, err := x.Case(sc.Case)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]bool{}
	notices := map[string]string{}
	for _, n := range cs.Notices {
		notices[n.ID] = n.Status
		for _, it := range n.Items {
			states[it.Status+" "+it.Action] = true
		}
	}
	if cs.Status != record.CaseOpen || notices[sc.OpenNotice] != record.CaseOpen || notices[sc.ClosedNotice] != record.CaseClosed {
		t.Errorf("case %s is %s with notices %v", cs.ID, cs.Status, notices)
	}
	for _, s := range []string{"open ", "resolved recalled", "resolved recalibrated", "resolved no_impact"} {
		if !states[s] {
			t.Errorf("no item %q in the case: %v", s, states)
		}
	}
}
