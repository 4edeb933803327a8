package source

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHostileTar(t *testing.T) {
	deep := strings.Repeat("d/", 64) + "f"
	var many []tarEnt
	for i := range 11 {
		many = append(many, tarEnt{Name: "f" + strings.Repeat("x", i)})
	}
	zeros := strings.Repeat("\x00", 20<<20)
	tests := []struct {
		name string
		ents []tarEnt
		lim  Limits
		want error
	}{
		{"dotdot", []tarEnt{{Name: "../sentinel/evil", Body: "x"}}, Limits{}, ErrUnsafeArchive},
		{"inner dotdot", []tarEnt{{Name: "a/../../sentinel/evil", Body: "x"}}, Limits{}, ErrUnsafeArchive},
		{"absolute", []tarEnt{{Name: "/tmp/evil", Body: "x"}}, Limits{}, ErrUnsafeArchive},
		{"drive letter", []tarEnt{{Name: `C:\evil`, Body: "x"}}, Limits{}, ErrUnsafeArchive},
		{"unc path", []tarEnt{{Name: `\\server\share\evil`, Body: "x"}}, Limits{}, ErrUnsafeArchive},
		{"backslash dotdot", []tarEnt{{Name: `..\sentinel\evil`, Body: "x"}}, Limits{}, ErrUnsafeArchive},
		{"escape char", []tarEnt{{Name: "a\x1b[31m.txt", Body: "x"}}, Limits{}, ErrUnsafeArchive},
		{"newline", []tarEnt{{Name: "a\nb", Body: "x"}}, Limits{}, ErrUnsafeArchive},
		{"invalid utf8", []tarEnt{{Name: "a\xff", Body: "x"}}, Limits{}, ErrUnsafeArchive},
		{"symlink absolute then write through", []tarEnt{
			{Name: "link", Type: tar.TypeSymlink, Link: "/etc"},
			{Name: "link/passwd", Body: "root::0:0::/:/bin/sh"},
		}, Limits{}, ErrUnsafeArchive},
		{"symlink escaping", []tarEnt{{Name: "a/link", Type: tar.TypeSymlink, Link: "../../sentinel"}}, Limits{}, ErrUnsafeArchive},
		{"symlink backslash escaping", []tarEnt{{Name: "link", Type: tar.TypeSymlink, Link: `..\sentinel`}}, Limits{}, ErrUnsafeArchive},
		{"in-tree symlink then write through", []tarEnt{
			{Name: "sub/", Type: tar.TypeDir},
			{Name: "link", Type: tar.TypeSymlink, Link: "sub"},
			{Name: "link/passwd", Body: "x"},
		}, Limits{}, ErrUnsafeArchive},
		{"hardlink absolute", []tarEnt{{Name: "h", Type: tar.TypeLink, Link: "/etc/passwd"}}, Limits{}, ErrUnsafeArchive},
		{"hardlink dotdot", []tarEnt{{Name: "h", Type: tar.TypeLink, Link: "../sentinel/x"}}, Limits{}, ErrUnsafeArchive},
		{"hardlink to missing", []tarEnt{{Name: "h", Type: tar.TypeLink, Link: "nothing"}}, Limits{}, ErrUnsafeArchive},
		{"hardlink to symlink", []tarEnt{
			{Name: "s", Type: tar.TypeSymlink, Link: "x"},
			{Name: "h", Type: tar.TypeLink, Link: "s"},
		}, Limits{}, ErrUnsafeArchive},
		{"char device", []tarEnt{{Name: "null", Type: tar.TypeChar}}, Limits{}, ErrUnsafeArchive},
		{"block device", []tarEnt{{Name: "sda", Type: tar.TypeBlock}}, Limits{}, ErrUnsafeArchive},
		{"fifo", []tarEnt{{Name: "pipe", Type: tar.TypeFifo}}, Limits{}, ErrUnsafeArchive},
		{"duplicate", []tarEnt{{Name: "a.txt", Body: "1"}, {Name: "./a.txt", Body: "2"}}, Limits{}, ErrUnsafeArchive},
		{"case duplicate", []tarEnt{{Name: "README", Body: "1"}, {Name: "readme", Body: "2"}}, Limits{}, ErrUnsafeArchive},
		{"case duplicate parent", []tarEnt{{Name: "Lib/a", Body: "1"}, {Name: "lib/b", Body: "2"}}, Limits{}, ErrUnsafeArchive},
		{"file then dir", []tarEnt{{Name: "a", Body: "1"}, {Name: "a/b", Body: "2"}}, Limits{}, ErrUnsafeArchive},
		{"empty file name", []tarEnt{{Name: ".", Body: "x"}}, Limits{}, ErrUnsafeArchive},
		{"deep", []tarEnt{{Name: deep, Body: "x"}}, Limits{}, ErrLimitExceeded},
		{"many files", many, Limits{MaxFiles: 10}, ErrLimitExceeded},
		{"big file", []tarEnt{{Name: "big", Body: strings.Repeat("a", 2000)}}, Limits{MaxFileBytes: 1000}, ErrLimitExceeded},
		{"total", []tarEnt{
			{Name: "a", Body: strings.Repeat("a", 1000)}, {Name: "b", Body: strings.Repeat("b", 1000)},
			{Name: "c", Body: strings.Repeat("c", 1000)}, {Name: "d", Body: strings.Repeat("d", 1000)},
		}, Limits{MaxTotalBytes: 3000}, ErrLimitExceeded},
		{"gzip bomb", []tarEnt{{Name: "zeros", Body: zeros}}, Limits{}, ErrLimitExceeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := buildTar(t, true, tc.ents...)
			x, err := extractIsolated(t, data, formatTarGz, tc.lim)
			assertIs(t, err, tc.want)
			if x.written > 4<<20 {
				t.Errorf("wrote %d bytes before refusing", x.written)
			}
			// The same archive through Open must fail the same way and
			// leave nothing in TempDir.
			dir := t.TempDir()
			p := writeTestFile(t, t.TempDir(), "evil.tgz", data)
			_, err = Open(context.Background(), p, Options{TempDir: dir, Limits: tc.lim})
			assertIs(t, err, tc.want)
			assertDirEmpty(t, dir)
		})
	}
}

func TestHostileTarStreams(t *testing.T) {
	good := buildTar(t, true, tarEnt{Name: "package/index.js", Body: strings.Repeat("console.log(1)\n", 5000)})
	plain := buildTar(t, false, tarEnt{Name: "a", Body: strings.Repeat("x", 2000)})
	tests := []struct {
		name string
		data []byte
		f    format
		want error
	}{
		{"truncated gzip", good[:len(good)/2], formatTarGz, ErrUnsafeArchive},
		{"truncated gzip trailer", good[:len(good)-4], formatTarGz, ErrUnsafeArchive},
		{"nested gzip", gzipBytes(t, good), formatTarGz, ErrUnsafeArchive},
		{"gzip of garbage", gzipBytes(t, bytes.Repeat([]byte("garbage!"), 200)), formatTarGz, ErrUnsafeArchive},
		{"not gzip", plain, formatTarGz, ErrUnsafeArchive},
		{"truncated tar", plain[:1500], formatTar, ErrUnsafeArchive},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := extractIsolated(t, tc.data, tc.f, Limits{})
			assertIs(t, err, tc.want)
		})
	}
}

// rawZip builds a zip with one entry whose declared uncompressed size is
// set independently of its real deflated content.
func rawZip(t *testing.T, name string, content []byte, declared uint64) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	return buf.Bytes()
}

func TestHostileZip(t *testing.T) {
	var many []zipEnt
	for i := range 11 {
		many = append(many, zipEnt{Name: "f" + strings.Repeat("x", i)})
	}
	zeros := strings.Repeat("\x00", 50<<20)
	tests := []struct {
		name string
		data []byte
		lim  Limits
		want error
	}{
		{"backslash dotdot", buildZip(t, zipEnt{Name: `..\\evil`, Body: "x"}), Limits{}, ErrUnsafeArchive},
		{"backslash dotdot to sentinel", buildZip(t, zipEnt{Name: `..\sentinel\evil`, Body: "x"}), Limits{}, ErrUnsafeArchive},
		{"dotdot", buildZip(t, zipEnt{Name: "../sentinel/evil", Body: "x"}), Limits{}, ErrUnsafeArchive},
		{"absolute", buildZip(t, zipEnt{Name: "/tmp/evil", Body: "x"}), Limits{}, ErrUnsafeArchive},
		{"drive", buildZip(t, zipEnt{Name: "C:/evil", Body: "x"}), Limits{}, ErrUnsafeArchive},
		{"nul in name", buildZip(t, zipEnt{Name: "a\x00b", Body: "x"}), Limits{}, ErrUnsafeArchive},
		{"symlink absolute", buildZip(t, zipEnt{Name: "link", Body: "/etc", Mode: fs.ModeSymlink | 0o777}), Limits{}, ErrUnsafeArchive},
		{"symlink then write through", buildZip(t,
			zipEnt{Name: "link", Body: "sub", Mode: fs.ModeSymlink | 0o777},
			zipEnt{Name: "link/passwd", Body: "x"}), Limits{}, ErrUnsafeArchive},
		{"device", buildZip(t, zipEnt{Name: "dev", Mode: fs.ModeDevice | fs.ModeCharDevice | 0o644}), Limits{}, ErrUnsafeArchive},
		{"fifo", buildZip(t, zipEnt{Name: "p", Mode: fs.ModeNamedPipe | 0o644}), Limits{}, ErrUnsafeArchive},
		{"duplicate", buildZip(t, zipEnt{Name: "a", Body: "1"}, zipEnt{Name: "a", Body: "2"}), Limits{}, ErrUnsafeArchive},
		{"case duplicate", buildZip(t, zipEnt{Name: "A.js", Body: "1"}, zipEnt{Name: "a.js", Body: "2"}), Limits{}, ErrUnsafeArchive},
		{"encrypted", buildZip(t, zipEnt{Name: "secret", Body: "x", Flags: 1}), Limits{}, ErrUnsupported},
		{"many files", buildZip(t, many...), Limits{MaxFiles: 10}, ErrLimitExceeded},
		{"deep", buildZip(t, zipEnt{Name: strings.Repeat("d/", 5) + "f", Body: "x"}), Limits{MaxDepth: 5}, ErrLimitExceeded},
		{"zip bomb", buildZip(t, zipEnt{Name: "zeros", Body: zeros}), Limits{}, ErrLimitExceeded},
		{"zip bomb small ratio", buildZip(t, zipEnt{Name: "zeros", Body: zeros[:4<<20]}), Limits{MaxRatio: 2}, ErrLimitExceeded},
		{"declared too big", buildZip(t, zipEnt{Name: "big", Body: strings.Repeat("a", 5000)}), Limits{MaxFileBytes: 1000}, ErrLimitExceeded},
		{"lying size", rawZip(t, "liar", []byte(zeros[:8<<20]), 10), Limits{}, ErrUnsafeArchive},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, err := extractIsolated(t, tc.data, formatZip, tc.lim)
			assertIs(t, err, tc.want)
			if x.written > 1<<20 {
				t.Errorf("wrote %d bytes before refusing", x.written)
			}
			dir := t.TempDir()
			p := writeTestFile(t, t.TempDir(), "evil.zip", tc.data)
			_, err = Open(context.Background(), p, Options{TempDir: dir, Limits: tc.lim})
			assertIs(t, err, tc.want)
			assertDirEmpty(t, dir)
		})
	}
}

func TestExtensionMismatch(t *testing.T) {
	tarball := buildTar(t, false, tarEnt{Name: "a", Body: "x"})
	tgz := buildTar(t, true, tarEnt{Name: "a", Body: "x"})
	zipped := buildZip(t, zipEnt{Name: "a", Body: "x"})
	tests := []struct {
		file string
		data []byte
	}{
		{"x.zip", tarball},
		{"x.zip", tgz},
		{"x.tgz", zipped},
		{"x.tar", tgz},
		{"x.mcpb", tarball},
		{"x.whl", []byte("just text, no archive at all")},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			dir := t.TempDir()
			p := writeTestFile(t, t.TempDir(), tc.file, tc.data)
			_, err := Open(context.Background(), p, Options{TempDir: dir})
			assertIs(t, err, ErrUnsafeArchive)
			if !strings.Contains(err.Error(), tc.file) {
				t.Errorf("error %q does not name the file", err)
			}
			assertDirEmpty(t, dir)
		})
	}
}

func TestGoodTarball(t *testing.T) {
	data := buildTar(t, true,
		tarEnt{Name: "package/", Type: tar.TypeDir, Mode: 0o777},
		tarEnt{Name: "package/package.json", Body: `{"name":"demo"}`, Mode: 0o4755},
		tarEnt{Name: "package/lib/index.js", Body: "module.exports = 1\n"},
		tarEnt{Name: "package/link.js", Type: tar.TypeSymlink, Link: "lib/index.js"},
		tarEnt{Name: "package/copy.js", Type: tar.TypeLink, Link: "package/lib/index.js"},
	)
	dir := t.TempDir()
	p := writeTestFile(t, t.TempDir(), "demo-1.0.0.tgz", data)
	ws, err := Open(context.Background(), p, Options{TempDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(ws.Root) != "package" {
		t.Errorf("root %q: package/ was not stripped", ws.Root)
	}
	if got := readTestFile(t, filepath.Join(ws.Root, "copy.js")); got != "module.exports = 1\n" {
		t.Errorf("hardlink copy = %q", got)
	}
	fi, err := os.Lstat(filepath.Join(ws.Root, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !fi.Mode().IsRegular() || fi.Mode()&(0o111|os.ModeSetuid|os.ModeSetgid) != 0 {
		t.Errorf("package.json mode %v: want a plain non-executable file", fi.Mode())
	}
	if _, err := os.Lstat(filepath.Join(ws.Root, "link.js")); !os.IsNotExist(err) {
		t.Errorf("symlink was materialised (err=%v)", err)
	}
	if !hasSkipped(ws, "package/link.js", "symlink not followed") {
		t.Errorf("symlink not recorded in Skipped: %v", ws.Skipped)
	}
	sum := sha256.Sum256(data)
	id := ws.Identity
	if id.Kind != KindArchive || id.Artifact != "demo-1.0.0.tgz" || id.Digests["sha256"] != hex.EncodeToString(sum[:]) {
		t.Errorf("identity %+v", id)
	}
	if !strings.HasPrefix(id.URL, "file:///") {
		t.Errorf("URL %q", id.URL)
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ws.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	assertDirEmpty(t, dir)
}

func TestGoodArchivesLayout(t *testing.T) {
	tests := []struct {
		file      string
		data      []byte
		wantFiles []string // relative to Root
	}{
		{"two-roots.tar.gz", buildTar(t, true, tarEnt{Name: "a/x", Body: "1"}, tarEnt{Name: "b/y", Body: "2"}), []string{"a/x", "b/y"}},
		{"plain.tar", buildTar(t, false, tarEnt{Name: "top/x", Body: "1"}), []string{"x"}},
		{"empty.tar", buildTar(t, false), nil},
		{"src.zip", buildZip(t, zipEnt{Name: "proj/"}, zipEnt{Name: "proj/main.py", Body: "print(1)"}), []string{"main.py"}},
		{"loose.zip", buildZip(t, zipEnt{Name: "a.py", Body: "1"}, zipEnt{Name: "pkg/b.py", Body: "2"}), []string{"a.py", "pkg/b.py"}},
		// A wheel keeps its layout even with one package directory.
		{"demo-1.0-py3-none-any.whl", buildZip(t, zipEnt{Name: "demo/__init__.py", Body: ""}), []string{"demo/__init__.py"}},
		{"demo-1.0-py3-none-any.whl", buildZip(t,
			zipEnt{Name: "demo/__init__.py", Body: "x = 1"},
			zipEnt{Name: "demo-1.0.dist-info/METADATA", Body: "Name: demo"}), []string{"demo/__init__.py", "demo-1.0.dist-info/METADATA"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			dir := t.TempDir()
			p := writeTestFile(t, t.TempDir(), tc.file, tc.data)
			ws, err := Open(context.Background(), p, Options{TempDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			for _, f := range tc.wantFiles {
				if _, err := os.Stat(filepath.Join(ws.Root, filepath.FromSlash(f))); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
		})
	}
}

// signMCPB appends a fake signature block the way mcpb's signer does. With
// growComment it also grows the EOCD comment length over the block, as
// current mcpb releases do; with pad it zero-pads like external signing.
func signMCPB(t *testing.T, zipBytes []byte, growComment bool, pad int) []byte {
	t.Helper()
	der := []byte{0x30, 0x82, 0x01, 0x00, 0xde, 0xad, 0xbe, 0xef}
	var block bytes.Buffer
	block.WriteString(mcpbSigHeader)
	binary.Write(&block, binary.LittleEndian, uint32(len(der)))
	block.Write(der)
	block.Write(make([]byte, pad))
	block.WriteString(mcpbSigFooter)
	out := bytes.Clone(zipBytes)
	if growComment {
		i := bytes.LastIndex(out, []byte("PK\x05\x06"))
		n := binary.LittleEndian.Uint16(out[i+20:])
		binary.LittleEndian.PutUint16(out[i+20:], n+uint16(block.Len()))
	}
	return append(out, block.Bytes()...)
}

func TestMCPB(t *testing.T) {
	bundle := buildZip(t,
		zipEnt{Name: "manifest.json", Body: `{"manifest_version":"0.3","name":"demo-server","version":"1.2.3"}`},
		zipEnt{Name: "server/index.js", Body: "console.log('hi')\n"},
	)
	tests := []struct {
		name   string
		file   string
		data   []byte
		signed bool
	}{
		{"unsigned", "demo.mcpb", bundle, false},
		{"signed appended", "demo.mcpb", signMCPB(t, bundle, false, 0), true},
		{"signed comment grown", "demo.mcpb", signMCPB(t, bundle, true, 0), true},
		{"signed padded", "demo.dxt", signMCPB(t, bundle, true, 300), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeTestFile(t, t.TempDir(), tc.file, tc.data)
			ws, err := Open(context.Background(), p, Options{TempDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			sum := sha256.Sum256(tc.data)
			id := ws.Identity
			if id.Digests["sha256"] != hex.EncodeToString(sum[:]) {
				t.Errorf("sha256 %s is not that of the whole file", id.Digests["sha256"])
			}
			if id.Name != "demo-server" || id.Version != "1.2.3" || id.Artifact != tc.file {
				t.Errorf("identity %+v", id)
			}
			if _, err := os.Stat(filepath.Join(ws.Root, "server", "index.js")); err != nil {
				t.Error(err)
			}
			if got := hasSkipped(ws, tc.file, "signature block stripped"); got != tc.signed {
				t.Errorf("signature note recorded = %v, want %v (%v)", got, tc.signed, ws.Skipped)
			}
		})
	}

	t.Run("malformed block", func(t *testing.T) {
		dir := t.TempDir()
		bad := append(bytes.Clone(bundle), []byte("garbage"+mcpbSigFooter)...)
		p := writeTestFile(t, t.TempDir(), "bad.mcpb", bad)
		_, err := Open(context.Background(), p, Options{TempDir: dir})
		assertIs(t, err, ErrUnsafeArchive)
		assertDirEmpty(t, dir)
	})
	t.Run("bad manifest ignored", func(t *testing.T) {
		p := writeTestFile(t, t.TempDir(), "x.mcpb", buildZip(t, zipEnt{Name: "manifest.json", Body: `{"name": 5`}))
		ws, err := Open(context.Background(), p, Options{TempDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		if ws.Identity.Name != "" {
			t.Errorf("name %q from a broken manifest", ws.Identity.Name)
		}
	})
}

func TestArchiveTooLarge(t *testing.T) {
	dir := t.TempDir()
	p := writeTestFile(t, t.TempDir(), "a.tgz", buildTar(t, true, tarEnt{Name: "a", Body: strings.Repeat("z", 5000)}))
	_, err := Open(context.Background(), p, Options{TempDir: dir, Limits: Limits{MaxDownloadBytes: 100}})
	assertIs(t, err, ErrLimitExceeded)
	assertDirEmpty(t, dir)
}

func TestMissingArchive(t *testing.T) {
	_, err := Open(context.Background(), filepath.Join(t.TempDir(), "nope.tgz"), Options{TempDir: t.TempDir()})
	assertIs(t, err, ErrNotFound)
}

func TestZipInTreeSymlinkSkipped(t *testing.T) {
	data := buildZip(t,
		zipEnt{Name: "lib/a.js", Body: "a"},
		zipEnt{Name: "link.js", Body: "lib/a.js", Mode: fs.ModeSymlink | 0o777},
	)
	x, err := extractIsolated(t, data, formatZip, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(x.skipped) != 1 || x.skipped[0] != (Skipped{Path: "link.js", Reason: "symlink not followed"}) {
		t.Errorf("skipped = %v", x.skipped)
	}
	if _, err := os.Lstat(filepath.Join(x.root, "link.js")); !os.IsNotExist(err) {
		t.Errorf("symlink materialised (err=%v)", err)
	}
}
