package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/client"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// target is a running gateway over one backend.
type target struct {
	name   string
	url    string
	tokens *auth.Issuer
	http   *http.Client
}

// startGateway serves the HTTP API over a ledger with its own index, on a
// loopback port, until the test ends.
func startGateway(t *testing.T, name string, l ledger.Ledger, ids auth.Identities) *target {
	t.Helper()
	x, err := index.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() { defer close(followed); _ = x.Follow(ctx, l) }()
	tokens := &auth.Issuer{Secret: []byte("conformance-secret-0123456789abcdef")}
	srv := httpapi.New(httpapi.Config{Client: client.New(l), Index: x, Tokens: tokens, Identities: ids,
		RateLimit: rate.Inf, WaitTimeout: 30 * time.Second})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() { defer close(served); _ = srv.Serve(ctx, lis) }()
	t.Cleanup(func() {
		cancel()
		<-served
		<-followed
		x.Close()
	})
	return &target{name: name, url: "http://" + lis.Addr().String(), tokens: tokens, http: &http.Client{Timeout: 2 * time.Minute}}
}

func (tg *target) token(t *testing.T, msp, role, institution string) string {
	t.Helper()
	tok, err := tg.tokens.Issue(auth.Claims{MSP: msp, Role: role, Institution: institution}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// do sends a request and returns the status and body.
func (tg *target) do(t *testing.T, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			r = bytes.NewBufferString(b)
		default:
			data, err := json.Marshal(b)
			if err != nil {
				t.Fatal(err)
			}
			r = bytes.NewReader(data)
		}
	}
	req, err := http.NewRequest(method, tg.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := tg.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s on %s: %v", method, path, tg.name, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// canonical re-encodes JSON so equal documents compare equal as strings.
func canonical(t *testing.T, data []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %s", data)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func failing(t *testing.T, answer []byte) []string {
	t.Helper()
	var v struct {
		Links []struct {
			Checks []struct {
				Name string `json:"name"`
				OK   bool   `json:"ok"`
			} `json:"checks"`
		} `json:"links"`
		Checks []struct {
			Name string `json:"name"`
			OK   bool   `json:"ok"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(answer, &v); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	add := func(name string, ok bool) {
		if !ok && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, l := range v.Links {
		for _, c := range l.Checks {
			add(c.Name, c.OK)
		}
	}
	for _, c := range v.Checks {
		add(c.Name, c.OK)
	}
	return out
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
