package index_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// supervised is the supervision region on an embedded ledger whose clock
// reads the region's today, followed by an index.
func supervised(t *testing.T) (*scenario.SupervisionRegion, *index.Index) {
	t.Helper()
	day := time.Now().UTC().Truncate(24 * time.Hour)
	region := scenario.Supervision(day)
	clock := day.Add(9 * time.Hour)
	l, err := embedded.Open("", embedded.WithClock(func() time.Time { clock = clock.Add(time.Second); return clock }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	for _, s := range region.Steps() {
		id, err := l.Wallet().Identity(s.MSPID, s.Role, s.Institution)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Submit(context.Background(), id, ledger.Call{Function: s.Function, Args: s.Args}); err != nil {
			t.Fatalf("%s %s: %v", s.Function, s.Args, err)
		}
	}
	x := openIndex(t, "")
	follow(t, x, l)
	return region, x
}

func ids(items []index.Item, field func(index.Item) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, field(it))
	}
	return out
}

func instrumentOf(it index.Item) string  { return it.InstrumentID }
func standardOf(it index.Item) string    { return it.StandardID }
func certificateOf(it index.Item) string { return it.CertificateID }

func TestSupervisionListsFindExactlyTheConstructedRegion(t *testing.T) {
	region, x := supervised(t)
	today, want := region.Today, region.Expect
	check := func(name string, p *index.ItemPage, err error, field func(index.Item) string, wantIDs []string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := ids(p.Items, field); !reflect.DeepEqual(got, wantIDs) || p.Total != len(wantIDs) {
			t.Errorf("%s = %v (total %d), want %v", name, got, p.Total, wantIDs)
		}
	}
	p, err := x.Overdue(today, index.Filter{}, 0, "")
	check("overdue", p, err, instrumentOf, want.Overdue)
	reasons := map[string]string{}
	for _, it := range p.Items {
		reasons[it.InstrumentID] = it.Reason
	}
	if reasons["S-NEVER"] != index.ReasonNeverVerified || reasons["S-OVERDUE"] != index.ReasonOverdue {
		t.Errorf("overdue reasons = %v", reasons)
	}
	if p.Items[0].DueOn != region.Certificate("V-OVERDUE").ValidUntil || p.Items[0].CertificateID != "V-OVERDUE" || p.Items[0].InstitutionID != "TJ-MKT" {
		t.Errorf("first overdue item = %+v", p.Items[0])
	}
	p, err = x.Due(today, 30, index.Filter{}, 0, "")
	check("due within 30 days", p, err, instrumentOf, want.Due30)
	p, err = x.Due(today, 30, index.Filter{Region: "HB"}, 0, "")
	check("due within 30 days in Hebei", p, err, instrumentOf, []string{"H-DUE"})
	p, err = x.Due(today, 16, index.Filter{}, 0, "")
	check("due within 16 days", p, err, instrumentOf, []string{"S-DUE"})
	p, err = x.Overdue(today, index.Filter{District: "120101"}, 0, "")
	check("overdue in 和平区", p, err, instrumentOf, []string{"S-NEVER"})
	p, err = x.Overdue(today, index.Filter{Category: "water_meter"}, 0, "")
	check("overdue water meters", p, err, instrumentOf, []string{})
	p, err = x.Approvals(today, 30, index.Filter{}, 0, "")
	check("approvals", p, err, standardOf, want.Approvals30)
	if got := p.Items[0].CertificatesAfterExpiry; !reflect.DeepEqual(got, want.AfterExpiry["BJ-STD-A"]) || p.Items[0].Reason != index.ReasonApprovalExpired {
		t.Errorf("BJ-STD-A after expiry = %v, reason %s", got, p.Items[0].Reason)
	}
	p, err = x.AtRisk(index.Filter{}, 0, "")
	check("at risk", p, err, certificateOf, want.AtRisk)
	for _, it := range p.Items {
		if it.Reason != want.AtRiskReasons[it.CertificateID] {
			t.Errorf("%s at risk for %q, want %q (%s)", it.CertificateID, it.Reason, want.AtRiskReasons[it.CertificateID], it.Detail)
		}
	}
	p, err = x.AtRisk(index.Filter{Institution: "HBIM"}, 0, "")
	check("at risk issued by HBIM", p, err, certificateOf, []string{"V-H-LATE"})
}

func TestSupervisionListsPage(t *testing.T) {
	region, x := supervised(t)
	var got []string
	token := ""
	for pages := 0; ; pages++ {
		p, err := x.Overdue(region.Today, index.Filter{}, 3, token)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != len(region.Expect.Overdue) {
			t.Fatalf("total = %d", p.Total)
		}
		got = append(got, ids(p.Items, instrumentOf)...)
		if token = p.NextPageToken; token == "" {
			if pages != 1 {
				t.Errorf("pages = %d, want 2", pages+1)
			}
			break
		}
	}
	if !reflect.DeepEqual(got, region.Expect.Overdue) {
		t.Errorf("paged overdue = %v", got)
	}
	if _, err := x.Overdue(region.Today, index.Filter{}, 3, "not-a-token!"); err == nil {
		t.Error("a bad page token was accepted")
	}
	if _, err := x.Overdue(region.Today, index.Filter{}, 5000, ""); err == nil {
		t.Error("a page of 5000 was accepted")
	}
}

func TestCoverageCountsVerifiedInstrumentsPerGroup(t *testing.T) {
	region, x := supervised(t)
	cov, err := x.Coverage(region.Today, index.ByDistrict, index.Filter{Region: "TJ"}, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	want := region.Expect.CoverageTianjin
	if cov.Overall.Registered != want[0] || cov.Overall.Verified != want[1] {
		t.Errorf("Tianjin overall = %+v, want %v", cov.Overall, want)
	}
	if cov.Total != 2 || cov.Groups[0].Key != "120101" || cov.Groups[0].Name != "和平区" || cov.Groups[1].Key != "120116" {
		t.Fatalf("groups = %+v", cov.Groups)
	}
	// 和平区: S-NEVER (never verified) and S-OK (verified).
	if g := cov.Groups[0]; g.Registered != 2 || g.Verified != 1 || g.Share != 0.5 || len(g.History) != index.CoverageMonths {
		t.Errorf("和平区 = %+v", g)
	}
	// A month ago nothing was registered yet: the ledger's registration is today.
	if h := cov.Groups[1].History[0]; h.Registered != 0 {
		t.Errorf("history a year ago = %+v", h)
	}
	if _, err := x.Coverage(region.Today, "colour", index.Filter{}, 0, ""); err == nil {
		t.Error("coverage by colour was accepted")
	}
	byCat, err := x.Coverage(region.Today, index.ByCategory, index.Filter{}, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, g := range byCat.Groups {
		keys = append(keys, g.Key)
	}
	if !reflect.DeepEqual(keys, []string{"non_automatic_weighing", "taximeter", "water_meter"}) {
		t.Errorf("categories = %v", keys)
	}
}

// TestDueFollowsCertificatesOfABatchAndAnInstrumentMadeCompulsory: one
// event holding an instrument and its certificates (a verification, then
// its revocation as a later version) gives the due date of what is left;
// an instrument verified while not compulsory gets its due entry, from that
// verification, when a later version makes it compulsory.
func TestDueFollowsCertificatesOfABatchAndAnInstrumentMadeCompulsory(t *testing.T) {
	x := openIndex(t, "")
	in := func(id string, compulsory bool) record.EventRecord {
		ins := record.Instrument{ID: id, InstitutionID: "LAB", Type: "balance", Compulsory: compulsory, RegisteredOn: "2024-01-01", IntervalMonths: 12}
		if compulsory {
			ins.Category = "non_automatic_weighing"
		}
		data, _ := json.Marshal(ins)
		return record.EventRecord{DocType: record.DocInstrument, ID: id, Record: data}
	}
	cert := func(id, subject, on, status string) record.EventRecord {
		data, _ := json.Marshal(record.Certificate{ID: id, Kind: record.KindVerification, SubjectID: subject, IssuerID: "LAB", Conformity: "pass",
			PerformedOn: on, ValidUntil: on[:3] + string(on[3]+1) + on[4:], Status: status, ReferenceIDs: []string{}, Results: []record.Result{}})
		return record.EventRecord{DocType: record.DocCertificate, ID: id, Record: data}
	}
	apply := func(block uint64, recs ...record.EventRecord) {
		t.Helper()
		payload, _ := json.Marshal(record.Event{Function: "test", TxID: fmt.Sprint("tx", block), Records: recs})
		if err := x.Apply(ledger.Event{BlockNumber: block, TxID: fmt.Sprint("tx", block), Name: record.EventName, Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	apply(1, in("A", true), cert("A-1", "A", "2024-03-01", record.CertValid), cert("A-2", "A", "2025-03-01", record.CertValid),
		cert("A-2", "A", "2025-03-01", record.CertRevoked), in("B", false), cert("B-1", "B", "2025-06-01", record.CertValid))
	due := func() map[string]string {
		p, err := x.Due("2024-01-01", 3650, index.Filter{}, 50, "")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, it := range p.Items {
			got[it.InstrumentID] = it.DueOn + " " + it.CertificateID
		}
		return got
	}
	if got, want := due(), map[string]string{"A": "2025-03-01 A-1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("due = %v, want %v", got, want)
	}
	apply(2, in("B", true))
	if got, want := due(), map[string]string{"A": "2025-03-01 A-1", "B": "2026-06-01 B-1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after B is made compulsory: due = %v, want %v", got, want)
	}
}
