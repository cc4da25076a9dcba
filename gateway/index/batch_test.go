package index_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/httpapi"
)

// TestIndexAppliesEveryRecordOfABatch: the one event of a full
// IssueCertificates transaction, as large as the gateway takes, puts all
// its certificates in an on-disk index (its one badger transaction fits
// the index's small memtables). The ledger is on disk too: in memory
// badger takes no value over 1 MiB, and the transaction's log entry with
// its event is larger.
func TestIndexAppliesEveryRecordOfABatch(t *testing.T) {
	f := scenario.New()
	ld := load(t, t.TempDir(), f)
	rec, _ := ld.l.Wallet().Identity("TianjinMSP", "recorder", "TJ-ENT")
	cert := *f.Certificate("TJENT-2024-0042")
	body, method := scenario.LargestBatch(cert, "TJENT-B-%03d", httpapi.DefaultBodyLimit)
	var certs []json.RawMessage
	if err := json.Unmarshal([]byte(body), &certs); err != nil || len(body) < httpapi.DefaultBodyLimit-4096 {
		t.Fatalf("the largest batch: %d bytes (%v)", len(body), err)
	}
	if _, err := ld.client.IssueCertificates(context.Background(), rec, certs); err != nil {
		t.Fatal(err)
	}
	x := openIndex(t, t.TempDir())
	follow(t, x, ld.l)
	n, token := 0, ""
	for {
		page, err := x.List(context.Background(), record.DocCertificate, record.IndexCertificatesBySubject, cert.SubjectID, record.MaxPageSize, token)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			var c record.Certificate
			if err := json.Unmarshal(r, &c); err == nil && len(c.ID) == len("TJENT-B-000") && c.ID[:8] == "TJENT-B-" && c.Method == method {
				n++
			}
		}
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	if n != record.MaxBatch {
		t.Fatalf("%d batch certificates indexed by subject, want %d", n, record.MaxBatch)
	}
	if got, err := x.Get(context.Background(), record.DocCertificate, "TJENT-B-499"); err != nil || len(got) == 0 {
		t.Fatalf("get the last of the batch: %v", err)
	}
}

// TestImpactPagesCoverTheWholeImpact: on the scenario, the pages of the
// index's paged impact list exactly the certificates of its whole impact.
func TestImpactPagesCoverTheWholeImpact(t *testing.T) {
	ld := load(t, "", scenario.New())
	x := openIndex(t, "")
	follow(t, x, ld.l)
	ctx := context.Background()
	whole, err := x.Impact(ctx, "BJ-STD-MASS", "2024-02-01", false)
	if err != nil {
		t.Fatal(err)
	}
	var got, paged []string
	token, pages := "", 0
	for {
		p, err := x.ImpactPage(ctx, "BJ-STD-MASS", "2024-02-01", 2, token)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if p.TotalCertificates != len(whole.Certificates) || !slices.Equal(p.Standards, whole.Standards) {
			t.Fatalf("page %d: total %d, standards %v; whole: %d, %v", pages, p.TotalCertificates, p.Standards, len(whole.Certificates), whole.Standards)
		}
		for _, c := range p.Certificates {
			got = append(got, c.CertificateID)
			paged = append(paged, c.ReferenceID+">"+c.CertificateID)
		}
		if token = p.NextPageToken; token == "" {
			break
		}
	}
	// The stream gives the pages' items in the pages' order.
	var streamed []string
	stds, err := x.ImpactStream(ctx, "BJ-STD-MASS", "2024-02-01", func(it rules.ImpactItem) error {
		streamed = append(streamed, it.ReferenceID+">"+it.CertificateID)
		return nil
	})
	if err != nil || !slices.Equal(streamed, paged) || !slices.Equal(stds, whole.Standards) {
		t.Fatalf("stream: %v, standards %v, %v; pages: %v, standards %v", streamed, stds, err, paged, whole.Standards)
	}
	slices.Sort(got)
	if !slices.Equal(got, whole.Certificates) || pages != (len(got)+1)/2 {
		t.Fatalf("%d pages of %v, want %v", pages, got, whole.Certificates)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := x.ImpactStream(cancelled, "BJ-STD-MASS", "2024-02-01", func(rules.ImpactItem) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled stream: %v", err)
	}
}
