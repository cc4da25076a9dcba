package console_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image/png"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"golang.org/x/time/rate"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/blob"
	"github.com/metrotrace/metrotrace/gateway/client"
	"github.com/metrotrace/metrotrace/gateway/console"
	"github.com/metrotrace/metrotrace/gateway/dcc/schema"
	"github.com/metrotrace/metrotrace/gateway/demo"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
	"github.com/metrotrace/metrotrace/gateway/index"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// chromiumPath is Debian's chromium, which scripts/install-deps.sh installs.
const chromiumPath = "/usr/bin/chromium"

// Environment variables of the browser test.
const (
	// envSkipBrowser=1 skips the browser test on machines without Chromium.
	envSkipBrowser = "METROTRACE_SKIP_BROWSER"
	// envScreenshot names a file that also receives the trace screenshot.
	envScreenshot = "METROTRACE_CONSOLE_SCREENSHOT"
)

// day is the demo's "today": the dataset, the ledger's clock and the
// gateway's clock all agree on it, so every Showcase verdict holds.
const day = "2026-03-15"

func TestFSServesTheConsole(t *testing.T) {
	for _, name := range []string{"index.html", "app.js", "app.css", "favicon.svg"} {
		data, err := fs.ReadFile(console.FS(), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(data) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
	index, _ := fs.ReadFile(console.FS(), "index.html")
	for _, want := range []string{"metrotrace · 京津冀量值溯源", `src="app.js"`, `href="app.css"`} {
		if !bytes.Contains(index, []byte(want)) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	// Nothing may come from elsewhere: the machines have no internet.
	err := fs.WalkDir(console.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(console.FS(), path)
		if err != nil {
			return err
		}
		for _, ref := range []string{`src="http`, `href="http`, `src="//`, `href="//`, "@import", "url(http"} {
			if bytes.Contains(data, []byte(ref)) {
				t.Errorf("%s loads something from elsewhere (%s)", path, ref)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// gateway is the real HTTP gateway over the embedded ledger and the badger
// index, loaded with the demo dataset.
type gateway struct {
	url      string
	tokens   *auth.Issuer
	index    *index.Index
	showcase demo.Showcase
}

// startGateway serves the console and the API on 127.0.0.1:0 and loads the
// demo dataset through the chaincode, each step as its wallet identity.
func startGateway(t *testing.T) *gateway {
	t.Helper()
	start, err := record.ParseDate(day)
	if err != nil {
		t.Fatal(err)
	}
	// Transactions are stamped on the demo's day, a second apart.
	var tick atomic.Int64
	clock := func() time.Time { return start.Add(8*time.Hour + time.Duration(tick.Add(1))*time.Second) }
	l, err := embedded.Open("", embedded.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	// The index lives on disk under t.TempDir(): in memory (index.Open("",
	// …)) badger refuses values over its 1 KiB value threshold, and some demo
	// comparisons are larger.
	idx, err := index.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	following := make(chan struct{})
	go func() {
		defer close(following)
		_ = idx.Follow(ctx, l)
	}()
	// Cleanups run last-in first-out: stop following before closing.
	t.Cleanup(func() { cancel(); <-following })

	d := demo.Generate(day)
	began := time.Now()
	var last uint64
	for i, s := range d.Steps() {
		id, err := l.Wallet().Identity(s.MSPID, s.Role, s.Institution)
		if err != nil {
			t.Fatal(err)
		}
		r, err := l.Submit(ctx, id, ledger.Call{Function: s.Function, Args: s.Args, Transient: s.Transient})
		if err != nil {
			t.Fatalf("demo step %d %s by %s %s %s: %v", i, s.Function, s.MSPID, s.Role, s.Institution, err)
		}
		last = r.BlockNumber
	}
	wait, stop := context.WithTimeout(ctx, 30*time.Second)
	defer stop()
	if err := idx.WaitFor(wait, last); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo dataset: %d writes loaded and indexed in %v", d.Count(), time.Since(began).Round(time.Millisecond))

	tokens := &auth.Issuer{Secret: bytes.Repeat([]byte("k"), 32)}
	// The public POST /verify reads the ledger as an inspector of BJIM.
	reader, err := l.Wallet().Identity("BeijingMSP", auth.RoleInspector, "BJIM")
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	srv := httpapi.New(httpapi.Config{
		Client:         client.New(l),
		Index:          idx,
		Blobs:          blobs,
		Tokens:         tokens,
		Identities:     l.Wallet(),
		VerifyIdentity: reader,
		ConsoleFS:      console.FS(),
		RateLimit:      rate.Inf,
		Now:            func() time.Time { return start.Add(12 * time.Hour) },
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &gateway{url: "http://" + ln.Addr().String(), tokens: tokens, index: idx, showcase: d.Showcase}
}

// browser starts headless Chromium with a fresh profile. Without
// Chromium the test fails, pointing at the installer, unless
// METROTRACE_SKIP_BROWSER=1 asks to skip it.
func browser(t *testing.T) context.Context {
	t.Helper()
	if os.Getenv(envSkipBrowser) == "1" {
		t.Skipf("%s=1: skipping the browser test of the web console", envSkipBrowser)
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the web console test needs Chromium at %s (%v): run scripts/install-deps.sh, "+
			"or set %s=1 to skip it", chromiumPath, err, envSkipBrowser)
	}
	// A fresh profile, removed once Chromium and its helper processes have
	// let go of it (t.TempDir would fail the test on a late write).
	profile, err := os.MkdirTemp("", "metrotrace-console-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf), chromedp.WithErrorf(func(format string, args ...any) {
		// chromedp v0.14.1 does not know the DOM event of a <dialog>
		// entering the top layer; it is harmless.
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "unhandled node event") {
			t.Logf("chromedp: %s", msg)
		}
	}))
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		// Close the browser gracefully, then wait for the process to exit.
		_ = chromedp.Cancel(ctx)
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		for i := 0; ; i++ {
			err := os.RemoveAll(profile)
			if err == nil || i == 50 {
				if err != nil {
					t.Logf("left the Chromium profile %s: %v", profile, err)
				}
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	// Any uncaught exception of the page fails the test.
	var mu sync.Mutex
	var exceptions []string
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			exceptions = append(exceptions, e.ExceptionDetails.Error())
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range exceptions {
			t.Errorf("JavaScript exception in the console: %s", e)
		}
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	return ctx
}

func run(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		var html string
		_ = chromedp.Run(ctx, chromedp.OuterHTML("#main", &html, chromedp.ByQuery))
		if len(html) > 4000 {
			html = html[:4000] + "…"
		}
		t.Fatalf("%v\npage:\n%s", err, html)
	}
}

// text returns the visible text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

// textContent returns the text of the first element matching sel, shown
// or not (a folded <details> holds the link-by-link list).
func textContent(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, chromedp.Evaluate(fmt.Sprintf("(document.querySelector(%q) || {}).textContent || ''", sel), &s))
	return s
}

// count returns how many elements match sel.
func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	var n int
	run(t, ctx, chromedp.Evaluate(fmt.Sprintf("document.querySelectorAll(%q).length", sel), &n))
	return n
}

// visit moves the console to a view, as a click on a link would: only the
// hash changes, so the page is not reloaded.
func visit(hash string) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf("location.hash = %q", hash), nil)
}

// fill sets a form field as a user would, through its value.
func fill(sel, value string) chromedp.Action {
	return chromedp.SetValue(sel, value, chromedp.ByQuery)
}

func TestConsoleInHeadlessChromium(t *testing.T) {
	ctx := browser(t)
	gw := startGateway(t)
	sc := gw.showcase
	token, err := gw.tokens.Issue(auth.Claims{Role: auth.RoleInspector, MSP: "BeijingMSP", Institution: "BJIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("without a token the console asks for one", func(t *testing.T) {
		run(t, ctx,
			chromedp.Navigate(gw.url+"/"),
			chromedp.WaitVisible(`#view-home`, chromedp.ByID),
			chromedp.Evaluate(`localStorage.clear()`, nil),
			visit("#/search?q=BJIM"),
			chromedp.WaitVisible(`#token-dialog[open]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#search-result .error[data-code="unauthorized"]`, chromedp.ByQuery),
		)
		if got := text(t, ctx, "#token-reason"); !strings.Contains(got, "bearer token") {
			t.Errorf("token dialog says %q", got)
		}
	})

	t.Run("a bad token is shown as bad and not kept", func(t *testing.T) {
		forged, err := (&auth.Issuer{Secret: bytes.Repeat([]byte("x"), 32)}).Issue(auth.Claims{Role: auth.RoleInspector, MSP: "BeijingMSP", Institution: "BJIM"}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ token, says string }{
			{"not-a-token", "JWT"},
			{forged, "401"},
		} {
			run(t, ctx,
				fill("#token-input", c.token),
				chromedp.Click("#token-save", chromedp.ByID),
				chromedp.WaitVisible(`#token-claims[data-state="bad"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`#token-dialog[open]`, chromedp.ByQuery),
			)
			if got := text(t, ctx, "#token-claims"); !strings.Contains(got, "✗") || (c.says == "JWT" && !strings.Contains(got, "JWT")) {
				t.Errorf("%.20s…: the dialog says %q", c.token, got)
			}
			var stored string
			run(t, ctx, chromedp.Evaluate(`localStorage.getItem("metrotrace.token") || ""`, &stored))
			if stored != "" {
				t.Errorf("%.20s…: a bad token was stored", c.token)
			}
		}
	})

	t.Run("a pasted token is remembered and used", func(t *testing.T) {
		run(t, ctx,
			fill("#token-input", "Bearer "+token),
			chromedp.Click("#token-save", chromedp.ByID),
			chromedp.WaitNotVisible(`#token-dialog`, chromedp.ByID),
			chromedp.WaitVisible(`#search-result table.hits`, chromedp.ByQuery),
		)
		var stored string
		run(t, ctx, chromedp.Evaluate(`localStorage.getItem("metrotrace.token")`, &stored))
		if stored != token {
			t.Errorf("localStorage holds %q, want the token without its Bearer prefix", stored)
		}
		if got := text(t, ctx, "#token-label"); !strings.Contains(got, "inspector") || !strings.Contains(got, "BJIM") {
			t.Errorf("token button says %q", got)
		}
		if n := count(t, ctx, `#search-result tr.hit`); n == 0 {
			t.Error("searching BJIM found nothing")
		}
	})

	t.Run("a search result opens the record and its history", func(t *testing.T) {
		run(t, ctx,
			chromedp.Click(`#search-result tr.hit[data-doc-type="institution"] a[data-id="BJIM"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#record-result [data-record="institutions/BJIM"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#record-history table`, chromedp.ByQuery),
		)
		if got := text(t, ctx, `#record-result tr[data-field="name"]`); !strings.Contains(got, "北京") {
			t.Errorf("BJIM's name row: %q", got)
		}
		// Each version names the operator command that proves its block.
		run(t, ctx, chromedp.Click(`#record-history details.audit summary`, chromedp.ByQuery))
		if got := text(t, ctx, `#record-history details.audit pre`); !strings.HasPrefix(got, "metrotrace-ops audit ") || len(got) < len("metrotrace-ops audit ")+64 {
			t.Errorf("audit command: %q", got)
		}
	})

	t.Run("a traceable instrument", func(t *testing.T) {
		rep, err := gw.index.Trace(context.Background(), sc.Traceable, day)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Traceable || len(rep.Links) < 6 {
			t.Fatalf("showcase %s: traceable %v with %d links", sc.Traceable, rep.Traceable, len(rep.Links))
		}
		banner := fmt.Sprintf(`#trace-result .verdict[data-subject=%q]`, sc.Traceable)
		run(t, ctx,
			visit("#/trace"),
			chromedp.WaitVisible(`#trace-form`, chromedp.ByID),
			fill("#trace-subject", sc.Traceable),
			chromedp.Click(`#trace-form button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(banner, chromedp.ByQuery),
			// The roots are described once their standards arrive.
			chromedp.WaitVisible(`#trace-result .root-node .badge.primary`, chromedp.ByQuery),
		)
		if v := attr(t, ctx, banner, "data-verdict"); v != "traceable" {
			t.Errorf("verdict %q, want traceable", v)
		}
		if got := text(t, ctx, banner); !strings.Contains(got, "可溯源") {
			t.Errorf("banner says %q", got)
		}
		if n := count(t, ctx, "#trace-result li.link"); n != len(rep.Links) {
			t.Errorf("%d links shown, want %d", n, len(rep.Links))
		}
		if n := count(t, ctx, "#trace-result li.check"); n == 0 || count(t, ctx, `#trace-result li.check[data-ok="false"]`) != 0 {
			t.Errorf("%d checks shown, some failing", n)
		}
		if n := count(t, ctx, "#trace-problems"); n != 0 {
			t.Error("problems listed for a traceable instrument")
		}
		// The deepest link is indented below the subject's.
		deepest := 0
		for _, l := range rep.Links {
			deepest = max(deepest, l.Depth)
		}
		if n := count(t, ctx, fmt.Sprintf(`#trace-result li.link[data-depth="%d"]`, deepest)); n == 0 {
			t.Errorf("no link drawn at depth %d", deepest)
		}

		var shot []byte
		run(t, ctx, chromedp.FullScreenshot(&shot, 100))
		if _, err := png.Decode(bytes.NewReader(shot)); err != nil {
			t.Fatalf("screenshot is not a PNG: %v", err)
		}
		path := filepath.Join(t.TempDir(), "console-trace.png")
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("trace view screenshot: %s (%d bytes)", path, len(shot))
		if extra := os.Getenv(envScreenshot); extra != "" {
			if err := os.WriteFile(extra, shot, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("trace view screenshot also written to %s", extra)
		}
	})

	t.Run("a broken chain names its failing check", func(t *testing.T) {
		for _, b := range sc.Breaks()[:3] {
			banner := fmt.Sprintf(`#trace-result .verdict[data-subject=%q]`, b.Subject)
			run(t, ctx,
				fill("#trace-subject", b.Subject),
				chromedp.Evaluate(`document.getElementById("trace-at").value = ""`, nil),
				chromedp.Click(`#trace-form button[type="submit"]`, chromedp.ByQuery),
				chromedp.WaitVisible(banner, chromedp.ByQuery),
			)
			if v := attr(t, ctx, banner, "data-verdict"); v != "not-traceable" {
				t.Errorf("%s: verdict %q, want not-traceable", b.Subject, v)
			}
			if got := text(t, ctx, banner); !strings.Contains(got, "不可溯源") {
				t.Errorf("%s: banner says %q", b.Subject, got)
			}
			failing := fmt.Sprintf(`#trace-result li.check[data-check=%q][data-ok="false"]`, b.Check)
			if count(t, ctx, failing) == 0 {
				t.Errorf("%s (%s): check %s is not shown failing", b.Subject, b.Why, b.Check)
			} else if got := textContent(t, ctx, failing); !strings.Contains(got, b.Check) || !strings.Contains(got, "✗") {
				t.Errorf("%s: failing check reads %q", b.Subject, got)
			}
			if got := text(t, ctx, "#trace-problems"); !strings.Contains(got, b.Check) {
				t.Errorf("%s: problems %q do not name %s", b.Subject, got, b.Check)
			}
		}
	})

	t.Run("the picture of a broken chain", func(t *testing.T) {
		b := sc.Breaks()[1] // verified against a sealed standard
		rep, err := gw.index.Trace(context.Background(), b.Subject, day)
		if err != nil {
			t.Fatal(err)
		}
		records := map[string]bool{rep.SubjectID: true}
		failing := ""
		for _, l := range rep.Links {
			records[l.SubjectID] = true
			for _, r := range l.ReferenceIDs {
				records[r] = true
			}
			for _, c := range l.Checks {
				if !c.OK && c.Name == b.Check {
					failing = l.CertificateID
				}
			}
		}
		if failing == "" {
			t.Fatalf("%s: no link fails %s", b.Subject, b.Check)
		}
		run(t, ctx,
			visit("#/trace/"+b.Subject),
			chromedp.WaitVisible(`#trace-graph-box[data-loaded="true"] svg`, chromedp.ByQuery),
		)
		if n := count(t, ctx, "#trace-graph-box svg g.node"); n != len(records) {
			t.Errorf("%d nodes drawn, want %d (%v)", n, len(records), records)
		}
		red := fmt.Sprintf(`#trace-graph-box g.edge[data-state="fail"][data-certificate=%q]`, failing)
		if count(t, ctx, red) == 0 {
			t.Fatalf("certificate %s is not drawn as a failing edge", failing)
		}
		if got := attr(t, ctx, red+" path", "stroke"); got != "#c62828" {
			t.Errorf("failing edge stroke %q, want red #c62828", got)
		}
		// A click on the edge shows its checks, the failing one marked.
		run(t, ctx,
			chromedp.Evaluate(fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new MouseEvent("click", {bubbles: true}))`, red+" path"), nil),
			chromedp.WaitVisible(fmt.Sprintf(`#trace-graph-edge[data-certificate=%q] li.check[data-check=%q][data-ok="false"]`, failing, b.Check), chromedp.ByQuery),
		)
		if n := count(t, ctx, "#trace-graph-edge li.check"); n < 6 {
			t.Errorf("the clicked edge shows %d checks", n)
		}
		run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "center"})`, red), nil))
		docShot(t, ctx, "trace-broken.png")
		// Back to the top: the sticky header would take the next clicks.
		run(t, ctx, chromedp.Evaluate(`window.scrollTo(0, 0)`, nil))
		// The compact view folds passing checks; the full view lists them.
		var compact, full int
		run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#trace-graph-box svg text").length`, &compact))
		run(t, ctx,
			chromedp.Click("#trace-graph-compact", chromedp.ByID),
			chromedp.WaitVisible(`#trace-graph-box[data-loaded="true"] svg`, chromedp.ByQuery),
			chromedp.Sleep(300*time.Millisecond),
			chromedp.WaitVisible(`#trace-graph-box[data-loaded="true"] svg`, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelectorAll("#trace-graph-box svg text").length`, &full),
		)
		if full <= compact {
			t.Errorf("full view has %d texts, compact %d", full, compact)
		}
	})

	t.Run("an unknown subject shows the API's error", func(t *testing.T) {
		run(t, ctx,
			fill("#trace-subject", "NO-SUCH-THING"),
			chromedp.Click(`#trace-form button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#trace-result .error[data-code="not_found"]`, chromedp.ByQuery),
		)
	})

	t.Run("impact of an out-of-tolerance standard", func(t *testing.T) {
		set, err := gw.index.Impact(context.Background(), sc.ImpactStandard, sc.ImpactSince, true)
		if err != nil {
			t.Fatal(err)
		}
		run(t, ctx,
			visit("#/impact/"+sc.ImpactStandard+"?since="+sc.ImpactSince),
			chromedp.WaitVisible(`#impact-result .verdict`, chromedp.ByQuery),
		)
		for group, ids := range map[string][]string{"certificates": set.Certificates, "instruments": set.Instruments,
			"standards": set.Standards, "institutions": set.Institutions} {
			if n := count(t, ctx, "#impact-"+group+" li[data-id]"); n != len(ids) {
				t.Errorf("%s: %d shown, want %d", group, n, len(ids))
			}
		}
		// The picture draws the faulty standard and every affected
		// standard and instrument; the CSV export is fetched with the token.
		run(t, ctx,
			chromedp.WaitVisible(`#impact-graph-box[data-loaded="true"] svg`, chromedp.ByQuery),
			chromedp.Click("#impact-csv", chromedp.ByID),
			chromedp.WaitReady(`#impact-csv-note[data-state="done"]`, chromedp.ByQuery),
		)
		if n, want := count(t, ctx, "#impact-graph-box svg g.node"), 1+len(set.Standards)+len(set.Instruments); n != want {
			t.Errorf("impact picture has %d nodes, want %d", n, want)
		}
		if n := count(t, ctx, `#impact-graph-box svg g.edge[data-state="affected"]`); n == 0 {
			t.Error("impact picture has no affected edge")
		}
		docShot(t, ctx, "impact.png")
	})

	t.Run("recognition, granted and refused", func(t *testing.T) {
		run(t, ctx,
			visit("#/recognition"),
			chromedp.WaitVisible(`#recognition-form`, chromedp.ByID),
			fill("#recognition-certificate", sc.RecognizedCertificate),
			// The recognizing institution is picked from the ledger's list.
			chromedp.WaitReady(fmt.Sprintf(`#recognition-by option[value=%q]`, sc.RecognizedBy), chromedp.ByQuery),
			fill("#recognition-by", sc.RecognizedBy),
			chromedp.Click(`#recognition-form button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(fmt.Sprintf(`#recognition-result .verdict[data-certificate=%q]`, sc.RecognizedCertificate), chromedp.ByQuery),
		)
		if v := attr(t, ctx, "#recognition-result .verdict", "data-verdict"); v != "recognized" {
			t.Errorf("%s by %s: %q, want recognized", sc.RecognizedCertificate, sc.RecognizedBy, v)
		}
		if n, bad := count(t, ctx, "#recognition-result li.check"), count(t, ctx, `#recognition-result li.check[data-ok="false"]`); n < 6 || bad != 0 {
			t.Errorf("%d checks, %d failing; want every check passing", n, bad)
		}

		run(t, ctx,
			fill("#recognition-certificate", sc.UnrecognizedCertificate),
			fill("#recognition-by", sc.UnrecognizedBy),
			chromedp.Click(`#recognition-form button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(fmt.Sprintf(`#recognition-result .verdict[data-certificate=%q]`, sc.UnrecognizedCertificate), chromedp.ByQuery),
		)
		if v := attr(t, ctx, "#recognition-result .verdict", "data-verdict"); v != "not-recognized" {
			t.Errorf("%s by %s: %q, want not-recognized", sc.UnrecognizedCertificate, sc.UnrecognizedBy, v)
		}
		failing := fmt.Sprintf(`#recognition-result li.check[data-check=%q][data-ok="false"]`, sc.UnrecognizedCheck)
		if count(t, ctx, failing) != 1 {
			t.Errorf("check %s is not shown failing", sc.UnrecognizedCheck)
		}
	})

	t.Run("the language switch", func(t *testing.T) {
		// visibleText is the page's text a reader sees, less record data
		// (ids, names), code names and the picture's record labels.
		const visibleText = `(() => {
			const skip = el => el.closest('#lang-button, .data, .mono, code, svg, .hash, a[data-id], select, .detail, input, textarea, [hidden], details:not([open]) > :not(summary)');
			const out = [];
			const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
			for (let n = w.nextNode(); n; n = w.nextNode()) {
				const el = n.parentElement;
				if (!el || skip(el) || !el.getClientRects().length) continue;
				const cs = getComputedStyle(el);
				if (cs.display === 'none' || cs.visibility === 'hidden') continue;
				if (n.textContent.trim()) out.push(n.textContent.trim());
			}
			return out.join(' | ');
		})()`
		cjk := regexp.MustCompile(`\p{Han}+`)
		banner := fmt.Sprintf(`#trace-result .verdict[data-subject=%q]`, sc.Traceable)
		run(t, ctx,
			visit("#/trace/"+sc.Traceable),
			chromedp.WaitVisible(banner, chromedp.ByQuery),
			chromedp.WaitVisible(`#trace-graph-box[data-loaded="true"] svg`, chromedp.ByQuery),
			chromedp.Click("#lang-button", chromedp.ByID),
			chromedp.WaitVisible(`html[data-lang="en"]`, chromedp.ByQuery),
			chromedp.WaitVisible(banner, chromedp.ByQuery),
			chromedp.WaitVisible(`#trace-graph-box[data-loaded="true"] svg`, chromedp.ByQuery),
		)
		var en string
		run(t, ctx, chromedp.Evaluate(visibleText, &en))
		if han := cjk.FindAllString(en, -1); len(han) > 0 {
			t.Errorf("Chinese left on the trace page in en: %q\n%s", han, en)
		}
		if !strings.Contains(en, "Traceable") || !strings.Contains(en, "Chain picture") {
			t.Errorf("the en trace page lacks its English labels: %s", en)
		}
		var svgText string
		run(t, ctx, chromedp.Evaluate(`document.querySelector("#trace-graph-box svg").textContent`, &svgText))
		if strings.Contains(svgText, "计量基准") || !strings.Contains(svgText, "primary standard") {
			t.Error("the picture is not drawn in English")
		}
		// Remembered across a reload.
		run(t, ctx,
			chromedp.Reload(),
			chromedp.WaitVisible(banner, chromedp.ByQuery),
		)
		if got := attr(t, ctx, "html", "data-lang"); got != "en" {
			t.Errorf("after a reload the language is %q", got)
		}
		docShot(t, ctx, "trace-en.png")
		// And back to Chinese: no English-only label is left.
		run(t, ctx,
			chromedp.Click("#lang-button", chromedp.ByID),
			chromedp.WaitVisible(`html[data-lang="zh"]`, chromedp.ByQuery),
			chromedp.WaitVisible(banner, chromedp.ByQuery),
		)
		var zh string
		run(t, ctx, chromedp.Evaluate(visibleText, &zh))
		for _, label := range []string{"Traceable", "Chain picture", "Trace on date", "Subject id", "Search", "Impact", "Fold passing checks", "levels", "links"} {
			if strings.Contains(zh, label) {
				t.Errorf("English label %q left on the zh trace page", label)
			}
		}
		docShot(t, ctx, "trace.png")
	})

	t.Run("every page fits a 390 px phone", func(t *testing.T) {
		run(t, ctx, chromedp.EmulateViewport(390, 844))
		defer run(t, ctx, chromedp.EmulateViewport(1280, 900))
		pages := []struct{ name, hash, ready string }{
			{"home", "#/", "#view-home"},
			{"search", "#/search?q=BJIM", "#search-result table.hits"},
			{"record", "#/record/institutions/BJIM", "#record-history table"},
			{"trace", "#/trace/" + sc.Traceable, `#trace-graph-box[data-loaded="true"] svg`},
			{"impact", "#/impact/" + sc.ImpactStandard + "?since=" + sc.ImpactSince, `#impact-graph-box[data-loaded="true"] svg`},
			{"recognition", "#/recognition?certificate=" + sc.UnrecognizedCertificate + "&by=" + sc.UnrecognizedBy, "#recognition-result .verdict"},
			{"verify", "#/verify", "#verify-form"},
		}
		for _, p := range pages {
			run(t, ctx, visit(p.hash), chromedp.WaitVisible(p.ready, chromedp.ByQuery), chromedp.Sleep(200*time.Millisecond))
			var width, client int
			var header float64
			run(t, ctx,
				chromedp.Evaluate(`document.documentElement.scrollWidth`, &width),
				chromedp.Evaluate(`document.documentElement.clientWidth`, &client),
				chromedp.Evaluate(`document.querySelector("header.topbar").getBoundingClientRect().height`, &header),
			)
			if width > client {
				var wide string
				run(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + "." + e.className + "#" + e.id).join(", ")`, &wide))
				t.Errorf("%s: the page is %d px wide in a %d px window (%s)", p.name, width, client, wide)
			}
			if header > 0.15*844 {
				t.Errorf("%s: the header takes %.0f px of 844", p.name, header)
			}
			docShot(t, ctx, "phone-"+p.name+".png")
		}
	})

	t.Run("a file nobody anchored is not anchored", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "unknown-certificate.xml")
		if err := os.WriteFile(file, []byte(`<?xml version="1.0"?><certificate>not on the ledger</certificate>`), 0o644); err != nil {
			t.Fatal(err)
		}
		// Verification is public: it works without a token.
		run(t, ctx,
			visit("#/verify"),
			chromedp.WaitVisible(`#verify-form`, chromedp.ByID),
			chromedp.Evaluate(`localStorage.clear()`, nil),
			chromedp.SetUploadFiles(`#verify-file`, []string{file}, chromedp.ByID),
			chromedp.Click(`#verify-form button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#verify-result .verdict, #verify-result .error`, chromedp.ByQuery),
		)
		if count(t, ctx, "#verify-result .error") > 0 {
			t.Fatalf("verify failed: %s", text(t, ctx, "#verify-result .error"))
		}
		if v := attr(t, ctx, "#verify-result .verdict", "data-verdict"); v != "not-anchored" {
			t.Errorf("verdict %q, want not-anchored", v)
		}
		if got := text(t, ctx, "#verify-result .verdict"); !strings.Contains(got, "未上链锚定") {
			t.Errorf("banner says %q", got)
		}
		if got := text(t, ctx, `#verify-result tr[data-field="status_reason"]`); !strings.Contains(got, "no certificate on the ledger anchors") {
			t.Errorf("reason reads %q", got)
		}
	})

	t.Run("a recorder imports a DCC and sees what mapped; an inspector is not offered the import", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, gw.url+"/api/v1/certificates/"+sc.RecognizedCertificate+"/dcc?generate=true", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		xml, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("export: %d %v", res.StatusCode, err)
		}
		file := filepath.Join(t.TempDir(), "console-import.xml")
		xml = []byte(strings.Replace(string(xml), ">"+sc.RecognizedCertificate+"<", ">DCC-CONSOLE-0001<", 1))
		if err := os.WriteFile(file, xml, 0o644); err != nil {
			t.Fatal(err)
		}
		var tabHidden bool
		run(t, ctx,
			chromedp.Evaluate(fmt.Sprintf(`localStorage.setItem("metrotrace.token", %q)`, token), nil),
			visit("#/import"),
			chromedp.WaitVisible(`#import-result .error[data-code="forbidden"]`, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector('.tabs a[data-view="import"]').hidden`, &tabHidden),
		)
		if !tabHidden {
			t.Error("the import tab is offered to an inspector")
		}
		recorder, err := gw.tokens.Issue(auth.Claims{Role: auth.RoleRecorder, MSP: "HebeiMSP", Institution: "HBIM"}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		run(t, ctx,
			chromedp.Evaluate(fmt.Sprintf(`localStorage.setItem("metrotrace.token", %q)`, recorder), nil),
			visit("#/verify"),
			visit("#/import"),
			chromedp.Evaluate(`document.querySelector('.tabs a[data-view="import"]').hidden`, &tabHidden),
			chromedp.SetUploadFiles(`#import-file`, []string{file}, chromedp.ByID),
			chromedp.Click(`#import-form button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#import-result .verdict, #import-result .error:not([data-code="forbidden"])`, chromedp.ByQuery),
		)
		if tabHidden {
			t.Error("the import tab is hidden from a recorder")
		}
		if count(t, ctx, "#import-result .error") > 0 {
			t.Fatalf("import failed: %s", text(t, ctx, "#import-result .error"))
		}
		if id := attr(t, ctx, "#import-result .verdict", "data-certificate"); id != "DCC-CONSOLE-0001" {
			t.Errorf("imported %q", id)
		}
		if got := text(t, ctx, `#import-result tr[data-field="schema"]`); !strings.Contains(got, "未校验 3.3.0") {
			t.Errorf("schema row reads %q", got)
		}
		// Why it was not validated reads in Chinese from its reason.
		if got, want := text(t, ctx, `#import-result tr[data-field="schema"] .schema-message`), "未按模式校验：网关未内置 DCC 3.3.0 的模式（内置："+strings.Join(schema.Versions(), ", ")+"）"; got != want {
			t.Errorf("the schema summary reads %q, want %q", got, want)
		}
		if got := text(t, ctx, `#import-result tr[data-field="signature"]`); !strings.Contains(got, "无签名") {
			t.Errorf("signature row reads %q", got)
		}
		// Every mapping note reads in Chinese from its code, the English
		// as its title.
		var notes []struct{ Code, Text, English string }
		run(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('#import-result tr[data-field="problems"] li')).map(li => ({
			Code: li.getAttribute('data-code'), Text: li.lastChild.textContent, English: li.lastChild.getAttribute('title')}))`, &notes))
		if len(notes) == 0 {
			t.Error("the import shows no mapping note")
		}
		han := regexp.MustCompile(`\p{Han}`)
		for _, n := range notes {
			if n.Code == "" || !han.MatchString(n.Text) || n.Text == n.English {
				t.Errorf("mapping note %q (code %q) is not said in Chinese; the gateway sent %q", n.Text, n.Code, n.English)
			}
		}
		docShot(t, ctx, "import.png")
		// The same file again: the certificate exists, shown as an error
		// in Chinese.
		run(t, ctx,
			chromedp.Click(`#import-form button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#import-result .error`, chromedp.ByQuery),
		)
		if code := attr(t, ctx, "#import-result .error", "data-code"); code != "conflict" {
			t.Errorf("second import: error %q, want conflict", code)
		}
		if got, want := text(t, ctx, "#import-result .error .message"), "证书 DCC-CONSOLE-0001 已在账本上，锚定的正是此 DCC（SHA-256 "; !strings.HasPrefix(got, want) {
			t.Errorf("second import says %q, want %q…", got, want)
		}
	})

	t.Run("a manipulated signed DCC shows its schema and its broken signature", func(t *testing.T) {
		file, err := filepath.Abs(filepath.Join("..", "dcc", "signature", "testdata", "dcc_gp_temperature_typical_v12_signed_manipulated.xml"))
		if err != nil {
			t.Fatal(err)
		}
		run(t, ctx,
			visit("#/verify"),
			chromedp.WaitVisible(`#verify-form`, chromedp.ByID),
			chromedp.SetUploadFiles(`#verify-file`, []string{file}, chromedp.ByID),
			chromedp.Click(`#verify-form button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#verify-result tr[data-field="signature"]`, chromedp.ByQuery),
		)
		if got := text(t, ctx, `#verify-result tr[data-field="schema"]`); !strings.Contains(got, "✓ 符合模式 3.1.1") {
			t.Errorf("schema row reads %q", got)
		}
		if got := text(t, ctx, `#verify-result tr[data-field="signature"]`); !strings.Contains(got, "✗ 签名无效") || strings.Contains(got, "✓ 签名有效") {
			t.Errorf("signature row reads %q", got)
		}
		if got := text(t, ctx, `#verify-result tr[data-field="signature"] [data-field="reason"]`); !strings.HasPrefix(got, "签名无法验证：") {
			t.Errorf("the signature's reason reads %q, want it in Chinese", got)
		}
		if got := text(t, ctx, `#verify-result tr[data-field="schema"] .schema-message`); got != "符合 DCC 模式 3.1.1（D-SI 2.2.0）" {
			t.Errorf("the schema check reads %q", got)
		}
	})
}

// TestTraceReportPrintsOnTwoPages prints the report of the demo's
// seven-level chain to PDF through Chromium.
func TestTraceReportPrintsOnTwoPages(t *testing.T) {
	ctx := browser(t)
	gw := startGateway(t)
	token, err := gw.tokens.Issue(auth.Claims{Role: auth.RoleInspector, MSP: "BeijingMSP", Institution: "BJIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, gw.url+"/api/v1/reports/trace/"+gw.showcase.Traceable, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("report: %d %v %s", res.StatusCode, err, body)
	}
	if !bytes.Contains(body, []byte(`data-traceable="true"`)) {
		t.Fatalf("the report of %s is not traceable", gw.showcase.Traceable)
	}
	var pdf []byte
	run(t, ctx,
		chromedp.Navigate("data:text/html;base64,"+base64.StdEncoding.EncodeToString(body)),
		chromedp.WaitReady(`div.link`, chromedp.ByQuery),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			pdf, _, err = page.PrintToPDF().WithPreferCSSPageSize(true).WithPrintBackground(true).Do(ctx)
			return err
		}),
	)
	pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
	t.Logf("report of %s: %d bytes of PDF, %d pages", gw.showcase.Traceable, len(pdf), pages)
	if pages < 1 || pages > 2 {
		t.Errorf("the seven-level report prints on %d pages, want 1 or 2", pages)
	}
	if dir := os.Getenv(envDocs); dir != "" {
		var shot []byte
		run(t, ctx, chromedp.EmulateViewport(900, 1270), chromedp.CaptureScreenshot(&shot))
		if err := os.WriteFile(filepath.Join(dir, "report.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// envDocs names a directory (docs/console) that receives screenshots of
// the console's pages.
const envDocs = "METROTRACE_CONSOLE_DOCS"

// docShot writes a screenshot of the viewport to $METROTRACE_CONSOLE_DOCS.
func docShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv(envDocs)
	if dir == "" {
		return
	}
	var shot []byte
	run(t, ctx, chromedp.CaptureScreenshot(&shot))
	if err := os.WriteFile(filepath.Join(dir, name), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

// attr returns an attribute of the first element matching sel.
func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	var v string
	var ok bool
	run(t, ctx, chromedp.AttributeValue(sel, name, &v, &ok, chromedp.ByQuery))
	return v
}
