package httpapi_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
)

// Answers encoded by the gateway's JSON serializer go out whole, with a
// Content-Length and no chunking, and are encoding/json's output: a large
// trace (8 KiB, past net/http's buffer), the same indented, the trivial
// route and an error.
func TestJSONAnswersCarryTheirLength(t *testing.T) {
	e := newEnv(t)
	e.seed()
	insp := e.inspector()
	for _, tt := range []struct {
		path   string
		status int
		indent bool
	}{
		{"/api/v1/trace/BJ-BAL-001?at=2024-06-01", 200, false},
		{"/api/v1/trace/BJ-BAL-001?at=2024-06-01&pretty", 200, true},
		{"/healthz", 200, false},
		{"/api/v1/trace/NO-SUCH-THING?at=2024-06-01", 404, false},
	} {
		r := e.get(tt.path, insp)
		if r.status != tt.status {
			t.Fatalf("%s: %d %s", tt.path, r.status, r.body)
		}
		if got := r.header.Get("Content-Length"); got != strconv.Itoa(len(r.body)) {
			t.Errorf("%s: Content-Length %q for %d bytes", tt.path, got, len(r.body))
		}
		var v any
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Fatalf("%s: %v", tt.path, err)
		}
		if !bytes.HasSuffix(r.body, []byte("}\n")) || bytes.Contains(r.body, []byte("\n  ")) != tt.indent {
			t.Errorf("%s: not encoding/json's framing (indented %v): %.80q", tt.path, tt.indent, r.body)
		}
	}
}
