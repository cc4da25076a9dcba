package network

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// The integration test brings a real Fabric network up with
// scripts/network.sh (3 Fabric CAs, 3 raft orderers, 3 peers, 3 chaincode
// servers) in a fresh network dir, drives the metrotrace chaincode through
// every organisation's peer with the Fabric Gateway client, and tears the
// network down again, also when the test fails or panics.
//
//	METROTRACE_NETWORK_TESTS=1 go test ./network -run TestNetwork -v -timeout 30m
//
// METROTRACE_PORT_BASE (default here 27000) moves its ports; the first run
// builds the Fabric binaries (a few minutes), later runs take about a minute.
const integrationEnv = "METROTRACE_NETWORK_TESTS"

func TestNetworkIntegration(t *testing.T) {
	if os.Getenv(integrationEnv) != "1" {
		t.Skipf("real Fabric network test: set %s=1 to run it (METROTRACE_NETWORK_TESTS=1 go test ./network -run TestNetwork -v -timeout 30m); it builds the Fabric binaries once and runs a 3-org network on 127.0.0.1", integrationEnv)
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file))
	netDir := filepath.Join(t.TempDir(), "net")
	portBase := os.Getenv("METROTRACE_PORT_BASE")
	if portBase == "" {
		portBase = "27000"
	}
	env := append(os.Environ(), "METROTRACE_NETWORK_DIR="+netDir, "METROTRACE_PORT_BASE="+portBase)

	// Registered before anything starts, so it runs on failure and on panic.
	t.Cleanup(func() { teardown(t, root, netDir, env) })

	start := time.Now()
	out, err := script(root, env, 20*time.Minute, "up", "--deploy")
	t.Logf("scripts/network.sh up --deploy (%.1fs):\n%s", time.Since(start).Seconds(), out)
	if err != nil {
		t.Fatalf("network up --deploy: %v", err)
	}

	conn, err := LoadConnection(filepath.Join(netDir, DefaultConnectionFile))
	if err != nil {
		t.Fatal(err)
	}
	n := newNet(t, conn)

	today := time.Now().UTC()
	date := func(days int) string { return today.AddDate(0, 0, days).Format("2006-01-02") }

	t.Run("institutions registered through each org's peer are read from every peer", func(t *testing.T) {
		for _, in := range []struct{ org, id, region string }{{"beijing", "BJIM", "BJ"}, {"tianjin", "TJIM", "TJ"}, {"hebei", "HBIM", "HB"}} {
			org := n.org(in.org)
			rec := map[string]any{
				"id": in.id, "name": in.id + " institute of metrology", "region": in.region,
				"msp_id": org.MSPID, "kind": "legal_metrology", "accreditations": []any{},
			}
			// The first transactions may meet gossip that has not settled yet.
			n.submitRetry(t, in.org, strings.ToLower(in.id)+"-operator", 90*time.Second, "RegisterInstitution", nil, nil, jsonArg(t, rec))
		}
		for _, reader := range []string{"beijing", "tianjin", "hebei"} {
			for _, id := range []string{"BJIM", "TJIM", "HBIM"} {
				got := n.getEventually(t, reader, "institution", id, func(m map[string]any) bool { return m["id"] == id })
				if got["id"] != id {
					t.Errorf("Get institution %s through %s: %v", id, reader, got)
				}
			}
		}
	})
	if t.Failed() {
		t.FailNow()
	}

	// Each institution gets a capability, a standard and an instrument.
	partner := map[string]string{"beijing": "tianjin", "tianjin": "hebei", "hebei": "beijing"}
	setup := func(t *testing.T, org, inst string) (standardID, instrumentID string) {
		rec := strings.ToLower(inst) + "-recorder"
		standardID, instrumentID = "STD-"+inst+"-MASS", "INS-"+inst+"-0001"
		n.submit(t, org, rec, "RegisterCapability", nil, nil, jsonArg(t, map[string]any{
			"id": "CMC-" + inst + "-MASS", "institution_id": inst, "quantity": "mass",
			"range":       map[string]any{"min": 0, "max": 50, "unit": "kg"},
			"uncertainty": map[string]any{"value": 0.5, "unit": "g", "k": 2},
			"method":      "JJG 1036-2022", "valid_until": date(3650),
		}))
		n.submit(t, org, rec, "RegisterStandard", nil, nil, jsonArg(t, map[string]any{
			"id": standardID, "institution_id": inst, "name": inst + " E2 weight set", "level": "public",
			"quantity": "mass", "range": map[string]any{"min": 0, "max": 20, "unit": "kg"},
			"uncertainty": map[string]any{"value": 0.03, "unit": "g", "k": 2},
			"approval":    map[string]any{"number": "[2024]" + inst + "-001", "valid_until": date(1500)},
		}))
		owner := []byte(`{"owner_name":"` + inst + ` market weighing office","contact":"+86 22 0000 0000"}`)
		// Transient data: the Gateway only sends it to the orgs named here. The
		// registering org's implicit collection is private to it, but a new key
		// needs MAJORITY endorsement, so one more (trusted) org endorses.
		endorsers := []string{n.org(org).MSPID, n.org(partner[org]).MSPID}
		n.submit(t, org, rec, "RegisterInstrument", map[string][]byte{"owner": owner}, endorsers, jsonArg(t, map[string]any{
			"id": instrumentID, "institution_id": inst, "type": "electronic balance",
			"manufacturer": "Acme", "model": "EB-5", "serial": inst + "-42", "quantity": "mass",
			"range": map[string]any{"min": 0, "max": 5, "unit": "kg"},
			"mpe":   map[string]any{"value": 1, "unit": "g"}, "compulsory": true, "category": "non_automatic_weighing",
		}))
		return standardID, instrumentID
	}
	certificate := func(id, issuer, subject, ref string) string {
		return jsonArg(t, map[string]any{
			"id": id, "kind": "verification", "issuer_id": issuer, "subject_id": subject,
			"reference_ids": []string{ref}, "quantity": "mass",
			"performed_on": date(-10), "valid_until": date(355),
			"results":    []any{map[string]any{"value": 1000.2, "unit": "g", "uncertainty": map[string]any{"value": 0.2, "unit": "g", "k": 2}}},
			"conformity": "pass", "method": "JJG 1036-2022",
		})
	}

	var tjInstrument string
	t.Run("certificate issued by the Tianjin recorder is read from the Beijing and Hebei peers", func(t *testing.T) {
		std, ins := setup(t, "tianjin", "TJIM")
		tjInstrument = ins
		n.submit(t, "tianjin", "tjim-recorder", "IssueCertificate", nil, nil, certificate("TJ-2025-0001", "TJIM", ins, std))
		for _, reader := range []string{"beijing", "hebei"} {
			got := n.getEventually(t, reader, "certificate", "TJ-2025-0001", func(m map[string]any) bool { return m["id"] != nil })
			if got["issuer_id"] != "TJIM" || got["status"] != "valid" || got["subject_id"] != ins {
				t.Errorf("certificate through %s: %v", reader, got)
			}
		}
	})

	t.Run("a Tianjin identity cannot revoke a Beijing certificate, and only Beijing may endorse its change", func(t *testing.T) {
		std, ins := setup(t, "beijing", "BJIM")
		n.submit(t, "beijing", "bjim-recorder", "IssueCertificate", nil, nil, certificate("BJ-2025-0001", "BJIM", ins, std))
		// Through Tianjin's own peer, and with Tianjin's peer as the only endorser.
		for _, orgs := range [][]string{nil, {"TianjinMSP"}} {
			_, err := n.submitErr("tianjin", "tjim-recorder", "RevokeCertificate", nil, orgs, "BJ-2025-0001", "not ours to revoke")
			if err == nil {
				t.Fatalf("RevokeCertificate of a Beijing certificate by tjim-recorder (endorsing orgs %v) succeeded", orgs)
			}
			t.Logf("refused as expected (endorsing orgs %v): %s", orgs, errText(err))
		}
		// The key-level endorsement policy: even a legitimate Beijing revoke,
		// when endorsed only by Tianjin's and Hebei's peers (a chaincode-level
		// MAJORITY), must fail validation, since only Beijing may endorse a
		// change of Beijing's record.
		_, err := n.submitErr("beijing", "bjim-recorder", "RevokeCertificate", nil, []string{"TianjinMSP", "HebeiMSP"}, "BJ-2025-0001", "endorsed by the wrong orgs")
		var commitErr *client.CommitError
		switch {
		case err == nil:
			t.Errorf("revoke of a Beijing certificate endorsed by Tianjin and Hebei only was committed as valid: no key-level endorsement policy")
		case errors.As(err, &commitErr) && commitErr.Code == peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE:
			t.Logf("key-level endorsement policy enforced at validation: %v", err)
		default:
			t.Errorf("revoke endorsed by Tianjin and Hebei: want ENDORSEMENT_POLICY_FAILURE at commit, got %s", errText(err))
		}
		for _, reader := range []string{"beijing", "tianjin", "hebei"} {
			got := n.getEventually(t, reader, "certificate", "BJ-2025-0001", func(m map[string]any) bool { return m["id"] != nil })
			if got["status"] != "valid" {
				t.Errorf("Beijing certificate through %s after the refused revoke: %v", reader, got)
			}
		}
		// The owner can revoke it.
		n.submit(t, "beijing", "bjim-recorder", "RevokeCertificate", nil, nil, "BJ-2025-0001", "integration test")
		got := n.getEventually(t, "hebei", "certificate", "BJ-2025-0001", func(m map[string]any) bool { return m["status"] == "revoked" })
		if got["status"] != "revoked" {
			t.Errorf("after the owner's revoke: %v", got)
		}
	})

	t.Run("instrument owner details are private to the registering org", func(t *testing.T) {
		if tjInstrument == "" {
			t.Skip("no Tianjin instrument (earlier subtest failed)")
		}
		out := n.evaluate(t, "tianjin", "tjim-recorder", "GetInstrumentOwner", tjInstrument)
		if !strings.Contains(string(out), "TJIM market weighing office") {
			t.Errorf("GetInstrumentOwner through the Tianjin peer = %s", out)
		}
		for _, org := range []string{"beijing", "hebei"} {
			out, err := n.evaluateErr(org, "", "GetInstrumentOwner", tjInstrument)
			if err == nil {
				t.Errorf("GetInstrumentOwner through the %s peer returned %s", org, out)
			} else {
				t.Logf("%s peer refused as expected: %s", org, errText(err))
			}
		}
		// Even the owner's own identity cannot read it through another org's
		// peer: that peer does not hold the collection.
		c, done, err := n.contractAt("beijing", "tianjin", "tjim-recorder")
		if err != nil {
			t.Fatal(err)
		}
		out, err = c.Evaluate("GetInstrumentOwner", client.WithArguments(tjInstrument), client.WithEndorsingOrganizations("BeijingMSP"))
		done()
		if err == nil {
			t.Errorf("GetInstrumentOwner by tjim-recorder through the Beijing peer returned %s", out)
		} else {
			t.Logf("Beijing peer has no owner details for the Tianjin identity either: %s", errText(err))
		}
		pub := n.getEventually(t, "beijing", "instrument", tjInstrument, func(m map[string]any) bool { return m["id"] != nil })
		if b, _ := json.Marshal(pub); strings.Contains(string(b), "weighing office") {
			t.Errorf("owner details leaked into public state: %s", b)
		}
	})

	t.Run("the channel stays writable with one orderer stopped", func(t *testing.T) {
		// Stop the raft leader: the harder case (a new leader must be elected).
		victim := raftLeader(t, netDir)
		pid := readPid(t, filepath.Join(netDir, "pids", victim+".pid"))
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
			t.Fatalf("kill %s (pid %d): %v", victim, pid, err)
		}
		waitGone(pid, 10*time.Second)
		if alive(pid) {
			t.Fatalf("%s (pid %d) still running", victim, pid)
		}
		t.Logf("stopped %s (raft leader, pid %d)", victim, pid)
		start := time.Now()
		// A new raft leader may have to be elected (about 5 s).
		n.submitRetry(t, "hebei", "hbim-recorder", 60*time.Second, "RegisterStandard", nil, nil, jsonArg(t, map[string]any{
			"id": "STD-HBIM-MASS", "institution_id": "HBIM", "name": "HBIM F1 weight set", "level": "public",
			"quantity": "mass", "range": map[string]any{"min": 0, "max": 20, "unit": "kg"},
			"uncertainty": map[string]any{"value": 0.1, "unit": "g", "k": 2},
			"approval":    map[string]any{"number": "[2024]HBIM-001", "valid_until": date(1500)},
		}))
		t.Logf("write committed %.1fs after %s stopped", time.Since(start).Seconds(), victim)
		got := n.getEventually(t, "tianjin", "standard", "STD-HBIM-MASS", func(m map[string]any) bool { return m["id"] != nil })
		if got["id"] != "STD-HBIM-MASS" {
			t.Errorf("standard through tianjin: %v", got)
		}
	})
}

// raftLeader returns the name (ordererN) of the current raft leader of the
// channel, from the orderers' logs ("Raft leader changed: 0 -> 2"; raft node
// ids follow the consenter order, 1 = orderer0); orderer0 when none is logged.
func raftLeader(t *testing.T, netDir string) string {
	t.Helper()
	re := regexp.MustCompile(`Raft leader changed: \d+ -> (\d+)`)
	leader := ""
	for i := 0; i < 3; i++ {
		b, err := os.ReadFile(filepath.Join(netDir, "logs", fmt.Sprintf("orderer%d.log", i)))
		if err != nil {
			continue
		}
		if m := re.FindAllSubmatch(b, -1); len(m) > 0 {
			id, _ := strconv.Atoi(string(m[len(m)-1][1]))
			if id >= 1 && id <= 3 {
				leader = fmt.Sprintf("orderer%d", id-1)
			}
		}
	}
	if leader == "" {
		t.Log("no raft leader found in the orderer logs; stopping orderer0")
		return "orderer0"
	}
	return leader
}

// ---------------------------------------------------------------- scripts

func script(root string, env []string, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", "network.sh"), args...)
	cmd.Dir = root
	cmd.Env = env
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	return buf.String(), err
}

// teardown runs "network.sh down" and checks, with the pids the script
// recorded, that no process of the network is left; any survivor is killed.
func teardown(t *testing.T, root, netDir string, env []string) {
	pids := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(netDir, "pids", "*.pid"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				pids[strings.TrimSuffix(filepath.Base(f), ".pid")] = pid
			}
		}
	}
	if t.Failed() {
		dumpLogs(t, netDir)
	}
	out, err := script(root, env, 2*time.Minute, "down")
	if err != nil {
		t.Errorf("network down: %v\n%s", err, out)
	}
	for name, pid := range pids {
		if alive(pid) {
			t.Errorf("%s (pid %d) still running after down; killing it", name, pid)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if _, err := os.Stat(netDir); !os.IsNotExist(err) {
		t.Errorf("network dir %s still exists after down", netDir)
	}
	t.Logf("down: %d recorded processes stopped, no data left", len(pids))
}

func dumpLogs(t *testing.T, netDir string) {
	logs, _ := filepath.Glob(filepath.Join(netDir, "logs", "*.log"))
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) > 15 {
			lines = lines[len(lines)-15:]
		}
		t.Logf("--- tail of %s:\n%s", filepath.Base(l), strings.Join(lines, "\n"))
	}
}

func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	// A zombie (killed child of a process that has not reaped it) is gone.
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}

func waitGone(pid int, d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end) && alive(pid); {
		time.Sleep(100 * time.Millisecond)
	}
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// ---------------------------------------------------------------- gateway

type fabricNet struct {
	conn  *Connection
	grpcs map[string]*grpc.ClientConn // by org name
	t     *testing.T
}

func newNet(t *testing.T, c *Connection) *fabricNet {
	n := &fabricNet{conn: c, grpcs: map[string]*grpc.ClientConn{}, t: t}
	for i := range c.Orgs {
		o := &c.Orgs[i]
		pem, err := os.ReadFile(o.PeerTLSCACert)
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			t.Fatalf("no certificate in %s", o.PeerTLSCACert)
		}
		cc, err := grpc.NewClient(o.PeerEndpoint, grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, o.PeerHostOverride)))
		if err != nil {
			t.Fatal(err)
		}
		n.grpcs[o.Name] = cc
		t.Cleanup(func() { _ = cc.Close() })
	}
	return n
}

func (n *fabricNet) org(name string) *Org {
	o, err := n.conn.Org(name)
	if err != nil {
		n.t.Fatal(err)
	}
	return o
}

// contract opens a Gateway connection to org's peer as user (the org's
// inspector when user is empty).
func (n *fabricNet) contract(orgName, user string) (*client.Contract, func(), error) {
	return n.contractAt(orgName, orgName, user)
}

// contractAt opens a Gateway connection to peerOrg's peer as a user of
// userOrg.
func (n *fabricNet) contractAt(peerOrg, orgName, user string) (*client.Contract, func(), error) {
	o, err := n.conn.Org(orgName)
	if err != nil {
		return nil, nil, err
	}
	p, err := n.conn.Org(peerOrg)
	if err != nil {
		return nil, nil, err
	}
	var u *User
	if user == "" {
		u, err = o.UserByRole("", record.RoleInspector)
	} else {
		u, err = o.User(user)
	}
	if err != nil {
		return nil, nil, err
	}
	certPEM, keyPEM, err := u.ReadCredentials()
	if err != nil {
		return nil, nil, err
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		return nil, nil, err
	}
	id, err := identity.NewX509Identity(o.MSPID, cert)
	if err != nil {
		return nil, nil, err
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		return nil, nil, err
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		return nil, nil, err
	}
	gw, err := client.Connect(id, client.WithSign(sign), client.WithHash(hash.SHA256),
		client.WithClientConnection(n.grpcs[p.Name]),
		client.WithEvaluateTimeout(30*time.Second), client.WithEndorseTimeout(30*time.Second),
		client.WithSubmitTimeout(30*time.Second), client.WithCommitStatusTimeout(time.Minute))
	if err != nil {
		return nil, nil, err
	}
	return gw.GetNetwork(n.conn.Channel).GetContract(n.conn.Chaincode), func() { _ = gw.Close() }, nil
}

func (n *fabricNet) submitErr(org, user, fn string, transient map[string][]byte, endorsers []string, args ...string) ([]byte, error) {
	c, done, err := n.contract(org, user)
	if err != nil {
		return nil, err
	}
	defer done()
	opts := []client.ProposalOption{client.WithArguments(args...)}
	if transient != nil {
		opts = append(opts, client.WithTransient(transient))
	}
	if len(endorsers) > 0 {
		opts = append(opts, client.WithEndorsingOrganizations(endorsers...))
	}
	return c.Submit(fn, opts...)
}

func (n *fabricNet) submit(t *testing.T, org, user, fn string, transient map[string][]byte, endorsers []string, args ...string) []byte {
	t.Helper()
	out, err := n.submitErr(org, user, fn, transient, endorsers, args...)
	if err != nil {
		t.Fatalf("%s by %s through %s: %s", fn, user, org, errText(err))
	}
	return out
}

// submitRetry retries while the network settles (gossip membership after
// start-up, raft leader election after an orderer stops).
func (n *fabricNet) submitRetry(t *testing.T, org, user string, d time.Duration, fn string, transient map[string][]byte, endorsers []string, args ...string) []byte {
	t.Helper()
	deadline := time.Now().Add(d)
	for attempt := 1; ; attempt++ {
		out, err := n.submitErr(org, user, fn, transient, endorsers, args...)
		if err == nil {
			if attempt > 1 {
				t.Logf("%s through %s succeeded at attempt %d", fn, org, attempt)
			}
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s by %s through %s (after %d attempts): %s", fn, user, org, attempt, errText(err))
		}
		t.Logf("%s through %s, attempt %d: %s", fn, org, attempt, errText(err))
		time.Sleep(2 * time.Second)
	}
}

func (n *fabricNet) evaluateErr(org, user, fn string, args ...string) ([]byte, error) {
	c, done, err := n.contract(org, user)
	if err != nil {
		return nil, err
	}
	defer done()
	return c.EvaluateTransaction(fn, args...)
}

func (n *fabricNet) evaluate(t *testing.T, org, user, fn string, args ...string) []byte {
	t.Helper()
	out, err := n.evaluateErr(org, user, fn, args...)
	if err != nil {
		t.Fatalf("evaluate %s%v through %s: %s", fn, args, org, errText(err))
	}
	return out
}

// getEventually reads docType/id through org's peer until ok accepts it or
// 10 s pass: a submit waits for the commit on its own gateway peer only, other
// peers commit the block a moment later.
func (n *fabricNet) getEventually(t *testing.T, org, docType, id string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	var got map[string]any
	for end := time.Now().Add(10 * time.Second); ; {
		got = nil
		out, err := n.evaluateErr(org, "", "Get", docType, id)
		if err == nil && json.Unmarshal(out, &got) == nil && ok(got) {
			return got
		}
		if time.Now().After(end) {
			if err != nil {
				t.Errorf("Get %s %s through %s: %s", docType, id, org, errText(err))
			}
			return got
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func jsonArg(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// errText includes the peers' messages carried in the gRPC status details.
func errText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if strings.Contains(s, "Details:") {
		return s // fabric-gateway's TransactionError already lists them
	}
	var st interface{ GRPCStatus() *status.Status }
	if errors.As(err, &st) {
		for _, d := range st.GRPCStatus().Details() {
			if ed, ok := d.(*gwproto.ErrorDetail); ok {
				s += fmt.Sprintf(" [%s %s: %s]", ed.GetMspId(), ed.GetAddress(), ed.GetMessage())
			}
		}
	}
	return s
}
