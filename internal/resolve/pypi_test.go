package resolve

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/osv-scalibr/extractor/filesystem/language/python/requirements"
	"github.com/google/osv-scalibr/testing/extracttest"
)

const mcpRequirements = `# Weather MCP server
mcp[cli]>=1.2        # the SDK, with its CLI extra
httpx==0.28.1 \
    --hash=sha256:d909fcccc110f8c7faf814ca82a9a4d816bc5a6dbfea25d6591d6985b8ba59ad
pywin32>=306 ; sys_platform == "win32"
-r requirements-base.txt
git+https://github.com/acme/tool.git#egg=tool
-e .
`

// notRequested are projects the fake PyPI knows but pip would never fetch
// for mcpRequirements on CPython 3.12/Linux.
var notRequested = []string{"pywin32", "rich", "websockets", "email-validator", "exceptiongroup", "brotli", "socksio", "colorama", "evil"}

func assertMCPPyPI(t *testing.T, reg *registry, res *Result, origin string) {
	t.Helper()
	if got := names(res, PyPI); !slices.Equal(got, wantMCPPyPI) {
		t.Errorf("packages:\n got %q\nwant %q", got, wantMCPPyPI)
	}
	for _, tc := range []struct {
		name, version  string
		direct, pinned bool
	}{
		{"mcp", "1.9.4", true, false},                 // not yanked 1.10.0, not pre-release 2.0.0rc1
		{"httpx", "0.28.1", true, true},               // exact pin
		{"pydantic", "2.11.7", false, false},          // "<3.0.0" must not admit 3.0.0b1
		{"typer", "0.16.0", false, false},             // enabled by the [cli] extra
		{"typing-extensions", "4.14.0", false, false}, // 4.15.0 requires Python >= 3.13
		{"httpcore", "1.0.9", false, false},           // "==1.*" wildcard
	} {
		p := find(res, PyPI, tc.name, tc.version)
		if p == nil {
			t.Errorf("missing %s %s", tc.name, tc.version)
			continue
		}
		if p.Direct != tc.direct || p.Pinned != tc.pinned || p.Origin != origin {
			t.Errorf("%s %s = %+v, want direct=%v pinned=%v origin %s", tc.name, tc.version, *p, tc.direct, tc.pinned, origin)
		}
	}
	for _, n := range notRequested {
		if reg.hit("/pypi/"+n+"/json") != 0 {
			t.Errorf("%s was requested although its marker or extra excludes it", n)
		}
	}
	if !hasGap(res, GapTransitive, origin, "sniffio==1.3.1") {
		t.Errorf("no gap for the sdist-only release without metadata: %+v", res.Gaps)
	}
	reg.assertEachOnce()
}

func TestResolvePyPIRequirements(t *testing.T) {
	reg := newRegistry(t, pypiDocs(mcpPyPI()))
	dir := t.TempDir()
	res := mustResolve(t, []Manifest{
		{Path: "srv/requirements.txt", Data: []byte(mcpRequirements)},
		{Path: "srv/requirements-base.txt", Data: []byte("anyio>=4.5\n")},
	}, Options{HTTPClient: reg.srv.Client(), PyPIURL: reg.srv.URL, Dir: dir})

	assertMCPPyPI(t, reg, res, "srv/requirements.txt")
	if p := find(res, PyPI, "anyio", "4.9.0"); !p.Direct {
		t.Errorf("anyio from -r file should be direct: %+v", p)
	}
	if !hasGap(res, GapUnsupportedSpec, "srv/requirements.txt", "line 7: \"git+https://github.com/acme/tool.git#egg=tool\"") ||
		!hasGap(res, GapUnsupportedSpec, "srv/requirements.txt", "line 8: editable") {
		t.Errorf("gaps = %+v", res.Gaps)
	}
	if len(res.Gaps) != 3 {
		t.Errorf("gaps = %+v, want git, editable and sdist-only", res.Gaps)
	}

	lock := res.Lockfiles["requirements.txt"]
	if lock != filepath.Join(dir, "pypi", "requirements.txt") {
		t.Fatalf("Lockfiles = %v", res.Lockfiles)
	}
	data, _ := os.ReadFile(lock)
	if !strings.Contains(string(data), "\nmcp==1.9.4\n") {
		t.Errorf("lockfile:\n%s", data)
	}
	if got := extractRequirements(t, lock); !slices.Equal(got, wantMCPPyPI) {
		t.Errorf("osv-scalibr extracted from the synthetic lockfile:\n got %q\nwant %q", got, wantMCPPyPI)
	}
}

// extractRequirements runs osv-scanner's requirements.txt extractor.
func extractRequirements(t *testing.T, lock string) []string {
	t.Helper()
	input := extracttest.GenerateScanInputMock(t, extracttest.ScanInputMockConfig{
		Path: filepath.Base(lock), FakeScanRoot: filepath.Dir(lock),
	})
	defer extracttest.CloseTestScanInput(t, input)
	inv, err := requirements.Extractor{}.Extract(context.Background(), &input)
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

func TestResolvePyproject(t *testing.T) {
	const pep621 = `
[project]
name = "weather"
dependencies = [
  "mcp[cli]>=1.2",
  "httpx==0.28.1",
  "anyio>=4.5",
  "pywin32>=306; sys_platform == 'win32'",
]
[project.optional-dependencies]
dev = ["evil"]
[dependency-groups]
test = ["evil"]
`
	const poetry = `
[tool.poetry]
name = "weather"
[tool.poetry.dependencies]
python = "^3.10"
mcp = {version = "^1.2", extras = ["cli"]}
httpx = "0.28.1"
anyio = ">=4.5"
pywin32 = {version = ">=306", markers = "sys_platform == 'win32'"}
evil = {version = "*", python = "<3.9"}
rich = {version = "^13", optional = true}
private = {git = "https://github.com/acme/private.git"}
[tool.poetry.group.dev.dependencies]
evil = "^1"
`
	const setupCfg = `[metadata]
name = weather

[options]
packages = find:
install_requires =
    mcp[cli]>=1.2
    httpx==0.28.1
    # a comment
    anyio>=4.5
    pywin32>=306; sys_platform == "win32"

[options.extras_require]
dev = evil
`
	for _, tc := range []struct{ path, data string }{
		{"py/pyproject.toml", pep621},
		{"py/pyproject.toml", poetry},
		{"py/setup.cfg", setupCfg},
	} {
		t.Run(tc.data[:10], func(t *testing.T) {
			reg := newRegistry(t, pypiDocs(mcpPyPI()))
			res := mustResolve(t, []Manifest{{Path: tc.path, Data: []byte(tc.data)}},
				Options{HTTPClient: reg.srv.Client(), PyPIURL: reg.srv.URL})
			assertMCPPyPI(t, reg, res, tc.path)
		})
	}
}

func TestResolvePyPIOffline(t *testing.T) {
	res := mustResolve(t, []Manifest{
		{Path: "requirements.txt", Data: []byte(mcpRequirements)},
		{Path: "requirements-base.txt", Data: []byte("anyio>=4.5\nidna===3.10\n")},
	}, Options{Offline: true, HTTPClient: offlineOnly(t)})
	if got, want := names(res, PyPI), []string{"httpx@0.28.1", "idna@3.10"}; !slices.Equal(got, want) {
		t.Errorf("packages = %q, want %q", got, want)
	}
	for _, g := range []struct{ kind, path, detail string }{
		{GapUnpinned, "requirements.txt", "mcp[cli]>=1.2"},
		{GapUnpinned, "requirements-base.txt", "anyio>=4.5"},
		{GapTransitive, "requirements.txt", ""},
	} {
		if !hasGap(res, g.kind, g.path, g.detail) {
			t.Errorf("missing gap %+v in %+v", g, res.Gaps)
		}
	}
	if hasGap(res, GapTransitive, "requirements-base.txt", "") {
		t.Errorf("a file included with -r is resolved as part of its includer only: %+v", res.Gaps)
	}
	if hasGap(res, GapUnpinned, "", "pywin32") {
		t.Errorf("marker-excluded requirement reported as a gap: %+v", res.Gaps)
	}
	if got := extractRequirements(t, res.Lockfiles["requirements.txt"]); !slices.Equal(got, []string{"httpx@0.28.1", "idna@3.10"}) {
		t.Errorf("lockfile packages = %q", got)
	}
}

func TestResolvePyPIConflicts(t *testing.T) {
	reg := newRegistry(t, pypiDocs(map[string][]pyRel{
		"a": {{v: "1.0"}, {v: "1.5"}, {v: "2.0"}, {v: "2.1"}},
		"b": {{v: "1.0", requires: []string{"a<2"}}},
		"c": {{v: "2.0"}, {v: "3.0", requires: []string{"e"}}},
		"d": {{v: "1.0", requires: []string{"c<3", "f==1.0"}}},
		"e": {{v: "1.0"}},
		"f": {{v: "0.9"}, {v: "1.0", yanked: true}},
		"g": {{v: "1.0"}, {v: "2.0", noFiles: true}},
		"h": {{v: "1.0b1"}},
		"i": {{v: "1.0", skipVersionJ: true}},
	}))
	res := mustResolve(t, []Manifest{{Path: "requirements.txt", Data: []byte("a>=2\nb\nc\nd\ng\nh\ni\nmissing>=1\n")}},
		Options{HTTPClient: reg.srv.Client(), PyPIURL: reg.srv.URL})
	want := []string{
		"a@2.1",   // conflict a>=2 vs a<2: keep the highest
		"b@1.0",   //
		"c@2.0",   // re-chosen after d's c<3; c 3.0's dependency e is dropped
		"d@1.0",   //
		"f@1.0",   // an exact pin may select a yanked release (PEP 592)
		"g@1.0",   // releases without files are not installable
		"h@1.0b1", // only a pre-release exists: pip falls back to it
		"i@1.0",
	}
	if got := names(res, PyPI); !slices.Equal(got, want) {
		t.Errorf("packages = %q, want %q", got, want)
	}
	if !hasGap(res, GapConflict, "requirements.txt", "a: no release satisfies all of >=2 ; <2; using 2.1") {
		t.Errorf("no conflict gap: %+v", res.Gaps)
	}
	if !hasGap(res, GapResolutionFailed, "requirements.txt", "PyPI project missing: not found") ||
		!hasGap(res, GapResolutionFailed, "requirements.txt", "PyPI release i==1.0: not found") {
		t.Errorf("no resolution-failed gaps: %+v", res.Gaps)
	}
}

func TestResolvePyPIIncludes(t *testing.T) {
	reg := newRegistry(t, pypiDocs(map[string][]pyRel{"a": {{v: "1.0"}, {v: "2.0"}}, "b": {{v: "1.0"}}}))
	res := mustResolve(t, []Manifest{
		{Path: "requirements.txt", Data: []byte("-c constraints.txt\n--requirement=reqs/more.txt\n-r absent.txt\n-r https://example.com/r.txt\n--index-url https://pypi.org/simple/\n--extra-index-url https://mirror.example/simple\n--frobnicate\n")},
		{Path: "constraints.txt", Data: []byte("a<2\nunused==1.0\n")},
		{Path: "reqs/more.txt", Data: []byte("a\n-r ../requirements.txt\nb[x] @ git+https://example.com/b.git\n")},
	}, Options{HTTPClient: reg.srv.Client(), PyPIURL: reg.srv.URL})
	if got, want := names(res, PyPI), []string{"a@1.0"}; !slices.Equal(got, want) {
		t.Errorf("packages = %q, want %q (constraint file applied, constraints install nothing)", got, want)
	}
	for _, g := range []struct{ kind, path, detail string }{
		{GapResolutionFailed, "requirements.txt", `"absent.txt" was not provided`},
		{GapUnsupportedSpec, "requirements.txt", "remote requirements file"},
		{GapCustomIndex, "requirements.txt", "--extra-index-url"},
		{GapMalformedManifest, "requirements.txt", `unknown option "--frobnicate"`},
		{GapUnsupportedSpec, "reqs/more.txt", "b is a direct URL reference"},
	} {
		if !hasGap(res, g.kind, g.path, g.detail) {
			t.Errorf("missing gap %+v in %+v", g, res.Gaps)
		}
	}
	if hasGap(res, GapCustomIndex, "", "--index-url") {
		t.Errorf("the default index must not be a gap: %+v", res.Gaps)
	}
}

func TestPoetrySpec(t *testing.T) {
	for _, tc := range []struct {
		in       string
		match    []string
		nomatch  []string
		exact    string
		parseErr bool
	}{
		{in: "^1.2.3", match: []string{"1.2.3", "1.9"}, nomatch: []string{"1.2.2", "2.0"}},
		{in: "^0.2.3", match: []string{"0.2.9"}, nomatch: []string{"0.3.0"}},
		{in: "^0.0.3", match: []string{"0.0.3"}, nomatch: []string{"0.0.4"}},
		{in: "^0", match: []string{"0.9"}, nomatch: []string{"1.0"}},
		{in: "~1.2.3", match: []string{"1.2.9"}, nomatch: []string{"1.3.0"}},
		{in: "~1", match: []string{"1.9"}, nomatch: []string{"2.0"}},
		{in: "~=1.2", match: []string{"1.9"}, nomatch: []string{"2.0"}},
		{in: ">= 1.2, < 1.5", match: []string{"1.4"}, nomatch: []string{"1.5"}},
		{in: ">=1.2 <1.5", match: []string{"1.4"}, nomatch: []string{"1.5"}},
		{in: "1.2.*", match: []string{"1.2.7"}, nomatch: []string{"1.3"}},
		{in: "*", match: []string{"0.1", "9"}},
		{in: "", match: []string{"0.1"}},
		{in: "1.2.3", match: []string{"1.2.3"}, nomatch: []string{"1.2.4"}, exact: "1.2.3"},
		{in: "^1.0 || ^3.0", match: []string{"1.5", "3.1"}, nomatch: []string{"2.0"}},
		{in: "^x", parseErr: true},
		{in: "^99999999999999999999", parseErr: true},
	} {
		s, err := poetrySpec(tc.in)
		if tc.parseErr {
			if err == nil {
				t.Errorf("poetrySpec(%q) = %+v, want error", tc.in, s)
			}
			continue
		}
		if err != nil {
			t.Errorf("poetrySpec(%q): %v", tc.in, err)
			continue
		}
		if s.exact != tc.exact {
			t.Errorf("poetrySpec(%q).exact = %q, want %q", tc.in, s.exact, tc.exact)
		}
		for _, v := range tc.match {
			if !matchRaw(t, s, v) {
				t.Errorf("poetrySpec(%q) does not match %s", tc.in, v)
			}
		}
		for _, v := range tc.nomatch {
			if matchRaw(t, s, v) {
				t.Errorf("poetrySpec(%q) matches %s", tc.in, v)
			}
		}
	}
}

func TestSetupCfgValue(t *testing.T) {
	const cfg = "[metadata]\ninstall_requires = wrong\n\n[options]\nzip_safe = False\ninstall-requires = a; b>=1\n  ; c\n[other]\nx = y\n"
	v, ok := setupCfgValue(cfg, "options", "install_requires")
	if !ok || v != "a; b>=1" {
		t.Errorf("setupCfgValue = %q, %v", v, ok)
	}
	pm := (&resolver{}).parseSetupCfg(Manifest{Path: "setup.cfg", Data: []byte(cfg)})
	var got []string
	for _, q := range pm.reqs {
		got = append(got, q.req.name+q.req.spec.text)
	}
	if want := []string{"a", "b>=1"}; !slices.Equal(got, want) {
		t.Errorf("single-line install_requires split on ';' = %q, want %q", got, want)
	}
}
