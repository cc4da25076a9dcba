package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
	"github.com/metrotrace/metrotrace/gateway/index"
)

// benchIdentities gives every token an identity of the organization it
// names: the HTTP measurement reads the index only, never the ledger.
type benchIdentities struct{}

func (benchIdentities) Identity(msp, _, _ string) (*identity.Identity, error) {
	return &identity.Identity{MSPID: msp}, nil
}

// httpRoute is one route of the HTTP measurement: the path of request i.
type httpRoute struct {
	name string
	path func(i int) string
}

// httpResult is what one route measured.
type httpResult struct {
	lat      summary
	requests int
	window   time.Duration
}

func (r httpResult) rate() float64 { return float64(r.requests) / r.window.Seconds() }

// measureHTTP serves the index through the real HTTP API (httpapi, the
// routes, validation, auth and middleware of the gateway; no rate limit) on
// a loopback port and measures each route with c.httpClients clients, each
// asking one request after another for c.httpDuration: GET /healthz (the
// trivial route, the baseline), trace of depth 8, recognition, and a page
// of the impact of a standard feeding every instrument.
func measureHTTP(x *index.Index, n int, c indexConfig, t *table, stderr io.Writer) error {
	secret := make([]byte, auth.MinSecretSize)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	tokens := &auth.Issuer{Secret: secret}
	srv := httpapi.New(httpapi.Config{Index: x, Tokens: tokens, Identities: benchIdentities{}, RateLimit: rate.Inf,
		HeightFunc: func(context.Context) (uint64, error) { return x.Height(), nil }})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, l) }()
	defer func() {
		cancel()
		<-served
	}()
	token, err := tokens.Issue(auth.Claims{Role: auth.RoleOperator, MSP: "BeijingMSP"}, time.Hour)
	if err != nil {
		return err
	}
	base := "http://" + l.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.httpClients, MaxConnsPerHost: c.httpClients}, Timeout: 2 * time.Minute}
	defer client.CloseIdleConnections()
	pick := func(i int) int { return (i * 7919) % n }
	routes := []httpRoute{
		{"GET /healthz", func(int) string { return "/healthz" }},
		{"GET /api/v1/trace/{instrument} (depth 8)", func(i int) string {
			return "/api/v1/trace/" + instrumentID(pick(i)) + "?at=" + traceAt
		}},
		{"GET /api/v1/recognition (a certificate of a random instrument)", func(i int) string {
			return fmt.Sprintf("/api/v1/recognition?certificate=C-%07d-2&by=LAB&at=%s", pick(i), traceAt)
		}},
		{fmt.Sprintf("GET /api/v1/impact/%s?page_size=100 (first page; counts all %d certificates)", impactStandard, 3*n+1), func(int) string {
			return "/api/v1/impact/" + impactStandard + "?since=2024-01-01&page_size=100"
		}},
	}
	results := make([]httpResult, len(routes))
	for ri, r := range routes {
		fmt.Fprintf(stderr, "HTTP %s, %d clients, %s\n", r.name, c.httpClients, c.httpDuration)
		stopProfile := func() {}
		if ri == 1 {
			if stopProfile, err = startCPUProfile(c.cpuProfile); err != nil {
				return err
			}
		}
		res, err := loadRoute(client, base, token, r, c.httpClients, c.httpDuration)
		stopProfile()
		if err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		results[ri] = res
	}
	health := results[0]
	for ri, r := range routes {
		res := results[ri]
		w := row{What: fmt.Sprintf("HTTP %s, %d clients", r.name, c.httpClients),
			Measured: fmt.Sprintf("%.0f req/s, p50 %s, p99 %s (%d requests)", res.rate(), ms(res.lat.P50), ms(res.lat.P99), res.requests)}
		if ri > 0 {
			w.Baseline = fmt.Sprintf("GET /healthz %.0f req/s", health.rate())
			w.Ratio = ratio(res.rate(), health.rate())
		}
		if ri == 1 {
			w.Target = "≥ 0.5 × the trivial route's rate"
		}
		t.Rows = append(t.Rows, w)
	}
	return measureHTTPStream(client, base, token, n, c.impactRuns, t, stderr)
}

// measureHTTPStream asks the whole impact of the standard feeding every
// instrument runs times one after another, as a stream (format=ndjson,
// every line read and the count on the last checked) and as one JSON
// answer (the ImpactSet without paths, which the gateway collects from the
// stream in a few bytes an id), with the process's RSS (the gateway's,
// serving in this process) sampled throughout.
func measureHTTPStream(client *http.Client, base, token string, n, runs int, t *table, stderr io.Writer) error {
	path := "/api/v1/impact/" + impactStandard + "?since=2024-01-01&format=ndjson"
	fmt.Fprintf(stderr, "HTTP GET %s (all %d certificates), %d runs, RSS sampled\n", path, 3*n+1, runs)
	var size int64
	d, before, peak, err := rssRuns(runs, func() error {
		lines, last := 0, ""
		err := getOK(client, base+path, token, func(body io.Reader) error {
			sc := bufio.NewScanner(body)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for size = 0; sc.Scan(); lines++ {
				size += int64(len(sc.Bytes())) + 1
				if b := sc.Bytes(); bytes.HasPrefix(b, []byte(`{"end"`)) || bytes.HasPrefix(b, []byte(`{"error"`)) {
					last = string(b)
				}
			}
			return sc.Err()
		})
		if err == nil && (lines != 3*n+2 || !strings.Contains(last, fmt.Sprintf(`"items":%d,`, 3*n+1))) {
			err = fmt.Errorf("GET %s: %d lines ending %.200s, want %d items and the end line", path, lines, last, 3*n+1)
		}
		return err
	})
	if err != nil {
		return err
	}
	st := summarize(d)
	t.Rows = append(t.Rows,
		row{What: fmt.Sprintf("HTTP GET /api/v1/impact/%s?format=ndjson, the whole impact streamed (%d lines, %s), %d runs", impactStandard, 3*n+2, mib(size), runs),
			Measured: "p50 " + ms(st.P50) + ", max " + ms(st.Max)},
		row{What: "process RSS during the HTTP streams (sampled every 10 ms)", Measured: "peak " + peak.String(),
			Baseline: "before " + mib(before.RSS), Ratio: fmt.Sprintf("+%s", mib(peak.RSS-before.RSS)), Target: "≤ 300 MB at 1M"})

	path = "/api/v1/impact/" + impactStandard + "?since=2024-01-01"
	fmt.Fprintf(stderr, "HTTP GET %s (the whole ImpactSet), %d runs, RSS sampled\n", path, runs)
	d, before, peak, err = rssRuns(runs, func() error {
		var tail []byte
		err := getOK(client, base+path, token, func(body io.Reader) error {
			buf := make([]byte, 64<<10)
			for size = 0; ; {
				k, err := body.Read(buf)
				size += int64(k)
				if k > 0 {
					tail = append(tail[:0], buf[max(0, k-16):k]...)
				}
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return err
				}
			}
		})
		if err == nil && (!bytes.HasSuffix(tail, []byte("]}\n")) || size < int64(3*n)*10) {
			err = fmt.Errorf("GET %s: %d bytes ending %q, want an ImpactSet of %d certificates", path, size, tail, 3*n+1)
		}
		return err
	})
	if err != nil {
		return err
	}
	st = summarize(d)
	t.Rows = append(t.Rows,
		row{What: fmt.Sprintf("HTTP GET /api/v1/impact/%s, the whole ImpactSet without paths (%s), %d runs", impactStandard, mib(size), runs),
			Measured: "p50 " + ms(st.P50) + ", max " + ms(st.Max)},
		row{What: "process RSS during the whole answers (sampled every 10 ms)", Measured: "peak " + peak.String(),
			Baseline: "before " + mib(before.RSS), Ratio: fmt.Sprintf("+%s", mib(peak.RSS-before.RSS)), Target: "≤ 300 MB at 1M"})
	return nil
}

// getOK GETs url with the token and hands a 200 answer's body to read as
// it arrives; any other status is an error with the answer's start.
func getOK(client *http.Client, url, token string, read func(io.Reader) error) error {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return fmt.Errorf("GET %s answered %s: %s", url, resp.Status, body)
	}
	return read(resp.Body)
}

// loadRoute runs clients goroutines asking route r one request after
// another for d, and returns their latencies; any answer but 200 fails.
func loadRoute(client *http.Client, base, token string, r httpRoute, clients int, d time.Duration) (httpResult, error) {
	var (
		mu   sync.Mutex
		lat  []time.Duration
		errs []error
		wg   sync.WaitGroup
		next int
	)
	start := time.Now()
	deadline := start.Add(d)
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(deadline) {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				req, _ := http.NewRequest(http.MethodGet, base+r.path(i), nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("%s answered %s", r.path(i), resp.Status)
					}
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	window := time.Since(start)
	if len(errs) > 0 {
		return httpResult{}, errors.Join(errs...)
	}
	return httpResult{lat: summarize(lat), requests: len(lat), window: window}, nil
}
