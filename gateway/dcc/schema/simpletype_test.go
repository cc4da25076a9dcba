package schema

import (
	"math/big"
	"testing"
)

func TestBuiltInTypesCheckTheirLexicalSpace(t *testing.T) {
	types := builtinTypes()
	for _, tc := range []struct {
		typ     string
		valid   []string
		invalid []string
	}{
		{"date", []string{"1957-08-13", "2024-02-29", "2021-12-02Z", "2021-12-02+01:00", " 2021-12-02\n"},
			[]string{"13.08.1957", "2023-02-29", "2021-13-01", "2021-00-10", "0000-01-01", "2021-1-1", "2021-12-02T10:00:00", "2021-12-02+15:00"}},
		{"dateTime", []string{"2021-12-02T10:00:00", "2021-12-02T10:00:00.123Z", "2021-12-02T24:00:00", "2021-12-02T10:00:00-05:00"},
			[]string{"2021-12-02", "2021-12-02 10:00:00", "2021-12-02T25:00:00", "2021-12-02T24:00:01", "2021-12-02T10:60:00"}},
		{"duration", []string{"P1Y", "P1Y2M3DT4H5M6.5S", "-P3D", "PT0S"}, []string{"P", "PT", "1Y", "P1S", "P1.5Y"}},
		{"double", []string{"1", "-1.5e-3", ".5", "INF", "-INF", "NaN", "1E10"}, []string{"", "1,5", "e3", "inf", "+INF", "1.5.5"}},
		{"decimal", []string{"1", "-0.5", "+.5"}, []string{"1e3", "NaN", ""}},
		{"integer", []string{"0", "-12", "+7"}, []string{"1.0", "", "x"}},
		{"unsignedByte", []string{"0", "255"}, []string{"256", "-1"}},
		{"boolean", []string{"true", "false", "1", "0"}, []string{"TRUE", "yes", ""}},
		{"ID", []string{"a", "_x-1.2", "Ü"}, []string{"1a", "a:b", "", "a b"}},
		{"IDREFS", []string{"a b c"}, []string{"", "a 1"}},
		{"base64Binary", []string{"aGVsbG8=", "aGVs\nbG8="}, []string{"a", "!!!!"}},
		{"language", []string{"en", "de-DE"}, []string{"englishes", "en_GB", ""}},
	} {
		st := types[qname{namespaceXSD, tc.typ}]
		for _, v := range tc.valid {
			if _, err := st.validate(v); err != nil {
				t.Errorf("xs:%s %q: %v", tc.typ, v, err)
			}
		}
		for _, v := range tc.invalid {
			if _, err := st.validate(v); err == nil {
				t.Errorf("xs:%s %q accepted", tc.typ, v)
			}
		}
	}
}

func TestIDAndIDREFValuesAreCollected(t *testing.T) {
	types := builtinTypes()
	refs, err := types[qname{namespaceXSD, "IDREFS"}].validate(" a  b ")
	if err != nil || len(refs) != 2 || refs[0] != (valueRef{idIDREF, "a"}) || refs[1] != (valueRef{idIDREF, "b"}) {
		t.Fatalf("IDREFS: %v %v", refs, err)
	}
	refs, err = types[qname{namespaceXSD, "ID"}].validate("x1")
	if err != nil || len(refs) != 1 || refs[0] != (valueRef{idID, "x1"}) {
		t.Fatalf("ID: %v %v", refs, err)
	}
}

func TestRestrictionFacetsAreChecked(t *testing.T) {
	types := builtinTypes()
	rat := func(s string) *big.Rat { r, _ := new(big.Rat).SetString(s); return r }
	decimal := types[qname{namespaceXSD, "decimal"}]
	probability := &simpleType{base: decimal, ws: wsCollapse, numeric: true, minInc: rat("0"), maxExc: rat("1")}
	str := types[qname{namespaceXSD, "string"}]
	code := &simpleType{base: str, minLen: intp(2), maxLen: intp(3)}
	words := &simpleType{variety: list, item: types[qname{namespaceXSD, "token"}], ws: wsCollapse, length: intp(2)}
	for _, tc := range []struct {
		st    *simpleType
		value string
		err   string
	}{
		{probability, "0", ""},
		{probability, "0.999", ""},
		{probability, "-0.1", "-0.1 is below the minimum 0"},
		{probability, "1", "1 is not below 1"},
		{probability, "x", `"x" is not a valid xs:decimal`},
		{code, "ab", ""},
		{code, "a", "length is 1 characters, want at least 2"},
		{code, "abcd", "length is 4 characters, want at most 3"},
		{code, "äöü", ""},
		{words, " a  b ", ""},
		{words, "a", "length is 1 items, want 2"},
	} {
		_, err := tc.st.validate(tc.value)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.err {
			t.Errorf("%q: error %q, want %q", tc.value, got, tc.err)
		}
	}
}
