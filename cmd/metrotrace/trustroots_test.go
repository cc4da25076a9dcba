package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTrustRootsLoadEveryCertificateOfTheFile(t *testing.T) {
	dir := filepath.Join("..", "..", "gateway", "dcc", "signature", "testdata", "trusted_certs")
	var pems []byte
	for _, name := range []string{"root.crt", "sub.crt"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		pems = append(pems, b...)
	}
	file := filepath.Join(t.TempDir(), "roots.pem")
	if err := os.WriteFile(file, pems, 0o600); err != nil {
		t.Fatal(err)
	}
	roots, err := loadTrustRoots(file)
	if err != nil || len(roots) != 2 {
		t.Fatalf("%d roots, err %v", len(roots), err)
	}
	if _, err := loadTrustRoots(filepath.Join(t.TempDir(), "none.pem")); err == nil {
		t.Error("a missing file loaded")
	}
}
