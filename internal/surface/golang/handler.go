package golang

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"sort"
	"strings"

	"github.com/mcpcert/mcpcert/internal/surface"
)

// handlerRef is a resolved handler function.
type handlerRef struct {
	fn    *funcRef
	fr    *frame // its body's frame: a closure keeps its enclosing bindings
	typed bool   // mcp-go typed handler: arguments bound to the third parameter
}

// handlerOf resolves a handler expression: a function, a method value, a
// function literal (possibly returned by a helper), through mcp-go's typed
// handler constructors and through middleware wrapping it.
func (x *extractor) handlerOf(e ast.Expr, fr *frame, depth int) *handlerRef {
	if e == nil || depth > 3 {
		return nil
	}
	for _, fl := range x.follow(e, fr) {
		if fl.e == nil {
			continue
		}
		if fn := x.funcOf(fl.e, fl.fr); fn != nil {
			if len(flatParams(fn.typ())) < 2 {
				continue
			}
			hfr := fl.fr
			if fn.lit == nil || fn.f != fl.fr.f {
				hfr = x.base(fn.f)
				hfr.env = fl.fr.env
			}
			return &handlerRef{fn: fn, fr: hfr}
		}
		call, ok := fl.e.(*ast.CallExpr)
		if !ok {
			continue
		}
		ip, name, _ := fl.fr.f.sdkRef(call.Fun)
		if ip == pathMCPGo && (name == "NewTypedToolHandler" || name == "NewStructuredToolHandler") && len(call.Args) == 1 {
			if h := x.handlerOf(call.Args[0], fl.fr, depth+1); h != nil {
				h.typed = true
				return h
			}
			continue
		}
		for _, a := range call.Args {
			if h := x.handlerOf(a, fl.fr, depth+1); h != nil {
				return h
			}
		}
	}
	return nil
}

// param is one parameter (or result) of a function type, flattened.
type param struct {
	name *ast.Ident // nil when unnamed
	typ  ast.Expr
}

func flatFields(fl *ast.FieldList) []param {
	var out []param
	if fl == nil {
		return nil
	}
	for _, f := range fl.List {
		if len(f.Names) == 0 {
			out = append(out, param{typ: f.Type})
		}
		for _, n := range f.Names {
			out = append(out, param{name: n, typ: f.Type})
		}
	}
	return out
}

func flatParams(ft *ast.FuncType) []param { return flatFields(ft.Params) }

// isAny reports whether t is any or an empty interface.
func isAny(t ast.Expr) bool {
	switch v := t.(type) {
	case *ast.Ident:
		return v.Name == "any"
	case *ast.InterfaceType:
		return v.Methods == nil || len(v.Methods.List) == 0
	}
	return false
}

// attachHandler links a handler to a tool: its position, the schemas go-sdk
// infers from its types, the parameters it reads and its output texts.
func (x *extractor) attachHandler(b *builder, t *surface.Tool, h *handlerRef, via string) {
	if h == nil {
		if via == viaTyped && t.InputSchema == nil {
			b.fail("input schema", "inferred from the handler's input type, and the handler was not found")
		}
		return
	}
	x.handlers[h.fn.node()] = true
	t.Handler = x.pos(h.fn.f, h.fn.node())
	params := flatParams(h.fn.typ())
	inIdx := -1
	if via == viaTyped || h.typed {
		inIdx = 2
	}
	if via == viaTyped {
		if t.InputSchema == nil {
			if len(params) == 3 {
				t.InputSchema = x.typeSchema(b, "input schema", params[2].typ, h.fn.f, styleGoSDK)
			} else {
				b.fail("input schema", "the handler has no input parameter")
			}
		}
		if res := flatFields(h.fn.typ().Results); t.OutputSchema == nil && len(res) == 3 && !isAny(res[1].typ) {
			t.OutputSchema = x.typeSchema(b, "output schema", res[1].typ, h.fn.f, styleGoSDK)
		}
	}
	u := &usage{x: x, names: map[string]bool{}, reads: map[string][]read{}}
	u.analyze(h.fn, requestParam(params, h.fn.f), inIdx, 0)
	t.HandlerKnown = true
	t.UsedParams = u.result(t.InputSchema)
	if !u.all {
		t.SinkParams = x.sinkParams(u.reads)
	}
	t.Outputs = x.outputs(h)
}

// requestParam finds the *mcp.CallToolRequest (or mcp.CallToolRequest)
// parameter; by default the second one.
func requestParam(params []param, f *file) int {
	for i, p := range params {
		t := p.typ
		if s, ok := t.(*ast.StarExpr); ok {
			t = s.X
		}
		if ip, name, _ := f.sdkRef(t); isMCP(ip) && name == "CallToolRequest" {
			return i
		}
	}
	if len(params) >= 2 {
		return 1
	}
	return -1
}

// role is what a variable of a handler holds.
type role int

const (
	roleReq  role = iota + 1 // the request
	roleArgs                 // its arguments (map or raw JSON)
	roleIn                   // the typed input struct
)

// usage collects the argument names a handler reads. When the arguments
// escape whole (passed to an unknown function, ranged over, stored), every
// declared property counts as used.
type usage struct {
	x     *extractor
	names map[string]bool
	all   bool
	reads map[string][]read // where each named argument's value is read
}

type occurrence struct {
	id    *ast.Ident
	stack []ast.Node
}

func (u *usage) result(in *surface.Schema) []string {
	if u.all && in != nil {
		for _, p := range in.Properties {
			u.names[p.Name.Value] = true
		}
	}
	out := make([]string, 0, len(u.names))
	for n := range u.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// analyze follows the request (parameter reqIdx) and typed input (inIdx)
// of fn through aliases to the places they are read.
func (u *usage) analyze(fn *funcRef, reqIdx, inIdx, depth int) {
	body := fn.body()
	if body == nil {
		u.all = true
		return
	}
	params := flatParams(fn.typ())
	roles := map[*binding]role{}
	var queue []*binding
	set := func(b *binding, r role) {
		if b != nil && roles[b] == 0 {
			roles[b] = r
			queue = append(queue, b)
		}
	}
	var fields map[string]string
	if reqIdx >= 0 && reqIdx < len(params) && params[reqIdx].name != nil {
		set(fn.f.uses[params[reqIdx].name], roleReq)
	}
	if inIdx >= 0 && inIdx < len(params) && params[inIdx].name != nil {
		set(fn.f.uses[params[inIdx].name], roleIn)
		fields = u.x.fieldMap(params[inIdx].typ, fn.f)
	}
	occ := u.x.occurrences(fn)
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		for _, o := range occ[b] {
			if o.id != b.decl {
				u.visit(roles[b], o.id, o.stack, fn, fields, set, depth)
			}
		}
	}
}

// occurrences indexes the identifiers of a function body by the binding
// they refer to, each with its ancestors; computed once per function.
func (x *extractor) occurrences(fn *funcRef) map[*binding][]occurrence {
	key := fn.node()
	if m, ok := x.occ[key]; ok {
		return m
	}
	m := map[*binding][]occurrence{}
	if body := fn.body(); body != nil {
		ast.PreorderStack(body, nil, func(n ast.Node, stack []ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if b := fn.f.uses[id]; b != nil {
					m[b] = append(m[b], occurrence{id: id, stack: slices.Clone(stack)})
				}
			}
			return true
		})
	}
	x.occ[key] = m
	return m
}

// fieldMap maps the Go field names of a struct type to their JSON names.
func (x *extractor) fieldMap(t ast.Expr, f *file) map[string]string {
	st, sf := x.structOf(t, f)
	if st == nil {
		return nil
	}
	var fields []jsonField
	x.jsonFields(st, sf, 0, map[*ast.TypeSpec]bool{}, &fields)
	out := map[string]string{}
	for _, jf := range fields {
		out[jf.goName] = jf.name
	}
	return out
}

func top(stack []ast.Node) (ast.Node, []ast.Node) {
	if len(stack) == 0 {
		return nil, nil
	}
	return stack[len(stack)-1], stack[:len(stack)-1]
}

// visit classifies one use of node (holding role r) by its parent.
func (u *usage) visit(r role, node ast.Expr, stack []ast.Node, fn *funcRef, fields map[string]string, set func(*binding, role), depth int) {
	parent, up := top(stack)
	switch p := parent.(type) {
	case nil:
		return
	case *ast.ParenExpr:
		u.visit(r, p, up, fn, fields, set, depth)
		return
	case *ast.AssignStmt:
		u.alias(node, p.Lhs, p.Rhs, fn, r, set)
		return
	case *ast.ValueSpec:
		lhs := make([]ast.Expr, len(p.Names))
		for i, n := range p.Names {
			lhs[i] = n
		}
		u.alias(node, lhs, p.Values, fn, r, set)
		return
	case *ast.BinaryExpr:
		return // compared (with nil)
	}
	switch r {
	case roleReq:
		switch p := parent.(type) {
		case *ast.SelectorExpr:
			gp, gup := top(up)
			call, isCall := gp.(*ast.CallExpr)
			isCall = isCall && call.Fun == p
			switch sel := p.Sel.Name; {
			case sel == "Params":
				if g, ok := gp.(*ast.SelectorExpr); ok && g.Sel.Name == "Arguments" {
					u.visit(roleArgs, g, gup, fn, fields, set, depth)
				}
			case (sel == "GetArguments" || sel == "GetRawArguments") && isCall:
				u.visit(roleArgs, call, gup, fn, fields, set, depth)
			case sel == "BindArguments" && isCall && len(call.Args) == 1:
				u.bind(call.Args[0], fn)
			case (strings.HasPrefix(sel, "Get") || strings.HasPrefix(sel, "Require")) && isCall && len(call.Args) >= 1:
				u.read(u.key(call.Args[0], fn), call, gup, fn)
			}
		case *ast.CallExpr:
			// mcp.ParseString(req, "name", default) and its siblings
			if ip, name, _ := fn.f.sdkRef(p.Fun); ip == pathMCPGo && strings.HasPrefix(name, "Parse") && len(p.Args) >= 2 && p.Args[0] == node {
				u.read(u.key(p.Args[1], fn), p, up, fn)
				return
			}
			u.passed(p, node, r, fn, depth)
		case *ast.StarExpr, *ast.UnaryExpr:
			u.visit(r, p.(ast.Expr), up, fn, fields, set, depth)
		default:
			u.all = true
		}
	case roleArgs:
		switch p := parent.(type) {
		case *ast.IndexExpr:
			if p.X == node {
				u.read(u.key(p.Index, fn), p, up, fn)
			} else {
				u.all = true
			}
		case *ast.TypeAssertExpr:
			u.visit(r, p, up, fn, fields, set, depth)
		case *ast.CallExpr:
			switch {
			case isIdent(p.Fun, "len") && fn.f.uses[p.Fun.(*ast.Ident)] == nil:
			case isSelector(p.Fun, "encoding/json", "Unmarshal", fn.f) && len(p.Args) == 2 && p.Args[0] == node:
				u.bind(p.Args[1], fn)
			default:
				u.all = true
			}
		default:
			u.all = true
		}
	case roleIn:
		switch p := parent.(type) {
		case *ast.SelectorExpr:
			if name, ok := fields[p.Sel.Name]; ok {
				u.names[name] = true
				u.read(name, p, up, fn)
			} else {
				u.all = true
			}
		case *ast.CallExpr:
			u.passed(p, node, r, fn, depth)
		case *ast.StarExpr, *ast.UnaryExpr:
			u.visit(r, p.(ast.Expr), up, fn, fields, set, depth)
		default:
			u.all = true
		}
	}
}

// alias gives the role to the variable node is assigned to.
func (u *usage) alias(node ast.Expr, lhs, rhs []ast.Expr, fn *funcRef, r role, set func(*binding, role)) {
	for i, e := range rhs {
		if e != node {
			continue
		}
		target := lhs[0]
		if len(lhs) == len(rhs) {
			target = lhs[i]
		}
		if id, ok := target.(*ast.Ident); ok {
			if id.Name != "_" {
				set(fn.f.uses[id], r)
			}
			return
		}
		u.all = true
		return
	}
}

// passed analyses the workspace function that receives node whole, two
// levels deep; anything else sees all the arguments.
func (u *usage) passed(call *ast.CallExpr, node ast.Expr, r role, fn *funcRef, depth int) {
	i := slices.Index(call.Args, node)
	callee := u.x.funcOf(call.Fun, u.x.base(fn.f))
	if i < 0 || callee == nil || depth >= 2 || i >= len(flatParams(callee.typ())) {
		u.all = true
		return
	}
	if r == roleReq {
		u.analyze(callee, i, -1, depth+1)
	} else {
		u.analyze(callee, -1, i, depth+1)
	}
}

// key records a constant argument name, or all names when it is not one,
// and returns the name ("" when unknown).
func (u *usage) key(e ast.Expr, fn *funcRef) string {
	u.x.budget()
	if s, ok := u.x.eval(e, u.x.base(fn.f)).str(); ok {
		u.names[s] = true
		return s
	}
	u.all = true
	return ""
}

// read records where the value of argument name is read: e, under stack.
func (u *usage) read(name string, e ast.Expr, stack []ast.Node, fn *funcRef) {
	if name != "" {
		u.reads[name] = append(u.reads[name], read{e: e, stack: slices.Clone(stack), fn: fn})
	}
}

// bind records the JSON fields of the struct the arguments are decoded into.
func (u *usage) bind(e ast.Expr, fn *funcRef) {
	var t ast.Expr
	if ue, ok := e.(*ast.UnaryExpr); ok && ue.Op == token.AND {
		e = ue.X
	}
	if id, ok := e.(*ast.Ident); ok {
		if b := fn.f.uses[id]; b != nil {
			t = b.typ
			for _, a := range b.assigns {
				if t != nil || a.rhs == nil {
					break
				}
				switch v := ast.Unparen(a.rhs).(type) {
				case *ast.CompositeLit:
					t = v.Type
				case *ast.UnaryExpr:
					if lit, ok := v.X.(*ast.CompositeLit); ok {
						t = lit.Type
					}
				case *ast.CallExpr:
					if isIdent(v.Fun, "new") && len(v.Args) == 1 {
						t = v.Args[0]
					}
				}
			}
		}
	}
	m := u.x.fieldMap(t, fn.f)
	if t == nil || m == nil {
		u.all = true
		return
	}
	for _, n := range m {
		u.names[n] = true
	}
}

// outputTexts are the mcp-go result constructors and the index of their
// text argument.
var outputTexts = map[string]int{
	"NewToolResultText": 0, "NewToolResultError": 0, "NewTextContent": 0, "NewToolResultErrorFromErr": 0,
	"NewToolResultImage": 0, "NewToolResultAudio": 0, "NewToolResultResource": 0, "NewToolResultStructured": 1,
}

// outputs collects the texts a handler returns to the model: result and
// content constructors, TextContent literals, and errors (errors.New,
// fmt.Errorf, package error variables returned). Texts we cannot recover
// at all are left out: there is nothing to check in them.
func (x *extractor) outputs(h *handlerRef) []surface.Text {
	body := h.fn.body()
	if body == nil {
		return nil
	}
	f, fr := h.fn.f, h.fr
	var out []surface.Text
	seen := map[string]bool{}
	add := func(t surface.Text) {
		key := fmt.Sprintf("%s:%d:%d\x00%s", t.Pos.Path, t.Pos.StartLine, t.Pos.StartCol, t.Value)
		if t.Resolution == surface.Unresolved || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, t)
	}
	textAt := func(e ast.Expr, fr *frame) {
		x.budget()
		t, _ := x.text(e, fr)
		add(t)
	}
	formatted := func(call *ast.CallExpr, fr *frame) {
		x.budget()
		add(x.textOf(x.sprintf(call.Args, fr, true), call, fr))
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			ip, name, _ := f.sdkRef(n.Fun)
			switch {
			case ip == pathMCPGo && name == "NewToolResultErrorf", ip == "fmt" && name == "Errorf":
				formatted(n, fr)
			case ip == pathMCPGo:
				if i, ok := outputTexts[name]; ok && i < len(n.Args) {
					textAt(n.Args[i], fr)
				}
			case ip == "errors" && name == "New" && len(n.Args) == 1:
				textAt(n.Args[0], fr)
			}
		case *ast.CompositeLit:
			t := n.Type
			if s, ok := t.(*ast.StarExpr); ok {
				t = s.X
			}
			if ip, name, _ := f.sdkRef(t); isMCP(ip) && name == "TextContent" {
				if fv, ok := x.field(flow{e: n, fr: fr}, "Text"); ok {
					textAt(fv.e, fv.fr)
				}
			}
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				x.errorVar(r, fr, textAt, formatted)
			}
		}
		return true
	})
	return out
}

// errorVar extracts the message of a package error variable returned by a
// handler (var errX = errors.New("…")).
func (x *extractor) errorVar(e ast.Expr, fr *frame, textAt func(ast.Expr, *frame), formatted func(*ast.CallExpr, *frame)) {
	id, ok := e.(*ast.Ident)
	if !ok || fr.f.uses[id] != nil {
		return
	}
	x.index(fr.f.pkg)
	vd := fr.f.pkg.vars[id.Name]
	if vd == nil || len(vd.spec.Values) != len(vd.spec.Names) {
		return
	}
	call, ok := vd.spec.Values[vd.index].(*ast.CallExpr)
	if !ok {
		return
	}
	vfr := fr.at(vd.f)
	switch ip, name, _ := vd.f.sdkRef(call.Fun); {
	case ip == "errors" && name == "New" && len(call.Args) == 1:
		textAt(call.Args[0], vfr)
	case ip == "fmt" && name == "Errorf":
		formatted(call, vfr)
	}
}
