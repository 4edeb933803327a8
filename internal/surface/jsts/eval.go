package jsts

import (
	"math"
	"path"
	"strings"

	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
)

// Bounds on evaluation. Every recursion in the evaluator goes through eval,
// which counts depth and steps, so hostile input (deep nesting, mutually
// doubling constants) ends in an unknown value instead of a hang.
const (
	maxDepth  = 64
	maxSteps  = 200000  // eval calls per site
	maxString = 4 << 20 // bytes of a folded string
	maxElems  = 10000   // elements of a folded array or object
)

// ectx is where an expression is evaluated.
type ectx struct {
	m      *module
	sc     *scope
	over   map[loopKey]*value // loop variables bound while unrolling
	locals map[string]*value  // parameters of a function being inlined
	depth  int
	need   *needs
}

// needs collects the loop variables and parameters an evaluation hit
// without a value, so that the caller can unroll or report a gap.
type needs struct {
	loops  []*binding
	params []string
}

// eval folds an expression to a value; it never fails, an expression it
// cannot fold is an unknown value saying why.
func (x *extractor) eval(c ectx, n *treesitter.Node) *value {
	if n == nil {
		return &value{kind: vUndef}
	}
	if c.depth >= maxDepth {
		x.cut++
		return &value{kind: vUnknown, why: "expression nested too deeply", n: n, m: c.m}
	}
	if x.steps++; x.steps > maxSteps {
		x.cut++
		return &value{kind: vUnknown, why: "evaluation budget exhausted", n: n, m: c.m}
	}
	c.depth++
	v := x.eval1(c, n)
	if v.n == nil {
		v.n, v.m = n, c.m
	}
	return v
}

// eval1 dispatches on the node type; eval wraps it with the bounds.
func (x *extractor) eval1(c ectx, n *treesitter.Node) *value {
	switch n.Type() {
	case "string":
		return strv(unquote(n.Text()))
	case "template_string":
		return x.template(c, n, false)
	case "number":
		if f, ok := parseNumber(n.Text()); ok {
			return &value{kind: vNumber, num: f}
		}
		return unk("number " + short(n))
	case "true", "false":
		return &value{kind: vBool, b: n.Type() == "true"}
	case "null":
		return &value{kind: vNull}
	case "undefined":
		return &value{kind: vUndef}
	case "identifier", "shorthand_property_identifier":
		return x.ident(c, n.Text(), n)
	case "import":
		return &value{kind: vGlobal, str: "import"}
	case "parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
		"type_assertion", "sequence_expression":
		if u := unwrap(n); u != n {
			return x.eval(c, u)
		}
	case "binary_expression":
		return x.binary(c, n)
	case "unary_expression":
		return x.unary(c, n)
	case "ternary_expression":
		cond := x.eval(c, n.Field("condition"))
		if t, ok := cond.truthy(); ok {
			if t {
				return x.eval(c, n.Field("consequence"))
			}
			return x.eval(c, n.Field("alternative"))
		}
		a, b := x.eval(c, n.Field("consequence")), x.eval(c, n.Field("alternative"))
		return unk("conditional on "+why(cond, n.Field("condition")), cond, a, b)
	case "member_expression":
		return x.member(c, n)
	case "subscript_expression":
		obj := x.eval(c, n.Field("object"))
		key := x.eval(c, n.Field("index"))
		k, ok := key.scalar()
		if !ok || key.partial {
			return unk("computed member "+short(n), obj, key)
		}
		return x.prop(c, obj, k)
	case "call_expression":
		return x.call(c, n)
	case "new_expression":
		return x.newExpr(c, n)
	case "object":
		return x.object(c, n)
	case "array":
		return x.array(c, n)
	case "arrow_function", "function_expression", "function", "generator_function":
		return &value{kind: vFunc, fn: &fnRef{node: n, m: c.m, sc: c.sc}}
	case "await_expression":
		inner := named(n)
		if len(inner) > 0 {
			v := x.eval(c, inner[0])
			return unk("await "+why(v, inner[0]), v)
		}
	}
	return unk(short(n))
}

// why is the reason to give for an unknown value: its own, or the source.
func why(v *value, n *treesitter.Node) string {
	if v.kind == vUnknown && v.why != "" {
		return v.why
	}
	return short(n)
}

// ident resolves a name: inlined parameters, lazy initializers, bindings
// in scope, then the globals the evaluator models.
func (x *extractor) ident(c ectx, name string, n *treesitter.Node) *value {
	if v, ok := c.locals[name]; ok {
		return v
	}
	if strings.HasPrefix(name, lazyPrefix) {
		if fm := x.fragment(c.m, name); fm != nil {
			return x.eval(ectx{m: fm, sc: c.sc, over: c.over, locals: c.locals, depth: c.depth, need: c.need}, fm.expr)
		}
		return unk("an initializer that could not be parsed")
	}
	if b := c.sc.lookup(name); b != nil {
		return x.bindingValue(c, b)
	}
	switch name {
	case "undefined":
		return &value{kind: vUndef}
	case "NaN":
		return &value{kind: vNumber, num: math.NaN()}
	case "Infinity":
		return &value{kind: vNumber, num: math.Inf(1)}
	case "__dirname":
		return &value{kind: vPath, str: path.Dir(c.m.path)}
	case "__filename":
		return &value{kind: vPath, str: c.m.path}
	case "z":
		return &value{kind: vZodNS}
	case "process", "Object", "JSON", "Math", "Date", "String", "Number", "Buffer", "Array",
		"fetch", "atob", "URL", "require", "__require", "globalThis":
		return &value{kind: vGlobal, str: name}
	}
	return unk(name + " is not defined in " + c.m.path)
}

// bindingValue evaluates what a binding holds. Values that do not depend
// on a loop variable or parameter are memoised, so each constant of a
// module is folded once however often it is used.
func (x *extractor) bindingValue(c ectx, b *binding) *value {
	switch b.kind {
	case bLoop:
		if el, ok := c.over[b.loop]; ok {
			v := x.access(c, el, b.path)
			if v.dyn == "" {
				cp := *v
				cp.dyn = "loop"
				v = &cp
			}
			return v
		}
		if c.need != nil {
			c.need.loops = append(c.need.loops, b)
		}
		return &value{kind: vUnknown, why: "loop variable " + b.name + " over " + short(b.node), dyn: "loop"}
	case bParam:
		if c.need != nil {
			c.need.params = append(c.need.params, b.name)
		}
		return &value{kind: vUnknown, why: "parameter " + b.name, dyn: "param"}
	case bFunc:
		return &value{kind: vFunc, fn: &fnRef{node: b.node, m: b.m, sc: b.sc}, n: b.node, m: b.m}
	case bClass:
		return unk("class " + b.name)
	}
	if v, ok := x.memo[b]; ok {
		return v
	}
	if v, ok := x.siteMemo[b]; ok {
		return v
	}
	if x.busy[b] {
		return unk(b.name + " refers to itself")
	}
	x.busy[b] = true
	cut := x.cut
	var v *value
	switch b.kind {
	case bEnum:
		v = x.enumValue(b)
	case bImport:
		v = x.importValue(b.m, b.spec, b.imported)
	case bNamespace:
		v = x.namespace(b.m, b.spec)
	default:
		switch {
		case b.kind == bMutable && b.m.scan.assigns[b.name] > 0:
			v = runtime("mutable variable "+b.name, b.name+" is reassigned at run time")
		case b.node == nil:
			v = unk(b.name + " has no initializer")
		default:
			v = x.eval(ectx{m: b.m, sc: b.sc, over: c.over, depth: c.depth, need: c.need}, b.node)
		}
		v = x.access(c, v, b.path)
	}
	delete(x.busy, b)
	switch {
	case v.dyn != "":
	case x.cut == cut:
		x.memo[b] = v
	default:
		// Cut short by this site's bounds: kept for the site only, so
		// that repeated uses stay linear.
		x.siteMemo[b] = v
	}
	return v
}

// access follows a destructuring path.
func (x *extractor) access(c ectx, v *value, p []string) *value {
	for _, k := range p {
		if k == "…" {
			return unk("rest of a destructuring", v)
		}
		v = x.prop(c, v, k)
	}
	return v
}

// enumValue is a TypeScript enum as an object of its members.
func (x *extractor) enumValue(b *binding) *value {
	o := newObject()
	o.n, o.m = b.node, b.m
	next := 0.0
	c := ectx{m: b.m, sc: b.sc}
	for _, m := range named(b.node.Field("body")) {
		switch m.Type() {
		case "enum_assignment":
			v := x.eval(c, m.Field("value"))
			if v.kind == vNumber {
				next = v.num + 1
			}
			o.set(propKey(m.Field("name")), v)
		case "property_identifier", "string":
			o.set(propKey(m), &value{kind: vNumber, num: next, n: m, m: b.m})
			next++
		}
	}
	return o
}

// member evaluates a.b, including import.meta.url and process.env.X.
func (x *extractor) member(c ectx, n *treesitter.Node) *value {
	obj := x.eval(c, n.Field("object"))
	return x.prop(c, obj, text(n.Field("property")))
}

// prop is property access on a value.
func (x *extractor) prop(c ectx, v *value, key string) *value {
	switch v.kind {
	case vObject:
		if p, ok := v.props[key]; ok {
			return p
		}
		if v.open {
			return unk(key+" of an object with a computed part", v)
		}
		return (&value{kind: vUndef}).inherit(v)
	case vArray:
		if key == "length" && !v.open {
			return &value{kind: vNumber, num: float64(len(v.elems))}
		}
		if f, ok := parseNumber(key); ok && f >= 0 && int(f) < len(v.elems) && !v.open {
			return v.elems[int(f)]
		}
		return unk("element "+key+" of an array", v)
	case vString:
		if key == "length" && !v.partial {
			return &value{kind: vNumber, num: float64(len([]rune(v.str)))}
		}
	case vModule:
		return x.exportValue(v.mod, key)
	case vZodNS:
		switch key {
		case "z", "default", "coerce", "zod", "core", "mini", "v4", "v3":
			return &value{kind: vZodNS}
		}
		return &value{kind: vZodFn, str: key}
	case vZod:
		return zodProp(v, key)
	case vGlobal:
		return x.globalProp(c, v, key)
	case vUnknown:
		return unk(v.why, v)
	}
	return unk(key+" of a non-object", v)
}

func (x *extractor) unary(c ectx, n *treesitter.Node) *value {
	op := text(n.Field("operator"))
	arg := x.eval(c, n.Field("argument"))
	switch op {
	case "-", "+":
		if arg.kind == vNumber {
			if op == "-" {
				return &value{kind: vNumber, num: -arg.num}
			}
			return arg
		}
	case "!":
		if t, ok := arg.truthy(); ok {
			return &value{kind: vBool, b: !t}
		}
	case "void":
		return &value{kind: vUndef}
	}
	return unk(short(n), arg)
}

// binary folds +, fallbacks (||, ??), && and comparisons.
func (x *extractor) binary(c ectx, n *treesitter.Node) *value {
	op := text(n.Field("operator"))
	l := x.eval(c, n.Field("left"))
	switch op {
	case "||", "??":
		if t, ok := l.truthy(); ok {
			if (op == "||" && t) || (op == "??" && !l.absent()) {
				return l
			}
			return x.eval(c, n.Field("right"))
		}
		r := x.eval(c, n.Field("right"))
		return unk(why(l, n.Field("left")), l, r)
	case "&&":
		if t, ok := l.truthy(); ok {
			if !t {
				return l
			}
			return x.eval(c, n.Field("right"))
		}
		return unk(why(l, n.Field("left")), l)
	}
	r := x.eval(c, n.Field("right"))
	switch op {
	case "+":
		return concat(l, r, n)
	case "===", "==", "!==", "!=":
		ls, lok := l.scalar()
		rs, rok := r.scalar()
		if lok && rok && !l.partial && !r.partial {
			eq := ls == rs && (l.kind == r.kind || op == "==" || op == "!=")
			return &value{kind: vBool, b: eq == (op == "===" || op == "==")}
		}
	case "-", "*", "/":
		if l.kind == vNumber && r.kind == vNumber {
			switch op {
			case "-":
				return &value{kind: vNumber, num: l.num - r.num}
			case "*":
				return &value{kind: vNumber, num: l.num * r.num}
			default:
				if r.num != 0 {
					return &value{kind: vNumber, num: l.num / r.num}
				}
			}
		}
	}
	return unk(short(n), l, r)
}

// concat folds a + b; an unknown side becomes a ${…} hole.
func concat(l, r *value, n *treesitter.Node) *value {
	if l.kind == vNumber && r.kind == vNumber {
		return &value{kind: vNumber, num: l.num + r.num}
	}
	ls, lok := l.scalar()
	rs, rok := r.scalar()
	if !(l.kind == vString || r.kind == vString) {
		var whys []string
		for _, v := range []*value{l, r} {
			if v.kind == vUnknown {
				whys = append(whys, why(v, v.n))
			}
		}
		if len(whys) == 0 {
			whys = append(whys, short(n))
		}
		return unk(joinWhy(whys), l, r)
	}
	out := &value{kind: vString, partial: l.partial || r.partial}
	var whys []string
	if l.partial {
		whys = append(whys, l.why)
	}
	if r.partial {
		whys = append(whys, r.why)
	}
	if !lok {
		ls = "${" + short(l.n) + "}"
		out.partial = true
		whys = append(whys, why(l, l.n))
	}
	if !rok {
		rs = "${" + short(r.n) + "}"
		out.partial = true
		whys = append(whys, why(r, r.n))
	}
	if len(ls)+len(rs) > maxString {
		return unk("string too long", l, r)
	}
	out.str = ls + rs
	out.why = joinWhy(whys)
	return out.inherit(l, r)
}

// template folds a template literal; raw keeps escapes (String.raw).
func (x *extractor) template(c ectx, n *treesitter.Node, raw bool) *value {
	t := n.Text()
	base := n.StartByte()
	out := &value{kind: vString}
	var b strings.Builder
	var whys []string
	last := 1
	seg := func(s string) {
		if raw {
			b.WriteString(strings.ReplaceAll(s, "\r\n", "\n"))
		} else {
			b.WriteString(cook(s))
		}
	}
	for _, ch := range n.Children() {
		if ch.Type() != "template_substitution" {
			continue
		}
		s, e := ch.StartByte()-base, ch.EndByte()-base
		if s < last || e > len(t) {
			continue
		}
		seg(t[last:s])
		last = e
		inner := named(ch)
		if len(inner) == 0 {
			continue
		}
		v := x.eval(c, inner[0])
		out.inherit(v)
		if v.kind == vArray && !v.open {
			if j, ok := joinScalars(v.elems, ","); ok {
				b.WriteString(j)
				continue
			}
		}
		if str, ok := v.scalar(); ok {
			b.WriteString(str)
			if v.partial {
				out.partial = true
				whys = append(whys, v.why)
			}
			continue
		}
		out.partial = true
		b.WriteString("${" + short(inner[0]) + "}")
		whys = append(whys, why(v, inner[0]))
		if b.Len() > maxString {
			return unk("string too long", out)
		}
	}
	end := len(t)
	if end > last && t[end-1] == '`' {
		end--
	}
	if end > last {
		seg(t[last:end])
	}
	out.str = b.String()
	out.why = joinWhy(whys)
	return out
}

func joinScalars(vs []*value, sep string) (string, bool) {
	parts := make([]string, 0, len(vs))
	for _, e := range vs {
		s, ok := e.scalar()
		if !ok || e.partial {
			return "", false
		}
		if e.absent() {
			s = ""
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, sep), true
}

func (x *extractor) object(c ectx, n *treesitter.Node) *value {
	o := newObject()
	for _, ch := range named(n) {
		switch ch.Type() {
		case "pair":
			k, ok := x.key(c, ch.Field("key"))
			if !ok {
				o.open = true
				continue
			}
			o.set(k, x.eval(c, ch.Field("value")))
		case "shorthand_property_identifier":
			o.set(ch.Text(), x.ident(c, ch.Text(), ch))
		case "method_definition":
			if k, ok := x.key(c, ch.Field("name")); ok {
				o.set(k, &value{kind: vFunc, fn: &fnRef{node: ch, m: c.m, sc: c.sc}, n: ch, m: c.m})
			}
		case "spread_element":
			inner := named(ch)
			if len(inner) == 0 {
				continue
			}
			s := x.eval(c, inner[0])
			switch s.kind {
			case vObject:
				for _, k := range s.keys {
					o.set(k, s.props[k])
				}
				o.open = o.open || s.open
			case vZod:
				if sh := zodProp(s, "shape"); sh.kind == vObject {
					for _, k := range sh.keys {
						o.set(k, sh.props[k])
					}
				}
			case vUndef, vNull:
			default:
				o.open = true
				o.inherit(s)
			}
		}
	}
	return o
}

// key evaluates an object key.
func (x *extractor) key(c ectx, k *treesitter.Node) (string, bool) {
	if k == nil {
		return "", false
	}
	if k.Type() == "computed_property_name" {
		inner := named(k)
		if len(inner) == 0 {
			return "", false
		}
		v := x.eval(c, inner[0])
		s, ok := v.scalar()
		return s, ok && !v.partial
	}
	s := propKey(k)
	return s, s != ""
}

func (x *extractor) array(c ectx, n *treesitter.Node) *value {
	a := &value{kind: vArray}
	for _, ch := range named(n) {
		if len(a.elems) >= maxElems {
			a.open = true
			break
		}
		if ch.Type() == "spread_element" {
			inner := named(ch)
			if len(inner) == 0 {
				continue
			}
			s := x.eval(c, inner[0])
			if s.kind == vArray {
				a.elems = append(a.elems, s.elems...)
				a.open = a.open || s.open
			} else {
				a.open = true
				a.inherit(s)
			}
			continue
		}
		a.elems = append(a.elems, x.eval(c, ch))
	}
	return a
}

// args evaluates call arguments; a template string argument (a tagged
// template) is not an argument list.
func (x *extractor) args(c ectx, n *treesitter.Node) ([]*value, []*treesitter.Node) {
	nodes := named(n)
	vals := make([]*value, len(nodes))
	for i, a := range nodes {
		if a.Type() == "spread_element" {
			vals[i] = unk("spread argument")
			continue
		}
		vals[i] = x.eval(c, a)
	}
	return vals, nodes
}

// call evaluates a call: tagged templates, zodToJsonSchema, methods on
// folded values, builtins, zod constructors and inlinable functions.
func (x *extractor) call(c ectx, n *treesitter.Node) *value {
	fnN := unwrap(n.Field("function"))
	argsN := n.Field("arguments")
	if fnN == nil || argsN == nil {
		return unk(short(n))
	}
	if argsN.Type() == "template_string" {
		tag := x.eval(c, fnN)
		name := baseName(lastIdent(fnN))
		switch {
		case tag.kind == vGlobal && tag.str == "String.raw":
			return x.template(c, argsN, true)
		case (tag.kind == vGlobal && tag.str == "dedent") || dedentTags[name]:
			v := x.template(c, argsN, false)
			if v.kind == vString {
				cp := *v
				cp.str = dedent(v.str)
				return &cp
			}
			return v
		}
		return unk("tagged template "+short(fnN), tag)
	}
	if name := baseName(lastIdent(fnN)); jsonSchemaConverters[name] {
		// zodToJsonSchema(S): the schema is S's.
		vals, _ := x.args(c, argsN)
		if len(vals) > 0 && (vals[0].kind == vZod || vals[0].kind == vObject) {
			return vals[0]
		}
	}
	if fnN.Type() == "member_expression" {
		recv := x.eval(c, fnN.Field("object"))
		return x.method(c, n, fnN, recv, text(fnN.Field("property")), argsN)
	}
	fv := x.eval(c, fnN)
	vals, nodes := x.args(c, argsN)
	return x.apply(c, n, fv, vals, nodes)
}

// lastIdent is the name a callee ends with: f in f() and a.b.f().
func lastIdent(n *treesitter.Node) string {
	switch n.Type() {
	case "identifier":
		return n.Text()
	case "member_expression":
		return text(n.Field("property"))
	}
	return ""
}

// apply calls a function value.
func (x *extractor) apply(c ectx, n *treesitter.Node, fv *value, vals []*value, nodes []*treesitter.Node) *value {
	switch fv.kind {
	case vZodFn:
		if v := zodCtor(fv.str, vals, nodes); v != nil {
			return v
		}
	case vFunc:
		return x.inline(c, fv.fn, vals, n)
	case vGlobal:
		return x.callGlobal(c, n, fv.str, vals)
	}
	return unk("call to "+short(n.Field("function"))+"()", fv)
}

// inline evaluates a call to a function whose body is a single expression
// (or a single return): description builders like (name) => `Use ${name}`.
func (x *extractor) inline(c ectx, f *fnRef, vals []*value, n *treesitter.Node) *value {
	fail := unk("call to " + short(n.Field("function")) + "()")
	body := f.node.Field("body")
	if body == nil {
		return fail
	}
	ret := body
	if body.Type() == "statement_block" {
		stmts := named(body)
		if len(stmts) != 1 || stmts[0].Type() != "return_statement" {
			return fail
		}
		rs := named(stmts[0])
		if len(rs) == 0 {
			return &value{kind: vUndef}
		}
		ret = rs[0]
	}
	locals := map[string]*value{}
	for i, p := range params(f.node) {
		a := &value{kind: vUndef}
		if i < len(vals) {
			a = vals[i]
		}
		eachName(p, func(name string, path []string) { locals[name] = x.access(c, a, path) })
	}
	sc := f.sc
	if s, ok := f.m.scopes[span{f.node.StartByte(), f.node.EndByte()}]; ok {
		sc = s
	}
	return x.eval(ectx{m: f.m, sc: sc, over: c.over, locals: locals, depth: c.depth, need: c.need}, ret)
}

// method evaluates recv.name(args).
func (x *extractor) method(c ectx, n, fnN *treesitter.Node, recv *value, name string, argsN *treesitter.Node) *value {
	vals, nodes := x.args(c, argsN)
	switch recv.kind {
	case vString:
		if v := strMethod(recv, name, vals); v != nil {
			return v
		}
	case vArray:
		if v := x.arrayMethod(c, n, recv, name, vals); v != nil {
			return v
		}
	case vZod:
		return zodMethod(recv, name, vals, nodes)
	case vZodNS:
		if name == "toJSONSchema" && len(vals) > 0 {
			return vals[0]
		}
		if v := zodCtor(name, vals, nodes); v != nil {
			return v
		}
	case vGlobal:
		return x.callGlobal(c, n, recv.str+"."+name, vals)
	case vModule:
		return x.apply(c, n, x.exportValue(recv.mod, name), vals, nodes)
	case vObject:
		if p := recv.props[name]; p != nil {
			return x.apply(c, n, p, vals, nodes)
		}
		// An inlined zod namespace in a bundle: `var e = {}; __export(e, …)`.
		if v := zodCtor(name, vals, nodes); v != nil {
			return v
		}
	case vUnknown:
		obj := unwrap(fnN.Field("object"))
		if obj != nil && (obj.Type() == "identifier" || obj.Type() == "member_expression") {
			// A bundler-renamed zod (z2.string(), e.object({…})) is
			// recognised by its constructor vocabulary.
			if v := zodCtor(name, vals, nodes); v != nil {
				return v
			}
		}
		if zodModifiers[name] {
			// someSchema.describe("…") on a schema we cannot see.
			z := &zschema{unknown: recv.why}
			return zodMethod(&value{kind: vZod, zod: z}, name, vals, nodes)
		}
		if recv.why != "" {
			return unk(recv.why, recv)
		}
	}
	return unk("call to "+short(fnN)+"()", recv)
}
