package contract_test

import (
	"encoding/base64"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
)

// manyBalances adds n balances of TJ-ENT, each verified once against
// TJ-ENT-WS after BJ-STD-MASS was affected.
func manyBalances(f *scenario.Fixture, n int) {
	for i := range n {
		id := fmt.Sprintf("TJ-BAL-9%03d", i)
		f.Instruments = append(f.Instruments, &record.Instrument{ID: id, InstitutionID: "TJ-ENT", Type: "electronic balance",
			Manufacturer: "Mettler Toledo", Model: "ME204", Serial: "S" + id, Quantity: "mass", Range: record.Range{Min: 0, Max: 220, Unit: "g"},
			MPE: record.Value{Value: 1, Unit: "mg"}})
		f.Certificates = append(f.Certificates, &record.Certificate{ID: fmt.Sprintf("TJENT-2024-9%03d", i), Kind: "verification", IssuerID: "TJ-ENT",
			SubjectID: id, ReferenceIDs: []string{"TJ-ENT-WS"}, Quantity: "mass", PerformedOn: "2024-05-20", ValidUntil: "2025-05-19",
			Method: "JJG 1036-2022", Conformity: "pass"})
	}
}

// TestImpactPageWalksEveryCertificateOncePageByPage pages the impact of
// BJ-STD-MASS through the contract and checks the pages add up to the
// whole Impact answer, in walk order, each page bounded.
func TestImpactPageWalksEveryCertificateOncePageByPage(t *testing.T) {
	f := scenario.New()
	manyBalances(f, 23)
	l := newLedger(t)
	l.load(f)
	insp := l.as("BeijingMSP", "inspector", "BJIM")
	whole := decode[rules.ImpactSet](t, l.mustEvaluate(insp, "Impact", "BJ-STD-MASS", "2024-02-01", "false"))

	var got []string
	var pages []rules.ImpactPage
	token := ""
	for range 100 {
		p := decode[rules.ImpactPage](t, l.mustEvaluate(insp, "ImpactPage", "BJ-STD-MASS", "2024-02-01", "4", token))
		if len(p.Certificates) > 4 || p.StandardID != "BJ-STD-MASS" || p.Since != "2024-02-01" {
			t.Fatalf("page %d = %+v", len(pages), p)
		}
		for _, c := range p.Certificates {
			got = append(got, c.CertificateID)
		}
		if p.TotalCertificates != len(got) {
			t.Fatalf("page %d counts %d certificates so far, the pages hold %d", len(pages), p.TotalCertificates, len(got))
		}
		pages = append(pages, p)
		if token = p.NextPageToken; token == "" {
			break
		}
	}
	if token != "" {
		t.Fatal("the walk did not end in 100 pages")
	}
	sorted := append([]string(nil), got...)
	sort.Strings(sorted)
	if !reflect.DeepEqual(sorted, whole.Certificates) {
		t.Fatalf("pages list %v, the whole impact %v", sorted, whole.Certificates)
	}
	// Breadth first: the faulty standard's certificate, then what its
	// subject standard calibrated, then the working standard's 24.
	if got[0] != "BJIM-2024-0100" || got[1] != "TJENT-2024-0007" || len(got) != 3+23 || len(pages) != 7 {
		t.Fatalf("walk order %v in %d pages", got, len(pages))
	}
	first, last := pages[0], pages[len(pages)-1]
	if first.Certificates[0] != (rules.ImpactItem{CertificateID: "BJIM-2024-0100", ReferenceID: "BJ-STD-MASS", PerformedOn: "2024-03-01", IssuerID: "BJIM",
		SubjectID: "TJ-ENT-STD", SubjectDocType: "standard", SubjectInstitutionID: "TJ-ENT"}) {
		t.Fatalf("first item %+v", first.Certificates[0])
	}
	if !reflect.DeepEqual(last.Standards, whole.Standards) || last.TotalCertificates != len(whole.Certificates) {
		t.Fatalf("last page: standards %v, total %d; want %v, %d", last.Standards, last.TotalCertificates, whole.Standards, len(whole.Certificates))
	}
	// The default page size holds them all at once.
	all := decode[rules.ImpactPage](t, l.mustEvaluate(insp, "ImpactPage", "BJ-STD-MASS", "2024-02-01", "", ""))
	if len(all.Certificates) != len(got) || all.NextPageToken != "" {
		t.Fatalf("one page of 100: %d certificates, token %q", len(all.Certificates), all.NextPageToken)
	}
}

func TestImpactPageRefusesBadInput(t *testing.T) {
	l := newLedger(t)
	l.load(scenario.New())
	insp := l.as("BeijingMSP", "inspector", "BJIM")
	p := decode[rules.ImpactPage](t, l.mustEvaluate(insp, "ImpactPage", "BJ-STD-MASS", "2024-02-01", "1", ""))
	if p.NextPageToken == "" {
		t.Fatalf("page of 1 = %+v, want a next page", p)
	}
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"r":"BJ-STD-MASS","s":"2024-02-01","q":[{"i":"X","s":"never"}],"f":{},"n":0}`))
	for _, tc := range []struct {
		name                    string
		std, since, size, token string
		code                    record.Code
	}{
		{"a page size of 0", "BJ-STD-MASS", "2024-02-01", "0", "", record.Invalid},
		{"a page size above the limit", "BJ-STD-MASS", "2024-02-01", "1001", "", record.Invalid},
		{"a page size that is no number", "BJ-STD-MASS", "2024-02-01", "x", "", record.Invalid},
		{"a bad date", "BJ-STD-MASS", "yesterday", "1", "", record.Invalid},
		{"a token that is not base64", "BJ-STD-MASS", "2024-02-01", "1", "%%%", record.Invalid},
		{"a token of another date", "BJ-STD-MASS", "2024-01-01", "1", p.NextPageToken, record.Invalid},
		{"a token of another standard", "NIM-MASS-P", "2024-02-01", "1", p.NextPageToken, record.Invalid},
		{"a forged token with a bad date", "BJ-STD-MASS", "2024-02-01", "1", forged, record.Invalid},
		{"an instrument", "TJ-BAL-001", "2024-02-01", "1", "", record.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.evaluate(insp, "ImpactPage", tc.std, tc.since, tc.size, tc.token)
			wantCode(t, err, tc.code)
		})
	}
}
