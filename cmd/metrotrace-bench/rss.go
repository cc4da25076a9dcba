package main

import (
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// rssSampler reads the process's RSS every interval while a measurement
// runs and keeps the largest: VmHWM is the peak of the process's whole
// life (an index build, an earlier query), not of one query.
type rssSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	max  memStatus
}

// sampleRSS starts sampling; call stop for the peak seen.
func sampleRSS(interval time.Duration) *rssSampler {
	s := &rssSampler{stop: make(chan struct{})}
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			if m, err := readMem("/proc/self/status"); err == nil && m.RSS > s.max.RSS {
				s.max = m
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// peak stops sampling (after one last sample) and returns the sample of the
// largest RSS.
func (s *rssSampler) peak() memStatus {
	close(s.stop)
	s.done.Wait()
	if m, err := readMem("/proc/self/status"); err == nil && m.RSS > s.max.RSS {
		s.max = m
	}
	return s.max
}

// rssRuns runs fn runs times one after another, after a garbage collection
// that returns what it freed to the system, with the RSS sampled every
// 10 ms throughout: each run's time, the RSS before and the peak. An error
// of fn stops the runs and is returned.
func rssRuns(runs int, fn func() error) (d []time.Duration, before, peak memStatus, err error) {
	runtime.GC()
	debug.FreeOSMemory()
	if before, err = readMem("/proc/self/status"); err != nil {
		return nil, before, peak, err
	}
	rs := sampleRSS(10 * time.Millisecond)
	for i := 0; i < runs; i++ {
		start := time.Now()
		err = fn()
		d = append(d, time.Since(start))
		if err != nil {
			break
		}
	}
	return d, before, rs.peak(), err
}
