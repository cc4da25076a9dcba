package embedded_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
	"github.com/metrotrace/metrotrace/gateway/ledger"
)

// TestTheLargestBatchCommitsOnDisk issues record.MaxBatch certificates in
// one transaction with a body as large as the gateway takes (just under
// httpapi.DefaultBodyLimit) on an on-disk ledger, where the store's
// memtables are small: one badger transaction holds the records, their
// history and the transaction log entry with its event, and must fit what
// badger allows a transaction. Every certificate then reads back.
func TestTheLargestBatchCommitsOnDisk(t *testing.T) {
	l, recorder, cert := scenarioLedger(t)
	ctx := context.Background()
	body, method := scenario.LargestBatch(cert, "MAXBATCH-%04d", httpapi.DefaultBodyLimit)
	if len(body) > httpapi.DefaultBodyLimit || len(body) < httpapi.DefaultBodyLimit-4096 {
		t.Fatalf("batch body %d bytes, want just under %d", len(body), httpapi.DefaultBodyLimit)
	}
	if _, err := l.Submit(ctx, recorder, ledger.Call{Function: record.FnIssueCertificates, Args: []string{body}}); err != nil {
		t.Fatalf("a batch of %d certificates in %d bytes: %v", record.MaxBatch, len(body), err)
	}
	for _, i := range []int{0, record.MaxBatch / 2, record.MaxBatch - 1} {
		out, err := l.Evaluate(ctx, recorder, ledger.Call{Function: "Get", Args: []string{record.DocCertificate, fmt.Sprintf("MAXBATCH-%04d", i)}})
		if err != nil {
			t.Fatal(err)
		}
		var got record.Certificate
		if err := json.Unmarshal(out, &got); err != nil || got.Method != method {
			t.Fatalf("certificate %d read back with a method of %d bytes (%v), want %d", i, len(got.Method), err, len(method))
		}
	}
}
