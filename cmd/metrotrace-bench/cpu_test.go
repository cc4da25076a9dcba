package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCPUMeterSumsTheNetworkProcesses(t *testing.T) {
	proc, pids := t.TempDir(), t.TempDir()
	stat := func(pid, line string) {
		if err := os.MkdirAll(filepath.Join(proc, pid), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proc, pid, "stat"), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// utime and stime are fields 14 and 15; a command name may hold spaces
	// and parentheses.
	stat("11", "11 (peer) S 1 11 11 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 100 0 0")
	stat("12", "12 (a (b) c) S 1 12 12 0 -1 4194560 100 0 0 0 100 25 0 0 20 0 30 0 100 0 0")
	stat("self", "99 (metrotrace-bench) R 1 99 99 0 -1 0 0 0 0 0 7 3 0 0 20 0 9 0 1 0 0")
	for name, pid := range map[string]string{"peer-beijing": "11", "orderer0": "12", "cc-gone": "13"} {
		if err := os.WriteFile(filepath.Join(pids, name+".pid"), []byte(pid+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m := &cpuMeter{pidsDir: pids, proc: proc}
	got, err := m.read()
	if err != nil {
		t.Fatal(err)
	}
	if got.network != 4.25 || got.client != 0.1 {
		t.Fatalf("read = %+v, want network 4.25 s (3.00 + 1.25; the exited process counts nothing), client 0.10 s", got)
	}
	if d := got.sub(cpuTime{1, 0.05}); d.network != 3.25 || d.client != 0.05 {
		t.Fatalf("sub = %+v", d)
	}
	if _, err := (&cpuMeter{pidsDir: t.TempDir(), proc: proc}).read(); err == nil {
		t.Fatal("a directory without pid files was read as a network")
	}
	stat("self", "99 (x) R 1")
	if _, err := m.read(); err == nil {
		t.Fatal("a short stat line was read")
	}
}

func TestCPURowsDivideByWhatEachPhaseCommitted(t *testing.T) {
	phase := func(n int, network, client float64) phaseResult {
		return phaseResult{lat: make([]time.Duration, n), cpu: cpuTime{network, client}}
	}
	rows := cpuRows(networkConfig{batch: 10, footprint: true}, phase(100, 2, 0.5), phase(100, 2.5, 0.5), phase(50, 2, 1), phase(20, 2, 1))
	want := []string{
		"CPU per transaction: raw put|20.0 ms network, 5.0 ms client|",
		"CPU per transaction: PutFootprint|25.0 ms network, 5.0 ms client|0.80 × (raw ÷ this, network)",
		"CPU per transaction: IssueCertificate|40.0 ms network, 20.0 ms client|0.50 × (raw ÷ this, network)",
		"CPU per certificate: IssueCertificates of 10|10.0 ms network, 5.0 ms client|2.00 × (raw ÷ this, network)",
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i, r := range rows {
		if got := r.What + "|" + r.Measured + "|" + r.Ratio; got != want[i] {
			t.Errorf("row %d = %q, want %q", i, got, want[i])
		}
	}
}
