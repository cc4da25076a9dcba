package demo

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// comparison is an inter-laboratory comparison to generate: the pilot's
// reference value is the quantity's nominal value; each participant's
// value is placed so that its En is close to the wanted one.
type comparison struct {
	pilot string
	q     int
	ago   int
	en    []participant
}

type participant struct {
	id string
	en float64
}

var comparisonPlan = []comparison{
	{pilot: "NIM", q: qLength, ago: 760, en: []participant{
		{"BJIM", 0.14}, {"TJIM", -0.33}, {"HBIM", 0.56}, {"BJ-LAB", 0.21}, {"HB-LAB", -0.48}, {"TJ-RAIL", 0.77}}},
	{pilot: "NIM", q: qVoltage, ago: 720, en: []participant{
		{"BJIM", 0.09}, {"TJIM", 0.27}, {"HBIM", -0.38}, {"BJ-LAB", 0.66}, {"TJ-LAB", -0.54}, {"HB-LAB", 0.35}, {"BJ-EPC", -0.82}}},
	{pilot: "NIM", q: qMass, ago: 700, en: []participant{
		{"BJIM", 0.31}, {"TJIM", -0.46}, {"HBIM", 0.22}, {"BJ-CY", 0.58}, {"TJ-BH", -0.71}, {"HB-SJZ", 0.12},
		{"HB-TS", -1.21}, {"HB-BD", 0.44}}},
	// TJIM's pressure result is unsatisfactory (|En| > 1): its pressure
	// certificates are not recognized under the three-region agreement.
	{pilot: "NIM", q: qPressure, ago: 680, en: []participant{
		{"BJIM", 0.35}, {"TJIM", 1.38}, {"HBIM", -0.42}, {"BJ-HD", 0.64}, {"TJ-XQ", -0.27}, {"HB-BD", 0.81}, {"TJ-LAB", 0.19}}},
	{pilot: "NIM", q: qTemperature, ago: 660, en: []participant{
		{"BJIM", -0.18}, {"TJIM", 0.52}, {"HBIM", 0.29}, {"BJ-LAB", -0.63}, {"HB-LAB", 0.47}, {"BJ-CY", 0.91}}},
	// A provincial proficiency test among Hebei's city institutes.
	{pilot: "HBIM", q: qMass, ago: 300, en: []participant{{"HB-SJZ", 0.37}, {"HB-TS", 0.68}, {"HB-BD", -0.29}}},
}

// tierOf is the tier of an institution's CMC.
func (g *gen) tierOf(id string) int { return g.inst[id].tier }

// comparisons records the comparison plan. The reference uncertainty is
// the pilot's transfer uncertainty; each participant states its CMC.
func (g *gen) comparisons() {
	for _, p := range comparisonPlan {
		qs := &quantities[p.q]
		refU := qs.c[g.tierOf(p.pilot)+1]
		day := g.day(p.ago)
		c := &record.Comparison{
			ID:      fmt.Sprintf("CMP-%s-%s-%s", p.pilot, qs.code, day[:4]),
			DocType: record.DocComparison, PilotID: p.pilot, Quantity: qs.name, CompletedOn: day,
			Reference: record.Result{Value: qs.nominal, Unit: qs.valueUnit, Uncertainty: &record.Uncertainty{Value: refU, Unit: qs.uUnit, K: 2}},
		}
		for _, r := range p.en {
			u := qs.c[g.tierOf(r.id)]
			dev := convert(r.en*math.Sqrt(u*u+refU*refU), qs.uUnit, qs.valueUnit)
			c.Results = append(c.Results, record.ComparisonResult{InstitutionID: r.id,
				Value: round(qs.nominal+dev, qs.decimals+1), Unit: qs.valueUnit,
				Uncertainty: &record.Uncertainty{Value: u, Unit: qs.uUnit, K: 2}})
		}
		g.d.Comparisons = append(g.d.Comparisons, c)
	}
}

// agreements proposes the three-region agreement, approved by every party,
// and an agreement among the laboratories still waiting for HB-LAB.
func (g *gen) agreements() {
	from := time.Date(g.today.AddDate(0, 0, -600).Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	jjj := &record.Agreement{
		ID: fmt.Sprintf("AGR-JJJ-%d", from.Year()), DocType: record.DocAgreement,
		Parties: []string{"BJIM", "TJIM", "HBIM"}, Quantities: []string{"mass", "pressure", "temperature"},
		RequiresAccreditation: true, ComparisonWithinYears: 3,
		ValidFrom: from.Format(record.DateLayout), ValidUntil: from.AddDate(5, 0, -1).Format(record.DateLayout),
		Approvals: []string{},
	}
	labFrom := time.Date(g.today.AddDate(0, 0, -200).Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	labs := &record.Agreement{
		ID: fmt.Sprintf("AGR-JJJ-LAB-%d", labFrom.Year()), DocType: record.DocAgreement,
		Parties: []string{"BJ-LAB", "TJ-LAB", "HB-LAB"}, Quantities: []string{"voltage", "length"},
		RequiresAccreditation: true, ComparisonWithinYears: 5,
		ValidFrom: labFrom.Format(record.DateLayout), ValidUntil: labFrom.AddDate(3, 0, -1).Format(record.DateLayout),
		Approvals: []string{},
	}
	g.d.Agreements = []*record.Agreement{jjj, labs}
	g.d.Approvals[jjj.ID] = []string{"BJIM", "TJIM", "HBIM"}
	g.d.Approvals[labs.ID] = []string{"BJ-LAB", "TJ-LAB"}
	g.show.Agreement, g.show.PendingAgreement = jjj.ID, labs.ID
}

// capabilities gives every issuer a CMC for each quantity it certifies:
// the uncertainty of its tier over the quantity's whole range.
func (g *gen) capabilities() {
	until := time.Date(g.today.Year()+2, 12, 31, 0, 0, 0, 0, time.UTC).Format(record.DateLayout)
	for _, in := range g.d.Institutions {
		for q := range quantities {
			if !g.issued[fmt.Sprintf("%s/%d", in.ID, q)] {
				continue
			}
			qs := &quantities[q]
			g.d.Capabilities = append(g.d.Capabilities, &record.Capability{
				ID: fmt.Sprintf("CMC-%s-%s", in.ID, qs.code), DocType: record.DocCapability, InstitutionID: in.ID,
				Quantity: qs.name, Range: qs.cmc, Uncertainty: record.Uncertainty{Value: qs.c[g.tierOf(in.ID)], Unit: qs.uUnit, K: 2},
				Method: qs.method, ValidUntil: until,
			})
		}
	}
}

// numberCertificates orders the certificates by date and numbers each
// issuer's certificates of a year in that order, as a register would:
// ISSUER-YYYY-NNNNN.
func (g *gen) numberCertificates() {
	sort.SliceStable(g.d.Certificates, func(i, j int) bool {
		return g.d.Certificates[i].PerformedOn < g.d.Certificates[j].PerformedOn
	})
	next := map[string]int{}
	for _, c := range g.d.Certificates {
		key := c.IssuerID + "-" + c.PerformedOn[:4]
		n, ok := next[key]
		if !ok {
			n = 10 + g.r.intn(400)
		}
		n += 1 + g.r.intn(9)
		next[key] = n
		c.ID = fmt.Sprintf("%s-%05d", key, n)
	}
	g.show.Today = g.d.Today
	g.show.RecognizedCertificate, g.show.RecognizedBy = g.recognized.ID, "TJIM"
	g.show.UnrecognizedCertificate, g.show.UnrecognizedBy = g.unrecognized.ID, "HBIM"
	g.show.UnrecognizedCheck = "comparison_satisfactory"
}

// rng is a small deterministic generator (SplitMix64): the dataset must not
// change with the Go release.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }
