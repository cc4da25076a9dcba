package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
	"github.com/metrotrace/metrotrace/gateway/webhook"
)

// endpoint is a subscriber's HTTP server on a fixed loopback port that can
// be stopped (connections refused) and started again. It checks every
// delivery's HMAC and keeps one copy per subscription and event id.
type endpoint struct {
	t    *testing.T
	addr string
	srv  *http.Server

	mu       sync.Mutex
	secrets  map[string]string // by URL path
	got      map[string]webhook.Event
	received int
	bad      []string
}

func newEndpoint(t *testing.T) *endpoint {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ep := &endpoint{t: t, addr: ln.Addr().String(), secrets: map[string]string{}, got: map[string]webhook.Event{}}
	ep.serve(ln)
	t.Cleanup(ep.stop)
	return ep
}

func (ep *endpoint) url(path string) string { return "http://" + ep.addr + path }

func (ep *endpoint) serve(ln net.Listener) {
	ep.srv = &http.Server{Handler: ep, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = ep.srv.Serve(ln) }()
}

// stop closes the listener: deliveries meet a refused connection.
func (ep *endpoint) stop() {
	if ep.srv != nil {
		_ = ep.srv.Close()
		ep.srv = nil
	}
}

// start listens on the same address again.
func (ep *endpoint) start() {
	ep.t.Helper()
	ln, err := net.Listen("tcp", ep.addr)
	if err != nil {
		ep.t.Fatalf("listen again on %s: %v", ep.addr, err)
	}
	ep.serve(ln)
}

func (ep *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.received++
	if got, want := r.Header.Get(webhook.HeaderSignature), webhook.Sign(ep.secrets[r.URL.Path], body); got != want {
		ep.bad = append(ep.bad, r.URL.Path+": signature "+got)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var e webhook.Event
	if err := json.Unmarshal(body, &e); err != nil || e.ID != r.Header.Get(webhook.HeaderEventID) || e.Type != r.Header.Get(webhook.HeaderEventType) {
		ep.bad = append(ep.bad, r.URL.Path+": body "+string(body))
	}
	ep.got[r.URL.Path+" "+e.ID] = e
	w.WriteHeader(http.StatusNoContent)
}

// summary lists the de-duplicated deliveries as "path type institution
// subject", sorted.
func (ep *endpoint) summary() []string {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	out := []string{}
	for k, e := range ep.got {
		path := k[:len(k)-len(e.ID)-1]
		subject := e.CaseID
		if e.Type == webhook.EventInstrumentOverdue {
			subject = e.InstrumentID + "@" + e.DueOn
		}
		out = append(out, path+" "+e.Type+" "+e.InstitutionID+" "+subject)
	}
	sort.Strings(out)
	return out
}

// waitFor waits until the de-duplicated deliveries are want, and a little
// longer to see that nothing else arrives.
func (ep *endpoint) waitFor(want []string) {
	ep.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !reflect.DeepEqual(ep.summary(), want) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(150 * time.Millisecond)
	if got := ep.summary(); !reflect.DeepEqual(got, want) {
		ep.t.Fatalf("delivered\n  %v\nwant\n  %v", got, want)
	}
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if len(ep.bad) > 0 {
		ep.t.Fatalf("bad deliveries: %v", ep.bad)
	}
}

// supervised is the supervision region on an embedded ledger whose clock
// stands on the region's day.
func supervised(t *testing.T) (*embedded.Ledger, *scenario.SupervisionRegion, func(msp, role, inst, fn string, args ...string)) {
	t.Helper()
	day := time.Now().UTC().Truncate(24 * time.Hour)
	region := scenario.Supervision(day)
	clock := day.Add(9 * time.Hour)
	var mu sync.Mutex
	l, err := embedded.Open("", embedded.WithClock(func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	submit := func(msp, role, inst, fn string, args ...string) {
		t.Helper()
		id, err := l.Wallet().Identity(msp, role, inst)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Submit(context.Background(), id, ledger.Call{Function: fn, Args: args}); err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
	}
	for _, s := range region.Steps() {
		submit(s.MSPID, s.Role, s.Institution, s.Function, s.Args...)
	}
	return l, region, submit
}

func mustOpen(t *testing.T, ctx context.Context, dir string) *webhook.Dispatcher {
	t.Helper()
	d, err := webhook.Open(ctx, dir, webhook.Options{FirstRetry: 20 * time.Millisecond, MaxRetryWait: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// gateway is one run of a dispatcher following the ledger.
type gateway struct {
	d        *webhook.Dispatcher
	cancel   context.CancelFunc
	followed chan struct{}
}

func startGateway(t *testing.T, dir string, l ledger.Ledger) *gateway {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	g := &gateway{d: mustOpen(t, ctx, dir), cancel: cancel, followed: make(chan struct{})}
	h, err := l.Height(ctx)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(g.followed)
		if err := g.d.Follow(ctx, l, h); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Follow: %v", err)
		}
	}()
	return g
}

// stop stops the gateway as a shutdown does: deliveries under way stay
// pending in the store.
func (g *gateway) stop(t *testing.T) {
	t.Helper()
	g.cancel()
	<-g.followed
	if err := g.d.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestDeliveriesSurviveTheReceiverDownAndAGatewayRestart(t *testing.T) {
	l, region, submit := supervised(t)
	dir := t.TempDir()
	ep := newEndpoint(t)

	g := startGateway(t, dir, l)
	op, err := g.d.Subscribe(webhook.Subscription{URL: ep.url("/operator"), Role: record.RoleOperator,
		Events: []string{webhook.EventCaseOpened, webhook.EventNotice, webhook.EventItemResolved}})
	if err != nil {
		t.Fatal(err)
	}
	tjim, err := g.d.Subscribe(webhook.Subscription{URL: ep.url("/tjim"), Role: record.RoleRecorder, Institution: "TJIM",
		Events: []string{webhook.EventNotice, webhook.EventItemResolved}})
	if err != nil {
		t.Fatal(err)
	}
	ep.mu.Lock()
	ep.secrets["/operator"], ep.secrets["/tjim"] = op.Secret, tjim.Secret
	ep.mu.Unlock()

	// Up: the case and its notices arrive.
	opening, _ := json.Marshal(record.CaseOpening{ID: "CASE-1", StandardID: region.Expect.CaseStandard, Since: region.Expect.CaseSince, Finding: "drift"})
	submit("HebeiMSP", "inspector", "HBIM", record.FnOpenCase, string(opening), "")
	var want []string
	want = append(want, "/operator case_opened TJIM CASE-1")
	for inst := range region.Expect.CaseNotices {
		want = append(want, "/operator notice "+inst+" CASE-1")
	}
	want = append(want, "/tjim notice TJIM CASE-1")
	sort.Strings(want)
	ep.waitFor(want)

	// Down for a while: TJIM resolves an item; the gateway retries in vain,
	// then stops with the delivery pending.
	ep.stop()
	resolution, _ := json.Marshal(record.Resolution{CertificateID: "V-RISK", Action: record.ActionRecalled})
	submit("TianjinMSP", "recorder", "TJIM", record.FnResolveNotice, "CASE-1~TJIM", string(resolution))
	time.Sleep(300 * time.Millisecond)
	g.stop(t)

	// While the gateway is down, HBIM resolves one of its items.
	other, _ := json.Marshal(record.Resolution{CertificateID: "V-HB-B", Action: record.ActionNoImpact, Reason: "expired"})
	submit("HebeiMSP", "recorder", "HBIM", record.FnResolveNotice, "CASE-1~HBIM", string(other))

	// The receiver comes back, then the gateway: the pending deliveries
	// resume with the same secrets, and the event committed while the
	// gateway was down is derived and delivered.
	ep.start()
	g = startGateway(t, dir, l)
	defer g.stop(t)
	if subs := g.d.Subscriptions(); len(subs) != 2 || subs[0].ID != op.ID || subs[1].ID != tjim.ID || subs[0].Secret != "" {
		t.Fatalf("subscriptions after the restart = %+v", subs)
	}
	want = append(want, "/operator item_resolved TJIM CASE-1", "/tjim item_resolved TJIM CASE-1", "/operator item_resolved HBIM CASE-1")
	sort.Strings(want)
	ep.waitFor(want)

	// A second restart delivers nothing again: what was accepted is no
	// longer pending, and the events already applied are not derived
	// twice.
	ep.mu.Lock()
	before := ep.received
	ep.mu.Unlock()
	g.stop(t)
	g = startGateway(t, dir, l)
	time.Sleep(300 * time.Millisecond)
	ep.mu.Lock()
	after := ep.received
	ep.mu.Unlock()
	if after != before {
		t.Errorf("a restart with nothing pending delivered %d more", after-before)
	}
	// A new subscription gets a new id after the restart.
	next, err := g.d.Subscribe(webhook.Subscription{URL: ep.url("/late"), Role: record.RoleOperator, Events: []string{webhook.EventNotice}})
	if err != nil {
		t.Fatal(err)
	}
	if next.ID != "SUB-3" {
		t.Errorf("subscription after the restart is %s, want SUB-3", next.ID)
	}
}

func TestInstrumentOverdueOncePerDueDate(t *testing.T) {
	l, region, _ := supervised(t)
	x, err := index.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ctx, cancel := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() { defer close(followed); _ = x.Follow(ctx, l) }()
	defer func() { cancel(); <-followed }()
	h, _ := l.Height(ctx)
	wait, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	if err := x.WaitFor(wait, h-1); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	ep := newEndpoint(t)
	d := mustOpen(t, ctx, dir)
	subscribe := func(path, role, inst string, events ...string) {
		t.Helper()
		s, err := d.Subscribe(webhook.Subscription{URL: ep.url(path), Role: role, Institution: inst, Events: events})
		if err != nil {
			t.Fatal(err)
		}
		ep.mu.Lock()
		ep.secrets[path] = s.Secret
		ep.mu.Unlock()
	}
	subscribe("/operator", record.RoleOperator, "", webhook.EventInstrumentOverdue)
	// The scales are the market's (TJ-MKT), the water meter HBIM's.
	subscribe("/tjmkt", record.RoleRecorder, "TJ-MKT", webhook.EventInstrumentOverdue)
	subscribe("/hbim-notices", record.RoleRecorder, "HBIM", webhook.EventNotice)

	day := func(n int) string {
		t.Helper()
		d, err := record.AddDays(region.Today, n)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// What the overdue list says, as the deliveries must: every overdue
	// instrument to the operator, the market's to the market, none to a subscription
	// of other events.
	expect := func(today string) []string {
		t.Helper()
		page, err := x.Overdue(today, index.Filter{}, record.MaxPageSize, "")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range page.Items {
			out = append(out, "/operator instrument_overdue "+it.InstitutionID+" "+it.InstrumentID+"@"+it.DueOn)
			if it.InstitutionID == "TJ-MKT" {
				out = append(out, "/tjmkt instrument_overdue TJ-MKT "+it.InstrumentID+"@"+it.DueOn)
			}
		}
		sort.Strings(out)
		return out
	}
	check := func(today string, want int) {
		t.Helper()
		n, err := d.CheckOverdue(today, x)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Fatalf("CheckOverdue(%s) raised %d, want %d", today, n, want)
		}
	}

	check(region.Today, len(region.Expect.Overdue))
	want := expect(region.Today)
	if len(want) != 2*len(region.Expect.Overdue) {
		t.Fatalf("expected deliveries %v: the market's subscription should receive every overdue scale", want)
	}
	var overdueIDs []string
	page, _ := x.Overdue(region.Today, index.Filter{}, record.MaxPageSize, "")
	for _, it := range page.Items {
		overdueIDs = append(overdueIDs, it.InstrumentID)
	}
	if !reflect.DeepEqual(overdueIDs, region.Expect.Overdue) {
		t.Fatalf("overdue list %v, want %v", overdueIDs, region.Expect.Overdue)
	}
	ep.waitFor(want)

	// The same day again, and the next day: nothing new.
	check(region.Today, 0)
	check(day(1), 0)
	// S-DUE falls due in 15 days and H-DUE in 25: each is raised on the
	// day after, once.
	check(day(16), 1)
	check(day(16), 0)
	want = expect(day(16))
	ep.waitFor(want)
	if len(want) != len(expect(region.Today))+2 { // S-DUE: operator and market
		t.Fatalf("after 16 days %d deliveries, want 2 more than %d", len(want), len(expect(region.Today)))
	}

	// After a restart the store remembers what was raised.
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d = mustOpen(t, ctx, dir)
	defer d.Close()
	check(day(16), 0)
	check(day(26), 1) // H-DUE, HBIM's: only the operator subscribed to it
	want = expect(day(26))
	ep.waitFor(want)
	if !slices.Contains(want, "/operator instrument_overdue HBIM H-DUE@"+day(25)) {
		t.Fatalf("H-DUE is not among %v", want)
	}

	// Bad dates are refused and raise nothing.
	if n, err := d.CheckOverdue("2026-13-01", x); err == nil || n != 0 {
		t.Errorf("CheckOverdue of a bad date = %d, %v", n, err)
	}
}

func TestBadSubscriptionsWriteNothing(t *testing.T) {
	dir := t.TempDir()
	d := mustOpen(t, context.Background(), dir)
	for _, bad := range []webhook.Subscription{
		{URL: "ftp://127.0.0.1/x", Events: []string{webhook.EventNotice}, Role: record.RoleOperator},
		{URL: "http://", Events: []string{webhook.EventNotice}, Role: record.RoleOperator},
		{URL: "http://127.0.0.1:1/x", Events: []string{"instrument_late"}, Role: record.RoleOperator},
		{URL: "http://127.0.0.1:1/x", Role: record.RoleOperator},
		{URL: "http://127.0.0.1:1/x", Events: []string{webhook.EventInstrumentOverdue}, Role: record.RoleRecorder},
	} {
		if _, err := d.Subscribe(bad); err == nil {
			t.Errorf("%+v was accepted", bad)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d = mustOpen(t, context.Background(), dir)
	defer d.Close()
	if subs := d.Subscriptions(); len(subs) != 0 {
		t.Errorf("refused subscriptions were stored: %+v", subs)
	}
	s, err := d.Subscribe(webhook.Subscription{URL: "http://127.0.0.1:1/x", Events: []string{webhook.EventInstrumentOverdue}, Role: record.RoleOperator})
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != "SUB-1" {
		t.Errorf("first subscription after refusals is %s, want SUB-1", s.ID)
	}
}
