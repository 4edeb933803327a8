package source

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tarEnt is one entry of a test tarball; Typeflag defaults to a regular
// file and Size to len(Body).
type tarEnt struct {
	Name, Body, Link string
	Type             byte
	Mode             int64
}

func buildTar(t *testing.T, gz bool, ents ...tarEnt) []byte {
	t.Helper()
	var buf bytes.Buffer
	var tw *tar.Writer
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(&buf)
		tw = tar.NewWriter(zw)
	} else {
		tw = tar.NewWriter(&buf)
	}
	for _, e := range ents {
		h := &tar.Header{Name: e.Name, Linkname: e.Link, Typeflag: e.Type, Mode: e.Mode, Format: tar.FormatPAX}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.Body))
		}
		if h.Typeflag == tar.TypeChar || h.Typeflag == tar.TypeBlock {
			h.Devmajor, h.Devminor = 1, 3
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("tar header %q: %v", e.Name, err)
		}
		if h.Size > 0 {
			if _, err := tw.Write([]byte(e.Body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipEnt is one entry of a test zip. Mode, when set, is stored as Unix mode
// bits; Flags is OR-ed into the header flags.
type zipEnt struct {
	Name, Body string
	Mode       fs.FileMode
	Flags      uint16
}

func buildZip(t *testing.T, ents ...zipEnt) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range ents {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		if e.Mode != 0 {
			h.SetMode(e.Mode)
		}
		h.Flags |= e.Flags
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatalf("zip header %q: %v", e.Name, err)
		}
		if _, err := w.Write([]byte(e.Body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeTestFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// extractIsolated runs the extractor on data inside base/root next to an
// empty base/sentinel directory, and fails the test if anything appears
// outside root.
func extractIsolated(t *testing.T, data []byte, f format, lim Limits) (*extractor, error) {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	sentinel := filepath.Join(base, "sentinel")
	for _, d := range []string{root, sentinel} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	x := newExtractor(context.Background(), root, lim.withDefaults())
	var err error
	switch f {
	case formatZip:
		err = x.zip(bytes.NewReader(data), int64(len(data)))
	default:
		err = x.tar(bytes.NewReader(data), f == formatTarGz)
	}
	assertDirEmpty(t, sentinel)
	ents, rerr := os.ReadDir(base)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if len(ents) != 2 {
		t.Errorf("extraction wrote outside its root: %v", names(ents))
	}
	return x, err
}

func names(ents []os.DirEntry) []string {
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func assertDirEmpty(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 0 {
		t.Errorf("%s is not empty: %v", dir, names(ents))
	}
}

// assertIs fails unless err wraps one of the sentinels.
func assertIs(t *testing.T, err error, sentinels ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("expected an error wrapping %v, got nil", sentinels)
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			t.Logf("got expected error: %v", err)
			return
		}
	}
	t.Fatalf("error %q wraps none of %v", err, sentinels)
}

func readTestFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func hasSkipped(ws *Workspace, path, reasonPart string) bool {
	for _, s := range ws.Skipped {
		if s.Path == path && strings.Contains(s.Reason, reasonPart) {
			return true
		}
	}
	return false
}
