package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/demo"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// streamLines splits a streamed impact into its items and its last line.
func streamLines(t *testing.T, body []byte) ([]rules.ImpactItem, map[string]json.RawMessage) {
	t.Helper()
	lines := bytes.Split(bytes.TrimSuffix(body, []byte("\n")), []byte("\n"))
	items := make([]rules.ImpactItem, 0, len(lines))
	for _, l := range lines[:len(lines)-1] {
		var it rules.ImpactItem
		dec := json.NewDecoder(bytes.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&it); err != nil {
			t.Fatalf("item line %s: %v", l, err)
		}
		items = append(items, it)
	}
	var last map[string]json.RawMessage
	if err := json.Unmarshal(lines[len(lines)-1], &last); err != nil {
		t.Fatalf("last line %s: %v", lines[len(lines)-1], err)
	}
	return items, last
}

// The stream through an index without one (the test's index) and through
// the ledger's pages: every item of the pages, in their order, then the end.
func TestImpactAsAStream(t *testing.T) {
	e := newEnv(t)
	e.seed()
	insp := e.inspector()
	want := []rules.ImpactItem{
		{CertificateID: "NIM-2024-0001", ReferenceID: "NIM-MASS-P", PerformedOn: "2024-01-10", IssuerID: "NIM",
			SubjectID: "BJ-STD-MASS", SubjectDocType: "standard", SubjectInstitutionID: "BJIM"},
		{CertificateID: "BJIM-2024-0042", ReferenceID: "BJ-STD-MASS", PerformedOn: "2024-05-10", IssuerID: "BJIM",
			SubjectID: "BJ-BAL-001", SubjectDocType: "instrument", SubjectInstitutionID: "BJIM"},
	}
	for _, tt := range []struct {
		name, query string
		header      map[string]string
	}{
		{"format=ndjson", "&format=ndjson", nil},
		{"Accept", "", map[string]string{"Accept": httpapi.MediaNDJSON}},
		{"from the ledger", "&format=ndjson&source=ledger", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(req{method: "GET", path: "/api/v1/impact/NIM-MASS-P?since=2024-01-01" + tt.query, token: insp, header: tt.header})
			if r.status != 200 || r.header.Get("Content-Type") != httpapi.MediaNDJSON {
				t.Fatalf("%d %s: %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			items, last := streamLines(t, r.body)
			if len(items) != len(want) || items[0] != want[0] || items[1] != want[1] {
				t.Fatalf("items %+v, want %+v", items, want)
			}
			if got := string(last["end"]); got != `{"standard_id":"NIM-MASS-P","since":"2024-01-01","items":2,"standards":["BJ-STD-MASS"]}` {
				t.Fatalf("end line %s", got)
			}
		})
	}
	if r := e.get("/api/v1/impact/BJ-BAL-STD-NONE?since=2024-01-01&format=ndjson", insp); r.status != 404 || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("an unknown standard: %d %s %s, want a 404 JSON error", r.status, r.header.Get("Content-Type"), r.body)
	}
	for _, bad := range []struct{ query, msg string }{
		{"since=2024-01-01&format=xml", "format"},
		{"since=2024-01-01&format=ndjson&paths=true", "paths and a streamed impact"},
		{"since=2024-01-01&format=ndjson&page_size=2", "page_size and a streamed impact"},
		{"since=2024-01-01&format=ndjson&page_token=x", "page_token and a streamed impact"},
		{"format=ndjson", "since"},
		{"since=2024-13-01&format=ndjson", "since"},
	} {
		e.get("/api/v1/impact/NIM-MASS-P?"+bad.query, insp).expectError(t, 400, "invalid", bad.msg)
	}
	e.get("/api/v1/impact/NIM-MASS-P?since=2024-01-01&format=ndjson", "").expectError(t, 401, "unauthorized", "")
}

// failingStream is an index whose stream fails after its first item.
type failingStream struct{ *fakeIndex }

func (f failingStream) ImpactStream(_ context.Context, _, _ string, fn func(rules.ImpactItem) error) ([]string, error) {
	if err := fn(rules.ImpactItem{CertificateID: "C-1", ReferenceID: "S"}); err != nil {
		return nil, err
	}
	return nil, errors.New("the disk went away")
}

// A stream that fails after its first line ends with an error line, not
// with an end line.
func TestAnImpactStreamThatFailsEndsWithAnErrorLine(t *testing.T) {
	e := newEnv(t)
	f := newEnv(t, func(c *httpapi.Config) { c.Index = failingStream{e.index} })
	r := f.get("/api/v1/impact/ANY?since=2024-01-01&format=ndjson", f.inspector())
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	items, last := streamLines(t, r.body)
	if len(items) != 1 || items[0].CertificateID != "C-1" || last["end"] != nil || string(last["error"]) != `{"code":"internal","message":"internal error"}` {
		t.Fatalf("items %+v, last %v", items, last)
	}
}

// Through the real index the stream is the pages' items, in their order,
// with the same standards: the scenario's primary mass standard.
func TestImpactStreamFromTheIndexIsItsPages(t *testing.T) {
	base, tok := scenarioServer(t)
	get := func(query string) []byte {
		t.Helper()
		code, body := authGet(t, base, tok, "/impact/NIM-MASS-P?since=2024-01-01&"+query)
		if code != 200 {
			t.Fatalf("%s: %d %s", query, code, body)
		}
		return body
	}
	var pages []rules.ImpactItem
	var standards []string
	for token := ""; ; {
		var p rules.ImpactPage
		if err := json.Unmarshal(get("page_size=3&page_token="+url.QueryEscape(token)), &p); err != nil {
			t.Fatal(err)
		}
		pages, standards = append(pages, p.Certificates...), p.Standards
		if token = p.NextPageToken; token == "" {
			break
		}
	}
	items, last := streamLines(t, get("format=ndjson"))
	if len(pages) < 5 || len(items) != len(pages) {
		t.Fatalf("stream %d items, pages %d", len(items), len(pages))
	}
	for i := range items {
		if items[i] != pages[i] {
			t.Fatalf("item %d: stream %+v, pages %+v", i, items[i], pages[i])
		}
	}
	var end struct {
		Items     int      `json:"items"`
		Standards []string `json:"standards"`
	}
	if err := json.Unmarshal(last["end"], &end); err != nil || end.Items != len(items) || len(end.Standards) != len(standards) {
		t.Fatalf("end %s, want %d items and standards %v", last["end"], len(items), standards)
	}
	for i := range standards {
		if end.Standards[i] != standards[i] {
			t.Fatalf("end standards %v, pages' %v", end.Standards, standards)
		}
	}
}

// The whole impact from the index (collected from its stream) is, byte for
// byte, the chaincode's held rules.ImpactSet (source=ledger): for every
// standard of the demo's three regions and several dates.
func TestWholeImpactFromTheIndexIsTheChaincodes(t *testing.T) {
	base, tok := indexServer(t, demo.Generate(time.Now().UTC().Format(record.DateLayout)).Steps())
	get := func(path string) (int, []byte) { return authGet(t, base, tok, path) }
	code, body := get("/standards?page_size=1000")
	var list struct {
		Records []struct {
			ID string `json:"id"`
		} `json:"records"`
	}
	if err := json.Unmarshal(body, &list); err != nil || code != 200 || len(list.Records) < 10 {
		t.Fatalf("standards: %d %s %v", code, body, err)
	}
	nonEmpty := 0
	for _, std := range list.Records {
		for _, since := range []string{"2020-01-01", "2024-03-01", "2025-06-01", "2026-06-01"} {
			q := "/impact/" + url.PathEscape(std.ID) + "?since=" + since
			ic, idx := get(q)
			lc, led := get(q + "&source=ledger")
			if ic != 200 || lc != 200 || !bytes.Equal(idx, led) {
				t.Fatalf("%s: index %d %s\nledger %d %s", q, ic, idx, lc, led)
			}
			var set rules.ImpactSet
			if err := json.Unmarshal(idx, &set); err != nil {
				t.Fatal(err)
			}
			if len(set.Certificates) > 0 {
				nonEmpty++
			}
		}
	}
	if nonEmpty < 20 {
		t.Fatalf("only %d impacts reached a certificate", nonEmpty)
	}
	t.Logf("%d standards, 4 dates each: %d impacts reached certificates, each the same bytes", len(list.Records), nonEmpty)
	if code, body := get("/impact/NO-SUCH-STD?since=2024-01-01"); code != 404 || !bytes.Contains(body, []byte(`"not_found"`)) {
		t.Errorf("an unknown standard: %d %s", code, body)
	}
}

// slowStream is an index whose stream outlasts the request's deadline.
type slowStream struct{ *fakeIndex }

func (slowStream) ImpactStream(ctx context.Context, _, _ string, fn func(rules.ImpactItem) error) ([]string, error) {
	if err := fn(rules.ImpactItem{CertificateID: "C-1", ReferenceID: "S"}); err != nil {
		return nil, err
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

// A stream stopped by the request timeout ends with the timeout's error.
func TestAnImpactStreamPastTheRequestTimeoutSaysSo(t *testing.T) {
	e := newEnv(t)
	f := newEnv(t, func(c *httpapi.Config) { c.Index = slowStream{e.index}; c.RequestTimeout = 300 * time.Millisecond })
	r := f.get("/api/v1/impact/ANY?since=2024-01-01&format=ndjson", f.inspector())
	items, last := streamLines(t, r.body)
	if r.status != 200 || len(items) != 1 || string(last["error"]) != `{"code":"timeout","message":"the request did not finish within 300ms"}` {
		t.Fatalf("%d, items %+v, last %s", r.status, items, last["error"])
	}
}

// authGet GETs an API path of the server at base with a bearer token and
// returns the status and the whole body.
func authGet(t *testing.T, base, tok, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+httpapi.Prefix+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}
