package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/client"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// today is the gateway's clock in tests: every default date is this day.
var today = time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)

// fakeIndex is a read model for tests: it follows the embedded ledger's
// events into a map (so reads after a write depend on WaitFor, as with the
// real index) and answers the rules by asking the chaincode.
type fakeIndex struct {
	l      ledger.Ledger
	cl     *client.Client
	viewer *identity.Identity

	mu       sync.Mutex
	next     uint64
	records  map[string]json.RawMessage // doc_type/id → record
	waited   []uint64
	height   *uint64 // overrides Height when set
	panicOn  string  // Search(panicOn) panics
	failWith error   // Get returns it when set
}

var _ httpapi.Index = (*fakeIndex)(nil)

var errStop = errors.New("caught up")

func (f *fakeIndex) WaitFor(ctx context.Context, block uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waited = append(f.waited, block)
	if block < f.next {
		return nil
	}
	err := f.l.Events(ctx, f.next, func(ev ledger.Event) error {
		var e record.Event
		if err := json.Unmarshal(ev.Payload, &e); err != nil {
			return err
		}
		for _, r := range e.Records {
			f.records[r.DocType+"/"+r.ID] = r.Record
		}
		f.next = ev.BlockNumber + 1
		if ev.BlockNumber >= block {
			return errStop
		}
		return nil
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

func (f *fakeIndex) Height() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.height != nil {
		return *f.height
	}
	if f.next == 0 {
		return 1
	}
	return f.next
}

func (f *fakeIndex) Get(_ context.Context, docType, id string) (json.RawMessage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failWith != nil {
		return nil, f.failWith
	}
	r, ok := f.records[docType+"/"+id]
	if !ok {
		return nil, record.Errorf(record.NotFound, "%s %s does not exist", docType, id)
	}
	return r, nil
}

// List pages by offset; index "" lists every record of the doc type by id.
func (f *fakeIndex) List(_ context.Context, docType, index, value string, pageSize int, pageToken string) (*record.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for key, r := range f.records {
		dt, id, _ := strings.Cut(key, "/")
		if dt != docType {
			continue
		}
		if index != "" {
			var v any
			switch docType {
			case record.DocCertificate:
				v = new(record.Certificate)
			case record.DocStandard:
				v = new(record.Standard)
			case record.DocInstrument:
				v = new(record.Instrument)
			case record.DocCapability:
				v = new(record.Capability)
			case record.DocAgreement:
				v = new(record.Agreement)
			case record.DocComparison:
				v = new(record.Comparison)
			case record.DocSigningCertificate:
				v = new(record.SigningCertificate)
			}
			if err := json.Unmarshal(r, v); err != nil {
				return nil, err
			}
			found := false
			for _, x := range record.IndexEntries(v)[index] {
				found = found || x == value
			}
			if !found {
				continue
			}
		}
		ids = append(ids, id)
	}
	sort.Strings(ids)
	from := 0
	if pageToken != "" {
		n, err := strconv.Atoi(pageToken)
		if err != nil {
			return nil, record.Errorf(record.Invalid, "bad page token %q", pageToken)
		}
		from = n
	}
	p := &record.Page{}
	for i := from; i < len(ids) && i < from+pageSize; i++ {
		p.Records = append(p.Records, f.records[docType+"/"+ids[i]])
	}
	if from+pageSize < len(ids) {
		p.NextPageToken = strconv.Itoa(from + pageSize)
	}
	return p, nil
}

func (f *fakeIndex) Search(_ context.Context, query string, limit int) ([]record.Hit, error) {
	if query == f.panicOn {
		panic("search exploded")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var hits []record.Hit
	for key, r := range f.records {
		dt, id, _ := strings.Cut(key, "/")
		var named struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(r, &named)
		if strings.Contains(strings.ToLower(id+" "+named.Name), strings.ToLower(query)) {
			hits = append(hits, record.Hit{DocType: dt, ID: id, Name: named.Name})
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].ID < hits[j].ID })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

func (f *fakeIndex) Trace(_ context.Context, subjectID, at string) (*rules.TraceReport, error) {
	return f.cl.Trace(context.Background(), f.viewer, subjectID, at)
}

func (f *fakeIndex) Impact(_ context.Context, standardID, since string, withPaths bool) (*rules.ImpactSet, error) {
	return f.cl.Impact(context.Background(), f.viewer, standardID, since, withPaths)
}

// ImpactPage pages with the rules over the records the fake has applied.
func (f *fakeIndex) ImpactPage(_ context.Context, standardID, since string, pageSize int, pageToken string) (*rules.ImpactPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return rules.ImpactPaged(rules.FromSource(fakeSource{f.records}), nil, nil, standardID, since, pageSize, pageToken)
}

// fakeSource is a rules.Source over the fake index's records.
type fakeSource struct{ records map[string]json.RawMessage }

func (s fakeSource) Record(docType, id string) ([]byte, error) { return s.records[docType+"/"+id], nil }

func (s fakeSource) IDs(index, value string) ([]string, error) {
	var ids []string
	for key, data := range s.records {
		docType, id, _ := strings.Cut(key, "/")
		v, ok := map[string]any{record.DocCertificate: &record.Certificate{}, record.DocStandard: &record.Standard{},
			record.DocInstrument: &record.Instrument{}}[docType]
		if !ok || json.Unmarshal(data, v) != nil {
			continue
		}
		if slices.Contains(record.IndexEntries(v)[index], value) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

func (f *fakeIndex) Recognize(_ context.Context, certificateID, by, at string) (*rules.RecognitionDecision, error) {
	return f.cl.Recognize(context.Background(), f.viewer, certificateID, by, at)
}

func (f *fakeIndex) FindByDCC(_ context.Context, sha256Hex string) ([]record.Certificate, error) {
	return f.cl.FindByDCC(context.Background(), f.viewer, sha256Hex)
}

// env is a real server on 127.0.0.1:0 over an in-memory embedded ledger.
type env struct {
	t      *testing.T
	ledger *embedded.Ledger
	wallet *embedded.Wallet
	client *client.Client
	index  *fakeIndex
	tokens *auth.Issuer
	server *httpapi.Server
	url    string
}

func newEnv(t *testing.T, configure ...func(*httpapi.Config)) *env {
	t.Helper()
	l, err := embedded.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cl := client.New(l)
	viewer, err := l.Wallet().Identity("BeijingMSP", "", "")
	if err != nil {
		t.Fatal(err)
	}
	idx := &fakeIndex{l: l, cl: cl, viewer: viewer, records: map[string]json.RawMessage{}}
	tokens := &auth.Issuer{Secret: bytes.Repeat([]byte("s"), 32)}
	cfg := httpapi.Config{
		Client: cl, Index: idx, Tokens: tokens, Identities: l.Wallet(),
		RateLimit: rate.Inf, Now: func() time.Time { return today },
		WaitTimeout: 2 * time.Second,
	}
	for _, f := range configure {
		f(&cfg)
	}
	srv := httpapi.New(cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &env{t: t, ledger: l, wallet: l.Wallet(), client: cl, index: idx, tokens: tokens, server: srv, url: "http://" + ln.Addr().String()}
}

// token returns a valid token for a role of an organization and institution.
func (e *env) token(role, msp, institution string) string {
	e.t.Helper()
	tok, err := e.tokens.Issue(auth.Claims{Role: role, MSP: msp, Institution: institution}, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// Tokens used across tests.
func (e *env) operator(msp string) string { return e.token(auth.RoleOperator, msp, "") }
func (e *env) recorderOf(msp, inst string) string {
	return e.token(auth.RoleRecorder, msp, inst)
}

// inspector is an inspector of Hebei's inspectorate, an institution the
// tests register for it alone: a token's institution must be registered.
func (e *env) inspector() string {
	e.t.Helper()
	if _, err := e.client.Get(context.Background(), e.as("HebeiMSP", "", ""), record.DocInstitution, inspectorate.ID); record.ErrorCode(err) == record.NotFound {
		e.create(e.as("HebeiMSP", auth.RoleOperator, ""), record.DocInstitution, inspectorate)
	}
	return e.token(auth.RoleInspector, "HebeiMSP", inspectorate.ID)
}

// inspectorate is the institution of the tests' inspector.
var inspectorate = &record.Institution{ID: "HB-AMR", Name: "河北省市场监督管理局", Region: "HB", MSPID: "HebeiMSP", Kind: "legal_metrology"}

type response struct {
	status int
	header http.Header
	body   []byte
}

// req is a request a test sends: a body given as a string is sent as is,
// anything else as its JSON.
type req struct {
	method, path, token string
	body                any
	header              map[string]string
}

func (e *env) do(r req) *response {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	case io.Reader: // of unknown length: sent chunked
		body = b
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(data)
	}
	hr, err := http.NewRequest(r.method, e.url+r.path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return &response{status: res.StatusCode, header: res.Header, body: data}
}

func (e *env) get(path, token string) *response {
	return e.do(req{method: "GET", path: path, token: token})
}

func (e *env) post(path, token string, body any) *response {
	return e.do(req{method: "POST", path: path, token: token, body: body})
}

// object decodes a JSON object answer.
func (r *response) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// expect checks the status and returns the object answer.
func (r *response) expect(t *testing.T, status int) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q: %s", ct, r.body)
	}
	return r.object(t)
}

// expectError checks an error answer's status, code and message.
func (r *response) expectError(t *testing.T, status int, code, messagePart string) {
	t.Helper()
	m := r.expect(t, status)
	e, _ := m["error"].(map[string]any)
	if e == nil || e["code"] != code {
		t.Fatalf("error %v, want code %s", m, code)
	}
	if msg, _ := e["message"].(string); !strings.Contains(msg, messagePart) {
		t.Fatalf("message %q does not contain %q", msg, messagePart)
	}
	if r.header.Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID on an error answer")
	}
}

func (e *env) height() uint64 {
	e.t.Helper()
	h, err := e.ledger.Height(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// as returns a wallet identity.
func (e *env) as(msp, role, institution string) *identity.Identity {
	e.t.Helper()
	id, err := e.wallet.Identity(msp, role, institution)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// create submits a record through the client, as the brief's data set-up.
func (e *env) create(id *identity.Identity, docType string, v any) {
	e.t.Helper()
	w, err := e.client.Create(context.Background(), id, docType, []byte(mustJSON(e.t, v)), nil)
	if err != nil {
		e.t.Fatalf("create %s: %v", docType, err)
	}
	if err := e.index.WaitFor(context.Background(), w.Receipt.BlockNumber); err != nil {
		e.t.Fatal(err)
	}
}

func u(v float64, unit string) record.Uncertainty {
	return record.Uncertainty{Value: v, Unit: unit, K: 2}
}

func up(v float64, unit string) *record.Uncertainty { x := u(v, unit); return &x }

// Records of the small region the tests use: NIM's primary mass standard
// calibrates a Beijing public standard, which verifies a Beijing balance.
var (
	nim  = &record.Institution{ID: "NIM", Name: "中国计量科学研究院", Region: "BJ", MSPID: "BeijingMSP", Kind: "national_institute"}
	bjim = &record.Institution{ID: "BJIM", Name: "北京市计量检测科学研究院", Region: "BJ", MSPID: "BeijingMSP", Kind: "legal_metrology",
		Accreditations: []record.Accreditation{{Scheme: "CNAS", Number: "L0001", Quantities: []string{"mass"}, ValidUntil: "2027-12-31"}}}
	tjim     = &record.Institution{ID: "TJIM", Name: "天津市计量监督检测科学研究院", Region: "TJ", MSPID: "TianjinMSP", Kind: "legal_metrology"}
	cmcNIM   = &record.Capability{ID: "CMC-NIM-MASS", InstitutionID: "NIM", Quantity: "mass", Range: record.Range{Min: 1, Max: 1000, Unit: "g"}, Uncertainty: u(0.02, "mg"), Method: "JJG 99-2022", ValidUntil: "2030-12-31"}
	cmcBJIM  = &record.Capability{ID: "CMC-BJIM-MASS", InstitutionID: "BJIM", Quantity: "mass", Range: record.Range{Min: 1, Max: 2e7, Unit: "mg"}, Uncertainty: u(0.15, "mg"), Method: "JJG 99-2022", ValidUntil: "2028-12-31"}
	primary  = &record.Standard{ID: "NIM-MASS-P", InstitutionID: "NIM", Name: "千克质量国家基准", Level: "primary", Quantity: "mass", Range: record.Range{Min: 1, Max: 1, Unit: "kg"}, Uncertainty: u(0.02, "mg")}
	bjStd    = &record.Standard{ID: "BJ-STD-MASS", InstitutionID: "BJIM", Name: "E1等级砝码标准装置", Level: "public", Quantity: "mass", Range: record.Range{Min: 1, Max: 1000000, Unit: "mg"}, Uncertainty: u(0.1, "mg"), Approval: &record.Approval{Number: "[2019]京量标证字第001号", ValidUntil: "2028-12-31"}}
	balance  = &record.Instrument{ID: "BJ-BAL-001", InstitutionID: "BJIM", Type: "electronic balance", Manufacturer: "Mettler Toledo", Model: "XPR1203S", Serial: "B912345", Quantity: "mass", Range: record.Range{Min: 0, Max: 1.2, Unit: "kg"}, MPE: record.Value{Value: 0.01, Unit: "g"}, Compulsory: true, Category: "non_automatic_weighing"}
	certStd  = &record.Certificate{ID: "NIM-2024-0001", Kind: "calibration", IssuerID: "NIM", SubjectID: "BJ-STD-MASS", ReferenceIDs: []string{"NIM-MASS-P"}, Quantity: "mass", PerformedOn: "2024-01-10", ValidUntil: "2026-01-09", Method: "JJG 99-2022", Results: []record.Result{{Value: 1, Unit: "kg", Uncertainty: up(0.05, "mg")}}}
	certBal  = &record.Certificate{ID: "BJIM-2024-0042", Kind: "verification", IssuerID: "BJIM", SubjectID: "BJ-BAL-001", ReferenceIDs: []string{"BJ-STD-MASS"}, Quantity: "mass", PerformedOn: "2024-05-10", ValidUntil: "2025-05-09", Method: "JJG 1036-2022", Conformity: "pass", Results: []record.Result{{Value: 1000.002, Unit: "g"}}}
	cmp      = &record.Comparison{ID: "CMP-MASS-2023", PilotID: "NIM", Quantity: "mass", CompletedOn: "2023-09-01", Reference: record.Result{Value: 1, Unit: "kg", Uncertainty: up(0.02, "mg")}, Results: []record.ComparisonResult{{InstitutionID: "BJIM", Value: 1000.0001, Unit: "g", Uncertainty: up(0.2, "mg")}}}
	agreemnt = &record.Agreement{ID: "AGR-BJ-TJ-2024", Parties: []string{"BJIM", "TJIM"}, Quantities: []string{"mass"}, RequiresAccreditation: false, ComparisonWithinYears: 3, ValidFrom: "2024-01-01", ValidUntil: "2026-12-31"}
)

// seed writes the small region through the client with wallet identities.
func (e *env) seed() {
	e.t.Helper()
	bj := func(inst string) *identity.Identity { return e.as("BeijingMSP", "recorder", inst) }
	e.create(e.as("BeijingMSP", "operator", ""), record.DocInstitution, nim)
	e.create(e.as("BeijingMSP", "operator", ""), record.DocInstitution, bjim)
	e.create(e.as("TianjinMSP", "operator", ""), record.DocInstitution, tjim)
	e.create(bj("NIM"), record.DocCapability, cmcNIM)
	e.create(bj("BJIM"), record.DocCapability, cmcBJIM)
	e.create(bj("NIM"), record.DocStandard, primary)
	e.create(bj("BJIM"), record.DocStandard, bjStd)
	e.create(bj("BJIM"), record.DocInstrument, balance)
	e.create(bj("NIM"), record.DocCertificate, certStd)
	e.create(bj("BJIM"), record.DocCertificate, certBal)
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
