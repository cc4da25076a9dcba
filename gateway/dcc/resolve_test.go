package dcc

import (
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// ledgerStandards is a StandardLookup over a fixed set of standards.
type ledgerStandards map[string][]record.Identification

func (l ledgerStandards) ByIdentification(issuer, value string) ([]string, error) {
	var ids []string
	for id, idents := range l {
		for _, x := range idents {
			if x.Issuer == issuer && x.Value == value {
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}

func (l ledgerStandards) Exists(id string) (bool, error) { _, ok := l[id]; return ok, nil }

// anchored is an AnchorLookup over fixed certificates.
type anchored []record.Certificate

func (a anchored) ByDCCSHA256(sha string) ([]record.Certificate, error) {
	var out []record.Certificate
	for _, c := range a {
		if c.DCCSHA256 == sha || c.DCCC14NSHA256 == sha {
			out = append(out, c)
		}
	}
	return out, nil
}

func TestMeasuringEquipmentResolvesToRegisteredStandards(t *testing.T) {
	stds := ledgerStandards{
		"PTB-PT100-REF": {{Issuer: record.IdentManufacturer, Value: "string-manufacturer-measuringEquipment-1"}},
		"OTHER-STD":     {{Issuer: record.IdentOwner, Value: "inv-7"}},
	}
	const eqPath = "measurementResults/measurementResult[1]/measuringEquipments/measuringEquipment[1]"
	tests := []struct {
		name    string
		file    string
		opts    MapOptions
		refs    []string
		problem [2]string
		err     string
	}{
		{"the typical GP example's equipment is the standard carrying its manufacturer identification", ptbTypical,
			MapOptions{Standards: stds}, []string{"PTB-PT100-REF"},
			[2]string{eqPath, `is standard PTB-PT100-REF, which carries its manufacturer identification "string-manufacturer-measuringEquipment-1"`}, ""},
		{"the simplified GP example resolves the same way", ptbSimplified,
			MapOptions{Standards: stds}, []string{"PTB-PT100-REF"},
			[2]string{eqPath, "is standard PTB-PT100-REF"}, ""},
		{"reference_ids win over the identifications", ptbTypical,
			MapOptions{Standards: stds, ReferenceIDs: []string{"OTHER-STD", "OTHER-STD"}}, []string{"OTHER-STD"},
			[2]string{"measurementResults/measurementResult/measuringEquipments", "reference standards OTHER-STD are named by the request (reference_ids)"}, ""},
		{"an equipment resolving to nothing says what was tried", ptbTypical,
			MapOptions{Standards: ledgerStandards{"OTHER-STD": nil}}, nil,
			[2]string{eqPath, `resolves to no registered standard (tried: manufacturer identification "string-manufacturer-measuringEquipment-1"; standard id "string-manufacturer-measuringEquipment-1")`},
			"no measuring equipment identifies a reference standard"},
		{"an identification carried by two standards is ambiguous", ptbTypical,
			MapOptions{Standards: ledgerStandards{"A": stds["PTB-PT100-REF"], "B": stds["PTB-PT100-REF"]}}, nil,
			[2]string{eqPath, `manufacturer identification "string-manufacturer-measuringEquipment-1" (carried by several standards: `}, "no measuring equipment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := MustParse(t, MustReadTestdata(t, tt.file))
			tt.opts.IssuerID = "CAL-LAB" // the GP examples state no laboratory code
			cert, problems, err := doc.Certificate(tt.opts)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
			} else if err != nil {
				t.Fatalf("Certificate: %v\n%s", err, problemList(problems))
			} else if strings.Join(cert.ReferenceIDs, ",") != strings.Join(tt.refs, ",") {
				t.Errorf("reference_ids %q, want %q", cert.ReferenceIDs, tt.refs)
			}
			if !hasProblem(problems, tt.problem[0], tt.problem[1]) {
				t.Errorf("no problem at %q saying %q; problems:\n%s", tt.problem[0], tt.problem[1], problemList(problems))
			}
		})
	}
	t.Run("a bad reference_id is refused", func(t *testing.T) {
		doc := MustParse(t, MustReadTestdata(t, ptbTypical))
		_, _, err := doc.Certificate(MapOptions{IssuerID: "CAL-LAB", ReferenceIDs: []string{"no spaces"}})
		if record.ErrorCode(err) != record.Invalid || !strings.Contains(err.Error(), `reference_ids "no spaces" is not a valid id`) {
			t.Fatalf("err %v", err)
		}
	})
}

func TestCanonicalDigestIgnoresFormattingOnly(t *testing.T) {
	data := MustReadTestdata(t, ptbTypical)
	base := mustCanonical(t, data)
	same := map[string][]byte{
		"re-indented with spaces":     []byte(strings.ReplaceAll(string(data), "\t", "  ")),
		"CRLF line ends":              []byte(strings.ReplaceAll(string(data), "\n", "\r\n")),
		"without the XML declaration": MustEdit(t, data, `<?xml version="1.0" encoding="utf-8"?>`, ""),
		"attributes reordered and single-quoted": MustEdit(t, data,
			"xsi:schemaLocation=\"https://ptb.de/dcc https://ptb.de/dcc/v3.1.1/dcc.xsd\"\n\tschemaVersion=\"3.1.1\"",
			"schemaVersion='3.1.1' xsi:schemaLocation='https://ptb.de/dcc https://ptb.de/dcc/v3.1.1/dcc.xsd'"),
	}
	for name, d := range same {
		if got := mustCanonical(t, d); got != base {
			t.Errorf("%s: canonical digest %s, want %s", name, got, base)
		}
		if sha256Hex(d) == sha256Hex(data) {
			t.Errorf("%s: the bytes did not change", name)
		}
	}
	changed := MustEdit(t, data, "<si:value>593</si:value>", "<si:value>594</si:value>")
	if mustCanonical(t, changed) == base {
		t.Error("a changed value kept the canonical digest")
	}
	if mustCanonical(t, MustEdit(t, data, "DCC - Digital Calibration Certificate", "DCC")) != base {
		t.Error("a changed comment changed the canonical digest: comments are not content")
	}
	spaced := MustEdit(t, data, "<si:value>593</si:value>", "<si:value> 593</si:value>")
	if mustCanonical(t, spaced) == base {
		t.Error("space inside a value was dropped")
	}
}

func TestPreviousReportLinksTheAnchoredCertificate(t *testing.T) {
	data := MustReadTestdata(t, mtPressurePrev)
	const sha = "9f2c4b7e1a0d3c5b8e6f4a2d1c0b9a8e7f6d5c4b3a2918e7d6c5b4a3f2e1d0c9"
	const path = "administrativeData/coreData/previousReport"
	doc := MustParse(t, data)
	plain, _, err := doc.Certificate(MapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	subject := plain.SubjectID
	tests := []struct {
		name       string
		anchors    anchored
		supersedes string
		problem    string
	}{
		{"the certificate anchoring the named hash is superseded", anchored{{ID: "HBIM-2024-P-0042", SubjectID: subject, Status: record.CertValid, DCCSHA256: sha}},
			"HBIM-2024-P-0042", "this DCC replaces certificate HBIM-2024-P-0042, whose anchored DCC has the SHA-256 " + sha},
		{"a canonical hash counts too", anchored{{ID: "OLD", SubjectID: subject, Status: record.CertValid, DCCSHA256: strings.Repeat("0", 64), DCCC14NSHA256: sha}},
			"OLD", "this DCC replaces certificate OLD"},
		{"an unanchored hash links nothing", nil, "", "whose SHA-256 " + sha + " no certificate on the ledger anchors; not linked"},
		{"a certificate superseded already is not linked", anchored{{ID: "OLD", SubjectID: subject, Status: record.CertSuperseded, DCCSHA256: sha}},
			"", "is certificate OLD, which is superseded already; not linked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert, problems, err := doc.Certificate(MapOptions{Anchors: tt.anchors})
			if err != nil {
				t.Fatal(err)
			}
			if cert.Supersedes != tt.supersedes || (tt.supersedes != "") != (cert.PreviousDCCSHA256 == sha) {
				t.Errorf("supersedes %q (%s), want %q", cert.Supersedes, cert.PreviousDCCSHA256, tt.supersedes)
			}
			if !hasProblem(problems, path, tt.problem) {
				t.Errorf("no problem saying %q:\n%s", tt.problem, problemList(problems))
			}
		})
	}
	t.Run("a previous report of another subject is refused", func(t *testing.T) {
		_, _, err := doc.Certificate(MapOptions{Anchors: anchored{{ID: "OLD", SubjectID: "ELSE", Status: record.CertValid, DCCSHA256: sha}}})
		if err == nil || !strings.Contains(err.Error(), "is certificate OLD about ELSE, not about this DCC's subject "+subject) {
			t.Fatalf("err %v", err)
		}
	})
}

// TestDocumentCanonicalSHA256 checks that the digest Parse no longer computes
// is the canonical digest of the bytes parsed, also when the caller reuses
// its buffer after Parse, and that the mapping leaves it to the importer.
func TestDocumentCanonicalSHA256(t *testing.T) {
	for _, name := range []string{ptbHumidity, mtTemperature, mtMass} {
		t.Run(name, func(t *testing.T) {
			data := MustReadTestdata(t, name)
			want := mustCanonical(t, data)
			buf := append([]byte(nil), data...)
			doc := MustParse(t, buf)
			for i := range buf {
				buf[i] = ' '
			}
			for call := 1; call <= 2; call++ {
				got, err := doc.CanonicalSHA256()
				if err != nil {
					t.Fatalf("call %d: %v", call, err)
				}
				if got != want {
					t.Fatalf("call %d: CanonicalSHA256 = %s, want %s", call, got, want)
				}
			}
			if name == mtMass {
				cert, _, err := doc.Certificate(MapOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if cert.DCCC14NSHA256 != "" || cert.DCCSHA256 != sha256Hex(data) {
					t.Fatalf("mapped digests = %q, %q; want \"\", %s", cert.DCCC14NSHA256, cert.DCCSHA256, sha256Hex(data))
				}
			}
		})
	}
}
