package contract_test

import (
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// TestMalformedInputIsRefusedAndWritesNothing feeds every kind of bad input
// to the create functions.
func TestMalformedInputIsRefusedAndWritesNothing(t *testing.T) {
	f := scenario.New()
	l := newLedger(t)
	l.load(f)
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	bj := l.as("BeijingMSP", "recorder", "BJIM")
	nim := l.as("BeijingMSP", "recorder", "NIM")
	op := l.as("TianjinMSP", "operator", "")
	std := `{"id":"TJ-ENT-S2","institution_id":"TJ-ENT","name":"砝码","level":"working","quantity":"mass",` +
		`"range":{"min":1,"max":100,"unit":"g"},"uncertainty":{"value":1,"unit":"mg","k":2}}`
	cert := func(mod func(string) string) string {
		return mod(`{"id":"TJENT-X-1","kind":"calibration","issuer_id":"TJ-ENT","subject_id":"TJ-ENT-WS","reference_ids":["TJ-ENT-STD"],` +
			`"quantity":"mass","performed_on":"2024-05-01","valid_until":"2025-04-30","method":"JJG 99-2022",` +
			`"results":[{"value":1,"unit":"kg","uncertainty":{"value":2,"unit":"mg","k":2}}]}`)
	}
	instrument := func(extra string) string {
		return `{"id":"TJ-SCALE-X","institution_id":"TJ-ENT","type":"scale","manufacturer":"m","model":"x","serial":"1",` +
			`"quantity":"mass","range":{"min":0,"max":15,"unit":"kg"},"mpe":{"value":5,"unit":"g"},` + extra + `}`
	}
	rep := func(old, new string) func(string) string {
		return func(s string) string { return strings.Replace(s, old, new, 1) }
	}
	tests := []struct {
		name string
		who  func() any
		fn   string
		args []string
		code record.Code
		msg  string
	}{
		{"bad JSON", nil, "RegisterStandard", []string{`{"id":`}, record.Invalid, "malformed JSON"},
		{"not an object", nil, "RegisterStandard", []string{`[1,2]`}, record.Invalid, "malformed JSON"},
		{"trailing data", nil, "RegisterStandard", []string{std + `{}`}, record.Invalid, "unexpected data after the JSON value"},
		{"wrong type", nil, "RegisterStandard", []string{strings.Replace(std, `"min":1`, `"min":"1"`, 1)}, record.Invalid, `field "range.min" must be float64, not string`},
		{"unknown field", nil, "RegisterStandard", []string{strings.Replace(std, `"name"`, `"colour":"red","name"`, 1)}, record.Invalid, `unknown field "colour"`},
		{"missing name", nil, "RegisterStandard", []string{strings.Replace(std, `"name":"砝码",`, ``, 1)}, record.Invalid, "name is required"},
		{"missing range", nil, "RegisterStandard", []string{strings.Replace(std, `"range":{"min":1,"max":100,"unit":"g"},`, ``, 1)}, record.Invalid, "range.unit is required"},
		{"bad id", nil, "RegisterStandard", []string{strings.Replace(std, `"TJ-ENT-S2"`, `"bad id/1"`, 1)}, record.Invalid, `id "bad id/1" is not a valid id`},
		{"unknown level", nil, "RegisterStandard", []string{strings.Replace(std, `"working"`, `"national"`, 1)}, record.Invalid, `level "national" is not one of primary, public, department, enterprise, working`},
		{"unknown quantity", nil, "RegisterStandard", []string{strings.Replace(std, `"quantity":"mass"`, `"quantity":"luck"`, 1)}, record.Invalid, `quantity "luck" is not a known quantity`},
		{"min above max", nil, "RegisterStandard", []string{strings.Replace(std, `"min":1,"max":100`, `"min":200,"max":100`, 1)}, record.Invalid, "range: min 200 is greater than max 100"},
		{"incompatible units", nil, "RegisterStandard", []string{strings.Replace(std, `"unit":"mg"`, `"unit":"mm"`, 1)}, record.Invalid, `unit "mm" measures length, not mass`},
		{"unknown unit", nil, "RegisterStandard", []string{strings.Replace(std, `"unit":"mg"`, `"unit":"furlong"`, 1)}, record.Invalid, `unknown unit "furlong"`},
		{"public standard without approval", nil, "RegisterStandard", []string{strings.Replace(std, `"working"`, `"public"`, 1)}, record.Invalid, "approval is required for a public standard"},
		{"unknown institution", nil, "RegisterStandard", []string{strings.Replace(std, `"institution_id":"TJ-ENT"`, `"institution_id":"NOBODY"`, 1)}, record.NotFound, "institution NOBODY does not exist"},
		{"duplicate standard id", nil, "RegisterStandard", []string{strings.Replace(std, `"TJ-ENT-S2"`, `"TJ-ENT-STD"`, 1)}, record.Conflict, "standard TJ-ENT-STD already exists"},
		{"standard id taken by an instrument", nil, "RegisterStandard", []string{strings.Replace(std, `"TJ-ENT-S2"`, `"TJ-BAL-001"`, 1)}, record.Conflict, "instrument TJ-BAL-001 already exists"},
		{"status set at registration", nil, "RegisterStandard", []string{strings.Replace(std, `"name"`, `"status":"sealed","name"`, 1)}, record.Invalid, "a new standard is active"},
		{"valid_until before performed_on", nil, "IssueCertificate", []string{cert(rep(`"valid_until":"2025-04-30"`, `"valid_until":"2024-04-30"`))}, record.Invalid, "valid_until 2024-04-30 is before performed_on 2024-05-01"},
		{"impossible date", nil, "IssueCertificate", []string{cert(rep(`"2024-05-01"`, `"2024-02-30"`))}, record.Invalid, `performed_on: date "2024-02-30" is not a valid YYYY-MM-DD date`},
		{"unknown reference", nil, "IssueCertificate", []string{cert(rep(`["TJ-ENT-STD"]`, `["NO-STD"]`))}, record.NotFound, "reference standard NO-STD does not exist"},
		{"unknown subject", nil, "IssueCertificate", []string{cert(rep(`"subject_id":"TJ-ENT-WS"`, `"subject_id":"NO-SUBJ"`))}, record.NotFound, "subject NO-SUBJ is neither"},
		{"self reference", nil, "IssueCertificate", []string{cert(rep(`["TJ-ENT-STD"]`, `["TJ-ENT-WS"]`))}, record.Invalid, "certificate TJENT-X-1 references its own subject TJ-ENT-WS"},
		{"no references", nil, "IssueCertificate", []string{cert(rep(`["TJ-ENT-STD"]`, `[]`))}, record.Invalid, "reference_ids must name at least one reference standard"},
		{"duplicate reference", nil, "IssueCertificate", []string{cert(rep(`["TJ-ENT-STD"]`, `["TJ-ENT-STD","TJ-ENT-STD"]`))}, record.Invalid, `reference_ids lists "TJ-ENT-STD" twice`},
		{"unknown kind", nil, "IssueCertificate", []string{cert(rep(`"calibration"`, `"inspection"`))}, record.Invalid, `kind "inspection" is not one of calibration, verification`},
		{"calibration without results", nil, "IssueCertificate", []string{cert(rep(`[{"value":1,"unit":"kg","uncertainty":{"value":2,"unit":"mg","k":2}}]`, `[]`))}, record.Invalid, "a calibration certificate needs at least one result"},
		{"result in the wrong unit", nil, "IssueCertificate", []string{cert(rep(`"unit":"kg"`, `"unit":"kPa"`))}, record.Invalid, `results[0].unit: incompatible units: unit "kPa" measures pressure, not mass`},
		{"verification without conformity", nil, "IssueCertificate", []string{cert(rep(`"calibration"`, `"verification"`))}, record.Invalid, "conformity is required"},
		{"quantity not the subject's", nil, "IssueCertificate", []string{cert(func(s string) string {
			return strings.NewReplacer(`"quantity":"mass"`, `"quantity":"length"`, `"unit":"kg"`, `"unit":"m"`, `"unit":"mg"`, `"unit":"mm"`).Replace(s)
		})}, record.Invalid, "subject TJ-ENT-WS measures mass, the certificate is for length"},
		{"bad dcc hash", nil, "IssueCertificate", []string{cert(rep(`"method"`, `"dcc_sha256":"abc","method"`))}, record.Invalid, "dcc_sha256 must be 64 lowercase hex digits"},
		{"duplicate certificate id", nil, "IssueCertificate", []string{cert(rep(`"TJENT-X-1"`, `"TJENT-2024-0007"`))}, record.Conflict, "certificate TJENT-2024-0007 already exists"},
		{"unknown status", nil, "SetStandardStatus", []string{"TJ-ENT-STD", "broken", "2024-05-01", "x"}, record.Invalid, `status "broken" is not one of`},
		{"status without reason", nil, "SetStandardStatus", []string{"TJ-ENT-STD", "sealed", "2024-05-01", ""}, record.Invalid, "a reason is required"},
		{"status of unknown standard", nil, "SetStandardStatus", []string{"NO-STD", "sealed", "2024-05-01", "x"}, record.NotFound, "standard NO-STD does not exist"},
		{"revoke without reason", nil, "RevokeCertificate", []string{"TJENT-2024-0007", ""}, record.Invalid, "a reason is required"},
		{"supersede by unknown certificate", nil, "SupersedeCertificate", []string{"TJENT-2024-0007", "NOPE", "new one"}, record.NotFound, "certificate NOPE does not exist"},
		{"supersede by another subject's certificate", nil, "SupersedeCertificate", []string{"TJENT-2024-0007", "TJENT-2024-0042", "new"}, record.Invalid, "replacement TJENT-2024-0042 is about TJ-BAL-001, not TJ-ENT-WS"},
		{"capability with range in the wrong unit", func() any { return bj }, "RegisterCapability", []string{`{"id":"CMC-X","institution_id":"BJIM","quantity":"pressure","range":{"min":0,"max":1,"unit":"kg"},"uncertainty":{"value":1,"unit":"Pa","k":2},"method":"JJG 59","valid_until":"2030-01-01"}`}, record.Invalid, `range.unit: incompatible units: unit "kg" measures mass, not pressure`},
		{"institution with unknown region", func() any { return op }, "RegisterInstitution", []string{`{"id":"X1","name":"x","region":"SH","msp_id":"TianjinMSP","kind":"enterprise"}`}, record.Invalid, `region "SH" is not one of BJ, TJ, HB`},
		{"duplicate institution", func() any { return op }, "RegisterInstitution", []string{`{"id":"TJIM","name":"x","region":"TJ","msp_id":"TianjinMSP","kind":"enterprise"}`}, record.Conflict, "institution TJIM already exists"},
		{"comparison sending En", func() any { return nim }, "RecordComparison", []string{`{"id":"CMP-2","pilot_id":"NIM","quantity":"mass","completed_on":"2024-01-01","reference":{"value":1,"unit":"kg","uncertainty":{"value":1,"unit":"mg","k":2}},"results":[{"institution_id":"BJIM","value":1,"unit":"kg","uncertainty":{"value":1,"unit":"mg","k":2},"en":0.1}]}`}, record.Invalid, "results[0].en is computed by the chaincode"},
		{"comparison with unknown participant", func() any { return nim }, "RecordComparison", []string{`{"id":"CMP-2","pilot_id":"NIM","quantity":"mass","completed_on":"2024-01-01","reference":{"value":1,"unit":"kg","uncertainty":{"value":1,"unit":"mg","k":2}},"results":[{"institution_id":"GHOST","value":1,"unit":"kg","uncertainty":{"value":1,"unit":"mg","k":2}}]}`}, record.NotFound, "institution GHOST does not exist"},
		{"agreement ending before it starts", func() any { return op }, "ProposeAgreement", []string{`{"id":"AGR-2","parties":["TJIM","HBIM"],"quantities":["mass"],"valid_from":"2025-01-01","valid_until":"2024-01-01"}`}, record.Invalid, "valid_until 2024-01-01 is before valid_from 2025-01-01"},
		{"agreement with one party", func() any { return op }, "ProposeAgreement", []string{`{"id":"AGR-2","parties":["TJIM"],"quantities":["mass"],"valid_from":"2024-01-01","valid_until":"2025-01-01"}`}, record.Invalid, "parties must name at least two institutions"},
		{"agreement with approvals", func() any { return op }, "ProposeAgreement", []string{`{"id":"AGR-2","parties":["TJIM","HBIM"],"quantities":["mass"],"valid_from":"2024-01-01","valid_until":"2025-01-01","approvals":["TJIM"]}`}, record.Invalid, "approvals are given through ApproveAgreement"},
		{"compulsory instrument without category", nil, "RegisterInstrument", []string{instrument(`"compulsory":true`)}, record.Invalid, "category is required for a compulsory instrument"},
		{"instrument with unknown category", nil, "RegisterInstrument", []string{instrument(`"compulsory":true,"category":"toaster"`)}, record.Invalid, `category "toaster" is not a code of the catalogue`},
		{"instrument outside the three regions", nil, "RegisterInstrument", []string{instrument(`"location":{"district":"310101"}`)}, record.Invalid, `location.district "310101" is outside Beijing`},
		{"instrument with registered_on", nil, "RegisterInstrument", []string{instrument(`"registered_on":"2024-01-01"`)}, record.Invalid, "registered_on is set by the ledger"},
		{"unknown function", nil, "DropTable", []string{"x"}, record.Internal, "Function DropTable not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			who := tj
			if tt.who != nil {
				who = tt.who().(*identityT)
			}
			before := l.height()
			_, err := l.submit(who, tt.fn, tt.args...)
			wantCode(t, err, tt.code)
			if !strings.Contains(err.(*record.Error).Message, tt.msg) {
				t.Fatalf("message = %q, want it to contain %q", err.(*record.Error).Message, tt.msg)
			}
			if after := l.height(); after != before {
				t.Fatalf("height %d → %d: a rejected transaction wrote", before, after)
			}
		})
	}
	for _, id := range [][2]string{{"standard", "TJ-ENT-S2"}, {"certificate", "TJENT-X-1"}, {"instrument", "TJ-SCALE-X"}, {"institution", "X1"}, {"comparison", "CMP-2"}, {"agreement", "AGR-2"}} {
		if _, err := l.evaluate(tj, "Get", id[0], id[1]); record.ErrorCode(err) != record.NotFound {
			t.Errorf("%s %s exists after rejected writes (err %v)", id[0], id[1], err)
		}
	}
}
