package fabric_test

// This file is the test on a real Fabric network that puts the operator
// tool and this package together: a Tianjin recorder enrolled by the
// network scripts issues a certificate through gateway/fabric and
// gateway/client, metrotrace-ops audits that transaction and revokes the
// recorder, and the gateway's next submit as that recorder is refused while
// other users still write.
//
// It must not import network/ops (fabric-sdk-go, which cannot be linked
// with fabric-gateway; see cmd/linkage_test.go): it builds
// cmd/metrotrace-ops and runs it as a subprocess.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/client"
	"github.com/metrotrace/metrotrace/gateway/fabric"
	"github.com/metrotrace/metrotrace/gateway/ledger"
	"github.com/metrotrace/metrotrace/network"
)

// portBase is below the kernel's ephemeral range (32768-60999) and clear of
// the other network tests' ports (27000 network, 27500 conformance, 28000
// ops).
const portBase = "28500"

// audit is the part of "metrotrace-ops audit --json" the test checks.
type audit struct {
	TxID           string   `json:"tx_id"`
	Chaincode      string   `json:"chaincode"`
	BlockNumber    uint64   `json:"block_number"`
	ValidationCode string   `json:"validation_code"`
	Valid          bool     `json:"valid"`
	EndorsingOrgs  []string `json:"endorsing_orgs"`
	Creator        struct {
		MSPID      string            `json:"msp_id"`
		Subject    string            `json:"subject"`
		Attributes map[string]string `json:"attributes"`
	} `json:"creator"`
	BlockHash      string `json:"block_hash"`
	PreviousHash   string `json:"previous_hash"`
	DataHashOK     bool   `json:"data_hash_ok"`
	PreviousHashOK *bool  `json:"previous_hash_ok"`
}

// TestOpsThroughGateway is issue 6's "Show it" through metrotrace's own
// gateway backend: on a network brought up by scripts/network.sh up
// --deploy (ports from 28500, network dir in the test's temp dir, always
// taken down), it enrolls a recorder of a new Tianjin institution with
// scripts/network.sh enroll (so it lands in connection.json), opens
// gateway/fabric with that connection, has Tianjin's operator register the
// institution and the recorder register a working standard and an
// instrument and issue a certificate through gateway/client, audits the
// certificate's transaction with metrotrace-ops audit (block > 0, VALID,
// endorsed by TianjinMSP and another org, the creator's MSP and
// attributes), revokes the recorder with metrotrace-ops revoke and checks
// that its next submit through the gateway is refused while another user
// still writes; metrotrace-ops status then reports the network healthy with
// one raft leader, unhealthy (no raft leader) right after that leader is
// stopped by its recorded pid, and healthy again after the re-election.
//
//	METROTRACE_NETWORK_TESTS=1 go test ./gateway/fabric -run TestOpsThroughGateway -v -timeout 20m
func TestOpsThroughGateway(t *testing.T) {
	if os.Getenv("METROTRACE_NETWORK_TESTS") != "1" {
		t.Skip("real Fabric network test: set METROTRACE_NETWORK_TESTS=1 to run it")
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	netDir := filepath.Join(t.TempDir(), "net")
	env := append(os.Environ(), "METROTRACE_NETWORK_DIR="+netDir, "METROTRACE_PORT_BASE="+portBase)
	t.Cleanup(func() {
		if out, err := script(root, env, 2*time.Minute, "down"); err != nil {
			t.Errorf("network.sh down: %v\n%s", err, out)
		}
	})

	// The operator tool, built while the network comes up.
	bin := filepath.Join(t.TempDir(), "metrotrace-ops")
	built := make(chan error, 1)
	go func() {
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/metrotrace-ops")
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			err = errors.New(err.Error() + "\n" + string(out))
		}
		built <- err
	}()
	start := time.Now()
	if out, err := script(root, env, 20*time.Minute, "up", "--deploy"); err != nil {
		<-built
		t.Fatalf("network.sh up --deploy: %v\n%s", err, tail(out, 40))
	}
	t.Logf("network up with chaincode in %s", since(start))
	if err := <-built; err != nil {
		t.Fatalf("go build ./cmd/metrotrace-ops: %v", err)
	}

	// A recorder of a new Tianjin institution, through the network scripts:
	// registered with Tianjin's CA with the metrotrace.* attributes,
	// enrolled, added to connection.json.
	const inst, recName = "TJ-GW", "tj-gw-recorder"
	t0 := time.Now()
	out, err := script(root, env, 5*time.Minute, "enroll", "--msp", "TianjinMSP", "--institution", inst, "--role", "recorder")
	if err != nil || !strings.Contains(out, "enrolled TianjinMSP "+inst+" recorder as "+recName) {
		t.Fatalf("network.sh enroll: %v\n%s", err, out)
	}
	t.Logf("enrolled %s in %s", recName, since(t0))
	connFile := filepath.Join(netDir, network.DefaultConnectionFile)
	conn, err := network.LoadConnection(connFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range conn.Orderers {
		if o.OperationsEndpoint == "" {
			t.Errorf("orderer %s has no operations_endpoint in connection.json", o.Endpoint)
		}
	}

	opts := fabric.DefaultOptions
	opts.EventsOrg = "TianjinMSP"
	l, err := fabric.Open(conn, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c := client.New(l)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	operator, err := l.Identity("TianjinMSP", record.RoleOperator, "TJIM")
	if err != nil {
		t.Fatal(err)
	}
	recorder, err := l.Identity("TianjinMSP", record.RoleRecorder, inst)
	if err != nil {
		t.Fatal(err)
	}
	create := func(id *identity.Identity, docType string, v any) (*client.Written, error) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		w, err := c.Create(ctx, id, docType, b, nil)
		if err == nil {
			t.Logf("%s written in %s (tx %s, block %d)", docType, since(t0), w.Receipt.TxID, w.Receipt.BlockNumber)
		}
		return w, err
	}
	mustCreate := func(id *identity.Identity, docType string, v any) *client.Written {
		t.Helper()
		w, err := create(id, docType, v)
		if err != nil {
			t.Fatalf("create %s: %v", docType, err)
		}
		return w
	}

	// What the certificate needs: the institution (by Tianjin's operator),
	// its working standard and the instrument it calibrates (by the new
	// recorder).
	mustCreate(operator, "institution", &record.Institution{ID: inst, Name: "Gateway test laboratory", Region: "TJ", MSPID: "TianjinMSP", Kind: "enterprise"})
	mustCreate(recorder, "standard", &record.Standard{ID: "TJ-GW-WS", InstitutionID: inst, Name: "F1 working weights", Level: record.LevelWorking,
		Quantity: "mass", Range: record.Range{Min: 1, Max: 1000, Unit: "g"}, Uncertainty: scenario.U(1.5, "mg")})
	mustCreate(recorder, "instrument", &record.Instrument{ID: "TJ-GW-BAL", InstitutionID: inst, Type: "electronic balance", Manufacturer: "Mettler Toledo",
		Model: "XPR1203S", Serial: "B000001", Quantity: "mass", Range: record.Range{Min: 0, Max: 1.2, Unit: "kg"}, MPE: record.Value{Value: 0.01, Unit: "g"}})
	cert := func(id string) *record.Certificate {
		return &record.Certificate{ID: id, Kind: record.KindVerification, IssuerID: inst, SubjectID: "TJ-GW-BAL", ReferenceIDs: []string{"TJ-GW-WS"},
			Quantity: "mass", PerformedOn: "2024-05-10", ValidUntil: "2025-05-09", Method: "JJG 1036-2022", Conformity: "pass",
			Results: []record.Result{{Value: 1000.002, Unit: "g"}}}
	}
	issued := mustCreate(recorder, "certificate", cert("TJ-GW-2024-0001"))
	txID := issued.Receipt.TxID

	// The proof behind the certificate, from the operator tool.
	t0 = time.Now()
	code, aout := runOps(bin, "audit", "--connection", connFile, "--json", txID)
	t.Logf("metrotrace-ops audit in %s", since(t0))
	if code != 0 {
		t.Fatalf("metrotrace-ops audit %s: exit %d\n%s", txID, code, aout)
	}
	var a audit
	if err := json.NewDecoder(strings.NewReader(aout)).Decode(&a); err != nil {
		t.Fatalf("decode audit: %v\n%s", err, aout)
	}
	t.Logf("audit: block %d %s endorsed by %v, creator %s %s %v", a.BlockNumber, a.ValidationCode, a.EndorsingOrgs, a.Creator.MSPID, a.Creator.Subject, a.Creator.Attributes)
	if a.TxID != txID || a.BlockNumber == 0 || a.BlockNumber != issued.Receipt.BlockNumber || a.ValidationCode != "VALID" || !a.Valid ||
		a.Chaincode != conn.Chaincode || !a.DataHashOK || a.PreviousHashOK == nil || !*a.PreviousHashOK || a.BlockHash == "" || a.PreviousHash == "" {
		t.Errorf("audit of the certificate (block %d from the gateway): %+v", issued.Receipt.BlockNumber, a)
	}
	if !slices.Contains(a.EndorsingOrgs, "TianjinMSP") || len(a.EndorsingOrgs) < 2 {
		t.Errorf("endorsing orgs %v, want TianjinMSP and another", a.EndorsingOrgs)
	}
	if a.Creator.MSPID != "TianjinMSP" || a.Creator.Subject != recName ||
		a.Creator.Attributes[record.AttrInstitution] != inst || a.Creator.Attributes[record.AttrRole] != record.RoleRecorder {
		t.Errorf("creator %+v, want %s of TianjinMSP with %s=%s, %s=recorder", a.Creator, recName, record.AttrInstitution, inst, record.AttrRole)
	}

	// Revoke the recorder: at Tianjin's CA, then Tianjin's CRL into the
	// channel configuration.
	t0 = time.Now()
	code, vout := runOps(bin, "revoke", "--connection", connFile, "--org", "TianjinMSP", "--name", recName, "--reason", "keycompromise")
	t.Logf("metrotrace-ops revoke in %s:\n%s", since(t0), vout)
	if code != 0 || !strings.Contains(vout, "revoked "+recName+" of TianjinMSP at ca-tianjin: 1 certificate(s)") || !strings.Contains(vout, "config sequence") {
		t.Fatalf("metrotrace-ops revoke: exit %d\n%s", code, vout)
	}

	// Its next submit through the gateway is refused by the peers (not by
	// the chaincode), and writes nothing.
	t0 = time.Now()
	_, err = create(recorder, "certificate", cert("TJ-GW-2024-0002"))
	t.Logf("submit as the revoked recorder refused in %s: %v", since(t0), err)
	var le *ledger.Error
	var re *record.Error
	switch {
	case err == nil:
		t.Fatal("the revoked recorder's submit through the gateway succeeded")
	case errors.As(err, &re):
		t.Errorf("refused by the chaincode, want the peers' access control: %v", err)
	case !errors.As(err, &le) || le.Phase != ledger.PhaseEndorse || !strings.Contains(err.Error(), "access denied: channel [metrology] creator org [TianjinMSP]"):
		t.Errorf("submit as the revoked recorder: %v (%T), want an endorse error with access denied", err, err)
	}
	if _, err := c.Get(ctx, operator, "certificate", "TJ-GW-2024-0002"); err == nil {
		t.Error("the refused certificate is on the ledger")
	}
	if got, err := c.Get(ctx, operator, "certificate", "TJ-GW-2024-0001"); err != nil || !strings.Contains(string(got), `"issuer_id":"TJ-GW"`) {
		t.Errorf("the certificate issued before the revocation: %v %s", err, got)
	}
	// Other users still write, through the same gateway.
	if _, err := create(operator, "institution", &record.Institution{ID: "TJ-GW2", Name: "Second gateway test laboratory", Region: "TJ", MSPID: "TianjinMSP", Kind: "enterprise"}); err != nil {
		t.Errorf("submit as tjim-operator after the revocation: %v", err)
	}

	// The network as the operator tool sees it: healthy, one raft leader.
	t0 = time.Now()
	code, sout := runOps(bin, "status", "--connection", connFile)
	t.Logf("metrotrace-ops status in %s:\n%s", since(t0), sout)
	if code != 0 || strings.Count(sout, ", raft leader") != 1 || strings.Count(sout, ", raft follower") != 2 {
		t.Errorf("metrotrace-ops status: exit %d, want 0 with one raft leader and two followers", code)
	}

	// Stop the raft leader by the pid the script recorded: until the other
	// two elect a new one (5-10 s: ElectionTick 10 x TickInterval 500 ms)
	// status finds no leader and exits 1; then it is healthy again with the
	// stopped orderer reported, and the gateway writes.
	leader := -1
	for i, o := range orderersOf(t, bin, connFile) {
		if o.RaftRole == "leader" {
			leader = i
		}
	}
	if leader < 0 {
		t.Fatal("status --json names no raft leader")
	}
	pidText, err := os.ReadFile(filepath.Join(netDir, "pids", fmt.Sprintf("orderer%d.pid", leader)))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(pidText)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill orderer%d (pid %d): %v", leader, pid, err)
	}
	stopped := time.Now()
	for i := 0; i < 50 && syscall.Kill(pid, 0) == nil; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	code, sout = runOps(bin, "status", "--connection", connFile, "--no-chaincode")
	t.Logf("metrotrace-ops status %s after stopping the leader orderer%d:\n%s", since(stopped), leader, sout)
	if code != 1 || !strings.Contains(sout, "PROBLEM: no raft leader among the orderers") {
		t.Errorf("status with the raft leader stopped: exit %d, want 1 and no raft leader", code)
	}
	for {
		code, sout = runOps(bin, "status", "--connection", connFile, "--no-chaincode")
		if code == 0 {
			break
		}
		if time.Since(stopped) > time.Minute {
			t.Fatalf("no new raft leader a minute after stopping orderer%d: exit %d\n%s", leader, code, sout)
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("new raft leader %s after stopping the old one:\n%s", since(stopped), sout)
	if strings.Count(sout, ", raft leader") != 1 || !strings.Contains(sout, "UNREACHABLE") {
		t.Errorf("status after the re-election: want one leader and the stopped orderer unreachable")
	}
	if _, err := create(operator, "institution", &record.Institution{ID: "TJ-GW3", Name: "Third gateway test laboratory", Region: "TJ", MSPID: "TianjinMSP", Kind: "enterprise"}); err != nil {
		t.Errorf("submit with one orderer stopped: %v", err)
	}
}

// ordererStatus is the part of "metrotrace-ops status --json" per orderer
// the test reads.
type ordererStatus struct {
	Name     string `json:"name"`
	RaftRole string `json:"raft_role"`
}

func orderersOf(t *testing.T, bin, connFile string) []ordererStatus {
	t.Helper()
	code, out := runOps(bin, "status", "--connection", connFile, "--json", "--no-chaincode")
	var rep struct {
		Orderers []ordererStatus `json:"orderers"`
	}
	if err := json.NewDecoder(strings.NewReader(out)).Decode(&rep); err != nil || code != 0 {
		t.Fatalf("metrotrace-ops status --json: exit %d, %v\n%s", code, err, out)
	}
	return rep.Orderers
}

func script(root string, env []string, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(root, "scripts", "network.sh")}, args...)...)
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// runOps runs the metrotrace-ops binary and returns its exit code and
// output (stdout, then stderr).
func runOps(bin string, args ...string) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := stdout.String() + stderr.String()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), out
	case err != nil:
		return -1, err.Error() + "\n" + out
	}
	return 0, out
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
