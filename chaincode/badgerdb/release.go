package badgerdb

import (
	"context"
	"log/slog"
	"time"
)

// ReleaseInterval is how often a gateway releases the mapped pages of its
// databases: often enough that the tables a burst of writes compacts do
// not pile up in its RSS, at the cost of reading /proc/self/maps.
const ReleaseInterval = 250 * time.Millisecond

// ReleaseMappedEvery calls ReleaseMapped(dirs...) every interval until ctx
// ends. The kernel leaves the pages of mapped files in a process's
// resident set until memory runs short; a gateway that writes its
// databases all day would otherwise show every table it ever wrote in its
// RSS. A failure is logged once.
func ReleaseMappedEvery(ctx context.Context, interval time.Duration, log *slog.Logger, dirs ...string) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	warned := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := ReleaseMapped(dirs...); err != nil && !warned && log != nil {
				log.Warn("releasing mapped database pages", "err", err)
				warned = true
			}
		}
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
