package golang

import (
	"go/ast"
	"go/constant"
	"go/token"
	"maps"
)

// flow is an expression a value may come from, with where to evaluate it.
type flow struct {
	e    ast.Expr
	fr   *frame
	typ  ast.Expr   // implied type of an elided composite literal
	list []ast.Expr // a variadic parameter's arguments (e is nil)
	key  ast.Expr   // entries of a map literal: the key
}

// follow returns the expressions e may evaluate to, through variables,
// package variables, fields and elements of composite literals, & and *,
// and the return statements of helper functions. Anything else is returned
// as is.
func (x *extractor) follow(e ast.Expr, fr *frame) []flow {
	var out []flow
	x.followInto(e, fr, nil, &out)
	return out
}

func (x *extractor) followInto(e ast.Expr, fr *frame, typ ast.Expr, out *[]flow) {
	if len(*out) >= maxInstances {
		x.truncated = true
		return
	}
	if !x.step(fr) {
		return
	}
	terminal := func() { *out = append(*out, flow{e: e, fr: fr, typ: typ}) }
	switch v := e.(type) {
	case *ast.ParenExpr:
		x.followInto(v.X, fr.deeper(), typ, out)
	case *ast.StarExpr:
		x.followInto(v.X, fr.deeper(), nil, out)
	case *ast.UnaryExpr:
		if v.Op != token.AND {
			terminal()
			return
		}
		x.followInto(v.X, fr.deeper(), typ, out)
	case *ast.Ident:
		if b := fr.f.uses[v]; b != nil {
			if a, ok := fr.lookup(b); ok {
				switch {
				case a.list != nil:
					*out = append(*out, flow{list: a.list, fr: a.fr})
				case a.expr != nil:
					x.followInto(a.expr, a.fr, a.typ, out)
				default:
					terminal()
				}
				return
			}
			if b.kind != bindLocal || len(b.assigns) == 0 {
				terminal()
				return
			}
			for _, as := range reaching(b, v.Pos()) {
				switch {
				case as.rhs == nil || (as.op != token.DEFINE && as.op != token.ASSIGN):
				case as.idx >= 0:
					x.followTuple(as.rhs, as.idx, fr.deeper(), out)
				default:
					x.followInto(as.rhs, fr.deeper(), nil, out)
				}
			}
			return
		}
		x.index(fr.f.pkg)
		if !x.followVar(fr.f.pkg, v.Name, fr, out) {
			terminal()
		}
	case *ast.SelectorExpr:
		if ip := fr.f.importPath(v.X); ip != "" {
			if p := x.pkgByImport(ip); p != nil && ast.IsExported(v.Sel.Name) {
				x.index(p)
				if x.followVar(p, v.Sel.Name, fr, out) {
					return
				}
			}
			terminal()
			return
		}
		found := false
		for _, fl := range x.follow(v.X, fr.deeper()) {
			if fv, ok := x.field(fl, v.Sel.Name); ok {
				found = true
				x.followInto(fv.e, fv.fr, nil, out)
			}
		}
		if !found {
			terminal()
		}
	case *ast.IndexExpr:
		key := x.eval(v.Index, fr.deeper())
		found := false
		if key.c != nil {
			for _, fl := range x.follow(v.X, fr.deeper()) {
				if el, ok := x.elementAt(fl, key.c); ok {
					found = true
					x.followInto(el.e, el.fr, el.typ, out)
				}
			}
		}
		if !found {
			terminal()
		}
	case *ast.CallExpr:
		fn, hfr := x.callee(v, fr)
		if fn == nil {
			terminal()
			return
		}
		for _, ret := range returns(fn) {
			if len(ret.Results) == 1 {
				x.followInto(ret.Results[0], hfr, nil, out)
			}
		}
	default:
		terminal()
	}
}

// reaching returns the assignments of b whose values may reach a use: in
// straight-line code, the last one before it; otherwise (or when the
// variable is a slice grown by append) all of them.
func reaching(b *binding, use token.Pos) []assign {
	if !sequential(b) {
		return b.assigns
	}
	last := -1
	for i, a := range b.assigns {
		if call, ok := ast.Unparen(a.rhs).(*ast.CallExpr); ok && isIdent(call.Fun, "append") {
			return b.assigns
		}
		if (a.op == token.DEFINE || a.op == token.ASSIGN) && (last < 0 || a.pos < use) {
			last = i
		}
	}
	if last < 0 {
		return nil
	}
	return b.assigns[last : last+1]
}

// followVar follows a package variable of p to its initializer and to the
// values assigned to it in functions (tables filled in init).
func (x *extractor) followVar(p *pkg, name string, fr *frame, out *[]flow) bool {
	vd := p.vars[name]
	if vd == nil || len(vd.embed) > 0 {
		return false
	}
	vfr := fr.at(vd.f)
	switch vs := vd.spec; {
	case len(vs.Values) == len(vs.Names):
		x.followInto(vs.Values[vd.index], vfr, nil, out)
	case len(vs.Values) == 1:
		x.followTuple(vs.Values[0], vd.index, vfr, out)
	}
	for _, a := range p.assigned[name] {
		if a.a.rhs != nil && a.a.idx < 0 && a.a.op == token.ASSIGN {
			x.followInto(a.a.rhs, fr.at(a.f), nil, out)
		}
	}
	return true
}

// followTuple follows result idx of a multi-valued expression.
func (x *extractor) followTuple(e ast.Expr, idx int, fr *frame, out *[]flow) {
	switch v := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if fn, hfr := x.callee(v, fr); fn != nil {
			for _, ret := range returns(fn) {
				switch {
				case len(ret.Results) > idx && len(ret.Results) > 1:
					x.followInto(ret.Results[idx], hfr, nil, out)
				case len(ret.Results) == 1:
					x.followTuple(ret.Results[0], idx, hfr, out)
				}
			}
			return
		}
		if idx == 0 {
			*out = append(*out, flow{e: v, fr: fr})
		}
	case *ast.IndexExpr, *ast.TypeAssertExpr:
		if idx == 0 {
			x.followInto(v, fr, nil, out)
		}
	}
}

// compositeOf returns the composite literal of a flow and its type (the
// literal's own or the implied one).
func compositeOf(fl flow) (*ast.CompositeLit, ast.Expr) {
	lit, ok := fl.e.(*ast.CompositeLit)
	if !ok {
		return nil, nil
	}
	t := lit.Type
	if t == nil {
		t = fl.typ
	}
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	return lit, t
}

// knownFields lists the fields of SDK structs that are written positionally.
var knownFields = map[string][]string{
	pathMCPGoServer + ".ServerTool": {"Tool", "Handler"},
}

// field returns the value of field name in a struct literal.
func (x *extractor) field(fl flow, name string) (flow, bool) {
	lit, t := compositeOf(fl)
	if lit == nil || len(lit.Elts) == 0 {
		return flow{}, false
	}
	if _, keyed := lit.Elts[0].(*ast.KeyValueExpr); keyed {
		for _, el := range lit.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok && isIdent(kv.Key, name) {
				return flow{e: kv.Value, fr: fl.fr}, true
			}
		}
		return flow{}, false
	}
	for i, n := range x.fieldNames(t, fl.fr.f) {
		if n == name && i < len(lit.Elts) {
			return flow{e: lit.Elts[i], fr: fl.fr}, true
		}
	}
	return flow{}, false
}

// fieldNames lists the field names of a struct type, in order.
func (x *extractor) fieldNames(t ast.Expr, f *file) []string {
	if ip, name, _ := f.sdkRef(t); ip != "" {
		if names, ok := knownFields[ip+"."+name]; ok {
			return names
		}
	}
	st, _ := x.structOf(t, f)
	if st == nil {
		return nil
	}
	var names []string
	for _, fld := range st.Fields.List {
		if len(fld.Names) == 0 {
			names = append(names, baseTypeName(fld.Type))
		}
		for _, n := range fld.Names {
			names = append(names, n.Name)
		}
	}
	return names
}

// elementAt returns the element of a slice or map literal at a constant key.
func (x *extractor) elementAt(fl flow, key constant.Value) (flow, bool) {
	lit, t := compositeOf(fl)
	if lit == nil {
		return flow{}, false
	}
	et, isMap := x.elemType(t, fl.fr.f)
	for i, el := range lit.Elts {
		kv, keyed := el.(*ast.KeyValueExpr)
		switch {
		case isMap && keyed:
			if k := x.eval(kv.Key, fl.fr.deeper()); sameConst(k, val{c: key}) {
				return flow{e: kv.Value, fr: fl.fr, typ: et}, true
			}
		case !isMap && !keyed && key.Kind() == constant.Int:
			if n, ok := constant.Int64Val(key); ok && n == int64(i) {
				return flow{e: el, fr: fl.fr, typ: et}, true
			}
		}
	}
	return flow{}, false
}

// elemType returns the element type of a slice, array or map type.
func (x *extractor) elemType(t ast.Expr, f *file) (ast.Expr, bool) {
	for range maxDepth {
		switch v := t.(type) {
		case *ast.ArrayType:
			return v.Elt, false
		case *ast.MapType:
			return v.Value, true
		case *ast.Ident:
			x.index(f.pkg)
			td := f.pkg.types[v.Name]
			if td == nil {
				return nil, false
			}
			t, f = td.spec.Type, td.f
		default:
			return nil, false
		}
	}
	return nil, false
}

// elements returns the elements of a slice: a literal, a variadic argument
// list, or appends to either. complete is false when some part is built at
// run time.
func (x *extractor) elements(e ast.Expr, fr *frame) (out []flow, complete bool) {
	complete = true
	for _, fl := range x.follow(e, fr) {
		if fl.list != nil {
			for _, el := range fl.list {
				out = append(out, flow{e: el, fr: fl.fr})
			}
			continue
		}
		switch v := fl.e.(type) {
		case *ast.CompositeLit:
			_, t := compositeOf(fl)
			et, isMap := x.elemType(t, fl.fr.f)
			for _, el := range v.Elts {
				ef := flow{e: el, fr: fl.fr, typ: et}
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					ef.e = kv.Value
					if isMap {
						ef.key = kv.Key
					}
				}
				out = append(out, ef)
			}
		case *ast.CallExpr:
			id, ok := v.Fun.(*ast.Ident)
			if !ok || fl.fr.f.uses[id] != nil || len(v.Args) == 0 || (id.Name != "append" && id.Name != "make") {
				complete = false
				continue
			}
			if id.Name == "make" {
				continue
			}
			rest := v.Args[1:]
			if v.Ellipsis.IsValid() && len(rest) > 0 {
				sub, ok := x.elements(rest[len(rest)-1], fl.fr.deeper())
				out, complete = append(out, sub...), complete && ok
				rest = rest[:len(rest)-1]
			}
			for _, el := range rest {
				out = append(out, flow{e: el, fr: fl.fr})
			}
			if !x.selfAppend(v, fl.fr) {
				sub, ok := x.elements(v.Args[0], fl.fr.deeper())
				out, complete = append(out, sub...), complete && ok
			}
		case *ast.Ident:
			if v.Name != "nil" || fl.fr.f.uses[v] != nil {
				complete = false
			}
		default:
			complete = false
		}
	}
	return out, complete
}

// selfAppend reports whether call is x = append(x, …): its first argument's
// other values are already among the flows of x.
func (x *extractor) selfAppend(call *ast.CallExpr, fr *frame) bool {
	id, ok := call.Args[0].(*ast.Ident)
	if !ok {
		return false
	}
	if b := fr.f.uses[id]; b != nil {
		for _, a := range b.assigns {
			if a.rhs == call {
				return true
			}
		}
		return false
	}
	for _, a := range fr.f.pkg.assigned[id.Name] {
		if a.a.rhs == call {
			return true
		}
	}
	return false
}

// callee returns the workspace function a call invokes, with a frame that
// binds its parameters to the call's arguments, when the call may be
// followed (helpers are followed maxHelpers deep).
func (x *extractor) callee(call *ast.CallExpr, fr *frame) (*funcRef, *frame) {
	if fr.helpers >= maxHelpers {
		return nil, nil
	}
	fn := x.funcOf(call.Fun, fr)
	if fn == nil || fn.body() == nil {
		return nil, nil
	}
	local := map[*binding]arg{}
	if fn.lit != nil && fn.f == fr.f {
		maps.Copy(local, fr.local) // a closure sees its enclosing helper's arguments
	}
	maps.Copy(local, x.bindParams(fn, call, fr))
	return fn, &frame{f: fn.f, local: local, env: fr.env, iota: -1, depth: fr.depth + 1, helpers: fr.helpers + 1}
}

// bindParams binds fn's parameters to the arguments of call (evaluated in fr).
func (x *extractor) bindParams(fn *funcRef, call *ast.CallExpr, fr *frame) map[*binding]arg {
	out := map[*binding]arg{}
	ft := fn.typ()
	if ft.Params == nil {
		return out
	}
	i := 0
	for _, fld := range ft.Params.List {
		names := fld.Names
		if len(names) == 0 {
			i++
			continue
		}
		for _, n := range names {
			b := fn.f.uses[n]
			switch {
			case b == nil || i > len(call.Args):
			case b.variadic && !call.Ellipsis.IsValid():
				out[b] = arg{list: append([]ast.Expr{}, call.Args[i:]...), fr: fr}
			case i < len(call.Args):
				out[b] = arg{expr: call.Args[i], fr: fr}
			}
			i++
		}
	}
	return out
}

// funcOf resolves a function-valued expression to a declaration or literal
// of the workspace.
func (x *extractor) funcOf(e ast.Expr, fr *frame) *funcRef {
	for range maxDepth {
		switch v := ast.Unparen(e).(type) {
		case *ast.FuncLit:
			return &funcRef{f: fr.f, lit: v}
		case *ast.IndexExpr: // generic instantiation
			e = v.X
			continue
		case *ast.IndexListExpr:
			e = v.X
			continue
		case *ast.Ident:
			if b := fr.f.uses[v]; b != nil {
				if a, ok := fr.lookup(b); ok && a.expr != nil {
					e, fr = a.expr, a.fr
					continue
				}
				if b.kind == bindLocal && len(b.assigns) == 1 && b.assigns[0].idx < 0 && b.assigns[0].rhs != nil {
					e = b.assigns[0].rhs
					continue
				}
				return nil
			}
			x.index(fr.f.pkg)
			if fn := fr.f.pkg.funcs[v.Name]; fn != nil {
				return fn
			}
			vd := fr.f.pkg.vars[v.Name]
			if vd == nil || len(vd.spec.Values) != len(vd.spec.Names) || len(fr.f.pkg.assigned[v.Name]) > 0 {
				return nil
			}
			e, fr = vd.spec.Values[vd.index], fr.at(vd.f)
			continue
		case *ast.SelectorExpr:
			if ip := fr.f.importPath(v.X); ip != "" {
				p := x.pkgByImport(ip)
				if p == nil {
					return nil
				}
				x.index(p)
				return p.funcs[v.Sel.Name]
			}
			return x.method(v, fr)
		}
		return nil
	}
	return nil
}

// method resolves x.m to a method declared in the package: the only one of
// that name, or the one of x's type when it can be told.
func (x *extractor) method(sel *ast.SelectorExpr, fr *frame) *funcRef {
	x.index(fr.f.pkg)
	cands := fr.f.pkg.methods[sel.Sel.Name]
	if len(cands) <= 1 {
		if len(cands) == 1 {
			return cands[0]
		}
		return nil
	}
	tn := x.typeName(sel.X, fr)
	for _, c := range cands {
		if recvName(c.decl) == tn {
			return c
		}
	}
	return nil
}

// typeName guesses the name of the type of e: a declared type, or the type
// of the composite literal it was assigned.
func (x *extractor) typeName(e ast.Expr, fr *frame) string {
	if id, ok := e.(*ast.Ident); ok {
		if b := fr.f.uses[id]; b != nil && b.typ != nil {
			return baseTypeName(b.typ)
		}
	}
	for _, fl := range x.follow(e, fr) {
		if _, t := compositeOf(fl); t != nil {
			return baseTypeName(t)
		}
	}
	return ""
}

func recvName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return ""
	}
	return baseTypeName(d.Recv.List[0].Type)
}

// baseTypeName strips pointers and type arguments from a type name.
func baseTypeName(t ast.Expr) string {
	for range maxDepth {
		switch v := t.(type) {
		case *ast.StarExpr:
			t = v.X
		case *ast.IndexExpr:
			t = v.X
		case *ast.IndexListExpr:
			t = v.X
		case *ast.Ident:
			return v.Name
		case *ast.SelectorExpr:
			return v.Sel.Name
		default:
			return ""
		}
	}
	return ""
}

// callSite is a call of a workspace function.
type callSite struct {
	call *ast.CallExpr
	f    *file
}

// callIndex lists the calls of the scanned packages by callee, to expand a
// helper's parameters over its call sites.
type callIndex struct {
	byFunc    map[string][]callSite // directory + "." + function name
	byMethod  map[string][]callSite // method name
	byBinding map[*binding][]callSite
	byLit     map[*ast.FuncLit][]callSite
}

func (x *extractor) buildCallIndex() *callIndex {
	ci := &callIndex{byFunc: map[string][]callSite{}, byMethod: map[string][]callSite{}, byBinding: map[*binding][]callSite{}, byLit: map[*ast.FuncLit][]callSite{}}
	for _, p := range x.scanned {
		for _, f := range p.files {
			ast.Inspect(f.syn, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				cs := callSite{call: call, f: f}
				fun := ast.Unparen(call.Fun)
				if ix, ok := fun.(*ast.IndexExpr); ok {
					fun = ix.X
				}
				switch v := fun.(type) {
				case *ast.FuncLit:
					ci.byLit[v] = append(ci.byLit[v], cs)
				case *ast.Ident:
					if b := f.uses[v]; b != nil {
						ci.byBinding[b] = append(ci.byBinding[b], cs)
					} else {
						ci.byFunc[p.dir+"."+v.Name] = append(ci.byFunc[p.dir+"."+v.Name], cs)
					}
				case *ast.SelectorExpr:
					if ip := f.importPath(v.X); ip != "" {
						if q := x.pkgByImport(ip); q != nil {
							ci.byFunc[q.dir+"."+v.Sel.Name] = append(ci.byFunc[q.dir+"."+v.Sel.Name], cs)
						}
					} else {
						ci.byMethod[v.Sel.Name] = append(ci.byMethod[v.Sel.Name], cs)
					}
				}
				return true
			})
		}
	}
	return ci
}

// callersOf returns the call sites of a function declaration or literal.
func (x *extractor) callersOf(fn *funcRef) []callSite {
	if x.callers == nil {
		x.callers = x.buildCallIndex()
	}
	if fn.decl != nil {
		if fn.decl.Recv == nil {
			return x.callers.byFunc[fn.f.pkg.dir+"."+fn.decl.Name.Name]
		}
		return x.callers.byMethod[fn.decl.Name.Name]
	}
	out := x.callers.byLit[fn.lit]
	if b := fn.f.litBind[fn.lit]; b != nil {
		out = append(out, x.callers.byBinding[b]...)
	}
	return out
}

// expand returns one frame per instance of nodes: parameters of the
// enclosing function are bound to the arguments of each of its call sites,
// and loop variables to each element of the literal table they range over.
// Bindings that cannot be expanded stay unknown (opaque).
func (x *extractor) expand(nodes []ast.Expr, fr *frame) []*frame {
	work := []*frame{fr}
	var done []*frame
	for round := 0; round < 8 && len(work) > 0; round++ {
		var next []*frame
		for _, w := range work {
			b, bfr := x.firstDep(nodes, w)
			if b == nil {
				done = append(done, w)
				continue
			}
			subs := x.substitutions(b, bfr, w)
			if len(subs) == 0 {
				opaque := maps.Clone(w.env.opaque)
				if opaque == nil {
					opaque = map[*binding]bool{}
				}
				opaque[b] = true
				subs = []*frame{w.withEnv(w.env.vals, opaque)}
			}
			next = append(next, subs...)
			if len(done)+len(next) > maxInstances {
				x.truncated = true
				next = next[:max(0, maxInstances-len(done))]
				break
			}
		}
		work = next
	}
	return append(done, work...)
}

// firstDep finds a parameter or loop variable the nodes depend on that is
// neither bound nor opaque. Function literals are not entered: a handler's
// own parameters are not part of the declaration.
func (x *extractor) firstDep(nodes []ast.Expr, fr *frame) (*binding, *frame) {
	seen := map[*binding]bool{}
	var found *binding
	var ffr *frame
	var scan func(n ast.Node, fr *frame, depth int)
	scan = func(n ast.Node, fr *frame, depth int) {
		if n == nil || depth > 8 {
			return
		}
		ast.Inspect(n, func(n ast.Node) bool {
			if found != nil {
				return false
			}
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			b := fr.f.uses[id]
			if b == nil || seen[b] {
				return true
			}
			seen[b] = true
			if a, ok := fr.lookup(b); ok {
				if a.expr != nil {
					scan(a.expr, a.fr, depth+1)
				}
				for _, el := range a.list {
					scan(el, a.fr, depth+1)
				}
				return true
			}
			if fr.env.opaque[b] {
				return true
			}
			switch b.kind {
			case bindParam:
				if b.index >= 0 {
					found, ffr = b, fr
				}
			case bindRange:
				scan(b.rng.X, fr, depth+1)
				if found == nil {
					found, ffr = b, fr
				}
			case bindLocal:
				for _, a := range b.assigns {
					if a.rhs != nil {
						scan(a.rhs, fr, depth+1)
					}
				}
			}
			return true
		})
	}
	for _, n := range nodes {
		scan(n, fr, 0)
	}
	return found, ffr
}

// substitutions binds b in w's environment: to each element of the range
// table, or (with the other parameters) to the arguments of each call site.
func (x *extractor) substitutions(b *binding, bfr, w *frame) []*frame {
	var out []*frame
	switch b.kind {
	case bindRange:
		els, complete := x.elements(b.rng.X, bfr)
		if !complete {
			return nil
		}
		var keyB, valB *binding
		if id, ok := b.rng.Key.(*ast.Ident); ok {
			keyB = bfr.f.uses[id]
		}
		if id, ok := b.rng.Value.(*ast.Ident); ok {
			valB = bfr.f.uses[id]
		}
		for i, el := range els {
			vals := maps.Clone(w.env.vals)
			if vals == nil {
				vals = map[*binding]arg{}
			}
			if valB != nil {
				vals[valB] = arg{expr: el.e, list: el.list, fr: el.fr, typ: el.typ}
			}
			if keyB != nil {
				if el.key != nil {
					vals[keyB] = arg{expr: el.key, fr: el.fr}
				} else {
					vals[keyB] = arg{konst: constant.MakeInt64(int64(i))}
				}
			}
			out = append(out, w.withEnv(vals, w.env.opaque))
		}
	case bindParam:
		fn := &funcRef{f: bfr.f}
		switch o := b.owner.(type) {
		case *ast.FuncDecl:
			fn.decl = o
		case *ast.FuncLit:
			fn.lit = o
		}
		for _, cs := range x.callersOf(fn) {
			if !arity(fn.typ(), cs.call) {
				continue
			}
			vals := maps.Clone(w.env.vals)
			if vals == nil {
				vals = map[*binding]arg{}
			}
			maps.Copy(vals, x.bindParams(fn, cs.call, &frame{f: cs.f, env: w.env, iota: -1}))
			out = append(out, w.withEnv(vals, w.env.opaque))
			if len(out) >= maxInstances {
				x.truncated = true
				break
			}
		}
	}
	return out
}

// arity reports whether call may call a function of type ft.
func arity(ft *ast.FuncType, call *ast.CallExpr) bool {
	n, variadic := 0, false
	if ft.Params != nil {
		for _, fld := range ft.Params.List {
			n += max(1, len(fld.Names))
			_, v := fld.Type.(*ast.Ellipsis)
			variadic = variadic || v
		}
	}
	if variadic {
		return len(call.Args) >= n-1
	}
	return len(call.Args) == n
}
