package python

import (
	"fmt"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// lowServer collects the handlers of one low-level server, so that the
// tools its list_tools returns can be bound to its call_tool dispatch once
// every module has been read.
type lowServer struct {
	tools []*surface.Tool
	calls []*value // call_tool handlers
}

func (x *extractor) lowServer(key string) *lowServer {
	ls := x.low[key]
	if ls == nil {
		ls = &lowServer{}
		x.low[key] = ls
		x.lowOrder = append(x.lowOrder, key)
	}
	return ls
}

// lowDecorator handles @server.list_tools(), @server.call_tool() and the
// prompt and resource listings.
func (x *extractor) lowDecorator(m *module, recv *value, recvNode *pnode, attr string, fn *value) {
	key := "expr:" + m.path + ":" + srcOf(recvNode)
	pattern := "py:*." + attr
	if recv.k == kServer {
		if recv.srv.fw != fwLowLevel {
			return
		}
		key, pattern = recv.srv.key, "py:Server."+attr
	}
	x.lowHandler(key, pattern, attr, fn)
}

// lowHandler records one low-level handler.
func (x *extractor) lowHandler(key, pattern, kind string, fn *value) {
	switch kind {
	case "list_tools":
		ls := x.lowServer(key)
		for _, it := range x.listed(fn, "tools", "Tool") {
			t := x.lowTool(it, pattern)
			ls.tools = append(ls.tools, t)
			x.out.Tools = append(x.out.Tools, t)
		}
	case "call_tool":
		ls := x.lowServer(key)
		ls.calls = append(ls.calls, fn)
	case "list_prompts":
		for _, it := range x.listed(fn, "prompts", "Prompt") {
			x.out.Prompts = append(x.out.Prompts, x.lowPrompt(it, pattern))
		}
	case "list_resources", "list_resource_templates":
		for _, it := range x.listed(fn, "resources", "Resource", "ResourceTemplate") {
			x.out.Resources = append(x.out.Resources, x.lowResource(it, pattern))
		}
	}
}

// listed folds the returns of a list_* handler into their items: Tool(…)
// calls or dicts. What cannot be folded is a dynamic-tool-table gap.
func (x *extractor) listed(fn *value, field string, ctors ...string) []*value {
	m, node := fn.m, fn.node
	fe := &env{m: m, sc: x.funcScope(m, node), parent: x.envAt(m, node)}
	name := "?"
	if n := node.Field("name"); n != nil {
		name = n.Text()
	}
	var out []*value
	rets := returnExprs(node)
	if len(rets) == 0 {
		x.gap("dynamic-tool-table", m.path, fmt.Sprintf("line %d: %s() returns no literal list of %s", m.pos(node).StartLine, name, field))
	}
	for _, r := range rets {
		v := x.eval(fe, r, 0)
		if v.k == kInstance { // ListToolsResult(tools=[…])
			v = x.field(v, field, 0)
		}
		if v.k != kList {
			x.gap("dynamic-tool-table", m.path, fmt.Sprintf("line %d: %s() returns %s, which is not folded: %s", m.pos(r).StartLine, name, srcOf(r), v.reason))
			for _, rt := range v.rt {
				x.indicate("mutation-api", fmt.Sprintf("the %s listed by %s() depend on %s", field, name, rt.what), rt.pos)
			}
			continue
		}
		for _, it := range v.items {
			ok := it.k == kDict
			if it.k == kInstance {
				for _, c := range ctors {
					ok = ok || lastName(it.s) == c
				}
			}
			if !ok {
				at := m.pos(r)
				if it.node != nil && it.m != nil {
					at = it.m.pos(it.node)
				}
				x.gap("dynamic-tool-table", at.Path, fmt.Sprintf("line %d: an element of the %s listed by %s() is not folded: %s", at.StartLine, field, name, it.reason))
				continue
			}
			out = append(out, it)
		}
	}
	return out
}

// returnExprs are the expressions returned by a function (not by the
// functions nested in it).
func returnExprs(fn *pnode) []*pnode {
	var out []*pnode
	body := fn.Field("body")
	if body == nil {
		return nil
	}
	body.Walk(func(n *pnode) bool {
		switch n.Type() {
		case "function_definition", "class_definition", "lambda":
			return false
		case "return_statement":
			if cs := namedNoComments(n); len(cs) == 1 {
				out = append(out, cs[0])
			}
			return false
		}
		return true
	})
	return out
}

// item reads one field of a listed item, a keyword of a call or a dict key.
func (x *extractor) item(it *value, keys ...string) (*value, analysis.Position, bool) {
	for _, k := range keys {
		switch it.k {
		case kInstance:
			if n := kwargNode(it.node.Field("arguments"), k); n != nil {
				return x.eval(it.env, n, 0), it.m.pos(n), true
			}
		case kDict:
			if v, ok := dictGet(it, k); ok {
				at := it.m.pos(it.node)
				if v.node != nil && v.m != nil {
					at = v.m.pos(v.node)
				}
				return v, at, true
			}
		}
	}
	return nil, analysis.Position{}, false
}

// optText is the text of an optional field of a listed item: nil when the
// field is absent or None.
func (x *extractor) optText(c *collector, it *value, field, key string) *surface.Text {
	if v, at, ok := x.item(it, key); ok && v.k != kNone {
		return c.textPtr(field, v, at)
	}
	return nil
}

// lowTool builds a tool from a listed Tool(…).
func (x *extractor) lowTool(it *value, pattern string) *surface.Tool {
	c := newCollector()
	t := &surface.Tool{Pattern: pattern, Pos: it.m.pos(it.node)}
	if v, at, ok := x.item(it, "name"); ok {
		t.Name = c.text("name", v, at)
	} else {
		t.Name = surface.Text{Resolution: surface.Unresolved, Reason: "no name is given", Pos: t.Pos}
		c.worsen(surface.Unresolved, "name: no name is given")
	}
	t.Title = x.optText(c, it, "title", "title")
	t.Description = x.optText(c, it, "description", "description")
	sc := &schemaCtx{x: x, fw: fwLowLevel, c: c}
	if v, _, ok := x.item(it, "inputSchema", "input_schema"); ok {
		t.InputSchema = sc.schemaFromValue(v, "inputSchema", 0)
	} else {
		c.missing("inputSchema", "no inputSchema is given")
	}
	if v, _, ok := x.item(it, "outputSchema", "output_schema"); ok && v.k != kNone {
		t.OutputSchema = sc.schemaFromValue(v, "outputSchema", 0)
	}
	if v, at, ok := x.item(it, "annotations"); ok && v.k != kNone {
		t.Annotations = x.annotations(c, v, at)
	}
	t.Resolution, t.Reasons = c.res, c.reasons
	x.flush(c, fmt.Sprintf("tool %q", t.Name.Value))
	return t
}

// lowPrompt builds a prompt from a listed Prompt(…).
func (x *extractor) lowPrompt(it *value, pattern string) *surface.Prompt {
	c := newCollector()
	p := &surface.Prompt{Pattern: pattern, Pos: it.m.pos(it.node)}
	if v, at, ok := x.item(it, "name"); ok {
		p.Name = c.text("name", v, at)
	} else {
		p.Name = surface.Text{Resolution: surface.Unresolved, Reason: "no name is given", Pos: p.Pos}
	}
	p.Title = x.optText(c, it, "title", "title")
	p.Description = x.optText(c, it, "description", "description")
	if v, _, ok := x.item(it, "arguments"); ok && v.k == kList {
		for _, a := range v.items {
			var arg surface.PromptArg
			if n, at, ok := x.item(a, "name"); ok {
				arg.Name = c.text("arguments.name", n, at)
			}
			arg.Description = x.optText(c, a, "arguments.description", "description")
			if r, _, ok := x.item(a, "required"); ok {
				arg.Required, _ = truthy(r)
			}
			p.Arguments = append(p.Arguments, arg)
		}
	}
	x.flush(c, fmt.Sprintf("prompt %q", p.Name.Value))
	return p
}

// lowResource builds a resource from a listed Resource(…) or ResourceTemplate(…).
func (x *extractor) lowResource(it *value, pattern string) *surface.Resource {
	c := newCollector()
	r := &surface.Resource{Pattern: pattern, Pos: it.m.pos(it.node)}
	if v, at, ok := x.item(it, "uri", "uriTemplate"); ok {
		r.URI = c.text("uri", v, at)
	} else {
		r.URI = surface.Text{Resolution: surface.Unresolved, Reason: "no URI is given", Pos: r.Pos}
	}
	if v, at, ok := x.item(it, "name"); ok {
		r.Name = c.text("name", v, at)
	} else {
		r.Name = surface.Text{Resolution: surface.Unresolved, Reason: "no name is given", Pos: r.Pos}
	}
	r.Title = x.optText(c, it, "title", "title")
	r.Description = x.optText(c, it, "description", "description")
	if v, _, ok := x.item(it, "mimeType", "mime_type"); ok {
		r.MimeType, _ = v.resolvedStr()
	}
	x.flush(c, fmt.Sprintf("resource %q", r.URI.Value))
	return r
}

// linkLowLevel binds each listed tool to its branch of the call_tool
// dispatch (if name == "x": / match name: case "x":).
func (x *extractor) linkLowLevel() {
	for _, key := range x.lowOrder {
		ls := x.low[key]
		for _, call := range ls.calls {
			if !x.alive() {
				return
			}
			d := x.dispatchOf(call)
			for _, t := range ls.tools {
				x.bindDispatch(d, t, len(ls.tools))
			}
		}
	}
}

// bindDispatch fills the handler facts of a tool from a dispatch.
func (x *extractor) bindDispatch(d *dispatch, t *surface.Tool, ntools int) {
	if t.HandlerKnown || t.Name.Resolution != surface.Resolved {
		return
	}
	var own *pnode
	for _, b := range d.branches {
		for _, n := range b.names {
			if n == t.Name.Value {
				own = b.body
			}
		}
	}
	if own == nil && (len(d.branches) > 0 || ntools != 1) {
		return
	}
	skip := map[nodeKey]bool{}
	for _, b := range d.branches {
		if b.body != own {
			skip[keyOf(d.fn.m, b.body)] = true
		}
	}
	for _, f := range d.fallbacks {
		skip[keyOf(d.fn.m, f)] = true
	}
	t.HandlerKnown = true
	t.Handler = d.fn.m.pos(d.fn.node)
	if own != nil {
		t.Handler = d.fn.m.pos(own)
	}
	var props []string
	if t.InputSchema != nil {
		for _, p := range t.InputSchema.Properties {
			props = append(props, p.Name.Value)
		}
	}
	t.UsedParams = x.usedArguments(d, skip, props)
	t.Outputs = x.outputs(d.fn, skip, false)
}
