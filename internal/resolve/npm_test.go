package resolve

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/osv-scalibr/extractor/filesystem/language/javascript/packagelockjson"
	"github.com/google/osv-scalibr/testing/extracttest"
)

func TestParseNPMSpec(t *testing.T) {
	tests := []struct {
		alias, raw string
		kind       npmSpecKind
		name, spec string
		wantErr    bool
	}{
		{alias: "a", raw: "1.2.3", kind: npmPinned, name: "a", spec: "1.2.3"},
		{alias: "a", raw: "=1.2.3", kind: npmPinned, name: "a", spec: "1.2.3"},
		{alias: "a", raw: "v1.2.3", kind: npmPinned, name: "a", spec: "1.2.3"},
		{alias: "a", raw: "1.2.3-rc.1+build.5", kind: npmPinned, name: "a", spec: "1.2.3-rc.1"},
		{alias: "a", raw: "1.2", kind: npmRange, name: "a", spec: "1.2"},
		{alias: "a", raw: "^1.2.0", kind: npmRange, name: "a", spec: "^1.2.0"},
		{alias: "a", raw: "~1.2", kind: npmRange, name: "a", spec: "~1.2"},
		{alias: "a", raw: ">=1 <2 || 3.x", kind: npmRange, name: "a", spec: ">=1 <2 || 3.x"},
		{alias: "a", raw: "1.0.0 - 2.0.0", kind: npmRange, name: "a", spec: "1.0.0 - 2.0.0"},
		{alias: "a", raw: "*", kind: npmRange, name: "a", spec: "*"},
		{alias: "a", raw: "", kind: npmRange, name: "a", spec: ""},
		{alias: "a", raw: "latest", kind: npmTag, name: "a", spec: "latest"},
		{alias: "a", raw: "next", kind: npmTag, name: "a", spec: "next"},
		{alias: "f", raw: "npm:node-fetch@^2.6.0", kind: npmRange, name: "node-fetch", spec: "^2.6.0"},
		{alias: "s", raw: "npm:@scope/pkg@1.0.0", kind: npmPinned, name: "@scope/pkg", spec: "1.0.0"},
		{alias: "s", raw: "npm:@scope/pkg", kind: npmRange, name: "@scope/pkg", spec: ""},
		{alias: "a", raw: "git+https://github.com/a/b.git", wantErr: true},
		{alias: "a", raw: "github:a/b#v1", wantErr: true},
		{alias: "a", raw: "a/b", wantErr: true},
		{alias: "a", raw: "file:../a", wantErr: true},
		{alias: "a", raw: "link:../a", wantErr: true},
		{alias: "a", raw: "workspace:*", wantErr: true},
		{alias: "a", raw: "https://example.com/a.tgz", wantErr: true},
		{alias: "a", raw: "./a.tgz", wantErr: true},
		{alias: "a", raw: "a.tgz", wantErr: true},
		{alias: "a", raw: "~/dev/a", wantErr: true},
		{alias: "a", raw: ">=>=1", wantErr: true},
		{alias: "../etc", raw: "1.0.0", wantErr: true},
		{alias: "a", raw: "npm:../x@1.0.0", wantErr: true},
	}
	for _, tc := range tests {
		d, err := parseNPMSpec(tc.alias, tc.raw)
		if tc.wantErr {
			if err == nil {
				t.Errorf("parseNPMSpec(%q, %q) = %+v, want error", tc.alias, tc.raw, d)
			}
			continue
		}
		if err != nil || d.kind != tc.kind || d.name != tc.name || d.spec != tc.spec {
			t.Errorf("parseNPMSpec(%q, %q) = %+v, %v; want kind %d name %q spec %q", tc.alias, tc.raw, d, err, tc.kind, tc.name, tc.spec)
		}
	}
}

func TestResolveNPMOnline(t *testing.T) {
	reg := newRegistry(t, mcpNPMDocs())
	dir := t.TempDir()
	res := mustResolve(t, []Manifest{{Path: "server/package.json", Data: []byte(mcpPackageJSON)}},
		Options{HTTPClient: reg.srv.Client(), NPMRegistry: reg.srv.URL + "/", Dir: dir})

	if got := names(res, NPM); !slices.Equal(got, wantMCPNPM) {
		t.Errorf("packages:\n got %q\nwant %q", got, wantMCPNPM)
	}
	for _, tc := range []struct {
		name, version  string
		direct, pinned bool
	}{
		{"@modelcontextprotocol/sdk", "1.12.1", true, false}, // dist-tag latest, not the higher 1.13.0
		{"dotenv", "16.4.5", true, true},
		{"node-fetch", "2.7.0", true, false}, // via alias my-fetch
		{"picocolors", "1.1.1", true, false}, // "latest" tag, not the "next" prerelease
		{"express", "5.1.0", false, false},
		{"depd", "2.0.0", false, false}, // exact in a packument: pinned there, not by the manifest
	} {
		p := find(res, NPM, tc.name, tc.version)
		if p == nil {
			t.Errorf("missing %s@%s", tc.name, tc.version)
			continue
		}
		if p.Direct != tc.direct || p.Pinned != tc.pinned || p.Origin != "server/package.json" {
			t.Errorf("%s@%s = %+v, want direct=%v pinned=%v origin server/package.json", tc.name, tc.version, *p, tc.direct, tc.pinned)
		}
	}
	for _, g := range []struct{ kind, detail string }{
		{GapUnsupportedSpec, "private-lib"},
		{GapUnsupportedSpec, "vary@1.1.2 depends on left-pad"},
	} {
		if !hasGap(res, g.kind, "server/package.json", g.detail) {
			t.Errorf("missing gap %s %q in %+v", g.kind, g.detail, res.Gaps)
		}
	}
	if len(res.Gaps) != 2 {
		t.Errorf("gaps = %+v, want exactly the two unsupported specs", res.Gaps)
	}

	// Never requested: devDependencies, optional peers, non-registry specs.
	for _, p := range []string{"/typescript", "/@cfworker%2fjson-schema", "/encoding", "/private-lib", "/left-pad"} {
		if reg.hit(p) != 0 {
			t.Errorf("%s was requested", p)
		}
	}
	if reg.hit("/@modelcontextprotocol%2fsdk") != 1 {
		t.Errorf("scoped packument not fetched with an escaped slash: %v", reg.hits)
	}
	reg.assertEachOnce()
	for _, a := range reg.accept {
		if a != npmAccept {
			t.Errorf("Accept = %q, want the abbreviated packument", a)
		}
	}

	lock := res.Lockfiles["package-lock.json"]
	if lock != filepath.Join(dir, "npm", "package-lock.json") {
		t.Fatalf("Lockfiles = %v", res.Lockfiles)
	}
	if got := extractPackageLock(t, lock); !slices.Equal(got, wantMCPNPM) {
		t.Errorf("osv-scalibr extracted from the synthetic lockfile:\n got %q\nwant %q", got, wantMCPNPM)
	}

	var lf lockFile
	data, _ := os.ReadFile(lock)
	if err := json.Unmarshal(data, &lf); err != nil {
		t.Fatal(err)
	}
	if lf.LockfileVersion != 3 {
		t.Errorf("lockfileVersion = %d", lf.LockfileVersion)
	}
	if e := lf.Packages["node_modules/my-fetch"]; e.Name != "node-fetch" || e.Version != "2.7.0" {
		t.Errorf("alias entry = %+v", e)
	}
	if e := lf.Packages["node_modules/ms"]; e.Version != "2.0.0" {
		t.Errorf("hoisted ms = %+v, want the first version reached (2.0.0)", e)
	}
	if e := lf.Packages["node_modules/debug/node_modules/ms"]; e.Version != "2.1.3" {
		t.Errorf("nested ms = %+v, want 2.1.3 under its dependent debug", e)
	}
	if e := lf.Packages["node_modules/express"]; e.Resolved == "" || e.Integrity != "sha512-AAAA" || e.Dependencies["body-parser"] != "^2.2.0" {
		t.Errorf("express entry = %+v", e)
	}
	if got := lf.Packages[""].Dependencies["my-fetch"]; got != "npm:node-fetch@^2.6.0" {
		t.Errorf("root dependencies[my-fetch] = %q", got)
	}
}

// extractPackageLock runs osv-scanner's own package-lock.json extractor
// and returns what it finds as sorted name@version strings.
func extractPackageLock(t *testing.T, lock string) []string {
	t.Helper()
	input := extracttest.GenerateScanInputMock(t, extracttest.ScanInputMockConfig{
		Path: filepath.Base(lock), FakeScanRoot: filepath.Dir(lock),
	})
	defer extracttest.CloseTestScanInput(t, input)
	inv, err := packagelockjson.Extractor{}.Extract(context.Background(), &input)
	if err != nil {
		t.Fatalf("extract %s: %v", lock, err)
	}
	var got []string
	for _, p := range inv.Packages {
		got = append(got, p.Name+"@"+p.Version)
	}
	slices.Sort(got)
	return got
}

func TestResolveNPMOffline(t *testing.T) {
	res := mustResolve(t, []Manifest{{Path: "package.json", Data: []byte(mcpPackageJSON)}},
		Options{Offline: true, HTTPClient: offlineOnly(t)})
	if got, want := names(res, NPM), []string{"dotenv@16.4.5"}; !slices.Equal(got, want) {
		t.Errorf("packages = %q, want %q", got, want)
	}
	if p := find(res, NPM, "dotenv", "16.4.5"); p == nil || !p.Direct || !p.Pinned {
		t.Errorf("dotenv = %+v", p)
	}
	for _, d := range []string{"@modelcontextprotocol/sdk@^1.12.0", "zod@^3.23.8", "my-fetch@npm:node-fetch@^2.6.0", "beta-lib@^2.0.0", "picocolors@latest", "fsevents@^2.3.0"} {
		if !hasGap(res, GapUnpinned, "package.json", d) {
			t.Errorf("no unpinned gap for %s: %+v", d, res.Gaps)
		}
	}
	if !hasGap(res, GapTransitive, "package.json", "") || !hasGap(res, GapUnsupportedSpec, "package.json", "private-lib") {
		t.Errorf("gaps = %+v", res.Gaps)
	}
	if got := extractPackageLock(t, res.Lockfiles["package-lock.json"]); !slices.Equal(got, []string{"dotenv@16.4.5"}) {
		t.Errorf("lockfile packages = %q", got)
	}
}

func TestNPMPick(t *testing.T) {
	p := &packument{
		DistTags: stringMap{"latest": "1.5.0"},
		Versions: map[string]npmVersion{
			"1.0.0": {}, "1.5.0": {}, "1.9.0": {Deprecated: true}, "1.8.0": {}, "2.0.0-rc.1": {}, "3.0.0": {Deprecated: true},
		},
	}
	p.index()
	for _, tc := range []struct {
		spec, hoisted, want string
	}{
		{"^1.0.0", "", "1.5.0"},            // latest satisfies: npm takes it over 1.8.0
		{"^1.6.0", "", "1.8.0"},            // 1.9.0 is deprecated: prefer non-deprecated
		{"^1.8.5", "", "1.9.0"},            // …but still take a deprecated one if nothing else fits
		{">=2.0.0-rc.0", "", "2.0.0-rc.1"}, // deprecated 3.0.0 loses to a non-deprecated prerelease the range names
		{"^1.0.0", "1.0.0", "1.0.0"},       // hoisted version that satisfies is reused
		{"^1.6.0", "1.0.0", "1.8.0"},       // hoisted version that does not satisfy is ignored
		{"^2.0.0", "", ""},                 // a prerelease alone does not satisfy a plain range
		{"~2.0.0-rc.0", "", "2.0.0-rc.1"},
		{"*", "", "1.5.0"},
	} {
		d, err := parseNPMSpec("x", tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.pick(d, tc.hoisted); got != tc.want {
			t.Errorf("pick(%q, hoisted %q) = %q, want %q", tc.spec, tc.hoisted, got, tc.want)
		}
	}
}

func TestPlatformOK(t *testing.T) {
	for _, tc := range []struct {
		list []string
		want bool
	}{
		{nil, true}, {[]string{"linux"}, true}, {[]string{"darwin", "win32"}, false},
		{[]string{"!win32"}, true}, {[]string{"!linux"}, false}, {[]string{"linux", "!linux"}, false},
	} {
		if got := platformOK(tc.list, "linux"); got != tc.want {
			t.Errorf("platformOK(%q) = %v", tc.list, got)
		}
	}
}

func TestNPMMultipleManifests(t *testing.T) {
	reg := newRegistry(t, mcpNPMDocs())
	res := mustResolve(t, []Manifest{
		{Path: "b/package.json", Data: []byte(`{"dependencies": {"ms": "2.0.0"}}`)},
		{Path: "a/package.json", Data: []byte(`{"dependencies": {"ms": "^2.1.0", "debug": "^4"}}`)},
	}, Options{HTTPClient: reg.srv.Client(), NPMRegistry: reg.srv.URL})
	if got, want := names(res, NPM), []string{"debug@4.4.1", "ms@2.0.0", "ms@2.1.3"}; !slices.Equal(got, want) {
		t.Errorf("packages = %q, want %q", got, want)
	}
	if p := find(res, NPM, "ms", "2.1.3"); p.Origin != "a/package.json" || !p.Direct {
		t.Errorf("ms@2.1.3 = %+v", p)
	}
	if p := find(res, NPM, "ms", "2.0.0"); p.Origin != "b/package.json" || !p.Direct || !p.Pinned {
		t.Errorf("ms@2.0.0 = %+v", p)
	}
	// Conflicting direct dependencies of two manifests both survive in the one lockfile.
	if got, want := extractPackageLock(t, res.Lockfiles["package-lock.json"]), names(res, NPM); !slices.Equal(got, want) {
		t.Errorf("lockfile packages = %q, want %q", got, want)
	}
	reg.assertEachOnce()
}

// TestExtraBundledPackages: exact versions of bundled node_modules join the
// result and the synthetic lockfile without any registry request, offline.
func TestExtraBundledPackages(t *testing.T) {
	dir := t.TempDir()
	res, err := Resolve(context.Background(), nil, Options{
		Offline: true,
		Dir:     dir,
		Extra: []Package{
			{Ecosystem: NPM, Name: "lodash", Version: "4.17.20", Origin: "server/node_modules/lodash/package.json"},
			{Ecosystem: NPM, Name: "@scope/util", Version: "1.0.0", Origin: "server/node_modules/@scope/util/package.json"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Packages) != 2 || !res.Packages[0].Pinned || len(res.Gaps) != 0 {
		t.Fatalf("result = %+v", res)
	}
	data, err := os.ReadFile(res.Lockfiles["package-lock.json"])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"node_modules/lodash"`, `"node_modules/@scope/util"`, `"4.17.20"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("lockfile lacks %s:\n%s", want, data)
		}
	}
}

func TestPackageJSONIdentity(t *testing.T) {
	for in, want := range map[string]bool{
		`{"name":"lodash","version":"4.17.20"}`:  true,
		`{"name":"lodash","version":"^4.17.20"}`: false,
		`{"name":"","version":"1.0.0"}`:          false,
		`not json`:                               false,
	} {
		if _, _, ok := PackageJSONIdentity([]byte(in)); ok != want {
			t.Errorf("%s: ok=%v, want %v", in, ok, want)
		}
	}
}
