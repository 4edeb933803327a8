// Package python extracts the tool surface of an MCP server from its Python
// source (an sdist, a wheel, a repository) without running it.
//
// It recognises the official SDK's FastMCP (and its v2 name MCPServer), jlowin
// fastmcp, and the low-level Server with list_tools/call_tool handlers. Texts
// are folded statically: literals, concatenation, f-strings, module constants
// of the workspace (across imports), files of the workspace read with
// Path(__file__)…read_text() or open(); whatever cannot be folded is kept as a
// partial or unresolved Text with its reason, never dropped. In a partial
// text each hole is the source of the expression in braces, as an f-string
// writes it ("Search {REGION} documents").
//
// Declarations in pytest files (tests/, test_*.py, conftest.py) are test
// doubles and are not extracted; those files are still read for imports.
package python

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// Bounds that keep hostile or huge input from exhausting time or memory.
const (
	maxFileSize  = 4 << 20 // a larger .py file is a gap, not parsed
	maxModules   = 2000    // modules loaded per Extract, imported ones included
	maxReads     = 2000    // ReadFile attempts spent looking for imported modules
	maxDepth     = 64      // recursion of evaluation and schema building
	maxText      = 1 << 20 // longest folded text; longer is cut and partial
	maxUnroll    = 1000    // tools produced by unrolling one registration loop
	maxItems     = 10000   // elements of one evaluated list or dict
	maxCallDepth = 3       // helper functions followed for outputs and params
	maxNest      = 256     // module constants defined through other constants
)

// Extract returns the surface declared by the .py files of src.Files. It
// follows imports within the workspace (from .x import Y, from pkg.mod import
// Y, import pkg.mod as m) through src.Files and src.ReadFile. The error is
// non-nil only when ctx ends or the extractor itself fails; an unparsable
// file is a gap of the surface.
//
// Each file is parsed once, ahead and in parallel (prepass), and its tree
// is closed at once: what the extraction may read of it is copied first.
// The extraction then runs on the copies, module by module in path order.
func Extract(ctx context.Context, src surface.Source) (s *surface.Surface, err error) {
	x := newExtractor(ctx, src)
	defer func() {
		// A bug must not take the scan down with it; the driver reports the
		// error as an incomplete engine run.
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("python surface: internal error: %v", r)
		}
	}()
	x.pre = &prepass{ctx: ctx, done: map[string]*prep{}}
	if err := x.pre.run(x); err != nil {
		return nil, err
	}
	x.serverClasses()
	if x.err != nil {
		return nil, x.err
	}
	for _, p := range x.paths {
		if isTestFile(p) {
			continue
		}
		m := x.module(p)
		if x.err != nil {
			return nil, x.err
		}
		if m != nil {
			x.extractModule(m)
		}
		if x.err != nil {
			return nil, x.err
		}
	}
	x.linkLowLevel()
	if x.err != nil {
		return nil, x.err
	}
	if x.out.Tools == nil {
		x.out.Tools = []*surface.Tool{}
	}
	return x.out, nil
}

// IsTestFile reports files that pytest collects (test_*.py, *_test.py,
// conftest.py, anything under test/ or tests/).
func IsTestFile(p string) bool { return isTestFile(p) }

// isTestFile reports files that pytest collects: servers built there are
// test doubles, not the surface a client sees, so they declare nothing.
func isTestFile(p string) bool {
	base := path.Base(p)
	if base == "conftest.py" || strings.HasPrefix(base, "test_") || strings.HasSuffix(base, "_test.py") {
		return true
	}
	for _, d := range strings.Split(path.Dir(p), "/") {
		if d == "tests" || d == "test" {
			return true
		}
	}
	return false
}

type extractor struct {
	ctx context.Context
	// senders caches sends: whether a function makes a network call.
	senders map[*pnode]bool
	src     surface.Source
	out     *surface.Surface
	files   map[string][]byte // .py files of src.Files by path
	paths   []string          // their paths, sorted

	pre     *prepass           // the files parsed ahead, shared with a sandbox
	mods    map[string]*module // loaded modules by path; nil when unreadable
	reads   int
	located map[string]modRef // locate results by exactness and path
	index   *pathIndex

	memo      map[memoKey]*value
	busy      map[memoKey]bool
	nest      int  // module constants being evaluated, one inside the other
	truncated bool // a bound cut an evaluation short: do not memoise it
	localMemo map[localKey]*value
	localBusy map[localKey]bool
	calling   map[nodeKey]bool // functions being folded by callFunc
	scopes    map[nodeKey]*scope
	ticks     int

	// slow are the files that are no candidates (see prepass) but may
	// construct a workspace subclass of a server class: they are walked too.
	slow map[string]bool

	seen     map[string]bool // indicators and gaps already reported
	low      map[string]*lowServer
	lowOrder []string
	err      error
}

func newExtractor(ctx context.Context, src surface.Source) *extractor {
	x := &extractor{
		ctx:       ctx,
		src:       src,
		out:       &surface.Surface{},
		files:     map[string][]byte{},
		mods:      map[string]*module{},
		located:   map[string]modRef{},
		memo:      map[memoKey]*value{},
		busy:      map[memoKey]bool{},
		scopes:    map[nodeKey]*scope{},
		localMemo: map[localKey]*value{},
		localBusy: map[localKey]bool{},
		calling:   map[nodeKey]bool{},
		seen:      map[string]bool{},
		low:       map[string]*lowServer{},
		slow:      map[string]bool{},
	}
	for _, f := range src.Files {
		p := path.Clean(strings.TrimPrefix(f.Path, "./"))
		if !strings.HasSuffix(p, ".py") {
			continue
		}
		if _, dup := x.files[p]; !dup {
			x.paths = append(x.paths, p)
		}
		x.files[p] = f.Content
	}
	sort.Strings(x.paths)
	return x
}

// alive reports whether work may go on, recording a cancelled context. It
// is called in every loop that input can make long.
func (x *extractor) alive() bool {
	if x.err != nil {
		return false
	}
	x.ticks++
	if x.ticks%256 == 0 {
		if err := x.ctx.Err(); err != nil {
			x.err = err
			return false
		}
	}
	return true
}

func (x *extractor) gap(kind, p, detail string) {
	k := "gap\x00" + kind + "\x00" + p + "\x00" + detail
	if x.seen[k] {
		return
	}
	x.seen[k] = true
	x.out.Gaps = append(x.out.Gaps, analysis.Gap{Kind: kind, Path: p, Detail: detail})
}

func (x *extractor) indicate(kind, detail string, pos analysis.Position) {
	k := fmt.Sprintf("ind\x00%s\x00%s\x00%s:%d:%d", kind, detail, pos.Path, pos.StartLine, pos.StartCol)
	if x.seen[k] {
		return
	}
	x.seen[k] = true
	x.out.Indicators = append(x.out.Indicators, surface.Indicator{Kind: kind, Detail: detail, Pos: pos})
}

// module is one parsed Python file. Modules are shared by the extractor
// and its sandbox (see serverClasses) and not changed once loaded.
type module struct {
	path string
	src  []byte
	root *pnode
	sc   *scope // module-level bindings; see modScope
	file *pyfile
	// cand: the file may declare something (see scanSource), so
	// extractModule walks it.
	cand bool
	// sites are the nodes of a candidate the walk acts on (see findSites),
	// in walk order, unless walkAll: a file with syntax errors is walked
	// whole.
	sites   []*pnode
	walkAll bool
	// classes are the class definitions with bases.
	classes []*pnode
}

// modScope returns the module-level bindings of m, indexing them now if
// the prepass did not.
func (x *extractor) modScope(m *module) *scope {
	if m.sc == nil {
		m.sc = x.indexScope(m, m.root, nil)
	}
	return m.sc
}

// module returns the parsed file at p, reading it through src.ReadFile if it
// is not among src.Files; nil if it cannot be read or parsed.
func (x *extractor) module(p string) *module {
	if m, ok := x.mods[p]; ok {
		return m
	}
	if err := x.ctx.Err(); err != nil {
		x.err = err
	}
	if len(x.mods) >= maxModules || !x.alive() {
		return nil
	}
	x.mods[p] = nil
	src, ok := x.files[p]
	if !ok {
		if x.src.ReadFile == nil || x.reads >= maxReads {
			return nil
		}
		x.reads++
		b, err := x.src.ReadFile(p)
		if err != nil {
			return nil
		}
		src = b
	}
	if len(src) > maxFileSize {
		x.gap("file-too-large", p, fmt.Sprintf("%d bytes; not parsed (limit %d)", len(src), maxFileSize))
		return nil
	}
	pr := x.pre.load(p, src, ok)
	if pr.err != nil {
		if x.ctx.Err() != nil {
			x.err = x.ctx.Err()
		} else {
			x.gap("parse-error", p, pr.err.Error())
		}
		return nil
	}
	x.mods[p] = pr.m
	return pr.m
}

// pos is the position of n in m.
func (m *module) pos(n *pnode) analysis.Position {
	if n == nil {
		return analysis.Position{Path: m.path}
	}
	sl, sc := n.Start()
	el, ec := n.End()
	return analysis.Position{Path: m.path, StartLine: sl, StartCol: sc, EndLine: el, EndCol: ec}
}

// nodeKey identifies a node across wrappers.
type nodeKey struct {
	path       string
	start, end int
	typ        string
}

func keyOf(m *module, n *pnode) nodeKey {
	return nodeKey{m.path, n.StartByte(), n.EndByte(), n.Type()}
}

// modRef is where a dotted module name was found in the workspace.
type modRef struct {
	file string // the .py or __init__.py; "" for a namespace package
	dir  string // the package directory, for submodules; "" for a plain module
	ok   bool
}

// notWorkspace are top-level modules of the standard library and of the MCP
// stack: a workspace file that happens to share their name (utils/json.py)
// is not what an absolute import of them loads.
var notWorkspace = map[string]bool{
	"os": true, "sys": true, "json": true, "typing": true, "re": true, "pathlib": true, "datetime": true,
	"random": true, "time": true, "asyncio": true, "logging": true, "enum": true, "dataclasses": true,
	"textwrap": true, "inspect": true, "subprocess": true, "collections": true, "functools": true,
	"itertools": true, "abc": true, "io": true, "uuid": true, "hashlib": true, "base64": true, "math": true,
	"string": true, "types": true, "contextlib": true, "importlib": true, "platform": true, "socket": true,
	"urllib": true, "http": true, "shutil": true, "tempfile": true, "glob": true, "copy": true,
	"traceback": true, "warnings": true, "argparse": true, "sqlite3": true, "secrets": true, "csv": true,
	"typing_extensions": true, "mcp": true, "fastmcp": true, "pydantic": true, "httpx": true,
	"requests": true, "anyio": true, "starlette": true, "uvicorn": true,
}

// findModule locates an absolute dotted module in the workspace: a file of
// src.Files whose path ends with its path (the shortest, so the outermost
// source root wins), else src/… or the root through src.ReadFile.
func (x *extractor) findModule(dotted string) modRef {
	top, _, _ := strings.Cut(dotted, ".")
	if dotted == "" || notWorkspace[top] {
		return modRef{}
	}
	return x.locate(strings.ReplaceAll(dotted, ".", "/"), false)
}

// locate finds rel (a slash path without extension) as a module or package.
// With exact, rel is a workspace path; otherwise it may sit under any root.
func (x *extractor) locate(rel string, exact bool) modRef {
	k := fmt.Sprintf("%t:%s", exact, rel)
	if r, ok := x.located[k]; ok {
		return r
	}
	r := x.search(rel, exact)
	x.located[k] = r
	return r
}

func (x *extractor) search(rel string, exact bool) modRef {
	find := x.indexed
	if rel == "" {
		find = x.scan
	}
	if r, ok := find(rel, exact); ok {
		return r
	}
	roots := []string{""}
	if !exact {
		roots = append(roots, "src/")
	}
	for _, root := range roots {
		for _, cand := range []string{root + rel + ".py", root + rel + "/__init__.py"} {
			if x.src.ReadFile == nil || x.reads >= maxReads {
				return modRef{}
			}
			if _, known := x.mods[cand]; known {
				if x.mods[cand] != nil {
					return fileRef(cand)
				}
				continue
			}
			if x.module(cand) != nil {
				return fileRef(cand)
			}
		}
	}
	return modRef{}
}

// indexed is scan's answer, from an index of the paths (pathIndex).
func (x *extractor) indexed(rel string, exact bool) (modRef, bool) {
	ix := x.pathIndex()
	var best string
	if exact {
		if _, ok := x.files[rel+".py"]; ok {
			best = rel + ".py"
		} else if _, ok := x.files[rel+"/__init__.py"]; ok {
			best = rel + "/__init__.py"
		}
	} else {
		best = ix.suffix[rel+".py"]
		if b := ix.suffix[rel+"/__init__.py"]; b != "" && (best == "" || len(b) < len(best)) {
			best = b
		}
	}
	switch {
	case best != "":
		return fileRef(best), true
	case exact && ix.dirs[rel]:
		return modRef{dir: rel, ok: true}, true
	case !exact:
		if d, ok := ix.namespace[rel]; ok {
			return modRef{dir: d, ok: true}, true
		}
	}
	return modRef{}, false
}

// scan looks rel up among the files of the workspace: the shortest path
// that is rel (exact) or ends with it, as a module or a package, else a
// directory holding files, a namespace package.
func (x *extractor) scan(rel string, exact bool) (modRef, bool) {
	match := func(p, cand string) bool {
		if exact {
			return p == cand
		}
		return p == cand || strings.HasSuffix(p, "/"+cand)
	}
	best := ""
	for _, cand := range []string{rel + ".py", rel + "/__init__.py"} {
		for _, p := range x.paths {
			if match(p, cand) && (best == "" || len(p) < len(best)) {
				best = p
			}
		}
	}
	if best != "" {
		return fileRef(best), true
	}
	// A namespace package: a directory holding .py files but no __init__.
	for _, p := range x.paths {
		if exact && strings.HasPrefix(p, rel+"/") {
			return modRef{dir: rel, ok: true}, true
		}
		if !exact {
			if strings.HasPrefix(p, rel+"/") {
				return modRef{dir: rel, ok: true}, true
			}
			if i := strings.Index(p, "/"+rel+"/"); i >= 0 {
				return modRef{dir: p[:i+1+len(rel)], ok: true}, true
			}
		}
	}
	return modRef{}, false
}

// pathIndex indexes the paths for search, which would otherwise scan all
// of them for every module name.
type pathIndex struct {
	// suffix maps the paths and their suffixes after a slash to the
	// shortest path ending so, the first in order among equals.
	suffix map[string]string
	dirs   map[string]bool // the directories of the paths, at any depth
	// namespace maps rel to the package directory of the first path that
	// starts with rel/ (rel) or holds /rel/ (the prefix up to it).
	namespace map[string]string
}

func (x *extractor) pathIndex() *pathIndex {
	if x.index != nil {
		return x.index
	}
	ix := &pathIndex{suffix: map[string]string{}, dirs: map[string]bool{}, namespace: map[string]string{}}
	for _, p := range x.paths {
		put := func(k string) {
			if b, ok := ix.suffix[k]; !ok || len(p) < len(b) {
				ix.suffix[k] = p
			}
		}
		put(p)
		var slashes []int
		for i := 0; i < len(p); i++ {
			if p[i] == '/' {
				put(p[i+1:])
				slashes = append(slashes, i)
			}
		}
		for _, k := range slashes {
			ix.dirs[p[:k]] = true
			if _, ok := ix.namespace[p[:k]]; !ok {
				ix.namespace[p[:k]] = p[:k]
			}
		}
		for a, i := range slashes {
			for _, j := range slashes[a+1:] {
				if _, ok := ix.namespace[p[i+1:j]]; !ok {
					ix.namespace[p[i+1:j]] = p[:j]
				}
			}
		}
	}
	x.index = ix
	return ix
}

func fileRef(p string) modRef {
	r := modRef{file: p, ok: true}
	if path.Base(p) == "__init__.py" {
		r.dir = path.Dir(p) // "." for the root package
	}
	return r
}
