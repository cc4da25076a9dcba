package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/network/ops"
)

func runArgs(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	tx := strings.Repeat("ab", 32)
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, exitUsage, "usage: metrotrace-ops"},
		{[]string{"deploy-everything"}, exitUsage, `unknown command "deploy-everything"`},
		{[]string{"audit"}, exitUsage, "give one TXID"},
		{[]string{"audit", "not-a-txid"}, exitUsage, "is not a transaction id"},
		{[]string{"audit", strings.ToUpper(tx)}, exitUsage, "is not a transaction id"},
		{[]string{"audit", tx, tx}, exitUsage, "give one TXID"},
		{[]string{"audit", "--record", "institution/TJIM", tx}, exitUsage, "not both"},
		{[]string{"audit", "--record", "TJIM"}, exitUsage, "want DOCTYPE/ID"},
		{[]string{"status", "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"status", "--lag", "-1"}, exitUsage, "invalid value"},
		{[]string{"status", "--no-such-flag"}, exitUsage, "flag provided but not defined"},
		{[]string{"profile", "x"}, exitUsage, "unexpected argument"},
		{[]string{"revoke"}, exitUsage, "--org (the user's organisation) and --name are required"},
		{[]string{"revoke", "--org", "TianjinMSP"}, exitUsage, "--name are required"},
		{[]string{"revoke", "--org", "TianjinMSP", "--name", "u", "--user", "tjim-operator"}, exitUsage, "--user is not allowed"},
		{[]string{"revoke", "--org", "TianjinMSP", "--name", "u", "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"deploy"}, exitUsage, "give --package FILE, --label LABEL or --package-for MSPID=FILE per org"},
		{[]string{"deploy", "--package", "p.tar.gz", "--label", "l"}, exitUsage, "give --package FILE, --label LABEL or --package-for"},
		{[]string{"deploy", "--package-for", "BeijingMSP=a", "--package", "p.tar.gz"}, exitUsage, "--package-for goes without --package and --label"},
		{[]string{"deploy", "--package-for", "BeijingMSP"}, exitUsage, `want MSPID=FILE, got "BeijingMSP"`},
		{[]string{"deploy", "--package-for", "=a"}, exitUsage, `want MSPID=FILE, got "=a"`},
		{[]string{"deploy", "--package-for", "BeijingMSP=a", "--package-for", "BeijingMSP=b"}, exitUsage, "BeijingMSP is given twice"},
		{[]string{"deploy", "--package-for", "BeijingMSP=/nonexistent/a.tar.gz"}, exitUnhealthy, "no such file"},
		{[]string{"msp"}, exitUsage, "--ca-cert is required"},
		{[]string{"msp", "--ca-cert", "ca.pem"}, exitUsage, "name at least one MSP directory"},
		{[]string{"msp", "--ca-cert", "/nonexistent/ca.pem", "d"}, exitUnhealthy, "no such file"},
		{[]string{"deploy", "--package", "p.tar.gz", "--tls"}, exitUsage, "go with --label"},
		{[]string{"deploy", "--package", "p.tar.gz", "--address", "{{address}}"}, exitUsage, "go with --label"},
		{[]string{"deploy", "--package", "p.tar.gz", "--tls=false"}, exitUsage, "go with --label"},
		{[]string{"deploy", "--label", "l", "--sequence", "-2"}, exitUsage, "--sequence must be positive"},
		// Valid command lines that fail for want of a network: exit 1.
		{[]string{"status", "--connection", "/nonexistent/connection.json"}, exitUnhealthy, "read connection description"},
		{[]string{"audit", tx, "--connection", "/nonexistent/connection.json"}, exitUnhealthy, "read connection description"},
		{[]string{"revoke", "--org", "TianjinMSP", "--name", "u", "--connection", "/nonexistent/connection.json"}, exitUnhealthy, "read connection description"},
		{[]string{"deploy", "--label", "metrotrace_9", "--connection", "/nonexistent/connection.json"}, exitUnhealthy, "read connection description"},
		{[]string{"deploy", "--package", "/nonexistent/p.tar.gz"}, exitUnhealthy, "no such file"},
	}
	for _, c := range cases {
		code, _, stderr := runArgs(c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, want %d; stderr %q should contain %q", c.args, code, c.code, stderr, c.msg)
		}
	}
	for _, h := range []string{"help", "--help"} {
		if code, out, _ := runArgs(h); code != exitOK || !strings.Contains(out, "audit TXID") {
			t.Errorf("%s: exit %d %q", h, code, out)
		}
	}
	if code, _, stderr := runArgs("status", "-h"); code != exitOK || !strings.Contains(stderr, "-lag") {
		t.Errorf("status -h: exit %d %q", code, stderr)
	}
}

// TestTimeoutDefaults: deploy waits three minutes by default, every other
// command one, each as its own flag default (nothing compares --timeout's
// value to guess whether it was given).
func TestTimeoutDefaults(t *testing.T) {
	for cmd, want := range map[string]string{"deploy": "(default 3m0s)", "status": "(default 1m0s)", "audit": "(default 1m0s)", "revoke": "(default 1m0s)"} {
		code, _, stderr := runArgs(cmd, "-h")
		i := strings.Index(stderr, "-timeout")
		if code != exitOK || i < 0 || !strings.Contains(stderr[i:], want) {
			t.Errorf("%s -h: exit %d, want --timeout %s in %q", cmd, code, want, stderr)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	peer := fs.String("peer", "", "")
	js := fs.Bool("json", false, "")
	pos, err := parse(fs, []string{"a", "--peer", "hebei", "b", "--json", "--", "--c"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(pos, []string{"a", "b", "--c"}) || *peer != "hebei" || !*js {
		t.Errorf("pos %v peer %q json %v", pos, *peer, *js)
	}
}

func TestDefaultConnection(t *testing.T) {
	t.Setenv("METROTRACE_NETWORK_DIR", "/tmp/somewhere")
	if got := defaultConnection(); got != "/tmp/somewhere/connection.json" {
		t.Errorf("got %s", got)
	}
	t.Setenv("METROTRACE_NETWORK_DIR", "")
	if got := defaultConnection(); got != filepath.Join(".network", "connection.json") {
		t.Errorf("got %s", got)
	}
}

// TestProfileCommand generates the sdk profile from a connection.json like
// the one scripts/network.sh writes.
func TestProfileCommand(t *testing.T) {
	dir := t.TempDir()
	touch := func(p string) string {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		return full
	}
	mspDir := filepath.Join(dir, "orgs/tianjin/users/admin/msp")
	if err := os.MkdirAll(mspDir, 0o755); err != nil {
		t.Fatal(err)
	}
	conn := map[string]any{
		"channel": "metrology", "chaincode": "metrotrace",
		"orderers": []any{map[string]any{"endpoint": "127.0.0.1:47020", "host_override": "orderer0.metrotrace.local", "tls_ca_cert": touch("o.pem")}},
		"orgs": []any{map[string]any{
			"name": "tianjin", "msp_id": "TianjinMSP", "peer_endpoint": "127.0.0.1:47051",
			"peer_host_override": "peer0.tianjin.metrotrace.local", "peer_tls_ca_cert": touch("p.pem"),
			"admin": map[string]any{"name": "tianjinadmin", "role": "admin", "cert": touch("c.pem"), "key": touch("k"), "msp_dir": mspDir},
			"users": []any{},
		}},
	}
	data, _ := json.Marshal(conn)
	file := filepath.Join(dir, "connection.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runArgs("profile", "--connection", file)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var p struct {
		Channels       map[string]struct{ Orderers []string }
		EntityMatchers map[string][]struct{ Pattern, MappedHost string }
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := p.Channels["metrology"].Orderers; !reflect.DeepEqual(got, []string{"orderer0.metrotrace.local"}) {
		t.Errorf("orderers %v", got)
	}
	if m := p.EntityMatchers["peer"]; len(m) != 1 || m[0].MappedHost != "peer0.tianjin.metrotrace.local" || !strings.Contains(m[0].Pattern, `127\.0\.0\.1:47051`) {
		t.Errorf("peer matchers %+v", m)
	}
	if code, _, stderr := runArgs("profile", "--connection", file, "--org", "HebeiMSP"); code != exitUnhealthy || !strings.Contains(stderr, "HebeiMSP") {
		t.Errorf("unknown org: exit %d %q", code, stderr)
	}
}

func TestRegisterEnrollUsage(t *testing.T) {
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"register", "--institution", "TJIM", "--role", "recorder"}, "--msp is required"},
		{[]string{"register", "--msp", "TianjinMSP", "--institution", "TJIM", "--role", "admin"}, `role "admin" is not recorder, inspector or operator`},
		{[]string{"register", "--msp", "TianjinMSP", "--institution", "TJ IM", "--role", "recorder"}, "institution id"},
		{[]string{"enroll", "--msp", "TianjinMSP", "--name", "x"}, "--secret are required"},
		{[]string{"enroll", "--msp", "TianjinMSP", "--name", "x", "--secret", "y", "z"}, "unexpected argument"},
	}
	for _, c := range cases {
		code, _, stderr := runArgs(c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d; stderr %q should contain %q", c.args, code, stderr, c.msg)
		}
	}
}

func TestPrintStatusRaftRoles(t *testing.T) {
	r := &ops.StatusReport{Channel: "metrology", Orderers: []ops.OrdererStatus{
		{Name: "orderer0", Endpoint: "127.0.0.1:1", Reachable: true, Operations: "127.0.0.1:2", RaftRole: ops.RaftLeader, ClusterSize: 3, ActiveNodes: 3},
		{Name: "orderer1", Endpoint: "127.0.0.1:3", Reachable: true, Operations: "127.0.0.1:4", RaftRole: ops.RaftFollower, ClusterSize: 3},
		{Name: "orderer2", Endpoint: "127.0.0.1:5", Error: "refused", Operations: "127.0.0.1:6", RaftError: "connection refused"},
		{Name: "orderer3", Endpoint: "127.0.0.1:7", Reachable: true},
	}}
	r.Evaluate(0)
	var b strings.Builder
	printStatus(&b, r)
	for _, want := range []string{
		"orderer orderer0 127.0.0.1:1: reachable, raft leader (3 of 3 nodes active)\n",
		"orderer orderer1 127.0.0.1:3: reachable, raft follower (cluster of 3)\n",
		"orderer orderer2 127.0.0.1:5: UNREACHABLE: refused, raft role unknown: connection refused\n",
		"orderer orderer3 127.0.0.1:7: reachable\n",
		"healthy\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("status output lacks %q:\n%s", want, b.String())
		}
	}
}
