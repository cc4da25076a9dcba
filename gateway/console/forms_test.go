package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/metrotrace/metrotrace/gateway/auth"
)

// ledgerHeight asks the gateway's /readyz for the ledger's height.
func (gw *gateway) ledgerHeight(t *testing.T) uint64 {
	t.Helper()
	res, err := http.Get(gw.url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r struct {
		LedgerHeight uint64 `json:"ledger_height"`
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil || r.LedgerHeight == 0 {
		t.Fatalf("readyz: %v", err)
	}
	return r.LedgerHeight
}

// formCase is one form filled in with bad values, then with good ones.
type formCase struct {
	kind, plural string
	// bad are the inputs (by name) of a submission with wrong values, and
	// badFields the fields the console must mark, in the form's order (a
	// detail of a field the form has no input for, such as
	// reference_ids[0], marks the nearest enclosing one).
	bad       map[string]string
	badFields []string
	// good are the inputs of a submission the ledger takes; picks are
	// inputs filled by typing and choosing a search result.
	good  map[string]string
	picks map[string]string
	id    string
	// zh are field errors (field, exact Chinese text) the bad submission
	// must show.
	zh [][2]string
}

// fillForm sets every input of a form; a checkbox is ticked by "true".
func fillForm(t *testing.T, ctx context.Context, form string, values map[string]string) {
	t.Helper()
	for name, v := range values {
		sel := fmt.Sprintf(`%s [name=%q]`, form, name)
		if v == "true" || v == "false" {
			run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`document.querySelector(%q).checked = %s`, sel, v), nil))
			continue
		}
		// A select takes a value SetValue refuses: set it as a script would,
		// with the events a user's typing fires.
		var ok bool
		run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false;
			e.value = %q; e.dispatchEvent(new Event('change', {bubbles: true})); return e.value === %q; })()`, sel, v, v), &ok))
		if !ok {
			t.Fatalf("cannot set %s to %q", sel, v)
		}
	}
}

// markedFields lists the fields a form marks wrong, in document order,
// and checks each shows its message.
func markedFields(t *testing.T, ctx context.Context, form string) []string {
	t.Helper()
	var marked []struct {
		Field, Message string
	}
	run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(e => {
		const err = e.querySelector(':scope > .field-error');
		return {Field: e.getAttribute('data-field'), Message: err && !err.hidden && err.getBoundingClientRect().height > 0 ? err.textContent : ''};
	})`, form+" [data-invalid]"), &marked))
	var fields []string
	for _, m := range marked {
		if m.Message == "" {
			t.Errorf("%s is marked wrong but shows no message", m.Field)
		}
		fields = append(fields, m.Field)
	}
	return fields
}

// shownMessage is one field error a form shows: its text, its code and
// the English message the gateway sent (the element's title).
type shownMessage struct {
	Field, Text, Code, English string
}

// shownMessages lists the field errors a form shows, in document order.
func shownMessages(t *testing.T, ctx context.Context, form string) []shownMessage {
	t.Helper()
	var out []shownMessage
	run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(e => ({
		Field: e.closest('[data-field]').getAttribute('data-field'), Text: e.textContent, Code: e.getAttribute('data-code'), English: e.getAttribute('title')}))`,
		form+" [data-invalid] .field-error .field-message"), &out))
	return out
}

// saidInChinese checks every field error a form shows is said in Chinese
// from its code, not as the English message the gateway sent.
func saidInChinese(t *testing.T, ctx context.Context, form string) []shownMessage {
	t.Helper()
	han := regexp.MustCompile(`\p{Han}`)
	shown := shownMessages(t, ctx, form)
	if len(shown) == 0 {
		t.Errorf("%s shows no field error", form)
	}
	for _, m := range shown {
		if m.Code == "" || !han.MatchString(m.Text) || m.Text == m.English || m.English == "" {
			t.Errorf("%s: field error %q (code %q) is not said in Chinese; the gateway sent %q", m.Field, m.Text, m.Code, m.English)
		}
	}
	return shown
}

// TestRecordersWriteInTheConsole fills every form of a recorder with bad
// values (every field error shown by its field, the ledger untouched) and
// with good ones (the record written and shown on its page), takes the
// actions on the records written, and checks each form page fits a phone.
func TestRecordersWriteInTheConsole(t *testing.T) {
	ctx := browser(t)
	gw := startGateway(t)
	recorder, err := gw.tokens.Issue(auth.Claims{Role: auth.RoleRecorder, MSP: "HebeiMSP", Institution: "HBIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	inspector, err := gw.tokens.Issue(auth.Claims{Role: auth.RoleInspector, MSP: "HebeiMSP", Institution: "HBIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Navigate(gw.url+"/"), chromedp.WaitVisible("#view-home", chromedp.ByQuery))
	setToken := func(tok string) {
		run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`localStorage.setItem("metrotrace.token", %q)`, tok), nil), visit("#/search"), chromedp.Reload())
	}

	t.Run("an inspector is offered no form", func(t *testing.T) {
		setToken(inspector)
		var tabHidden bool
		run(t, ctx, visit("#/new/standard"),
			chromedp.WaitVisible(`#new-body .error[data-code="forbidden"]`, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector('.tabs a[data-view="new"]').hidden`, &tabHidden))
		if !tabHidden {
			t.Error("the New record tab is offered to an inspector")
		}
		if n := count(t, ctx, "#new-body form"); n != 0 {
			t.Errorf("%d forms offered to an inspector", n)
		}
	})

	setToken(recorder)
	cases := []formCase{
		{kind: "standard", plural: "standards", id: "HB-FORM-STD",
			bad: map[string]string{"id": "", "name": "", "level": "", "quantity": "mass", "range.min": "5", "range.max": "1", "range.unit": "g",
				"uncertainty.value": "1", "uncertainty.unit": "mm"},
			badFields: []string{"id", "name", "level", "range.min", "uncertainty.unit"},
			zh: [][2]string{{"name", "名称为必填项"}, {"level", "等级为必填项（可选：计量基准、社会公用、部门、企事业、工作）"}, {"range.min", "测量范围·下限：下限 5 大于上限 1"},
				{"uncertainty.unit", "扩展不确定度·单位：单位“mm”测量的是长度，不是质量"}},
			good: map[string]string{"id": "HB-FORM-STD", "name": "表单砝码标准", "level": "working", "quantity": "mass", "range.min": "1", "range.max": "100", "range.unit": "g",
				"uncertainty.value": "0.05", "uncertainty.unit": "mg"}},
		{kind: "instrument", plural: "instruments", id: "HB-FORM-BAL",
			bad: map[string]string{"id": "HB-FORM-BAL", "type": "", "manufacturer": "", "model": "M1", "serial": "", "quantity": "mass",
				"range.min": "0", "range.max": "200", "range.unit": "kPa", "mpe.value": "-1", "mpe.unit": "g", "compulsory": "true"},
			badFields: []string{"type", "manufacturer", "serial", "range.unit", "mpe.value", "category"},
			zh:        [][2]string{{"mpe.value", "最大允许误差·值须为正数，实为 -1"}, {"category", "强制检定的器具须填写强检目录类别（例如 non_automatic_weighing）"}},
			good: map[string]string{"type": "电子天平", "manufacturer": "Sartorius", "serial": "SN-FORM-1", "range.unit": "g", "mpe.value": "0.5",
				"compulsory": "false"}},
		{kind: "capability", plural: "capabilities", id: "CMC-HBIM-FORM",
			bad: map[string]string{"id": "CMC HBIM", "quantity": "luck", "range.min": "0", "range.max": "1", "range.unit": "kg",
				"uncertainty.value": "0.1", "uncertainty.unit": "mg", "uncertainty.k": "20", "method": "", "valid_until": "2030-13-01"},
			badFields: []string{"id", "quantity", "uncertainty.k", "method", "valid_until"},
			good:      map[string]string{"id": "CMC-HBIM-FORM", "quantity": "mass", "uncertainty.k": "2", "method": "JJG 99-2022", "valid_until": "2030-12-31"}},
		{kind: "certificate", plural: "certificates", id: "HBIM-FORM-0001",
			bad: map[string]string{"id": "HBIM-FORM-0001", "kind": "verification", "subject_id": "HB-FORM-BAL", "reference_ids": "HB-FORM-BAL",
				"quantity": "mass", "performed_on": "2026-03-10", "valid_until": "2026-03-01", "method": "",
				"results[0].value": "50", "results[0].unit": "m"},
			badFields: []string{"reference_ids", "valid_until", "method", "conformity", "results[0].unit"},
			good: map[string]string{"kind": "calibration", "subject_id": "", "reference_ids": "", "valid_until": "2027-03-09", "method": "JJG 99-2022",
				"results[0].unit": "g", "results[0].uncertainty.value": "0.2", "results[0].uncertainty.unit": "mg"},
			picks: map[string]string{"subject_id": "HB-FORM-BAL", "reference_ids": "HB-FORM-STD"}},
		{kind: "comparison", plural: "comparisons", id: "CMP-HBIM-FORM",
			bad: map[string]string{"id": "CMP-HBIM-FORM", "quantity": "mass", "completed_on": "", "reference.value": "1", "reference.unit": "kg",
				"results[0].institution_id": "HB-SJZ", "results[0].value": "1000.0001", "results[0].unit": "s",
				"results[0].uncertainty.value": "0.3", "results[0].uncertainty.unit": "mg"},
			badFields: []string{"completed_on", "reference", "results[0].unit"},
			good:      map[string]string{"completed_on": "2026-03-01", "reference.uncertainty.value": "0.1", "reference.uncertainty.unit": "mg", "results[0].unit": "g"}},
		{kind: "agreement", plural: "agreements", id: "AGR-HBIM-FORM",
			bad: map[string]string{"id": "AGR-HBIM-FORM", "parties": "HBIM", "quantities": "mass, luck", "comparison_within_years": "99",
				"valid_from": "2026-01-01", "valid_until": "2025-01-01"},
			badFields: []string{"parties", "quantities", "comparison_within_years", "valid_until"},
			zh:        [][2]string{{"parties", "协议方至少须有 2 个机构"}, {"valid_until", "有效期至 2025-01-01 早于生效日期 2026-01-01"}},
			good:      map[string]string{"parties": "HBIM, TJIM", "quantities": "mass", "comparison_within_years": "3", "valid_until": "2028-12-31"}},
	}
	for _, c := range cases {
		t.Run("the "+c.kind+" form", func(t *testing.T) {
			form := "#form-" + c.kind
			run(t, ctx, visit("#/new/"+c.kind), chromedp.WaitVisible(form, chromedp.ByQuery))
			before := gw.ledgerHeight(t)
			fillForm(t, ctx, form, c.bad)
			run(t, ctx, chromedp.Click(form+` button[type="submit"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`#new-result .error`, chromedp.ByQuery))
			if got := markedFields(t, ctx, form); !reflect.DeepEqual(got, c.badFields) {
				t.Errorf("fields marked wrong %q, want %q (answer: %s)", got, c.badFields, text(t, ctx, "#new-result"))
			}
			if n := count(t, ctx, "#new-result .error li"); n != 0 {
				t.Errorf("%d errors not shown by a field: %s", n, text(t, ctx, "#new-result .error"))
			}
			shown := saidInChinese(t, ctx, form)
			for _, want := range c.zh {
				if !slices.ContainsFunc(shown, func(m shownMessage) bool { return m.Field == want[0] && m.Text == want[1] }) {
					t.Errorf("%s does not show %q; it shows %+v", want[0], want[1], shown)
				}
			}
			if after := gw.ledgerHeight(t); after != before {
				t.Errorf("a refused %s moved the ledger from height %d to %d", c.kind, before, after)
			}
			if c.kind == "standard" {
				docShot(t, ctx, "form-standard-errors.png")
			}
			fillForm(t, ctx, form, c.good)
			for name, id := range c.picks {
				sel := fmt.Sprintf(`%s [name=%q]`, form, name)
				run(t, ctx, chromedp.SendKeys(sel, id, chromedp.ByQuery),
					chromedp.WaitVisible(fmt.Sprintf(`%s ~ .pick-results button[data-id=%q]`, sel, id), chromedp.ByQuery),
					chromedp.Click(fmt.Sprintf(`%s ~ .pick-results button[data-id=%q]`, sel, id), chromedp.ByQuery))
			}
			run(t, ctx, chromedp.Click(form+` button[type="submit"]`, chromedp.ByQuery),
				chromedp.WaitVisible(fmt.Sprintf(`#record-result .record-head[data-record="%s/%s"], #new-result .error`, c.plural, c.id), chromedp.ByQuery))
			if count(t, ctx, "#new-result .error") > 0 && count(t, ctx, "#view-new:not([hidden])") > 0 {
				t.Fatalf("good values refused: %s", text(t, ctx, "#new-result"))
			}
			if after := gw.ledgerHeight(t); after != before+1 {
				t.Errorf("the %s moved the ledger from height %d to %d, want one block", c.kind, before, after)
			}
			run(t, ctx, chromedp.WaitVisible(`#record-history table`, chromedp.ByQuery))
		})
	}

	t.Run("a recorder seals and reactivates its standard", func(t *testing.T) {
		run(t, ctx, visit("#/record/standards/HB-FORM-STD"), chromedp.WaitVisible(`#action-status`, chromedp.ByQuery))
		before := gw.ledgerHeight(t)
		fillForm(t, ctx, "#action-status", map[string]string{"status": "sealed", "since": "2026-99-01"})
		run(t, ctx, chromedp.Click(`#action-status button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#record-actions .form-result .error`, chromedp.ByQuery))
		if got, want := markedFields(t, ctx, "#action-status"), []string{"since", "reason"}; !reflect.DeepEqual(got, want) {
			t.Errorf("fields marked wrong %q, want %q", got, want)
		}
		saidInChinese(t, ctx, "#action-status")
		if after := gw.ledgerHeight(t); after != before {
			t.Errorf("a refused status change moved the ledger from %d to %d", before, after)
		}
		docShot(t, ctx, "action-standard-status.png")
		fillForm(t, ctx, "#action-status", map[string]string{"since": "2026-03-14", "reason": "期间核查超差"})
		run(t, ctx, chromedp.Click(`#action-status button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#record-result tr[data-field="status"] td`, chromedp.ByQuery), chromedp.Sleep(300*time.Millisecond),
			chromedp.WaitVisible(`#record-history table`, chromedp.ByQuery))
		if got := text(t, ctx, `#record-result tr[data-field="status"] td`); !strings.Contains(got, "封存") {
			t.Errorf("status after sealing: %q", got)
		}
		fillForm(t, ctx, "#action-status", map[string]string{"status": "active", "since": "2026-03-15", "reason": "重新校准合格"})
		run(t, ctx, chromedp.Click(`#action-status button[type="submit"]`, chromedp.ByQuery), chromedp.Sleep(300*time.Millisecond),
			chromedp.WaitVisible(`#record-history table`, chromedp.ByQuery))
		if got := text(t, ctx, `#record-result tr[data-field="status"] td`); !strings.Contains(got, "在用") {
			t.Errorf("status after reactivating: %q", got)
		}
	})

	t.Run("a recorder supersedes and revokes its certificates", func(t *testing.T) {
		form := "#form-certificate"
		run(t, ctx, visit("#/new/certificate"), chromedp.WaitVisible(form, chromedp.ByQuery))
		fillForm(t, ctx, form, map[string]string{"id": "HBIM-FORM-0002", "kind": "calibration", "subject_id": "HB-FORM-BAL", "reference_ids": "HB-FORM-STD",
			"quantity": "mass", "performed_on": "2026-03-15", "valid_until": "2027-03-14", "method": "JJG 99-2022",
			"results[0].value": "50", "results[0].unit": "g", "results[0].uncertainty.value": "0.2", "results[0].uncertainty.unit": "mg"})
		run(t, ctx, chromedp.Click(form+` button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#record-result .record-head[data-record="certificates/HBIM-FORM-0002"]`, chromedp.ByQuery),
			visit("#/record/certificates/HBIM-FORM-0001"), chromedp.WaitVisible(`#action-supersede`, chromedp.ByQuery))
		before := gw.ledgerHeight(t)
		run(t, ctx, chromedp.Click(`#action-revoke button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#action-revoke [data-field="reason"][data-invalid] .field-error`, chromedp.ByQuery))
		if after := gw.ledgerHeight(t); after != before {
			t.Errorf("a revocation without reason moved the ledger from %d to %d", before, after)
		}
		fillForm(t, ctx, "#action-supersede", map[string]string{"replacement_id": "HBIM-FORM-0002", "reason": "更正结果"})
		run(t, ctx, chromedp.Click(`#action-supersede button[type="submit"]`, chromedp.ByQuery), chromedp.Sleep(300*time.Millisecond),
			chromedp.WaitVisible(`#record-history table`, chromedp.ByQuery))
		if got := text(t, ctx, `#record-result tr[data-field="status"] td`); !strings.Contains(got, "已被替代") {
			t.Errorf("status after superseding: %q", got)
		}
		if n := count(t, ctx, "#action-revoke, #action-supersede"); n != 0 {
			t.Errorf("%d actions still offered on a superseded certificate", n)
		}
		run(t, ctx, visit("#/record/certificates/HBIM-FORM-0002"), chromedp.WaitVisible(`#action-revoke`, chromedp.ByQuery))
		fillForm(t, ctx, "#action-revoke", map[string]string{"reason": "被检器具送错"})
		run(t, ctx, chromedp.Click(`#action-revoke button[type="submit"]`, chromedp.ByQuery), chromedp.Sleep(300*time.Millisecond),
			chromedp.WaitVisible(`#record-history table`, chromedp.ByQuery))
		if got := text(t, ctx, `#record-result tr[data-field="status"] td`); !strings.Contains(got, "撤销") {
			t.Errorf("status after revoking: %q", got)
		}
	})

	t.Run("a pilot adds comparison results", func(t *testing.T) {
		run(t, ctx, visit("#/record/comparisons/CMP-HBIM-FORM"), chromedp.WaitVisible(`#action-results`, chromedp.ByQuery))
		before := gw.ledgerHeight(t)
		fillForm(t, ctx, "#action-results", map[string]string{"results[0].institution_id": "HB-TS", "results[0].value": "1", "results[0].unit": "V"})
		run(t, ctx, chromedp.Click(`#action-results button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#record-actions .form-result .error`, chromedp.ByQuery))
		if got, want := markedFields(t, ctx, "#action-results"), []string{"results[0]", "results[0].unit"}; !reflect.DeepEqual(got, want) {
			t.Errorf("fields marked wrong %q, want %q (%s)", got, want, text(t, ctx, "#record-actions .form-result"))
		}
		if after := gw.ledgerHeight(t); after != before {
			t.Errorf("refused results moved the ledger from %d to %d", before, after)
		}
		fillForm(t, ctx, "#action-results", map[string]string{"results[0].value": "1000.0002", "results[0].unit": "g",
			"results[0].uncertainty.value": "0.4", "results[0].uncertainty.unit": "mg"})
		run(t, ctx, chromedp.Click(`#action-results button[type="submit"]`, chromedp.ByQuery), chromedp.Sleep(300*time.Millisecond),
			chromedp.WaitVisible(`#record-history table`, chromedp.ByQuery))
		if got := text(t, ctx, `#record-result tr[data-field="results"] td`); !strings.Contains(got, "HB-TS") {
			t.Errorf("results after adding: %q", got)
		}
	})

	t.Run("the other party approves the agreement", func(t *testing.T) {
		tj, err := gw.tokens.Issue(auth.Claims{Role: auth.RoleRecorder, MSP: "TianjinMSP", Institution: "TJIM"}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		setToken(tj)
		run(t, ctx, visit("#/record/agreements/AGR-HBIM-FORM"), chromedp.WaitVisible(`#action-approve`, chromedp.ByQuery))
		docShot(t, ctx, "action-agreement-approve.png")
		before := gw.ledgerHeight(t)
		run(t, ctx, chromedp.Click(`#action-approve button[type="submit"]`, chromedp.ByQuery), chromedp.Sleep(300*time.Millisecond),
			chromedp.WaitVisible(`#record-history table`, chromedp.ByQuery))
		if after := gw.ledgerHeight(t); after != before+1 {
			t.Errorf("the approval moved the ledger from %d to %d", before, after)
		}
		if got := text(t, ctx, `#record-result tr[data-field="approvals"] td`); !strings.Contains(got, "TJIM") {
			t.Errorf("approvals: %q", got)
		}
		if n := count(t, ctx, "#action-approve"); n != 0 {
			t.Error("approval still offered after approving")
		}
		setToken(recorder)
	})

	t.Run("every form page fits a 390 px phone", func(t *testing.T) {
		run(t, ctx, chromedp.EmulateViewport(390, 844))
		defer run(t, ctx, chromedp.EmulateViewport(1280, 900))
		for _, c := range cases {
			run(t, ctx, visit("#/new/"+c.kind), chromedp.WaitVisible("#form-"+c.kind, chromedp.ByQuery), chromedp.Sleep(100*time.Millisecond))
			var width, client int
			run(t, ctx,
				chromedp.Evaluate(`document.documentElement.scrollWidth`, &width),
				chromedp.Evaluate(`document.documentElement.clientWidth`, &client))
			if width > client {
				var wide string
				run(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + "." + e.className + "#" + e.id).join(", ")`, &wide))
				t.Errorf("%s form: the page is %d px wide in a %d px window (%s)", c.kind, width, client, wide)
			}
			docShot(t, ctx, "phone-form-"+c.kind+".png")
		}
	})

	t.Run("screenshots of the forms", func(t *testing.T) {
		for _, c := range cases {
			run(t, ctx, visit("#/new/"+c.kind), chromedp.WaitVisible("#form-"+c.kind, chromedp.ByQuery))
			docShot(t, ctx, "form-"+c.kind+".png")
		}
	})
}
