package python

import (
	"fmt"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// framework is the library a server object comes from; it decides how
// docstrings and Annotated strings become texts.
type framework int

const (
	fwUnknown  framework = iota // a decorator on an object not known to be a server
	fwOfficial                  // mcp.server.fastmcp.FastMCP, v2 MCPServer
	fwJlowin                    // fastmcp.FastMCP
	fwLowLevel                  // mcp.server.lowlevel.Server
)

// server is a server object, identified by where it is constructed.
type server struct {
	fw   framework
	ctor string // FastMCP, MCPServer or Server
	key  string
}

// serverFromQual recognises the server classes by qualified name.
func serverFromQual(q string) (framework, string, bool) {
	parts := strings.Split(q, ".")
	last := parts[len(parts)-1]
	switch {
	case len(parts) < 2:
	case parts[0] == "fastmcp" && last == "FastMCP":
		return fwJlowin, last, true
	case parts[0] == "mcp" && (last == "FastMCP" || last == "MCPServer"):
		return fwOfficial, last, true
	case parts[0] == "mcp" && last == "Server" && (strings.Contains(q, "lowlevel") || q == "mcp.server.Server"):
		return fwLowLevel, last, true
	}
	return 0, "", false
}

// serverOfValue reports a server class: an SDK class or a workspace
// subclass of one.
func (x *extractor) serverOfValue(v *value) *server {
	return x.serverClass(v, 0)
}

func (x *extractor) serverClass(v *value, depth int) *server {
	if depth > maxDepth {
		return nil
	}
	switch v.k {
	case kExternal:
		if fw, ctor, ok := serverFromQual(v.s); ok {
			return &server{fw: fw, ctor: ctor}
		}
	case kClass:
		for _, b := range x.bases(v, depth) {
			if s := x.serverClass(b, depth+1); s != nil {
				return s
			}
		}
	}
	return nil
}

func (x *extractor) newServer(m *module, n *pnode, fw framework, ctor string) *value {
	return &value{k: kServer, srv: &server{fw: fw, ctor: ctor, key: fmt.Sprintf("%s:%d", m.path, n.StartByte())}, m: m, node: n}
}

// extractModule finds the declarations of one module.
func (x *extractor) extractModule(m *module) {
	if m.root.HasError() {
		x.gap("parse-error", m.path, fmt.Sprintf("syntax error near line %d; declarations there may be missed", errorLine(m.root)))
	}
	visit := func(n *pnode) bool {
		if !x.alive() {
			return false
		}
		switch n.Type() {
		case "decorated_definition":
			x.decorated(m, n)
		case "call":
			x.registrationCall(m, n)
		case "attribute":
			x.mutationAPI(m, n)
		}
		return true
	}
	// The walk acts only on the sites of a candidate (findSites) and on
	// plain calls Name(…), whose callee it evaluates for a workspace
	// subclass of a server class (constructor). Unless serverClasses found
	// one the file may name (x.slow), the sites are all that matter, and a
	// file that is no candidate has none.
	switch {
	case x.slow[m.path] || m.walkAll:
		m.root.Walk(visit)
	case m.cand:
		for _, n := range m.sites {
			if !visit(n) {
				break
			}
		}
	}
}

// errorLine is the line of the first syntax error under n.
func errorLine(n *pnode) int {
	line := 0
	n.Walk(func(c *pnode) bool {
		if line > 0 || !c.HasError() {
			return false
		}
		// An ERROR node, or a zero-width leaf the parser inserted as missing.
		if c.Type() == "ERROR" || (len(c.Children()) == 0 && c.StartByte() == c.EndByte()) {
			line, _ = c.Start()
			return false
		}
		return true
	})
	if line == 0 {
		line, _ = n.Start()
	}
	return line
}

// site is one registration of a tool, prompt or resource with a
// FastMCP-style server.
type site struct {
	m      *module
	e      *env    // where the registration's arguments are evaluated
	node   *pnode  // the decorator or call
	srv    *server // nil when the receiver is not a known server
	kind   string  // tool, prompt or resource
	via    string  // how: tool, add_tool, prompt, resource, FastMCP(tools)
	args   *pnode  // argument list with name=, description=…; may be nil
	first  string  // what the first positional argument of args is: name, uri or ""
	fn     *value  // the handler (kFunc), nil when unknown
	fnExpr *pnode  // the expression naming the handler
}

func (s *site) fw() framework {
	if s.srv == nil {
		return fwUnknown
	}
	return s.srv.fw
}

// pattern names the declaration form, e.g. py:FastMCP.tool, py:fastmcp.add_tool.
func (s *site) pattern() string {
	p := "py:*"
	switch s.fw() {
	case fwOfficial:
		p = "py:" + s.srv.ctor
	case fwJlowin:
		p = "py:fastmcp"
	}
	return p + "." + s.via
}

// opt is an option of the registration: a keyword argument, the first
// positional argument when it means key, or a key of a **dict argument.
func (s *site) opt(x *extractor, key string) (*value, analysis.Position, bool) {
	if s.args == nil {
		return nil, analysis.Position{}, false
	}
	if n := kwargNode(s.args, key); n != nil {
		return x.eval(s.e, n, 0), s.m.pos(n), true
	}
	if s.first == key {
		if pos := argNodes(s.args); len(pos) > 0 {
			return x.eval(s.e, pos[0], 0), s.m.pos(pos[0]), true
		}
	}
	for _, c := range s.args.NamedChildren() {
		if c.Type() != "dictionary_splat" {
			continue
		}
		inner := namedNoComments(c)
		if len(inner) != 1 {
			continue
		}
		d := x.eval(s.e, inner[0], 0)
		if d.k != kDict {
			return unknown(srcOf(c)+" may set "+key+" but is not folded", d.rt...), s.m.pos(c), true
		}
		if v, ok := dictGet(d, key); ok {
			return v, s.m.pos(c), true
		}
	}
	return nil, analysis.Position{}, false
}

var fastAttrs = map[string]string{"tool": "tool", "prompt": "prompt", "resource": "resource"}

var lowAttrs = map[string]bool{
	"list_tools": true, "call_tool": true, "list_prompts": true, "get_prompt": true,
	"list_resources": true, "list_resource_templates": true,
}

// decorated handles @server.tool/prompt/resource and the low-level
// @server.list_tools()/call_tool() decorators.
func (x *extractor) decorated(m *module, n *pnode) {
	def := n.Field("definition")
	if def == nil || def.Type() != "function_definition" {
		return
	}
	for _, d := range namedNoComments(n) {
		if d.Type() != "decorator" {
			continue
		}
		cs := namedNoComments(d)
		if len(cs) != 1 {
			continue
		}
		expr, args := cs[0], (*pnode)(nil)
		if expr.Type() == "call" {
			expr, args = expr.Field("function"), expr.Field("arguments")
		}
		if expr == nil || expr.Type() != "attribute" || expr.Field("attribute") == nil {
			continue
		}
		attr := expr.Field("attribute").Text()
		if fastAttrs[attr] == "" && !lowAttrs[attr] {
			continue
		}
		e := x.envAt(m, n)
		recv := x.eval(e, expr.Field("object"), 0)
		fn := &value{k: kFunc, m: m, node: def}
		if lowAttrs[attr] {
			x.lowDecorator(m, recv, expr.Field("object"), attr, fn)
			continue
		}
		if recv.k == kServer && recv.srv.fw == fwLowLevel {
			continue
		}
		s := &site{m: m, node: d, kind: attr, via: attr, args: args, fn: fn, fnExpr: def.Field("name")}
		if recv.k == kServer {
			s.srv = recv.srv
		}
		s.first = "name"
		if attr == "resource" {
			s.first = "uri"
		}
		x.register(s, n)
	}
}

// registrationCall handles the call forms: server.add_tool(fn, …),
// server.tool(fn, …), server.tool(…)(fn), server constructors (instructions,
// v2 low-level callbacks, jlowin tools=[…]), generated and mounted servers.
func (x *extractor) registrationCall(m *module, n *pnode) {
	fnNode := n.Field("function")
	if fnNode == nil {
		return
	}
	if fnNode.Type() == "call" { // server.tool(name=…)(fn)
		inner := fnNode.Field("function")
		if inner == nil || inner.Type() != "attribute" || inner.Field("attribute") == nil {
			return
		}
		attr := inner.Field("attribute").Text()
		if fastAttrs[attr] == "" {
			return
		}
		x.callSite(m, n, inner.Field("object"), attr, attr, fnNode.Field("arguments"), firstArg(n))
		return
	}
	if fnNode.Type() != "attribute" {
		x.constructor(m, n, fnNode)
		return
	}
	attrNode := fnNode.Field("attribute")
	if attrNode == nil {
		return
	}
	switch attr := attrNode.Text(); attr {
	case "add_tool":
		h := firstArg(n)
		args := n.Field("arguments")
		// jlowin: add_tool(Tool.from_function(fn, name=…))
		if h != nil && h.Type() == "call" && h.Field("function") != nil && strings.HasSuffix(h.Field("function").Text(), ".from_function") {
			args = h.Field("arguments")
			h = firstArg(h)
		}
		x.callSite(m, n, fnNode.Field("object"), "tool", "add_tool", args, h)
	case "tool", "prompt", "resource":
		if p := n.Parent(); p != nil && p.Type() == "decorator" {
			return
		}
		h := firstArg(n)
		if h == nil {
			return
		}
		if v := x.eval(x.envAt(m, n), h, 0); v.k != kFunc {
			return // server.tool("name") returns a decorator; the name is not a handler
		}
		x.callSite(m, n, fnNode.Field("object"), attr, attr, n.Field("arguments"), h)
	case "mount", "import_server":
		if recv := x.eval(x.envAt(m, n), fnNode.Field("object"), 0); recv.k == kServer {
			x.gap("mounted-server", m.path, fmt.Sprintf("line %d: %s: the mounted server's tools may be renamed with a prefix", m.pos(n).StartLine, srcOf(n)))
		}
	case "from_openapi", "from_fastapi":
		if v := x.eval(x.envAt(m, n), fnNode.Field("object"), 0); x.serverOfValue(v) != nil {
			x.gap("generated-tools", m.path, fmt.Sprintf("line %d: %s generates tools at run time from a specification", m.pos(n).StartLine, srcOf(n)))
		}
	default:
		x.constructor(m, n, fnNode)
	}
}

func firstArg(call *pnode) *pnode {
	if pos := argNodes(call.Field("arguments")); len(pos) > 0 {
		return pos[0]
	}
	return nil
}

// callSite registers a tool, prompt or resource given by a call.
func (x *extractor) callSite(m *module, n, recvNode *pnode, kind, via string, args, handler *pnode) {
	e := x.envAt(m, n)
	recv := x.eval(e, recvNode, 0)
	if recv.k == kServer && recv.srv.fw == fwLowLevel {
		return
	}
	s := &site{m: m, node: n, kind: kind, via: via, args: args, fnExpr: handler}
	if recv.k == kServer {
		s.srv = recv.srv
	}
	if via == "resource" {
		s.first = "uri"
	}
	x.register(s, n)
}

// register extracts a site, unrolling the loops around it.
func (x *extractor) register(s *site, at *pnode) {
	x.runtimeRegistration(s, at)
	x.unroll(s.m, at, x.envAt(s.m, at), func(e *env) {
		c := *s
		c.e = e
		if c.fn == nil && c.fnExpr != nil {
			if v := x.eval(e, c.fnExpr, 0); v.k == kFunc {
				c.fn = v
			}
		}
		switch c.kind {
		case "tool":
			x.out.Tools = append(x.out.Tools, x.fastTool(&c))
		case "prompt":
			x.out.Prompts = append(x.out.Prompts, x.fastPrompt(&c))
		case "resource":
			x.out.Resources = append(x.out.Resources, x.fastResource(&c))
		}
	})
}

// runtimeRegistration flags a registration made by code that runs after
// startup: inside an async function (other than a lifespan) or a handler.
func (x *extractor) runtimeRegistration(s *site, at *pnode) {
	for p := at.Parent(); p != nil; p = p.Parent() {
		if p.Type() != "function_definition" {
			continue
		}
		name := ""
		if nn := p.Field("name"); nn != nil {
			name = nn.Text()
		}
		async := len(p.Children()) > 0 && p.Children()[0].Type() == "async"
		if async && !strings.Contains(strings.ToLower(name), "lifespan") && !isContextManager(p) {
			x.indicate("mutation-api", fmt.Sprintf("a %s is registered inside async function %s(), which runs after startup", s.kind, name), s.m.pos(s.node))
		} else if isHandler(p) {
			x.indicate("mutation-api", fmt.Sprintf("a %s is registered inside handler %s(), which runs after startup", s.kind, name), s.m.pos(s.node))
		}
		return
	}
}

// isContextManager reports a function decorated with (async)contextmanager,
// as lifespans are.
func isContextManager(fn *pnode) bool {
	p := fn.Parent()
	if p == nil || p.Type() != "decorated_definition" {
		return false
	}
	for _, d := range namedNoComments(p) {
		if d.Type() == "decorator" && strings.HasSuffix(stripCall(d), "contextmanager") {
			return true
		}
	}
	return false
}

// isHandler reports a function registered as a tool, prompt, resource or
// low-level handler.
func isHandler(fn *pnode) bool {
	p := fn.Parent()
	if p == nil || p.Type() != "decorated_definition" {
		return false
	}
	for _, d := range namedNoComments(p) {
		if d.Type() != "decorator" {
			continue
		}
		if a := lastName(stripCall(d)); fastAttrs[a] != "" || lowAttrs[a] {
			return true
		}
	}
	return false
}

// unroll calls f once per iteration of the for loops enclosing at (within
// its function), binding the loop targets over folded iterables. A loop over
// something that is not folded is a dynamic tool table: a gap, and a
// mutation indicator when it iterates over run-time data.
func (x *extractor) unroll(m *module, at *pnode, base *env, f func(*env)) {
	line := m.pos(at).StartLine
	loops, ok := loopsAround(at)
	if !ok {
		x.gap("dynamic-tool-table", m.path, fmt.Sprintf("line %d: registered inside a while loop", line))
		return
	}
	if bad := x.iterate(base, loops, 0, f); bad != nil {
		x.gap("dynamic-tool-table", m.path, fmt.Sprintf("line %d: registered in a loop: %s", line, bad.reason))
		for _, r := range bad.rt {
			x.indicate("mutation-api", fmt.Sprintf("registrations are made in a loop over %s", r.what), r.pos)
		}
	}
}

// fnName is the handler's name and its identifier node.
func (s *site) fnName() (string, *pnode) {
	if s.fn == nil {
		return "", nil
	}
	if n := s.fn.node.Field("name"); n != nil {
		return n.Text(), n
	}
	return "", nil
}

// siteName is the declared name, defaulting to the handler's name.
func (x *extractor) siteName(c *collector, s *site) surface.Text {
	if v, at, ok := s.opt(x, "name"); ok && v.k != kNone {
		return c.text("name", v, at)
	}
	if name, n := s.fnName(); name != "" {
		return surface.Lit(name, s.fn.m.pos(n))
	}
	t := surface.Text{Resolution: surface.Unresolved, Reason: "the handler " + srcOf(s.fnExpr) + " is not a function of the workspace", Pos: s.m.pos(s.node)}
	c.worsen(t.Resolution, "name: "+t.Reason)
	return t
}

// description is description= or the handler's docstring. For jlowin
// fastmcp the docstring's Args section is parsed (≥3.2.4): the description
// is then the text above the sections, and the parameter descriptions are
// returned.
func (x *extractor) description(c *collector, s *site) (*surface.Text, map[string]surface.Text) {
	var params map[string]surface.Text
	var docText *surface.Text
	if s.fn != nil {
		if d := docNode(s.fn.node.Field("body")); d != nil {
			raw := x.docValue(s.fn.m, d)
			doc := mapText(raw, cleandoc)
			at := s.fn.m.pos(d)
			if s.fw() == fwJlowin && doc.res == surface.Resolved {
				if desc, ps, ok := parseDocstring(doc.s); ok {
					params = map[string]surface.Text{}
					for k, v := range ps {
						params[k] = surface.Lit(v, at)
					}
					doc = strVal(desc, at)
				}
			}
			if doc.k == kStr && (doc.s != "" || doc.res != surface.Resolved) {
				docText = c.textPtr("description", doc, at)
			}
		}
	}
	if v, at, ok := s.opt(x, "description"); ok {
		// description or fn.__doc__: an empty or None description falls back.
		if t, known := truthy(v); !known || t {
			return c.textPtr("description", v, at), params
		}
	}
	return docText, params
}

// fastTool builds a tool of a FastMCP-style registration.
func (x *extractor) fastTool(s *site) *surface.Tool {
	c := newCollector()
	t := &surface.Tool{Pattern: s.pattern(), Pos: s.m.pos(s.node)}
	t.Name = x.siteName(c, s)
	if v, at, ok := s.opt(x, "title"); ok && v.k != kNone {
		t.Title = c.textPtr("title", v, at)
	}
	var paramDocs map[string]surface.Text
	t.Description, paramDocs = x.description(c, s)
	if v, at, ok := s.opt(x, "annotations"); ok && v.k != kNone {
		t.Annotations = x.annotations(c, v, at)
	}
	if s.fn == nil {
		c.missing("inputSchema", "the handler "+srcOf(s.fnExpr)+" is not a function of the workspace")
	} else {
		t.Handler = s.fn.m.pos(s.fn.node)
		var names []string
		t.InputSchema, names = x.signature(c, s, paramDocs)
		t.HandlerKnown = true
		t.UsedParams = x.usedParams(s.fn, names)
		t.SinkParams = x.sinkParams(s.fn, names)
		t.Outputs = x.outputs(s.fn, nil, false)
	}
	t.Resolution, t.Reasons = c.res, c.reasons
	x.flush(c, fmt.Sprintf("tool %q", t.Name.Value))
	return t
}

// annotations reads ToolAnnotations(...) or a dict of annotation values.
func (x *extractor) annotations(c *collector, v *value, at analysis.Position) map[string]any {
	out := map[string]any{}
	put := func(k string, val *value) {
		if k == "title" {
			t := c.text("annotations.title", val, at)
			if t.Resolution == surface.Resolved {
				out[k] = t.Value
			}
			return
		}
		if j, ok := jsonValue(val, 0); ok {
			out[k] = j
		} else {
			c.missing("annotations."+k, "it is not a literal", val.rt...)
		}
	}
	switch v.k {
	case kDict:
		for i, k := range v.keys {
			if ks, ok := k.resolvedStr(); ok {
				put(ks, v.items[i])
			}
		}
	case kInstance:
		for _, a := range namedNoComments(v.node.Field("arguments")) {
			if a.Type() == "keyword_argument" && a.Field("name") != nil {
				put(a.Field("name").Text(), x.eval(v.env, a.Field("value"), 0))
			}
		}
	default:
		c.missing("annotations", "they are not folded: "+v.reason, v.rt...)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// params lists the handler's parameters that become schema properties:
// not self/cls of a method, not *args/**kwargs, not a Context, not a
// Depends() default, not in exclude_args.
func (x *extractor) params(s *site) []*pnode {
	fn := s.fn.node
	ps := fn.Field("parameters")
	if ps == nil {
		return nil
	}
	exclude := map[string]bool{}
	if v, _, ok := s.opt(x, "exclude_args"); ok && v.k == kList {
		for _, it := range v.items {
			if n, ok := it.resolvedStr(); ok {
				exclude[n] = true
			}
		}
	}
	method := isMethod(fn)
	var out []*pnode
	for i, p := range namedNoComments(ps) {
		name := ParamName(p)
		switch {
		case name == "" || p.Type() == "list_splat_pattern" || p.Type() == "dictionary_splat_pattern":
			continue
		case i == 0 && method && (name == "self" || name == "cls"):
			continue
		case exclude[name] || isContext(p.Field("type")):
			continue
		}
		if d := p.Field("value"); d != nil && d.Type() == "call" && d.Field("function") != nil {
			if f := lastName(d.Field("function").Text()); f == "Depends" || f == "CurrentContext" {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// isMethod reports a def in a class body (possibly decorated).
func isMethod(fn *pnode) bool {
	p := fn.Parent()
	if p != nil && p.Type() == "decorated_definition" {
		p = p.Parent()
	}
	return p != nil && p.Type() == "block" && p.Parent() != nil && p.Parent().Type() == "class_definition"
}

// isContext reports a Context annotation (Context, Context[…], Context | None).
func isContext(typ *pnode) bool {
	if typ == nil {
		return false
	}
	for _, m := range unionMembers(typ) {
		if headName(m) == "Context" {
			return true
		}
	}
	return false
}

// paramNameNode is the identifier a parameter declares.
func paramNameNode(p *pnode) *pnode {
	if p.Type() == "identifier" {
		return p
	}
	if n := p.Field("name"); n != nil {
		return n
	}
	for _, c := range p.NamedChildren() {
		if c.Type() == "identifier" {
			return c
		}
	}
	return p
}

// signature builds the input schema from the handler's signature; it also
// returns the parameter names bound to properties.
func (x *extractor) signature(c *collector, s *site, paramDocs map[string]surface.Text) (*surface.Schema, []string) {
	fn := s.fn.node
	schema := &surface.Schema{Type: "object", Pos: s.fn.m.pos(fn.Field("parameters"))}
	sc := &schemaCtx{x: x, fw: s.fw(), c: c}
	e := x.envAt(s.fn.m, fn)
	var names []string
	for _, p := range x.params(s) {
		name := ParamName(p)
		prop := sc.prop(e, name, paramNameNode(p), p.Field("type"), p.Field("value"), "inputSchema."+name, 0)
		if d, ok := paramDocs[name]; ok && prop.Schema.Description == nil {
			prop.Schema.Description = &d
		}
		schema.Properties = append(schema.Properties, prop)
		names = append(names, name)
	}
	return schema, names
}

// fastPrompt builds a prompt of a FastMCP-style registration.
func (x *extractor) fastPrompt(s *site) *surface.Prompt {
	c := newCollector()
	p := &surface.Prompt{Pattern: s.pattern(), Pos: s.m.pos(s.node)}
	p.Name = x.siteName(c, s)
	if v, at, ok := s.opt(x, "title"); ok && v.k != kNone {
		p.Title = c.textPtr("title", v, at)
	}
	var paramDocs map[string]surface.Text
	p.Description, paramDocs = x.description(c, s)
	if s.fn != nil {
		sc := &schemaCtx{x: x, fw: s.fw(), c: c}
		e := x.envAt(s.fn.m, s.fn.node)
		for _, pn := range x.params(s) {
			name := ParamName(pn)
			prop := sc.prop(e, name, paramNameNode(pn), pn.Field("type"), pn.Field("value"), "arguments."+name, 0)
			arg := surface.PromptArg{Name: prop.Name, Description: prop.Schema.Description, Required: prop.Required}
			if d, ok := paramDocs[name]; ok && arg.Description == nil {
				arg.Description = &d
			}
			p.Arguments = append(p.Arguments, arg)
		}
		p.Messages = x.outputs(s.fn, nil, true)
	}
	x.flush(c, fmt.Sprintf("prompt %q", p.Name.Value))
	return p
}

// fastResource builds a resource of a FastMCP-style registration.
func (x *extractor) fastResource(s *site) *surface.Resource {
	c := newCollector()
	r := &surface.Resource{Pattern: s.pattern(), Pos: s.m.pos(s.node)}
	if v, at, ok := s.opt(x, "uri"); ok {
		r.URI = c.text("uri", v, at)
	} else {
		r.URI = surface.Text{Resolution: surface.Unresolved, Reason: "no URI is given", Pos: r.Pos}
	}
	r.Name = x.siteName(c, s)
	if v, at, ok := s.opt(x, "title"); ok && v.k != kNone {
		r.Title = c.textPtr("title", v, at)
	}
	r.Description, _ = x.description(c, s)
	if v, _, ok := s.opt(x, "mime_type"); ok {
		r.MimeType, _ = v.resolvedStr()
	}
	x.flush(c, fmt.Sprintf("resource %q", r.URI.Value))
	return r
}

// constructor handles a server construction: its instructions, the v2
// low-level on_* callbacks and jlowin's tools=[…]. Calls are recognised by
// the SDK class names, or as a plain name bound to a workspace subclass.
func (x *extractor) constructor(m *module, n, callee *pnode) {
	e := x.envAt(m, n)
	switch lastName(callee.Text()) {
	case "FastMCP", "MCPServer", "Server":
	default:
		if callee.Type() != "identifier" {
			return
		}
		if cv := x.eval(e, callee, 0); cv.k != kClass || x.serverOfValue(cv) == nil {
			return
		}
	}
	v := x.eval(e, n, 0)
	if v.k != kServer || v.node == nil || v.node.StartByte() != n.StartByte() || v.m != m {
		return
	}
	args := n.Field("arguments")
	ins := kwargNode(args, "instructions")
	idx := 1
	if v.srv.fw == fwLowLevel {
		idx = 2 // Server(name, version, instructions)
	}
	if pos := argNodes(args); ins == nil && len(pos) > idx {
		ins = pos[idx]
	}
	if ins != nil {
		c := newCollector()
		iv := x.eval(e, ins, 0)
		if iv.k != kNone {
			x.out.Instructions = append(x.out.Instructions, c.text("instructions", iv, m.pos(ins)))
			x.flush(c, "the server")
		}
	}
	if v.srv.fw == fwLowLevel {
		for _, cb := range []string{"on_list_tools", "on_call_tool", "on_list_prompts", "on_list_resources", "on_list_resource_templates"} {
			if h := kwargNode(args, cb); h != nil {
				if fv := x.eval(e, h, 0); fv.k == kFunc {
					x.lowHandler(v.srv.key, "py:Server."+cb, strings.TrimPrefix(cb, "on_"), fv)
				}
			}
		}
	}
	if v.srv.fw == fwJlowin {
		if tl := kwargNode(args, "tools"); tl != nil {
			if lv := x.eval(e, tl, 0); lv.k == kList {
				for _, it := range lv.items {
					s := &site{m: m, e: e, node: n, srv: v.srv, kind: "tool", via: "FastMCP(tools)", fnExpr: tl}
					if it.k == kFunc {
						s.fn = it
					}
					x.out.Tools = append(x.out.Tools, x.fastTool(s))
				}
			}
		}
	}
}

// mutationAPI flags the APIs that change the tool list after approval.
func (x *extractor) mutationAPI(m *module, n *pnode) {
	a := n.Field("attribute")
	if a == nil {
		return
	}
	switch name := a.Text(); name {
	case "remove_tool", "remove_prompt", "remove_resource",
		"send_tool_list_changed", "send_prompt_list_changed", "send_resource_list_changed":
		x.indicate("mutation-api", "calls "+srcOf(n), m.pos(n))
	case "_tool_manager", "_prompt_manager", "_resource_manager":
		x.indicate("mutation-api", "reaches into "+srcOf(n), m.pos(n))
	}
}
