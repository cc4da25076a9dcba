package dcc

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestParseReadsAdministrativeData(t *testing.T) {
	tests := []struct {
		file                 string
		version              string
		software             string
		release              string
		uniqueIdentifier     string
		begin, end, issue    string
		usedLangs            []string
		mandatoryLangs       []string
		labCode, labName     string
		customer             string
		persons              []string
		mainSigner           string
		items                int
		firstItemName        string
		firstItemIDs         []Identification
		statementRefTypes    [][]string
		recalibrationDate    string
		statementConformity  string
		previousReportID     string
		previousReportHashed string
	}{
		{
			file: ptbSimplified, version: "3.1.1", software: "Notepad++ (32-bit)", release: "v 8.2",
			uniqueIdentifier: "GP_DCC_temperature_minimal_1.2", begin: "1957-08-13", end: "1957-08-13",
			usedLangs: []string{"de", "en"}, mandatoryLangs: []string{"de"},
			labName: "Kalibrierfirma GmbH", customer: "Kunde GmbH",
			persons: []string{"Michaela Musterfrau", "Michael Mustermann"}, mainSigner: "Michaela Musterfrau",
			items: 1, firstItemName: "Temperature sensor",
			firstItemIDs: []Identification{
				{Issuer: "manufacturer", Value: "string-manufacturer-item", Name: Text{{"de", "Serien Nr."}, {"en", "Serial no."}}},
				{Issuer: "customer", Value: "string-customer-item", Name: Text{{"de", "Messmittel Nr."}, {"en", "Measurement equipment no."}}},
				{Issuer: "calibrationLaboratory", Value: "string-calibrationLaboratory-item", Name: Text{{"de", "Equipment Nr."}, {"en", "Equipment no."}}},
			},
			statementRefTypes:   [][]string{{"basic_conformity"}, {"basic_recalibration"}},
			recalibrationDate:   "1959-10-22",
			statementConformity: "pass",
		},
		{
			file: ptbTypical, version: "3.1.1", software: "Notepad++ (32-bit)", release: "v 8.2",
			uniqueIdentifier: "GP_DCC_temperature_typical_1.2", begin: "1957-08-13", end: "1957-08-13",
			usedLangs: []string{"de", "en"}, mandatoryLangs: []string{"de"},
			labName: "Kalibrierfirma GmbH", customer: "Kunde GmbH",
			persons: []string{"Michaela Musterfrau", "Michael Mustermann"}, mainSigner: "Michaela Musterfrau",
			items: 1, firstItemName: "Temperature sensor",
			firstItemIDs: []Identification{
				{Issuer: "manufacturer", Value: "string-manufacturer-item", Name: Text{{"de", "Serien Nr."}, {"en", "Serial no."}}},
				{Issuer: "customer", Value: "string-customer-item", Name: Text{{"de", "Messmittel Nr."}, {"en", "Measurement equipment no."}}},
				{Issuer: "calibrationLaboratory", Value: "string-calibrationLaboratory-item", Name: Text{{"de", "Equipment Nr."}, {"en", "Equipment no."}}},
			},
			statementRefTypes:   [][]string{nil, {"basic_validityRange"}, {"basic_conformity"}, {"basic_recalibration"}},
			recalibrationDate:   "1959-10-22",
			statementConformity: "pass",
		},
		{
			file: ptbHumidity, version: "3.1.2", software: "Notepad++ (32-bit)", release: "v 8.4.6",
			uniqueIdentifier: "Id 123456789 HtW", begin: "1957-08-13", end: "1957-08-14",
			usedLangs: []string{"de", "en"}, mandatoryLangs: []string{"de"},
			labName: "Kalibrierfirma GmbH", customer: "Kunde GmbH",
			persons: []string{"Michaela Musterfrau", "Michael Mustermann"}, mainSigner: "Michaela Musterfrau",
			items: 2, firstItemName: "Display unit",
			firstItemIDs: []Identification{
				{Issuer: "manufacturer", Value: "123456789 Ma", Name: Text{{"de", "Serien Nr."}, {"en", "Serial no."}}},
				{Issuer: "customer", Value: "123456789 Hu", Name: Text{{"de", "Messmittel Nr."}, {"en", "Measurement equipment no."}}},
				{Issuer: "calibrationLaboratory", Value: "Eq 123456789", Name: Text{{"de", "Equipment Nr."}, {"en", "Equipment no."}}},
			},
			statementRefTypes:   [][]string{{"basic_recalibration"}, {"basic_conformity"}, nil, {"basic_validityRange"}, {"basic_measurementRange"}},
			recalibrationDate:   "1959-10-22",
			statementConformity: "pass",
		},
		{
			file: mtMass, version: "3.2.1", software: "TJIM certificate writer", release: "4.2.0",
			uniqueIdentifier: "TJIM-2024-M-0117", begin: "2024-03-04", end: "2024-03-05",
			usedLangs: []string{"zh", "en"}, mandatoryLangs: []string{"zh"},
			labCode: "TJIM", labName: "Tianjin Institute of Metrology", customer: "Binhai Pharmaceutical Ltd.",
			persons: []string{"王伟", "李娜"}, mainSigner: "李娜",
			items: 1, firstItemName: "1 kg weight, class F1",
			firstItemIDs: []Identification{
				{Issuer: "manufacturer", Value: "SN 88231", Name: Text{{"zh", "出厂编号"}, {"en", "Serial no."}}},
				{Issuer: "customer", Value: "CUST-W-17", Name: Text{{"zh", "客户编号"}, {"en", "Customer equipment no."}}},
				{Issuer: "calibrationLaboratory", Value: "TJIM-W-1KG-07", Name: Text{{"zh", "器具编号"}, {"en", "Equipment no."}}},
			},
		},
		{
			file: mtTemperature, version: "3.3.0", software: "BJIM LIMS", release: "2.7",
			uniqueIdentifier: "BJIM/2024/T/0458", begin: "2024-06-10", end: "2024-06-11", issue: "2024-06-12",
			usedLangs: []string{"zh", "en"}, mandatoryLangs: []string{"zh"},
			labCode: "BJIM", labName: "Beijing Institute of Metrology", customer: "Chaoyang Hospital",
			persons: []string{"张敏"}, mainSigner: "张敏",
			items: 1, firstItemName: "Industrial platinum resistance thermometer",
			firstItemIDs: []Identification{
				{Issuer: "manufacturer", Value: "YS-PT-77120", Name: Text{{"zh", "出厂编号"}, {"en", "Serial no."}}},
				{Issuer: "customer", Value: "HOSP-TH-0031", Name: Text{{"zh", "设备编号"}, {"en", "Equipment no."}}},
			},
			statementRefTypes: [][]string{{"basic_recalibration"}},
			recalibrationDate: "2025-06-10",
		},
		{
			file: mtPressurePrev, version: "3.3.0", software: "HBIM DCC tool", release: "1.0.3",
			uniqueIdentifier: "HBIM-2024-P-0042-R1", begin: "2024-09-18", end: "2024-09-18", issue: "2024-09-20",
			usedLangs: []string{"zh"}, mandatoryLangs: []string{"zh"},
			labCode: "HBIM", labName: "河北省计量监督检测研究院", customer: "Cangzhou Refinery",
			persons: []string{"刘洋"}, mainSigner: "刘洋",
			items: 1, firstItemName: "精密压力表",
			firstItemIDs:         []Identification{{Issuer: "calibrationLaboratory", Value: "HBIM-PG-1203"}},
			previousReportID:     "HBIM-2024-P-0042",
			previousReportHashed: "9f2c4b7e1a0d3c5b8e6f4a2d1c0b9a8e7f6d5c4b3a2918e7d6c5b4a3f2e1d0c9",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file+" reads its administrative data", func(t *testing.T) {
			data := MustReadTestdata(t, tt.file)
			doc := MustParse(t, data)
			check := func(field string, got, want any) {
				t.Helper()
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", field, got, want)
				}
			}
			check("SchemaVersion", doc.SchemaVersion, tt.version)
			check("SHA256", doc.SHA256, sha256Hex(data))
			check("Software[0].Name", doc.Software[0].Name.In("en"), tt.software)
			check("Software[0].Release", doc.Software[0].Release, tt.release)
			check("Core.UniqueIdentifier", doc.Core.UniqueIdentifier, tt.uniqueIdentifier)
			check("Core.BeginPerformanceDate", doc.Core.BeginPerformanceDate, tt.begin)
			check("Core.EndPerformanceDate", doc.Core.EndPerformanceDate, tt.end)
			check("Core.IssueDate", doc.Core.IssueDate, tt.issue)
			check("Core.PerformanceLocation", doc.Core.PerformanceLocation, "laboratory")
			check("Core.UsedLangs", doc.Core.UsedLangs, tt.usedLangs)
			check("Core.MandatoryLangs", doc.Core.MandatoryLangs, tt.mandatoryLangs)
			check("Laboratory.Code", doc.Laboratory.Code, tt.labCode)
			check("Laboratory.Contact.Name", doc.Laboratory.Contact.Name.In("en"), tt.labName)
			check("Customer.Name", doc.Customer.Name.In("en"), tt.customer)
			var persons []string
			main := ""
			for _, p := range doc.RespPersons {
				persons = append(persons, p.Person.Name.In("en"))
				if p.MainSigner {
					main = p.Person.Name.In("en")
				}
			}
			check("RespPersons", persons, tt.persons)
			check("main signer", main, tt.mainSigner)
			check("len(Items)", len(doc.Items), tt.items)
			check("Items[0].Name", doc.Items[0].Name.In("en"), tt.firstItemName)
			check("Items[0].Identifications", doc.Items[0].Identifications, tt.firstItemIDs)
			var refTypes [][]string
			recal, conformity := "", ""
			for _, st := range doc.Statements {
				refTypes = append(refTypes, st.RefTypes)
				if hasRefType(st.RefTypes, RefTypeRecalibration) {
					recal = st.Date
				}
				if st.Conformity != "" {
					conformity = st.Conformity
				}
			}
			check("Statements refTypes", refTypes, tt.statementRefTypes)
			check("recalibration date", recal, tt.recalibrationDate)
			check("statement conformity", conformity, tt.statementConformity)
			if tt.previousReportID == "" {
				check("Core.PreviousReport", doc.Core.PreviousReport, (*Reference)(nil))
			} else {
				check("Core.PreviousReport", doc.Core.PreviousReport, &Reference{
					Referral:   Text{{"zh", "原证书 HBIM-2024-P-0042（因抄写错误作废）"}},
					ReferralID: tt.previousReportID, Procedure: "SHA256", Value: tt.previousReportHashed,
				})
			}
		})
	}
}

func TestParseReadsMeasurementResults(t *testing.T) {
	type quantity struct {
		refType       string
		unit          string
		values        []float64
		uncertainties []ExpandedUncertainty
		alternatives  []string
	}
	u := func(k, p float64, values ...float64) []ExpandedUncertainty {
		out := make([]ExpandedUncertainty, len(values))
		for i, v := range values {
			out[i] = ExpandedUncertainty{Value: v, K: k, Probability: p}
		}
		return out
	}
	tests := []struct {
		file       string
		methods    []string // norms, or names where a method has none
		equipments [][]Identification
		conditions []string
		quantities []quantity
	}{
		{
			file:       ptbSimplified,
			methods:    []string{"Calibration of temperature sensors"},
			equipments: [][]Identification{{{Issuer: "manufacturer", Value: "string-manufacturer-measuringEquipment-1"}}},
			conditions: []string{"Ambient condition temperature", "Ambient condition relative humidity"},
			quantities: []quantity{
				{RefTypeReferenceValue, "K", []float64{306.248, 373.121, 448.253, 523.319, 593.154}, nil, []string{`\degreecelsius`}},
				{RefTypeMeasuredValue, "K", []float64{306.32, 373.21, 448.36, 523.31, 593.07}, nil, []string{`\degreecelsius`}},
				{RefTypeMeasurementError, "K", []float64{0.072, 0.089, 0.107, -0.009, -0.084}, u(2, 0.95, 0.061, 0.061, 0.061, 0.061, 0.061), nil},
			},
		},
		{
			file:       ptbTypical,
			methods:    []string{"GUM", "DKD-R 5-1:2018"},
			equipments: [][]Identification{{{Issuer: "manufacturer", Value: "string-manufacturer-measuringEquipment-1"}}},
			conditions: []string{"Immersion depth in water bath", "Ambient condition temperature", "Ambient condition relative humidity"},
			quantities: []quantity{
				{RefTypeReferenceValue, "K", []float64{306.248, 373.121, 448.253, 523.319, 593.154}, nil, []string{`\degreecelsius`}},
				{RefTypeMeasuredValue, "K", []float64{306.32, 373.21, 448.36, 523.31, 593.07}, nil, []string{`\degreecelsius`}},
				{RefTypeMeasurementError, "K", []float64{0.072, 0.089, 0.107, -0.009, -0.084}, u(2, 0.95, 0.061, 0.061, 0.061, 0.061, 0.061), nil},
			},
		},
		{
			file:    ptbHumidity,
			methods: []string{"GUM", "GUM", "DKD-R 5-8", "Measurement conditions"},
			equipments: [][]Identification{
				{{Issuer: "manufacturer", Value: "Temperaturmesstechnik GmbH"}},
				nil,
			},
			conditions: []string{"Ambient condition temperature", "Ambient condition relative air humidity",
				"Adjustment time for each calibration point", "Flow velocity", "Unit of display", "Resolution of display"},
			quantities: []quantity{
				{RefTypeReferenceValue, "", []float64{0.201, 0.500, 0.800, 0.901, 0.801, 0.500, 0.200}, nil, []string{`\percent`}},
				{RefTypeMeasuredValue, "", []float64{0.197, 0.499, 0.803, 0.912, 0.813, 0.506, 0.197}, nil, []string{`\percent`}},
				{RefTypeMeasurementError, "", []float64{-0.004, -0.001, 0.003, 0.011, 0.012, 0.006, -0.003},
					u(2, 0.95, 0.006, 0.008, 0.010, 0.011, 0.010, 0.008, 0.006), []string{`\percent`}},
			},
		},
		{
			file:    mtMass,
			methods: []string{"JJF 1059.1-2012", "JJG 99-2022"},
			equipments: [][]Identification{
				{{Issuer: "calibrationLaboratory", Value: "TJIM-STD-E1-1KG"}},
				{{Issuer: "calibrationLaboratory", Value: "TJIM-CMP-02"}},
			},
			conditions: []string{"Ambient temperature", "Air density"},
			quantities: []quantity{
				{RefTypeMeasuredValue, "kg", []float64{1.000012}, u(2, 0.95, 0.00000016), nil},
			},
		},
		{
			file:    mtTemperature,
			methods: []string{"GUM", "JJG 229-2010"},
			equipments: [][]Identification{
				{{Issuer: "calibrationLaboratory", Value: "BJIM-SPRT-01"}, {Issuer: "manufacturer", Value: "SPRT-5521"}},
				{{Issuer: "calibrationLaboratory", Value: "BJIM-BATH-03"}},
			},
			conditions: []string{"Ambient temperature"},
			quantities: []quantity{
				{RefTypeReferenceValue, "°C", []float64{-40, 0, 50, 100}, nil, []string{`\kelvin`}},
				{RefTypeMeasuredValue, "°C", []float64{-39.962, 0.018, 50.031, 100.047}, nil, nil},
				{RefTypeMeasurementError, "K", []float64{0.038, 0.018, 0.031, 0.047}, u(2, 0.95, 0.025, 0.020, 0.025, 0.030), nil},
			},
		},
		{
			file:       mtPressurePrev,
			methods:    []string{"JJG 49-2013"},
			equipments: [][]Identification{{{Issuer: "calibrationLaboratory", Value: "HBIM-STD-PG-01"}}},
			quantities: []quantity{
				{RefTypeMeasuredValue, "MPa", []float64{0, 2.0004, 3.9991, 6.0012}, u(2, 0.95, 0.0016, 0.0016, 0.0016, 0.0016), nil},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file+" reads its measurement results", func(t *testing.T) {
			doc := MustParse(t, MustReadTestdata(t, tt.file))
			if len(doc.MeasurementResults) != 1 {
				t.Fatalf("len(MeasurementResults) = %d, want 1", len(doc.MeasurementResults))
			}
			mr := doc.MeasurementResults[0]
			var methods []string
			for _, m := range mr.Methods {
				if len(m.Norms) > 0 {
					methods = append(methods, m.Norms[0])
				} else {
					methods = append(methods, m.Name.In("en"))
				}
			}
			if !reflect.DeepEqual(methods, tt.methods) {
				t.Errorf("methods = %q, want %q", methods, tt.methods)
			}
			var equipments [][]Identification
			for _, eq := range mr.Equipments {
				equipments = append(equipments, eq.Identifications)
			}
			if !reflect.DeepEqual(equipments, tt.equipments) {
				t.Errorf("equipment identifications = %+v, want %+v", equipments, tt.equipments)
			}
			var conditions []string
			for _, ic := range mr.InfluenceConditions {
				conditions = append(conditions, ic.Name.In("en"))
			}
			if !reflect.DeepEqual(conditions, tt.conditions) {
				t.Errorf("influence conditions = %q, want %q", conditions, tt.conditions)
			}
			if len(mr.Results) != 1 {
				t.Fatalf("len(Results) = %d, want 1", len(mr.Results))
			}
			qs := mr.Results[0].Quantities
			if len(qs) != len(tt.quantities) {
				t.Fatalf("len(Quantities) = %d, want %d", len(qs), len(tt.quantities))
			}
			for i, want := range tt.quantities {
				q := qs[i]
				got := quantity{strings.Join(q.RefTypes, " "), q.Unit, q.Values, q.Uncertainties, q.Alternatives}
				if !q.UnitKnown || !reflect.DeepEqual(got, want) {
					t.Errorf("quantity %d = %+v (unit known %v), want %+v", i+1, got, q.UnitKnown, want)
				}
			}
		})
	}
}

func TestParseReadsDerivedDSIUnits(t *testing.T) {
	doc := MustParse(t, MustReadTestdata(t, ptbHumidity))
	flow := doc.MeasurementResults[0].InfluenceConditions[3].Quantities[0]
	if !flow.UnitKnown || flow.DSIUnit != `\metre\second\tothe{-1}` || flow.Unit != "m/s" || flow.Values[0] != 2 {
		t.Errorf("flow velocity = %+v, want \\metre\\second\\tothe{-1} read as m/s, value 2", flow)
	}
	if hasProblem(doc.Problems, "influenceCondition[4]/data/quantity[1]", "unknown D-SI unit") {
		t.Errorf("problems %v report a unit the parser reads", doc.Problems)
	}
}

func TestParseHybridTakesTheFirstKnownRepresentation(t *testing.T) {
	data := MustEdit(t, MustReadTestdata(t, mtTemperature),
		`<si:valueXMLList>-40 0 50 100</si:valueXMLList>
										<si:unitXMLList>\degreecelsius</si:unitXMLList>`,
		`<si:valueXMLList>-40 32 122 212</si:valueXMLList>
										<si:unitXMLList>\degreefahrenheit</si:unitXMLList>`)
	doc := MustParse(t, data)
	q := doc.MeasurementResults[0].Results[0].Quantities[0]
	if q.Unit != "K" || !reflect.DeepEqual(q.Values, []float64{233.15, 273.15, 323.15, 373.15}) ||
		!reflect.DeepEqual(q.Alternatives, []string{`\degreefahrenheit`}) {
		t.Errorf("hybrid read as %+v, want the kelvin list with \\degreefahrenheit noted", q)
	}
	if !hasProblem(doc.Problems, "si:hybrid/si:realListXMLList[1]", `unknown D-SI unit "\\degreefahrenheit"`) {
		t.Errorf("problems %v do not report the unknown representation", doc.Problems)
	}
}

func TestParseRejectsBadInput(t *testing.T) {
	mass := MustReadTestdata(t, mtMass)
	deep := strings.Repeat("<a>", maxDepth+1) + strings.Repeat("</a>", maxDepth+1)
	tests := []struct {
		name string
		data []byte
		says []string
	}{
		{"empty input is refused", nil, []string{"empty"}},
		{"an oversized input is refused before parsing", bytes.Repeat([]byte(" "), MaxSize+1), []string{"more than the 10485760 bytes"}},
		{"malformed XML is refused", []byte(`<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.3.0"><dcc:administrativeData>`), []string{"malformed XML"}},
		{"a truncated DCC is refused", mass[:len(mass)/2], []string{"malformed XML"}},
		{"text that is not XML is refused", []byte("%PDF-1.7 certificate"), []string{"malformed XML"}},
		{"an XML document that is not a DCC is refused", []byte(`<?xml version="1.0"?><invoice><total>12</total></invoice>`), []string{"not a DCC", "root element is invoice"}},
		{"a DCC root in another namespace is refused", MustEdit(t, mass, `xmlns:dcc="https://ptb.de/dcc"`, `xmlns:dcc="https://example.org/dcc"`), []string{"not a DCC", "{https://example.org/dcc}digitalCalibrationCertificate"}},
		{"a DCC without schemaVersion is refused", MustEdit(t, mass, ` schemaVersion="3.2.1"`, ""), []string{"no schemaVersion"}},
		{"schema version 2.4 is refused", MustEdit(t, mass, `schemaVersion="3.2.1"`, `schemaVersion="2.4.0"`), []string{`"2.4.0" is not supported`, "3.1 to 3.3"}},
		{"schema version 3.0 is refused", MustEdit(t, mass, `schemaVersion="3.2.1"`, `schemaVersion="3.0.0"`), []string{`"3.0.0" is not supported`}},
		{"schema version 3.4 is refused", MustEdit(t, mass, `schemaVersion="3.2.1"`, `schemaVersion="3.4.0"`), []string{`"3.4.0" is not supported`}},
		{"a result without unit is refused", MustEdit(t, mass, `<si:unit>\kilogram</si:unit>`, ""), []string{"result[1]/data/quantity[1]/si:real", "si:unit is missing"}},
		{"a value that is not a number is refused", MustEdit(t, mass, `<si:value>1.000012</si:value>`, `<si:value>one kilogram</si:value>`), []string{`"one" is not a number`}},
		{"a hexadecimal float is refused", MustEdit(t, mass, `<si:value>1.000012</si:value>`, `<si:value>0x1p0</si:value>`), []string{`"0x1p0" is not a number`}},
		{"NaN is refused", MustEdit(t, mass, `<si:value>1.000012</si:value>`, `<si:value>NaN</si:value>`), []string{`"NaN" is not a number`}},
		{"an expanded uncertainty without coverage factor is refused", MustEdit(t, mass, `<si:coverageFactor>2</si:coverageFactor>`, ""), []string{"si:coverageFactor", "missing"}},
		{"a list of uncertainties of the wrong length is refused",
			MustEdit(t, MustReadTestdata(t, mtTemperature), `0.025 0.020 0.025 0.030`, `0.025 0.020`), []string{"2 entries for 4 values"}},
		{"a bad performance date is refused", MustEdit(t, mass, `<dcc:endPerformanceDate>2024-03-05`, `<dcc:endPerformanceDate>2024-13-05`), []string{"endPerformanceDate", "not a valid YYYY-MM-DD date"}},
		{"a second root element is refused", append(append([]byte{}, mass...), []byte("<more/>")...), []string{"content after the root element"}},
		{"an undeclared entity is refused", MustEdit(t, mass, `<dcc:release>4.2.0</dcc:release>`, `<dcc:release>&boom;</dcc:release>`), []string{"malformed XML"}},
		{"absurd nesting is refused", []byte(deep), []string{"nested deeper than 256"}},
		{"a DCC without measurement results is refused",
			[]byte(`<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.3.0"><dcc:administrativeData><dcc:coreData/></dcc:administrativeData></dcc:digitalCalibrationCertificate>`),
			[]string{"measurementResults: missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(tt.data)
			if doc != nil {
				t.Errorf("Parse returned a document with the error")
			}
			assertInvalid(t, err, tt.says...)
		})
	}
}

func TestParseAcceptsSchemaVersions31To33(t *testing.T) {
	mass := MustReadTestdata(t, mtMass)
	for _, v := range []string{"3.1.0", "3.1.2", "3.2.0", "3.2.1", "3.3.0", "3.3"} {
		t.Run("version "+v+" is accepted", func(t *testing.T) {
			doc := MustParse(t, MustEdit(t, mass, `schemaVersion="3.2.1"`, `schemaVersion="`+v+`"`))
			if doc.SchemaVersion != v {
				t.Errorf("SchemaVersion = %q, want %q", doc.SchemaVersion, v)
			}
		})
	}
}

func TestParseAcceptsAByteOrderMarkAndHashesIt(t *testing.T) {
	data := append([]byte("\xef\xbb\xbf"), MustReadTestdata(t, mtMass)...)
	doc := MustParse(t, data)
	if doc.Core.UniqueIdentifier != "TJIM-2024-M-0117" || doc.SHA256 != sha256Hex(data) {
		t.Errorf("with a BOM: id %q, hash %s; want TJIM-2024-M-0117 and the hash of the bytes with the BOM", doc.Core.UniqueIdentifier, doc.SHA256)
	}
}

func TestParseHashesTheExactBytes(t *testing.T) {
	mass := MustReadTestdata(t, mtMass)
	changed := MustEdit(t, mass, "1.000012", "1.000013")
	a, b := MustParse(t, mass), MustParse(t, changed)
	if a.SHA256 != sha256Hex(mass) || b.SHA256 != sha256Hex(changed) || a.SHA256 == b.SHA256 {
		t.Errorf("SHA256 %s / %s do not follow the bytes", a.SHA256, b.SHA256)
	}
}
