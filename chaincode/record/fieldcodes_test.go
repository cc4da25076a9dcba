package record

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// declaredFieldCodes parses the package's source for the constants of
// type FieldCode and for the calls that make a field error, and fails for
// a call whose code is not one of those constants.
func declaredFieldCodes(t *testing.T) map[string]FieldCode {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]FieldCode{}
	var calls []*ast.CallExpr
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "FieldCode" {
					for i, nm := range n.Names {
						lit := n.Values[i].(*ast.BasicLit)
						consts[nm.Name] = FieldCode(strings.Trim(lit.Value, `"`))
					}
				}
			case *ast.CallExpr:
				calls = append(calls, n)
			}
			return true
		})
	}
	for _, c := range calls {
		var fn string
		switch f := c.Fun.(type) {
		case *ast.Ident:
			fn = f.Name
		case *ast.SelectorExpr:
			fn = f.Sel.Name
		}
		if fn != "invalid" && fn != "NewFieldError" && fn != "add" && fn != "Refusef" {
			continue
		}
		if len(c.Args) < 4 {
			continue
		}
		id, ok := c.Args[1].(*ast.Ident)
		if !ok || consts[id.Name] == "" {
			if ok && (id.Name == "code" || id.Name == "reason") { // the constructors passing their argument on
				continue
			}
			t.Errorf("%s: %s is called with a code that is no FieldCode constant", fset.Position(c.Pos()), fn)
		}
	}
	return consts
}

func TestEveryFieldErrorCodeIsDeclaredAndListed(t *testing.T) {
	consts := declaredFieldCodes(t)
	if len(consts) < 40 {
		t.Fatalf("found %d FieldCode constants: the parse missed them", len(consts))
	}
	var listed []FieldCode
	for _, c := range FieldCodes {
		if slices.Contains(listed, c.Code) {
			t.Errorf("FieldCodes lists %q twice", c.Code)
		}
		listed = append(listed, c.Code)
	}
	for name, code := range consts {
		if !slices.Contains(listed, code) {
			t.Errorf("%s (%q) is not in FieldCodes", name, code)
		}
	}
	if len(listed) != len(consts) {
		t.Errorf("FieldCodes lists %d codes, the package declares %d", len(listed), len(consts))
	}
}

// TestFieldErrorsCarryTheParametersTheirCodeDeclares validates records
// wrong in many ways and checks every field error has a listed code and
// only the parameters FieldCodes declares for it.
func TestFieldErrorsCarryTheParametersTheirCodeDeclares(t *testing.T) {
	declared := map[FieldCode][]string{}
	for _, c := range FieldCodes {
		declared[c.Code] = append([]string{"field"}, c.Params...)
	}
	neg := -1.0
	errs := []error{
		(&Standard{ID: "bad id", Level: "national", Quantity: "mass", Range: Range{Min: 5, Max: 1, Unit: "g"},
			Uncertainty: Uncertainty{Value: 0, Unit: "mm", K: 20}, MPE: &Value{Value: neg, Unit: "g"},
			Identifications: []Identification{{Issuer: "owner", Value: " x"}}}).Validate(),
		(&Instrument{ID: "I", InstitutionID: "X", Quantity: "mass", Range: Range{Min: -1, Max: 1, Unit: "kg"}, MPE: Value{Value: 0, Unit: "g"},
			Compulsory: true, IntervalMonths: 999, Location: &Location{District: "990000"}, RegisteredOn: "2024-01-01"}).ValidateNew(),
		(&Instrument{ID: "I", Category: "nope", Location: &Location{District: "12x"}}).ValidateNew(),
		(&Certificate{ID: "C", Kind: KindCalibration, SubjectID: "S", ReferenceIDs: []string{"S", "S"}, Quantity: "mass", PerformedOn: "2024-01-02",
			ValidUntil: "2024-01-01", Conformity: "pass", DCCC14NSHA256: "x", Supersedes: "C", Status: "revoked", SupersededBy: "D",
			Results: []Result{{Value: 1, Unit: "g"}}}).Validate(),
		(&Certificate{ID: "C", Kind: KindCalibration, DocType: "standard", PerformedOn: "0001-01-01", ValidUntil: "2024-13-01"}).Validate(),
		(&Comparison{ID: "K", Quantity: "mass", Results: []ComparisonResult{{InstitutionID: "A", Value: 1, Unit: "g", EN: &neg}, {InstitutionID: "A", Value: 1, Unit: "g"}}}).Validate(),
		(&Agreement{ID: "A", Parties: []string{"X"}, Quantities: []string{"luck"}, ComparisonWithinYears: 99, Approvals: []string{"X"}}).Validate(),
		(&Institution{ID: "I", Accreditations: []Accreditation{{Quantities: []string{"luck"}}, {}}}).Validate(),
		(&Capability{ID: "C", Quantity: "mass", Range: Range{Unit: "furlong"}, Uncertainty: Uncertainty{Value: 1, K: 2, Relative: true, Unit: "g"}}).Validate(),
		(&Capability{ID: "C", Quantity: "mass", Range: Range{Unit: "g"}, Uncertainty: Uncertainty{Value: 1, K: 2}}).Validate(),
		Decode([]byte(`{"id": 5}`), &Standard{}),
		Decode([]byte(`{"nope": 5}`), &Standard{}),
		Decode([]byte(`{"id":`), &Standard{}),
		Decode([]byte(`{"id":1x}`), &Standard{}),
		Decode([]byte(``), &Standard{}),
		Decode([]byte(`{} {}`), &Standard{}),
		Decode([]byte(`{"id":"a","ID":"b"}`), &Standard{}),
		Decode([]byte(strings.Repeat("[", 40)+strings.Repeat("]", 40)), &Standard{}),
		Decode([]byte("{\"name\":\"\xff\"}"), &Standard{}),
		Decode([]byte("{\"\xff\":1}"), &Standard{}),
		NotAfter("performed_on", "2030-01-01", "2024-01-01"),
		ValidText("reason", "\xff"),
	}
	seen := map[FieldCode]bool{}
	for _, err := range errs {
		ds := ErrorDetails(err)
		if len(ds) == 0 {
			ds = []FieldError{FieldErrorOf("x", err)}
		}
		for _, d := range ds {
			want, ok := declared[d.Code]
			if !ok {
				t.Errorf("%s: %q has code %q, not listed in FieldCodes", d.Field, d.Message, d.Code)
				continue
			}
			seen[d.Code] = true
			for k := range d.Params {
				if !slices.Contains(want, k) {
					t.Errorf("%s: %q (%s) carries parameter %q, not declared", d.Field, d.Message, d.Code, k)
				}
			}
			if d.Field != "" && d.Params["field"] == "" {
				t.Errorf("%s: %q (%s) has no field parameter", d.Field, d.Message, d.Code)
			}
		}
	}
	if len(seen) < 35 {
		t.Errorf("the records made %d distinct codes; the sweep is meant to reach most of them", len(seen))
	}
}

func TestARefusalNamesEveryFieldWithTheClassTheyShare(t *testing.T) {
	var r Refusal
	if r.Err() != nil {
		t.Fatal("an empty refusal is an error")
	}
	r.Add("issuer_id", NotFoundf("institution", "NOPE"))
	r.Add("reference_ids[0]", NotFoundf("standard", "GONE"))
	err := r.Err()
	if ErrorCode(err) != NotFound || ErrorMessage(err) != "institution NOPE does not exist; standard GONE does not exist" {
		t.Fatalf("refusal = %v", err)
	}
	want := []FieldError{
		{Field: "issuer_id", Message: "institution NOPE does not exist", Code: FieldRecordNotFound, Params: Params{"field": "issuer_id", "kind": "institution", "id": "NOPE"}},
		{Field: "reference_ids[0]", Message: "standard GONE does not exist", Code: FieldRecordNotFound, Params: Params{"field": "reference_ids[0]", "kind": "standard", "id": "GONE"}},
	}
	if got := ParseError("wrapped by a transport: " + err.Error()); !slicesEqual(got.Details, want) || got.Code != NotFound {
		t.Fatalf("after the wire: %+v, want details %+v", got, want)
	}
	r.Add("performed_on", NotAfter("performed_on", "2030-01-01", "2024-01-01"))
	if ErrorCode(r.Err()) != Invalid || len(ErrorDetails(r.Err())) != 3 {
		t.Fatalf("mixed refusal = %v", r.Err())
	}
}

func slicesEqual(a, b []FieldError) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Field != b[i].Field || a[i].Message != b[i].Message || a[i].Code != b[i].Code || len(a[i].Params) != len(b[i].Params) {
			return false
		}
		for k, v := range a[i].Params {
			if b[i].Params[k] != v {
				return false
			}
		}
	}
	return true
}

// TestAOneFieldErrorCrossesTheWireWithItsCode: an error a validator made
// about one field, alone or with context before its message, carries its
// code and parameters through [Error.Error] and [ParseError].
func TestAOneFieldErrorCrossesTheWireWithItsCode(t *testing.T) {
	id := ValidateID("standard_id", "bad id")
	wrapped := &Error{Code: NotFound, Message: "set status of standard X: " + ErrorMessage(NotFoundf("standard", "X")), Details: ErrorDetails(NotFoundf("standard", "X"))}
	for _, tt := range []struct {
		err  error
		code Code
		msg  string
		want FieldError
	}{
		{id, Invalid, `standard_id "bad id" is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)`,
			FieldError{Field: "standard_id", Message: `standard_id "bad id" is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)`,
				Code: FieldBadID, Params: Params{"field": "standard_id", "value": "bad id"}}},
		{wrapped, NotFound, "set status of standard X: standard X does not exist",
			FieldError{Message: "standard X does not exist", Code: FieldRecordNotFound, Params: Params{"kind": "standard", "id": "X"}}},
	} {
		got := ParseError("peer: " + tt.err.Error())
		if got.Code != tt.code || got.Message != tt.msg || !slicesEqual(got.Details, []FieldError{tt.want}) {
			t.Errorf("ParseError(%q) = %+v, want %s %q with %+v", tt.err.Error(), *got, tt.code, tt.msg, tt.want)
		}
	}
	if plain := Errorf(Invalid, "no code here"); strings.Contains(plain.Error(), detailsMarker) || ErrorDetails(plain) != nil {
		t.Errorf("an error of no validator carries details: %q", plain.Error())
	}
}

// TestABatchErrorKeepsItsReasonsThroughItsMessage: a refused batch's own
// reason and its items' reasons survive the error's text, as a chaincode
// error crosses Fabric, behind transport text.
func TestABatchErrorKeepsItsReasonsThroughItsMessage(t *testing.T) {
	e := BatchError("issue certificates", 3, []ItemError{
		{Index: 1, Code: Conflict, Message: "certificate C already exists", Reason: ReasonAlreadyExists, Params: Params{"kind": "certificate", "id": "C"}},
		{Index: 2, Code: Invalid, Message: "issue certificate: a; b"},
	})
	p := ParseError("rpc error: chaincode response 500, " + e.Error())
	if p.Code != Conflict || p.Message != e.Message {
		t.Fatalf("parsed %s %q, want %s %q", p.Code, p.Message, Conflict, e.Message)
	}
	items := BatchItemReasons(p)
	want := []ItemError{
		{Index: 1, Code: Conflict, Message: "certificate C already exists", Reason: ReasonAlreadyExists, Params: Params{"kind": "certificate", "id": "C"}},
		{Index: 2, Code: Invalid, Message: "issue certificate: a; b"},
	}
	if !reflect.DeepEqual(items, want) {
		t.Errorf("items %+v\nwant %+v", items, want)
	}
	ds := ErrorDetails(p)
	if len(ds) != 3 || ds[0].Code != ReasonBatchRefused || !reflect.DeepEqual(ds[0].Params, Params{"refused": "2", "total": "3"}) {
		t.Errorf("details %+v", ds)
	}
	// Details that are neither the message's end nor its reason and end
	// stay message text.
	forged := ParseError(`conflict: hello <details>[{"field":"","message":"other"},{"field":"","message":"lo"}]`)
	if forged.Details != nil || !strings.HasSuffix(forged.Message, `"lo"}]`) {
		t.Errorf("forged details accepted: %+v", forged)
	}
}

// TestASigningCertificateThatDoesNotParseNamesItsField: a certificate
// that is no PEM, two PEM blocks in one field, a DER that is no X.509
// and an active record with a revocation are field errors with codes.
func TestASigningCertificateThatDoesNotParseNamesItsField(t *testing.T) {
	junk := "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"
	for _, tc := range []struct {
		name string
		s    SigningCertificate
		want FieldError
	}{
		{"no PEM", SigningCertificate{ID: "S1", InstitutionID: "I1", Certificate: "nope"},
			FieldError{Field: "certificate", Code: FieldNotPEM, Params: Params{"field": "certificate"}, Message: "certificate is not a PEM CERTIFICATE block"}},
		{"two blocks", SigningCertificate{ID: "S1", InstitutionID: "I1", Certificate: junk + "\n" + junk},
			FieldError{Field: "certificate", Code: FieldPEMMoreBlocks, Params: Params{"field": "certificate"}, Message: "certificate holds more than one PEM block; put CA certificates in chain"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			if ds := ErrorDetails(err); len(ds) != 1 || !reflect.DeepEqual(ds[0], tc.want) {
				t.Fatalf("details %+v, want %+v", ds, tc.want)
			}
		})
	}
	err := (&SigningCertificate{ID: "S1", InstitutionID: "I1", Certificate: junk}).Validate()
	if ds := ErrorDetails(err); len(ds) != 1 || ds[0].Field != "certificate" || ds[0].Code != FieldX509Invalid || ds[0].Params["detail"] == "" {
		t.Fatalf("a DER that is no certificate: details %+v", ds)
	}
}
