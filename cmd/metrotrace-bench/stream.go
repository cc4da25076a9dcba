package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/chaincode/rules"
	"github.com/metrotrace/metrotrace/gateway/index"
)

// measureStream measures the impact of the standard feeding every
// instrument answered in bounded memory: streamed whole (Index.ImpactStream,
// as an export reads it) with the process's RSS sampled throughout, and its
// first page (Index.ImpactPage, which counts every certificate).
func measureStream(x *index.Index, n, runs int, t *table, stderr io.Writer) error {
	fmt.Fprintf(stderr, "streamed impact of %s over all %d instruments, %d runs, RSS sampled\n", impactStandard, n, runs)
	d, before, peak, err := rssRuns(runs, func() error {
		items, instruments := 0, 0
		_, err := x.ImpactStream(context.Background(), impactStandard, "2024-01-01", func(it rules.ImpactItem) error {
			items++
			if it.SubjectDocType == record.DocInstrument && it.CertificateID[len(it.CertificateID)-1] == '0' {
				instruments++ // each instrument's first certificate
			}
			return nil
		})
		if err == nil && (items != 3*n+1 || instruments != n) {
			err = fmt.Errorf("streamed impact of %s: %d certificates of %d instruments, want %d of %d", impactStandard, items, instruments, 3*n+1, n)
		}
		return err
	})
	if err != nil {
		return err
	}
	stream := summarize(d)

	var pd []time.Duration
	for i := 0; i < runs; i++ {
		start := time.Now()
		p, err := x.ImpactPage(context.Background(), impactStandard, "2024-01-01", record.MaxPageSize, "")
		pd = append(pd, time.Since(start))
		if err != nil {
			return err
		}
		if p.TotalCertificates != 3*n+1 || len(p.Certificates) != min(record.MaxPageSize, 3*n+1) {
			return fmt.Errorf("impact page: %d of %d certificates, want %d of %d", len(p.Certificates), p.TotalCertificates, record.MaxPageSize, 3*n+1)
		}
	}
	page := summarize(pd)
	target := "≤ 0.25 s for 100k instruments"
	if n != 100000 {
		target += fmt.Sprintf(" (%.2f s scaled to %d)", 0.25*float64(n)/100000, n)
	}
	t.Rows = append(t.Rows,
		row{What: fmt.Sprintf("impact of %s streamed whole (Index.ImpactStream: %d certificates of %d instruments, %d runs)", impactStandard, 3*n+1, n, runs),
			Measured: "p50 " + ms(stream.P50) + ", max " + ms(stream.Max), Target: target},
		row{What: "process RSS during the streamed impacts (sampled every 10 ms)", Measured: "peak " + peak.String(),
			Baseline: "before " + mib(before.RSS), Ratio: fmt.Sprintf("+%s", mib(peak.RSS-before.RSS)), Target: "≤ 300 MB at 1M"},
		row{What: fmt.Sprintf("first page of %d of the same impact (Index.ImpactPage counts every certificate, %d runs)", record.MaxPageSize, runs),
			Measured: "p50 " + ms(page.P50) + ", max " + ms(page.Max), Baseline: "streamed whole p50 " + ms(stream.P50), Ratio: ratio(float64(page.P50), float64(stream.P50))},
	)
	return nil
}
