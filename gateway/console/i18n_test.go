package console_test

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/console"
	"github.com/metrotrace/metrotrace/gateway/dcc"
	"github.com/metrotrace/metrotrace/gateway/dcc/schema"
	"github.com/metrotrace/metrotrace/gateway/dcc/signature"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// fieldMessages reads the console's table of field error sentences
// (FIELD_MESSAGES in app.js, written as JSON between its markers).
func fieldMessages(t *testing.T) map[string][2]string { return sentenceTable(t, "FIELD_MESSAGES") }

// sentenceTable reads a [zh, en] table of app.js written as JSON between
// its markers (// BEGIN name ... // END name).
func sentenceTable(t *testing.T, name string) map[string][2]string {
	t.Helper()
	src, err := fs.ReadFile(console.FS(), "app.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)// BEGIN ` + name + `\s*var ` + name + ` = (\{.*?\});\s*// END ` + name).FindSubmatch(src)
	if m == nil {
		t.Fatalf("app.js has no %s table between its markers", name)
	}
	var table map[string][2]string
	if err := json.Unmarshal(m[1], &table); err != nil {
		t.Fatalf("%s is not JSON: %v", name, err)
	}
	return table
}

// TestEveryDCCNoteHasAChineseAndAnEnglishSentence fails when the DCC
// mapping can make a note the console cannot say in both languages, or
// when a sentence prints a parameter its code does not carry.
func TestEveryDCCNoteHasAChineseAndAnEnglishSentence(t *testing.T) {
	var codes []code
	for _, c := range dcc.ProblemCodes {
		codes = append(codes, code{string(c.Code), c.Params})
	}
	checkSentences(t, "DCC_NOTES", codes, map[string]bool{"issuer": true, "status": true})
	// A DCC that does not map is refused with its problems as details,
	// said from FIELD_MESSAGES or else DCC_NOTES: no code may be in both.
	fields := fieldMessages(t)
	for c := range sentenceTable(t, "DCC_NOTES") {
		if _, ok := fields[c]; ok {
			t.Errorf("%q is both a DCC note and a field error code", c)
		}
	}
}

// TestEverySignatureReasonHasAChineseAndAnEnglishSentence fails when a
// DCC signature check can give a reason the console cannot say in both
// languages.
func TestEverySignatureReasonHasAChineseAndAnEnglishSentence(t *testing.T) {
	var codes []code
	for _, c := range signature.ReasonCodes {
		codes = append(codes, code{c.Code, c.Params})
	}
	checkSentences(t, "SIGNATURE_REASONS", codes, nil)
}

// TestEverySchemaReasonHasAChineseAndAnEnglishSentence fails when a DCC
// can be left unvalidated for a reason the console cannot say in both
// languages.
func TestEverySchemaReasonHasAChineseAndAnEnglishSentence(t *testing.T) {
	var codes []code
	for _, c := range schema.ReasonCodes {
		codes = append(codes, code{c.Code, c.Params})
	}
	checkSentences(t, "SCHEMA_REASONS", codes, nil)
}

// code is a sentence code with the parameters it carries.
type code struct {
	Code   string
	Params []string
}

// checkSentences fails unless the app.js table name has a zh and an en
// sentence for every code and no other, each printing only the code's
// parameters, named by keys the console has labels for.
func checkSentences(t *testing.T, name string, codes []code, keys map[string]bool) {
	t.Helper()
	table := sentenceTable(t, name)
	han := regexp.MustCompile(`\p{Han}`)
	placeholder := regexp.MustCompile(`\{([a-z_]+)(?::([a-z_]+))?\}`)
	for _, c := range codes {
		s, ok := table[c.Code]
		if !ok {
			t.Errorf("no sentence for %q in %s", c.Code, name)
			continue
		}
		if !han.MatchString(s[0]) || s[1] == "" || han.MatchString(s[1]) {
			t.Errorf("%s: zh %q has no Chinese or en %q is empty or has Chinese", c.Code, s[0], s[1])
		}
		for _, sentence := range s {
			for _, p := range placeholder.FindAllStringSubmatch(sentence, -1) {
				if !slices.Contains(c.Params, p[1]) {
					t.Errorf("%q prints {%s}, which %s does not carry (%v)", sentence, p[1], c.Code, c.Params)
				}
				if p[2] != "" && !keys[p[2]] {
					t.Errorf("%q names {%s} by %q, which the console has no labels for", sentence, p[1], p[2])
				}
			}
			if strings.Count(sentence, "{") != len(placeholder.FindAllString(sentence, -1)) {
				t.Errorf("%q has a malformed placeholder", sentence)
			}
		}
	}
	if len(table) != len(codes) {
		t.Errorf("%s says %d codes, the Go side lists %d", name, len(table), len(codes))
	}
}

// TestEveryFieldErrorCodeHasAChineseAndAnEnglishSentence fails when the
// record package or the gateway can send a field error or reason code the
// console cannot say in both languages, or when a sentence prints a parameter its code does not
// carry.
func TestEveryFieldErrorCodeHasAChineseAndAnEnglishSentence(t *testing.T) {
	table := fieldMessages(t)
	han := regexp.MustCompile(`\p{Han}`)
	placeholder := regexp.MustCompile(`\{([a-z_]+)(?::([a-z_]+))?\}`)
	keys := map[string]bool{"field": true, "level": true, "quantity": true, "by": true, "rule": true, "record_kind": true, "issuer": true, "status": true, "action": true, "values": true, "role": true, "caller": true, "who": true, "phase": true}
	// The gateway's own reasons (401, 405, 413, ...) are said as the
	// record package's are.
	codes := append(slices.Clone(record.FieldCodes), httpapi.ReasonCodes...)
	for _, c := range codes {
		t.Run(string(c.Code), func(t *testing.T) {
			s, ok := table[string(c.Code)]
			if !ok {
				t.Fatalf("no sentence for %q in FIELD_MESSAGES", c.Code)
			}
			zh, en := s[0], s[1]
			if !han.MatchString(zh) {
				t.Errorf("zh sentence %q has no Chinese", zh)
			}
			if en == "" || han.MatchString(en) {
				t.Errorf("en sentence %q is empty or has Chinese", en)
			}
			params := append([]string{"field"}, c.Params...)
			for _, sentence := range s {
				for _, p := range placeholder.FindAllStringSubmatch(sentence, -1) {
					if !slices.Contains(params, p[1]) {
						t.Errorf("%q prints {%s}, which %s does not carry (it carries %v)", sentence, p[1], c.Code, params)
					}
					if p[2] != "" && !keys[p[2]] {
						t.Errorf("%q names {%s} by %q, which the console has no labels for", sentence, p[1], p[2])
					}
				}
				if strings.Count(sentence, "{") != len(placeholder.FindAllString(sentence, -1)) {
					t.Errorf("%q has a malformed placeholder", sentence)
				}
			}
		})
	}
	for code := range table {
		if !slices.ContainsFunc(codes, func(c struct {
			Code   record.FieldCode
			Params []string
		}) bool {
			return string(c.Code) == code
		}) {
			t.Errorf("FIELD_MESSAGES says %q, a code neither the record package nor the gateway declares", code)
		}
	}
}
