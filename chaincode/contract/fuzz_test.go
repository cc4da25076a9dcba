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

// invokeEntry is a chaincode function FuzzInvoke calls, with who calls it
// and how many string arguments it takes.
type invokeEntry struct {
	fn, msp, role, inst string
	arity               int
	submit              bool
}

// invokeEntries are every transaction function but the creates (FuzzCreate
// covers those): the status changes and additions, and every query.
var invokeEntries = []invokeEntry{
	{"SetStandardStatus", "TianjinMSP", "recorder", "TJ-ENT", 4, true},
	{"RevokeCertificate", "TianjinMSP", "recorder", "TJ-ENT", 2, true},
	{"SupersedeCertificate", "TianjinMSP", "recorder", "TJ-ENT", 3, true},
	{"AddComparisonResults", "BeijingMSP", "recorder", "NIM", 2, true},
	{"ApproveAgreement", "HebeiMSP", "recorder", "HBIM", 2, true},
	{"Get", "BeijingMSP", "inspector", "BJIM", 2, false},
	{"History", "BeijingMSP", "inspector", "BJIM", 2, false},
	{"List", "BeijingMSP", "inspector", "BJIM", 4, false},
	{"GetInstrumentOwner", "TianjinMSP", "inspector", "TJ-ENT", 1, false},
	{"FindByDCC", "BeijingMSP", "inspector", "BJIM", 1, false},
	{"Trace", "BeijingMSP", "inspector", "BJIM", 2, false},
	{"Impact", "BeijingMSP", "inspector", "BJIM", 3, false},
	{"Recognize", "BeijingMSP", "inspector", "BJIM", 3, false},
}

// FuzzInvoke calls every other chaincode function through the contract's
// invoke path with arbitrary arguments. No input panics or is an internal
// error; a refused submit writes nothing and an accepted one writes one
// block; a query never writes.
func FuzzInvoke(f *testing.F) {
	fx := scenario.New()
	seeds := [][]string{
		{"TJ-ENT-STD", "sealed", "2024-05-01", "moved"},
		{"TJENT-2024-0007", "wrong mass"},
		{"TJENT-2024-0007", "TJENT-2024-0008", "reissued"},
		{"CMP-MASS-2023", `[{"institution_id":"TJIM","value":1,"unit":"kg","uncertainty":{"value":1,"unit":"mg","k":2}}]`},
		{"AGR-JJJ-2024", "HBIM"},
		{"certificate", "TJENT-2024-0007"},
		{"standard", "TJ-ENT-STD"},
		{"certificates_by_subject", "TJ-BAL-001", "2", ""},
		{"TJ-BAL-001"},
		{"0000000000000000000000000000000000000000000000000000000000000000"},
		{"TJ-BAL-001", "2024-05-01"},
		{"NIM-MASS-P", "2020-01-01", "true"},
		{"TJENT-2024-0007", "BJIM", "2024-05-01"},
	}
	for i, s := range seeds {
		args := append(s, "", "", "", "")[:4]
		f.Add(uint8(i), args[0], args[1], args[2], args[3])
	}
	f.Add(uint8(0), "TJ-ENT-STD", "sealed", "0001-01-01", "\xff")
	f.Add(uint8(7), "certificates_by_subject", "x", "-1", "\x00")
	l := newLedger(f)
	l.load(fx)
	for _, c := range invokeEntries {
		l.as(c.msp, c.role, c.inst)
	}
	f.Fuzz(func(t *testing.T, which uint8, a, b, c, d string) {
		l.t = t
		e := invokeEntries[int(which)%len(invokeEntries)]
		who := l.as(e.msp, e.role, e.inst)
		args := []string{a, b, c, d}[:e.arity]
		before := l.height()
		var err error
		if e.submit {
			_, err = l.submit(who, e.fn, args...)
		} else {
			_, err = l.evaluate(who, e.fn, args...)
		}
		after := l.height()
		if err != nil && record.ErrorCode(err) == record.Internal {
			t.Fatalf("%s(%q): internal error %v", e.fn, args, err)
		}
		switch {
		case !e.submit && after != before:
			t.Fatalf("query %s(%q) wrote: height %d → %d", e.fn, args, before, after)
		case e.submit && err != nil && after != before:
			t.Fatalf("%s(%q) failed with %v but wrote", e.fn, args, err)
		case e.submit && err == nil && after != before+1:
			t.Fatalf("%s(%q) accepted but height %d → %d", e.fn, args, before, after)
		}
	})
}
