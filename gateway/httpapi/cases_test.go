package httpapi_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

type caseAnswer struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Since   string `json:"since"`
	Notices []struct {
		ID            string `json:"id"`
		InstitutionID string `json:"institution_id"`
		Status        string `json:"status"`
		Items         []struct {
			CertificateID string `json:"certificate_id"`
			SubjectID     string `json:"subject_id"`
			Status        string `json:"status"`
			Action        string `json:"action"`
			ReplacementID string `json:"replacement_id"`
			Reason        string `json:"reason"`
		} `json:"items"`
	} `json:"notices"`
}

func decodeCase(t *testing.T, r *response, status int) caseAnswer {
	t.Helper()
	r.expect(t, status)
	var a caseAnswer
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func (a caseAnswer) certificates() map[string][]string {
	out := map[string][]string{}
	for _, n := range a.Notices {
		for _, it := range n.Items {
			out[n.InstitutionID] = append(out[n.InstitutionID], it.CertificateID)
		}
		sort.Strings(out[n.InstitutionID])
	}
	return out
}

func (a caseAnswer) statuses() map[string]string {
	out := map[string]string{"case": a.Status}
	for _, n := range a.Notices {
		out[n.InstitutionID] = n.Status
	}
	return out
}

func TestACaseThroughHTTP(t *testing.T) {
	e, region := newSupervisedEnv(t)
	want := region.Expect
	inspector := e.token("inspector", "HebeiMSP", "HBIM")
	tjim := e.recorderOf("TianjinMSP", "TJIM")
	market := e.recorderOf("TianjinMSP", "TJ-MKT")
	hbim := e.recorderOf("HebeiMSP", "HBIM")
	opening := map[string]string{"id": "CASE-1", "standard_id": want.CaseStandard, "since": want.CaseSince, "finding": "5 kg weight out of tolerance"}

	refused := func(r *response, status int, code, msg string) {
		t.Helper()
		before := e.height()
		r.expectError(t, status, code, msg)
		if e.height() != before {
			t.Fatal("a refused request wrote")
		}
	}
	h := e.height()
	e.post("/api/v1/cases", market, opening).expectError(t, 403, "forbidden", "TJ-STD-B")
	e.post("/api/v1/cases", e.operator("TianjinMSP"), opening).expectError(t, 403, "forbidden", "")
	e.post("/api/v1/cases", inspector, map[string]string{"id": "C2", "standard_id": "NO-STD", "since": want.CaseSince, "finding": "x"}).expectError(t, 404, "not_found", "NO-STD")
	e.post("/api/v1/cases", inspector, map[string]string{"id": "C2", "standard_id": want.CaseStandard, "since": want.CaseSince}).expectError(t, 400, "invalid", "finding")
	e.post("/api/v1/cases", inspector, map[string]any{"id": "C2", "standard_id": want.CaseStandard, "since": want.CaseSince, "finding": "x", "colour": 1}).expectError(t, 400, "invalid", "colour")
	if e.height() != h {
		t.Fatal("refused case openings wrote")
	}

	r := e.post("/api/v1/cases", inspector, opening)
	a := decodeCase(t, r, 201)
	if r.header.Get("Location") != "/api/v1/cases/CASE-1" || a.Since != want.CaseSince {
		t.Errorf("Location %q, case %+v", r.header.Get("Location"), a)
	}
	if got := a.certificates(); !reflect.DeepEqual(got, want.CaseNotices) {
		t.Fatalf("notices = %v, want %v", got, want.CaseNotices)
	}
	refused(e.post("/api/v1/cases", inspector, opening), 409, "conflict", "CASE-1")
	a = decodeCase(t, e.get("/api/v1/cases/CASE-1", inspector), 200)
	if !reflect.DeepEqual(a.statuses(), map[string]string{"case": "open", "HBIM": "open", "TJ-MKT": "open", "TJIM": "open"}) {
		t.Errorf("statuses = %v", a.statuses())
	}
	e.get("/api/v1/cases/NO-CASE", inspector).expectError(t, 404, "not_found", "NO-CASE")

	p := e.page("/api/v1/supervision/open-notices?older_than_days=0", inspector)
	var open []string
	for _, it := range p.Items {
		open = append(open, it.InstitutionID)
	}
	if sort.Strings(open); !reflect.DeepEqual(open, []string{"HBIM", "TJ-MKT", "TJIM"}) {
		t.Errorf("open notices = %v", open)
	}
	if p := e.page("/api/v1/supervision/open-notices?older_than_days=1", inspector); p.Total != 0 {
		t.Errorf("notices opened today are listed as a day old: %+v", p)
	}

	res := func(cert, action, replacement, reason string) map[string]string {
		return map[string]string{"certificate_id": cert, "action": action, "replacement_id": replacement, "reason": reason}
	}
	refused(e.post("/api/v1/notices/CASE-1~TJIM/resolve", hbim, res("V-RISK", "no_impact", "", "not ours")), 403, "forbidden", "")
	refused(e.post("/api/v1/notices/CASE-1~TJIM/resolve", inspector, res("V-RISK", "no_impact", "", "x")), 403, "forbidden", "")
	refused(e.post("/api/v1/notices/CASE-1~TJIM/resolve", tjim, res("V-RISK", "no_impact", "", "")), 400, "invalid", "no_impact needs a reason")
	refused(e.post("/api/v1/notices/CASE-1~TJIM/resolve", tjim, res("V-RISK", "recalibrated", "", "")), 400, "invalid", "replacement_id")
	refused(e.post("/api/v1/notices/CASE-1~TJIM/resolve", tjim, res("V-MKT", "recalled", "", "")), 404, "not_found", "not an item of notice")
	refused(e.post("/api/v1/notices/CASE-1~NOBODY/resolve", tjim, res("V-MKT", "recalled", "", "")), 404, "not_found", "")

	n := e.post("/api/v1/notices/CASE-1~TJIM/resolve", tjim, res("V-RISK", "recalled", "", "verified with the sealed standard")).expect(t, 200)
	if n["status"] != "open" || n["open_items"] != float64(1) {
		t.Errorf("notice after one of two = %v", n)
	}
	if c := e.get("/api/v1/certificates/V-RISK", tjim).expect(t, 200); c["status"] != "revoked" {
		t.Errorf("recalled certificate = %v", c)
	}
	refused(e.post("/api/v1/notices/CASE-1~TJIM/resolve", tjim, res("V-RISK", "recalled", "", "")), 409, "conflict", "already resolved")
	e.post("/api/v1/notices/CASE-1~TJIM/resolve", tjim, res("C-MKT-WS", "no_impact", "", "the 5 kg weight does not calibrate F1 weights")).expect(t, 200)
	a = decodeCase(t, e.get("/api/v1/cases/CASE-1", inspector), 200)
	if !reflect.DeepEqual(a.statuses(), map[string]string{"case": "open", "HBIM": "open", "TJ-MKT": "open", "TJIM": "closed"}) {
		t.Errorf("statuses = %v", a.statuses())
	}
	e.post("/api/v1/notices/CASE-1~HBIM/resolve", hbim, res("V-HB-B", "no_impact", "", "expired before the fault")).expect(t, 200)

	day, _ := time.Parse(record.DateLayout, region.Today)
	cert := map[string]any{"id": "V-OK-2", "kind": "verification", "issuer_id": "TJIM", "subject_id": "S-OK", "reference_ids": []string{"TJ-STD-D"},
		"quantity": "mass", "performed_on": region.Today, "valid_until": day.AddDate(1, 0, -1).Format(record.DateLayout), "method": "JJG 539-2016",
		"conformity": "pass", "results": []map[string]any{{"value": 10.001, "unit": "kg"}}}
	e.post("/api/v1/certificates", tjim, cert).expect(t, 201)
	refused(e.post("/api/v1/notices/CASE-1~TJ-MKT/resolve", market, res("V-MKT", "recalibrated", "V-RISK", "")), 400, "invalid", "")
	e.post("/api/v1/notices/CASE-1~TJ-MKT/resolve", market, res("V-MKT", "recalibrated", "V-OK-2", "")).expect(t, 200)

	a = decodeCase(t, e.get("/api/v1/cases/CASE-1", inspector), 200)
	if !reflect.DeepEqual(a.statuses(), map[string]string{"case": "closed", "HBIM": "closed", "TJ-MKT": "closed", "TJIM": "closed"}) {
		t.Errorf("statuses after the last item = %v", a.statuses())
	}
	actions := map[string]string{}
	for _, n := range a.Notices {
		for _, it := range n.Items {
			actions[it.CertificateID] = it.Action + " " + it.ReplacementID
		}
	}
	if want := map[string]string{"V-RISK": "recalled ", "C-MKT-WS": "no_impact ", "V-HB-B": "no_impact ", "V-MKT": "recalibrated V-OK-2"}; !reflect.DeepEqual(actions, want) {
		t.Errorf("actions = %v", actions)
	}
	if p := e.page("/api/v1/supervision/open-notices", inspector); p.Total != 0 {
		t.Errorf("open notices after the case closed = %+v", p)
	}
}
