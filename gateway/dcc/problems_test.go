package dcc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// TestEveryNoteHasAListedCodeAndNamesEveryArgument parses the package for
// the notes and the mapping failures it makes and fails for a note whose code is not listed in
// ProblemCodes, whose names do not match ProblemCodes' params, or that
// names fewer or more parameters than its message prints.
func TestEveryNoteHasAListedCodeAndNamesEveryArgument(t *testing.T) {
	byCode := map[ProblemCode][]string{}
	for _, c := range ProblemCodes {
		if _, twice := byCode[c.Code]; twice {
			t.Errorf("%s listed twice", c.Code)
		}
		byCode[c.Code] = c.Params
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	// listed maps each ProblemCode constant's name to its params.
	listed := map[string][]string{}
	var files []*ast.File
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "ProblemCode" {
					for i, nm := range vs.Names {
						code := ProblemCode(strings.Trim(vs.Values[i].(*ast.BasicLit).Value, `"`))
						params, ok := byCode[code]
						if !ok {
							t.Errorf("%s (%q) is not in ProblemCodes", nm.Name, code)
						}
						listed[nm.Name] = params
					}
				}
			}
			return true
		})
	}
	if len(listed) != len(ProblemCodes) {
		t.Errorf("%d ProblemCode constants, ProblemCodes lists %d", len(listed), len(ProblemCodes))
	}
	notes := 0
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			// m.note and m.fail take (path, code, names, format, args...);
			// unreadable, a refusal under no path, (code, names, format,
			// args...).
			args := c.Args
			switch f := c.Fun.(type) {
			case *ast.SelectorExpr:
				if f.Sel.Name != "note" && f.Sel.Name != "fail" {
					return true
				}
			case *ast.Ident:
				if f.Name != "unreadable" {
					return true
				}
				args = append([]ast.Expr{nil}, c.Args...)
			default:
				return true
			}
			notes++
			at := fset.Position(c.Pos())
			if len(args) < 4 {
				t.Errorf("%s: note with %d arguments", at, len(c.Args))
				return true
			}
			code, ok := args[1].(*ast.Ident)
			if !ok {
				t.Errorf("%s: note's code is no constant", at)
				return true
			}
			params, ok := listed[code.Name]
			if !ok {
				t.Errorf("%s: %s is not in ProblemCodes", at, code.Name)
				return true
			}
			var names []string
			if lit, ok := args[2].(*ast.CompositeLit); ok {
				for _, el := range lit.Elts {
					names = append(names, strings.Trim(el.(*ast.BasicLit).Value, `"`))
				}
			}
			if !slices.Equal(names, params) {
				t.Errorf("%s: %s names %v, ProblemCodes lists %v", at, code.Name, names, params)
			}
			if got := len(args) - 4; got != len(names) {
				t.Errorf("%s: %s names %d parameters for %d arguments", at, code.Name, len(names), got)
			}
			return true
		})
	}
	if notes < len(ProblemCodes) {
		t.Errorf("found %d notes for %d codes: the parse missed some", notes, len(ProblemCodes))
	}
}

// TestAReadingFailureIsADetailWithItsCode: a DCC whose D-SI value is not
// a number is refused with that gap as the error's one detail, under its
// path, with its code and the value.
func TestAReadingFailureIsADetailWithItsCode(t *testing.T) {
	data := MustEdit(t, MustReadTestdata(t, mtMass), `<si:value>1.000012</si:value>`, `<si:value>heavy</si:value>`)
	_, err := Parse(data)
	ds := record.ErrorDetails(err)
	if record.ErrorCode(err) != record.Invalid || len(ds) != 1 || ds[0].Code != record.FieldCode(ProblemNotANumber) ||
		!reflect.DeepEqual(ds[0].Params, map[string]string{"value": "heavy"}) || !strings.HasPrefix(ds[0].Field, "measurementResults/") ||
		ds[0].Message != record.ErrorMessage(err) {
		t.Fatalf("err %v, details %+v", err, ds)
	}
}

// TestAFileThatIsNoDCCIsRefusedWithACode: an empty file, XML that is not
// well-formed, a DCC without or with an unsupported schemaVersion are
// refused with one detail under no path, its code and params.
func TestAFileThatIsNoDCCIsRefusedWithACode(t *testing.T) {
	const root = `<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc"`
	for _, tc := range []struct {
		name, doc string
		code      ProblemCode
		params    map[string]string
	}{
		{"an empty file", "", ProblemDCCEmpty, nil},
		{"text outside the root", "hello", ProblemXMLTextOutside, nil},
		{"no schemaVersion", root + `/>`, ProblemNoSchemaVersion, nil},
		{"an unsupported schemaVersion", root + ` schemaVersion="2.9.0"/>`, ProblemSchemaVersionUnsupported, map[string]string{"value": "2.9.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			ds := record.ErrorDetails(err)
			if record.ErrorCode(err) != record.Invalid || len(ds) != 1 || ds[0].Field != "" || ds[0].Code != record.FieldCode(tc.code) ||
				!(reflect.DeepEqual(ds[0].Params, tc.params) || len(ds[0].Params) == 0 && len(tc.params) == 0) || ds[0].Message != record.ErrorMessage(err) {
				t.Fatalf("err %v, details %+v; want %s %v", err, ds, tc.code, tc.params)
			}
		})
	}
}
