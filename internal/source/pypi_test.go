package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPyPI(t *testing.T) {
	sdist := buildTar(t, true,
		tarEnt{Name: "demo_pkg-1.0/PKG-INFO", Body: "Name: demo-pkg\n"},
		tarEnt{Name: "demo_pkg-1.0/src/demo_pkg/server.py", Body: "from mcp.server import FastMCP\n"},
	)
	pureWheel := buildZip(t,
		zipEnt{Name: "demo_pkg/server.py", Body: "from mcp.server import FastMCP\n"},
		zipEnt{Name: "demo_pkg-1.0.dist-info/METADATA", Body: "Name: demo-pkg\n"},
	)
	binWheel := buildZip(t, zipEnt{Name: "demo_pkg/_speedups.so", Body: "\x7fELF"})
	files := map[string][]byte{
		"/f/demo_pkg-1.0.tar.gz":                           sdist,
		"/f/demo_pkg-1.0-py3-none-any.whl":                 pureWheel,
		"/f/demo_pkg-1.0-cp312-cp312-manylinux_x86_64.whl": binWheel,
	}
	var srv *httptest.Server
	entry := func(name, typ string, sha string) map[string]any {
		if sha == "" {
			s := sha256.Sum256(files["/f/"+name])
			sha = hex.EncodeToString(s[:])
		}
		return map[string]any{"filename": name, "packagetype": typ, "url": srv.URL + "/f/" + name, "digests": map[string]string{"sha256": sha}}
	}
	releases := map[string]func() []map[string]any{
		"/pypi/demo-pkg/1.0/json": func() []map[string]any {
			return []map[string]any{
				entry("demo_pkg-1.0-py3-none-any.whl", "bdist_wheel", ""),
				entry("demo_pkg-1.0.tar.gz", "sdist", ""),
			}
		},
		"/pypi/wheels-only/1.0/json": func() []map[string]any {
			return []map[string]any{
				entry("demo_pkg-1.0-cp312-cp312-manylinux_x86_64.whl", "bdist_wheel", ""),
				entry("demo_pkg-1.0-py3-none-any.whl", "bdist_wheel", ""),
			}
		},
		"/pypi/bad-sha/1.0/json": func() []map[string]any {
			return []map[string]any{entry("demo_pkg-1.0.tar.gz", "sdist", strings.Repeat("ab", 32))}
		},
		"/pypi/no-sha/1.0/json": func() []map[string]any {
			e := entry("demo_pkg-1.0.tar.gz", "sdist", "")
			e["digests"] = map[string]string{}
			return []map[string]any{e}
		},
		"/pypi/eggs-only/1.0/json": func() []map[string]any {
			return []map[string]any{entry("demo_pkg-1.0.egg", "bdist_egg", "")}
		},
	}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b, ok := files[r.URL.Path]; ok {
			w.Write(b)
			return
		}
		if rel, ok := releases[r.URL.Path]; ok {
			json.NewEncoder(w).Encode(map[string]any{"info": map[string]string{"version": "1.0"}, "urls": rel()})
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()

	tests := []struct {
		ref          string
		wantErr      error
		wantName     string
		wantArtifact string
		wantFile     string // relative to Root
	}{
		{ref: "pypi:Demo_Pkg==1.0", wantName: "demo-pkg", wantArtifact: "demo_pkg-1.0.tar.gz", wantFile: "src/demo_pkg/server.py"},
		{ref: "pypi:wheels-only==1.0", wantName: "wheels-only", wantArtifact: "demo_pkg-1.0-py3-none-any.whl", wantFile: "demo_pkg-1.0.dist-info/METADATA"},
		{ref: "pypi:bad-sha==1.0", wantErr: ErrIntegrity},
		{ref: "pypi:no-sha==1.0", wantErr: ErrIntegrity},
		{ref: "pypi:eggs-only==1.0", wantErr: ErrNotFound},
		{ref: "pypi:demo-pkg==9.9", wantErr: ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			tmp := t.TempDir()
			ws, err := Open(context.Background(), tc.ref, Options{PyPIURL: srv.URL, TempDir: tmp})
			if tc.wantErr != nil {
				assertIs(t, err, tc.wantErr)
				if !strings.HasPrefix(err.Error(), "pypi ") {
					t.Errorf("error %q lacks pypi context", err)
				}
				assertDirEmpty(t, tmp)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			id := ws.Identity
			sum := sha256.Sum256(files["/f/"+tc.wantArtifact])
			if id.Kind != KindPyPI || id.Name != tc.wantName || id.Version != "1.0" || id.PURL != "pkg:pypi/"+tc.wantName+"@1.0" ||
				id.Artifact != tc.wantArtifact || id.URL != srv.URL+"/f/"+tc.wantArtifact ||
				id.Digests["sha256"] != hex.EncodeToString(sum[:]) || !slices.Equal(id.Verified, []string{"PyPI digests.sha256"}) {
				t.Errorf("identity %+v", id)
			}
			if _, err := os.Stat(filepath.Join(ws.Root, filepath.FromSlash(tc.wantFile))); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestPickPyPIFile(t *testing.T) {
	tests := []struct {
		files []pypiFile
		want  int
	}{
		{nil, -1},
		{[]pypiFile{{Filename: "a-1.0.tar.bz2", PackageType: "sdist"}}, -1},
		{[]pypiFile{{Filename: "a-1.0-cp39-cp39-win_amd64.whl", PackageType: "bdist_wheel"}, {Filename: "a-1.0-py2.py3-none-any.whl", PackageType: "bdist_wheel"}}, 1},
		{[]pypiFile{{Filename: "a-1.0-py2.py3-none-any.whl", PackageType: "bdist_wheel"}, {Filename: "a-1.0-py3-none-any.whl", PackageType: "bdist_wheel"}}, 1},
		{[]pypiFile{{Filename: "a-1.0-py3-none-any.whl", PackageType: "bdist_wheel"}, {Filename: "a-1.0.zip", PackageType: "sdist"}}, 1},
		{[]pypiFile{{Filename: "../../x.tar.gz", PackageType: "sdist", URL: "https://files.example/p/a-1.0.tar.gz"}}, 0},
	}
	for i, tc := range tests {
		if got := pickPyPIFile(tc.files); got != tc.want {
			t.Errorf("case %d: got %d, want %d", i, got, tc.want)
		}
	}
	files := []pypiFile{{Filename: "../../x.tar.gz", PackageType: "sdist", URL: "https://files.example/p/a-1.0.tar.gz"}}
	pickPyPIFile(files)
	if files[0].Filename != "a-1.0.tar.gz" {
		t.Errorf("unsafe file name kept: %q", files[0].Filename)
	}
}
