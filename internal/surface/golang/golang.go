// Package golang extracts the tool surface of an MCP server written in Go
// (mark3labs/mcp-go or the official modelcontextprotocol/go-sdk) from its
// source, without building or running it: the scanned module is untrusted and
// its dependencies are not available, so only go/parser, go/ast, go/token and
// go/constant are used, with a small scope resolver and constant evaluator of
// our own instead of go/types.
//
// The extraction works in two passes. Registrations (AddTool, AddTools,
// SetTools, mcp.AddTool) are followed backwards to the tool declarations
// they register, which links each tool to its handler. Every declaration not
// reached that way (a tool registered through a wrapper we could not follow)
// is then extracted on its own, without a handler, so that no declared tool
// is silently missed.
package golang

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/modfile"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// Import paths of the SDKs and of the schema packages they use.
const (
	pathMCPGo          = "github.com/mark3labs/mcp-go/mcp"
	pathMCPGoServer    = "github.com/mark3labs/mcp-go/server"
	pathGoSDK          = "github.com/modelcontextprotocol/go-sdk/mcp"
	pathJSONSchema     = "github.com/google/jsonschema-go/jsonschema"
	pathOldJSONSchema  = "github.com/modelcontextprotocol/go-sdk/jsonschema"
	gapUnparsable      = "unparsable-file"
	gapDynamicTools    = "dynamic-tool-table"
	indMutation        = "mutation-api"
	indRuntimeMetadata = "runtime-metadata"
)

// Limits that keep hostile input from exhausting time or memory.
const (
	maxText      = 1 << 20 // longest text we build (bytes)
	maxDepth     = 256     // nesting of evaluation and flow following
	maxSteps     = 20000   // evaluation steps per declaration
	maxInstances = 1000    // values of one expression, instances of one table or helper
	maxHelpers   = 2       // helper functions followed into, nested
)

// Extract returns the surface declared by the .go files of src.Files. Test
// files, and vendor/, testdata/ and _/. directories (which go build ignores),
// are not scanned; vendored packages and other packages of the same module
// are read only for the constants the scanned code imports. An unparsable
// file becomes a gap; the only error is ctx's.
func Extract(ctx context.Context, src surface.Source) (*surface.Surface, error) {
	x := &extractor{
		ctx:      ctx,
		src:      src,
		fset:     token.NewFileSet(),
		out:      &surface.Surface{Tools: []*surface.Tool{}},
		byDir:    map[string][]surface.File{},
		pkgs:     map[string]*pkg{},
		modules:  map[string]*module{},
		texts:    map[string]*srcText{},
		memo:     map[*ast.Ident]val{},
		seen:     map[string]bool{},
		handlers: map[ast.Node]bool{},
		occ:      map[ast.Node]map[*binding][]occurrence{},
		goFuncs:  map[string]bool{},
		prompts:  map[ast.Node]*handlerRef{},
	}
	x.load()
	x.run()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x.finish()
	return x.out, nil
}

// extractor holds the state of one extraction.
type extractor struct {
	ctx   context.Context
	src   surface.Source
	fset  *token.FileSet
	out   *surface.Surface
	byDir map[string][]surface.File // every .go file (tests excluded) by directory
	// scanned are the packages whose declarations are extracted, sorted by dir.
	scanned []*pkg
	pkgs    map[string]*pkg     // loaded packages by directory
	modules map[string]*module  // go.mod lookups by directory
	imports map[string]string   // import path → directory (built on first use)
	texts   map[string]*srcText // contents of non-Go files read (go:embed)
	memo    map[*ast.Ident]val  // package-level constant and variable values
	steps   int                 // evaluation budget left for the current declaration
	callers *callIndex
	// seen holds the identities of what was extracted, for de-duplication.
	seen map[string]bool
	// handlers are the function nodes resolved as tool handlers.
	handlers map[ast.Node]bool
	regs     []registration
	// pending are gaps of registrations whose tools were not found (see run).
	pending []analysis.Gap
	// truncated is set when a limit cut an expansion short; the
	// declaration being extracted then gets a gap.
	truncated bool
	goFuncs   map[string]bool          // names of functions started with a go statement
	prompts   map[ast.Node]*handlerRef // prompt declarations → their handlers
	// occ indexes each analysed function body's identifiers by binding.
	occ map[ast.Node]map[*binding][]occurrence
}

// module is the go.mod governing a directory.
type module struct {
	root     string            // directory of the go.mod
	path     string            // module path
	replaced map[string]string // module path → workspace directory (local replaces)
}

// pkg is the files of one directory.
type pkg struct {
	dir      string
	files    []*file
	consts   map[string]*constDecl
	vars     map[string]*varDecl
	funcs    map[string]*funcRef
	methods  map[string][]*funcRef
	types    map[string]*typeDecl
	assigned map[string][]assignRef // package variables assigned in functions
	indexed  bool
}

// file is one parsed source file.
type file struct {
	*srcText
	syn      *ast.File
	pkg      *pkg
	imports  map[string]string // local name → import path
	uses     map[*ast.Ident]*binding
	litBind  map[*ast.FuncLit]*binding
	resolved bool
}

// srcText is the content of a workspace file with its line starts, to turn
// byte offsets into positions with character columns.
type srcText struct {
	path    string
	content []byte
	lines   []int
}

type constDecl struct {
	f     *file
	name  *ast.Ident
	value ast.Expr // the spec's value, or the inherited one of an implicit repetition
	typ   ast.Expr // the declared (or inherited) type, if any
	iota  int
}

type varDecl struct {
	f     *file
	name  *ast.Ident
	spec  *ast.ValueSpec
	index int
	embed []string // go:embed patterns
}

type typeDecl struct {
	f    *file
	spec *ast.TypeSpec
}

// funcRef is a function declaration or literal with the file it is in.
type funcRef struct {
	f    *file
	decl *ast.FuncDecl
	lit  *ast.FuncLit
}

func (fn *funcRef) node() ast.Node {
	if fn.decl != nil {
		return fn.decl
	}
	return fn.lit
}

func (fn *funcRef) typ() *ast.FuncType {
	if fn.decl != nil {
		return fn.decl.Type
	}
	return fn.lit.Type
}

func (fn *funcRef) body() *ast.BlockStmt {
	if fn.decl != nil {
		return fn.decl.Body
	}
	return fn.lit.Body
}

type assignRef struct {
	f *file
	a assign
}

// load groups the files by directory and parses the scanned ones.
func (x *extractor) load() {
	for _, f := range x.src.Files {
		p := path.Clean(strings.TrimPrefix(f.Path, "./"))
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			continue
		}
		dir := path.Dir(p)
		x.byDir[dir] = append(x.byDir[dir], surface.File{Path: p, Content: f.Content})
	}
	dirs := make([]string, 0, len(x.byDir))
	for d := range x.byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		if x.ctx.Err() != nil {
			return
		}
		if ignoredDir(d) {
			continue
		}
		if p := x.pkgAt(d, true); p != nil {
			x.scanned = append(x.scanned, p)
		}
	}
}

// IgnoredDir reports whether go build ignores the directory (vendor,
// testdata, and names starting with "_" or ".").
func IgnoredDir(dir string) bool { return ignoredDir(dir) }

// DefaultImportName is the package name an import path binds without an
// explicit name: its last element without a major-version suffix.
func DefaultImportName(ip string) string { return defaultImportName(ip) }

// ignoredDir reports whether go build ignores the directory.
func ignoredDir(dir string) bool {
	for _, seg := range strings.Split(dir, "/") {
		if seg == "vendor" || seg == "testdata" || (seg != "." && seg != ".." && (strings.HasPrefix(seg, "_") || strings.HasPrefix(seg, "."))) {
			return true
		}
	}
	return false
}

// pkgAt parses the files of dir once. Parse errors become gaps only for
// scanned packages; a package read for its constants just loses the file.
func (x *extractor) pkgAt(dir string, scanned bool) *pkg {
	if p, ok := x.pkgs[dir]; ok {
		return p
	}
	files := x.byDir[dir]
	if len(files) == 0 {
		x.pkgs[dir] = nil
		return nil
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	p := &pkg{dir: dir}
	x.pkgs[dir] = p
	for _, sf := range files {
		syn, err := parser.ParseFile(x.fset, sf.Path, sf.Content, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			if scanned {
				x.out.Gaps = append(x.out.Gaps, analysis.Gap{Kind: gapUnparsable, Path: sf.Path, Detail: "cannot parse Go file: " + firstLine(err.Error())})
			}
			continue
		}
		f := &file{srcText: newSrcText(sf.Path, sf.Content), syn: syn, pkg: p, imports: map[string]string{}}
		for _, im := range syn.Imports {
			ip, err := strconv.Unquote(im.Path.Value)
			if err != nil {
				continue
			}
			name := defaultImportName(ip)
			if im.Name != nil {
				name = im.Name.Name
			}
			if name != "_" && name != "." {
				f.imports[name] = ip
			}
		}
		p.files = append(p.files, f)
	}
	x.index(p)
	return p
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// defaultImportName guesses the package name of an import path: its last
// element without a major-version suffix. It matters only for paths outside
// the workspace (the SDKs and the standard library), whose names are known.
func defaultImportName(ip string) string {
	elems := strings.Split(ip, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = elems[len(elems)-2]
	}
	if strings.HasPrefix(ip, "gopkg.in/") {
		name, _, _ = strings.Cut(name, ".")
	}
	return name
}

func newSrcText(p string, content []byte) *srcText {
	t := &srcText{path: p, content: content, lines: []int{0}}
	for i, b := range content {
		if b == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
	return t
}

// position turns a byte range of t into a Position with 1-based lines and
// character (not byte) columns.
func (t *srcText) position(start, end int) analysis.Position {
	lc := func(off int) (int, int) {
		off = max(0, min(off, len(t.content)))
		i := sort.Search(len(t.lines), func(i int) bool { return t.lines[i] > off }) - 1
		return i + 1, utf8.RuneCount(t.content[t.lines[i]:off]) + 1
	}
	p := analysis.Position{Path: t.path}
	p.StartLine, p.StartCol = lc(start)
	p.EndLine, p.EndCol = lc(end)
	return p
}

// offset is the byte offset of p in f.
func (x *extractor) offset(p token.Pos) int {
	if !p.IsValid() {
		return 0
	}
	return x.fset.Position(p).Offset
}

// pos is the position of node n of file f.
func (x *extractor) pos(f *file, n ast.Node) analysis.Position {
	return f.position(x.offset(n.Pos()), x.offset(n.End()))
}

// moduleOf returns the go.mod governing dir, if any.
func (x *extractor) moduleOf(dir string) *module {
	if m, ok := x.modules[dir]; ok {
		return m
	}
	var m *module
	gomod := path.Join(dir, "go.mod")
	if data, err := x.read(gomod); err == nil {
		if mf, err := modfile.ParseLax(gomod, data, nil); err == nil && mf.Module != nil {
			m = &module{root: dir, path: mf.Module.Mod.Path, replaced: map[string]string{}}
			for _, r := range mf.Replace {
				if modfile.IsDirectoryPath(r.New.Path) && !path.IsAbs(r.New.Path) {
					if d := path.Join(dir, r.New.Path); d != ".." && !strings.HasPrefix(d, "../") {
						m.replaced[r.Old.Path] = d
					}
				}
			}
		}
	}
	if m == nil && dir != "." && dir != "/" {
		m = x.moduleOf(path.Dir(dir))
	}
	x.modules[dir] = m
	return m
}

// read reads a workspace file through the source.
func (x *extractor) read(p string) ([]byte, error) {
	if x.src.ReadFile == nil {
		return nil, fmt.Errorf("no file reader")
	}
	return x.src.ReadFile(p)
}

// pkgByImport returns the workspace package of an import path: a package of
// a module in the workspace (or locally replaced), or a vendored one.
func (x *extractor) pkgByImport(ip string) *pkg {
	if x.imports == nil {
		x.imports = map[string]string{}
		dirs := make([]string, 0, len(x.byDir))
		for d := range x.byDir {
			dirs = append(dirs, d)
		}
		sort.Strings(dirs)
		for _, d := range dirs {
			m := x.moduleOf(d)
			if m == nil {
				continue
			}
			rel := strings.TrimPrefix(strings.TrimPrefix(d, m.root), "/")
			if m.root == "." {
				rel = d
			}
			if v, ok := strings.CutPrefix(rel+"/", "vendor/"); ok {
				x.addImport(strings.TrimSuffix(v, "/"), d)
				continue
			}
			if rel == "." || rel == "" {
				x.addImport(m.path, d)
			} else {
				x.addImport(m.path+"/"+rel, d)
			}
			for old, dir := range m.replaced {
				if r, ok := strings.CutPrefix(d, dir); ok && (r == "" || r[0] == '/') {
					x.addImport(old+r, d)
				}
			}
		}
	}
	d, ok := x.imports[ip]
	if !ok {
		return nil
	}
	return x.pkgAt(d, false)
}

// addImport records the first directory seen for an import path, so that a
// module's own packages win over vendored copies sorted after them.
func (x *extractor) addImport(ip, dir string) {
	if _, ok := x.imports[ip]; !ok {
		x.imports[ip] = dir
	}
}

// index builds p's package-level symbol tables.
func (x *extractor) index(p *pkg) {
	if p.indexed {
		return
	}
	p.indexed = true
	p.consts = map[string]*constDecl{}
	p.vars = map[string]*varDecl{}
	p.funcs = map[string]*funcRef{}
	p.methods = map[string][]*funcRef{}
	p.types = map[string]*typeDecl{}
	p.assigned = map[string][]assignRef{}
	for _, f := range p.files {
		for _, d := range f.syn.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				fn := &funcRef{f: f, decl: d}
				if d.Recv == nil {
					p.funcs[d.Name.Name] = fn
				} else {
					p.methods[d.Name.Name] = append(p.methods[d.Name.Name], fn)
				}
			case *ast.GenDecl:
				x.indexGen(p, f, d)
			}
		}
	}
	for _, f := range p.files {
		x.resolve(f)
	}
}

func (x *extractor) indexGen(p *pkg, f *file, d *ast.GenDecl) {
	var last []ast.Expr // values inherited by implicitly repeated const specs
	var lastType ast.Expr
	for i, s := range d.Specs {
		switch s := s.(type) {
		case *ast.TypeSpec:
			p.types[s.Name.Name] = &typeDecl{f: f, spec: s}
		case *ast.ValueSpec:
			if d.Tok == token.CONST {
				if len(s.Values) > 0 {
					last, lastType = s.Values, s.Type
				}
				for j, n := range s.Names {
					cd := &constDecl{f: f, name: n, iota: i, typ: lastType}
					if j < len(last) {
						cd.value = last[j]
					}
					p.consts[n.Name] = cd
				}
				continue
			}
			embed := embedPatterns(d, s)
			for j, n := range s.Names {
				p.vars[n.Name] = &varDecl{f: f, name: n, spec: s, index: j, embed: embed}
			}
		}
	}
}

// embedPatterns returns the patterns of a //go:embed directive above s.
func embedPatterns(d *ast.GenDecl, s *ast.ValueSpec) []string {
	var pats []string
	for _, cg := range []*ast.CommentGroup{d.Doc, s.Doc} {
		if cg == nil || (cg == d.Doc && len(d.Specs) != 1) {
			continue
		}
		for _, c := range cg.List {
			rest, ok := strings.CutPrefix(c.Text, "//go:embed")
			if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
				continue
			}
			pats = append(pats, splitEmbed(rest)...)
		}
	}
	return pats
}

// splitEmbed splits go:embed arguments: space-separated, possibly quoted.
func splitEmbed(s string) []string {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '"' || s[0] == '`' {
			end := strings.IndexByte(s[1:], s[0])
			if end < 0 {
				return out
			}
			if u, err := strconv.Unquote(s[:end+2]); err == nil {
				out = append(out, u)
			}
			s = s[end+2:]
			continue
		}
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			i = len(s)
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out
}

// importPath returns the import path named by e in f, if e is a package name.
func (f *file) importPath(e ast.Expr) string {
	id, ok := e.(*ast.Ident)
	if !ok || f.uses[id] != nil {
		return ""
	}
	return f.imports[id.Name]
}

// sdkRef returns the import path and name of a qualified identifier pkg.Name
// (possibly instantiated, pkg.Name[T]) and its type arguments.
func (f *file) sdkRef(e ast.Expr) (ip, name string, targs []ast.Expr) {
	switch t := e.(type) {
	case *ast.IndexExpr:
		targs = []ast.Expr{t.Index}
		e = t.X
	case *ast.IndexListExpr:
		targs = t.Indices
		e = t.X
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return "", "", nil
	}
	if ip = f.importPath(sel.X); ip == "" {
		return "", "", nil
	}
	return ip, sel.Sel.Name, targs
}

// isMCP reports whether ip is the mcp package of either SDK.
func isMCP(ip string) bool { return ip == pathMCPGo || ip == pathGoSDK }

// sdkName is how patterns name an SDK.
func sdkName(ip string) string {
	if ip == pathGoSDK {
		return "go-sdk"
	}
	return "mcp-go"
}

// importsSDK reports whether f imports one of the SDKs.
func (f *file) importsSDK() bool {
	for _, ip := range f.imports {
		if ip == pathMCPGo || ip == pathMCPGoServer || ip == pathGoSDK {
			return true
		}
	}
	return false
}

// finish sorts everything for deterministic output.
func (x *extractor) finish() {
	less := func(a, b analysis.Position) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		if a.StartLine != b.StartLine {
			return a.StartLine - b.StartLine
		}
		return a.StartCol - b.StartCol
	}
	slices.SortStableFunc(x.out.Tools, func(a, b *surface.Tool) int {
		if c := less(a.Pos, b.Pos); c != 0 {
			return c
		}
		return strings.Compare(a.Name.Value, b.Name.Value)
	})
	slices.SortStableFunc(x.out.Prompts, func(a, b *surface.Prompt) int { return less(a.Pos, b.Pos) })
	slices.SortStableFunc(x.out.Resources, func(a, b *surface.Resource) int { return less(a.Pos, b.Pos) })
	slices.SortStableFunc(x.out.Instructions, func(a, b surface.Text) int { return less(a.Pos, b.Pos) })
	slices.SortStableFunc(x.out.Indicators, func(a, b surface.Indicator) int {
		if c := less(a.Pos, b.Pos); c != 0 {
			return c
		}
		return strings.Compare(a.Detail, b.Detail)
	})
	x.out.Indicators = slices.CompactFunc(x.out.Indicators, func(a, b surface.Indicator) bool { return a == b })
	slices.SortStableFunc(x.out.Gaps, func(a, b analysis.Gap) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Detail, b.Detail)
	})
	x.out.Gaps = slices.Compact(x.out.Gaps)
}
