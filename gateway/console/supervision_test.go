package console_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/index"
)

// apiGet reads a JSON answer of the gateway with a token.
func apiGet(t *testing.T, gw *gateway, token, path string, v any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, gw.url+"/api/v1"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
	}
	if s, ok := v.(*string); ok {
		*s = string(body)
		return
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// itemIDs are the ids a supervision list names, in its order.
func itemIDs(p *index.ItemPage) []string {
	out := []string{}
	for _, it := range p.Items {
		switch {
		case it.NoticeID != "":
			out = append(out, it.NoticeID)
		case it.InstrumentID != "":
			out = append(out, it.InstrumentID)
		case it.StandardID != "" && it.CertificateID == "":
			out = append(out, it.StandardID)
		default:
			out = append(out, it.CertificateID)
		}
	}
	return out
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// caseAnswer is the part of GET /cases/{id} the test reads.
type caseAnswer struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	OpenedBy string `json:"opened_by"`
	Notices  []struct {
		ID            string `json:"id"`
		InstitutionID string `json:"institution_id"`
		Status        string `json:"status"`
		Items         []struct {
			CertificateID string `json:"certificate_id"`
			Status        string `json:"status"`
			Action        string `json:"action"`
			Reason        string `json:"reason"`
		} `json:"items"`
	} `json:"notices"`
}

// TestSupervisionInHeadlessChromium: the dashboard lists exactly what the
// index lists for the demo (the showcase's overdue, due, expiring, at-risk
// and open-notice records among them), filters by region, exports CSV;
// the case page shows every notice, refuses a foreign recorder clearly,
// shows a bad resolution's error, and resolves an item for the notified
// institution's recorder.
func TestSupervisionInHeadlessChromium(t *testing.T) {
	ctx := browser(t)
	gw := startGateway(t)
	sc := gw.showcase
	inspector, err := gw.tokens.Issue(auth.Claims{Role: auth.RoleInspector, MSP: "TianjinMSP", Institution: "TJIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	setToken := func(token string) {
		run(t, ctx,
			chromedp.Evaluate(fmt.Sprintf(`localStorage.setItem("metrotrace.token", %q); localStorage.setItem("metrotrace.lang", "zh")`, token), nil),
			chromedp.Reload(),
			chromedp.WaitReady(`body`, chromedp.ByQuery),
		)
	}
	run(t, ctx, chromedp.Navigate(gw.url+"/"), chromedp.WaitVisible(`#view-home`, chromedp.ByID))
	setToken(inspector)

	lists := []struct {
		name string
		want func(f index.Filter) []string
		must []string
	}{
		{"overdue", func(f index.Filter) []string {
			p, err := gw.index.Overdue(day, f, 1000, "")
			must(t, err)
			return itemIDs(p)
		}, []string{sc.NeverVerified, sc.Overdue}},
		{"due", func(f index.Filter) []string {
			p, err := gw.index.Due(day, 30, f, 1000, "")
			must(t, err)
			return itemIDs(p)
		}, []string{sc.DueSoon}},
		{"approvals", func(f index.Filter) []string {
			p, err := gw.index.Approvals(day, 30, f, 1000, "")
			must(t, err)
			return itemIDs(p)
		}, []string{sc.ExpiringApproval}},
		{"at-risk", func(f index.Filter) []string { p, err := gw.index.AtRisk(f, 1000, ""); must(t, err); return itemIDs(p) }, []string{sc.AtRisk}},
		{"open-notices", func(f index.Filter) []string {
			p, err := gw.index.OpenNotices(day, 0, f, 1000, "")
			must(t, err)
			return itemIDs(p)
		}, []string{sc.OpenNotice}},
	}
	// shown reads every row id of a dashboard table, page after page.
	shown := func(name string) []string {
		tbl := "supervision-" + name + "-table"
		var all []string
		for i := 0; i < 100; i++ {
			all = append(all, tableIDs(t, ctx, tbl)...)
			var disabled bool
			run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`document.querySelector("#%s .mt-next").disabled`, tbl), &disabled))
			if disabled {
				break
			}
			run(t, ctx, chromedp.Click("#"+tbl+" .mt-next", chromedp.ByQuery))
		}
		return all
	}
	waitLists := func() {
		for _, l := range lists {
			run(t, ctx, chromedp.WaitVisible(`#supervision-`+l.name+`[data-loaded="true"] .mt-table`, chromedp.ByQuery))
		}
		run(t, ctx, chromedp.WaitVisible(`#supervision-coverage[data-loaded="true"] .mt-table`, chromedp.ByQuery))
	}

	t.Run("the dashboard lists exactly the index's items", func(t *testing.T) {
		run(t, ctx, visit("#/supervision"), chromedp.WaitVisible(`#supervision-form`, chromedp.ByID))
		waitLists()
		for _, l := range lists {
			want := l.want(index.Filter{})
			for _, m := range l.must {
				if !contains(want, m) {
					t.Fatalf("%s: the index's list %v lacks the showcase's %s", l.name, want, m)
				}
			}
			if total := attr(t, ctx, "#supervision-"+l.name, "data-total"); total != strconv.Itoa(len(want)) {
				t.Errorf("%s: total %s, want %d", l.name, total, len(want))
			}
			if got := shown(l.name); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s shows %v, want %v", l.name, got, want)
			}
		}
		cov, err := gw.index.Coverage(day, "district", index.Filter{}, 1000, "")
		must(t, err)
		if got := attr(t, ctx, "#supervision-coverage .coverage-overall", "data-registered"); got != strconv.Itoa(cov.Overall.Registered) {
			t.Errorf("coverage: %s registered, want %d", got, cov.Overall.Registered)
		}
		if got := attr(t, ctx, "#supervision-coverage-table", "data-total"); got != strconv.Itoa(len(cov.Groups)) {
			t.Errorf("coverage: %s districts, want %d", got, len(cov.Groups))
		}
		run(t, ctx, chromedp.ScrollIntoView(`#view-supervision h1`, chromedp.ByQuery))
		docShot(t, ctx, "supervision.png")
	})

	t.Run("filters narrow every list", func(t *testing.T) {
		run(t, ctx,
			chromedp.SetValue(`#supervision-region`, "TJ", chromedp.ByQuery),
			chromedp.Evaluate(`document.getElementById("supervision-region").dispatchEvent(new Event("change"))`, nil),
			chromedp.WaitVisible(`#supervision-overdue[data-loaded="true"]`, chromedp.ByQuery),
		)
		if got := attr(t, ctx, `#supervision-region`, "id"); got == "" {
			t.Fatal("no region filter")
		}
		var hash string
		run(t, ctx, chromedp.Evaluate(`location.hash`, &hash))
		if !strings.Contains(hash, "region=TJ") {
			t.Fatalf("hash %q", hash)
		}
		waitLists()
		for _, l := range lists {
			want := l.want(index.Filter{Region: "TJ"})
			if got := shown(l.name); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s in TJ shows %v, want %v", l.name, got, want)
			}
		}
		// Districts offered are Tianjin's only.
		var offered []string
		run(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("#supervision-district option")).map(o => o.value).filter(Boolean)`, &offered))
		for _, d := range offered {
			if !strings.HasPrefix(d, "12") {
				t.Errorf("district %s offered for TJ", d)
			}
		}
		if len(offered) == 0 {
			t.Error("no district offered for TJ")
		}
	})

	t.Run("CSV exports follow the filters", func(t *testing.T) {
		run(t, ctx,
			chromedp.Click(`#supervision-overdue-csv`, chromedp.ByID),
			chromedp.WaitVisible(`#supervision-overdue-csv-note[data-state="done"]`, chromedp.ByQuery),
		)
		var body string
		apiGet(t, gw, inspector, "/supervision/overdue?region=TJ&format=csv", &body)
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(rows) < 1 {
			t.Fatalf("csv: %v %q", err, body)
		}
		want := lists[0].want(index.Filter{Region: "TJ"})
		if len(rows)-1 != len(want) {
			t.Errorf("csv has %d rows, the list %d", len(rows)-1, len(want))
		}
	})

	// The case, as the API tells it.
	var cs caseAnswer
	apiGet(t, gw, inspector, "/cases/"+sc.Case, &cs)
	var open, closed string
	var openItem string
	for _, n := range cs.Notices {
		if n.ID == sc.OpenNotice {
			open = n.InstitutionID
			for _, it := range n.Items {
				if it.Status == "open" && openItem == "" {
					openItem = it.CertificateID
				}
			}
		}
		if n.ID == sc.ClosedNotice {
			closed = n.InstitutionID
		}
	}
	if open == "" || closed == "" || openItem == "" || open == closed {
		t.Fatalf("case %s: open notice of %q (item %q), closed of %q", sc.Case, open, openItem, closed)
	}
	mspOf := func(inst string) string {
		raw, err := gw.index.Get(t.Context(), record.DocInstitution, inst)
		must(t, err)
		var in record.Institution
		must(t, json.Unmarshal(raw, &in))
		return in.MSPID
	}
	noticeSel := func(id string) string { return fmt.Sprintf(`.notice-panel[data-notice=%q]`, id) }
	itemRow := func(notice, cert string) string { return noticeSel(notice) + fmt.Sprintf(` tr[data-id=%q]`, cert) }

	t.Run("the case page shows every notice and its items", func(t *testing.T) {
		run(t, ctx, visit("#/case/"+sc.Case), chromedp.WaitVisible(`#case-result [data-case]`, chromedp.ByQuery))
		// Who opened it, said in zh: "<msp> <role> of <institution>" as
		// the chaincode records it becomes "<institution> 的<role's name>".
		var msp, role, inst string
		if _, err := fmt.Sscanf(strings.Replace(cs.OpenedBy, " of ", " ", 1), "%s %s %s", &msp, &role, &inst); err != nil || role != "recorder" && role != "inspector" {
			t.Fatalf("opened_by %q: %v", cs.OpenedBy, err)
		}
		zhRole := map[string]string{"recorder": "记录员", "inspector": "监督检查员"}[role]
		if got, want := text(t, ctx, `[data-field="opened"] [data-opened-by]`), " · "+inst+" 的"+zhRole+"（"+role+"） · "+msp; got != want {
			t.Errorf("opened by %q, want %q", got, want)
		}
		if got := count(t, ctx, ".notice-panel"); got != len(cs.Notices) {
			t.Errorf("%d notices shown, want %d", got, len(cs.Notices))
		}
		for _, n := range cs.Notices {
			if got := attr(t, ctx, noticeSel(n.ID), "data-status"); got != n.Status {
				t.Errorf("notice %s: status %q, want %q", n.ID, got, n.Status)
			}
			var rows []string
			run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`Array.from(document.querySelectorAll('%s tbody tr[data-id]')).map(r => r.getAttribute("data-id"))`, noticeSel(n.ID)), &rows))
			var want []string
			for _, it := range n.Items {
				want = append(want, it.CertificateID)
			}
			sort.Strings(rows)
			sort.Strings(want)
			if strings.Join(rows, ",") != strings.Join(want, ",") {
				t.Errorf("notice %s items %v, want %v", n.ID, rows, want)
			}
		}
		// Every state of an item is there: recalled, recalibrated, no impact, open.
		for _, a := range []string{"recalled", "recalibrated", "no_impact"} {
			if count(t, ctx, fmt.Sprintf(`%s [data-action=%q]`, noticeSel(sc.OpenNotice), a)) == 0 {
				t.Errorf("no item resolved as %s in %s", a, sc.OpenNotice)
			}
		}
		if count(t, ctx, "#case-who") != 1 || count(t, ctx, "form.resolve") != 0 {
			t.Error("an inspector is offered the resolve form, or not told who resolves")
		}
		docShot(t, ctx, "case.png")
	})

	t.Run("a recorder of another institution is refused clearly and nothing is written", func(t *testing.T) {
		foreign, err := gw.tokens.Issue(auth.Claims{Role: auth.RoleRecorder, MSP: mspOf(closed), Institution: closed}, time.Hour)
		must(t, err)
		setToken(foreign)
		row := itemRow(sc.OpenNotice, openItem)
		run(t, ctx, visit("#/case/"+sc.Case), chromedp.WaitVisible(row+" form.resolve", chromedp.ByQuery))
		before := gw.index.Height()
		run(t, ctx,
			chromedp.SetValue(row+` select[name="action"]`, "no_impact", chromedp.ByQuery),
			chromedp.SetValue(row+` input[name="reason"]`, "not ours", chromedp.ByQuery),
			chromedp.Click(row+` form.resolve button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(row+` .error[data-status="403"]`, chromedp.ByQuery),
		)
		if got := text(t, ctx, row+" .error .forbidden"); !strings.Contains(got, open) || !strings.Contains(got, "无权") {
			t.Errorf("the 403 says %q", got)
		}
		if after := gw.index.Height(); after != before {
			t.Errorf("a refused resolve moved the ledger from %d to %d", before, after)
		}
		docShot(t, ctx, "case-forbidden.png")
	})

	t.Run("the notified institution's recorder resolves an item; a bad resolution shows its error", func(t *testing.T) {
		own, err := gw.tokens.Issue(auth.Claims{Role: auth.RoleRecorder, MSP: mspOf(open), Institution: open}, time.Hour)
		must(t, err)
		setToken(own)
		row := itemRow(sc.OpenNotice, openItem)
		run(t, ctx, visit("#/case/"+sc.Case), chromedp.WaitVisible(row+" form.resolve", chromedp.ByQuery))
		before := gw.index.Height()
		// no_impact needs a reason.
		run(t, ctx,
			chromedp.SetValue(row+` select[name="action"]`, "no_impact", chromedp.ByQuery),
			chromedp.Click(row+` form.resolve button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(row+` .error[data-status="400"]`, chromedp.ByQuery),
		)
		// Said in Chinese from the error's code, by the reason input too.
		if got := text(t, ctx, row+" .error"); !strings.Contains(got, "须填写原因（"+openItem+"）") || strings.Contains(got, "needs a reason") {
			t.Errorf("the 400 says %q", got)
		}
		if got := text(t, ctx, row+` [data-field="reason"] .field-error`); got != "须填写原因（"+openItem+"）" {
			t.Errorf("the reason input shows %q", got)
		}
		if after := gw.index.Height(); after != before {
			t.Errorf("a rejected resolve moved the ledger from %d to %d", before, after)
		}
		run(t, ctx,
			chromedp.SetValue(row+` input[name="reason"]`, "复核合格，未使用超差砝码", chromedp.ByQuery),
			chromedp.Click(row+` form.resolve button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(row+` [data-action="no_impact"]`, chromedp.ByQuery),
		)
		if got := attr(t, ctx, row+" [data-item-status]", "data-item-status"); got != "resolved" {
			t.Errorf("the item is %q after resolving", got)
		}
		var after caseAnswer
		apiGet(t, gw, inspector, "/cases/"+sc.Case, &after)
		for _, n := range after.Notices {
			for _, it := range n.Items {
				if it.CertificateID == openItem && (it.Status != "resolved" || it.Action != "no_impact" || it.Reason != "复核合格，未使用超差砝码") {
					t.Errorf("on the ledger the item is %+v", it)
				}
			}
		}
		docShot(t, ctx, "case-resolved.png")
	})

	t.Run("the dashboard and the case page fit a 390 px phone", func(t *testing.T) {
		setToken(inspector)
		run(t, ctx, chromedp.EmulateViewport(390, 844))
		defer run(t, ctx, chromedp.EmulateViewport(1280, 900))
		for _, p := range []struct{ name, hash, ready string }{
			{"supervision", "#/supervision", `#supervision-coverage[data-loaded="true"] .mt-table`},
			{"case", "#/case/" + sc.Case, `#case-result [data-case]`},
		} {
			run(t, ctx, visit(p.hash), chromedp.WaitVisible(p.ready, chromedp.ByQuery), chromedp.Sleep(300*time.Millisecond))
			var width, client int
			run(t, ctx,
				chromedp.Evaluate(`document.documentElement.scrollWidth`, &width),
				chromedp.Evaluate(`document.documentElement.clientWidth`, &client),
			)
			if width > client {
				var wide string
				run(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + "." + e.className + "#" + e.id).join(", ")`, &wide))
				t.Errorf("%s: the page is %d px wide in a %d px window (%s)", p.name, width, client, wide)
			}
			run(t, ctx, chromedp.Evaluate(`window.scrollTo(0, 0)`, nil))
			docShot(t, ctx, "phone-"+p.name+".png")
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
