package demo

import (
	"fmt"
	"math"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/units"
)

// Generate builds the demo dataset for a day (YYYY-MM-DD): certificates
// were performed in the months before it and are valid on it, except
// where a chain is broken on purpose. It panics if today is not a date.
func Generate(today string) *Dataset {
	t, err := record.ParseDate(today)
	if err != nil {
		panic("demo: " + err.Error())
	}
	g := &gen{
		today: t,
		r:     rng{s: 20240601},
		d: &Dataset{Today: today, Owners: map[string]record.InstrumentOwner{}, Approvals: map[string][]string{},
			StatusChanges: []StatusChange{}},
		inst:   map[string]*institution{},
		stds:   map[string]*standard{},
		seq:    map[string]int{},
		issued: map[string]bool{},
	}
	g.institutions()
	g.nationalAndProvincial()
	g.localStandards()
	g.enterpriseStandards()
	g.instruments()
	g.breaks()
	g.supervisionBeforeNumbering()
	g.comparisons()
	g.agreements()
	g.capabilities()
	g.numberCertificates()
	g.outOfToleranceCase()
	g.d.Showcase = g.show
	return g.d
}

// gen is the state of one generation.
type gen struct {
	today  time.Time
	r      rng
	d      *Dataset
	inst   map[string]*institution
	stds   map[string]*standard // by holder/quantity/tier key and by id
	seq    map[string]int
	issued map[string]bool // issuer/quantity pairs with certificates
	show   Showcase
	// certificates whose ids the showcase needs once they are numbered
	recognized, unrecognized *record.Certificate
	sealedUse                *record.Certificate // verified against the sealed standard after it was sealed
}

// standard is a generated standard with what generation needs to know.
type standard struct {
	s     *record.Standard
	q     int
	tier  int
	certs []*record.Certificate
}

// usableOn panics unless the standard was fit for use on a day: a primary
// standard always is; another needs a certificate valid that day. It
// guards the generator's own date arithmetic.
func (s *standard) usableOn(day string) {
	if s.tier == tierPrimary {
		return
	}
	for _, c := range s.certs {
		if c.ValidOn(day) {
			return
		}
	}
	panic(fmt.Sprintf("demo: standard %s has no certificate valid on %s", s.s.ID, day))
}

func (g *gen) day(ago int) string { return g.today.AddDate(0, 0, -ago).Format(record.DateLayout) }

// validUntil is the last day of a validity of years from a day.
func (g *gen) validUntil(ago, years int) string {
	return g.today.AddDate(0, 0, -ago).AddDate(years, 0, -1).Format(record.DateLayout)
}

func (g *gen) next(key string) int {
	g.seq[key]++
	return g.seq[key]
}

func (g *gen) institutions() {
	accUntil := time.Date(g.today.Year()+2, 12, 31, 0, 0, 0, 0, time.UTC).Format(record.DateLayout)
	for i := range institutions {
		in := &institutions[i]
		g.inst[in.id] = in
		rec := &record.Institution{ID: in.id, DocType: record.DocInstitution, Name: in.name, Region: in.region,
			MSPID: in.msp, Kind: in.kind, Accreditations: []record.Accreditation{}}
		if len(in.accredit) > 0 {
			a := record.Accreditation{Scheme: "CNAS", Number: in.cnas, ValidUntil: accUntil}
			for _, q := range in.accredit {
				a.Quantities = append(a.Quantities, quantities[q].name)
			}
			rec.Accreditations = append(rec.Accreditations, a)
		}
		g.d.Institutions = append(g.d.Institutions, rec)
	}
}

func stdKey(holder string, q, tier int) string { return fmt.Sprintf("%s/%d/%d", holder, q, tier) }

// addStandard registers a standard of a holder at a tier.
func (g *gen) addStandard(holder string, q, tier int, level string) *standard {
	qs := &quantities[q]
	in := g.inst[holder]
	id := fmt.Sprintf("%s-STD-%s-%03d", holder, qs.code, g.next("std/"+holder+"/"+qs.code))
	s := &record.Standard{
		ID: id, DocType: record.DocStandard, InstitutionID: holder, Name: qs.names[tier], Level: level,
		Quantity: qs.name, Range: qs.ranges[tier], Uncertainty: record.Uncertainty{Value: qs.u[tier], Unit: qs.uUnit, K: 2},
		Status: record.StatusActive, StatusHistory: []record.StatusChange{},
	}
	if record.NeedsApproval(level) {
		// 计量标准考核证书 are valid four years; each was issued before
		// the standard's first use in the dataset.
		until := g.today.AddDate(0, 0, g.r.between(100, 800))
		s.Approval = &record.Approval{
			Number:     fmt.Sprintf("[%d]%s量标证字第%03d号", until.Year()-4, in.abbr, g.r.between(1, 240)),
			ValidUntil: until.Format(record.DateLayout),
		}
	}
	st := &standard{s: s, q: q, tier: tier}
	g.d.Standards = append(g.d.Standards, s)
	g.stds[id] = st
	if _, taken := g.stds[stdKey(holder, q, tier)]; !taken {
		g.stds[stdKey(holder, q, tier)] = st
	}
	return st
}

func (g *gen) standardOf(holder string, q, tier int) *standard {
	st, ok := g.stds[stdKey(holder, q, tier)]
	if !ok {
		panic(fmt.Sprintf("demo: %s has no tier %d %s standard", holder, tier, quantities[q].name))
	}
	return st
}

// round rounds x to a number of decimals, so that it prints as a short
// decimal.
func round(x float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}

// convert converts a difference between units of one quantity; the
// catalog only uses compatible units.
func convert(v float64, from, to string) float64 {
	x, err := units.ConvertDelta(v, from, to)
	if err != nil {
		panic("demo: " + err.Error())
	}
	return x
}

// calibrate issues a calibration certificate of a standard against a
// reference standard of the issuer.
func (g *gen) calibrate(issuer string, subject, ref *standard, ago, years int) *record.Certificate {
	qs := &quantities[subject.q]
	ref.usableOn(g.day(ago))
	dev := convert((g.r.float()-0.5)*qs.c[ref.tier], qs.uUnit, qs.valueUnit)
	c := &record.Certificate{
		DocType: record.DocCertificate, Kind: record.KindCalibration, IssuerID: issuer, SubjectID: subject.s.ID,
		ReferenceIDs: []string{ref.s.ID}, Quantity: qs.name, PerformedOn: g.day(ago), ValidUntil: g.validUntil(ago, years),
		Results: []record.Result{{Value: round(qs.nominal+dev, qs.decimals), Unit: qs.valueUnit,
			Uncertainty: &record.Uncertainty{Value: qs.c[ref.tier], Unit: qs.uUnit, K: 2}}},
		Method: qs.method, Status: record.CertValid,
	}
	g.issue(c, subject.q)
	subject.certs = append(subject.certs, c)
	return c
}

func (g *gen) issue(c *record.Certificate, q int) {
	g.issued[fmt.Sprintf("%s/%d", c.IssuerID, q)] = true
	g.d.Certificates = append(g.d.Certificates, c)
}

// nationalAndProvincial creates NIM's primary standards and working
// references, and the provincial public standards NIM calibrates: BJIM's
// directly against the primary standard, TJIM's and HBIM's against the
// working reference (one more level).
func (g *gen) nationalAndProvincial() {
	for q := range quantities {
		p := g.addStandard("NIM", q, tierPrimary, record.LevelPrimary)
		w := g.addStandard("NIM", q, tierNational, record.LevelWorking)
		g.calibrate("NIM", w, p, g.r.between(640, 660), 3)
	}
	for _, prov := range []string{"BJIM", "TJIM", "HBIM"} {
		for q := range quantities {
			s := g.addStandard(prov, q, tierProvincial, record.LevelPublic)
			ref := g.standardOf("NIM", q, tierNational)
			if prov == "BJIM" {
				ref = g.standardOf("NIM", q, tierPrimary)
			}
			g.calibrate("NIM", s, ref, g.r.between(580, 620), 2)
		}
	}
}

// levelOf is the level of a tier-3 institution's standards.
func levelOf(kind string) string {
	switch kind {
	case "authorized_station":
		return record.LevelDepartment
	case "accredited_lab":
		return record.LevelEnterprise
	}
	return record.LevelPublic
}

// localStandards creates the standards of district institutes,
// laboratories and stations, calibrated by their provincial institute (or
// by NIM).
func (g *gen) localStandards() {
	for i := range institutions {
		in := &institutions[i]
		if in.tier != tierLocal {
			continue
		}
		for _, src := range in.standards {
			s := g.addStandard(in.id, src.q, tierLocal, levelOf(in.kind))
			refTier := tierProvincial
			if src.from == "NIM" {
				refTier = tierNational
			}
			c := g.calibrate(src.from, s, g.standardOf(src.from, src.q, refTier), g.r.between(520, 560), 2)
			switch {
			case in.id == "HB-SJZ" && src.q == qPressure:
				g.recognized = c
			case in.id == "TJ-BH" && src.q == qPressure:
				g.unrecognized = c
			}
		}
	}
}

// Day offsets of the scenarios.
const (
	impactSinceAgo = 150 // the sealed standard's last good intermediate check
	sealedAgo      = 40  // the day it was sealed
	sealedUseAgo   = 20  // the day it was used anyway
	portMassAgo    = 140 // TJ-PORT's enterprise mass standard, calibrated against it in between
)

// sealedStandard is the district standard sealed on purpose.
func (g *gen) sealedStandard() *standard { return g.standardOf("TJ-BH", qMass, tierLocal) }

// enterpriseStandards creates each enterprise's highest standards,
// calibrated by a district institute, laboratory or station, and its
// working standards, calibrated in-house.
func (g *gen) enterpriseStandards() {
	for i := range institutions {
		in := &institutions[i]
		if in.tier != tierEnterprise {
			continue
		}
		for _, src := range in.standards {
			e := g.addStandard(in.id, src.q, tierEnterprise, record.LevelEnterprise)
			ago := g.r.between(100, 330)
			if in.id == "TJ-PORT" && src.q == qMass {
				ago = portMassAgo
			}
			g.calibrate(src.from, e, g.standardOf(src.from, src.q, tierLocal), ago, 1)
			w := g.addStandard(in.id, src.q, tierWorking, record.LevelWorking)
			g.calibrate(in.id, w, e, ago-g.r.between(10, 40), 1)
		}
	}
}

// verifiable reports whether a reference of a tier may verify an instrument
// of a type: its uncertainty must not exceed a third of the MPE (with a
// margin).
func verifiable(t *instrumentType, refTier int) bool {
	qs := &quantities[t.q]
	return convert(qs.u[refTier], qs.uUnit, t.mpe.Unit) <= t.mpe.Value/3*0.95
}

// calibratable reports whether an issuer of a tier may calibrate an
// instrument of a type against a reference of a tier: the stated
// uncertainty must be no better than the issuer's CMC and worse than the
// reference's.
func calibratable(t *instrumentType, issuerTier, refTier int) bool {
	if t.calU == 0 {
		return false
	}
	qs := &quantities[t.q]
	u := convert(t.calU, t.calUnitOr(), qs.uUnit)
	return u >= qs.c[issuerTier] && u > qs.u[refTier]*1.2
}

// calUnitOr returns the unit of calU.
func (t *instrumentType) calUnitOr() string {
	if t.calUnit == "" {
		return quantities[t.q].uUnit
	}
	return t.calUnit
}

// addInstrument registers an instrument of a type held by an institution.
func (g *gen) addInstrument(holder string, t *instrumentType, compulsory bool) *record.Instrument {
	qs := &quantities[t.q]
	n := g.next("ins/" + holder + "/" + qs.code)
	m := t.makers[(n+len(holder))%len(t.makers)]
	in := &record.Instrument{
		ID: fmt.Sprintf("%s-INS-%s%03d", holder, qs.code, n), DocType: record.DocInstrument, InstitutionID: holder,
		Type: t.name, Manufacturer: m.manufacturer, Model: m.model,
		Serial:   fmt.Sprintf("%s%02d%06d", m.serial, (g.today.Year()-g.r.between(1, 8))%100, g.r.intn(1000000)),
		Quantity: qs.name, Range: t.rng, MPE: t.mpe, Compulsory: compulsory,
	}
	if compulsory {
		in.Category, in.IntervalMonths = t.category, 12
	}
	if h := g.inst[holder]; h.district != "" {
		// The address stays coarse: who owns the instrument is private data.
		in.Location = &record.Location{District: h.district, Address: h.place}
	}
	g.d.Instruments = append(g.d.Instruments, in)
	return in
}

// certifyInstrument issues a verification (compulsory instruments and
// stations) or a calibration of an instrument against a reference.
func (g *gen) certifyInstrument(issuer string, in *record.Instrument, t *instrumentType, ref *standard, kind string, ago int) *record.Certificate {
	return g.certify(issuer, in, t, ref, kind, ago, true)
}

// certify is certifyInstrument, with the guard that the reference was fit
// for use on the day only when checked: a broken chain needs it off.
func (g *gen) certify(issuer string, in *record.Instrument, t *instrumentType, ref *standard, kind string, ago int, checked bool) *record.Certificate {
	qs := &quantities[t.q]
	if checked {
		ref.usableOn(g.day(ago))
	}
	dev := (g.r.float() - 0.5) * 0.8 * convert(t.mpe.Value, t.mpe.Unit, t.rng.Unit)
	res := record.Result{Value: round(t.point+dev, t.decimals), Unit: t.rng.Unit}
	c := &record.Certificate{
		DocType: record.DocCertificate, Kind: kind, IssuerID: issuer, SubjectID: in.ID, ReferenceIDs: []string{ref.s.ID},
		Quantity: qs.name, PerformedOn: g.day(ago), ValidUntil: g.validUntil(ago, 1), Method: t.method, Status: record.CertValid,
	}
	if kind == record.KindVerification {
		c.Conformity = "pass"
	} else {
		res.Uncertainty = &record.Uncertainty{Value: t.calU, Unit: t.calUnitOr(), K: 2}
	}
	c.Results = []record.Result{res}
	g.issue(c, t.q)
	return c
}

// verifyCompulsory verifies an instrument under compulsory verification by
// a legal-metrology institute, with the previous year's verification when
// it was due within the dataset's window.
func (g *gen) verifyCompulsory(issuer string, in *record.Instrument, t *instrumentType) {
	ref := g.standardOf(issuer, t.q, tierLocal)
	ago := g.r.between(5, 360)
	if ref == g.sealedStandard() && ago <= sealedAgo+5 {
		ago += 60 // verified before the standard was sealed
	}
	if ago <= 150 {
		g.certifyInstrument(issuer, in, t, ref, record.KindVerification, ago+365)
	}
	g.certifyInstrument(issuer, in, t, ref, record.KindVerification, ago)
}

func (g *gen) owner(in *record.Instrument, name string) {
	in0 := g.inst[in.InstitutionID]
	digits := 8
	if len(in0.phone) == 4 {
		digits = 7
	}
	contact := fmt.Sprintf("%s-%d%0*d", in0.phone, g.r.between(5, 8), digits-1, g.r.intn(int(math.Pow10(digits-1))))
	g.d.Owners[in.ID] = record.InstrumentOwner{InstrumentID: in.ID, OwnerName: name, Contact: contact}
}

// instruments creates the working instruments and their certificates.
func (g *gen) instruments() {
	for i := range institutions {
		in := &institutions[i]
		switch {
		case in.tier == tierLocal && in.kind == "legal_metrology":
			for n, name := range districtInstruments {
				t := typeNamed(name)
				ins := g.addInstrument(in.id, t, true)
				tmpl := ownerTemplates[name]
				g.owner(ins, fmt.Sprintf(tmpl[n%len(tmpl)], in.place, 1+g.r.intn(60)))
				g.verifyCompulsory(in.id, ins, t)
				if in.id == "BJ-CY" && n == 0 {
					g.show.TraceableCompulsory = ins.ID
				}
			}
		case in.kind == "accredited_lab":
			g.labInstruments(in)
		case in.kind == "authorized_station":
			for _, name := range stationInstruments[in.id] {
				t := typeNamed(name)
				ins := g.addInstrument(in.id, t, t.compulsory)
				g.certifyInstrument(in.id, ins, t, g.standardOf(in.id, t.q, tierLocal), record.KindVerification, g.r.between(5, 360))
			}
		case in.kind == "enterprise":
			for _, name := range enterpriseCompulsory[in.id] {
				t := typeNamed(name)
				g.verifyCompulsory(in.home, g.addInstrument(in.id, t, true), t)
			}
			for _, src := range in.standards {
				g.inHouse(in, src.q, 6)
			}
		}
	}
}

// labInstruments creates customers' instruments calibrated by an
// accredited laboratory against its own standards.
func (g *gen) labInstruments(in *institution) {
	var types []*instrumentType
	for _, src := range in.standards {
		for i := range instrumentTypes {
			t := &instrumentTypes[i]
			if t.q == src.q && calibratable(t, tierLocal, tierLocal) && !t.compulsory {
				types = append(types, t)
			}
		}
	}
	customers := labCustomers[in.id]
	for n := 0; n < 7; n++ {
		t := types[(n*3)%len(types)]
		ins := g.addInstrument(in.id, t, false)
		g.owner(ins, customers[n%len(customers)])
		g.certifyInstrument(in.id, ins, t, g.standardOf(in.id, t.q, tierLocal), record.KindCalibration, g.r.between(5, 360))
	}
}

// inHouse creates instruments an enterprise calibrates itself, against its
// working standard where the uncertainty allows, else against its
// enterprise standard.
func (g *gen) inHouse(in *institution, q, count int) {
	type choice struct {
		t   *instrumentType
		ref *standard
	}
	var choices []choice
	for i := range instrumentTypes {
		t := &instrumentTypes[i]
		if t.q != q || t.calU == 0 {
			continue
		}
		switch {
		case calibratable(t, tierEnterprise, tierWorking):
			choices = append(choices, choice{t, g.standardOf(in.id, q, tierWorking)})
		case calibratable(t, tierEnterprise, tierEnterprise):
			choices = append(choices, choice{t, g.standardOf(in.id, q, tierEnterprise)})
		}
	}
	for n := 0; n < count; n++ {
		ch := choices[n%len(choices)]
		refAgo := g.agoOf(ch.ref.certs[len(ch.ref.certs)-1].PerformedOn)
		ins := g.addInstrument(in.id, ch.t, false)
		g.certifyInstrument(in.id, ins, ch.t, ch.ref, record.KindCalibration, g.r.between(3, refAgo-3))
		if in.id == "HB-PHARM" && q == qMass && n == 0 {
			g.show.Traceable = ins.ID
		}
	}
}

func (g *gen) agoOf(day string) int {
	t, err := record.ParseDate(day)
	if err != nil {
		panic("demo: " + err.Error())
	}
	return int(g.today.Sub(t).Hours() / 24)
}

// breaks adds the deliberately broken chains.
func (g *gen) breaks() {
	// A market scale verified against the district mass standard after it
	// was sealed.
	sealed := g.sealedStandard()
	g.d.StatusChanges = append(g.d.StatusChanges, StatusChange{StandardID: sealed.s.ID, Status: record.StatusSealed,
		Since: g.day(sealedAgo), Reason: "期间核查发现1 kg砝码示值超差，停用封存待修"})
	scale := typeNamed(tPriceScale)
	ins := g.addInstrument("TJ-BH", scale, true)
	g.owner(ins, "滨海新区惠民农贸市场17号摊位")
	g.sealedUse = g.certifyInstrument("TJ-BH", ins, scale, sealed, record.KindVerification, sealedUseAgo)
	g.show.SealedReference, g.show.SealedStandard, g.show.SealedSince = ins.ID, sealed.s.ID, g.day(sealedAgo)
	g.show.ImpactStandard, g.show.ImpactSince = sealed.s.ID, g.day(impactSinceAgo)

	// A thermocouple calibrated against a second enterprise standard whose
	// certificate had expired.
	expired := g.addStandard("HB-STEEL", qTemperature, tierEnterprise, record.LevelEnterprise)
	expired.s.Name = "二等标准铂铑10-铂热电偶标准装置"
	expired.s.Range = record.Range{Min: 300, Max: 1200, Unit: "°C"}
	g.calibrate("HB-TS", expired, g.standardOf("HB-TS", qTemperature, tierLocal), 470, 1)
	tc := typeNamed(tThermocouple)
	ins = g.addInstrument("HB-STEEL", tc, false)
	g.certify("HB-STEEL", ins, tc, expired, record.KindCalibration, 60, false)
	g.show.ExpiredReference, g.show.ExpiredReferenceStandard = ins.ID, expired.s.ID

	// A micrometer verified in-house against working gauge blocks too
	// coarse for it.
	mic := typeNamed(tMicrometer)
	ws := g.standardOf("HB-AUTO", qLength, tierWorking)
	ins = g.addInstrument("HB-AUTO", mic, false)
	g.certifyInstrument("HB-AUTO", ins, mic, ws, record.KindVerification, g.r.between(3, g.agoOf(ws.certs[0].PerformedOn)-3))
	g.show.RatioFailing = ins.ID

	// A clinical thermometer overdue for its yearly verification.
	th := typeNamed(tClinical)
	ins = g.addInstrument("BJ-CY", th, true)
	g.owner(ins, "朝阳区第9社区卫生服务中心")
	g.certifyInstrument("BJ-CY", ins, th, g.standardOf("BJ-CY", qTemperature, tierLocal), record.KindVerification, 400)
	g.show.Overdue = ins.ID
}
