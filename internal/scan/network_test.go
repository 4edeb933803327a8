package scan_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"deps.dev/util/semver"

	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/scan"
)

// TestNPMSourceResolvedOnline fetches an exact npm release from a fake
// registry, verifies its integrity, resolves its unpinned dependencies the
// way npm would from the registry's metadata, and matches the resolved set
// against the local database: the published package has no lockfile, and
// the vulnerable lodash only appears through resolution.
func TestNPMSourceResolvedOnline(t *testing.T) {
	tgz := npmTarball(t, map[string]string{
		"package/package.json": `{
  "name": "@acme/weather-mcp",
  "version": "1.0.0",
  "bin": {"weather-mcp": "dist/index.js"},
  "dependencies": {
    "lodash": "^4.17.0",
    "left-pad": "1.3.0"
  }
}
`,
		"package/dist/index.js": "#!/usr/bin/env node\nimport { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\n",
	})
	srv := fakeNPM(t, tgz)
	opts := options(t)
	opts.Offline = false
	opts.Source.NPMRegistry = srv.URL
	opts.NPMRegistry = srv.URL
	opts.HTTPClient = srv.Client()

	res, err := scan.Run(context.Background(), "npm:@acme/weather-mcp@1.0.0", opts)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	sum := sha512.Sum512(tgz)
	if r.Source.Kind != "npm" || r.Source.PURL != "pkg:npm/%40acme/weather-mcp@1.0.0" || r.Source.Digests["sha512"] != hex.EncodeToString(sum[:]) {
		t.Errorf("identity %+v", r.Source)
	}
	if !slices.ContainsFunc(r.Source.Verified, func(v string) bool { return strings.Contains(v, "integrity") }) {
		t.Errorf("npm integrity not verified: %v", r.Source.Verified)
	}
	if r.Status != report.StatusComplete {
		t.Errorf("status %s: %+v", r.Status, r.Engines)
	}
	var lodash []report.Finding
	for _, f := range r.Findings {
		if f.Dependency != nil && f.Dependency.Package == "lodash" {
			lodash = append(lodash, f)
		}
	}
	if len(lodash) != 2 {
		j, _ := json.MarshalIndent(r, "", " ")
		t.Fatalf("want the two lodash advisories, got:\n%s", j)
	}
	for _, f := range lodash {
		d := f.Dependency
		if d.Version != "4.17.20" || !d.Resolved || !d.Direct || f.Location.Path != "package.json" || f.Location.StartLine != 6 {
			t.Errorf("lodash finding %+v at %+v", d, f.Location)
		}
	}
	want := map[string]string{"lodash": "resolved:package.json", "left-pad": "package.json"}
	for _, d := range r.Dependencies {
		if o, ok := want[d.Name]; ok && d.Origin != o {
			t.Errorf("%s origin %q, want %q", d.Name, d.Origin, o)
		}
		delete(want, d.Name)
	}
	if len(want) != 0 {
		t.Errorf("missing from the dependency set: %v", want)
	}
}

// TestOnlineOSV runs the default online matching against a fake OSV.dev
// API (osv-scanner's base URL is fixed; the injected client reroutes it).
func TestOnlineOSV(t *testing.T) {
	api := fakeOSVAPI(t, filepath.Join(fixtures, "osvdb"))
	opts := options(t)
	opts.Offline, opts.OSVDBDir = false, ""
	opts.HTTPClient = &http.Client{Transport: reroute{"api.osv.dev", api}}
	res, err := scan.Run(context.Background(), filepath.Join(fixtures, "servers", "ts-weather-leaky"), opts)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range res.Report.Findings {
		if f.Dependency != nil {
			ids = append(ids, f.Dependency.AdvisoryID)
		}
	}
	slices.Sort(ids)
	want := []string{"GHSA-29mw-wpgm-hmr9", "GHSA-35jh-r3h4-6jhm", "GHSA-cph5-m8f7-6c5x", "GHSA-r683-j2x4-v87g"}
	if !slices.Equal(ids, want) {
		t.Errorf("advisories %v, want %v", ids, want)
	}
	for _, e := range res.Report.Engines {
		if e.Name == "depvuln" && (len(e.Databases) == 0 || !strings.Contains(e.Databases[0].Source, "api.osv.dev")) {
			t.Errorf("live database not recorded: %+v", e)
		}
	}
}

// TestOnlineOSVUnreachable: with the API refused (as by a corporate proxy)
// the dependency engine fails, so the scan is incomplete rather than clean.
// (A 5xx behaves the same after osv-scanner's retries, only slower.)
func TestOnlineOSVUnreachable(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "blocked by proxy policy", http.StatusForbidden)
	}))
	defer down.Close()
	opts := options(t)
	opts.Offline, opts.OSVDBDir = false, ""
	opts.HTTPClient = &http.Client{Transport: reroute{"api.osv.dev", down}}
	res, err := scan.Run(context.Background(), filepath.Join(fixtures, "servers", "ts-weather-leaky"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Status != report.StatusIncomplete {
		t.Errorf("status %s with the vulnerability API down", res.Report.Status)
	}
}

type reroute struct {
	host string
	to   *httptest.Server
}

func (r reroute) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == r.host {
		u, _ := url.Parse(r.to.URL)
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host = u.Scheme, u.Host
	}
	return http.DefaultTransport.RoundTrip(req)
}

// fakeOSVAPI serves /v1/querybatch and /v1/vulns/{id} from OSV records on
// disk, matching versions with deps.dev's ecosystem semantics.
func fakeOSVAPI(t *testing.T, dir string) *httptest.Server {
	t.Helper()
	type event struct{ Introduced, Fixed string }
	type record struct {
		ID       string `json:"id"`
		Modified string `json:"modified"`
		Affected []struct {
			Package struct{ Ecosystem, Name string }
			Ranges  []struct{ Events []event }
		}
	}
	raw := map[string][]byte{}
	var recs []record
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var r record
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		raw[r.ID] = data
		recs = append(recs, r)
	}
	systems := map[string]semver.System{"npm": semver.NPM, "PyPI": semver.PyPI, "Go": semver.Go}
	affected := func(eco, name, version string) []map[string]string {
		var out []map[string]string
		sys, ok := systems[eco]
		if !ok {
			return nil
		}
		v, err := sys.Parse(version)
		if err != nil {
			return nil
		}
		for _, r := range recs {
			for _, a := range r.Affected {
				if a.Package.Ecosystem != eco || a.Package.Name != name {
					continue
				}
				for _, rg := range a.Ranges {
					in := false
					for _, e := range rg.Events {
						if e.Introduced != "" {
							if iv, err := sys.Parse(e.Introduced); e.Introduced == "0" || err == nil && v.Compare(iv) >= 0 {
								in = true
							}
						}
						if e.Fixed != "" {
							if fv, err := sys.Parse(e.Fixed); err == nil && v.Compare(fv) >= 0 {
								in = false
							}
						}
					}
					if in {
						out = append(out, map[string]string{"id": r.ID, "modified": r.Modified})
					}
				}
			}
		}
		return out
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v1/querybatch":
			var q struct {
				Queries []struct {
					Package struct{ Name, Ecosystem string }
					Version string
				}
			}
			if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			type result struct {
				Vulns []map[string]string `json:"vulns,omitempty"`
			}
			var out struct {
				Results []result `json:"results"`
			}
			for _, qq := range q.Queries {
				out.Results = append(out.Results, result{affected(qq.Package.Ecosystem, qq.Package.Name, qq.Version)})
			}
			json.NewEncoder(w).Encode(out)
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/vulns/"):
			data, ok := raw[strings.TrimPrefix(r.URL.Path, "/v1/vulns/")]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Write(data)
		default:
			http.NotFound(w, r)
		}
	}))
}

func npmTarball(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg})
		tw.Write([]byte(files[n]))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// fakeNPM serves the package, lodash (4.17.20 is latest; 4.17.21-rc.1 is a
// prerelease npm must not pick) and left-pad.
func fakeNPM(t *testing.T, tgz []byte) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	sha := sha512.Sum512(tgz)
	sha1sum := sha1.Sum(tgz)
	version := func(name, v string, deps map[string]string) map[string]any {
		return map[string]any{"name": name, "version": v, "dependencies": deps,
			"dist": map[string]any{"tarball": srv.URL + "/" + name + "/-/" + v + ".tgz", "integrity": "sha512-" + base64.StdEncoding.EncodeToString(make([]byte, 64))}}
	}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var doc map[string]any
		switch p, _ := url.PathUnescape(r.URL.EscapedPath()); p {
		case "/@acme/weather-mcp", "/@acme%2fweather-mcp":
			doc = map[string]any{"name": "@acme/weather-mcp", "dist-tags": map[string]string{"latest": "1.0.0"},
				"versions": map[string]any{"1.0.0": map[string]any{"name": "@acme/weather-mcp", "version": "1.0.0",
					"dependencies": map[string]string{"lodash": "^4.17.0", "left-pad": "1.3.0"},
					"dist": map[string]any{"tarball": srv.URL + "/tarballs/weather-mcp-1.0.0.tgz",
						"integrity": "sha512-" + base64.StdEncoding.EncodeToString(sha[:]), "shasum": hex.EncodeToString(sha1sum[:])}}}}
		case "/lodash":
			doc = map[string]any{"name": "lodash", "dist-tags": map[string]string{"latest": "4.17.20"},
				"versions": map[string]any{"4.17.15": version("lodash", "4.17.15", nil), "4.17.20": version("lodash", "4.17.20", nil), "4.17.21-rc.1": version("lodash", "4.17.21-rc.1", nil)}}
		case "/left-pad":
			doc = map[string]any{"name": "left-pad", "dist-tags": map[string]string{"latest": "1.3.0"},
				"versions": map[string]any{"1.3.0": version("left-pad", "1.3.0", nil)}}
		case "/tarballs/weather-mcp-1.0.0.tgz":
			w.Write(tgz)
			return
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(srv.Close)
	return srv
}
