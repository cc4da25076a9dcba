package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/apiclient"
	"github.com/metrotrace/metrotrace/gateway/demo"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// TestServeWithTheDemo starts the real gateway with the demo loaded and
// drives it through the command line, as a newcomer would.
func TestServeWithTheDemo(t *testing.T) {
	m, out := MustRunMain(t, t.TempDir())
	banner := out.String()
	if m.Showcase == nil {
		t.Fatalf("no demo showcase after start-up:\n%s", banner)
	}
	sc := *m.Showcase
	base := m.URL()
	if got := listenURL(banner); got != base {
		t.Fatalf("banner says listening on %q, server is at %q", got, base)
	}
	if i, j := strings.Index(banner, "Loaded the demo dataset"), strings.Index(banner, "metrotrace is ready"); i < 0 || j < i {
		t.Fatalf("the demo is not loaded before the server says it is ready:\n%s", banner)
	}
	toks := bannerTokens(t, banner)
	inspector := toks["inspector BJIM"]
	env := map[string]string{"METROTRACE_SERVER": base, "METROTRACE_TOKEN": inspector}

	t.Run("every printed token is accepted", func(t *testing.T) {
		want := []string{"inspector BJIM", "recorder BJIM", "recorder TJIM", "recorder HBIM", "operator BeijingMSP", "operator TianjinMSP", "operator HebeiMSP"}
		for _, who := range want {
			tok, ok := toks[who]
			if !ok {
				t.Errorf("no %s token printed", who)
				continue
			}
			c, err := apiclient.New(base, apiclient.WithToken(tok))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Get(context.Background(), "institutions", "BJIM", apiclient.SourceIndex); err != nil {
				t.Errorf("%s token: %v", who, err)
			}
		}
	})

	t.Run("the curl examples name the showcase", func(t *testing.T) {
		mustContain(t, "banner", banner, base+"/api/v1/trace/"+sc.Traceable, base+"/api/v1/trace/"+sc.SealedReference,
			"/api/v1/impact/"+sc.ImpactStandard+"?since="+sc.ImpactSince, "recognition?certificate="+sc.RecognizedCertificate)
	})

	t.Run("the supervision lists answer as text, JSON and CSV", func(t *testing.T) {
		r := runCLI(t, env, "supervision", "coverage", "--by", "category")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		mustContain(t, "coverage", r.stdout, "Coverage of compulsory instruments on", "non_automatic_weighing")
		r = runCLI(t, env, "supervision", "overdue", "--region", "TJ")
		mustContain(t, "overdue", r.stdout, sc.NeverVerified, "never_verified")
		r = runCLI(t, env, "supervision", "at-risk", "--institution", "TJ-BH")
		mustContain(t, "at risk", r.stdout, sc.AtRisk, "reference_sealed")
		mustContain(t, "banner", banner, "/api/v1/cases/"+sc.Case)
		r = runCLI(t, env, "supervision", "open-notices", "--older-than-days", "0")
		mustContain(t, "open notices", r.stdout, sc.OpenNotice, "notice_open")
		r = runCLI(t, env, "supervision", "overdue", "-o", "json", "--page-size", "2")
		var p struct {
			Items []map[string]any `json:"items"`
			Total int              `json:"total"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &p); err != nil || r.code != 0 || len(p.Items) > 2 {
			t.Fatalf("overdue as JSON: %v %d %s %s", err, r.code, r.stdout, r.stderr)
		}
		r = runCLI(t, env, "supervision", "due", "--within-days", "60", "--csv")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "instrument_id,institution_id,region,district,category,due_on,reason") {
			t.Fatalf("due as CSV: exit %d %s %s", r.code, r.stdout, r.stderr)
		}
		r = runCLI(t, env, "supervision", "overdue", "--region", "SH")
		if r.code != 1 || !strings.Contains(r.stderr, `"region"`) {
			t.Errorf("a bad region: exit %d %s", r.code, r.stderr)
		}
		r = runCLI(t, env, "supervision", "due", "--within-days", "-3")
		if r.code != 2 || !strings.Contains(r.stderr, "--within-days and --older-than-days must not be negative") {
			t.Errorf("negative days: exit %d %s", r.code, r.stderr)
		}
	})

	t.Run("a traceable instrument is traceable, from the index and from the ledger", func(t *testing.T) {
		for _, source := range []string{"index", "ledger"} {
			r := runCLI(t, env, "trace", sc.Traceable, "--source", source)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			mustContain(t, "trace output", r.stdout, "✓ "+sc.Traceable+" is TRACEABLE", "✓ certificate_valid", "✓ reaches_primary")
			if strings.Contains(r.stdout, "✗") {
				t.Errorf("a traceable chain shows a failing check:\n%s", r.stdout)
			}
			r = runCLI(t, env, "trace", sc.Traceable, "--source", source, "-o", "json")
			var rep rules.TraceReport
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || !rep.Traceable || len(rep.Links) < 6 {
				t.Errorf("json trace from %s: %v %+v", source, err, rep)
			}
		}
	})

	t.Run("each deliberately broken chain is untraceable with its failing check", func(t *testing.T) {
		for _, b := range sc.Breaks() {
			r := runCLI(t, env, "trace", b.Subject)
			if r.code != 0 {
				t.Fatalf("%s: exit %d: %s", b.Subject, r.code, r.stderr)
			}
			mustContain(t, "trace of "+b.Subject, r.stdout, "✗ "+b.Subject+" is NOT TRACEABLE", "✗ "+b.Check)
			r = runCLI(t, env, "trace", b.Subject, "-o", "json")
			var rep rules.TraceReport
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Traceable {
				t.Errorf("json trace of %s: %v traceable=%v", b.Subject, err, rep.Traceable)
			}
		}
	})

	t.Run("impact lists what the out-of-tolerance standard affected", func(t *testing.T) {
		r := runCLI(t, env, "impact", sc.ImpactStandard, "--since", sc.ImpactSince, "-o", "json")
		var set rules.ImpactSet
		if err := json.Unmarshal([]byte(r.stdout), &set); err != nil || r.code != 0 {
			t.Fatalf("exit %d, %v: %s %s", r.code, err, r.stdout, r.stderr)
		}
		if len(set.Certificates) == 0 || len(set.Instruments) == 0 {
			t.Errorf("empty impact: %+v", set)
		}
		r = runCLI(t, env, "impact", sc.ImpactStandard, "--since", sc.ImpactSince)
		mustContain(t, "impact output", r.stdout, "Impact of "+sc.ImpactStandard, set.Instruments[0])

		// Streamed: every certificate of the set (some under two
		// references), from the index and from the ledger's pages.
		for _, source := range []string{"index", "ledger"} {
			r = runCLI(t, env, "impact", sc.ImpactStandard, "--since", sc.ImpactSince, "--stream", "--source", source, "-o", "json")
			if r.code != 0 {
				t.Fatalf("stream from %s: exit %d: %s", source, r.code, r.stderr)
			}
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			seen := map[string]bool{}
			for _, l := range lines[:len(lines)-1] {
				var it rules.ImpactItem
				if err := json.Unmarshal([]byte(l), &it); err != nil || it.CertificateID == "" {
					t.Fatalf("stream line %q: %v", l, err)
				}
				seen[it.CertificateID] = true
			}
			var end struct{ End rules.ImpactStreamEnd }
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &end); err != nil || end.End.Items != len(lines)-1 || len(end.End.Standards) != len(set.Standards) {
				t.Fatalf("stream from %s ends %q (%v), want %d items", source, lines[len(lines)-1], err, len(lines)-1)
			}
			if len(seen) != len(set.Certificates) {
				t.Errorf("stream from %s names %d certificates, the set %d", source, len(seen), len(set.Certificates))
			}
		}
		r = runCLI(t, env, "impact", sc.ImpactStandard, "--since", sc.ImpactSince, "--stream")
		mustContain(t, "streamed impact output", r.stdout, "via "+sc.ImpactStandard, "Impact of "+sc.ImpactStandard+" since "+sc.ImpactSince)
		if r = runCLI(t, env, "impact", "NO-SUCH-STANDARD", "--since", sc.ImpactSince, "--stream"); r.code != ExitFailure || !strings.Contains(r.stderr, "NO-SUCH-STANDARD") {
			t.Errorf("streamed impact of an unknown standard: exit %d, stderr %q", r.code, r.stderr)
		}
	})

	t.Run("recognition shows every check", func(t *testing.T) {
		r := runCLI(t, env, "recognize", sc.RecognizedCertificate, "--by", sc.RecognizedBy)
		mustContain(t, "recognition", r.stdout, "is RECOGNIZED by "+sc.RecognizedBy, "✓ agreement_in_force", "✓ traceable")
		r = runCLI(t, env, "recognize", sc.UnrecognizedCertificate, "--by", sc.UnrecognizedBy)
		mustContain(t, "recognition", r.stdout, "is NOT RECOGNIZED", "✗ "+sc.UnrecognizedCheck, "✓ certificate_valid")
		if r.code != 0 {
			t.Errorf("exit %d", r.code)
		}
	})

	t.Run("get and history read records", func(t *testing.T) {
		r := runCLI(t, env, "get", "certificate", sc.RecognizedCertificate)
		mustContain(t, "get", r.stdout, `"id": "`+sc.RecognizedCertificate+`"`)
		r = runCLI(t, env, "history", "standard", sc.SealedStandard)
		mustContain(t, "history", r.stdout, "standard "+sc.SealedStandard+": 2 version(s)", "tx ")
	})

	t.Run("refusals print the server's message and exit 1", func(t *testing.T) {
		r := runCLI(t, env, "get", "instrument", "NO-SUCH-INSTRUMENT")
		if r.code != ExitFailure || !strings.Contains(r.stderr, "NO-SUCH-INSTRUMENT does not exist") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		r = runCLI(t, map[string]string{"METROTRACE_SERVER": base}, "trace", sc.Traceable)
		if r.code != ExitFailure || !strings.Contains(r.stderr, "METROTRACE_TOKEN") {
			t.Errorf("without a token: exit %d, stderr %q", r.code, r.stderr)
		}
	})

	t.Run("usage errors exit 2", func(t *testing.T) {
		for _, args := range [][]string{
			{"impact", sc.ImpactStandard},
			{"impact", sc.ImpactStandard, "--since", "2024-01-01", "--stream", "--paths"},
			{"trace"},
			{"trace", "X", "--at", "2024-02-30"},
			{"get", "gadget", "X"},
			{"recognize", "X"},
			{"import", "f.json"},
			{"trace", "X", "-o", "yaml"},
			{"no-such-command"},
			{"trace", "X", "--no-such-flag"},
			{"serve", "--log-level", "loud"},
			{"serve", "--listen", "8080"},
			{"serve", "--token-ttl", "0s"},
			{"serve", "--memory-limit", "-1"},
			{"serve", "--memory-limit", "1000"},
			{"serve", "--memory-limit", "lots"},
			{"serve", "--dcc-trust-roots", "/nonexistent/roots.pem"},
			{"serve", "--dcc-trust-roots", "main_test.go"},
		} {
			if r := runCLI(t, env, args...); r.code != ExitUsage {
				t.Errorf("%q: exit %d, stderr %q", args, r.code, r.stderr)
			}
		}
	})

	t.Run("a DCC imported with dcc import verifies; one changed byte does not", func(t *testing.T) {
		issuer := toks["recorder HBIM"]
		c, err := apiclient.New(base, apiclient.WithToken(issuer))
		if err != nil {
			t.Fatal(err)
		}
		// A DCC of a new certificate: the export of a demo certificate
		// under another number.
		xml, err := c.DCC(context.Background(), sc.RecognizedCertificate, true)
		if err != nil {
			t.Fatal(err)
		}
		newID := "DCC-CLI-0001"
		xml = []byte(strings.Replace(string(xml), ">"+sc.RecognizedCertificate+"<", ">"+newID+"<", 1))
		dir := t.TempDir()
		file, changed := filepath.Join(dir, "cert.xml"), filepath.Join(dir, "changed.xml")
		writeFile(t, file, string(xml))
		writeFile(t, changed, strings.Replace(string(xml), "<dcc:content>", "<dcc:content> ", 1))

		r := runCLI(t, map[string]string{"METROTRACE_SERVER": base, "METROTRACE_TOKEN": issuer}, "dcc", "import", file)
		if r.code != 0 {
			t.Fatalf("dcc import: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		mustContain(t, "dcc import", r.stdout, "✓ "+file+" → certificate "+newID, "1 imported, 0 refused",
			"schema     not schema-validated: no schema for DCC 3.3.0", "signature  none")
		r = runCLI(t, map[string]string{"METROTRACE_SERVER": base, "METROTRACE_TOKEN": issuer}, "dcc", "import", file)
		if r.code != ExitFailure || !strings.Contains(r.stdout, "0 imported, 1 refused") {
			t.Errorf("second import: exit %d\n%s", r.code, r.stdout)
		}

		public := map[string]string{"METROTRACE_SERVER": base}
		r = runCLI(t, public, "verify", file)
		mustContain(t, "verify", r.stdout, "✓ VALID", "certificate  "+newID, "anchored by  transaction",
			"matched      the exact bytes' digest", "schema     not schema-validated", "signature  none")
		r = runCLI(t, public, "verify", changed)
		if r.code != 0 || strings.Contains(r.stdout, "✓ VALID") || !strings.Contains(r.stdout, "✗ ") {
			t.Errorf("a changed file verifies:\n%s", r.stdout)
		}
	})

	t.Run("import sends certificates in batches and reports the refused one", func(t *testing.T) {
		tj, err := apiclient.New(base, apiclient.WithToken(toks["recorder TJIM"]))
		if err != nil {
			t.Fatal(err)
		}
		page, err := tj.List(context.Background(), "certificates", apiclient.ListQuery{Filter: "issuer", Value: "TJIM", PageSize: 1})
		if err != nil || len(page.Records) == 0 {
			t.Fatalf("a certificate of TJIM: %v %v", page, err)
		}
		var model map[string]any
		if err := json.Unmarshal(page.Records[0], &model); err != nil {
			t.Fatal(err)
		}
		existing := model["id"].(string)
		delete(model, "dcc_sha256")
		delete(model, "superseded_by")
		model["status"], model["status_reason"] = "valid", ""
		var lines []string
		for _, id := range []string{"IMPB-1", "IMPB-2", existing, "IMPB-4", "IMPB-5"} {
			model["id"] = id
			b, _ := json.Marshal(model)
			lines = append(lines, string(b))
		}
		file := filepath.Join(t.TempDir(), "certificates.jsonl")
		writeFile(t, file, strings.Join(lines, "\n")+"\n")
		recorder := map[string]string{"METROTRACE_SERVER": base, "METROTRACE_TOKEN": toks["recorder TJIM"]}
		before, err := tj.Ready(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		r := runCLI(t, recorder, "import", file, "--kind", "certificate", "--batch", "2")
		if r.code != ExitFailure {
			t.Fatalf("exit %d, want 1:\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		mustContain(t, "import summary", r.stdout, "4 created, 1 rejected", "line 3  "+existing+"  certificate "+existing+" already exists")
		after, err := tj.Ready(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// Batches [1 2], [3 4] refused, [4] again, [5]: three transactions.
		if got := after.LedgerHeight - before.LedgerHeight; got != 3 {
			t.Errorf("%d transactions for 4 certificates in batches of 2, want 3", got)
		}
		for _, id := range []string{"IMPB-1", "IMPB-2", "IMPB-4", "IMPB-5"} {
			if r := runCLI(t, env, "get", "certificate", id, "-o", "json"); r.code != 0 || !strings.Contains(r.stdout, id) {
				t.Errorf("get certificate %s: exit %d %s", id, r.code, r.stderr)
			}
		}
		for _, bad := range []string{"0", "501"} {
			if r := runCLI(t, recorder, "import", file, "--kind", "certificate", "--batch", bad); r.code != ExitUsage || !strings.Contains(r.stderr, "--batch must be from 1 to 500") {
				t.Errorf("--batch %s: exit %d, stderr %q", bad, r.code, r.stderr)
			}
		}
	})

	t.Run("import reports exactly the bad record and the good ones are readable", func(t *testing.T) {
		dir := t.TempDir()
		recorder := map[string]string{"METROTRACE_SERVER": base, "METROTRACE_TOKEN": toks["recorder TJIM"]}
		caps := filepath.Join(dir, "capabilities.csv")
		writeFile(t, caps, `id,institution_id,quantity,range.min,range.max,range.unit,uncertainty.value,uncertainty.unit,uncertainty.k,method,valid_until
IMP-CAP-1,TJIM,mass,0.001,100,kg,0.5,mg,2,JJG 99-2022,2030-12-31
IMP-CAP-2,TJIM,mass,0.001,100,kg,0.5,mg,2,JJG 99-2022,2030-02-30
IMP-CAP-3,TJIM,length,0,1,m,0.2,um,2,JJG 146-2011,2030-12-31
`)
		r := runCLI(t, recorder, "import", caps, "--kind", "capability")
		if r.code != ExitFailure {
			t.Fatalf("exit %d, want 1:\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		mustContain(t, "import summary", r.stdout, "2 created, 1 rejected", "line 3  IMP-CAP-2  ", "2030-02-30")
		if n := strings.Count(r.stdout, "✗"); n != 1 {
			t.Errorf("%d rejections reported, want 1:\n%s", n, r.stdout)
		}

		insts := filepath.Join(dir, "instruments.json")
		writeFile(t, insts, `[
  {"id": "IMP-INS-1", "institution_id": "TJIM", "type": "electronic balance", "manufacturer": "Acme", "model": "B1",
   "serial": "S1", "quantity": "mass", "range": {"min": 0, "max": 200, "unit": "g"}, "mpe": {"value": 0.01, "unit": "g"}, "compulsory": false},
  {"id": "IMP-INS-2", "institution_id": "TJIM", "type": "electronic balance", "manufacturer": "Acme", "model": "B1",
   "serial": "S2", "quantity": "mass", "range": {"min": 0, "max": 200, "unit": "g"}, "mpe": {"value": 0.01, "unit": "g"}, "colour": "red"},
  {"id": "IMP-INS-3", "institution_id": "TJIM", "type": "electronic balance", "manufacturer": "Acme", "model": "B1",
   "serial": "S3", "quantity": "mass", "range": {"min": 0, "max": 200, "unit": "g"}, "mpe": {"value": 0.01, "unit": "g"}, "compulsory": true, "category": "non_automatic_weighing"}
]
`)
		r = runCLI(t, recorder, "import", insts, "--kind", "instruments")
		if r.code != ExitFailure {
			t.Fatalf("exit %d, want 1:\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		mustContain(t, "import summary", r.stdout, "2 created, 1 rejected", "record 2 (line 4)  IMP-INS-2  ", "colour")
		if n := strings.Count(r.stdout, "✗"); n != 1 {
			t.Errorf("%d rejections reported, want 1:\n%s", n, r.stdout)
		}

		for _, rec := range [][2]string{{"capability", "IMP-CAP-1"}, {"capability", "IMP-CAP-3"}, {"instrument", "IMP-INS-1"}, {"instrument", "IMP-INS-3"}} {
			if r := runCLI(t, env, "get", rec[0], rec[1], "-o", "json"); r.code != 0 || !strings.Contains(r.stdout, rec[1]) {
				t.Errorf("get %s %s: exit %d %s", rec[0], rec[1], r.code, r.stderr)
			}
		}
		for _, rec := range [][2]string{{"capability", "IMP-CAP-2"}, {"instrument", "IMP-INS-2"}} {
			if r := runCLI(t, env, "get", rec[0], rec[1]); r.code != ExitFailure {
				t.Errorf("the rejected %s %s exists", rec[0], rec[1])
			}
		}
		var got map[string]any
		r = runCLI(t, env, "get", "capability", "IMP-CAP-3", "-o", "json")
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatal(err)
		}
		if rng := got["range"].(map[string]any); rng["unit"] != "m" || rng["max"] != 1.0 {
			t.Errorf("CSV dotted columns stored as %v", got["range"])
		}

		r = runCLI(t, recorder, "import", insts, "--kind", "instrument", "-o", "json")
		var sum importSummary
		if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
			t.Fatalf("json summary: %v\n%s", err, r.stdout)
		}
		// The re-run writes nothing twice: the records of the first run are
		// answered from their idempotency keys, the bad one is still bad.
		if sum.Created != 0 || sum.Replayed != 2 || len(sum.Rejected) != 1 || sum.Rejected[0].Status != 400 || sum.Rejected[0].ID != "IMP-INS-2" {
			t.Errorf("re-import: %+v", sum)
		}
	})
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRestartKeepsTheDataAndDoesNotReloadTheDemo stops a gateway and starts
// another on the same data directory: nothing is loaded twice, nothing is
// lost, and tokens made offline by `metrotrace token` work.
func TestRestartKeepsTheDataAndDoesNotReloadTheDemo(t *testing.T) {
	dir := t.TempDir()
	first, out := MustRunMain(t, dir)
	toks := bannerTokens(t, out.String())
	c, err := apiclient.New(first.URL(), apiclient.WithToken(toks["recorder HBIM"]))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Create(ctx, "capabilities", []byte(`{"id":"RESTART-CAP","institution_id":"HBIM","quantity":"mass",
		"range":{"min":1,"max":2,"unit":"kg"},"uncertainty":{"value":1,"unit":"mg","k":2},"method":"JJG 99-2022","valid_until":"2031-01-01"}`)); err != nil {
		t.Fatal(err)
	}
	// A webhook subscription made before the restart is kept.
	req, err := http.NewRequest(http.MethodPost, first.URL()+"/api/v1/subscriptions",
		strings.NewReader(`{"url":"http://127.0.0.1:9/hook","events":["instrument_overdue","notice"]}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+toks["recorder HBIM"])
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var sub struct{ ID, URL, Institution string }
	if err := json.NewDecoder(res.Body).Decode(&sub); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("subscribe: %s, %v", res.Status, err)
	}
	res.Body.Close()
	height, err := first.backend.ledger.Height(ctx)
	if err != nil {
		t.Fatal(err)
	}
	showcase := *first.Showcase
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	// With the server stopped, the token command reads the institution's
	// organization from the index.
	r := runCLI(t, nil, "token", "--data-dir", dir, "--role", "inspector", "--institution", "TJIM")
	if r.code != 0 {
		t.Fatalf("token: exit %d: %s", r.code, r.stderr)
	}
	offline := strings.TrimSpace(r.stdout)

	second, out2 := MustRunMain(t, dir)
	banner := out2.String()
	if strings.Contains(banner, "Loading the demo") {
		t.Errorf("the demo was loaded again:\n%s", banner)
	}
	if h, _ := second.backend.ledger.Height(ctx); h != height {
		t.Errorf("ledger height %d after restart, was %d", h, height)
	}
	if second.Showcase == nil || *second.Showcase != showcase {
		t.Errorf("showcase after restart: %+v", second.Showcase)
	}
	bannerTokens(t, banner)
	c2, err := apiclient.New(second.URL(), apiclient.WithToken(offline))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Get(ctx, "capabilities", "RESTART-CAP", apiclient.SourceIndex); err != nil {
		t.Errorf("the record written before the restart: %v", err)
	}
	rep, err := c2.Trace(ctx, showcase.Traceable, "", apiclient.SourceIndex)
	if err != nil || !rep.Traceable {
		t.Errorf("trace after restart: %v %+v", err, rep)
	}
	if subs := second.Webhooks.Subscriptions(); len(subs) != 1 || subs[0].ID != sub.ID || subs[0].URL != sub.URL || subs[0].Institution != "HBIM" {
		t.Errorf("subscriptions after restart = %+v, want %+v", subs, sub)
	}
	claims, err := second.Tokens.Verify(offline)
	if err != nil || claims.MSP != "TianjinMSP" {
		t.Errorf("offline token claims %+v, %v", claims, err)
	}
}

func TestTokenCommand(t *testing.T) {
	dir := t.TempDir()
	m, _ := MustRunMain(t, dir)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()

	t.Run("bad input is a usage error with a clear message", func(t *testing.T) {
		tests := []struct {
			name string
			args []string
			want string
		}{
			{"no role", []string{"--institution", "TJIM"}, "--role is required"},
			{"an unknown role", []string{"--role", "admin", "--institution", "TJIM"}, `unknown role "admin"`},
			{"a recorder without institution", []string{"--role", "recorder", "--msp", "TianjinMSP"}, "needs --institution"},
			{"an operator without msp", []string{"--role", "operator"}, "needs --msp"},
			{"an unregistered institution without msp", []string{"--role", "recorder", "--institution", "NOBODY"}, "NOBODY is not registered"},
			{"an institution of another organization", []string{"--role", "recorder", "--institution", "TJIM", "--msp", "HebeiMSP"}, "belongs to TianjinMSP"},
			{"an invalid institution id", []string{"--role", "inspector", "--institution", "bad id!"}, "not a valid id"},
			{"an invalid msp", []string{"--role", "operator", "--msp", "9 lives"}, "not an MSP id"},
			{"a negative lifetime", []string{"--role", "operator", "--msp", "HebeiMSP", "--ttl", "-1h"}, "--ttl must be positive"},
			{"arguments", []string{"--role", "operator", "--msp", "HebeiMSP", "extra"}, "no arguments"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := runCLI(t, nil, append([]string{"token", "--data-dir", dir}, tt.args...)...)
				if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", r.code, r.stdout, r.stderr, tt.want)
				}
			})
		}
		r := runCLI(t, nil, "token", "--data-dir", empty, "--role", "recorder", "--institution", "TJIM")
		if r.code != ExitUsage || !strings.Contains(r.stderr, "pass --msp") {
			t.Errorf("no index: exit %d, stderr %q", r.code, r.stderr)
		}
	})

	t.Run("good input prints a token the data directory's server accepts", func(t *testing.T) {
		for _, args := range [][]string{
			{"--data-dir", dir, "--role", "recorder", "--institution", "HBIM"},
			{"--data-dir", dir, "--role", "inspector", "--institution", "BJIM", "--msp", "BeijingMSP"},
			{"--data-dir", dir, "--role", "operator", "--msp", "TianjinMSP", "--ttl", "1h"},
			{"--data-dir", empty, "--role", "recorder", "--institution", "NEWLAB", "--msp", "HebeiMSP"},
		} {
			r := runCLI(t, nil, append([]string{"token"}, args...)...)
			if r.code != 0 || !regexp.MustCompile(`^\S+\.\S+\.\S+\n$`).MatchString(r.stdout) {
				t.Errorf("%q: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
			}
		}
		r := runCLI(t, map[string]string{"METROTRACE_DATA_DIR": dir}, "token", "--role", "recorder", "--institution", "HBIM")
		if r.code != 0 {
			t.Fatalf("METROTRACE_DATA_DIR: exit %d %s", r.code, r.stderr)
		}
		m2, _ := MustRunMain(t, dir)
		claims, err := m2.Tokens.Verify(strings.TrimSpace(r.stdout))
		if err != nil || claims.Institution != "HBIM" || claims.MSP != "HebeiMSP" || claims.Role != "recorder" {
			t.Errorf("claims %+v, %v", claims, err)
		}
		c, _ := apiclient.New(m2.URL(), apiclient.WithToken(strings.TrimSpace(r.stdout)))
		if _, err := c.Get(context.Background(), "institutions", "HBIM", apiclient.SourceIndex); err != nil {
			t.Errorf("the server refuses the token: %v", err)
		}
	})
}

func TestSeedAndIndexRebuild(t *testing.T) {
	dir := t.TempDir()
	r := runCLI(t, nil, "seed", "--data-dir", dir)
	if r.code != 0 {
		t.Fatalf("seed: exit %d: %s", r.code, r.stderr)
	}
	mustContain(t, "seed", r.stdout, "Seeded the embedded ledger")
	if r := runCLI(t, nil, "seed", "--data-dir", dir); r.code != ExitFailure || !strings.Contains(r.stderr, "refusing to seed") {
		t.Errorf("second seed: exit %d, %q", r.code, r.stderr)
	}
	r = runCLI(t, nil, "index", "rebuild", "--data-dir", dir)
	if r.code != 0 {
		t.Fatalf("rebuild: exit %d: %s", r.code, r.stderr)
	}
	re := regexp.MustCompile(`index height (\d+), ledger height (\d+)`)
	mm := re.FindStringSubmatch(r.stdout)
	if mm == nil || mm[1] != mm[2] {
		t.Errorf("rebuild did not catch up:\n%s", r.stdout)
	}
	mustContain(t, "rebuild", r.stdout, "institution", "certificate", "total")

	// The server finds the seeded demo and the rebuilt index.
	m, out := MustRunMain(t, dir)
	if strings.Contains(out.String(), "Loading the demo") || m.Showcase == nil {
		t.Errorf("serve after seed:\n%s", out)
	}
	if r := runCLI(t, nil, "index", "rebuild", "--data-dir", dir); r.code != ExitFailure || !strings.Contains(r.stderr, "in use") {
		t.Errorf("rebuild while serving: exit %d, %q", r.code, r.stderr)
	}
}

// TestAnInterruptedDemoLoadResumes stops a demo load part-way (as Ctrl-C
// would) and checks that the next start finishes it rather than refusing a
// non-empty ledger or loading it twice.
func TestAnInterruptedDemoLoadResumes(t *testing.T) {
	dir := t.TempDir()
	b, err := openEmbedded(dir)
	if err != nil {
		t.Fatal(err)
	}
	// What an interrupted load leaves: the marker of an unfinished load
	// and the first steps committed.
	today := testNow().Format("2006-01-02")
	if err := writeDemoMarker(dir, &demoMarker{Today: today}); err != nil {
		t.Fatal(err)
	}
	steps := demo.Generate(today).Steps()
	const done = 100
	for _, st := range steps[:done] {
		id, err := b.embedded.Wallet().Identity(st.MSPID, st.Role, st.Institution)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.ledger.Submit(context.Background(), id, ledger.Call{Function: st.Function, Args: st.Args, Transient: st.Transient}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	m, out := MustRunMain(t, dir)
	mustContain(t, "banner", out.String(), "Loaded the demo dataset")
	if m.Showcase == nil {
		t.Fatal("no showcase after resuming")
	}
	mustContain(t, "banner", out.String(), fmt.Sprintf("%d transactions", len(steps)-done))
	h, _ := m.backend.ledger.Height(context.Background())
	if int(h) != len(steps)+1 {
		t.Errorf("ledger height %d after resuming after %d of %d steps, want %d", h, done, len(steps), len(steps)+1)
	}
	c, _ := apiclient.New(m.URL(), apiclient.WithToken(bannerTokens(t, out.String())["inspector BJIM"]))
	if rep, err := c.Trace(context.Background(), m.Showcase.Traceable, "", apiclient.SourceIndex); err != nil || !rep.Traceable {
		t.Errorf("trace after resuming: %v", err)
	}
}

// TestTokenWhileTheServerRuns: a newcomer registers an institution through
// the running server, which holds the index, and gets a recorder token for
// it with `metrotrace token --institution`: the command asks the server
// (--server or METROTRACE_SERVER) for the institution's organization, and
// the server accepts the token for a write. An unregistered institution,
// a server of another data directory and no server at all are usage
// errors that say so.
func TestTokenWhileTheServerRuns(t *testing.T) {
	dir := t.TempDir()
	m, out := MustRunMain(t, dir)
	ctx := context.Background()
	op, err := apiclient.New(m.URL(), apiclient.WithToken(bannerTokens(t, out.String())["operator HebeiMSP"]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := op.Create(ctx, "institutions", []byte(`{"id":"NEW-LAB","name":"A new laboratory","region":"HB",
		"msp_id":"HebeiMSP","kind":"accredited_lab","accreditations":[]}`)); err != nil {
		t.Fatalf("register the institution: %v", err)
	}

	r := runCLI(t, map[string]string{"METROTRACE_SERVER": m.URL()}, "token", "--data-dir", dir, "--role", "recorder", "--institution", "NEW-LAB")
	if r.code != 0 {
		t.Fatalf("token while the server runs: exit %d: %s", r.code, r.stderr)
	}
	tok := strings.TrimSpace(r.stdout)
	claims, err := m.Tokens.Verify(tok)
	if err != nil || claims.Institution != "NEW-LAB" || claims.MSP != "HebeiMSP" || claims.Role != "recorder" {
		t.Fatalf("claims %+v, %v; want recorder of NEW-LAB in HebeiMSP", claims, err)
	}
	rec, err := apiclient.New(m.URL(), apiclient.WithToken(tok))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rec.Create(ctx, "capabilities", []byte(`{"id":"NEW-LAB-CAP","institution_id":"NEW-LAB","quantity":"mass",
		"range":{"min":1,"max":2,"unit":"kg"},"uncertainty":{"value":1,"unit":"mg","k":2},"method":"JJG 99-2022","valid_until":"2031-01-01"}`)); err != nil {
		t.Fatalf("the server refuses the new recorder's write: %v", err)
	}
	if r := runCLI(t, nil, "token", "--data-dir", dir, "--server", m.URL(), "--role", "inspector", "--institution", "NEW-LAB", "--msp", "HebeiMSP"); r.code != 0 {
		t.Errorf("with a matching --msp: exit %d: %s", r.code, r.stderr)
	}

	other, _ := MustRunMain(t, t.TempDir(), "--no-demo")
	stopped := "http://" + closedAddr(t)
	for _, tc := range []struct {
		name        string
		server      string
		institution string
		msp         string
		want        string
	}{
		{"an unregistered institution", m.URL(), "NOBODY", "", "NOBODY is not registered (asked the server at " + m.URL()},
		{"an institution of another organization", m.URL(), "NEW-LAB", "TianjinMSP", "belongs to HebeiMSP, not TianjinMSP"},
		{"a server of another data directory", other.URL(), "NEW-LAB", "", "refuses a token of that data directory"},
		{"no server", stopped, "NEW-LAB", "", "asking the server at " + stopped},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"token", "--data-dir", dir, "--server", tc.server, "--role", "recorder", "--institution", tc.institution}
			if tc.msp != "" {
				args = append(args, "--msp", tc.msp)
			}
			r := runCLI(t, nil, args...)
			if r.code != ExitUsage || r.stdout != "" || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", r.code, r.stdout, r.stderr, tc.want)
			}
		})
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
