package resolve

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestMalformedManifests(t *testing.T) {
	reg := newRegistry(t, pypiDocs(map[string][]pyRel{"good": {{v: "1.0"}}}))
	for _, tc := range []struct {
		path, data string
		kind       string
		detail     string
		want       []string
	}{
		{"package.json", `{"dependencies": {`, GapMalformedManifest, "invalid package.json", nil},
		{"package.json", `{"dependencies": ["a"]}`, GapMalformedManifest, "invalid package.json", nil},
		{"package.json", `{"dependencies": {"a": 1}}`, GapMalformedManifest, "invalid package.json", nil},
		{"package.json", "\x00\xff\xfe", GapMalformedManifest, "invalid package.json", nil},
		{"package.json", `{"dependencies": {"../../etc": "1.0.0"}}`, GapUnsupportedSpec, "invalid package name", nil},
		{"pyproject.toml", "[project\ndependencies = [", GapMalformedManifest, "invalid pyproject.toml", nil},
		{"pyproject.toml", "[project]\ndependencies = \"good\"", GapMalformedManifest, "invalid pyproject.toml", nil},
		{"pyproject.toml", "[project]\ndependencies = [\"good>=1\", \"bad >=\"]", GapMalformedManifest, `"bad >=": invalid version specifier`, []string{"good@1.0"}},
		{"pyproject.toml", "[project]\nname = \"x\"\ndynamic = [\"dependencies\"]", GapUnsupportedManifest, "dynamic", nil},
		{"pyproject.toml", "[tool.poetry.dependencies]\ngood = 3\nbad = \"^x\"", GapMalformedManifest, "Poetry dependency bad", nil},
		{"requirements.txt", "good\nbad >=\n\x00\xff", GapMalformedManifest, "line 2:", []string{"good@1.0"}},
		{"requirements.txt", "good ; python_version >", GapMalformedManifest, "truncated marker", nil},
		{"setup.cfg", "[options]\ninstall_requires =\n  good\n  ???", GapMalformedManifest, `"???"`, []string{"good@1.0"}},
		{"Cargo.toml", "[dependencies]\nserde = \"1\"", GapUnsupportedManifest, "not supported", nil},
		{"setup.py", "setup(install_requires=['good'])", GapUnsupportedManifest, "not supported", nil},
	} {
		res := mustResolve(t, []Manifest{{Path: tc.path, Data: []byte(tc.data)}},
			Options{HTTPClient: reg.srv.Client(), PyPIURL: reg.srv.URL, NPMRegistry: reg.srv.URL})
		if !hasGap(res, tc.kind, tc.path, tc.detail) {
			t.Errorf("%s %q: gaps = %+v, want %s containing %q", tc.path, tc.data, res.Gaps, tc.kind, tc.detail)
		}
		if got := names(res, PyPI); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s %q: packages = %q, want %q", tc.path, tc.data, got, tc.want)
		}
	}
}

func TestRequestBudget(t *testing.T) {
	reg := newRegistry(t, mcpNPMDocs())
	res := mustResolve(t, []Manifest{{Path: "package.json", Data: []byte(mcpPackageJSON)}},
		Options{HTTPClient: reg.srv.Client(), NPMRegistry: reg.srv.URL, MaxRequests: 3})
	if n := reg.requests(); n > 3 {
		t.Errorf("%d registry requests, budget 3", n)
	}
	if !hasGap(res, GapLimitExceeded, "package.json", "request budget (3)") {
		t.Errorf("gaps = %+v, want a limit-exceeded gap", res.Gaps)
	}
	if find(res, NPM, "dotenv", "16.4.5") == nil {
		t.Errorf("exact pins must survive an exhausted budget: %q", names(res, NPM))
	}

	pypi := newRegistry(t, pypiDocs(mcpPyPI()))
	res = mustResolve(t, []Manifest{{Path: "requirements.txt", Data: []byte("mcp>=1.2\nhttpx==0.28.1\n")}},
		Options{HTTPClient: pypi.srv.Client(), PyPIURL: pypi.srv.URL, MaxRequests: 2})
	if n := pypi.requests(); n > 2 {
		t.Errorf("%d PyPI requests, budget 2", n)
	}
	if !hasGap(res, GapLimitExceeded, "requirements.txt", "request budget (2)") || find(res, PyPI, "httpx", "0.28.1") == nil {
		t.Errorf("gaps = %+v, packages = %q", res.Gaps, names(res, PyPI))
	}
}

func TestPackageBound(t *testing.T) {
	reg := newRegistry(t, mcpNPMDocs())
	res := mustResolve(t, []Manifest{{Path: "package.json", Data: []byte(mcpPackageJSON)}},
		Options{HTTPClient: reg.srv.Client(), NPMRegistry: reg.srv.URL, MaxPackages: 4})
	if len(res.Packages) > 4 || !hasGap(res, GapLimitExceeded, "package.json", "exceeds 4 packages") {
		t.Errorf("packages = %q, gaps = %+v", names(res, NPM), res.Gaps)
	}
	if got := extractPackageLock(t, res.Lockfiles["package-lock.json"]); !reflect.DeepEqual(got, names(res, NPM)) {
		t.Errorf("lockfile %q != packages %q", got, names(res, NPM))
	}

	pypi := newRegistry(t, pypiDocs(mcpPyPI()))
	res = mustResolve(t, []Manifest{{Path: "requirements.txt", Data: []byte("mcp[cli]>=1.2\n")}},
		Options{HTTPClient: pypi.srv.Client(), PyPIURL: pypi.srv.URL, MaxPackages: 5})
	if len(res.Packages) > 5 || !hasGap(res, GapLimitExceeded, "requirements.txt", "exceeds 5 packages") {
		t.Errorf("packages = %q, gaps = %+v", names(res, PyPI), res.Gaps)
	}
}

func TestRegistryFailures(t *testing.T) {
	docs := mcpNPMDocs()
	docs["/zod"] = `{"versions": {` // truncated
	docs["/huge"] = `{"x":"` + strings.Repeat("a", maxBody) + `"}`
	reg := newRegistry(t, docs)
	reg.override["/dotenv"] = http.StatusServiceUnavailable
	res := mustResolve(t, []Manifest{{Path: "package.json", Data: []byte(`{"dependencies": {"zod": "^3", "dotenv": "^16", "huge": "*", "nope": "^1", "ms": "^9"}}`)}},
		Options{HTTPClient: reg.srv.Client(), NPMRegistry: reg.srv.URL})
	for _, g := range []string{"zod@^3: GET", "malformed registry response", "dotenv@^16: GET", "503", "huge@*: GET", "larger than", "nope@^1: not found", "ms@^9: no matching version"} {
		if !hasGap(res, GapResolutionFailed, "package.json", g) {
			t.Errorf("missing resolution-failed gap %q in %+v", g, res.Gaps)
		}
	}
	if n := reg.hit("/dotenv"); n != 2 {
		t.Errorf("503 fetched %d times, want one retry", n)
	}
	if len(res.Packages) != 0 || len(res.Lockfiles) != 0 {
		t.Errorf("packages = %+v, lockfiles = %v", res.Packages, res.Lockfiles)
	}
}

func TestInternalErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Resolve(ctx, []Manifest{{Path: "package.json", Data: []byte(`{}`)}}, Options{Dir: t.TempDir()}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}

	// Cancellation while requests are in flight is an error too, not a Gap.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	}))
	defer srv.Close()
	if _, err := Resolve(ctx, []Manifest{{Path: "package.json", Data: []byte(`{"dependencies": {"a": "^1"}}`)}},
		Options{HTTPClient: srv.Client(), NPMRegistry: srv.URL, Dir: t.TempDir()}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled mid-flight: err = %v", err)
	}

	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	pinned := []Manifest{{Path: "package.json", Data: []byte(`{"dependencies": {"a": "1.0.0"}}`)}}
	if _, err := Resolve(context.Background(), pinned, Options{Offline: true, Dir: file}); err == nil {
		t.Error("unwritable Dir: no error")
	}
	if _, err := Resolve(context.Background(), pinned, Options{Offline: true}); err == nil {
		t.Error("empty Dir with packages to write: no error")
	}
	res, err := Resolve(context.Background(), []Manifest{{Path: "package.json", Data: []byte(`{}`)}}, Options{Offline: true})
	if err != nil || len(res.Lockfiles) != 0 {
		t.Errorf("nothing to write needs no Dir: %v, %v", res, err)
	}
}

func TestDeterministic(t *testing.T) {
	npmReg := newRegistry(t, mcpNPMDocs())
	pyReg := newRegistry(t, pypiDocs(mcpPyPI()))
	ms := []Manifest{
		{Path: "requirements.txt", Data: []byte(mcpRequirements)},
		{Path: "requirements-base.txt", Data: []byte("anyio>=4.5\n")},
		{Path: "package.json", Data: []byte(mcpPackageJSON)},
	}
	var prev *Result
	var prevFiles [][]byte
	for range 3 {
		dir := t.TempDir()
		res := mustResolve(t, ms, Options{HTTPClient: http.DefaultClient, NPMRegistry: npmReg.srv.URL, PyPIURL: pyReg.srv.URL, Dir: dir})
		var files [][]byte
		for _, k := range []string{"package-lock.json", "requirements.txt"} {
			b, err := os.ReadFile(res.Lockfiles[k])
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, b)
			res.Lockfiles[k] = filepath.Base(res.Lockfiles[k])
		}
		if prev != nil && (!reflect.DeepEqual(res, prev) || !bytes.Equal(files[0], prevFiles[0]) || !bytes.Equal(files[1], prevFiles[1])) {
			t.Fatalf("results differ between runs:\n%+v\n%+v", res, prev)
		}
		prev, prevFiles = res, files
	}
	if got, want := len(prev.Packages), len(wantMCPNPM)+len(wantMCPPyPI); got != want {
		t.Errorf("%d packages, want %d", got, want)
	}
}
