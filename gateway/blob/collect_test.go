package blob_test

import (
	"context"
	"testing"
	"time"
)

func has(t *testing.T, s interface{ Has(string) (bool, error) }, sha string) bool {
	t.Helper()
	ok, err := s.Has(sha)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestCollectRemovesOnlyOldOrphans(t *testing.T) {
	s := open(t, "")
	defer s.Close()
	anchoredSHA, err := s.Put([]byte("anchored DCC"))
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := s.Put([]byte("orphan DCC"))
	if err != nil {
		t.Fatal(err)
	}
	anchored := func(sha string) (bool, error) { return sha == anchoredSHA, nil }

	t.Run("files younger than the cutoff stay", func(t *testing.T) {
		n, err := s.Collect(context.Background(), time.Now().Add(-time.Hour), anchored)
		if err != nil || n != 0 {
			t.Fatalf("removed %d, err %v", n, err)
		}
		if !has(t, s, orphan) {
			t.Error("a young orphan was removed")
		}
	})
	t.Run("an old orphan goes, an anchored file stays", func(t *testing.T) {
		n, err := s.Collect(context.Background(), time.Now().Add(time.Minute), anchored)
		if err != nil || n != 1 {
			t.Fatalf("removed %d, err %v", n, err)
		}
		if has(t, s, orphan) || !has(t, s, anchoredSHA) {
			t.Errorf("orphan kept %v, anchored kept %v", has(t, s, orphan), has(t, s, anchoredSHA))
		}
		if _, err := s.Get(orphan); codeOf(err) != "not_found" {
			t.Errorf("Get of a collected file: %v", err)
		}
	})
}

func TestStagedFileOfARefusedCertificateIsRemoved(t *testing.T) {
	s := open(t, "")
	defer s.Close()
	none := func(string) (bool, error) { return false, nil }

	st, err := s.Stage([]byte("refused DCC"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a staged file survives collection", func(t *testing.T) {
		if n, err := s.Collect(context.Background(), time.Now().Add(time.Hour), none); err != nil || n != 0 {
			t.Fatalf("removed %d, err %v", n, err)
		}
	})
	t.Run("a second import of the same bytes keeps it while it holds it", func(t *testing.T) {
		other, err := s.Stage([]byte("refused DCC"))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Done(false, none); err != nil {
			t.Fatal(err)
		}
		if !has(t, s, st.SHA256) {
			t.Fatal("removed while another import holds it")
		}
		if err := other.Done(false, none); err != nil {
			t.Fatal(err)
		}
		if has(t, s, st.SHA256) {
			t.Error("kept after every import was refused")
		}
	})
	t.Run("a committed file stays", func(t *testing.T) {
		ok, err := s.Stage([]byte("committed DCC"))
		if err != nil {
			t.Fatal(err)
		}
		if err := ok.Done(true, none); err != nil {
			t.Fatal(err)
		}
		if !has(t, s, ok.SHA256) {
			t.Error("a committed file was removed")
		}
	})
	t.Run("a refused import of bytes already anchored keeps them", func(t *testing.T) {
		again, err := s.Stage([]byte("committed DCC"))
		if err != nil {
			t.Fatal(err)
		}
		if err := again.Done(false, func(string) (bool, error) { return true, nil }); err != nil {
			t.Fatal(err)
		}
		if !has(t, s, again.SHA256) {
			t.Error("an anchored file was removed")
		}
	})
}
