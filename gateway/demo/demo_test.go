package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/demo"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	ledgerpkg "github.com/metrotrace/metrotrace/gateway/ledger"
)

const today = "2026-03-15"

// ledger runs the real chaincode on the embedded ledger in memory, with
// the clock on the demo's day.
type ledger struct {
	t  testing.TB
	el *embedded.Ledger
}

func newLedger(t testing.TB, day string) *ledger {
	t.Helper()
	at, err := record.ParseDate(day)
	if err != nil {
		t.Fatal(err)
	}
	now := at.Add(8 * time.Hour)
	el, err := embedded.Open("", embedded.WithClock(func() time.Time { now = now.Add(time.Second); return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { el.Close() })
	return &ledger{t: t, el: el}
}

// as returns an identity of an organization with the role and institution
// attributes of Fabric CA.
func (l *ledger) as(mspID, role, institution string) *identity.Identity {
	l.t.Helper()
	id, err := l.el.Wallet().Identity(mspID, role, institution)
	if err != nil {
		l.t.Fatal(err)
	}
	return id
}

// load submits every step of the dataset, failing on the first rejection.
func (l *ledger) load(d *demo.Dataset) {
	l.t.Helper()
	for i, s := range d.Steps() {
		_, err := l.el.Submit(context.Background(), l.as(s.MSPID, s.Role, s.Institution),
			ledgerpkg.Call{Function: s.Function, Args: s.Args, Transient: s.Transient})
		if err != nil {
			l.t.Fatalf("step %d %s(%s) by %s %s %s: %v", i, s.Function, strings.Join(s.Args, ", "), s.MSPID, s.Role, s.Institution, err)
		}
	}
}

func (l *ledger) evaluateAs(id *identity.Identity, fn string, args ...string) string {
	l.t.Helper()
	out, err := l.el.Evaluate(context.Background(), id, ledgerpkg.Call{Function: fn, Args: args})
	if err != nil {
		l.t.Fatalf("%s%v: %v", fn, args, err)
	}
	return string(out)
}

func (l *ledger) evaluate(fn string, args ...string) string {
	return l.evaluateAs(l.as("HebeiMSP", record.RoleInspector, "HBIM"), fn, args...)
}

func decode[T any](t testing.TB, data string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

func (l *ledger) trace(subject, at string) rules.TraceReport {
	return decode[rules.TraceReport](l.t, l.evaluate("Trace", subject, at))
}

func failing(checks ...[]rules.Check) []string {
	seen := map[string]bool{}
	for _, list := range checks {
		for _, c := range list {
			if !c.OK {
				seen[c.Name] = true
			}
		}
	}
	out := []string{}
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func linkChecks(rep rules.TraceReport) [][]rules.Check {
	var out [][]rules.Check
	for _, l := range rep.Links {
		out = append(out, l.Checks)
	}
	return out
}

// levels is the number of records of the deepest chain of a trace, the
// subject and the primary standard included.
func levels(rep rules.TraceReport) int {
	deepest := 0
	for _, l := range rep.Links {
		deepest = max(deepest, l.Depth)
	}
	return deepest + 2
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, err := json.Marshal(demo.Generate(today))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(demo.Generate(today))
	if !bytes.Equal(a, b) {
		t.Fatal("two generations for the same day differ")
	}
	sa, _ := json.Marshal(demo.Generate(today).Steps())
	sb, _ := json.Marshal(demo.Generate(today).Steps())
	if !bytes.Equal(sa, sb) {
		t.Fatal("two generations for the same day give different steps")
	}
	// Another day shifts the dates, not the shape.
	other := demo.Generate("2031-07-01")
	d := demo.Generate(today)
	if other.Count() != d.Count() || len(other.Certificates) != len(d.Certificates) || other.Showcase.Traceable != d.Showcase.Traceable {
		t.Fatalf("the dataset's shape depends on the day: %d vs %d writes", other.Count(), d.Count())
	}
}

func TestGenerateRejectsABadDay(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Generate(\"15/03/2026\") did not panic")
		}
	}()
	demo.Generate("15/03/2026")
}

func TestCountsAreInRange(t *testing.T) {
	d := demo.Generate(today)
	for _, c := range []struct {
		kind      string
		n, lo, hi int
	}{
		{"institutions", len(d.Institutions), 20, 30},
		{"standards", len(d.Standards), 100, 150},
		{"instruments", len(d.Instruments), 250, 350},
		{"certificates", len(d.Certificates), 400, 600},
		{"capabilities", len(d.Capabilities), 25, 150},
		{"comparisons", len(d.Comparisons), 3, 10},
		{"agreements", len(d.Agreements), 1, 3},
	} {
		if c.n < c.lo || c.n > c.hi {
			t.Errorf("%d %s, want %d to %d", c.n, c.kind, c.lo, c.hi)
		}
	}
	if d.Count() != len(d.Steps()) {
		t.Errorf("Count() = %d, Steps() has %d", d.Count(), len(d.Steps()))
	}
	if len(d.Owners) == 0 {
		t.Error("no instrument has private owner details")
	}
	t.Logf("%d institutions, %d capabilities, %d standards, %d instruments (%d with owner details), %d certificates, %d status changes, %d comparisons, %d agreements: %d writes",
		len(d.Institutions), len(d.Capabilities), len(d.Standards), len(d.Instruments), len(d.Owners), len(d.Certificates),
		len(d.StatusChanges), len(d.Comparisons), len(d.Agreements), d.Count())
}

// validator is a record that checks itself.
type validator interface{ Validate() error }

func TestEveryRecordValidatesAsGenerated(t *testing.T) {
	d := demo.Generate(today)
	var all []validator
	for _, r := range d.Institutions {
		all = append(all, r)
	}
	for _, r := range d.Capabilities {
		all = append(all, r)
	}
	for _, r := range d.Standards {
		all = append(all, r)
	}
	for _, r := range d.Instruments {
		all = append(all, r)
	}
	for _, r := range d.Certificates {
		all = append(all, r)
	}
	for _, r := range d.Comparisons {
		all = append(all, r)
	}
	for _, r := range d.Agreements {
		all = append(all, r)
	}
	for _, o := range d.Owners {
		all = append(all, &o)
	}
	for _, r := range all {
		before, _ := json.Marshal(r)
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", before, err)
			continue
		}
		// Validate fills in defaults: the generator already wrote them.
		if after, _ := json.Marshal(r); !bytes.Equal(before, after) {
			t.Errorf("Validate changed %s into %s", before, after)
		}
	}
	ids := map[string]bool{}
	for _, s := range d.Standards {
		ids[s.ID] = true
	}
	for _, in := range d.Instruments {
		if ids[in.ID] {
			t.Errorf("id %s is used twice", in.ID)
		}
		ids[in.ID] = true
	}
	certs := map[string]bool{}
	for _, c := range d.Certificates {
		if certs[c.ID] {
			t.Errorf("certificate id %s is used twice", c.ID)
		}
		certs[c.ID] = true
		if !ids[c.SubjectID] {
			t.Errorf("certificate %s: unknown subject %s", c.ID, c.SubjectID)
		}
		if c.PerformedOn > today {
			t.Errorf("certificate %s performed %s, after today", c.ID, c.PerformedOn)
		}
	}
}

// TestLoadThroughTheChaincode loads the dataset through the real chaincode
// and checks every verdict the showcase promises, on two days.
func TestLoadThroughTheChaincode(t *testing.T) {
	days := []string{today, "2028-02-29"}
	if testing.Short() {
		days = days[:1]
	}
	for _, day := range days {
		t.Run(day, func(t *testing.T) { checkVerdicts(t, day) })
	}
}

func checkVerdicts(t *testing.T, day string) {
	d := demo.Generate(day)
	sc := d.Showcase
	if sc.Today != day {
		t.Fatalf("showcase today = %s, want %s", sc.Today, day)
	}
	l := newLedger(t, day)
	start := time.Now()
	l.load(d)
	t.Logf("loaded %d writes in %v", d.Count(), time.Since(start))

	t.Run("traceable", func(t *testing.T) {
		rep := l.trace(sc.Traceable, day)
		if !rep.Traceable {
			t.Fatalf("%s not traceable: %v", sc.Traceable, rep.Problems)
		}
		if n := levels(rep); n != 7 {
			t.Errorf("%s: chain of %d levels, want 7", sc.Traceable, n)
		}
		top := rep.Links[len(rep.Links)-1]
		if top.IssuerID != "NIM" || !strings.HasPrefix(top.ReferenceIDs[0], "NIM-") {
			t.Errorf("%s: top link %+v does not reach NIM", sc.Traceable, top)
		}
		rep = l.trace(sc.TraceableCompulsory, day)
		if !rep.Traceable || levels(rep) != 4 {
			t.Errorf("%s: traceable %v through %d levels, want true through 4: %v", sc.TraceableCompulsory, rep.Traceable, levels(rep), rep.Problems)
		}
	})

	t.Run("breaks", func(t *testing.T) {
		for _, b := range sc.Breaks() {
			rep := l.trace(b.Subject, day)
			if rep.Traceable {
				t.Errorf("%s (%s) is traceable", b.Subject, b.Why)
				continue
			}
			if got := failing(linkChecks(rep)...); !reflect.DeepEqual(got, []string{b.Check}) {
				t.Errorf("%s: failing checks %v, want exactly [%s]: %v", b.Subject, got, b.Check, rep.Problems)
			}
		}
	})

	t.Run("every other subject is traceable, 4 to 7 levels deep", func(t *testing.T) {
		broken := map[string]bool{}
		for _, b := range sc.Breaks() {
			broken[b.Subject] = true
		}
		depths := map[int]int{}
		for _, in := range d.Instruments {
			if in.ID == sc.NeverVerified {
				continue // no certificate at all: on the overdue list, see below
			}
			rep := l.trace(in.ID, day)
			if rep.Traceable == broken[in.ID] {
				t.Errorf("instrument %s: traceable = %v: %v", in.ID, rep.Traceable, rep.Problems)
				continue
			}
			if n := levels(rep); n < 4 || n > 7 {
				t.Errorf("instrument %s: chain of %d levels", in.ID, n)
			}
			depths[levels(rep)]++
		}
		for _, s := range d.Standards {
			if rep := l.trace(s.ID, day); rep.Traceable == broken[s.ID] {
				t.Errorf("standard %s: traceable = %v: %v", s.ID, rep.Traceable, rep.Problems)
			}
		}
		for n := 4; n <= 7; n++ {
			if depths[n] == 0 {
				t.Errorf("no instrument chain of %d levels: %v", n, depths)
			}
		}
		t.Logf("instrument chains by levels: %v", depths)
	})

	t.Run("supervision lists and the case", func(t *testing.T) { checkSupervision(t, l, sc) })

	t.Run("recognition", func(t *testing.T) {
		dec := decode[rules.RecognitionDecision](t, l.evaluate("Recognize", sc.RecognizedCertificate, sc.RecognizedBy, day))
		if !dec.Recognized || dec.AgreementID != sc.Agreement {
			t.Errorf("%s by %s: recognized %v under %q: %+v", sc.RecognizedCertificate, sc.RecognizedBy, dec.Recognized, dec.AgreementID, dec.Checks)
		}
		if len(dec.Checks) != 6 {
			t.Errorf("%d checks reported, want 6: %+v", len(dec.Checks), dec.Checks)
		}
		dec = decode[rules.RecognitionDecision](t, l.evaluate("Recognize", sc.UnrecognizedCertificate, sc.UnrecognizedBy, day))
		if dec.Recognized {
			t.Errorf("%s by %s is recognized", sc.UnrecognizedCertificate, sc.UnrecognizedBy)
		}
		if got := failing(dec.Checks); !reflect.DeepEqual(got, []string{sc.UnrecognizedCheck}) {
			t.Errorf("%s by %s: failing checks %v, want [%s]: %+v", sc.UnrecognizedCertificate, sc.UnrecognizedBy, got, sc.UnrecognizedCheck, dec.Checks)
		}
	})

	t.Run("impact", func(t *testing.T) {
		set := decode[rules.ImpactSet](t, l.evaluate("Impact", sc.ImpactStandard, sc.ImpactSince, "true"))
		want := impactOf(d, sc.ImpactStandard, sc.ImpactSince)
		got := map[string][]string{"certificates": set.Certificates, "instruments": set.Instruments,
			"standards": set.Standards, "institutions": set.Institutions}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("impact of %s since %s = %v, want %v", sc.ImpactStandard, sc.ImpactSince, got, want)
		}
		counts := []int{len(set.Certificates), len(set.Instruments), len(set.Standards), len(set.Institutions)}
		if wantCounts := []int{12, 10, 2, 3}; !reflect.DeepEqual(counts, wantCounts) {
			t.Errorf("impact counts (certificates, instruments, standards, institutions) = %v, want %v", counts, wantCounts)
		}
		if !contains(set.Instruments, sc.SealedReference) {
			t.Errorf("impact misses %s, verified after the standard was sealed", sc.SealedReference)
		}
	})

	t.Run("comparisons", func(t *testing.T) {
		var unsatisfactory []string
		for _, c := range d.Comparisons {
			stored := decode[record.Comparison](t, l.evaluate("Get", record.DocComparison, c.ID))
			for _, r := range stored.Results {
				if r.EN == nil {
					t.Fatalf("%s %s: no En", c.ID, r.InstitutionID)
				}
				if math.Abs(*r.EN) > 1 {
					unsatisfactory = append(unsatisfactory, c.ID+"/"+r.InstitutionID)
				}
			}
		}
		if len(unsatisfactory) != 2 || !strings.HasSuffix(unsatisfactory[1], "/TJIM") {
			t.Errorf("results with |En| > 1: %v, want HB-TS's mass and TJIM's pressure", unsatisfactory)
		}
	})

	t.Run("agreements and owners", func(t *testing.T) {
		for _, a := range d.Agreements {
			stored := decode[record.Agreement](t, l.evaluate("Get", record.DocAgreement, a.ID))
			if !reflect.DeepEqual(stored.Approvals, d.Approvals[a.ID]) {
				t.Errorf("%s approvals = %v, want %v", a.ID, stored.Approvals, d.Approvals[a.ID])
			}
			if inForce := stored.InForceOn(day); inForce != (a.ID == sc.Agreement) {
				t.Errorf("%s in force = %v", a.ID, inForce)
			}
		}
		n := 0
		for _, in := range d.Instruments {
			o, ok := d.Owners[in.ID]
			if !ok {
				continue
			}
			msp := ""
			for _, inst := range d.Institutions {
				if inst.ID == in.InstitutionID {
					msp = inst.MSPID
				}
			}
			got := decode[record.InstrumentOwner](t, l.evaluateAs(l.as(msp, record.RoleInspector, in.InstitutionID), "GetInstrumentOwner", in.ID))
			if got != o {
				t.Errorf("owner of %s = %+v, want %+v", in.ID, got, o)
			}
			if n++; n == 5 {
				break
			}
		}
	})
}

// impactOf walks the dataset down from a standard the plain way: every
// certificate using an affected standard on or after the day it became
// affected, its issuer, subject and subject's holder; a standard calibrated
// by such a certificate becomes affected from that certificate's date.
func impactOf(d *demo.Dataset, standard, since string) map[string][]string {
	holder := map[string]string{}
	isStandard := map[string]bool{}
	for _, s := range d.Standards {
		holder[s.ID], isStandard[s.ID] = s.InstitutionID, true
	}
	for _, in := range d.Instruments {
		holder[in.ID] = in.InstitutionID
	}
	affected := map[string]string{standard: since}
	sets := map[string]map[string]bool{"certificates": {}, "instruments": {}, "standards": {}, "institutions": {}}
	for changed := true; changed; {
		changed = false
		for _, c := range d.Certificates {
			for _, ref := range c.ReferenceIDs {
				from, ok := affected[ref]
				if !ok || c.PerformedOn < from {
					continue
				}
				sets["certificates"][c.ID] = true
				sets["institutions"][c.IssuerID] = true
				sets["institutions"][holder[c.SubjectID]] = true
				if !isStandard[c.SubjectID] {
					sets["instruments"][c.SubjectID] = true
					continue
				}
				sets["standards"][c.SubjectID] = true
				if c.SubjectID == standard {
					continue
				}
				if prev, seen := affected[c.SubjectID]; !seen || c.PerformedOn < prev {
					affected[c.SubjectID] = c.PerformedOn
					changed = true
				}
			}
		}
	}
	out := map[string][]string{}
	for kind, set := range sets {
		out[kind] = []string{}
		for id := range set {
			out[kind] = append(out[kind], id)
		}
		sort.Strings(out[kind])
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestFeaturedInstitutesAreTheProvincialInstitutes: the institutes a
// server's banner prints tokens for are in the dataset, one provincial
// institute of legal metrology per region, each in its own organization.
func TestFeaturedInstitutesAreTheProvincialInstitutes(t *testing.T) {
	byID := map[string]*record.Institution{}
	for _, in := range demo.Generate(today).Institutions {
		byID[in.ID] = in
	}
	want := []struct{ id, region, msp string }{
		{demo.InstituteBeijing, "BJ", "BeijingMSP"},
		{demo.InstituteTianjin, "TJ", "TianjinMSP"},
		{demo.InstituteHebei, "HB", "HebeiMSP"},
	}
	if len(demo.FeaturedInstitutes) != len(want) {
		t.Fatalf("FeaturedInstitutes %v, want %d", demo.FeaturedInstitutes, len(want))
	}
	for i, w := range want {
		in := byID[w.id]
		if demo.FeaturedInstitutes[i] != w.id || in == nil || in.Region != w.region || in.MSPID != w.msp || in.Kind != "legal_metrology" {
			t.Errorf("featured institute %d: %q, in the dataset %+v; want %s of %s in %s, legal_metrology", i, demo.FeaturedInstitutes[i], in, w.id, w.region, w.msp)
		}
	}
}
