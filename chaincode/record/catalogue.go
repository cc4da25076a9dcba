package record

// Category is one entry of the State's catalogue of compulsorily managed
// measuring instruments (实施强制管理的计量器具目录): a stable machine code
// with its Chinese and English names. Records carry the code only, so a
// renamed entry never changes a stored record.
type Category struct {
	Code string `json:"code"`
	Zh   string `json:"zh"`
	En   string `json:"en"`
}

// Categories is the controlled vocabulary of an instrument's category, in
// the catalogue's order: trade settlement (贸易结算), health care (医疗卫生),
// safety protection (安全防护) and environmental monitoring (环境监测).
// Codes are stable: add entries, never rename or remove one.
var Categories = []Category{
	{"taximeter", "出租汽车计价器", "taximeter"},
	{"fuel_dispenser", "燃油加油机", "fuel dispenser"},
	{"lpg_dispenser", "液化石油气加气机", "LPG dispenser"},
	{"cng_dispenser", "压缩天然气加气机", "CNG dispenser"},
	{"lng_dispenser", "液化天然气加气机", "LNG dispenser"},
	{"water_meter", "水表", "water meter"},
	{"gas_meter", "燃气表", "gas meter"},
	{"electricity_meter", "电能表", "electricity meter"},
	{"heat_meter", "热能表", "heat meter"},
	{"flowmeter", "流量计（贸易结算用）", "flowmeter for trade settlement"},
	{"non_automatic_weighing", "非自动衡器", "non-automatic weighing instrument"},
	{"automatic_weighing", "自动衡器（动态汽车衡、自动轨道衡、皮带秤等）", "automatic weighing instrument"},
	{"tape_measure", "卷尺、直尺（贸易结算用）", "measuring tape or rule for trade settlement"},
	{"grain_moisture_meter", "谷物水分测定仪", "grain moisture meter"},
	{"cotton_moisture_meter", "棉花水分测量仪", "cotton moisture meter"},
	{"sphygmomanometer", "血压计（表）", "sphygmomanometer"},
	{"clinical_thermometer", "体温计", "clinical thermometer"},
	{"tonometer", "眼压计", "tonometer"},
	{"optometry_instrument", "验光仪、验光镜片组", "optometry instrument"},
	{"focimeter", "焦度计", "focimeter"},
	{"audiometer", "听力计", "audiometer"},
	{"electrocardiograph", "心电图仪、脑电图仪", "electrocardiograph or electroencephalograph"},
	{"medical_radiation_dosimeter", "医用辐射源剂量仪（治疗水平）", "medical radiation dosimeter"},
	{"medical_ultrasound_source", "医用超声源", "medical ultrasound source"},
	{"medical_laser_source", "医用激光源", "medical laser source"},
	{"infusion_pump", "注射泵、输液泵", "syringe or infusion pump"},
	{"pressure_gauge", "压力仪表（安全防护用）", "pressure gauge for safety protection"},
	{"combustible_gas_detector", "可燃气体检测报警器", "combustible gas detector"},
	{"toxic_gas_detector", "有毒有害气体检测仪", "toxic gas detector"},
	{"radiation_protection_meter", "电离辐射防护仪", "radiation protection meter"},
	{"breath_alcohol_analyzer", "呼出气体酒精含量检测仪", "breath alcohol analyzer"},
	{"radar_speed_meter", "机动车测速仪", "vehicle speed meter"},
	{"headlamp_tester", "机动车前照灯检测仪", "vehicle headlamp tester"},
	{"vehicle_exhaust_analyzer", "汽车排放气体测试仪", "vehicle exhaust analyzer"},
	{"sound_level_meter", "声级计", "sound level meter"},
	{"environmental_analyzer", "环境监测用分析仪器（烟尘、烟气、水质等）", "environmental monitoring analyzer"},
}

// CategoryCodes lists the codes of [Categories] in their order.
var CategoryCodes = func() []string {
	out := make([]string, len(Categories))
	for i, c := range Categories {
		out[i] = c.Code
	}
	return out
}()

// CategoryOf returns the catalogue entry of a code.
func CategoryOf(code string) (Category, bool) {
	for _, c := range Categories {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}
