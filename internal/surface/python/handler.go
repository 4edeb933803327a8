package python

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mcpcert/mcpcert/internal/surface"
)

// usedParams lists the parameters among names that the handler's body
// reads; all of them when the body reads its locals wholesale.
func (x *extractor) usedParams(fn *value, names []string) []string {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	used := map[string]bool{}
	all := false
	body := fn.node.Field("body")
	if body == nil {
		return nil
	}
	body.Walk(func(n *pnode) bool {
		if !x.alive() || all {
			return false
		}
		switch n.Type() {
		case "call":
			if f := n.Field("function"); f != nil && (f.Text() == "locals" || f.Text() == "vars") {
				all = true
			}
		case "identifier":
			if want[n.Text()] && isRead(n) {
				used[n.Text()] = true
			}
		}
		return true
	})
	var out []string
	for _, n := range names {
		if all || used[n] {
			out = append(out, n)
		}
	}
	return out
}

var (
	// netSink and logSink are calls that send their arguments off the
	// machine, or to a log.
	netSink = regexp.MustCompile(`^(?:requests|httpx|aiohttp|urllib3|urllib\.request|session|client|http|_?http_?client|self\.(?:session|client|http))\.(?:post|put|patch|get|request|urlopen|send)$|^(?:urlopen|fetch)$|(?i)(?:telemetry|analytics|metrics|tracking|tracker|beacon)\w*\.\w+$`)
	logSink = regexp.MustCompile(`(?i)^(?:\w+\.){1,3}(?:info|debug|warning|warn|error|exception|critical)$|^(?:\w*log\w*|self\.\w*log\w*)\.log$`)
	// remoteLogging is a logging handler that ships records to a host.
	remoteLogging = regexp.MustCompile(`\b(?:HTTPHandler|SocketHandler|DatagramHandler|SysLogHandler|SMTPHandler)\b`)
)

// sinkParams returns, for the parameters among names that the handler
// reads only as arguments of a network call or a log call (or in an if
// test), where they go: "network", or "log". A parameter the tool uses
// for its purpose is not listed.
func (x *extractor) sinkParams(fn *value, names []string) map[string]string {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	body := fn.node.Field("body")
	if body == nil {
		return nil
	}
	remoteLog := remoteLogging.Match(fn.m.src)
	sender := func(name string) bool { return x.sends(fn.m, name) }
	kind := map[string]string{}
	real := map[string]bool{}
	body.Walk(func(n *pnode) bool {
		if !x.alive() {
			return false
		}
		if n.Type() != "identifier" || !want[n.Text()] || !isRead(n) {
			return true
		}
		name := n.Text()
		k := sinkOf(n, body, sender)
		switch {
		case k == "":
			real[name] = true
		case k == "log" && remoteLog:
			kind[name] = "network"
		case k != "test" && kind[name] != "network":
			kind[name] = k
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

// sinkOf says where a read of a variable goes: into a network call
// ("network"), a log call ("log"), an if test ("test"), or anywhere else
// ("").
//
// sender names the module's functions that make a network call: a
// fire-and-forget call to one (directly or as a thread's target) sends
// its arguments.
func sinkOf(n, body *pnode, sender func(string) bool) string {
	for c, p := n, n.Parent(); p != nil && p != body; c, p = p, p.Parent() {
		switch p.Type() {
		case "call":
			if !same(p.Field("arguments"), c) {
				return ""
			}
			callee := compact(p.Field("function").Text())
			switch {
			case discarded(p) && (netSink.MatchString(callee) || sender(callee)):
				// Fire and forget: an API wrapper uses what the call
				// returns; a channel only sends.
				return "network"
			case threadStart.MatchString(callee) && sender(threadTarget(p)):
				return "network"
			case logSink.MatchString(callee):
				return "log"
			}
			return ""
		case "if_statement", "elif_clause", "while_statement":
			if same(p.Field("condition"), c) {
				return "test"
			}
			return ""
		case "expression_statement", "return_statement", "assignment", "augmented_assignment", "block":
			return ""
		}
	}
	return ""
}

// threadStart is a thread constructor: Thread(target=f, args=(…)) runs f
// in the background with those arguments.
var threadStart = regexp.MustCompile(`^(?:threading\.)?Thread$`)

// threadTarget is the function a Thread(target=f, args=(…)) call runs.
func threadTarget(call *pnode) string {
	args := call.Field("arguments")
	if args == nil {
		return ""
	}
	for _, a := range namedNoComments(args) {
		if k, v := a.Field("name"), a.Field("value"); a.Type() == "keyword_argument" && k != nil && v != nil && k.Text() == "target" {
			return compact(v.Text())
		}
	}
	return ""
}

// sends reports whether name is a function defined once at the top of
// module m whose body makes a network call. Only such a function is read,
// and only when an argument is passed to it.
func (x *extractor) sends(m *module, name string) bool {
	if m.sc == nil || len(m.sc.binds[name]) != 1 || m.sc.binds[name][0].kind != bDef {
		return false
	}
	def := m.sc.binds[name][0].node
	if found, ok := x.senders[def]; ok {
		return found
	}
	found, steps := false, 0
	if body := def.Field("body"); body != nil {
		body.Walk(func(n *pnode) bool {
			if steps++; found || steps > 20000 {
				return false
			}
			if f := n.Field("function"); n.Type() == "call" && f != nil && netSink.MatchString(compact(f.Text())) {
				found = true
			}
			return !found
		})
	}
	if x.senders == nil {
		x.senders = map[*pnode]bool{}
	}
	x.senders[def] = found
	return found
}

// isRead reports an identifier that reads a variable, as opposed to an
// attribute or keyword name, or the target of a plain assignment or loop.
func isRead(n *pnode) bool {
	p := n.Parent()
	if p == nil {
		return true
	}
	switch p.Type() {
	case "attribute":
		return !same(p.Field("attribute"), n)
	case "keyword_argument":
		return !same(p.Field("name"), n)
	case "assignment":
		return !same(p.Field("left"), n)
	case "for_statement", "for_in_clause":
		return !same(p.Field("left"), n)
	case "function_definition", "class_definition", "parameters", "lambda_parameters",
		"default_parameter", "typed_parameter", "typed_default_parameter", "aliased_import", "dotted_name":
		return false
	}
	return true
}

// same reports whether two wrappers are the same node.
func same(a, b *pnode) bool {
	return a != nil && b != nil && a.StartByte() == b.StartByte() && a.EndByte() == b.EndByte() && a.Type() == b.Type()
}

// dispatch is the tool-name dispatch of a low-level call_tool handler.
type dispatch struct {
	fn        *value
	e         *env
	name      string          // the expression holding the tool name: name, or params.name (v2)
	args      map[string]bool // the expressions holding the arguments, aliases included
	branches  []branch
	fallbacks []*pnode // else bodies and case _ of the dispatch
}

type branch struct {
	names []string
	body  *pnode
}

// dispatchOf analyses a call_tool handler: (name, arguments) in v1,
// (ctx, params) reading params.name and params.arguments in v2.
func (x *extractor) dispatchOf(fn *value) *dispatch {
	d := &dispatch{fn: fn, args: map[string]bool{}}
	d.e = &env{m: fn.m, sc: x.funcScope(fn.m, fn.node), parent: x.envAt(fn.m, fn.node)}
	var params []string
	if ps := fn.node.Field("parameters"); ps != nil {
		for _, p := range namedNoComments(ps) {
			if n := ParamName(p); n != "" && n != "self" {
				params = append(params, n)
			}
		}
	}
	body := fn.node.Field("body")
	if body == nil || len(params) == 0 {
		return d
	}
	last := params[len(params)-1]
	switch {
	case mentions(body, last+".name"): // v2: on_call_tool(ctx, params)
		d.name = last + ".name"
		d.args[last+".arguments"] = true
	case len(params) >= 2:
		d.name = params[0]
		d.args[params[1]] = true
	}
	// args = arguments or {} and the like make aliases.
	body.Walk(func(n *pnode) bool {
		if n.Type() == "assignment" {
			l, r := n.Field("left"), n.Field("right")
			if l != nil && r != nil && l.Type() == "identifier" && d.isArgs(stripArgs(r)) {
				d.args[l.Text()] = true
			}
		}
		return true
	})
	x.branches(d, body, 0)
	return d
}

// stripArgs unwraps `arguments or {}` and `dict(arguments)`.
func stripArgs(r *pnode) *pnode {
	switch r.Type() {
	case "boolean_operator":
		return r.Field("left")
	case "call":
		if f := r.Field("function"); f != nil && f.Text() == "dict" {
			if a := argNodes(r.Field("arguments")); len(a) == 1 {
				return a[0]
			}
		}
	case "parenthesized_expression":
		if cs := namedNoComments(r); len(cs) == 1 {
			return stripArgs(cs[0])
		}
	}
	return r
}

func compact(s string) string { return strings.Join(strings.Fields(s), "") }

func mentions(body *pnode, expr string) bool {
	found := false
	body.Walk(func(n *pnode) bool {
		if found {
			return false
		}
		if n.Type() == "attribute" && compact(n.Text()) == expr {
			found = true
		}
		return true
	})
	return found
}

func (d *dispatch) isName(n *pnode) bool {
	return n != nil && d.name != "" && (n.Type() == "identifier" || n.Type() == "attribute") && compact(n.Text()) == d.name
}

func (d *dispatch) isArgs(n *pnode) bool {
	return n != nil && (n.Type() == "identifier" || n.Type() == "attribute") && d.args[compact(n.Text())]
}

// branches finds the if/elif and match/case arms that test the tool name.
func (x *extractor) branches(d *dispatch, block *pnode, depth int) {
	if block == nil || depth > maxDepth {
		return
	}
	for _, st := range namedNoComments(block) {
		switch st.Type() {
		case "if_statement":
			chain := false
			arm := func(cond, body *pnode) {
				if body == nil {
					return
				}
				if names := x.condNames(d, cond, 0); names != nil {
					chain = true
					d.branches = append(d.branches, branch{names: names, body: body})
				} else {
					x.branches(d, body, depth+1)
				}
			}
			arm(st.Field("condition"), st.Field("consequence"))
			for i, c := range st.Children() {
				if st.FieldNameOfChild(i) != "alternative" {
					continue
				}
				switch c.Type() {
				case "elif_clause":
					arm(c.Field("condition"), c.Field("consequence"))
				case "else_clause":
					if c.Field("body") == nil {
						continue
					}
					if chain {
						d.fallbacks = append(d.fallbacks, c.Field("body"))
					} else {
						x.branches(d, c.Field("body"), depth+1)
					}
				}
			}
		case "match_statement":
			body := st.Field("body")
			if body == nil {
				continue
			}
			dispatching := d.isName(st.Field("subject"))
			for _, cc := range namedNoComments(body) {
				if cc.Type() != "case_clause" {
					continue
				}
				cons := cc.Field("consequence")
				if cons == nil {
					continue
				}
				if !dispatching {
					x.branches(d, cons, depth+1)
					continue
				}
				var names []string
				wild := false
				for _, p := range namedNoComments(cc) {
					if p.Type() == "case_pattern" {
						ns, w := x.patternNames(d, p, 0)
						names, wild = append(names, ns...), wild || w
					}
				}
				if wild || len(names) == 0 {
					d.fallbacks = append(d.fallbacks, cons)
				} else {
					d.branches = append(d.branches, branch{names: names, body: cons})
				}
			}
		case "with_statement", "try_statement", "for_statement", "while_statement", "block":
			for _, c := range namedNoComments(st) {
				switch c.Type() {
				case "block":
					x.branches(d, c, depth+1)
				case "except_clause", "else_clause", "finally_clause", "except_group_clause":
					for _, b := range namedNoComments(c) {
						if b.Type() == "block" {
							x.branches(d, b, depth+1)
						}
					}
				}
			}
		}
	}
}

// condNames returns the tool names a condition tests for (name == "x",
// name in ("a", "b"), or-ed together), nil if it is not a name test.
func (x *extractor) condNames(d *dispatch, cond *pnode, depth int) []string {
	if cond == nil || depth > maxDepth {
		return nil
	}
	switch cond.Type() {
	case "parenthesized_expression":
		if cs := namedNoComments(cond); len(cs) == 1 {
			return x.condNames(d, cs[0], depth+1)
		}
	case "boolean_operator":
		if op := cond.Field("operator"); op != nil && op.Text() == "or" {
			l, r := x.condNames(d, cond.Field("left"), depth+1), x.condNames(d, cond.Field("right"), depth+1)
			if l != nil && r != nil {
				return append(l, r...)
			}
		}
	case "comparison_operator":
		var operands []*pnode
		var ops []string
		for _, c := range cond.Children() {
			if c.IsNamed() {
				if c.Type() != "comment" {
					operands = append(operands, c)
				}
			} else {
				ops = append(ops, c.Text())
			}
		}
		if len(operands) != 2 || len(ops) != 1 {
			return nil
		}
		a, b := operands[0], operands[1]
		switch ops[0] {
		case "==", "is":
			if d.isName(a) {
				return x.strs(d, b)
			}
			if d.isName(b) {
				return x.strs(d, a)
			}
		case "in":
			if d.isName(a) {
				return x.strs(d, b)
			}
		}
	}
	return nil
}

// strs folds a tool name or a collection of them.
func (x *extractor) strs(d *dispatch, n *pnode) []string {
	v := x.eval(d.e, n, 0)
	if s, ok := v.resolvedStr(); ok {
		return []string{s}
	}
	items, ok := iterItems(v)
	if !ok {
		return nil
	}
	var out []string
	for _, it := range items {
		if s, ok := it.resolvedStr(); ok {
			out = append(out, s)
		}
	}
	return out
}

// patternNames folds a case pattern to tool names; wild reports a
// wildcard or capture.
func (x *extractor) patternNames(d *dispatch, p *pnode, depth int) (names []string, wild bool) {
	if depth > maxDepth {
		return nil, true
	}
	switch p.Type() {
	case "case_pattern", "as_pattern":
		cs := namedNoComments(p)
		if len(cs) == 0 {
			return nil, strings.TrimSpace(p.Text()) == "_"
		}
		return x.patternNames(d, cs[0], depth+1)
	case "union_pattern":
		for _, c := range namedNoComments(p) {
			ns, w := x.patternNames(d, c, depth+1)
			names, wild = append(names, ns...), wild || w
		}
		return names, wild
	case "string", "concatenated_string":
		return x.strs(d, p), false
	case "dotted_name":
		ids := namedNoComments(p)
		if len(ids) < 2 {
			return nil, true // a capture pattern binds anything
		}
		v := x.lookup(d.e, ids[0].Text(), ids[0], 0)
		for _, id := range ids[1:] {
			v = x.attr(v, id.Text(), nil, 0)
		}
		if s, ok := v.resolvedStr(); ok {
			return []string{s}, false
		}
		return nil, false
	case "identifier":
		return nil, true
	}
	return nil, false
}

// usedArguments lists the argument keys a tool's part of the dispatch reads
// (arguments["k"], arguments.get("k"), "k" in arguments), following the
// arguments into workspace helpers; all of props when they escape.
func (x *extractor) usedArguments(d *dispatch, skip map[nodeKey]bool, props []string) []string {
	var used []string
	seen := map[string]bool{}
	escape := false
	visited := map[nodeKey]bool{}
	var visit func(m *module, e *env, body *pnode, isArgs func(*pnode) bool, depth int)
	visit = func(m *module, e *env, body *pnode, isArgs func(*pnode) bool, depth int) {
		body.Walk(func(n *pnode) bool {
			if escape || !x.alive() || skip[keyOf(m, n)] {
				return false
			}
			if !isArgs(n) || !isRead(n) {
				return true
			}
			key, follow, ok := x.argUse(e, n, isArgs)
			switch {
			case !ok:
				escape = true
			case key != "" && !seen[key]:
				seen[key] = true
				used = append(used, key)
			case follow != nil:
				fn, param := follow.fn, follow.param
				k := keyOf(fn.m, fn.node)
				if depth >= maxCallDepth {
					escape = true
				} else if !visited[k] && fn.node.Field("body") != nil {
					visited[k] = true
					fe := &env{m: fn.m, sc: x.funcScope(fn.m, fn.node), parent: x.envAt(fn.m, fn.node)}
					visit(fn.m, fe, fn.node.Field("body"), func(c *pnode) bool {
						return c.Type() == "identifier" && c.Text() == param
					}, depth+1)
				}
			}
			return false
		})
	}
	if body := d.fn.node.Field("body"); body != nil {
		visit(d.fn.m, d.e, body, d.isArgs, 0)
	}
	if escape {
		return props
	}
	return used
}

// argFollow is a workspace function receiving the arguments whole.
type argFollow struct {
	fn    *value
	param string
}

// argUse classifies one use of the arguments: a key read, a helper to
// follow, a harmless test or alias (ok with neither), or an escape (!ok).
func (x *extractor) argUse(e *env, n *pnode, isArgs func(*pnode) bool) (string, *argFollow, bool) {
	p := n.Parent()
	if p == nil {
		return "", nil, false
	}
	literal := func(k *pnode) (string, bool) {
		if k == nil {
			return "", false
		}
		return x.eval(e, k, 0).resolvedStr()
	}
	switch p.Type() {
	case "subscript":
		if same(p.Field("value"), n) {
			k, ok := literal(p.Field("subscript"))
			return k, nil, ok
		}
	case "attribute":
		a := p.Field("attribute")
		call := p.Parent()
		if a != nil && call != nil && call.Type() == "call" && same(call.Field("function"), p) {
			switch a.Text() {
			case "get", "pop", "setdefault":
				pos := argNodes(call.Field("arguments"))
				if len(pos) > 0 {
					k, ok := literal(pos[0])
					return k, nil, ok
				}
			}
		}
	case "comparison_operator":
		var operands []*pnode
		var ops []string
		for _, c := range p.Children() {
			if c.IsNamed() {
				operands = append(operands, c)
			} else {
				ops = append(ops, c.Text())
			}
		}
		if len(operands) == 2 && len(ops) == 1 {
			switch ops[0] {
			case "in", "not in":
				if same(operands[1], n) {
					k, ok := literal(operands[0])
					return k, nil, ok
				}
			case "is", "is not", "==", "!=":
				other := operands[0]
				if same(other, n) {
					other = operands[1]
				}
				if other.Type() == "none" || other.Type() == "dictionary" {
					return "", nil, true
				}
			}
		}
	case "not_operator", "if_statement", "elif_clause", "while_statement":
		return "", nil, true // a truth test
	case "boolean_operator":
		return x.argUse(e, p, isArgs) // arguments or {} is used as arguments are
	case "assignment":
		// An alias is fine when it is itself tracked as the arguments.
		l := p.Field("left")
		return "", nil, same(p.Field("right"), n) && l != nil && isArgs(l)
	case "argument_list", "keyword_argument":
		call := p
		if p.Type() == "keyword_argument" {
			call = p.Parent()
		}
		if call == nil || call.Parent() == nil || call.Parent().Type() != "call" {
			return "", nil, false
		}
		fn := x.eval(e, call.Parent().Field("function"), 0)
		if fn.k != kFunc {
			return "", nil, false
		}
		param := ""
		if p.Type() == "keyword_argument" {
			if kn := p.Field("name"); kn != nil {
				param = kn.Text()
			}
		} else {
			for i, a := range argNodes(call) {
				if same(a, n) {
					param = nthParam(fn.node, i)
				}
			}
		}
		if param == "" {
			return "", nil, false
		}
		return "", &argFollow{fn: fn, param: param}, true
	}
	return "", nil, false
}

// nthParam is the name of the i-th positional parameter.
func nthParam(fn *pnode, i int) string {
	ps := fn.Field("parameters")
	if ps == nil {
		return ""
	}
	j := 0
	for _, p := range namedNoComments(ps) {
		if p.Type() == "list_splat_pattern" || p.Type() == "dictionary_splat_pattern" || ParamName(p) == "" {
			continue
		}
		if j == i {
			return ParamName(p)
		}
		j++
	}
	return ""
}

// contentCtors build results or errors whose arguments reach the client.
var contentCtors = map[string]bool{
	"TextContent": true, "ImageContent": true, "AudioContent": true, "EmbeddedResource": true,
	"TextResourceContents": true, "CallToolResult": true, "ToolResult": true, "PromptMessage": true,
	"UserMessage": true, "AssistantMessage": true, "Message": true, "GetPromptResult": true,
	"ErrorData": true, "McpError": true, "ToolError": true, "ResourceError": true, "PromptError": true,
}

// contentKeys are the keyword arguments of those constructors that carry text.
var contentKeys = map[string]bool{
	"text": true, "content": true, "contents": true, "messages": true, "structuredContent": true,
	"structured_content": true, "message": true, "description": true,
}

// flow collects the string literals that flow to a handler's results and
// errors: returned values (through local variables, containers, content
// constructors and workspace helpers) and raised exceptions' messages.
type flow struct {
	x           *extractor
	skip        map[nodeKey]bool
	returnsOnly bool
	outs        []surface.Text
	seen        map[string]bool
	visited     map[string]bool
}

// outputs returns the output texts of fn; skip excludes the branches of
// other tools; returnsOnly leaves out raised errors (for prompt messages).
func (x *extractor) outputs(fn *value, skip map[nodeKey]bool, returnsOnly bool) []surface.Text {
	f := &flow{x: x, skip: skip, returnsOnly: returnsOnly, seen: map[string]bool{}, visited: map[string]bool{}}
	f.function(fn, 0, true)
	return f.outs
}

func (f *flow) function(fn *value, depth int, returns bool) {
	vk := fmt.Sprintf("fn:%s:%d:%t", fn.m.path, fn.node.StartByte(), returns)
	body := fn.node.Field("body")
	if f.visited[vk] || body == nil || depth > maxCallDepth {
		return
	}
	f.visited[vk] = true
	x := f.x
	e := &env{m: fn.m, sc: x.funcScope(fn.m, fn.node), parent: x.envAt(fn.m, fn.node)}
	body.Walk(func(n *pnode) bool {
		if !x.alive() || f.skip[keyOf(fn.m, n)] {
			return false
		}
		switch n.Type() {
		case "function_definition", "class_definition", "lambda":
			return false
		case "return_statement", "yield":
			if returns {
				for _, c := range namedNoComments(n) {
					f.out(e, c, depth, 0)
				}
			}
		case "raise_statement":
			if cs := namedNoComments(n); !f.returnsOnly && len(cs) > 0 {
				f.raise(e, cs[0], depth, 0)
			}
		case "call":
			if !f.returnsOnly {
				if callee := f.callee(e, n); callee != nil {
					f.function(callee, depth+1, false)
				}
			}
		}
		return true
	})
}

// callee is the workspace function a call invokes, if known.
func (f *flow) callee(e *env, call *pnode) *value {
	fn := call.Field("function")
	if fn == nil || (fn.Type() != "identifier" && fn.Type() != "attribute") {
		return nil
	}
	if v := f.x.eval(e, fn, 0); v.k == kFunc {
		return v
	}
	return nil
}

// skipped reports a node inside an excluded branch.
func (f *flow) skipped(m *module, n *pnode) bool {
	for p := n; p != nil; p = p.Parent() {
		if f.skip[keyOf(m, p)] {
			return true
		}
	}
	return false
}

// out collects the texts an expression that reaches the client can carry.
func (f *flow) out(e *env, n *pnode, depth, hops int) {
	if n == nil || hops > maxDepth || !f.x.alive() {
		return
	}
	x := f.x
	switch n.Type() {
	case "parenthesized_expression", "await", "list_splat", "yield":
		for _, c := range namedNoComments(n) {
			f.out(e, c, depth, hops+1)
		}
		return
	case "identifier":
		if e.sc != nil && len(e.sc.binds[n.Text()]) > 0 {
			vk := fmt.Sprintf("var:%s:%d:%s", e.m.path, e.sc.fn.StartByte(), n.Text())
			if f.visited[vk] {
				return
			}
			f.visited[vk] = true
			for _, b := range e.sc.binds[n.Text()] {
				if (b.kind != bAssign && b.kind != bAug) || f.skipped(e.m, b.node) {
					continue
				}
				v := b.node
				if b.elem >= 0 {
					if vs := namedNoComments(b.node); b.elem < len(vs) {
						v = vs[b.elem]
					}
				}
				f.out(e, v, depth, hops+1)
			}
			return
		}
	case "boolean_operator":
		f.out(e, n.Field("left"), depth, hops+1)
		f.out(e, n.Field("right"), depth, hops+1)
		return
	case "conditional_expression":
		if cs := namedNoComments(n); len(cs) == 3 {
			f.out(e, cs[0], depth, hops+1)
			f.out(e, cs[2], depth, hops+1)
		}
		return
	case "list", "tuple", "set", "expression_list":
		for _, c := range namedNoComments(n) {
			f.out(e, c, depth, hops+1)
		}
		return
	case "dictionary":
		for _, c := range namedNoComments(n) {
			if c.Type() == "pair" {
				f.out(e, c.Field("value"), depth, hops+1)
			}
		}
		return
	case "list_comprehension", "generator_expression":
		f.out(e, n.Field("body"), depth, hops+1)
		return
	case "call":
		f.call(e, n, depth, hops)
		return
	}
	f.add(e, x.eval(e, n, 0), n)
}

// call collects the texts of a returned call.
func (f *flow) call(e *env, n *pnode, depth, hops int) {
	fnNode, args := n.Field("function"), n.Field("arguments")
	name := ""
	if fnNode != nil {
		name = lastName(fnNode.Text())
	}
	switch {
	case contentCtors[name]:
		for _, a := range namedNoComments(args) {
			switch a.Type() {
			case "keyword_argument":
				if k := a.Field("name"); k != nil && contentKeys[k.Text()] {
					f.out(e, a.Field("value"), depth, hops+1)
				}
			case "list_splat", "dictionary_splat":
			default:
				f.out(e, a, depth, hops+1)
			}
		}
		return
	case name == "dumps" || name == "str" || name == "dict":
		for _, a := range namedNoComments(args) {
			if a.Type() == "keyword_argument" {
				if name == "dict" {
					f.out(e, a.Field("value"), depth, hops+1)
				}
				continue
			}
			f.out(e, a, depth, hops+1)
			if name != "dict" {
				return // json.dumps(x, indent=2): only x
			}
		}
		return
	}
	if v := f.x.eval(e, n, 0); v.isText() {
		f.add(e, v, n)
		return
	}
	if callee := f.callee(e, n); callee != nil {
		f.function(callee, depth+1, true)
	}
}

// raise collects the message of a raised exception.
func (f *flow) raise(e *env, n *pnode, depth, hops int) {
	if n == nil || n.Type() != "call" || hops > maxDepth {
		return
	}
	for _, a := range namedNoComments(n.Field("arguments")) {
		switch a.Type() {
		case "keyword_argument":
			if k := a.Field("name"); k != nil {
				switch k.Text() {
				case "message", "msg", "detail", "text", "error", "description", "reason":
					f.argOut(e, a.Field("value"), depth, hops)
				}
			}
		case "list_splat", "dictionary_splat":
		default:
			f.argOut(e, a, depth, hops)
		}
	}
}

func (f *flow) argOut(e *env, a *pnode, depth, hops int) {
	if a != nil && a.Type() == "call" {
		f.raise(e, a, depth, hops+1)
		if f.x.eval(e, a, 0).isText() {
			f.out(e, a, depth, hops+1)
		}
		return
	}
	f.out(e, a, depth, hops+1)
}

// add keeps a folded text that has some literal content.
func (f *flow) add(e *env, v *value, n *pnode) {
	if !v.isText() {
		return
	}
	t := v.text(e.m.pos(n))
	if t.Value == "" {
		return
	}
	k := fmt.Sprintf("%s\x00%s:%d:%d", t.Value, t.Pos.Path, t.Pos.StartLine, t.Pos.StartCol)
	if f.seen[k] {
		return
	}
	f.seen[k] = true
	f.outs = append(f.outs, t)
}

// discarded reports a call whose result nobody uses: a statement of its
// own, possibly awaited.
func discarded(call *pnode) bool {
	for p := call.Parent(); p != nil; p = p.Parent() {
		switch p.Type() {
		case "await", "parenthesized_expression":
			continue
		case "expression_statement":
			return true
		}
		return false
	}
	return false
}
