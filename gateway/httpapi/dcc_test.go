package httpapi_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/blob"
	"github.com/metrotrace/metrotrace/gateway/dcc"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// The DCCs written for metrotrace's tests, in gateway/dcc/testdata.
const (
	dccMass        = "dcc_mass_tjim_v3.2.xml"
	dccTemperature = "dcc_temperature_list_bjim_v3.3.xml"
	dccPressure    = "dcc_pressure_previous_hbim_v3.3.xml"
	dccPTBTypical  = "dcc_gp_temperature_typical_v12.xml"
)

// dccFile returns the exact bytes of a test DCC.
func dccFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "dcc", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// edit replaces old (which must occur once at least) in a DCC.
func edit(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("edit: %q not found", old)
	}
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

// dccEnv is env with a DCC store, a verify identity, a settable clock and
// the records the test DCCs map onto: institutions whose ids are the DCCs'
// laboratory codes (TJIM, BJIM, HBIM), their subjects, reference
// standards and capabilities.
type dccEnv struct {
	*env
	blobs *blob.Store
	now   *atomic.Pointer[time.Time]
}

func newDCCEnv(t *testing.T) *dccEnv {
	t.Helper()
	blobs, err := blob.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	now := new(atomic.Pointer[time.Time])
	now.Store(&today)
	e := newEnv(t, func(c *httpapi.Config) {
		c.Blobs = blobs
		c.Now = func() time.Time { return *now.Load() }
		id, err := c.Identities.(*embedded.Wallet).Identity("HebeiMSP", "inspector", "HBIM")
		if err != nil {
			t.Fatal(err)
		}
		c.VerifyIdentity = id
	})
	d := &dccEnv{env: e, blobs: blobs, now: now}
	d.seedDCC()
	return d
}

// setToday moves the gateway's clock.
func (e *dccEnv) setToday(date string) {
	e.t.Helper()
	d, err := time.Parse(record.DateLayout, date)
	if err != nil {
		e.t.Fatal(err)
	}
	d = d.Add(9 * time.Hour)
	e.now.Store(&d)
}

var hbim = &record.Institution{ID: "HBIM", Name: "河北省计量监督检测研究院", Region: "HB", MSPID: "HebeiMSP", Kind: "legal_metrology"}

// seedDCC records what the three test DCCs name. The mass chain is
// complete (TJIM's 1 kg standard is primary and TJIM is capable), so its
// subject is traceable.
func (e *dccEnv) seedDCC() {
	e.t.Helper()
	e.create(e.as("BeijingMSP", "operator", ""), record.DocInstitution, bjim)
	e.create(e.as("TianjinMSP", "operator", ""), record.DocInstitution, tjim)
	e.create(e.as("HebeiMSP", "operator", ""), record.DocInstitution, hbim)
	tj := e.as("TianjinMSP", "recorder", "TJIM")
	bj := e.as("BeijingMSP", "recorder", "BJIM")
	hb := e.as("HebeiMSP", "recorder", "HBIM")
	approval := &record.Approval{Number: "[2020]量标证字第007号", ValidUntil: "2029-12-31"}

	e.create(tj, record.DocCapability, &record.Capability{ID: "CMC-TJIM-MASS", InstitutionID: "TJIM", Quantity: "mass",
		Range: record.Range{Min: 1, Max: 2, Unit: "kg"}, Uncertainty: u(0.1, "mg"), Method: "JJG 99-2022", ValidUntil: "2030-12-31"})
	e.create(tj, record.DocStandard, &record.Standard{ID: "TJIM-STD-E1-1KG", InstitutionID: "TJIM", Name: "E1等级1kg标准砝码",
		Level: "primary", Quantity: "mass", Range: record.Range{Min: 1, Max: 1, Unit: "kg"}, Uncertainty: u(0.05, "mg"), Approval: approval})
	e.create(tj, record.DocInstrument, &record.Instrument{ID: "TJIM-W-1KG-07", InstitutionID: "TJIM", Type: "weight", Manufacturer: "Jinghai Weights Co.",
		Model: "F1-1KG", Serial: "SN 88231", Quantity: "mass", Range: record.Range{Min: 1, Max: 1, Unit: "kg"}, MPE: record.Value{Value: 5, Unit: "mg"}})

	e.create(bj, record.DocStandard, &record.Standard{ID: "BJIM-SPRT-01", InstitutionID: "BJIM", Name: "标准铂电阻温度计", Level: "public",
		Quantity: "temperature", Range: record.Range{Min: -190, Max: 420, Unit: "°C"}, Uncertainty: u(5, "mK"), Approval: approval})
	e.create(bj, record.DocInstrument, &record.Instrument{ID: "HOSP-TH-0031", InstitutionID: "BJIM", Type: "thermometer", Manufacturer: "Yangshan",
		Model: "PT-77", Serial: "YS-PT-77120", Quantity: "temperature", Range: record.Range{Min: -50, Max: 150, Unit: "°C"}, MPE: record.Value{Value: 0.1, Unit: "°C"}})

	e.create(hb, record.DocStandard, &record.Standard{ID: "HBIM-STD-PG-01", InstitutionID: "HBIM", Name: "活塞式压力计标准装置", Level: "public",
		Quantity: "pressure", Range: record.Range{Min: 0, Max: 10, Unit: "MPa"}, Uncertainty: u(0.5, "kPa"), Approval: approval})
	e.create(hb, record.DocInstrument, &record.Instrument{ID: "HBIM-PG-1203", InstitutionID: "HBIM", Type: "pressure gauge", Manufacturer: "Hengshui",
		Model: "Y-100", Serial: "PG1203", Quantity: "pressure", Range: record.Range{Min: 0, Max: 10, Unit: "MPa"}, MPE: record.Value{Value: 0.016, Unit: "MPa"}})
}

// Recorder tokens of the laboratories of the test DCCs.
func (e *dccEnv) tjRec() string { return e.recorderOf("TianjinMSP", "TJIM") }
func (e *dccEnv) bjRec() string { return e.recorderOf("BeijingMSP", "BJIM") }
func (e *dccEnv) hbRec() string { return e.recorderOf("HebeiMSP", "HBIM") }

// importXML posts a DCC as application/xml.
func (e *dccEnv) importXML(token string, data []byte, query string) *response {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/api/v1/certificates/dcc" + query, token: token, body: data,
		header: map[string]string{"Content-Type": "application/xml"}})
}

// multipartFile builds a multipart/form-data body with the file in field.
func multipartFile(t *testing.T, field string, data []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.WriteField("note", "sent by a browser form"); err != nil {
		t.Fatal(err)
	}
	fw, err := w.CreateFormFile(field, "certificate.xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), w.FormDataContentType()
}

// importMultipart posts a DCC as the field "file" of a form.
func (e *dccEnv) importMultipart(token string, data []byte, query string) *response {
	e.t.Helper()
	body, ct := multipartFile(e.t, "file", data)
	return e.do(req{method: "POST", path: "/api/v1/certificates/dcc" + query, token: token, body: body,
		header: map[string]string{"Content-Type": ct}})
}

// blobCount is the number of files in the DCC store.
func (e *dccEnv) blobCount() int {
	e.t.Helper()
	n, err := e.blobs.Count()
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// imported decodes a 201 answer of POST /certificates/dcc.
type imported struct {
	Certificate record.Certificate `json:"certificate"`
	DCCSHA256   string             `json:"dcc_sha256"`
	Problems    []dcc.Problem      `json:"problems"`
}

func (r *response) imported(t *testing.T) imported {
	t.Helper()
	r.expect(t, 201)
	var im imported
	if err := json.Unmarshal(r.body, &im); err != nil {
		t.Fatal(err)
	}
	return im
}

// calibration builds results that share a unit and k = 2.
func calibration(unit string, pairs ...float64) []record.Result {
	var out []record.Result
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, record.Result{Value: pairs[i], Unit: unit, Uncertainty: &record.Uncertainty{Value: pairs[i+1], Unit: unit, K: 2}})
	}
	return out
}

// assertSameCertificate compares certificates field by field.
func assertSameCertificate(t *testing.T, got, want record.Certificate) {
	t.Helper()
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range g.NumField() {
		if !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
			gj, _ := json.Marshal(g.Field(i).Interface())
			wj, _ := json.Marshal(w.Field(i).Interface())
			t.Errorf("%s = %s, want %s", g.Type().Field(i).Name, gj, wj)
		}
	}
}

func hasProblem(problems []dcc.Problem, path, message string) bool {
	for _, p := range problems {
		if strings.Contains(p.Path, path) && strings.Contains(p.Message, message) {
			return true
		}
	}
	return false
}

// TestDCCImportEachOwnDCC imports the three DCCs written for metrotrace
// and checks the certificate field by field, the stored record, the exact
// bytes served back, and a generated DCC that parses back to the same
// certificate.
func TestDCCImportEachOwnDCC(t *testing.T) {
	e := newDCCEnv(t)
	tests := []struct {
		name      string
		file      string
		token     func() string
		multipart bool
		query     string
		want      record.Certificate
		problems  [][2]string // path fragment, message fragment
		itemName  string
	}{
		{
			name: "a mass calibration (si:real in kg), sent as a form", file: dccMass, token: e.tjRec, multipart: true,
			want: record.Certificate{ID: "TJIM-2024-M-0117", Kind: "calibration", IssuerID: "TJIM", SubjectID: "TJIM-W-1KG-07",
				ReferenceIDs: []string{"TJIM-STD-E1-1KG"}, Quantity: "mass", PerformedOn: "2024-03-05", ValidUntil: "2025-03-05",
				Results: calibration("kg", 1.000012, 0.00000016), Method: "JJG 99-2022"},
			problems: [][2]string{{"measuringEquipment[2]", `"Mass comparator" is auxiliary equipment`}},
			itemName: "weight F1-1KG",
		},
		{
			name: "a temperature calibration with a list of points (si:hybrid, si:realListXMLList)", file: dccTemperature, token: e.bjRec,
			want: record.Certificate{ID: "BJIM-2024-T-0458", Kind: "calibration", IssuerID: "BJIM", SubjectID: "HOSP-TH-0031",
				ReferenceIDs: []string{"BJIM-SPRT-01"}, Quantity: "temperature", PerformedOn: "2024-06-11", ValidUntil: "2025-06-10",
				Results: calibration("°C", -40, 0.025, 0, 0.020, 50, 0.025, 100, 0.030), Method: "JJG 229-2010"},
			problems: [][2]string{{"coreData/uniqueIdentifier", `"BJIM/2024/T/0458" is not a valid ledger id; recorded as "BJIM-2024-T-0458"`}},
			itemName: "thermometer PT-77",
		},
		{
			name: "a pressure calibration replacing a previous report, with valid_until from the query", file: dccPressure, token: e.hbRec,
			query: "?valid_until=2026-09-18",
			want: record.Certificate{ID: "HBIM-2024-P-0042-R1", Kind: "calibration", IssuerID: "HBIM", SubjectID: "HBIM-PG-1203",
				ReferenceIDs: []string{"HBIM-STD-PG-01"}, Quantity: "pressure", PerformedOn: "2024-09-18", ValidUntil: "2026-09-18",
				Results: calibration("MPa", 0, 0.0016, 2.0004, 0.0016, 3.9991, 0.0016, 6.0012, 0.0016), Method: "JJG 49-2013"},
			problems: [][2]string{{"coreData/previousReport", `replaces report "HBIM-2024-P-0042"`}},
			itemName: "pressure gauge Y-100",
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := dccFile(t, tt.file)
			sha := blob.Hash(data)
			tt.want.DocType, tt.want.Status, tt.want.DCCSHA256 = "certificate", "valid", sha
			tt.want.DCCC14NSHA256, _ = dcc.CanonicalSHA256(data)
			var r *response
			if tt.multipart {
				r = e.importMultipart(tt.token(), data, tt.query)
			} else {
				r = e.importXML(tt.token(), data, tt.query)
			}
			im := r.imported(t)
			assertSameCertificate(t, im.Certificate, tt.want)
			if im.DCCSHA256 != sha {
				t.Errorf("dcc_sha256 %s, want %s", im.DCCSHA256, sha)
			}
			for _, p := range tt.problems {
				if !hasProblem(im.Problems, p[0], p[1]) {
					t.Errorf("no problem at %s saying %s in %v", p[0], p[1], im.Problems)
				}
			}
			if loc := r.header.Get("Location"); loc != "/api/v1/certificates/"+tt.want.ID {
				t.Errorf("Location %q", loc)
			}
			if r.header.Get("X-Transaction-ID") == "" || r.header.Get("X-Block-Number") == "" {
				t.Error("no transaction headers")
			}
			if n := e.blobCount(); n != i+1 {
				t.Errorf("%d files stored, want %d", n, i+1)
			}

			// The ledger holds it (read-your-writes through the index).
			var stored record.Certificate
			if err := json.Unmarshal(e.get("/api/v1/certificates/"+tt.want.ID, e.inspector()).body, &stored); err != nil {
				t.Fatal(err)
			}
			assertSameCertificate(t, stored, tt.want)

			// The exact bytes come back, to an inspector.
			got := e.get("/api/v1/certificates/"+tt.want.ID+"/dcc", e.inspector())
			if got.status != 200 || !bytes.Equal(got.body, data) {
				t.Fatalf("GET dcc: %d, %d bytes (want %d identical bytes)", got.status, len(got.body), len(data))
			}
			if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
				t.Errorf("content type %q", ct)
			}
			if h := got.header.Get("X-DCC-SHA256"); h != sha {
				t.Errorf("X-DCC-SHA256 %q, want %s", h, sha)
			}

			// A generated DCC parses back to the same certificate.
			gen := e.get("/api/v1/certificates/"+tt.want.ID+"/dcc?generate=true", e.inspector())
			if gen.status != 200 {
				t.Fatalf("generate: %d %s", gen.status, gen.body)
			}
			doc, err := dcc.Parse(gen.body)
			if err != nil {
				t.Fatalf("generated DCC does not parse: %v\n%s", err, gen.body)
			}
			back, _, err := doc.Certificate(dcc.MapOptions{})
			if err != nil {
				t.Fatalf("generated DCC does not map: %v", err)
			}
			back.DCCSHA256, back.DCCC14NSHA256 = sha, tt.want.DCCC14NSHA256
			assertSameCertificate(t, *back, tt.want)
			if doc.SchemaVersion != dcc.GeneratedSchemaVersion || doc.Laboratory.Code != tt.want.IssuerID {
				t.Errorf("schema %s, laboratory code %s", doc.SchemaVersion, doc.Laboratory.Code)
			}
			issuer := map[string]string{"TJIM": tjim.Name, "BJIM": bjim.Name, "HBIM": hbim.Name}[tt.want.IssuerID]
			if !strings.Contains(string(gen.body), issuer) {
				t.Errorf("generated DCC does not name the laboratory %s", issuer)
			}
			if len(doc.RespPersons) != 1 || doc.RespPersons[0].Person.Name.In("") != issuer {
				t.Errorf("responsible persons %+v, want the issuer by default", doc.RespPersons)
			}
			if len(doc.Items) != 1 || !strings.Contains(string(gen.body), tt.itemName) {
				t.Errorf("generated item does not say %q", tt.itemName)
			}
			if h := gen.header.Get("X-DCC-SHA256"); h != blob.Hash(gen.body) {
				t.Errorf("X-DCC-SHA256 %q of a generated DCC", h)
			}
		})
	}

	t.Run("responsible persons of a generated DCC come from the query", func(t *testing.T) {
		gen := e.get("/api/v1/certificates/TJIM-2024-M-0117/dcc?generate=true&responsible=%E6%9D%8E%E5%A8%9C&responsible=Wang+Wei", e.inspector())
		if gen.status != 200 {
			t.Fatalf("%d %s", gen.status, gen.body)
		}
		doc, err := dcc.Parse(gen.body)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.RespPersons) != 2 || doc.RespPersons[0].Person.Name.In("") != "李娜" || !doc.RespPersons[0].MainSigner ||
			doc.RespPersons[1].Person.Name.In("") != "Wang Wei" {
			t.Errorf("responsible persons %+v", doc.RespPersons)
		}
	})
	t.Run("the stored file is read from the ledger's record too", func(t *testing.T) {
		got := e.get("/api/v1/certificates/TJIM-2024-M-0117/dcc?source=ledger", e.inspector())
		if got.status != 200 || !bytes.Equal(got.body, dccFile(t, dccMass)) {
			t.Fatalf("%d %.200s", got.status, got.body)
		}
	})
}

// TestDCCImportOptions maps what the DCC cannot say from the query.
func TestDCCImportOptions(t *testing.T) {
	e := newDCCEnv(t)
	t.Run("subject_id names the subject when the item's identifications do not", func(t *testing.T) {
		// An instrument registered under another id than the DCC's.
		e.create(e.as("TianjinMSP", "recorder", "TJIM"), record.DocInstrument, &record.Instrument{ID: "TJ-WEIGHT-9", InstitutionID: "TJIM",
			Type: "weight", Manufacturer: "Jinghai Weights Co.", Model: "F1-1KG", Serial: "SN 90001", Quantity: "mass", Range: record.Range{Min: 1, Max: 1, Unit: "kg"}, MPE: record.Value{Value: 5, Unit: "mg"}})
		im := e.importXML(e.tjRec(), dccFile(t, dccMass), "?subject_id=TJ-WEIGHT-9&valid_until=2024-12-31").imported(t)
		c := im.Certificate
		if c.SubjectID != "TJ-WEIGHT-9" || !reflect.DeepEqual(c.ReferenceIDs, []string{"TJIM-STD-E1-1KG"}) || c.ValidUntil != "2024-12-31" {
			t.Errorf("certificate %+v", c)
		}
		if !hasProblem(im.Problems, "item[1]", "subject_id TJ-WEIGHT-9 is given by the request") {
			t.Errorf("problems %v", im.Problems)
		}
	})
	t.Run("issuer_id and kind map a PTB example as a verification of a registered institution", func(t *testing.T) {
		// The PTB example names no laboratory code and its identifiers are
		// PTB's: register what it names.
		bj := e.as("BeijingMSP", "recorder", "BJIM")
		e.create(bj, record.DocStandard, &record.Standard{ID: "string-manufacturer-measuringEquipment-1", InstitutionID: "BJIM", Name: "PTB example reference",
			Level: "public", Quantity: "temperature", Range: record.Range{Min: 0, Max: 1000, Unit: "K"}, Uncertainty: u(10, "mK"),
			Approval: &record.Approval{Number: "X-1", ValidUntil: "2030-01-01"}})
		e.create(bj, record.DocStandard, &record.Standard{ID: "string-calibrationLaboratory-item", InstitutionID: "BJIM", Name: "PTB example item",
			Level: "working", Quantity: "temperature", Range: record.Range{Min: 0, Max: 1000, Unit: "K"}, Uncertainty: u(0.1, "K"),
			MPE: &record.Value{Value: 0.5, Unit: "K"}, Approval: &record.Approval{Number: "X-2", ValidUntil: "2030-01-01"}})
		im := e.importXML(e.bjRec(), dccFile(t, dccPTBTypical), "?issuer_id=BJIM&kind=verification").imported(t)
		c := im.Certificate
		if c.IssuerID != "BJIM" || c.Kind != "verification" || c.Conformity != "pass" || c.ID != "GP_DCC_temperature_typical_1.2" {
			t.Errorf("certificate %+v", c)
		}
	})
}

// TestDCCImportBadInputWritesNothing sends every kind of bad DCC import
// and checks the status, the message, that the ledger did not move and
// that no file was stored.
func TestDCCImportBadInputWritesNothing(t *testing.T) {
	e := newDCCEnv(t)
	mass := dccFile(t, dccMass)
	huge := append(edit(t, mass, "<dcc:administrativeData>", "<!-- "+strings.Repeat("x", dcc.MaxSize)+" --><dcc:administrativeData>"), '\n')
	noField, noFieldCT := multipartFile(t, "document", mass)
	hugeForm, hugeFormCT := multipartFile(t, "file", huge)
	tests := []struct {
		name    string
		req     req
		status  int
		code    string
		message string
	}{
		{"no token", req{body: mass}, 401, "unauthorized", "bearer token"},
		{"an inspector", req{token: e.inspector(), body: mass}, 403, "forbidden", "recorder"},
		{"malformed XML", req{body: edit(t, mass, "</dcc:coreData>", "</dcc:core>")}, 400, "invalid", "XML"},
		{"an XML document that is not a DCC", req{body: []byte(`<?xml version="1.0"?><invoice xmlns="urn:x"><total>3</total></invoice>`)},
			400, "invalid", "not a DCC"},
		{"an unsupported schema version", req{body: edit(t, mass, `schemaVersion="3.2.1"`, `schemaVersion="2.4.0"`)}, 400, "invalid", "schema version"},
		{"a DCC of an unknown laboratory", req{body: edit(t, mass, "<dcc:calibrationLaboratoryCode>TJIM<", "<dcc:calibrationLaboratoryCode>XXLAB<")},
			400, "invalid", "unknown laboratory XXLAB"},
		{"an unknown issuer_id", req{path: "?issuer_id=NOPE", body: mass}, 400, "invalid", "unknown issuer NOPE"},
		{"a result without unit", req{body: edit(t, mass, "<si:unit>\\kilogram</si:unit>", "")},
			400, "invalid", "unit"},
		{"a result in an unknown D-SI unit", req{body: edit(t, mass, "<si:unit>\\kilogram</si:unit>", "<si:unit>\\stone</si:unit>")},
			400, "invalid", `unknown D-SI unit "\\stone"`},
		{"a DCC without unique identifier", req{body: edit(t, mass, "<dcc:uniqueIdentifier>TJIM-2024-M-0117</dcc:uniqueIdentifier>", "")},
			400, "invalid", "uniqueIdentifier: missing"},
		{"a subject that is not registered", req{body: edit(t, mass, "<dcc:value>TJIM-W-1KG-07<", "<dcc:value>TJIM-W-NOPE<")},
			404, "not_found", "TJIM-W-NOPE"},
		{"a recorder of another institution", req{token: e.bjRec(), body: mass}, 403, "forbidden", "TJIM"},
		{"a huge file", req{body: huge}, 413, "payload_too_large", "larger than"},
		{"a huge file in a form", req{body: hugeForm, header: map[string]string{"Content-Type": hugeFormCT}}, 413, "payload_too_large", "larger than"},
		{"a body that is not XML", req{body: mass, header: map[string]string{"Content-Type": "application/json"}}, 415, "unsupported_media_type", "application/xml"},
		{"an empty body", req{body: []byte{}}, 400, "invalid", "empty"},
		{"a form without the file field", req{body: noField, header: map[string]string{"Content-Type": noFieldCT}}, 400, "invalid", `no field "file"`},
		{"a bad valid_until", req{path: "?valid_until=2024-13-01", body: mass}, 400, "invalid", "valid_until"},
		{"an unknown kind", req{path: "?kind=inspection", body: mass}, 400, "invalid", "kind"},
		{"a verification without conformity", req{path: "?kind=verification", body: mass}, 400, "invalid", "conformity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.height()
			r := tt.req
			r.method, r.path = "POST", "/api/v1/certificates/dcc"+r.path
			if r.token == "" && tt.status != 401 {
				r.token = e.tjRec()
			}
			if r.header == nil {
				r.header = map[string]string{"Content-Type": "application/xml"}
			}
			e.do(r).expectError(t, tt.status, tt.code, tt.message)
			if h := e.height(); h != before {
				t.Errorf("ledger height %d → %d: something was written", before, h)
			}
			if n := e.blobCount(); n != 0 {
				t.Errorf("%d files stored", n)
			}
		})
	}

	t.Run("a DCC anchored already is refused by the chaincode and stored once", func(t *testing.T) {
		e.importXML(e.tjRec(), mass, "").imported(t)
		before := e.height()
		// Same bytes again: the certificate exists.
		e.importXML(e.tjRec(), mass, "").expectError(t, 409, "conflict", "TJIM-2024-M-0117")
		if h := e.height(); h != before {
			t.Errorf("ledger height %d → %d", before, h)
		}
		if n := e.blobCount(); n != 1 {
			t.Errorf("%d files stored, want 1", n)
		}
	})
}

// TestCertificateDCCErrors covers GET /certificates/{id}/dcc refusals.
func TestCertificateDCCErrors(t *testing.T) {
	e := newDCCEnv(t)
	tj := e.as("TianjinMSP", "recorder", "TJIM")
	plain := record.Certificate{ID: "TJIM-2024-M-0001", Kind: "calibration", IssuerID: "TJIM", SubjectID: "TJIM-W-1KG-07",
		ReferenceIDs: []string{"TJIM-STD-E1-1KG"}, Quantity: "mass", PerformedOn: "2024-01-10", ValidUntil: "2025-01-09",
		Method: "JJG 99-2022", Results: calibration("kg", 1.00001, 0.0000002)}
	e.create(tj, record.DocCertificate, &plain)
	elsewhere := plain
	elsewhere.ID, elsewhere.DCCSHA256 = "TJIM-2024-M-0002", blob.Hash([]byte("a DCC kept by another gateway"))
	e.create(tj, record.DocCertificate, &elsewhere)

	e.get("/api/v1/certificates/TJIM-2024-M-0001/dcc", "").expectError(t, 401, "unauthorized", "bearer")
	e.get("/api/v1/certificates/TJIM-2024-M-0001/dcc", e.inspector()).expectError(t, 404, "not_found", "anchors no DCC")
	e.get("/api/v1/certificates/TJIM-2024-M-0002/dcc", e.inspector()).expectError(t, 404, "not_found", "not in this gateway's store")
	e.get("/api/v1/certificates/NOPE/dcc", e.inspector()).expectError(t, 404, "not_found", "NOPE")
	e.get("/api/v1/certificates/TJIM-2024-M-0001/dcc?generate=maybe", e.inspector()).expectError(t, 400, "invalid", "generate")
	// The import route does not hide a certificate called "dcc".
	e.get("/api/v1/certificates/dcc", e.inspector()).expectError(t, 404, "not_found", "dcc")

	// A certificate recorded without a DCC still gets a generated one.
	gen := e.get("/api/v1/certificates/TJIM-2024-M-0001/dcc?generate=true", e.inspector())
	if gen.status != 200 {
		t.Fatalf("%d %s", gen.status, gen.body)
	}
	if _, err := dcc.Parse(gen.body); err != nil {
		t.Fatal(err)
	}

	t.Run("without a DCC store", func(t *testing.T) {
		e2 := newEnv(t)
		e2.create(e2.as("TianjinMSP", "operator", ""), record.DocInstitution, tjim)
		e2.post("/api/v1/certificates/dcc", e2.recorderOf("TianjinMSP", "TJIM"), "<x/>").expectError(t, 503, "unavailable", "no DCC store")
	})
}
