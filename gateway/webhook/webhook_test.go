package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/ledger"
	"github.com/metrotrace/metrotrace/gateway/webhook"
)

// receiver is a subscriber's endpoint that is down (503) until up is set.
type receiver struct {
	mu       sync.Mutex
	up       bool
	refused  int
	got      map[string]webhook.Event // by event id: duplicates collapse
	bad      []string
	secretOf func(*http.Request) string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if !rc.up {
		rc.refused++
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if got := r.Header.Get(webhook.HeaderSignature); got != webhook.Sign(rc.secretOf(r), body) {
		rc.bad = append(rc.bad, "signature "+got)
	}
	var e webhook.Event
	if err := json.Unmarshal(body, &e); err != nil || e.ID != r.Header.Get(webhook.HeaderEventID) {
		rc.bad = append(rc.bad, "body "+string(body))
	}
	rc.got[r.URL.Path+" "+e.ID] = e
	w.WriteHeader(http.StatusNoContent)
}

func TestDeliveriesArriveSignedAfterTheReceiverWasDown(t *testing.T) {
	day := time.Now().UTC().Truncate(24 * time.Hour)
	region := scenario.Supervision(day)
	l, err := embedded.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
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

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := webhook.New(ctx, webhook.Options{FirstRetry: 20 * time.Millisecond, MaxRetryWait: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	secrets := map[string]string{}
	rc := &receiver{got: map[string]webhook.Event{}, secretOf: func(r *http.Request) string { return secrets[r.URL.Path] }}
	srv := httptest.NewServer(rc) // on 127.0.0.1
	defer srv.Close()
	tjim, err := d.Subscribe(webhook.Subscription{URL: srv.URL + "/tjim", Events: []string{webhook.EventNotice, webhook.EventItemResolved}, Role: record.RoleRecorder, Institution: "TJIM"})
	if err != nil {
		t.Fatal(err)
	}
	op, err := d.Subscribe(webhook.Subscription{URL: srv.URL + "/operator", Events: []string{webhook.EventCaseOpened}, Role: record.RoleOperator})
	if err != nil {
		t.Fatal(err)
	}
	secrets["/tjim"], secrets["/operator"] = tjim.Secret, op.Secret
	for _, bad := range []webhook.Subscription{
		{URL: "ftp://x", Events: []string{webhook.EventNotice}, Role: record.RoleOperator},
		{URL: srv.URL, Events: []string{"everything"}, Role: record.RoleOperator},
		{URL: srv.URL, Role: record.RoleOperator},
		{URL: srv.URL, Events: []string{webhook.EventNotice}, Role: record.RoleRecorder},
	} {
		if _, err := d.Subscribe(bad); err == nil {
			t.Errorf("%+v was accepted", bad)
		}
	}
	h, _ := l.Height(ctx)
	followed := make(chan struct{})
	go func() { defer close(followed); _ = d.Follow(ctx, l, h) }()

	opening, _ := json.Marshal(record.CaseOpening{ID: "CASE-1", StandardID: region.Expect.CaseStandard, Since: region.Expect.CaseSince, Finding: "drift"})
	submit("HebeiMSP", "inspector", "HBIM", record.FnOpenCase, string(opening), "")
	resolution, _ := json.Marshal(record.Resolution{CertificateID: "V-RISK", Action: record.ActionRecalled})
	submit("TianjinMSP", "recorder", "TJIM", record.FnResolveNotice, "CASE-1~TJIM", string(resolution))
	// A resolution of another institution's notice: not for TJIM.
	other, _ := json.Marshal(record.Resolution{CertificateID: "V-HB-B", Action: record.ActionNoImpact, Reason: "expired"})
	submit("HebeiMSP", "recorder", "HBIM", record.FnResolveNotice, "CASE-1~HBIM", string(other))

	time.Sleep(300 * time.Millisecond) // the receiver is down meanwhile
	rc.mu.Lock()
	rc.up = true
	rc.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rc.mu.Lock()
		n := len(rc.got)
		rc.mu.Unlock()
		if n >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // nothing more may arrive
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var got []string
	for key, e := range rc.got {
		got = append(got, key[:len(key)-len(e.ID)]+e.Type+" "+e.InstitutionID+" "+e.CaseID)
	}
	sort.Strings(got)
	want := []string{"/operator case_opened TJIM CASE-1", "/tjim item_resolved TJIM CASE-1", "/tjim notice TJIM CASE-1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
	if rc.refused == 0 {
		t.Error("no delivery was refused while the receiver was down")
	}
	if len(rc.bad) > 0 {
		t.Errorf("bad deliveries: %v", rc.bad)
	}
	cancel()
	<-followed
}
