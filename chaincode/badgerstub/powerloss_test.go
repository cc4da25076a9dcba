package badgerstub

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"golang.org/x/sys/unix"
)

// dirtyPages counts the pages of the files under dir that the kernel holds
// in memory but has not written to the disk yet (dirty or under
// writeback): what a power loss would lose. It uses cachestat(2).
func dirtyPages(t *testing.T, dir string) (pages uint64) {
	t.Helper()
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return nil // removed meanwhile (compaction)
		}
		defer f.Close()
		var st unix.Cachestat_t
		if err := unix.Cachestat(uint(f.Fd()), &unix.CachestatRange{Off: 0, Len: 0}, &st, 0); err != nil {
			return err
		}
		pages += st.Dirty + st.Writeback
		return nil
	})
	if err != nil {
		t.Skipf("cachestat: %v", err)
	}
	return pages
}

// TestPowerLossWindow measures what a power loss could lose with the
// store's sync settings: after a burst of commits, how many pages of the
// ledger's files are not yet on the disk, and how long the kernel takes to
// write them. It compares badger's SyncWrites on and off. A measurement,
// not a check: METROTRACE_MEASURE_POWER_LOSS=1 runs it.
func TestPowerLossWindow(t *testing.T) {
	if os.Getenv("METROTRACE_MEASURE_POWER_LOSS") != "1" {
		t.Skip("a measurement of tens of seconds; METROTRACE_MEASURE_POWER_LOSS=1 runs it")
	}
	const commits = 2000
	value := make([]byte, 1500) // about a capability with its index entries
	for _, sync := range []bool{false, true} {
		dir := t.TempDir()
		var db *badger.DB
		closeDB := func() { db.Close() }
		if !sync {
			s, err := Open(dir) // the store's own settings
			if err != nil {
				t.Fatal(err)
			}
			db, closeDB = s.db.DB, func() { s.Close() }
			if db.Opts().SyncWrites {
				t.Fatal("the store now syncs writes; update docs/RELIABILITY.md")
			}
		} else {
			var err error
			if db, err = badger.Open(badger.DefaultOptions(dir).WithLogger(nil).WithSyncWrites(true)); err != nil {
				t.Fatal(err)
			}
		}
		start := time.Now()
		for i := 0; i < commits; i++ {
			if err := db.Update(func(txn *badger.Txn) error {
				for j := 0; j < 4; j++ {
					if err := txn.Set([]byte(fmt.Sprintf("k%07d-%d", i, j)), value); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		burst := time.Since(start)
		acked := time.Now()
		first := dirtyPages(t, dir)
		clean := time.Duration(-1)
		for time.Since(acked) < 60*time.Second {
			if dirtyPages(t, dir) == 0 {
				clean = time.Since(acked)
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Logf("SyncWrites=%v: %d commits in %.2fs (%.2f ms each); right after the last acknowledgement %d pages (%d KiB) not on disk; all on disk after %.1fs",
			sync, commits, burst.Seconds(), burst.Seconds()*1000/commits, first, first*4, clean.Seconds())
		closeDB()
	}
}
