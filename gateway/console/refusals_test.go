package console_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/metrotrace/metrotrace/chaincode/units"
	"github.com/metrotrace/metrotrace/gateway/auth"
)

// TestRefusalsAreSaidInTheLanguage checks that refusals naming no field
// are said from their reason code: a record created with an id that
// exists (409), a record written for another organization's institution
// (403) and a token the gateway did not sign (401) read in Chinese in zh
// and in English in en, with the gateway's English as the title; and
// that findings name quantities and levels in the language.
func TestRefusalsAreSaidInTheLanguage(t *testing.T) {
	ctx := browser(t)
	gw := startGateway(t)
	recorder, err := gw.tokens.Issue(auth.Claims{Role: auth.RoleRecorder, MSP: "HebeiMSP", Institution: "HBIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// A token of the right shape and claims, signed with another key.
	forged, err := (&auth.Issuer{Secret: bytes.Repeat([]byte("x"), 32)}).Issue(auth.Claims{Role: auth.RoleRecorder, MSP: "HebeiMSP", Institution: "HBIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Navigate(gw.url+"/"), chromedp.WaitVisible("#view-home", chromedp.ByQuery))
	setUp := func(lang string) {
		run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`localStorage.setItem("metrotrace.token", %q); localStorage.setItem("metrotrace.lang", %q)`, recorder, lang), nil),
			visit("#/search"), chromedp.Reload(), chromedp.WaitVisible(fmt.Sprintf(`html[data-lang=%q]`, lang), chromedp.ByQuery))
	}
	standard := func(id, institution string) map[string]string {
		return map[string]string{"id": id, "institution_id": institution, "name": "重复砝码标准", "level": "working", "quantity": "mass",
			"range.min": "1", "range.max": "100", "range.unit": "g", "uncertainty.value": "0.05", "uncertainty.unit": "mg"}
	}
	// submit fills the standard form, submits it and returns the refusal
	// shown (its class, text and English title) once the ledger refused.
	submit := func(values map[string]string, code string) (said, english string) {
		t.Helper()
		before := gw.ledgerHeight(t)
		run(t, ctx, visit("#/search"), visit("#/new/standard"), chromedp.WaitVisible("#form-standard", chromedp.ByQuery))
		fillForm(t, ctx, "#form-standard", values)
		run(t, ctx, chromedp.Click(`#form-standard button[type="submit"]`, chromedp.ByQuery), chromedp.WaitVisible(`#new-result .error`, chromedp.ByQuery))
		if got := attr(t, ctx, "#new-result .error", "data-code"); got != code {
			t.Fatalf("refused as %q, want %q: %s", got, code, text(t, ctx, "#new-result"))
		}
		sel := "#new-result .error .message"
		if after := gw.ledgerHeight(t); after != before {
			t.Errorf("a refused standard moved the ledger from %d to %d", before, after)
		}
		return text(t, ctx, sel), attr(t, ctx, sel, "title")
	}

	setUp("zh")
	before := gw.ledgerHeight(t)
	run(t, ctx, visit("#/new/standard"), chromedp.WaitVisible("#form-standard", chromedp.ByQuery))
	fillForm(t, ctx, "#form-standard", standard("HB-DUP-STD", "HBIM"))
	run(t, ctx, chromedp.Click(`#form-standard button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#record-result .record-head[data-record="standards/HB-DUP-STD"], #new-result .error`, chromedp.ByQuery))
	if count(t, ctx, "#new-result .error") > 0 && count(t, ctx, "#view-new:not([hidden])") > 0 {
		t.Fatalf("good values refused: %s", text(t, ctx, "#new-result"))
	}
	if after := gw.ledgerHeight(t); after != before+1 {
		t.Fatalf("the first standard moved the ledger from %d to %d", before, after)
	}

	cases := []struct {
		name, lang, id, institution, code, want, english string
	}{
		{"conflict in zh", "zh", "HB-DUP-STD", "HBIM", "conflict", "计量标准 HB-DUP-STD 已存在", "standard HB-DUP-STD already exists"},
		{"forbidden in zh", "zh", "HB-OTHER-STD", "BJIM", "forbidden", "HBIM 的记录员（HebeiMSP）不能代 BJIM 写入：BJIM 属于 BeijingMSP",
			"register standard HB-OTHER-STD: HebeiMSP recorder of HBIM may not write for BJIM, which belongs to BeijingMSP"},
		{"conflict in en", "en", "HB-DUP-STD", "HBIM", "conflict", "standard HB-DUP-STD already exists", "standard HB-DUP-STD already exists"},
		{"forbidden in en", "en", "HB-OTHER-STD", "BJIM", "forbidden", "HebeiMSP recorder of HBIM may not write for BJIM, which belongs to BeijingMSP",
			"register standard HB-OTHER-STD: HebeiMSP recorder of HBIM may not write for BJIM, which belongs to BeijingMSP"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			setUp(c.lang)
			said, english := submit(standard(c.id, c.institution), c.code)
			if said != c.want || english != c.english {
				t.Errorf("shown %q (title %q), want %q (title %q)", said, english, c.want, c.english)
			}
		})
	}

	// A refused batch (the wire shape TestCertificateBatchRefusedNamesEveryItem
	// pins down): its reason is the message, each item said from its reason.
	for _, c := range []struct{ lang, message, item string }{
		{"zh", "批次中 3 项有 1 项被拒绝，未写入任何内容", "#1 证书 C-1 已存在"},
		{"en", "1 of 3 refused, nothing written", "#1 certificate C-1 already exists"},
	} {
		t.Run("a refused batch in "+c.lang, func(t *testing.T) {
			setUp(c.lang)
			var got struct{ Message, Item string }
			run(t, ctx, chromedp.Evaluate(`(() => { const e = new MT.ApiError(409, 'conflict', 'issue certificates: 1 of 3 refused, nothing written: item 1: conflict: certificate C-1 already exists', '');
				e.details = [{code: 'batch_refused', params: {refused: '1', total: '3'}, message: e.message},
					{index: 1, code: 'conflict', reason: 'already_exists', params: {kind: 'certificate', id: 'C-1'}, message: 'certificate C-1 already exists'}];
				const box = MT.errorBox(e);
				return {Message: box.querySelector('.message').textContent, Item: box.querySelector('li').textContent}; })()`, &got))
			if got.Message != c.message || got.Item != c.item {
				t.Errorf("the batch reads %q / %q, want %q / %q", got.Message, got.Item, c.message, c.item)
			}
		})
	}

	// Findings name quantities and levels in the language: every quantity
	// of the units table in Chinese in zh, in words in en.
	for _, lang := range []string{"zh", "en"} {
		t.Run("findings name quantities and levels in "+lang, func(t *testing.T) {
			setUp(lang)
			say := func(code string, params map[string]string) string {
				p, _ := json.Marshal(params)
				var s string
				run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`(() => { const n = MT.sayCheck({findings: [{code: %q, ok: false, params: %s}]});
					return (Array.isArray(n) ? n : [n]).map(x => typeof x === 'string' ? x : x.textContent).join(''); })()`, code, p), &s))
				return s
			}
			got := []string{
				say("no_cmc", map[string]string{"issuer_id": "HBIM", "quantity": "flow_rate", "date": "2026-03-15"}),
				say("reference_dead_end", map[string]string{"reference_id": "S1", "level": "enterprise"}),
			}
			want := map[string][]string{
				"zh": {"出具机构 HBIM 在 2026-03-15 没有有效的流量校准测量能力", "参考标准 S1（企事业计量标准）无法溯源至计量基准"},
				"en": {"issuer HBIM has no CMC for flow rate valid on 2026-03-15", "reference S1 (enterprise standard) does not lead to a primary standard"},
			}[lang]
			if !reflect.DeepEqual(got, want) {
				t.Errorf("findings say %q, want %q", got, want)
			}
			han := regexp.MustCompile(`\p{Han}`)
			for _, q := range units.Quantities() {
				var name string
				run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`MT.valueLabel('quantity', %q)`, q), &name))
				if lang == "zh" && !han.MatchString(name) || lang == "en" && (strings.Contains(name, "_") || han.MatchString(name)) {
					t.Errorf("quantity %s is named %q in %s", q, name, lang)
				}
			}
		})
	}

	for _, c := range []struct{ lang, want string }{
		{"zh", "✗ 网关拒绝了此令牌：令牌无效（签名或格式错误）"},
		{"en", "✗ The gateway refused this token: the token is invalid (bad signature or malformed)"},
	} {
		t.Run("a token the gateway did not sign, in "+c.lang, func(t *testing.T) {
			setUp(c.lang)
			run(t, ctx, chromedp.Click("#token-button", chromedp.ByID), chromedp.WaitVisible("#token-input", chromedp.ByID),
				chromedp.SetValue("#token-input", forged, chromedp.ByID), chromedp.Click("#token-save", chromedp.ByID),
				chromedp.WaitVisible(`#token-claims[data-state="bad"]`, chromedp.ByQuery))
			if got := text(t, ctx, "#token-claims"); got != c.want {
				t.Errorf("the dialog says %q, want %q", got, c.want)
			}
			run(t, ctx, chromedp.Click("#token-cancel", chromedp.ByID))
		})
	}
}

// TestQueryAndLedgerErrorsAreSaidInTheLanguage checks that refusals of a
// query's parameters (a bad date, page_size with paths, a limit out of
// range), a 503 of a gateway that cannot answer and a 503 of a write that
// may still commit read in Chinese in zh and in English in en, with the
// gateway's English as the title, and that the 403 hint is a sentence of
// its own.
func TestQueryAndLedgerErrorsAreSaidInTheLanguage(t *testing.T) {
	ctx := browser(t)
	gw := startGateway(t)
	recorder, err := gw.tokens.Issue(auth.Claims{Role: auth.RoleRecorder, MSP: "HebeiMSP", Institution: "HBIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Navigate(gw.url+"/"), chromedp.WaitVisible("#view-home", chromedp.ByQuery))
	setUp := func(lang string) {
		run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`localStorage.setItem("metrotrace.token", %q); localStorage.setItem("metrotrace.lang", %q)`, recorder, lang), nil),
			visit("#/search"), chromedp.Reload(), chromedp.WaitVisible(fmt.Sprintf(`html[data-lang=%q]`, lang), chromedp.ByQuery))
	}
	// ask sends path to the gateway as the console does and returns the
	// error box of its refusal: its status, message and English title.
	ask := func(path string) (status, said, english string) {
		t.Helper()
		run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`(() => { const old = document.getElementById('probe'); if (old) old.remove();
			const out = document.createElement('div'); out.id = 'probe'; document.body.appendChild(out);
			MT.api('GET', %q).then(() => { out.textContent = 'answered'; out.setAttribute('data-done', 'ok'); },
				e => { MT.show(out, MT.errorBox(e)); out.setAttribute('data-done', 'error'); }); })()`, path), nil),
			chromedp.WaitReady(`#probe[data-done]`, chromedp.ByQuery))
		if got := attr(t, ctx, "#probe", "data-done"); got != "error" {
			t.Fatalf("%s was answered: %s", path, text(t, ctx, "#probe"))
		}
		return attr(t, ctx, "#probe .error", "data-status"), text(t, ctx, "#probe .error .message"), attr(t, ctx, "#probe .error .message", "title")
	}
	cases := []struct {
		name, path, status string
		zh, en, english    string
	}{
		{"a bad date", "/trace/HB-T-0001?at=2026-02-30", "400",
			"查询参数 at：“2026-02-30”不是有效日期（YYYY-MM-DD）", `at: date "2026-02-30" is not a valid YYYY-MM-DD date`,
			`at: date "2026-02-30" is not a valid YYYY-MM-DD date`},
		{"page_size with paths", "/impact/HB-STD?since=2026-01-01&page_size=5&paths=true", "400",
			"查询参数 paths 与 page_size 不能同时使用", "paths and page_size exclude each other",
			"paths and page_size exclude each other: a page names each certificate's reference standard"},
		{"a source that is not one", "/search?q=a&source=chain", "400",
			"查询参数 source 须为 index, ledger 之一，不能是“chain”", `source must be one of index, ledger, not "chain"`,
			`source "chain" is not index or ledger`},
		{"a search without the index", "/search?q=a&source=ledger", "503",
			"搜索需要索引，而此请求不读取索引（source=ledger，或网关没有索引）",
			"search needs the index, which this request does not read (source=ledger, or a gateway without an index)",
			"search needs the index, which this request does not read (source=ledger, or a gateway without an index)"},
	}
	for _, lang := range []string{"zh", "en"} {
		setUp(lang)
		for _, c := range cases {
			t.Run(c.name+" in "+lang, func(t *testing.T) {
				status, said, english := ask("/" + strings.TrimPrefix(c.path, "/"))
				want := map[string]string{"zh": c.zh, "en": c.en}[lang]
				if status != c.status || said != want || english != c.english {
					t.Errorf("HTTP %s %q (title %q), want HTTP %s %q (title %q)", status, said, english, c.status, want, c.english)
				}
			})
		}
		// A write past its deadline (the wire shape the gateway sends for
		// ledger.Unavailable with Within): the retry hint in the language.
		t.Run("a write that may still commit in "+lang, func(t *testing.T) {
			var got struct{ Message, Box string }
			run(t, ctx, chromedp.Evaluate(`(() => { const e = new MT.ApiError(503, 'unavailable', 'commit failed for transaction t1: ledger unavailable: the write did not complete within 20s ...', '');
				e.details = [{code: 'ledger_may_commit', params: {within: '20s', detail: e.message}, message: e.message}];
				const box = MT.errorBox(e);
				return {Message: box.querySelector('.message').textContent, Box: box.querySelector('.code').textContent}; })()`, &got))
			want := map[string][2]string{
				"zh": {"写入未在 20s 内完成（节点或排序节点无应答，或排序节点没有 raft 主节点），但仍可能提交：请使用相同的 Idempotency-Key 请求头重试，该请求只会执行一次", "暂不可用"},
				"en": {"the write did not complete within 20s (peers or orderers do not answer, or the orderers have no raft leader); it may still commit: retry the request with the same Idempotency-Key header, which applies it once", "unavailable"},
			}[lang]
			if got.Message != want[0] || got.Box != want[1] {
				t.Errorf("the 503 reads %q / %q, want %q / %q", got.Box, got.Message, want[1], want[0])
			}
		})
		// A batch item refused for several fields says each (the wire shape
		// TestABatchItemRefusedForSeveralFieldsCarriesEach pins down).
		t.Run("a batch item with two wrong fields in "+lang, func(t *testing.T) {
			var got string
			run(t, ctx, chromedp.Evaluate(`(() => { const e = new MT.ApiError(400, 'invalid', 'issue certificates: 1 of 2 refused, nothing written: item 1: invalid: ...', '');
				e.details = [{code: 'batch_refused', params: {refused: '1', total: '2'}, message: e.message},
					{index: 1, code: 'invalid', reason: 'item_fields', params: {count: '2'}, message: 'issue certificate: ...', fields: [
						{field: 'valid_until', code: 'date_before', params: {field: 'valid_until', value: '2024-04-30', other_field: 'performed_on', other: '2024-05-01'}, message: 'x'},
						{field: 'results[0].unit', code: 'bad_unit', params: {field: 'results[0].unit', value: 'zz', reason: 'unit "zz": "zz" is not a unit symbol'}, message: 'y'}]}];
				return MT.errorBox(e).querySelector('li').textContent; })()`, &got))
			want := map[string]string{
				"zh": `#1 有效期至 2024-04-30 早于检定/校准日期 2024-05-01；结果[0]·单位：“zz”不是可识别的单位（unit "zz": "zz" is not a unit symbol）`,
				"en": `#1 valid_until 2024-04-30 is before performed_on 2024-05-01; results[0].unit: unit "zz": "zz" is not a unit symbol`,
			}[lang]
			if got != want {
				t.Errorf("the item reads %q, want %q", got, want)
			}
		})
		// The 403 hint follows the refusal as a sentence of its own.
		t.Run("the 403 hint in "+lang, func(t *testing.T) {
			var got string
			run(t, ctx, chromedp.Evaluate(`(() => { const e = new MT.ApiError(403, 'forbidden', 'register standard S: HebeiMSP recorder of HBIM may not write for BJIM, which belongs to BeijingMSP', '');
				e.details = [{code: 'write_other_org', params: {caller: 'HebeiMSP recorder of HBIM', caller_msp: 'HebeiMSP', caller_role: 'recorder', caller_institution: 'HBIM', id: 'BJIM', msp: 'BeijingMSP'}, message: 'x'}];
				const box = MT.errorBox(e);
				return box.querySelector('.message').textContent + box.querySelector('.role-hint').textContent; })()`, &got))
			want := map[string]string{
				"zh": "HBIM 的记录员（HebeiMSP）不能代 BJIM 写入：BJIM 属于 BeijingMSP。当前令牌的角色无权执行此操作。",
				"en": "HebeiMSP recorder of HBIM may not write for BJIM, which belongs to BeijingMSP. This token's role may not do this.",
			}[lang]
			if got != want {
				t.Errorf("the 403 reads %q, want %q", got, want)
			}
		})
	}
}
