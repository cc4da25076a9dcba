package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/time/rate"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/blob"
	"github.com/metrotrace/metrotrace/gateway/client"
	"github.com/metrotrace/metrotrace/gateway/console"
	"github.com/metrotrace/metrotrace/gateway/demo"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/webhook"
)

// Defaults of serve.
const (
	DefaultListen    = "127.0.0.1:8080"
	DefaultTokenTTL  = 24 * time.Hour
	DefaultRateLimit = float64(httpapi.DefaultRateLimit)
	DefaultBodyLimit = int64(httpapi.DefaultBodyLimit)
	DefaultLogLevel  = "info"
	// DefaultMemoryLimit is the Go runtime's soft memory limit serve sets
	// (debug.SetMemoryLimit): the garbage collector works harder near it,
	// so the ledger's and the index's caches and memtables plus garbage
	// stay about that size instead of doubling with GOGC
	// (badgerdb.MemoryLimit says what it was measured against).
	DefaultMemoryLimit = int64(badgerdb.MemoryLimit)
)

// Config is the configuration of metrotrace serve.
type Config struct {
	// Listen is the HTTP listen address; port 0 picks a free port.
	Listen string
	// DataDir holds the embedded ledger, the index, the token secret and
	// the local CAs.
	DataDir string
	// Fabric, when set, is the connection description of a Fabric network
	// to use instead of the embedded ledger.
	Fabric string
	// NoDemo keeps an empty embedded ledger empty.
	NoDemo bool
	// TokenTTL is the lifetime of the tokens printed at start-up.
	TokenTTL time.Duration
	// RateLimit is the requests per second allowed per client IP; 0
	// disables rate limiting.
	RateLimit float64
	// BodyLimit bounds a request body, in bytes.
	BodyLimit int64
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// DCCTrustRoots is a PEM file of CA certificates a DCC signature's
	// chain is judged against, besides the chains institutions registered
	// on the ledger; "" for none.
	DCCTrustRoots string
	// MemoryLimit is the soft memory limit of the process in bytes, 0 for
	// none; the GOMEMLIMIT environment variable, when set, wins.
	MemoryLimit int64
}

// DefaultConfig returns the configuration serve starts from.
func DefaultConfig() Config {
	return Config{Listen: DefaultListen, DataDir: DefaultDataDir, TokenTTL: DefaultTokenTTL,
		RateLimit: DefaultRateLimit, BodyLimit: DefaultBodyLimit, LogLevel: DefaultLogLevel, MemoryLimit: DefaultMemoryLimit}
}

// bindFlags defines serve's flags on fs, bound to c, with their
// environment fallbacks.
func (c *Config) bindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Listen, "listen", c.Listen, "HTTP listen address (port 0: any free port)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "data directory: embedded ledger, index, token secret, local CAs")
	fs.StringVar(&c.Fabric, "fabric", c.Fabric, "connection description of a Fabric network (from scripts/network.sh up); default: the embedded ledger")
	fs.BoolVar(&c.NoDemo, "no-demo", c.NoDemo, "do not load the demo dataset into an empty embedded ledger")
	fs.DurationVar(&c.TokenTTL, "token-ttl", c.TokenTTL, "lifetime of the tokens printed at start-up")
	fs.Float64Var(&c.RateLimit, "rate-limit", c.RateLimit, "requests per second allowed per client IP, in bursts of "+fmt.Sprint(httpapi.DefaultRateBurst)+" (0: no limit)")
	fs.Int64Var(&c.BodyLimit, "body-limit", c.BodyLimit, "largest request body, in bytes")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log level: debug, info, warn or error")
	fs.StringVar(&c.DCCTrustRoots, "dcc-trust-roots", c.DCCTrustRoots, "PEM file of CA certificates DCC signatures may chain to, besides the chains registered on the ledger")
	fs.Int64Var(&c.MemoryLimit, "memory-limit", c.MemoryLimit, "soft memory limit of the process in bytes (0: none; GOMEMLIMIT, when set, wins)")
	for _, name := range []string{"listen", "data-dir", "fabric", "no-demo", "token-ttl", "rate-limit", "body-limit", "log-level", "dcc-trust-roots", "memory-limit"} {
		withEnv(fs, name)
	}
}

// Validate checks the configuration.
func (c Config) Validate() error {
	if c.Listen == "" {
		return usageErrorf("--listen must not be empty")
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return usageErrorf("--listen %q is not host:port: %v", c.Listen, err)
	}
	if c.DataDir == "" {
		return usageErrorf("--data-dir must not be empty")
	}
	if c.TokenTTL <= 0 {
		return usageErrorf("--token-ttl must be positive, got %v", c.TokenTTL)
	}
	if c.RateLimit < 0 {
		return usageErrorf("--rate-limit must be 0 (no limit) or positive, got %v", c.RateLimit)
	}
	if c.BodyLimit <= 0 {
		return usageErrorf("--body-limit must be a positive number of bytes, got %d", c.BodyLimit)
	}
	if _, err := parseLogLevel(c.LogLevel); err != nil {
		return err
	}
	if c.MemoryLimit < 0 {
		return usageErrorf("--memory-limit must be 0 (none) or a positive number of bytes, got %d", c.MemoryLimit)
	}
	if c.MemoryLimit > 0 && c.MemoryLimit < 64<<20 {
		return usageErrorf("--memory-limit %d is below 64 MiB, too little for the ledger's and the index's memtables", c.MemoryLimit)
	}
	return nil
}

// applyMemoryLimit sets the process's soft memory limit, unless GOMEMLIMIT
// already set one.
func (c Config) applyMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" && c.MemoryLimit > 0 {
		debug.SetMemoryLimit(c.MemoryLimit)
	}
}

// loadTrustRoots reads every CERTIFICATE block of a PEM file.
func loadTrustRoots(file string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var roots []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		roots = append(roots, cert)
	}
	if len(roots) == 0 {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return roots, nil
}

func parseLogLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, usageErrorf("--log-level %q is not debug, info, warn or error", s)
	}
	return l, nil
}

// Main is a running metrotrace gateway: the ledger backend, the index
// following its events, and the HTTP API. Build it with NewMain, set
// Config (the serve command binds its flags to it), then Run and Close.
type Main struct {
	// Config is the configuration Run uses.
	Config Config
	// Stdout receives the start-up banner (address, tokens, examples);
	// Stderr receives logs and progress.
	Stdout, Stderr io.Writer
	// Now is the clock that dates the demo dataset (nil: time.Now).
	Now func() time.Time

	// Set by Run.
	Index    *index.Index
	Blobs    *blob.Store
	Webhooks *webhook.Dispatcher
	Tokens   *auth.Issuer
	Server   *httpapi.Server
	Showcase *demo.Showcase // the demo's showcase when the demo is loaded

	backend  *backend // the ledger, opened by Run
	log      *slog.Logger
	listener net.Listener
	serving  bool // Serve was started on listener
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	serveErr chan error
	closed   bool
}

// NewMain returns a Main with the default configuration, printing to w
// and logging to errw.
func NewMain(w, errw io.Writer) *Main {
	return &Main{Config: DefaultConfig(), Stdout: w, Stderr: errw, serveErr: make(chan error, 1)}
}

func (m *Main) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Run opens the ledger and the index, loads the demo into an empty embedded
// ledger, waits for the index to catch up, and starts serving; it returns
// once the server is ready. ctx bounds the start-up only: the server runs
// until Close.
func (m *Main) Run(ctx context.Context) (err error) {
	c := m.Config
	if err := c.Validate(); err != nil {
		return err
	}
	// Read before anything is opened, so a bad file is a usage error that
	// leaves nothing behind.
	var roots []*x509.Certificate
	if c.DCCTrustRoots != "" {
		if roots, err = loadTrustRoots(c.DCCTrustRoots); err != nil {
			return usageErrorf("--dcc-trust-roots: %v", err)
		}
	}
	level, _ := parseLogLevel(c.LogLevel)
	m.log = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: level}))
	runCtx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel

	secret, err := auth.LoadOrCreateSecret(filepath.Join(c.DataDir, secretFileName))
	if err != nil {
		return err
	}
	m.Tokens = &auth.Issuer{Secret: secret}
	if m.backend, err = openBackend(c.DataDir, c.Fabric, m.log); err != nil {
		return err
	}
	if m.Index, err = openIndex(c.DataDir, m.log); err != nil {
		return err
	}
	if err := checkIndexBelongs(ctx, m.backend, m.Index, m.log); err != nil {
		return err
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		badgerdb.ReleaseMappedEvery(runCtx, badgerdb.ReleaseInterval, m.log, c.DataDir)
	}()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		if err := m.Index.Follow(runCtx, m.backend.ledger); err != nil && !errors.Is(err, context.Canceled) {
			m.log.Error("index stopped following the ledger", "err", err)
		}
	}()

	if err := m.prepareDemo(ctx); err != nil {
		return err
	}
	if err := m.waitForIndex(ctx); err != nil {
		return err
	}

	// Every store is open before the listener, so a store that fails to
	// open leaves no socket behind.
	if m.Blobs, err = blob.Open(filepath.Join(c.DataDir, blobDirName)); err != nil {
		return fmt.Errorf("open the DCC store in %s: %w", filepath.Join(c.DataDir, blobDirName), inUse(err))
	}
	limit := rate.Limit(c.RateLimit)
	if c.RateLimit == 0 {
		limit = rate.Inf
	}
	reader, err := m.backend.readerIdentity()
	if err != nil {
		// Only POST /verify needs it; it answers 503 without one.
		m.log.Warn("no reader identity: certificate verification is unavailable", "err", err)
	}
	hooksDir := filepath.Join(c.DataDir, webhookDirName)
	if m.Webhooks, err = webhook.Open(runCtx, hooksDir, webhook.Options{Logger: m.log}); err != nil {
		return fmt.Errorf("open the webhook store in %s: %w", hooksDir, inUse(err))
	}
	hooks := m.Webhooks
	if from, err := m.backend.ledger.Height(ctx); err == nil {
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			// Notifications are of what happens from the first start on;
			// a restart resumes where the store says it stopped.
			if err := hooks.Follow(runCtx, m.backend.ledger, from); err != nil && !errors.Is(err, context.Canceled) {
				m.log.Error("webhooks stopped following the ledger", "err", err)
			}
		}()
	} else {
		m.log.Warn("webhooks are not delivered: ledger height unknown", "err", err)
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		hooks.WatchOverdue(runCtx, m.Index, m.now, webhook.DefaultOverdueInterval)
	}()
	m.Server = httpapi.New(httpapi.Config{
		Webhooks:       hooks,
		Client:         client.New(m.backend.ledger),
		Index:          m.Index,
		Blobs:          m.Blobs,
		VerifyIdentity: reader,
		Tokens:         m.Tokens,
		Identities:     m.backend.identities,
		Logger:         m.log,
		BodyLimit:      c.BodyLimit,
		RateLimit:      limit,
		ConsoleFS:      console.FS(),
		SignatureRoots: roots,
		Now:            m.Now,
	})
	if m.listener, err = net.Listen("tcp", c.Listen); err != nil {
		return fmt.Errorf("listen on %s: %w", c.Listen, err)
	}
	m.serving = true // Serve owns the listener from here and closes it
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.serveErr <- m.Server.Serve(runCtx, m.listener)
	}()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		collectBlobs(runCtx, m.Blobs, m.Index, m.log)
	}()
	return m.printBanner(ctx)
}

// Orphan collection: a DCC file whose certificate never committed (the
// gateway died between storing the file and the commit) is removed once
// it is older than blobGrace and still anchored by no certificate.
const (
	blobCollectEvery = time.Hour
	blobGrace        = time.Hour
)

// collectBlobs sweeps the DCC store for orphans at start and then every
// blobCollectEvery, until ctx ends.
func collectBlobs(ctx context.Context, blobs *blob.Store, x *index.Index, log *slog.Logger) {
	t := time.NewTicker(blobCollectEvery)
	defer t.Stop()
	for {
		n, err := blobs.Collect(ctx, time.Now().Add(-blobGrace), func(sha string) (bool, error) {
			certs, err := x.FindByDCC(ctx, sha)
			return len(certs) > 0, err
		})
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("DCC store: orphan collection failed", "err", err)
		case n > 0:
			log.Info("DCC store: removed files no certificate anchors", "files", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// prepareDemo loads (or finishes loading) the demo into an empty embedded
// ledger unless --no-demo, and remembers its showcase.
func (m *Main) prepareDemo(ctx context.Context) error {
	b := m.backend
	if b.embedded == nil {
		return nil
	}
	marker, err := readDemoMarker(m.Config.DataDir)
	if err != nil {
		return err
	}
	height, err := b.embedded.Store().Height()
	if err != nil {
		return fmt.Errorf("ledger height: %w", err)
	}
	loadable := (marker == nil && height == 0) || (marker != nil && !marker.Complete)
	switch {
	case loadable && m.Config.NoDemo:
		if marker != nil {
			m.log.Warn("the demo dataset was only partly loaded; run without --no-demo, or `metrotrace seed`, to finish it")
		}
		return nil
	case loadable:
		today := m.now().Format(record.DateLayout)
		fmt.Fprintf(m.Stdout, "Loading the demo dataset into the empty ledger in %s ...\n", filepath.Join(m.Config.DataDir, ledgerDirName))
		res, err := loadDemo(ctx, b.embedded, m.Config.DataDir, today, m.Stderr)
		if err != nil {
			return fmt.Errorf("load the demo dataset: %w", err)
		}
		fmt.Fprintf(m.Stdout, "Loaded the demo dataset of %s: %d transactions in %.1fs.\n",
			res.Dataset.Today, res.Steps-res.Resumed, res.Duration.Seconds())
		m.Showcase = &res.Dataset.Showcase
	case marker != nil:
		m.Showcase = &marker.Showcase
	}
	return nil
}

// waitForIndex returns once the index has applied every block the ledger
// had when it was called.
func (m *Main) waitForIndex(ctx context.Context) error {
	h, err := m.backend.ledger.Height(ctx)
	if err != nil {
		return fmt.Errorf("ledger height: %w", err)
	}
	if h <= 1 || m.Index.Height() >= h {
		return nil
	}
	m.log.Info("index catching up with the ledger", "index_height", m.Index.Height(), "ledger_height", h)
	wctx := ctx
	if m.backend.embedded == nil {
		// Fabric blocks without metrotrace transactions may never reach
		// the index: do not wait forever; /readyz tells when it is done.
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	if err := m.Index.WaitFor(wctx, h-1); err != nil {
		if ctx.Err() != nil {
			return err
		}
		m.log.Warn("index still behind the ledger; serving anyway", "err", err)
	}
	return nil
}

// URL returns the server's base URL, with a loopback address in place of
// an unspecified one.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	host, port, _ := net.SplitHostPort(m.listener.Addr().String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Done returns a channel that yields the server's error if it stops
// serving before Close.
func (m *Main) Done() <-chan error { return m.serveErr }

// Close stops serving (letting requests in flight finish), stops following
// the ledger and closes the index and the ledger.
func (m *Main) Close() error {
	if m.closed {
		return nil
	}
	m.closed = true
	if m.cancel != nil {
		m.cancel()
	}
	m.wg.Wait()
	var errs []error
	if m.listener != nil && !m.serving {
		errs = append(errs, m.listener.Close())
	}
	select {
	case err := <-m.serveErr:
		errs = append(errs, err)
	default:
	}
	if m.Blobs != nil {
		errs = append(errs, m.Blobs.Close())
	}
	if m.Webhooks != nil {
		errs = append(errs, m.Webhooks.Close())
	}
	if m.Index != nil {
		errs = append(errs, m.Index.Close())
	}
	if m.backend != nil {
		errs = append(errs, m.backend.Close())
	}
	return errors.Join(errs...)
}

// printBanner prints where the server listens, ready-to-use tokens and
// examples, and that it is ready.
func (m *Main) printBanner(ctx context.Context) error {
	w := m.Stdout
	base := m.URL()
	fmt.Fprintf(w, "listening on %s\n", base)
	fmt.Fprintf(w, "Ledger: %s\n", m.backend.name)

	type tok struct{ role, who, token string }
	var toks []tok
	issue := func(role, inst, msp string) error {
		t, err := m.Tokens.Issue(auth.Claims{Role: role, Institution: inst, MSP: msp}, m.Config.TokenTTL)
		if err != nil {
			return fmt.Errorf("issue a %s token: %w", role, err)
		}
		who := inst
		if who == "" {
			who = msp
		}
		toks = append(toks, tok{role, who, t})
		return nil
	}
	if m.Showcase != nil {
		// The inspector of the first featured institute, then a recorder
		// of each: the examples below run as that inspector.
		featured := []struct{ role, inst string }{{auth.RoleInspector, demo.FeaturedInstitutes[0]}}
		for _, inst := range demo.FeaturedInstitutes {
			featured = append(featured, struct{ role, inst string }{auth.RoleRecorder, inst})
		}
		for _, p := range featured {
			msp, err := institutionMSP(m.Index, p.inst)
			if err != nil {
				m.log.Warn("no token for a demo institution", "institution", p.inst, "err", err)
				continue
			}
			if err := issue(p.role, p.inst, msp); err != nil {
				return err
			}
		}
	}
	for _, msp := range m.backend.msps {
		if err := issue(auth.RoleOperator, "", msp); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nReady-to-use tokens (valid for %v; more with `metrotrace token --data-dir %s`):\n", m.Config.TokenTTL, m.Config.DataDir)
	for _, t := range toks {
		fmt.Fprintf(w, "  %-9s %-11s %s\n", t.role, t.who, t.token)
	}
	if s := m.Showcase; s != nil && len(toks) > 0 && toks[0].role == auth.RoleInspector {
		api := base + httpapi.Prefix
		q := func(s string) string { return url.PathEscape(s) }
		fmt.Fprintf(w, "\nTry it, as the inspector of %s:\n", toks[0].who)
		fmt.Fprintf(w, "  export METROTRACE_TOKEN=%s METROTRACE_SERVER=%s\n", toks[0].token, base)
		fmt.Fprintf(w, "  # a traceable instrument: a seven-level chain up to a national primary standard\n")
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $METROTRACE_TOKEN\" %s/trace/%s\n", api, q(s.Traceable))
		fmt.Fprintf(w, "  # an untraceable one: verified against %s, sealed since %s\n", s.SealedStandard, s.SealedSince)
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $METROTRACE_TOKEN\" %s/trace/%s\n", api, q(s.SealedReference))
		fmt.Fprintf(w, "  # what %s affected after it went out of tolerance\n", s.ImpactStandard)
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $METROTRACE_TOKEN\" '%s/impact/%s?since=%s'\n", api, q(s.ImpactStandard), s.ImpactSince)
		fmt.Fprintf(w, "  # is a Hebei certificate recognized in %s?\n", s.RecognizedBy)
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $METROTRACE_TOKEN\" '%s/recognition?certificate=%s&by=%s'\n",
			api, url.QueryEscape(s.RecognizedCertificate), url.QueryEscape(s.RecognizedBy))
		fmt.Fprintf(w, "  # supervision: compulsory instruments overdue, and the out-of-tolerance case on %s\n", s.SealedStandard)
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $METROTRACE_TOKEN\" %s/supervision/overdue\n", api)
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $METROTRACE_TOKEN\" %s/cases/%s\n", api, q(s.Case))
		fmt.Fprintf(w, "  # the same with the command line\n")
		fmt.Fprintf(w, "  metrotrace trace %s\n  metrotrace trace %s\n  metrotrace impact %s --since %s\n  metrotrace recognize %s --by %s\n",
			s.Traceable, s.SealedReference, s.ImpactStandard, s.ImpactSince, s.RecognizedCertificate, s.RecognizedBy)
		fmt.Fprintf(w, "  metrotrace supervision overdue\n  metrotrace supervision coverage --by district\n")
	} else if m.backend.embedded != nil {
		fmt.Fprintf(w, "\nThe ledger has no demo data. Register institutions with an operator token:\n")
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer <operator token>\" -H \"Content-Type: application/json\" -d @institution.json %s%s/institutions\n", base, httpapi.Prefix)
		fmt.Fprintf(w, "then make a recorder token: metrotrace token --data-dir %s --server %s --role recorder --institution ID\n", m.Config.DataDir, base)
	}
	h, err := m.backend.ledger.Height(ctx)
	if err != nil {
		return fmt.Errorf("ledger height: %w", err)
	}
	fmt.Fprintf(w, "\nmetrotrace is ready: ledger height %d, index height %d. Ctrl-C stops it.\n", h, m.Index.Height())
	return nil
}

// institutionMSP returns an institution's organization from the index.
func institutionMSP(x *index.Index, institution string) (string, error) {
	data, err := x.Get(context.Background(), record.DocInstitution, institution)
	if err != nil {
		return "", err
	}
	var in record.Institution
	if err := json.Unmarshal(data, &in); err != nil {
		return "", fmt.Errorf("institution %s in the index: %w", institution, err)
	}
	if in.MSPID == "" {
		return "", fmt.Errorf("institution %s has no msp_id", institution)
	}
	return in.MSPID, nil
}

func newServeCommand(env Env) *cobra.Command {
	m := NewMain(env.Stdout, env.Stderr)
	m.Now = env.Now
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API over the embedded ledger (with demo data) or a Fabric network",
		Long: `serve opens the ledger (embedded under DATA_DIR/ledger by default, or the Fabric
network of --fabric), keeps the read model under DATA_DIR/index up to date from
the ledger's events, and serves the HTTP API. An empty embedded ledger first
gets the demo dataset (unless --no-demo). At start-up it prints the address it
listens on, ready-to-use tokens and examples. SIGINT or SIGTERM stops it
gracefully.`,
		Args: exactArgs(0, "no arguments"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := m.Config.Validate(); err != nil {
				return err
			}
			m.Config.applyMemoryLimit()
			if err := m.Run(ctx); err != nil {
				return errors.Join(err, m.Close())
			}
			select {
			case <-ctx.Done():
				fmt.Fprintln(m.Stdout, "Shutting down ...")
			case err := <-m.Done():
				m.serveErr <- err // for Close to report
			}
			if err := m.Close(); err != nil {
				return err
			}
			fmt.Fprintln(m.Stdout, "Stopped.")
			return nil
		}),
	}
	m.Config.bindFlags(cmd.Flags())
	return cmd
}
