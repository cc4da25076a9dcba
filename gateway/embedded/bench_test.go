package embedded_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/embedded"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// BenchmarkIngestCertificates issues certificates through the real
// chaincode on the on-disk embedded ledger, one transaction each.
func BenchmarkIngestCertificates(b *testing.B) {
	l, err := embedded.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	f := scenario.New()
	for _, s := range f.Steps() {
		id, _ := l.Wallet().Identity(s.MSPID, s.Role, s.Institution)
		if _, err := l.Submit(ctx, id, ledger.Call{Function: s.Function, Args: s.Args}); err != nil {
			b.Fatal(err)
		}
	}
	recorder, _ := l.Wallet().Identity("TianjinMSP", "recorder", "TJ-ENT")
	cert := *f.Certificate("TJENT-2024-0042")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cert.ID = fmt.Sprintf("BENCH-%08d", i)
		data, _ := json.Marshal(&cert)
		if _, err := l.Submit(ctx, recorder, ledger.Call{Function: "IssueCertificate", Args: []string{string(data)}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "certs/s")
}

// BenchmarkRawBadgerWrite is the baseline: one badger transaction per
// certificate-sized value on the same kind of disk, opened as the ledger
// opens its store, no chaincode.
func BenchmarkRawBadgerWrite(b *testing.B) {
	db, err := badgerdb.Open(badgerdb.DefaultOptions(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	value, _ := json.Marshal(scenario.New().Certificate("TJENT-2024-0042"))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := db.Update(func(txn *badger.Txn) error {
			return txn.Set([]byte(fmt.Sprintf("c/%08d", i)), value)
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}
