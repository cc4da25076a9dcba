package conformance

import (
	"os"
	"reflect"
	"testing"

	"github.com/metrotrace/metrotrace/gateway/embedded"
)

// TestEmbeddedAndFabricGiveTheSameAnswers loads every variant of the
// region into each backend through HTTP and compares every answer.
func TestEmbeddedAndFabricGiveTheSameAnswers(t *testing.T) {
	vs := variants()
	l, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	emb := startGateway(t, "embedded", l, l.Wallet())
	loadAll(t, emb, vs)
	embedded := answers(t, emb, vs)
	if len(embedded) != 3+len(vs)-1 {
		t.Fatalf("answers = %d", len(embedded))
	}
	embeddedPages := ledgerImpactPages(t, emb)
	supervisionScenario(t, emb)
	refusedOnEmbedded := fieldErrorsScenario(t, emb)
	if os.Getenv("METROTRACE_NETWORK_TESTS") != "1" {
		t.Log("Fabric half not run: set METROTRACE_NETWORK_TESTS=1 (scripts/test.sh does) to compare with a real network")
		return
	}
	_, sup := supervisionRegion()
	fab := startFabric(t, vs, sup)
	loadAll(t, fab.target, vs)
	supervisionScenario(t, fab.target)
	onFabric := answers(t, fab.target, vs)
	if refused := fieldErrorsScenario(t, fab.target); !reflect.DeepEqual(refused, refusedOnEmbedded) {
		t.Errorf("refusals with field errors: embedded answers\n%s\nFabric answers\n%s", refusedOnEmbedded, refused)
	}
	for q, want := range embedded {
		if onFabric[q] != want {
			t.Errorf("%s: embedded answers\n%s\nFabric answers\n%s", q, want, onFabric[q])
		}
	}
	if got := ledgerImpactPages(t, fab.target); got != embeddedPages {
		t.Errorf("the chaincode's impact pages: embedded\n%s\nFabric\n%s", embeddedPages, got)
	}
	fab.crossGatewayWrite(t)
	fab.rebuildIndex(t, 5*len(vs)+len(sup.Institutions))
}
