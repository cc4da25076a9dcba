package embedded_test

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// BenchmarkIssueCertificateSingle issues certificates through the real
// chaincode on the on-disk embedded ledger, one transaction each.
func BenchmarkIssueCertificateSingle(b *testing.B) {
	l, recorder, cert := scenarioLedger(b)
	ctx := context.Background()
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		cert.ID = fmt.Sprintf("BENCH-%08d", i)
		data, _ := json.Marshal(&cert)
		if _, err := l.Submit(ctx, recorder, ledger.Call{Function: record.FnIssueCertificate, Args: []string{string(data)}}); err != nil {
			b.Fatal(err)
		}
	}
	reportRates(b, cpu)
}

// BenchmarkIssueCertificatesBatch issues b.N certificates through
// IssueCertificates, record.MaxBatch a transaction; compare its certs/s
// with BenchmarkIssueCertificateSingle's of the same run.
func BenchmarkIssueCertificatesBatch(b *testing.B) {
	l, recorder, cert := scenarioLedger(b)
	ctx := context.Background()
	batch := make([]json.RawMessage, 0, record.MaxBatch)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		data, _ := json.Marshal(batch)
		if _, err := l.Submit(ctx, recorder, ledger.Call{Function: record.FnIssueCertificates, Args: []string{string(data)}}); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		cert.ID = fmt.Sprintf("BENCH-%08d", i)
		data, _ := json.Marshal(&cert)
		batch = append(batch, data)
		if len(batch) == record.MaxBatch {
			flush()
		}
	}
	flush()
	reportRates(b, cpu)
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRates reports certificates per second of wall time, and per
// second of the process's CPU time since start: on a shared, loaded
// machine the second is the one that compares across runs.
func reportRates(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "certs/s")
	if used := cpuTime() - start; used > 0 {
		b.ReportMetric(float64(b.N)/used.Seconds(), "certs/cpu-s")
	}
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
