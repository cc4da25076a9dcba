package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/metrotrace/metrotrace/gateway/auth"
)

func TestNestingIsCountedOutsideStrings(t *testing.T) {
	tests := []struct {
		name string
		json string
		max  int
		want bool
	}{
		{"a flat object", `{"a":1,"b":[1,2]}`, 2, false},
		{"one level too many", `{"a":[[1]]}`, 2, true},
		{"siblings do not add up", `[[1],[2],[3]]`, 2, false},
		{"brackets in a string do not count", `{"a":"[[[[{{{{"}`, 1, false},
		{"an escaped quote does not end the string", `{"a":"\"[[[["}`, 1, false},
		{"an escaped backslash does", `{"a":"\\","b":[[1]]}`, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nestsDeeper([]byte(tt.json), tt.max); got != tt.want {
				t.Errorf("nestsDeeper(%s, %d) = %v", tt.json, tt.max, got)
			}
		})
	}
}

func TestARequestOverItsTimeoutIsA504(t *testing.T) {
	s := New(Config{Tokens: &auth.Issuer{}, RequestTimeout: 20 * time.Millisecond})
	s.echo.GET("/slow", func(c echo.Context) error {
		select {
		case <-c.Request().Context().Done():
			return c.Request().Context().Err()
		case <-time.After(5 * time.Second):
			return c.NoContent(http.StatusOK)
		}
	})
	rec := httptest.NewRecorder()
	start := time.Now()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/slow", nil))
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("answered after %v", elapsed)
	}
	var body ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusGatewayTimeout ||
		body.Error.Code != CodeTimeout || !strings.Contains(body.Error.Message, "did not finish within 20ms") {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}

func TestEveryGETRouteAnswersHEAD(t *testing.T) {
	s := New(Config{Tokens: &auth.Issuer{}})
	routes := map[string]bool{}
	for _, r := range s.echo.Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	n := 0
	for _, r := range s.echo.Routes() {
		if r.Method == http.MethodGet {
			n++
			if !routes[http.MethodHead+" "+r.Path] {
				t.Errorf("GET %s has no HEAD", r.Path)
			}
		}
	}
	if n < 25 {
		t.Errorf("only %d GET routes", n)
	}
}
