package record

import "regexp"

// Location is where an instrument is used: its county-level district by
// its GB/T 2260 administrative division code, and a street address.
type Location struct {
	District string `json:"district"`
	Address  string `json:"address,omitempty"`
}

var districtPattern = regexp.MustCompile(`^[0-9]{6}$`)

// regionPrefixes maps the province part of a GB/T 2260 code (its first two
// digits) to the region of the network that serves it.
var regionPrefixes = map[string]string{"11": "BJ", "12": "TJ", "13": "HB"}

// RegionOfDistrict returns the region (BJ, TJ, HB) a GB/T 2260 district
// code belongs to, "" for a code outside the three regions.
func RegionOfDistrict(code string) string {
	if len(code) < 2 {
		return ""
	}
	return regionPrefixes[code[:2]]
}

// ValidateDistrict checks a GB/T 2260 code: six digits, in Beijing (11…),
// Tianjin (12…) or Hebei (13…), the regions this network serves.
func ValidateDistrict(field, code string) error {
	if code == "" {
		return invalid(field, FieldDistrictRequired, nil, "%s is required (a GB/T 2260 six-digit code)", field)
	}
	if !districtPattern.MatchString(code) {
		return invalid(field, FieldBadDistrict, Params{"value": code}, "%s %q is not a GB/T 2260 code of six digits", field, code)
	}
	if RegionOfDistrict(code) == "" {
		return invalid(field, FieldDistrictOutside, Params{"value": code}, "%s %q is outside Beijing (11xxxx), Tianjin (12xxxx) and Hebei (13xxxx)", field, code)
	}
	return nil
}

func (l *Location) validate(field string) error {
	return ValidateDistrict(field+".district", l.District)
}

// DistrictNames names the county-level districts of Beijing and Tianjin and
// the prefecture-level cities of Hebei (GB/T 2260), for lists and the demo.
// A valid code need not be listed.
var DistrictNames = map[string]string{
	"110101": "东城区", "110102": "西城区", "110105": "朝阳区", "110106": "丰台区",
	"110107": "石景山区", "110108": "海淀区", "110109": "门头沟区", "110111": "房山区",
	"110112": "通州区", "110113": "顺义区", "110114": "昌平区", "110115": "大兴区",
	"110116": "怀柔区", "110117": "平谷区", "110118": "密云区", "110119": "延庆区",
	"120101": "和平区", "120102": "河东区", "120103": "河西区", "120104": "南开区",
	"120105": "河北区", "120106": "红桥区", "120110": "东丽区", "120111": "西青区",
	"120112": "津南区", "120113": "北辰区", "120114": "武清区", "120115": "宝坻区",
	"120116": "滨海新区", "120117": "宁河区", "120118": "静海区", "120119": "蓟州区",
	"130100": "石家庄市", "130200": "唐山市", "130300": "秦皇岛市", "130400": "邯郸市",
	"130500": "邢台市", "130600": "保定市", "130700": "张家口市", "130800": "承德市",
	"130900": "沧州市", "131000": "廊坊市", "131100": "衡水市",
	"130102": "长安区", "130104": "桥西区", "130602": "竞秀区", "131082": "三河市",
}
