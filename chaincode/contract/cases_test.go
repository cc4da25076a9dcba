package contract_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// caseView reads a case with its notices and items from the ledger.
func (l *ledger) caseView(id string) (record.Case, map[string]record.Notice, map[string]record.NoticeItem) {
	l.t.Helper()
	viewer := l.as("HebeiMSP", "inspector", "HBIM")
	cs := decode[record.Case](l.t, l.mustEvaluate(viewer, "Get", "case", id))
	notices := map[string]record.Notice{}
	items := map[string]record.NoticeItem{}
	for _, p := range []record.Page{decode[record.Page](l.t, l.mustEvaluate(viewer, "List", record.IndexNoticesByCase, id, "", ""))} {
		for _, raw := range p.Records {
			var n record.Notice
			if err := json.Unmarshal(raw, &n); err != nil {
				l.t.Fatal(err)
			}
			notices[n.InstitutionID] = n
			ip := decode[record.Page](l.t, l.mustEvaluate(viewer, "List", record.IndexItemsByNotice, n.ID, "", ""))
			for _, raw := range ip.Records {
				var it record.NoticeItem
				if err := json.Unmarshal(raw, &it); err != nil {
					l.t.Fatal(err)
				}
				items[it.CertificateID] = it
			}
		}
	}
	return cs, notices, items
}

func TestAnOutOfToleranceCaseIsFollowedToItsEnd(t *testing.T) {
	day := time.Now().UTC().Truncate(24 * time.Hour)
	region := scenario.Supervision(day)
	l := newLedger(t)
	l.now = day.Add(9 * time.Hour)
	l.load(region.Fixture)
	want := region.Expect
	inspector := l.as("HebeiMSP", "inspector", "HBIM")
	tjim := l.as("TianjinMSP", "recorder", "TJIM")
	market := l.as("TianjinMSP", "recorder", "TJ-MKT")
	hbim := l.as("HebeiMSP", "recorder", "HBIM")
	opening := mustJSON(t, record.CaseOpening{ID: "CASE-1", StandardID: want.CaseStandard, Since: want.CaseSince, Finding: "5 kg weight out of tolerance by 30 mg"})

	refused := func(id *identityT, code record.Code, fn string, args ...string) {
		t.Helper()
		before := l.height()
		_, err := l.submit(id, fn, args...)
		wantCode(t, err, code)
		if l.height() != before {
			t.Fatalf("%s was refused but wrote", fn)
		}
	}
	refused(market, record.Forbidden, "OpenCase", opening, "")
	refused(inspector, record.Invalid, "OpenCase", mustJSON(t, record.CaseOpening{ID: "CASE-X", StandardID: want.CaseStandard, Since: day.AddDate(0, 0, 1).Format(record.DateLayout), Finding: "x"}), "")
	refused(inspector, record.NotFound, "OpenCase", mustJSON(t, record.CaseOpening{ID: "CASE-X", StandardID: "NO-STD", Since: want.CaseSince, Finding: "x"}), "")
	refused(inspector, record.Invalid, "OpenCase", opening, "0")

	// One item per transaction, in the impact walk's order (the standard's
	// own certificates first: C-MKT-WS of TJIM): the case is recorded
	// across four.
	cs := decode[record.Case](t, l.mustSubmit(inspector, "OpenCase", opening, "1"))
	if cs.Recorded || cs.Status != record.CaseOpen || cs.Certificates != 1 || !reflect.DeepEqual(cs.NoticeIDs, []string{"CASE-1~TJIM"}) {
		t.Fatalf("opened case = %+v", cs)
	}
	refused(inspector, record.Conflict, "OpenCase", opening, "")
	refused(market, record.Forbidden, "ContinueCase", "CASE-1", "1")
	continues := 0
	for !cs.Recorded {
		cs = decode[record.Case](t, l.mustSubmit(tjim, "ContinueCase", "CASE-1", "1"))
		continues++
	}
	if continues != 3 {
		t.Errorf("continued %d times, want 3", continues)
	}
	refused(tjim, record.Conflict, "ContinueCase", "CASE-1", "1")

	cs, notices, items := l.caseView("CASE-1")
	got := map[string][]string{}
	for inst, n := range notices {
		if n.Status != record.CaseOpen || !n.Complete || n.OpenItems != n.ItemCount {
			t.Errorf("notice %s = %+v", n.ID, n)
		}
		for cert, it := range items {
			if it.NoticeID == n.ID {
				got[inst] = append(got[inst], cert)
			}
		}
		sort.Strings(got[inst])
	}
	if !reflect.DeepEqual(got, want.CaseNotices) || cs.OpenNotices != 3 || cs.Certificates != 4 {
		t.Fatalf("notices = %v (case %+v), want %v", got, cs, want.CaseNotices)
	}

	resolve := func(who *identityT, notice string, r record.Resolution) (string, error) {
		return l.submit(who, "ResolveNotice", notice, mustJSON(t, r))
	}
	refused(hbim, record.Forbidden, "ResolveNotice", "CASE-1~TJIM", mustJSON(t, record.Resolution{CertificateID: "V-RISK", Action: "no_impact", Reason: "x"}))
	refused(inspector, record.Forbidden, "ResolveNotice", "CASE-1~TJIM", mustJSON(t, record.Resolution{CertificateID: "V-RISK", Action: "no_impact", Reason: "x"}))
	refused(tjim, record.Invalid, "ResolveNotice", "CASE-1~TJIM", mustJSON(t, record.Resolution{CertificateID: "C-MKT-WS", Action: "no_impact"}))
	refused(tjim, record.Invalid, "ResolveNotice", "CASE-1~TJIM", mustJSON(t, record.Resolution{CertificateID: "C-MKT-WS", Action: "fixed"}))
	refused(tjim, record.NotFound, "ResolveNotice", "CASE-1~TJIM", mustJSON(t, record.Resolution{CertificateID: "V-MKT", Action: "recalled"}))
	refused(tjim, record.NotFound, "ResolveNotice", "CASE-1~NOBODY", mustJSON(t, record.Resolution{CertificateID: "V-MKT", Action: "recalled"}))

	if _, err := resolve(tjim, "CASE-1~TJIM", record.Resolution{CertificateID: "V-RISK", Action: "recalled", Reason: "verified with a sealed standard"}); err != nil {
		t.Fatal(err)
	}
	cert := decode[record.Certificate](t, l.mustEvaluate(tjim, "Get", "certificate", "V-RISK"))
	if cert.Status != record.CertRevoked {
		t.Errorf("recalled V-RISK is %s", cert.Status)
	}
	refused(tjim, record.Conflict, "ResolveNotice", "CASE-1~TJIM", mustJSON(t, record.Resolution{CertificateID: "V-RISK", Action: "recalled"}))
	if _, err := resolve(tjim, "CASE-1~TJIM", record.Resolution{CertificateID: "C-MKT-WS", Action: "no_impact", Reason: "the 5 kg weight is not used to calibrate F1 weights"}); err != nil {
		t.Fatal(err)
	}
	if _, err := resolve(hbim, "CASE-1~HBIM", record.Resolution{CertificateID: "V-HB-B", Action: "no_impact", Reason: "the certificate had expired"}); err != nil {
		t.Fatal(err)
	}
	_, notices, _ = l.caseView("CASE-1")
	if notices["TJIM"].Status != record.CaseClosed || notices["HBIM"].Status != record.CaseClosed || notices["TJ-MKT"].Status != record.CaseOpen {
		t.Fatalf("notices = %+v", notices)
	}

	// Recalibrated needs a new certificate of the same subject, after since, that traces today.
	today := day.Format(record.DateLayout)
	newVer := func(id, subject, performed string) string {
		return mustJSON(t, &record.Certificate{ID: id, Kind: "verification", IssuerID: "TJIM", SubjectID: subject, ReferenceIDs: []string{"TJ-STD-D"},
			Quantity: "mass", PerformedOn: performed, ValidUntil: day.AddDate(1, 0, -1).Format(record.DateLayout), Method: "JJG 539-2016",
			Conformity: "pass", Results: []record.Result{{Value: 10.001, Unit: "kg"}}})
	}
	l.mustSubmit(tjim, "IssueCertificate", newVer("V-OK-2", "S-OK", today))
	l.mustSubmit(tjim, "IssueCertificate", newVer("V-DUE-2", "S-DUE", today))
	l.mustSubmit(tjim, "IssueCertificate", newVer("V-OK-OLD", "S-OK", day.AddDate(0, 0, -100).Format(record.DateLayout)))
	for _, bad := range []record.Resolution{
		{CertificateID: "V-MKT", Action: "recalibrated"},
		{CertificateID: "V-MKT", Action: "recalibrated", ReplacementID: "V-DUE-2"},
		{CertificateID: "V-MKT", Action: "recalibrated", ReplacementID: "V-OK-OLD"},
		{CertificateID: "V-MKT", Action: "recalibrated", ReplacementID: "NO-CERT"},
		{CertificateID: "V-MKT", Action: "no_impact", ReplacementID: "V-OK-2", Reason: "x"},
	} {
		_, err := resolve(market, "CASE-1~TJ-MKT", bad)
		if err == nil {
			t.Errorf("%+v was accepted", bad)
		}
	}
	if _, err := resolve(market, "CASE-1~TJ-MKT", record.Resolution{CertificateID: "V-MKT", Action: "recalibrated", ReplacementID: "V-OK-2"}); err != nil {
		t.Fatal(err)
	}
	cs, notices, items = l.caseView("CASE-1")
	if cs.Status != record.CaseClosed || cs.ClosedOn != today || cs.OpenNotices != 0 || notices["TJ-MKT"].Status != record.CaseClosed {
		t.Errorf("case after the last item = %+v", cs)
	}
	if it := items["V-MKT"]; it.Action != "recalibrated" || it.ReplacementID != "V-OK-2" || it.Status != record.ItemResolved {
		t.Errorf("V-MKT item = %+v", it)
	}
}

func TestACaseWithNothingAffectedClosesAtOnce(t *testing.T) {
	day := time.Now().UTC().Truncate(24 * time.Hour)
	region := scenario.Supervision(day)
	l := newLedger(t)
	l.now = day.Add(9 * time.Hour)
	l.load(region.Fixture)
	cs := decode[record.Case](t, l.mustSubmit(l.as("HebeiMSP", "recorder", "HBIM"), "OpenCase",
		mustJSON(t, record.CaseOpening{ID: "CASE-0", StandardID: "HB-STD-C", Since: day.Format(record.DateLayout), Finding: "drift"}), ""))
	if cs.Status != record.CaseClosed || !cs.Recorded || len(cs.NoticeIDs) != 0 {
		t.Errorf("case = %+v", cs)
	}
}

// A certificate the impact walk meets twice, under two affected references,
// is one notice item, in whichever chunk first met it.
func TestACaseListsACertificateReachedTwiceOnce(t *testing.T) {
	day := time.Now().UTC().Truncate(24 * time.Hour)
	for _, chunk := range []string{"1", ""} {
		region := scenario.Supervision(day)
		twice := *region.Certificate("V-RISK")
		twice.ID, twice.SubjectID = "V-TWICE", "S-OK"
		twice.ReferenceIDs = []string{"TJ-STD-B", "TJ-MKT-WS"}
		twice.PerformedOn = day.AddDate(0, 0, -10).Format(record.DateLayout)
		region.Fixture.Certificates = append(region.Fixture.Certificates, &twice)
		l := newLedger(t)
		l.now = day.Add(9 * time.Hour)
		l.load(region.Fixture)
		inspector := l.as("HebeiMSP", "inspector", "HBIM")
		opening := mustJSON(t, record.CaseOpening{ID: "CASE-2", StandardID: "TJ-STD-B", Since: region.Expect.CaseSince, Finding: "x"})
		cs := decode[record.Case](t, l.mustSubmit(inspector, "OpenCase", opening, chunk))
		for !cs.Recorded {
			cs = decode[record.Case](t, l.mustSubmit(inspector, "ContinueCase", "CASE-2", chunk))
		}
		cs, notices, items := l.caseView("CASE-2")
		var tjim []string
		for cert, it := range items {
			if it.NoticeID == "CASE-2~TJIM" {
				tjim = append(tjim, cert)
			}
		}
		sort.Strings(tjim)
		if want := []string{"C-MKT-WS", "V-RISK", "V-TWICE"}; !reflect.DeepEqual(tjim, want) || notices["TJIM"].ItemCount != 3 || cs.Certificates != 5 {
			t.Fatalf("chunk %q: TJIM items %v (item_count %d), case certificates %d; want %v, 3, 5", chunk, tjim, notices["TJIM"].ItemCount, cs.Certificates, want)
		}
	}
}
