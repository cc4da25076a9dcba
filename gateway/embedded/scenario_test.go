package embedded_test

import (
	"context"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/identity"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// scenarioLedger is an on-disk embedded ledger loaded with the scenario, the
// recorder of TJ-ENT and a certificate of its to copy.
func scenarioLedger(tb testing.TB) (*embedded.Ledger, *identity.Identity, record.Certificate) {
	l, err := embedded.Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	f := scenario.New()
	for _, s := range f.Steps() {
		id, _ := l.Wallet().Identity(s.MSPID, s.Role, s.Institution)
		if _, err := l.Submit(context.Background(), id, ledger.Call{Function: s.Function, Args: s.Args, Transient: s.Transient}); err != nil {
			tb.Fatal(err)
		}
	}
	recorder, _ := l.Wallet().Identity("TianjinMSP", "recorder", "TJ-ENT")
	return l, recorder, *f.Certificate("TJENT-2024-0042")
}
