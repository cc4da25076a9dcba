package httpapi_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

func TestTheConsoleIsServedPublicly(t *testing.T) {
	console := fstest.MapFS{
		"index.html":  {Data: []byte("<html>metrotrace console</html>")},
		"app.js":      {Data: []byte("console.log(1)")},
		"css/app.css": {Data: []byte("body{}")},
	}
	e := newEnv(t, func(c *httpapi.Config) { c.ConsoleFS = console })
	for path, want := range map[string]string{"/": "metrotrace console", "/app.js": "console.log", "/css/app.css": "body{}"} {
		r := e.get(path, "")
		if r.status != 200 || !strings.Contains(string(r.body), want) {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	e.get("/missing.js", "").expectError(t, 404, "not_found", "Not Found")
	// The API keeps its own answers under the console.
	e.get("/api/v1/standards/X", "").expectError(t, 401, "unauthorized", "bearer")
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestEveryLogLineOfARequestCarriesItsID(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(c *httpapi.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	e.do(req{method: "GET", path: "/api/v1/standards/NOPE", token: e.inspector(), header: map[string]string{"X-Request-ID": "req-42"}}).
		expectError(t, 404, "not_found", "NOPE")
	var lines []string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "NOPE") || strings.Contains(l, `"msg":"request"`) {
			lines = append(lines, l)
		}
	}
	if len(lines) < 2 {
		t.Fatalf("expected the refusal and the access line, got:\n%s", logs.String())
	}
	for _, l := range lines {
		if !strings.Contains(l, `"request_id":"req-42"`) {
			t.Errorf("line without the request id: %s", l)
		}
	}
	if strings.Contains(logs.String(), e.inspector()[:20]) {
		t.Error("a token reached the logs")
	}
}
