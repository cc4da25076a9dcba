package schema

import "testing"

func TestXSDPatternsTranslateToGoWithTheSameMeaning(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		match   []string
		reject  []string
	}{
		{`3\.1\.2`, []string{"3.1.2"}, []string{"3x1x2", "3.1.2 ", "13.1.2"}},
		{`[A-Z]{2}`, []string{"DE", "CN"}, []string{"D", "DEU", "de", ""}},
		// D-SI's real number and its uncertainty
		{`[-+]?((\d*\.\d+)|(\d+\.\d*)|(\d+\.?))([Ee][-+]?\d+)?|NaN`,
			[]string{"306", "-1.5", "+.5", "1.", "2e-3", "1.0E+10", "NaN", "٣"},
			[]string{"", ".", "e5", "1e", "nan", "INF", "1,5", "NaN1"}},
		{`\+?((0(\.\d*)?)|(1(\.0*)?))|NaN`, []string{"0.95", "1", "1.000", "+0", "NaN"}, []string{"1.5", "-0.5", "2"}},
		{`\+?(([1-9]\d*\.\d*)|([1-9]\d*))|NaN`, []string{"2", "2.0", "10"}, []string{"0", "0.5", "-2"}},
		// no anchors in XSD: ^ and $ are characters
		{`a$b^`, []string{"a$b^"}, []string{"ab"}},
		// . is anything but a line end
		{`a.c`, []string{"abc", "a c"}, []string{"a\nc", "a\rc", "ac"}},
		{`\s+`, []string{" \t\n\r"}, []string{"\u00a0"}},
		{`\i\c*`, []string{"dcc:x-1.y", "_a"}, []string{"1a", "-a"}},
		{`[^a-c]`, []string{"d"}, []string{"a", "b"}},
		{`\p{Lu}+`, []string{"ÄB"}, []string{"äb"}},
		{`[a\-z]`, []string{"-", "a"}, []string{"b"}},
	} {
		re, err := translatePattern(tc.pattern)
		if err != nil {
			t.Fatalf("%s: %v", tc.pattern, err)
		}
		for _, s := range tc.match {
			if !re.MatchString(s) {
				t.Errorf("%s should match %q (as %s)", tc.pattern, s, re)
			}
		}
		for _, s := range tc.reject {
			if re.MatchString(s) {
				t.Errorf("%s should not match %q (as %s)", tc.pattern, s, re)
			}
		}
	}
}

func TestXSDPatternsWithoutAGoEquivalentAreRefused(t *testing.T) {
	for pattern, want := range map[string]string{
		`[a-z-[aeiou]]`:    "character class subtraction is not supported",
		`\p{IsBasicLatin}`: `block escape \p{IsBasicLatin} is not supported`,
		`a\`:               "trailing backslash",
		`[ab`:              "unterminated character class",
		`\q`:               `unknown escape \q`,
		`(?i)a`:            "(? is not XSD syntax",
	} {
		_, err := translatePattern(pattern)
		if err == nil || err.Error() != want {
			t.Errorf("%s: error %v, want %q", pattern, err, want)
		}
	}
}
