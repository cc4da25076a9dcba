package demo

import "github.com/metrotrace/metrotrace/chaincode/record"

// Tiers of the transfer ladder. A standard's tier fixes its uncertainty; an
// institution's tier fixes its CMC. Every tier is at least 1.5 times worse
// than the one above it, so every calibration states an uncertainty larger
// than its reference's (uncertainty_ratio) and no smaller than the issuer's
// CMC (issuer_capable).
const (
	tierPrimary    = 0 // national primary standard (计量基准), NIM
	tierNational   = 1 // NIM working reference (工作基准), NIM
	tierProvincial = 2 // provincial public standards (社会公用计量标准, 省级)
	tierLocal      = 3 // district public, department and laboratory standards
	tierEnterprise = 4 // enterprise highest standards (企事业最高计量标准)
	tierWorking    = 5 // enterprise working standards (工作计量标准)
)

// Quantity indexes into quantities.
const (
	qMass = iota
	qLength
	qTemperature
	qPressure
	qVoltage
)

// quantity describes how one quantity is transferred: the units values and
// uncertainties are written in, the point at which standards are calibrated,
// and the uncertainty ladder.
type quantity struct {
	name      string // record quantity name
	code      string // letter used in standard ids
	valueUnit string // unit of calibration values
	uUnit     string // unit of uncertainties
	nominal   float64
	decimals  int // decimals of calibration values in valueUnit
	// u is the expanded uncertainty (k=2) of a standard of each tier; c is
	// the CMC of an institution of each tier and the uncertainty stated
	// when calibrating against a reference of that tier.
	u, c   [6]float64
	cmc    record.Range // range of every CMC for the quantity
	method string       // method of standard calibrations
	names  [6]string    // standard names by tier
	ranges [6]record.Range
}

var quantities = [...]quantity{
	qMass: {
		name: "mass", code: "M", valueUnit: "g", uUnit: "mg", nominal: 1000, decimals: 6,
		u:      [6]float64{0.02, 0.05, 0.15, 0.5, 1.6, 5},
		c:      [6]float64{0.03, 0.08, 0.25, 0.8, 2.5, 8},
		cmc:    record.Range{Min: 0.001, Max: 2e7, Unit: "g"},
		method: "JJG 99-2022 砝码",
		names: [6]string{"千克质量国家基准", "质量国家工作基准砝码组", "E1等级砝码标准装置", "E2等级砝码标准装置",
			"F1等级砝码组", "F2等级工作砝码组"},
		ranges: [6]record.Range{{Min: 1, Max: 1, Unit: "kg"}, {Min: 0.001, Max: 1000, Unit: "g"}, {Min: 0.001, Max: 20000, Unit: "g"},
			{Min: 0.001, Max: 20000, Unit: "g"}, {Min: 1, Max: 20000, Unit: "g"}, {Min: 1, Max: 20, Unit: "kg"}},
	},
	qLength: {
		name: "length", code: "L", valueUnit: "mm", uUnit: "µm", nominal: 100, decimals: 6,
		u:      [6]float64{0.01, 0.03, 0.08, 0.25, 0.8, 2.5},
		c:      [6]float64{0.02, 0.05, 0.15, 0.5, 1.5, 4},
		cmc:    record.Range{Min: 0.5, Max: 50000, Unit: "mm"},
		method: "JJG 146-2011 量块",
		names: [6]string{"长度国家基准(碘稳定激光波长)", "量块国家工作基准(激光干涉比长仪)", "一等量块标准装置", "二等量块标准装置",
			"三等量块标准器组", "四等工作量块组"},
		ranges: [6]record.Range{{Min: 0.5, Max: 1000, Unit: "mm"}, {Min: 0.5, Max: 1000, Unit: "mm"}, {Min: 0.5, Max: 1000, Unit: "mm"},
			{Min: 0.5, Max: 1000, Unit: "mm"}, {Min: 0.5, Max: 500, Unit: "mm"}, {Min: 0.5, Max: 100, Unit: "mm"}},
	},
	qTemperature: {
		name: "temperature", code: "T", valueUnit: "°C", uUnit: "mK", nominal: 100, decimals: 5,
		u:      [6]float64{0.5, 1.5, 5, 15, 50, 150},
		c:      [6]float64{1, 3, 10, 30, 100, 300},
		cmc:    record.Range{Min: -80, Max: 1200, Unit: "°C"},
		method: "JJG 160-2007 标准铂电阻温度计",
		names: [6]string{"温度国家基准(ITS-90固定点)", "标准铂电阻温度计国家工作基准", "一等标准铂电阻温度计标准装置",
			"二等标准铂电阻温度计标准装置", "工作用标准铂电阻温度计", "精密数字温度计(工作标准)"},
		ranges: [6]record.Range{{Min: -189.3442, Max: 961.78, Unit: "°C"}, {Min: -189, Max: 660, Unit: "°C"}, {Min: -189, Max: 660, Unit: "°C"},
			{Min: -60, Max: 420, Unit: "°C"}, {Min: -50, Max: 420, Unit: "°C"}, {Min: -50, Max: 300, Unit: "°C"}},
	},
	qPressure: {
		name: "pressure", code: "P", valueUnit: "kPa", uUnit: "Pa", nominal: 1000, decimals: 4,
		u:      [6]float64{5, 15, 50, 150, 500, 1500},
		c:      [6]float64{10, 30, 100, 300, 1000, 3000},
		cmc:    record.Range{Min: 0, Max: 60000, Unit: "kPa"},
		method: "JJG 59-2022 活塞式压力计",
		names: [6]string{"压力国家基准(活塞式压力计)", "活塞式压力计国家工作基准", "0.005级活塞式压力计标准装置",
			"0.02级活塞式压力计标准装置", "0.05级数字压力计", "0.1级精密数字压力计(工作标准)"},
		ranges: [6]record.Range{{Min: 0.1, Max: 10, Unit: "MPa"}, {Min: 0.1, Max: 60, Unit: "MPa"}, {Min: 0.1, Max: 60, Unit: "MPa"},
			{Min: 0.1, Max: 60, Unit: "MPa"}, {Min: 0, Max: 6000, Unit: "kPa"}, {Min: 0, Max: 2500, Unit: "kPa"}},
	},
	qVoltage: {
		name: "voltage", code: "V", valueUnit: "V", uUnit: "µV", nominal: 10, decimals: 8,
		u:      [6]float64{0.01, 0.05, 0.2, 1, 5, 20},
		c:      [6]float64{0.03, 0.1, 0.5, 2, 10, 40},
		cmc:    record.Range{Min: 0, Max: 1000, Unit: "V"},
		method: "JJF 1587-2016 数字多用表",
		names: [6]string{"约瑟夫森电压国家基准", "固态电压标准国家工作基准", "直流电压标准装置(齐纳电压基准)",
			"多功能校准源标准装置", "直流电压标准源", "八位半数字多用表(工作标准)"},
		ranges: [6]record.Range{{Min: 0.001, Max: 10, Unit: "V"}, {Min: 1, Max: 10, Unit: "V"}, {Min: 0, Max: 1000, Unit: "V"},
			{Min: 0, Max: 1000, Unit: "V"}, {Min: 0, Max: 1000, Unit: "V"}, {Min: 0, Max: 1000, Unit: "V"}},
	},
}

// maker is one manufacturer and model of an instrument type. Every name
// is invented.
type maker struct{ manufacturer, model, serial string }

// instrumentType is a kind of working instrument: what it measures, how it
// is verified or calibrated, and at which point.
type instrumentType struct {
	q          int
	name       string
	method     string
	makers     []maker
	rng        record.Range
	mpe        record.Value
	point      float64 // test point, in rng.Unit
	decimals   int     // of readings in rng.Unit
	calU       float64 // uncertainty stated when calibrated, in calUnit
	calUnit    string  // unit of calU; empty: the quantity's uUnit
	compulsory bool    // under compulsory verification (强检)
	category   string  // its entry of the compulsory catalogue (record.Categories), when compulsory
}

// Instrument type names, used to pick types by name.
const (
	tPriceScale   = "电子计价秤"
	tBenchScale   = "电子台秤"
	tPlatform     = "电子平台秤"
	tCraneScale   = "电子吊秤"
	tBalance      = "电子天平"
	tAnalytical   = "分析天平"
	tTape         = "钢卷尺"
	tCaliper      = "游标卡尺"
	tMicrometer   = "外径千分尺"
	tDialGauge    = "百分表"
	tCMM          = "三坐标测量机"
	tClinical     = "医用电子体温计"
	tPRT          = "工业铂电阻温度计"
	tDigitalTherm = "数字温度计"
	tThermocouple = "工业用K型热电偶"
	tBimetal      = "双金属温度计"
	tGauge        = "一般压力表"
	tOxygenGauge  = "医用氧气压力表"
	tPrecGauge    = "精密压力表"
	tTransmitter  = "压力变送器"
	tDigitalPress = "数字压力计"
	tDMM65        = "六位半数字多用表"
	tDMM45        = "四位半数字多用表"
	tVoltmeter    = "0.5级交直流电压表"
	tVoltSource   = "直流电压标准源"
)

var instrumentTypes = []instrumentType{
	{q: qMass, name: tBalance, method: "JJG 1036-2022 电子天平",
		makers: []maker{{"京仪天平仪器有限公司", "JY-2003", "JY"}, {"华北精衡科学仪器有限公司", "HB-2002C", "HJ"}},
		rng:    record.Range{Min: 0, Max: 2200, Unit: "g"}, mpe: record.Value{Value: 0.15, Unit: "g"}, point: 2000, decimals: 3, calU: 50},
	{q: qMass, name: tAnalytical, method: "JJG 1036-2022 电子天平",
		makers: []maker{{"华北精衡科学仪器有限公司", "FA2204", "HJ"}, {"京仪天平仪器有限公司", "JY-220A", "JY"}},
		rng:    record.Range{Min: 0, Max: 220, Unit: "g"}, mpe: record.Value{Value: 2, Unit: "mg"}, point: 200, decimals: 5, calU: 1},
	{q: qMass, name: tPriceScale, method: "JJG 539-2016 数字指示秤", compulsory: true, category: "non_automatic_weighing",
		makers: []maker{{"津衡衡器有限公司", "ACS-15JH", "JH"}, {"燕山称重设备有限公司", "YS-15P", "YS"}},
		rng:    record.Range{Min: 0, Max: 15, Unit: "kg"}, mpe: record.Value{Value: 7.5, Unit: "g"}, point: 10, decimals: 3},
	{q: qMass, name: tBenchScale, method: "JJG 539-2016 数字指示秤", compulsory: true, category: "non_automatic_weighing",
		makers: []maker{{"燕山称重设备有限公司", "TCS-150", "YS"}, {"津衡衡器有限公司", "TCS-150JH", "JH"}},
		rng:    record.Range{Min: 0, Max: 150, Unit: "kg"}, mpe: record.Value{Value: 75, Unit: "g"}, point: 100, decimals: 2, calU: 20, calUnit: "g"},
	{q: qMass, name: tPlatform, method: "JJG 539-2016 数字指示秤", compulsory: true, category: "non_automatic_weighing",
		makers: []maker{{"燕山称重设备有限公司", "SCS-3T", "YS"}},
		rng:    record.Range{Min: 0, Max: 3000, Unit: "kg"}, mpe: record.Value{Value: 1.5, Unit: "kg"}, point: 2000, decimals: 1, calU: 0.5, calUnit: "kg"},
	{q: qMass, name: tCraneScale, method: "JJG 539-2016 数字指示秤", compulsory: true, category: "non_automatic_weighing",
		makers: []maker{{"华北起重衡器有限公司", "OCS-10T", "HQ"}},
		rng:    record.Range{Min: 0, Max: 10, Unit: "t"}, mpe: record.Value{Value: 10, Unit: "kg"}, point: 5, decimals: 3},
	{q: qLength, name: tTape, method: "JJG 4-2015 钢卷尺", compulsory: true, category: "tape_measure",
		makers: []maker{{"燕山量具有限公司", "GJ-5M", "YL"}},
		rng:    record.Range{Min: 0, Max: 5, Unit: "m"}, mpe: record.Value{Value: 0.5, Unit: "mm"}, point: 1, decimals: 5},
	{q: qLength, name: tCaliper, method: "JJG 30-2012 通用卡尺",
		makers: []maker{{"津工量具有限公司", "YB-150", "JG"}, {"冀量工具有限公司", "JL-150D", "JL"}},
		rng:    record.Range{Min: 0, Max: 150, Unit: "mm"}, mpe: record.Value{Value: 0.02, Unit: "mm"}, point: 100, decimals: 3, calU: 10},
	{q: qLength, name: tMicrometer, method: "JJG 21-2008 千分尺",
		makers: []maker{{"冀量工具有限公司", "QF-25", "JL"}, {"津工量具有限公司", "WJ-25", "JG"}},
		rng:    record.Range{Min: 0, Max: 25, Unit: "mm"}, mpe: record.Value{Value: 4, Unit: "µm"}, point: 25, decimals: 4, calU: 1.6},
	{q: qLength, name: tDialGauge, method: "JJG 34-2022 指示表",
		makers: []maker{{"华北量仪有限公司", "BF-10", "HL"}},
		rng:    record.Range{Min: 0, Max: 10, Unit: "mm"}, mpe: record.Value{Value: 18, Unit: "µm"}, point: 10, decimals: 3, calU: 6},
	{q: qLength, name: tCMM, method: "JJF 1064-2010 坐标测量机",
		makers: []maker{{"京精测量技术有限公司", "JC-1086", "JC"}},
		rng:    record.Range{Min: 0, Max: 1000, Unit: "mm"}, mpe: record.Value{Value: 2.2, Unit: "µm"}, point: 500, decimals: 5, calU: 1.2},

	{q: qTemperature, name: tClinical, method: "JJG 1162-2019 医用电子体温计", compulsory: true, category: "clinical_thermometer",
		makers: []maker{{"京康医疗器械有限公司", "MT-101", "JK"}, {"冀安医疗科技有限公司", "TW-302", "JA"}},
		rng:    record.Range{Min: 32, Max: 42, Unit: "°C"}, mpe: record.Value{Value: 0.1, Unit: "°C"}, point: 37, decimals: 2},
	{q: qTemperature, name: tPRT, method: "JJG 229-2010 工业铂、铜热电阻",
		makers: []maker{{"津仪传感器有限公司", "WZP-230", "JY"}},
		rng:    record.Range{Min: -50, Max: 300, Unit: "°C"}, mpe: record.Value{Value: 0.35, Unit: "°C"}, point: 100, decimals: 3, calU: 120},
	{q: qTemperature, name: tDigitalTherm, method: "JJF 1171-2007 温度巡回检测仪",
		makers: []maker{{"华北仪表有限公司", "DTM-200", "HY"}},
		rng:    record.Range{Min: -50, Max: 200, Unit: "°C"}, mpe: record.Value{Value: 0.5, Unit: "°C"}, point: 100, decimals: 2, calU: 200},
	{q: qTemperature, name: tThermocouple, method: "JJG 351-1996 工作用廉金属热电偶",
		makers: []maker{{"冀北热工仪表有限公司", "WRN-130", "RG"}},
		rng:    record.Range{Min: 0, Max: 1200, Unit: "°C"}, mpe: record.Value{Value: 3.2, Unit: "°C"}, point: 800, decimals: 1, calU: 1.5, calUnit: "K"},
	{q: qTemperature, name: tBimetal, method: "JJG 226-2001 双金属温度计",
		makers: []maker{{"华北仪表有限公司", "WSS-411", "HY"}},
		rng:    record.Range{Min: 0, Max: 200, Unit: "°C"}, mpe: record.Value{Value: 2, Unit: "°C"}, point: 150, decimals: 1, calU: 800},

	{q: qPressure, name: tGauge, method: "JJG 52-2013 弹性元件式一般压力表", compulsory: true, category: "pressure_gauge",
		makers: []maker{{"津门仪表有限公司", "Y-100", "JM"}, {"燕山仪表有限公司", "Y-150", "YB"}},
		rng:    record.Range{Min: 0, Max: 1.6, Unit: "MPa"}, mpe: record.Value{Value: 25.6, Unit: "kPa"}, point: 1.6, decimals: 3},
	{q: qPressure, name: tOxygenGauge, method: "JJG 52-2013 弹性元件式一般压力表", compulsory: true, category: "pressure_gauge",
		makers: []maker{{"京康医疗器械有限公司", "YO-60", "JK"}},
		rng:    record.Range{Min: 0, Max: 25, Unit: "MPa"}, mpe: record.Value{Value: 0.4, Unit: "MPa"}, point: 15, decimals: 2},
	{q: qPressure, name: tPrecGauge, method: "JJG 49-2013 弹性元件式精密压力表",
		makers: []maker{{"燕山仪表有限公司", "YB-150A", "YB"}},
		rng:    record.Range{Min: 0, Max: 2.5, Unit: "MPa"}, mpe: record.Value{Value: 10, Unit: "kPa"}, point: 2, decimals: 4, calU: 4, calUnit: "kPa"},
	{q: qPressure, name: tTransmitter, method: "JJG 882-2019 压力变送器",
		makers: []maker{{"冀中自动化仪表有限公司", "PT-3051", "JZ"}},
		rng:    record.Range{Min: 0, Max: 1, Unit: "MPa"}, mpe: record.Value{Value: 1, Unit: "kPa"}, point: 1, decimals: 5, calU: 400},
	{q: qPressure, name: tDigitalPress, method: "JJG 875-2019 数字压力计",
		makers: []maker{{"华北仪表有限公司", "DPG-60", "HY"}},
		rng:    record.Range{Min: 0, Max: 6, Unit: "MPa"}, mpe: record.Value{Value: 3, Unit: "kPa"}, point: 6, decimals: 5, calU: 1.2, calUnit: "kPa"},

	{q: qVoltage, name: tDMM65, method: "JJF 1587-2016 数字多用表",
		makers: []maker{{"京芯仪器有限公司", "DM-3065", "JX"}},
		rng:    record.Range{Min: 0, Max: 1000, Unit: "V"}, mpe: record.Value{Value: 0.35, Unit: "mV"}, point: 10, decimals: 6, calU: 60},
	{q: qVoltage, name: tDMM45, method: "JJF 1587-2016 数字多用表",
		makers: []maker{{"京芯仪器有限公司", "DM-1045", "JX"}, {"津电仪表有限公司", "VC-45", "JD"}},
		rng:    record.Range{Min: 0, Max: 1000, Unit: "V"}, mpe: record.Value{Value: 5, Unit: "mV"}, point: 10, decimals: 4, calU: 1, calUnit: "mV"},
	{q: qVoltage, name: tVoltmeter, method: "JJG 124-2005 电流表、电压表",
		makers: []maker{{"津电仪表有限公司", "C31-V", "JD"}},
		rng:    record.Range{Min: 0, Max: 300, Unit: "V"}, mpe: record.Value{Value: 1.5, Unit: "V"}, point: 220, decimals: 2, calU: 0.3, calUnit: "V"},
	{q: qVoltage, name: tVoltSource, method: "JJG 445-1986 直流标准电压源",
		makers: []maker{{"燕赵电子仪器有限公司", "VS-1010", "YZ"}},
		rng:    record.Range{Min: 0, Max: 1000, Unit: "V"}, mpe: record.Value{Value: 0.2, Unit: "mV"}, point: 10, decimals: 6, calU: 40},
}

func typeNamed(name string) *instrumentType {
	for i := range instrumentTypes {
		if instrumentTypes[i].name == name {
			return &instrumentTypes[i]
		}
	}
	panic("demo: no instrument type " + name)
}

// institution is the static description of a demo institution.
type institution struct {
	id, name, region, msp, kind string
	tier                        int
	place                       string // city or district, for owner names
	abbr                        string // approval-number abbreviation
	phone                       string // area code of contacts
	// standards: quantities of the institution's own standards (tier 3
	// institutions) or enterprise standards, each with the institution that
	// calibrates it.
	standards []source
	home      string // enterprises: the legal-metrology institute verifying compulsory instruments
	district  string // GB/T 2260 code of where it and its instruments are
	accredit  []int  // CNAS-accredited quantities
	cnas      string // CNAS accreditation number
}

// source says which institution calibrates an institution's standard of a
// quantity.
type source struct {
	q    int
	from string
}

var institutions = []institution{
	{id: "NIM", district: "110105", name: "中国计量科学研究院", region: "BJ", msp: "BeijingMSP", kind: "national_institute", tier: tierPrimary,
		place: "北京", accredit: []int{qMass, qLength, qTemperature, qPressure, qVoltage}, cnas: "CNAS L0101"},
	{id: InstituteBeijing, district: "110105", name: "北京市计量检测科学研究院", region: "BJ", msp: "BeijingMSP", kind: "legal_metrology", tier: tierProvincial,
		place: "北京市", abbr: "京", accredit: []int{qMass, qLength, qTemperature, qPressure, qVoltage}, cnas: "CNAS L0285"},
	{id: "BJ-CY", district: "110105", name: "北京市朝阳区计量检测所", region: "BJ", msp: "BeijingMSP", kind: "legal_metrology", tier: tierLocal,
		place: "朝阳区", abbr: "京朝", phone: "010", standards: local("BJIM"), accredit: []int{qMass, qTemperature}, cnas: "CNAS L3821"},
	{id: "BJ-HD", district: "110108", name: "北京市海淀区计量检测所", region: "BJ", msp: "BeijingMSP", kind: "legal_metrology", tier: tierLocal,
		place: "海淀区", abbr: "京海", phone: "010", standards: local("BJIM")},
	{id: "BJ-TZ", district: "110112", name: "北京市通州区计量检测所", region: "BJ", msp: "BeijingMSP", kind: "legal_metrology", tier: tierLocal,
		place: "通州区", abbr: "京通", phone: "010", standards: local("BJIM")},
	{id: "BJ-LAB", district: "110108", name: "北京中科精测校准技术有限公司", region: "BJ", msp: "BeijingMSP", kind: "accredited_lab", tier: tierLocal,
		place: "北京", abbr: "京企", phone: "010", accredit: []int{qLength, qTemperature, qPressure, qVoltage}, cnas: "CNAS L5126",
		standards: []source{{qLength, "BJIM"}, {qTemperature, "BJIM"}, {qPressure, "BJIM"}, {qVoltage, "NIM"}}},
	{id: "BJ-EPC", district: "110102", name: "京畿电力计量检定站", region: "BJ", msp: "BeijingMSP", kind: "authorized_station", tier: tierLocal,
		place: "北京", abbr: "电", phone: "010",
		standards: []source{{qVoltage, "BJIM"}, {qPressure, "BJIM"}, {qTemperature, "BJIM"}}},
	{id: "BJ-STEEL", district: "110107", name: "京西联合钢铁有限公司", region: "BJ", msp: "BeijingMSP", kind: "enterprise", tier: tierEnterprise,
		place: "北京", abbr: "京企", phone: "010", home: "BJ-HD",
		standards: []source{{qMass, "BJ-HD"}, {qTemperature, "BJ-LAB"}, {qPressure, "BJ-HD"}}},
	{id: "BJ-HOSP", district: "110105", name: "北京安和医院", region: "BJ", msp: "BeijingMSP", kind: "enterprise", tier: tierEnterprise,
		place: "北京", abbr: "京企", phone: "010", home: "BJ-CY",
		standards: []source{{qTemperature, "BJ-CY"}, {qPressure, "BJ-CY"}, {qMass, "BJ-CY"}}},
	{id: "BJ-CHIP", district: "110115", name: "北京京芯微电子有限公司", region: "BJ", msp: "BeijingMSP", kind: "enterprise", tier: tierEnterprise,
		place: "北京", abbr: "京企", phone: "010", home: "BJ-TZ",
		standards: []source{{qVoltage, "BJ-EPC"}, {qTemperature, "BJ-LAB"}, {qLength, "BJ-LAB"}}},

	{id: InstituteTianjin, district: "120103", name: "天津市计量监督检测科学研究院", region: "TJ", msp: "TianjinMSP", kind: "legal_metrology", tier: tierProvincial,
		place: "天津市", abbr: "津", accredit: []int{qMass, qLength, qTemperature, qPressure, qVoltage}, cnas: "CNAS L0437"},
	{id: "TJ-BH", district: "120116", name: "天津市滨海新区计量所", region: "TJ", msp: "TianjinMSP", kind: "legal_metrology", tier: tierLocal,
		place: "滨海新区", abbr: "津滨", phone: "022", standards: local("TJIM")},
	{id: "TJ-XQ", district: "120111", name: "天津市西青区计量检定所", region: "TJ", msp: "TianjinMSP", kind: "legal_metrology", tier: tierLocal,
		place: "西青区", abbr: "津西", phone: "022", standards: local("TJIM")},
	{id: "TJ-LAB", district: "120104", name: "天津海河精密校准有限公司", region: "TJ", msp: "TianjinMSP", kind: "accredited_lab", tier: tierLocal,
		place: "天津", abbr: "津企", phone: "022", accredit: []int{qVoltage, qMass, qPressure}, cnas: "CNAS L6034",
		standards: []source{{qVoltage, "NIM"}, {qMass, "TJIM"}, {qPressure, "TJIM"}}},
	{id: "TJ-RAIL", district: "120102", name: "津渤铁路计量检定站", region: "TJ", msp: "TianjinMSP", kind: "authorized_station", tier: tierLocal,
		place: "天津", abbr: "铁", phone: "022",
		standards: []source{{qLength, "TJIM"}, {qMass, "TJIM"}, {qPressure, "TJIM"}}},
	{id: "TJ-PORT", district: "120116", name: "渤海湾港口集团有限公司", region: "TJ", msp: "TianjinMSP", kind: "enterprise", tier: tierEnterprise,
		place: "天津", abbr: "津企", phone: "022", home: "TJ-BH",
		standards: []source{{qMass, "TJ-BH"}, {qPressure, "TJ-BH"}, {qLength, "TJ-RAIL"}}},
	{id: "TJ-PETRO", district: "120112", name: "津南临港石化有限公司", region: "TJ", msp: "TianjinMSP", kind: "enterprise", tier: tierEnterprise,
		place: "天津", abbr: "津企", phone: "022", home: "TJ-BH",
		standards: []source{{qPressure, "TJ-BH"}, {qTemperature, "TJ-XQ"}, {qVoltage, "TJ-LAB"}}},

	{id: InstituteHebei, district: "130100", name: "河北省计量监督检测研究院", region: "HB", msp: "HebeiMSP", kind: "legal_metrology", tier: tierProvincial,
		place: "河北省", abbr: "冀", accredit: []int{qMass, qLength, qTemperature, qPressure, qVoltage}, cnas: "CNAS L0562"},
	{id: "HB-SJZ", district: "130100", name: "石家庄市计量检定测试所", region: "HB", msp: "HebeiMSP", kind: "legal_metrology", tier: tierLocal,
		place: "石家庄市", abbr: "冀石", phone: "0311", standards: local("HBIM")},
	{id: "HB-TS", district: "130200", name: "唐山市计量测试所", region: "HB", msp: "HebeiMSP", kind: "legal_metrology", tier: tierLocal,
		place: "唐山市", abbr: "冀唐", phone: "0315", standards: local("HBIM")},
	{id: "HB-BD", district: "130600", name: "保定市计量测试所", region: "HB", msp: "HebeiMSP", kind: "legal_metrology", tier: tierLocal,
		place: "保定市", abbr: "冀保", phone: "0312", standards: local("HBIM")},
	{id: "HB-LAB", district: "130100", name: "河北燕赵计量校准有限公司", region: "HB", msp: "HebeiMSP", kind: "accredited_lab", tier: tierLocal,
		place: "石家庄", abbr: "冀企", phone: "0311", accredit: []int{qVoltage, qLength, qTemperature}, cnas: "CNAS L7219",
		standards: []source{{qVoltage, "NIM"}, {qLength, "HBIM"}, {qTemperature, "HBIM"}}},
	{id: "HB-AUTO", district: "130600", name: "冀中长风汽车股份有限公司", region: "HB", msp: "HebeiMSP", kind: "enterprise", tier: tierEnterprise,
		place: "保定", abbr: "冀企", phone: "0312", home: "HB-BD",
		standards: []source{{qLength, "HB-BD"}, {qPressure, "HB-BD"}, {qVoltage, "HB-LAB"}}},
	{id: "HB-STEEL", district: "130200", name: "唐山渤钢集团有限公司", region: "HB", msp: "HebeiMSP", kind: "enterprise", tier: tierEnterprise,
		place: "唐山", abbr: "冀企", phone: "0315", home: "HB-TS",
		standards: []source{{qMass, "HB-TS"}, {qTemperature, "HB-TS"}, {qLength, "HB-TS"}}},
	{id: "HB-PHARM", district: "130100", name: "石家庄恒康制药有限公司", region: "HB", msp: "HebeiMSP", kind: "enterprise", tier: tierEnterprise,
		place: "石家庄", abbr: "冀企", phone: "0311", home: "HB-SJZ",
		standards: []source{{qMass, "HB-SJZ"}, {qTemperature, "HB-SJZ"}, {qPressure, "HB-SJZ"}}},
}

// local is the standards of a district or city institute: mass, length,
// temperature and pressure, calibrated by its provincial institute.
func local(provincial string) []source {
	return []source{{qMass, provincial}, {qLength, provincial}, {qTemperature, provincial}, {qPressure, provincial}}
}

// Owners of the instruments a legal-metrology institute registers, by
// instrument type; %s is the district, %d a number.
var ownerTemplates = map[string][]string{
	tPriceScale:  {"%s惠民农贸市场%d号摊位", "%s便民生鲜超市(%d店)"},
	tBenchScale:  {"%s物流集散中心%d号库", "%s粮油批发市场%d号商户"},
	tPlatform:    {"%s建材市场%d号商户"},
	tTape:        {"%s家居建材城%d号商户"},
	tGauge:       {"%s第%d供热站", "%s某小区锅炉房(%d号)"},
	tOxygenGauge: {"%s第%d社区卫生服务中心"},
	tClinical:    {"%s第%d社区卫生服务中心", "%s妇幼保健院(%d号诊室)"},
}

// Customers of the accredited laboratories.
var labCustomers = map[string][]string{
	"BJ-LAB": {"北京中关村智造科技有限公司", "北京亦庄精工装备有限公司", "北京燕园生物技术有限公司"},
	"TJ-LAB": {"天津津南新材料有限公司", "天津港湾物流装备有限公司"},
	"HB-LAB": {"河北雄安智能装备有限公司", "廊坊华北精密机械有限公司"},
}

// Compulsory instruments of each enterprise, verified by its home
// legal-metrology institute.
var enterpriseCompulsory = map[string][]string{
	"BJ-STEEL": {tCraneScale, tPlatform, tGauge, tGauge},
	"BJ-HOSP":  {tClinical, tClinical, tOxygenGauge, tBenchScale},
	"BJ-CHIP":  {tGauge, tBenchScale, tGauge, tPlatform},
	"TJ-PORT":  {tCraneScale, tCraneScale, tPlatform, tGauge},
	"TJ-PETRO": {tGauge, tGauge, tGauge, tBenchScale},
	"HB-AUTO":  {tGauge, tGauge, tPlatform, tTape},
	"HB-STEEL": {tCraneScale, tPlatform, tGauge, tGauge},
	"HB-PHARM": {tBenchScale, tGauge, tGauge, tPlatform},
}

// Instruments a legal-metrology institute registers for its district's
// shops, markets, clinics and boiler rooms, all under compulsory
// verification.
var districtInstruments = []string{tPriceScale, tPriceScale, tBenchScale, tPlatform, tGauge, tGauge,
	tOxygenGauge, tClinical, tClinical, tTape, tPriceScale, tBenchScale}

// Instruments of the authorized stations, verified against their department
// standards.
var stationInstruments = map[string][]string{
	"BJ-EPC":  {tVoltmeter, tDMM45, tVoltmeter, tGauge, tGauge, tBimetal},
	"TJ-RAIL": {tTape, tCaliper, tBenchScale, tPlatform, tGauge, tGauge},
}
