package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/gateway/httpapi"
	"github.com/metrotrace/metrotrace/gateway/webhook"
)

func TestWebhookSubscriptionThroughHTTP(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hooks, err := webhook.New(ctx, webhook.Options{FirstRetry: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer hooks.Close()
	e, region := newSupervisedEnv(t, func(c *httpapi.Config) { c.Webhooks = hooks })
	h := e.height()
	go func() { _ = hooks.Follow(ctx, e.ledger, h) }()

	var mu sync.Mutex
	var got []webhook.Event
	var secret string
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get(webhook.HeaderSignature) != webhook.Sign(secret, body) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev webhook.Event
		_ = json.Unmarshal(body, &ev)
		got = append(got, ev)
	}))
	defer rc.Close()

	tok := e.recorderOf("HebeiMSP", "HBIM")
	e.post("/api/v1/subscriptions", e.token("inspector", "HebeiMSP", "HBIM"), map[string]any{"url": rc.URL, "events": []string{"notice"}}).expectError(t, 403, "forbidden", "")
	e.post("/api/v1/subscriptions", tok, map[string]any{"url": "mailto:x@y", "events": []string{"notice"}}).expectError(t, 400, "invalid", "url")
	e.post("/api/v1/subscriptions", tok, map[string]any{"url": rc.URL, "events": []string{"weather"}}).expectError(t, 400, "invalid", "")
	e.post("/api/v1/subscriptions", tok, map[string]any{"url": rc.URL, "events": []string{"notice"}, "colour": 1}).expectError(t, 400, "invalid", "colour")
	e.post("/api/v1/subscriptions", tok, map[string]any{"url": "http://", "events": []string{"instrument_overdue"}}).expectError(t, 400, "invalid", "url")
	e.post("/api/v1/subscriptions", tok, map[string]any{"url": rc.URL, "events": []string{}}).expectError(t, 400, "invalid", "events")
	if subs := hooks.Subscriptions(); len(subs) != 0 {
		t.Fatalf("refused subscriptions were stored: %+v", subs)
	}
	m := e.post("/api/v1/subscriptions", tok, map[string]any{"url": rc.URL, "events": []string{"notice"}}).expect(t, 201)
	if subs := hooks.Subscriptions(); len(subs) != 1 || subs[0].URL != rc.URL || subs[0].Institution != "HBIM" {
		t.Fatalf("stored subscriptions = %+v", subs)
	}
	e.post("/api/v1/subscriptions", e.recorderOf("TianjinMSP", "TJIM"), map[string]any{"url": rc.URL, "events": []string{"instrument_overdue"}}).expect(t, 201)
	mu.Lock()
	secret, _ = m["secret"].(string)
	mu.Unlock()
	if m["institution"] != "HBIM" || len(secret) != 64 {
		t.Fatalf("subscription = %v", m)
	}
	e.post("/api/v1/cases", e.token("inspector", "HebeiMSP", "HBIM"), map[string]string{"id": "CASE-W", "standard_id": region.Expect.CaseStandard,
		"since": region.Expect.CaseSince, "finding": "drift"}).expect(t, 201)
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Type != "notice" || got[0].InstitutionID != "HBIM" || got[0].CaseID != "CASE-W" {
		t.Errorf("deliveries = %+v", got)
	}
}
