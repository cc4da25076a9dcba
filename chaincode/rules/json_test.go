package rules

import (
	"encoding/json"
	"math/rand"
	"reflect"
	"testing"
	"testing/quick"
)

// awkward are strings encoding/json escapes: quotes, backslashes, control
// bytes (with \b and \f), HTML's <, > and &, U+2028 and U+2029, DEL,
// invalid UTF-8 and Chinese text.
var awkward = []string{"", `"`, `\`, "a\x00b\x1fc", "\b\f\n\r\t", "<a href='x'>&amp;</a>", "\u2028\u2029", "\x7f",
	"\xff\xfe", "caf\xc3", "计量标准 TJ-ENT-STD", "ok"}

// salt replaces every string reachable from v with one of awkward (or
// keeps quick's random one), and every map key likewise.
func salt(v reflect.Value, rng *rand.Rand) {
	switch v.Kind() {
	case reflect.String:
		if i := rng.Intn(len(awkward) + 3); i < len(awkward) {
			v.SetString(awkward[i])
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				salt(v.Field(i), rng)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			salt(v.Index(i), rng)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			salt(v.Elem(), rng)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		m := reflect.MakeMap(v.Type())
		for _, k := range v.MapKeys() {
			nk, nv := reflect.New(k.Type()).Elem(), reflect.New(v.Type().Elem()).Elem()
			nk.Set(k)
			nv.Set(v.MapIndex(k))
			salt(nk, rng)
			salt(nv, rng)
			m.SetMapIndex(nk, nv)
		}
		v.Set(m)
	}
}

// nilSome makes some slices and maps reachable from v nil and others
// empty, the two cases encoding/json writes differently (null or [],
// and an omitempty field left out).
func nilSome(v reflect.Value, rng *rand.Rand) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				nilSome(v.Field(i), rng)
			}
		}
	case reflect.Slice, reflect.Map:
		switch rng.Intn(4) {
		case 0:
			v.Set(reflect.Zero(v.Type()))
			return
		case 1:
			if v.Kind() == reflect.Slice {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			} else {
				v.Set(reflect.MakeMap(v.Type()))
			}
			return
		}
		if v.Kind() == reflect.Slice {
			for i := range v.Len() {
				nilSome(v.Index(i), rng)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			nilSome(v.Elem(), rng)
		}
	}
}

// TestAnswersWriteTheJSONOfEncodingJSON: the trace reports and
// recognition decisions that append their own JSON write exactly what
// encoding/json writes for them, for random values (every field filled,
// so a field added to the types and not to AppendJSON fails here) with
// awkward strings, nil and empty slices and maps, and for the traces of a
// graph with problems. The gateway answers with AppendJSON.
func TestAnswersWriteTheJSONOfEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	cfg := &quick.Config{Rand: rng, MaxCount: 1}
	check := func(v interface{ AppendJSON([]byte) []byte }) {
		t.Helper()
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.AppendJSON(nil); string(got) != string(want) {
			t.Fatalf("AppendJSON:\n%s\nencoding/json:\n%s", got, want)
		}
		prefix := []byte("prefix")
		if got := v.AppendJSON(prefix); string(got) != "prefix"+string(want) {
			t.Fatalf("AppendJSON after a prefix: %s", got)
		}
	}
	for i := range 300 {
		for _, typ := range []reflect.Type{reflect.TypeFor[TraceReport](), reflect.TypeFor[RecognitionDecision](), reflect.TypeFor[ImpactItem]()} {
			p := reflect.New(typ)
			// Exported fields only: the JSON is theirs (a report's
			// unexported memo bytes are checked by TestTracesThroughTheMemoAreTheWalks).
			for f := range typ.NumField() {
				if !typ.Field(f).IsExported() {
					continue
				}
				v, ok := quick.Value(typ.Field(f).Type, cfg.Rand)
				if !ok {
					t.Fatalf("no random %s.%s", typ, typ.Field(f).Name)
				}
				p.Elem().Field(f).Set(v)
			}
			if i%3 != 0 {
				salt(p.Elem(), rng)
			}
			if i%2 == 0 {
				nilSome(p.Elem(), rng)
			}
			check(p.Interface().(interface{ AppendJSON([]byte) []byte }))
		}
	}
	check(&TraceReport{})
	check(&RecognitionDecision{})
	check(&ImpactItem{})

	m := newMem()
	for _, id := range []string{"A", "B"} {
		m.put("standard", id, std(id))
	}
	m.put("certificate", "C-B", cert("C-B", "B", "A", "2024-02-10"))
	for _, at := range []string{"2024-03-01", "2030-01-01"} {
		rep, err := Trace(FromSource(m), "B", at)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Links) != 1 || len(rep.ProblemDetails) == 0 {
			t.Fatalf("trace of B on %s: %d links, problems %v; want one link with problems", at, len(rep.Links), rep.Problems)
		}
		check(rep)
	}
}
