package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	roundsEnv       = "METROTRACE_FAULT_ROUNDS"
	defaultPortBase = 24000
	// writersPerGateway bounds the load: each writer sends one write at a
	// time, so at most 2×writersPerGateway are in flight.
	writersPerGateway = 2
	// commitTimeout is gateway/fabric's DefaultOptions.CommitStatusTimeout:
	// the longest a write may wait before the gateway answers 503.
	commitTimeout = 20 * time.Second
)

// TestFaultsUnderLoad is issue 15's item 7. On a network brought up by
// scripts/network.sh up --deploy (its own temp dir; taken down on success,
// failure and panic), two gateways (Beijing's and Tianjin's recorders, each
// its own `metrotrace serve --fabric` process group) take a bounded write
// load of capability registrations, and the test kills with SIGKILL, in
// turn: Tianjin's peer, the raft leader, a raft follower, Beijing's
// chaincode server (each started again with network.sh start) and the
// Tianjin gateway (started again on its data dir). After each fault, with
// the load paused: every acknowledged write has exactly one version on the
// ledger, written by the acknowledged transaction; every gateway's index
// lists the same records as the ledger, byte for byte; and the time from
// the kill until both gateways acknowledge new writes is logged. Then two of
// the three orderers are killed: writes fail with a 503 JSON error within
// the commit timeout while reads (index and ledger) keep working, and
// writes resume once one orderer is started again. METROTRACE_FAULT_ROUNDS
// repeats the leader kill (the long form); the summary line reports the
// longest wait of any write and how many writes were in flight at a leader
// kill, resubmitted by the gateway and committed with one copy ordered
// (the lost-in-flight case) or with a second copy ordered too.
func TestFaultsUnderLoad(t *testing.T) {
	if os.Getenv("METROTRACE_NETWORK_TESTS") != "1" {
		t.Skip("real Fabric network test: set METROTRACE_NETWORK_TESTS=1 to run it")
	}
	rounds := 1
	if v := os.Getenv(roundsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number of leader-kill rounds", roundsEnv, v)
		}
		rounds = n
	}
	h := newHarness(t)
	h.up()
	h.gws = []*gateway{
		h.startGateway("beijing", "BeijingMSP", "BJIM", "BJ", 90),
		h.startGateway("tianjin", "TianjinMSP", "TJIM", "TJ", 91),
	}
	for _, g := range h.gws {
		h.register(g)
	}
	// The figures, also when a fault fails the test (before the gateways'
	// cleanups kill them).
	t.Cleanup(func() { h.summary(rounds) })

	h.fault("peer: Tianjin's peer (the Tianjin gateway's) killed and started again", false, func() time.Time {
		return h.killRestart("peer-tianjin")
	})
	for r := 1; r <= rounds; r++ {
		h.fault(fmt.Sprintf("raft leader killed (round %d of %d)", r, rounds), false, func() time.Time {
			return h.killLeader()
		})
	}
	h.fault("raft follower killed and started again", false, func() time.Time {
		h.waitRaftWhole()
		leader := h.leader()
		return h.killRestart(fmt.Sprintf("orderer%d", (leader+1)%3))
	})
	h.fault("chaincode server: Beijing's killed and started again", false, func() time.Time {
		return h.killRestart("cc-beijing")
	})
	h.fault("gateway: the Tianjin gateway killed and started again on its data dir", true, func() time.Time {
		g := h.gws[1]
		t0 := time.Now()
		g.kill()
		h.gws[1] = h.startGateway(g.org, g.msp, g.inst, g.region, 91)
		h.gws[1].recorder = g.recorder
		return t0
	})
	h.quorumLoss()
	h.checkAll()
}

// ---------------------------------------------------------------- harness

type harness struct {
	t        *testing.T
	root     string
	netDir   string
	env      []string
	bin      string
	portBase int
	gws      []*gateway

	mu     sync.Mutex
	writes []*write
	// checked is how many writes (a prefix of writes) were verified.
	checked int
	// leaderKills are the times the raft leader was killed.
	leaderKills []time.Time
	recoveries  []string
	// rerestarts counts orderers that needed a second restart to catch up.
	rerestarts int
	// restarts are nodes being started again in the background.
	restarts sync.WaitGroup
}

// write is one POST of the load.
type write struct {
	gw         string
	id         string
	start, end time.Time
	code       int
	txID       string
	body       string
}

func newHarness(t *testing.T) *harness {
	_, file, _, _ := runtime.Caller(0)
	h := &harness{t: t, root: filepath.Join(filepath.Dir(file), "..", ".."), netDir: filepath.Join(t.TempDir(), "net"), portBase: defaultPortBase}
	if v := os.Getenv("METROTRACE_PORT_BASE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("METROTRACE_PORT_BASE=%q is not a number", v)
		}
		h.portBase = n
	}
	h.env = append(os.Environ(), "METROTRACE_NETWORK_DIR="+h.netDir, "METROTRACE_PORT_BASE="+strconv.Itoa(h.portBase))
	// Registered first, so it runs last: gateways are killed by their own
	// cleanups before the network goes down.
	t.Cleanup(func() {
		if keep := os.Getenv("METROTRACE_FAULT_KEEP_LOGS"); keep != "" && t.Failed() {
			if out, err := exec.Command("cp", "-r", filepath.Join(h.netDir, "logs"), keep).CombinedOutput(); err != nil {
				t.Logf("keep logs in %s: %v %s", keep, err, out)
			}
		}
		if out, err := h.script(3*time.Minute, "down"); err != nil {
			t.Errorf("network.sh down: %v\n%s", err, out)
		}
	})
	return h
}

func (h *harness) script(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(h.root, "scripts", "network.sh")}, args...)...)
	cmd.Dir, cmd.Env = h.root, h.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (h *harness) mustScript(args ...string) {
	h.t.Helper()
	if out, err := h.script(2*time.Minute, args...); err != nil {
		h.t.Fatalf("network.sh %s: %v\n%s", strings.Join(args, " "), err, tail(out, 20))
	}
}

// up builds metrotrace while the network and chaincode come up.
func (h *harness) up() {
	h.bin = filepath.Join(h.t.TempDir(), "metrotrace")
	built := make(chan error, 1)
	go func() {
		cmd := exec.Command("go", "build", "-o", h.bin, "./cmd/metrotrace")
		cmd.Dir = h.root
		if out, err := cmd.CombinedOutput(); err != nil {
			built <- fmt.Errorf("%v\n%s", err, out)
			return
		}
		built <- nil
	}()
	t0 := time.Now()
	out, err := h.script(20*time.Minute, "up", "--deploy")
	if berr := <-built; berr != nil {
		h.t.Fatalf("go build ./cmd/metrotrace: %v", berr)
	}
	if err != nil {
		h.t.Fatalf("network.sh up --deploy: %v\n%s", err, tail(out, 40))
	}
	h.t.Logf("network up with chaincode in %s", since(t0))
}

// ---------------------------------------------------------------- gateways

// gateway is one `metrotrace serve --fabric` process group.
type gateway struct {
	org, msp, inst, region string
	url, data              string
	recorder               string
	cmd                    *exec.Cmd
	done                   chan struct{}
	out                    *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (h *harness) startGateway(org, msp, inst, region string, offset int) *gateway {
	h.t.Helper()
	g := &gateway{org: org, msp: msp, inst: inst, region: region,
		url: fmt.Sprintf("http://127.0.0.1:%d", h.portBase+offset), data: filepath.Join(h.netDir, "..", "gateway-"+org),
		done: make(chan struct{}), out: &lockedBuffer{}}
	g.cmd = exec.Command(h.bin, "serve", "--fabric", filepath.Join(h.netDir, "connection.json"), "--data-dir", g.data,
		"--listen", strings.TrimPrefix(g.url, "http://"), "--rate-limit", "0", "--log-level", "warn")
	g.cmd.Stdout, g.cmd.Stderr = g.out, g.out
	g.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := g.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() { _ = g.cmd.Wait(); close(g.done) }()
	h.t.Cleanup(g.kill)
	t0 := time.Now()
	for {
		select {
		case <-g.done:
			h.t.Fatalf("gateway %s exited:\n%s", org, tail(g.out.String(), 30))
		default:
		}
		if resp, err := http.Get(g.url + "/readyz"); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				h.t.Logf("gateway %s ready on %s in %s", org, g.url, since(t0))
				return g
			}
		}
		if time.Since(t0) > 2*time.Minute {
			h.t.Fatalf("gateway %s not ready within 2 minutes:\n%s", org, tail(g.out.String(), 30))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// kill sends SIGKILL to the gateway's process group and waits for it.
func (g *gateway) kill() {
	if g.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-g.cmd.Process.Pid, syscall.SIGKILL)
	<-g.done
}

func (h *harness) token(g *gateway, role, inst string) string {
	h.t.Helper()
	args := []string{"token", "--data-dir", g.data, "--server", g.url, "--role", role, "--msp", g.msp}
	if inst != "" {
		args = append(args, "--institution", inst)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(h.bin, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		h.t.Fatalf("metrotrace %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// register has the organization's operator register its institution
// (retrying while gossip settles) and makes the recorder's token.
func (h *harness) register(g *gateway) {
	h.t.Helper()
	op := h.token(g, "operator", "")
	inst := map[string]any{"id": g.inst, "name": g.org + " institute of metrology", "region": g.region, "msp_id": g.msp, "kind": "legal_metrology"}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		code, out, _, err := call(http.MethodPost, g.url+"/api/v1/institutions", op, inst)
		if err == nil && (code == http.StatusCreated || code == http.StatusOK || code == http.StatusConflict) {
			break
		}
		if time.Now().After(deadline) || (err == nil && code < 500) {
			h.t.Fatalf("register %s: %d %s %v", g.inst, code, out, err)
		}
		time.Sleep(time.Second)
	}
	g.recorder = h.token(g, "recorder", g.inst)
}

// ---------------------------------------------------------------- load

func capability(inst, id string) map[string]any {
	return map[string]any{
		"id": id, "institution_id": inst, "quantity": "mass",
		"range":       map[string]any{"min": 0, "max": 50, "unit": "kg"},
		"uncertainty": map[string]any{"value": 0.5, "unit": "g", "k": 2},
		"method":      "JJG 1036-2022", "valid_until": time.Now().UTC().AddDate(5, 0, 0).Format("2006-01-02"),
	}
}

var seq struct {
	sync.Mutex
	n int
}

// load runs the writers until stop is called; stop waits for them.
func (h *harness) load() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for gi := range h.gws {
		for w := 0; w < writersPerGateway; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					h.mu.Lock()
					g := h.gws[gi]
					h.mu.Unlock()
					seq.Lock()
					seq.n++
					id := fmt.Sprintf("CMC-%s-F%06d", g.inst, seq.n)
					seq.Unlock()
					wr := &write{gw: g.org, id: id, start: time.Now()}
					code, out, hdr, err := call(http.MethodPost, g.url+"/api/v1/capabilities", g.recorder, capability(g.inst, id))
					wr.end, wr.code, wr.body = time.Now(), code, string(out)
					if err != nil {
						wr.body = err.Error()
					}
					if hdr != nil {
						wr.txID = hdr.Get("X-Transaction-ID")
					}
					h.mu.Lock()
					h.writes = append(h.writes, wr)
					h.mu.Unlock()
					if code != http.StatusCreated {
						time.Sleep(300 * time.Millisecond)
					}
				}
			}()
		}
	}
	return func() { cancel(); wg.Wait() }
}

// fault runs the load, injects a fault (inject returns when it struck),
// waits until both gateways acknowledge writes begun after it, pauses the
// load and checks the failed writes (checkFailures), the ledger and the
// indexes. lostConnections: the fault kills a gateway, whose requests in
// flight get no answer.
func (h *harness) fault(name string, lostConnections bool, inject func() time.Time) {
	h.t.Helper()
	h.t.Logf("=== fault: %s", name)
	stop := h.load()
	time.Sleep(3 * time.Second)
	at := inject()
	rec, ok := h.waitRecovered(at, 90*time.Second)
	time.Sleep(2 * time.Second)
	stop()
	h.restarts.Wait()
	if !ok {
		h.t.Fatalf("%s: the gateways did not acknowledge new writes within 90 s of the fault; last writes:\n%s", name, h.lastWrites(8))
	}
	acked, failed, longest := h.stats(at)
	line := fmt.Sprintf("%s: recovered in %s; since the fault %d writes acknowledged, %d failed (%s); longest wait %s",
		name, rec.Round(10*time.Millisecond), acked, len(failed), summarizeCodes(failed), longest.Round(10*time.Millisecond))
	h.recoveries = append(h.recoveries, line)
	h.t.Log(line)
	h.checkFailures(name, failed, lostConnections)
	h.check(name)
}

// checkFailures: a write the fault made fail failed fast, with a 503 JSON
// error that says to retry (issue 15's item 6: never a hang, never a 502),
// within the write's deadline; with lostConnections (the gateway itself
// killed) a request may also get no answer.
func (h *harness) checkFailures(name string, failed []*write, lostConnections bool) {
	h.t.Helper()
	var bad []*write
	for _, w := range failed {
		if w.code == 0 && lostConnections {
			continue
		}
		if !isRetry503(w) {
			bad = append(bad, w)
		}
	}
	for _, w := range bad[:min(len(bad), 5)] {
		h.t.Errorf("%s: write %s through %s answered %d after %s: %s; want 503 unavailable saying to retry within %s",
			name, w.id, w.gw, w.code, w.end.Sub(w.start).Round(time.Millisecond), tail(w.body, 3), commitTimeout)
	}
}

// isRetry503 tells a write answered with a 503 `unavailable` JSON error
// that says to retry, within the write's deadline.
func isRetry503(w *write) bool {
	var body struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	return w.code == http.StatusServiceUnavailable && json.Unmarshal([]byte(w.body), &body) == nil && body.Error.Code == "unavailable" &&
		strings.Contains(body.Error.Message, "retry") && w.end.Sub(w.start) <= commitTimeout+2*time.Second
}

// waitRecovered waits until every gateway acknowledged a write begun after
// at; it returns the time from at until the later of those acknowledgements.
func (h *harness) waitRecovered(at time.Time, limit time.Duration) (time.Duration, bool) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		h.mu.Lock()
		first := map[string]time.Time{}
		for _, w := range h.writes {
			if w.code == http.StatusCreated && !w.start.Before(at) {
				if f, ok := first[w.gw]; !ok || w.end.Before(f) {
					first[w.gw] = w.end
				}
			}
		}
		h.mu.Unlock()
		if len(first) == len(h.gws) {
			var latest time.Time
			for _, e := range first {
				if e.After(latest) {
					latest = e
				}
			}
			return latest.Sub(at), true
		}
		time.Sleep(200 * time.Millisecond)
	}
	return 0, false
}

func (h *harness) stats(at time.Time) (acked int, failed []*write, longest time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, w := range h.writes {
		if w.end.Before(at) {
			continue
		}
		if d := w.end.Sub(w.start); d > longest {
			longest = d
		}
		if w.code == http.StatusCreated {
			acked++
		} else {
			failed = append(failed, w)
		}
	}
	return acked, failed, longest
}

func summarizeCodes(ws []*write) string {
	n := map[string]int{}
	for _, w := range ws {
		k := strconv.Itoa(w.code)
		if w.code == 0 {
			k = "no answer"
		}
		n[k]++
	}
	sample := map[string]string{}
	for _, w := range ws {
		k := strconv.Itoa(w.code)
		if w.code == 0 {
			k = "no answer"
		}
		if _, ok := sample[k]; !ok {
			sample[k] = w.body
			if len(sample[k]) > 240 {
				sample[k] = sample[k][:240] + "…"
			}
		}
	}
	var parts []string
	for k, c := range n {
		parts = append(parts, fmt.Sprintf("%s×%d, e.g. %s", k, c, sample[k]))
	}
	slices.Sort(parts)
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func (h *harness) lastWrites(n int) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, w := range h.writes[max(0, len(h.writes)-n):] {
		fmt.Fprintf(&b, "  %s %s %d after %s: %s\n", w.gw, w.id, w.code, since(w.start), tail(w.body, 2))
	}
	return b.String()
}

// ---------------------------------------------------------------- faults

// killRestart kills a node with SIGKILL and starts it again 2 s later.
func (h *harness) killRestart(node string) time.Time {
	h.t.Helper()
	t0 := time.Now()
	h.mustScript("stop", node, "--kill")
	time.Sleep(2 * time.Second)
	h.mustScript("start", node)
	return t0
}

// leader is the index of the orderer that reports itself raft leader,
// waiting up to 30 s for one.
func (h *harness) leader() int {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for i := 0; i < 3; i++ {
			if h.isLeader(i) {
				return i
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	h.t.Fatal("no orderer reports itself raft leader within 30 s")
	return -1
}

var (
	leaderMetric    = regexp.MustCompile(`(?m)^consensus_etcdraft_is_leader\{channel="metrology"\} 1$`)
	committedMetric = regexp.MustCompile(`(?m)^consensus_etcdraft_committed_block_number\{channel="metrology"\} (\d+)$`)
	activeMetric    = regexp.MustCompile(`(?m)^consensus_etcdraft_active_nodes\{channel="metrology"\} (\d+)$`)
)

// ordererMetrics reads orderer i's operations endpoint ("" if it does not
// answer).
func (h *harness) ordererMetrics(i int) string {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", h.portBase+40+i))
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (h *harness) isLeader(i int) bool { return leaderMetric.MatchString(h.ordererMetrics(i)) }

// waitRaftWhole waits (up to 90 s) until the three orderers have committed
// the same block and the leader sees three active nodes: an orderer
// started again has caught up, so killing another leaves a quorum.
func (h *harness) waitRaftWhole() {
	h.t.Helper()
	if lagging, last := h.raftWhole(45 * time.Second); lagging >= 0 {
		// Seen here: an orderer started again after a kill follows the
		// leader's term but is sent no blocks; a second restart recovers it.
		node := fmt.Sprintf("orderer%d", lagging)
		line := fmt.Sprintf("%s had not caught up 45 s after its restart (%s): restarted it again", node, last)
		h.recoveries = append(h.recoveries, line)
		h.rerestarts++
		h.t.Log(line)
		h.mustScript("stop", node)
		h.mustScript("start", node)
		if lagging, last := h.raftWhole(90 * time.Second); lagging >= 0 || last == "" {
			h.t.Fatalf("the three orderers did not catch up with one leader within 90 s of a second restart: %s", last)
		}
	}
}

// raftWhole waits up to limit for the state waitRaftWhole wants; it
// returns -1 when reached, else the most lagging orderer and the metrics
// last seen.
func (h *harness) raftWhole(limit time.Duration) (int, string) {
	t0 := time.Now()
	var last []string
	laggard := 0
	for time.Since(t0) < limit {
		var lo, hi int
		whole, leaders := true, 0
		last = last[:0]
		for i := 0; i < 3; i++ {
			m := h.ordererMetrics(i)
			c := committedMetric.FindStringSubmatch(m)
			a := activeMetric.FindStringSubmatch(m)
			if c == nil || a == nil {
				whole = false
				last = append(last, fmt.Sprintf("orderer%d: no metrics", i))
				continue
			}
			n, _ := strconv.Atoi(c[1])
			if i == 0 || n < lo {
				lo, laggard = n, i
			}
			hi = max(hi, n)
			isLeader := leaderMetric.MatchString(m)
			if isLeader {
				leaders++
				whole = whole && a[1] == "3"
			}
			last = append(last, fmt.Sprintf("orderer%d: block %d, leader %v, active %s", i, n, isLeader, a[1]))
		}
		// Blocks keep coming under the load: within two of each other.
		if whole && leaders == 1 && hi-lo <= 2 {
			return -1, "ok"
		}
		time.Sleep(300 * time.Millisecond)
	}
	return laggard, strings.Join(last, "; ")
}

// leaderOrNone is the leader's index, or -1.
func (h *harness) leaderOrNone() int {
	for i := 0; i < 3; i++ {
		if h.isLeader(i) {
			return i
		}
	}
	return -1
}

// killLeader kills the raft leader, waits for both gateways to write
// again, then starts the old leader again (the next fault needs three).
func (h *harness) killLeader() time.Time {
	h.t.Helper()
	h.waitRaftWhole()
	i := h.leader()
	node := fmt.Sprintf("orderer%d", i)
	t0 := time.Now()
	h.mustScript("stop", node, "--kill")
	h.mu.Lock()
	h.leaderKills = append(h.leaderKills, t0)
	h.mu.Unlock()
	h.restarts.Add(1)
	go func() {
		defer h.restarts.Done()
		// Started again once writes resume, so that it does not take part
		// in the election this round measures.
		h.waitRecovered(t0, 60*time.Second)
		if out, err := h.script(2*time.Minute, "start", node); err != nil {
			h.t.Errorf("network.sh start %s: %v\n%s", node, err, out)
		}
	}()
	return t0
}

// quorumLoss kills two orderers: writes must fail with 503 JSON within the
// commit timeout while reads keep working; writes resume when one orderer
// is started again.
func (h *harness) quorumLoss() {
	h.t.Helper()
	h.t.Log("=== fault: raft quorum lost (two of three orderers killed)")
	// The restarted orderer of the last round is back and caught up.
	h.waitRaftWhole()
	l := h.leader()
	a, b := fmt.Sprintf("orderer%d", l), fmt.Sprintf("orderer%d", (l+1)%3)
	stop := h.load()
	time.Sleep(2 * time.Second)
	t0 := time.Now()
	h.mustScript("stop", a, "--kill")
	h.mustScript("stop", b, "--kill")
	time.Sleep(commitTimeout + 8*time.Second)

	// Reads keep working, from the index and from the ledger.
	h.mu.Lock()
	var someAcked *write
	for _, w := range h.writes {
		if w.code == http.StatusCreated {
			someAcked = w
		}
	}
	h.mu.Unlock()
	for _, g := range h.gws {
		for _, src := range []string{"", "?source=ledger"} {
			code, out, _, err := call(http.MethodGet, g.url+"/api/v1/capabilities/"+someAcked.id+src, g.recorder, nil)
			if err != nil || code != http.StatusOK {
				h.t.Errorf("quorum lost: GET %s%s through %s: %d %s %v, want 200", someAcked.id, src, g.org, code, tail(string(out), 3), err)
			}
		}
	}
	restart := time.Now()
	h.mustScript("start", a)
	rec, ok := h.waitRecovered(restart, 90*time.Second)
	time.Sleep(2 * time.Second)
	stop()
	if !ok {
		h.t.Fatalf("writes did not resume within 90 s of %s starting again:\n%s", a, h.lastWrites(8))
	}

	// Every write begun once the quorum was gone and answered before the
	// orderer returned, and every write in flight at the kills that was
	// not acknowledged, failed with a 503 JSON error that says to retry,
	// within the write's deadline (the commit timeout).
	h.mu.Lock()
	var failed, bad []*write
	var longest time.Duration
	settled := t0.Add(time.Second)
	for _, w := range h.writes {
		if w.end.After(restart) || !w.end.After(t0) || (w.start.Before(settled) && w.code == http.StatusCreated) {
			continue
		}
		failed = append(failed, w)
		if d := w.end.Sub(w.start); d > longest {
			longest = d
		}
		if !isRetry503(w) {
			bad = append(bad, w)
		}
	}
	h.mu.Unlock()
	if len(failed) == 0 {
		h.t.Error("quorum lost: no write was attempted while two orderers were down")
	}
	for _, w := range bad[:min(len(bad), 5)] {
		h.t.Errorf("quorum lost: write %s through %s answered %d after %s: %s; want 503 unavailable saying to retry within %s",
			w.id, w.gw, w.code, w.end.Sub(w.start).Round(time.Millisecond), tail(w.body, 3), commitTimeout)
	}
	line := fmt.Sprintf("raft quorum lost: %d writes refused with 503 (longest %s), reads answered; writes resumed %s after %s started again",
		len(failed), longest.Round(10*time.Millisecond), rec.Round(10*time.Millisecond), a)
	h.recoveries = append(h.recoveries, line)
	h.t.Log(line)
	h.mustScript("start", b)
	h.check("quorum loss")
}

// ---------------------------------------------------------------- checks

// check verifies the writes acknowledged since the last check against the
// ledger, and every gateway's index against the ledger.
func (h *harness) check(after string) {
	h.t.Helper()
	h.mu.Lock()
	todo := h.writes[h.checked:]
	h.checked = len(h.writes)
	h.mu.Unlock()
	h.checkWrites(after, todo)
	h.checkIndexes(after)
}

func (h *harness) checkAll() {
	h.t.Helper()
	h.mu.Lock()
	all := slices.Clone(h.writes)
	h.mu.Unlock()
	h.checkWrites("the end", all)
	h.checkIndexes("the end")
}

// checkWrites: every acknowledged write has exactly one version on the
// ledger, written by the transaction its answer named.
func (h *harness) checkWrites(after string, ws []*write) {
	h.t.Helper()
	g := h.gws[0]
	for _, w := range ws {
		if w.code != http.StatusCreated {
			continue
		}
		code, out, _, err := call(http.MethodGet, g.url+"/api/v1/capabilities/"+w.id+"/history", g.recorder, nil)
		var hist struct {
			Versions []struct {
				TxID string `json:"tx_id"`
			} `json:"versions"`
		}
		if err != nil || code != http.StatusOK || json.Unmarshal(out, &hist) != nil {
			h.t.Errorf("after %s: history of acknowledged %s: %d %s %v", after, w.id, code, tail(string(out), 3), err)
			continue
		}
		if len(hist.Versions) != 1 || hist.Versions[0].TxID != w.txID {
			h.t.Errorf("after %s: acknowledged %s (tx %s) has ledger versions %+v, want exactly one, by that tx", after, w.id, w.txID, hist.Versions)
		}
	}
}

// checkIndexes: every gateway's index lists the same capabilities and
// institutions as the ledger, record for record.
func (h *harness) checkIndexes(after string) {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for _, g := range h.gws {
		for _, inst := range []string{"BJIM", "TJIM"} {
			for {
				idx, ierr := h.list(g, "capabilities?institution="+inst)
				led, lerr := h.list(g, "capabilities?source=ledger&institution="+inst)
				diff := ""
				if ierr == nil && lerr == nil {
					diff = compare(idx, led)
					if diff == "" {
						break
					}
				}
				if time.Now().After(deadline) {
					h.t.Errorf("after %s: %s's index of %s capabilities differs from the ledger (%d vs %d records): %s %v %v",
						after, g.org, inst, len(idx), len(led), diff, ierr, lerr)
					break
				}
				time.Sleep(500 * time.Millisecond)
			}
		}
		for _, inst := range []string{"BJIM", "TJIM"} {
			_, a, _, _ := call(http.MethodGet, g.url+"/api/v1/institutions/"+inst, g.recorder, nil)
			_, b, _, _ := call(http.MethodGet, g.url+"/api/v1/institutions/"+inst+"?source=ledger", g.recorder, nil)
			if !jsonEqual(a, b) {
				h.t.Errorf("after %s: %s's index has institution %s as %s, the ledger as %s", after, g.org, inst, a, b)
			}
		}
	}
}

// list reads every page of a list, as id → record JSON.
func (h *harness) list(g *gateway, query string) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	token := ""
	for {
		u := g.url + "/api/v1/" + query + "&page_size=1000"
		if token != "" {
			// The ledger's token is a composite key (NUL separators).
			u += "&page_token=" + url.QueryEscape(token)
		}
		code, body, _, err := call(http.MethodGet, u, g.recorder, nil)
		if err != nil || code != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %d %s %v", u, code, tail(string(body), 3), err)
		}
		var page struct {
			Records []json.RawMessage `json:"records"`
			Next    string            `json:"next_page_token"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, err
		}
		for _, r := range page.Records {
			var rec struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(r, &rec); err != nil {
				return nil, err
			}
			if _, dup := out[rec.ID]; dup {
				return nil, fmt.Errorf("GET %s lists %s twice", query, rec.ID)
			}
			out[rec.ID] = r
		}
		if page.Next == "" {
			return out, nil
		}
		token = page.Next
	}
}

func compare(idx, led map[string]json.RawMessage) string {
	var d []string
	for id, r := range led {
		if i, ok := idx[id]; !ok {
			d = append(d, "missing from the index: "+id)
		} else if !jsonEqual(i, r) {
			d = append(d, fmt.Sprintf("%s differs: index %s, ledger %s", id, i, r))
		}
	}
	for id := range idx {
		if _, ok := led[id]; !ok {
			d = append(d, "not on the ledger: "+id)
		}
	}
	slices.Sort(d)
	if len(d) > 5 {
		d = append(d[:5], fmt.Sprintf("and %d more", len(d)-5))
	}
	return strings.Join(d, "; ")
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// ---------------------------------------------------------------- summary

// resubmitted matches the gateway's warning (it runs at --log-level warn)
// for each resubmission of a transaction.
var resubmitted = regexp.MustCompile(`msg="transaction not committed yet: submitting the same signed transaction again" tx_id=(\S+)`)

// summary logs the figures docs/RELIABILITY.md reports: writes, the longest
// wait, and the lost-in-flight case at the leader kills.
func (h *harness) summary(rounds int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	resub := map[string]bool{}
	for _, g := range h.gws {
		for _, m := range resubmitted.FindAllStringSubmatch(g.out.String(), -1) {
			resub[m[1]] = true
		}
	}
	var acked, failed int
	var longest time.Duration
	var longestW *write
	for _, w := range h.writes {
		if w.code == http.StatusCreated {
			acked++
		} else {
			failed++
		}
		if d := w.end.Sub(w.start); d > longest {
			longest, longestW = d, w
		}
	}
	// The lost-in-flight case: a write in flight when the leader died,
	// resubmitted by the gateway, committed and acknowledged (a resubmitted
	// transaction that is acknowledged committed). When a second copy of
	// its id was ordered too (a peer marked it DUPLICATE_TXID), the first
	// copy had not been lost: only one ordered copy is the case proper (or
	// every resubmission was refused until the first copy committed).
	dup := h.duplicateTxIDs()
	inFlight, lost, twice := 0, 0, 0
	var lostLongest time.Duration
	for _, k := range h.leaderKills {
		for _, w := range h.writes {
			if w.start.Before(k) && w.end.After(k) {
				inFlight++
				if w.code == http.StatusCreated && resub[w.txID] && dup[w.txID] {
					twice++
				} else if w.code == http.StatusCreated && resub[w.txID] {
					lost++
					lostLongest = max(lostLongest, w.end.Sub(w.start))
				}
			}
		}
	}
	for _, r := range h.recoveries {
		h.t.Log("  " + r)
	}
	desc := "none"
	if longestW != nil {
		desc = fmt.Sprintf("%s through %s, answered %d", longestW.id, longestW.gw, longestW.code)
	}
	h.t.Logf("SUMMARY: %d leader kill(s) in %d round(s); %d writes, %d acknowledged (all on the ledger once), %d failed; longest wait of any write %s (%s); at the leader kills %d writes were in flight, %d of them resubmitted by the gateway and committed with one copy ordered (longest %s), %d with a second copy ordered too (DUPLICATE_TXID); lost-in-flight case met: %v; transactions the gateways resubmitted: %d, of which a second copy was ordered: %d; orderers restarted a second time to catch up: %d",
		len(h.leaderKills), rounds, len(h.writes), acked, failed, longest.Round(10*time.Millisecond), desc, inFlight, lost, lostLongest.Round(10*time.Millisecond), twice, lost > 0, len(resub), countIn(resub, dup), h.rerestarts)
}

// duplicateLine is the peer's validator error (core/committer/txvalidator/
// v20/validator.go) for a copy of a transaction id already on the ledger
// or earlier in the same block.
var duplicateLine = regexp.MustCompile(`Duplicate (?:transaction found, +|txid +)([0-9a-f]{64})`)

// duplicateTxIDs are the transaction ids of which a peer (any of the
// three; each validates every block) saw a second copy ordered.
func (h *harness) duplicateTxIDs() map[string]bool {
	ids := map[string]bool{}
	logs, _ := filepath.Glob(filepath.Join(h.netDir, "logs", "peer-*.log"))
	for _, f := range logs {
		b, err := os.ReadFile(f)
		if err != nil {
			h.t.Logf("duplicate transactions: %v", err)
			continue
		}
		for _, m := range duplicateLine.FindAllSubmatch(b, -1) {
			ids[string(m[1])] = true
		}
	}
	return ids
}

// countIn is how many keys of a are in b.
func countIn(a, b map[string]bool) int {
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	return n
}

// ---------------------------------------------------------------- http

func call(method, url, token string, body any) (int, []byte, http.Header, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	cl := &http.Client{Timeout: 2 * time.Minute}
	resp, err := cl.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header, err
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
