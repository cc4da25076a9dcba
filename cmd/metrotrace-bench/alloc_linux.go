package main

import (
	"os"
	"syscall"
)

// allocatedBytes is the disk space a file occupies (sparse files less than
// their size).
func allocatedBytes(info os.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Blocks * 512
	}
	return info.Size()
}
