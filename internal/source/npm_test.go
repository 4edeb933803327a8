package source

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeNPM serves packuments and tarballs. Packument keys are the escaped
// request path ("/@scope%2fname"), as the real registry is addressed.
type fakeNPM struct {
	t          *testing.T
	srv        *httptest.Server
	packuments map[string]any
	tarballs   map[string][]byte
	hits       []string
}

func newFakeNPM(t *testing.T) *fakeNPM {
	f := &fakeNPM{t: t, packuments: map[string]any{}, tarballs: map[string][]byte{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.EscapedPath()
		f.hits = append(f.hits, p)
		if !strings.HasPrefix(r.Header.Get("User-Agent"), "mcpcert") {
			t.Errorf("User-Agent %q", r.Header.Get("User-Agent"))
		}
		if b, ok := f.tarballs[p]; ok {
			w.Write(b)
			return
		}
		if pk, ok := f.packuments[p]; ok {
			if !strings.Contains(r.Header.Get("Accept"), "application/vnd.npm.install-v1+json") {
				t.Errorf("packument requested with Accept %q", r.Header.Get("Accept"))
			}
			json.NewEncoder(w).Encode(pk)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// publish registers name@version with a tarball and correct digests;
// tweak may alter the dist object before it is served.
func (f *fakeNPM) publish(name, version string, tgz []byte, tags map[string]string, tweak func(dist map[string]string)) {
	base := name
	if i := strings.Index(name, "/"); i > 0 {
		base = name[i+1:]
	}
	tarPath := "/" + name + "/-/" + base + "-" + version + ".tgz"
	f.tarballs[tarPath] = tgz
	s512 := sha512.Sum512(tgz)
	s1 := sha1.Sum(tgz)
	dist := map[string]string{
		"tarball":   f.srv.URL + tarPath,
		"integrity": "sha512-" + base64.StdEncoding.EncodeToString(s512[:]),
		"shasum":    hex.EncodeToString(s1[:]),
	}
	if tweak != nil {
		tweak(dist)
	}
	f.packuments["/"+strings.Replace(name, "/", "%2f", 1)] = map[string]any{
		"name":      name,
		"dist-tags": tags,
		"versions":  map[string]any{version: map[string]any{"name": name, "version": version, "dist": dist}},
	}
}

func npmTarball(t *testing.T) []byte {
	return buildTar(t, true,
		tarEnt{Name: "package/package.json", Body: `{"name":"demo","mcpName":"io.github.x/demo"}`},
		tarEnt{Name: "package/dist/index.js", Body: "console.log('hi')\n"},
	)
}

func TestNPM(t *testing.T) {
	tgz := npmTarball(t)
	s256 := sha256.Sum256(tgz)
	s512 := sha512.Sum512(tgz)
	s1 := sha1.Sum(tgz)
	reg := newFakeNPM(t)
	reg.publish("demo", "1.0.0", tgz, map[string]string{"latest": "1.0.0"}, nil)
	reg.publish("@acme/mcp-server", "2.1.0", tgz, map[string]string{"latest": "2.1.0", "next": "2.1.0"}, nil)
	reg.publish("bad-integrity", "1.0.0", tgz, nil, func(d map[string]string) {
		other := sha512.Sum512([]byte("other"))
		d["integrity"] = "sha512-" + base64.StdEncoding.EncodeToString(other[:])
	})
	reg.publish("bad-shasum", "1.0.0", tgz, nil, func(d map[string]string) { d["shasum"] = strings.Repeat("0", 40) })
	reg.publish("sha1-only", "1.0.0", tgz, nil, func(d map[string]string) {
		d["integrity"] = "sha1-" + base64.StdEncoding.EncodeToString(s1[:])
		delete(d, "shasum")
	})
	reg.publish("no-digest", "1.0.0", tgz, nil, func(d map[string]string) { delete(d, "integrity"); delete(d, "shasum") })
	reg.publish("multi-sri", "1.0.0", tgz, nil, func(d map[string]string) {
		d["integrity"] = "sha512-AAAA sha512-" + base64.StdEncoding.EncodeToString(s512[:]) + "?opt"
	})
	reg.publish("evil", "1.0.0", buildTar(t, true, tarEnt{Name: "package/../../x", Body: "x"}), nil, nil)
	reg.publish("not-gzip", "1.0.0", buildZip(t, zipEnt{Name: "package/a", Body: "x"}), nil, nil)
	reg.publish("ftp-tarball", "1.0.0", tgz, nil, func(d map[string]string) { d["tarball"] = "ftp://example.com/x.tgz" })
	reg.publish("big", "1.0.0", tgz, nil, nil)
	reg.publish("@acme/wrong-entry", "1.0.0", tgz, nil, nil)
	reg.packuments["/@acme%2fwrong-entry"].(map[string]any)["versions"] = map[string]any{
		"1.0.0": map[string]any{"name": "@acme/other", "version": "1.0.0", "dist": map[string]string{}},
	}

	tests := []struct {
		ref          string
		lim          Limits
		wantErr      error
		wantName     string
		wantVersion  string
		wantPURL     string
		wantArtifact string
		wantVerified []string
	}{
		{ref: "npm:demo@1.0.0", wantName: "demo", wantVersion: "1.0.0", wantPURL: "pkg:npm/demo@1.0.0",
			wantArtifact: "demo-1.0.0.tgz", wantVerified: []string{"npm dist.integrity (sha512)", "npm dist.shasum (sha1)"}},
		{ref: "npm:demo@latest", wantName: "demo", wantVersion: "1.0.0", wantPURL: "pkg:npm/demo@1.0.0",
			wantArtifact: "demo-1.0.0.tgz", wantVerified: []string{"npm dist.integrity (sha512)", "npm dist.shasum (sha1)"}},
		{ref: "npm:@acme/mcp-server@2.1.0", wantName: "@acme/mcp-server", wantVersion: "2.1.0", wantPURL: "pkg:npm/%40acme/mcp-server@2.1.0",
			wantArtifact: "mcp-server-2.1.0.tgz", wantVerified: []string{"npm dist.integrity (sha512)", "npm dist.shasum (sha1)"}},
		{ref: "npm:@acme/mcp-server@next", wantName: "@acme/mcp-server", wantVersion: "2.1.0", wantPURL: "pkg:npm/%40acme/mcp-server@2.1.0",
			wantArtifact: "mcp-server-2.1.0.tgz", wantVerified: []string{"npm dist.integrity (sha512)", "npm dist.shasum (sha1)"}},
		{ref: "npm:sha1-only@1.0.0", wantName: "sha1-only", wantVersion: "1.0.0", wantPURL: "pkg:npm/sha1-only@1.0.0",
			wantArtifact: "sha1-only-1.0.0.tgz", wantVerified: []string{"npm dist.integrity (sha1)"}},
		{ref: "npm:multi-sri@1.0.0", wantName: "multi-sri", wantVersion: "1.0.0", wantPURL: "pkg:npm/multi-sri@1.0.0",
			wantArtifact: "multi-sri-1.0.0.tgz", wantVerified: []string{"npm dist.integrity (sha512)", "npm dist.shasum (sha1)"}},
		{ref: "npm:bad-integrity@1.0.0", wantErr: ErrIntegrity},
		{ref: "npm:bad-shasum@1.0.0", wantErr: ErrIntegrity},
		{ref: "npm:no-digest@1.0.0", wantErr: ErrIntegrity},
		{ref: "npm:@acme/wrong-entry@1.0.0", wantErr: ErrIntegrity},
		{ref: "npm:demo@2.0.0", wantErr: ErrNotFound},
		{ref: "npm:demo@beta", wantErr: ErrNotFound},
		{ref: "npm:missing@1.0.0", wantErr: ErrNotFound},
		{ref: "npm:evil@1.0.0", wantErr: ErrUnsafeArchive},
		{ref: "npm:not-gzip@1.0.0", wantErr: ErrUnsafeArchive},
		{ref: "npm:ftp-tarball@1.0.0", wantErr: ErrUnsupported},
		{ref: "npm:big@1.0.0", lim: Limits{MaxDownloadBytes: 64}, wantErr: ErrLimitExceeded},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			tmp := t.TempDir()
			ws, err := Open(context.Background(), tc.ref, Options{NPMRegistry: reg.srv.URL + "/", TempDir: tmp, Limits: tc.lim})
			if tc.wantErr != nil {
				assertIs(t, err, tc.wantErr)
				if !strings.HasPrefix(err.Error(), "npm ") {
					t.Errorf("error %q lacks npm context", err)
				}
				assertDirEmpty(t, tmp)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			id := ws.Identity
			if id.Kind != KindNPM || id.Input != tc.ref || id.Name != tc.wantName || id.Version != tc.wantVersion ||
				id.PURL != tc.wantPURL || id.Artifact != tc.wantArtifact || !slices.Equal(id.Verified, tc.wantVerified) {
				t.Errorf("identity %+v", id)
			}
			if !strings.HasPrefix(id.URL, reg.srv.URL+"/") || !strings.HasSuffix(id.URL, ".tgz") {
				t.Errorf("URL %q", id.URL)
			}
			if id.Digests["sha256"] != hex.EncodeToString(s256[:]) || id.Digests["sha512"] != hex.EncodeToString(s512[:]) {
				t.Errorf("digests %v", id.Digests)
			}
			if got := readTestFile(t, filepath.Join(ws.Root, "dist", "index.js")); got != "console.log('hi')\n" {
				t.Errorf("index.js = %q", got)
			}
			if err := ws.Close(); err != nil {
				t.Fatal(err)
			}
			assertDirEmpty(t, tmp)
		})
	}
	if !slices.Contains(reg.hits, "/@acme%2fmcp-server") {
		t.Errorf("scoped packument not requested as /@acme%%2fmcp-server; hits: %v", reg.hits)
	}
}

func TestNPMVerify(t *testing.T) {
	data := []byte("tarball bytes")
	s512 := sha512.Sum512(data)
	s1 := sha1.Sum(data)
	s := sums{sha1: s1[:], sha512: s512[:]}
	good512 := "sha512-" + base64.StdEncoding.EncodeToString(s512[:])
	good1 := "sha1-" + base64.StdEncoding.EncodeToString(s1[:])
	tests := []struct {
		integrity, shasum string
		ok                bool
	}{
		{good512, hex.EncodeToString(s1[:]), true},
		{good512, strings.ToUpper(hex.EncodeToString(s1[:])), true},
		{good512, "", true},
		{good1, "", true},
		// sha1 in the SRI is ignored when sha512 is present: a matching
		// sha1 cannot rescue a wrong sha512.
		{"sha512-AAAA " + good1, "", false},
		{"sha256-AAAA", "", false},
		{"garbage", "", false},
		{"", "", false},
		{good512, "deadbeef", false},
	}
	for _, tc := range tests {
		_, err := npmVerify(tc.integrity, tc.shasum, s)
		if (err == nil) != tc.ok {
			t.Errorf("npmVerify(%q, %q) = %v, want ok=%v", tc.integrity, tc.shasum, err, tc.ok)
		}
	}
}
