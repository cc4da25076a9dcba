package record_test

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// FuzzDecode feeds arbitrary bytes to the strict JSON decoder every record
// and HTTP body goes through. It never panics, refuses only with Invalid,
// accepts only valid UTF-8, and what it accepts re-encodes to JSON that it
// accepts again as the same record.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"id":"C1","kind":"calibration","issuer_id":"TJIM","results":[{"value":1,"unit":"kg","uncertainty":{"value":1,"unit":"mg","k":2}}]}`))
	f.Add([]byte(`{"id":"x","id":"y"}`))
	f.Add([]byte(`{"id":"x","ID":"y"}`))
	f.Add([]byte(`{"method":"\ud800"}`))
	f.Add([]byte("{\"method\":\"\xff\"}"))
	f.Add([]byte(`{"results":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`))
	f.Add([]byte(`{"results":[{"value":1,"unit":"g"},{"value":2,"unit":"g","unit":"kg"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c record.Certificate
		err := record.Decode(data, &c)
		if err != nil {
			if code := record.ErrorCode(err); code != record.Invalid {
				t.Fatalf("Decode(%q): code %s (%v), want invalid", data, code, err)
			}
			return
		}
		if !utf8.Valid(data) {
			t.Fatalf("Decode accepted invalid UTF-8 %q", data)
		}
		out, err := json.Marshal(&c)
		if err != nil {
			t.Fatal(err)
		}
		var again record.Certificate
		if err := record.Decode(out, &again); err != nil {
			t.Fatalf("re-encoded %s refused: %v", out, err)
		}
		if b, _ := json.Marshal(&again); string(b) != string(out) {
			t.Fatalf("round trip %s → %s", out, b)
		}
	})
}
