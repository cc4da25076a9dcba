package schema

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzValidate feeds arbitrary bytes to Validate: it must never panic, and
// its Result must be consistent with itself.
func FuzzValidate(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(billionLaughs())
	f.Add(deepNesting(300))
	f.Add([]byte(`<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.1.2"><dcc:administrativeData/></dcc:digitalCalibrationCertificate>`))
	f.Fuzz(checkValidate)
}

// FuzzValidateFragments is FuzzValidate from small documents, which the
// fuzzer mutates a hundred times faster than whole certificates: a DCC root
// with one piece of content each.
func FuzzValidateFragments(f *testing.F) {
	const open = `<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" xmlns:si="https://ptb.de/si" schemaVersion="3.1.2">`
	const close = `</dcc:digitalCalibrationCertificate>`
	for _, body := range []string{
		``,
		`<dcc:administrativeData><dcc:dccSoftware><dcc:software><dcc:name><dcc:content lang="en" id="a">x</dcc:content></dcc:name><dcc:release>1</dcc:release><dcc:type>application</dcc:type></dcc:software></dcc:dccSoftware></dcc:administrativeData>`,
		`<dcc:administrativeData><dcc:coreData><dcc:countryCodeISO3166_1>DE</dcc:countryCodeISO3166_1><dcc:usedLangCodeISO639_1>en</dcc:usedLangCodeISO639_1><dcc:mandatoryLangCodeISO639_1>en</dcc:mandatoryLangCodeISO639_1><dcc:uniqueIdentifier>x</dcc:uniqueIdentifier><dcc:beginPerformanceDate>2021-01-01</dcc:beginPerformanceDate><dcc:endPerformanceDate>2021-01-02</dcc:endPerformanceDate><dcc:performanceLocation>laboratory</dcc:performanceLocation></dcc:coreData></dcc:administrativeData>`,
		`<dcc:administrativeData/><dcc:measurementResults><dcc:measurementResult><dcc:name><dcc:content>r</dcc:content></dcc:name><dcc:results><dcc:result><dcc:name><dcc:content>r</dcc:content></dcc:name><dcc:data><dcc:quantity refType="x y"><si:real><si:value>1.5</si:value><si:unit>\kelvin</si:unit><si:dateTime>2021-01-01T10:00:00Z</si:dateTime><si:expandedUnc><si:uncertainty>0.1</si:uncertainty><si:coverageFactor>2</si:coverageFactor><si:coverageProbability>0.95</si:coverageProbability></si:expandedUnc></si:real></dcc:quantity></dcc:data></dcc:result></dcc:results></dcc:measurementResult></dcc:measurementResults>`,
		`<dcc:administrativeData/><dcc:measurementResults/><dcc:comment><x:y xmlns:x="urn:x"><z/></x:y></dcc:comment><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:x/></ds:Signature>`,
		`<si:realListXMLList><si:valueXMLList>1 2 3</si:valueXMLList><si:unitXMLList>\metre</si:unitXMLList><si:quantityTypeQUDT>x</si:quantityTypeQUDT></si:realListXMLList>`,
	} {
		f.Add([]byte(open + body + close))
	}
	f.Fuzz(checkValidate)
}

// checkValidate runs Validate under small limits and checks that the Result
// is consistent with itself.
func checkValidate(t *testing.T, doc []byte) {
	{
		limits := Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxErrors: 20}
		res := limits.Validate(doc)
		if len(res.Errors) > limits.MaxErrors {
			t.Fatalf("%d errors, cap %d", len(res.Errors), limits.MaxErrors)
		}
		if res.Truncated && len(res.Errors) != limits.MaxErrors {
			t.Fatalf("truncated at %d errors", len(res.Errors))
		}
		if res.Message == "" {
			t.Fatal("no message")
		}
		if res.Validated {
			if _, ok := schemaFileOf[res.Version]; !ok {
				t.Fatalf("validated against version %q, which has no schema", res.Version)
			}
		}
		for _, e := range res.Errors {
			if e.Element == "" || e.Message == "" || e.Line < 0 {
				t.Fatalf("incomplete error %+v", e)
			}
		}
	}
}
