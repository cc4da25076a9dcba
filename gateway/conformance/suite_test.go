package conformance

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// question is one query of the suite and what it must find.
type question struct {
	name    string
	path    string // under /api/v1, without the prefix-dependent ids filled in
	failing []string
}

// variant is one version of the region, loaded under its own id prefix.
type variant struct {
	prefix    string
	fixture   *scenario.Fixture
	questions []question
}

func variants() []variant {
	var vs []variant
	base := func(p string) *scenario.Fixture { return scenario.New().Prefixed(p) }
	p := "c00-"
	vs = append(vs, variant{prefix: p, fixture: base(p), questions: []question{
		{"the five-level chain is traceable", "/trace/" + p + "TJ-BAL-001?at=2024-06-01", nil},
		{"the recognition holds", "/recognition?certificate=" + p + scenario.RecognitionCertificate + "&by=" + p + scenario.RecognitionBy + "&at=" + scenario.RecognitionAt, nil},
		{"the impact of the Beijing standard", "/impact/" + p + "BJ-STD-MASS?since=2024-02-01&paths=true", nil},
	}})
	for i, b := range scenario.TraceBreaks() {
		p := fmt.Sprintf("t%02d-", i+1)
		f := scenario.New()
		b.Change(f)
		vs = append(vs, variant{prefix: p, fixture: f.Prefixed(p), questions: []question{
			{b.Name, "/trace/" + p + b.Subject + "?at=" + b.At, []string{b.FailedCheck}},
		}})
	}
	for i, c := range scenario.RecognitionCases() {
		p := fmt.Sprintf("r%02d-", i+1)
		f := scenario.New()
		c.Change(f)
		vs = append(vs, variant{prefix: p, fixture: f.Prefixed(p), questions: []question{
			{c.Name, "/recognition?certificate=" + p + scenario.RecognitionCertificate + "&by=" + p + scenario.RecognitionBy + "&at=" + scenario.RecognitionAt, []string{c.FailedCheck}},
		}})
	}
	return vs
}

// load writes a variant through the HTTP API, as a person would: each
// institution by its organization's operator, each record by a recorder
// of its institution.
func load(t *testing.T, tg *target, v variant) error {
	for _, s := range v.fixture.Steps() {
		var method, path string
		var body any
		token := tg.token(t, s.MSPID, s.Role, s.Institution)
		switch s.Function {
		case "RegisterInstitution":
			method, path, body = "POST", "/institutions", s.Args[0]
		case "RegisterCapability":
			method, path, body = "POST", "/capabilities", s.Args[0]
		case "RegisterStandard":
			method, path, body = "POST", "/standards", s.Args[0]
		case "RegisterInstrument":
			method, path, body = "POST", "/instruments", s.Args[0]
		case "IssueCertificate":
			method, path, body = "POST", "/certificates", s.Args[0]
		case "RecordComparison":
			method, path, body = "POST", "/comparisons", s.Args[0]
		case "ProposeAgreement":
			method, path, body = "POST", "/agreements", s.Args[0]
		case "SetStandardStatus":
			method, path = "POST", "/standards/"+url.PathEscape(s.Args[0])+"/status"
			body = map[string]string{"status": s.Args[1], "since": s.Args[2], "reason": s.Args[3]}
		case "ApproveAgreement":
			method, path, body = "POST", "/agreements/"+url.PathEscape(s.Args[0])+"/approve", map[string]string{}
		default:
			return errorf("no HTTP route for %s", s.Function)
		}
		code, out := tg.do(t, method, "/api/v1"+path, token, body)
		if code != 200 && code != 201 {
			return errorf("%s %s (%s) on %s: %d %s", method, path, s.Function, tg.name, code, out)
		}
	}
	return nil
}

// loadAll loads every variant, several at a time (variants are independent).
func loadAll(t *testing.T, tg *target, vs []variant) {
	t.Helper()
	sem := make(chan struct{}, 6)
	var wg sync.WaitGroup
	errs := make(chan error, len(vs))
	for _, v := range vs {
		wg.Add(1)
		sem <- struct{}{}
		go func(v variant) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := load(t, tg, v); err != nil {
				errs <- err
			}
		}(v)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// answers asks every question of every variant, from the index and from
// the chaincode, checks the two agree and the expected checks fail, and
// returns the answers by question.
func answers(t *testing.T, tg *target, vs []variant) map[string]string {
	t.Helper()
	out := map[string]string{}
	token := tg.token(t, "HebeiMSP", "inspector", "c00-HBIM")
	for _, v := range vs {
		for _, q := range v.questions {
			sep := "?"
			if containsRune(q.path, '?') {
				sep = "&"
			}
			code, indexAnswer := tg.do(t, "GET", "/api/v1"+q.path, token, nil)
			code2, ledgerAnswer := tg.do(t, "GET", "/api/v1"+q.path+sep+"source=ledger", token, nil)
			if code != 200 || code2 != 200 {
				t.Fatalf("%s on %s: index %d %s; ledger %d %s", q.name, tg.name, code, indexAnswer, code2, ledgerAnswer)
			}
			a, b := canonical(t, indexAnswer), canonical(t, ledgerAnswer)
			if a != b {
				t.Errorf("%s on %s: the index answers\n%s\nthe chaincode answers\n%s", q.name, tg.name, a, b)
			}
			if got := failing(t, indexAnswer); !reflect.DeepEqual(got, q.failing) && !(len(got) == 0 && len(q.failing) == 0) {
				t.Errorf("%s on %s: failing checks %v, want %v", q.name, tg.name, got, q.failing)
			}
			out[q.name] = a
		}
	}
	return out
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}

// ledgerImpactPages pages the impact of the Beijing standard from the
// chaincode (source=ledger), two certificates a page, checks that the
// pages list exactly the certificates of the whole impact, and returns the
// pages, canonical, for comparing backends.
func ledgerImpactPages(t *testing.T, tg *target) string {
	t.Helper()
	token := tg.token(t, "HebeiMSP", "inspector", "c00-HBIM")
	const path = "/api/v1/impact/c00-BJ-STD-MASS?since=2024-02-01"
	code, whole := tg.do(t, "GET", path, token, nil)
	if code != 200 {
		t.Fatalf("impact on %s: %d %s", tg.name, code, whole)
	}
	var set struct {
		Certificates []string `json:"certificates"`
	}
	if err := json.Unmarshal(whole, &set); err != nil {
		t.Fatal(err)
	}
	var pages []string
	var listed []string
	next := ""
	for n := 0; ; n++ {
		code, body := tg.do(t, "GET", path+"&source=ledger&page_size=2&page_token="+url.QueryEscape(next), token, nil)
		if code != 200 {
			t.Fatalf("ledger impact page %d on %s: %d %s", n, tg.name, code, body)
		}
		var p struct {
			Certificates []struct {
				CertificateID string `json:"certificate_id"`
			} `json:"certificates"`
			NextPageToken string `json:"next_page_token"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Certificates) > 2 {
			t.Fatalf("ledger impact page %d on %s holds %d certificates", n, tg.name, len(p.Certificates))
		}
		for _, c := range p.Certificates {
			listed = append(listed, c.CertificateID)
		}
		pages = append(pages, canonical(t, body))
		if next = p.NextPageToken; next == "" {
			break
		}
		if n > 20 {
			t.Fatalf("the ledger's impact pages on %s do not end", tg.name)
		}
	}
	sort.Strings(listed)
	if len(listed) == 0 || !reflect.DeepEqual(listed, set.Certificates) {
		t.Fatalf("on %s the ledger's pages list %v, the whole impact %v", tg.name, listed, set.Certificates)
	}
	return strings.Join(pages, "\n")
}
