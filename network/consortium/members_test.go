package consortium

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMemberJoins: a fourth organization (XionganMSP) brings up its own
// CA, peer and orderer while the network serves; Beijing proposes the
// channel update as one file, a majority of the admins sign it, each with
// its own key (one signature is refused); Xiongan's orderer becomes a
// consenter and its peer joins; the chaincode's next sequence needs 3 of 4
// approvals; Xiongan's institution writes through Xiongan's own gateway and
// Beijing's gateway reads it. Then Xiongan is removed (3 of 4 signatures):
// its records stay readable, its new writes are refused.
func TestMemberJoins(t *testing.T) {
	networkTestsOn(t)
	start := time.Now()
	c := newConsortium(t, "beijing", "tianjin", "hebei")
	c.up()
	bj, tj, hb := c.party("beijing"), c.party("tianjin"), c.party("hebei")
	c.startGateway(bj)
	before := c.configInfo(bj)
	t.Logf("channel config before: %+v", before)

	// The newcomer, on its own machine: its own CA, orderer, peer.
	xa := c.newParty("xiongan")
	c.parties = append(c.parties, xa)
	c.initParties([]*party{xa})

	// One update file travels: Beijing writes it from Xiongan's definition.
	upd := filepath.Join(c.public, "add-xiongan.pb")
	c.org("propose-add", "--dir", bj.dir, "--def", xa.def, "--out", upd)
	lone := filepath.Join(c.public, "add-xiongan-lone.pb")
	copyFile(t, upd, lone)
	if out, err := c.orgRun(5*time.Minute, "submit", "--dir", bj.dir, "--update", lone); err == nil {
		t.Fatalf("a config update signed by Beijing alone was accepted:\n%s", tail(out, 10))
	} else {
		t.Logf("Beijing alone (1 of 3 admins): refused: %s", lastLine(out))
	}
	c.org("sign", "--dir", bj.dir, "--update", upd)
	c.org("submit", "--dir", tj.dir, "--update", upd) // Tianjin's signature goes with its submission
	after := c.configInfo(hb)
	t.Logf("channel config after: %+v", after)
	if after.Sequence <= before.Sequence || !slices.Contains(after.ApplicationOrgs, "XionganMSP") ||
		!slices.Contains(after.OrdererOrgs, "XionganMSP") || len(after.Consenters) != 4 {
		t.Fatalf("config after the update = %+v (before %+v)", after, before)
	}
	if !slices.Equal(sorted(after.Signers), []string{"BeijingMSP", "TianjinMSP"}) {
		t.Errorf("the update carried signatures of %v, want BeijingMSP and TianjinMSP", after.Signers)
	}

	// Xiongan joins: its orderer from the latest config block, its peer
	// from the genesis block (it replicates the rest).
	latest := filepath.Join(c.public, "config-latest.block")
	c.org("fetch-config", "--dir", bj.dir, "--out", latest)
	c.org("join", "--dir", xa.dir, "--block", c.genesis, "--orderer-block", latest)

	// Sequence 2: two approvals of four are not a majority.
	c.deploy2(t, []*party{bj, xa}, bj, []*party{bj, tj, xa}, false)
	c.deploy2(t, []*party{tj}, bj, []*party{bj, tj, xa}, true)
	each(t, []*party{hb}, func(p *party) error { return c.orgOf(p, "deploy", "--dir", p.dir, "--sequence", "2") })

	// Xiongan's institution writes through Xiongan's gateway.
	xg := c.startGateway(xa)
	c.mustWrite(xg, c.token(xg, "operator", "", xa.msp), "/institutions", institution(xa, xa.inst), nil)
	rt := c.token(xg, "recorder", xa.inst, xa.msp)
	c.mustWrite(xg, rt, "/standards", standard(xa.inst, "XAIM-WS1"), nil)
	c.mustWrite(xg, rt, "/instruments", instrument(xa.inst, "XAIM-BAL1"), nil)
	c.mustWrite(xg, rt, "/certificates", certificate(xa.inst, "XAIM-2024-0001", "XAIM-BAL1", "XAIM-WS1"), nil)
	// A token names a registered institution of its organization.
	c.mustWrite(bj.gw, c.token(bj.gw, "operator", "", bj.msp), "/institutions", institution(bj, bj.inst), nil)
	bt := c.token(bj.gw, "inspector", bj.inst, bj.msp)
	var cert struct {
		IssuerID string `json:"issuer_id"`
	}
	if err := json.Unmarshal(c.waitGet(bj.gw, bt, "/certificates/XAIM-2024-0001"), &cert); err != nil || cert.IssuerID != "XAIM" {
		t.Errorf("Beijing reads Xiongan's certificate: %+v %v", cert, err)
	}
	if tr := string(c.waitGet(bj.gw, bt, "/trace/XAIM-BAL1")); !strings.Contains(tr, "XAIM-2024-0001") {
		t.Errorf("Beijing traces Xiongan's instrument: %s", tr)
	}

	// Removal: 2 of 4 signatures are refused, 3 of 4 pass.
	rm := filepath.Join(c.public, "remove-xiongan.pb")
	c.org("propose-remove", "--dir", bj.dir, "--msp", xa.msp, "--out", rm)
	c.org("sign", "--dir", bj.dir, "--update", rm)
	two := filepath.Join(c.public, "remove-xiongan-two.pb")
	copyFile(t, rm, two)
	if out, err := c.orgRun(5*time.Minute, "submit", "--dir", tj.dir, "--update", two); err == nil {
		t.Fatalf("removing Xiongan with 2 of 4 signatures was accepted:\n%s", tail(out, 10))
	} else {
		t.Logf("Beijing + Tianjin (2 of 4 admins): refused: %s", lastLine(out))
	}
	c.org("sign", "--dir", tj.dir, "--update", rm)
	c.org("submit", "--dir", hb.dir, "--update", rm)
	removed := c.configInfo(bj)
	t.Logf("channel config after removing Xiongan: %+v", removed)
	if slices.Contains(removed.ApplicationOrgs, "XionganMSP") || !slices.Equal(sorted(removed.Signers), []string{"BeijingMSP", "HebeiMSP", "TianjinMSP"}) {
		t.Errorf("config after the removal = %+v", removed)
	}
	// Its records stay readable; its new writes are refused.
	if err := json.Unmarshal(c.waitGet(bj.gw, bt, "/certificates/XAIM-2024-0001"), &cert); err != nil || cert.IssuerID != "XAIM" {
		t.Errorf("Beijing reads Xiongan's certificate after the removal: %+v %v", cert, err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		code, out, err := call(http.MethodPost, xg.url+"/api/v1/standards", rt, standard(xa.inst, "XAIM-WS2"), nil)
		if err == nil && code >= 400 {
			t.Logf("Xiongan's write after its removal: %d %s", code, strings.TrimSpace(string(out)))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Xiongan's write after its removal = %d %s %v, want refused", code, out, err)
		}
		time.Sleep(time.Second) // its peer may not have the config block yet
	}
	if code, _, _ := call(http.MethodGet, bj.gw.url+"/api/v1/standards/XAIM-WS2", bt, nil, nil); code != http.StatusNotFound {
		t.Errorf("a refused write of Xiongan reads %d from Beijing, want 404", code)
	}
	t.Logf("TestMemberJoins took %s", since(start))
}

// deploy2: approvers approve sequence 2; the commit by committer must
// succeed (ok) or be refused.
func (c *consortium) deploy2(t *testing.T, approvers []*party, committer *party, endorsers []*party, ok bool) {
	t.Helper()
	each(t, approvers, func(p *party) error { return c.orgOf(p, "deploy", "--dir", p.dir, "--sequence", "2") })
	args := []string{"commit", "--dir", committer.dir, "--sequence", "2"}
	for _, p := range endorsers {
		args = append(args, p.def)
	}
	tries := "2"
	if ok {
		tries = "30" // the newcomer's peer may still be catching up
	}
	out, err := c.orgRunEnv(5*time.Minute, []string{"METROTRACE_COMMIT_TRIES=" + tries}, args...)
	switch {
	case ok && err != nil:
		t.Fatalf("commit of sequence 2: %v\n%s", err, tail(out, 20))
	case !ok && err == nil:
		t.Fatalf("sequence 2 committed with %d approvals of 4:\n%s", len(approvers), tail(out, 10))
	}
	t.Logf("commit of sequence 2 (ok=%v): %s", ok, lastLine(out))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func lastLine(s string) string { return tail(s, 1) }
