//go:build !linux

package badgerdb

// ReleaseMapped does nothing off Linux (see the Linux version).
func ReleaseMapped(dirs ...string) (int64, error) { return 0, nil }

// residentShared cannot be read off Linux: ReleaseMappedEvery then calls
// ReleaseMapped every interval.
func residentShared() (int64, bool) { return 0, false }
