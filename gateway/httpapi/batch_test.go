package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// batchOf is a batch body of copies of certBal with the given ids.
func batchOf(t *testing.T, ids ...string) map[string]any {
	t.Helper()
	certs := make([]json.RawMessage, len(ids))
	for i, id := range ids {
		c := *certBal
		c.ID = id
		certs[i] = json.RawMessage(mustJSON(t, &c))
	}
	return map[string]any{"certificates": certs}
}

func TestCertificateBatchIsOneTransaction(t *testing.T) {
	e := newEnv(t)
	e.seed()
	rec := e.recorderOf("BeijingMSP", "BJIM")
	before := e.height()
	r := e.post("/api/v1/certificates/batch", rec, batchOf(t, "BJIM-B-1", "BJIM-B-2", "BJIM-B-3"))
	m := r.expect(t, 201)
	certs, _ := m["certificates"].([]any)
	if len(certs) != 3 {
		t.Fatalf("answer %s", r.body)
	}
	for i, c := range certs {
		cm := c.(map[string]any)
		if cm["id"] != fmt.Sprintf("BJIM-B-%d", i+1) || cm["status"] != "valid" || cm["doc_type"] != "certificate" {
			t.Fatalf("certificate %d stored as %v", i, cm)
		}
	}
	if got := e.height(); got != before+1 {
		t.Fatalf("height %d → %d, want one transaction", before, got)
	}
	if r.header.Get("X-Transaction-ID") == "" || r.header.Get("X-Block-Number") != fmt.Sprint(before) {
		t.Fatalf("headers %v", r.header)
	}
	// Every record of the batch's one event reaches the read model.
	for _, id := range []string{"BJIM-B-1", "BJIM-B-2", "BJIM-B-3"} {
		if got := e.get("/api/v1/certificates/"+id, e.inspector()).expect(t, 200); got["id"] != id {
			t.Fatalf("read %s: %v", id, got)
		}
	}
}

func TestCertificateBatchRefusedNamesEveryItem(t *testing.T) {
	e := newEnv(t)
	e.seed()
	rec := e.recorderOf("BeijingMSP", "BJIM")
	before := e.height()
	body := batchOf(t, "BJIM-B-1", "BJIM-2024-0042", "BJIM-B-1")
	r := e.post("/api/v1/certificates/batch", rec, body)
	r.expectError(t, 409, "conflict", "issue certificates: 2 of 3 refused, nothing written: item 1: conflict: certificate BJIM-2024-0042 already exists; item 2: conflict")
	var eb struct {
		Error struct {
			Details []record.ItemError `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.body, &eb); err != nil {
		t.Fatal(err)
	}
	// The batch's own reason comes first, under no field and no index.
	if len(eb.Error.Details) == 0 || eb.Error.Details[0].Code != record.Code(record.ReasonBatchRefused) ||
		fmt.Sprint(eb.Error.Details[0].Params) != "map[refused:2 total:3]" || strings.Contains(string(r.body), `"index":0`) {
		t.Fatalf("details %s: want the reason batch_refused (refused 2, total 3) first, without an index", r.body)
	}
	// Each item: its class as code, and its own reason with its params.
	items := eb.Error.Details[1:]
	want := []record.ItemError{
		{Index: 1, Code: record.Conflict, Message: "certificate BJIM-2024-0042 already exists",
			Reason: record.ReasonAlreadyExists, Params: record.Params{"kind": "certificate", "id": "BJIM-2024-0042"}},
		{Index: 2, Code: record.Conflict, Message: "certificate BJIM-B-1 is also item 0 of this batch",
			Reason: record.ReasonBatchTwice, Params: record.Params{"kind": "certificate", "id": "BJIM-B-1", "index": "0"}},
	}
	if fmt.Sprint(items) != fmt.Sprint(want) {
		t.Fatalf("details %+v, want %+v", items, want)
	}
	if e.height() != before {
		t.Fatal("a refused batch wrote")
	}
	e.get("/api/v1/certificates/BJIM-B-1", e.inspector()).expectError(t, 404, "not_found", "BJIM-B-1")
}

func TestCertificateBatchBadInput(t *testing.T) {
	e := newEnv(t)
	e.seed()
	rec := e.recorderOf("BeijingMSP", "BJIM")
	ids := make([]string, record.MaxBatch+1)
	for i := range ids {
		ids[i] = fmt.Sprintf("BJIM-M-%d", i)
	}
	wrongType := `{"certificates":[` + strings.Replace(mustJSON(t, certBal), `"quantity":"mass"`, `"quantity":5`, 1) + `]}`
	tests := []struct {
		name   string
		token  string
		body   any
		status int
		code   string
		msg    string
	}{
		{"not JSON", rec, `{"certificates":`, 400, "invalid", ""},
		{"no certificates", rec, `{"certificates":[]}`, 400, "invalid", ""},
		{"unknown field", rec, `{"certificates":[{}],"colour":"red"}`, 400, "invalid", ""},
		{"an item not an object", rec, `{"certificates":[1]}`, 400, "invalid", ""},
		{"too many", rec, batchOf(t, ids...), 400, "invalid", "maximum number of items is 500"},
		{"an item of the wrong type", rec, wrongType, 400, "invalid", `item 0: invalid: issue certificate: malformed JSON: field "quantity" must be string, not number`},
		{"an inspector", e.inspector(), batchOf(t, "BJIM-B-1"), 403, "forbidden", ""},
		{"another institution's recorder", e.recorderOf("BeijingMSP", "NIM"), batchOf(t, "BJIM-B-1"), 403, "forbidden", "item 0: forbidden"},
		{"no token", "", batchOf(t, "BJIM-B-1"), 401, "unauthorized", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := e.height()
			e.post("/api/v1/certificates/batch", tc.token, tc.body).expectError(t, tc.status, tc.code, tc.msg)
			if e.height() != h {
				t.Fatal("a refused batch wrote")
			}
		})
	}
}
