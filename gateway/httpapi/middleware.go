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
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
)

// The server's middleware. Where Echo has one (Recover, RequestID,
// BodyLimit, RateLimiter, ContextTimeout) the server configures Echo's in
// New; what Echo lacks is written here in Echo's shape: an XConfig with a
// Skipper, a DefaultXConfig, and XWithConfig returning the middleware.

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

// withLogger hands the request's handlers and services log as its logger.
func withLogger(c echo.Context, log *slog.Logger) {
	req := c.Request()
	c.SetRequest(req.WithContext(context.WithValue(req.Context(), loggerKey{}, log)))
}

// saneRequestID reports whether a caller's X-Request-ID may be kept: a
// printable ASCII token of at most 128 bytes, nothing a log line or a
// header could be bent by.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// newRequestID returns a fresh request id: 16 random bytes in hex.
func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestIDConfig is the configuration of Echo's RequestID middleware: it
// keeps a sane caller-given X-Request-ID (replacing any other with a fresh
// one, in the response header too) and gives the request a logger that
// writes the id on every line.
func requestIDConfig(log *slog.Logger) middleware.RequestIDConfig {
	return middleware.RequestIDConfig{
		Generator: newRequestID,
		RequestIDHandler: func(c echo.Context, id string) {
			if !saneRequestID(id) {
				id = newRequestID()
				c.Response().Header().Set(echo.HeaderXRequestID, id)
			}
			withLogger(c, log.With("request_id", id))
		},
	}
}

// recoverConfig is the configuration of Echo's Recover middleware: a
// panic is logged with its stack on the request's logger and becomes a
// 500 JSON error, never a dropped connection; the error goes back up the
// chain so that Observe logs and counts it.
func recoverConfig(log *slog.Logger) middleware.RecoverConfig {
	return middleware.RecoverConfig{
		StackSize:           8 << 10,
		DisableStackAll:     true,
		DisableErrorHandler: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			loggerFrom(c.Request().Context(), log).Error("panic", "panic", err.Error(), "stack", string(stack))
			// %v, not %w: whatever the panic carried is an internal error.
			return fmt.Errorf("panic: %v", err)
		},
	}
}

// ObserveConfig configures the Observe middleware.
type ObserveConfig struct {
	// Skipper defines a function to skip the middleware.
	Skipper middleware.Skipper
	// Logger writes the access line of a request that has no logger of
	// its own (RequestID gives it one); nil: slog.Default().
	Logger *slog.Logger
	// Record receives the method, route, status and duration of every
	// request, for the metrics; nil: none. The route is the registered
	// path of the route that handled the request, or "unmatched".
	Record func(method, route string, status int, elapsed time.Duration)
}

// DefaultObserveConfig is the default Observe middleware config.
var DefaultObserveConfig = ObserveConfig{Skipper: middleware.DefaultSkipper}

// ObserveWithConfig returns a middleware that handles the error of the
// rest of the chain (so the status is known), then writes one access line
// and records the request. Register it after RequestID.
func ObserveWithConfig(config ObserveConfig) echo.MiddlewareFunc {
	if config.Skipper == nil {
		config.Skipper = DefaultObserveConfig.Skipper
	}
	if config.Logger == nil {
		config.Logger = slog.Default()
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if config.Skipper(c) {
				return next(c)
			}
			start := time.Now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			req := c.Request()
			status := c.Response().Status
			route := routeOf(c)
			elapsed := time.Since(start)
			if config.Record != nil {
				config.Record(req.Method, route, status, elapsed)
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			loggerFrom(req.Context(), config.Logger).Log(req.Context(), level, "request",
				"method", clip(req.Method, 32), "path", clip(req.URL.Path, 256), "route", route, "status", status,
				"duration_ms", float64(elapsed.Microseconds())/1000, "bytes", c.Response().Size,
				"remote", c.RealIP())
			return nil
		}
	}
}

// clip cuts s to at most n bytes (on a rune boundary), so a hostile
// method, path or header cannot make a log line or a message of megabytes.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// routeOf names the route of a request for logs and metrics: the path a
// route was registered with, or "unmatched" when no route took the
// request (unknown paths, wrong methods), so scanners share one label.
func routeOf(c echo.Context) string {
	if c.Get(routeMatched) == nil || c.Path() == "" {
		return "unmatched"
	}
	return c.Path()
}

// Context keys of values middleware hands to handlers.
const (
	claimsKey    = "metrotrace.claims"
	bodyKey      = "metrotrace.body"
	routeMatched = "metrotrace.route"
)

// matched marks that a registered route took the request; route
// registration adds it to every route, and to no not-found handler.
func matched(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(routeMatched, true)
		return next(c)
	}
}

// bodyLimit is Echo's BodyLimit for one route, its 413 saying the limit:
// Echo refuses a declared length over it at once and fails the read of
// any longer body.
func bodyLimit(limit int64, note string) echo.MiddlewareFunc {
	limitMW := middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: strconv.FormatInt(limit, 10)})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := limitMW(next)
		return func(c echo.Context) error {
			err := h(c)
			if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
				return refusef(CodePayloadTooLarge, ReasonBodyTooLarge, record.Params{"limit": strconv.FormatInt(limit, 10)}, "request body is larger than %d bytes%s", limit, note)
			}
			return err
		}
	}
}

// HeaderLimitConfig configures the HeaderLimit middleware.
type HeaderLimitConfig struct {
	// Skipper defines a function to skip the middleware.
	Skipper middleware.Skipper
	// Limit is the largest request line and header section allowed, in
	// bytes, counted as sent (0: DefaultHeaderLimitConfig.Limit).
	Limit int
}

// DefaultHeaderLimitConfig is the default HeaderLimit middleware config.
var DefaultHeaderLimitConfig = HeaderLimitConfig{Skipper: middleware.DefaultSkipper, Limit: DefaultMaxHeaderBytes}

// HeaderLimitWithConfig returns a middleware that refuses a request whose
// request line and headers exceed the limit with a 431 JSON error. The
// http.Server's own MaxHeaderBytes must be larger for the request to get
// here: beyond it net/http answers 431 itself (see jsonListener).
func HeaderLimitWithConfig(config HeaderLimitConfig) echo.MiddlewareFunc {
	if config.Skipper == nil {
		config.Skipper = DefaultHeaderLimitConfig.Skipper
	}
	if config.Limit <= 0 {
		config.Limit = DefaultHeaderLimitConfig.Limit
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if config.Skipper(c) {
				return next(c)
			}
			if n := headerSize(c.Request()); n > config.Limit {
				return refusef(CodeHeaderTooLarge, ReasonHeadersTooLarge, record.Params{"size": fmt.Sprint(n), "limit": fmt.Sprint(config.Limit)}, "the request line and headers take %d bytes, more than the %d bytes allowed", n, config.Limit)
			}
			return next(c)
		}
	}
}

// headerSize is the size of a request's request line and header section
// as it was sent (to within the line endings).
func headerSize(r *http.Request) int {
	n := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + 2
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + 2 + len(v) + 2
		}
	}
	if r.Host != "" { // net/http moves Host out of Header
		n += len("Host: ") + len(r.Host) + 2
	}
	return n + 2
}

// AuthorizeConfig configures the Authorize middleware.
type AuthorizeConfig struct {
	// Skipper defines a function to skip the middleware.
	Skipper middleware.Skipper
	// Tokens verifies bearer tokens. Required.
	Tokens *auth.Issuer
	// Roles are the roles of which the token must carry one; empty: any
	// role.
	Roles []string
	// Check, when set, vets a verified token's claims further; its error
	// is the answer (the Server checks the institution belongs to the
	// token's organization).
	Check func(context.Context, auth.Claims) error
}

// DefaultAuthorizeConfig is the default Authorize middleware config.
var DefaultAuthorizeConfig = AuthorizeConfig{Skipper: middleware.DefaultSkipper}

// AuthorizeWithConfig returns a middleware that requires a valid bearer
// token carrying one of config.Roles (401 without a valid token, 403 with
// another role), hands the claims to handlers (claimsOf) and adds the
// token's subject to the request's logger. It panics without Tokens.
func AuthorizeWithConfig(config AuthorizeConfig) echo.MiddlewareFunc {
	if config.Skipper == nil {
		config.Skipper = DefaultAuthorizeConfig.Skipper
	}
	if config.Tokens == nil {
		panic("httpapi: AuthorizeConfig.Tokens must be set")
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if config.Skipper(c) {
				return next(c)
			}
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			if h == "" {
				return refusef(CodeUnauthorized, ReasonTokenRequired, nil, "a bearer token is required (Authorization: Bearer <token>)")
			}
			scheme, token, _ := strings.Cut(h, " ")
			token = strings.TrimSpace(token)
			if !strings.EqualFold(scheme, "Bearer") || token == "" {
				return refusef(CodeUnauthorized, ReasonTokenBadHeader, nil, "the Authorization header must be \"Bearer <token>\"")
			}
			claims, err := config.Tokens.Verify(token)
			if err != nil {
				return tokenRefusal(err)
			}
			if config.Check != nil {
				if err := config.Check(c.Request().Context(), claims); err != nil {
					return err
				}
			}
			if len(config.Roles) > 0 && !claims.HasRole(config.Roles...) {
				return refusef(string(record.Forbidden), ReasonRoleMayNot, record.Params{"role": claims.Role, "method": c.Request().Method, "path": c.Path(), "roles": strings.Join(config.Roles, ", ")},
					"a %s may not %s %s (needs %s)", claims.Role, c.Request().Method, c.Path(), strings.Join(config.Roles, " or "))
			}
			c.Set(claimsKey, claims)
			withLogger(c, LoggerFrom(c.Request().Context()).With("subject", claims.Subject))
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
	fileBody                     // a file, read by the handler itself (readFile)
)

// ReadBodyConfig configures the ReadBody middleware.
type ReadBodyConfig struct {
	// Skipper defines a function to skip the middleware.
	Skipper middleware.Skipper
	// Optional lets the body be empty; a required body that is empty is a
	// 400.
	Optional bool
	// MaxDepth bounds how deeply the body may nest arrays and objects
	// (0: DefaultReadBodyConfig.MaxDepth). No record nests deeper than a
	// few levels, and the cost of schema validation grows with the depth:
	// a deeper body is refused before validation with a 400.
	MaxDepth int
}

// DefaultReadBodyConfig is the default ReadBody middleware config.
var DefaultReadBodyConfig = ReadBodyConfig{Skipper: middleware.DefaultSkipper, MaxDepth: 32}

// ReadBodyWithConfig returns a middleware that reads a JSON body once
// (within the route's BodyLimit), refusing any media type but
// application/json (charset utf-8 at most) with 415, an empty required
// body and a body nested deeper than MaxDepth with 400. Handlers get the
// bytes with bodyOf; the request body is rewound for validation.
func ReadBodyWithConfig(config ReadBodyConfig) echo.MiddlewareFunc {
	if config.Skipper == nil {
		config.Skipper = DefaultReadBodyConfig.Skipper
	}
	if config.MaxDepth <= 0 {
		config.MaxDepth = DefaultReadBodyConfig.MaxDepth
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if config.Skipper(c) {
				return next(c)
			}
			req := c.Request()
			var data []byte
			if req.Body != nil {
				var err error
				if data, err = io.ReadAll(req.Body); err != nil {
					var tooBig *http.MaxBytesError
					if errors.As(err, &tooBig) || errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
						return err
					}
					return refusef(string(record.Invalid), ReasonBodyUnreadable, record.Params{"detail": err.Error()}, "read request body: %v", err)
				}
			}
			if len(bytes.TrimSpace(data)) == 0 {
				if !config.Optional {
					return refusef(string(record.Invalid), ReasonBodyEmpty, nil, "the request body is empty; send a JSON document")
				}
				data = nil
			} else if ct := req.Header.Get(echo.HeaderContentType); !isJSON(ct) {
				if ct == "" {
					ct = "none"
				}
				return refusef(CodeUnsupportedMediaType, ReasonUnsupportedMediaType, record.Params{"type": clip(ct, 100), "want": "application/json"}, "content type %s is not supported; send application/json", clip(ct, 100))
			} else if nestsDeeper(data, config.MaxDepth) {
				return refusef(string(record.Invalid), ReasonBodyTooDeep, record.Params{"max": fmt.Sprint(config.MaxDepth)}, "the request body nests arrays and objects deeper than %d levels", config.MaxDepth)
			}
			c.Set(bodyKey, data)
			req.Body = io.NopCloser(bytes.NewReader(data))
			req.ContentLength = int64(len(data))
			return next(c)
		}
	}
}

// isJSON reports whether a content type is one the JSON routes take:
// application/json, with no parameter but charset=utf-8. Other JSON-based
// media types (application/merge-patch+json, …) mean something else.
func isJSON(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != echo.MIMEApplicationJSON {
		return false
	}
	for name, value := range params {
		if name != "charset" || !strings.EqualFold(value, "utf-8") {
			return false
		}
	}
	return true
}

// nestsDeeper reports whether a JSON document nests arrays and objects
// deeper than max, in one pass that skips strings; it does not check
// the syntax, which the validator and the decoder do.
func nestsDeeper(data []byte, max int) bool {
	depth, inString, escaped := 0, false, false
	for _, b := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
			continue
		}
		switch b {
		case '"':
			inString = true
		case '[', '{':
			if depth++; depth > max {
				return true
			}
		case ']', '}':
			depth--
		}
	}
	return false
}

// bodyOf returns the body readBody read.
func bodyOf(c echo.Context) []byte {
	b, _ := c.Get(bodyKey).([]byte)
	return b
}

func formatBlock(n uint64) string { return strconv.FormatUint(n, 10) }
