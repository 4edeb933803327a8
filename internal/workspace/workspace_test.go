package workspace_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/mcpcert/mcpcert/internal/workspace"
)

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDirHashIsGoH1: the documented directory digest is exactly Go's h1
// hash (golang.org/x/mod/sumdb/dirhash.Hash1) of the files read.
func TestDirHashIsGoH1(t *testing.T) {
	root := t.TempDir()
	write(t, root, "package.json", `{"name":"x"}`)
	write(t, root, "src/index.ts", "export const x = 1;\n")
	write(t, root, "assets/logo.png", "\x89PNG\r\n\x1a\n\x00\x00")
	ws, err := workspace.Load(context.Background(), root, workspace.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"assets/logo.png", "package.json", "src/index.ts"}
	want, err := dirhash.Hash1(files, func(name string) (io.ReadCloser, error) {
		return os.Open(filepath.Join(root, filepath.FromSlash(name)))
	})
	if err != nil {
		t.Fatal(err)
	}
	if ws.DirHash != want {
		t.Errorf("DirHash %s, dirhash.Hash1 %s", ws.DirHash, want)
	}
}

func TestSkips(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write(t, outside, "id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----")
	write(t, root, "src/index.ts", "export {};\n")
	write(t, root, "bin/tool", "\x7fELF\x00\x01\x02")
	write(t, root, "dist/huge.js", strings.Repeat("x", 2048))
	write(t, root, ".git/config", "[core]\n")
	write(t, root, "bad-utf8.txt", "caf\xe9 \xff\xfe")
	if err := os.Symlink(filepath.Join(outside, "id_rsa"), filepath.Join(root, "key")); err != nil {
		t.Fatal(err)
	}
	lim := workspace.DefaultLimits()
	lim.MaxFileBytes = 1024
	ws, err := workspace.Load(context.Background(), root, lim)
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]string{}
	for _, s := range ws.Skipped {
		skipped[s.Path] = s.Reason
	}
	want := map[string]string{"key": workspace.SkipSymlink, "bin/tool": workspace.SkipBinary, "dist/huge.js": workspace.SkipTooLarge}
	for p, r := range want {
		if skipped[p] != r {
			t.Errorf("%s: skipped %q, want %q", p, skipped[p], r)
		}
	}
	if !workspace.IsGap(workspace.SkipTooLarge) || workspace.IsGap(workspace.SkipBinary) || workspace.IsGap(workspace.SkipSymlink) {
		t.Error("only limit skips are coverage gaps")
	}
	var paths []string
	for _, f := range ws.Files {
		paths = append(paths, f.Path)
	}
	if got := strings.Join(paths, ","); got != "bad-utf8.txt,src/index.ts" {
		t.Errorf("files %s (the symlink target, .git and skipped files must not be read)", got)
	}
	if b, err := ws.ReadFile("bad-utf8.txt"); err != nil || string(b) != "caf\xe9 \xff\xfe" {
		t.Errorf("invalid UTF-8 must be kept byte for byte: %q %v", b, err)
	}
	if _, err := ws.ReadFile("key"); err == nil {
		t.Error("a symlink was readable")
	}
}

func TestTotalAndCountLimits(t *testing.T) {
	root := t.TempDir()
	for i := 0; i < 10; i++ {
		write(t, root, filepath.Join("f", string(rune('a'+i))+".txt"), strings.Repeat("y", 100))
	}
	lim := workspace.DefaultLimits()
	lim.MaxTotalBytes = 450
	ws, err := workspace.Load(context.Background(), root, lim)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws.Files) != 4 || ws.Bytes > 450 {
		t.Errorf("read %d files, %d bytes under a 450-byte budget", len(ws.Files), ws.Bytes)
	}
	lim = workspace.DefaultLimits()
	lim.MaxFiles = 3
	ws, err = workspace.Load(context.Background(), root, lim)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws.Files) != 3 || len(ws.Skipped) != 7 {
		t.Errorf("read %d files, skipped %d under a 3-file limit", len(ws.Files), len(ws.Skipped))
	}
}
