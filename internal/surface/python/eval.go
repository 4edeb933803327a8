package python

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mcpcert/mcpcert/internal/surface"
)

// env is where names are looked up: loop and comprehension bindings (vars),
// then a function's scope, then the enclosing ones, then the module.
type env struct {
	m      *module
	sc     *scope // a function scope; nil for a plain binding level or the module
	vars   map[string]*value
	parent *env
}

// envAt is the environment of the code at n: the module and the scopes of
// the functions that enclose n (not counting n itself).
func (x *extractor) envAt(m *module, n *pnode) *env {
	var fns []*pnode
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == "function_definition" {
			fns = append(fns, p)
		}
	}
	e := &env{m: m}
	for i := len(fns) - 1; i >= 0; i-- {
		e = &env{m: m, sc: x.funcScope(m, fns[i]), parent: e}
	}
	return e
}

// with returns a child env binding vars.
func (e *env) with(vars map[string]*value) *env {
	return &env{m: e.m, vars: vars, parent: e}
}

type memoKey struct {
	path, name string
}

// eval folds an expression to a value.
func (x *extractor) eval(e *env, n *pnode, depth int) *value {
	if n == nil {
		return unknown("an expression is missing")
	}
	if depth > maxDepth || !x.alive() {
		x.truncated = true
		return unknown(srcOf(n) + " is nested too deeply to fold")
	}
	switch n.Type() {
	case "string":
		return x.evalString(e, n, depth)
	case "concatenated_string":
		var parts []*value
		var nodes []*pnode
		for _, c := range namedNoComments(n) {
			parts = append(parts, x.evalString(e, c, depth+1))
			nodes = append(nodes, c)
		}
		return concat(parts, nodes, e.m.pos(n))
	case "integer":
		return parseInt(n.Text())
	case "float":
		return parseFloat(n.Text())
	case "true", "false":
		return &value{k: kBool, b: n.Type() == "true"}
	case "none":
		return &value{k: kNone}
	case "parenthesized_expression", "await":
		if cs := namedNoComments(n); len(cs) == 1 {
			return x.eval(e, cs[0], depth+1)
		}
	case "identifier":
		return x.lookup(e, n.Text(), n, depth+1)
	case "attribute":
		obj := x.eval(e, n.Field("object"), depth+1)
		if a := n.Field("attribute"); a != nil {
			return x.attr(obj, a.Text(), n, depth+1)
		}
	case "call":
		return x.evalCall(e, n, depth+1)
	case "binary_operator":
		return x.binary(e, n, depth+1)
	case "unary_operator":
		v := x.eval(e, n.Field("argument"), depth+1)
		if op := n.Field("operator"); op != nil && v.k == kNum {
			switch op.Text() {
			case "-":
				return &value{k: kNum, num: -v.num, isInt: v.isInt}
			case "+":
				return v
			}
		}
		return unknown(srcOf(n)+" is not folded", v.rt...)
	case "not_operator":
		v := x.eval(e, n.Field("argument"), depth+1)
		if t, ok := truthy(v); ok {
			return &value{k: kBool, b: !t}
		}
		return unknown(srcOf(n)+" is decided at run time", v.rt...)
	case "list", "tuple", "set", "expression_list":
		return x.seq(e, n, depth+1)
	case "dictionary":
		return x.dict(e, n, depth+1)
	case "subscript":
		return x.subscript(e, n, depth+1)
	case "conditional_expression":
		cs := namedNoComments(n)
		if len(cs) == 3 {
			a, cond, b := x.eval(e, cs[0], depth+1), x.eval(e, cs[1], depth+1), x.eval(e, cs[2], depth+1)
			if t, ok := truthy(cond); ok {
				if t {
					return a
				}
				return b
			}
			if sa, ok := a.resolvedStr(); ok {
				if sb, ok := b.resolvedStr(); ok && sa == sb {
					return a
				}
			}
			return unknown(srcOf(n)+" is chosen at run time", mergeRT(a, cond, b)...)
		}
	case "boolean_operator":
		l := x.eval(e, n.Field("left"), depth+1)
		op := n.Field("operator")
		if t, ok := truthy(l); ok && op != nil {
			if (op.Text() == "or") == t {
				return l
			}
			return x.eval(e, n.Field("right"), depth+1)
		}
		r := x.eval(e, n.Field("right"), depth+1)
		return unknown(srcOf(n)+" is decided at run time", mergeRT(l, r)...)
	case "list_comprehension", "generator_expression", "set_comprehension":
		return x.comprehension(e, n, depth+1)
	}
	return unknown(srcOf(n) + " is not folded")
}

func parseInt(s string) *value {
	s = strings.ReplaceAll(strings.ToLower(s), "_", "")
	base := 10
	switch {
	case strings.HasPrefix(s, "0x"):
		base, s = 16, s[2:]
	case strings.HasPrefix(s, "0o"):
		base, s = 8, s[2:]
	case strings.HasPrefix(s, "0b"):
		base, s = 2, s[2:]
	}
	if strings.HasSuffix(s, "j") || strings.HasSuffix(s, "l") {
		return unknown("complex literal " + s + " is not folded")
	}
	if i, err := strconv.ParseInt(s, base, 64); err == nil {
		return &value{k: kNum, num: float64(i), isInt: true}
	}
	if base == 10 {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return &value{k: kNum, num: f, isInt: true}
		}
	}
	return unknown("integer literal " + s + " is out of range")
}

func parseFloat(s string) *value {
	s = strings.ReplaceAll(s, "_", "")
	if strings.HasSuffix(s, "j") || strings.HasSuffix(s, "J") {
		return unknown("complex literal " + s + " is not folded")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return unknown("float literal " + s + " is not folded")
	}
	return &value{k: kNum, num: f}
}

// truthy is Python's truth value of a folded value.
func truthy(v *value) (bool, bool) {
	switch v.k {
	case kStr:
		if v.res == surface.Resolved {
			return v.s != "", true
		}
	case kNum:
		return v.num != 0, true
	case kBool:
		return v.b, true
	case kNone:
		return false, true
	case kList, kDict:
		return len(v.items) > 0, true
	case kFunc, kClass, kModule, kServer:
		return true, true
	}
	return false, false
}

// lookup resolves a name in e.
func (x *extractor) lookup(e *env, name string, n *pnode, depth int) *value {
	for c := e; c != nil; c = c.parent {
		if v, ok := c.vars[name]; ok {
			return v
		}
		if c.sc != nil {
			if _, ok := c.sc.binds[name]; ok {
				return x.local(c, name, n)
			}
		}
	}
	switch name {
	case "__file__":
		return &value{k: kPath, s: e.m.path, base: inWorkspace}
	case "__doc__":
		if d := docNode(e.m.root); d != nil {
			return x.docValue(e.m, d)
		}
		return &value{k: kNone}
	}
	return x.global(e.m, name, n)
}

// global resolves a module-level name of m. The value does not depend on
// where the name is used, so it is memoised, unless a bound cut it short:
// its evaluation starts at depth 0, and the nesting of constants defined
// through other constants is bounded on its own.
func (x *extractor) global(m *module, name string, n *pnode) *value {
	return guarded(x, x.memo, x.busy, memoKey{m.path, name}, name, true, func() *value {
		return x.resolveIn(&env{m: m}, x.modScope(m), name, n, 0)
	})
}

// local resolves a name of a function scope. Like globals, locals are
// guarded against self-reference, evaluated from depth 0 under the nesting
// bound, and memoised unless c binds parameters (a folded call) or a bound
// cut the evaluation short: chains like a = b + b; b = c + c stay linear.
func (x *extractor) local(c *env, name string, n *pnode) *value {
	return guarded(x, x.localMemo, x.localBusy, localKey{c.sc, name}, name, len(c.vars) == 0, func() *value {
		return x.resolveIn(c, c.sc, name, n, 0)
	})
}

// guarded evaluates a name under the guards globals and locals share: a
// self-reference is unknown, the nesting of names defined through other
// names is bounded, and the value is memoised (when memoise allows) unless
// a bound cut its evaluation short.
func guarded[K comparable](x *extractor, memo map[K]*value, busy map[K]bool, k K, name string, memoise bool, eval func() *value) *value {
	if v, ok := memo[k]; ok && memoise {
		return v
	}
	if busy[k] {
		return unknown(name + " is defined in terms of itself")
	}
	if x.nest >= maxNest {
		x.truncated = true
		return unknown(name + " is defined through too many other names")
	}
	outer := x.truncated
	x.truncated = false
	busy[k] = true
	x.nest++
	v := eval()
	x.nest--
	delete(busy, k)
	if memoise && x.err == nil && !x.truncated {
		memo[k] = v
	}
	x.truncated = x.truncated || outer
	return v
}

type localKey struct {
	sc   *scope
	name string
}

// resolveIn resolves name among the bindings of sc, evaluated in e.
func (x *extractor) resolveIn(e *env, sc *scope, name string, n *pnode, depth int) *value {
	bs := sc.binds[name]
	if len(bs) == 0 {
		if sc.fn == nil {
			for _, st := range sc.stars {
				if mv := x.importTarget(sc.m, st); mv.k == kModule && mv.m != nil {
					if _, ok := x.modScope(mv.m).binds[name]; ok {
						return x.global(mv.m, name, n)
					}
				}
			}
		}
		// A builtin (open, str, …) or a name this scope does not define.
		return &value{k: kExternal, s: name}
	}
	var base int
	var defs []int
	for i, b := range bs {
		if b.kind != bAug && b.kind != bMutate {
			defs = append(defs, i)
		}
	}
	allImports := len(defs) > 0
	for _, i := range defs {
		allImports = allImports && bs[i].kind == bImport
	}
	switch {
	case len(defs) == 1 || allImports: // try: import a / except ImportError: import b
		base = defs[0]
	case len(defs) == 0:
		return unknown(name + " is only ever extended, never assigned")
	default:
		return unknown(name + " is assigned more than once")
	}
	v := x.bindingValue(e, name, bs[base], depth)
	for _, b := range bs[base+1:] {
		if b.kind == bAug || b.kind == bMutate {
			v = x.extend(e, name, v, b, depth)
		}
	}
	return v
}

// bindingValue is the value a binding gives its name.
func (x *extractor) bindingValue(e *env, name string, b binding, depth int) *value {
	switch b.kind {
	case bAssign:
		if b.elem >= 0 {
			vals := namedNoComments(b.node)
			if b.elem < len(vals) {
				return x.eval(e, vals[b.elem], depth+1)
			}
			return unknown(name + " unpacks a value that is not folded")
		}
		return x.eval(e, b.node, depth+1)
	case bDef:
		return &value{k: kFunc, m: e.m, node: b.node}
	case bClass:
		return &value{k: kClass, m: e.m, node: b.node}
	case bImport:
		return x.importValue(e.m, b, depth)
	case bParam:
		return x.paramValue(e, name, b.node, depth)
	}
	return unknown(name + " is bound at run time")
}

// paramValue is a parameter: unknown, unless its annotation names a server
// class, in which case tools registered on it are still recognised.
func (x *extractor) paramValue(e *env, name string, p *pnode, depth int) *value {
	fnName := "?"
	if e.sc != nil && e.sc.fn != nil {
		if fn := e.sc.fn.Field("name"); fn != nil {
			fnName = fn.Text()
		}
		if t := p.Field("type"); t != nil {
			tv := x.eval(x.envAt(e.m, e.sc.fn), unwrapType(t), depth+1)
			if srv := x.serverOfValue(tv); srv != nil {
				s := *srv
				s.key = "param:" + e.m.path + ":" + fnName + ":" + name
				return &value{k: kServer, srv: &s, m: e.m, node: p}
			}
		}
	}
	return unknown(name + " is a parameter of " + fnName + "()")
}

// extend applies a later `name += x` or name.append/extend/insert(…) to
// the value of name. In a for loop over a folded iterable it is applied once
// per iteration; under a condition it makes a text unknown, while a list
// keeps the items (the surface is the union of what can be listed).
func (x *extractor) extend(e *env, name string, v *value, b binding, depth int) *value {
	if v.k == kUnknown {
		return v
	}
	loops, ok := loopsAround(b.node)
	if !ok {
		return unknown(name+" is changed in a while loop", v.rt...)
	}
	if v.k != kList && conditional(b.node) {
		why := unknown(name+" is extended under a condition", x.conditionRT(e, b.node, depth)...)
		if v.k == kStr && b.kind == bAug {
			// The known text, and what may be appended as a hole.
			return concat([]*value{v, why}, []*pnode{nil, b.node}, v.pos)
		}
		why.rt = append(why.rt, v.rt...)
		return why
	}
	out := v
	bad := x.iterate(e, loops, depth, func(le *env) {
		if out.k == kUnknown {
			return
		}
		if b.kind == bAug {
			out = x.add(out, x.eval(le, b.node, depth+1), nil, b.node, le.m)
			return
		}
		out = x.mutate(le, out, b, depth)
	})
	if bad != nil {
		return unknown(name+" is changed in a loop over values that are not folded", bad.rt...)
	}
	return out
}

// mutate applies list.append/extend/insert to a folded list.
func (x *extractor) mutate(e *env, v *value, b binding, depth int) *value {
	if v.k != kList {
		return unknown("a value that is not a list is changed with " + srcOf(b.node))
	}
	args := argNodes(b.node.Field("arguments"))
	out := &value{k: kList, items: append([]*value(nil), v.items...), m: v.m, node: v.node, rt: v.rt}
	switch {
	case b.method == "append" && len(args) == 1:
		out.items = append(out.items, x.eval(e, args[0], depth+1))
	case b.method == "extend" && len(args) == 1:
		xs := x.eval(e, args[0], depth+1)
		if xs.k != kList {
			return unknown("a list extended with " + srcOf(args[0]) + " is not folded")
		}
		out.items = append(out.items, xs.items...)
	case b.method == "insert" && len(args) == 2:
		i := x.eval(e, args[0], depth+1)
		if i.k != kNum || !i.isInt {
			return unknown("a list inserted into at " + srcOf(args[0]) + " is not folded")
		}
		at := int(math.Max(0, math.Min(float64(len(out.items)), i.num)))
		out.items = append(out.items[:at], append([]*value{x.eval(e, args[1], depth+1)}, out.items[at:]...)...)
	default:
		return unknown("a list changed with " + srcOf(b.node) + " is not folded")
	}
	if len(out.items) > maxItems {
		return unknown("a list longer than the folding limit")
	}
	return out
}

// loopsAround returns the for statements whose body encloses n, up to n's
// function or module, outermost first; ok is false inside a while loop.
func loopsAround(n *pnode) (loops []*pnode, ok bool) {
	for c, p := n, n.Parent(); p != nil; c, p = p, p.Parent() {
		switch p.Type() {
		case "function_definition", "class_definition", "lambda":
			return loops, true
		case "while_statement":
			return nil, false
		case "for_statement":
			if body := p.Field("body"); body != nil && c.StartByte() >= body.StartByte() {
				loops = append([]*pnode{p}, loops...)
			}
		}
	}
	return loops, true
}

// conditional reports code that runs only under a condition or an
// exception handler, within n's function or module.
func conditional(n *pnode) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.Type() {
		case "function_definition", "class_definition", "lambda":
			return false
		case "if_statement", "try_statement", "match_statement", "conditional_expression", "boolean_operator":
			return true
		}
	}
	return false
}

// conditionRT are the run-time sources of the if conditions enclosing n:
// text chosen by os.getenv("X") is as dynamic as text read from it.
func (x *extractor) conditionRT(e *env, n *pnode, depth int) []rtSource {
	var out []rtSource
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.Type() {
		case "function_definition", "class_definition", "lambda":
			return out
		case "if_statement", "elif_clause":
			out = append(out, x.eval(e, p.Field("condition"), depth+1).rt...)
		}
	}
	return out
}

// iterate calls f once per iteration of nested for loops, binding their
// targets over folded iterables; it returns the first iterable that is not
// folded (f is then not called for it).
func (x *extractor) iterate(e *env, loops []*pnode, depth int, f func(*env)) *value {
	var bad *value
	count := 0
	var rec func(i int, e *env)
	rec = func(i int, e *env) {
		if bad != nil || !x.alive() {
			return
		}
		if i == len(loops) {
			if count++; count <= maxUnroll {
				f(e)
			}
			return
		}
		it := x.eval(e, loops[i].Field("right"), depth+1)
		items, ok := iterItems(it)
		if !ok {
			bad = it
			if bad.reason == "" {
				bad = unknown(srcOf(loops[i].Field("right"))+" is not folded", it.rt...)
			}
			return
		}
		for _, item := range items {
			vars := map[string]*value{}
			bindLoopTarget(vars, loops[i].Field("left"), item)
			rec(i+1, e.with(vars))
		}
	}
	rec(0, e)
	if count > maxUnroll && bad == nil {
		bad = unknown(fmt.Sprintf("more than %d iterations", maxUnroll))
	}
	return bad
}

// importValue is the value an import binding gives its name.
func (x *extractor) importValue(m *module, b binding, depth int) *value {
	mv := x.importTarget(m, b)
	if b.attr == "" {
		return mv
	}
	return x.attr(mv, b.attr, b.node, depth+1)
}

// importTarget is the module an import statement names.
func (x *extractor) importTarget(m *module, b binding) *value {
	if b.level == 0 {
		return x.moduleValue(b.mod)
	}
	base := dirOf(m.path)
	for i := 1; i < b.level; i++ {
		base = dirOf(base)
	}
	rel := joinPath(base, strings.ReplaceAll(b.mod, ".", "/"))
	var ref modRef
	if rel == "" { // the workspace root as a package
		ref = modRef{dir: ".", ok: true}
		if _, ok := x.files["__init__.py"]; ok {
			ref.file = "__init__.py"
		}
	} else {
		ref = x.locate(rel, true)
	}
	if !ref.ok {
		return unknown(strings.Repeat(".", b.level) + b.mod + " is not a module of the workspace")
	}
	return x.refValue(rel, ref)
}

func (x *extractor) moduleValue(dotted string) *value {
	ref := x.findModule(dotted)
	if !ref.ok {
		return &value{k: kExternal, s: dotted}
	}
	return x.refValue(dotted, ref)
}

func (x *extractor) refValue(name string, ref modRef) *value {
	v := &value{k: kModule, s: name, dir: ref.dir}
	if ref.file != "" {
		v.m = x.module(ref.file)
	}
	return v
}

// attr is obj.name.
func (x *extractor) attr(obj *value, name string, n *pnode, depth int) *value {
	switch obj.k {
	case kUnknown:
		return obj
	case kModule:
		if obj.m != nil {
			if sc := x.modScope(obj.m); sc.binds[name] != nil || len(sc.stars) > 0 {
				v := x.global(obj.m, name, n)
				if !(v.k == kExternal && v.s == name) {
					return v
				}
			}
		}
		if obj.dir != "" {
			if ref := x.locate(joinPath(obj.dir, name), true); ref.ok {
				return x.refValue(obj.s+"."+name, ref)
			}
		}
		if name == "__doc__" && obj.m != nil {
			if d := docNode(obj.m.root); d != nil {
				return x.docValue(obj.m, d)
			}
		}
		return unknown(obj.s + "." + name + " is not defined in the workspace")
	case kExternal:
		return &value{k: kExternal, s: obj.s + "." + name, rt: obj.rt}
	case kClass:
		return x.classAttr(obj, name, depth+1)
	case kMember:
		switch name {
		case "value":
			if obj.member != nil {
				return obj.member
			}
		case "name":
			return strVal(obj.s, obj.m.pos(obj.node))
		}
	case kInstance:
		return x.field(obj, name, depth+1)
	case kPath:
		switch name {
		case "parent":
			return &value{k: kPath, s: dirOf(obj.s), base: obj.base, rt: obj.rt}
		case "name", "stem", "suffix":
			return unknown("path component " + name + " is not folded")
		}
	}
	return unknown(srcOfName(n, name) + " is not folded")
}

func srcOfName(n *pnode, name string) string {
	if n != nil && n.Type() == "attribute" {
		return srcOf(n)
	}
	return name
}

// evalCall folds the calls that matter for texts: string methods, paths and
// file reads, text helpers, single-return functions; other calls keep their
// arguments for inspection (kInstance) or are unknown.
func (x *extractor) evalCall(e *env, n *pnode, depth int) *value {
	fnNode, args := n.Field("function"), n.Field("arguments")
	if fnNode == nil {
		return unknown(srcOf(n) + " is not folded")
	}
	var callee *value
	if fnNode.Type() == "attribute" && fnNode.Field("attribute") != nil {
		obj := x.eval(e, fnNode.Field("object"), depth+1)
		meth := fnNode.Field("attribute").Text()
		if v, ok := x.method(e, obj, meth, args, n, depth); ok {
			return v
		}
		callee = x.attr(obj, meth, fnNode, depth+1)
	} else {
		callee = x.eval(e, fnNode, depth+1)
	}
	switch callee.k {
	case kExternal:
		return x.externalCall(e, callee, args, n, depth)
	case kFunc:
		return x.callFunc(e, callee, args, n, depth)
	case kClass:
		if srv := x.serverOfValue(callee); srv != nil {
			return x.newServer(e.m, n, srv.fw, srv.ctor)
		}
		return &value{k: kInstance, s: className(callee), cls: callee, m: e.m, node: n, env: e}
	case kUnknown:
		if len(callee.rt) > 0 { // keep why: date.today().isoformat() reads the clock
			return callee
		}
		return unknown(srcOf(n)+" is computed at run time", callee.rt...)
	}
	return unknown(srcOf(n) + " is computed at run time")
}

// binary folds +, /, % and *.
func (x *extractor) binary(e *env, n *pnode, depth int) *value {
	op := n.Field("operator")
	ln, rn := n.Field("left"), n.Field("right")
	l, r := x.eval(e, ln, depth+1), x.eval(e, rn, depth+1)
	if op == nil {
		return unknown(srcOf(n) + " is not folded")
	}
	switch op.Text() {
	case "+":
		return x.add(l, r, []*pnode{ln, rn}, n, e.m)
	case "/":
		if l.k == kPath {
			return x.joinPathValue(l, r)
		}
	case "%":
		if l.k == kStr {
			// The template is known; the % arguments are holes in it.
			return &value{k: kStr, s: l.s, res: surface.Partial, reason: "printf-style % formatting is not folded", pos: e.m.pos(n), rt: mergeRT(l, r)}
		}
	case "*":
		if l.k == kNum && r.k == kNum {
			return &value{k: kNum, num: l.num * r.num, isInt: l.isInt && r.isInt}
		}
		s, c := l, r
		if s.k != kStr {
			s, c = r, l
		}
		if s.k == kStr && c.k == kNum && c.isInt && c.num >= 0 && float64(len(s.s))*c.num <= maxText {
			return mapText(s, func(t string) string { return strings.Repeat(t, int(c.num)) })
		}
	case "-":
		if l.k == kNum && r.k == kNum {
			return &value{k: kNum, num: l.num - r.num, isInt: l.isInt && r.isInt}
		}
	}
	return unknown(srcOf(n)+" is not folded", mergeRT(l, r)...)
}

// add is l + r for strings, numbers and lists.
func (x *extractor) add(l, r *value, nodes []*pnode, n *pnode, m *module) *value {
	switch {
	case l.k == kNum && r.k == kNum:
		return &value{k: kNum, num: l.num + r.num, isInt: l.isInt && r.isInt}
	case l.k == kList && r.k == kList && len(l.items)+len(r.items) <= maxItems:
		return &value{k: kList, items: append(append([]*value(nil), l.items...), r.items...), rt: mergeRT(l, r)}
	case l.k == kStr || r.k == kStr:
		if nodes == nil {
			nodes = []*pnode{nil, n}
		}
		return concat([]*value{l, r}, nodes, m.pos(n))
	}
	return unknown(srcOf(n)+" is not folded", mergeRT(l, r)...)
}

// seq folds a list, tuple or set display.
func (x *extractor) seq(e *env, n *pnode, depth int) *value {
	out := &value{k: kList, m: e.m, node: n}
	for _, c := range namedNoComments(n) {
		if !x.alive() {
			break
		}
		if c.Type() == "list_splat" {
			inner := namedNoComments(c)
			if len(inner) != 1 {
				return unknown(srcOf(c) + " is not folded")
			}
			v := x.eval(e, inner[0], depth+1)
			if v.k != kList {
				return unknown(srcOf(c)+" is not a folded list", v.rt...)
			}
			out.items = append(out.items, v.items...)
		} else {
			out.items = append(out.items, x.eval(e, c, depth+1))
		}
		if len(out.items) > maxItems {
			return unknown(srcOf(n) + " is longer than the folding limit")
		}
	}
	for _, it := range out.items {
		out.rt = append(out.rt, it.rt...)
	}
	return out
}

// dict folds a dict display, or dict(k=v, …) when n is an argument list.
func (x *extractor) dict(e *env, n *pnode, depth int) *value {
	out := &value{k: kDict, m: e.m, node: n}
	if n == nil {
		return out
	}
	for _, c := range namedNoComments(n) {
		if !x.alive() {
			break
		}
		switch c.Type() {
		case "pair":
			out.keys = append(out.keys, x.eval(e, c.Field("key"), depth+1))
			out.items = append(out.items, x.eval(e, c.Field("value"), depth+1))
		case "keyword_argument":
			if name := c.Field("name"); name != nil {
				out.keys = append(out.keys, strVal(name.Text(), e.m.pos(name)))
				out.items = append(out.items, x.eval(e, c.Field("value"), depth+1))
			}
		case "dictionary_splat":
			inner := namedNoComments(c)
			if len(inner) != 1 {
				return unknown(srcOf(c) + " is not folded")
			}
			v := x.eval(e, inner[0], depth+1)
			if v.k != kDict {
				return unknown(srcOf(c)+" is not a folded dict", v.rt...)
			}
			out.keys = append(out.keys, v.keys...)
			out.items = append(out.items, v.items...)
		default:
			return unknown(srcOf(n) + " is not folded")
		}
		if len(out.items) > maxItems {
			return unknown(srcOf(n) + " is longer than the folding limit")
		}
	}
	for i := range out.items {
		out.rt = append(out.rt, out.keys[i].rt...)
		out.rt = append(out.rt, out.items[i].rt...)
	}
	return out
}

// subscript folds d["k"], xs[i] and os.environ["X"].
func (x *extractor) subscript(e *env, n *pnode, depth int) *value {
	obj := x.eval(e, n.Field("value"), depth+1)
	var subs []*pnode
	for i, c := range n.Children() {
		if n.FieldNameOfChild(i) == "subscript" {
			subs = append(subs, c)
		}
	}
	if obj.k == kExternal {
		if what, ok := runtimeOf(obj.s); ok {
			return unknown(srcOf(n)+" reads "+what+" at run time", rtSource{what: srcOf(n) + " (" + what + ")", pos: e.m.pos(n)})
		}
	}
	if len(subs) != 1 || subs[0].Type() == "slice" {
		return unknown(srcOf(n)+" is not folded", obj.rt...)
	}
	k := x.eval(e, subs[0], depth+1)
	switch obj.k {
	case kDict:
		if ks, ok := k.resolvedStr(); ok {
			if v, ok := dictGet(obj, ks); ok {
				return v
			}
		}
		if k.k == kNum {
			for i, dk := range obj.keys {
				if dk.k == kNum && dk.num == k.num {
					return obj.items[i]
				}
			}
		}
	case kList:
		if k.k == kNum && k.isInt {
			i := int(k.num)
			if i < 0 {
				i += len(obj.items)
			}
			if i >= 0 && i < len(obj.items) {
				return obj.items[i]
			}
		}
	case kUnknown:
		return obj
	}
	return unknown(srcOf(n)+" is not folded", mergeRT(obj, k)...)
}

// comprehension unrolls [body for target in iterable if cond] over a folded
// iterable.
func (x *extractor) comprehension(e *env, n *pnode, depth int) *value {
	var clauses []*pnode
	var conds []*pnode
	for _, c := range namedNoComments(n) {
		switch c.Type() {
		case "for_in_clause":
			clauses = append(clauses, c)
		case "if_clause":
			conds = append(conds, c)
		}
	}
	if len(clauses) != 1 {
		return unknown(srcOf(n) + " is not folded")
	}
	it := x.eval(e, clauses[0].Field("right"), depth+1)
	items, ok := iterItems(it)
	if !ok {
		return unknown(srcOf(n)+" iterates over values that are not folded", it.rt...)
	}
	out := &value{k: kList, m: e.m, node: n}
	for _, item := range items {
		vars := map[string]*value{}
		bindLoopTarget(vars, clauses[0].Field("left"), item)
		ce := e.with(vars)
		keep := true
		for _, c := range conds {
			if cs := namedNoComments(c); len(cs) == 1 {
				if t, ok := truthy(x.eval(ce, cs[0], depth+1)); ok && !t {
					keep = false
				}
			}
		}
		if keep {
			out.items = append(out.items, x.eval(ce, n.Field("body"), depth+1))
		}
	}
	return out
}

// iterItems are the values a for loop over v visits.
func iterItems(v *value) ([]*value, bool) {
	switch v.k {
	case kList:
		return v.items, true
	case kDict:
		return v.keys, true
	}
	return nil, false
}

// bindLoopTarget binds the names of a for target to one item.
func bindLoopTarget(vars map[string]*value, t *pnode, v *value) {
	if t == nil {
		return
	}
	switch t.Type() {
	case "identifier":
		vars[t.Text()] = v
	case "pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "parenthesized_expression":
		elems := namedNoComments(t)
		if t.Type() == "parenthesized_expression" && len(elems) == 1 {
			bindLoopTarget(vars, elems[0], v)
			return
		}
		for i, el := range elems {
			if v.k == kList && len(v.items) == len(elems) {
				bindLoopTarget(vars, el, v.items[i])
				continue
			}
			el.Walk(func(c *pnode) bool {
				if c.Type() == "identifier" {
					vars[c.Text()] = unknown(c.Text()+" unpacks a value that is not folded", v.rt...)
				}
				return true
			})
		}
	}
}

// argNodes are the positional arguments of an argument list.
func argNodes(args *pnode) []*pnode {
	if args == nil || args.Type() != "argument_list" {
		return nil
	}
	var out []*pnode
	for _, c := range namedNoComments(args) {
		switch c.Type() {
		case "keyword_argument", "list_splat", "dictionary_splat":
		default:
			out = append(out, c)
		}
	}
	return out
}

// kwargNode is the value of keyword argument name in an argument list.
func kwargNode(args *pnode, name string) *pnode {
	if args == nil {
		return nil
	}
	for _, c := range args.NamedChildren() {
		if c.Type() == "keyword_argument" {
			if n := c.Field("name"); n != nil && n.Text() == name {
				return c.Field("value")
			}
		}
	}
	return nil
}
