package apiclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/apiclient"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
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

// TestARefusedBatchItemCarriesItsReasonAndFields: the details of a refused
// batch, as the gateway writes them (httpapi.ErrorDetail), reach the
// client whole: each item's index, class, reason code with its params, and
// the fields of an item refused for several.
func TestARefusedBatchItemCarriesItsReasonAndFields(t *testing.T) {
	one, two := 1, 3
	body, err := json.Marshal(map[string]any{"error": httpapi.ErrorDetail{Code: "invalid", Message: "issue certificates: 2 of 4 items refused", Details: []httpapi.Detail{
		{Index: &one, Code: "conflict", Reason: "batch_twice", Params: map[string]string{"id": "C-1", "index": "0", "kind": "certificate"}, Message: "item 1: certificate C-1 is also item 0 of this batch"},
		{Index: &two, Code: "invalid", Reason: "item_fields", Params: map[string]string{"count": "2"}, Message: "item 3: 2 fields are wrong", Fields: []httpapi.Detail{
			{Field: "performed_on", Code: "date_format", Params: map[string]string{"value": "2024-13-01"}, Message: "performed_on is not a date"},
			{Field: "issuer_id", Code: "required", Message: "issuer_id is required"},
		}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	c, err := apiclient.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(context.Background(), "certificates", "X", apiclient.SourceIndex)
	var ae *apiclient.Error
	if !errors.As(err, &ae) {
		t.Fatalf("got %v", err)
	}
	want := []apiclient.ItemError{
		{Index: 1, Code: "conflict", Reason: "batch_twice", Params: map[string]string{"id": "C-1", "index": "0", "kind": "certificate"}, Message: "item 1: certificate C-1 is also item 0 of this batch"},
		{Index: 3, Code: "invalid", Reason: "item_fields", Params: map[string]string{"count": "2"}, Message: "item 3: 2 fields are wrong", Fields: []apiclient.ItemError{
			{Field: "performed_on", Code: "date_format", Params: map[string]string{"value": "2024-13-01"}, Message: "performed_on is not a date"},
			{Field: "issuer_id", Code: "required", Message: "issuer_id is required"},
		}},
	}
	if !reflect.DeepEqual(ae.Details, want) {
		t.Errorf("details = %+v\nwant      %+v", ae.Details, want)
	}
}

// A streamed impact gives every item to fn and returns its end; a stream
// that ends with an error line, or with no end line, is an error, and so
// is a refusal before the stream began.
func TestImpactStreamReadsEveryLineToTheEnd(t *testing.T) {
	bodies := map[string]string{
		"S-OK":    `{"certificate_id":"C1","reference_id":"S-OK"}` + "\n" + `{"certificate_id":"C2","reference_id":"S2"}` + "\n" + `{"end":{"standard_id":"S-OK","since":"2024-01-01","items":2,"standards":["S2"]}}` + "\n",
		"S-ERR":   `{"certificate_id":"C1","reference_id":"S-ERR"}` + "\n" + `{"error":{"code":"timeout","message":"the request did not finish within 30s"}}` + "\n",
		"S-SHORT": `{"certificate_id":"C1","reference_id":"S-SHORT"}` + "\n",
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Path[len("/api/v1/impact/"):]
		if r.URL.Query().Get("format") != "ndjson" || r.URL.Query().Get("since") != "2024-01-01" || r.URL.Query().Get("source") != "ledger" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		body, ok := bodies[id]
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":{"code":"not_found","message":"no standard ` + id + `"}}`))
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	c, err := apiclient.New(srv.URL, apiclient.WithToken("tok"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	collect := func(it rules.ImpactItem) error { got = append(got, it.CertificateID+"<"+it.ReferenceID); return nil }
	end, err := c.ImpactStream(context.Background(), "S-OK", "2024-01-01", apiclient.SourceLedger, collect)
	if err != nil || end.Items != 2 || !reflect.DeepEqual(end.Standards, []string{"S2"}) || !reflect.DeepEqual(got, []string{"C1<S-OK", "C2<S2"}) {
		t.Fatalf("end %+v, items %v, err %v", end, got, err)
	}
	got = nil
	_, err = c.ImpactStream(context.Background(), "S-ERR", "2024-01-01", apiclient.SourceLedger, collect)
	var ae *apiclient.Error
	if !errors.As(err, &ae) || ae.Code != "timeout" || ae.Status != 200 || len(got) != 1 {
		t.Errorf("a stream ending with an error line: %v (items %v)", err, got)
	}
	if _, err = c.ImpactStream(context.Background(), "S-SHORT", "2024-01-01", apiclient.SourceLedger, collect); err == nil || !strings.Contains(err.Error(), "without its end line") {
		t.Errorf("a stream without its end line: %v", err)
	}
	if _, err = c.ImpactStream(context.Background(), "S-NONE", "2024-01-01", apiclient.SourceLedger, collect); !apiclient.IsStatus(err, 404) {
		t.Errorf("an unknown standard: %v", err)
	}
	stop := errors.New("enough")
	if _, err = c.ImpactStream(context.Background(), "S-OK", "2024-01-01", apiclient.SourceLedger, func(rules.ImpactItem) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("fn's error: %v", err)
	}
}
