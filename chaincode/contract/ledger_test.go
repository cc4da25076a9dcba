package contract_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/badgerstub"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

func TestEveryTransactionEmitsOneEventWithEveryRecordWritten(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	var events []record.Event
	err := l.store.Transactions(1, func(e badgerstub.TxEntry) error {
		if e.EventName != record.EventName {
			t.Errorf("tx %d event name = %q", e.Number, e.EventName)
		}
		var ev record.Event
		if err := json.Unmarshal(e.EventPayload, &ev); err != nil {
			return err
		}
		if ev.TxID != e.TxID || ev.Function != e.Function {
			t.Errorf("event %+v does not match tx %s %s", ev, e.TxID, e.Function)
		}
		events = append(events, ev)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(events)) != l.height() {
		t.Fatalf("events = %d, transactions = %d", len(events), l.height())
	}
	// Rebuilding the records from events alone gives the world state.
	state := map[string]json.RawMessage{}
	for _, ev := range events {
		for _, r := range ev.Records {
			state[r.DocType+"/"+r.ID] = r.Record
		}
	}
	viewer := l.as("HebeiMSP", "", "")
	for key, fromEvents := range state {
		var docType, id string
		for i := range key {
			if key[i] == '/' {
				docType, id = key[:i], key[i+1:]
				break
			}
		}
		if got := l.mustEvaluate(viewer, "Get", docType, id); got != string(fromEvents) {
			t.Errorf("%s: state %s, events %s", key, got, fromEvents)
		}
	}
	if len(state) != 5+4+5+2+6+1+1 {
		t.Fatalf("records rebuilt from events = %d, want 24", len(state))
	}
}

func TestListPagesThroughAnIndex(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	viewer := l.as("BeijingMSP", "inspector", "BJIM")
	var ids []string
	bookmark := ""
	pages := 0
	for {
		page := decode[record.LedgerPage](t, l.mustEvaluate(viewer, "List", record.IndexCertificatesByIssuer, "NIM", "1", bookmark))
		pages++
		for _, r := range page.Records {
			ids = append(ids, decode[record.Certificate](t, string(r)).ID)
		}
		if page.Bookmark == "" {
			break
		}
		bookmark = page.Bookmark
	}
	if want := []string{"NIM-2024-0001", "NIM-2024-0002"}; !reflect.DeepEqual(ids, want) || pages != 2 {
		t.Fatalf("certificates of NIM = %v in %d pages, want %v in 2", ids, pages, want)
	}
	cases := map[string][]string{
		record.IndexCertificatesBySubject + "/TJ-ENT-STD":   {"BJIM-2024-0100"},
		record.IndexCertificatesByReference + "/NIM-MASS-P": {"NIM-2024-0001", "NIM-2024-0002"},
		record.IndexStandardsByInstitution + "/TJ-ENT":      {"TJ-ENT-STD", "TJ-ENT-WS"},
		record.IndexInstrumentsByInstitution + "/HBIM":      {"HB-BAL-007"},
		record.IndexCapabilitiesByInstitution + "/BJIM":     {"CMC-BJIM-MASS"},
		record.IndexAgreementsByParty + "/TJIM":             {"AGR-JJJ-2024"},
		record.IndexComparisonsByInstitution + "/HBIM":      {"CMP-MASS-2023"},
		record.IndexComparisonsByInstitution + "/NIM":       {"CMP-MASS-2023"},
		record.IndexCertificatesByIssuer + "/NOBODY-AT-ALL": {},
	}
	for key, want := range cases {
		var index, value string
		for i := range key {
			if key[i] == '/' {
				index, value = key[:i], key[i+1:]
			}
		}
		page := decode[record.LedgerPage](t, l.mustEvaluate(viewer, "List", index, value, "", ""))
		got := []string{}
		for _, r := range page.Records {
			got = append(got, decode[struct {
				ID string `json:"id"`
			}](t, string(r)).ID)
		}
		if !reflect.DeepEqual(got, want) || page.Count != len(want) {
			t.Errorf("List %s %s = %v (count %d), want %v", index, value, got, page.Count, want)
		}
	}
	for _, bad := range [][]string{{"no_such_index", "x", "", ""}, {record.IndexStandardsByInstitution, "", "", ""},
		{record.IndexStandardsByInstitution, "TJ-ENT", "0", ""}, {record.IndexStandardsByInstitution, "TJ-ENT", "many", ""},
		{record.IndexStandardsByInstitution, "TJ-ENT", "10", "not-a-bookmark"}} {
		_, err := l.evaluate(viewer, "List", bad...)
		wantCode(t, err, record.Invalid)
	}
}

func TestOwnerDetailsStayInTheRegisteringOrgsPrivateData(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	in := `{"id":"TJ-GAUGE-9","institution_id":"TJ-ENT","type":"pressure gauge","manufacturer":"Yokogawa","model":"MT220","serial":"P9",` +
		`"quantity":"pressure","range":{"min":0,"max":1,"unit":"MPa"},"mpe":{"value":0.4,"unit":"kPa"},"compulsory":true,"category":"pressure_gauge"}`
	p := l.proposal(tj, "RegisterInstrument", []string{in})
	p.Transient = map[string][]byte{record.TransientOwner: []byte(`{"owner_name":"天津港某码头公司","contact":"022-5555-0101"}`)}
	out, err := l.submitWith(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) == "" || containsAny(out, "天津港", "022-5555") {
		t.Fatalf("public record leaks owner details: %s", out)
	}
	var leaked bool
	_ = l.store.Transactions(1, func(e badgerstub.TxEntry) error {
		leaked = leaked || containsAny(string(e.EventPayload), "天津港", "022-5555")
		return nil
	})
	if leaked {
		t.Fatal("an event carries owner details")
	}
	got := decode[record.InstrumentOwner](t, l.mustEvaluate(tj, "GetInstrumentOwner", "TJ-GAUGE-9"))
	if got != (record.InstrumentOwner{InstrumentID: "TJ-GAUGE-9", OwnerName: "天津港某码头公司", Contact: "022-5555-0101"}) {
		t.Fatalf("owner = %+v", got)
	}
	_, err = l.evaluate(l.as("BeijingMSP", "inspector", "BJIM"), "GetInstrumentOwner", "TJ-GAUGE-9")
	wantCode(t, err, record.Forbidden)
	// Even a Tianjin caller cannot read it through a Beijing peer, which has no copy.
	p = l.proposal(tj, "GetInstrumentOwner", []string{"TJ-GAUGE-9"})
	p.PeerMSPID = "BeijingMSP"
	res, err := l.store.Evaluate(l.cc, p)
	if err != nil || !res.Failed() || record.ParseError(res.Response.Message).Code != record.Forbidden {
		t.Fatalf("read through a Beijing peer = %v %+v, want forbidden", err, res.Response)
	}
	// Bad owner details are refused and nothing is written.
	before := l.height()
	p = l.proposal(tj, "RegisterInstrument", []string{in[:len(`{"id":"TJ-GAUGE-`)] + `10"` + in[len(`{"id":"TJ-GAUGE-9"`):]})
	p.Transient = map[string][]byte{record.TransientOwner: []byte(`{"owner_name":""}`)}
	_, err = l.submitWith(p)
	wantCode(t, err, record.Invalid)
	if l.height() != before {
		t.Fatal("refused registration wrote")
	}
}

func TestKeyLevelPolicyNamesTheOwnersOrg(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	bj := l.as("BeijingMSP", "recorder", "BJIM")
	// Endorsed by the two other organizations only: the chaincode agrees,
	// but the certificate's key-level policy requires BeijingMSP.
	p := l.proposal(bj, "RevokeCertificate", []string{"BJIM-2024-0100", "error in report"})
	p.EndorsingOrgs = []string{"TianjinMSP", "HebeiMSP"}
	before := l.snapshot([2]string{"certificate", "BJIM-2024-0100"})
	_, err := l.submitWith(p)
	if !errors.Is(err, badgerstub.ErrEndorsementPolicy) {
		t.Fatalf("error = %v, want an endorsement policy failure", err)
	}
	if after := l.snapshot([2]string{"certificate", "BJIM-2024-0100"}); after != before {
		t.Fatal("a transaction failing the key-level policy changed the ledger")
	}
	p = l.proposal(bj, "RevokeCertificate", []string{"BJIM-2024-0100", "error in report"})
	p.EndorsingOrgs = []string{"BeijingMSP", "HebeiMSP"}
	if _, err := l.submitWith(p); err != nil {
		t.Fatalf("endorsed by the owner's org: %v", err)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestSetInstrumentOwnerWritesOnlyTheOwnersCollection(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	tj := l.as("TianjinMSP", "recorder", "TJ-ENT")
	in := `{"id":"TJ-GAUGE-7","institution_id":"TJ-ENT","type":"pressure gauge","manufacturer":"Yokogawa","model":"MT220","serial":"P7",` +
		`"quantity":"pressure","range":{"min":0,"max":1,"unit":"MPa"},"mpe":{"value":0.4,"unit":"kPa"},"compulsory":true,"category":"pressure_gauge"}`
	l.mustSubmit(tj, "RegisterInstrument", in)
	owner := map[string][]byte{record.TransientOwner: []byte(`{"owner_name":"天津港某码头公司","contact":"022-5555-0107"}`)}

	// Refused: another org's recorder, no transient entry, an unknown instrument, bad details.
	for _, c := range []struct {
		who       string
		id        string
		transient map[string][]byte
		want      record.Code
	}{
		{"bj", "TJ-GAUGE-7", owner, record.Forbidden},
		{"tj", "TJ-GAUGE-7", nil, record.Invalid},
		{"tj", "NO-SUCH", owner, record.NotFound},
		{"tj", "TJ-GAUGE-7", map[string][]byte{record.TransientOwner: []byte(`{"owner_name":""}`)}, record.Invalid},
	} {
		caller := tj
		if c.who == "bj" {
			caller = l.as("BeijingMSP", "recorder", "BJIM")
		}
		before := l.height()
		p := l.proposal(caller, "SetInstrumentOwner", []string{c.id})
		p.Transient = c.transient
		_, err := l.submitWith(p)
		wantCode(t, err, c.want)
		if l.height() != before {
			t.Fatalf("refused SetInstrumentOwner(%s) by %s wrote", c.id, c.who)
		}
	}

	before := l.height()
	p := l.proposal(tj, "SetInstrumentOwner", []string{"TJ-GAUGE-7"})
	p.Transient = owner
	out, err := l.submitWith(p)
	if err != nil || string(out) != "TJ-GAUGE-7" {
		t.Fatalf("SetInstrumentOwner = %q, %v", out, err)
	}
	var entry *badgerstub.TxEntry
	_ = l.store.Transactions(before, func(e badgerstub.TxEntry) error {
		entry = &e
		return nil
	})
	if entry == nil || entry.Function != "SetInstrumentOwner" || len(entry.Keys) != 0 || entry.EventName != "" {
		t.Fatalf("SetInstrumentOwner's transaction = %+v, want no public key and no event", entry)
	}
	got := decode[record.InstrumentOwner](t, l.mustEvaluate(tj, "GetInstrumentOwner", "TJ-GAUGE-7"))
	if got != (record.InstrumentOwner{InstrumentID: "TJ-GAUGE-7", OwnerName: "天津港某码头公司", Contact: "022-5555-0107"}) {
		t.Fatalf("owner = %+v", got)
	}
}
