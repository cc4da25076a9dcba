package contract_test

import (
	"encoding/json"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// FuzzCreate submits arbitrary JSON to every create function. Whatever the
// input, the chaincode must not panic; a refused transaction writes nothing;
// an accepted one stores exactly the record it returns.
func FuzzCreate(f *testing.F) {
	fns := []struct{ fn, msp, role, inst, docType string }{
		{"RegisterInstitution", "TianjinMSP", "operator", "", record.DocInstitution},
		{"RegisterCapability", "TianjinMSP", "recorder", "TJ-ENT", record.DocCapability},
		{"RegisterStandard", "TianjinMSP", "recorder", "TJ-ENT", record.DocStandard},
		{"RegisterInstrument", "TianjinMSP", "recorder", "TJ-ENT", record.DocInstrument},
		{"IssueCertificate", "TianjinMSP", "recorder", "TJ-ENT", record.DocCertificate},
		{"RecordComparison", "TianjinMSP", "recorder", "TJ-ENT", record.DocComparison},
		{"ProposeAgreement", "TianjinMSP", "operator", "", record.DocAgreement},
	}
	fx := scenario.New()
	seeds := []any{fx.Institutions[3], fx.Capabilities[2], fx.Standards[3], fx.Instruments[0], fx.Certificates[2], fx.Comparisons[0], fx.Agreements[0]}
	for i, s := range seeds {
		b, _ := json.Marshal(s)
		f.Add(uint8(i), string(b))
	}
	f.Add(uint8(2), `{"id":"S","institution_id":"TJ-ENT","name":"n","level":"working","quantity":"mass","range":{"min":1e308,"max":1e309,"unit":"g"}}`)
	f.Add(uint8(4), `{"id":"C","kind":"calibration","results":[{"value":1,"unit":"\u0000"}]}`)
	l := newLedger(f)
	l.load(fx)
	for _, c := range fns {
		l.as(c.msp, c.role, c.inst)
	}
	f.Fuzz(func(t *testing.T, which uint8, input string) {
		l.t = t // inputs run one at a time in a worker
		c := fns[int(which)%len(fns)]
		who := l.as(c.msp, c.role, c.inst)
		before := l.height()
		out, err := l.submit(who, c.fn, input)
		if err != nil {
			if record.ErrorCode(err) == record.Internal {
				t.Fatalf("%s(%q): internal error %v", c.fn, input, err)
			}
			if l.height() != before {
				t.Fatalf("%s(%q) failed with %v but wrote", c.fn, input, err)
			}
			return
		}
		if l.height() != before+1 {
			t.Fatalf("%s accepted but height %d → %d", c.fn, before, l.height())
		}
		var id struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(out), &id); err != nil {
			t.Fatalf("answer %q: %v", out, err)
		}
		if stored := l.mustEvaluate(who, "Get", c.docType, id.ID); stored != out {
			t.Fatalf("stored %s, answered %s", stored, out)
		}
	})
}
