package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
)

type loggerKey struct{}

// loggerFrom returns the request's logger (with its request id), or
// fallback outside a request.
func loggerFrom(ctx context.Context, fallback *slog.Logger) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return fallback
}

// LoggerFrom returns the logger of the request ctx belongs to, carrying
// its request id, so services log lines a reader can tie to the request;
// slog.Default() outside a request.
func LoggerFrom(ctx context.Context) *slog.Logger { return loggerFrom(ctx, slog.Default()) }

// requestID returns the caller's X-Request-ID when it is a sane token, or
// a fresh one.
func requestID(r *http.Request) string {
	if id := r.Header.Get(echo.HeaderXRequestID); id != "" && len(id) <= 128 {
		ok := true
		for _, ch := range id {
			if ch < 0x21 || ch > 0x7e {
				ok = false
				break
			}
		}
		if ok {
			return id
		}
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// observe gives every request an id (X-Request-ID, echoed in the response
// and on every log line of the request), handles its error so the status
// is known, then logs it and counts it in the metrics.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		req := c.Request()
		id := requestID(req)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		log := s.log.With("request_id", id)
		c.SetRequest(req.WithContext(context.WithValue(req.Context(), loggerKey{}, log)))
		if err := next(c); err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		route := c.Path()
		if route == "" || (status == http.StatusNotFound && c.Get(routeMatched) == nil) {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		s.metrics.observe(req.Method, route, status, elapsed)
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		log.Log(req.Context(), level, "request",
			"method", req.Method, "path", req.URL.Path, "route", route, "status", status,
			"duration_ms", float64(elapsed.Microseconds())/1000, "bytes", c.Response().Size,
			"remote", c.RealIP())
		return nil
	}
}

// recover turns a panic into a 500 with the stack logged, never a dropped
// connection.
func (s *Server) recover(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if r == http.ErrAbortHandler {
				panic(r)
			}
			stack := make([]byte, 8<<10)
			stack = stack[:runtime.Stack(stack, false)]
			loggerFrom(c.Request().Context(), s.log).Error("panic", "panic", fmt.Sprint(r), "stack", string(stack))
			err = fmt.Errorf("panic: %v", r)
		}()
		return next(c)
	}
}

// public paths are never rate limited, so probes and scrapes always work.
var unlimited = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// ipLimiter keeps a token bucket per client IP.
type ipLimiter struct {
	limit rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	limiter *rate.Limiter
	seen    time.Time
}

func newIPLimiter(limit rate.Limit, burst int) *ipLimiter {
	return &ipLimiter{limit: limit, burst: burst, buckets: map[string]*bucket{}, swept: time.Now()}
}

// allow takes a token from ip's bucket; buckets idle for ten minutes are
// dropped so the map does not grow with every address ever seen.
func (l *ipLimiter) allow(ip string) bool {
	if l.limit == rate.Inf {
		return true
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[ip]
	if !ok {
		b = &bucket{limiter: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[ip] = b
	}
	b.seen = now
	return b.limiter.AllowN(now, 1)
}

func (s *Server) rateLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if unlimited[c.Request().URL.Path] || s.limiter.allow(c.RealIP()) {
			return next(c)
		}
		c.Response().Header().Set("Retry-After", "1")
		return errorf(CodeRateLimited, "too many requests from %s; slow down", c.RealIP())
	}
}

// limitBody refuses a declared body over the limit at once and caps what
// can be read of any other.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > s.cfg.BodyLimit {
			return errorf(CodePayloadTooLarge, "request body of %d bytes is larger than %d bytes", req.ContentLength, s.cfg.BodyLimit)
		}
		if req.Body != nil {
			req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.BodyLimit)
		}
		return next(c)
	}
}

// Context keys of values middleware hands to handlers.
const (
	claimsKey    = "metrotrace.claims"
	bodyKey      = "metrotrace.body"
	routeMatched = "metrotrace.route"
)

// authorize requires a valid bearer token carrying one of roles.
func (s *Server) authorize(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			if h == "" {
				return errorf(CodeUnauthorized, "a bearer token is required (Authorization: Bearer <token>)")
			}
			scheme, token, _ := strings.Cut(h, " ")
			token = strings.TrimSpace(token)
			if !strings.EqualFold(scheme, "Bearer") || token == "" {
				return errorf(CodeUnauthorized, "the Authorization header must be \"Bearer <token>\"")
			}
			claims, err := s.cfg.Tokens.Verify(token)
			if err != nil {
				return errorf(CodeUnauthorized, "%v", err)
			}
			if !claims.HasRole(roles...) {
				return errorf(string(record.Forbidden), "a %s may not %s %s (needs %s)", claims.Role, c.Request().Method, c.Path(), strings.Join(roles, " or "))
			}
			c.Set(claimsKey, claims)
			req := c.Request()
			log := loggerFrom(req.Context(), s.log).With("subject", claims.Subject)
			c.SetRequest(req.WithContext(context.WithValue(req.Context(), loggerKey{}, log)))
			return next(c)
		}
	}
}

// claimsOf returns the verified claims of the request.
func claimsOf(c echo.Context) auth.Claims {
	claims, _ := c.Get(claimsKey).(auth.Claims)
	return claims
}

// bodyKind says what body a route takes.
type bodyKind int

const (
	noBody       bodyKind = iota // GET and friends
	jsonBody                     // a required JSON body
	optionalJSON                 // a JSON body that may be empty ({} assumed)
	anyBody                      // read by the handler itself (verify)
)

// readBody reads a JSON body once, within the limit, refusing other media
// types with 415 and an empty required body with 400; handlers get the
// bytes with bodyOf and the request body is rewound for validation.
func readBody(kind bodyKind) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if kind == noBody || kind == anyBody {
				return next(c)
			}
			req := c.Request()
			var data []byte
			if req.Body != nil {
				var err error
				if data, err = io.ReadAll(req.Body); err != nil {
					var tooBig *http.MaxBytesError
					if errors.As(err, &tooBig) {
						return err
					}
					return invalidf("read request body: %v", err)
				}
			}
			if len(bytes.TrimSpace(data)) == 0 {
				if kind == jsonBody {
					return invalidf("the request body is empty; send a JSON document")
				}
				data = nil
			} else if ct := req.Header.Get(echo.HeaderContentType); !isJSON(ct) {
				if ct == "" {
					ct = "none"
				}
				return errorf(CodeUnsupportedMediaType, "content type %s is not supported; send application/json", ct)
			}
			c.Set(bodyKey, data)
			req.Body = io.NopCloser(bytes.NewReader(data))
			req.ContentLength = int64(len(data))
			return next(c)
		}
	}
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == echo.MIMEApplicationJSON || strings.HasSuffix(mt, "+json"))
}

// bodyOf returns the body readBody read.
func bodyOf(c echo.Context) []byte {
	b, _ := c.Get(bodyKey).([]byte)
	return b
}

// matched marks that the router found a route, telling the metrics a 404
// of a handler (an unknown record) from a 404 of the router.
func matched(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(routeMatched, true)
		return next(c)
	}
}

func formatBlock(n uint64) string { return strconv.FormatUint(n, 10) }
