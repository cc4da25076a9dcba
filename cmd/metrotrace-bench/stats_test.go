package main

import (
	"strings"
	"testing"
	"time"
)

func TestPercentileIsTheNearestRank(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {1, time.Millisecond}, {0.1, time.Millisecond}} {
		if got := percentile(d, tc.p); got != tc.want {
			t.Errorf("p%v = %v, want %v", tc.p, got, tc.want)
		}
	}
	if got := percentile(nil, 99); got != 0 {
		t.Errorf("p99 of nothing = %v", got)
	}
	if got := percentile([]time.Duration{7}, 50); got != 7 {
		t.Errorf("p50 of one value = %v", got)
	}
	// 10 values: p99 is the largest, p50 the fifth.
	ten := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if percentile(ten, 99) != 10 || percentile(ten, 50) != 5 {
		t.Errorf("p99, p50 of 1..10 = %v, %v", percentile(ten, 99), percentile(ten, 50))
	}
}

func TestSummarizeSortsAndKeepsNegativeValues(t *testing.T) {
	s := summarize([]time.Duration{30, -5, 10, 20})
	if s.N != 4 || s.P50 != 10 || s.P99 != 30 || s.Max != 30 {
		t.Fatalf("summary = %+v", s)
	}
	if s := summarize(nil); s != (summary{}) {
		t.Fatalf("summary of nothing = %+v", s)
	}
}

func TestFormatting(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{ms(1500 * time.Millisecond), "1500 ms"},
		{ms(12340 * time.Microsecond), "12.3 ms"},
		{ms(1234 * time.Microsecond), "1.23 ms"},
		{ms(63 * time.Microsecond), "0.063 ms"},
		{ms(-20 * time.Millisecond), "-20.0 ms"},
		{ratio(180, 220), "0.82 ×"},
		{ratio(26, 1), "26.0 ×"},
		{ratio(1, 0), "–"},
		{mib(300 << 20), "300 MiB"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestParseMem(t *testing.T) {
	status := "Name:\tmetrotrace-bench\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nRssAnon:\t   92160 kB\nRssFile:\t   10240 kB\n"
	m, err := parseMem(status)
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS != 100<<20 || m.Peak != 200<<20 || m.Anon != 90<<20 || m.File != 10<<20 {
		t.Fatalf("mem = %+v", m)
	}
	if s := m.String(); !strings.HasPrefix(s, "100 MiB (anon 90 MiB, file 10 MiB; peak 200 MiB") {
		t.Fatalf("String = %q", s)
	}
	if _, err := parseMem("Name: x\n"); err == nil {
		t.Fatal("no VmRSS line: want an error")
	}
	if _, err := parseMem("VmRSS: lots kB\n"); err == nil {
		t.Fatal("bad number: want an error")
	}
	m, err = readMem("/proc/self/status")
	if err != nil || m.RSS <= 0 || m.GoHeap <= 0 {
		t.Fatalf("readMem(self) = %+v, %v", m, err)
	}
}
