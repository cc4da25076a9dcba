package badgerdb_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/metrotrace/metrotrace/chaincode/badgerdb"
)

// rssFile reads the process's resident file-backed pages (RssFile, KiB).
func rssFile(t *testing.T) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "RssFile:" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no RssFile in /proc/self/status")
	return 0
}

// TestReleasedMappedPagesLeaveTheResidentSetAndKeepTheData writes 32 MiB
// of values into the value log, reads them (their pages resident), and
// releases the mappings, naming the database's directory relative to the
// working directory (as serve's default ./metrotrace-data does): the
// process's file-backed RSS falls by at least 24 MiB, and every value
// reads back unchanged. Directories holding no mapped file release
// nothing.
func TestReleasedMappedPagesLeaveTheResidentSetAndKeepTheData(t *testing.T) {
	parent := t.TempDir()
	t.Chdir(parent)
	dir := filepath.Join(parent, "db")
	opts := badgerdb.DefaultOptions(dir)
	opts.Options = opts.WithValueThreshold(1 << 10)
	db, err := badgerdb.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	readAll := writeValues(t, db)
	readAll()
	if released, err := badgerdb.ReleaseMapped(t.TempDir(), "/nonexistent"); err != nil || released != 0 {
		t.Fatalf("released %d bytes of directories with no database (%v), want 0", released, err)
	}
	before := rssFile(t)
	released, err := badgerdb.ReleaseMapped("./db")
	if err != nil {
		t.Fatal(err)
	}
	after := rssFile(t)
	t.Logf("released %d MiB of mappings; file-backed RSS %d KiB before, %d KiB after", released>>20, before, after)
	if released < 32<<20 || before-after < 24<<10 {
		t.Fatalf("released %d bytes of mappings; file-backed RSS %d KiB before, %d KiB after; want a fall of at least 24 MiB", released, before, after)
	}
	readAll()
}

// writeValues writes 32 MiB of values into db's value log, 64 KiB each,
// and returns a function that reads them all back (their pages becoming
// resident) and fails the test if one changed.
func writeValues(t *testing.T, db *badgerdb.DB) (readAll func()) {
	t.Helper()
	value := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i%26)}, 64<<10) }
	const n = 512 // 512 × 64 KiB = 32 MiB
	for i := 0; i < n; i += 16 {
		if err := db.Update(func(txn *badger.Txn) error {
			for j := i; j < i+16; j++ {
				if err := txn.Set([]byte(fmt.Sprint("k", j)), value(j)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	readAll = func() {
		t.Helper()
		if err := db.View(func(txn *badger.Txn) error {
			for i := range n {
				it, err := txn.Get([]byte(fmt.Sprint("k", i)))
				if err != nil {
					return err
				}
				if err := it.Value(func(v []byte) error {
					if !bytes.Equal(v, value(i)) {
						return fmt.Errorf("value %d changed", i)
					}
					return nil
				}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	return readAll
}

// TestTheWatcherReleasesMappedPagesPastTheSlack reads 32 MiB of values
// through the mapping while ReleaseMappedEvery watches the database: once
// the reads are done the process's file-backed RSS comes back to within
// ReleaseSlack (and 4 MiB for the test's own pages) of where it was
// before the values were written, where without the watcher it stays at
// least 24 MiB above (the test above).
func TestTheWatcherReleasesMappedPagesPastTheSlack(t *testing.T) {
	dir := t.TempDir()
	opts := badgerdb.DefaultOptions(dir)
	opts.Options = opts.WithValueThreshold(1 << 10)
	db, err := badgerdb.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := badgerdb.ReleaseMapped(dir); err != nil {
		t.Fatal(err)
	}
	base := rssFile(t)
	stop := badgerdb.StartReleasingMapped(nil, dir)
	defer stop()
	readAll := writeValues(t, db)
	readAll()
	limit := base + (badgerdb.ReleaseSlack+4<<20)>>10
	deadline := time.Now().Add(5 * time.Second)
	for now := rssFile(t); now > limit; now = rssFile(t) {
		if time.Now().After(deadline) {
			t.Fatalf("file-backed RSS %d KiB five seconds after the reads, %d KiB before the writes; want at most %d KiB", now, base, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
	readAll()
}
