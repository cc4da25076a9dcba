package consortium

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestConsortiumSeparateParties: three organizations, each with its own
// CA, peer, orderer, chaincode server and gateway on its own address and in
// its own directory; each writes, each reads the others' records; a gateway
// refuses a foreign institution (403) and another gateway's token (401);
// an owner's private details are endorsed by its own org only (read from
// the block) and unreadable through the other gateways; no process of one
// org opened a file of another.
func TestConsortiumSeparateParties(t *testing.T) {
	networkTestsOn(t)
	start := time.Now()
	c := newConsortium(t, "beijing", "tianjin", "hebei")
	c.up()
	for _, p := range c.parties {
		c.startGateway(p)
	}

	// Each org's operator registers its institution; its recorder writes a
	// standard, an instrument with private owner details and a certificate.
	type written struct{ std, ins, cert string }
	w := map[string]written{}
	var ownerTx receipt
	for _, p := range c.parties {
		g := p.gw
		c.mustWrite(g, c.token(g, "operator", "", p.msp), "/institutions", institution(p, p.inst), nil)
		rt := c.token(g, "recorder", p.inst, p.msp)
		x := written{std: p.inst + "-WS1", ins: p.inst + "-BAL1", cert: p.inst + "-2024-0001"}
		c.mustWrite(g, rt, "/standards", standard(p.inst, x.std), nil)
		owner := fmt.Sprintf(`{"owner_name":"%s owner","contact":"%s-contact"}`, p.name, p.name)
		r := c.mustWrite(g, rt, "/instruments", instrument(p.inst, x.ins), map[string]string{"X-Owner-Details": owner})
		if p.name == "tianjin" {
			ownerTx = r
		}
		c.mustWrite(g, rt, "/certificates", certificate(p.inst, x.cert, x.ins, x.std), nil)
		w[p.name] = x
	}

	// Every gateway reads every org's records: get, trace, impact.
	for _, reader := range c.parties {
		g := reader.gw
		it := c.token(g, "inspector", reader.inst, reader.msp)
		for _, p := range c.parties {
			x := w[p.name]
			var cert struct {
				ID       string `json:"id"`
				IssuerID string `json:"issuer_id"`
			}
			if err := json.Unmarshal(c.waitGet(g, it, "/certificates/"+x.cert), &cert); err != nil || cert.ID != x.cert || cert.IssuerID != p.inst {
				t.Errorf("%s reads %s's certificate: %+v %v", reader.name, p.name, cert, err)
			}
			tr := string(c.waitGet(g, it, "/trace/"+x.ins))
			if !strings.Contains(tr, x.cert) || !strings.Contains(tr, x.std) {
				t.Errorf("%s traces %s's instrument %s: %s", reader.name, p.name, x.ins, tr)
			}
			im := string(c.waitGet(g, it, "/impact/"+x.std+"?since=2024-01-01"))
			if !strings.Contains(im, x.cert) {
				t.Errorf("%s: impact of %s's standard %s: %s", reader.name, p.name, x.std, im)
			}
		}
	}

	bj, tj := c.party("beijing"), c.party("tianjin")
	// Beijing's gateway holds no key of Tianjin's institution: 403, nothing written.
	for _, msp := range []string{"TianjinMSP", "BeijingMSP"} {
		tok := c.token(bj.gw, "recorder", "TJIM", msp)
		code, out, err := call(http.MethodPost, bj.gw.url+"/api/v1/standards", tok, standard("TJIM", "TJIM-FORGED-"+msp), nil)
		var e struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		_ = json.Unmarshal(out, &e)
		if err != nil || code != http.StatusForbidden || e.Error.Message == "" {
			t.Errorf("Beijing's gateway writing for TJIM (token msp %s) = %d %s %v, want 403 with a JSON error", msp, code, out, err)
		} else {
			t.Logf("Beijing's gateway, TJIM recorder token (msp %s): %d %s", msp, code, strings.TrimSpace(string(out)))
		}
		code, _, _ = call(http.MethodGet, tj.gw.url+"/api/v1/standards/TJIM-FORGED-"+msp, c.token(tj.gw, "inspector", "TJIM", "TianjinMSP"), nil, nil)
		if code != http.StatusNotFound {
			t.Errorf("the refused forged standard: GET from Tianjin = %d, want 404", code)
		}
	}
	// A token of Tianjin's gateway is not one of Beijing's: 401.
	code, out, err := call(http.MethodPost, bj.gw.url+"/api/v1/standards", c.token(tj.gw, "recorder", "TJIM", "TianjinMSP"), standard("TJIM", "TJIM-WS9"), nil)
	if err != nil || code != http.StatusUnauthorized || !strings.Contains(string(out), `"error"`) {
		t.Errorf("Tianjin's token at Beijing's gateway = %d %s %v, want 401", code, out, err)
	}

	// Private details: readable through the owner's gateway only.
	tjTok := c.token(tj.gw, "inspector", "TJIM", "TianjinMSP")
	got := string(c.waitGet(tj.gw, tjTok, "/instruments/"+w["tianjin"].ins+"/owner"))
	if !strings.Contains(got, "tianjin owner") || !strings.Contains(got, "tianjin-contact") {
		t.Errorf("Tianjin reads its owner details: %s", got)
	}
	for _, p := range []string{"beijing", "hebei"} {
		o := c.party(p)
		code, out, _ := call(http.MethodGet, o.gw.url+"/api/v1/instruments/"+w["tianjin"].ins+"/owner", c.token(o.gw, "inspector", o.inst, o.msp), nil, nil)
		if code != http.StatusForbidden || strings.Contains(string(out), "tianjin owner") {
			t.Errorf("%s's gateway reading Tianjin's owner details = %d %s, want 403", p, code, out)
		}
	}

	// The private write's endorsements, read from its block: Tianjin only.
	// The public record's transaction is in the receipt; the private one
	// follows it.
	blockNum := ownerTx.Block
	if blockNum == 0 {
		t.Fatalf("the instrument's write answered no block number: %+v", ownerTx)
	}
	var private, public *blockTx
	for n := blockNum; n <= blockNum+3 && private == nil; n++ {
		txs, err := blockTxs(c.fetchBlock(tj, n))
		if err != nil {
			t.Fatal(err)
		}
		for i := range txs {
			switch txs[i].Function {
			case "SetInstrumentOwner":
				private = &txs[i]
			case "RegisterInstrument":
				if txs[i].TxID == ownerTx.TxID {
					public = &txs[i]
				}
			}
		}
	}
	if private == nil || public == nil {
		t.Fatalf("no SetInstrumentOwner/RegisterInstrument transaction in blocks %d..%d", blockNum, blockNum+3)
	}
	t.Logf("private-data tx %s (block %d, %s): endorsed by %v; public record tx %s: endorsed by %v",
		private.TxID, private.Audit.BlockNumber, private.Audit.ValidationCode, private.Audit.EndorsingOrgs, public.TxID, public.Audit.EndorsingOrgs)
	if !slices.Equal(private.Audit.EndorsingOrgs, []string{"TianjinMSP"}) || private.Audit.ValidationCode != "VALID" {
		t.Errorf("SetInstrumentOwner endorsed by %v (%s), want [TianjinMSP] VALID", private.Audit.EndorsingOrgs, private.Audit.ValidationCode)
	}
	if len(public.Audit.EndorsingOrgs) < 2 {
		t.Errorf("the public record's endorsements %v, want a majority", public.Audit.EndorsingOrgs)
	}
	for _, p := range []string{"beijing", "hebei"} {
		if leaked := grepDir(c.party(p).dir, "tianjin-contact"); leaked != "" {
			t.Errorf("%s's directory holds Tianjin's owner details: %s", p, leaked)
		}
	}

	// What every org's processes opened: nothing in another org's directory.
	for _, p := range c.parties {
		all, err := openedFiles(p, "")
		if err != nil {
			t.Fatal(err)
		}
		c.checkOwnFilesOnly(p, all)
		gw, err := openedFiles(p, "gateway")
		if err != nil {
			t.Fatal(err)
		}
		keys := keyFiles(gw)
		t.Logf("%s: %d files opened by its processes; its gateway opened these key files: %v", p.name, len(all), rel(c.base, keys))
		if len(keys) == 0 {
			t.Errorf("%s's gateway opened no key file", p.name)
		}
		for _, k := range keys {
			if !strings.HasPrefix(k, filepath.Join(p.dir, "users")+string(filepath.Separator)) {
				t.Errorf("%s's gateway opened %s, not one of its own users' keys", p.name, k)
			}
		}
	}
	st, err := os.Stat(bj.dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("Beijing's directory mode = %v %v, want 0700", st.Mode().Perm(), err)
	}
	t.Logf("TestConsortiumSeparateParties took %s", since(start))
}

// grepDir finds a file under dir containing s ("" if none); LevelDB and
// block files are compared raw.
func grepDir(dir, s string) string {
	found := ""
	_ = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || found != "" || info.Size() > 64<<20 || strings.HasSuffix(path, ".trace") || strings.Contains(path, "/logs/") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(data), s) {
			found = path
		}
		return nil
	})
	return found
}

func rel(base string, files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		r, err := filepath.Rel(base, f)
		if err != nil {
			r = f
		}
		out[i] = r
	}
	return out
}
