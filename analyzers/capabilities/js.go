package capabilities

import (
	"bytes"
	"context"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
	"github.com/mcpcert/mcpcert/internal/surface/jsts"
)

// jsBinding is what a local name is bound to by an import or a require:
// a module and a member path in it (empty for a namespace or default).
type jsBinding struct {
	module string
	path   []string
}

// jsRoots are the words without which a JavaScript file can use nothing
// the vocabulary knows; a file with none of them is not parsed.
var jsRoots = [][]byte{[]byte("import"), []byte("require"), []byte("fetch"), []byte("process"),
	[]byte("WebSocket"), []byte("XMLHttpRequest"), []byte("EventSource"), []byte("Deno"), []byte("Bun")}

// interopWrappers are the helpers compilers and bundlers wrap require in.
var interopWrappers = map[string]bool{
	"__importDefault": true, "__importStar": true, "__toESM": true, "_interopRequireDefault": true,
	"_interopRequireWildcard": true, "__toCommonJS": true,
}

// requireNames call a module loader: Node's, and esbuild's in ESM bundles.
var requireNames = map[string]bool{"require": true, "__require": true}

// jsGlobalObjects are the names of the global object: globalThis.fetch is
// fetch.
var jsGlobalObjects = map[string]bool{"globalThis": true, "window": true, "self": true, "global": true}

// jsResolve records the use, if any, of a reference to root.path...: root
// bound by binds, or a global. shadowed is asked only for a reference that
// would be a use.
func (c *collector) jsResolve(binds map[string]jsBinding, root string, path []string, args func() *callArgs, pos posFunc, shadowed func() bool) {
	var q string
	if b, ok := binds[root]; ok {
		q = jsQualify(b.module, append(append([]string(nil), b.path...), path...))
	} else {
		if jsGlobalObjects[root] && len(path) > 0 {
			root, path = path[0], path[1:]
		}
		if !jsGlobals[root] {
			return
		}
		q = jsQualify(root, path)
	}
	api, e, ok := jsVocab.lookup(q)
	if !ok || (shadowed != nil && shadowed()) {
		return
	}
	var a *callArgs
	if e.mode != nil && args != nil {
		a = args()
	}
	c.use(api, e, a, pos)
}

// js inventories one JavaScript or TypeScript file: parsed with
// tree-sitter up to treeMax, lexed above.
func (c *collector) js(ctx context.Context, p string, src []byte) error {
	if !containsAny(src, jsRoots) {
		return nil
	}
	if len(src) > treeMax {
		c.jsLex(src)
		return nil
	}
	tree, err := c.parse(ctx, jsts.Grammar(p), src)
	if tree == nil {
		return err
	}
	defer tree.Close()
	root := tree.Root()
	w := &jsWalk{c: c, binds: map[string]jsBinding{}, sites: map[int]bool{}}
	root.Walk(func(n *treesitter.Node) bool {
		switch n.Type() {
		case "import_statement":
			w.importStatement(n)
			return false
		case "variable_declarator":
			w.declarator(n.Field("name"), n.Field("value"), n)
		case "assignment_expression":
			w.declarator(n.Field("left"), n.Field("right"), n)
		}
		return true
	})
	root.Walk(func(n *treesitter.Node) bool {
		switch n.Type() {
		case "import_statement":
			return false
		case "identifier":
			w.ident(n)
		case "call_expression":
			w.requireCall(n)
		}
		return true
	})
	return nil
}

func containsAny(src []byte, words [][]byte) bool {
	for _, w := range words {
		if bytes.Contains(src, w) {
			return true
		}
	}
	return false
}

// jsWalk resolves the names of one parsed file.
type jsWalk struct {
	c     *collector
	binds map[string]jsBinding
	sites map[int]bool // start bytes of the declarators that bind a module
}

func unquoteJS(s string) string { return strings.Trim(s, "\"'`") }

// importStatement binds the names of an ESM import; type-only imports
// bind nothing that runs.
func (w *jsWalk) importStatement(n *treesitter.Node) {
	src := n.Field("source")
	if src == nil || strings.HasPrefix(n.Text(), "import type") {
		return
	}
	mod := jsModule(unquoteJS(src.Text()))
	for _, cl := range n.NamedChildren() {
		if cl.Type() != "import_clause" {
			continue
		}
		for _, x := range cl.NamedChildren() {
			switch x.Type() {
			case "identifier": // import x from
				w.binds[x.Text()] = jsBinding{module: mod}
			case "namespace_import": // import * as x from
				for _, id := range x.NamedChildren() {
					w.binds[id.Text()] = jsBinding{module: mod}
				}
			case "named_imports":
				for _, sp := range x.NamedChildren() {
					name, alias := sp.Field("name"), sp.Field("alias")
					if sp.Type() != "import_specifier" || name == nil || strings.HasPrefix(sp.Text(), "type ") {
						continue
					}
					local := name
					if alias != nil {
						local = alias
					}
					w.binds[local.Text()] = jsBinding{module: mod, path: []string{unquoteJS(name.Text())}}
				}
			}
		}
	}
}

// requireOf reads require("m").a.b (through await, parentheses and
// interop wrappers) as the module and member path.
func requireOf(n *treesitter.Node) (string, []string, bool) {
	var path []string
	for depth := 0; n != nil && depth < 16; depth++ {
		switch n.Type() {
		case "member_expression":
			path = append([]string{n.Field("property").Text()}, path...)
			n = n.Field("object")
		case "await_expression", "parenthesized_expression", "non_null_expression":
			kids := n.NamedChildren()
			if len(kids) == 0 {
				return "", nil, false
			}
			n = kids[len(kids)-1]
		case "call_expression":
			fn, args := n.Field("function"), n.Field("arguments")
			if fn == nil || args == nil {
				return "", nil, false
			}
			as := args.NamedChildren()
			if len(as) == 0 {
				return "", nil, false
			}
			switch {
			case (fn.Type() == "import" || (fn.Type() == "identifier" && requireNames[fn.Text()])) && as[0].Type() == "string":
				return jsModule(unquoteJS(as[0].Text())), path, true
			case fn.Type() == "identifier" && interopWrappers[fn.Text()]:
				n = as[0]
			default:
				return "", nil, false
			}
		default:
			return "", nil, false
		}
	}
	return "", nil, false
}

// declarator binds `x = require("m")`, `{a, b: c} = require("m")` and
// `x = require("m").a`.
func (w *jsWalk) declarator(name, value, decl *treesitter.Node) {
	if name == nil || value == nil {
		return
	}
	mod, path, ok := requireOf(value)
	if !ok {
		return
	}
	w.sites[decl.StartByte()] = true
	w.pattern(name, jsBinding{module: mod, path: path}, 0)
}

// pattern binds the names of a destructuring pattern to members of b.
func (w *jsWalk) pattern(p *treesitter.Node, b jsBinding, depth int) {
	if depth > 8 {
		return
	}
	member := func(key string) jsBinding {
		return jsBinding{module: b.module, path: append(append([]string(nil), b.path...), key)}
	}
	switch p.Type() {
	case "identifier":
		w.binds[p.Text()] = b
	case "object_pattern":
		for _, x := range p.NamedChildren() {
			switch x.Type() {
			case "shorthand_property_identifier_pattern":
				w.binds[x.Text()] = member(x.Text())
			case "object_assignment_pattern":
				if l := x.Field("left"); l != nil {
					w.binds[l.Text()] = member(l.Text())
				}
			case "pair_pattern":
				k, v := x.Field("key"), x.Field("value")
				if k != nil && v != nil {
					if v.Type() == "assignment_pattern" {
						v = v.Field("left")
					}
					if v != nil {
						w.pattern(v, member(unquoteJS(k.Text())), depth+1)
					}
				}
			}
		}
	}
}

// requireCall handles require("m").a(...) used without a binding.
func (w *jsWalk) requireCall(n *treesitter.Node) {
	fn := n.Field("function")
	if fn == nil || !(fn.Type() == "import" || (fn.Type() == "identifier" && requireNames[fn.Text()])) {
		return
	}
	mod, _, ok := requireOf(n)
	if !ok {
		return
	}
	// A require that a declarator binds is used through its names.
	for a, depth := n.Parent(), 0; a != nil && depth < 8; a, depth = a.Parent(), depth+1 {
		if t := a.Type(); (t == "variable_declarator" || t == "assignment_expression") && w.sites[a.StartByte()] {
			return
		}
	}
	top, path, args := chain(n)
	w.c.jsResolve(map[string]jsBinding{"": {module: mod}}, "", path, args, nodePos(top), nil)
}

// declaring are the parents whose identifier child (in these fields)
// declares a name rather than referring to one.
var declaring = map[string]bool{
	"function_declaration": true, "function_expression": true, "generator_function_declaration": true,
	"class_declaration": true, "method_definition": true, "formal_parameters": true, "required_parameter": true,
	"optional_parameter": true, "rest_pattern": true, "array_pattern": true, "object_pattern": true,
	"catch_clause": true, "labeled_statement": true, "import_specifier": true, "export_specifier": true,
	"namespace_import": true, "namespace_export": true, "break_statement": true, "continue_statement": true,
}

// ident resolves a reference.
func (w *jsWalk) ident(n *treesitter.Node) {
	name := n.Text()
	if _, bound := w.binds[name]; !bound && !jsGlobals[name] && !jsGlobalObjects[name] {
		return
	}
	parent := n.Parent()
	if parent == nil {
		return
	}
	switch pt := parent.Type(); {
	case declaring[pt]:
		return
	case pt == "variable_declarator" && same(parent.Field("name"), n):
		return
	case pt == "pair_pattern" && same(parent.Field("value"), n):
		return
	case (pt == "assignment_pattern" || pt == "object_assignment_pattern") && same(parent.Field("left"), n):
		return
	}
	top, path, args := chain(n)
	w.c.jsResolve(w.binds, name, path, args, nodePos(top), func() bool { return w.shadowed(n, name) })
}

// chain climbs the member accesses above n (a.b.c, a["b"], a?.b) and
// returns the outermost node, the member names and, if that node is
// called or constructed, its arguments.
func chain(n *treesitter.Node) (*treesitter.Node, []string, func() *callArgs) {
	var path []string
	cur := n
	for depth := 0; depth < 64; depth++ {
		p := cur.Parent()
		if p == nil {
			break
		}
		if p.Type() == "member_expression" && same(p.Field("object"), cur) {
			if prop := p.Field("property"); prop != nil {
				path = append(path, prop.Text())
				cur = p
				continue
			}
		}
		if p.Type() == "subscript_expression" && same(p.Field("object"), cur) {
			if ix := p.Field("index"); ix != nil && ix.Type() == "string" {
				path = append(path, unquoteJS(ix.Text()))
				cur = p
				continue
			}
		}
		break
	}
	var args func() *callArgs
	if p := cur.Parent(); p != nil && (p.Type() == "call_expression" && same(p.Field("function"), cur) ||
		p.Type() == "new_expression" && same(p.Field("constructor"), cur)) {
		if an := p.Field("arguments"); an != nil {
			args = func() *callArgs { return jsArgs(an) }
		}
	}
	return cur, path, args
}

func jsArgs(an *treesitter.Node) *callArgs {
	a := &callArgs{}
	for _, x := range an.NamedChildren() {
		if x.Type() == "comment" {
			continue
		}
		v := arg{text: x.Text()}
		if x.Type() == "string" {
			v.str, v.isStr = unquoteJS(v.text), true
		}
		a.pos = append(a.pos, v)
	}
	return a
}

// same reports whether a and b are the same node.
func same(a, b *treesitter.Node) bool {
	return a != nil && b != nil && a.StartByte() == b.StartByte() && a.EndByte() == b.EndByte() && a.Type() == b.Type()
}

func nodePos(n *treesitter.Node) posFunc {
	return func() (p analysis.Position) {
		p.StartLine, p.StartCol = n.Start()
		p.EndLine, p.EndCol = n.End()
		return p
	}
}

// jsFunctions are the nodes whose parameters scope over their body.
var jsFunctions = map[string]bool{
	"function_declaration": true, "function_expression": true, "function": true, "arrow_function": true,
	"method_definition": true, "generator_function_declaration": true, "generator_function": true,
}

// shadowed reports whether name at n refers to a parameter or a local
// declaration (function, class, variable not bound to a module) of an
// enclosing scope instead of the import or global.
func (w *jsWalk) shadowed(n *treesitter.Node, name string) bool {
	for a, depth := n.Parent(), 0; a != nil && depth < 512; a, depth = a.Parent(), depth+1 {
		if jsFunctions[a.Type()] {
			if ps := a.Field("parameters"); ps != nil && declares(ps, name) {
				return true
			}
			if p := a.Field("parameter"); p != nil && p.Text() == name { // x => ...
				return true
			}
		}
		switch a.Type() {
		case "statement_block", "program", "class_body":
			for _, st := range a.NamedChildren() {
				if w.declaresHere(st, name) {
					return true
				}
			}
		}
	}
	return false
}

// declaresHere reports whether statement st declares name locally.
func (w *jsWalk) declaresHere(st *treesitter.Node, name string) bool {
	if st.Type() == "export_statement" {
		if d := st.Field("declaration"); d != nil {
			st = d
		}
	}
	switch st.Type() {
	case "function_declaration", "class_declaration", "generator_function_declaration":
		id := st.Field("name")
		return id != nil && id.Text() == name
	case "lexical_declaration", "variable_declaration":
		for _, d := range st.NamedChildren() {
			if d.Type() == "variable_declarator" && !w.sites[d.StartByte()] {
				if id := d.Field("name"); id != nil && declares(id, name) {
					return true
				}
			}
		}
	}
	return false
}

// declares reports whether a parameter list or pattern binds name.
func declares(p *treesitter.Node, name string) bool {
	found := false
	p.Walk(func(x *treesitter.Node) bool {
		if found {
			return false
		}
		switch x.Type() {
		case "identifier", "shorthand_property_identifier_pattern":
			if x.Text() == name {
				if par := x.Parent(); par == nil || par.Type() != "assignment_pattern" || same(par.Field("left"), x) {
					found = true
				}
			}
		case "type_annotation", "arrow_function", "function_expression":
			return false
		}
		return !found
	})
	return found
}
