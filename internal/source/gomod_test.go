package source

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
	modzip "golang.org/x/mod/zip"
)

// fakeGoProxy serves one module version and a checksum database lookup for
// it, signed with a key generated for the test.
type fakeGoProxy struct {
	srv      *httptest.Server
	vkey     string
	zip      []byte
	h1       string
	sumdbH1  string // h1 the checksum database claims; defaults to h1
	signer   note.Signer
	lookups  int
	zipFetch int
}

func newFakeGoProxy(t *testing.T, m module.Version) *fakeGoProxy {
	t.Helper()
	dir := t.TempDir()
	writeTestFile(t, dir, "go.mod", []byte("module "+m.Path+"\n\ngo 1.22\n"))
	writeTestFile(t, dir, "main.go", []byte("package main\n\nfunc main() {}\n"))
	writeTestFile(t, dir, "internal/tools/tools.go", []byte("package tools\n"))
	var zbuf bytes.Buffer
	if err := modzip.CreateFromDir(&zbuf, m, dir); err != nil {
		t.Fatal(err)
	}
	zpath := writeTestFile(t, t.TempDir(), "m.zip", zbuf.Bytes())
	h1, err := dirhash.HashZip(zpath, dirhash.Hash1)
	if err != nil {
		t.Fatal(err)
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, "sum.test")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeGoProxy{vkey: vkey, zip: zbuf.Bytes(), h1: h1, signer: signer}
	escPath, _ := module.EscapePath(m.Path)
	escVer, _ := module.EscapeVersion(m.Version)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/" + escPath + "/@v/" + escVer + ".info":
			fmt.Fprintf(w, `{"Version":%q,"Time":"2024-01-01T00:00:00Z"}`, m.Version)
		case "/" + escPath + "/@v/" + escVer + ".zip":
			p.zipFetch++
			w.Write(p.zip)
		case "/sumdb/sum.test/lookup/" + escPath + "@" + escVer:
			p.lookups++
			claimed := p.sumdbH1
			if claimed == "" {
				claimed = p.h1
			}
			tree, err := note.Sign(&note.Note{Text: string(tlog.FormatTree(tlog.Tree{N: 43, Hash: tlog.Hash{1}}))}, p.signer)
			if err != nil {
				t.Error(err)
			}
			fmt.Fprintf(w, "42\n%s %s %s\n%s %s/go.mod h1:AAAA=\n\n%s", m.Path, m.Version, claimed, m.Path, m.Version, tree)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func TestGoModule(t *testing.T) {
	m := module.Version{Path: "example.com/Org/demo", Version: "v1.2.3"}
	p := newFakeGoProxy(t, m)
	ref := "go:" + m.Path + "@" + m.Version
	open := func(t *testing.T, tmp string, mod func(*Options)) (*Workspace, error) {
		o := Options{GoProxy: p.srv.URL, GoSumDB: p.vkey, TempDir: tmp}
		if mod != nil {
			mod(&o)
		}
		return Open(context.Background(), ref, o)
	}

	t.Run("verified", func(t *testing.T) {
		tmp := t.TempDir()
		ws, err := open(t, tmp, nil)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(p.zip)
		id := ws.Identity
		if id.Kind != KindGo || id.Name != m.Path || id.Version != m.Version || id.PURL != "pkg:golang/example.com/org/demo@v1.2.3" ||
			id.Artifact != "v1.2.3.zip" || id.URL != p.srv.URL+"/example.com/!org/demo/@v/v1.2.3.zip" ||
			id.Digests["h1"] != p.h1 || id.Digests["sha256"] != hex.EncodeToString(sum[:]) ||
			!slices.Equal(id.Verified, []string{"Go checksum database"}) {
			t.Errorf("identity %+v", id)
		}
		if got := readTestFile(t, filepath.Join(ws.Root, "internal", "tools", "tools.go")); got != "package tools\n" {
			t.Errorf("tools.go = %q", got)
		}
		if _, err := os.Stat(filepath.Join(ws.Root, "go.mod")); err != nil {
			t.Error(err)
		}
		if err := ws.Close(); err != nil {
			t.Fatal(err)
		}
		assertDirEmpty(t, tmp)
	})

	t.Run("sumdb off", func(t *testing.T) {
		before := p.lookups
		ws, err := open(t, t.TempDir(), func(o *Options) { o.GoSumDBURL = "off" })
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		if len(ws.Identity.Verified) != 0 || p.lookups != before {
			t.Errorf("verified %v with the checksum database off (lookups %d -> %d)", ws.Identity.Verified, before, p.lookups)
		}
	})

	t.Run("explicit sumdb url", func(t *testing.T) {
		ws, err := open(t, t.TempDir(), func(o *Options) { o.GoSumDBURL = p.srv.URL + "/sumdb/sum.test/" })
		if err != nil {
			t.Fatal(err)
		}
		ws.Close()
	})

	failures := []struct {
		name string
		mod  func(*Options)
		prep func()
		want error
	}{
		{"hash mismatch", nil, func() { p.sumdbH1 = "h1:" + strings.Repeat("A", 43) + "=" }, ErrIntegrity},
		{"wrong key", func(o *Options) {
			_, other, _ := note.GenerateKey(rand.Reader, "sum.test")
			o.GoSumDB = other
		}, nil, ErrIntegrity},
		{"no record", func(o *Options) { o.GoSumDBURL = p.srv.URL + "/elsewhere" }, nil, ErrNotFound},
		{"zip limits", func(o *Options) { o.Limits.MaxFiles = 2 }, nil, ErrLimitExceeded},
		{"download limit", func(o *Options) { o.Limits.MaxDownloadBytes = 10 }, nil, ErrLimitExceeded},
		{"corrupt zip", nil, func() { p.zip = p.zip[:len(p.zip)/2] }, ErrUnsafeArchive},
	}
	for _, tc := range failures {
		t.Run(tc.name, func(t *testing.T) {
			saveZip, saveH1 := p.zip, p.sumdbH1
			defer func() { p.zip, p.sumdbH1 = saveZip, saveH1 }()
			if tc.prep != nil {
				tc.prep()
			}
			tmp := t.TempDir()
			_, err := open(t, tmp, tc.mod)
			assertIs(t, err, tc.want)
			if !strings.HasPrefix(err.Error(), "go "+m.Path+"@") {
				t.Errorf("error %q lacks module context", err)
			}
			assertDirEmpty(t, tmp)
		})
	}

	t.Run("unknown version", func(t *testing.T) {
		_, err := Open(context.Background(), "go:"+m.Path+"@v1.9.0", Options{GoProxy: p.srv.URL, GoSumDB: p.vkey, TempDir: t.TempDir()})
		assertIs(t, err, ErrNotFound)
	})
}

// TestGoModuleHostileZip checks that a proxy serving a zip x/mod would
// refuse is rejected before anything is extracted.
func TestGoModuleHostileZip(t *testing.T) {
	m := module.Version{Path: "example.com/demo", Version: "v1.0.0"}
	p := newFakeGoProxy(t, m)
	p.zip = buildZip(t, zipEnt{Name: "example.com/demo@v1.0.0/go.mod", Body: "module example.com/demo\n"},
		zipEnt{Name: "example.com/demo@v1.0.0/../../escape.go", Body: "package x\n"})
	tmp := t.TempDir()
	_, err := Open(context.Background(), "go:example.com/demo@v1.0.0", Options{GoProxy: p.srv.URL, GoSumDB: p.vkey, TempDir: tmp})
	assertIs(t, err, ErrUnsafeArchive)
	assertDirEmpty(t, tmp)
	if p.lookups != 0 {
		t.Errorf("checksum database consulted for an invalid zip")
	}
}
