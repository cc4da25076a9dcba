package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// cpuMeter reads the CPU time the network's processes and this client have
// used: on a machine shared with other work, CPU per transaction is the
// figure the other load does not move, where TPS follows the CPU share the
// network gets.
type cpuMeter struct {
	// pidsDir holds a NAME.pid file per network process (scripts/network.sh
	// keeps them in $METROTRACE_NETWORK_DIR/pids).
	pidsDir string
	// proc is the proc file system's root, "/proc" but in tests.
	proc string
}

// cpuTime is CPU seconds (user + system) of the network's processes and of
// this client.
type cpuTime struct{ network, client float64 }

func (a cpuTime) sub(b cpuTime) cpuTime { return cpuTime{a.network - b.network, a.client - b.client} }

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on every
// Linux architecture Fabric runs on.
const clockTicks = 100

// read sums the CPU time of every process named in pidsDir, and this
// process's own.
func (m *cpuMeter) read() (cpuTime, error) {
	var t cpuTime
	files, err := filepath.Glob(filepath.Join(m.pidsDir, "*.pid"))
	if err != nil {
		return t, err
	}
	if len(files) == 0 {
		return t, fmt.Errorf("no *.pid files in %s", m.pidsDir)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return t, err
		}
		s, err := m.seconds(strings.TrimSpace(string(data)))
		if err != nil {
			continue // a process that exited (a CA stopped) uses no more CPU
		}
		t.network += s
	}
	t.client, err = m.seconds("self")
	return t, err
}

// seconds is a process's user + system CPU time.
func (m *cpuMeter) seconds(pid string) (float64, error) {
	data, err := os.ReadFile(filepath.Join(m.proc, pid, "stat"))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: the fields
	// counted from 3 (state) start after its closing parenthesis.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0, fmt.Errorf("%s/stat: no command name", pid)
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("%s/stat: %d fields", pid, len(f)+2)
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("%s/stat: bad utime/stime %q %q", pid, f[11], f[12])
	}
	return float64(utime+stime) / clockTicks, nil
}
