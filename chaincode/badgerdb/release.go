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
const (
	ReleaseInterval       = 20 * time.Millisecond
	ReleaseSlack    int64 = 16 << 20
)

// ReleaseMappedEvery watches the process's resident file-backed pages
// every interval until ctx ends and calls ReleaseMapped(dirs...) whenever
// they have grown by more than ReleaseSlack since the last release (and
// every interval where the count cannot be read). The kernel leaves the
// pages of mapped files in a process's resident set until memory runs
// short; a gateway that writes its databases all day would otherwise show
// every table it ever wrote in its RSS. A failure is logged once.
func ReleaseMappedEvery(ctx context.Context, interval time.Duration, log *slog.Logger, dirs ...string) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	warned := false
	floor, countable := residentShared()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now, ok := residentShared()
		if ok && countable && now-floor <= ReleaseSlack {
			if now < floor {
				floor = now
			}
			continue
		}
		if _, err := ReleaseMapped(dirs...); err != nil && !warned && log != nil {
			log.Warn("releasing mapped database pages", "err", err)
			warned = true
		}
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
