package resolve

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// registry is a fake npm registry or PyPI JSON API serving fixed documents
// by URL path and counting every request.
type registry struct {
	t    *testing.T
	srv  *httptest.Server
	docs map[string]string // escaped path → JSON body

	mu       sync.Mutex
	hits     map[string]int
	accept   []string
	override map[string]int // path → status code to return instead
}

func newRegistry(t *testing.T, docs map[string]string) *registry {
	t.Helper()
	reg := &registry{t: t, docs: docs, hits: map[string]int{}, override: map[string]int{}}
	reg.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.EscapedPath()
		reg.mu.Lock()
		reg.hits[p]++
		reg.accept = append(reg.accept, r.Header.Get("Accept"))
		code := reg.override[p]
		reg.mu.Unlock()
		if code != 0 {
			w.WriteHeader(code)
			return
		}
		body, ok := docs[p]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(reg.srv.Close)
	return reg
}

func (reg *registry) requests() int {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	n := 0
	for _, c := range reg.hits {
		n += c
	}
	return n
}

func (reg *registry) hit(p string) int {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	return reg.hits[p]
}

// assertEachOnce fails if any document was fetched more than once.
func (reg *registry) assertEachOnce() {
	reg.t.Helper()
	reg.mu.Lock()
	defer reg.mu.Unlock()
	for p, n := range reg.hits {
		if n > 1 {
			reg.t.Errorf("%s fetched %d times, want at most once (cache)", p, n)
		}
	}
}

// npmV describes one version in a fake packument.
type npmV struct {
	v                    string
	deps, opt, peer      map[string]string
	optionalPeers        []string
	deprecated           string
	os                   []string
	rawDependenciesValue string // overrides "dependencies" with raw JSON
}

func packumentJSON(name string, tags map[string]string, versions ...npmV) string {
	vs := map[string]any{}
	for _, v := range versions {
		m := map[string]any{
			"name":    name,
			"version": v.v,
			"dist": map[string]string{
				"tarball":   "https://registry.example/" + name + "/-/" + name[strings.LastIndex(name, "/")+1:] + "-" + v.v + ".tgz",
				"integrity": "sha512-AAAA",
			},
		}
		if v.deps != nil {
			m["dependencies"] = v.deps
		}
		if v.rawDependenciesValue != "" {
			m["dependencies"] = json.RawMessage(v.rawDependenciesValue)
		}
		if v.opt != nil {
			m["optionalDependencies"] = v.opt
		}
		if v.peer != nil {
			m["peerDependencies"] = v.peer
		}
		if len(v.optionalPeers) > 0 {
			meta := map[string]any{}
			for _, p := range v.optionalPeers {
				meta[p] = map[string]bool{"optional": true}
			}
			m["peerDependenciesMeta"] = meta
		}
		if v.deprecated != "" {
			m["deprecated"] = v.deprecated
		}
		if v.os != nil {
			m["os"] = v.os
		}
		vs[v.v] = m
	}
	b, err := json.Marshal(map[string]any{"name": name, "dist-tags": tags, "versions": vs})
	if err != nil {
		panic(err)
	}
	return string(b)
}

func npmPath(name string) string { return "/" + strings.Replace(name, "/", "%2f", 1) }

func latest(v string) map[string]string { return map[string]string{"latest": v} }

func deps(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// mcpNPMDocs is a small but realistic dependency tree of a TypeScript MCP
// server: a diamond (debug, raw-body, qs via express and body-parser), two
// versions of ms, a prerelease and a deprecated dist-tag that must not be
// chosen, a dist-tag latest behind the highest version, an optional
// platform-specific package, optional peers and a git dependency.
func mcpNPMDocs() map[string]string {
	d := map[string]string{}
	add := func(name string, tags map[string]string, vs ...npmV) {
		d[npmPath(name)] = packumentJSON(name, tags, vs...)
	}
	add("@modelcontextprotocol/sdk", latest("1.12.1"),
		npmV{v: "1.11.0", deps: deps("zod", "^3.23.8")},
		npmV{v: "1.12.0", deps: deps("zod", "^3.23.8")},
		npmV{v: "1.12.1",
			deps: deps("zod", "^3.23.8", "express", "^5.0.1", "cors", "^2.8.5", "eventsource", "^3.0.2",
				"raw-body", "^3.0.0", "zod-to-json-schema", "^3.24.1"),
			peer:          deps("@cfworker/json-schema", "^4.1.1"),
			optionalPeers: []string{"@cfworker/json-schema"}},
		npmV{v: "1.13.0", deps: deps("zod", "^3.23.8")}, // newer than latest: npm still picks latest
		npmV{v: "2.0.0-alpha.1"},
	)
	add("zod", latest("3.25.0"), npmV{v: "3.23.8"}, npmV{v: "3.24.1"}, npmV{v: "3.25.0"}, npmV{v: "3.26.0-beta.1"}, npmV{v: "4.0.0"})
	add("zod-to-json-schema", latest("3.24.5"), npmV{v: "3.24.5", peer: deps("zod", "^3.24.1")})
	add("express", latest("5.1.0"),
		npmV{v: "4.21.2", deps: deps("debug", "2.6.9")},
		npmV{v: "5.0.0"},
		npmV{v: "5.1.0", deps: deps("body-parser", "^2.2.0", "debug", "^4.4.0", "qs", "^6.14.0", "depd", "2.0.0")})
	add("body-parser", latest("2.2.0"), npmV{v: "2.2.0", deps: deps("debug", "^4.4.0", "raw-body", "^3.0.0", "qs", "^6.14.0", "depd", "^2.0.0")})
	add("debug", latest("4.4.1"), npmV{v: "2.6.9", deps: deps("ms", "2.0.0")}, npmV{v: "4.4.0", deps: deps("ms", "^2.1.3")}, npmV{v: "4.4.1", deps: deps("ms", "^2.1.3")})
	add("ms", latest("2.1.3"), npmV{v: "2.0.0"}, npmV{v: "2.1.3"})
	add("qs", latest("6.14.0"), npmV{v: "6.13.0"}, npmV{v: "6.14.0"})
	add("depd", latest("2.0.0"), npmV{v: "1.1.2"}, npmV{v: "2.0.0"})
	add("cors", latest("2.8.5"), npmV{v: "2.8.5", deps: deps("object-assign", "^4", "vary", "^1", "ms", "2.0.0")})
	add("object-assign", latest("4.1.1"), npmV{v: "4.1.1"})
	add("vary", latest("1.1.2"), npmV{v: "1.1.2", deps: deps("left-pad", "github:stevemao/left-pad")})
	add("eventsource", latest("3.0.7"), npmV{v: "3.0.7", deps: deps("eventsource-parser", "^3.0.1")})
	add("eventsource-parser", latest("3.0.2"), npmV{v: "3.0.1"}, npmV{v: "3.0.2", deprecated: "broken release, use 3.0.1"})
	add("raw-body", latest("3.0.0"), npmV{v: "3.0.0", deps: deps("bytes", "3.1.2")})
	add("bytes", latest("3.1.2"), npmV{v: "3.1.2"})
	add("node-fetch", latest("3.3.2"),
		npmV{v: "2.6.9", deps: deps("whatwg-url", "^5.0.0")},
		npmV{v: "2.7.0", deps: deps("whatwg-url", "^5.0.0"), peer: deps("encoding", "^0.1.0"), optionalPeers: []string{"encoding"}},
		npmV{v: "3.3.2"})
	add("whatwg-url", latest("5.0.0"), npmV{v: "5.0.0", rawDependenciesValue: `[]`}) // malformed shape seen on old packages
	add("dotenv", latest("16.5.0"), npmV{v: "16.4.5"}, npmV{v: "16.5.0"})
	add("beta-lib", latest("2.1.0-beta.1"), npmV{v: "2.0.3"}, npmV{v: "2.1.0-beta.1"})
	add("picocolors", map[string]string{"latest": "1.1.1", "next": "1.2.0-rc.0"}, npmV{v: "1.0.0"}, npmV{v: "1.1.1"}, npmV{v: "1.2.0-rc.0"})
	add("fsevents", latest("2.3.3"), npmV{v: "2.3.3", os: []string{"darwin"}})
	return d
}

const mcpPackageJSON = `{
  "name": "weather-mcp",
  "version": "1.0.0",
  "dependencies": {
    "@modelcontextprotocol/sdk": "^1.12.0",
    "zod": "^3.23.8",
    "my-fetch": "npm:node-fetch@^2.6.0",
    "dotenv": "16.4.5",
    "beta-lib": "^2.0.0",
    "picocolors": "latest",
    "private-lib": "git+https://github.com/acme/private-lib.git"
  },
  "optionalDependencies": {"fsevents": "^2.3.0"},
  "devDependencies": {"typescript": "^5.0.0"}
}`

// wantMCPNPM is what npm would install for mcpPackageJSON against mcpNPMDocs.
var wantMCPNPM = []string{
	"@modelcontextprotocol/sdk@1.12.1", "beta-lib@2.0.3", "body-parser@2.2.0", "bytes@3.1.2",
	"cors@2.8.5", "debug@4.4.1", "depd@2.0.0", "dotenv@16.4.5", "eventsource-parser@3.0.1",
	"eventsource@3.0.7", "express@5.1.0", "ms@2.0.0", "ms@2.1.3", "node-fetch@2.7.0",
	"object-assign@4.1.1", "picocolors@1.1.1", "qs@6.14.0", "raw-body@3.0.0", "vary@1.1.2",
	"whatwg-url@5.0.0", "zod-to-json-schema@3.24.5", "zod@3.25.0",
}

// pyRel describes one release in the fake PyPI.
type pyRel struct {
	v            string
	requires     []string // nil: requires_dist null
	yanked       bool
	sdistOnly    bool
	requiresPy   string
	noFiles      bool
	skipVersionJ bool // omit the per-version document
}

func pypiDocs(projects map[string][]pyRel) map[string]string {
	d := map[string]string{}
	for name, rels := range projects {
		releases := map[string]any{}
		for _, r := range rels {
			typ := "bdist_wheel"
			if r.sdistOnly {
				typ = "sdist"
			}
			files := []map[string]any{{"packagetype": typ, "yanked": r.yanked, "requires_python": r.requiresPy}}
			if r.noFiles {
				files = []map[string]any{}
			}
			releases[r.v] = files
			if !r.skipVersionJ {
				b, _ := json.Marshal(map[string]any{
					"info": map[string]any{"name": name, "version": r.v, "requires_dist": r.requires},
					"urls": files,
				})
				d["/pypi/"+name+"/"+r.v+"/json"] = string(b)
			}
		}
		b, _ := json.Marshal(map[string]any{"info": map[string]any{"name": name}, "releases": releases})
		d["/pypi/"+name+"/json"] = string(b)
	}
	return d
}

// mcpPyPI is a small realistic dependency tree of a Python MCP server,
// with marker-excluded and extra-gated dependencies, a yanked release, a
// pre-release inside an upper bound, a Requires-Python-incompatible
// release and an sdist-only release without metadata.
func mcpPyPI() map[string][]pyRel {
	return map[string][]pyRel{
		"mcp": {
			{v: "1.1.0", requires: []string{"anyio>=4"}},
			{v: "1.2.0", requires: []string{"anyio>=4"}},
			{v: "1.9.4", requires: []string{
				"anyio>=4.5", "httpx>=0.27", "httpx-sse>=0.4", "pydantic<3.0.0,>=2.7.2", "starlette>=0.27",
				`pywin32>=310; sys_platform == "win32"`,
				`typer>=0.12.4; extra == "cli"`, `python-dotenv>=1.0.0; extra == "cli"`,
				`rich>=13.9.4; extra == "rich"`, `websockets>=15.0.1; extra == "ws"`,
			}},
			{v: "1.10.0", yanked: true, requires: []string{"evil"}},
			{v: "2.0.0rc1", requires: []string{"evil"}},
		},
		"pydantic": {
			{v: "1.10.0"},
			{v: "2.10.6", requires: []string{"annotated-types>=0.6.0"}},
			{v: "2.11.7", requires: []string{
				"annotated-types>=0.6.0", "pydantic-core==2.33.2", "typing_extensions>=4.12.2",
				"typing-inspection>=0.4.0", `email-validator>=2.0.0; extra == "email"`,
			}},
			{v: "3.0.0b1", requires: []string{"evil"}},
		},
		"pydantic-core": {{v: "2.33.2", requires: []string{"typing-extensions!=4.7.0,>=4.6.0"}}},
		"anyio": {
			{v: "4.4.0", requires: []string{"idna>=2.8"}},
			{v: "4.9.0", requires: []string{
				"idna>=2.8", "sniffio>=1.1", `typing_extensions>=4.5; python_version < "3.13"`,
				`exceptiongroup>=1.0.2; python_version < "3.11"`,
			}},
		},
		"httpx": {
			{v: "0.27.0", requires: []string{"anyio"}},
			{v: "0.28.1", requires: []string{
				"anyio", "certifi", "httpcore==1.*", "idna",
				`brotli; platform_python_implementation == "CPython" and extra == "brotli"`,
				`socksio==1.*; extra == "socks"`,
			}},
		},
		"httpcore":          {{v: "1.0.9", requires: []string{"certifi", "h11>=0.16"}}, {v: "2.0.0", requires: []string{"evil"}}},
		"httpx-sse":         {{v: "0.4.0"}},
		"starlette":         {{v: "0.47.1", requires: []string{"anyio<5,>=3.6.2", `typing-extensions>=4.10.0; python_version < "3.13"`}}},
		"typer":             {{v: "0.16.0", requires: []string{"click>=8.0.0", "typing-extensions>=3.7.4.3"}}},
		"click":             {{v: "8.2.1", requires: []string{`colorama; platform_system == "Windows"`}}},
		"python-dotenv":     {{v: "1.1.1"}},
		"annotated-types":   {{v: "0.7.0"}},
		"typing-extensions": {{v: "4.14.0", requiresPy: ">=3.9"}, {v: "4.15.0", requiresPy: ">=3.13"}},
		"typing-inspection": {{v: "0.4.1", requires: []string{"typing-extensions>=4.12.0"}}},
		"idna":              {{v: "3.10"}},
		"sniffio":           {{v: "1.3.1", sdistOnly: true}},
		"certifi":           {{v: "2025.6.15"}},
		"h11":               {{v: "0.16.0"}},
		"evil":              {{v: "1.0.0"}},
	}
}

// wantMCPPyPI is what pip would install on CPython 3.12/Linux for
// "mcp[cli]>=1.2", "httpx==0.28.1" and "anyio>=4.5".
var wantMCPPyPI = []string{
	"annotated-types@0.7.0", "anyio@4.9.0", "certifi@2025.6.15", "click@8.2.1", "h11@0.16.0",
	"httpcore@1.0.9", "httpx-sse@0.4.0", "httpx@0.28.1", "idna@3.10", "mcp@1.9.4", "pydantic-core@2.33.2",
	"pydantic@2.11.7", "python-dotenv@1.1.1", "sniffio@1.3.1", "starlette@0.47.1",
	"typer@0.16.0", "typing-extensions@4.14.0", "typing-inspection@0.4.1",
}

// names renders packages of one ecosystem as sorted name@version strings.
func names(res *Result, eco Ecosystem) []string {
	var out []string
	for _, p := range res.Packages {
		if p.Ecosystem == eco {
			out = append(out, p.Name+"@"+p.Version)
		}
	}
	slices.Sort(out)
	return out
}

func find(res *Result, eco Ecosystem, name, version string) *Package {
	for i, p := range res.Packages {
		if p.Ecosystem == eco && p.Name == name && p.Version == version {
			return &res.Packages[i]
		}
	}
	return nil
}

func hasGap(res *Result, kind, path, detailSubstr string) bool {
	return slices.ContainsFunc(res.Gaps, func(g Gap) bool {
		return g.Kind == kind && (path == "" || g.Path == path) && strings.Contains(g.Detail, detailSubstr)
	})
}

func mustResolve(t *testing.T, ms []Manifest, opts Options) *Result {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	res, err := Resolve(context.Background(), ms, opts)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	return res
}

// offlineOnly fails the test on any network access.
func offlineOnly(t *testing.T) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request in offline mode: %s", r.URL)
		return nil, http.ErrHandlerTimeout
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
