package ops

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/network"
)

// TestOpsIntegration brings its own real Fabric network up with
// scripts/network.sh up --deploy (ports from METROTRACE_OPS_PORT_BASE,
// default 47000, network dir under the temp dir), submits one transaction
// with the peer CLI as Tianjin's operator (no fabric-gateway in this test
// binary: it links fabric-sdk-go), audits it, checks that status sees every
// peer in step and one orderer as raft leader, two as followers (from
// their operations endpoints), registers and enrolls a Tianjin recorder, writes as it,
// revokes it (CA, then the CRL into the channel configuration) and checks
// the peers refuse its next submit while other users still write, upgrades
// the chaincode with metrotrace-ops deploy (sequence + 1, state kept), stops Hebei's peer by the pid the script recorded and checks
// that status (library and binary) reports it with a non-zero exit. The
// network is always taken down.
//
//	METROTRACE_NETWORK_TESTS=1 go test ./network/ops -run TestOpsIntegration -v -timeout 20m
func TestOpsIntegration(t *testing.T) {
	if os.Getenv("METROTRACE_NETWORK_TESTS") != "1" {
		t.Skip("real Fabric network test: set METROTRACE_NETWORK_TESTS=1 to run it")
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	base := 47000
	if s := os.Getenv("METROTRACE_OPS_PORT_BASE"); s != "" {
		var err error
		if base, err = strconv.Atoi(s); err != nil {
			t.Fatalf("METROTRACE_OPS_PORT_BASE: %v", err)
		}
	}
	tmp, err := os.MkdirTemp("", "metrotrace-ops-it-")
	if err != nil {
		t.Fatal(err)
	}
	netDir := filepath.Join(tmp, "net")
	var env []string
	down := func() {
		if env == nil {
			return
		}
		out, err := runScript(root, env, 2*time.Minute, "down")
		if err != nil {
			t.Errorf("network.sh down: %v\n%s", err, out)
		}
	}
	t.Cleanup(func() {
		down()
		_ = os.RemoveAll(tmp)
	})

	// Ports in the kernel's ephemeral range (32768-60999) can be held for a
	// minute by a client socket in TIME_WAIT: on "address already in use"
	// the test tries the next block of ports once.
	start := time.Now()
	for attempt := 0; ; attempt++ {
		env = append(os.Environ(), "METROTRACE_NETWORK_DIR="+netDir, "METROTRACE_PORT_BASE="+strconv.Itoa(base+100*attempt))
		out, err := runScript(root, env, 20*time.Minute, "up", "--deploy")
		if err == nil {
			break
		}
		if attempt == 0 && strings.Contains(out, "address already in use") {
			t.Logf("port clash at base %d, retrying at %d", base, base+100)
			down()
			continue
		}
		t.Fatalf("network.sh up --deploy: %v\n%s", err, tail(out, 40))
	}
	t.Logf("network up with chaincode in %s", time.Since(start).Round(100*time.Millisecond))

	connFile := filepath.Join(netDir, network.DefaultConnectionFile)
	conn, err := network.LoadConnection(connFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// One transaction through the peer CLI, as tjim-operator (carries the
	// metrotrace.* attributes), endorsed by Tianjin and Beijing.
	tj, _ := conn.Org("TianjinMSP")
	bj, _ := conn.Org("BeijingMSP")
	operator, err := tj.UserFor(record.RoleOperator, "TJIM")
	if err != nil {
		t.Fatal(err)
	}
	cliEnv := peerEnv(t, root, env, "tianjin")
	cliEnv = append(cliEnv, "CORE_PEER_MSPCONFIGPATH="+operator.MSPDir)
	inst := `{"id":"TJ-OPS-IT","name":"Ops integration lab","region":"TJ","msp_id":"TianjinMSP","kind":"enterprise"}`
	args, _ := jsonArgs("RegisterInstitution", inst)
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, peerBin(cliEnv), "chaincode", "invoke",
		"-o", conn.Orderers[0].Endpoint, "--tls", "--cafile", conn.Orderers[0].TLSCACert,
		"-C", conn.Channel, "-n", conn.Chaincode,
		"--peerAddresses", tj.PeerEndpoint, "--tlsRootCertFiles", tj.PeerTLSCACert,
		"--peerAddresses", bj.PeerEndpoint, "--tlsRootCertFiles", bj.PeerTLSCACert,
		"-c", args, "--waitForEvent")
	cmd.Env = cliEnv
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("peer chaincode invoke: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`txid \[([0-9a-f]{64})\] committed with status \(VALID\)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no committed VALID txid in the peer CLI output:\n%s", out)
	}
	txID := string(m[1])
	t.Logf("submitted %s in %s", txID, time.Since(t0).Round(time.Millisecond))

	cl, err := Open(conn, Options{Org: "TianjinMSP"})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()

	t0 = time.Now()
	a, err := cl.Audit(ctx, txID, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("audit in %s: block %d %s endorsed by %v, creator %+v", time.Since(t0).Round(time.Millisecond), a.BlockNumber, a.ValidationCode, a.EndorsingOrgs, a.Creator)
	if a.BlockNumber == 0 || a.ValidationCode != "VALID" || !a.OK() || !a.DataHashOK || a.PreviousHashOK == nil || !*a.PreviousHashOK {
		t.Errorf("audit: %+v", a)
	}
	if !slices.Contains(a.EndorsingOrgs, "TianjinMSP") || len(a.EndorsingOrgs) < 2 {
		t.Errorf("endorsing orgs %v, want TianjinMSP and another", a.EndorsingOrgs)
	}
	if a.Creator.MSPID != "TianjinMSP" || a.Creator.Attributes["metrotrace.institution"] != "TJIM" || a.Creator.Attributes["metrotrace.role"] != "operator" {
		t.Errorf("creator %+v", a.Creator)
	}
	// The same proof through another org's peer.
	if b, err := cl.Audit(ctx, txID, "HebeiMSP"); err != nil || b.BlockHash != a.BlockHash || !b.OK() {
		t.Errorf("audit through Hebei's peer: %v %+v", err, b)
	}
	// The record's history leads to the same transaction.
	vs, err := cl.RecordHistory(ctx, "institution", "TJ-OPS-IT", "")
	if err != nil || len(vs) != 1 || vs[0].TxID != txID {
		t.Errorf("history: %v %+v", err, vs)
	}

	// Register and enroll a recorder of the new institution through the
	// sdk's CA client, then write with it and audit that write.
	if _, err := cl.Register("TianjinMSP", UserRequest{Institution: "TJ-OPS-IT", Role: "admin"}); err == nil {
		t.Error("role admin was registered")
	}
	if err := cl.InstitutionExists(ctx, "TJ-NOWHERE", "TianjinMSP"); err == nil || !strings.Contains(err.Error(), "not on the ledger") {
		t.Errorf("unknown institution: %v", err)
	}
	if err := cl.InstitutionExists(ctx, "TJ-OPS-IT", "HebeiMSP"); err == nil || !strings.Contains(err.Error(), "belongs to TianjinMSP") {
		t.Errorf("institution of another org: %v", err)
	}
	if err := cl.InstitutionExists(ctx, "TJ-OPS-IT", "TianjinMSP"); err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	secret, err := cl.Register("TianjinMSP", UserRequest{Institution: "TJ-OPS-IT", Role: record.RoleRecorder})
	if err != nil {
		t.Fatal(err)
	}
	recDir := filepath.Join(tmp, "tj-ops-it-recorder", "msp")
	rec, err := cl.Enroll("TianjinMSP", "tj-ops-it-recorder", secret, recDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("registered and enrolled %+v in %s", rec, time.Since(t0).Round(time.Millisecond))
	if rec.Institution != "TJ-OPS-IT" || rec.Role != record.RoleRecorder || rec.MSPID != "TianjinMSP" {
		t.Errorf("enrolled %+v", rec)
	}
	capJSON := `{"id":"CMC-OPS-IT","institution_id":"TJ-OPS-IT","quantity":"mass","range":{"min":0,"max":1,"unit":"kg"},"uncertainty":{"value":0.001,"unit":"g","k":2},"method":"JJG 99-2022","valid_until":"2030-01-01"}`
	args, _ = jsonArgs("RegisterCapability", capJSON)
	recEnv := append(peerEnv(t, root, env, "tianjin"), "CORE_PEER_MSPCONFIGPATH="+rec.MSPDir)
	cmd = exec.CommandContext(ctx, peerBin(recEnv), "chaincode", "invoke",
		"-o", conn.Orderers[1].Endpoint, "--tls", "--cafile", conn.Orderers[1].TLSCACert,
		"-C", conn.Channel, "-n", conn.Chaincode,
		"--peerAddresses", tj.PeerEndpoint, "--tlsRootCertFiles", tj.PeerTLSCACert,
		"--peerAddresses", bj.PeerEndpoint, "--tlsRootCertFiles", bj.PeerTLSCACert,
		"-c", args, "--waitForEvent")
	cmd.Env = recEnv
	if out, err = cmd.CombinedOutput(); err != nil {
		t.Fatalf("invoke as the new recorder: %v\n%s", err, out)
	}
	m = regexp.MustCompile(`txid \[([0-9a-f]{64})\] committed with status \(VALID\)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no committed VALID txid:\n%s", out)
	}
	if a2, err := cl.Audit(ctx, string(m[1]), "BeijingMSP"); err != nil || !a2.OK() ||
		a2.Creator.Attributes["metrotrace.institution"] != "TJ-OPS-IT" || a2.Creator.Attributes["metrotrace.role"] != "recorder" ||
		a2.Creator.Subject != "tj-ops-it-recorder" || a2.BlockNumber != a.BlockNumber+1 {
		t.Errorf("audit of the recorder's write: %v %+v", err, a2)
	}

	t0 = time.Now()
	rep, err := cl.Status(ctx, StatusOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("status in %s: healthy=%v max height %d problems %v", time.Since(t0).Round(time.Millisecond), rep.Healthy, rep.MaxHeight, rep.Problems)
	if !rep.Healthy || len(rep.Peers) != 3 || rep.MaxHeight != a.BlockNumber+2 {
		t.Errorf("status of a healthy network: %+v", rep)
	}
	for _, p := range rep.Peers {
		if !p.Reachable || !p.InStep {
			t.Errorf("peer %s: %+v", p.Name, p)
		}
	}
	if cc := rep.Chaincode; cc == nil || cc.Sequence < 1 || len(cc.Approvals) != 3 || cc.Error != "" {
		t.Errorf("chaincode: %+v", rep.Chaincode)
	}
	// Raft roles from the orderers' operations endpoints (connection.json's
	// operations_endpoint): one leader, two followers, a cluster of 3.
	roles := map[string]int{}
	for _, o := range rep.Orderers {
		roles[o.RaftRole]++
		if !o.Reachable || o.Operations == "" || o.RaftError != "" || o.ClusterSize != 3 {
			t.Errorf("orderer %s: %+v", o.Name, o)
		}
	}
	if len(rep.Orderers) != 3 || roles[RaftLeader] != 1 || roles[RaftFollower] != 2 {
		t.Errorf("raft roles %v, want 1 leader and 2 followers: %+v", roles, rep.Orderers)
	}

	bin := filepath.Join(tmp, "metrotrace-ops")
	if out, err := goCmd(root, "build", "-o", bin, "./cmd/metrotrace-ops"); err != nil {
		t.Fatalf("go build ./cmd/metrotrace-ops: %v\n%s", err, out)
	}
	if code, out := runOps(bin, "status", "--connection", connFile); code != 0 || !strings.Contains(out, "healthy") ||
		strings.Count(out, ", raft leader") != 1 || strings.Count(out, ", raft follower") != 2 {
		t.Errorf("metrotrace-ops status on a healthy network: exit %d, want one raft leader and two followers\n%s", code, out)
	}
	if code, out := runOps(bin, "audit", "--connection", connFile, "--org", "beijing", txID); code != 0 || !strings.Contains(out, "VALID") {
		t.Errorf("metrotrace-ops audit: exit %d\n%s", code, out)
	}

	// register and enroll through the binary.
	if code, out := runOps(bin, "register", "--connection", connFile, "--msp", "tianjin", "--institution", "TJ-NOWHERE", "--role", "inspector"); code != 1 || !strings.Contains(out, "not on the ledger") {
		t.Errorf("register for an unknown institution: exit %d\n%s", code, out)
	}
	code, rout := runOps(bin, "register", "--connection", connFile, "--msp", "tianjin", "--institution", "TJ-OPS-IT", "--role", "inspector", "--secret", "insp-pw")
	if code != 0 || !strings.Contains(rout, "as tj-ops-it-inspector") {
		t.Errorf("metrotrace-ops register: exit %d\n%s", code, rout)
	}
	code, eout := runOps(bin, "enroll", "--connection", connFile, "--msp", "TianjinMSP", "--name", "tj-ops-it-inspector", "--secret", "insp-pw")
	wantDir := filepath.Join(netDir, "orgs", "tianjin", "users", "tj-ops-it-inspector", "msp")
	if code != 0 || !strings.Contains(eout, "TianjinMSP TJ-OPS-IT inspector as tj-ops-it-inspector: "+wantDir) {
		t.Errorf("metrotrace-ops enroll: exit %d\n%s", code, eout)
	}
	for _, f := range []string{"signcerts/cert.pem", "cacerts/ca.pem", "tlscacerts/ca.pem", "config.yaml"} {
		if _, err := os.Stat(filepath.Join(wantDir, f)); err != nil {
			t.Error(err)
		}
	}

	// Revoke the new recorder: at Tianjin's CA, then Tianjin's CRL into the
	// channel configuration; its next submit is refused by the peers, while
	// other users keep working.
	invoke := func(mspDir string, fn string, fargs ...string) (string, error) {
		a, _ := jsonArgs(fn, fargs...)
		e := append(peerEnv(t, root, env, "tianjin"), "CORE_PEER_MSPCONFIGPATH="+mspDir)
		cmd := exec.CommandContext(ctx, peerBin(e), "chaincode", "invoke",
			"-o", conn.Orderers[2].Endpoint, "--tls", "--cafile", conn.Orderers[2].TLSCACert,
			"-C", conn.Channel, "-n", conn.Chaincode,
			"--peerAddresses", tj.PeerEndpoint, "--tlsRootCertFiles", tj.PeerTLSCACert,
			"--peerAddresses", bj.PeerEndpoint, "--tlsRootCertFiles", bj.PeerTLSCACert,
			"-c", a, "--waitForEvent")
		cmd.Env = e
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	t0 = time.Now()
	code, vout := runOps(bin, "revoke", "--connection", connFile, "--org", "TianjinMSP", "--name", "tj-ops-it-recorder", "--reason", "keycompromise")
	t.Logf("metrotrace-ops revoke in %s:\n%s", time.Since(t0).Round(time.Millisecond), vout)
	if code != 0 || !strings.Contains(vout, "revoked tj-ops-it-recorder of TianjinMSP at ca-tianjin: 1 certificate(s)") ||
		!strings.Contains(vout, "CRL of TianjinMSP: 1 revoked certificate(s)") || !strings.Contains(vout, "signed by tianjinadmin@TianjinMSP, ") ||
		!regexp.MustCompile(`config sequence (\d+) -> (\d+) in block \d+, seen by peer0\.beijing\.metrotrace\.local, peer0\.hebei\.metrotrace\.local, peer0\.tianjin\.metrotrace\.local`).MatchString(vout) {
		t.Fatalf("metrotrace-ops revoke: exit %d\n%s", code, vout)
	}
	out2, err := invoke(rec.MSPDir, "RegisterCapability", strings.Replace(capJSON, "CMC-OPS-IT", "CMC-OPS-IT2", 1))
	if err == nil || !strings.Contains(out2, "access denied: channel [metrology] creator org [TianjinMSP]") {
		t.Errorf("submit as the revoked recorder: err %v, want access denied\n%s", err, out2)
	}
	if log, err := os.ReadFile(filepath.Join(netDir, "logs", "peer-tianjin.log")); err != nil || !strings.Contains(string(log), "The certificate has been revoked") {
		t.Errorf("Tianjin's peer log does not say the certificate was revoked (%v)", err)
	}
	if out2, err := invoke(operator.MSPDir, "RegisterInstitution", strings.Replace(inst, "TJ-OPS-IT", "TJ-OPS-IT2", 1)); err != nil || !strings.Contains(out2, "committed with status (VALID)") {
		t.Errorf("submit as tjim-operator after the revocation: %v\n%s", err, out2)
	}
	// Revoking again is refused by the CA and changes nothing.
	if code, out := runOps(bin, "revoke", "--connection", connFile, "--org", "TianjinMSP", "--name", "tj-ops-it-recorder"); code != 1 {
		t.Errorf("second revoke: exit %d\n%s", code, out)
	}
	if code, out := runOps(bin, "revoke", "--connection", connFile, "--org", "TianjinMSP", "--name", "tianjinadmin"); code != 1 || !strings.Contains(out, "not an institution user") {
		t.Errorf("revoke of the org admin: exit %d\n%s", code, out)
	}

	// Upgrade the chaincode through the sdk lifecycle (same ccaas package,
	// so the running servers keep serving): sequence + 1, state kept.
	before, err := cl.Status(ctx, StatusOptions{})
	if err != nil || before.Chaincode == nil || before.Chaincode.Sequence < 1 {
		t.Fatalf("status before deploy: %v %+v", err, before)
	}
	seq := before.Chaincode.Sequence
	pkgFile := filepath.Join(netDir, "chaincode", fmt.Sprintf("metrotrace_%d.tar.gz", seq))
	t0 = time.Now()
	code, dout := runOps(bin, "deploy", "--connection", connFile, "--package", pkgFile)
	t.Logf("metrotrace-ops deploy in %s:\n%s", time.Since(t0).Round(time.Millisecond), dout)
	if code != 0 || !strings.Contains(dout, fmt.Sprintf("sequence %d (committed before: %d) for BeijingMSP, TianjinMSP, HebeiMSP", seq+1, seq)) ||
		strings.Count(dout, "already installed on") != 3 || !strings.Contains(dout, "approvals BeijingMSP=true HebeiMSP=true TianjinMSP=true") {
		t.Fatalf("metrotrace-ops deploy: exit %d\n%s", code, dout)
	}
	if code, out := runOps(bin, "deploy", "--connection", connFile, "--package", pkgFile, "--sequence", fmt.Sprint(seq+1)); code != 1 || !strings.Contains(out, "is committed: the next is") {
		t.Errorf("deploy of an already committed sequence: exit %d\n%s", code, out)
	}
	after, err := cl.Status(ctx, StatusOptions{})
	if err != nil || !after.Healthy || after.Chaincode == nil || after.Chaincode.Sequence != seq+1 || after.Chaincode.Version != fmt.Sprint(seq+1) {
		t.Errorf("status after deploy: %v %+v %+v", err, after, after.Chaincode)
	}
	qEnv := peerEnv(t, root, env, "hebei")
	qcmd := exec.CommandContext(ctx, peerBin(qEnv), "chaincode", "query", "-C", conn.Channel, "-n", conn.Chaincode, "-c", `{"Args":["Get","institution","TJ-OPS-IT"]}`)
	qcmd.Env = qEnv
	if qout, err := qcmd.CombinedOutput(); err != nil || !strings.Contains(string(qout), "Ops integration lab") {
		t.Errorf("record written before the upgrade, read after it: %v\n%s", err, qout)
	}
	if out2, err := invoke(operator.MSPDir, "RegisterInstitution", strings.Replace(inst, "TJ-OPS-IT", "TJ-OPS-IT3", 1)); err != nil || !strings.Contains(out2, "committed with status (VALID)") {
		t.Errorf("submit after the upgrade: %v\n%s", err, out2)
	}
	// scripts/network.sh deploy: a new package (new label), the servers
	// restarted with it, the lifecycle through metrotrace-ops.
	t0 = time.Now()
	if out, err := runScript(root, env, 10*time.Minute, "deploy"); err != nil ||
		!strings.Contains(out, fmt.Sprintf("chaincode metrotrace sequence %d committed", seq+2)) || !strings.Contains(out, "lifecycle via metrotrace-ops") {
		t.Fatalf("network.sh deploy: %v\n%s", err, tail(out, 30))
	}
	t.Logf("network.sh deploy (sequence %d) in %s", seq+2, time.Since(t0).Round(time.Millisecond))
	qcmd = exec.CommandContext(ctx, peerBin(qEnv), "chaincode", "query", "-C", conn.Channel, "-n", conn.Chaincode, "-c", `{"Args":["Get","institution","TJ-OPS-IT3"]}`)
	qcmd.Env = qEnv
	if qout, err := qcmd.CombinedOutput(); err != nil || !strings.Contains(string(qout), "Ops integration lab") {
		t.Errorf("record written before network.sh deploy, read after it: %v\n%s", err, qout)
	}
	if out2, err := invoke(operator.MSPDir, "RegisterInstitution", strings.Replace(inst, "TJ-OPS-IT", "TJ-OPS-IT4", 1)); err != nil || !strings.Contains(out2, "committed with status (VALID)") {
		t.Errorf("submit after network.sh deploy: %v\n%s", err, out2)
	}

	// Another chaincode next to metrotrace, each org with its own package
	// (naming its own server): network.sh deploy --name runs the lifecycle
	// through metrotrace-ops deploy --package-for.
	t0 = time.Now()
	if out, err := runScript(root, env, 10*time.Minute, "deploy", "--name", "benchput", "--path", "network/benchcc"); err != nil ||
		!strings.Contains(out, "chaincode benchput sequence 1 committed") || !strings.Contains(out, `approvals: {"BeijingMSP":true,"HebeiMSP":true,"TianjinMSP":true}`) {
		t.Fatalf("network.sh deploy --name benchput: %v\n%s", err, tail(out, 30))
	}
	t.Logf("network.sh deploy --name benchput in %s", time.Since(t0).Round(time.Millisecond))
	denv, err := os.ReadFile(filepath.Join(netDir, "chaincode", "benchput", "deployed.env"))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, org := range []string{"BEIJING", "TIANJIN", "HEBEI"} {
		_, rest, ok := strings.Cut(string(denv), "PACKAGE_ID_"+org+"=benchput_1:")
		if !ok || len(rest) < 64 {
			t.Fatalf("deployed.env has no package id of %s:\n%s", org, denv)
		}
		ids[rest[:64]] = true
	}
	if len(ids) != 3 {
		t.Errorf("the three orgs' benchput packages should differ (each names its own server):\n%s", denv)
	}
	put := exec.CommandContext(ctx, peerBin(qEnv), "chaincode", "invoke",
		"-o", conn.Orderers[0].Endpoint, "--tls", "--cafile", conn.Orderers[0].TLSCACert, "-C", conn.Channel, "-n", "benchput",
		"--peerAddresses", tj.PeerEndpoint, "--tlsRootCertFiles", tj.PeerTLSCACert,
		"--peerAddresses", bj.PeerEndpoint, "--tlsRootCertFiles", bj.PeerTLSCACert,
		"-c", `{"Args":["Put","ops-it","per-org packages"]}`, "--waitForEvent")
	put.Env = qEnv
	if out, err := put.CombinedOutput(); err != nil || !strings.Contains(string(out), "committed with status (VALID)") {
		t.Errorf("benchput Put: %v\n%s", err, out)
	}
	get := exec.CommandContext(ctx, peerBin(qEnv), "chaincode", "query", "-C", conn.Channel, "-n", "benchput", "-c", `{"Args":["Get","ops-it"]}`)
	get.Env = qEnv
	if out, err := get.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "per-org packages" {
		t.Errorf("benchput Get on Hebei's peer: %v\n%s", err, out)
	}
	// Every MSP the script enrolled has the one layout ops.WriteMSPLayout writes.
	for _, dir := range []string{filepath.Join(netDir, "orgs", "tianjin", "msp"), filepath.Join(netDir, "peers", "hebei", "msp"),
		filepath.Join(netDir, "orgs", "beijing", "users", "bjim-recorder", "msp")} {
		ents, err := os.ReadDir(filepath.Join(dir, "cacerts"))
		if err != nil || len(ents) != 1 || ents[0].Name() != "ca.pem" {
			t.Errorf("%s/cacerts: %v %v", dir, ents, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "intermediatecerts")); !os.IsNotExist(err) {
			t.Errorf("%s has intermediatecerts: %v", dir, err)
		}
		if b, err := os.ReadFile(filepath.Join(dir, "config.yaml")); err != nil || !strings.HasPrefix(string(b), "NodeOUs:\n  Enable: true\n") {
			t.Errorf("%s/config.yaml: %v %q", dir, err, b)
		}
	}

	// Stop Hebei's peer by the pid the script recorded.
	pidText, err := os.ReadFile(filepath.Join(netDir, "pids", "peer-hebei.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(pidText)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill peer-hebei (pid %d): %v", pid, err)
	}
	for i := 0; i < 50 && syscall.Kill(pid, 0) == nil; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	sout := ""
	code, sout = runOps(bin, "status", "--connection", connFile)
	if code != 1 || !strings.Contains(sout, "peer0.hebei.metrotrace.local") || !strings.Contains(sout, "UNREACHABLE") {
		t.Errorf("metrotrace-ops status with Hebei's peer stopped: exit %d, want 1\n%s", code, sout)
	}
	// As Hebei (whose own peer is down) the others are still read.
	rep, err = cl.Status(ctx, StatusOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Healthy {
		t.Errorf("status with a stopped peer is healthy: %+v", rep)
	}
	code, sout = runOps(bin, "status", "--connection", connFile, "--org", "HebeiMSP", "--json")
	if code != 1 || !strings.Contains(sout, `"fallback_identity"`) || strings.Count(sout, `"in_step": true`) != 2 {
		t.Errorf("status as Hebei with its peer stopped: exit %d\n%s", code, sout)
	}
}

func runScript(root string, env []string, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", "network.sh"), args...)
	cmd.Dir = root
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// peerEnv is the environment of the peer CLI as org's admin, from
// "scripts/network.sh env ORG".
func peerEnv(t *testing.T, root string, env []string, org string) []string {
	t.Helper()
	out, err := runScript(root, env, time.Minute, "env", org)
	if err != nil {
		t.Fatalf("network.sh env %s: %v\n%s", org, err, out)
	}
	res := slices.Clone(env)
	re := regexp.MustCompile(`([A-Z_]+)=("[^"]*"|\S+)`)
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "export ") {
			continue
		}
		for _, m := range re.FindAllStringSubmatch(strings.TrimPrefix(line, "export "), -1) {
			v := strings.Trim(m[2], `"`)
			v = strings.ReplaceAll(v, "$PATH", os.Getenv("PATH"))
			res = append(res, m[1]+"="+v)
		}
	}
	return res
}

// peerBin is the peer binary in the first PATH directory of env that has one.
func peerBin(env []string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if p, ok := strings.CutPrefix(env[i], "PATH="); ok {
			for _, d := range filepath.SplitList(p) {
				if st, err := os.Stat(filepath.Join(d, "peer")); err == nil && !st.IsDir() {
					return filepath.Join(d, "peer")
				}
			}
			break
		}
	}
	return "peer"
}

// jsonArgs renders a chaincode invocation for the peer CLI's -c flag.
func jsonArgs(fn string, args ...string) (string, error) {
	parts := []string{strconv.Quote(fn)}
	for _, a := range args {
		parts = append(parts, strconv.Quote(a))
	}
	return fmt.Sprintf(`{"Args":[%s]}`, strings.Join(parts, ",")), nil
}

func goCmd(root string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// runOps runs the metrotrace-ops binary and returns its exit code and
// combined output.
func runOps(bin string, args ...string) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	}
	if err != nil {
		return -1, err.Error() + "\n" + string(out)
	}
	return 0, string(out)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
