package badgerdb

import "testing"

// TestSharedMappingsUnderTheDirectoriesAreTheOnesReleased parses lines as
// /proc/self/maps writes them: only shared mappings of files inside one of
// the directories are released (a sibling directory sharing the name's
// start is not inside), a path may hold spaces or end in " (deleted)",
// and malformed lines are skipped.
func TestSharedMappingsUnderTheDirectoriesAreTheOnesReleased(t *testing.T) {
	prefixes := [][]byte{[]byte("/data/index/"), []byte("/data/my ledger/")}
	cases := []struct {
		line       string
		start, end uint64
		ok         bool
	}{
		{"7f1c2a000000-7f1c2a100000 r--s 00000000 08:01 1234                       /data/index/000012.sst", 0x7f1c2a000000, 0x7f1c2a100000, true},
		{"7f1c2b000000-7f1c2b001000 rw-s 00000000 08:01 99 /data/my ledger/000001.vlog (deleted)", 0x7f1c2b000000, 0x7f1c2b001000, true},
		{"7f1c2a000000-7f1c2a100000 r--p 00000000 08:01 1234                       /data/index/000012.sst", 0, 0, false},
		{"7f1c2a000000-7f1c2a100000 r--s 00000000 08:01 1234                       /data/index2/000012.sst", 0, 0, false},
		{"7f1c2a000000-7f1c2a100000 r--s 00000000 08:01 1234                       /data/index", 0, 0, false},
		{"7f1c2a000000-7f1c2a100000 rw-p 00000000 00:00 0 ", 0, 0, false},
		{"7ffd5000-7ffd6000 r-xp 00000000 00:00 0                          [vdso]", 0, 0, false},
		{"7f1c2a100000-7f1c2a000000 r--s 00000000 08:01 1234 /data/index/000012.sst", 0, 0, false},
		{"zz-7f1c2a100000 r--s 00000000 08:01 1234 /data/index/000012.sst", 0, 0, false},
		{"7f1c2a000000 r--s 00000000 08:01 1234 /data/index/000012.sst", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, c := range cases {
		start, end, ok := sharedMappingUnder([]byte(c.line), prefixes)
		if start != c.start || end != c.end || ok != c.ok {
			t.Errorf("%q: %#x-%#x %v, want %#x-%#x %v", c.line, start, end, ok, c.start, c.end, c.ok)
		}
	}
}
