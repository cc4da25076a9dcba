package main

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAStoreThatFailsToOpenLeavesNoListener makes the DCC store unopenable
// (its directory is a regular file): Run fails naming the store, and after
// Close the address it was to listen on is free again.
func TestAStoreThatFailsToOpenLeavesNoListener(t *testing.T) {
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := probe.Addr().String()
	probe.Close()

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, blobDirName), []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := NewMain(io.Discard, io.Discard)
	m.Config.Listen, m.Config.DataDir, m.Config.NoDemo, m.Config.LogLevel = addr, dir, true, "error"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = m.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "open the DCC store") {
		t.Fatalf("Run: %v, want the DCC store's failure", err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("%s is still taken after a failed Run and Close: %v", addr, err)
	}
	l.Close()
}
