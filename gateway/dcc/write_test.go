package dcc

import (
	"reflect"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

func massCertificate() *record.Certificate {
	return &record.Certificate{
		ID: "TJIM-2024-M-0117", DocType: record.DocCertificate, Kind: record.KindCalibration,
		IssuerID: "TJIM", SubjectID: "TJIM-W-1KG-07", ReferenceIDs: []string{"TJIM-STD-E1-1KG", "TJIM-STD-E1-500G"},
		Quantity: "mass", PerformedOn: "2024-03-05", ValidUntil: "2025-03-05",
		Results: results("kg", 2, 1.000012, 0.00000016, 0.5000041, 0.00000008),
		Method:  "JJG 99-2022", Status: record.CertValid,
	}
}

var generateInfo = GenerateInfo{
	LaboratoryName: "天津市计量监督检测科学研究院", LaboratoryCity: "Tianjin", LaboratoryEMail: "dcc@tjim.example",
	RespPersons: []string{"李娜", "王伟"}, CustomerName: "Binhai Pharmaceutical Ltd.",
	ItemName: "1 kg weight, class F1", ItemManufacturer: "Jinghai Weights Co.",
	IssueDate: "2024-03-06", SoftwareRelease: "0.9.0",
	PreviousReport: &Reference{Referral: Text{{"zh", "原证书"}}, ReferralID: "TJIM-2023-M-0099", Procedure: "SHA256",
		Value: "0000000000000000000000000000000000000000000000000000000000000000"},
}

// prefixed names an element by the prefix the generator uses.
func prefixed(e *element) string {
	switch e.space {
	case NamespaceDCC:
		return "dcc:" + e.local
	case NamespaceSI:
		return "si:" + e.local
	}
	return e.describe()
}

func childNames(e *element) []string {
	var names []string
	for _, c := range e.children {
		names = append(names, prefixed(c))
	}
	return names
}

// at walks a path of "dcc:name" or "dcc:name[i]" (1-based) steps.
func at(t *testing.T, root *element, path string) *element {
	t.Helper()
	e := root
	for _, step := range strings.Split(path, "/") {
		name, index := step, 1
		if i := strings.IndexByte(step, '['); i > 0 {
			name = step[:i]
			index = int(step[i+1] - '0')
		}
		var found *element
		n := 0
		for _, c := range e.children {
			if prefixed(c) == name {
				n++
				if n == index {
					found = c
					break
				}
			}
		}
		if found == nil {
			t.Fatalf("%s: no %s under %s (children: %v)", path, step, prefixed(e), childNames(e))
		}
		e = found
	}
	return e
}

// TestGenerateWritesTheRequiredStructure checks the generated document
// element by element against the sequences of the DCC 3.3 schema (no XSD
// copy is at hand to validate against).
func TestGenerateWritesTheRequiredStructure(t *testing.T) {
	data, err := Generate(massCertificate(), generateInfo)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("document does not start with the XML declaration: %.60s", data)
	}
	root, err := parseTree(data)
	if err != nil {
		t.Fatal(err)
	}
	if !root.is(NamespaceDCC, "digitalCalibrationCertificate") || root.attr("schemaVersion") != "3.3.0" {
		t.Fatalf("root = %s schemaVersion %q", root.describe(), root.attr("schemaVersion"))
	}
	for _, ns := range []string{`xmlns:dcc="https://ptb.de/dcc"`, `xmlns:si="https://ptb.de/si"`,
		`xsi:schemaLocation="https://ptb.de/dcc https://ptb.de/dcc/v3.3.0/dcc.xsd"`} {
		if !strings.Contains(string(data), ns) {
			t.Errorf("root does not declare %s", ns)
		}
	}
	sequences := []struct {
		path string
		want []string
	}{
		{"", []string{"dcc:administrativeData", "dcc:measurementResults"}},
		{"dcc:administrativeData", []string{"dcc:dccSoftware", "dcc:coreData", "dcc:items", "dcc:calibrationLaboratory",
			"dcc:respPersons", "dcc:customer", "dcc:statements"}},
		{"dcc:administrativeData/dcc:dccSoftware/dcc:software", []string{"dcc:name", "dcc:release"}},
		{"dcc:administrativeData/dcc:coreData", []string{"dcc:countryCodeISO3166_1", "dcc:usedLangCodeISO639_1",
			"dcc:usedLangCodeISO639_1", "dcc:mandatoryLangCodeISO639_1", "dcc:uniqueIdentifier", "dcc:beginPerformanceDate",
			"dcc:endPerformanceDate", "dcc:performanceLocation", "dcc:issueDate", "dcc:previousReport"}},
		{"dcc:administrativeData/dcc:coreData/dcc:previousReport", []string{"dcc:referral", "dcc:referralID", "dcc:procedure", "dcc:value"}},
		{"dcc:administrativeData/dcc:items", []string{"dcc:item"}},
		{"dcc:administrativeData/dcc:items/dcc:item", []string{"dcc:name", "dcc:manufacturer", "dcc:identifications"}},
		{"dcc:administrativeData/dcc:items/dcc:item/dcc:identifications/dcc:identification", []string{"dcc:issuer", "dcc:value", "dcc:name"}},
		{"dcc:administrativeData/dcc:calibrationLaboratory", []string{"dcc:calibrationLaboratoryCode", "dcc:contact"}},
		{"dcc:administrativeData/dcc:calibrationLaboratory/dcc:contact", []string{"dcc:name", "dcc:eMail", "dcc:location"}},
		{"dcc:administrativeData/dcc:calibrationLaboratory/dcc:contact/dcc:location", []string{"dcc:city", "dcc:countryCode"}},
		{"dcc:administrativeData/dcc:respPersons", []string{"dcc:respPerson", "dcc:respPerson"}},
		{"dcc:administrativeData/dcc:respPersons/dcc:respPerson[1]", []string{"dcc:person", "dcc:mainSigner"}},
		{"dcc:administrativeData/dcc:respPersons/dcc:respPerson[2]", []string{"dcc:person"}},
		{"dcc:administrativeData/dcc:customer", []string{"dcc:name", "dcc:location"}},
		{"dcc:administrativeData/dcc:statements/dcc:statement", []string{"dcc:declaration", "dcc:date"}},
		{"dcc:measurementResults", []string{"dcc:measurementResult"}},
		{"dcc:measurementResults/dcc:measurementResult", []string{"dcc:name", "dcc:usedMethods", "dcc:measuringEquipments", "dcc:results"}},
		{"dcc:measurementResults/dcc:measurementResult/dcc:usedMethods/dcc:usedMethod", []string{"dcc:name", "dcc:norm"}},
		{"dcc:measurementResults/dcc:measurementResult/dcc:measuringEquipments", []string{"dcc:measuringEquipment", "dcc:measuringEquipment"}},
		{"dcc:measurementResults/dcc:measurementResult/dcc:measuringEquipments/dcc:measuringEquipment[2]", []string{"dcc:name", "dcc:identifications"}},
		{"dcc:measurementResults/dcc:measurementResult/dcc:results/dcc:result", []string{"dcc:name", "dcc:data"}},
		{"dcc:measurementResults/dcc:measurementResult/dcc:results/dcc:result/dcc:data", []string{"dcc:quantity", "dcc:quantity"}},
		{"dcc:measurementResults/dcc:measurementResult/dcc:results/dcc:result/dcc:data/dcc:quantity[2]", []string{"dcc:name", "si:real"}},
		{"dcc:measurementResults/dcc:measurementResult/dcc:results/dcc:result/dcc:data/dcc:quantity[2]/si:real", []string{"si:value", "si:unit", "si:expandedUnc"}},
		{"dcc:measurementResults/dcc:measurementResult/dcc:results/dcc:result/dcc:data/dcc:quantity[2]/si:real/si:expandedUnc",
			[]string{"si:uncertainty", "si:coverageFactor", "si:coverageProbability"}},
	}
	for _, s := range sequences {
		e := root
		if s.path != "" {
			e = at(t, root, s.path)
		}
		if got := childNames(e); !reflect.DeepEqual(got, s.want) {
			t.Errorf("%s children = %v, want %v", s.path, got, s.want)
		}
	}
	values := []struct{ path, want string }{
		{"dcc:administrativeData/dcc:dccSoftware/dcc:software/dcc:name/dcc:content", "metrotrace"},
		{"dcc:administrativeData/dcc:dccSoftware/dcc:software/dcc:release", "0.9.0"},
		{"dcc:administrativeData/dcc:coreData/dcc:countryCodeISO3166_1", "CN"},
		{"dcc:administrativeData/dcc:coreData/dcc:usedLangCodeISO639_1[1]", "zh"},
		{"dcc:administrativeData/dcc:coreData/dcc:usedLangCodeISO639_1[2]", "en"},
		{"dcc:administrativeData/dcc:coreData/dcc:mandatoryLangCodeISO639_1", "zh"},
		{"dcc:administrativeData/dcc:coreData/dcc:uniqueIdentifier", "TJIM-2024-M-0117"},
		{"dcc:administrativeData/dcc:coreData/dcc:beginPerformanceDate", "2024-03-05"},
		{"dcc:administrativeData/dcc:coreData/dcc:endPerformanceDate", "2024-03-05"},
		{"dcc:administrativeData/dcc:coreData/dcc:performanceLocation", "laboratory"},
		{"dcc:administrativeData/dcc:coreData/dcc:issueDate", "2024-03-06"},
		{"dcc:administrativeData/dcc:coreData/dcc:previousReport/dcc:referralID", "TJIM-2023-M-0099"},
		{"dcc:administrativeData/dcc:items/dcc:item/dcc:name/dcc:content", "1 kg weight, class F1"},
		{"dcc:administrativeData/dcc:items/dcc:item/dcc:manufacturer/dcc:name/dcc:content", "Jinghai Weights Co."},
		{"dcc:administrativeData/dcc:items/dcc:item/dcc:identifications/dcc:identification/dcc:issuer", "calibrationLaboratory"},
		{"dcc:administrativeData/dcc:items/dcc:item/dcc:identifications/dcc:identification/dcc:value", "TJIM-W-1KG-07"},
		{"dcc:administrativeData/dcc:calibrationLaboratory/dcc:calibrationLaboratoryCode", "TJIM"},
		{"dcc:administrativeData/dcc:calibrationLaboratory/dcc:contact/dcc:name/dcc:content", "天津市计量监督检测科学研究院"},
		{"dcc:administrativeData/dcc:calibrationLaboratory/dcc:contact/dcc:location/dcc:countryCode", "CN"},
		{"dcc:administrativeData/dcc:respPersons/dcc:respPerson[1]/dcc:person/dcc:name/dcc:content", "李娜"},
		{"dcc:administrativeData/dcc:respPersons/dcc:respPerson[1]/dcc:mainSigner", "true"},
		{"dcc:administrativeData/dcc:respPersons/dcc:respPerson[2]/dcc:person/dcc:name/dcc:content", "王伟"},
		{"dcc:administrativeData/dcc:customer/dcc:name/dcc:content", "Binhai Pharmaceutical Ltd."},
		{"dcc:administrativeData/dcc:statements/dcc:statement/dcc:date", "2025-03-05"},
		{"dcc:measurementResults/dcc:measurementResult/dcc:name/dcc:content[1]", "校准结果"},
		{"dcc:measurementResults/dcc:measurementResult/dcc:usedMethods/dcc:usedMethod/dcc:norm", "JJG 99-2022"},
		{"dcc:measurementResults/dcc:measurementResult/dcc:measuringEquipments/dcc:measuringEquipment[2]/dcc:identifications/dcc:identification/dcc:value", "TJIM-STD-E1-500G"},
		{"dcc:measurementResults/dcc:measurementResult/dcc:results/dcc:result/dcc:data/dcc:quantity[2]/si:real/si:value", "0.5000041"},
		{"dcc:measurementResults/dcc:measurementResult/dcc:results/dcc:result/dcc:data/dcc:quantity[2]/si:real/si:unit", `\kilogram`},
		{"dcc:measurementResults/dcc:measurementResult/dcc:results/dcc:result/dcc:data/dcc:quantity[2]/si:real/si:expandedUnc/si:uncertainty", "8e-08"},
		{"dcc:measurementResults/dcc:measurementResult/dcc:results/dcc:result/dcc:data/dcc:quantity[2]/si:real/si:expandedUnc/si:coverageFactor", "2"},
		{"dcc:measurementResults/dcc:measurementResult/dcc:results/dcc:result/dcc:data/dcc:quantity[2]/si:real/si:expandedUnc/si:coverageProbability", "0.95"},
	}
	for _, v := range values {
		if got := at(t, root, v.path).value(); got != v.want {
			t.Errorf("%s = %q, want %q", v.path, got, v.want)
		}
	}
	for _, rt := range []struct{ path, want string }{
		{"dcc:administrativeData/dcc:statements/dcc:statement", RefTypeRecalibration},
		{"dcc:measurementResults/dcc:measurementResult/dcc:measuringEquipments/dcc:measuringEquipment[1]", RefTypeStandardUsed},
		{"dcc:measurementResults/dcc:measurementResult/dcc:results/dcc:result/dcc:data/dcc:quantity[1]", RefTypeMeasuredValue},
	} {
		if got := at(t, root, rt.path).attr("refType"); got != rt.want {
			t.Errorf("%s refType = %q, want %q", rt.path, got, rt.want)
		}
	}
}

func TestGenerateRoundTrips(t *testing.T) {
	pressure := &record.Certificate{
		ID: "HBIM-2024-V-0007", Kind: record.KindVerification, IssuerID: "HBIM", SubjectID: "HBIM-PG-1203",
		ReferenceIDs: []string{"HBIM-STD-PG-01"}, Quantity: "pressure", PerformedOn: "2024-09-18", ValidUntil: "2025-09-17",
		Results:    []record.Result{{Value: 1.6002, Unit: "MPa"}, {Value: 2.4991, Unit: "MPa"}},
		Conformity: "pass", Method: "JJG 49-2013",
	}
	tests := []struct {
		name string
		cert *record.Certificate
		opts MapOptions
	}{
		{"a mass calibration in kilograms comes back", massCertificate(), MapOptions{}},
		{"a temperature calibration in degrees Celsius with k=2 and k=3 comes back", &record.Certificate{
			ID: "BJIM-2024-T-0458", Kind: record.KindCalibration, IssuerID: "BJIM", SubjectID: "HOSP-TH-0031",
			ReferenceIDs: []string{"BJIM-SPRT-01"}, Quantity: "temperature", PerformedOn: "2024-06-11", ValidUntil: "2025-06-10",
			Results: append(results("°C", 2, -40, 0.025, 0, 0.02), results("°C", 3, 100, 0.045)...),
			Method:  "JJG 229-2010",
		}, MapOptions{}},
		{"a humidity calibration in percent comes back", &record.Certificate{
			ID: "TJIM-2024-H-0003", Kind: record.KindCalibration, IssuerID: "TJIM", SubjectID: "TJIM-HYG-11",
			ReferenceIDs: []string{"TJIM-STD-DPH-01", "TJIM-STD-PRT-02"}, Quantity: "humidity", PerformedOn: "2024-05-02",
			ValidUntil: "2025-05-01", Results: results("%", 2, 20.1, 0.6, 50, 0.8, 80, 1), Method: "JJF 1076-2020",
		}, MapOptions{}},
		{"a verification with conformity and no uncertainties comes back", pressure, MapOptions{Kind: record.KindVerification}},
		{"a voltage calibration in millivolts comes back", &record.Certificate{
			ID: "BJIM-2024-E-0101", Kind: record.KindCalibration, IssuerID: "BJIM", SubjectID: "DMM-0042",
			ReferenceIDs: []string{"BJIM-STD-CAL-5720"}, Quantity: "voltage", PerformedOn: "2024-02-29", ValidUntil: "2025-02-28",
			Results: results("mV", 2, 100.0012, 0.0015, -100.0009, 0.0015), Method: "JJF 1587-2016",
		}, MapOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Generate(tt.cert, GenerateInfo{RespPersons: []string{"张敏"}})
			if err != nil {
				t.Fatal(err)
			}
			doc := MustParse(t, data)
			got, problems, err := doc.Certificate(tt.opts)
			if err != nil {
				t.Fatalf("Certificate: %v\n%s\n%s", err, problemList(problems), data)
			}
			want := *tt.cert
			want.DocType, want.Status, want.DCCSHA256 = record.DocCertificate, record.CertValid, sha256Hex(data)
			assertCertificate(t, got, &want)
		})
	}
}

func TestGenerateStatesUncertaintiesInTheUnitOfTheValue(t *testing.T) {
	cert := massCertificate()
	cert.Results = []record.Result{
		{Value: 1.000012, Unit: "kg", Uncertainty: &record.Uncertainty{Value: 0.16, Unit: "mg", K: 2}},
		{Value: 200, Unit: "g", Uncertainty: &record.Uncertainty{Value: 5, Unit: "ppm", K: 2, Relative: true}},
	}
	data, err := Generate(cert, generateInfo)
	if err != nil {
		t.Fatal(err)
	}
	doc := MustParse(t, data)
	qs := doc.MeasurementResults[0].Results[0].Quantities
	want := []struct {
		unit string
		u    float64
	}{{"kg", 0.16e-6}, {"g", 0.001}}
	for i, w := range want {
		q := qs[i]
		if q.Unit != w.unit || len(q.Uncertainties) != 1 || !nearly(q.Uncertainties[0].Value, w.u) || q.Uncertainties[0].K != 2 {
			t.Errorf("quantity %d = %s %+v, want U = %g %s (k=2)", i+1, q.Unit, q.Uncertainties, w.u, w.unit)
		}
	}
}

func nearly(a, b float64) bool { return a == b || (a-b)/b < 1e-12 && (b-a)/b < 1e-12 }

func TestGenerateWritesCoverageProbabilityForK(t *testing.T) {
	for _, tt := range []struct{ k, p float64 }{{2, 0.95}, {1, 0.683}, {3, 0.997}, {2.5, 0.988}} {
		if got := coverageProbability(tt.k); got != tt.p {
			t.Errorf("coverageProbability(%g) = %g, want %g", tt.k, got, tt.p)
		}
	}
}

func TestGenerateRefusesWhatADCCCannotSay(t *testing.T) {
	noResults := massCertificate()
	noResults.Results = nil
	badUnit := massCertificate()
	badUnit.Results = []record.Result{{Value: 3, Unit: "furlong"}}
	badID := massCertificate()
	badID.SubjectID = ""
	badDate := massCertificate()
	badDate.PerformedOn = "5 March 2024"
	tests := []struct {
		name string
		cert *record.Certificate
		info GenerateInfo
		says string
	}{
		{"no certificate", nil, generateInfo, "no certificate"},
		{"no responsible person", massCertificate(), GenerateInfo{}, "at least one responsible person"},
		{"no results", noResults, generateInfo, "at least one result"},
		{"a unit without D-SI form", badUnit, generateInfo, `no D-SI form for unit "furlong"`},
		{"no subject", badID, generateInfo, "subject_id is required"},
		{"a bad date", badDate, generateInfo, "performed_on"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			data, err := Generate(tt.cert, tt.info)
			if data != nil {
				t.Errorf("Generate returned data with the error")
			}
			assertInvalid(t, err, tt.says)
		})
	}
}

func TestGenerateEscapesText(t *testing.T) {
	info := generateInfo
	info.CustomerName = `A & B <"Ltd">`
	data, err := Generate(massCertificate(), info)
	if err != nil {
		t.Fatal(err)
	}
	doc := MustParse(t, data)
	if got := doc.Customer.Name.In("zh"); got != info.CustomerName {
		t.Errorf("customer = %q, want %q", got, info.CustomerName)
	}
}
