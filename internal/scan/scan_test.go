package scan_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcpcert/mcpcert/analyzers/all"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/scan"
	"github.com/mcpcert/mcpcert/internal/source"
	"github.com/mcpcert/mcpcert/internal/workspace"
)

const fixtures = "../../fixtures"

func options(tb testing.TB) scan.Options {
	return scan.Options{
		Analyzers: all.Analyzers(),
		Source:    source.Options{Limits: source.DefaultLimits()},
		Limits:    workspace.DefaultLimits(),
		Budget:    5 * time.Minute,
		Offline:   true,
		OSVDBDir:  filepath.Join(fixtures, "osvdb"),
		TempDir:   tb.TempDir(),
	}
}

// TestArchiveMatchesDirectory: the same server packed as an npm-style
// tarball gives the same findings as its directory, and its identity is the
// sha256 of the tarball's bytes.
func TestArchiveMatchesDirectory(t *testing.T) {
	dir := filepath.Join(fixtures, "servers", "ts-weather-leaky")
	tgz := filepath.Join(t.TempDir(), "weather-1.0.0.tgz")
	packNPM(t, dir, tgz)

	fromDir, err := scan.Run(context.Background(), dir, options(t))
	if err != nil {
		t.Fatal(err)
	}
	fromTgz, err := scan.Run(context.Background(), tgz, options(t))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(tgz)
	sum := sha256.Sum256(data)
	if got := fromTgz.Report.Source.Digests["sha256"]; got != hex.EncodeToString(sum[:]) {
		t.Errorf("archive identity %q, want the tarball's sha256", got)
	}
	a, b := fingerprints(fromDir.Report), fingerprints(fromTgz.Report)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("directory: %d findings, archive: %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("finding %d differs: %s vs %s", i, a[i], b[i])
		}
	}
}

// TestTempWorkspaceRemoved: nothing is left behind in the scratch directory.
func TestTempWorkspaceRemoved(t *testing.T) {
	opts := options(t)
	tgz := filepath.Join(t.TempDir(), "weather-1.0.0.tgz")
	packNPM(t, filepath.Join(fixtures, "servers", "ts-weather-leaky"), tgz)
	if _, err := scan.Run(context.Background(), tgz, opts); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(opts.TempDir)
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func fingerprints(r *report.Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.RuleID+" "+f.Location.Path+" "+f.Fingerprint)
	}
	return out
}

// packNPM writes dir as an npm pack tarball (a package/ root).
func packNPM(tb testing.TB, dir, dst string) {
	tb.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: "package/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	tw.Close()
	gz.Close()
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkScan measures a whole offline scan (read, secrets, dependencies,
// report assembly) of each fixture server.
func BenchmarkScan(b *testing.B) {
	servers, _ := filepath.Glob(filepath.Join(fixtures, "servers", "*"))
	for _, dir := range servers {
		b.Run(filepath.Base(dir), func(b *testing.B) {
			opts := options(b)
			for b.Loop() {
				if _, err := scan.Run(context.Background(), dir, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScanTree scans a generated tree when MCPCERT_BENCH_TREE names one
// (scripts/gen-tree.py writes it); the 50 MB figure in the README comes from here.
func BenchmarkScanTree(b *testing.B) {
	dir := os.Getenv("MCPCERT_BENCH_TREE")
	if dir == "" {
		b.Skip("set MCPCERT_BENCH_TREE to a tree made by scripts/gen-tree.py")
	}
	opts := options(b)
	for b.Loop() {
		if _, err := scan.Run(context.Background(), dir, opts); err != nil {
			b.Fatal(err)
		}
	}
}
