package badgerdb

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ReleaseMapped tells the kernel that this process no longer needs the
// pages it has mapped of the files under dirs (badger's tables, value
// logs and memtable logs, which badger maps shared and reads in place),
// so they leave the process's resident set. The pages stay in the page
// cache and the files are unchanged: a later read maps a page again from
// the cache (a minor fault). It returns the bytes of the mappings
// released. Only shared file mappings are touched: dropping a private
// one would lose its changes. dirs may be relative or pass through
// symbolic links: /proc/self/maps names files by their resolved absolute
// paths, and dirs are resolved likewise.
func ReleaseMapped(dirs ...string) (int64, error) {
	prefixes := make([][]byte, 0, len(dirs))
	for _, d := range resolved(dirs) {
		prefixes = append(prefixes, []byte(strings.TrimSuffix(d, "/")+"/"))
	}
	if len(prefixes) == 0 {
		return 0, nil
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var released int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		start, end, ok := sharedMappingUnder(sc.Bytes(), prefixes)
		if !ok {
			continue
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), syscall.MADV_DONTNEED); errno == 0 {
			released += int64(end - start)
		}
	}
	return released, sc.Err()
}

// sharedMappingUnder parses one line of /proc/self/maps
// ("start-end perms offset dev inode   path") and returns the mapping's
// address range when it is a shared mapping of a file whose path starts
// with one of prefixes (directories ending in "/"). A gateway at 1M
// instruments maps thousands of table files, so the line is read in
// place, without splitting it into fields.
func sharedMappingUnder(line []byte, prefixes [][]byte) (start, end uint64, ok bool) {
	var fields [5][]byte
	rest := line
	for i := range fields {
		rest = bytes.TrimLeft(rest, " ")
		j := bytes.IndexByte(rest, ' ')
		if j < 0 {
			return 0, 0, false
		}
		fields[i], rest = rest[:j], rest[j:]
	}
	path := bytes.TrimLeft(rest, " ")
	if perms := fields[1]; len(perms) != 4 || perms[3] != 's' || !hasAnyPrefix(path, prefixes) {
		return 0, 0, false
	}
	lo, hi, found := bytes.Cut(fields[0], []byte("-"))
	start, err1 := strconv.ParseUint(string(lo), 16, 64)
	end, err2 := strconv.ParseUint(string(hi), 16, 64)
	if !found || err1 != nil || err2 != nil || end <= start {
		return 0, 0, false
	}
	return start, end, true
}

// resolved returns dirs as absolute paths with symbolic links resolved;
// a directory that does not exist holds no mapped file and is left out.
func resolved(dirs []string) []string {
	out := make([]string, 0, len(dirs))
	for _, d := range dirs {
		if d == "" {
			continue
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			continue
		}
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			out = append(out, real)
		}
	}
	return out
}

// hasAnyPrefix reports whether path starts with one of prefixes.
func hasAnyPrefix(path []byte, prefixes [][]byte) bool {
	for _, p := range prefixes {
		if bytes.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// residentShared returns the bytes of the process's resident pages that
// are backed by files or shared memory (the third field of
// /proc/self/statm, in pages), and whether it could be read.
func residentShared() (int64, bool) {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	fields := bytes.Fields(data)
	if len(fields) < 3 {
		return 0, false
	}
	pages, err := strconv.ParseInt(string(fields[2]), 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * int64(os.Getpagesize()), true
}
