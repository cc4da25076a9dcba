package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/demo"
)

// TestTracesFromTheIndexAreTheChaincodes: every standard and instrument
// of the demo, traced on four dates from the index twice (the first walk
// fills the memo of the chains above reference standards, the second
// takes them from it), answers the same bytes as the chaincode's trace
// through the ledger.
func TestTracesFromTheIndexAreTheChaincodes(t *testing.T) {
	base, tok := indexServer(t, demo.Generate(time.Now().UTC().Format(record.DateLayout)).Steps())
	get := func(path string) (int, []byte) { return authGet(t, base, tok, path) }
	var subjects []string
	for _, kind := range []string{"standards", "instruments"} {
		code, body := get("/" + kind + "?page_size=1000")
		var list struct {
			Records []struct {
				ID string `json:"id"`
			} `json:"records"`
			NextPageToken string `json:"next_page_token"`
		}
		if err := json.Unmarshal(body, &list); err != nil || code != 200 || len(list.Records) < 10 || list.NextPageToken != "" {
			t.Fatalf("%s: %d %.300s %v", kind, code, body, err)
		}
		for _, r := range list.Records {
			subjects = append(subjects, r.ID)
		}
	}
	traceable, links := 0, 0
	for _, id := range subjects {
		for _, at := range []string{"2023-01-01", "2024-06-01", "2025-06-01", time.Now().UTC().Format(record.DateLayout)} {
			q := "/trace/" + url.PathEscape(id) + "?at=" + at
			lc, led := get(q + "&source=ledger")
			for round := 1; round <= 2; round++ {
				ic, idx := get(q)
				if ic != lc || !bytes.Equal(idx, led) {
					t.Fatalf("%s, index round %d: %d %s\nledger %d %s", q, round, ic, idx, lc, led)
				}
			}
			var rep rules.TraceReport
			if err := json.Unmarshal(led, &rep); err != nil {
				t.Fatal(err)
			}
			// The answer writes itself (AppendJSON): encoding/json
			// writes the same bytes for what it says.
			if enc, _ := json.Marshal(&rep); !bytes.Equal(append(enc, '\n'), led) {
				t.Fatalf("%s answered\n%s\nencoding/json writes\n%s", q, led, enc)
			}
			if rep.Traceable {
				traceable++
			}
			links += len(rep.Links)
		}
	}
	if traceable < 100 || links < 4*len(subjects) {
		t.Fatalf("%d subjects: only %d traces traceable, %d links in all", len(subjects), traceable, links)
	}
	t.Logf("%d subjects × 4 dates: %d traceable, %d links, each trace the same bytes from the index (twice), the ledger and encoding/json", len(subjects), traceable, links)
}
