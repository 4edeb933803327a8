package osvdb_test

import (
	"archive/zip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcpcert/mcpcert/internal/osvdb"
)

func writeZip(t *testing.T, p string, records map[string]string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o755)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range records {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
		w.Write([]byte(body))
	}
	zw.Close()
	f.Close()
}

func TestLayoutsAndPrivateView(t *testing.T) {
	dir := t.TempDir()
	writeZip(t, filepath.Join(dir, "osv-scalibr", "npm", "all.zip"), map[string]string{"GHSA-1.json": `{"id":"GHSA-1"}`})
	writeZip(t, filepath.Join(dir, "Go", "all.zip"), map[string]string{"GO-1.json": `{"id":"GO-1"}`, "GO-2.json": `{"id":"GO-2"}`})
	os.MkdirAll(filepath.Join(dir, "PyPI"), 0o755)
	os.WriteFile(filepath.Join(dir, "PyPI", "PYSEC-1.json"), []byte(`{"id":"PYSEC-1","modified":"2026-10-05T12:00:00Z"}`), 0o644)
	os.MkdirAll(filepath.Join(dir, "not-an-ecosystem"), 0o755)

	db, err := osvdb.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	view, err := db.PrivateView(filepath.Join(t.TempDir(), "view"))
	if err != nil {
		t.Fatal(err)
	}
	// Every ecosystem has a zip in the view: missing ones are empty.
	for _, eco := range osvdb.Ecosystems {
		if _, err := os.Stat(filepath.Join(view, "osv-scalibr", eco, "all.zip")); err != nil {
			t.Errorf("%s: %v", eco, err)
		}
	}
	cases := []struct {
		eco      string
		ok       bool
		records  int
		modified string
	}{
		{"npm", true, 1, "2026-11-01T00:00:00Z"},
		{"Go", true, 2, "2026-11-01T00:00:00Z"},
		{"PyPI", true, 1, "2026-10-05T12:00:00Z"},
		{"crates.io", false, 0, ""},
	}
	for _, c := range cases {
		info, ok, err := db.Info(c.eco)
		if err != nil || ok != c.ok || info.Records != c.records || info.Modified != c.modified || (ok && len(info.SHA256) != 64) {
			t.Errorf("%s: %+v ok=%v err=%v", c.eco, info, ok, err)
		}
	}
}

// TestRecordsZipDeterministic: a directory of JSON records gives the same
// zip digest every time, so reports naming it are reproducible.
func TestRecordsZipDeterministic(t *testing.T) {
	var digests []string
	for range 2 {
		db, err := osvdb.Open("../../fixtures/osvdb")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.PrivateView(filepath.Join(t.TempDir(), "v")); err != nil {
			t.Fatal(err)
		}
		info, ok, err := db.Info("npm")
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		digests = append(digests, info.SHA256)
	}
	if digests[0] != digests[1] {
		t.Errorf("digests differ: %v", digests)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := osvdb.Open(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing directory opened")
	}
	if _, err := osvdb.Open(t.TempDir()); err == nil {
		t.Error("an empty directory opened")
	}
	bad := t.TempDir()
	os.MkdirAll(filepath.Join(bad, "npm"), 0o755)
	os.WriteFile(filepath.Join(bad, "npm", "X.json"), []byte("{not json"), 0o644)
	db, err := osvdb.Open(bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PrivateView(filepath.Join(t.TempDir(), "v")); err == nil {
		t.Error("a malformed record was packed without error")
	}
}

// TestInfoBeforePack: records are described by the zip they are packed
// into; asking before PrivateView is an error, never "no database".
func TestInfoBeforePack(t *testing.T) {
	db, err := osvdb.Open("../../fixtures/osvdb")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.Info("npm"); err == nil || ok {
		t.Errorf("Info before PrivateView: ok=%v err=%v", ok, err)
	}
}
