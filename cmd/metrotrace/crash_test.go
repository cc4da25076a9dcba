package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/badgerstub"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/apiclient"
	"github.com/metrotrace/metrotrace/gateway/client"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/index"
)

// crashRecords is how many records the crash test imports, and killAfter
// how many acknowledgements it waits for before killing the server.
const (
	crashRecords = 10000
	killAfter    = 4000
)

// TestKillDuringImportLosesNothingAcknowledged is issue 4's crash test: a
// real `metrotrace serve` process is killed with SIGKILL in the middle of a
// 10,000-record import and restarted; every record it acknowledged is
// there, nothing that was never sent is, and the index equals the ledger.
func TestKillDuringImportLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	start := time.Now()
	bin := buildBinary(t)
	t.Logf("built the binary in %.1fs", time.Since(start).Seconds())
	dir := t.TempDir()
	ctx := context.Background()

	srv := startServer(t, bin, dir)
	toks := bannerTokens(t, srv.banner)
	op, err := apiclient.New(srv.url, apiclient.WithToken(toks["operator TianjinMSP"]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := op.Create(ctx, "institutions", []byte(`{"id":"CRASH-LAB","name":"Crash test laboratory","region":"TJ",
		"msp_id":"TianjinMSP","kind":"accredited_lab","accreditations":[]}`)); err != nil {
		t.Fatalf("register the institution: %v", err)
	}
	// The index is the running server's: the token command asks it.
	tokOut, err := exec.Command(bin, "token", "--data-dir", dir, "--server", srv.url, "--role", "recorder", "--institution", "CRASH-LAB").Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	recorderToken := strings.TrimSpace(string(tokOut))
	rec, err := apiclient.New(srv.url, apiclient.WithToken(recorderToken))
	if err != nil {
		t.Fatal(err)
	}

	items := make([]item, crashRecords)
	for i := range items {
		body := fmt.Sprintf(`{"id":"CRASH-CAP-%05d","institution_id":"CRASH-LAB","quantity":"mass","range":{"min":0.001,"max":%d,"unit":"kg"},`+
			`"uncertainty":{"value":0.5,"unit":"mg","k":2},"method":"JJG 99-2022","valid_until":"2030-12-31"}`, i, 100+i)
		items[i] = newItem(fmt.Sprintf("record %d", i+1), i+1, []byte(body))
	}
	var mu sync.Mutex
	acked := map[string]bool{}
	var killedAt time.Time
	im := &importer{client: rec, kind: apiclient.Kind{Plural: "capabilities", DocType: record.DocCapability}, concurrency: 8,
		onResult: func(o outcome) {
			mu.Lock()
			defer mu.Unlock()
			if o.Created {
				acked[o.ID] = true
			}
			if len(acked) == killAfter && killedAt.IsZero() {
				killedAt = time.Now()
				srv.kill(t)
			}
		}}
	importStart := time.Now()
	sum := im.run(ctx, items)
	srv.wait()
	t.Logf("import: %d acknowledged, %d rejected, %d without answer, %d not sent in %.1fs; stopped: %s",
		sum.Created, len(sum.Rejected), len(sum.Unanswered), sum.NotSent, time.Since(importStart).Seconds(), sum.Stopped)
	if killedAt.IsZero() {
		t.Fatalf("the import finished before the server was killed")
	}
	if len(sum.Rejected) != 0 {
		t.Fatalf("records rejected: %+v", sum.Rejected[0])
	}
	if sum.Stopped == "" || sum.NotSent == 0 {
		t.Fatalf("the import did not stop when the server died: %+v", sum)
	}
	inFlight := map[string]bool{}
	for _, o := range sum.Unanswered {
		inFlight[o.ID] = true
	}

	restart := time.Now()
	srv2 := startServer(t, bin, dir)
	t.Logf("restarted and caught up in %.1fs", time.Since(restart).Seconds())
	rec2, err := apiclient.New(srv2.url, apiclient.WithToken(recorderToken))
	if err != nil {
		t.Fatal(err)
	}
	ready, err := rec2.Ready(ctx)
	if err != nil || !ready.Ready || ready.IndexHeight != ready.LedgerHeight {
		t.Fatalf("readyz after restart: %+v, %v", ready, err)
	}
	fromIndex := listAll(t, rec2, apiclient.SourceIndex)
	fromLedger := listAll(t, rec2, apiclient.SourceLedger)
	for id := range acked {
		if _, ok := fromIndex[id]; !ok {
			t.Errorf("acknowledged %s is missing from the index", id)
		}
		if _, ok := fromLedger[id]; !ok {
			t.Errorf("acknowledged %s is missing from the ledger", id)
		}
	}
	for id := range fromLedger {
		if !acked[id] && !inFlight[id] {
			t.Errorf("%s is on the ledger but was never sent", id)
		}
	}
	sameRecords(t, "index (HTTP)", fromIndex, "ledger (HTTP)", fromLedger)
	t.Logf("after restart: %d acknowledged, %d on the ledger, %d in the index, %d were in flight", len(acked), len(fromLedger), len(fromIndex), len(inFlight))
	srv2.stop(t)

	// With the server stopped, compare the index with the ledger's state
	// directly: every record of the index against the chaincode's answer,
	// and every record key the ledger ever wrote against the index.
	compareDataDir(t, dir)
	t.Logf("total %.1fs", time.Since(start).Seconds())
}

// builtBinary is the binary the process tests share, built once per test
// run into a directory TestMain removes.
var builtBinary struct {
	once     sync.Once
	dir, bin string
	err      error
}

// buildBinary builds cmd/metrotrace once for the package's tests.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to build the binary")
	}
	b := &builtBinary
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", "metrotrace-bin-"); b.err != nil {
			return
		}
		b.bin = filepath.Join(b.dir, "metrotrace")
		if out, err := exec.Command(goTool, "build", "-o", b.bin, ".").CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.bin
}

// TestMain removes the shared binary after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBinary.dir != "" {
		os.RemoveAll(builtBinary.dir)
	}
	os.Exit(code)
}

// server is a `metrotrace serve --no-demo` process.
type server struct {
	cmd    *exec.Cmd
	url    string
	banner string
	logs   *syncBuffer
	done   chan struct{}
	once   sync.Once
}

var readyLine = regexp.MustCompile(`^metrotrace is ready`)

func startServer(t *testing.T, bin, dir string) *server {
	t.Helper()
	s := &server{logs: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", "--no-demo", "--listen", "127.0.0.1:0", "--data-dir", dir, "--rate-limit", "0", "--log-level", "warn")
	s.cmd.Stderr = s.logs
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.kill(t)
		s.wait()
		if t.Failed() {
			t.Logf("server logs:\n%s", s.logs)
		}
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var banner strings.Builder
	timeout := time.After(60 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the server exited before it was ready:\n%s\nlogs:\n%s", banner.String(), s.logs)
			}
			banner.WriteString(line + "\n")
			if readyLine.MatchString(line) {
				s.banner = banner.String()
				s.url = listenURL(s.banner)
				if s.url == "" {
					t.Fatalf("no listening line in:\n%s", s.banner)
				}
				go func() {
					for range lines {
					}
				}()
				return s
			}
		case <-timeout:
			t.Fatalf("the server is not ready after 60s:\n%s\nlogs:\n%s", banner.String(), s.logs)
		}
	}
}

// kill sends SIGKILL: no shutdown, no flush, no goodbye.
func (s *server) kill(t *testing.T) {
	s.once.Do(func() {
		if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil && !strings.Contains(err.Error(), "finished") {
			t.Errorf("kill: %v", err)
		}
	})
}

func (s *server) wait() { <-s.done }

// stop sends SIGTERM and expects a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.once.Do(func() {
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatalf("SIGTERM: %v", err)
		}
	})
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop within 30s of SIGTERM")
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("the server exited %d after SIGTERM", code)
	}
}

// listAll returns every capability of CRASH-LAB from a source, by id.
func listAll(t *testing.T, c *apiclient.Client, source apiclient.Source) map[string]json.RawMessage {
	t.Helper()
	out := map[string]json.RawMessage{}
	err := c.ListAll(context.Background(), "capabilities", apiclient.ListQuery{Filter: "institution", Value: "CRASH-LAB", PageSize: 1000, Source: source},
		func(r json.RawMessage) error {
			var head struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(r, &head); err != nil {
				return err
			}
			out[head.ID] = r
			return nil
		})
	if err != nil {
		t.Fatalf("list from %q: %v", source, err)
	}
	return out
}

// sameRecords reports every difference between two sets of records.
func sameRecords(t *testing.T, aName string, a map[string]json.RawMessage, bName string, b map[string]json.RawMessage) {
	t.Helper()
	diffs := 0
	for id, ra := range a {
		rb, ok := b[id]
		switch {
		case !ok:
			t.Errorf("%s is in the %s, not in the %s", id, aName, bName)
			diffs++
		case !sameJSON(ra, rb):
			t.Errorf("%s differs:\n%s: %s\n%s: %s", id, aName, ra, bName, rb)
			diffs++
		}
		if diffs > 10 {
			t.Fatal("too many differences")
		}
	}
	for id := range b {
		if _, ok := a[id]; !ok {
			t.Errorf("%s is in the %s, not in the %s", id, bName, aName)
		}
	}
}

func sameJSON(a, b []byte) bool {
	var va, vb any
	return json.Unmarshal(a, &va) == nil && json.Unmarshal(b, &vb) == nil && reflect.DeepEqual(va, vb)
}

// compareDataDir opens a stopped server's data directory and checks that
// its index holds exactly the ledger's state.
func compareDataDir(t *testing.T, dir string) {
	t.Helper()
	l, err := embedded.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	x, err := index.Open(filepath.Join(dir, indexDirName), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ctx := context.Background()
	h, err := l.Height(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if x.Height() != h {
		t.Errorf("index height %d, ledger height %d", x.Height(), h)
	}
	// Every record the ledger's transactions wrote, from their events.
	onLedger := map[string]bool{}
	err = l.Store().Transactions(1, func(e badgerstub.TxEntry) error {
		var ev record.Event
		if err := json.Unmarshal(e.EventPayload, &ev); err != nil {
			return fmt.Errorf("event of transaction %d: %w", e.Number, err)
		}
		for _, r := range ev.Records {
			onLedger[r.DocType+"/"+r.ID] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := l.Wallet().Identity("TianjinMSP", "inspector", "CRASH-LAB")
	if err != nil {
		t.Fatal(err)
	}
	cc := client.New(l)
	inIndex := 0
	for _, dt := range record.DocTypes {
		token := ""
		for {
			p, err := x.List(context.Background(), dt, "", "", record.MaxPageSize, token)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Records {
				var head struct {
					ID string `json:"id"`
				}
				if err := json.Unmarshal(r, &head); err != nil {
					t.Fatal(err)
				}
				inIndex++
				if !onLedger[dt+"/"+head.ID] {
					t.Errorf("%s %s is in the index, not on the ledger", dt, head.ID)
					continue
				}
				state, err := cc.Get(ctx, viewer, dt, head.ID)
				if err != nil {
					t.Errorf("ledger state of %s %s: %v", dt, head.ID, err)
					continue
				}
				if !sameJSON(state, r) {
					t.Errorf("%s %s: index %s, ledger state %s", dt, head.ID, r, state)
				}
			}
			if p.NextPageToken == "" {
				break
			}
			token = p.NextPageToken
		}
	}
	if inIndex != len(onLedger) {
		t.Errorf("%d records in the index, %d on the ledger", inIndex, len(onLedger))
	}
	t.Logf("data directory: %d records, index = ledger state, heights %d", inIndex, h)
}
