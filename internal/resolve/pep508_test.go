package resolve

import (
	"slices"
	"strconv"
	"testing"

	"deps.dev/util/semver"
)

func matchRaw(t *testing.T, s pySpec, raw string) bool {
	t.Helper()
	v, err := semver.PyPI.Parse(raw)
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	return s.match(raw, v, s.pre)
}

func TestParseRequirement(t *testing.T) {
	for _, tc := range []struct {
		in      string
		name    string
		extras  []string
		exact   string
		url     string
		match   []string
		nomatch []string
		wantErr bool
	}{
		{in: "requests", name: "requests", match: []string{"2.0"}, nomatch: []string{"3.0a1", "2.0.dev1"}},
		{in: "Foo.Bar_baz==1.0", name: "foo-bar-baz", exact: "1.0", match: []string{"1.0", "1.0.0"}, nomatch: []string{"1.0.1"}},
		{in: "pkg[Socks, http2]>=1,<2", name: "pkg", extras: []string{"http2", "socks"}, match: []string{"1.5"}, nomatch: []string{"2.0", "2.0b1", "0.9"}},
		{in: "pkg (>=1.0)", name: "pkg", match: []string{"1.0"}, nomatch: []string{"0.9"}},
		{in: "pkg~=1.4.2", name: "pkg", match: []string{"1.4.9"}, nomatch: []string{"1.5"}},
		{in: "pkg==1.*,!=1.3", name: "pkg", match: []string{"1.2"}, nomatch: []string{"1.3", "2.0"}},
		{in: "pkg>=2.0b1", name: "pkg", match: []string{"2.0b2", "2.0"}, nomatch: []string{"1.9"}},
		{in: "pkg===1.0-custom", name: "pkg", exact: "1.0-custom"},
		{in: "pkg >= 1.0 ; python_version >= '3.8'", name: "pkg", match: []string{"1.1"}},
		{in: "pkg @ https://example.com/pkg.whl ; os_name == 'nt'", name: "pkg", url: "https://example.com/pkg.whl"},
		{in: "pkg@https://example.com/a;b.whl", name: "pkg", url: "https://example.com/a;b.whl"},
		{in: "", wantErr: true},
		{in: "-e .", wantErr: true},
		{in: "pkg >=", wantErr: true},
		{in: "pkg >= 1.0 <2", wantErr: true},
		{in: "pkg[unterminated", wantErr: true},
		{in: "pkg ; python_version >", wantErr: true},
		{in: "pkg ; unknown_var == 'x'", wantErr: true},
		{in: "pkg>=1.*", wantErr: true},
		{in: "pkg===1,>=1", wantErr: true},
		{in: "pkg @ ", wantErr: true},
	} {
		q, err := parseRequirement(tc.in)
		if tc.wantErr {
			if err == nil {
				t.Errorf("parseRequirement(%q) = %+v, want error", tc.in, q)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseRequirement(%q): %v", tc.in, err)
			continue
		}
		if q.name != tc.name || !slices.Equal(q.extras, tc.extras) || q.spec.exact != tc.exact || q.url != tc.url {
			t.Errorf("parseRequirement(%q) = name %q extras %q exact %q url %q", tc.in, q.name, q.extras, q.spec.exact, q.url)
		}
		for _, v := range tc.match {
			if !matchRaw(t, q.spec, v) {
				t.Errorf("%q does not match %s", tc.in, v)
			}
		}
		for _, v := range tc.nomatch {
			if matchRaw(t, q.spec, v) {
				t.Errorf("%q matches %s", tc.in, v)
			}
		}
	}
}

func TestMarkers(t *testing.T) {
	for _, tc := range []struct {
		marker string
		extras []string
		want   bool
	}{
		{`python_version >= "3.8"`, nil, true},
		{`python_version < "3.10"`, nil, false}, // 3.12 vs 3.10: versions, not strings
		{`python_full_version == "3.12.*"`, nil, true},
		{`sys_platform == "win32"`, nil, false},
		{`sys_platform != "win32" and platform_machine == "x86_64"`, nil, true},
		{`os_name == "nt" or (platform_system == "Linux" and implementation_name == "cpython")`, nil, true},
		{`"linux" in sys_platform`, nil, true},
		{`sys_platform not in "win32 cygwin"`, nil, true},
		{`platform.python_implementation == 'CPython'`, nil, true},
		{`extra == "socks"`, nil, false},
		{`extra == "socks"`, []string{"socks"}, true},
		{`extra == "Socks_Proxy"`, []string{"socks-proxy"}, true},
		{`python_version < "3.11" and extra == "cli"`, []string{"cli"}, false},
		{`platform_release >= "5"`, nil, false}, // unknown release compares as an empty string
	} {
		q, err := parseRequirement("pkg; " + tc.marker)
		if err != nil {
			t.Errorf("%s: %v", tc.marker, err)
			continue
		}
		if got := q.applies(tc.extras); got != tc.want {
			t.Errorf("%s with extras %q = %v, want %v", tc.marker, tc.extras, got, tc.want)
		}
	}
}

func TestMarkerDepthBound(t *testing.T) {
	deep := ""
	for range 40 {
		deep += "("
	}
	if _, err := parseMarker(deep + `os_name == "posix"`); err == nil {
		t.Error("deeply nested marker accepted")
	}
}

func TestRequirementLines(t *testing.T) {
	lines, numbers := requirementLines("a # c\n\n# only comment\\\nb \\\n  >=1 \\\n  ,<2\r\nhttp://x#frag\n  \nc\\")
	if want := []string{"a", "b   >=1   ,<2", "http://x#frag", "c"}; !slices.Equal(lines, want) {
		t.Errorf("lines = %q, want %q", lines, want)
	}
	if want := []int{1, 4, 7, 9}; !slices.Equal(numbers, want) {
		t.Errorf("numbers = %v, want %v", numbers, want)
	}
}

// FuzzParseRequirement feeds arbitrary lines to the PEP 508 parser, the
// marker evaluator, the Poetry translator and the whole requirements-file
// reader: none may panic on hostile manifests or registry metadata.
func FuzzParseRequirement(f *testing.F) {
	for _, s := range []string{
		"requests", "mcp[cli]>=1.2", "httpx==0.28.1 --hash=sha256:abc", `pywin32>=306 ; sys_platform == "win32"`,
		"pkg (>=1.0, <2)", "pkg===foo", "pkg @ https://e/x.whl ; extra == 'a'", "-r other.txt", "-e .", "--pre",
		`a; (python_version < "3" or (os_name == 'nt' and extra != "x")) and "a" not in sys_platform`,
		"pkg==1.*,!=1.3.*", "pkg~=0.0", "^1.2 || ~0.3", "git+https://x/y.git#egg=z", "${VAR}", "a[", "a;(", "a;'", "\\",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if q, err := parseRequirement(s); err == nil {
			q.applies([]string{"x", "cli"})
			if v, err := semver.PyPI.Parse("1.0"); err == nil {
				q.spec.match("1.0", v, false)
				q.spec.match("1.0", v, true)
			}
		}
		_, _ = poetrySpec(s)
		r := &resolver{files: map[string][]byte{"requirements.txt": []byte(s), "other.txt": []byte(s)}}
		r.parsePython(Manifest{Path: "requirements.txt", Data: []byte(s)})
		r.parsePython(Manifest{Path: "setup.cfg", Data: []byte("[options]\ninstall_requires = " + s)})
		r.parsePython(Manifest{Path: "pyproject.toml", Data: []byte("[tool.poetry.dependencies]\nx = " + strconv.Quote(s))})
	})
}
