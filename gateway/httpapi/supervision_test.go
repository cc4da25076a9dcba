package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net"
	"reflect"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/client"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// newSupervisedEnv serves the supervision region over an embedded ledger
// and a real index, with the ledger's and the server's clocks on the
// test's day.
func newSupervisedEnv(t *testing.T, configure ...func(*httpapi.Config)) (*env, *scenario.SupervisionRegion) {
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
			t.Fatalf("%s: %v", s.Function, err)
		}
	}
	x, err := index.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() { defer close(followed); _ = x.Follow(ctx, l) }()
	h, _ := l.Height(ctx)
	wait, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	if err := x.WaitFor(wait, h-1); err != nil {
		t.Fatal(err)
	}
	tokens := &auth.Issuer{Secret: bytes.Repeat([]byte("s"), 32)}
	cfg := httpapi.Config{Client: client.New(l), Index: x, Tokens: tokens, Identities: l.Wallet(),
		RateLimit: rate.Inf, Now: func() time.Time { return day.Add(12 * time.Hour) }, WaitTimeout: 5 * time.Second}
	for _, f := range configure {
		f(&cfg)
	}
	srv := httpapi.New(cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-served
		<-followed
		x.Close()
	})
	return &env{t: t, ledger: l, wallet: l.Wallet(), client: client.New(l), tokens: tokens, server: srv, url: "http://" + ln.Addr().String()}, region
}

type itemPage struct {
	Items []struct {
		InstrumentID            string   `json:"instrument_id"`
		StandardID              string   `json:"standard_id"`
		CertificateID           string   `json:"certificate_id"`
		InstitutionID           string   `json:"institution_id"`
		DueOn                   string   `json:"due_on"`
		Reason                  string   `json:"reason"`
		CertificatesAfterExpiry []string `json:"certificates_after_expiry"`
	} `json:"items"`
	Total         int    `json:"total"`
	NextPageToken string `json:"next_page_token"`
}

func (e *env) page(path, token string) itemPage {
	e.t.Helper()
	r := e.get(path, token)
	r.expect(e.t, 200)
	var p itemPage
	if err := json.Unmarshal(r.body, &p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (p itemPage) ids(kind string) []string {
	out := []string{}
	for _, it := range p.Items {
		switch kind {
		case "instrument":
			out = append(out, it.InstrumentID)
		case "standard":
			out = append(out, it.StandardID)
		default:
			out = append(out, it.CertificateID)
		}
	}
	return out
}

func TestSupervisionListsThroughHTTP(t *testing.T) {
	e, region := newSupervisedEnv(t)
	want := region.Expect
	tok := e.token("inspector", "HebeiMSP", "HBIM")
	for _, tc := range []struct {
		name, path, kind string
		ids              []string
	}{
		{"overdue", "/api/v1/supervision/overdue", "instrument", want.Overdue},
		{"due within 30 days", "/api/v1/supervision/due?within_days=30", "instrument", want.Due30},
		{"due by default within 30 days", "/api/v1/supervision/due", "instrument", want.Due30},
		{"due in Tianjin's 滨海新区", "/api/v1/supervision/due?district=120116", "instrument", []string{"S-DUE"}},
		{"overdue of one institution", "/api/v1/supervision/overdue?institution=HBIM", "instrument", []string{}},
		{"overdue scales in Tianjin", "/api/v1/supervision/overdue?region=TJ&category=non_automatic_weighing", "instrument", want.Overdue},
		{"approvals within 30 days", "/api/v1/supervision/approvals?within_days=30", "standard", want.Approvals30},
		{"approvals within 0 days: the expired one", "/api/v1/supervision/approvals?within_days=0", "standard", []string{"BJ-STD-A"}},
		{"at risk", "/api/v1/supervision/at-risk", "certificate", want.AtRisk},
		{"at risk in Beijing", "/api/v1/supervision/at-risk?region=BJ", "certificate", []string{"V-B-LATE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := e.page(tc.path, tok)
			if got := p.ids(tc.kind); !reflect.DeepEqual(got, tc.ids) || p.Total != len(tc.ids) {
				t.Errorf("%s = %v (total %d), want %v", tc.path, got, p.Total, tc.ids)
			}
		})
	}
	p := e.page("/api/v1/supervision/approvals", tok)
	if p.Items[0].Reason != "approval_expired" || !reflect.DeepEqual(p.Items[0].CertificatesAfterExpiry, want.AfterExpiry["BJ-STD-A"]) {
		t.Errorf("BJ-STD-A = %+v", p.Items[0])
	}
	p = e.page("/api/v1/supervision/overdue?page_size=3", tok)
	if p.Total != 4 || len(p.Items) != 3 || p.NextPageToken == "" {
		t.Fatalf("first page = %+v", p)
	}
	rest := e.page("/api/v1/supervision/overdue?page_size=3&page_token="+p.NextPageToken, tok)
	if got := rest.ids("instrument"); !reflect.DeepEqual(got, want.Overdue[3:]) || rest.NextPageToken != "" {
		t.Errorf("second page = %v", got)
	}
}

func TestSupervisionCSVExport(t *testing.T) {
	e, region := newSupervisedEnv(t)
	for _, r := range []*response{
		e.get("/api/v1/supervision/overdue?format=csv", e.token("inspector", "HebeiMSP", "HBIM")),
		e.do(req{method: "GET", path: "/api/v1/supervision/overdue", token: e.token("inspector", "HebeiMSP", "HBIM"), header: map[string]string{"Accept": "text/csv"}}),
	} {
		if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" || r.header.Get("X-Total-Count") != "4" {
			t.Fatalf("CSV answer %d %q %q: %s", r.status, r.header.Get("Content-Type"), r.header.Get("X-Total-Count"), r.body)
		}
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "instrument_id" || rows[0][5] != "due_on" || len(rows) != 5 {
			t.Fatalf("rows = %v", rows)
		}
		var got []string
		for _, row := range rows[1:] {
			got = append(got, row[0])
		}
		if !reflect.DeepEqual(got, region.Expect.Overdue) {
			t.Errorf("CSV ids = %v", got)
		}
	}
	r := e.get("/api/v1/supervision/coverage?by=category&format=csv", e.token("inspector", "HebeiMSP", "HBIM"))
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil || r.status != 200 {
		t.Fatalf("%d %v %s", r.status, err, r.body)
	}
	if len(rows) != 4 || rows[0][0] != "category" || rows[1][0] != "non_automatic_weighing" || len(rows[0]) != 5+index.CoverageMonths {
		t.Errorf("coverage CSV = %v", rows)
	}
}

func TestSupervisionCoverageThroughHTTP(t *testing.T) {
	e, region := newSupervisedEnv(t)
	r := e.get("/api/v1/supervision/coverage?by=district&region=TJ", e.token("inspector", "HebeiMSP", "HBIM"))
	m := r.expect(t, 200)
	overall := m["overall"].(map[string]any)
	want := region.Expect.CoverageTianjin
	if overall["registered"] != float64(want[0]) || overall["verified"] != float64(want[1]) || m["total"] != float64(2) || m["on"] != region.Today {
		t.Errorf("coverage = %s", r.body)
	}
}

func TestSupervisionBadInput(t *testing.T) {
	e, _ := newSupervisedEnv(t)
	tok := e.token("inspector", "HebeiMSP", "HBIM")
	for _, tc := range []struct{ path, msg string }{
		{"/api/v1/supervision/due?within_days=-1", "within_days"},
		{"/api/v1/supervision/due?within_days=soon", "within_days"},
		{"/api/v1/supervision/overdue?region=SH", "region"},
		{"/api/v1/supervision/overdue?district=310101", "outside Beijing"},
		{"/api/v1/supervision/overdue?district=12", "district"},
		{"/api/v1/supervision/overdue?category=toaster", `category "toaster"`},
		{"/api/v1/supervision/overdue?page_size=0", "page_size"},
		{"/api/v1/supervision/overdue?page_token=%21%21", "page_token"},
		{"/api/v1/supervision/overdue?format=xml", "format"},
		{"/api/v1/supervision/coverage?by=colour", "by"},
	} {
		e.get(tc.path, tok).expectError(t, 400, "invalid", tc.msg)
	}
	e.get("/api/v1/supervision/overdue", "").expectError(t, 401, "unauthorized", "")
}
