package scenario

import (
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
)

// SupervisionRegion is a small region built around a day ("today") for the
// supervision lists and the out-of-tolerance case: its dates are relative
// to that day, so the lists asked on it must return exactly Expect's ids.
type SupervisionRegion struct {
	*Fixture
	Today  string
	Expect SupervisionExpect
}

// SupervisionExpect is what the supervision lists and the case must find in
// a SupervisionRegion, asked on its Today.
type SupervisionExpect struct {
	// Overdue: compulsory instruments past due or never verified, most
	// overdue first (one never verified is due from its registration, today).
	Overdue []string
	// Due30: compulsory instruments due within 30 days, soonest first.
	Due30 []string
	// Approvals30: standards whose approval expires within 30 days or has
	// expired, soonest first, with the certificates issued after expiry.
	Approvals30     []string
	AfterExpiry     map[string][]string
	AtRisk          []string
	AtRiskReasons   map[string]string
	CaseStandard    string
	CaseSince       string
	CaseNotices     map[string][]string // issuing institution → affected certificates
	CoverageTianjin [2]int              // compulsory instruments registered in TJ districts, verified today
}

// Supervision returns the supervision region around today. Compulsory
// instruments sit in Tianjin and Hebei districts; TJ-STD-B was found out of
// tolerance and sealed 60 days ago; BJ-STD-A's approval expired 10 days ago
// and it was used since; HB-STD-C's approval expires in 20 days and its own
// calibration expired 100 days ago.
func Supervision(today time.Time) *SupervisionRegion {
	day := func(n int) string { return today.AddDate(0, 0, n).Format(record.DateLayout) }
	f := &Fixture{Approvals: map[string][]string{}}
	f.Institutions = []*record.Institution{
		{ID: "NIM", Name: "中国计量科学研究院", Region: "BJ", MSPID: "BeijingMSP", Kind: "national_institute"},
		{ID: "BJIM", Name: "北京市计量检测科学研究院", Region: "BJ", MSPID: "BeijingMSP", Kind: "legal_metrology"},
		{ID: "TJIM", Name: "天津市计量监督检测科学研究院", Region: "TJ", MSPID: "TianjinMSP", Kind: "legal_metrology"},
		{ID: "TJ-MKT", Name: "天津某农贸市场管理有限公司", Region: "TJ", MSPID: "TianjinMSP", Kind: "enterprise"},
		{ID: "HBIM", Name: "河北省计量监督检测研究院", Region: "HB", MSPID: "HebeiMSP", Kind: "legal_metrology"},
	}
	mass := func(id, inst string, minG, maxG float64) *record.Capability {
		return &record.Capability{ID: id, InstitutionID: inst, Quantity: "mass", Range: record.Range{Min: minG, Max: maxG, Unit: "g"},
			Uncertainty: U(0.2, "mg"), Method: "JJG 99-2022", ValidUntil: day(3650)}
	}
	f.Capabilities = []*record.Capability{
		mass("CMC-NIM", "NIM", 1, 1000), mass("CMC-BJIM", "BJIM", 1, 20000),
		mass("CMC-TJIM", "TJIM", 1, 20000), mass("CMC-HBIM", "HBIM", 1, 20000),
	}
	std := func(id, inst, level, approvalUntil string) *record.Standard {
		s := &record.Standard{ID: id, InstitutionID: inst, Name: "砝码标准装置 " + id, Level: level, Quantity: "mass",
			Range: record.Range{Min: 1, Max: 20000, Unit: "g"}, Uncertainty: U(0.3, "mg")}
		if approvalUntil != "" {
			s.Approval = &record.Approval{Number: "[量标]" + id, ValidUntil: approvalUntil}
		}
		return s
	}
	f.Standards = []*record.Standard{
		{ID: "NIM-P", InstitutionID: "NIM", Name: "千克质量国家基准", Level: "primary", Quantity: "mass",
			Range: record.Range{Min: 1, Max: 1, Unit: "kg"}, Uncertainty: U(0.02, "mg")},
		std("BJ-STD-A", "BJIM", "public", day(-10)),
		std("TJ-STD-B", "TJIM", "public", day(700)),
		std("HB-STD-C", "HBIM", "public", day(20)),
		std("TJ-STD-D", "TJIM", "public", day(900)),
		std("TJ-MKT-WS", "TJ-MKT", "working", ""),
	}
	scale := func(id, inst, district, category string, interval int) *record.Instrument {
		return &record.Instrument{ID: id, InstitutionID: inst, Type: "电子计价秤", Manufacturer: "津衡衡器有限公司", Model: "ACS-15",
			Serial: "SN-" + id, Quantity: "mass", Range: record.Range{Min: 0, Max: 15, Unit: "kg"}, MPE: record.Value{Value: 7.5, Unit: "g"},
			Compulsory: true, Category: category, IntervalMonths: interval,
			Location: &record.Location{District: district, Address: "摊位 " + id}}
	}
	f.Instruments = []*record.Instrument{
		scale("S-OVERDUE", "TJ-MKT", "120116", "non_automatic_weighing", 0),
		scale("S-INTERVAL", "TJ-MKT", "120116", "non_automatic_weighing", 6),
		scale("S-NEVER", "TJ-MKT", "120101", "non_automatic_weighing", 12),
		scale("S-FAILED", "TJ-MKT", "120116", "non_automatic_weighing", 0),
		scale("S-DUE", "TJ-MKT", "120116", "non_automatic_weighing", 12),
		scale("S-OK", "TJ-MKT", "120101", "non_automatic_weighing", 12),
		scale("S-RISK", "TJ-MKT", "120116", "non_automatic_weighing", 12),
		scale("H-DUE", "HBIM", "130100", "water_meter", 0),
		scale("H-LATE", "HBIM", "130100", "water_meter", 0),
		scale("B-LATE", "BJIM", "110105", "taximeter", 0),
		{ID: "N-FREE", InstitutionID: "TJ-MKT", Type: "电子天平", Manufacturer: "京仪天平仪器有限公司", Model: "JY-2003", Serial: "SN-N-FREE",
			Quantity: "mass", Range: record.Range{Min: 0, Max: 2200, Unit: "g"}, MPE: record.Value{Value: 0.15, Unit: "g"}},
	}
	cal := func(id, issuer, subject, ref string, performed, until string) *record.Certificate {
		return &record.Certificate{ID: id, Kind: "calibration", IssuerID: issuer, SubjectID: subject, ReferenceIDs: []string{ref},
			Quantity: "mass", PerformedOn: performed, ValidUntil: until, Method: "JJG 99-2022",
			Results: []record.Result{{Value: 1000, Unit: "g", Uncertainty: UP(0.3, "mg")}}}
	}
	ver := func(id, issuer, subject, ref string, performed, until, conformity string) *record.Certificate {
		return &record.Certificate{ID: id, Kind: "verification", IssuerID: issuer, SubjectID: subject, ReferenceIDs: []string{ref},
			Quantity: "mass", PerformedOn: performed, ValidUntil: until, Method: "JJG 539-2016", Conformity: conformity,
			Results: []record.Result{{Value: 10.001, Unit: "kg"}}}
	}
	f.Certificates = []*record.Certificate{
		cal("C-BJ-A", "NIM", "BJ-STD-A", "NIM-P", day(-300), day(400)),
		cal("C-TJ-B", "NIM", "TJ-STD-B", "NIM-P", day(-300), day(400)),
		cal("C-HB-C", "NIM", "HB-STD-C", "NIM-P", day(-800), day(-100)),
		cal("C-TJ-D", "NIM", "TJ-STD-D", "NIM-P", day(-900), day(400)),
		// The market's working standard, calibrated with TJ-STD-B before it was sealed.
		cal("C-MKT-WS", "TJIM", "TJ-MKT-WS", "TJ-STD-B", day(-85), day(280)),
		ver("V-OVERDUE", "TJIM", "S-OVERDUE", "TJ-STD-D", day(-400), day(-35), "pass"),
		ver("V-INTERVAL", "TJIM", "S-INTERVAL", "TJ-STD-D", day(-200), day(165), "pass"),
		ver("V-FAILED-1", "TJIM", "S-FAILED", "TJ-STD-D", day(-370), day(-5), "pass"),
		ver("V-FAILED-2", "TJIM", "S-FAILED", "TJ-STD-D", day(-4), day(361), "fail"),
		ver("V-DUE", "TJIM", "S-DUE", "TJ-STD-D", day(-340), day(15), "pass"),
		ver("V-OK", "TJIM", "S-OK", "TJ-STD-D", day(-100), day(200), "pass"),
		// Verified with TJ-STD-B after it was sealed: at risk, and affected.
		ver("V-RISK", "TJIM", "S-RISK", "TJ-STD-B", day(-30), day(300), "pass"),
		ver("V-MKT", "TJ-MKT", "S-OK", "TJ-MKT-WS", day(-20), day(345), "pass"),
		// A Hebei verification with TJ-STD-B: the case notifies HBIM too.
		ver("V-HB-B", "HBIM", "H-LATE", "TJ-STD-B", day(-80), day(-79), "pass"),
		ver("V-H-DUE", "HBIM", "H-DUE", "HB-STD-C", day(-340), day(25), "pass"),
		// HB-STD-C's own calibration had expired: at risk.
		ver("V-H-LATE", "HBIM", "H-LATE", "HB-STD-C", day(-50), day(315), "pass"),
		// BJ-STD-A used after its approval expired: at risk.
		ver("V-B-LATE", "BJIM", "B-LATE", "BJ-STD-A", day(-5), day(360), "pass"),
		ver("V-FREE", "TJIM", "N-FREE", "TJ-STD-D", day(-800), day(-435), "pass"),
	}
	f.Statuses = []StatusChange{{Standard: "TJ-STD-B", Status: "sealed", Since: day(-60), Reason: "out of tolerance at 5 kg"}}
	return &SupervisionRegion{Fixture: f, Today: day(0), Expect: SupervisionExpect{
		Overdue:         []string{"S-OVERDUE", "S-INTERVAL", "S-FAILED", "S-NEVER"},
		Due30:           []string{"S-DUE", "H-DUE"},
		Approvals30:     []string{"BJ-STD-A", "HB-STD-C"},
		AfterExpiry:     map[string][]string{"BJ-STD-A": {"V-B-LATE"}},
		AtRisk:          []string{"V-B-LATE", "V-H-LATE", "V-RISK"},
		AtRiskReasons:   map[string]string{"V-B-LATE": "approval_expired", "V-H-LATE": "reference_certificate_expired", "V-RISK": "reference_sealed"},
		CaseStandard:    "TJ-STD-B",
		CaseSince:       day(-90),
		CaseNotices:     map[string][]string{"HBIM": {"V-HB-B"}, "TJ-MKT": {"V-MKT"}, "TJIM": {"C-MKT-WS", "V-RISK"}},
		CoverageTianjin: [2]int{7, 3},
	}}
}
