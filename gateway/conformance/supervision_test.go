package conformance

import (
	"encoding/json"
	"net/url"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// supervisionPrefix keeps the supervision region apart from the variants.
const supervisionPrefix = "s00-"

// supervisionRegion is the supervision region of the test's day, prefixed.
func supervisionRegion() (*scenario.SupervisionRegion, *scenario.Fixture) {
	r := scenario.Supervision(time.Now().UTC().Truncate(24 * time.Hour))
	return r, r.Prefixed(supervisionPrefix)
}

func prefixed(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = supervisionPrefix + id
	}
	return out
}

// supervisionScenario loads the supervision region through HTTP, checks
// every list returns exactly the expected ids, then opens a case on the
// sealed standard and follows it to its end: exactly the issuers of the
// affected certificates are notified with exactly those certificates, each
// action resolves as specified, a foreign institution's resolve is 403 and
// writes nothing, and the case closes with its last item.
func supervisionScenario(t *testing.T, tg *target) {
	t.Helper()
	region, f := supervisionRegion()
	if err := load(t, tg, variant{prefix: supervisionPrefix, fixture: f}); err != nil {
		t.Fatal(err)
	}
	want := region.Expect
	p := supervisionPrefix
	inspector := tg.token(t, "HebeiMSP", "inspector", "c00-HBIM")
	get := func(path string, into any) {
		t.Helper()
		code, out := tg.do(t, "GET", "/api/v1"+path, inspector, nil)
		if code != 200 {
			t.Fatalf("GET %s on %s: %d %s", path, tg.name, code, out)
		}
		if err := json.Unmarshal(out, into); err != nil {
			t.Fatal(err)
		}
	}
	type page struct {
		Items []struct {
			InstrumentID  string `json:"instrument_id"`
			StandardID    string `json:"standard_id"`
			CertificateID string `json:"certificate_id"`
			InstitutionID string `json:"institution_id"`
			Reason        string `json:"reason"`
		} `json:"items"`
		Total int `json:"total"`
	}
	lists := []struct {
		name, path, field string
		ids               []string
	}{
		{"overdue of the market", "/supervision/overdue?institution=" + p + "TJ-MKT", "instrument", prefixed(want.Overdue)},
		{"due within 30 days of the market", "/supervision/due?within_days=30&institution=" + p + "TJ-MKT", "instrument", prefixed(want.Due30[:1])},
		{"due within 30 days of HBIM", "/supervision/due?within_days=30&institution=" + p + "HBIM", "instrument", prefixed(want.Due30[1:])},
		{"approvals of BJIM", "/supervision/approvals?within_days=30&institution=" + p + "BJIM", "standard", prefixed(want.Approvals30[:1])},
		{"approvals of HBIM", "/supervision/approvals?within_days=30&institution=" + p + "HBIM", "standard", prefixed(want.Approvals30[1:])},
		{"at risk issued by TJIM", "/supervision/at-risk?institution=" + p + "TJIM", "certificate", prefixed([]string{"V-RISK"})},
		{"at risk issued by HBIM", "/supervision/at-risk?institution=" + p + "HBIM", "certificate", prefixed([]string{"V-H-LATE"})},
		{"at risk issued by BJIM", "/supervision/at-risk?institution=" + p + "BJIM", "certificate", prefixed([]string{"V-B-LATE"})},
	}
	for _, l := range lists {
		var pg page
		get(l.path, &pg)
		got := []string{}
		for _, it := range pg.Items {
			switch l.field {
			case "instrument":
				got = append(got, it.InstrumentID)
			case "standard":
				got = append(got, it.StandardID)
			default:
				got = append(got, it.CertificateID)
			}
		}
		if !reflect.DeepEqual(got, l.ids) || pg.Total != len(l.ids) {
			t.Errorf("%s on %s = %v (total %d), want %v", l.name, tg.name, got, pg.Total, l.ids)
		}
	}

	type caseView struct {
		Status  string `json:"status"`
		Notices []struct {
			InstitutionID string `json:"institution_id"`
			Status        string `json:"status"`
			Items         []struct {
				CertificateID string `json:"certificate_id"`
				Action        string `json:"action"`
			} `json:"items"`
		} `json:"notices"`
	}
	caseID := p + "CASE-1"
	opening := map[string]string{"id": caseID, "standard_id": p + want.CaseStandard, "since": want.CaseSince, "finding": "5 kg weight out of tolerance"}
	code, out := tg.do(t, "POST", "/api/v1/cases", inspector, opening)
	if code != 201 {
		t.Fatalf("open case on %s: %d %s", tg.name, code, out)
	}
	var cv caseView
	get("/cases/"+caseID, &cv)
	notified := map[string][]string{}
	for _, n := range cv.Notices {
		for _, it := range n.Items {
			notified[n.InstitutionID] = append(notified[n.InstitutionID], it.CertificateID)
		}
		sort.Strings(notified[n.InstitutionID])
	}
	wantNotified := map[string][]string{}
	for inst, certs := range want.CaseNotices {
		wantNotified[p+inst] = prefixed(certs)
	}
	if !reflect.DeepEqual(notified, wantNotified) || cv.Status != "open" {
		t.Fatalf("case on %s notifies %v (%s), want %v", tg.name, notified, cv.Status, wantNotified)
	}

	resolve := func(notifiedInst, msp, as, cert, action, replacement, reason string) (int, []byte) {
		t.Helper()
		return tg.do(t, "POST", "/api/v1/notices/"+url.PathEscape(record.NoticeID(caseID, p+notifiedInst))+"/resolve", tg.token(t, msp, "recorder", p+as),
			map[string]string{"certificate_id": p + cert, "action": action, "replacement_id": replacement, "reason": reason})
	}
	mustResolve := func(notifiedInst, msp, cert, action, replacement, reason string) {
		t.Helper()
		if code, out := resolve(notifiedInst, msp, notifiedInst, cert, action, replacement, reason); code != 200 {
			t.Fatalf("resolve %s %s on %s: %d %s", cert, action, tg.name, code, out)
		}
	}
	if code, out := resolve("TJIM", "HebeiMSP", "HBIM", "V-RISK", "no_impact", "", "not ours"); code != 403 {
		t.Errorf("a foreign resolve on %s: %d %s", tg.name, code, out)
	}
	get("/cases/"+caseID, &cv)
	for _, n := range cv.Notices {
		for _, it := range n.Items {
			if it.Action != "" {
				t.Errorf("the refused resolve wrote %s on %s", it.CertificateID, tg.name)
			}
		}
	}
	mustResolve("TJIM", "TianjinMSP", "V-RISK", "recalled", "", "verified with the sealed standard")
	var cert struct {
		Status string `json:"status"`
	}
	get("/certificates/"+p+"V-RISK", &cert)
	if cert.Status != "revoked" {
		t.Errorf("recalled certificate on %s is %s", tg.name, cert.Status)
	}
	mustResolve("TJIM", "TianjinMSP", "C-MKT-WS", "no_impact", "", "the 5 kg weight does not calibrate F1 weights")
	mustResolve("HBIM", "HebeiMSP", "V-HB-B", "no_impact", "", "expired before the fault")
	day, _ := time.Parse(record.DateLayout, region.Today)
	newCert := map[string]any{"id": p + "V-OK-2", "kind": "verification", "issuer_id": p + "TJIM", "subject_id": p + "S-OK",
		"reference_ids": []string{p + "TJ-STD-D"}, "quantity": "mass", "performed_on": region.Today,
		"valid_until": day.AddDate(1, 0, -1).Format(record.DateLayout), "method": "JJG 539-2016", "conformity": "pass",
		"results": []map[string]any{{"value": 10.001, "unit": "kg"}}}
	if code, out := tg.do(t, "POST", "/api/v1/certificates", tg.token(t, "TianjinMSP", "recorder", p+"TJIM"), newCert); code != 201 {
		t.Fatalf("new certificate on %s: %d %s", tg.name, code, out)
	}
	get("/cases/"+caseID, &cv)
	if cv.Status != "open" {
		t.Errorf("case on %s closed before its last item", tg.name)
	}
	mustResolve("TJ-MKT", "TianjinMSP", "V-MKT", "recalibrated", p+"V-OK-2", "")
	get("/cases/"+caseID, &cv)
	statuses := map[string]string{"case": cv.Status}
	for _, n := range cv.Notices {
		statuses[n.InstitutionID] = n.Status
	}
	if wantStatuses := map[string]string{"case": "closed", p + "HBIM": "closed", p + "TJ-MKT": "closed", p + "TJIM": "closed"}; !reflect.DeepEqual(statuses, wantStatuses) {
		t.Errorf("after the last item on %s: %v", tg.name, statuses)
	}
}
