package httpapi_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// TestHTTPAnswersByTheBook sends requests HTTP has a precise answer for
// (issue 15) to a seeded server with the console mounted, and checks the
// status, the JSON error, the Allow header and that nothing was written.
func TestHTTPAnswersByTheBook(t *testing.T) {
	console := fstest.MapFS{"index.html": {Data: []byte("<html>metrotrace console</html>")}}
	e := newEnv(t, func(c *httpapi.Config) { c.ConsoleFS = console })
	e.seed()
	rec, insp := e.recorderOf("BeijingMSP", "BJIM"), e.inspector()
	newStd := *bjStd
	newStd.ID = "BJ-STD-NEW"
	std := mustJSON(t, &newStd)

	tests := []struct {
		name    string
		req     req
		status  int
		code    string
		message string
		allow   string
	}{
		{"GET on the POST-only verify", req{method: "GET", path: "/api/v1/verify"}, 405, "method_not_allowed", "Method Not Allowed", "OPTIONS, POST"},
		{"GET on a POST-only status change", req{method: "GET", path: "/api/v1/standards/BJ-STD-MASS/status", token: insp}, 405, "method_not_allowed", "Method Not Allowed", "OPTIONS, POST"},
		{"HEAD on a POST-only route", req{method: "HEAD", path: "/api/v1/certificates/X/revoke"}, 405, "", "", "OPTIONS, POST"},
		{"DELETE on a record", req{method: "DELETE", path: "/api/v1/standards/NIM-MASS-P", token: insp}, 405, "method_not_allowed", "Method Not Allowed", "OPTIONS, GET, HEAD"},
		{"PUT on a collection", req{method: "PUT", path: "/api/v1/standards", token: rec, body: std}, 405, "method_not_allowed", "Method Not Allowed", "OPTIONS, GET, HEAD, POST"},
		{"POST on the health probe", req{method: "POST", path: "/healthz", body: "{}"}, 405, "method_not_allowed", "Method Not Allowed", "OPTIONS, GET, HEAD"},
		{"an unknown API path, even under the console", req{method: "GET", path: "/api/v1/nothing", token: insp}, 404, "not_found", "Not Found", ""},
		{"POST on an unknown API path", req{method: "POST", path: "/api/v1/nothing", token: rec, body: std}, 404, "not_found", "Not Found", ""},

		{"an undecodable query string", req{method: "GET", path: "/api/v1/standards?page_size=%zz", token: insp}, 400, "invalid", `query string is malformed: invalid URL escape "%zz"`, ""},
		{"an undecodable query string on a write", req{method: "POST", path: "/api/v1/standards?x=%", token: rec, body: std}, 400, "invalid", "query string is malformed", ""},
		{"a query string with a semicolon", req{method: "GET", path: "/api/v1/search?q=a;b", token: insp}, 400, "invalid", "query string is malformed", ""},
		{"an undecodable query string to a probe", req{method: "GET", path: "/healthz?%zz"}, 400, "invalid", "query string is malformed", ""},

		{"a JSON-like media type", req{method: "POST", path: "/api/v1/standards", token: rec, body: std,
			header: map[string]string{"Content-Type": "application/evil+json"}}, 415, "unsupported_media_type", "content type application/evil+json is not supported", ""},
		{"JSON in another charset", req{method: "POST", path: "/api/v1/standards", token: rec, body: std,
			header: map[string]string{"Content-Type": "application/json; charset=latin1"}}, 415, "unsupported_media_type", "application/json; charset=latin1", ""},
		{"JSON with an unknown parameter", req{method: "POST", path: "/api/v1/standards", token: rec, body: std,
			header: map[string]string{"Content-Type": "application/json; profile=x"}}, 415, "unsupported_media_type", "profile", ""},
		{"a malformed content type", req{method: "POST", path: "/api/v1/standards", token: rec, body: std,
			header: map[string]string{"Content-Type": "application/json;;"}}, 415, "unsupported_media_type", "not supported", ""},

		{"headers over the limit", req{method: "GET", path: "/api/v1/standards/NIM-MASS-P", token: insp,
			header: map[string]string{"X-Padding": strings.Repeat("p", 40<<10)}}, 431, "header_too_large", "more than the 32768 bytes allowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.height()
			r := e.do(tt.req)
			if tt.req.method == "HEAD" {
				if r.status != tt.status || len(r.body) != 0 {
					t.Fatalf("HEAD: %d with %d bytes of body", r.status, len(r.body))
				}
			} else {
				r.expectError(t, tt.status, tt.code, tt.message)
			}
			if got := r.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			if after := e.height(); after != before {
				t.Errorf("ledger height moved from %d to %d", before, after)
			}
		})
	}
}

// TestEveryGETAnswersHEAD checks that HEAD gets GET's status and headers
// without a body, on the API, the probes and the console.
func TestEveryGETAnswersHEAD(t *testing.T) {
	console := fstest.MapFS{"index.html": {Data: []byte("<html>metrotrace console</html>")}}
	e := newEnv(t, func(c *httpapi.Config) { c.ConsoleFS = console })
	e.seed()
	insp := e.inspector()
	for _, tt := range []struct {
		path, token string
		status      int
	}{
		{"/healthz", "", 200},
		{"/readyz", "", 200},
		{"/metrics", "", 200},
		{"/api/v1/openapi.yaml", "", 200},
		{"/api/v1/standards/NIM-MASS-P", insp, 200},
		{"/api/v1/standards?page_size=1", insp, 200},
		{"/api/v1/trace/BJ-BAL-001", insp, 200},
		{"/api/v1/standards/NOPE", insp, 404},
		{"/api/v1/standards/NIM-MASS-P", "", 401},
		{"/", "", 200},
		{"/missing.js", "", 404},
	} {
		t.Run(tt.path, func(t *testing.T) {
			get := e.get(tt.path, tt.token)
			head := e.do(req{method: "HEAD", path: tt.path, token: tt.token})
			if get.status != tt.status || head.status != tt.status {
				t.Fatalf("GET %d, HEAD %d, want %d", get.status, head.status, tt.status)
			}
			if len(head.body) != 0 {
				t.Errorf("HEAD answered a body of %d bytes", len(head.body))
			}
			if g, h := get.header.Get("Content-Type"), head.header.Get("Content-Type"); g != h {
				t.Errorf("Content-Type: GET %q, HEAD %q", g, h)
			}
		})
	}
}

// TestJSONInUTF8IsTaken checks that the charset parameter of JSON is
// accepted when it says UTF-8.
func TestJSONInUTF8IsTaken(t *testing.T) {
	e := newEnv(t)
	e.seed()
	newStd := *bjStd
	newStd.ID = "BJ-STD-UTF8"
	before := e.height()
	e.do(req{method: "POST", path: "/api/v1/standards", token: e.recorderOf("BeijingMSP", "BJIM"), body: &newStd,
		header: map[string]string{"Content-Type": "application/json; charset=UTF-8"}}).expect(t, 201)
	if after := e.height(); after != before+1 {
		t.Errorf("ledger height %d after a write from %d", after, before)
	}
}

// TestOptionsNamesTheMethods checks that OPTIONS on a known path answers
// 204 with Allow, under the console's catch-all too.
func TestOptionsNamesTheMethods(t *testing.T) {
	e := newEnv(t, func(c *httpapi.Config) { c.ConsoleFS = fstest.MapFS{"index.html": {Data: []byte("<html>")}} })
	for path, allow := range map[string]string{
		"/api/v1/verify":               "OPTIONS, POST",
		"/api/v1/standards/NIM-MASS-P": "OPTIONS, GET, HEAD",
		"/healthz":                     "OPTIONS, GET, HEAD",
	} {
		r := e.do(req{method: "OPTIONS", path: path})
		if r.status != 204 || r.header.Get("Allow") != allow {
			t.Errorf("OPTIONS %s: %d, Allow %q, want 204 %q", path, r.status, r.header.Get("Allow"), allow)
		}
	}
}

// rawExchange writes a raw request on a fresh connection and returns the
// status line, the headers and the body of the answer.
func rawExchange(t *testing.T, url, raw string) (status string, header http.Header, body string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.Status, res.Header, sb.String()
}

// TestWhatNetHTTPAnswersItselfIsJSONToo sends requests net/http refuses
// before any handler runs and checks that they get the same status as a
// JSON error, writing nothing.
func TestWhatNetHTTPAnswersItselfIsJSONToo(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, raw string
		status    int
		code      string
		message   string
	}{
		{"a bad escape in the request line", "GET /api/v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid", "could not be parsed"},
		{"a request line that is no request line", "GARBAGE\r\n\r\n", 400, "invalid", "could not be parsed"},
		{"no Host header", "GET /healthz HTTP/1.1\r\n\r\n", 400, "invalid", "missing required Host header"},
		{"an HTTP version it does not serve", "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505, "not_implemented", "unsupported protocol version"},
		{"a transfer coding it does not know", "POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zip\r\n\r\n", 501, "not_implemented", "Unsupported transfer encoding"},
		{"headers over net/http's own limit", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + strings.Repeat("p", 100<<10) + "\r\n\r\n", 431, "header_too_large", "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.height()
			status, header, body := rawExchange(t, e.url, tt.raw)
			r := &response{status: 0, header: header, body: []byte(body)}
			if _, err := fmt.Sscanf(status, "%d", &r.status); err != nil {
				t.Fatalf("status %q", status)
			}
			r.expectError(t, tt.status, tt.code, tt.message)
			if after := e.height(); after != before {
				t.Errorf("ledger height moved from %d to %d", before, after)
			}
		})
	}
}
