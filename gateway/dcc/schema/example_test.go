package schema_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/metrotrace/metrotrace/gateway/dcc/schema"
)

// A DCC is checked against the embedded schema of its own schemaVersion; it
// must be refused when the Result has errors.
func Example() {
	doc, err := os.ReadFile("testdata/dcc_gp_temperature_typical_v12.xml")
	if err != nil {
		panic(err)
	}
	res := schema.Validate(doc)
	fmt.Println(res.Version, res.Validated, res.Refused())
	fmt.Println(res.Message)

	broken := strings.Replace(string(doc), "<dcc:beginPerformanceDate>1957-08-13<", "<dcc:beginPerformanceDate>13.08.1957<", 1)
	res = schema.Validate([]byte(broken))
	fmt.Println(res.Refused(), res.Message)
	for _, e := range res.Errors {
		fmt.Println(e.Line, e.Element)
		fmt.Println(e.Message)
	}
	// Output:
	// 3.1.1 true false
	// valid against DCC schema 3.1.1 (D-SI 2.2.0)
	// true invalid against DCC schema 3.1.1: 1 error
	// 68 /dcc:digitalCalibrationCertificate/dcc:administrativeData/dcc:coreData/dcc:beginPerformanceDate
	// value: "13.08.1957" is not a valid xs:date (YYYY-MM-DD)
}

// A document of a version with no embedded schema is accepted, and the
// Result says it was not schema-validated.
func ExampleValidate_versionWithoutSchema() {
	doc, err := os.ReadFile("testdata/dcc_gp_temperature_typical_v12_v3.2.0_signed_lt.xml")
	if err != nil {
		panic(err)
	}
	res := schema.Validate(doc)
	fmt.Println(res.Version, res.Validated, res.Refused())
	fmt.Println(res.Message)
	// Output:
	// 3.2.0 false false
	// not schema-validated: no schema for DCC 3.2.0 is embedded (embedded: 3.0.0, 3.1.0, 3.1.1, 3.1.2)
}
