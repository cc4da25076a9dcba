package conformance

import (
	"encoding/json"
	"reflect"
	"testing"
)

// fieldErrorsScenario sends a standard and a certificate with several
// wrong values and checks the answer lists every wrong field, exactly, and
// wrote nothing: on Fabric the details cross the peers inside the
// chaincode's error message. It returns the answers for comparison across
// backends.
func fieldErrorsScenario(t *testing.T, tg *target) []string {
	t.Helper()
	token := tg.token(t, "BeijingMSP", "recorder", "c00-BJIM")
	type detail struct{ Field, Message string }
	tests := []struct {
		path, body string
		want       []detail
	}{
		{"/api/v1/standards", `{"id":"c00-BJ-BAD","institution_id":"c00-BJIM","name":"","level":"public","quantity":"mass",` +
			`"range":{"min":5,"max":1,"unit":"g"},"uncertainty":{"value":1,"unit":"mm","k":2}}`, []detail{
			{"name", "name is required"},
			{"range.min", "range: min 5 is greater than max 1"},
			{"uncertainty.unit", `uncertainty.unit: incompatible units: unit "mm" measures length, not mass`},
			{"approval", "approval is required for a public standard"},
		}},
		{"/api/v1/certificates", `{"id":"c00-BAD-1","kind":"verification","issuer_id":"c00-BJIM","subject_id":"c00-BJ-STD-MASS",` +
			`"reference_ids":["c00-BJ-STD-MASS"],"quantity":"mass","performed_on":"2024-05-10","valid_until":"2024-05-01","method":"m"}`, []detail{
			{"reference_ids[0]", "certificate c00-BAD-1 references its own subject c00-BJ-STD-MASS"},
			{"valid_until", "valid_until 2024-05-01 is before performed_on 2024-05-10"},
			{"conformity", "conformity is required (one of pass, fail)"},
		}},
	}
	var out []string
	for _, tt := range tests {
		before := ledgerHeight(t, tg)
		code, body := tg.do(t, "POST", tt.path, token, tt.body)
		var eb struct {
			Error struct {
				Code    string   `json:"code"`
				Details []detail `json:"details"`
			} `json:"error"`
		}
		if err := json.Unmarshal(body, &eb); err != nil || code != 400 || eb.Error.Code != "invalid" {
			t.Fatalf("POST %s on %s: %d %s, want a 400 invalid", tt.path, tg.name, code, body)
		}
		if !reflect.DeepEqual(eb.Error.Details, tt.want) {
			t.Errorf("POST %s on %s: details\n%+v\nwant\n%+v", tt.path, tg.name, eb.Error.Details, tt.want)
		}
		if after := ledgerHeight(t, tg); after != before {
			t.Errorf("POST %s on %s moved the ledger from height %d to %d", tt.path, tg.name, before, after)
		}
		out = append(out, canonical(t, body))
	}
	return out
}

// ledgerHeight asks /readyz for the ledger's height.
func ledgerHeight(t *testing.T, tg *target) uint64 {
	t.Helper()
	_, body := tg.do(t, "GET", "/readyz", "", nil)
	var r struct {
		LedgerHeight uint64 `json:"ledger_height"`
	}
	if err := json.Unmarshal(body, &r); err != nil || r.LedgerHeight == 0 {
		t.Fatalf("readyz on %s: %s", tg.name, body)
	}
	return r.LedgerHeight
}
