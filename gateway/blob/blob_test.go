package blob_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/metrotrace/metrotrace/chaincode/record"
	"github.com/metrotrace/metrotrace/gateway/blob"
)

func open(t *testing.T, dir string) *blob.Store {
	t.Helper()
	s, err := blob.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func codeOf(err error) record.Code {
	var re *record.Error
	if errors.As(err, &re) {
		return re.Code
	}
	return ""
}

func TestPutGetExactBytesByHash(t *testing.T) {
	s := open(t, "")
	defer s.Close()
	data := []byte("<?xml version=\"1.0\"?>\r\n<dcc:digitalCalibrationCertificate/>\n\x00\xff")
	sha, err := s.Put(data)
	if err != nil {
		t.Fatal(err)
	}
	if sha != blob.Hash(data) || len(sha) != 64 || strings.ToLower(sha) != sha {
		t.Fatalf("sha %q, want %q", sha, blob.Hash(data))
	}
	// The store keeps its own copy.
	data[0] = 'X'
	got, err := s.Get(sha)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != '<' || blob.Hash(got) != sha {
		t.Fatalf("got %q", got)
	}
	if got2, err := s.Get(strings.ToUpper(sha)); err != nil || !bytes.Equal(got2, got) {
		t.Fatalf("upper-case hash: %q, %v", got2, err)
	}
	if ok, err := s.Has(sha); err != nil || !ok {
		t.Fatalf("Has = %v, %v", ok, err)
	}
}

func TestPutIsIdempotent(t *testing.T) {
	s := open(t, "")
	defer s.Close()
	a, err := s.Put([]byte("same"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Put([]byte("same"))
	if err != nil || a != b {
		t.Fatalf("second put: %q, %v", b, err)
	}
	if _, err := s.Put([]byte("other")); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Count(); err != nil || n != 2 {
		t.Fatalf("Count = %d, %v; want 2", n, err)
	}
}

func TestUnknownAndBadHashes(t *testing.T) {
	s := open(t, "")
	defer s.Close()
	unknown := blob.Hash([]byte("never stored"))
	if _, err := s.Get(unknown); codeOf(err) != record.NotFound || !strings.Contains(err.Error(), unknown) {
		t.Fatalf("Get unknown: %v", err)
	}
	if ok, err := s.Has(unknown); err != nil || ok {
		t.Fatalf("Has unknown = %v, %v", ok, err)
	}
	for _, bad := range []string{"", "abc", strings.Repeat("g", 64), "../" + unknown} {
		if _, err := s.Get(bad); codeOf(err) != record.Invalid {
			t.Errorf("Get(%q): %v, want invalid", bad, err)
		}
		if _, err := s.Has(bad); codeOf(err) != record.Invalid {
			t.Errorf("Has(%q): %v, want invalid", bad, err)
		}
	}
}

func TestSizeLimits(t *testing.T) {
	if blob.MaxSize != record.MaxDCCSize {
		t.Fatalf("MaxSize %d differs from record.MaxDCCSize %d", blob.MaxSize, record.MaxDCCSize)
	}
	for _, dir := range []string{"", t.TempDir()} {
		s := open(t, dir)
		if _, err := s.Put(nil); codeOf(err) != record.Invalid {
			t.Errorf("empty: %v", err)
		}
		if _, err := s.Put(make([]byte, blob.MaxSize+1)); codeOf(err) != record.Invalid {
			t.Errorf("too big: %v", err)
		}
		// The largest accepted file round-trips, in memory and on disk.
		big := bytes.Repeat([]byte("0123456789abcdef"), blob.MaxSize/16)
		sha, err := s.Put(big)
		if err != nil {
			t.Fatalf("dir %q: put %d bytes: %v", dir, len(big), err)
		}
		got, err := s.Get(sha)
		if err != nil || !bytes.Equal(got, big) {
			t.Fatalf("dir %q: get: %d bytes, %v", dir, len(got), err)
		}
		if n, _ := s.Count(); n != 1 {
			t.Errorf("dir %q: Count = %d after refused puts, want 1", dir, n)
		}
		s.Close()
	}
}

func TestReopenKeepsBlobs(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	sha, err := s.Put([]byte("kept"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	defer s.Close()
	if got, err := s.Get(sha); err != nil || string(got) != "kept" {
		t.Fatalf("after reopen: %q, %v", got, err)
	}
}
