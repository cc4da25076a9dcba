package graph

import "github.com/metrotrace/metrotrace/chaincode/rules"

// Languages a picture is labelled in.
const (
	LangZH = "zh"
	LangEN = "en"
)

// checkZH names each check in Chinese; English uses the check's own name.
var checkZH = map[string]string{
	rules.CheckCertificateValid:               "证书有效",
	rules.CheckReferenceActiveAtUse:           "使用时参考标准在用",
	rules.CheckReferenceCertificateValidAtUse: "使用时参考标准证书有效",
	rules.CheckApprovalValidAtUse:             "使用时标准考核证书有效",
	rules.CheckIssuerCapable:                  "出具机构具备校准测量能力",
	rules.CheckUncertaintyRatio:               "不确定度比满足要求",
	rules.CheckNoCycle:                        "无循环溯源",
	rules.CheckReachesPrimary:                 "溯源至计量基准",
}

// text is one label in both languages.
type text struct{ zh, en string }

func (t text) in(lang string) string {
	if lang == LangEN {
		return t.en
	}
	return t.zh
}

// Words of the pictures.
var (
	wordInstrument   = text{"计量器具", "instrument"}
	wordStandard     = text{"计量标准", "standard"}
	wordPrimary      = text{"计量基准", "primary standard"}
	wordUnknown      = text{"未找到", "not found"}
	wordNoCert       = text{"无有效证书", "no valid certificate"}
	wordChecksPass   = text{"项核查通过", "checks pass"}
	wordFaulty       = text{"失准标准", "faulty standard"}
	wordAffectedFrom = text{"自", "since"}
)

var levelZH = map[string]string{
	"public": "社会公用", "department": "部门", "enterprise": "企事业", "working": "工作",
}

var statusZH = map[string]string{"active": "在用", "sealed": "封存", "revoked": "撤销"}

// CheckLabel is a check's name in lang: Chinese for LangZH, the name itself otherwise.
func CheckLabel(name, lang string) string {
	if lang != LangEN {
		if zh, ok := checkZH[name]; ok {
			return zh
		}
	}
	return name
}
