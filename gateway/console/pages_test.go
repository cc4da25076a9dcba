package console_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
)

// ids lists the ids of a list of the index (every page).
func ids(t *testing.T, gw *gateway, docType, index, value string) []string {
	t.Helper()
	var out []string
	token := ""
	for {
		p, err := gw.index.List(context.Background(), docType, index, value, 1000, token)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			var v struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(r, &v); err != nil {
				t.Fatal(err)
			}
			out = append(out, v.ID)
		}
		if p.NextPageToken == "" {
			sort.Strings(out)
			return out
		}
		token = p.NextPageToken
	}
}

// tableIDs are the row ids a console table shows (its current page).
func tableIDs(t *testing.T, ctx context.Context, table string) []string {
	t.Helper()
	var got []string
	run(t, ctx, chromedp.Evaluate(fmt.Sprintf(`Array.from(document.querySelectorAll("#%s tbody tr[data-id]")).map(r => r.getAttribute("data-id"))`, table), &got))
	return got
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// visibleText is the page's text a reader sees under root, less record
// data (ids, names, reasons as stored), code names and pictures.
const visibleTextOf = `((root) => {
	const skip = el => el.closest('#lang-button, .data, .mono, code, svg, .hash, a[data-id], select, input, textarea, [hidden], details:not([open]) > :not(summary)');
	const out = [];
	const w = document.createTreeWalker(document.querySelector(root), NodeFilter.SHOW_TEXT);
	for (let n = w.nextNode(); n; n = w.nextNode()) {
		const el = n.parentElement;
		if (!el || skip(el) || !el.getClientRects().length) continue;
		const cs = getComputedStyle(el);
		if (cs.display === 'none' || cs.visibility === 'hidden') continue;
		if (n.textContent.trim()) out.push(n.textContent.trim());
	}
	return out.join(' | ');
})`

// TestRecordPagesInHeadlessChromium: the instrument, standard, institution
// and certificate pages show what people expect of them, tables sort,
// filter and page with totals, search finds serials and says when there
// are more, and a broken chain's checks read in zh or en alone.
func TestRecordPagesInHeadlessChromium(t *testing.T) {
	ctx := browser(t)
	gw := startGateway(t)
	sc := gw.showcase
	token, err := gw.tokens.Issue(auth.Claims{Role: auth.RoleInspector, MSP: "BeijingMSP", Institution: "BJIM"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx,
		chromedp.Navigate(gw.url+"/"),
		chromedp.WaitVisible(`#view-home`, chromedp.ByID),
		chromedp.Evaluate(fmt.Sprintf(`localStorage.clear(); localStorage.setItem("metrotrace.token", %q)`, token), nil),
		chromedp.Reload(),
		chromedp.WaitVisible(`#view-home`, chromedp.ByID),
	)

	t.Run("an instrument page: calibration history, current certificate, next due date, today's verdict", func(t *testing.T) {
		id := sc.TraceableCompulsory
		want := ids(t, gw, record.DocCertificate, record.IndexCertificatesBySubject, id)
		if len(want) == 0 {
			t.Fatalf("%s has no certificate in the demo", id)
		}
		run(t, ctx,
			visit("#/record/instruments/"+id),
			chromedp.WaitVisible(`#instrument-calibrations[data-loaded="true"] table`, chromedp.ByQuery),
			chromedp.WaitVisible(`#instrument-verdict[data-loaded="true"] .verdict-line`, chromedp.ByQuery),
			chromedp.WaitVisible(`#instrument-owner[data-loaded="true"]`, chromedp.ByQuery),
		)
		if got := sorted(tableIDs(t, ctx, "instrument-calibrations-table")); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("calibration history %v, want %v", got, want)
		}
		if v := attr(t, ctx, `#instrument-verdict .verdict-line`, "data-verdict"); v != "traceable" {
			t.Errorf("today's verdict %q, want traceable", v)
		}
		if at := attr(t, ctx, `#instrument-verdict .verdict-line`, "data-at"); at != day {
			t.Errorf("verdict on %q, want the gateway's today %s", at, day)
		}
		if got := text(t, ctx, `#instrument-current tr[data-field="current_certificate"]`); !strings.Contains(got, want[len(want)-1][:4]) {
			t.Errorf("current certificate row: %q", got)
		}
		due := attr(t, ctx, `#instrument-current [data-due]`, "data-due")
		if _, err := record.ParseDate(due); err != nil || due <= day {
			t.Errorf("next due date %q of a traceable compulsory instrument, today %s", due, day)
		}
		docShot(t, ctx, "instrument.png")
	})

	t.Run("in en the trace and instrument pages show no raw enum value and no Chinese label", func(t *testing.T) {
		id := sc.TraceableCompulsory
		raw, err := gw.index.Get(context.Background(), record.DocInstrument, id)
		if err != nil {
			t.Fatal(err)
		}
		var ins record.Instrument
		if err := json.Unmarshal(raw, &ins); err != nil {
			t.Fatal(err)
		}
		cat, ok := record.CategoryOf(ins.Category)
		if !ok {
			t.Fatalf("%s has category %q, not in the catalogue", id, ins.Category)
		}
		// Record data (a type, a name, an address) may be Chinese in any
		// language; labels and enum values may not.
		han := regexp.MustCompile(`\p{Han}+`)
		enumLike := regexp.MustCompile(`\b[a-z]+(?:_[a-z]+)+\b`)
		// District names (GB/T 2260) are proper names, in Chinese only.
		data := string(raw)
		for _, name := range record.DistrictNames {
			data += name
		}
		var owner map[string]any
		apiGet(t, gw, token, "/instruments/"+id+"/owner", &owner)
		b, _ := json.Marshal(owner)
		data += string(b)
		for _, doc := range []string{record.DocInstitution, record.DocStandard, record.DocCertificate} {
			for _, other := range ids(t, gw, doc, "", "") {
				b, _ := gw.index.Get(context.Background(), doc, other)
				data += string(b)
			}
		}
		run(t, ctx, chromedp.Evaluate(`localStorage.setItem("metrotrace.lang", "en")`, nil))
		defer run(t, ctx, chromedp.Evaluate(`localStorage.setItem("metrotrace.lang", "zh")`, nil), chromedp.Reload(),
			chromedp.WaitVisible(`html[data-lang="zh"]`, chromedp.ByQuery))
		pages := []struct {
			name, hash, root string
			ready            []string
		}{
			{"instrument", "#/record/instruments/" + id, "#view-record", []string{`#instrument-calibrations[data-loaded="true"] table`,
				`#instrument-verdict[data-loaded="true"] .verdict-line`, `#instrument-owner[data-loaded="true"]`, `#instrument-current[data-loaded="true"]`}},
			{"trace", "#/trace/" + id, "#view-trace", []string{`#trace-result .verdict`}},
		}
		for _, p := range pages {
			actions := []chromedp.Action{visit(p.hash), chromedp.Reload(), chromedp.WaitVisible(`html[data-lang="en"]`, chromedp.ByQuery)}
			for _, sel := range p.ready {
				actions = append(actions, chromedp.WaitVisible(sel, chromedp.ByQuery))
			}
			run(t, ctx, actions...)
			if p.name == "trace" {
				run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#trace-result details").forEach(d => d.open = true)`, nil))
			}
			var en string
			run(t, ctx, chromedp.Evaluate(visibleTextOf+`(`+strconv.Quote(p.root)+`)`, &en))
			for _, w := range han.FindAllString(en, -1) {
				if !strings.Contains(data, w) {
					t.Errorf("the en %s page shows Chinese %q that is no record's data:\n%s", p.name, w, en)
				}
			}
			if raw := enumLike.FindAllString(en, -1); len(raw) > 0 {
				t.Errorf("the en %s page shows raw values %q:\n%s", p.name, raw, en)
			}
			if p.name == "instrument" {
				if strings.Contains(en, ins.Category) || !strings.Contains(en, cat.En) || strings.Contains(en, cat.Zh) {
					t.Errorf("the en instrument page names category %s as %q? want %q:\n%s", ins.Category, cat.Zh, cat.En, en)
				}
			}
		}
	})

	t.Run("owner details: shown to the registering organization, private to others", func(t *testing.T) {
		var owned, private string
		for _, id := range ids(t, gw, record.DocInstrument, "", "") {
			raw, _ := gw.index.Get(context.Background(), record.DocInstrument, id)
			var ins record.Instrument
			_ = json.Unmarshal(raw, &ins)
			switch {
			case strings.HasPrefix(ins.InstitutionID, "BJ") && owned == "":
				owned = id
			case strings.HasPrefix(ins.InstitutionID, "HB") && private == "":
				private = id
			}
		}
		run(t, ctx, visit("#/record/instruments/"+private), chromedp.WaitVisible(`#instrument-owner[data-loaded="true"] [data-owner]`, chromedp.ByQuery))
		if v := attr(t, ctx, `#instrument-owner [data-owner]`, "data-owner"); v != "private" {
			t.Errorf("a Hebei instrument's owner details for a Beijing inspector: %q, want private", v)
		}
		run(t, ctx, visit("#/record/instruments/"+owned), chromedp.WaitVisible(`#instrument-owner[data-loaded="true"] [data-owner]`, chromedp.ByQuery))
		if v := attr(t, ctx, `#instrument-owner [data-owner]`, "data-owner"); v != "shown" && v != "none" {
			t.Errorf("a Beijing instrument's owner details for a Beijing inspector: %q", v)
		}
	})

	t.Run("a sealed standard: its certificates, what it calibrated, its timeline, Impact from the seal date", func(t *testing.T) {
		id := sc.SealedStandard
		run(t, ctx,
			visit("#/record/standards/"+id),
			chromedp.WaitVisible(`#standard-status[data-loaded="true"] #standard-timeline`, chromedp.ByQuery),
			chromedp.WaitVisible(`#standard-calibrated[data-loaded="true"] table`, chromedp.ByQuery),
			chromedp.WaitVisible(`#standard-certificates[data-loaded="true"] table`, chromedp.ByQuery),
		)
		if n := count(t, ctx, `#standard-timeline li[data-status="sealed"]`); n != 1 {
			t.Errorf("%d sealed entries in the timeline", n)
		}
		if href := attr(t, ctx, "#standard-impact", "href"); href != "#/impact/"+id+"?since="+sc.SealedSince {
			t.Errorf("impact link %q, want the seal date %s", href, sc.SealedSince)
		}
		if href := attr(t, ctx, `.record-head a[href^="#/impact/"]`, "href"); !strings.HasSuffix(href, "?since="+sc.SealedSince) {
			t.Errorf("the header's impact link %q lacks the seal date", href)
		}
		used := ids(t, gw, record.DocCertificate, record.IndexCertificatesByReference, id)
		if total := attr(t, ctx, "#standard-calibrated-table", "data-total"); total != strconv.Itoa(len(used)) {
			t.Errorf("what it calibrated: total %s, want %d", total, len(used))
		}
		own := ids(t, gw, record.DocCertificate, record.IndexCertificatesBySubject, id)
		if got := sorted(tableIDs(t, ctx, "standard-certificates-table")); strings.Join(got, ",") != strings.Join(own, ",") {
			t.Errorf("its certificates %v, want %v", got, own)
		}
		// The certificate issued after the seal is marked.
		run(t, ctx, chromedp.SetValue(`#standard-calibrated-table .mt-filter`, sc.AtRisk, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector("#standard-calibrated-table .mt-filter").dispatchEvent(new Event("input"))`, nil))
		if got := tableIDs(t, ctx, "standard-calibrated-table"); len(got) != 1 || got[0] != sc.AtRisk {
			t.Fatalf("filtered by %s: %v", sc.AtRisk, got)
		}
		if got := text(t, ctx, `#standard-calibrated-table tr[data-id="`+sc.AtRisk+`"] td[data-key="used_when"]`); !strings.Contains(got, "封存") {
			t.Errorf("the at-risk certificate's column says %q, want 封存", got)
		}
		docShot(t, ctx, "standard.png")
	})

	t.Run("a certificate issued against a sealed reference warns on its own page", func(t *testing.T) {
		run(t, ctx,
			visit("#/record/certificates/"+sc.AtRisk),
			chromedp.WaitVisible(`#certificate-references [data-warning="reference-not-active"]`, chromedp.ByQuery),
		)
		if got := attr(t, ctx, `#certificate-references li[data-reference]`, "data-reference"); got != sc.SealedStandard {
			t.Errorf("the warning names %q, want %s", got, sc.SealedStandard)
		}
		if got := attr(t, ctx, `#certificate-references li[data-reference]`, "data-state"); got != "sealed" {
			t.Errorf("the warning's state %q", got)
		}
		docShot(t, ctx, "certificate-warning.png")
		// A certificate against active references has no warning.
		rep, err := gw.index.Trace(context.Background(), sc.Traceable, day)
		if err != nil || len(rep.Links) == 0 {
			t.Fatal(err)
		}
		run(t, ctx,
			visit("#/record/certificates/"+rep.Links[0].CertificateID),
			chromedp.WaitVisible(`#record-history table`, chromedp.ByQuery),
			chromedp.Sleep(300*time.Millisecond),
		)
		if n := count(t, ctx, `#certificate-references [data-warning]`); n != 0 {
			t.Errorf("a certificate of the traceable chain warns")
		}
	})

	t.Run("an institution page: standards, instruments, capabilities, agreements; tables sort, filter and page", func(t *testing.T) {
		inst := "TJIM"
		run(t, ctx,
			visit("#/record/institutions/"+inst),
			chromedp.WaitVisible(`#institution-instruments[data-loaded="true"] table`, chromedp.ByQuery),
			chromedp.WaitVisible(`#institution-standards[data-loaded="true"] table`, chromedp.ByQuery),
			chromedp.WaitVisible(`#institution-capabilities[data-loaded="true"] table`, chromedp.ByQuery),
			chromedp.WaitVisible(`#institution-agreements[data-loaded="true"] table`, chromedp.ByQuery),
		)
		for _, l := range []struct{ table, docType, index string }{
			{"institution-standards-table", record.DocStandard, record.IndexStandardsByInstitution},
			{"institution-instruments-table", record.DocInstrument, record.IndexInstrumentsByInstitution},
			{"institution-capabilities-table", record.DocCapability, record.IndexCapabilitiesByInstitution},
			{"institution-agreements-table", record.DocAgreement, record.IndexAgreementsByParty},
		} {
			want := ids(t, gw, l.docType, l.index, inst)
			if total := attr(t, ctx, "#"+l.table, "data-total"); total != strconv.Itoa(len(want)) {
				t.Errorf("%s: total %s, want %d", l.table, total, len(want))
			}
			shown := tableIDs(t, ctx, l.table)
			if len(want) <= 20 && strings.Join(sorted(shown), ",") != strings.Join(want, ",") {
				t.Errorf("%s shows %v, want %v", l.table, shown, want)
			}
		}
		// Sorting by id twice reverses the order; a filter narrows and says so.
		tbl := "institution-capabilities-table"
		want := ids(t, gw, record.DocCapability, record.IndexCapabilitiesByInstitution, inst)
		if len(want) < 2 {
			t.Fatalf("%s has %d capabilities", inst, len(want))
		}
		run(t, ctx, chromedp.Click(`#`+tbl+` th[data-key="id"]`, chromedp.ByQuery))
		desc := tableIDs(t, ctx, tbl)
		if desc[0] != want[len(want)-1] {
			t.Errorf("sorted descending: %v", desc)
		}
		if got := attr(t, ctx, `#`+tbl+` th[data-key="id"]`, "aria-sort"); got != "descending" {
			t.Errorf("aria-sort %q", got)
		}
		run(t, ctx, chromedp.SetValue(`#`+tbl+` .mt-filter`, want[0], chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector("#`+tbl+` .mt-filter").dispatchEvent(new Event("input"))`, nil))
		if got := attr(t, ctx, "#"+tbl, "data-matching"); got != "1" {
			t.Errorf("filtered by %s: %s rows match", want[0], got)
		}
		if got := text(t, ctx, "#"+tbl+" .mt-info"); !strings.Contains(got, "共 "+strconv.Itoa(len(want))+" 条") {
			t.Errorf("the table's total says %q", got)
		}
		docShot(t, ctx, "institution.png")
	})

	t.Run("a long table pages", func(t *testing.T) {
		// The institution with the most instruments.
		best, most := "", 0
		for _, id := range ids(t, gw, record.DocInstitution, "", "") {
			if n := len(ids(t, gw, record.DocInstrument, record.IndexInstrumentsByInstitution, id)); n > most {
				best, most = id, n
			}
		}
		if most <= 20 {
			t.Fatalf("no institution has more than 20 instruments (at most %d)", most)
		}
		tbl := "institution-instruments-table"
		run(t, ctx, visit("#/record/institutions/"+best), chromedp.WaitVisible(`#institution-instruments[data-loaded="true"] table`, chromedp.ByQuery))
		first := tableIDs(t, ctx, tbl)
		run(t, ctx, chromedp.Click(`#`+tbl+` .mt-next`, chromedp.ByQuery))
		second := tableIDs(t, ctx, tbl)
		want := ids(t, gw, record.DocInstrument, record.IndexInstrumentsByInstitution, best)
		if len(first) != 20 || len(second) != min(20, most-20) || first[0] != want[0] || second[0] != want[20] {
			t.Errorf("pages of %d: %d then %d rows (%s…, %s…)", most, len(first), len(second), first[0], second[0])
		}
		if got := text(t, ctx, "#"+tbl+" .mt-info"); !strings.Contains(got, "第 21–") || !strings.Contains(got, "共 "+strconv.Itoa(most)+" 条") {
			t.Errorf("second page says %q", got)
		}
	})

	t.Run("search finds a serial and says when there are more", func(t *testing.T) {
		raw, _ := gw.index.Get(context.Background(), record.DocInstrument, sc.TraceableCompulsory)
		var ins record.Instrument
		_ = json.Unmarshal(raw, &ins)
		part := ins.Serial[2 : len(ins.Serial)-1]
		run(t, ctx, visit("#/search?q="+part), chromedp.WaitVisible(`#search-result table.hits`, chromedp.ByQuery))
		if n := count(t, ctx, fmt.Sprintf(`#search-result tr.hit a[data-id=%q]`, ins.ID)); n != 1 {
			t.Errorf("searching part of the serial %s (%s) does not find %s", ins.Serial, part, ins.ID)
		}
		run(t, ctx, visit("#/search?q=-"), chromedp.WaitVisible(`#search-result #search-more`, chromedp.ByQuery))
		if n := count(t, ctx, `#search-result tr.hit`); n != 100 {
			t.Errorf("a broad search shows %d hits, want the limit 100", n)
		}
		if got := text(t, ctx, "#search-more"); !strings.Contains(got, "多于 100") {
			t.Errorf("the more note says %q", got)
		}
	})

	t.Run("a broken chain reads in zh or en alone, checks and problems", func(t *testing.T) {
		b := sc.Breaks()[1] // verified against a sealed standard
		cjk := regexp.MustCompile(`\p{Han}+`)
		banner := fmt.Sprintf(`#trace-result .verdict[data-subject=%q]`, b.Subject)
		run(t, ctx,
			visit("#/trace/"+b.Subject),
			chromedp.WaitVisible(banner, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector("#trace-result details.chain-details").open = true`, nil),
		)
		failing := fmt.Sprintf(`#trace-result li.check[data-check=%q][data-ok="false"] .detail`, b.Check)
		zhDetail := textContent(t, ctx, failing)
		if !strings.Contains(zhDetail, "参考标准") || !strings.Contains(zhDetail, sc.SealedSince) || !strings.Contains(zhDetail, "封存") {
			t.Errorf("zh detail of %s: %q", b.Check, zhDetail)
		}
		var zh string
		run(t, ctx, chromedp.Evaluate(visibleTextOf+`("#trace-result")`, &zh))
		for _, word := range []string{"reference ", "certificate ", " valid ", "used ", "approval", "sealed", "issuer ", "CMC "} {
			if strings.Contains(zh, word) {
				t.Errorf("English %q left on the zh trace page: %s", word, zh)
			}
		}
		if got := text(t, ctx, "#trace-problems"); !strings.Contains(got, "封存") {
			t.Errorf("zh problems: %q", got)
		}
		docShot(t, ctx, "trace-broken-zh.png")
		run(t, ctx,
			chromedp.Click("#lang-button", chromedp.ByID),
			chromedp.WaitVisible(`html[data-lang="en"]`, chromedp.ByQuery),
			chromedp.WaitVisible(banner, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector("#trace-result details.chain-details").open = true`, nil),
		)
		var en string
		run(t, ctx, chromedp.Evaluate(visibleTextOf+`("#trace-result")`, &en))
		if han := cjk.FindAllString(en, -1); len(han) > 0 {
			t.Errorf("Chinese left on the en trace page, details and problems included: %q\n%s", han, en)
		}
		if got := textContent(t, ctx, failing); !strings.Contains(got, "was sealed since "+sc.SealedSince) {
			t.Errorf("en detail of %s: %q", b.Check, got)
		}
		run(t, ctx,
			chromedp.Click("#lang-button", chromedp.ByID),
			chromedp.WaitVisible(`html[data-lang="zh"]`, chromedp.ByQuery),
		)
	})

	t.Run("a refused recognition reads in zh or en alone", func(t *testing.T) {
		cjk := regexp.MustCompile(`\p{Han}+`)
		failing := fmt.Sprintf(`#recognition-result li.check[data-check=%q][data-ok="false"] .detail`, sc.UnrecognizedCheck)
		run(t, ctx,
			visit("#/recognition?certificate="+sc.UnrecognizedCertificate+"&by="+sc.UnrecognizedBy),
			chromedp.WaitVisible(failing, chromedp.ByQuery),
		)
		if got := textContent(t, ctx, failing); !strings.Contains(got, "比对") || !strings.Contains(got, "|En| > 1") {
			t.Errorf("zh detail of %s: %q", sc.UnrecognizedCheck, got)
		}
		run(t, ctx,
			chromedp.Click("#lang-button", chromedp.ByID),
			chromedp.WaitVisible(`html[data-lang="en"]`, chromedp.ByQuery),
			chromedp.WaitVisible(failing, chromedp.ByQuery),
		)
		var en string
		run(t, ctx, chromedp.Evaluate(visibleTextOf+`("#recognition-result")`, &en))
		if han := cjk.FindAllString(en, -1); len(han) > 0 {
			t.Errorf("Chinese left on the en recognition page: %q\n%s", han, en)
		}
		if got := textContent(t, ctx, failing); !strings.Contains(got, "comparison ") {
			t.Errorf("en detail: %q", got)
		}
		run(t, ctx, chromedp.Click("#lang-button", chromedp.ByID), chromedp.WaitVisible(`html[data-lang="zh"]`, chromedp.ByQuery))
	})

	t.Run("the trace report names every link's transaction and block", func(t *testing.T) {
		rep, err := gw.index.Trace(context.Background(), sc.Traceable, day)
		if err != nil {
			t.Fatal(err)
		}
		var page string
		apiGet(t, gw, token, "/reports/trace/"+sc.Traceable, &page)
		blocks := regexp.MustCompile(`<td data-block="([0-9]+)">#([0-9]+)</td>`).FindAllStringSubmatch(page, -1)
		if len(blocks) != len(rep.Links) {
			t.Fatalf("%d links with a block number, want %d", len(blocks), len(rep.Links))
		}
		for i, l := range rep.Links {
			var hist struct {
				Versions []struct {
					TxID        string  `json:"tx_id"`
					BlockNumber *uint64 `json:"block_number"`
				} `json:"versions"`
			}
			apiGet(t, gw, token, "/certificates/"+l.CertificateID+"/history", &hist)
			last := hist.Versions[len(hist.Versions)-1]
			if last.BlockNumber == nil || strconv.FormatUint(*last.BlockNumber, 10) != blocks[i][1] {
				t.Errorf("link %d (%s): block %s in the report, history says %v", i, l.CertificateID, blocks[i][1], last.BlockNumber)
			}
			if want := fmt.Sprintf(`data-tx=%q`, last.TxID); !strings.Contains(page, want) {
				t.Errorf("link %d: the report lacks %s", i, want)
			}
			if b, found, err := gw.index.BlockOf(context.Background(), last.TxID); err != nil || !found || strconv.FormatUint(b, 10) != blocks[i][1] {
				t.Errorf("link %d: index block %d %v %v", i, b, found, err)
			}
		}
	})

	t.Run("the impact page prints its report", func(t *testing.T) {
		run(t, ctx,
			visit("#/impact/"+sc.ImpactStandard+"?since="+sc.ImpactSince),
			chromedp.WaitVisible(`#impact-report`, chromedp.ByID),
			chromedp.Click(`#impact-report`, chromedp.ByID),
			chromedp.WaitVisible(`#impact-report-note[data-state="done"]`, chromedp.ByQuery),
		)
		var page string
		apiGet(t, gw, token, "/reports/impact/"+sc.ImpactStandard+"?since="+sc.ImpactSince+"&format=html", &page)
		set, err := gw.index.Impact(context.Background(), sc.ImpactStandard, sc.ImpactSince, false)
		if err != nil {
			t.Fatal(err)
		}
		rows := len(set.Certificates) + len(set.Standards) + len(set.Instruments) + len(set.Institutions)
		if !strings.Contains(page, fmt.Sprintf(`data-rows="%d"`, rows)) {
			t.Errorf("the impact report lacks its %d rows", rows)
		}
		if dir := os.Getenv(envDocs); dir != "" {
			// In a tab of its own, so the console's tab stays where it is.
			tab, closeTab := chromedp.NewContext(ctx)
			var shot []byte
			run(t, tab,
				chromedp.EmulateViewport(900, 1270),
				chromedp.Navigate("data:text/html;base64,"+base64.StdEncoding.EncodeToString([]byte(page))),
				chromedp.WaitReady(`table`, chromedp.ByQuery),
				chromedp.CaptureScreenshot(&shot))
			closeTab()
			// Back to the console's tab: a tab in the background is not drawn.
			run(t, ctx, cdppage.BringToFront())
			if err := os.WriteFile(filepath.Join(dir, "impact-report.png"), shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("the record pages fit a 390 px phone", func(t *testing.T) {
		run(t, ctx, chromedp.EmulateViewport(390, 844))
		defer run(t, ctx, chromedp.EmulateViewport(1280, 900))
		for _, p := range []struct{ name, hash, ready string }{
			{"instrument", "#/record/instruments/" + sc.TraceableCompulsory, `#instrument-calibrations[data-loaded="true"] table`},
			{"standard", "#/record/standards/" + sc.SealedStandard, `#standard-calibrated[data-loaded="true"] table`},
			{"institution", "#/record/institutions/TJIM", `#institution-instruments[data-loaded="true"] table`},
		} {
			run(t, ctx, visit(p.hash), chromedp.WaitVisible(p.ready, chromedp.ByQuery), chromedp.Sleep(200*time.Millisecond))
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
			docShot(t, ctx, "phone-"+p.name+".png")
		}
	})
}
