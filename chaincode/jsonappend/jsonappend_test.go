package jsonappend

import (
	"encoding/json"
	"math/rand"
	"testing"
)

// TestValuesAreWrittenAsEncodingJSONWritesThem: every string of up to 8
// random bytes (so control bytes, HTML's <, > and &, invalid UTF-8 and
// parts of runes), the separators U+2028 and U+2029, maps with those keys
// and values, nil and empty slices and maps, booleans and integers come
// out exactly as encoding/json writes them.
func TestValuesAreWrittenAsEncodingJSONWritesThem(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	same := func(got []byte, v any) {
		t.Helper()
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("%#v: wrote %s, encoding/json %s", v, got, want)
		}
	}
	alphabet := []byte("a<>&\"\\\x00\x08\x0c\n\r\t\x1f\x7f\xe2\x80\xa8\xa9\xff\xc3\xa9计")
	random := func() string {
		b := make([]byte, rng.Intn(9))
		for i := range b {
			if rng.Intn(2) == 0 {
				b[i] = byte(rng.Intn(256))
			} else {
				b[i] = alphabet[rng.Intn(len(alphabet))]
			}
		}
		return string(b)
	}
	for range 20000 {
		s := random()
		same(String(nil, s), s)
	}
	for _, s := range []string{"", "\u2028", "x\u2029y", "计量", "\xed\xa0\x80", "\U0010ffff"} {
		same(String([]byte{}, s), s)
	}
	for range 2000 {
		m := map[string]string{}
		for range rng.Intn(20) {
			m[random()] = random()
		}
		ss := make([]string, rng.Intn(4))
		for i := range ss {
			ss[i] = random()
		}
		same(StringMap(nil, m), m)
		same(Strings(nil, ss), ss)
	}
	same(StringMap(nil, nil), map[string]string(nil))
	same(Strings(nil, nil), []string(nil))
	same(Strings(nil, []string{}), []string{})
	for _, v := range []int{0, -1, 42, 1 << 40, -(1 << 62)} {
		same(Int(nil, v), v)
	}
	same(Bool(nil, true), true)
	same(Bool(nil, false), false)
	ints := []int{3, 1, 2}
	same(Array(nil, ints, func(dst []byte, v *int) []byte { return Int(dst, *v) }), ints)
	same(Array(nil, []int(nil), func(dst []byte, v *int) []byte { return Int(dst, *v) }), []int(nil))
	same(Array(nil, []int{}, func(dst []byte, v *int) []byte { return Int(dst, *v) }), []int{})
}
