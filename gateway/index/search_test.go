package index_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// TestSearchFindsAnyPartOfAnIDASerialOrAManufacturer: a search matches
// the middle of an id, an instrument's serial and its manufacturer, in any
// case, and stops at the limit.
func TestSearchFindsAnyPartOfAnIDASerialOrAManufacturer(t *testing.T) {
	ld := load(t, "", scenario.New())
	x := openIndex(t, "")
	follow(t, x, ld.l)
	for _, tt := range []struct {
		name, query string
		want        []string
	}{
		{"a serial", "b91234", []string{"instrument/TJ-BAL-001"}},
		{"a manufacturer in another case", "SARTORIUS", []string{"instrument/HB-BAL-007"}},
		{"the middle of an id", "bal-00", []string{"instrument/HB-BAL-007", "instrument/TJ-BAL-001"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := x.Search(context.Background(), tt.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, h := range hits {
				if h.DocType == record.DocInstrument {
					got = append(got, h.DocType+"/"+h.ID)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("search %q = %v (all hits %+v), want %v", tt.query, got, hits, tt.want)
			}
			for _, h := range hits {
				if h.ID == "TJ-BAL-001" && h.Name != "electronic balance XPR1203S" {
					t.Fatalf("hit name = %q: the extra search terms leak into it", h.Name)
				}
			}
		})
	}
	if hits, err := x.Search(context.Background(), "-", 3); err != nil || len(hits) != 3 {
		t.Fatalf("search - limit 3 = %d hits, %v", len(hits), err)
	}
	if _, err := x.Search(context.Background(), "a", record.MaxSearchLimit+2); record.ErrorCode(err) != record.Invalid {
		t.Fatalf("limit over the maximum + 1: %v, want invalid", err)
	}
}

// TestBlockOfIsTheBlockOfEveryWritingTransaction: the index knows the block
// of each transaction the ledger's events delivered, and nothing of one it
// never saw.
func TestBlockOfIsTheBlockOfEveryWritingTransaction(t *testing.T) {
	ld := load(t, "", scenario.New())
	x := openIndex(t, "")
	follow(t, x, ld.l)
	want := map[string]uint64{}
	if err := ld.l.Events(context.Background(), 0, func(ev ledger.Event) error {
		if ev.TxID != "" && ev.Name == record.EventName {
			want[ev.TxID] = ev.BlockNumber
		}
		h, _ := ld.l.Height(context.Background())
		if ev.BlockNumber+1 >= h {
			return errDone
		}
		return nil
	}); err != nil && !errors.Is(err, errDone) {
		t.Fatal(err)
	}
	if len(want) < 10 {
		t.Fatalf("only %d transactions in the scenario", len(want))
	}
	for tx, block := range want {
		got, found, err := x.BlockOf(context.Background(), tx)
		if err != nil || !found || got != block {
			t.Fatalf("BlockOf(%s) = %d, %v, %v; want %d", tx, got, found, err, block)
		}
	}
	if _, found, err := x.BlockOf(context.Background(), "no-such-tx"); found || err != nil {
		t.Fatalf("BlockOf(unknown) found=%v err=%v", found, err)
	}
}

// errDone ends a read of the event stream once it reached the top.
var errDone = errors.New("read to the top")
