package main

import (
	"fmt"
	"io"
	"time"

	"github.com/metrotrace/metrotrace/chaincode/scenario"
	"github.com/metrotrace/metrotrace/gateway/index"
)

// measureSupervision asks the supervision lists of the synthetic region
// (every instrument compulsory, one in scenario.SyntheticOverdueEvery
// overdue on scenario.SyntheticToday): the first page of the overdue list,
// a page of it filtered by district, and the coverage by district. pointRead
// is the same run's point read, the baseline.
func measureSupervision(x *index.Index, n, runs int, pointRead summary, t *table, stderr io.Writer) error {
	today := scenario.SyntheticToday
	overdue := (n + scenario.SyntheticOverdueEvery - 1) / scenario.SyntheticOverdueEvery
	fmt.Fprintf(stderr, "supervision lists on %s: overdue (%d instruments), %d runs; coverage by district\n", today, overdue, runs)
	district := scenario.SyntheticDistricts[0]
	inDistrict := 0 // instruments k < n with k ≡ 0 (mod 50) and k ≡ 0 (mod districts)
	for k := 0; k < n; k += scenario.SyntheticOverdueEvery {
		if k%len(scenario.SyntheticDistricts) == 0 {
			inDistrict++
		}
	}
	page := func(f index.Filter, want int) (summary, error) {
		var d []time.Duration
		for i := 0; i < runs; i++ {
			start := time.Now()
			p, err := x.Overdue(today, f, 50, "")
			d = append(d, time.Since(start))
			if err != nil {
				return summary{}, err
			}
			if p.Total != want || len(p.Items) != min(50, want) {
				return summary{}, fmt.Errorf("overdue %+v: %d items of %d, want %d of %d", f, len(p.Items), p.Total, min(50, want), want)
			}
		}
		return summarize(d), nil
	}
	all, err := page(index.Filter{}, overdue)
	if err != nil {
		return err
	}
	one, err := page(index.Filter{District: district}, inDistrict)
	if err != nil {
		return err
	}
	covRuns := max(3, runs/10)
	var d []time.Duration
	for i := 0; i < covRuns; i++ {
		start := time.Now()
		cov, err := x.Coverage(today, index.ByDistrict, index.Filter{}, 100, "")
		d = append(d, time.Since(start))
		if err != nil {
			return err
		}
		if cov.Overall.Registered != n || cov.Overall.Verified != n-overdue || cov.Total != min(n, len(scenario.SyntheticDistricts)) {
			return fmt.Errorf("coverage by district: %d registered, %d verified in %d groups; want %d, %d in %d", cov.Overall.Registered, cov.Overall.Verified, cov.Total, n, n-overdue, min(n, len(scenario.SyntheticDistricts)))
		}
	}
	cov := summarize(d)
	t.Rows = append(t.Rows,
		row{What: fmt.Sprintf("overdue list, first page of 50 of %d (total counted), %d runs", overdue, runs), Measured: "p50 " + ms(all.P50) + ", p99 " + ms(all.P99),
			Baseline: "point read p99 " + ms(pointRead.P99), Ratio: ratio(float64(all.P99), float64(pointRead.P99)) + " (p99)", Target: "p99 ≤ 50 ms at 1M"},
		row{What: fmt.Sprintf("overdue list of district %s, first page (%d items), %d runs", district, inDistrict, runs), Measured: "p50 " + ms(one.P50) + ", p99 " + ms(one.P99),
			Baseline: "whole list p99 " + ms(all.P99), Ratio: ratio(float64(one.P99), float64(all.P99)) + " (p99)", Target: "p99 ≤ 50 ms at 1M"},
		row{What: fmt.Sprintf("coverage by district (%d districts, 12 months of history, %d compulsory instruments), %d runs", len(scenario.SyntheticDistricts), n, covRuns),
			Measured: "p50 " + ms(cov.P50) + ", max " + ms(cov.Max), Baseline: "overdue page p50 " + ms(all.P50), Ratio: ratio(float64(cov.P50), float64(all.P50)), Target: "≤ 500 ms at 1M"},
	)
	return nil
}
