package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// TestAnIdempotencyKeyMakesARetryApplyOnce: a create, a status change and
// a revocation retried with their Idempotency-Key get the first answer and
// add nothing to the ledger; the key with another body is a 409; a
// malformed key is a 400; both write nothing.
func TestAnIdempotencyKeyMakesARetryApplyOnce(t *testing.T) {
	e := newEnv(t)
	e.seed()
	rec := e.recorderOf("BeijingMSP", "BJIM")
	height := func() uint64 {
		h, err := e.ledger.Height(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	keyed := func(path, key string, body any) *response {
		return e.do(req{method: "POST", path: path, token: rec, body: body, header: map[string]string{httpapi.HeaderIdempotencyKey: key}})
	}
	cmc := `{"id":"CMC-BJIM-LEN","institution_id":"BJIM","quantity":"length","range":{"min":1,"max":100,"unit":"mm"},"uncertainty":{"value":1,"unit":"um","k":2},"method":"JJG 21","valid_until":"2030-01-01"}`
	for _, tt := range []struct {
		name, path, key string
		body            any
		status          int
	}{
		{"a create", "/api/v1/capabilities", "create-cmc-1", cmc, 201},
		{"a status change", "/api/v1/standards/BJ-STD-MASS/status", "seal-1", map[string]string{"status": "sealed", "since": "2024-05-20", "reason": "moved"}, 200},
		{"a revocation", "/api/v1/certificates/BJIM-2024-0042/revoke", "revoke-1", map[string]string{"reason": "wrong reading"}, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := height()
			first := keyed(tt.path, tt.key, tt.body)
			first.expect(t, tt.status)
			if h := height(); h != before+1 {
				t.Fatalf("height %d → %d after the first attempt", before, h)
			}
			if first.header.Get(httpapi.HeaderIdempotentReplayed) != "" {
				t.Error("the first answer says replayed")
			}
			for i := 0; i < 2; i++ {
				again := keyed(tt.path, tt.key, tt.body)
				again.expect(t, tt.status)
				if string(again.body) != string(first.body) {
					t.Fatalf("retry answered %s, first %s", again.body, first.body)
				}
				if again.header.Get(httpapi.HeaderIdempotentReplayed) != "true" || again.header.Get("X-Transaction-ID") != first.header.Get("X-Transaction-ID") {
					t.Fatalf("retry headers %v, first transaction %s", again.header, first.header.Get("X-Transaction-ID"))
				}
			}
			if h := height(); h != before+1 {
				t.Fatalf("height %d → %d after retries, want +1", before, h)
			}
		})
	}
	t.Run("the key with another body is a 409 that writes nothing", func(t *testing.T) {
		before := height()
		keyed("/api/v1/capabilities", "create-cmc-1", strings.Replace(cmc, "CMC-BJIM-LEN", "CMC-BJIM-LEN2", 1)).
			expectError(t, 409, "conflict", `idempotency key "create-cmc-1" was used by transaction`)
		if h := height(); h != before {
			t.Fatalf("height %d → %d", before, h)
		}
		e.get("/api/v1/capabilities/CMC-BJIM-LEN2?source=ledger", e.inspector()).expectError(t, 404, "not_found", "CMC-BJIM-LEN2")
	})
	t.Run("a malformed key is a 400 that writes nothing", func(t *testing.T) {
		before := height()
		keyed("/api/v1/capabilities", "has space", strings.Replace(cmc, "CMC-BJIM-LEN", "CMC-BJIM-LEN3", 1)).
			expectError(t, 400, "invalid", "Idempotency-Key: an idempotency key is printable ASCII without spaces")
		keyed("/api/v1/capabilities", strings.Repeat("k", 129), cmc).expectError(t, 400, "invalid", "1 to 128 characters")
		if h := height(); h != before {
			t.Fatalf("height %d → %d", before, h)
		}
	})
	t.Run("another institution's identical key is its own", func(t *testing.T) {
		nimRec := e.recorderOf("BeijingMSP", "NIM")
		body := strings.NewReplacer("CMC-BJIM-LEN", "CMC-NIM-LEN", `"BJIM"`, `"NIM"`).Replace(cmc)
		e.do(req{method: "POST", path: "/api/v1/capabilities", token: nimRec, body: body, header: map[string]string{httpapi.HeaderIdempotencyKey: "create-cmc-1"}}).expect(t, 201)
	})
}
