package badgerdb

import (
	"bufio"
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
// one would lose its changes.
func ReleaseMapped(dirs ...string) (int64, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var released int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// start-end perms offset dev inode path
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || !strings.HasSuffix(fields[1], "s") || !under(strings.Join(fields[5:], " "), dirs) {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if !ok || err1 != nil || err2 != nil || end <= start {
			continue
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), syscall.MADV_DONTNEED); errno == 0 {
			released += int64(end - start)
		}
	}
	return released, sc.Err()
}

// under reports whether path lies inside one of dirs.
func under(path string, dirs []string) bool {
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if rel, err := filepath.Rel(d, path); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}
