package dcc

import (
	"fmt"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

func TestCertificateMapsEachDCC(t *testing.T) {
	// The PTB examples name no calibrationLaboratoryCode: the importer names
	// the issuer (MapOptions.IssuerID), as the gateway does for a known
	// institution.
	ptb := MapOptions{IssuerID: "PTB"}
	tempResults := results("K", 2,
		306.248, 0.061, 373.121, 0.061, 448.253, 0.061, 523.319, 0.061, 593.154, 0.061)
	tests := []struct {
		name     string
		file     string
		opts     MapOptions
		want     record.Certificate
		problems [][2]string // path fragment, message fragment
	}{
		{
			name: "the PTB simplified temperature DCC maps its reference values with the error's uncertainty",
			file: ptbSimplified, opts: ptb,
			want: record.Certificate{
				ID: "GP_DCC_temperature_minimal_1.2", Kind: record.KindCalibration, IssuerID: "PTB",
				SubjectID: "string-calibrationLaboratory-item", ReferenceIDs: []string{"string-manufacturer-measuringEquipment-1"},
				Quantity: "temperature", PerformedOn: "1957-08-13", ValidUntil: "1959-10-22",
				Results: tempResults, Method: "Calibration of temperature sensors",
			},
			problems: [][2]string{
				{"list[1]/quantity[3]", "measurement errors are not recorded"},
				{"list[1]/quantity[2]", `"Indicated measured value probe" is not recorded`},
				{"statement[2]", "valid_until is the recalibration date 1959-10-22"},
				{"statement[1]/conformity", `conformity "pass" is not recorded`},
			},
		},
		{
			name: "the PTB typical temperature DCC takes the method from the norm, skipping GUM",
			file: ptbTypical, opts: ptb,
			want: record.Certificate{
				ID: "GP_DCC_temperature_typical_1.2", Kind: record.KindCalibration, IssuerID: "PTB",
				SubjectID: "string-calibrationLaboratory-item", ReferenceIDs: []string{"string-manufacturer-measuringEquipment-1"},
				Quantity: "temperature", PerformedOn: "1957-08-13", ValidUntil: "1959-10-22",
				Results: tempResults, Method: "DKD-R 5-1:2018",
			},
		},
		{
			name: "the PTB humidity DCC maps to humidity in percent with per-point uncertainties",
			file: ptbHumidity, opts: ptb,
			want: record.Certificate{
				ID: "Id-123456789-HtW", Kind: record.KindCalibration, IssuerID: "PTB",
				SubjectID: "Eq-123456789", ReferenceIDs: []string{"Temperaturmesstechnik-GmbH"},
				Quantity: "humidity", PerformedOn: "1957-08-14", ValidUntil: "1959-10-22",
				Results: results("%", 2, 20.1, 0.6, 50, 0.8, 80, 1, 90.1, 1.1, 80.1, 1, 50, 0.8, 20, 0.6),
				Method:  "DKD-R 5-8",
			},
			problems: [][2]string{
				{"coreData/uniqueIdentifier", `"Id 123456789 HtW" is not a valid ledger id; recorded as "Id-123456789-HtW"`},
				{"items/item[2]", `item "Humidity sensor" is not recorded`},
				{"item[1]/identifications/identification[3]", `"Eq 123456789" is not a valid ledger id`},
				{"measuringEquipment[2]", `"Dew point hygrometer" is not recorded as a reference: it has no identification`},
				{"measurementResults", `values in \one are recorded in %`},
			},
		},
		{
			name: "the mass DCC maps its si:real in kilograms with its expanded uncertainty",
			file: mtMass,
			want: record.Certificate{
				ID: "TJIM-2024-M-0117", Kind: record.KindCalibration, IssuerID: "TJIM",
				SubjectID: "TJIM-W-1KG-07", ReferenceIDs: []string{"TJIM-STD-E1-1KG"},
				Quantity: "mass", PerformedOn: "2024-03-05", ValidUntil: "2025-03-05",
				Results: results("kg", 2, 1.000012, 0.00000016), Method: "JJG 99-2022",
			},
			problems: [][2]string{
				{"measuringEquipment[2]", `"Mass comparator" is auxiliary equipment`},
				{"administrativeData/statements", "the DCC states no validity; valid_until is performed_on + 1 year(s): 2025-03-05"},
			},
		},
		{
			name: "the temperature list DCC maps each calibration point with its own uncertainty",
			file: mtTemperature,
			want: record.Certificate{
				ID: "BJIM-2024-T-0458", Kind: record.KindCalibration, IssuerID: "BJIM",
				SubjectID: "HOSP-TH-0031", ReferenceIDs: []string{"BJIM-SPRT-01"},
				Quantity: "temperature", PerformedOn: "2024-06-11", ValidUntil: "2025-06-10",
				Results: results("°C", 2, -40, 0.025, 0, 0.020, 50, 0.025, 100, 0.030),
				Method:  "JJG 229-2010",
			},
			problems: [][2]string{
				{"coreData/uniqueIdentifier", `"BJIM/2024/T/0458" is not a valid ledger id; recorded as "BJIM-2024-T-0458"`},
				{"measuringEquipment[2]", `"Thermostatic bath" is auxiliary equipment`},
			},
		},
		{
			name: "the temperature list DCC names subject and references by the manufacturer when asked",
			file: mtTemperature,
			opts: MapOptions{IDIssuers: []string{IssuerManufacturer}},
			want: record.Certificate{
				ID: "BJIM-2024-T-0458", Kind: record.KindCalibration, IssuerID: "BJIM",
				SubjectID: "YS-PT-77120", ReferenceIDs: []string{"SPRT-5521"},
				Quantity: "temperature", PerformedOn: "2024-06-11", ValidUntil: "2025-06-10",
				Results: results("°C", 2, -40, 0.025, 0, 0.020, 50, 0.025, 100, 0.030),
				Method:  "JJG 229-2010",
			},
		},
		{
			name: "the temperature list DCC names subject and references through a resolver",
			file: mtTemperature,
			opts: MapOptions{
				CertificateID: "BJIM-T-2024-0458", Method: "JJF 1637-2017", ValidUntil: "2024-12-31",
				ResolveID: func(role Role, ids []Identification) (string, bool) {
					ledger := map[string]string{"YS-PT-77120": "INS-HOSP-0031", "SPRT-5521": "STD-BJ-SPRT-01"}
					for _, id := range ids {
						if id.Issuer == IssuerManufacturer {
							v, ok := ledger[id.Value]
							return v, ok
						}
					}
					return "", false
				},
			},
			want: record.Certificate{
				ID: "BJIM-T-2024-0458", Kind: record.KindCalibration, IssuerID: "BJIM",
				SubjectID: "INS-HOSP-0031", ReferenceIDs: []string{"STD-BJ-SPRT-01"},
				Quantity: "temperature", PerformedOn: "2024-06-11", ValidUntil: "2024-12-31",
				Results: results("°C", 2, -40, 0.025, 0, 0.020, 50, 0.025, 100, 0.030),
				Method:  "JJF 1637-2017",
			},
			problems: [][2]string{
				{"measuringEquipment[2]", `"Thermostatic bath" is auxiliary equipment`},
			},
		},
		{
			name: "the DCC with a previous report maps and says which report it replaces",
			file: mtPressurePrev,
			opts: MapOptions{ValidityYears: 2},
			want: record.Certificate{
				ID: "HBIM-2024-P-0042-R1", Kind: record.KindCalibration, IssuerID: "HBIM",
				SubjectID: "HBIM-PG-1203", ReferenceIDs: []string{"HBIM-STD-PG-01"},
				Quantity: "pressure", PerformedOn: "2024-09-18", ValidUntil: "2026-09-18",
				Results: results("MPa", 2, 0, 0.0016, 2.0004, 0.0016, 3.9991, 0.0016, 6.0012, 0.0016),
				Method:  "JJG 49-2013",
			},
			problems: [][2]string{
				{"coreData/previousReport", `this DCC replaces report "HBIM-2024-P-0042" (ledger id "HBIM-2024-P-0042"); supersede that certificate`},
				{"administrativeData/statements", "performed_on + 2 year(s): 2026-09-18"},
			},
		},
		{
			name: "the PTB simplified DCC maps as a verification with its conformity when asked",
			file: ptbSimplified, opts: MapOptions{IssuerID: "PTB", Kind: record.KindVerification},
			want: record.Certificate{
				ID: "GP_DCC_temperature_minimal_1.2", Kind: record.KindVerification, IssuerID: "PTB",
				SubjectID: "string-calibrationLaboratory-item", ReferenceIDs: []string{"string-manufacturer-measuringEquipment-1"},
				Quantity: "temperature", PerformedOn: "1957-08-13", ValidUntil: "1959-10-22",
				// In document order: the indications, then the reference
				// values the errors were measured at.
				Results: append(results("K", 0, 306.32, 0, 373.21, 0, 448.36, 0, 523.31, 0, 593.07, 0), tempResults...),
				Method:  "Calibration of temperature sensors", Conformity: "pass",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := MustReadTestdata(t, tt.file)
			doc := MustParse(t, data)
			cert, problems, err := doc.Certificate(tt.opts)
			if err != nil {
				t.Fatalf("Certificate: %v\nproblems: %v", err, problems)
			}
			want := tt.want
			want.DocType, want.Status, want.DCCSHA256 = record.DocCertificate, record.CertValid, sha256Hex(data)
			// dcc_c14n_sha256 is the importer's to set (see
			// TestDocumentCanonicalSHA256).
			// Results without uncertainty (a verification's indications)
			// carry none.
			for i := range want.Results {
				if u := want.Results[i].Uncertainty; u != nil && u.K == 0 {
					want.Results[i].Uncertainty = nil
				}
			}
			assertCertificate(t, cert, &want)
			for _, p := range tt.problems {
				if !hasProblem(problems, p[0], p[1]) {
					t.Errorf("no problem at %q saying %q; problems:\n%s", p[0], p[1], problemList(problems))
				}
			}
		})
	}
}

// MustCut removes everything from the first start to the next end, both
// included.
func MustCut(t testing.TB, data []byte, start, end string) []byte {
	t.Helper()
	s := string(data)
	i := strings.Index(s, start)
	j := strings.Index(s[max(i, 0):], end)
	if i < 0 || j < 0 {
		t.Fatalf("cut: %q … %q not found", start, end)
	}
	return []byte(s[:i] + s[i+j+len(end):])
}

func problemList(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  " + p.String() + "\n")
	}
	return b.String()
}

func TestCertificateRefusesWhatDoesNotMap(t *testing.T) {
	mass := MustReadTestdata(t, mtMass)
	tests := []struct {
		name string
		data []byte
		opts MapOptions
		// path and problem locate the problem reported; problem defaults
		// to "missing".
		path    string
		problem string
		says    []string
	}{
		{
			name: "a DCC without laboratory code has no issuer",
			data: MustEdit(t, mass, `<dcc:calibrationLaboratoryCode>TJIM</dcc:calibrationLaboratoryCode>`, ""),
			path: "calibrationLaboratory/calibrationLaboratoryCode",
			says: []string{"calibrationLaboratoryCode: missing", `laboratory "Tianjin Institute of Metrology"`},
		},
		{
			name: "the PTB examples have no laboratory code either",
			data: MustReadTestdata(t, ptbTypical),
			path: "calibrationLaboratoryCode",
			says: []string{"calibrationLaboratoryCode: missing"},
		},
		{
			name:    "a laboratory code that is not an institution id is refused, not rewritten",
			data:    MustEdit(t, mass, `<dcc:calibrationLaboratoryCode>TJIM</dcc:calibrationLaboratoryCode>`, `<dcc:calibrationLaboratoryCode>D-K 15001</dcc:calibrationLaboratoryCode>`),
			path:    "calibrationLaboratoryCode",
			problem: "is not a valid institution id",
			says:    []string{`calibration laboratory code "D-K 15001" is not a valid institution id`},
		},
		{
			name:    "a result in an unknown D-SI unit is refused, not guessed",
			data:    MustEdit(t, mass, `<si:unit>\kilogram</si:unit>`, `<si:unit>\pound</si:unit>`),
			path:    "result[1]/data/quantity[1]",
			problem: "unknown D-SI unit",
			says:    []string{`unknown D-SI unit "\\pound"`},
		},
		{
			name: "a DCC whose results carry no uncertainty has no calibration results",
			data: MustEdit(t, mass, `<si:expandedUnc>
									<si:uncertainty>0.00000016</si:uncertainty>
									<si:coverageFactor>2</si:coverageFactor>
									<si:coverageProbability>0.95</si:coverageProbability>
									<si:distribution>normal</si:distribution>
								</si:expandedUnc>`, ""),
			path: "measurementResults",
			says: []string{"no result value carries an expanded uncertainty"},
		},
		{
			name: "a DCC without unique identifier has no certificate id",
			data: MustEdit(t, mass, `<dcc:uniqueIdentifier>TJIM-2024-M-0117</dcc:uniqueIdentifier>`, `<dcc:uniqueIdentifier></dcc:uniqueIdentifier>`),
			path: "coreData/uniqueIdentifier",
			says: []string{"uniqueIdentifier: missing"},
		},
		{
			name:    "a DCC whose unique identifier has nothing usable is refused",
			data:    MustEdit(t, mass, `<dcc:uniqueIdentifier>TJIM-2024-M-0117</dcc:uniqueIdentifier>`, `<dcc:uniqueIdentifier>校准证书</dcc:uniqueIdentifier>`),
			path:    "coreData/uniqueIdentifier",
			problem: "cannot be made into a ledger id",
			says:    []string{`uniqueIdentifier "校准证书" cannot be made into a ledger id`},
		},
		{
			name: "a DCC without measuring equipment has no reference standard",
			data: MustEdit(t, mass, `<dcc:value>TJIM-STD-E1-1KG</dcc:value>`, ""),
			path: "measuringEquipments",
			says: []string{"no measuring equipment identifies a reference standard"},
		},
		{
			name: "an item whose only identification is empty has no subject",
			data: MustEdit(t, mass, `<dcc:issuer>calibrationLaboratory</dcc:issuer>
						<dcc:value>TJIM-W-1KG-07</dcc:value>`, `<dcc:issuer>calibrationLaboratory</dcc:issuer>
						<dcc:value></dcc:value>`),
			opts:    MapOptions{IDIssuers: []string{IssuerCalibrationLaboratory}},
			path:    "items/item[1]",
			problem: "has no identification",
			says:    []string{`item "1 kg weight, class F1" has no identification that names it on the ledger (issuers tried: calibrationLaboratory)`},
		},
		{
			name: "a DCC without a used method names no method",
			data: MustCut(t, mass, "<dcc:usedMethods>", "</dcc:usedMethods>"),
			path: "usedMethods",
			says: []string{"no dcc:usedMethod names the calibration method"},
		},
		{
			name:    "dimensionless results that do not speak of humidity have no quantity",
			data:    MustEdit(t, mass, `<si:unit>\kilogram</si:unit>`, `<si:unit>\one</si:unit>`),
			path:    "measurementResults",
			problem: "cannot be inferred",
			says:    []string{"quantity of dimensionless results cannot be inferred", "set MapOptions.Quantity"},
		},
		{
			name: "a verification needs a conformity statement",
			data: mass,
			opts: MapOptions{Kind: record.KindVerification},
			path: "administrativeData/statements",
			says: []string{"a verification needs a statement with dcc:conformity"},
		},
		{
			name:    "an unknown quantity override is refused",
			data:    mass,
			opts:    MapOptions{Quantity: "luminosity"},
			path:    "MapOptions.Quantity",
			problem: "is not a known quantity",
			says:    []string{`"luminosity" is not a known quantity`},
		},
		{
			name: "a quantity override that does not fit the unit fails validation",
			data: mass,
			opts: MapOptions{Quantity: "length"},
			says: []string{"maps onto an invalid certificate", `unit "kg" measures mass, not length`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := MustParse(t, tt.data)
			cert, problems, err := doc.Certificate(tt.opts)
			if cert != nil {
				t.Errorf("Certificate returned %+v with the error", cert)
			}
			assertInvalid(t, err, tt.says...)
			problem := tt.problem
			if problem == "" {
				problem = "missing"
			}
			if tt.path != "" && !hasProblem(problems, tt.path, problem) {
				t.Errorf("no problem at %q saying %q; problems:\n%s", tt.path, problem, problemList(problems))
			}
		})
	}
}

func TestCertificateNamesEveryGapAtOnce(t *testing.T) {
	data := MustEdit(t, MustReadTestdata(t, mtMass), `<dcc:calibrationLaboratoryCode>TJIM</dcc:calibrationLaboratoryCode>`, "")
	data = MustEdit(t, data, `<si:unit>\kilogram</si:unit>`, `<si:unit>\pound</si:unit>`)
	_, _, err := MustParse(t, data).Certificate(MapOptions{})
	assertInvalid(t, err, "calibrationLaboratoryCode: missing", `unknown D-SI unit "\\pound"`, "no result value carries an expanded uncertainty")
	// Each gap is a detail under its path, with its code and params.
	var got []string
	for _, d := range record.ErrorDetails(err) {
		got = append(got, d.Field+" "+string(d.Code)+" "+fmt.Sprint(d.Params))
	}
	want := []string{
		"administrativeData/calibrationLaboratory/calibrationLaboratoryCode no_laboratory_code map[name:Tianjin Institute of Metrology]",
	}
	if len(got) != 3 || got[0] != want[0] || !strings.HasPrefix(got[1], "measurementResults/") || !strings.Contains(got[1], " result_unit_unknown map[unit:\\pound]") ||
		got[2] != "measurementResults no_uncertain_result map[]" {
		t.Errorf("details:\n%s", strings.Join(got, "\n"))
	}
}

func TestSanitizeID(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"TJIM-2024-M-0117", "TJIM-2024-M-0117", true},
		{"BJIM/2024/T/0458", "BJIM-2024-T-0458", true},
		{"Id 123456789 HtW", "Id-123456789-HtW", true},
		{"  No. 12 / 2024  ", "No.-12-2024", true},
		{"(京)2024-001号", "2024-001", true},
		{"_hidden", "hidden", true},
		{"校准证书", "", false},
		{strings.Repeat("x", 65), strings.Repeat("x", 65), false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := SanitizeID(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("SanitizeID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
