package badgerdb

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// vlogBytes is the size on disk of the value-log files in dir. A file the
// collector deletes while it is counted counts nothing.
func vlogBytes(t *testing.T, dir string) int64 {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".vlog") {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		n += info.Size()
	}
	return n
}

// valueSize is the size of a test record's value: over the value
// threshold of testOptions, so values live in the value log.
const valueSize = 512

// testOptions keep values of more than 64 bytes in value-log files of 1
// MiB, with a small memtable and few level-0 tables so the compactions
// that count each file's garbage happen while the test writes.
func testOptions(dir string) Options {
	opts := DefaultOptions(dir)
	opts.Options = opts.WithValueThreshold(64).WithValueLogFileSize(1 << 20).
		WithMemTableSize(1 << 20).WithBaseTableSize(256 << 10).WithNumLevelZeroTables(2)
	return opts
}

// value is record i's value in round r: it differs from round to round, so
// every round really rewrites the record.
func value(i, r int) []byte {
	return bytes.Repeat([]byte{byte('a' + (i+r)%26)}, valueSize)
}

// rewrite writes the same records rounds times, each round one batch.
func rewrite(t *testing.T, db *DB, records, rounds int) {
	t.Helper()
	for r := range rounds {
		wb := db.NewWriteBatch()
		for i := range records {
			if err := wb.Set(fmt.Appendf(nil, "record/%05d", i), value(i, r)); err != nil {
				t.Fatal(err)
			}
		}
		if err := wb.Flush(); err != nil {
			t.Fatal(err)
		}
	}
}

// mustReadLastValues fails unless every record reads its last round's value.
func mustReadLastValues(t *testing.T, db *DB, records, rounds int) {
	t.Helper()
	if err := db.View(func(txn *badger.Txn) error {
		for i := range records {
			item, err := txn.Get(fmt.Appendf(nil, "record/%05d", i))
			if err != nil {
				return fmt.Errorf("record %d: %w", i, err)
			}
			v, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			if !bytes.Equal(v, value(i, rounds-1)) {
				return fmt.Errorf("record %d reads %.8q…, not its last value", i, v)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestGarbageCollectionKeepsTheValueLogSmall rewrites the same 10,000
// records of 512 bytes 20 times: the value log then holds every version
// (over 20 × the live data); after one garbage-collection pass it is
// within 3 × the live data, and every record still reads its last value.
func TestGarbageCollectionKeepsTheValueLogSmall(t *testing.T) {
	const (
		records = 10_000
		rounds  = 20
		live    = records * valueSize // 5,120,000 bytes
		written = rounds * live
		bound   = 3 // the value log after GC stays within 3 × live
	)
	dir := t.TempDir()
	opts := testOptions(dir)
	opts.GCInterval = 0 // collect by hand, to measure before and after
	db, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	rewrite(t, db, records, rounds)
	before := vlogBytes(t, dir)
	if before < written {
		t.Fatalf("value log holds %d bytes before GC, less than the %d written: the values are not in it", before, written)
	}
	// Compact the whole tree, so every stale version has been counted as
	// garbage of its value-log file whatever the background compactors did,
	// then collect. A rewrite leaves the pointers to the values it moved as
	// new garbage that only the next compaction counts, so a run whose
	// first pass ended above the bound compacts and collects again (at
	// most three passes; most runs need one: 1.47 × after it, some 3.22 ×).
	rewritten, after := 0, int64(0)
	for pass := 1; pass <= 3; pass++ {
		if err := db.Flatten(2); err != nil {
			t.Fatal(err)
		}
		n, err := db.CollectGarbage()
		if err != nil {
			t.Fatal(err)
		}
		rewritten += n
		after = vlogBytes(t, dir)
		t.Logf("pass %d: %d files rewritten, value log %d bytes", pass, n, after)
		if after <= bound*live {
			break
		}
	}
	t.Logf("live data %d bytes (%d records × %d bytes), %d bytes written in %d rounds; value log %d bytes before GC (%.1f × live), %d bytes after GC (%.2f × live); %d files rewritten",
		live, records, valueSize, written, rounds, before, float64(before)/live, after, float64(after)/live, rewritten)
	if after > bound*live {
		t.Fatalf("value log is %d bytes after GC, more than %d × the %d live bytes", after, bound, live)
	}
	mustReadLastValues(t, db, records, rounds)

	// Nothing left to collect is not an error (badger.ErrNoRewrite).
	if n, err := db.CollectGarbage(); err != nil || n != 0 {
		t.Fatalf("second pass: %d files rewritten, err %v; want 0, nil", n, err)
	}
}

// TestCollectorRunsUntilClose opens a database whose collector runs every
// 10 ms: after the same records are rewritten 20 times, the value log
// shrinks to less than half its size without anyone calling
// CollectGarbage (badger alone never shrinks it), and Close stops the
// collector and closes the database. Half, not less: a pass that races
// the writes moves entries into files whose garbage the discard
// statistics never reach 0.5 of, and CI at 2 cores has seen the log end
// at 0.26 and at 0.32 of its size however often it compacted again.
func TestCollectorRunsUntilClose(t *testing.T) {
	const (
		records = 2_000
		rounds  = 20
		live    = records * valueSize
	)
	dir := t.TempDir()
	opts := testOptions(dir)
	opts.GCInterval, opts.GCSleep = 10*time.Millisecond, 0
	db, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	rewrite(t, db, records, rounds)
	if err := db.Flatten(2); err != nil {
		t.Fatal(err)
	}
	before := vlogBytes(t, dir)
	if before < rounds*live {
		t.Fatalf("value log holds %d bytes, less than the %d written", before, rounds*live)
	}
	// Badger chooses the files to rewrite from discard statistics that
	// only compactions update. In a live database writes keep compactions
	// going; here nothing is written while the test waits, so when the
	// value log has not shrunk for a second (a collector pass that raced
	// the writes above can leave moved entries the statistics do not yet
	// count, seen once in CI at 2 cores: stuck at 0.26 of its size) the
	// test compacts again. It never collects itself: only the collector
	// rewrites files.
	deadline := time.Now().Add(30 * time.Second)
	last, lastChange := before, time.Now()
	for size := vlogBytes(t, dir); size > before/2; size = vlogBytes(t, dir) {
		if time.Now().After(deadline) {
			t.Fatalf("value log still %d bytes after 30 s of background GC, over half its %d bytes", size, before)
		}
		if size != last {
			last, lastChange = size, time.Now()
		} else if time.Since(lastChange) > time.Second {
			t.Logf("value log stays at %d of %d bytes: compacting again", size, before)
			if err := db.Flatten(2); err != nil {
				t.Fatal(err)
			}
			lastChange = time.Now()
		}
		time.Sleep(20 * time.Millisecond)
	}
	mustReadLastValues(t, db, records, rounds)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-db.done:
	default:
		t.Fatal("the collector still runs after Close")
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v, want the first's nil", err)
	}
}

func TestOpen(t *testing.T) {
	t.Run("an in-memory database has nothing to collect", func(t *testing.T) {
		db, err := Open(DefaultOptions(""))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if !db.Opts().InMemory {
			t.Fatal(`DefaultOptions("") is not in memory`)
		}
		if n, err := db.CollectGarbage(); n != 0 || err != nil {
			t.Fatalf("CollectGarbage in memory: %d, %v; want 0, nil", n, err)
		}
	})
	t.Run("a fresh database on disk collects nothing, without error", func(t *testing.T) {
		db, err := Open(DefaultOptions(t.TempDir()))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if n, err := db.CollectGarbage(); n != 0 || err != nil {
			t.Fatalf("CollectGarbage: %d, %v; want 0, nil", n, err)
		}
	})
	t.Run("a discard ratio outside (0, 1) is refused", func(t *testing.T) {
		for _, ratio := range []float64{0, 1, -0.5, 1.5} {
			opts := DefaultOptions(t.TempDir())
			opts.GCDiscardRatio = ratio
			db, err := Open(opts)
			if err == nil {
				db.Close()
				t.Fatalf("ratio %v: opened, want an error", ratio)
			}
			if !strings.Contains(err.Error(), "discard ratio") {
				t.Fatalf("ratio %v: %v, want it to name the discard ratio", ratio, err)
			}
		}
	})
	t.Run("a directory badger cannot use is an error", func(t *testing.T) {
		file := t.TempDir() + "/file"
		if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if db, err := Open(DefaultOptions(file)); err == nil {
			db.Close()
			t.Fatal("opened a database in a regular file")
		}
	})
}

// TestCompactionsPendingUntilTheCompactorsCatchUp fills level 0 past its
// table limit with the compactors off, then lets them run.
func TestCompactionsPendingUntilTheCompactorsCatchUp(t *testing.T) {
	dir := t.TempDir()
	opts := DefaultOptions(dir)
	opts.NumCompactors = 0
	opts.NumLevelZeroTables = 2
	opts.MemTableSize = 4 << 20
	opts.ValueThreshold = 1 << 10
	db, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if db.CompactionsPending() {
		db.Close()
		t.Fatal("an empty database has compactions pending")
	}
	value := bytes.Repeat([]byte("v"), 100)
	for batch := 0; batch < 6; batch++ {
		wb := db.NewWriteBatch()
		for i := 0; i < 20000; i++ {
			if err := wb.Set([]byte(fmt.Sprintf("k/%d/%06d", batch, i)), value); err != nil {
				t.Fatal(err)
			}
		}
		if err := wb.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	// Level 0 fills as the full memtables (4 MiB each of about 14 MiB
	// written) are flushed in the background.
	for deadline := time.Now().Add(30 * time.Second); !db.CompactionsPending(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			levels := db.LevelsToString()
			db.Close()
			t.Fatalf("no compaction pending with the compactors off after writing 14 MiB:\n%s", levels)
		}
	}
	l0 := db.Levels()[0].NumTables
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	opts.NumCompactors = DefaultOptions(dir).NumCompactors
	db, err = Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for deadline := time.Now().Add(60 * time.Second); db.CompactionsPending(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("compactions still pending a minute after opening with compactors:\n%s", db.LevelsToString())
		}
	}
	if got := db.Levels()[0].NumTables; got >= l0 {
		t.Fatalf("level 0 has %d tables once settled, had %d: nothing was compacted", got, l0)
	}
}
