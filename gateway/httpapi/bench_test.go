package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
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

// scenarioServer serves the scenario region from a real index through the
// whole HTTP stack (routes, auth, validation, middleware) on a loopback
// port, and returns its address and an inspector's token.
func scenarioServer(b testing.TB) (string, string) {
	b.Helper()
	return indexServer(b, scenario.New().Steps())
}

// indexServer is scenarioServer over the region steps load.
func indexServer(b testing.TB, steps []scenario.Step) (string, string) {
	b.Helper()
	l, err := embedded.Open("")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	for _, s := range steps {
		id, err := l.Wallet().Identity(s.MSPID, s.Role, s.Institution)
		if err == nil {
			_, err = l.Submit(ctx, id, ledger.Call{Function: s.Function, Args: s.Args, Transient: s.Transient})
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	x, err := index.Open("", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { x.Close() })
	go func() { _ = x.Follow(ctx, l) }()
	height, err := l.Height(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// A benchmark that cannot start says why instead of waiting forever.
	waitCtx, cancelWait := context.WithTimeout(ctx, time.Minute)
	defer cancelWait()
	if err := x.WaitFor(waitCtx, height-1); err != nil {
		b.Fatal(err)
	}
	tokens := &auth.Issuer{Secret: bytes.Repeat([]byte("s"), 32)}
	srv := httpapi.New(httpapi.Config{Client: client.New(l), Index: x, Tokens: tokens, Identities: l.Wallet(), RateLimit: rate.Inf,
		HeightFunc: func(context.Context) (uint64, error) { return x.Height(), nil }})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	b.Cleanup(func() { cancel(); <-done })
	tok, err := tokens.Issue(auth.Claims{Role: auth.RoleInspector, MSP: "HebeiMSP", Institution: "HBIM"}, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	return "http://" + ln.Addr().String(), tok
}

// benchGet asks path with 16 clients in parallel (on two cores, as the
// HTTP measurement of metrotrace-bench), each answer read whole and
// required to be 200.
func benchGet(b *testing.B, path string) {
	base, tok := scenarioServer(b)
	// A request that gets no answer fails the benchmark in a minute.
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: time.Minute}
	get := func() error {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %s %s", path, resp.Status, body)
		}
		return nil
	}
	if err := get(); err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := get(); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkHTTPHealthz is the trivial route, the baseline of the others.
func BenchmarkHTTPHealthz(b *testing.B) { benchGet(b, "/healthz") }

// BenchmarkHTTPTrace traces the scenario's Tianjin balance (three links).
func BenchmarkHTTPTrace(b *testing.B) {
	benchGet(b, httpapi.Prefix+"/trace/TJ-BAL-001?at=2024-06-01")
}
