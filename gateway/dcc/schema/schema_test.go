package schema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// mustRead reads a file of testdata/.
func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustReplace replaces old, which must occur exactly once in doc.
func mustReplace(t testing.TB, doc []byte, old, new string) []byte {
	t.Helper()
	s := string(doc)
	if n := strings.Count(s, old); n != 1 {
		t.Fatalf("%q occurs %d times, want once", old, n)
	}
	return []byte(strings.Replace(s, old, new, 1))
}

const (
	typical      = "dcc_gp_temperature_typical_v12.xml"
	rootPath     = "/dcc:digitalCalibrationCertificate"
	adminPath    = rootPath + "/dcc:administrativeData"
	corePath     = adminPath + "/dcc:coreData"
	softwarePath = adminPath + "/dcc:dccSoftware/dcc:software"
)

func TestVersionsListsTheEmbeddedSchemas(t *testing.T) {
	want := []string{"3.0.0", "3.1.0", "3.1.1", "3.1.2"}
	if got := Versions(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Versions() = %v, want %v", got, want)
	}
}

func TestEveryEmbeddedSchemaCompiles(t *testing.T) {
	for _, v := range Versions() {
		t.Run(v, func(t *testing.T) {
			if err := Compile(v); err != nil {
				t.Fatal(err)
			}
			set, _ := schemaFor(v)
			root := set.elements[qname{NamespaceDCC, rootElementDCC}]
			if root == nil {
				t.Fatal("no dcc:digitalCalibrationCertificate declaration")
			}
			// D-SI's substitution group is resolved through the provided
			// QUDT type.
			members := set.substitutes[qname{NamespaceSI, "quantityType"}]
			if len(members) != 1 || members[0].name != (qname{NamespaceSI, "quantityTypeQUDT"}) {
				t.Fatalf("si:quantityType substitutes = %v", members)
			}
		})
	}
	if err := Compile("3.2.0"); err == nil || err.Error() != `no DCC schema "3.2.0" is embedded (embedded: 3.0.0, 3.1.0, 3.1.1, 3.1.2)` {
		t.Fatalf("Compile(3.2.0) = %v", err)
	}
}

func TestGoodPracticeExamplesValidateAgainstTheirVersion(t *testing.T) {
	for _, tc := range []struct {
		file, version string
	}{
		{"dcc_gp_humidity_v1.0.xml", "3.1.2"},
		{"dcc_gp_temperature_simplified_v12.xml", "3.1.1"},
		{"dcc_gp_temperature_typical_v12.xml", "3.1.1"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			doc := mustRead(t, tc.file)
			got := Validate(doc) // compiles the schema, outside the timing
			fastest := time.Duration(1 << 62)
			for range 5 {
				start := time.Now()
				Validate(doc)
				fastest = min(fastest, time.Since(start))
			}
			t.Logf("%s (%d bytes): %.2f ms (fastest of 5)", tc.file, len(doc), float64(fastest.Microseconds())/1000)
			want := Result{
				Version:   tc.version,
				Validated: true,
				Message:   "valid against DCC schema " + tc.version + " (D-SI 2.2.0)",
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Validate = %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestAVersionIsOnlyValidAgainstItsOwnSchema(t *testing.T) {
	// Each DCC schema pins schemaVersion by a pattern: the 3.1.1 example
	// relabelled 3.1.0 or 3.1.2 is checked against that schema, whose
	// content it meets.
	for _, v := range []string{"3.1.0", "3.1.2"} {
		doc := mustReplace(t, mustRead(t, typical), `schemaVersion="3.1.1"`, `schemaVersion="`+v+`"`)
		if got := Validate(doc); got.Refused() || got.Version != v || !got.Validated {
			t.Fatalf("as %s: %+v", v, got)
		}
	}
	// 3.0.0 had no si:realListXMLList in a quantity.
	doc := mustReplace(t, mustRead(t, typical), `schemaVersion="3.1.1"`, `schemaVersion="3.0.0"`)
	got := Validate(doc)
	want := []Error{{
		Line:    430,
		Element: rootPath + "/dcc:measurementResults/dcc:measurementResult/dcc:results/dcc:result/dcc:data/dcc:list/dcc:quantity[3]/si:realListXMLList",
		Message: "unexpected element si:realListXMLList; expected one of: dcc:description, dcc:noQuantity, si:real, si:list, si:hybrid, si:complex, si:constant",
	}}
	if !reflect.DeepEqual(got.Errors, want) || got.Message != "invalid against DCC schema 3.0.0: 1 error" {
		t.Fatalf("as 3.0.0: %+v", got)
	}
}

func TestSignedExamplesLeaveTheEnvelopedSignatureToTheSignatureCheck(t *testing.T) {
	for _, file := range []string{
		"dcc_gp_temperature_typical_v12_signed.xml",
		"dcc_gp_temperature_typical_v12_signed_manipulated.xml",
	} {
		t.Run(file, func(t *testing.T) {
			got := Validate(mustRead(t, file))
			want := Result{
				Version:   "3.1.1",
				Validated: true,
				Message:   "valid against DCC schema 3.1.1 (D-SI 2.2.0); the enveloped ds:Signature is left to the signature check",
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Validate = %+v\nwant %+v", got, want)
			}
		})
	}
	// Anywhere else a ds:Signature is an element the schema does not allow.
	doc := mustReplace(t, mustRead(t, typical), "<dcc:coreData>",
		`<dcc:coreData><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>`)
	got := Validate(doc)
	want := []Error{{52, corePath + "/ds:Signature", "unexpected element ds:Signature; expected one of: dcc:countryCodeISO3166_1"}}
	if !reflect.DeepEqual(got.Errors, want) {
		t.Fatalf("errors = %+v", got.Errors)
	}
}

func TestVersionsWithoutASchemaAreAcceptedUnvalidated(t *testing.T) {
	for _, tc := range []struct {
		name, version string
		doc           []byte
	}{
		{"the 3.2.0 long-term-validation example", "3.2.0", mustRead(t, "dcc_gp_temperature_typical_v12_v3.2.0_signed_lt.xml")},
		{"a 3.3.0 document", "3.3.0", mustReplace(t, mustRead(t, typical), `schemaVersion="3.1.1"`, `schemaVersion="3.3.0"`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Validate(tc.doc)
			want := Result{
				Version: tc.version,
				Message: "not schema-validated: no schema for DCC " + tc.version + " is embedded (embedded: 3.0.0, 3.1.0, 3.1.1, 3.1.2)",
				Reason:  ReasonNoSchema,
				Params:  map[string]string{"version": tc.version, "embedded": "3.0.0, 3.1.0, 3.1.1, 3.1.2"},
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Validate = %+v\nwant %+v", got, want)
			}
		})
	}
	// Unvalidated is not unchecked: such a document must still be XML.
	doc := mustReplace(t, mustRead(t, "dcc_gp_temperature_typical_v12_v3.2.0_signed_lt.xml"), "</dcc:coreData>", "")
	if got := Validate(doc); !got.Refused() || got.Validated || !strings.HasPrefix(got.Message, "refused: not well-formed XML") {
		t.Fatalf("broken 3.2.0 document: %+v", got)
	}
}

func TestSchemaInvalidVariantsAreRefusedNamingElementAndLine(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string // replace old by new, or
		remove   string // remove this element
		want     []Error
	}{
		{
			name: "a required element removed from a sequence",
			old:  "<dcc:release>v 8.2</dcc:release>", new: "",
			want: []Error{{45, softwarePath, "content is incomplete: missing dcc:release"}},
		},
		{
			name:   "a required element removed from an xs:all",
			remove: "dcc:respPersons",
			want:   []Error{{43, adminPath, "required element dcc:respPersons is missing"}},
		},
		{
			name: "an element out of order",
			old:  "<dcc:countryCodeISO3166_1>DE</dcc:countryCodeISO3166_1>\n\t\t\t<dcc:usedLangCodeISO639_1>de</dcc:usedLangCodeISO639_1>",
			new:  "<dcc:usedLangCodeISO639_1>de</dcc:usedLangCodeISO639_1>\n\t\t\t<dcc:countryCodeISO3166_1>DE</dcc:countryCodeISO3166_1>",
			want: []Error{{53, corePath + "/dcc:usedLangCodeISO639_1", "unexpected element dcc:usedLangCodeISO639_1; expected one of: dcc:countryCodeISO3166_1"}},
		},
		{
			name: "a non-date in a date element",
			old:  "<dcc:beginPerformanceDate>1957-08-13</dcc:beginPerformanceDate>",
			new:  "<dcc:beginPerformanceDate>13.08.1957</dcc:beginPerformanceDate>",
			want: []Error{{68, corePath + "/dcc:beginPerformanceDate", `value: "13.08.1957" is not a valid xs:date (YYYY-MM-DD)`}},
		},
		{
			name: "an impossible date",
			old:  "<dcc:endPerformanceDate>1957-08-13</dcc:endPerformanceDate>",
			new:  "<dcc:endPerformanceDate>1957-02-29</dcc:endPerformanceDate>",
			want: []Error{{69, corePath + "/dcc:endPerformanceDate", `value: "1957-02-29" is not a valid xs:date (YYYY-MM-DD)`}},
		},
		{
			name: "an unknown enumeration value",
			old:  "<dcc:issuer>calibrationLaboratory</dcc:issuer>\n\t\t\t\t\t<dcc:value>string-calibrationLaboratory-coreData</dcc:value>",
			new:  "<dcc:issuer>supplier</dcc:issuer>\n\t\t\t\t\t<dcc:value>string-calibrationLaboratory-coreData</dcc:value>",
			want: []Error{{60, corePath + "/dcc:identifications/dcc:identification/dcc:issuer",
				`value: "supplier" is not one of the allowed values (manufacturer, calibrationLaboratory, customer, owner, other)`}},
		},
		{
			name: "a value against a pattern",
			old:  "<dcc:countryCodeISO3166_1>DE</dcc:countryCodeISO3166_1>",
			new:  "<dcc:countryCodeISO3166_1>DEU</dcc:countryCodeISO3166_1>",
			want: []Error{{53, corePath + "/dcc:countryCodeISO3166_1", `value: "DEU" does not match the pattern [A-Z]{2}`}},
		},
		{
			name: "a D-SI value that is not a number",
			old:  "<si:value>306</si:value>", new: "<si:value>306 K</si:value>",
			want: []Error{{185, adminPath + "/dcc:statements/dcc:statement[2]/dcc:data/dcc:quantity/si:real/si:value",
				`value: "306 K" is not a valid xs:double`}},
		},
		{
			name: "an undeclared attribute",
			old:  `<dcc:content lang="de">Auftrags Nr.</dcc:content>`, new: `<dcc:content lang="de" colour="red">Auftrags Nr.</dcc:content>`,
			want: []Error{{63, corePath + "/dcc:identifications/dcc:identification/dcc:name/dcc:content", "attribute colour is not allowed"}},
		},
		{
			name: "an attribute of the wrong type",
			old:  `<dcc:content lang="de">Auftrags Nr.</dcc:content>`, new: `<dcc:content lang="deu">Auftrags Nr.</dcc:content>`,
			want: []Error{{63, corePath + "/dcc:identifications/dcc:identification/dcc:name/dcc:content", `attribute lang: "deu" does not match the pattern [a-z]{2}`}},
		},
		{
			name: "an empty list where one item is the minimum",
			old:  `<dcc:content lang="de">Auftrags Nr.</dcc:content>`, new: `<dcc:content lang="de" refType="">Auftrags Nr.</dcc:content>`,
			want: []Error{{63, corePath + "/dcc:identifications/dcc:identification/dcc:name/dcc:content", "attribute refType: length is 0 items, want at least 1"}},
		},
		{
			name: "text in element-only content",
			old:  "<dcc:coreData>", new: "<dcc:coreData>DE",
			want: []Error{{52, corePath, `text "DE" not allowed in element-only content`}},
		},
		{
			name: "an element in a simple-typed element",
			old:  "<dcc:release>v 8.2</dcc:release>", new: "<dcc:release>v <dcc:b/>8.2</dcc:release>",
			want: []Error{{49, softwarePath + "/dcc:release/dcc:b", "element not allowed: " + softwarePath + "/dcc:release has simple content"}},
		},
		{
			name: "an ID used twice",
			old: `<dcc:content lang="de">Auftrags Nr.</dcc:content>
						<dcc:content lang="en">Order no.</dcc:content>`,
			new: `<dcc:content lang="de" id="order">Auftrags Nr.</dcc:content>
						<dcc:content lang="en" id="order">Order no.</dcc:content>`,
			want: []Error{{64, corePath + "/dcc:identifications/dcc:identification/dcc:name/dcc:content[2]", `attribute id: ID "order" is already used on line 63`}},
		},
		{
			name: "an IDREF to nothing",
			old:  `<dcc:content lang="de">Auftrags Nr.</dcc:content>`, new: `<dcc:content lang="de" refId="nowhere">Auftrags Nr.</dcc:content>`,
			want: []Error{{63, corePath + "/dcc:identifications/dcc:identification/dcc:name/dcc:content", `IDREF "nowhere" names no element's ID`}},
		},
		{
			name: "the schemaVersion of another schema",
			old:  `schemaVersion="3.1.1"`, new: `schemaVersion="3.1.1" xsi:type="dcc:x"`,
			want: []Error{{2, rootPath, "attribute xsi:type is not supported"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc []byte
			if tc.remove != "" {
				doc = removeElement(t, mustRead(t, typical), tc.remove)
			} else {
				doc = mustReplace(t, mustRead(t, typical), tc.old, tc.new)
			}
			want := tc.want
			got := Validate(doc)
			if !got.Refused() || !got.Validated || got.Version != "3.1.1" {
				t.Fatalf("Validate = %+v, want refused after validation", got)
			}
			if !reflect.DeepEqual(got.Errors, want) {
				t.Fatalf("errors:\n%+v\nwant\n%+v", got.Errors, want)
			}
			if wantMsg := "invalid against DCC schema 3.1.1: 1 error"; got.Message != wantMsg {
				t.Fatalf("message %q, want %q", got.Message, wantMsg)
			}
		})
	}
}

// removeElement cuts the first element named name (with its content).
func removeElement(t *testing.T, doc []byte, name string) []byte {
	t.Helper()
	s := string(doc)
	i := strings.Index(s, "<"+name+">")
	j := strings.Index(s, "</"+name+">")
	if i < 0 || j < i {
		t.Fatalf("no element %s", name)
	}
	return []byte(s[:i] + s[j+len("</"+name+">"):])
}

func TestEveryErrorIsReportedUpToTheCap(t *testing.T) {
	doc := mustRead(t, typical)
	doc = mustReplace(t, doc, "<dcc:countryCodeISO3166_1>DE<", "<dcc:countryCodeISO3166_1>de<")
	doc = mustReplace(t, doc, "<dcc:beginPerformanceDate>1957-08-13<", "<dcc:beginPerformanceDate>today<")
	doc = mustReplace(t, doc, "<dcc:endPerformanceDate>1957-08-13<", "<dcc:endPerformanceDate>tomorrow<")
	got := Validate(doc)
	if len(got.Errors) != 3 || got.Truncated || got.Message != "invalid against DCC schema 3.1.1: 3 errors" {
		t.Fatalf("all errors: %+v", got)
	}
	if lines := []int{got.Errors[0].Line, got.Errors[1].Line, got.Errors[2].Line}; !reflect.DeepEqual(lines, []int{53, 68, 69}) {
		t.Fatalf("lines %v", lines)
	}
	capped := Limits{MaxErrors: 2}.Validate(doc)
	if len(capped.Errors) != 2 || !capped.Truncated || capped.Message != "invalid against DCC schema 3.1.1: 3 errors (first 2 shown)" {
		t.Fatalf("capped: %+v", capped)
	}
}

func TestDocumentsThatAreNotDCCsAreRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		want Result
	}{
		{"empty", "", Result{Message: "refused: no root element", Errors: []Error{{1, "/", "no root element"}}, Reason: ReasonRefused, Params: map[string]string{"detail": "no root element"}}},
		{"not XML", "{\"a\": 1}", Result{Message: "refused: not well-formed XML: text outside the root element",
			Errors: []Error{{1, "/", "not well-formed XML: text outside the root element"}}, Reason: ReasonRefused, Params: map[string]string{"detail": "not well-formed XML: text outside the root element"}}},
		{"two roots", "<dcc:name></dcc:name>\n<A0>", Result{Message: "refused: not well-formed XML: a second root element",
			Errors: []Error{{2, "/", "not well-formed XML: a second root element"}}, Reason: ReasonRefused, Params: map[string]string{"detail": "not well-formed XML: a second root element"}}},
		{"unclosed", "<dcc:digitalCalibrationCertificate xmlns:dcc=\"https://ptb.de/dcc\" schemaVersion=\"3.1.1\">\n<dcc:x>",
			Result{Version: "3.1.1", Message: "refused: not well-formed XML: unexpected EOF", Errors: []Error{{2, "/", "not well-formed XML: unexpected EOF"}}, Reason: ReasonRefused, Params: map[string]string{"detail": "not well-formed XML: unexpected EOF"}}},
		{"another root", `<invoice schemaVersion="3.1.1"/>`,
			Result{Version: "3.1.1", Message: "not a DCC", Errors: []Error{{1, "/invoice", "root element is invoice, not dcc:digitalCalibrationCertificate"}},
				Reason: ReasonNotDCC, Params: map[string]string{"root": "invoice"}}},
		{"no version", `<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc"/>`,
			Result{Message: "no schemaVersion: not validated", Errors: []Error{{1, rootPath, "attribute schemaVersion is missing"}}, Reason: ReasonNoVersion}},
		{"a version that is none", `<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="latest"/>`,
			Result{Version: "latest", Message: "bad schemaVersion: not validated", Errors: []Error{{1, rootPath, `schemaVersion "latest" is not a version (want N.N.N)`}},
				Reason: ReasonBadVersion, Params: map[string]string{"version": "latest"}}},
		{"an empty DCC", `<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.1.2"/>`,
			Result{Version: "3.1.2", Validated: true, Message: "invalid against DCC schema 3.1.2: 1 error",
				Errors: []Error{{1, rootPath, "content is incomplete: missing dcc:administrativeData"}}}},
		{"an undeclared entity", `<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.1.2">&x;</dcc:digitalCalibrationCertificate>`,
			Result{Version: "3.1.2", Message: "refused: not well-formed XML: invalid character entity &x;", Errors: []Error{{1, "/", "not well-formed XML: invalid character entity &x;"}}, Reason: ReasonRefused, Params: map[string]string{"detail": "not well-formed XML: invalid character entity &x;"}}},
		{"an XML declaration without version", `<?xml encoding="utf-8"?><a/>`,
			Result{Message: `refused: not well-formed XML: the XML declaration does not start with version="1.0"`,
				Errors: []Error{{1, "/", `not well-formed XML: the XML declaration does not start with version="1.0"`}}, Reason: ReasonRefused, Params: map[string]string{"detail": `not well-formed XML: the XML declaration does not start with version="1.0"`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Validate([]byte(tc.doc))
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Validate = %+v\nwant %+v", got, tc.want)
			}
			if !got.Refused() {
				t.Fatal("not refused")
			}
		})
	}
}

func TestValidateIsSafeForConcurrentUse(t *testing.T) {
	docs := [][]byte{mustRead(t, typical), mustRead(t, "dcc_gp_humidity_v1.0.xml"),
		mustReplace(t, mustRead(t, typical), "<dcc:release>v 8.2</dcc:release>", "")}
	done := make(chan Result)
	for i := range 6 {
		go func() { done <- Validate(docs[i%3]) }()
	}
	refused := 0
	for range 6 {
		if (<-done).Refused() {
			refused++
		}
	}
	if refused != 2 {
		t.Fatalf("%d of 6 refused, want 2", refused)
	}
}

func TestResultJSONAlwaysHasAnErrorList(t *testing.T) {
	b, err := json.Marshal(Validate(mustRead(t, typical)))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":"3.1.1","validated":true,"message":"valid against DCC schema 3.1.1 (D-SI 2.2.0)","errors":[]}`
	if string(b) != want {
		t.Fatalf("JSON %s\nwant %s", b, want)
	}
}
