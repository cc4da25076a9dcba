package contract_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/badgerstub"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// batchCert is a valid new certificate of TJ-ENT with the given id.
func batchCert(id string) string {
	return `{"id":"` + id + `","kind":"calibration","issuer_id":"TJ-ENT","subject_id":"TJ-ENT-WS","reference_ids":["TJ-ENT-STD"],` +
		`"quantity":"mass","performed_on":"2024-05-01","valid_until":"2025-04-30","method":"JJG 99-2022",` +
		`"results":[{"value":1,"unit":"kg","uncertainty":{"value":2,"unit":"mg","k":2}}]}`
}

func TestIssueCertificatesStoresEveryItemInOneTransaction(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	before := l.height()
	items := []string{batchCert("TJENT-B-1"), batchCert("TJENT-B-2"), batchCert("TJENT-B-3")}
	out := l.mustSubmit(tj, record.FnIssueCertificates, "["+strings.Join(items, ",")+"]")
	if got := l.height(); got != before+1 {
		t.Fatalf("height %d → %d, want one transaction", before, got)
	}
	stored := decode[[]record.Certificate](t, out)
	if len(stored) != 3 || stored[0].ID != "TJENT-B-1" || stored[2].ID != "TJENT-B-3" || stored[1].Status != record.CertValid {
		t.Fatalf("answer = %s", out)
	}
	// Each is stored as IssueCertificate would have stored it.
	single := l.mustSubmit(tj, record.FnIssueCertificate, batchCert("TJENT-B-4"))
	got := l.mustEvaluate(tj, record.FnGet, record.DocCertificate, "TJENT-B-2")
	if strings.ReplaceAll(got, "TJENT-B-2", "X") != strings.ReplaceAll(single, "TJENT-B-4", "X") {
		t.Fatalf("batch stored %s, single stored %s", got, single)
	}
	// Indexed like a single one.
	page := decode[record.LedgerPage](t, l.mustEvaluate(tj, record.FnList, record.IndexCertificatesBySubject, "TJ-ENT-WS", "", ""))
	n := 0
	for _, r := range page.Records {
		if strings.Contains(string(r), "TJENT-B-") {
			n++
		}
	}
	if n != 4 {
		t.Fatalf("%d batch certificates listed by subject, want 4", n)
	}
	// The transaction's event carries every record.
	entry := eventOf(t, l, before+1)
	if entry.Function != record.FnIssueCertificates || len(entry.Records) != 3 || entry.Records[1].ID != "TJENT-B-2" {
		t.Fatalf("event = %+v", entry)
	}
}

// eventOf is the event of the transaction of block n.
func eventOf(t *testing.T, l *ledger, n uint64) record.Event {
	t.Helper()
	var ev record.Event
	if err := l.store.Transactions(n, func(e badgerstub.TxEntry) error {
		if e.Number == n {
			return json.Unmarshal(e.EventPayload, &ev)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestIssueCertificatesRefusesTheWholeBatchNamingEveryItem(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	bad := strings.Replace(batchCert("TJENT-B-2"), `["TJ-ENT-STD"]`, `["NO-STD"]`, 1)
	worse := strings.Replace(batchCert("TJENT-B-4"), `"valid_until":"2025-04-30"`, `"valid_until":"2024-04-30"`, 1)
	dup := batchCert("TJENT-B-1")
	batch := "[" + strings.Join([]string{batchCert("TJENT-B-1"), bad, batchCert("TJENT-B-3"), worse, dup, batchCert("TJENT-2024-0042")}, ",") + "]"
	snap := l.snapshot([2]string{record.DocCertificate, "TJENT-B-1"}, [2]string{record.DocCertificate, "TJENT-B-3"})
	_, err := l.submit(tj, record.FnIssueCertificates, batch)
	wantCode(t, err, record.NotFound)
	want := "issue certificates: 4 of 6 refused, nothing written: " +
		"item 1: not_found: issue certificate TJENT-B-2: reference standard NO-STD does not exist; " +
		"item 3: invalid: issue certificate: valid_until 2024-04-30 is before performed_on 2024-05-01; " +
		"item 4: conflict: certificate TJENT-B-1 is also item 0 of this batch; " +
		"item 5: conflict: certificate TJENT-2024-0042 already exists"
	if msg := record.ErrorMessage(err); msg != want {
		t.Fatalf("message\n got %s\nwant %s", msg, want)
	}
	items := record.BatchItems(record.ErrorMessage(err))
	if len(items) != 4 || !reflect.DeepEqual(items[0], record.ItemError{Index: 1, Code: record.NotFound, Message: "issue certificate TJENT-B-2: reference standard NO-STD does not exist"}) ||
		!reflect.DeepEqual(items[3], record.ItemError{Index: 5, Code: record.Conflict, Message: "certificate TJENT-2024-0042 already exists"}) {
		t.Fatalf("items = %+v", items)
	}
	// The items' reasons travel in the error's details: an item refused
	// with one sentence has its code and params.
	reasons := record.BatchItemReasons(err)
	if len(reasons) != 4 || reasons[0].Reason != record.FieldRecordNotFound ||
		!reflect.DeepEqual(reasons[0].Params, record.Params{"field": "reference_ids[0]", "kind": "reference standard", "id": "NO-STD"}) ||
		reasons[1].Reason != record.FieldDateBefore ||
		reasons[2].Reason != record.ReasonBatchTwice || !reflect.DeepEqual(reasons[2].Params, record.Params{"kind": "certificate", "id": "TJENT-B-1", "index": "0"}) ||
		reasons[3].Reason != record.ReasonAlreadyExists || !reflect.DeepEqual(reasons[3].Params, record.Params{"kind": "certificate", "id": "TJENT-2024-0042"}) {
		t.Fatalf("item reasons = %+v", reasons)
	}
	if got := l.snapshot([2]string{record.DocCertificate, "TJENT-B-1"}, [2]string{record.DocCertificate, "TJENT-B-3"}); got != snap {
		t.Fatalf("a refused batch changed the ledger:\n%s\n→\n%s", snap, got)
	}
}

func TestIssueCertificatesRefusesBadBatches(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	bj := l.as("BeijingMSP", "recorder", "BJIM")
	many := make([]string, record.MaxBatch+1)
	for i := range many {
		many[i] = batchCert(fmt.Sprintf("TJENT-M-%d", i))
	}
	dcc := func(id string) string {
		return strings.Replace(batchCert(id), `"method"`, `"dcc_sha256":"`+strings.Repeat("ab", 32)+`","method"`, 1)
	}
	tests := []struct {
		name string
		arg  string
		who  string
		code record.Code
		msg  string
	}{
		{"not JSON", `[{`, "tj", record.Invalid, "issue certificates: the argument must be a JSON array of certificates"},
		{"an object", batchCert("TJENT-B-1"), "tj", record.Invalid, "issue certificates: the argument must be a JSON array of certificates"},
		{"two arrays", "[" + batchCert("TJENT-B-1") + "][]", "tj", record.Invalid, "issue certificates: the argument must be one JSON array"},
		{"empty", `[]`, "tj", record.Invalid, "issue certificates: the batch is empty"},
		{"too many", "[" + strings.Join(many, ",") + "]", "tj", record.Invalid, fmt.Sprintf("issue certificates: %d certificates, a batch takes at most %d", record.MaxBatch+1, record.MaxBatch)},
		{"another institution", "[" + batchCert("TJENT-B-1") + "]", "bj", record.Forbidden, "issue certificates: 1 of 1 refused, nothing written: item 0: forbidden: issue certificate TJENT-B-1: "},
		{"one DCC twice", "[" + dcc("TJENT-B-1") + "," + dcc("TJENT-B-2") + "]", "tj", record.Conflict,
			"issue certificates: 1 of 2 refused, nothing written: item 1: conflict: issue certificate TJENT-B-2: DCC " + strings.Repeat("ab", 32) + " is also anchored by certificate TJENT-B-1 of this batch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			who := tj
			if tc.who == "bj" {
				who = bj
			}
			h := l.height()
			_, err := l.submit(who, record.FnIssueCertificates, tc.arg)
			wantCode(t, err, tc.code)
			if msg := record.ErrorMessage(err); !strings.HasPrefix(msg, tc.msg) {
				t.Fatalf("message %q, want it to start with %q", msg, tc.msg)
			}
			if l.height() != h {
				t.Fatal("a refused batch wrote a transaction")
			}
		})
	}
	// MaxBatch itself is taken.
	out := l.mustSubmit(tj, record.FnIssueCertificates, "["+strings.Join(many[:record.MaxBatch], ",")+"]")
	if got := len(decode[[]json.RawMessage](t, out)); got != record.MaxBatch {
		t.Fatalf("%d stored, want %d", got, record.MaxBatch)
	}
}

// TestEventPayloadIsTheEventAsJSON: the hand-built event payload decodes
// to the records written and equals json.Marshal of the event.
func TestEventPayloadIsTheEventAsJSON(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	before := l.height()
	l.mustSubmit(tj, record.FnIssueCertificates, "["+batchCert("TJENT-E-1")+","+batchCert("TJENT-E-2")+"]")
	var raw []byte
	if err := l.store.Transactions(before+1, func(e badgerstub.TxEntry) error {
		if e.Number == before+1 {
			raw = e.EventPayload
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ev := eventOf(t, l, before+1)
	want, _ := json.Marshal(ev)
	if string(raw) != string(want) {
		t.Fatalf("payload\n%s\nwant\n%s", raw, want)
	}
}

// TestABatchItemRefusedForSeveralFieldsCarriesEach: an item refused for
// two fields carries both, with their codes and params (reason
// item_fields), through the error's message as Fabric returns it.
func TestABatchItemRefusedForSeveralFieldsCarriesEach(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	bad := strings.NewReplacer(`"valid_until":"2025-04-30"`, `"valid_until":"2024-04-30"`, `"unit":"kg"`, `"unit":"zz"`).Replace(batchCert("TJENT-B-2"))
	before := l.height()
	_, err := l.submit(tj, record.FnIssueCertificates, "["+batchCert("TJENT-B-1")+","+bad+"]")
	wantCode(t, err, record.Invalid)
	reasons := record.BatchItemReasons(record.ParseError(err.Error()))
	if len(reasons) != 1 || reasons[0].Index != 1 || reasons[0].Reason != record.ReasonItemFields || !reflect.DeepEqual(reasons[0].Params, record.Params{"count": "2"}) {
		t.Fatalf("item reasons = %+v", reasons)
	}
	var got []string
	for _, f := range reasons[0].Fields {
		got = append(got, f.Field+" "+string(f.Code))
	}
	if want := []string{"valid_until date_before", "results[0].unit bad_unit"}; !reflect.DeepEqual(got, want) {
		t.Errorf("the item's fields are %q, want %q", got, want)
	}
	if after := l.height(); after != before {
		t.Errorf("height %d → %d: a refused batch wrote", before, after)
	}
}
