package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
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

// testNow is the clock of in-process servers and commands: the demo is
// generated for it, and its verdicts hold on it.
func testNow() time.Time { return time.Now() }

// parseServeFlags sets m.Config from args as the serve command does: serve's
// flags, then the environment (getenv, nil: empty) for those not given.
func parseServeFlags(m *Main, getenv func(string) string, args []string) error {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	m.Config.bindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usageErrorf("%v", err)
	}
	return applyEnv(fs, Env{Getenv: getenv}.getenv)
}

// MustRunMain starts a gateway on 127.0.0.1:0 over dataDir with the extra
// serve flags, and closes it when the test ends.
func MustRunMain(t *testing.T, dataDir string, flags ...string) (*Main, *syncBuffer) {
	t.Helper()
	out, logs := &syncBuffer{}, &syncBuffer{}
	m := NewMain(out, logs)
	m.Now = testNow
	args := append([]string{"--listen", "127.0.0.1:0", "--data-dir", dataDir, "--rate-limit", "0", "--log-level", "warn"}, flags...)
	if err := parseServeFlags(m, nil, args); err != nil {
		t.Fatalf("parse flags: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		m.Close()
		t.Fatalf("run: %v\nstdout:\n%s\nlogs:\n%s", err, out, logs)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		if t.Failed() {
			t.Logf("server logs:\n%s", logs)
		}
	})
	return m, out
}

// result is what one command line run gave.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the metrotrace command line in-process with args and an
// environment of vars.
func runCLI(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var out, errw bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := Execute(ctx, args, Env{Stdout: &out, Stderr: &errw, Getenv: func(k string) string { return vars[k] }, Now: testNow})
	return result{code: code, stdout: out.String(), stderr: errw.String()}
}

// bannerTokens reads the tokens a server printed: role and institution
// (or MSP) → token.
func bannerTokens(t *testing.T, banner string) map[string]string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^  (inspector|recorder|operator)\s+(\S+)\s+(\S+\.\S+\.\S+)$`)
	toks := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(banner, -1) {
		toks[m[1]+" "+m[2]] = m[3]
	}
	if len(toks) == 0 {
		t.Fatalf("no tokens in the banner:\n%s", banner)
	}
	return toks
}

// listenURL reads the "listening on" line of a banner.
func listenURL(banner string) string {
	m := regexp.MustCompile(`(?m)^listening on (http://\S+)$`).FindStringSubmatch(banner)
	if m == nil {
		return ""
	}
	return m[1]
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}
