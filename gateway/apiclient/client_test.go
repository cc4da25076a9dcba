package apiclient_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/metrotrace/metrotrace/gateway/apiclient"
)

func TestRefusalsCarryTheServersMessage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/certificates/C/1":
			if r.URL.EscapedPath() != "/api/v1/certificates/C%2F1" {
				t.Errorf("the id was not escaped as one segment: %s", r.URL.EscapedPath())
			}
		case "/api/v1/plain":
			http.Error(w, "upstream exploded", http.StatusBadGateway)
			return
		}
		if got := r.Header.Get("Authorization"); got != "Bearer tok" {
			t.Errorf("authorization %q", got)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":{"code":"not_found","message":"certificate X does not exist"}}`))
	}))
	defer srv.Close()
	c, err := apiclient.New(srv.URL+"/", apiclient.WithToken(" tok\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(context.Background(), "certificates", "X", apiclient.SourceLedger)
	var ae *apiclient.Error
	if !errors.As(err, &ae) || ae.Status != 404 || ae.Code != "not_found" || ae.Message != "certificate X does not exist" {
		t.Fatalf("got %#v", err)
	}
	if !apiclient.IsStatus(err, http.StatusNotFound) {
		t.Error("IsStatus")
	}
	_, err = c.Get(context.Background(), "certificates", "C/1", apiclient.SourceIndex)
	if !apiclient.IsStatus(err, http.StatusNotFound) {
		t.Errorf("escaped id: %v", err)
	}
}

func TestRateLimitedRequestsAreRetried(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":{"code":"rate_limited","message":"slow down"}}`))
			return
		}
		w.Header().Set("X-Transaction-ID", "tx1")
		w.Header().Set("X-Block-Number", "42")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"A"}`))
	}))
	defer srv.Close()
	c, _ := apiclient.New(srv.URL)
	w, err := c.Create(context.Background(), "capabilities", []byte(`{"id":"A"}`))
	if err != nil || w.TxID != "tx1" || w.BlockNumber != 42 || string(w.Record) != `{"id":"A"}` || calls.Load() != 3 {
		t.Fatalf("%+v %v after %d calls", w, err, calls.Load())
	}
	calls.Store(0)
	c, _ = apiclient.New(srv.URL, apiclient.WithRetries(1))
	if _, err := c.Create(context.Background(), "capabilities", []byte(`{}`)); !apiclient.IsStatus(err, http.StatusTooManyRequests) {
		t.Errorf("with one retry: %v", err)
	}
}

func TestNewRefusesURLsThatAreNotHTTP(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:8080", "ftp://x", "http://"} {
		if _, err := apiclient.New(u); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

func TestParseKindAcceptsPluralsAndDocTypes(t *testing.T) {
	for in, want := range map[string]string{"capability": "capabilities", "Capabilities": "capabilities", "certificate": "certificates"} {
		k, err := apiclient.ParseKind(in)
		if err != nil || k.Plural != want {
			t.Errorf("%q: %+v %v", in, k, err)
		}
	}
	if _, err := apiclient.ParseKind("gadget"); err == nil {
		t.Error("gadget accepted")
	}
}
