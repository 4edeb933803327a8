package jsts

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
)

// module is one parsed file: its scopes and bindings, its exports and the
// extraction sites found in it.
type module struct {
	path  string
	src   []byte // the original source; positions refer to it
	lines []int  // byte offset of each line start
	ascii []bool // per line: no byte >= 0x80, so columns are byte offsets
	runes map[int][]checkpoint

	tree  *treesitter.Tree // nil for JSON modules and unparsable files
	sk    *skeleton        // non-nil when bodies were cut out before parsing
	spans []span           // in tree offsets
	scan  *scanResult

	top      *scope
	scopes   map[span]*scope // scope of each scope-creating node that was walked
	sites    []site
	exports  map[string]*export
	stars    []string           // export * from
	cjs      *treesitter.Node   // module.exports = <node>
	json     *value             // a .json module's value
	depth    int                // import depth from the root that loaded it
	imported bool               // reached by an import: must stay open
	frags    map[string]*module // parsed lazy initializers, by placeholder
	expr     *treesitter.Node   // a fragment's expression
}

// export is one exported name.
type export struct {
	local      string           // export {local as name}: a top-level name
	spec, name string           // export {name} from spec
	ns         bool             // export * as x from spec
	node       *treesitter.Node // exports.x = node, export default node
	descriptor bool             // node is an Object.defineProperty descriptor
}

type bkind uint8

const (
	bConst   bkind = iota // const, or an initialised var/let never reassigned
	bMutable              // let/var: folded only if never reassigned
	bFunc
	bClass
	bEnum
	bParam
	bLoop // for-of/for-in variable or forEach/map callback parameter
	bImport
	bNamespace // import * as x, import x = require()
)

// binding is a declared name.
type binding struct {
	kind     bkind
	name     string
	node     *treesitter.Node // initializer, declaration, or a loop's iterable
	path     []string         // destructuring path into node's value
	sc       *scope           // where node evaluates
	m        *module
	spec     string // import source
	imported string // imported name: "default", a name
	loop     loopKey
	keys     bool // for-in: iterates keys
}

// loopKey identifies a loop for the unrolling overlay.
type loopKey struct {
	m   *module
	off int
}

type scope struct {
	parent    *scope
	names     map[string]*binding
	fn        bool   // function or program scope: var hoists here
	callee    string // the function is a callback argument of this call
	framework bool   // the body of an MCP framework class bundled with the server
}

// inFramework reports whether s is inside a framework class.
func (s *scope) inFramework() bool {
	for ; s != nil; s = s.parent {
		if s.framework {
			return true
		}
	}
	return false
}

// frameworkInternals are methods only the SDK's McpServer and fastmcp's
// classes define; declarers are their public registration methods. A
// bundle that inlines these classes contains their internal
// setRequestHandler(ListToolsRequestSchema, …) and sendToolListChanged()
// calls, which are not the server's declarations. A class is taken for the
// framework when it defines an internal, or three declarers (a user's
// wrapper class rarely has more than one).
var (
	frameworkInternals = map[string]bool{
		"setToolRequestHandlers": true, "setPromptRequestHandlers": true, "setResourceRequestHandlers": true,
		"_createRegisteredTool": true, "_createRegisteredPrompt": true, "_createRegisteredResource": true,
		"setupToolHandlers": true, "setupPromptHandlers": true, "setupResourceHandlers": true,
	}
	declarers = map[string]bool{
		"tool": true, "registerTool": true, "prompt": true, "registerPrompt": true, "resource": true,
		"registerResource": true, "addTool": true, "addPrompt": true, "addResource": true,
		"addResourceTemplate": true,
	}
)

// isFrameworkClass tells the class body of a bundled framework.
func isFrameworkClass(body *treesitter.Node) bool {
	n := 0
	for _, m := range named(body) {
		if m.Type() != "method_definition" {
			continue
		}
		name := strings.TrimPrefix(text(m.Field("name")), "#")
		if frameworkInternals[name] {
			return true
		}
		if declarers[name] {
			n++
		}
	}
	return n >= 3
}

// add declares b in s.
func (s *scope) add(b *binding) {
	if s.names == nil {
		s.names = map[string]*binding{}
	}
	s.names[b.name] = b
}

// lookup finds the innermost binding of name.
func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if b := s.names[name]; b != nil {
			return b
		}
	}
	return nil
}

// hoist is the scope a var declared in s belongs to.
func (s *scope) hoist() *scope {
	for s.parent != nil && !s.fn {
		s = s.parent
	}
	return s
}

// site is a call or construction the extractor interprets.
type site struct {
	n   *treesitter.Node
	sc  *scope
	new bool
}

// newModule indexes the lines of src for positions.
func newModule(path string, src []byte) *module {
	m := &module{path: path, src: src, exports: map[string]*export{}, scopes: map[span]*scope{}}
	m.lines = []int{0}
	ascii := true
	for i, c := range src {
		if c >= 0x80 {
			ascii = false
		}
		if c == '\n' {
			m.ascii = append(m.ascii, ascii)
			m.lines = append(m.lines, i+1)
			ascii = true
		}
	}
	m.ascii = append(m.ascii, ascii)
	m.top = &scope{fn: true}
	return m
}

// orig maps a tree offset to the original source.
func (m *module) orig(off int) int {
	if m.sk == nil {
		return off
	}
	return m.sk.toOrig(off)
}

// lineCol is Node.Start's computation on the original source, with a
// per-line index so that positions in a megabyte-long minified line stay
// cheap.
func (m *module) lineCol(off int) (int, int) {
	if off > len(m.src) {
		off = len(m.src)
	}
	if off < 0 {
		off = 0
	}
	line := sort.Search(len(m.lines), func(i int) bool { return m.lines[i] > off }) - 1
	start := m.lines[line]
	if m.ascii[line] {
		return line + 1, off - start + 1
	}
	const step = 4096
	if off-start < 4*step {
		return line + 1, utf8.RuneCount(m.src[start:off]) + 1
	}
	if m.runes == nil {
		m.runes = map[int][]checkpoint{}
	}
	idx, ok := m.runes[line]
	if !ok {
		end := len(m.src)
		if line+1 < len(m.lines) {
			end = m.lines[line+1]
		}
		// Checkpoints sit on rune starts, where decoding from the line
		// start would also begin a rune, so the counts add up exactly.
		n, p := 0, start
		for p < end {
			idx = append(idx, checkpoint{p, n})
			q := min(p+step, end)
			for q < end && !utf8.RuneStart(m.src[q]) {
				q++
			}
			n += utf8.RuneCount(m.src[p:q])
			p = q
		}
		m.runes[line] = idx
	}
	k := sort.Search(len(idx), func(i int) bool { return idx[i].off > off }) - 1
	return line + 1, idx[k].runes + utf8.RuneCount(m.src[idx[k].off:off]) + 1
}

// checkpoint is the number of runes of a line before byte offset off.
type checkpoint struct{ off, runes int }

// pos is the node's position in the original source.
func (m *module) pos(n *treesitter.Node) analysis.Position {
	if n == nil {
		return analysis.Position{Path: m.path}
	}
	s, e := m.orig(n.StartByte()), m.orig(n.EndByte())
	if e > s {
		e--
	}
	p := analysis.Position{Path: m.path}
	p.StartLine, p.StartCol = m.lineCol(s)
	p.EndLine, p.EndCol = m.lineCol(e)
	return p
}

// overlaps reports whether [s, e) touches a candidate span.
func (m *module) overlaps(s, e int) bool {
	i := sort.Search(len(m.spans), func(i int) bool { return m.spans[i].end > s })
	return i < len(m.spans) && m.spans[i].start < e
}

// text is the node's text, or "" for nil.
func text(n *treesitter.Node) string {
	if n == nil {
		return ""
	}
	return n.Text()
}

// short is a node's text for reasons: one line, at most 60 bytes.
func short(n *treesitter.Node) string {
	return clip(text(n), 60)
}

// clip collapses white space and cuts s at max bytes on a rune boundary.
func clip(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// named returns the named children, without comments.
func named(n *treesitter.Node) []*treesitter.Node {
	if n == nil {
		return nil
	}
	cs := n.NamedChildren()
	out := cs[:0]
	for _, c := range cs {
		if c.Type() != "comment" {
			out = append(out, c)
		}
	}
	return out
}

// unwrap strips parentheses, TypeScript casts and non-null assertions.
func unwrap(n *treesitter.Node) *treesitter.Node {
	for i := 0; n != nil && i < 64; i++ {
		switch n.Type() {
		case "parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression":
			cs := named(n)
			if len(cs) == 0 {
				return n
			}
			n = cs[0]
		case "type_assertion", "sequence_expression":
			cs := named(n)
			if len(cs) == 0 {
				return n
			}
			n = cs[len(cs)-1]
		default:
			return n
		}
	}
	return n
}

// calleeName is the last identifier of a call's function ("setTimeout",
// "forEach"), after unwrapping "(0, x.f)".
func calleeName(call *treesitter.Node) string {
	f := unwrap(call.Field("function"))
	if f == nil {
		return ""
	}
	switch f.Type() {
	case "member_expression":
		return text(f.Field("property"))
	case "identifier":
		return f.Text()
	}
	return ""
}

var funcTypes = map[string]bool{
	"arrow_function": true, "function_expression": true, "function": true,
	"generator_function": true, "method_definition": true,
	"function_declaration": true, "generator_function_declaration": true,
}

// loopCallbacks are array methods whose callback runs once per element.
var loopCallbacks = map[string]bool{"forEach": true, "map": true, "flatMap": true}

type ancestor struct {
	n    *treesitter.Node
	end  int
	prev *scope // scope to restore when leaving n
}

// build walks the tree once: it records scopes and bindings everywhere it
// goes, and descends only into nodes that overlap a candidate span, so the
// cost is the top-level statements plus the candidate regions.
func (x *extractor) build(m *module) error {
	root := m.tree.Root()
	cur := m.top
	var anc []ancestor
	var err error
	steps := 0
	root.Walk(func(n *treesitter.Node) bool {
		if err != nil {
			return false
		}
		if steps++; steps&1023 == 0 {
			if err = x.ctx.Err(); err != nil {
				return false
			}
		}
		if !n.IsNamed() {
			return false
		}
		s, e := n.StartByte(), n.EndByte()
		if s == e {
			return false
		}
		for len(anc) > 0 && anc[len(anc)-1].end <= s {
			cur = anc[len(anc)-1].prev
			anc = anc[:len(anc)-1]
		}
		in := m.overlaps(s, e)
		push := func(sc *scope) bool {
			anc = append(anc, ancestor{n: n, end: e, prev: cur})
			if sc != nil {
				m.scopes[span{s, e}] = sc
				cur = sc
			}
			return true
		}
		t := n.Type()
		switch t {
		case "program":
			m.scopes[span{s, e}] = m.top
			return push(nil)
		case "import_statement":
			m.declareImport(n, cur)
			return false
		case "export_statement":
			m.declareExport(n, cur, in)
			if in {
				return push(nil)
			}
			return false
		case "lexical_declaration", "variable_declaration":
			m.declareVars(n, cur)
		case "function_declaration", "generator_function_declaration":
			if name := n.Field("name"); name != nil {
				cur.add(&binding{kind: bFunc, name: name.Text(), node: n, sc: cur, m: m})
			}
			if in {
				sc := &scope{parent: cur, fn: true}
				m.declareParams(n, sc, nil)
				return push(sc)
			}
			return false
		case "class_declaration":
			if name := n.Field("name"); name != nil {
				cur.add(&binding{kind: bClass, name: name.Text(), node: n, sc: cur, m: m})
			}
		case "enum_declaration":
			if name := n.Field("name"); name != nil {
				cur.add(&binding{kind: bEnum, name: name.Text(), node: n, sc: cur, m: m})
			}
			return false
		case "expression_statement":
			if cur == m.top {
				m.declareCJS(n)
			}
		case "arrow_function", "function_expression", "function", "generator_function", "method_definition":
			if !in {
				return false
			}
			sc := &scope{parent: cur, fn: true}
			var loop *treesitter.Node
			if len(anc) >= 2 && anc[len(anc)-1].n.Type() == "arguments" {
				call := anc[len(anc)-2].n
				if call.Type() == "call_expression" {
					sc.callee = calleeName(call)
					args := named(anc[len(anc)-1].n)
					if loopCallbacks[sc.callee] && len(args) > 0 && args[0].StartByte() == s {
						loop = call
					}
				}
			}
			if t == "function_expression" || t == "function" {
				if name := n.Field("name"); name != nil {
					sc.add(&binding{kind: bFunc, name: name.Text(), node: n, sc: cur, m: m})
				}
			}
			m.declareParams(n, sc, loop)
			return push(sc)
		case "statement_block", "for_statement", "switch_body":
			if !in {
				return false
			}
			return push(&scope{parent: cur})
		case "class_body":
			if !in {
				return false
			}
			return push(&scope{parent: cur, framework: isFrameworkClass(n)})
		case "catch_clause":
			if !in {
				return false
			}
			sc := &scope{parent: cur}
			if p := n.Field("parameter"); p != nil {
				m.declarePattern(sc, bParam, p, nil, nil)
			}
			return push(sc)
		case "for_in_statement":
			if !in {
				return false
			}
			sc := &scope{parent: cur}
			if left := n.Field("left"); left != nil {
				keys := false
				for _, c := range n.Children() {
					if c.Type() == "in" {
						keys = true
					}
				}
				tmpl := &binding{kind: bLoop, node: n.Field("right"), sc: cur, m: m,
					loop: loopKey{m, s}, keys: keys}
				m.declarePattern(sc, bLoop, left, nil, tmpl)
			}
			return push(sc)
		case "call_expression":
			if in && callVocab[calleeName(n)] && !cur.inFramework() {
				m.sites = append(m.sites, site{n: n, sc: cur})
			}
		case "new_expression":
			if in && isServerCtor(n) && !cur.inFramework() {
				m.sites = append(m.sites, site{n: n, sc: cur, new: true})
			}
		}
		if !in {
			return false
		}
		return push(nil)
	})
	return err
}

// isServerCtor matches new McpServer/Server/FastMCP(...), under any bundler
// renaming, and any construction given an object with an instructions key.
func isServerCtor(n *treesitter.Node) bool {
	c := unwrap(n.Field("constructor"))
	name := text(c)
	if c != nil && c.Type() == "member_expression" {
		name = text(c.Field("property"))
	}
	if ctorVocab[baseName(name)] {
		return true
	}
	for _, a := range named(n.Field("arguments")) {
		if a.Type() != "object" {
			continue
		}
		for _, p := range named(a) {
			if k := p.Field("key"); k != nil && propKey(k) == "instructions" {
				return true
			}
			if p.Type() == "shorthand_property_identifier" && p.Text() == "instructions" {
				return true
			}
		}
	}
	return false
}

// propKey is the static name of an object key node, or "".
func propKey(k *treesitter.Node) string {
	switch k.Type() {
	case "property_identifier", "identifier", "private_property_identifier":
		return k.Text()
	case "string":
		return unquote(k.Text())
	case "number":
		return k.Text()
	}
	return ""
}

// declareVars binds a var/let/const declaration; var hoists to the
// function scope.
func (m *module) declareVars(n *treesitter.Node, cur *scope) {
	kind, sc := bConst, cur
	if first := n.Children(); len(first) > 0 {
		switch first[0].Type() {
		case "var":
			kind, sc = bMutable, cur.hoist()
		case "let":
			kind = bMutable
		}
	}
	for _, d := range named(n) {
		if d.Type() != "variable_declarator" {
			continue
		}
		if name := d.Field("name"); name != nil {
			m.declarePattern(sc, kind, name, d.Field("value"), nil)
		}
	}
}

// declarePattern binds every name of a (possibly destructuring) pattern.
// tmpl, when set, is copied for each name (loop variables).
func (m *module) declarePattern(sc *scope, kind bkind, p, value *treesitter.Node, tmpl *binding) {
	eachName(p, func(name string, path []string) {
		b := &binding{kind: kind, node: value, sc: sc, m: m}
		if tmpl != nil {
			c := *tmpl
			b = &c
		}
		b.name = name
		b.path = path
		sc.add(b)
	})
}

// eachName calls f for every name a pattern binds, with the property
// path that leads to it ("…" for a rest element).
func eachName(p *treesitter.Node, f func(name string, path []string)) {
	var rec func(p *treesitter.Node, path []string, depth int)
	rec = func(p *treesitter.Node, path []string, depth int) {
		if p == nil || depth > 32 {
			return
		}
		switch p.Type() {
		case "identifier", "shorthand_property_identifier_pattern":
			f(p.Text(), append([]string(nil), path...))
		case "object_pattern":
			for _, c := range named(p) {
				switch c.Type() {
				case "shorthand_property_identifier_pattern":
					rec(c, append(path, c.Text()), depth+1)
				case "pair_pattern":
					k := propKey(c.Field("key"))
					if k == "" {
						k = "…"
					}
					rec(c.Field("value"), append(path, k), depth+1)
				case "object_assignment_pattern":
					l := c.Field("left")
					rec(l, append(path, text(l)), depth+1)
				case "rest_pattern":
					if cs := named(c); len(cs) > 0 {
						rec(cs[0], append(path, "…"), depth+1)
					}
				}
			}
		case "array_pattern":
			i := 0
			for _, c := range p.Children() {
				switch {
				case c.Type() == ",":
					i++
				case c.Type() == "rest_pattern":
					if cs := named(c); len(cs) > 0 {
						rec(cs[0], append(path, "…"), depth+1)
					}
				case c.IsNamed() && c.Type() != "comment":
					rec(c, append(path, itoa(i)), depth+1)
				}
			}
		case "assignment_pattern":
			rec(p.Field("left"), path, depth+1)
		case "rest_pattern":
			if cs := named(p); len(cs) > 0 {
				rec(cs[0], append(path, "…"), depth+1)
			}
		case "required_parameter", "optional_parameter":
			rec(p.Field("pattern"), path, depth+1)
		}
	}
	rec(p, nil, 0)
}

// declareParams binds a function's parameters. For a forEach/map callback
// the first parameter is the loop variable over the array.
func (m *module) declareParams(fn *treesitter.Node, sc *scope, loop *treesitter.Node) {
	var params []*treesitter.Node
	if p := fn.Field("parameter"); p != nil {
		params = []*treesitter.Node{p}
	} else {
		params = named(fn.Field("parameters"))
	}
	for i, p := range params {
		if i == 0 && loop != nil {
			iter := unwrap(loop.Field("function")).Field("object")
			tmpl := &binding{kind: bLoop, node: iter, sc: sc.parent, m: m, loop: loopKey{m, loop.StartByte()}}
			m.declarePattern(sc, bLoop, p, nil, tmpl)
			continue
		}
		m.declarePattern(sc, bParam, p, nil, nil)
	}
}

// declareImport binds the names of an import statement, resolved lazily.
func (m *module) declareImport(n *treesitter.Node, sc *scope) {
	spec := unquote(text(n.Field("source")))
	for _, c := range named(n) {
		switch c.Type() {
		case "import_clause":
			for _, cc := range named(c) {
				switch cc.Type() {
				case "identifier":
					sc.add(&binding{kind: bImport, name: cc.Text(), m: m, sc: sc, spec: spec, imported: "default"})
				case "namespace_import":
					if id := named(cc); len(id) > 0 {
						sc.add(&binding{kind: bNamespace, name: id[0].Text(), m: m, sc: sc, spec: spec})
					}
				case "named_imports":
					for _, s := range named(cc) {
						name, alias := s.Field("name"), s.Field("alias")
						if name == nil {
							continue
						}
						local := name.Text()
						if alias != nil {
							local = alias.Text()
						}
						sc.add(&binding{kind: bImport, name: local, m: m, sc: sc, spec: spec, imported: propKey(name)})
					}
				}
			}
		case "import_require_clause":
			if id := named(c); len(id) > 0 {
				sc.add(&binding{kind: bNamespace, name: id[0].Text(), m: m, sc: sc,
					spec: unquote(text(c.Field("source")))})
			}
		}
	}
}

// declareExport records an export statement's names; when the walk does
// not descend into it (in=false), it also declares its declaration here.
func (m *module) declareExport(n *treesitter.Node, cur *scope, in bool) {
	src := n.Field("source")
	if d := n.Field("declaration"); d != nil {
		isDefault := false
		for _, c := range n.Children() {
			if c.Type() == "default" {
				isDefault = true
			}
		}
		for _, name := range declNames(d) {
			m.exports[name] = &export{local: name}
			if isDefault {
				m.exports["default"] = &export{local: name}
			}
		}
		if !in {
			switch d.Type() {
			case "lexical_declaration", "variable_declaration":
				m.declareVars(d, cur)
			case "function_declaration", "generator_function_declaration":
				cur.add(&binding{kind: bFunc, name: text(d.Field("name")), node: d, sc: cur, m: m})
			case "class_declaration":
				cur.add(&binding{kind: bClass, name: text(d.Field("name")), node: d, sc: cur, m: m})
			case "enum_declaration":
				cur.add(&binding{kind: bEnum, name: text(d.Field("name")), node: d, sc: cur, m: m})
			}
		}
		return
	}
	if v := n.Field("value"); v != nil {
		m.exports["default"] = &export{node: v}
		return
	}
	for _, c := range named(n) {
		switch c.Type() {
		case "export_clause":
			for _, s := range named(c) {
				name, alias := s.Field("name"), s.Field("alias")
				if name == nil {
					continue
				}
				out := propKey(name)
				if alias != nil {
					out = propKey(alias)
				}
				if src != nil {
					m.exports[out] = &export{spec: unquote(src.Text()), name: propKey(name)}
				} else {
					m.exports[out] = &export{local: name.Text()}
				}
			}
		case "namespace_export":
			if id := named(c); len(id) > 0 && src != nil {
				m.exports[propKey(id[0])] = &export{spec: unquote(src.Text()), ns: true}
			}
		case "identifier":
			if src == nil { // TypeScript `export = x`
				m.cjs = c
			}
		}
	}
	if src != nil && len(named(n)) == 1 {
		m.stars = append(m.stars, unquote(src.Text()))
	}
}

// declNames lists the names a declaration introduces.
func declNames(d *treesitter.Node) []string {
	switch d.Type() {
	case "lexical_declaration", "variable_declaration":
		var out []string
		for _, v := range named(d) {
			if v.Type() == "variable_declarator" {
				eachName(v.Field("name"), func(name string, _ []string) { out = append(out, name) })
			}
		}
		return out
	}
	if name := d.Field("name"); name != nil {
		return []string{name.Text()}
	}
	return nil
}

// declareCJS records CommonJS exports: exports.x = v, module.exports = v,
// module.exports.x = v and tsc's Object.defineProperty(exports, "x", {get}).
func (m *module) declareCJS(stmt *treesitter.Node) {
	cs := named(stmt)
	if len(cs) == 0 {
		return
	}
	e := cs[0]
	switch e.Type() {
	case "assignment_expression":
		left, right := e.Field("left"), e.Field("right")
		for i := 0; right != nil && right.Type() == "assignment_expression" && i < 64; i++ {
			right = right.Field("right")
		}
		if right == nil || isVoid(right) {
			return
		}
		lt := text(left)
		if lt == "module.exports" {
			m.cjs = right
			return
		}
		if left != nil && left.Type() == "member_expression" {
			obj := text(left.Field("object"))
			if obj == "exports" || obj == "module.exports" {
				m.exports[text(left.Field("property"))] = &export{node: right}
			}
		}
	case "call_expression":
		if text(e.Field("function")) != "Object.defineProperty" {
			return
		}
		args := named(e.Field("arguments"))
		if len(args) == 3 && args[0].Text() == "exports" && args[1].Type() == "string" {
			m.exports[unquote(args[1].Text())] = &export{node: args[2], descriptor: true}
		}
	}
}

// isVoid matches `void 0` and undefined, which tsc assigns to exports first.
func isVoid(n *treesitter.Node) bool {
	return n.Type() == "undefined" || (n.Type() == "unary_expression" && strings.HasPrefix(n.Text(), "void"))
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	p := len(b)
	for i > 0 {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
	}
	return string(b[p:])
}
