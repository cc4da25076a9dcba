package conformance

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/fabric"
	"github.com/metrotrace/metrotrace/network"
)

// fabricTargets is a real network with two gateways: the suite's, and a
// second one reading blocks through the Beijing peer.
type fabricTargets struct {
	*target
	beijing *target
	root    string
	conn    string // path of the connection description
}

func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func script(t *testing.T, root string, env []string, timeout time.Duration, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(root, "scripts", "network.sh")}, args...)...)
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("network.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// startFabric brings a network up with the network scripts, enrolls a
// recorder for every institution of the variants and the extra fixtures,
// and serves a gateway on it. The network goes down when the test ends, passing or failing.
func startFabric(t *testing.T, vs []variant, extra ...*scenario.Fixture) *fabricTargets {
	t.Helper()
	root := repoRoot(t)
	netDir := t.TempDir()
	env := append(os.Environ(), "METROTRACE_NETWORK_DIR="+netDir, "METROTRACE_PORT_BASE=27500")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "scripts", "network.sh"), "down")
		cmd.Dir, cmd.Env = root, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("network.sh down: %v\n%s", err, out)
		}
	})
	start := time.Now()
	script(t, root, env, 20*time.Minute, "up", "--deploy")
	t.Logf("network up and chaincode deployed in %s", time.Since(start).Round(time.Millisecond))

	users := map[string]bool{"HebeiMSP c00-HBIM inspector": true, "BeijingMSP c00-BJIM inspector": true}
	fixtures := append([]*scenario.Fixture(nil), extra...)
	for _, v := range vs {
		fixtures = append(fixtures, v.fixture)
	}
	for _, f := range fixtures {
		for _, s := range f.Steps() {
			if s.Role == "recorder" {
				users[fmt.Sprintf("%s %s recorder", s.MSPID, s.Institution)] = true
			}
		}
	}
	lines := make([]string, 0, len(users))
	for u := range users {
		lines = append(lines, u)
	}
	sort.Strings(lines)
	batch := filepath.Join(t.TempDir(), "users.txt")
	if err := os.WriteFile(batch, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	script(t, root, env, 20*time.Minute, "enroll", "--batch", batch)
	t.Logf("enrolled %d users in %s", len(lines), time.Since(start).Round(time.Millisecond))

	conn, err := network.LoadConnection(filepath.Join(netDir, network.DefaultConnectionFile))
	if err != nil {
		t.Fatal(err)
	}
	open := func(events string) *fabric.Ledger {
		opts := fabric.DefaultOptions
		opts.EventsOrg = events
		l, err := fabric.Open(conn, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		return l
	}
	tj, bj := open("TianjinMSP"), open("BeijingMSP")
	return &fabricTargets{target: startGateway(t, "fabric", tj, tj), beijing: startGateway(t, "fabric-beijing", bj, bj),
		root: root, conn: filepath.Join(netDir, network.DefaultConnectionFile)}
}

// crossGatewayWrite writes through the gateway as a Tianjin recorder and
// finds the record in the index of the gateway reading the Beijing peer.
func (f *fabricTargets) crossGatewayWrite(t *testing.T) {
	t.Helper()
	cmc := `{"id":"c00-CMC-TJIM-P","institution_id":"c00-TJIM","quantity":"pressure","range":{"min":0,"max":60,"unit":"MPa"},` +
		`"uncertainty":{"value":0.05,"unit":"%","k":2,"relative":true},"method":"JJG 59-2022","valid_until":"2029-12-31"}`
	code, out := f.do(t, "POST", "/api/v1/capabilities", f.token(t, "TianjinMSP", "recorder", "c00-TJIM"), cmc)
	if code != 201 {
		t.Fatalf("Tianjin write: %d %s", code, out)
	}
	token := f.beijing.token(t, "BeijingMSP", "inspector", "c00-BJIM")
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, out = f.beijing.do(t, "GET", "/api/v1/capabilities/c00-CMC-TJIM-P", token, nil)
		if code == 200 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Beijing gateway's index never showed the Tianjin write: %d %s", code, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// rebuildIndex runs `metrotrace index rebuild --fabric` into an empty data
// directory and checks it finds every institution of the variants.
func (f *fabricTargets) rebuildIndex(t *testing.T, institutions int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", "./cmd/metrotrace", "index", "rebuild", "--fabric", f.conn, "--data-dir", t.TempDir())
	cmd.Dir = f.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("index rebuild --fabric: %v\n%s", err, out)
	}
	want := fmt.Sprintf("institution  %d", institutions)
	if !strings.Contains(string(out), want) {
		t.Fatalf("index rebuild --fabric printed\n%s\nwant a line %q", out, want)
	}
}
