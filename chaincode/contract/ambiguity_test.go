package contract_test

import (
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// TestAmbiguousInputIsRefusedAndWritesNothing covers the records a lenient
// decoder would store with a meaning nobody sent: keys given twice, text
// that is not UTF-8, implausible dates, negative magnitudes. Each is refused
// by the chaincode, so every client meets the same rule.
func TestAmbiguousInputIsRefusedAndWritesNothing(t *testing.T) {
	f := scenario.New()
	l := newLedger(t)
	l.load(f)
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	nim := l.as("BeijingMSP", "recorder", "NIM")
	bj := l.as("BeijingMSP", "recorder", "BJIM")
	std := `{"id":"TJ-ENT-S2","institution_id":"TJ-ENT","name":"砝码","level":"working","quantity":"mass",` +
		`"range":{"min":1,"max":100,"unit":"g"},"uncertainty":{"value":1,"unit":"mg","k":2}}`
	cert := `{"id":"TJENT-X-1","kind":"calibration","issuer_id":"TJ-ENT","subject_id":"TJ-ENT-WS","reference_ids":["TJ-ENT-STD"],` +
		`"quantity":"mass","performed_on":"2024-05-01","valid_until":"2025-04-30","method":"JJG 99-2022",` +
		`"results":[{"value":1,"unit":"kg","uncertainty":{"value":2,"unit":"mg","k":2}}]}`
	cmc := `{"id":"CMC-X","institution_id":"BJIM","quantity":"length","range":{"min":1,"max":100,"unit":"mm"},"uncertainty":{"value":1,"unit":"um","k":2},"method":"JJG 21","valid_until":"2030-01-01"}`
	cmp := `{"id":"CMP-2","pilot_id":"NIM","quantity":"mass","completed_on":"2024-01-01","reference":{"value":1,"unit":"kg","uncertainty":{"value":1,"unit":"mg","k":2}},"results":[]}`
	rep := func(s, old, new string) string {
		if !strings.Contains(s, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(s, old, new, 1)
	}
	tests := []struct {
		name string
		who  *identityT
		fn   string
		args []string
		msg  string
	}{
		{"id given twice", tj, "IssueCertificate", []string{rep(cert, `"kind"`, `"id":"TJENT-X-2","kind"`)}, `field "id" is given twice`},
		{"issuer_id given twice", tj, "IssueCertificate", []string{rep(cert, `"subject_id"`, `"issuer_id":"TJIM","subject_id"`)}, `field "issuer_id" is given twice`},
		{"nested key given twice", tj, "RegisterStandard", []string{rep(std, `"max":100`, `"max":100,"max":5`)}, `field "range.max" is given twice`},
		{"key in an array element given twice", tj, "IssueCertificate", []string{rep(cert, `"unit":"kg"`, `"unit":"kg","unit":"g"`)}, `field "results[0].unit" is given twice`},
		{"key given twice in another case", tj, "RegisterStandard", []string{rep(std, `"name"`, `"NAME":"x","name"`)}, `field "name" is given twice`},
		{"invalid UTF-8 in free text", tj, "RegisterStandard", []string{rep(std, `砝码`, "\xff\xfe")}, `field "name" is not valid UTF-8 text`},
		{"truncated UTF-8 sequence", tj, "IssueCertificate", []string{rep(cert, `JJG 99-2022`, "JJG \xe7\xa0")}, `field "method" is not valid UTF-8 text`},
		{"unpaired surrogate escape", tj, "RegisterStandard", []string{rep(std, `砝码`, `\ud800x`)}, `field "name" is not valid UTF-8 text`},
		{"invalid UTF-8 in a revocation reason", tj, "RevokeCertificate", []string{"TJENT-2024-0007", "bad \xc3"}, "reason is not valid UTF-8 text"},
		{"invalid UTF-8 in a status reason", tj, "SetStandardStatus", []string{"TJ-ENT-STD", "sealed", "2024-05-01", "\x80"}, "reason is not valid UTF-8 text"},
		{"certificate performed after the transaction", tj, "IssueCertificate", []string{rep(rep(cert, `"performed_on":"2024-05-01"`, `"performed_on":"2099-01-01"`), `"2025-04-30"`, `"2100-01-01"`)}, "performed_on 2099-01-01 is after the transaction's date 2024-06-01"},
		{"certificate performed in year 1", tj, "IssueCertificate", []string{rep(cert, `"performed_on":"2024-05-01"`, `"performed_on":"0001-01-01"`)}, "performed_on 0001-01-01 is not a plausible date (years 1900 to 2200)"},
		{"certificate valid until 9999", tj, "IssueCertificate", []string{rep(cert, `"valid_until":"2025-04-30"`, `"valid_until":"9999-12-31"`)}, "valid_until 9999-12-31 is not a plausible date"},
		{"capability valid until 2201", bj, "RegisterCapability", []string{rep(cmc, `"2030-01-01"`, `"2201-01-01"`)}, "valid_until 2201-01-01 is not a plausible date"},
		{"status change in 1899", tj, "SetStandardStatus", []string{"TJ-ENT-STD", "sealed", "1899-12-31", "x"}, "since 1899-12-31 is not a plausible date"},
		{"comparison completed after the transaction", nim, "RecordComparison", []string{rep(cmp, `"2024-01-01"`, `"2024-06-02"`)}, "completed_on 2024-06-02 is after the transaction's date 2024-06-01"},
		{"negative length range", bj, "RegisterCapability", []string{rep(cmc, `"min":1,"max":100`, `"min":-100,"max":-1`)}, "range.min must not be negative: length is a magnitude, got -100"},
		{"negative mass range", tj, "RegisterStandard", []string{rep(std, `"min":1`, `"min":-1`)}, "range.min must not be negative: mass is a magnitude, got -1"},
		{"negative mass result", tj, "IssueCertificate", []string{rep(cert, `"value":1,"unit":"kg"`, `"value":-1,"unit":"kg"`)}, "results[0].value must not be negative: mass is a magnitude, got -1"},
		{"range with min above max", bj, "RegisterCapability", []string{rep(cmc, `"min":1,"max":100`, `"min":100,"max":1`)}, "range: min 100 is greater than max 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := l.height()
			_, err := l.submit(tt.who, tt.fn, tt.args...)
			wantCode(t, err, record.Invalid)
			if !strings.Contains(err.(*record.Error).Message, tt.msg) {
				t.Fatalf("message = %q, want it to contain %q", err.(*record.Error).Message, tt.msg)
			}
			if after := l.height(); after != before {
				t.Fatalf("height %d → %d: a rejected transaction wrote", before, after)
			}
		})
	}
	for _, id := range [][2]string{{"standard", "TJ-ENT-S2"}, {"certificate", "TJENT-X-1"}, {"certificate", "TJENT-X-2"}, {"capability", "CMC-X"}, {"comparison", "CMP-2"}} {
		if _, err := l.evaluate(tj, "Get", id[0], id[1]); record.ErrorCode(err) != record.NotFound {
			t.Errorf("%s %s exists after rejected writes (err %v)", id[0], id[1], err)
		}
	}
	if got := decode[record.Certificate](t, l.mustEvaluate(tj, "Get", "certificate", "TJENT-2024-0007")).Status; got != record.CertValid {
		t.Errorf("certificate TJENT-2024-0007 is %s after a refused revocation", got)
	}

	t.Run("signed quantities may be negative", func(t *testing.T) {
		for _, c := range []struct{ id, quantity, min, unit, uunit string }{
			{"CMC-T", "temperature", "-40", "°C", "K"},
			{"CMC-P", "pressure", "-100", "kPa", "Pa"},
			{"CMC-V", "voltage", "-10", "V", "mV"},
		} {
			body := `{"id":"` + c.id + `","institution_id":"BJIM","quantity":"` + c.quantity + `","range":{"min":` + c.min + `,"max":100,"unit":"` + c.unit + `"},` +
				`"uncertainty":{"value":1,"unit":"` + c.uunit + `","k":2},"method":"m","valid_until":"2030-01-01"}`
			out := l.mustSubmit(bj, "RegisterCapability", body)
			if got := decode[record.Capability](t, out).Range.Min; got >= 0 {
				t.Errorf("%s: range.min stored as %g", c.id, got)
			}
		}
	})
	t.Run("U+FFFD spelled out is text, not an error", func(t *testing.T) {
		out := l.mustSubmit(tj, "RegisterStandard", rep(rep(std, `砝码`, `\ufffd and �`), `TJ-ENT-S2`, `TJ-ENT-S3`))
		if got := decode[record.Standard](t, out).Name; got != "\uFFFD and \uFFFD" {
			t.Errorf("name stored as %q", got)
		}
	})
}
