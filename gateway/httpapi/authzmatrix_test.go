package httpapi_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature/signaturetest"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// matrixCaller is one column of the authorization matrix.
type matrixCaller struct {
	name            string
	role, msp, inst string
	anonymous       bool
}

// matrixCallers: the records of the matrix belong to BJIM, of BeijingMSP.
var matrixCallers = []matrixCaller{
	{name: "recorder of the institution (BJIM)", role: auth.RoleRecorder, msp: "BeijingMSP", inst: "BJIM"},
	{name: "recorder of another institution of the org (NIM)", role: auth.RoleRecorder, msp: "BeijingMSP", inst: "NIM"},
	{name: "recorder of another org (TJIM)", role: auth.RoleRecorder, msp: "TianjinMSP", inst: "TJIM"},
	{name: "inspector (HB-AMR)", role: auth.RoleInspector, msp: "HebeiMSP", inst: "HB-AMR"},
	{name: "operator of the org (BeijingMSP)", role: auth.RoleOperator, msp: "BeijingMSP"},
	{name: "operator of another org (TianjinMSP)", role: auth.RoleOperator, msp: "TianjinMSP"},
	{name: "no token", anonymous: true},
}

// matrixRow is one OpenAPI operation: the request the matrix sends and
// the status every caller gets, in matrixCallers' order.
type matrixRow struct {
	path string // concrete path and query
	body func(e *dccEnv) (data []byte, contentType string)
	want [7]int
}

// Answer patterns.
var (
	anyToken = [7]int{200, 200, 200, 200, 200, 200, 401}
	public   = [7]int{200, 200, 200, 200, 200, 200, 200}
	// needsIndex: a read served only by the real index, which the
	// matrix's gateway does not run.
	needsIndex = [7]int{503, 503, 503, 503, 503, 503, 401}
	ownerOnly  = func(status int) [7]int { return [7]int{status, 403, 403, 403, 403, 403, 401} }
)

func jsonBody(s string) func(*dccEnv) ([]byte, string) {
	return func(*dccEnv) ([]byte, string) { return []byte(s), "application/json" }
}

// matrixRows is keyed by "METHOD /openapi/path"; every operation of the
// OpenAPI document must have a row.
var matrixRows = map[string]matrixRow{
	// The supervision lists and cases are served from the real index, which
	// this matrix's fake index is not: an authorized caller gets 503 here,
	// and the supervision and conformance tests cover their answers.
	"GET /api/v1/supervision/due":          {path: "/api/v1/supervision/due?within_days=30", want: needsIndex},
	"GET /api/v1/supervision/overdue":      {path: "/api/v1/supervision/overdue", want: needsIndex},
	"GET /api/v1/supervision/approvals":    {path: "/api/v1/supervision/approvals?within_days=30", want: needsIndex},
	"GET /api/v1/supervision/at-risk":      {path: "/api/v1/supervision/at-risk", want: needsIndex},
	"GET /api/v1/supervision/coverage":     {path: "/api/v1/supervision/coverage?by=district", want: needsIndex},
	"GET /api/v1/supervision/open-notices": {path: "/api/v1/supervision/open-notices", want: needsIndex},
	"GET /api/v1/cases/{id}":               {path: "/api/v1/cases/CASE-1", want: needsIndex},
	"GET /api/v1/notices/{id}":             {path: "/api/v1/notices/CASE-1-BJIM", want: needsIndex},
	"POST /api/v1/cases": {path: "/api/v1/cases", want: [7]int{503, 503, 503, 503, 403, 403, 401},
		body: jsonBody(`{"id":"CASE-M","standard_id":"BJIM-SPRT-01","since":"2024-01-01","finding":"drift"}`)},
	"POST /api/v1/notices/{id}/resolve": {path: "/api/v1/notices/CASE-1-BJIM/resolve", want: [7]int{503, 503, 503, 403, 403, 403, 401},
		body: jsonBody(`{"certificate_id":"BJIM-2024-T-0001","action":"no_impact","reason":"checked"}`)},
	"POST /api/v1/subscriptions": {path: "/api/v1/subscriptions", want: [7]int{503, 503, 503, 403, 503, 503, 401},
		body: jsonBody(`{"url":"http://127.0.0.1:9/hook","events":["case_opened"]}`)},
	"GET /api/v1/institutions":                   {path: "/api/v1/institutions", want: anyToken},
	"GET /api/v1/institutions/{id}":              {path: "/api/v1/institutions/BJIM", want: anyToken},
	"GET /api/v1/institutions/{id}/history":      {path: "/api/v1/institutions/BJIM/history", want: anyToken},
	"GET /api/v1/capabilities":                   {path: "/api/v1/capabilities?institution=BJIM", want: anyToken},
	"GET /api/v1/capabilities/{id}":              {path: "/api/v1/capabilities/CMC-BJIM-T", want: anyToken},
	"GET /api/v1/capabilities/{id}/history":      {path: "/api/v1/capabilities/CMC-BJIM-T/history", want: anyToken},
	"GET /api/v1/standards":                      {path: "/api/v1/standards?institution=BJIM", want: anyToken},
	"GET /api/v1/standards/{id}":                 {path: "/api/v1/standards/BJIM-SPRT-01", want: anyToken},
	"GET /api/v1/standards/{id}/history":         {path: "/api/v1/standards/BJIM-SPRT-01/history", want: anyToken},
	"GET /api/v1/instruments":                    {path: "/api/v1/instruments?institution=BJIM", want: anyToken},
	"GET /api/v1/instruments/{id}":               {path: "/api/v1/instruments/BJIM-TH-OWNED", want: anyToken},
	"GET /api/v1/instruments/{id}/history":       {path: "/api/v1/instruments/BJIM-TH-OWNED/history", want: anyToken},
	"GET /api/v1/instruments/{id}/owner":         {path: "/api/v1/instruments/BJIM-TH-OWNED/owner", want: [7]int{200, 200, 403, 403, 200, 403, 401}},
	"GET /api/v1/certificates":                   {path: "/api/v1/certificates?issuer=BJIM", want: anyToken},
	"GET /api/v1/certificates/{id}":              {path: "/api/v1/certificates/BJIM-2024-T-0001", want: anyToken},
	"GET /api/v1/certificates/{id}/history":      {path: "/api/v1/certificates/BJIM-2024-T-0001/history", want: anyToken},
	"GET /api/v1/certificates/{id}/dcc":          {path: "/api/v1/certificates/BJIM-2024-T-0001/dcc?generate=true", want: anyToken},
	"GET /api/v1/comparisons":                    {path: "/api/v1/comparisons?institution=BJIM", want: anyToken},
	"GET /api/v1/comparisons/{id}":               {path: "/api/v1/comparisons/CMP-BJIM-T", want: anyToken},
	"GET /api/v1/comparisons/{id}/history":       {path: "/api/v1/comparisons/CMP-BJIM-T/history", want: anyToken},
	"GET /api/v1/agreements":                     {path: "/api/v1/agreements?party=BJIM", want: anyToken},
	"GET /api/v1/agreements/{id}":                {path: "/api/v1/agreements/AGR-BJIM-HB", want: anyToken},
	"GET /api/v1/agreements/{id}/history":        {path: "/api/v1/agreements/AGR-BJIM-HB/history", want: anyToken},
	"GET /api/v1/search":                         {path: "/api/v1/search?q=BJIM", want: anyToken},
	"GET /api/v1/trace/{subject_id}":             {path: "/api/v1/trace/HOSP-TH-0031", want: anyToken},
	"GET /api/v1/impact/{standard_id}":           {path: "/api/v1/impact/BJIM-SPRT-01?since=2024-01-01", want: anyToken},
	"GET /api/v1/recognition":                    {path: "/api/v1/recognition?certificate=BJIM-2024-T-0001&by=TJIM", want: anyToken},
	"GET /api/v1/trace/{subject_id}/graph.svg":   {path: "/api/v1/trace/HOSP-TH-0031/graph.svg", want: anyToken},
	"GET /api/v1/impact/{standard_id}/graph.svg": {path: "/api/v1/impact/BJIM-SPRT-01/graph.svg?since=2024-01-01", want: anyToken},
	"GET /api/v1/reports/trace/{subject_id}":     {path: "/api/v1/reports/trace/HOSP-TH-0031", want: anyToken},
	"GET /api/v1/reports/impact/{standard_id}":   {path: "/api/v1/reports/impact/BJIM-SPRT-01?since=2024-01-01", want: anyToken},
	"GET /api/v1/openapi.yaml":                   {path: "/api/v1/openapi.yaml", want: public},
	"GET /api/v1/vocabulary":                     {path: "/api/v1/vocabulary", want: public},
	"GET /healthz":                               {path: "/healthz", want: public},
	"GET /readyz":                                {path: "/readyz", want: public},
	"GET /metrics":                               {path: "/metrics", want: public},
	"POST /api/v1/verify": {path: "/api/v1/verify", want: public, body: func(e *dccEnv) ([]byte, string) {
		return dccFile(e.t, dccTemperature), "application/xml"
	}},
	"POST /api/v1/institutions": {path: "/api/v1/institutions", want: [7]int{403, 403, 403, 403, 201, 403, 401},
		body: jsonBody(`{"id":"BJ-NEW","name":"新机构","region":"BJ","msp_id":"BeijingMSP","kind":"enterprise"}`)},
	"POST /api/v1/capabilities": {path: "/api/v1/capabilities", want: ownerOnly(201),
		body: jsonBody(`{"id":"CMC-BJIM-NEW","institution_id":"BJIM","quantity":"temperature","range":{"min":-40,"max":100,"unit":"°C"},"uncertainty":{"value":10,"unit":"mK","k":2},"method":"JJG 229-2010","valid_until":"2030-12-31"}`)},
	"POST /api/v1/standards": {path: "/api/v1/standards", want: ownerOnly(201),
		body: jsonBody(`{"id":"BJIM-STD-NEW","institution_id":"BJIM","name":"工作用铂电阻","level":"working","quantity":"temperature","range":{"min":0,"max":100,"unit":"°C"},"uncertainty":{"value":20,"unit":"mK","k":2}}`)},
	"POST /api/v1/instruments": {path: "/api/v1/instruments", want: ownerOnly(201),
		body: jsonBody(`{"id":"BJIM-TH-NEW","institution_id":"BJIM","type":"thermometer","manufacturer":"m","model":"x","serial":"s1","quantity":"temperature","range":{"min":-50,"max":150,"unit":"°C"},"mpe":{"value":0.1,"unit":"°C"}}`)},
	"POST /api/v1/certificates": {path: "/api/v1/certificates", want: ownerOnly(201),
		body: jsonBody(`{"id":"BJIM-2024-T-NEW","kind":"calibration","issuer_id":"BJIM","subject_id":"HOSP-TH-0031","reference_ids":["BJIM-SPRT-01"],"quantity":"temperature","performed_on":"2024-05-02","valid_until":"2025-05-01","method":"JJG 229-2010","results":[{"value":20,"unit":"°C","uncertainty":{"value":20,"unit":"mK","k":2}}]}`)},
	"POST /api/v1/certificates/batch": {path: "/api/v1/certificates/batch", want: ownerOnly(201),
		body: jsonBody(`{"certificates":[{"id":"BJIM-2024-T-BATCH","kind":"calibration","issuer_id":"BJIM","subject_id":"HOSP-TH-0031","reference_ids":["BJIM-SPRT-01"],"quantity":"temperature","performed_on":"2024-05-02","valid_until":"2025-05-01","method":"JJG 229-2010","results":[{"value":20,"unit":"°C","uncertainty":{"value":20,"unit":"mK","k":2}}]}]}`)},
	"POST /api/v1/certificates/dcc": {path: "/api/v1/certificates/dcc", want: ownerOnly(201), body: func(e *dccEnv) ([]byte, string) {
		return dccFile(e.t, dccTemperature), "application/xml"
	}},
	"POST /api/v1/comparisons": {path: "/api/v1/comparisons", want: ownerOnly(201),
		body: jsonBody(`{"id":"CMP-BJIM-NEW","pilot_id":"BJIM","quantity":"temperature","completed_on":"2024-01-01","reference":{"value":20,"unit":"°C","uncertainty":{"value":10,"unit":"mK","k":2}},"results":[]}`)},
	"POST /api/v1/agreements": {path: "/api/v1/agreements", want: [7]int{201, 403, 403, 403, 201, 403, 401},
		body: jsonBody(`{"id":"AGR-NEW","parties":["BJIM","HB-AMR"],"quantities":["temperature"],"valid_from":"2024-01-01","valid_until":"2026-12-31"}`)},
	"POST /api/v1/standards/{id}/status": {path: "/api/v1/standards/BJIM-SPRT-01/status", want: ownerOnly(200),
		body: jsonBody(`{"status":"sealed","since":"2024-05-20","reason":"moved"}`)},
	"POST /api/v1/certificates/{id}/revoke": {path: "/api/v1/certificates/BJIM-2024-T-0001/revoke", want: ownerOnly(200),
		body: jsonBody(`{"reason":"wrong reading"}`)},
	"POST /api/v1/certificates/{id}/supersede": {path: "/api/v1/certificates/BJIM-2024-T-0001/supersede", want: ownerOnly(200),
		body: jsonBody(`{"replacement_id":"BJIM-2024-T-0002","reason":"reissued"}`)},
	"POST /api/v1/comparisons/{id}/results": {path: "/api/v1/comparisons/CMP-BJIM-T/results", want: ownerOnly(200),
		body: jsonBody(`[{"institution_id":"TJIM","value":20.01,"unit":"°C","uncertainty":{"value":20,"unit":"mK","k":2}}]`)},
	"GET /api/v1/signing-certificates":              {path: "/api/v1/signing-certificates?institution=BJIM", want: anyToken},
	"GET /api/v1/signing-certificates/{id}":         {path: "/api/v1/signing-certificates/BJS-M", want: anyToken},
	"GET /api/v1/signing-certificates/{id}/history": {path: "/api/v1/signing-certificates/BJS-M/history", want: anyToken},
	"POST /api/v1/signing-certificates": {path: "/api/v1/signing-certificates", want: [7]int{201, 403, 403, 403, 201, 403, 401},
		body: func(e *dccEnv) ([]byte, string) {
			return []byte(signingCertificateBody(e.t, "BJS-NEW")), "application/json"
		}},
	"POST /api/v1/signing-certificates/{id}/revoke": {path: "/api/v1/signing-certificates/BJS-M/revoke", want: [7]int{200, 403, 403, 403, 200, 403, 401},
		body: jsonBody(`{"revoked_on":"2025-01-01","reason":"key lost"}`)},
	"POST /api/v1/agreements/{id}/approve": {path: "/api/v1/agreements/AGR-BJIM-HB/approve", want: [7]int{200, 400, 400, 403, 403, 403, 401},
		body: jsonBody(`{}`)},
}

// signingCertificateBody is a signing certificate of BJIM, with its chain.
func signingCertificateBody(t *testing.T, id string) string {
	t.Helper()
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	signer := signaturetest.NewRoot(t, "Matrix Root", from, from.AddDate(10, 0, 0)).NewSigner(t, "BJIM DCC", from, from.AddDate(5, 0, 0))
	return mustJSON(t, map[string]any{"id": id, "institution_id": "BJIM", "certificate": signaturetest.PEM(signer.Cert), "chain": signer.ChainPEM()})
}

// seedMatrix adds to the DCC fixture what the matrix's requests name: NIM,
// the inspector's institution, and records of BJIM of every kind.
func seedMatrix(e *dccEnv) {
	e.t.Helper()
	ctx := context.Background()
	bjOp := e.as("BeijingMSP", auth.RoleOperator, "")
	bj := e.as("BeijingMSP", auth.RoleRecorder, "BJIM")
	e.create(bjOp, record.DocInstitution, nim)
	e.inspector()
	e.create(bj, record.DocCapability, &record.Capability{ID: "CMC-BJIM-T", InstitutionID: "BJIM", Quantity: "temperature",
		Range: record.Range{Min: -50, Max: 420, Unit: "°C"}, Uncertainty: u(10, "mK"), Method: "JJG 229-2010", ValidUntil: "2030-12-31"})
	for _, id := range []string{"BJIM-2024-T-0001", "BJIM-2024-T-0002"} {
		e.create(bj, record.DocCertificate, &record.Certificate{ID: id, Kind: "calibration", IssuerID: "BJIM", SubjectID: "HOSP-TH-0031",
			ReferenceIDs: []string{"BJIM-SPRT-01"}, Quantity: "temperature", PerformedOn: "2024-05-01", ValidUntil: "2025-04-30", Method: "JJG 229-2010",
			Results: []record.Result{{Value: 20, Unit: "°C", Uncertainty: up(20, "mK")}}})
	}
	e.create(bj, record.DocComparison, &record.Comparison{ID: "CMP-BJIM-T", PilotID: "BJIM", Quantity: "temperature", CompletedOn: "2024-01-10",
		Reference: record.Result{Value: 20, Unit: "°C", Uncertainty: up(10, "mK")}, Results: []record.ComparisonResult{}})
	e.create(bjOp, record.DocAgreement, &record.Agreement{ID: "AGR-BJIM-HB", Parties: []string{"BJIM", "HB-AMR"}, Quantities: []string{"temperature"},
		ValidFrom: "2024-01-01", ValidUntil: "2026-12-31"})
	e.post("/api/v1/signing-certificates", e.operator("BeijingMSP"), signingCertificateBody(e.t, "BJS-M")).expect(e.t, 201)
	inst := &record.Instrument{ID: "BJIM-TH-OWNED", InstitutionID: "BJIM", Type: "thermometer", Manufacturer: "m", Model: "x", Serial: "s0",
		Quantity: "temperature", Range: record.Range{Min: -50, Max: 150, Unit: "°C"}, MPE: record.Value{Value: 0.1, Unit: "°C"}}
	w, err := e.client.Create(ctx, bj, record.DocInstrument, []byte(mustJSON(e.t, inst)),
		map[string][]byte{record.TransientOwner: []byte(`{"owner_name":"北京某医院","contact":"010-1234"}`)})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.index.WaitFor(ctx, w.Receipt.BlockNumber); err != nil {
		e.t.Fatal(err)
	}
}

// operations lists "METHOD /path" of every operation of the OpenAPI document.
func operations(t *testing.T) []string {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(httpapi.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, method+" "+path)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		pi, pj := strings.SplitN(ops[i], " ", 2)[1], strings.SplitN(ops[j], " ", 2)[1]
		if pi != pj {
			return pi < pj
		}
		return ops[i] < ops[j]
	})
	return ops
}

// TestAuthorizationMatrix sends every OpenAPI operation as every kind of
// caller and checks the answer of each cell, and that only an accepted
// write adds a block; a write expected to apply runs on a fresh ledger, so
// one caller's success does not change another's answer. It also checks docs/RELIABILITY.md prints this matrix
// (METROTRACE_UPDATE_DOCS=1 rewrites it).
func TestAuthorizationMatrix(t *testing.T) {
	ops := operations(t)
	for _, op := range ops {
		if _, ok := matrixRows[op]; !ok {
			t.Errorf("operation %s has no row in the authorization matrix", op)
		}
	}
	for op := range matrixRows {
		if !contains(ops, op) {
			t.Errorf("matrix row %s is not an operation of the OpenAPI document", op)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	shared := newDCCEnv(t)
	seedMatrix(shared)
	cells := 0
	for _, op := range ops {
		row := matrixRows[op]
		method := strings.SplitN(op, " ", 2)[0]
		for i, c := range matrixCallers {
			t.Run(op+" as "+c.name, func(t *testing.T) {
				e := shared
				// A write expected to apply runs on a fresh ledger; a
				// refused one runs on the shared one, which the height
				// check below proves it leaves alone.
				if method == "POST" && op != "POST /api/v1/verify" && row.want[i]/100 == 2 {
					e = newDCCEnv(t)
					seedMatrix(e)
				}
				r := req{method: method, path: row.path, header: map[string]string{}}
				if !c.anonymous {
					r.token = e.token(c.role, c.msp, c.inst)
				}
				if row.body != nil {
					data, ct := row.body(e)
					r.body = data
					r.header["Content-Type"] = ct
				}
				before, err := e.ledger.Height(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				res := e.do(r)
				if res.status != row.want[i] {
					t.Fatalf("status %d, want %d: %.300s", res.status, row.want[i], res.body)
				}
				after, err := e.ledger.Height(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if wrote := after != before; wrote != (method == "POST" && res.status/100 == 2 && op != "POST /api/v1/verify") {
					t.Fatalf("status %d, but height %d → %d", res.status, before, after)
				}
			})
			cells++
		}
	}
	t.Logf("authorization matrix: %d operations × %d callers = %d cells tested", len(ops), len(matrixCallers), cells)
	checkDoc(t, "authorization-matrix", renderMatrix(ops))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// renderMatrix prints the matrix as a Markdown table.
func renderMatrix(ops []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d operations of the OpenAPI document × %d callers = %d cells, each tested by `TestAuthorizationMatrix` (gateway/httpapi). "+
		"The records named belong to BJIM (BeijingMSP). Each cell also checks that the ledger grew by one block exactly when a write was accepted.\n\n", len(ops), len(matrixCallers), len(ops)*len(matrixCallers))
	b.WriteString("| operation |")
	for _, c := range matrixCallers {
		b.WriteString(" " + c.name + " |")
	}
	b.WriteString("\n|---|")
	for range matrixCallers {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, op := range ops {
		fmt.Fprintf(&b, "| `%s` |", op)
		for _, s := range matrixRows[op].want {
			fmt.Fprintf(&b, " %d |", s)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// checkDoc checks that docs/RELIABILITY.md holds content between the
// markers of section, or rewrites it there when METROTRACE_UPDATE_DOCS=1.
func checkDoc(t *testing.T, section, content string) {
	t.Helper()
	path := filepath.Join("..", "..", "docs", "RELIABILITY.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	begin, end := "<!-- "+section+":begin -->\n", "<!-- "+section+":end -->"
	doc := string(data)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers %q and %q", path, begin, end)
	}
	current := doc[i+len(begin) : j]
	if current == content {
		return
	}
	if os.Getenv("METROTRACE_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(doc[:i+len(begin)]+content+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the %s section of %s", section, path)
		return
	}
	t.Errorf("the %s section of %s is not current; run METROTRACE_UPDATE_DOCS=1 go test -run TestAuthorizationMatrix ./gateway/httpapi/", section, path)
}
