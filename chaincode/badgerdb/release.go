package badgerdb

import (
	"context"
	"log/slog"
	"time"
)

// ReleaseInterval is how often a gateway looks at how many pages of
// mapped files it holds (one read of /proc/self/statm), and ReleaseSlack
// how far that may grow before the mapped pages of its databases are
// released (ReleaseMapped reads /proc/self/maps and advises each
// mapping). A compaction reads every table it merges through the mapping
// and writes its new tables through another: on the embedded ledger at
// 100k certificates one pass touches over 160 MiB in well under a second,
// so a fixed release every 250 ms let that whole pass into the RSS, while
// a look every 20 ms bounds it to the slack and what one compaction
// touches in 20 ms.
//
// ReleaseShare and ReleaseMaxWait bound what the releases cost: after one
// that took d, the next waits (ReleaseShare-1)×d, but never more than
// ReleaseMaxWait. At 1M instruments the index maps over 3,500 table
// files: reading /proc/self/maps and one madvise per mapping take 15–20 ms
// however few pages are resident, and random traces at 16 clients grew
// the resident pages past the slack every 20 ms, so releasing took a
// quarter of the gateway's CPU. Right after a release the hot pages are
// faulted back at over 1 MiB per millisecond, so the cap decides the peak
// RSS: 50 ms kept the 1M index's peak at 255–260 MiB, 100 ms let it reach
// 305 MiB, and without a cap a late release dropped more pages, took
// longer, and made the next one later still (778 MiB).
const (
	ReleaseInterval       = 20 * time.Millisecond
	ReleaseSlack    int64 = 16 << 20
	ReleaseShare          = 10
	ReleaseMaxWait        = 50 * time.Millisecond
)

// ReleaseMappedEvery watches the process's resident file-backed pages
// every interval until ctx ends and calls ReleaseMapped(dirs...) whenever
// they have grown by more than ReleaseSlack since the last release (and
// every interval where the count cannot be read), but never sooner after
// a release than ReleaseShare-1 times what that release took, up to
// ReleaseMaxWait. The kernel leaves the pages of mapped files in a
// process's resident set until memory runs short; a gateway that writes
// its databases all day would otherwise show every table it ever wrote in
// its RSS. A failure is logged once.
func ReleaseMappedEvery(ctx context.Context, interval time.Duration, log *slog.Logger, dirs ...string) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	warned := false
	floor, countable := residentShared()
	var notBefore time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if time.Now().Before(notBefore) {
			continue
		}
		now, ok := residentShared()
		if ok && countable && now-floor <= ReleaseSlack {
			if now < floor {
				floor = now
			}
			continue
		}
		began := time.Now()
		if _, err := ReleaseMapped(dirs...); err != nil && !warned && log != nil {
			log.Warn("releasing mapped database pages", "err", err)
			warned = true
		}
		ended := time.Now()
		notBefore = ended.Add(min((ReleaseShare-1)*ended.Sub(began), ReleaseMaxWait))
		floor, countable = residentShared()
	}
}

// StartReleasingMapped runs ReleaseMappedEvery(ReleaseInterval) over dirs
// in a goroutine of its own; stop ends it and waits for it.
func StartReleasingMapped(log *slog.Logger, dirs ...string) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ReleaseMappedEvery(ctx, ReleaseInterval, log, dirs...)
	}()
	return func() { cancel(); <-done }
}
