package jsts

import (
	"regexp"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// walkScoped walks n's subtree with the scope of each node (the scopes the
// build walk recorded; a subtree it did not record keeps the enclosing
// one) and whether the node is inside a function nested in n.
func (x *extractor) walkScoped(m *module, n *treesitter.Node, sc *scope, f func(n *treesitter.Node, sc *scope, nested bool) bool) {
	type frame struct {
		end    int
		sc     *scope
		nested bool
	}
	var stack []frame
	cur, nested := sc, false
	root := n.StartByte()
	steps := 0
	n.Walk(func(c *treesitter.Node) bool {
		if steps++; steps&1023 == 0 && x.ctx.Err() != nil {
			return false
		}
		if !c.IsNamed() {
			return false
		}
		s, e := c.StartByte(), c.EndByte()
		for len(stack) > 0 && stack[len(stack)-1].end <= s {
			top := stack[len(stack)-1]
			cur, nested = top.sc, top.nested
			stack = stack[:len(stack)-1]
		}
		if !f(c, cur, nested) {
			return false
		}
		stack = append(stack, frame{end: e, sc: cur, nested: nested})
		if ns, ok := m.scopes[span{s, e}]; ok {
			cur = ns
		}
		if funcTypes[c.Type()] && s != root {
			nested = true
		}
		return true
	})
}

// usage tracks which input properties a handler reads from its argument
// object. Every occurrence of the object must be accounted for by a
// property read, a destructuring or an alias; any other use (passed to a
// function, spread, serialised) makes every property count as read.
type usage struct {
	aliases   map[string]bool
	isArgs    func(*treesitter.Node) bool // extra matcher: request.params.arguments
	accounted map[span]bool
	into      func() *branch // where reads are recorded
}

// branch is what one tool's code path reads and outputs.
type branch struct {
	pos     analysis.Position
	used    []string
	all     bool
	outputs []surface.Text
}

func (b *branch) use(name string) {
	switch name {
	case "hasOwnProperty", "toString", "valueOf", "constructor":
		return
	}
	if !contains(b.used, name) {
		b.used = append(b.used, name)
	}
}

// args reports whether n denotes the argument object.
func (u *usage) args(n *treesitter.Node) bool {
	n = unwrap(n)
	if n == nil {
		return false
	}
	if n.Type() == "identifier" && u.aliases[n.Text()] {
		return true
	}
	return u.isArgs != nil && u.isArgs(n)
}

// account marks an occurrence of the argument object as explained.
func (u *usage) account(n *treesitter.Node) {
	for i := 0; n != nil && i < 16; i++ {
		u.accounted[span{n.StartByte(), n.EndByte()}] = true
		u2 := unwrap(n)
		if u2 == n {
			break
		}
		n = u2
	}
	if n != nil {
		u.accounted[span{n.StartByte(), n.EndByte()}] = true
	}
}

// source strips what keeps the argument object the same object: casts,
// `?? {}`, `|| {}`, await and zod's Schema.parse(args).
func (u *usage) source(n *treesitter.Node) *treesitter.Node {
	for i := 0; n != nil && i < 16; i++ {
		n = unwrap(n)
		switch n.Type() {
		case "binary_expression":
			op := text(n.Field("operator"))
			if op != "??" && op != "||" {
				return n
			}
			n = n.Field("left")
		case "await_expression":
			cs := named(n)
			if len(cs) == 0 {
				return n
			}
			n = cs[0]
		case "call_expression":
			switch calleeName(n) {
			case "parse", "parseAsync":
				a := named(n.Field("arguments"))
				if len(a) != 1 || !u.args(a[0]) {
					return n
				}
				u.account(a[0])
				return a[0]
			}
			return n
		default:
			return n
		}
	}
	return n
}

// bindPattern records the names a pattern destructures from the argument
// object, or makes an identifier an alias of it.
func (u *usage) bindPattern(p *treesitter.Node) {
	p = unwrapPattern(p)
	if p == nil {
		return
	}
	switch p.Type() {
	case "identifier":
		u.aliases[p.Text()] = true
	case "object_pattern":
		for _, c := range named(p) {
			switch c.Type() {
			case "shorthand_property_identifier_pattern":
				u.into().use(c.Text())
			case "pair_pattern":
				if k := propKey(c.Field("key")); k != "" {
					u.into().use(k)
				} else {
					u.into().all = true
				}
			case "object_assignment_pattern":
				u.into().use(text(c.Field("left")))
			case "rest_pattern":
				u.into().all = true
			}
		}
	default:
		u.into().all = true
	}
}

// unwrapPattern strips TypeScript parameter wrappers and defaults.
func unwrapPattern(p *treesitter.Node) *treesitter.Node {
	for i := 0; p != nil && i < 8; i++ {
		switch p.Type() {
		case "required_parameter", "optional_parameter":
			p = p.Field("pattern")
		case "assignment_pattern":
			p = p.Field("left")
		default:
			return p
		}
	}
	return p
}

// markPattern accounts for every identifier of a declaration's pattern.
func (u *usage) markPattern(p *treesitter.Node) {
	p.Walk(func(c *treesitter.Node) bool {
		if c.Type() == "identifier" {
			u.accounted[span{c.StartByte(), c.EndByte()}] = true
		}
		return true
	})
}

// visit updates the usage for one node of the walk.
func (u *usage) visit(n *treesitter.Node) {
	switch n.Type() {
	case "member_expression":
		if u.args(n.Field("object")) {
			u.account(n.Field("object"))
			u.into().use(text(n.Field("property")))
		}
	case "subscript_expression":
		if u.args(n.Field("object")) {
			u.account(n.Field("object"))
			if k := unwrap(n.Field("index")); k != nil && k.Type() == "string" {
				u.into().use(unquote(k.Text()))
			} else {
				u.into().all = true
			}
		}
	case "binary_expression":
		if text(n.Field("operator")) == "in" && u.args(n.Field("right")) {
			if l := unwrap(n.Field("left")); l != nil && l.Type() == "string" {
				u.account(n.Field("right"))
				u.into().use(unquote(l.Text()))
			}
		}
	case "variable_declarator":
		name := n.Field("name")
		if name == nil {
			return
		}
		u.markPattern(name)
		if v := n.Field("value"); v != nil {
			if src := u.source(v); u.args(src) {
				u.account(src)
				u.bindPattern(name)
			}
		}
	case "identifier", "shorthand_property_identifier":
		if u.aliases[n.Text()] && !u.accounted[span{n.StartByte(), n.EndByte()}] {
			u.into().all = true
		}
	}
	// request.params.arguments used as a whole.
	if n.Type() == "member_expression" && u.isArgs != nil && u.isArgs(n) && !u.accounted[span{n.StartByte(), n.EndByte()}] {
		u.into().all = true
	}
}

// handlerInfo is what the analysis of a tool callback found.
type handlerInfo struct {
	pos     analysis.Position
	known   bool
	used    []string
	all     bool
	outputs []surface.Text
	sinks   map[string]string // see surface.Tool.SinkParams
}

type fnKey struct {
	m       *module
	s, e    int
	hasArgs bool
}

// analyzeFn analyses a tool or prompt callback: the input properties it
// reads (from its first parameter, when the tool has an input schema) and
// the literal texts it returns or throws.
func (x *extractor) analyzeFn(fv *value, hasArgs bool) handlerInfo {
	if fv == nil || fv.kind != vFunc {
		return handlerInfo{}
	}
	f := fv.fn
	k := fnKey{f.m, f.node.StartByte(), f.node.EndByte(), hasArgs}
	if hi, ok := x.fnMemo[k]; ok {
		return hi
	}
	hi := handlerInfo{pos: f.m.pos(f.node)}
	body := f.node.Field("body")
	if body == nil || (f.m.sk != nil && f.m.sk.masked[body.StartByte()]) {
		x.fnMemo[k] = hi
		return hi
	}
	sc := f.sc
	if s, ok := f.m.scopes[span{f.node.StartByte(), f.node.EndByte()}]; ok {
		sc = s
	}
	b := &branch{}
	u := &usage{aliases: map[string]bool{}, accounted: map[span]bool{}, into: func() *branch { return b }}
	if hasArgs {
		if ps := params(f.node); len(ps) > 0 {
			u.markPattern(ps[0])
			u.bindPattern(ps[0])
		}
	}
	x.walkScoped(f.m, body, sc, func(n *treesitter.Node, sc *scope, nested bool) bool {
		u.visit(n)
		b.outputs = append(b.outputs, x.outputsAt(f.m, n, sc, nested)...)
		return true
	})
	if body.Type() != "statement_block" {
		// An expression body is a return.
		b.outputs = append(b.outputs, x.lits(ectx{m: f.m, sc: sc}, body, 0)...)
	}
	hi.known, hi.used, hi.all, hi.outputs = true, b.used, b.all, dedupTexts(b.outputs)
	if hasArgs && !b.all {
		hi.sinks = sinkParams(body, b.used, func(name string) bool { return x.sends(sc.lookup(name)) })
	}
	x.fnMemo[k] = hi
	return hi
}

// params lists a function's parameter nodes.
func params(fn *treesitter.Node) []*treesitter.Node {
	if p := fn.Field("parameter"); p != nil {
		return []*treesitter.Node{p}
	}
	return named(fn.Field("parameters"))
}

// outputsAt returns the literal texts node n sends to the client: the text
// of a {type: "text", text} content item, a returned string, the message
// of a constructed or thrown error.
func (x *extractor) outputsAt(m *module, n *treesitter.Node, sc *scope, nested bool) []surface.Text {
	c := ectx{m: m, sc: sc}
	switch n.Type() {
	case "object":
		var typ, txt *treesitter.Node
		for _, p := range named(n) {
			switch {
			case p.Type() == "shorthand_property_identifier" && p.Text() == "text":
				txt = p
			case p.Type() != "pair":
			case propKey(p.Field("key")) == "type":
				typ = p.Field("value")
			case propKey(p.Field("key")) == "text":
				txt = p.Field("value")
			}
		}
		if typ != nil && txt != nil && unquote(text(unwrap(typ))) == "text" {
			return x.lits(c, txt, 0)
		}
	case "return_statement":
		if rs := named(n); len(rs) > 0 && !nested {
			switch unwrap(rs[0]).Type() {
			case "string", "template_string", "binary_expression", "ternary_expression":
				return x.lits(c, rs[0], 0)
			}
		}
	case "throw_statement":
		if rs := named(n); len(rs) > 0 {
			if t := unwrap(rs[0]).Type(); t == "string" || t == "template_string" || t == "binary_expression" {
				return x.lits(c, rs[0], 0)
			}
		}
	case "new_expression":
		if strings.HasSuffix(baseName(lastIdent(unwrap(n.Field("constructor")))), "Error") {
			var out []surface.Text
			for _, a := range named(n.Field("arguments")) {
				out = append(out, x.lits(c, a, 0)...)
			}
			return out
		}
	}
	return nil
}

// lits returns the resolved texts an expression may produce: both arms of
// a conditional or fallback, a local constant's initializer.
func (x *extractor) lits(c ectx, n *treesitter.Node, depth int) []surface.Text {
	n = unwrap(n)
	if n == nil || depth > 8 {
		return nil
	}
	switch n.Type() {
	case "ternary_expression":
		return append(x.lits(c, n.Field("consequence"), depth+1), x.lits(c, n.Field("alternative"), depth+1)...)
	case "binary_expression":
		switch text(n.Field("operator")) {
		case "||", "??", "&&":
			return append(x.lits(c, n.Field("left"), depth+1), x.lits(c, n.Field("right"), depth+1)...)
		}
	case "identifier", "shorthand_property_identifier":
		if fm := x.fragment(c.m, n.Text()); fm != nil {
			return x.lits(ectx{m: fm, sc: c.sc}, fm.expr, depth+1)
		}
		b := c.sc.lookup(n.Text())
		if b != nil && b.node != nil && len(b.path) == 0 && (b.kind == bConst || (b.kind == bMutable && b.m.scan.assigns[b.name] == 0)) {
			return x.lits(ectx{m: b.m, sc: b.sc}, b.node, depth+1)
		}
		return nil
	case "object", "array", "arrow_function", "function_expression", "function":
		return nil
	}
	v := x.eval(c, n)
	if v.kind != vString || v.str == "" {
		return nil
	}
	// A literal joined to run-time text (formatResults(r) + "\n\n<note>")
	// still sends its known part: kept, as a partial text, when that part
	// is a sentence rather than glue.
	if v.partial && len(strings.TrimSpace(holes.ReplaceAllString(v.str, ""))) < 24 {
		return nil
	}
	return []surface.Text{x.text(v)}
}

// holes are the "${…}" marks of a partial text's unknown parts.
var holes = regexp.MustCompile(`\$\{…\}`)

// callHandler is the analysis of a low-level tools/call handler: the code
// path of each tool name it dispatches on, and what is shared by all.
type callHandler struct {
	path     string
	pos      analysis.Position
	known    bool
	branches map[string]*branch
	shared   branch
}

// analyzeCallHandler splits a tools/call handler by the tool name it
// switches or tests on (request.params.name, or a name destructured from
// request.params), and tracks request.params.arguments and its aliases.
func (x *extractor) analyzeCallHandler(modPath string, fv *value) *callHandler {
	h := &callHandler{path: modPath, branches: map[string]*branch{}}
	if fv.kind != vFunc {
		return h
	}
	f := fv.fn
	m := f.m
	h.pos = m.pos(f.node)
	body := f.node.Field("body")
	if body == nil || (m.sk != nil && m.sk.masked[body.StartByte()]) {
		return h
	}
	h.known = true
	sc := f.sc
	if s, ok := m.scopes[span{f.node.StartByte(), f.node.EndByte()}]; ok {
		sc = s
	}
	d := &dispatch{req: "", paramsA: map[string]bool{}, nameA: map[string]bool{}, argsA: map[string]bool{}}
	if ps := params(f.node); len(ps) > 0 {
		d.bindParams(unwrapPattern(ps[0]), 0)
	}
	body.Walk(func(n *treesitter.Node) bool {
		if n.Type() == "variable_declarator" {
			if v, name := n.Field("value"), n.Field("name"); v != nil && name != nil {
				d.bindDecl(name, v)
			}
		}
		return true
	})
	type rng struct {
		s, e int
		b    *branch
	}
	var ranges []rng
	cur := func(off int) *branch {
		for i := len(ranges) - 1; i >= 0; i-- {
			if ranges[i].s <= off && off < ranges[i].e {
				return ranges[i].b
			}
		}
		return &h.shared
	}
	add := func(names []string, s, e int, pos analysis.Position) {
		b := &branch{pos: pos}
		for _, nm := range names {
			if h.branches[nm] == nil {
				h.branches[nm] = b
			}
		}
		ranges = append(ranges, rng{s, e, b})
	}
	var at int
	u := &usage{aliases: d.argsA, isArgs: d.isArgs, accounted: map[span]bool{}, into: func() *branch { return cur(at) }}
	x.walkScoped(m, body, sc, func(n *treesitter.Node, sc *scope, nested bool) bool {
		at = n.StartByte()
		c := ectx{m: m, sc: sc}
		switch n.Type() {
		case "switch_statement":
			if d.isName(n.Field("value")) {
				var pending []string
				for _, cs := range named(n.Field("body")) {
					if cs.Type() != "switch_case" {
						pending = nil
						continue
					}
					val := cs.Field("value")
					if v := x.eval(c, val); v.kind == vString && !v.partial {
						pending = append(pending, v.str)
					}
					var stmts []*treesitter.Node
					for _, st := range named(cs) {
						if val == nil || st.StartByte() != val.StartByte() {
							stmts = append(stmts, st)
						}
					}
					if len(stmts) > 0 && len(pending) > 0 {
						add(pending, stmts[0].StartByte(), stmts[len(stmts)-1].EndByte(), m.pos(cs))
						pending = nil
					}
				}
			}
		case "if_statement":
			if names := x.eqNames(c, d, n.Field("condition"), 0); len(names) > 0 {
				if cons := n.Field("consequence"); cons != nil {
					add(names, cons.StartByte(), cons.EndByte(), m.pos(n))
				}
			}
		}
		u.visit(n)
		if outs := x.outputsAt(m, n, sc, nested); len(outs) > 0 {
			b := cur(at)
			b.outputs = append(b.outputs, outs...)
		}
		return true
	})
	return h
}

// eqNames returns the tool names a condition tests: name === "x",
// "x" == request.params.name, and || of those.
func (x *extractor) eqNames(c ectx, d *dispatch, cond *treesitter.Node, depth int) []string {
	cond = unwrap(cond)
	if cond == nil || cond.Type() != "binary_expression" || depth > 16 {
		return nil
	}
	l, r := cond.Field("left"), cond.Field("right")
	switch text(cond.Field("operator")) {
	case "||":
		return append(x.eqNames(c, d, l, depth+1), x.eqNames(c, d, r, depth+1)...)
	case "===", "==":
		if d.isName(r) {
			l, r = r, l
		}
		if d.isName(l) {
			if v := x.eval(c, r); v.kind == vString && !v.partial {
				return []string{v.str}
			}
		}
	}
	return nil
}

// dispatch knows the names that denote the request, its params, the tool
// name and the arguments inside a tools/call handler.
type dispatch struct {
	req     string
	paramsA map[string]bool
	nameA   map[string]bool
	argsA   map[string]bool
}

// bindParams reads the handler's parameter: request, or {params}.
func (d *dispatch) bindParams(p *treesitter.Node, depth int) {
	if p == nil || depth > 2 {
		return
	}
	switch p.Type() {
	case "identifier":
		if depth == 0 {
			d.req = p.Text()
		}
	case "object_pattern":
		for _, c := range named(p) {
			switch c.Type() {
			case "shorthand_property_identifier_pattern":
				if depth == 0 && c.Text() == "params" {
					d.paramsA["params"] = true
				}
			case "pair_pattern":
				k := propKey(c.Field("key"))
				v := unwrapPattern(c.Field("value"))
				if depth == 0 && k == "params" {
					if v.Type() == "identifier" {
						d.paramsA[v.Text()] = true
					} else {
						d.bindParamsObj(v)
					}
				}
			}
		}
	}
}

// bindParamsObj reads a pattern over request.params: {name, arguments: a}.
func (d *dispatch) bindParamsObj(p *treesitter.Node) {
	if p == nil || p.Type() != "object_pattern" {
		return
	}
	for _, c := range named(p) {
		switch c.Type() {
		case "shorthand_property_identifier_pattern":
			if c.Text() == "name" {
				d.nameA["name"] = true
			}
		case "pair_pattern":
			v := unwrapPattern(c.Field("value"))
			if v == nil || v.Type() != "identifier" {
				continue
			}
			switch propKey(c.Field("key")) {
			case "name":
				d.nameA[v.Text()] = true
			case "arguments":
				d.argsA[v.Text()] = true
			}
		}
	}
}

// bindDecl learns aliases from a declaration such as
// const { name, arguments: args = {} } = request.params.
func (d *dispatch) bindDecl(name, v *treesitter.Node) {
	v = unwrap(v)
	for i := 0; v != nil && v.Type() == "binary_expression" && i < 8; i++ {
		if op := text(v.Field("operator")); op != "??" && op != "||" {
			break
		}
		v = unwrap(v.Field("left"))
	}
	switch {
	case d.isParams(v):
		if name.Type() == "identifier" {
			d.paramsA[name.Text()] = true
		} else {
			d.bindParamsObj(name)
		}
	case d.isName(v) && name.Type() == "identifier":
		d.nameA[name.Text()] = true
	case d.isArgs(v) && name.Type() == "identifier":
		d.argsA[name.Text()] = true
	case v != nil && v.Type() == "identifier" && v.Text() == d.req && d.req != "" && name.Type() == "object_pattern":
		d.bindParams(name, 0)
	}
}

func (d *dispatch) isParams(n *treesitter.Node) bool {
	n = unwrap(n)
	if n == nil {
		return false
	}
	switch n.Type() {
	case "identifier":
		return d.paramsA[n.Text()]
	case "member_expression":
		o := unwrap(n.Field("object"))
		return text(n.Field("property")) == "params" && o != nil && o.Type() == "identifier" && o.Text() == d.req && d.req != ""
	}
	return false
}

func (d *dispatch) isName(n *treesitter.Node) bool {
	n = unwrap(n)
	if n == nil {
		return false
	}
	switch n.Type() {
	case "identifier":
		return d.nameA[n.Text()]
	case "member_expression":
		return text(n.Field("property")) == "name" && d.isParams(n.Field("object"))
	}
	return false
}

func (d *dispatch) isArgs(n *treesitter.Node) bool {
	n = unwrap(n)
	if n == nil {
		return false
	}
	switch n.Type() {
	case "identifier":
		return d.argsA[n.Text()]
	case "member_expression":
		return text(n.Field("property")) == "arguments" && d.isParams(n.Field("object"))
	}
	return false
}

var (
	// netCall and logCall are callees that send their arguments off the
	// machine, or to a log; passThrough are calls that only re-encode.
	netCall     = regexp.MustCompile(`^(?:fetch|axios(?:\.(?:post|put|patch|get|request))?|got(?:\.(?:post|put))?|request|(?:https?|client|api|session|this\.(?:client|http|api))\.(?:post|put|patch|request|send)|navigator\.sendBeacon)$|(?i)(?:telemetry|analytics|metrics|tracking|tracker|beacon|posthog|segment|mixpanel)\w*\.\w+$`)
	logCall     = regexp.MustCompile(`^(?:console\.(?:log|info|debug|warn|error)|(?:\w*log\w*|this\.\w*log\w*)\.(?:info|debug|warn|warning|error|log|trace))$`)
	passThrough = regexp.MustCompile(`^(?:JSON\.stringify|String|encodeURIComponent|encodeURI|Buffer\.from|btoa|new\s+URLSearchParams)$`)
)

// sinkParams returns, for the argument properties among names that the
// body reads only as arguments of a network or log call (or in an if
// test), where they go: "network" or "log".
//
// sender says whether a function of the module, by name, makes a network
// call: a fire-and-forget call to it (beacon(notes)) sends its arguments.
func sinkParams(body *treesitter.Node, names []string, sender func(string) bool) map[string]string {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	kind, real := map[string]string{}, map[string]bool{}
	steps := 0
	body.Walk(func(n *treesitter.Node) bool {
		if steps++; steps > 200000 {
			return false
		}
		t := n.Type()
		if (t != "identifier" && t != "shorthand_property_identifier") || !want[n.Text()] {
			return true
		}
		name := n.Text()
		switch k := sinkOf(n, body, sender); k {
		case "":
			real[name] = true
		case "test":
		default:
			if kind[name] != "network" {
				kind[name] = k
			}
		}
		return true
	})
	out := map[string]string{}
	for name, k := range kind {
		if !real[name] {
			out[name] = k
		}
	}
	return out
}

// sinkOf says where a read goes: a network call, a log call, an if test,
// or anywhere else ("").
func sinkOf(n, body *treesitter.Node, sender func(string) bool) string {
	c := n
	for p := n.Parent(); p != nil && p.StartByte() >= body.StartByte() && p.EndByte() <= body.EndByte(); c, p = p, p.Parent() {
		switch p.Type() {
		case "call_expression", "new_expression":
			args := p.Field("arguments")
			if args == nil || args.StartByte() > c.StartByte() || args.EndByte() < c.EndByte() {
				return ""
			}
			callee := strings.Join(strings.Fields(text(p.Field("function"))+text(p.Field("constructor"))), "")
			if p.Type() == "new_expression" {
				callee = "new " + callee
			}
			switch {
			case passThrough.MatchString(callee):
				continue
			case discarded(p) && (netCall.MatchString(callee) || sender(callee)):
				// Fire and forget: an API wrapper uses what the call
				// returns; a channel only sends.
				return "network"
			case logCall.MatchString(callee):
				return "log"
			}
			return ""
		case "if_statement", "while_statement":
			if cond := p.Field("condition"); cond != nil && cond.StartByte() <= c.StartByte() && cond.EndByte() >= c.EndByte() {
				return "test"
			}
			return ""
		case "statement_block", "return_statement", "variable_declarator", "assignment_expression", "expression_statement", "arrow_function", "function_expression":
			return ""
		}
	}
	return ""
}

// sends reports whether b is a function declared in the module whose body
// makes a network call; computed once per function.
func (x *extractor) sends(b *binding) bool {
	if b == nil || b.kind != bFunc || b.node == nil || b.node.Field("body") == nil {
		return false
	}
	if found, ok := x.senders[b]; ok {
		return found
	}
	found, steps := false, 0
	b.node.Field("body").Walk(func(n *treesitter.Node) bool {
		if steps++; found || steps > 20000 {
			return false
		}
		if n.Type() == "call_expression" && netCall.MatchString(strings.Join(strings.Fields(text(n.Field("function"))), "")) {
			found = true
		}
		return !found
	})
	x.senders[b] = found
	return found
}

// discarded reports a call whose result nobody uses: a statement of its
// own, possibly awaited or voided.
func discarded(call *treesitter.Node) bool {
	for p := call.Parent(); p != nil; p = p.Parent() {
		switch p.Type() {
		case "await_expression", "unary_expression", "parenthesized_expression":
			continue
		case "expression_statement":
			return true
		}
		return false
	}
	return false
}
