package embedded_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/auth"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

const nim = `{"id":"NIM","name":"中国计量科学研究院","region":"BJ","msp_id":"BeijingMSP","kind":"national_institute"}`

func TestLedgerPersistsStateIdentitiesAndEvents(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	l, err := embedded.Open(dir, embedded.WithClock(func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }))
	if err != nil {
		t.Fatal(err)
	}
	op, err := l.Wallet().Identity("BeijingMSP", "operator", "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := l.Submit(ctx, op, ledger.Call{Function: "RegisterInstitution", Args: []string{nim}})
	if err != nil {
		t.Fatal(err)
	}
	if r.BlockNumber != 1 || len(r.TxID) != 64 || !r.Timestamp.Equal(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("receipt = %+v", r)
	}
	// A refused transaction writes nothing and says why.
	_, err = l.Submit(ctx, op, ledger.Call{Function: "RegisterInstitution", Args: []string{nim}})
	if record.ErrorCode(err) != record.Conflict {
		t.Fatalf("duplicate = %v, want conflict", err)
	}
	if h, _ := l.Height(ctx); h != 2 {
		t.Fatalf("height = %d, want 2 (one block, the next is 2)", h)
	}
	l.Close()

	l, err = embedded.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// The CA of BeijingMSP survived: the old operator identity is accepted.
	if _, err := l.Evaluate(ctx, op, ledger.Call{Function: "Get", Args: []string{"institution", "NIM"}}); err != nil {
		t.Fatalf("after reopen: %v", err)
	}
	// An identity from a CA the ledger does not know is refused.
	stranger, _ := identity.NewCA("BeijingMSP")
	fake, _ := stranger.Issue("mallory", nil)
	_, err = l.Submit(ctx, fake, ledger.Call{Function: "RegisterInstitution", Args: []string{nim}})
	var le *ledger.Error
	if !errors.As(err, &le) || le.Phase != ledger.PhaseEndorse {
		t.Fatalf("foreign identity = %v, want an endorse-phase refusal", err)
	}
	// Events replay from the start, then follow new commits.
	got := make(chan ledger.Event, 4)
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- l.Events(cctx, 0, func(e ledger.Event) error { got <- e; return nil }) }()
	first := <-got
	var ev record.Event
	if err := json.Unmarshal(first.Payload, &ev); err != nil || first.BlockNumber != 1 || ev.Function != "RegisterInstitution" || ev.Records[0].ID != "NIM" {
		t.Fatalf("first event = %+v (%v)", first, err)
	}
	if _, err := l.Submit(ctx, op, ledger.Call{Function: "RegisterInstitution", Args: []string{`{"id":"BJIM","name":"北京市计量检测科学研究院","region":"BJ","msp_id":"BeijingMSP","kind":"legal_metrology"}`}}); err != nil {
		t.Fatal(err)
	}
	select {
	case second := <-got:
		if second.BlockNumber != 2 {
			t.Fatalf("second event block = %d", second.BlockNumber)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a new commit was not delivered")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Events ended with %v", err)
	}
}

// TestAnUnknownOrganizationGetsNoCA: the wallet of an on-disk ledger makes
// no CA, in memory or on disk, for an organization outside the consortium.
func TestAnUnknownOrganizationGetsNoCA(t *testing.T) {
	dir := t.TempDir()
	l, err := embedded.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Wallet().Identity("EvilMSP", "operator", ""); !errors.Is(err, auth.ErrUnknownOrganization) {
		t.Fatalf("err = %v, want ErrUnknownOrganization", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ca", "EvilMSP")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stat ca/EvilMSP: %v, want not exist", err)
	}
	if _, err := l.Wallet().Identity("TianjinMSP", "operator", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ca", "TianjinMSP", "ca-cert.pem")); err != nil {
		t.Fatal(err)
	}
}
