package schema

import (
	"bytes"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// billionLaughs is the classic entity-expansion bomb: ten levels of ten
// references, 10^9 "lol"s if expanded.
func billionLaughs() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n" + `<!DOCTYPE lolz [` + "\n" + ` <!ENTITY lol "lol">` + "\n")
	for i := 1; i <= 9; i++ {
		prev := "lol"
		if i > 1 {
			prev = "lol" + string(rune('0'+i-1))
		}
		b.WriteString(` <!ENTITY lol` + string(rune('0'+i)) + ` "` + strings.Repeat("&"+prev+";", 10) + `">` + "\n")
	}
	b.WriteString(`]>` + "\n" + `<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.1.1">&lol9;</dcc:digitalCalibrationCertificate>`)
	return []byte(b.String())
}

// deepNesting is a DCC root holding n nested elements.
func deepNesting(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.2.0">`)
	b.WriteString(strings.Repeat("<dcc:comment>", n))
	b.WriteString(strings.Repeat("</dcc:comment>", n))
	b.WriteString(`</dcc:digitalCalibrationCertificate>`)
	return b.Bytes()
}

func TestHostileXMLIsRefusedQuickly(t *testing.T) {
	oversized := append(mustRead(t, typical), bytes.Repeat([]byte("<!-- padding -->\n"), (DefaultLimits.MaxBytes/17)+1)...)
	for _, tc := range []struct {
		name string
		doc  []byte
		want Error
	}{
		{"a billion laughs", billionLaughs(), Error{2, "/", "document type declarations (DOCTYPE, ENTITY) are not accepted"}},
		{"an external entity", []byte(`<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.1.1">&xxe;</dcc:digitalCalibrationCertificate>`),
			Error{2, "/", "document type declarations (DOCTYPE, ENTITY) are not accepted"}},
		{"a DOCTYPE after the root", append(mustRead(t, typical), []byte("<!DOCTYPE x>")...),
			Error{480, "/", "document type declarations (DOCTYPE, ENTITY) are not accepted"}},
		{"10000 nested elements", deepNesting(10000), Error{1, "/", "elements nested deeper than 256"}},
		{"an oversized document", oversized, Error{0, "/", "document is " + strconv.Itoa(len(oversized)) + " bytes, more than the limit of 33554432"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			got := Validate(tc.doc)
			took := time.Since(start)
			want := Result{Message: "refused: " + tc.want.Message, Errors: []Error{tc.want}, Reason: ReasonRefused, Params: map[string]string{"detail": tc.want.Message}}
			got.Version = "" // read before the refusal or not: not what is tested
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Validate = %+v\nwant %+v", got, want)
			}
			t.Logf("%s (%d bytes): refused in %v", tc.name, len(tc.doc), took)
			// Generous for a shared machine; an expansion or a full parse
			// of 10^9 nodes would take minutes.
			if took > 2*time.Second {
				t.Fatalf("took %v", took)
			}
		})
	}
}

func TestLimitsCanBeTightened(t *testing.T) {
	doc := mustRead(t, typical)
	if got := (Limits{MaxBytes: 1000}).Validate(doc); !got.Refused() ||
		got.Errors[0].Message != "document is 19698 bytes, more than the limit of 1000" {
		t.Fatalf("MaxBytes: %+v", got)
	}
	// The typical example nests 15 deep.
	if got := (Limits{MaxDepth: 15}).Validate(doc); got.Refused() {
		t.Fatalf("MaxDepth 15: %+v", got)
	}
	if got := (Limits{MaxDepth: 14}).Validate(doc); !got.Refused() || got.Errors[0].Message != "elements nested deeper than 14" {
		t.Fatalf("MaxDepth 14: %+v", got)
	}
}
