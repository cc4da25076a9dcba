package httpapi

import (
	"context"
	"crypto/x509"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/blob"
	"github.com/metrotrace/metrotrace/gateway/client"
	"github.com/metrotrace/metrotrace/gateway/webhook"
)

// Defaults of Config.
const (
	DefaultBodyLimit       = 1 << 20 // 1 MiB
	DefaultRateLimit       = rate.Limit(50)
	DefaultRateBurst       = 100
	DefaultWaitTimeout     = 3 * time.Second
	DefaultShutdownTimeout = 10 * time.Second
	// DefaultRequestTimeout bounds a request's handling, body read
	// included: below the server's WriteTimeout (60 s), so an answer
	// can still be written when it ends.
	DefaultRequestTimeout = 30 * time.Second
	// DefaultMaxHeaderBytes bounds a request's request line and headers.
	DefaultMaxHeaderBytes = 32 << 10
)

// Config wires a Server to its services.
type Config struct {
	// Client submits to and evaluates on the chaincode.
	Client *client.Client
	// Index answers reads, lists, search and the rules; nil sends every
	// read to the ledger and makes search unavailable.
	Index Index
	// Blobs keeps the DCC files this gateway's institutions import (POST
	// /certificates/dcc), by SHA-256; nil makes DCC import and download
	// unavailable (503). Generating a DCC does not need it.
	Blobs *blob.Store
	// VerifyIdentity is the Fabric identity the public POST /verify reads
	// the ledger as (the anchoring certificate's history, lookups, the
	// trace when there is no index), since its callers carry no token: a
	// read-only identity of the gateway's organization, e.g. an inspector.
	// nil makes verification unavailable (503).
	VerifyIdentity *identity.Identity
	// Tokens verifies bearer tokens.
	Tokens *auth.Issuer
	// Identities maps a token to the Fabric identity requests run as.
	Identities auth.Identities
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// BodyLimit bounds a request body in bytes (0: DefaultBodyLimit);
	// the file routes (POST /certificates/dcc, POST /verify) take files of
	// up to MaxFileSize whatever it is.
	BodyLimit int64
	// RateLimit is the sustained number of requests per second allowed
	// from one client IP (0: DefaultRateLimit; rate.Inf: no limit), with
	// bursts of RateBurst (0: DefaultRateBurst).
	RateLimit rate.Limit
	RateBurst int
	// ConsoleFS, when set, is served as public static files at /.
	ConsoleFS fs.FS
	// HeightFunc returns the ledger height for /readyz (nil: the client's
	// ledger).
	HeightFunc func(context.Context) (uint64, error)
	// WaitTimeout bounds how long a write waits for the index to apply its
	// block before answering (0: DefaultWaitTimeout).
	WaitTimeout time.Duration
	// ShutdownTimeout bounds graceful shutdown in Serve (0:
	// DefaultShutdownTimeout).
	ShutdownTimeout time.Duration
	// RequestTimeout bounds the handling of a request (0:
	// DefaultRequestTimeout): its context is cancelled then, and a request
	// that has not answered gets a 504 JSON error. It does not buffer
	// answers (Echo's ContextTimeout, not its Timeout).
	RequestTimeout time.Duration
	// MaxHeaderBytes bounds a request's request line and headers (0:
	// DefaultMaxHeaderBytes); a larger one gets a 431 JSON error naming the
	// sizes. Serve lets net/http read up to twice as much: beyond that,
	// net/http answers 431 itself before any handler runs, which Serve
	// turns into a JSON error too (canned.go; a server of the caller's
	// own around Handler answers it in plain text).
	MaxHeaderBytes int
	// Webhooks holds the webhook subscriptions (POST /subscriptions) and
	// delivers to them; nil makes subscribing unavailable (503).
	Webhooks *webhook.Dispatcher
	// Now is the clock that decides "today" for trace and recognition
	// (nil: time.Now, in the gateway's time zone).
	Now func() time.Time
	// SignatureRoots are trust anchors a DCC signature's chain_valid is
	// judged against, besides the self-signed certificates in the chains
	// the issuing institution registered on the ledger.
	SignatureRoots []*x509.Certificate
}

// Server is the HTTP API.
type Server struct {
	cfg     Config
	log     *slog.Logger
	echo    *echo.Echo
	spec    *spec
	metrics *metrics
	// limit is the rate limiter route registration gives every route but
	// the probes (health, readiness, metrics).
	limit echo.MiddlewareFunc
	// validate checks requests against the OpenAPI document.
	validate echo.MiddlewareFunc
	// allow is what route registration registered: method → Echo path →
	// true, for the Allow header of a 405 (unrouted).
	allow map[string]map[string]bool
	// institutionOrgs caches the organization of token institutions.
	institutionOrgs institutionOrgs
}

// New builds the server and its routes. It panics if the embedded OpenAPI
// document does not load, which a test guards against.
func New(cfg Config) *Server {
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.RateBurst <= 0 {
		cfg.RateBurst = DefaultRateBurst
	}
	if cfg.WaitTimeout <= 0 {
		cfg.WaitTimeout = DefaultWaitTimeout
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxHeaderBytes <= 0 {
		cfg.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HeightFunc == nil && cfg.Client != nil {
		cfg.HeightFunc = cfg.Client.Ledger.Height
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sp, err := loadSpec()
	if err != nil {
		panic(err)
	}
	s := &Server{cfg: cfg, log: log, spec: sp}
	s.metrics = newMetrics(cfg.Index)

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.JSONSerializer = jsonSerializer{}
	// Rate limits key on the connection's address: a client cannot pick its
	// own bucket with X-Forwarded-For.
	e.IPExtractor = echo.ExtractIPDirect()
	e.Use(
		middleware.RequestIDWithConfig(requestIDConfig(log)),
		ObserveWithConfig(ObserveConfig{Logger: log, Record: s.metrics.observe}),
		middleware.RecoverWithConfig(recoverConfig(log)),
		HeaderLimitWithConfig(HeaderLimitConfig{Limit: cfg.MaxHeaderBytes}),
		middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{
			Timeout:      cfg.RequestTimeout,
			ErrorHandler: timeoutError(cfg.RequestTimeout),
		}),
	)
	s.limit = middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: cfg.RateLimit, Burst: cfg.RateBurst, ExpiresIn: 10 * time.Minute,
		}),
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		DenyHandler: func(c echo.Context, ip string, _ error) error {
			c.Response().Header().Set("Retry-After", "1")
			return refusef(CodeRateLimited, ReasonRateLimited, nil, "too many requests from %s; slow down", ip)
		},
	})
	s.validate = ValidateWithConfig(ValidateConfig{Document: sp.doc})
	s.echo = e
	s.routes()
	return s
}

// timeoutError is ContextTimeout's error handler: a request whose own
// deadline passed is a 504 saying so; any other error passes unchanged.
func timeoutError(timeout time.Duration) func(error, echo.Context) error {
	return func(err error, c echo.Context) error {
		if errors.Is(err, context.DeadlineExceeded) && errors.Is(c.Request().Context().Err(), context.DeadlineExceeded) {
			return refusef(CodeTimeout, ReasonRequestTimeout, record.Params{"timeout": timeout.String()}, "the request did not finish within %s", timeout)
		}
		return err
	}
}

// Handler returns the server as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Serve serves HTTP on l until ctx ends, then shuts down gracefully,
// letting requests in flight finish within the shutdown timeout.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    2 * s.cfg.MaxHeaderBytes, // HeaderLimit answers 431 in JSON up to here
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	// What net/http answers before any handler runs is JSON too (canned.go).
	go func() { errc <- srv.Serve(jsonListener{l}) }()
	s.log.Info("serving HTTP", "addr", l.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-errc; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	s.log.Info("HTTP server stopped")
	return err
}
