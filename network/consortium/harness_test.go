package consortium

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/golang/protobuf/proto" //nolint:staticcheck // network/ops audits APIv1 (fabric-sdk-go) blocks
	"github.com/hyperledger/fabric-protos-go/common"
	"github.com/hyperledger/fabric-protos-go/peer"

	"github.com/metrotrace/metrotrace/network/ops"
)

// The parties, each on a loopback address of its own (the whole 127/8 is
// loopback); the repository's other network tests use 127.0.0.1.
var parties = map[string]struct{ msp, host, inst string }{
	"beijing": {"BeijingMSP", "127.0.1.1", "BJIM"},
	"tianjin": {"TianjinMSP", "127.0.2.1", "TJIM"},
	"hebei":   {"HebeiMSP", "127.0.3.1", "HBIM"},
	"xiongan": {"XionganMSP", "127.0.4.1", "XAIM"},
}

// Ports on each party's own address: the org's nodes from portBase
// (scripts/org.sh: base..base+9), its gateway on gatewayPort.
const (
	portBase    = "24000"
	gatewayPort = "24020"
)

// party is one organization: its own directory, its exported definition.
type party struct {
	name, msp, host, inst string
	dir                   string // the org's own 0700 tree
	def                   string // its public definition (in the exchange dir)
	gw                    *gateway
}

// consortium is a test's set of parties and the directory where they
// exchange public files.
type consortium struct {
	t       *testing.T
	root    string // the repository
	base    string
	public  string // what parties send each other: definitions, blocks, updates
	bin     string // the metrotrace command
	ccBin   string // the chaincode server every party deploys
	parties []*party
	genesis string
}

func networkTestsOn(t *testing.T) {
	t.Helper()
	if os.Getenv("METROTRACE_NETWORK_TESTS") != "1" {
		t.Skip("real Fabric network test: set METROTRACE_NETWORK_TESTS=1 to run it")
	}
}

// newConsortium prepares the parties named; every process they start is
// stopped when the test ends, also on failure.
func newConsortium(t *testing.T, names ...string) *consortium {
	_, file, _, _ := runtime.Caller(0)
	c := &consortium{t: t, root: filepath.Join(filepath.Dir(file), "..", ".."), base: t.TempDir()}
	c.public = filepath.Join(c.base, "exchange")
	if err := os.MkdirAll(c.public, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		c.parties = append(c.parties, c.newParty(n))
	}
	t.Cleanup(c.stopAll)
	c.bin = filepath.Join(c.base, "metrotrace")
	c.ccBin = filepath.Join(c.base, "metrotrace-cc")
	for bin, pkg := range map[string]string{c.bin: "./cmd/metrotrace", c.ccBin: "./cmd/metrotrace-cc"} {
		cmd := exec.Command("go", "build", "-o", bin, pkg)
		cmd.Dir = c.root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return c
}

func (c *consortium) newParty(name string) *party {
	p := parties[name]
	return &party{name: name, msp: p.msp, host: p.host, inst: p.inst,
		dir: filepath.Join(c.base, name), def: filepath.Join(c.public, name+".json")}
}

func (c *consortium) party(name string) *party {
	for _, p := range c.parties {
		if p.name == name {
			return p
		}
	}
	c.t.Fatalf("no party %s", name)
	return nil
}

func (c *consortium) stopAll() {
	for _, p := range c.parties {
		if p.gw != nil {
			p.gw.stop()
		}
		if _, err := os.Stat(filepath.Join(p.dir, "org.env")); err != nil {
			continue
		}
		if out, err := c.orgRun(2*time.Minute, "stop", "--dir", p.dir); err != nil {
			c.t.Errorf("org.sh stop %s: %v\n%s", p.name, err, out)
		}
		if c.t.Failed() {
			c.dumpLogs(p)
		}
	}
}

func (c *consortium) dumpLogs(p *party) {
	logs, _ := filepath.Glob(filepath.Join(p.dir, "logs", "*.log"))
	for _, l := range logs {
		data, _ := os.ReadFile(l)
		c.t.Logf("--- %s %s (last lines)\n%s", p.name, filepath.Base(l), tail(string(data), 15))
	}
}

// orgRun runs scripts/org.sh with every process traced.
func (c *consortium) orgRun(timeout time.Duration, args ...string) (string, error) {
	return c.orgRunEnv(timeout, nil, args...)
}

// orgRunEnv is orgRun with more environment variables.
func (c *consortium) orgRunEnv(timeout time.Duration, env []string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(c.root, "scripts", "org.sh")}, args...)...)
	cmd.Env = append(append(os.Environ(), "METROTRACE_TRACE_OPENS=1", "METROTRACE_CC_BIN="+c.ccBin), env...)
	cmd.Dir = c.root
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// org runs scripts/org.sh and fails the test if it fails.
func (c *consortium) org(args ...string) string {
	c.t.Helper()
	t0 := time.Now()
	out, err := c.orgRun(15*time.Minute, args...)
	if err != nil {
		c.t.Fatalf("org.sh %s: %v\n%s", strings.Join(args, " "), err, tail(out, 30))
	}
	c.t.Logf("org.sh %s %s: %s", args[0], strings.Join(args[1:], " "), since(t0))
	return out
}

// each runs fn for every party in parallel; the first error fails the test.
func each(t *testing.T, ps []*party, fn func(p *party) error) {
	t.Helper()
	errs := make([]error, len(ps))
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(p)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func (c *consortium) orgOf(p *party, args ...string) error {
	t0 := time.Now()
	out, err := c.orgRun(15*time.Minute, args...)
	if err != nil {
		return fmt.Errorf("org.sh %s (%s): %v\n%s", strings.Join(args, " "), p.name, err, tail(out, 30))
	}
	c.t.Logf("org.sh %s for %s: %s", args[0], p.name, since(t0))
	return nil
}

// initParties: every party initialises its own org and exports its definition.
func (c *consortium) initParties(ps []*party) {
	each(c.t, ps, func(p *party) error {
		if err := c.orgOf(p, "init", "--dir", p.dir, "--org", p.name, "--msp", p.msp, "--host", p.host,
			"--institution", p.inst, "--port-base", portBase); err != nil {
			return err
		}
		return c.orgOf(p, "export", "--dir", p.dir, "--out", p.def)
	})
}

// up: the parties initialise, the first creates the channel from the
// definitions, every one joins, each installs and approves sequence 1, the
// first commits it.
func (c *consortium) up() {
	t0 := time.Now()
	c.initParties(c.parties)
	c.genesis = filepath.Join(c.public, "metrology.block")
	args := []string{"create-channel", "--dir", c.parties[0].dir, "--out", c.genesis}
	for _, p := range c.parties {
		args = append(args, p.def)
	}
	c.org(args...)
	each(c.t, c.parties, func(p *party) error { return c.orgOf(p, "join", "--dir", p.dir, "--block", c.genesis) })
	c.deploy(1, c.parties, c.parties[0], c.parties)
	c.t.Logf("consortium of %d parties up with chaincode in %s", len(c.parties), since(t0))
}

// deploy: approvers install and approve seq, committer commits it with the
// peers of endorsers.
func (c *consortium) deploy(seq int, approvers []*party, committer *party, endorsers []*party) {
	s := fmt.Sprint(seq)
	each(c.t, approvers, func(p *party) error { return c.orgOf(p, "deploy", "--dir", p.dir, "--sequence", s) })
	args := []string{"commit", "--dir", committer.dir, "--sequence", s}
	for _, p := range endorsers {
		args = append(args, p.def)
	}
	c.org(args...)
}

// ---------------------------------------------------------------- gateways

// gateway is one organization's `metrotrace serve --fabric`, under strace.
type gateway struct {
	p    *party
	url  string
	data string
	cmd  *exec.Cmd
	done chan struct{}
	log  *bytes.Buffer
	mu   sync.Mutex
}

func (c *consortium) startGateway(p *party) *gateway {
	c.t.Helper()
	g := &gateway{p: p, url: "http://" + p.host + ":" + gatewayPort, data: filepath.Join(p.dir, "gateway"),
		done: make(chan struct{}), log: &bytes.Buffer{}}
	trace := filepath.Join(p.dir, "trace", "gateway.trace")
	if err := os.MkdirAll(filepath.Dir(trace), 0o700); err != nil {
		c.t.Fatal(err)
	}
	g.cmd = exec.Command("strace", "-f", "-qq", "-o", trace, "-e", "trace=open,openat,openat2", "-e", "signal=none",
		c.bin, "serve", "--fabric", filepath.Join(p.dir, "gateway.json"), "--data-dir", g.data,
		"--listen", p.host+":"+gatewayPort, "--rate-limit", "0", "--log-level", "warn")
	g.cmd.Stdout, g.cmd.Stderr = g, g
	g.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := g.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	p.gw = g
	go func() { _ = g.cmd.Wait(); close(g.done) }()
	t0 := time.Now()
	for {
		select {
		case <-g.done:
			c.t.Fatalf("gateway of %s exited:\n%s", p.name, tail(g.output(), 30))
		default:
		}
		if resp, err := http.Get(g.url + "/readyz"); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				c.t.Logf("gateway of %s ready on %s in %s", p.name, g.url, since(t0))
				return g
			}
		}
		if time.Since(t0) > 3*time.Minute {
			c.t.Fatalf("gateway of %s not ready within 3 minutes:\n%s", p.name, tail(g.output(), 30))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (g *gateway) Write(b []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.log.Write(b)
}

func (g *gateway) output() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.log.String()
}

func (g *gateway) stop() {
	if g.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-g.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-g.done:
	case <-time.After(20 * time.Second):
		_ = syscall.Kill(-g.cmd.Process.Pid, syscall.SIGKILL)
		<-g.done
	}
}

// token is a bearer token signed with this gateway's own secret.
func (c *consortium) token(g *gateway, role, inst, msp string) string {
	c.t.Helper()
	args := []string{"token", "--data-dir", g.data, "--role", role, "--msp", msp}
	if inst != "" {
		args = append(args, "--institution", inst)
	}
	out, err := exec.Command(c.bin, args...).Output()
	if err != nil {
		c.t.Fatalf("metrotrace %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

// call sends a JSON request; it returns the status and body.
func call(method, url, token string, body any, header map[string]string) (int, []byte, error) {
	code, out, _, err := callH(method, url, token, body, header)
	return code, out, err
}

// callH is call, also returning the answer's headers.
func callH(method, url, token string, body any, header map[string]string) (int, []byte, http.Header, error) {
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
	for k, v := range header {
		req.Header.Set(k, v)
	}
	cl := &http.Client{Timeout: 3 * time.Minute}
	resp, err := cl.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header, err
}

// receipt is where a write was committed, from the answer's headers.
type receipt struct {
	TxID  string
	Block uint64
}

// mustWrite POSTs a record and wants 201 (or 200); it retries a write
// refused while gossip or discovery settle (503, "not enough endorsers").
func (c *consortium) mustWrite(g *gateway, token, path string, body any, header map[string]string) receipt {
	c.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		t0 := time.Now()
		code, out, h, err := callH(http.MethodPost, g.url+"/api/v1"+path, token, body, header)
		if err == nil && (code == http.StatusCreated || code == http.StatusOK) {
			r := receipt{TxID: h.Get("X-Transaction-ID")}
			_, _ = fmt.Sscan(h.Get("X-Block-Number"), &r.Block)
			c.t.Logf("%s POST %s: %d in %s (tx %s, block %d)", g.p.name, path, code, since(t0), r.TxID, r.Block)
			return r
		}
		if err == nil && code < 500 && code != http.StatusTooManyRequests {
			c.t.Fatalf("%s POST %s: %d %s", g.p.name, path, code, out)
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s POST %s: %d %s %v (kept failing for 3 minutes)", g.p.name, path, code, out, err)
		}
		c.t.Logf("%s POST %s: %d %s %v; retrying", g.p.name, path, code, tail(string(out), 2), err)
		time.Sleep(2 * time.Second)
	}
}

// waitGet polls a GET until it answers 200 (the gateway's read model
// follows the blocks) and returns the body.
func (c *consortium) waitGet(g *gateway, token, path string) []byte {
	c.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		code, out, err := call(http.MethodGet, g.url+"/api/v1"+path, token, nil, nil)
		if err == nil && code == http.StatusOK {
			return out
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s GET %s: %d %s %v", g.p.name, path, code, out, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// ---------------------------------------------------------------- records

type rec = map[string]any

func institution(p *party, id string) rec {
	return rec{"id": id, "name": p.name + " institute of metrology", "region": region(p), "msp_id": p.msp, "kind": "legal_metrology"}
}

func region(p *party) string {
	switch p.name {
	case "beijing":
		return "BJ"
	case "tianjin":
		return "TJ"
	}
	return "HB" // Hebei, and Xiongan New Area in Hebei
}

func standard(inst, id string) rec {
	return rec{"id": id, "institution_id": inst, "name": "F1 working weights", "level": "working", "quantity": "mass",
		"range": rec{"min": 1, "max": 1000, "unit": "g"}, "uncertainty": rec{"value": 1.5, "unit": "mg", "k": 2}}
}

func instrument(inst, id string) rec {
	return rec{"id": id, "institution_id": inst, "type": "electronic balance", "manufacturer": "Mettler Toledo", "model": "XPR1203S",
		"serial": "S-" + id, "quantity": "mass", "range": rec{"min": 0, "max": 1.2, "unit": "kg"}, "mpe": rec{"value": 0.01, "unit": "g"}}
}

func certificate(inst, id, subject, ref string) rec {
	return rec{"id": id, "kind": "verification", "issuer_id": inst, "subject_id": subject, "reference_ids": []string{ref},
		"quantity": "mass", "performed_on": "2024-05-10", "valid_until": "2025-05-09", "method": "JJG 1036-2022", "conformity": "pass",
		"results": []rec{{"value": 1000.002, "unit": "g"}}}
}

// ---------------------------------------------------------------- blocks

// fetchBlock reads block n from the party's own peer (its admin),
// as the protobuf bytes.
func (c *consortium) fetchBlock(p *party, n uint64) []byte {
	c.t.Helper()
	f := filepath.Join(c.base, fmt.Sprintf("block-%s-%d.pb", p.name, n))
	c.org("fetch-block", "--dir", p.dir, "--number", fmt.Sprint(n), "--out", f)
	data, err := os.ReadFile(f)
	if err != nil {
		c.t.Fatal(err)
	}
	return data
}

// blockTx is what the test reads of a transaction in a block.
type blockTx struct {
	TxID     string
	Function string
	Audit    *ops.TxAudit
}

// blockTxs lists the endorser transactions of a block: id, chaincode
// function and the audit (endorsing orgs, validation code).
func blockTxs(data []byte) ([]blockTx, error) {
	var b common.Block
	if err := proto.Unmarshal(data, &b); err != nil {
		return nil, err
	}
	var out []blockTx
	for _, env := range b.GetData().GetData() {
		var e common.Envelope
		if err := proto.Unmarshal(env, &e); err != nil {
			return nil, err
		}
		var pl common.Payload
		if err := proto.Unmarshal(e.GetPayload(), &pl); err != nil {
			return nil, err
		}
		var ch common.ChannelHeader
		if err := proto.Unmarshal(pl.GetHeader().GetChannelHeader(), &ch); err != nil {
			return nil, err
		}
		if ch.GetType() != int32(common.HeaderType_ENDORSER_TRANSACTION) {
			continue
		}
		var tx peer.Transaction
		if err := proto.Unmarshal(pl.GetData(), &tx); err != nil {
			return nil, err
		}
		fn := ""
		if len(tx.GetActions()) > 0 {
			var cap peer.ChaincodeActionPayload
			if err := proto.Unmarshal(tx.GetActions()[0].GetPayload(), &cap); err != nil {
				return nil, err
			}
			var cpp peer.ChaincodeProposalPayload
			if err := proto.Unmarshal(cap.GetChaincodeProposalPayload(), &cpp); err != nil {
				return nil, err
			}
			var spec peer.ChaincodeInvocationSpec
			if err := proto.Unmarshal(cpp.GetInput(), &spec); err != nil {
				return nil, err
			}
			if args := spec.GetChaincodeSpec().GetInput().GetArgs(); len(args) > 0 {
				fn = string(args[0])
			}
		}
		a, err := ops.AuditBlock(&b, ch.GetTxId())
		if err != nil {
			return nil, err
		}
		out = append(out, blockTx{TxID: ch.GetTxId(), Function: fn, Audit: a})
	}
	return out, nil
}

// ---------------------------------------------------------------- file opens

var openRE = regexp.MustCompile(`open(?:at2?)?\((?:AT_FDCWD|\d+), "([^"]+)"|open\("([^"]+)"`)

// openedFiles lists the absolute paths a party's traced processes opened
// (every trace file in its trace directory, or just the one named).
func openedFiles(p *party, only string) (map[string]bool, error) {
	pattern := filepath.Join(p.dir, "trace", "*.trace")
	if only != "" {
		pattern = filepath.Join(p.dir, "trace", only+".trace")
	}
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no trace files %s (%v)", pattern, err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			m := openRE.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			path := m[1] + m[2]
			if filepath.IsAbs(path) {
				seen[filepath.Clean(path)] = true
			}
		}
		_ = fh.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	return seen, nil
}

// keyFiles filters private key files: MSP keystores and TLS keys.
func keyFiles(files map[string]bool) []string {
	var keys []string
	for f := range files {
		if strings.Contains(f, "/keystore/") && !strings.HasSuffix(f, "/keystore") || strings.HasSuffix(f, ".key") || strings.HasSuffix(f, "_sk") {
			keys = append(keys, f)
		}
	}
	sort.Strings(keys)
	return keys
}

// checkOwnFilesOnly: nothing a party's processes opened lies in another
// party's directory.
func (c *consortium) checkOwnFilesOnly(p *party, files map[string]bool) {
	c.t.Helper()
	for f := range files {
		for _, o := range c.parties {
			if o != p && strings.HasPrefix(f, o.dir+string(filepath.Separator)) {
				c.t.Errorf("a process of %s opened %s, in %s's directory", p.name, f, o.name)
			}
		}
	}
}

// configInfo is org.sh config-info's answer.
type configInfo struct {
	Block           uint64   `json:"block"`
	Sequence        uint64   `json:"sequence"`
	ApplicationOrgs []string `json:"application_orgs"`
	OrdererOrgs     []string `json:"orderer_orgs"`
	Consenters      []string `json:"consenters"`
	// Signers are the MSP ids of the signatures the last config update carried.
	Signers []string `json:"signers"`
}

func (c *consortium) configInfo(p *party) configInfo {
	c.t.Helper()
	out := c.org("config-info", "--dir", p.dir)
	var ci configInfo
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &ci); err != nil {
		c.t.Fatalf("config-info: %v\n%s", err, out)
	}
	return ci
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
