package jsts

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// result is what one visit of a site produced; unrolling discards the
// results of a visit that hit an unbound loop variable.
type result struct {
	tools     []*surface.Tool
	prompts   []*surface.Prompt
	resources []*surface.Resource
	instr     []surface.Text
	inds      []surface.Indicator
	gaps      []analysis.Gap
	low       []lowTool
	handlers  []*callHandler
}

// lowTool is a tool listed by a low-level tools/list handler, to be linked
// to a tools/call handler once all files are read.
type lowTool struct {
	t    *surface.Tool
	path string
}

const (
	maxVisits      = 2000 // visits of one site while unrolling its tables
	maxLoopNesting = 4
)

// site interprets a call or construction, once per element of every tool
// table it iterates over.
func (x *extractor) site(m *module, s site) {
	count := 0
	x.unroll(m, s, nil, 0, &count)
}

// unroll visits the site; if the visit met a loop variable with no value,
// it binds the outermost such loop to each element of what it iterates
// and visits again, or reports the table as a gap if that cannot be read.
func (x *extractor) unroll(m *module, s site, over map[loopKey]*value, depth int, count *int) {
	*count++
	x.steps = 0
	clear(x.siteMemo)
	need := &needs{}
	r := x.visit(m, s, over, need)
	var loop *binding
	for _, b := range need.loops {
		if _, ok := over[b.loop]; !ok && (loop == nil || b.loop.off < loop.loop.off) {
			loop = b
		}
	}
	if loop == nil || depth >= maxLoopNesting {
		x.commit(r)
		return
	}
	elems, why := x.iterate(loop, over)
	if elems == nil {
		line, _ := m.lineCol(m.orig(s.n.StartByte()))
		x.gap("dynamic-tool-table", m.path, fmt.Sprintf("line %d: %s runs once per element of %s, which cannot be enumerated statically (%s)",
			line, siteName(s), short(loop.node), why))
		x.declared++
		x.out.Indicators = append(x.out.Indicators, r.inds...)
		return
	}
	for _, el := range elems {
		if *count >= maxVisits {
			line, _ := m.lineCol(m.orig(s.n.StartByte()))
			x.gap("unroll-limit", m.path, fmt.Sprintf("line %d: %s is unrolled over at most %d table elements", line, siteName(s), maxVisits))
			return
		}
		o := make(map[loopKey]*value, len(over)+1)
		for k, v := range over {
			o[k] = v
		}
		o[loop.loop] = el
		x.unroll(m, s, o, depth+1, count)
	}
}

// siteName names a site in gap details.
func siteName(s site) string {
	if s.new {
		return "new " + short(s.n.Field("constructor")) + "()"
	}
	return calleeName(s.n) + "()"
}

// iterate enumerates what a loop variable ranges over.
func (x *extractor) iterate(b *binding, over map[loopKey]*value) ([]*value, string) {
	v := x.eval(ectx{m: b.m, sc: b.sc, over: over}, b.node)
	switch {
	case v.kind == vArray && !v.open:
		if b.keys {
			var ks []*value
			for i := range v.elems {
				ks = append(ks, strv(itoa(i)))
			}
			return ks, ""
		}
		return v.elems, ""
	case v.kind == vObject && !v.open && b.keys:
		var ks []*value
		for _, k := range v.keys {
			ks = append(ks, &value{kind: vString, str: k, n: v.n, m: v.m})
		}
		return ks, ""
	}
	return nil, why(v, b.node)
}

// commit adds a visit's results to the surface.
func (x *extractor) commit(r *result) {
	x.out.Tools = append(x.out.Tools, r.tools...)
	x.out.Prompts = append(x.out.Prompts, r.prompts...)
	x.out.Resources = append(x.out.Resources, r.resources...)
	x.out.Instructions = append(x.out.Instructions, r.instr...)
	x.out.Indicators = append(x.out.Indicators, r.inds...)
	for _, g := range r.gaps {
		x.gap(g.Kind, g.Path, g.Detail)
	}
	x.low = append(x.low, r.low...)
	x.handlers = append(x.handlers, r.handlers...)
	x.declared += len(r.tools) + len(r.prompts) + len(r.resources) + len(r.gaps)
}

// visit interprets one site under a loop overlay.
func (x *extractor) visit(m *module, s site, over map[loopKey]*value, need *needs) *result {
	r := &result{}
	c := ectx{m: m, sc: s.sc, over: over, need: need}
	if s.new {
		x.server(c, s.n, r)
		return r
	}
	argsN := s.n.Field("arguments")
	if argsN == nil || argsN.Type() != "arguments" {
		return r
	}
	nodes := named(argsN)
	name := calleeName(s.n)
	switch name {
	case "tool", "prompt":
		x.variadic(c, s, name, nodes, r)
	case "registerTool", "registerPrompt", "registerResource":
		x.register(c, s, name, nodes, r)
	case "resource":
		x.resource(c, s, nodes, r)
	case "addTool", "addPrompt", "addResource", "addResourceTemplate":
		x.fastmcp(c, s, name, nodes, r)
	case "setRequestHandler":
		x.requestHandler(c, s, nodes, r)
	case "sendToolListChanged", "sendPromptListChanged", "sendResourceListChanged":
		r.inds = append(r.inds, surface.Indicator{Kind: "mutation-api",
			Detail: name + "() tells clients the list changed after start-up", Pos: m.pos(s.n)})
	case "update", "remove", "enable", "disable":
		x.mutation(c, s, name, nodes, r)
	}
	return r
}

// conv converts the values of one declaration into surface texts and
// schemas, and keeps the worst resolution, the reasons and the run-time
// sources for the declaration's summary and indicators.
type conv struct {
	x         *extractor
	worst     surface.Resolution
	reasons   []string
	rts       []rtNote
	paramName bool // the name comes from a function parameter
}

type rtNote struct {
	field string
	src   []string
	pos   analysis.Position
}

func (x *extractor) conv() *conv { return &conv{x: x, worst: surface.Resolved} }

// note records a text that is not resolved.
func (cv *conv) note(field string, t surface.Text, v *value) {
	if t.Resolution == surface.Resolved {
		return
	}
	cv.worst = surface.Worse(t.Resolution, cv.worst)
	cv.reasons = append(cv.reasons, field+": "+t.Reason)
	if v != nil && len(v.rt) > 0 {
		cv.rts = append(cv.rts, rtNote{field: field, src: v.rt, pos: t.Pos})
	}
}

func (cv *conv) text(field string, v *value) surface.Text {
	t := cv.x.text(v)
	cv.note(field, t, v)
	if field == "name" && v.dyn == "param" && t.Resolution != surface.Resolved {
		cv.paramName = true
	}
	return t
}

func (cv *conv) optText(field string, v *value) *surface.Text {
	if v.absent() {
		return nil
	}
	t := cv.text(field, v)
	return &t
}

// indicators reports the run-time sources of a declaration's texts.
func (cv *conv) indicators(what string, name surface.Text, r *result) {
	label := fmt.Sprintf("%s %q", what, name.Value)
	if name.Resolution != surface.Resolved {
		label = "a " + what + " with a computed name"
	}
	for _, n := range cv.rts {
		r.inds = append(r.inds, surface.Indicator{Kind: "runtime-metadata",
			Detail: fmt.Sprintf("%s of %s is computed at run time from %s", n.field, label, strings.Join(n.src, ", ")),
			Pos:    n.pos})
	}
}

// finishTool summarises the tool. A tool named by a parameter is
// registered by a helper whose callers decide how many tools there are:
// the tool stands for all of them and a gap says so.
func (cv *conv) finishTool(t *surface.Tool, r *result) {
	t.Resolution = cv.worst
	t.Reasons = cv.reasons
	cv.indicators("tool", t.Name, r)
	r.tools = append(r.tools, t)
	if cv.paramName {
		r.gaps = append(r.gaps, analysis.Gap{Kind: "dynamic-tool-table", Path: t.Pos.Path,
			Detail: fmt.Sprintf("line %d: a tool is registered under a name passed as a parameter (%s); its callers decide which tools exist",
				t.Pos.StartLine, t.Name.Reason)})
	}
}

// stringish accepts what may be a name: a string or something unknown.
func stringish(v *value) bool { return v.kind == vString || v.kind == vUnknown || v.kind == vNumber }

// callbackLike rejects literal arguments in the callback position.
func callbackLike(n *treesitter.Node) bool {
	switch unwrap(n).Type() {
	case "object", "array", "string", "template_string", "number", "true", "false", "null", "undefined":
		return false
	}
	return true
}

var schemaName = regexp.MustCompile(`(?i)(schema|shape|params|args|input|parameters)$`)

// classify splits the middle arguments of tool()/prompt() as the SDK does
// at run time: a string is the description, then an object whose values
// are schemas is the params schema, then a plain object is the
// annotations. Unknown values are placed by their syntax.
func classify(vals []*value, nodes []*treesitter.Node) (desc, shape, annot *value) {
	i := 0
	if i < len(vals) && descLike(vals[i], nodes[i]) {
		desc = vals[i]
		i++
	}
	if i < len(vals) {
		switch {
		case shapeLike(vals[i]):
			shape = vals[i]
			i++
			if i < len(vals) && (vals[i].kind == vObject || vals[i].kind == vUnknown) {
				annot = vals[i]
			}
		case vals[i].kind == vObject:
			annot = vals[i]
		}
	}
	return desc, shape, annot
}

// descLike: a string, or an unknown that is not an object literal and not
// named like a schema.
func descLike(v *value, n *treesitter.Node) bool {
	if v.kind == vString {
		return true
	}
	if v.kind != vUnknown {
		return false
	}
	u := unwrap(n)
	if u.Type() == "object" {
		return false
	}
	return !schemaName.MatchString(lastIdent(u))
}

// shapeLike is the SDK's isZodRawShape: empty, or holding a non-primitive.
func shapeLike(v *value) bool {
	switch v.kind {
	case vZod, vUnknown:
		return true
	case vObject:
		if len(v.keys) == 0 {
			return true
		}
		for _, k := range v.keys {
			switch v.props[k].kind {
			case vString, vBool, vNumber, vNull, vUndef:
			default:
				return true
			}
		}
	}
	return false
}

// variadic handles McpServer.tool(name, [description], [paramsSchema],
// [annotations], cb) and prompt(name, [description], [argsSchema], cb).
func (x *extractor) variadic(c ectx, s site, method string, nodes []*treesitter.Node, r *result) {
	if len(nodes) < 2 || !callbackLike(nodes[len(nodes)-1]) {
		return
	}
	vals, _ := x.args(c, s.n.Field("arguments"))
	name := vals[0]
	if !stringish(name) {
		return
	}
	desc, shape, annot := classify(vals[1:len(vals)-1], nodes[1:len(nodes)-1])
	cv := x.conv()
	cb := vals[len(vals)-1]
	if method == "prompt" {
		p := &surface.Prompt{Name: cv.text("name", name), Description: cv.optText("description", desc),
			Pattern: "ts:prompt", Pos: c.m.pos(s.n)}
		p.Arguments = cv.promptArgs(shape)
		p.Messages, _ = splitPartial(x.analyzeFn(cb, false).outputs)
		cv.indicators("prompt", p.Name, r)
		r.prompts = append(r.prompts, p)
		return
	}
	t := &surface.Tool{Name: cv.text("name", name), Pattern: "ts:tool", Pos: c.m.pos(s.n)}
	t.Description = cv.optText("description", desc)
	t.InputSchema = cv.schema("inputSchema", shape, true)
	t.Annotations = annotations(annot)
	x.bindHandler(t, cb, shape != nil)
	x.late(c, s, toolLabel(t.Name), r)
	cv.finishTool(t, r)
}

// register handles registerTool/registerPrompt/registerResource(name,
// config, cb) of SDK v1 and v2.
func (x *extractor) register(c ectx, s site, method string, nodes []*treesitter.Node, r *result) {
	if len(nodes) < 2 {
		return
	}
	vals, _ := x.args(c, s.n.Field("arguments"))
	name := vals[0]
	if !stringish(name) {
		return
	}
	cv := x.conv()
	var cb *value
	if len(vals) >= 3 && callbackLike(nodes[len(nodes)-1]) {
		cb = vals[len(vals)-1]
	}
	if method == "registerResource" {
		if len(vals) < 3 {
			return
		}
		x.addResource(cv, "ts:registerResource", c.m.pos(s.n), name, vals[1], vals[2], r)
		return
	}
	cfg := vals[1]
	if cfg.kind != vObject && cfg.kind != vUnknown {
		return
	}
	if cfg.kind == vUnknown {
		cv.note("config", cv.x.text(cfg), cfg)
	}
	if method == "registerPrompt" {
		p := &surface.Prompt{Name: cv.text("name", name), Title: cv.optText("title", cfg.get("title")),
			Description: cv.optText("description", cfg.get("description")), Pattern: "ts:registerPrompt", Pos: c.m.pos(s.n)}
		p.Arguments = cv.promptArgs(cfg.get("argsSchema"))
		if cb != nil {
			p.Messages, _ = splitPartial(x.analyzeFn(cb, false).outputs)
		}
		cv.indicators("prompt", p.Name, r)
		r.prompts = append(r.prompts, p)
		return
	}
	t := &surface.Tool{Name: cv.text("name", name), Pattern: "ts:registerTool", Pos: c.m.pos(s.n)}
	t.Title = cv.optText("title", cfg.get("title"))
	t.Description = cv.optText("description", cfg.get("description"))
	in := cfg.get("inputSchema")
	t.InputSchema = cv.schema("inputSchema", in, true)
	t.OutputSchema = cv.schema("outputSchema", cfg.get("outputSchema"), true)
	t.Annotations = annotations(cfg.get("annotations"))
	if cb != nil {
		x.bindHandler(t, cb, !in.absent())
	}
	x.late(c, s, toolLabel(t.Name), r)
	cv.finishTool(t, r)
}

// resource handles resource(name, uriOrTemplate, [metadata], cb).
func (x *extractor) resource(c ectx, s site, nodes []*treesitter.Node, r *result) {
	if len(nodes) < 3 || !callbackLike(nodes[len(nodes)-1]) {
		return
	}
	vals, _ := x.args(c, s.n.Field("arguments"))
	if !stringish(vals[0]) || !stringish(vals[1]) {
		return
	}
	var meta *value
	if len(vals) >= 4 {
		meta = vals[2]
	}
	x.addResource(x.conv(), "ts:resource", c.m.pos(s.n), vals[0], vals[1], meta, r)
}

func (x *extractor) addResource(cv *conv, pattern string, pos analysis.Position, name, uri, meta *value, r *result) {
	res := &surface.Resource{Name: cv.text("name", name), URI: cv.text("uri", uri), Pattern: pattern, Pos: pos}
	if meta != nil {
		res.Title = cv.optText("title", meta.get("title"))
		res.Description = cv.optText("description", meta.get("description"))
		if mt := meta.get("mimeType"); mt != nil && mt.kind == vString && !mt.partial {
			res.MimeType = mt.str
		}
	}
	cv.indicators("resource", res.Name, r)
	r.resources = append(r.resources, res)
}

// fastmcp handles punkpeye fastmcp's addTool({name, description,
// parameters, annotations, execute}) and its prompt and resource kin.
func (x *extractor) fastmcp(c ectx, s site, method string, nodes []*treesitter.Node, r *result) {
	if len(nodes) != 1 {
		return
	}
	def := x.eval(c, nodes[0])
	if def.kind == vUnknown {
		if def.dyn != "loop" {
			line, _ := c.m.lineCol(c.m.orig(s.n.StartByte()))
			r.gaps = append(r.gaps, analysis.Gap{Kind: "dynamic-tool-table", Path: c.m.path,
				Detail: fmt.Sprintf("line %d: %s(%s) declares something computed at run time (%s)", line, method, short(nodes[0]), def.why)})
		}
		return
	}
	if def.kind != vObject {
		return
	}
	cv := x.conv()
	pos := c.m.pos(s.n)
	switch method {
	case "addTool":
		name := def.get("name")
		if name == nil {
			return
		}
		t := &surface.Tool{Name: cv.text("name", name), Pattern: "ts:fastmcp.addTool", Pos: pos}
		t.Description = cv.optText("description", def.get("description"))
		params := def.get("parameters")
		t.InputSchema = cv.schema("inputSchema", params, true)
		t.Annotations = annotations(def.get("annotations"))
		if a := def.get("annotations"); a != nil {
			t.Title = cv.optText("title", a.get("title"))
		}
		if ex := def.get("execute"); ex != nil {
			x.bindHandler(t, ex, !params.absent())
		}
		x.late(c, s, toolLabel(t.Name), r)
		cv.finishTool(t, r)
	case "addPrompt":
		name := def.get("name")
		if name == nil {
			return
		}
		p := &surface.Prompt{Name: cv.text("name", name), Description: cv.optText("description", def.get("description")),
			Pattern: "ts:fastmcp.addPrompt", Pos: pos}
		p.Arguments = cv.argList(def.get("arguments"))
		if load := def.get("load"); load != nil {
			p.Messages, _ = splitPartial(x.analyzeFn(load, false).outputs)
		}
		cv.indicators("prompt", p.Name, r)
		r.prompts = append(r.prompts, p)
	case "addResource", "addResourceTemplate":
		uriKey := "uri"
		if method == "addResourceTemplate" {
			uriKey = "uriTemplate"
		}
		name, uri := def.get("name"), def.get(uriKey)
		if name == nil || uri == nil {
			return
		}
		x.addResource(cv, "ts:fastmcp."+method, pos, name, uri, def, r)
	}
}

// requestKinds maps the SDK's request schemas to their methods (v1 passes
// the schema, v2 the method string).
var requestKinds = map[string]string{
	"ListToolsRequestSchema": "tools/list", "CallToolRequestSchema": "tools/call",
	"ListPromptsRequestSchema": "prompts/list", "ListResourcesRequestSchema": "resources/list",
	"ListResourceTemplatesRequestSchema": "resources/templates/list",
}

// requestHandler handles the low-level Server's setRequestHandler.
func (x *extractor) requestHandler(c ectx, s site, nodes []*treesitter.Node, r *result) {
	if len(nodes) < 2 {
		return
	}
	kind := requestKinds[baseName(lastIdent(unwrap(nodes[0])))]
	if kind == "" {
		if v := x.eval(c, nodes[0]); v.kind == vString {
			kind = v.str
		}
	}
	if kind == "" {
		return
	}
	h := x.eval(c, nodes[1])
	switch kind {
	case "tools/call":
		r.handlers = append(r.handlers, x.analyzeCallHandler(c.m.path, h))
		return
	case "tools/list":
		x.late(c, s, "the tools/list handler", r)
	}
	key := map[string]string{"tools/list": "tools", "prompts/list": "prompts", "resources/list": "resources",
		"resources/templates/list": "resourceTemplates"}[kind]
	if key == "" {
		return
	}
	list, reason := x.returned(h, key)
	if list == nil {
		line, _ := c.m.lineCol(c.m.orig(s.n.StartByte()))
		r.gaps = append(r.gaps, analysis.Gap{Kind: "dynamic-tool-table", Path: c.m.path,
			Detail: fmt.Sprintf("line %d: the %s handler returns a list that cannot be enumerated statically (%s)", line, kind, reason)})
		return
	}
	if list.open {
		line, _ := c.m.lineCol(c.m.orig(s.n.StartByte()))
		r.gaps = append(r.gaps, analysis.Gap{Kind: "dynamic-tool-table", Path: c.m.path,
			Detail: fmt.Sprintf("line %d: part of the %s list is computed at run time", line, kind)})
	}
	for _, e := range list.elems {
		if e.kind != vObject {
			line, _ := c.m.lineCol(c.m.orig(s.n.StartByte()))
			r.gaps = append(r.gaps, analysis.Gap{Kind: "dynamic-tool-table", Path: c.m.path,
				Detail: fmt.Sprintf("line %d: an element of the %s list is computed at run time (%s)", line, kind, why(e, e.n))})
			continue
		}
		cv := x.conv()
		pos := x.posOf(e)
		switch key {
		case "tools":
			t := &surface.Tool{Name: cv.text("name", e.get("name")), Pattern: "ts:setRequestHandler", Pos: pos}
			t.Title = cv.optText("title", e.get("title"))
			t.Description = cv.optText("description", e.get("description"))
			t.InputSchema = cv.schema("inputSchema", e.get("inputSchema"), false)
			t.OutputSchema = cv.schema("outputSchema", e.get("outputSchema"), false)
			t.Annotations = annotations(e.get("annotations"))
			cv.finishTool(t, r)
			r.low = append(r.low, lowTool{t: t, path: c.m.path})
		case "prompts":
			p := &surface.Prompt{Name: cv.text("name", e.get("name")), Title: cv.optText("title", e.get("title")),
				Description: cv.optText("description", e.get("description")), Pattern: "ts:setRequestHandler", Pos: pos}
			p.Arguments = cv.argList(e.get("arguments"))
			cv.indicators("prompt", p.Name, r)
			r.prompts = append(r.prompts, p)
		default:
			uri := e.get("uri")
			if key == "resourceTemplates" {
				uri = e.get("uriTemplate")
			}
			x.addResource(cv, "ts:setRequestHandler", pos, e.get("name"), uri, e, r)
		}
	}
}

// returned evaluates what a handler function returns and takes key from
// it: the expression body of an arrow, or the first return statement of
// the handler's own body whose value has that key.
func (x *extractor) returned(h *value, key string) (*value, string) {
	if h.kind != vFunc {
		return nil, why(h, h.n)
	}
	f := h.fn
	body := f.node.Field("body")
	if body == nil {
		return nil, "handler without a body"
	}
	sc := f.sc
	if s, ok := f.m.scopes[span{f.node.StartByte(), f.node.EndByte()}]; ok {
		sc = s
	}
	try := func(c ectx, n *treesitter.Node) (*value, string) {
		v := x.eval(c, n)
		l := v.get(key)
		switch {
		case l != nil && l.kind == vArray:
			return l, ""
		case l != nil:
			return nil, why(l, l.n)
		}
		return nil, why(v, n)
	}
	if body.Type() != "statement_block" {
		return try(ectx{m: f.m, sc: sc}, body)
	}
	if f.m.sk != nil && f.m.sk.masked[body.StartByte()] {
		return nil, "handler body not parsed"
	}
	reason := "no return statement"
	var found *value
	x.walkScoped(f.m, body, sc, func(n *treesitter.Node, sc *scope, nested bool) bool {
		if found != nil || nested {
			return false
		}
		if n.Type() == "return_statement" {
			if rs := named(n); len(rs) > 0 {
				found, reason = try(ectx{m: f.m, sc: sc}, rs[0])
			}
			return false
		}
		return true
	})
	return found, reason
}

// server reads the instructions given to new McpServer/Server/FastMCP.
func (x *extractor) server(c ectx, n *treesitter.Node, r *result) {
	vals, _ := x.args(c, n.Field("arguments"))
	for _, v := range vals {
		in := v.get("instructions")
		if in == nil || in.absent() {
			continue
		}
		cv := x.conv()
		t := cv.text("instructions", in)
		r.instr = append(r.instr, t)
		for _, rn := range cv.rts {
			r.inds = append(r.inds, surface.Indicator{Kind: "runtime-metadata",
				Detail: "server instructions are computed at run time from " + strings.Join(rn.src, ", "), Pos: rn.pos})
		}
	}
}

// lateCallees run their callback after start-up: a declaration made there
// changes the surface after the client approved it.
var lateCallees = map[string]bool{
	"setTimeout": true, "setInterval": true, "setImmediate": true, "nextTick": true,
	"on": true, "once": true, "addListener": true, "prependListener": true, "addEventListener": true,
	"watch": true, "subscribe": true,
	"tool": true, "registerTool": true, "setRequestHandler": true, "addTool": true, "prompt": true,
	"registerPrompt": true, "resource": true, "registerResource": true,
}

// late reports a declaration made inside a callback that runs after
// start-up (a timer, an event, another tool's handler).
func (x *extractor) late(c ectx, s site, what string, r *result) {
	for sc := s.sc; sc != nil; sc = sc.parent {
		if lateCallees[sc.callee] {
			r.inds = append(r.inds, surface.Indicator{Kind: "mutation-api",
				Detail: fmt.Sprintf("%s is registered inside a %s() callback, after start-up", what, sc.callee),
				Pos:    c.m.pos(s.n)})
			return
		}
	}
}

func toolLabel(name surface.Text) string {
	if name.Resolution != surface.Resolved {
		return "a tool with a computed name"
	}
	return fmt.Sprintf("tool %q", name.Value)
}

// registrations are the calls whose result is a RegisteredTool/Prompt/Resource.
var registrations = map[string]bool{
	"tool": true, "registerTool": true, "prompt": true, "registerPrompt": true,
	"resource": true, "registerResource": true,
}

// updateKeys are RegisteredTool.update() fields.
var updateKeys = []string{"name", "title", "description", "paramsSchema", "inputSchema", "outputSchema",
	"annotations", "callback", "enabled", "argsSchema", "metadata", "uri", "template"}

var declName = regexp.MustCompile(`(?i)(tool|prompt|resource)`)

// mutation reports RegisteredTool.update/remove/enable/disable: on a value
// bound to a registration, an update() with tool fields, or a receiver
// named like a tool.
func (x *extractor) mutation(c ectx, s site, method string, nodes []*treesitter.Node, r *result) {
	recv := unwrap(unwrap(s.n.Field("function")).Field("object"))
	if recv == nil {
		return
	}
	what := ""
	if recv.Type() == "identifier" {
		if b := c.sc.lookup(recv.Text()); b != nil && b.node != nil && (b.kind == bConst || b.kind == bMutable) {
			if init := unwrap(b.node); init.Type() == "call_expression" && registrations[calleeName(init)] {
				what = "the declaration registered at line " + itoa(c.m.pos(init).StartLine)
				if a := named(init.Field("arguments")); len(a) > 0 {
					if v := x.eval(ectx{m: b.m, sc: b.sc}, a[0]); v.kind == vString {
						what = fmt.Sprintf("%q", v.str)
					}
				}
			}
		}
	}
	if what == "" && method == "update" && len(nodes) == 1 && unwrap(nodes[0]).Type() == "object" {
		o := x.eval(c, nodes[0])
		for _, k := range updateKeys {
			if o.get(k) != nil {
				what = "a registered declaration (" + k + ")"
				break
			}
		}
	}
	if what == "" && method != "update" && len(nodes) == 0 && declName.MatchString(recv.Text()) {
		what = short(recv)
	}
	if what == "" {
		return
	}
	r.inds = append(r.inds, surface.Indicator{Kind: "mutation-api",
		Detail: fmt.Sprintf("%s() changes %s after registration", method, what), Pos: c.m.pos(s.n)})
}

// annotations keeps the statically known annotation values.
func annotations(v *value) map[string]any {
	if v == nil || v.kind != vObject {
		return nil
	}
	out := map[string]any{}
	for _, k := range v.keys {
		if j, ok := toJSON(v.props[k], 0); ok {
			out[k] = j
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// promptArgs reads a prompt's argsSchema (a zod raw shape).
func (cv *conv) promptArgs(v *value) []surface.PromptArg {
	s := cv.schema("argsSchema", v, true)
	if s == nil {
		return nil
	}
	var out []surface.PromptArg
	for _, p := range s.Properties {
		a := surface.PromptArg{Name: p.Name, Required: p.Required}
		if p.Schema != nil {
			a.Description = p.Schema.Description
		}
		out = append(out, a)
	}
	return out
}

// argList reads [{name, description, required}] prompt arguments.
func (cv *conv) argList(v *value) []surface.PromptArg {
	if v == nil || v.kind != vArray {
		return nil
	}
	var out []surface.PromptArg
	for _, e := range v.elems {
		if e.kind != vObject {
			continue
		}
		a := surface.PromptArg{Name: cv.text("arguments.name", e.get("name")),
			Description: cv.optText("arguments.description", e.get("description"))}
		if req := e.get("required"); req != nil && req.kind == vBool {
			a.Required = req.b
		}
		out = append(out, a)
	}
	return out
}

// bindHandler fills a tool's handler fields from its callback.
func (x *extractor) bindHandler(t *surface.Tool, cb *value, hasArgs bool) {
	hi := x.analyzeFn(cb, hasArgs)
	t.Handler, t.HandlerKnown = hi.pos, hi.known
	t.Outputs, t.PartialOutputs = splitPartial(hi.outputs)
	if hi.known {
		t.UsedParams = usedParams(t.InputSchema, hi.used, hi.all)
		t.SinkParams = hi.sinks
	}
}

// usedParams orders the names a handler reads: the schema's properties in
// declaration order, then names the schema does not declare. all means the
// argument object escapes, so every property counts as read.
func usedParams(s *surface.Schema, used []string, all bool) []string {
	seen := map[string]bool{}
	var out []string
	if s != nil {
		for _, p := range s.Properties {
			if all || contains(used, p.Name.Value) {
				out = append(out, p.Name.Value)
				seen[p.Name.Value] = true
			}
		}
	}
	for _, u := range used {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// link gives each low-level tool the branch of the tools/call handler that
// serves it: the handler of the same file, or the only one there is.
func (x *extractor) link() {
	for _, lt := range x.low {
		var h *callHandler
		n := 0
		for _, c := range x.handlers {
			if c.path == lt.path {
				h = c
				n = 1
				break
			}
		}
		if h == nil {
			for _, c := range x.handlers {
				h = c
				n++
			}
		}
		if n != 1 || !h.known {
			continue
		}
		t := lt.t
		b := h.branches[t.Name.Value]
		switch {
		case b != nil:
			t.Handler = b.pos
		case len(h.branches) == 0:
			t.Handler = h.pos // one code path serves every tool
			b = &branch{}
		default:
			continue
		}
		t.HandlerKnown = true
		t.UsedParams = usedParams(t.InputSchema, append(append([]string(nil), b.used...), h.shared.used...), b.all || h.shared.all)
		t.Outputs, t.PartialOutputs = splitPartial(dedupTexts(append(append([]surface.Text(nil), b.outputs...), h.shared.outputs...)))
	}
}

// dedupTexts drops repeated texts and orders them by position.
func dedupTexts(ts []surface.Text) []surface.Text {
	seen := map[string]bool{}
	out := ts[:0]
	for _, t := range ts {
		k := fmt.Sprintf("%s\x00%v", t.Value, t.Pos)
		if !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Pos, out[j].Pos
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		return a.StartCol < b.StartCol
	})
	return out
}

// splitPartial separates fully known output texts from partly known ones.
func splitPartial(ts []surface.Text) (resolved, partial []surface.Text) {
	for _, t := range ts {
		if t.Resolution == surface.Partial {
			partial = append(partial, t)
		} else {
			resolved = append(resolved, t)
		}
	}
	return resolved, partial
}
