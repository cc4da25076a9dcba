package demo

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
)

// Supervision scenario offsets, in days from today.
const (
	dueSoonAgo       = 350 // a yearly verification performed then falls due in about two weeks
	expiringApproval = 20  // days left of an approval
	caseChunk        = "2000"
)

// Resolution is one ResolveNotice call of the demo: a recorder of the
// notified institution resolves one certificate of its notice.
type Resolution struct {
	NoticeID      string            `json:"notice_id"`
	InstitutionID string            `json:"institution_id"`
	Resolution    record.Resolution `json:"resolution"`
}

// supervisionBeforeNumbering adds what the supervision lists show and
// needs no certificate id: an instrument never verified, one due soon, an
// approval about to expire.
func (g *gen) supervisionBeforeNumbering() {
	scale := typeNamed(tPriceScale)
	never := g.addInstrument("TJ-XQ", scale, true)
	g.owner(never, "西青区新开业便民超市收银台")
	g.show.NeverVerified = never.ID

	due := g.addInstrument("TJ-XQ", scale, true)
	g.owner(due, "西青区惠民农贸市场8号摊位")
	g.certifyInstrument("TJ-XQ", due, scale, g.standardOf("TJ-XQ", qMass, tierLocal), record.KindVerification, dueSoonAgo)
	g.show.DueSoon = due.ID

	approved := g.standardOf("HB-TS", qPressure, tierLocal)
	approved.s.Approval.ValidUntil = g.today.AddDate(0, 0, expiringApproval).Format(record.DateLayout)
	g.show.ExpiringApproval = approved.s.ID
}

// outOfToleranceCase opens a case on the sealed standard since the day it
// was last known good and resolves it part way, so that its notices show
// every state: the enterprise's notice closed (every item resolved), the
// district institute's still open with one item recalled (its instrument
// re-verified), one recalibrated, one of no impact and the rest open.
func (g *gen) outOfToleranceCase() {
	sealed := g.sealedStandard()
	since := g.day(impactSinceAgo)
	uses, err := rules.AffectedUsages(rules.FromSource(datasetSource(g.d)), sealed.s.ID, since)
	if err != nil {
		panic("demo: impact of the sealed standard: " + err.Error())
	}
	if len(uses) > 2000 {
		panic("demo: the case would need more than one transaction")
	}
	certs := map[string]*record.Certificate{}
	for _, c := range g.d.Certificates {
		certs[c.ID] = c
	}
	instruments := map[string]*record.Instrument{}
	for _, in := range g.d.Instruments {
		instruments[in.ID] = in
	}
	showcased := map[string]bool{}
	for _, b := range g.show.Breaks() {
		showcased[b.Subject] = true
	}
	showcased[g.show.Traceable], showcased[g.show.TraceableCompulsory] = true, true
	byIssuer := map[string][]*record.Certificate{}
	for _, u := range uses {
		if c := certs[u.CertificateID]; c != nil && c.Status == record.CertValid {
			byIssuer[u.IssuerID] = append(byIssuer[u.IssuerID], c)
		}
	}
	for _, list := range byIssuer {
		sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	}
	caseID := "CASE-" + sealed.s.ID
	g.d.Cases = append(g.d.Cases, record.CaseOpening{ID: caseID, StandardID: sealed.s.ID, Since: since,
		Finding: "期间核查发现1 kg砝码示值超差 +3.2 mg，超出E2等级最大允许误差"})
	resolve := func(inst string, r record.Resolution) {
		g.d.Resolutions = append(g.d.Resolutions, Resolution{NoticeID: record.NoticeID(caseID, inst), InstitutionID: inst, Resolution: r})
	}
	// The district institute: recall one verification (and verify the
	// instrument again), recalibrate one, one of no impact.
	var picked []*record.Certificate
	for _, c := range byIssuer["TJ-BH"] {
		in := instruments[c.SubjectID]
		if in != nil && c.Kind == record.KindVerification && in.Quantity == quantities[qMass].name && !showcased[in.ID] {
			picked = append(picked, c)
		}
	}
	if len(picked) < 3 || len(byIssuer["TJ-BH"]) < 4 {
		panic(fmt.Sprintf("demo: %d certificates of TJ-BH to resolve, of %d: one must stay open", len(picked), len(byIssuer["TJ-BH"])))
	}
	ref := g.standardOf("TJIM", qMass, tierProvincial)
	var renewed []*record.Certificate
	for i, c := range picked[:2] {
		in := instruments[c.SubjectID]
		n := g.certifyInstrument("TJ-BH", in, typeNamed(in.Type), ref, record.KindVerification, 0)
		n.ID = fmt.Sprintf("TJ-BH-%s-R%04d", g.d.Today[:4], i+1)
		renewed = append(renewed, n)
	}
	resolve("TJ-BH", record.Resolution{CertificateID: picked[0].ID, Action: record.ActionRecalled,
		Reason: "示值误差可能超出最大允许误差，撤销证书并已重新检定（" + renewed[0].ID + "）"})
	resolve("TJ-BH", record.Resolution{CertificateID: picked[1].ID, Action: record.ActionRecalibrated, ReplacementID: renewed[1].ID})
	resolve("TJ-BH", record.Resolution{CertificateID: picked[2].ID, Action: record.ActionNoImpact,
		Reason: "检定只用到 10 kg 以上砝码，超差的 1 kg 砝码未参与"})
	// The enterprise: every item of no impact, so its notice closes.
	for _, c := range byIssuer["TJ-PORT"] {
		resolve("TJ-PORT", record.Resolution{CertificateID: c.ID, Action: record.ActionNoImpact,
			Reason: "工作砝码复核合格，偏差在最大允许误差的三分之一以内"})
	}
	if len(byIssuer["TJ-PORT"]) == 0 {
		panic("demo: the case notifies no enterprise")
	}
	g.show.Case, g.show.OpenNotice, g.show.ClosedNotice = caseID, record.NoticeID(caseID, "TJ-BH"), record.NoticeID(caseID, "TJ-PORT")
	g.show.AtRisk = g.sealedUse.ID
}

// datasetSource lets the rules read the dataset as the chaincode will once
// it is loaded (status changes aside, which the impact walk ignores).
func datasetSource(d *Dataset) rules.Source {
	s := memSource{records: map[string][]byte{}, ids: map[string][]string{}}
	add := func(docType, id string, v any) {
		data, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		s.records[docType+"/"+id] = data
		for index, values := range record.IndexEntries(v) {
			for _, value := range values {
				s.ids[index+"/"+value] = append(s.ids[index+"/"+value], id)
			}
		}
	}
	for _, r := range d.Institutions {
		add(record.DocInstitution, r.ID, r)
	}
	for _, r := range d.Standards {
		add(record.DocStandard, r.ID, r)
	}
	for _, r := range d.Instruments {
		add(record.DocInstrument, r.ID, r)
	}
	for _, r := range d.Certificates {
		add(record.DocCertificate, r.ID, r)
	}
	return s
}

type memSource struct {
	records map[string][]byte
	ids     map[string][]string
}

func (s memSource) Record(docType, id string) ([]byte, error) { return s.records[docType+"/"+id], nil }

func (s memSource) IDs(index, value string) ([]string, error) {
	ids := append([]string(nil), s.ids[index+"/"+value]...)
	sort.Strings(ids)
	return ids, nil
}
