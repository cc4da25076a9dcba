package dcc

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Test files: the PTB examples and the files written for metrotrace.
const (
	ptbSimplified  = "dcc_gp_temperature_simplified_v12.xml"
	ptbTypical     = "dcc_gp_temperature_typical_v12.xml"
	ptbHumidity    = "dcc_gp_humidity_v1.0.xml"
	mtMass         = "dcc_mass_tjim_v3.2.xml"
	mtTemperature  = "dcc_temperature_list_bjim_v3.3.xml"
	mtPressurePrev = "dcc_pressure_previous_hbim_v3.3.xml"
)

// MustReadTestdata returns the bytes of a file under testdata.
func MustReadTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// MustParse parses a DCC and fails the test on error.
func MustParse(t testing.TB, data []byte) *Document {
	t.Helper()
	doc, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return doc
}

// MustEdit replaces old (which must occur) in a DCC, to make bad inputs out
// of good files.
func MustEdit(t testing.TB, data []byte, old, new string) []byte {
	t.Helper()
	if !strings.Contains(string(data), old) {
		t.Fatalf("edit: %q not found", old)
	}
	return []byte(strings.Replace(string(data), old, new, 1))
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// assertInvalid checks that err is a *record.Error of code Invalid whose
// message contains every fragment.
func assertInvalid(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an invalid error containing %q, got nil", fragments)
	}
	var re *record.Error
	if !errors.As(err, &re) {
		t.Fatalf("error %v is a %T, not a *record.Error", err, err)
	}
	if re.Code != record.Invalid {
		t.Fatalf("error code = %q, want %q (%v)", re.Code, record.Invalid, err)
	}
	for _, f := range fragments {
		if !strings.Contains(re.Message, f) {
			t.Errorf("error %q does not say %q", re.Message, f)
		}
	}
}

// assertCertificate compares two certificates field by field, so a failure
// names the field.
func assertCertificate(t *testing.T, got, want *record.Certificate) {
	t.Helper()
	if got == nil {
		t.Fatal("certificate is nil")
	}
	g, w := reflect.ValueOf(*got), reflect.ValueOf(*want)
	for i := range g.NumField() {
		name := g.Type().Field(i).Name
		if !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
			t.Errorf("%s = %s, want %s", name, show(g.Field(i).Interface()), show(w.Field(i).Interface()))
		}
	}
}

func show(v any) string {
	if rs, ok := v.([]record.Result); ok {
		parts := make([]string, len(rs))
		for i, r := range rs {
			parts[i] = r.Quantity().String()
			if r.Uncertainty != nil {
				parts[i] += " " + r.Uncertainty.String()
			}
		}
		return "[" + strings.Join(parts, "; ") + "]"
	}
	return fmt.Sprintf("%q", v)
}

// results builds calibration results that share a unit, an uncertainty
// unit and k.
func results(unit string, k float64, pairs ...float64) []record.Result {
	var out []record.Result
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, record.Result{Value: pairs[i], Unit: unit, Uncertainty: &record.Uncertainty{Value: pairs[i+1], Unit: unit, K: k}})
	}
	return out
}

// hasProblem reports whether a problem at a path containing path says
// something containing message.
func hasProblem(problems []Problem, path, message string) bool {
	for _, p := range problems {
		if strings.Contains(p.Path, path) && strings.Contains(p.Message, message) {
			return true
		}
	}
	return false
}

// mustCanonical is CanonicalSHA256 of data.
func mustCanonical(t *testing.T, data []byte) string {
	t.Helper()
	sha, err := CanonicalSHA256(data)
	if err != nil {
		t.Fatal(err)
	}
	return sha
}
