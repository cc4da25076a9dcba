package scenario

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// Synthetic region: the benchmarks' data set. Its ids and dates are fixed
// so benchmarks can ask known questions of it.
const (
	// SyntheticTraceAt is a date on which every instrument's third
	// certificate is valid: a trace then walks all eight levels.
	SyntheticTraceAt = "2026-07-01"
	// SyntheticImpactStandard feeds every instrument (through STD-7).
	SyntheticImpactStandard = "STD-6"
	// SyntheticLevels is the depth of every instrument's chain.
	SyntheticLevels = 8
	// SyntheticToday is the day the supervision lists are asked on: the
	// instruments with a six-month interval (one in SyntheticOverdueEvery)
	// are overdue since 2026-12-01, every other one is due on 2027-05-31.
	SyntheticToday = "2027-01-15"
	// SyntheticOverdueEvery: instrument k has a six-month interval when k
	// is a multiple of it, twelve months otherwise.
	SyntheticOverdueEvery = 50
)

// SyntheticDistricts are the districts the synthetic instruments are
// spread over, round robin: every county-level district of Beijing and
// Tianjin and every prefecture-level city of Hebei (record.DistrictNames).
var SyntheticDistricts = func() []string {
	out := make([]string, 0, len(record.DistrictNames))
	for code := range record.DistrictNames {
		out = append(out, code)
	}
	sort.Strings(out)
	return out
}()

// SyntheticInstrumentID is the id of instrument n of the synthetic region.
func SyntheticInstrumentID(n int) string { return fmt.Sprintf("INS-%07d", n) }

// Synthetic calls add for every record of a large, regular region, in an
// order the chaincode would accept: an institution, a capability, an
// eight-level chain of standards (STD-0 primary … STD-7 working, each
// calibrated against the one above) and n instruments under STD-7, each
// with three yearly verification certificates. Every instrument is
// compulsory (强检), in district SyntheticDistricts[k mod len] and catalogue
// category record.CategoryCodes[k mod len], registered on 2024-01-01, with
// a verification interval of 12 months, or 6 for one in
// SyntheticOverdueEvery (overdue on SyntheticToday). The records are written as
// a ledger would store them (status set), so they can be fed to an index
// as events directly.
func Synthetic(n int, add func(docType, id string, v any)) {
	u := func(v float64) record.Uncertainty { return record.Uncertainty{Value: v, Unit: "mg", K: 2} }
	add(record.DocInstitution, "LAB", &record.Institution{ID: "LAB", Name: "lab", Region: "BJ", MSPID: "BeijingMSP", Kind: "legal_metrology", Accreditations: []record.Accreditation{}})
	add(record.DocCapability, "CMC", &record.Capability{ID: "CMC", InstitutionID: "LAB", Quantity: "mass", Range: record.Range{Min: 0, Max: 10, Unit: "kg"}, Uncertainty: u(0.001), Method: "JJG 99", ValidUntil: "2099-12-31"})
	levels := []string{"primary", "public", "public", "department", "enterprise", "enterprise", "working", "working"}
	for i, lvl := range levels {
		s := &record.Standard{ID: fmt.Sprint("STD-", i), InstitutionID: "LAB", Name: "s", Level: lvl, Quantity: "mass",
			Range: record.Range{Min: 0, Max: 10, Unit: "kg"}, Uncertainty: u(0.01 * float64(i+1)), Status: "active", StatusHistory: []record.StatusChange{}}
		if record.NeedsApproval(lvl) {
			s.Approval = &record.Approval{Number: "A", ValidUntil: "2099-12-31"}
		}
		add(record.DocStandard, s.ID, s)
		if i > 0 {
			add(record.DocCertificate, fmt.Sprint("C-STD-", i), &record.Certificate{ID: fmt.Sprint("C-STD-", i), Kind: "calibration", IssuerID: "LAB",
				SubjectID: s.ID, ReferenceIDs: []string{fmt.Sprint("STD-", i-1)}, Quantity: "mass", PerformedOn: "2024-01-0" + strconv.Itoa(i),
				ValidUntil: "2030-01-01", Method: "JJG 99", Results: []record.Result{{Value: 1, Unit: "kg", Uncertainty: &record.Uncertainty{Value: 0.01*float64(i+1) + 0.005, Unit: "mg", K: 2}}}, Status: "valid"})
		}
	}
	for k := 0; k < n; k++ {
		id := SyntheticInstrumentID(k)
		interval := 12
		if k%SyntheticOverdueEvery == 0 {
			interval = 6
		}
		add(record.DocInstrument, id, &record.Instrument{ID: id, InstitutionID: "LAB", Type: "balance", Manufacturer: "m", Model: "x", Serial: id,
			Quantity: "mass", Range: record.Range{Min: 0, Max: 2, Unit: "kg"}, MPE: record.Value{Value: 10, Unit: "mg"},
			Compulsory: true, Location: &record.Location{District: SyntheticDistricts[k%len(SyntheticDistricts)]},
			Category: record.CategoryCodes[k%len(record.CategoryCodes)], IntervalMonths: interval, RegisteredOn: "2024-01-01"})
		for y := 0; y < 3; y++ {
			cid := fmt.Sprintf("C-%07d-%d", k, y)
			add(record.DocCertificate, cid, &record.Certificate{ID: cid, Kind: "verification", IssuerID: "LAB", SubjectID: id,
				ReferenceIDs: []string{"STD-7"}, Quantity: "mass", PerformedOn: fmt.Sprintf("%d-06-01", 2024+y), ValidUntil: fmt.Sprintf("%d-05-31", 2025+y),
				Method: "JJG 1036", Conformity: "pass", Results: []record.Result{}, Status: "valid"})
		}
	}
}
