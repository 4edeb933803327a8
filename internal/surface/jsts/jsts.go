// Package jsts extracts the tool surface of an MCP server from its
// JavaScript and TypeScript source, built dist/*.js bundles included,
// without executing it.
//
// It recognises the declarations of @modelcontextprotocol/sdk v1
// (McpServer.tool/registerTool/prompt/registerPrompt/resource/
// registerResource, and the low-level Server's setRequestHandler for
// tools/list, tools/call, prompts/list and resources/list), of the v2
// package @modelcontextprotocol/server, and of punkpeye's fastmcp (addTool,
// addPrompt, addResource, addResourceTemplate). Sites are matched on the
// method name and the shape of the arguments, never on the receiver's
// name, so that this.server.tool(...) in a Cloudflare McpAgent and a
// bundler's renamed `s.tool(...)` are found alike.
//
// Texts are folded statically: literals, templates, concatenation, const
// bindings in the file and across relative imports (ESM and CommonJS),
// enums, object members, simple string methods, files read with
// readFileSync(path.join(__dirname, …)) that ship in the workspace, and
// tool tables iterated with for-of or forEach. What cannot be folded is
// reported, never dropped: a Partial or Unresolved text with its reason, a
// runtime-metadata indicator when the value comes from the environment,
// the clock, the file system or the network, and a Gap for tool tables the
// extractor cannot enumerate.
//
// Schemas are described as the SDK serves them: zod is converted the way
// zod-to-json-schema does (nullable primitives and unions of primitives as
// type lists, unions of literals as enums, other unions without a type),
// and literal JSON Schema is read the way surface.ParseJSONSchema reads a
// live tools/list, so that a pin computed from source equals the pin of
// the running server.
//
// Every file is first lexed (scan.go) to find the candidate calls; a file
// without one is not parsed unless imported, and the tree walk descends
// only into what overlaps a candidate. In files over 256 KiB (bundles),
// function bodies without a candidate are cut out before parsing and
// variable initializers are replaced by placeholders parsed only if a
// declaration's evaluation reaches them, so a 5 MB bundle is parsed as a
// few hundred kilobytes. The classes of a bundled SDK or fastmcp are
// recognised by their methods and their internal handlers ignored.
//
// Files under node_modules/ are dependencies: they are read only when no
// other file declares anything, which is the case of a package whose tools
// live in a bundled dependency, and then only files that declare
// something (not those that merely call update() or remove()); the SDKs,
// fastmcp and zod themselves are never read. Test files (*.test.*,
// *.spec.*, __tests__/, __mocks__/) and declaration files (.d.ts) are not
// part of a server's surface and are skipped. A server shipped both as
// src/ and as a built dist/ is reported twice: a difference between the
// two is a finding, not something to merge away.
package jsts

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// Limits on what one extraction reads.
const (
	maxImports     = 32        // modules an entry file may pull in through imports
	maxImportDepth = 8         // import chain length from an entry file
	maxFileSize    = 32 << 20  // larger files are reported as gaps
	maskThreshold  = 256 << 10 // larger files are parsed as a skeleton (see mask)
)

// Extract returns the surface declared by the JavaScript and TypeScript
// files of src.Files. It follows relative imports through src.ReadFile. The
// error is non-nil only when ctx ends; files that cannot be parsed, tables
// that cannot be enumerated and limits that were hit are Surface.Gaps.
func Extract(ctx context.Context, src surface.Source) (*surface.Surface, error) {
	return extract(ctx, src, maskThreshold)
}

// extract is Extract with the size above which function bodies are cut out
// before parsing; tests lower it to check that masking changes nothing.
func extract(ctx context.Context, src surface.Source, maskMin int) (*surface.Surface, error) {
	x := &extractor{
		ctx: ctx, src: src, maskMin: maskMin,
		files:    map[string][]byte{},
		mods:     map[string]*module{},
		memo:     map[*binding]*value{},
		siteMemo: map[*binding]*value{},
		busy:     map[*binding]bool{},
		busyExp:  map[exportKey]bool{},
		gapSeen:  map[string]bool{},
		fnMemo:   map[fnKey]handlerInfo{},
		senders:  map[*binding]bool{},
		out:      &surface.Surface{Tools: []*surface.Tool{}},
	}
	defer x.close()
	var roots, deps []string
	for _, f := range src.Files {
		p := path.Clean(strings.ReplaceAll(f.Path, "\\", "/"))
		x.files[p] = f.Content
		if !isSource(p) {
			continue
		}
		if isDependency(p) {
			deps = append(deps, p)
		} else {
			roots = append(roots, p)
		}
	}
	sort.Strings(roots)
	sort.Strings(deps)
	if err := x.run(roots, false); err != nil {
		return nil, err
	}
	if x.declared == 0 && len(deps) > 0 {
		if err := x.run(deps, true); err != nil {
			return nil, err
		}
	}
	x.link()
	x.finish()
	return x.out, nil
}

// IsSource reports whether p is a JavaScript or TypeScript source file that
// is part of a server: not a declaration file (.d.ts), a test (*.test.*,
// *.spec.*) or a file under __tests__/ or __mocks__/.
func IsSource(p string) bool { return isSource(p) }

// Grammar is the tree-sitter grammar for a JavaScript or TypeScript path.
func Grammar(p string) treesitter.Lang { return langOf(p) }

// isSource selects the files the extractor reads as entry points.
func isSource(p string) bool {
	base := path.Base(p)
	switch path.Ext(base) {
	case ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx":
	default:
		return false
	}
	for _, suf := range []string{".d.ts", ".d.mts", ".d.cts"} {
		if strings.HasSuffix(base, suf) {
			return false
		}
	}
	if strings.Contains(base, ".test.") || strings.Contains(base, ".spec.") {
		return false
	}
	for _, dir := range strings.Split(path.Dir(p), "/") {
		if dir == "__tests__" || dir == "__mocks__" {
			return false
		}
	}
	return true
}

// isDependency reports a file inside node_modules; the MCP SDKs and
// fastmcp themselves are never read, their examples are not the server.
func isDependency(p string) bool {
	return strings.HasPrefix(p, "node_modules/") || strings.Contains(p, "/node_modules/")
}

// isFrameworkPackage: the SDKs and zod are never the server, though their
// examples and internals look like declarations.
func isFrameworkPackage(p string) bool {
	for _, pkg := range []string{"node_modules/@modelcontextprotocol/", "node_modules/fastmcp/", "node_modules/zod/"} {
		if strings.HasPrefix(p, pkg) || strings.Contains(p, "/"+pkg) {
			return true
		}
	}
	return false
}

type extractor struct {
	ctx      context.Context
	src      surface.Source
	maskMin  int
	files    map[string][]byte
	mods     map[string]*module
	memo     map[*binding]*value
	siteMemo map[*binding]*value // values cut short by the current site's bounds
	busy     map[*binding]bool
	busyExp  map[exportKey]bool
	gapSeen  map[string]bool
	fnMemo   map[fnKey]handlerInfo
	senders  map[*binding]bool  // see sends
	trees    []*treesitter.Tree // parsed initializers, closed at the end
	budget   int                // imports left for the current entry file
	steps    int                // eval calls for the current site
	cut      int                // evaluations cut short by a bound: their values are not memoised

	out      *surface.Surface
	declared int // tools, prompts, resources and table gaps found
	low      []lowTool
	handlers []*callHandler
}

// run extracts from the given entry files. For dependencies, a file is
// parsed only if it declares something, not merely calls update() or
// remove(), which most libraries do.
func (x *extractor) run(paths []string, deps bool) error {
	for _, p := range paths {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		if isFrameworkPackage(p) {
			continue
		}
		data := x.files[p]
		if len(data) > maxFileSize {
			x.gap("too-large", p, fmt.Sprintf("%d bytes; files over %d bytes are not read", len(data), maxFileSize))
			continue
		}
		x.budget = maxImports
		m := x.mods[p]
		if m == nil {
			res := scan(data)
			if res.cands == 0 || (deps && res.decls == 0) {
				continue // nothing to extract; parsed later only if imported
			}
			if m = x.load(p, data, res, 0); m == nil {
				if err := x.ctx.Err(); err != nil {
					return err
				}
				continue
			}
		}
		for _, s := range m.sites {
			if err := x.ctx.Err(); err != nil {
				return err
			}
			x.site(m, s)
		}
		if !m.imported && m.tree != nil {
			// No other module refers to it, so no value holds its nodes.
			m.tree.Close()
			m.tree = nil
			delete(x.mods, p)
		}
	}
	return x.ctx.Err()
}

// close frees every tree still open.
func (x *extractor) close() {
	for _, m := range x.mods {
		if m.tree != nil {
			m.tree.Close()
			m.tree = nil
		}
	}
	for _, t := range x.trees {
		t.Close()
	}
}

// gap records a gap once per kind, path and detail.
func (x *extractor) gap(kind, p, detail string) {
	k := kind + "\x00" + p + "\x00" + detail
	if x.gapSeen[k] {
		return
	}
	x.gapSeen[k] = true
	x.out.Gaps = append(x.out.Gaps, analysis.Gap{Kind: kind, Path: p, Detail: detail})
}

// langOf picks the grammar by extension; .jsx parses with JavaScript.
func langOf(p string) treesitter.Lang {
	switch path.Ext(p) {
	case ".ts", ".mts", ".cts":
		return treesitter.TypeScript
	case ".tsx":
		return treesitter.TSX
	}
	return treesitter.JavaScript
}

// load parses a file into a module and registers it. It returns nil when
// the parse was cancelled.
func (x *extractor) load(p string, data []byte, res *scanResult, depth int) *module {
	m := newModule(p, data)
	m.depth = depth
	x.mods[p] = m
	if path.Ext(p) == ".json" {
		m.json = fromJSON(data)
		m.json.n, m.json.m = nil, m
		return m
	}
	if res == nil {
		res = scan(data)
	}
	m.scan = res
	psrc := data
	if len(data) > x.maskMin {
		if sk := mask(data, res); sk != nil {
			m.sk, psrc = sk, sk.src
		}
	}
	if !res.balanced {
		m.spans = []span{{0, len(psrc)}}
	} else {
		for _, s := range res.spans {
			if m.sk != nil {
				s = span{m.sk.toSkel(s.start), m.sk.toSkel(s.end)}
			}
			m.spans = append(m.spans, s)
		}
	}
	lang := langOf(p)
	tree, err := x.parse(lang, psrc)
	if err != nil && x.ctx.Err() == nil && lang != treesitter.JavaScript {
		x.gap("unparsable", p, "the TypeScript parser did not finish; the file was read with the JavaScript grammar")
		tree, err = x.parse(treesitter.JavaScript, psrc)
	}
	if err != nil {
		if x.ctx.Err() != nil {
			delete(x.mods, p)
			return nil
		}
		x.gap("unparsable", p, err.Error())
		return m
	}
	m.tree = tree
	if tree.Root().HasError() {
		x.gap("syntax-error", p, "the parser reported syntax errors; declarations in the damaged parts may be missing")
	}
	if err := x.build(m); err != nil {
		delete(x.mods, p)
		tree.Close()
		m.tree = nil
		return nil
	}
	return m
}

// parse runs tree-sitter within a time budget of a second plus a second
// per megabyte, about three times its normal rate: its TypeScript grammar
// can loop on some malformed input, and one file must not stall a scan.
func (x *extractor) parse(lang treesitter.Lang, src []byte) (*treesitter.Tree, error) {
	ctx, cancel := context.WithTimeout(x.ctx, time.Second+time.Duration(len(src))*time.Microsecond)
	defer cancel()
	return treesitter.Parse(ctx, lang, src)
}

// read returns a workspace file's contents.
func (x *extractor) read(p string) ([]byte, bool) {
	if data, ok := x.files[p]; ok {
		return data, true
	}
	if x.src.ReadFile == nil {
		return nil, false
	}
	data, err := x.src.ReadFile(p)
	if err != nil || len(data) > maxFileSize {
		return nil, false
	}
	return data, true
}

// importModule resolves a relative import the way TypeScript and Node do:
// "./x.js" may name x.ts, and an extensionless path tries the usual
// extensions and index files. A package import is not followed.
func (x *extractor) importModule(from *module, spec string) (*module, string) {
	if !strings.HasPrefix(spec, "./") && !strings.HasPrefix(spec, "../") && spec != "." && spec != ".." {
		return nil, fmt.Sprintf("imported from package %q", spec)
	}
	base := path.Join(path.Dir(from.path), spec)
	if base == ".." || strings.HasPrefix(base, "../") {
		return nil, fmt.Sprintf("import of %s outside the workspace", spec)
	}
	for _, p := range importCandidates(base) {
		if m, ok := x.mods[p]; ok {
			m.imported = true
			return m, ""
		}
		data, ok := x.read(p)
		if !ok {
			continue
		}
		if from.depth+1 > maxImportDepth {
			x.gap("import-limit", from.path, fmt.Sprintf("imports deeper than %d modules are not followed", maxImportDepth))
			return nil, fmt.Sprintf("import of %s not followed (depth limit)", spec)
		}
		if x.budget <= 0 {
			x.gap("import-limit", from.path, fmt.Sprintf("at most %d imported modules are read per entry file", maxImports))
			return nil, fmt.Sprintf("import of %s not followed (file limit)", spec)
		}
		x.budget--
		m := x.load(p, data, nil, from.depth+1)
		if m == nil {
			return nil, "import of " + spec + " cancelled"
		}
		m.imported = true
		return m, ""
	}
	return nil, fmt.Sprintf("import of %s: no such file in the workspace", spec)
}

// importCandidates lists the files a relative import may name.
func importCandidates(base string) []string {
	ext := path.Ext(base)
	trim := strings.TrimSuffix(base, ext)
	switch ext {
	case ".js":
		return []string{base, trim + ".ts", trim + ".tsx"}
	case ".jsx":
		return []string{base, trim + ".tsx"}
	case ".mjs":
		return []string{base, trim + ".mts"}
	case ".cjs":
		return []string{base, trim + ".cts"}
	case ".ts", ".tsx", ".mts", ".cts", ".json":
		return []string{base}
	}
	var out []string
	for _, e := range []string{".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx", ".mts", ".cts", ".json"} {
		out = append(out, base+e)
	}
	for _, e := range []string{".ts", ".tsx", ".js", ".mjs", ".cjs"} {
		out = append(out, base+"/index"+e)
	}
	return out
}

// finish removes duplicate indicators (unrolled loops revisit a site).
func (x *extractor) finish() {
	seen := map[string]bool{}
	out := x.out.Indicators[:0]
	for _, in := range x.out.Indicators {
		k := fmt.Sprintf("%s\x00%s\x00%v", in.Kind, in.Detail, in.Pos)
		if !seen[k] {
			seen[k] = true
			out = append(out, in)
		}
	}
	x.out.Indicators = out
}
