package httpapi_test

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// TestWritesThroughHTTP drives every write route in the order a region is
// recorded, checking each answer and that a read right after sees it.
func TestWritesThroughHTTP(t *testing.T) {
	e := newEnv(t)
	bjOp, tjOp := e.operator("BeijingMSP"), e.operator("TianjinMSP")
	nimRec, bjRec := e.recorderOf("BeijingMSP", "NIM"), e.recorderOf("BeijingMSP", "BJIM")
	tjRec := e.recorderOf("TianjinMSP", "TJIM")

	created := func(t *testing.T, path, token string, v any, wantID string) map[string]any {
		t.Helper()
		r := e.post(path, token, v)
		m := r.expect(t, 201)
		if m["id"] != wantID {
			t.Fatalf("id %v, want %s", m["id"], wantID)
		}
		if loc := r.header.Get("Location"); loc != path+"/"+url.PathEscape(wantID) {
			t.Errorf("Location %q", loc)
		}
		if r.header.Get("X-Transaction-ID") == "" {
			t.Error("no X-Transaction-ID")
		}
		block, err := strconv.ParseUint(r.header.Get("X-Block-Number"), 10, 64)
		if err != nil {
			t.Fatalf("X-Block-Number %q", r.header.Get("X-Block-Number"))
		}
		if !slices.Contains(e.index.waited, block) {
			t.Errorf("the write did not wait for the index to apply block %d (waited %v)", block, e.index.waited)
		}
		// Read-your-writes: the index serves it at once.
		got := e.get(path+"/"+wantID, e.inspector()).expect(t, 200)
		if got["id"] != wantID {
			t.Fatalf("read after write: %v", got)
		}
		return m
	}

	t.Run("an operator registers institutions of its organization", func(t *testing.T) {
		m := created(t, "/api/v1/institutions", bjOp, nim, "NIM")
		if m["doc_type"] != "institution" || m["msp_id"] != "BeijingMSP" || m["name"] != nim.Name {
			t.Errorf("stored %v", m)
		}
		created(t, "/api/v1/institutions", bjOp, bjim, "BJIM")
		created(t, "/api/v1/institutions", tjOp, tjim, "TJIM")
	})
	t.Run("recorders register capabilities and standards", func(t *testing.T) {
		m := created(t, "/api/v1/capabilities", nimRec, cmcNIM, "CMC-NIM-MASS")
		if m["doc_type"] != "capability" || m["institution_id"] != "NIM" || m["method"] != "JJG 99-2022" {
			t.Errorf("stored %v", m)
		}
		created(t, "/api/v1/capabilities", bjRec, cmcBJIM, "CMC-BJIM-MASS")
		m = created(t, "/api/v1/standards", nimRec, primary, "NIM-MASS-P")
		if m["level"] != "primary" || m["status"] != "active" {
			t.Errorf("stored %v", m)
		}
		created(t, "/api/v1/standards", bjRec, bjStd, "BJ-STD-MASS")
	})
	t.Run("an instrument's owner details go to private data from the header", func(t *testing.T) {
		owner := url.PathEscape(`{"owner_name":"北京某医院","contact":"010-5555-0101"}`)
		r := e.do(req{method: "POST", path: "/api/v1/instruments", token: bjRec, body: balance,
			header: map[string]string{"X-Owner-Details": owner}})
		m := r.expect(t, 201)
		if m["id"] != "BJ-BAL-001" || m["compulsory"] != true {
			t.Fatalf("stored %v", m)
		}
		if _, leaked := m["owner_name"]; leaked {
			t.Fatal("owner details in the public record")
		}
		o := e.get("/api/v1/instruments/BJ-BAL-001/owner", bjRec).expect(t, 200)
		if o["owner_name"] != "北京某医院" || o["contact"] != "010-5555-0101" || o["instrument_id"] != "BJ-BAL-001" {
			t.Errorf("owner %v", o)
		}
		e.get("/api/v1/instruments/BJ-BAL-001/owner", e.inspector()).expectError(t, 403, "forbidden", "private to BeijingMSP")
	})
	t.Run("recorders issue certificates", func(t *testing.T) {
		m := created(t, "/api/v1/certificates", nimRec, certStd, "NIM-2024-0001")
		if m["status"] != "valid" || m["issuer_id"] != "NIM" || m["subject_id"] != "BJ-STD-MASS" {
			t.Errorf("stored %v", m)
		}
		created(t, "/api/v1/certificates", bjRec, certBal, "BJIM-2024-0042")
	})
	t.Run("a comparison gets En for every result, added later too", func(t *testing.T) {
		m := created(t, "/api/v1/comparisons", nimRec, cmp, "CMP-MASS-2023")
		results := m["results"].([]any)
		if len(results) != 1 || results[0].(map[string]any)["en"] == nil {
			t.Fatalf("results %v", results)
		}
		r := e.post("/api/v1/comparisons/CMP-MASS-2023/results", nimRec,
			[]record.ComparisonResult{{InstitutionID: "TJIM", Value: 999.99995, Unit: "g", Uncertainty: up(0.25, "mg")}})
		m = r.expect(t, 200)
		results = m["results"].([]any)
		if len(results) != 2 || results[1].(map[string]any)["institution_id"] != "TJIM" || results[1].(map[string]any)["en"] == nil {
			t.Fatalf("results %v", results)
		}
	})
	t.Run("an operator proposes an agreement and a party's recorder approves it", func(t *testing.T) {
		m := created(t, "/api/v1/agreements", bjOp, agreemnt, "AGR-BJ-TJ-2024")
		if m["proposed_by"] != "BJIM" {
			t.Errorf("proposed_by %v", m["proposed_by"])
		}
		m = e.post("/api/v1/agreements/AGR-BJ-TJ-2024/approve", tjRec, map[string]any{}).expect(t, 200)
		if approvals := m["approvals"].([]any); len(approvals) != 1 || approvals[0] != "TJIM" {
			t.Errorf("approvals %v", approvals)
		}
		// An empty body is an approval too.
		r := e.do(req{method: "POST", path: "/api/v1/agreements/AGR-BJ-TJ-2024/approve", token: bjRec})
		if approvals := r.expect(t, 200)["approvals"].([]any); len(approvals) != 2 {
			t.Errorf("approvals %v", approvals)
		}
	})
	t.Run("a recorder seals its standard from a date", func(t *testing.T) {
		m := e.post("/api/v1/standards/BJ-STD-MASS/status", bjRec,
			map[string]string{"status": "sealed", "since": "2024-05-20", "reason": "out of tolerance"}).expect(t, 200)
		if m["status"] != "sealed" || m["status_since"] != "2024-05-20" || m["status_reason"] != "out of tolerance" {
			t.Errorf("stored %v", m)
		}
		if got := e.get("/api/v1/standards/BJ-STD-MASS", e.inspector()).expect(t, 200); got["status"] != "sealed" {
			t.Errorf("read after write: %v", got["status"])
		}
	})
	t.Run("a recorder supersedes and revokes its certificates", func(t *testing.T) {
		next := *certBal
		next.ID, next.PerformedOn, next.ValidUntil = "BJIM-2024-0043", "2024-05-11", "2025-05-10"
		created(t, "/api/v1/certificates", bjRec, &next, "BJIM-2024-0043")
		m := e.post("/api/v1/certificates/BJIM-2024-0042/supersede", bjRec,
			map[string]string{"replacement_id": "BJIM-2024-0043", "reason": "typo in serial"}).expect(t, 200)
		if m["status"] != "superseded" || m["superseded_by"] != "BJIM-2024-0043" {
			t.Errorf("stored %v", m)
		}
		m = e.post("/api/v1/certificates/BJIM-2024-0043/revoke", bjRec, map[string]string{"reason": "issued in error"}).expect(t, 200)
		if m["status"] != "revoked" || m["status_reason"] != "issued in error" {
			t.Errorf("stored %v", m)
		}
	})
}

// TestReadsThroughHTTP checks every read route over seeded data, from the
// index and from the ledger.
func TestReadsThroughHTTP(t *testing.T) {
	e := newEnv(t)
	e.seed()
	insp := e.inspector()

	t.Run("every kind reads by id from the index and the ledger alike", func(t *testing.T) {
		for path, id := range map[string]string{
			"institutions": "NIM", "capabilities": "CMC-NIM-MASS", "standards": "BJ-STD-MASS",
			"instruments": "BJ-BAL-001", "certificates": "NIM-2024-0001",
		} {
			indexAnswer := e.get("/api/v1/"+path+"/"+id, insp).expect(t, 200)
			ledgerAnswer := e.get("/api/v1/"+path+"/"+id+"?source=ledger", insp).expect(t, 200)
			if indexAnswer["id"] != id || ledgerAnswer["id"] != id || mustJSON(t, indexAnswer) != mustJSON(t, ledgerAnswer) {
				t.Errorf("%s/%s: index %v, ledger %v", path, id, indexAnswer, ledgerAnswer)
			}
		}
		e.create(e.as("BeijingMSP", "recorder", "NIM"), record.DocComparison, cmp)
		e.create(e.as("BeijingMSP", "operator", ""), record.DocAgreement, agreemnt)
		for path, id := range map[string]string{"comparisons": "CMP-MASS-2023", "agreements": "AGR-BJ-TJ-2024"} {
			if m := e.get("/api/v1/"+path+"/"+id, insp).expect(t, 200); m["id"] != id {
				t.Errorf("%s: %v", path, m)
			}
		}
	})
	t.Run("history lists versions oldest first with transaction and time", func(t *testing.T) {
		e.post("/api/v1/standards/BJ-STD-MASS/status", e.recorderOf("BeijingMSP", "BJIM"),
			map[string]string{"status": "sealed", "since": "2024-05-20", "reason": "drift"}).expect(t, 200)
		m := e.get("/api/v1/standards/BJ-STD-MASS/history", insp).expect(t, 200)
		if m["doc_type"] != "standard" || m["id"] != "BJ-STD-MASS" {
			t.Errorf("history %v", m)
		}
		versions := m["versions"].([]any)
		if len(versions) != 2 {
			t.Fatalf("%d versions", len(versions))
		}
		first, second := versions[0].(map[string]any), versions[1].(map[string]any)
		if first["tx_id"] == "" || first["timestamp"] == "" || first["value"].(map[string]any)["status"] != "active" ||
			second["value"].(map[string]any)["status"] != "sealed" {
			t.Errorf("versions %v", versions)
		}
	})
	t.Run("lists filter by an index and paginate", func(t *testing.T) {
		m := e.get("/api/v1/certificates?subject=BJ-BAL-001", insp).expect(t, 200)
		recs := m["records"].([]any)
		if len(recs) != 1 || recs[0].(map[string]any)["id"] != "BJIM-2024-0042" || m["next_page_token"] != "" {
			t.Errorf("page %v", m)
		}
		m = e.get("/api/v1/certificates?subject=BJ-BAL-001&source=ledger", insp).expect(t, 200)
		if recs := m["records"].([]any); len(recs) != 1 {
			t.Errorf("ledger page %v", m)
		}
		for q, want := range map[string]int{
			"/api/v1/certificates?reference=NIM-MASS-P": 1, "/api/v1/certificates?issuer=BJIM": 1,
			"/api/v1/standards?institution=NIM": 1, "/api/v1/capabilities?institution=BJIM": 1,
			"/api/v1/instruments?institution=BJIM": 1, "/api/v1/standards": 2, "/api/v1/comparisons?institution=NIM": 1,
			"/api/v1/agreements?party=TJIM": 1,
		} {
			if n := len(e.get(q, insp).expect(t, 200)["records"].([]any)); n != want {
				t.Errorf("%s: %d records, want %d", q, n, want)
			}
		}
		var ids []any
		token := ""
		for page := 0; page < 5; page++ {
			m := e.get("/api/v1/institutions?page_size=2&page_token="+token, insp).expect(t, 200)
			for _, r := range m["records"].([]any) {
				ids = append(ids, r.(map[string]any)["id"])
			}
			if token, _ = m["next_page_token"].(string); token == "" {
				break
			}
		}
		if mustJSON(t, ids) != `["BJIM","HB-AMR","NIM","TJIM"]` { // HB-AMR: the inspector's
			t.Errorf("paged ids %v", ids)
		}
		if m := e.get("/api/v1/agreements?party=NOBODY", insp).expect(t, 200); len(m["records"].([]any)) != 0 {
			t.Errorf("empty list %v", m)
		}
	})
	t.Run("search finds records by id and name", func(t *testing.T) {
		m := e.get("/api/v1/search?q="+url.QueryEscape("砝码"), insp).expect(t, 200)
		hits := m["hits"].([]any)
		if m["query"] != "砝码" || len(hits) != 1 || hits[0].(map[string]any)["id"] != "BJ-STD-MASS" || hits[0].(map[string]any)["doc_type"] != "standard" {
			t.Errorf("search %v", m)
		}
		if m := e.get("/api/v1/search?q=nothing-like-it", insp).expect(t, 200); len(m["hits"].([]any)) != 0 {
			t.Errorf("search %v", m)
		}
	})
	t.Run("trace reports every link, dated today by default", func(t *testing.T) {
		m := e.get("/api/v1/trace/BJ-BAL-001?at=2024-06-01", insp).expect(t, 200)
		if m["subject_id"] != "BJ-BAL-001" || m["at"] != "2024-06-01" || m["traceable"] != true {
			t.Fatalf("trace %s", mustJSON(t, m))
		}
		links := m["links"].([]any)
		if len(links) != 2 {
			t.Fatalf("links %v", links)
		}
		l0 := links[0].(map[string]any)
		if l0["certificate_id"] != "BJIM-2024-0042" || l0["issuer_id"] != "BJIM" || len(l0["checks"].([]any)) == 0 {
			t.Errorf("first link %v", l0)
		}
		check := l0["checks"].([]any)[0].(map[string]any)
		for _, k := range []string{"name", "ok", "detail"} {
			if _, ok := check[k]; !ok {
				t.Errorf("check lacks %s: %v", k, check)
			}
		}
		if d := e.get("/api/v1/trace/BJ-BAL-001", insp).expect(t, 200); d["at"] != "2024-06-01" {
			t.Errorf("default at %v", d["at"])
		}
		ledger := e.get("/api/v1/trace/BJ-BAL-001?at=2024-06-01&source=ledger", insp).expect(t, 200)
		if mustJSON(t, ledger) != mustJSON(t, m) {
			t.Errorf("ledger answer differs:\n%s\n%s", mustJSON(t, ledger), mustJSON(t, m))
		}
		if m := e.get("/api/v1/trace/BJ-BAL-001?at=2025-06-01", insp).expect(t, 200); m["traceable"] != false {
			t.Errorf("expired certificate still traceable: %v", m)
		}
	})
	t.Run("impact lists what a standard affected", func(t *testing.T) {
		m := e.get("/api/v1/impact/NIM-MASS-P?since=2024-01-01", insp).expect(t, 200)
		if m["standard_id"] != "NIM-MASS-P" || m["since"] != "2024-01-01" ||
			mustJSON(t, m["certificates"]) != `["NIM-2024-0001","BJIM-2024-0042"]` && mustJSON(t, m["certificates"]) != `["BJIM-2024-0042","NIM-2024-0001"]` ||
			mustJSON(t, m["instruments"]) != `["BJ-BAL-001"]` || mustJSON(t, m["standards"]) != `["BJ-STD-MASS"]` {
			t.Errorf("impact %s", mustJSON(t, m))
		}
		ledger := e.get("/api/v1/impact/NIM-MASS-P?since=2024-01-01&source=ledger", insp).expect(t, 200)
		if mustJSON(t, ledger) != mustJSON(t, m) {
			t.Errorf("ledger answer differs")
		}
	})
	t.Run("recognition reports every check", func(t *testing.T) {
		m := e.get("/api/v1/recognition?certificate=BJIM-2024-0042&by=TJIM&at=2024-06-01", insp).expect(t, 200)
		if m["certificate_id"] != "BJIM-2024-0042" || m["by"] != "TJIM" || m["at"] != "2024-06-01" {
			t.Fatalf("decision %s", mustJSON(t, m))
		}
		if _, ok := m["recognized"].(bool); !ok || len(m["checks"].([]any)) == 0 {
			t.Errorf("decision %s", mustJSON(t, m))
		}
		if _, ok := m["agreement_id"]; !ok {
			t.Error("no agreement_id")
		}
		ledger := e.get("/api/v1/recognition?certificate=BJIM-2024-0042&by=TJIM&at=2024-06-01&source=ledger", insp).expect(t, 200)
		if mustJSON(t, ledger) != mustJSON(t, m) {
			t.Errorf("ledger answer differs")
		}
		if d := e.get("/api/v1/recognition?certificate=BJIM-2024-0042&by=TJIM", insp).expect(t, 200); d["at"] != "2024-06-01" {
			t.Errorf("default at %v", d["at"])
		}
	})
	t.Run("every role reads", func(t *testing.T) {
		for _, tok := range []string{insp, e.operator("HebeiMSP"), e.recorderOf("TianjinMSP", "TJIM")} {
			e.get("/api/v1/standards/NIM-MASS-P", tok).expect(t, 200)
		}
	})
}

func TestPublicRoutes(t *testing.T) {
	e := newEnv(t)
	t.Run("healthz is ok", func(t *testing.T) {
		if m := e.get("/healthz", "").expect(t, 200); m["status"] != "ok" {
			t.Errorf("%v", m)
		}
	})
	t.Run("readyz is ready on an empty ledger", func(t *testing.T) {
		fresh := newEnv(t)
		if m := fresh.get("/readyz", "").expect(t, 200); m["ready"] != true || m["ledger_height"].(float64) != 1 {
			t.Errorf("%v", m)
		}
	})
	t.Run("readyz reports both heights", func(t *testing.T) {
		e.seed()
		m := e.get("/readyz", "").expect(t, 200)
		if m["ready"] != true || m["ledger_height"].(float64) != float64(e.height()) || m["index_height"].(float64) < m["ledger_height"].(float64) {
			t.Errorf("%v", m)
		}
		stuck := uint64(3)
		e.index.mu.Lock()
		e.index.height = &stuck
		e.index.mu.Unlock()
		m = e.get("/readyz", "").expect(t, 503)
		if m["ready"] != false || m["index_height"].(float64) != 3 {
			t.Errorf("%v", m)
		}
	})
	t.Run("verify is public, and unavailable without a reader identity", func(t *testing.T) {
		// verify_test.go covers verification with Config.VerifyIdentity set.
		e.do(req{method: "POST", path: "/api/v1/verify", body: "<dcc/>", header: map[string]string{"Content-Type": "application/xml"}}).
			expectError(t, 503, "unavailable", "not configured")
	})
	t.Run("the vocabulary is served without a token", func(t *testing.T) {
		m := e.get("/api/v1/vocabulary", "").expect(t, 200)
		kinds := m["kinds"].([]any)
		if len(kinds) != len(record.Kinds) || len(kinds) != 8 {
			t.Fatalf("%d kinds: %v", len(kinds), kinds)
		}
		first := kinds[0].(map[string]any)
		if first["doc_type"] != "institution" || first["plural"] != "institutions" || first["create"] != "RegisterInstitution" {
			t.Errorf("first kind %v", first)
		}
		if fmt.Sprint(m["roles"]) != "[recorder inspector operator]" || m["max_page_size"].(float64) != 1000 {
			t.Errorf("%v", m)
		}
		if c := m["contract"].(map[string]any); c["name"] != "metrotrace" || c["version"] != "1.0.0" {
			t.Errorf("contract %v", c)
		}
		// The actions the console offers, with the roles routes authorize.
		want := "[map[doc_type:standard name:status path:/standards/{id}/status roles:[recorder]] " +
			"map[doc_type:certificate name:revoke path:/certificates/{id}/revoke roles:[recorder]] " +
			"map[doc_type:certificate name:supersede path:/certificates/{id}/supersede roles:[recorder]] " +
			"map[doc_type:comparison name:results path:/comparisons/{id}/results roles:[recorder]] " +
			"map[doc_type:agreement name:approve path:/agreements/{id}/approve roles:[recorder]]]"
		if got := fmt.Sprint(m["actions"]); got != want {
			t.Errorf("actions %s\nwant %s", got, want)
		}
	})
	t.Run("the OpenAPI document is served", func(t *testing.T) {
		r := e.get("/api/v1/openapi.yaml", "")
		if r.status != 200 || len(r.body) == 0 || string(r.body[:8]) != "openapi:" {
			t.Errorf("%d %.40s", r.status, r.body)
		}
	})
}

func TestMetricsCountRequestsByRouteAndStatus(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.get("/api/v1/standards/NIM-MASS-P", e.inspector()).expect(t, 200)
	e.get("/api/v1/standards/NOPE", e.inspector()).expect(t, 404)
	e.get("/api/v1/no/such/route/12345", "").expect(t, 404)
	r := e.get("/metrics", "")
	if r.status != 200 {
		t.Fatalf("%d", r.status)
	}
	body := string(r.body)
	for _, want := range []string{
		`metrotrace_http_requests_total{method="GET",route="/api/v1/standards/:id",status="200"} 1`,
		`metrotrace_http_requests_total{method="GET",route="/api/v1/standards/:id",status="404"} 1`,
		`metrotrace_http_request_duration_seconds_bucket{method="GET",route="/api/v1/standards/:id",status="200"`,
		"metrotrace_index_height " + strconv.FormatUint(e.index.Height(), 10),
		// Unknown paths share one label, so scanners cannot blow up the series.
		`metrotrace_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "12345") {
		t.Error("a raw path became a label")
	}
}

// A list read from the ledger pages with tokens of its own: text a client
// passes on as it is, told from an index's; a token of anything else is
// refused before the ledger is asked.
func TestLedgerListsPageWithTheirOwnTokens(t *testing.T) {
	e := newEnv(t)
	e.seed()
	for i := 2; i <= 3; i++ {
		in := *balance
		in.ID, in.Serial = fmt.Sprintf("BJ-BAL-%03d", i), fmt.Sprintf("B91234%d", i)
		e.create(e.as("BeijingMSP", "recorder", "BJIM"), record.DocInstrument, &in)
	}
	insp := e.inspector()
	var ids []string
	token := ""
	for n := 0; ; n++ {
		m := e.get("/api/v1/instruments?institution=BJIM&source=ledger&page_size=1&page_token="+url.QueryEscape(token), insp).expect(t, 200)
		for _, r := range m["records"].([]any) {
			ids = append(ids, r.(map[string]any)["id"].(string))
		}
		token, _ = m["next_page_token"].(string)
		if token == "" {
			break
		}
		if !strings.HasPrefix(token, "L.") || strings.ContainsAny(token, "\x00+/=") || n > 5 {
			t.Fatalf("ledger token %q", token)
		}
	}
	if strings.Join(ids, ",") != "BJ-BAL-001,BJ-BAL-002,BJ-BAL-003" {
		t.Fatalf("ledger pages list %v", ids)
	}
	index := e.get("/api/v1/instruments?institution=BJIM&page_size=1", insp).expect(t, 200)["next_page_token"].(string)
	for _, bad := range []string{"BJ-BAL-002", "L.", "L.%%%", index} {
		e.get("/api/v1/instruments?institution=BJIM&source=ledger&page_size=1&page_token="+url.QueryEscape(bad), insp).
			expectError(t, 400, "invalid", "page_token is not a token of this list from the ledger")
	}
}
