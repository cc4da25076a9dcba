package contract_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// TestLedgerChecksNameEveryWrongFieldAtOnce sends requests with several
// independent errors only the ledger finds (records that do not exist, a
// reference of another quantity): each is refused once, naming every
// field with its code, and writes nothing.
func TestLedgerChecksNameEveryWrongFieldAtOnce(t *testing.T) {
	f := scenario.New()
	l := newLedger(t)
	l.load(f)
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	op := l.as("TianjinMSP", "operator", "")
	nim := l.as("BeijingMSP", "recorder", "NIM")
	cert := strings.NewReplacer(`"subject_id":"TJ-ENT-WS"`, `"subject_id":"NO-SUBJ"`, `["TJ-ENT-STD"]`, `["TJ-ENT-STD","NO-STD"]`).Replace(
		`{"id":"TJENT-X-9","kind":"calibration","issuer_id":"TJ-ENT","subject_id":"TJ-ENT-WS","reference_ids":["TJ-ENT-STD"],` +
			`"quantity":"mass","performed_on":"2024-05-01","valid_until":"2025-04-30","method":"JJG 99-2022",` +
			`"results":[{"value":1,"unit":"kg","uncertainty":{"value":2,"unit":"mg","k":2}}]}`)
	tests := []struct {
		name    string
		who     any
		fn      string
		arg     string
		code    record.Code
		details []record.FieldError
		absent  [2]string
	}{
		{"a certificate of an unknown subject with an unknown reference", tj, "IssueCertificate", cert, record.NotFound, []record.FieldError{
			{Field: "subject_id", Message: "subject NO-SUBJ is neither a registered standard nor an instrument", Code: record.FieldSubjectNotFound,
				Params: record.Params{"field": "subject_id", "id": "NO-SUBJ"}},
			{Field: "reference_ids[1]", Message: "reference standard NO-STD does not exist", Code: record.FieldRecordNotFound,
				Params: record.Params{"field": "reference_ids[1]", "kind": "reference standard", "id": "NO-STD"}},
		}, [2]string{"certificate", "TJENT-X-9"}},
		{"a certificate of a length with a mass subject and an unknown reference", tj, "IssueCertificate",
			strings.NewReplacer(`"subject_id":"NO-SUBJ"`, `"subject_id":"TJ-ENT-WS"`, `"quantity":"mass"`, `"quantity":"length"`, `"unit":"kg"`, `"unit":"m"`, `"unit":"mg"`, `"unit":"mm"`).Replace(cert),
			record.Invalid, []record.FieldError{
				{Field: "subject_id", Message: "subject TJ-ENT-WS measures mass, the certificate is for length", Code: record.FieldQuantityMismatch,
					Params: record.Params{"field": "subject_id", "kind": "subject", "id": "TJ-ENT-WS", "measures": "mass", "quantity": "length"}},
				{Field: "reference_ids[0]", Message: "reference standard TJ-ENT-STD measures mass, the certificate is for length", Code: record.FieldQuantityMismatch,
					Params: record.Params{"field": "reference_ids[0]", "kind": "reference standard", "id": "TJ-ENT-STD", "measures": "mass", "quantity": "length"}},
				{Field: "reference_ids[1]", Message: "reference standard NO-STD does not exist", Code: record.FieldRecordNotFound,
					Params: record.Params{"field": "reference_ids[1]", "kind": "reference standard", "id": "NO-STD"}},
			}, [2]string{"certificate", "TJENT-X-9"}},
		{"an agreement between two unknown parties", op, "ProposeAgreement",
			`{"id":"AGR-9","parties":["TJIM","GHOST-A","GHOST-B"],"quantities":["mass"],"valid_from":"2024-01-01","valid_until":"2025-01-01"}`,
			record.NotFound, []record.FieldError{
				{Field: "parties[1]", Message: "institution GHOST-A does not exist", Code: record.FieldRecordNotFound,
					Params: record.Params{"field": "parties[1]", "kind": "institution", "id": "GHOST-A"}},
				{Field: "parties[2]", Message: "institution GHOST-B does not exist", Code: record.FieldRecordNotFound,
					Params: record.Params{"field": "parties[2]", "kind": "institution", "id": "GHOST-B"}},
			}, [2]string{"agreement", "AGR-9"}},
		{"a comparison of two unknown participants", nim, "RecordComparison",
			`{"id":"CMP-9","pilot_id":"NIM","quantity":"mass","completed_on":"2024-01-01","reference":{"value":1,"unit":"kg","uncertainty":{"value":1,"unit":"mg","k":2}},` +
				`"results":[{"institution_id":"GHOST","value":1,"unit":"kg","uncertainty":{"value":1,"unit":"mg","k":2}},` +
				`{"institution_id":"BJIM","value":1,"unit":"kg","uncertainty":{"value":1,"unit":"mg","k":2}},` +
				`{"institution_id":"PHANTOM","value":1,"unit":"kg","uncertainty":{"value":1,"unit":"mg","k":2}}]}`,
			record.NotFound, []record.FieldError{
				{Field: "results[0].institution_id", Message: "institution GHOST does not exist", Code: record.FieldRecordNotFound,
					Params: record.Params{"field": "results[0].institution_id", "kind": "institution", "id": "GHOST"}},
				{Field: "results[2].institution_id", Message: "institution PHANTOM does not exist", Code: record.FieldRecordNotFound,
					Params: record.Params{"field": "results[2].institution_id", "kind": "institution", "id": "PHANTOM"}},
			}, [2]string{"comparison", "CMP-9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := l.height()
			_, err := l.submit(tt.who.(*identityT), tt.fn, tt.arg)
			wantCode(t, err, tt.code)
			if got := record.ErrorDetails(err); !reflect.DeepEqual(got, tt.details) {
				t.Errorf("details:\n got %+v\nwant %+v", got, tt.details)
			}
			var msgs []string
			for _, d := range tt.details {
				msgs = append(msgs, d.Message)
			}
			if msg := record.ErrorMessage(err); !strings.HasSuffix(msg, ": "+strings.Join(msgs, "; ")) {
				t.Errorf("message %q does not end with the details joined", msg)
			}
			if after := l.height(); after != before {
				t.Errorf("height %d → %d: a refused transaction wrote", before, after)
			}
			if _, err := l.evaluate(tj, "Get", tt.absent[0], tt.absent[1]); record.ErrorCode(err) != record.NotFound {
				t.Errorf("%s %s exists after the refusal (err %v)", tt.absent[0], tt.absent[1], err)
			}
		})
	}
}

// TestAWrongArgumentOfAChangeIsNamedAsItsField: the arguments of a change
// (not a record) that only the ledger finds wrong are refused with the
// argument named as a field, its code and parameters, so the console
// shows them by the action's inputs.
func TestAWrongArgumentOfAChangeIsNamedAsItsField(t *testing.T) {
	f := scenario.New()
	l := newLedger(t)
	l.load(f)
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	tests := []struct {
		name string
		fn   string
		args []string
		code record.Code
		want record.FieldError
	}{
		{"a replacement of another subject", "SupersedeCertificate", []string{"TJENT-2024-0007", "TJENT-2024-0042", "new"}, record.Invalid,
			record.FieldError{Field: "replacement_id", Message: "replacement TJENT-2024-0042 is about TJ-BAL-001, not TJ-ENT-WS", Code: record.FieldReplacementSubject,
				Params: record.Params{"field": "replacement_id", "id": "TJENT-2024-0042", "subject": "TJ-BAL-001", "want": "TJ-ENT-WS"}}},
		{"a replacement that does not exist", "SupersedeCertificate", []string{"TJENT-2024-0007", "NOPE", "new"}, record.NotFound,
			record.FieldError{Field: "replacement_id", Message: "certificate NOPE does not exist", Code: record.FieldRecordNotFound,
				Params: record.Params{"field": "replacement_id", "kind": "certificate", "id": "NOPE"}}},
		{"a bad date of a status change", "SetStandardStatus", []string{"TJ-ENT-STD", "sealed", "2024-02-30", "drift"}, record.Invalid,
			record.FieldError{Field: "since", Message: `since: date "2024-02-30" is not a valid YYYY-MM-DD date`, Code: record.FieldBadDate,
				Params: record.Params{"field": "since", "value": "2024-02-30"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := l.height()
			_, err := l.submit(tj, tt.fn, tt.args...)
			wantCode(t, err, tt.code)
			if got := record.ErrorDetails(err); !reflect.DeepEqual(got, []record.FieldError{tt.want}) {
				t.Errorf("details:\n got %+v\nwant %+v", got, []record.FieldError{tt.want})
			}
			if after := l.height(); after != before {
				t.Errorf("height %d → %d: a refused change wrote", before, after)
			}
		})
	}
}

// TestRefusalsNamingNoFieldCarryTheirReason: a conflict, a forbidden
// write and a second status change naming no field are refused with one
// detail under no field, its reason code and exactly the parameters
// record.FieldCodes declares for it, and write nothing.
func TestRefusalsNamingNoFieldCarryTheirReason(t *testing.T) {
	f := scenario.New()
	l := newLedger(t)
	l.load(f)
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	hb := l.as("HebeiMSP", "recorder", "HBIM")
	inspector := l.as("TianjinMSP", "inspector", "TJIM")
	std := `{"id":"TJ-ENT-STD","institution_id":"TJ-ENT","name":"x","level":"working","quantity":"mass",` +
		`"range":{"min":1,"max":10,"unit":"g"},"uncertainty":{"value":1,"unit":"mg","k":2}}`
	declared := map[record.FieldCode][]string{}
	for _, c := range record.FieldCodes {
		declared[c.Code] = c.Params
	}
	tests := []struct {
		name   string
		who    *identityT
		fn     string
		args   []string
		code   record.Code
		reason record.FieldCode
		params record.Params
	}{
		{"a standard whose id exists", tj, "RegisterStandard", []string{std}, record.Conflict, record.ReasonAlreadyExists,
			record.Params{"kind": "standard", "id": "TJ-ENT-STD"}},
		{"a standard for another organization's institution", hb, "RegisterStandard",
			[]string{strings.Replace(std, `"TJ-ENT-STD"`, `"HB-NEW-STD"`, 1)}, record.Forbidden, record.ReasonWriteOtherOrg,
			record.Params{"caller": "HebeiMSP recorder of HBIM", "caller_msp": "HebeiMSP", "caller_role": "recorder", "caller_institution": "HBIM",
				"id": "TJ-ENT", "msp": "TianjinMSP"}},
		{"an inspector's standard", inspector, "RegisterStandard",
			[]string{strings.Replace(std, `"TJ-ENT-STD"`, `"TJ-NEW-STD"`, 1)}, record.Forbidden, record.ReasonInspectorNoWrite,
			record.Params{"id": "TJ-ENT"}},
		{"a standard set to the status it has", tj, "SetStandardStatus", []string{"TJ-ENT-STD", "active", "2024-06-01", "ok"}, record.Conflict,
			record.ReasonStandardAlready, record.Params{"id": "TJ-ENT-STD", "status": "active"}},
		{"an approval naming no party by an operator", l.as("TianjinMSP", "operator", ""), "ApproveAgreement", []string{"AGR-JJJ-2024", ""}, record.Invalid,
			record.ReasonPartyRequired, record.Params{"id": "AGR-JJJ-2024"}},
		{"a case since tomorrow", inspector, "OpenCase", []string{`{"id":"CASE-X","standard_id":"TJ-ENT-STD","since":"2024-06-02","finding":"drift"}`, ""},
			record.Invalid, record.ReasonCaseSinceAfterToday, record.Params{"id": "CASE-X", "since": "2024-06-02", "today": "2024-06-01"}},
		{"no results added to a comparison", l.as("BeijingMSP", "recorder", "NIM"), "AddComparisonResults", []string{"CMP-MASS-2023", "[]"}, record.Invalid,
			record.ReasonNoResultsGiven, record.Params{"id": "CMP-MASS-2023"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := l.height()
			_, err := l.submit(tt.who, tt.fn, tt.args...)
			wantCode(t, err, tt.code)
			ds := record.ErrorDetails(err)
			if len(ds) != 1 || ds[0].Field != "" || ds[0].Code != tt.reason || !reflect.DeepEqual(ds[0].Params, tt.params) {
				t.Fatalf("details %+v, want one under no field with %s %v", ds, tt.reason, tt.params)
			}
			want, ok := declared[tt.reason]
			if !ok {
				t.Fatalf("%s is not in record.FieldCodes", tt.reason)
			}
			for k := range ds[0].Params {
				if !slices.Contains(want, k) {
					t.Errorf("%s carries %q, which FieldCodes does not declare (%v)", tt.reason, k, want)
				}
			}
			if !strings.HasSuffix(record.ErrorMessage(err), ds[0].Message) {
				t.Errorf("message %q does not end with the reason's %q", record.ErrorMessage(err), ds[0].Message)
			}
			if after := l.height(); after != before {
				t.Errorf("height %d → %d: a refused transaction wrote", before, after)
			}
		})
	}
}
