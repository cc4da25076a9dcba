package dcc_test

import (
	"fmt"
	"os"

	"github.com/metrotrace/metrotrace/gateway/dcc"
)

// A DCC is parsed from its exact bytes and mapped onto a ledger
// certificate; the problems say what did not map.
func ExampleDocument_Certificate() {
	data, err := os.ReadFile("testdata/dcc_mass_tjim_v3.2.xml")
	if err != nil {
		panic(err)
	}
	doc, err := dcc.Parse(data)
	if err != nil {
		panic(err)
	}
	cert, problems, err := doc.Certificate(dcc.MapOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(cert.ID, cert.IssuerID, cert.SubjectID, cert.ReferenceIDs, cert.Quantity)
	fmt.Println(cert.Results[0].Quantity(), cert.Results[0].Uncertainty)
	fmt.Println(cert.PerformedOn, cert.ValidUntil, cert.Method)
	for _, p := range problems {
		fmt.Println(p.Message)
	}
	// Output:
	// TJIM-2024-M-0117 TJIM TJIM-W-1KG-07 [TJIM-STD-E1-1KG] mass
	// 1.000012 kg U = 1.6e-07 kg (k=2)
	// 2024-03-05 2025-03-05 JJG 99-2022
	// measuring equipment "Mass comparator" is auxiliary equipment, not a reference standard; not recorded
	// the DCC states no validity; valid_until is performed_on + 1 year(s): 2025-03-05
}
