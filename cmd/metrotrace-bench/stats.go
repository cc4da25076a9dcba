package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the
// nearest-rank method: the smallest value with at least p % of the values
// at or below it. It is 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// summary is the latency distribution of one measurement.
type summary struct {
	N             int
	P50, P99, Max time.Duration
}

// summarize sorts d in place and returns its percentiles.
func summarize(d []time.Duration) summary {
	slices.Sort(d)
	s := summary{N: len(d), P50: percentile(d, 50), P99: percentile(d, 99)}
	if len(d) > 0 {
		s.Max = d[len(d)-1]
	}
	return s
}

// ms renders a duration in milliseconds with a precision that suits it.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch a := max(v, -v); {
	case a >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case a >= 10:
		return fmt.Sprintf("%.1f ms", v)
	case a >= 1:
		return fmt.Sprintf("%.2f ms", v)
	default:
		return fmt.Sprintf("%.3f ms", v)
	}
}

// ratio renders a/b, or "–" when b is zero.
func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	r := a / b
	if r >= 10 {
		return fmt.Sprintf("%.1f ×", r)
	}
	return fmt.Sprintf("%.2f ×", r)
}

// mib renders a byte count in MiB.
func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// memStatus is the process's memory from /proc/self/status.
type memStatus struct {
	RSS, Peak, Anon, File int64 // VmRSS, VmHWM, RssAnon, RssFile in bytes
	GoHeap                int64 // the Go heap in use (runtime.MemStats.HeapInuse)
}

// readMem reads the memory of this process from a /proc/<pid>/status file
// and the Go runtime.
func readMem(path string) (memStatus, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return memStatus{}, err
	}
	m, err := parseMem(string(data))
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.GoHeap = int64(ms.HeapInuse)
	return m, err
}

// parseMem parses the VmRSS, VmHWM, RssAnon and RssFile lines (in kB) of a
// /proc/<pid>/status text.
func parseMem(status string) (memStatus, error) {
	var m memStatus
	fields := map[string]*int64{"VmRSS:": &m.RSS, "VmHWM:": &m.Peak, "RssAnon:": &m.Anon, "RssFile:": &m.File}
	found := false
	for _, line := range strings.Split(status, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		dst, ok := fields[f[0]]
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return m, fmt.Errorf("%s %q: %w", f[0], f[1], err)
		}
		*dst = kb << 10
		found = found || f[0] == "VmRSS:"
	}
	if !found {
		return m, fmt.Errorf("no VmRSS line in the process status")
	}
	return m, nil
}

// String renders the memory for a table cell.
func (m memStatus) String() string {
	s := fmt.Sprintf("%s (anon %s, file %s; peak %s", mib(m.RSS), mib(m.Anon), mib(m.File), mib(m.Peak))
	if m.GoHeap > 0 {
		s += "; Go heap in use " + mib(m.GoHeap)
	}
	return s + ")"
}

// dirSize sums the apparent sizes and the allocated blocks of the files
// under dir. A file that vanishes during the walk (a table a compaction
// of the open database just replaced) is not counted.
func dirSize(dir string) (apparent, allocated int64, err error) {
	err = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		apparent += info.Size()
		allocated += allocatedBytes(info)
		return nil
	})
	return apparent, allocated, err
}
