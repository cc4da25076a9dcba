package dcc

import (
	"testing"
)

// BenchmarkParse measures Parse alone on the largest GP example (35 KB) and
// the old eager form, Parse followed by CanonicalSHA256, as the baseline.
func BenchmarkParse(b *testing.B) {
	data := MustReadTestdata(b, ptbHumidity)
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			if _, err := Parse(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parse+c14n", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			if _, err := Parse(data); err != nil {
				b.Fatal(err)
			}
			if _, err := CanonicalSHA256(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFuzzCycle measures one cycle of FuzzParse on a seed that maps:
// parse, map, generate, parse the generated DCC.
func BenchmarkFuzzCycle(b *testing.B) {
	for _, name := range []string{ptbHumidity, mtTemperature} {
		data := MustReadTestdata(b, name)
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				doc, err := Parse(data)
				if err != nil {
					b.Fatal(err)
				}
				cert, _, err := doc.Certificate(MapOptions{IssuerID: "FUZZ"})
				if err != nil {
					b.Skipf("%s does not map without references: %v", name, err)
				}
				out, err := Generate(cert, GenerateInfo{RespPersons: []string{"fuzz"}})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Parse(out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
