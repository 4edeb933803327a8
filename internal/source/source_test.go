package source

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestDefaultLimits(t *testing.T) {
	want := Limits{MaxDownloadBytes: 512 << 20, MaxTotalBytes: 1 << 30, MaxFiles: 100_000, MaxFileBytes: 256 << 20, MaxRatio: 200, MaxDepth: 64}
	if got := DefaultLimits(); got != want {
		t.Errorf("DefaultLimits() = %+v", got)
	}
	got := Limits{MaxFiles: 7}.withDefaults()
	want.MaxFiles = 7
	if got != want {
		t.Errorf("withDefaults kept %+v", got)
	}
}

func TestOpenDir(t *testing.T) {
	real := t.TempDir()
	writeTestFile(t, real, "src/pkg/index.js", []byte("x"))
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(real, "src"), filepath.Join(real, "srclink")); err != nil {
		t.Fatal(err)
	}
	resolved, err := filepath.EvalSymlinks(real)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()

	tests := []struct {
		name, ref, subdir string
		wantRoot          string
		wantSub           string
		wantErr           error
	}{
		{"plain", real, "", resolved, "", nil},
		{"symlinked root", link, "", resolved, "", nil},
		{"subdir", real, "src/pkg", filepath.Join(resolved, "src", "pkg"), "src/pkg", nil},
		{"subdir cleaned", real, "./src//pkg/", filepath.Join(resolved, "src", "pkg"), "src/pkg", nil},
		{"subdir dotdot", real, "src/../..", "", "", ErrBadRef},
		{"subdir absolute", real, "/etc", "", "", ErrBadRef},
		{"subdir through symlink", real, "srclink/pkg", "", "", ErrBadRef},
		{"subdir missing", real, "nope", "", "", ErrNotFound},
		{"subdir is file", real, "src/pkg/index.js", "", "", ErrBadRef},
		{"missing dir", filepath.Join(real, "missing"), "", "", "", ErrNotFound},
		{"unknown file", writeTestFile(t, t.TempDir(), "server.py", []byte("x")), "", "", "", ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := Open(context.Background(), tc.ref, Options{Subdir: tc.subdir, TempDir: tmp})
			if tc.wantErr != nil {
				assertIs(t, err, tc.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ws.Root != tc.wantRoot || ws.Identity.Subdir != tc.wantSub || ws.Identity.Kind != KindDir || ws.Identity.Input != tc.ref {
				t.Errorf("root %q identity %+v", ws.Root, ws.Identity)
			}
			if len(ws.Identity.Digests) != 0 {
				t.Errorf("dir source has digests %v", ws.Identity.Digests)
			}
			if err := ws.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(real); err != nil {
				t.Fatalf("Close touched the user's directory: %v", err)
			}
		})
	}
	assertDirEmpty(t, tmp)
}

func TestSubdirOnArchive(t *testing.T) {
	data := buildTar(t, true,
		tarEnt{Name: "package/src/a.js", Body: "a"},
		tarEnt{Name: "package/link", Type: '2', Link: "src"},
	)
	p := writeTestFile(t, t.TempDir(), "x.tgz", data)
	tmp := t.TempDir()
	ws, err := Open(context.Background(), p, Options{Subdir: "src", TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	if readTestFile(t, filepath.Join(ws.Root, "a.js")) != "a" || ws.Identity.Subdir != "src" {
		t.Errorf("root %q identity %+v", ws.Root, ws.Identity)
	}
	ws.Close()
	// The in-tree symlink was not materialised, so it cannot be a subdir.
	_, err = Open(context.Background(), p, Options{Subdir: "link", TempDir: tmp})
	assertIs(t, err, ErrNotFound)
	assertDirEmpty(t, tmp)
}

// TestOffline checks that network references fail before any request.
func TestOffline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("offline Open made a request: %s", r.URL)
	}))
	defer srv.Close()
	opts := Options{
		Offline: true, NPMRegistry: srv.URL, PyPIURL: srv.URL, GoProxy: srv.URL, GoSumDBURL: srv.URL,
		TempDir: t.TempDir(),
	}
	for _, ref := range []string{
		"npm:left-pad@1.3.0", "npm:@s/x@latest", "pypi:requests==2.0", "go:example.com/m@v1.0.0",
		"git+" + srv.URL + "/org/repo@main", "git+ssh://git@example.com/org/repo@main",
	} {
		_, err := Open(context.Background(), ref, opts)
		assertIs(t, err, ErrOffline)
	}
	assertDirEmpty(t, opts.TempDir)
}

func TestOpenBadRef(t *testing.T) {
	_, err := Open(context.Background(), "npm:x@^1", Options{})
	assertIs(t, err, ErrBadRef)
}

func TestCloseNil(t *testing.T) {
	var ws *Workspace
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	if err := (&Workspace{}).Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := writeTestFile(t, t.TempDir(), "x.tgz", buildTar(t, true, tarEnt{Name: "a", Body: "a"}))
	tmp := t.TempDir()
	_, err := Open(ctx, p, Options{TempDir: tmp})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	assertDirEmpty(t, tmp)
}

func TestRelativeTempDir(t *testing.T) {
	p := writeTestFile(t, t.TempDir(), "x.tgz", buildTar(t, true, tarEnt{Name: "a", Body: "a"}))
	dir := t.TempDir()
	t.Chdir(dir)
	ws, err := Open(context.Background(), p, Options{TempDir: "."})
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(ws.Root) || readTestFile(t, filepath.Join(ws.Root, "a")) != "a" {
		t.Errorf("root %q", ws.Root)
	}
	ws.Close()
	assertDirEmpty(t, dir)
}
