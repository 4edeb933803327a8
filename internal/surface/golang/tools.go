package golang

import (
	"fmt"
	"go/ast"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// registration is a call that adds or replaces tools, kept to decide later
// (once all handlers are known) whether it runs after approval.
type registration struct {
	f     *file
	call  *ast.CallExpr
	name  string
	stack []ast.Node
}

// How a go-sdk tool literal was registered, which decides where its input
// schema comes from.
const (
	viaNone   = ""            // a declaration not reached from a registration
	viaMethod = "AddTool"     // (*Server).AddTool / (*MCPServer).AddTool
	viaTyped  = "mcp.AddTool" // go-sdk's generic AddTool: schemas from In and Out
)

// mutationMethods remove or replace tools, prompts or resources.
var mutationMethods = map[string]bool{
	"DeleteTools": true, "RemoveTools": true, "DeletePrompts": true, "RemovePrompts": true,
	"RemoveResources": true, "RemoveResourceTemplates": true, "DeleteResources": true, "RemoveResource": true,
}

func (x *extractor) run() {
	for _, p := range x.scanned {
		for _, f := range p.files {
			if x.ctx.Err() != nil {
				return
			}
			x.registrations(f)
		}
	}
	registered := len(x.out.Tools)
	for _, p := range x.scanned {
		for _, f := range p.files {
			if x.ctx.Err() != nil {
				return
			}
			x.declarations(f)
		}
	}
	// A registration whose tool we could not follow (stored in a struct
	// field, a map, a registry) most often registers a declaration the
	// second pass extracted without its handler. Only when that pass found
	// nothing new did such a registration add a tool we never saw.
	if len(x.out.Tools) == registered {
		x.out.Gaps = append(x.out.Gaps, x.pending...)
	}
	x.mutations()
}

// registrations extracts the tools registered in f with their handlers.
func (x *extractor) registrations(f *file) {
	ast.PreorderStack(f.syn, nil, func(n ast.Node, stack []ast.Node) bool {
		if x.ctx.Err() != nil {
			return false
		}
		if g, ok := n.(*ast.GoStmt); ok {
			if name := baseTypeName(ast.Unparen(g.Call.Fun)); name != "" {
				x.goFuncs[name] = true
			}
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		keep := func(name string) {
			x.regs = append(x.regs, registration{f: f, call: call, name: name, stack: slices.Clone(stack)})
		}
		if ip, name, _ := f.sdkRef(call.Fun); ip != "" {
			if ip == pathGoSDK && name == "AddTool" && len(call.Args) == 3 {
				keep("mcp.AddTool")
				x.registerTool(f, call, call.Args[1], call.Args[2], viaTyped)
			}
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		switch name := sel.Sel.Name; {
		case name == "AddTool" && (len(call.Args) == 1 || len(call.Args) == 2):
			var handler ast.Expr // nil: AddTool(f()) with f returning (tool, handler)
			if len(call.Args) == 2 {
				handler = call.Args[1]
			}
			if x.registerTool(f, call, call.Args[0], handler, viaMethod) || f.importsSDK() {
				keep(name)
			}
		case name == "AddTools" || name == "SetTools":
			if x.registerServerTools(f, call) || f.importsSDK() {
				keep(name)
			}
		case name == "AddPrompt" && len(call.Args) == 2:
			x.linkPrompt(f, call)
		case mutationMethods[name] && f.importsSDK():
			x.out.Indicators = append(x.out.Indicators, surface.Indicator{Kind: indMutation, Detail: name + " changes the server's surface at run time", Pos: x.pos(f, call)})
		}
		return true
	})
}

// registerTool extracts the tools a registration call adds. With a nil
// handler, toolExpr is a call returning (tool, handler). It reports whether
// a declaration was found.
func (x *extractor) registerTool(f *file, call *ast.CallExpr, toolExpr, handlerExpr ast.Expr, via string) bool {
	x.budget()
	x.truncated = false
	nodes := []ast.Expr{toolExpr}
	if handlerExpr != nil {
		nodes = append(nodes, handlerExpr)
	}
	found := false
	var reason string
	for _, fr := range x.expand(nodes, x.base(f)) {
		var tools, handlers []flow
		if handlerExpr == nil {
			x.followTuple(toolExpr, 0, fr, &tools)
			x.followTuple(toolExpr, 1, fr, &handlers)
		} else {
			tools = x.follow(toolExpr, fr)
			handlers = []flow{{e: handlerExpr, fr: fr}}
		}
		for _, tf := range tools {
			if x.siteOf(tf) == "" {
				continue
			}
			found = true
			x.budget()
			t, b := x.buildTool(tf, via)
			var h *handlerRef
			for _, hf := range handlers {
				if h = x.handlerOf(hf.e, hf.fr, 0); h != nil {
					break
				}
			}
			x.attachHandler(b, t, h, via)
			x.addTool(t, b)
		}
		if !found && reason == "" {
			reason = x.eval(toolExpr, fr).reason
		}
	}
	if !found && f.importsSDK() {
		x.pending = append(x.pending, x.gapAt(f, call, "the tool registered by %s is built at run time (%s)", describe(call.Fun), reason))
	}
	x.checkTruncated(f, call)
	return found
}

// checkTruncated turns a limit hit while extracting the declaration at n
// into a gap.
func (x *extractor) checkTruncated(f *file, n ast.Node) {
	if x.truncated {
		x.truncated = false
		x.out.Gaps = append(x.out.Gaps, x.gapAt(f, n, "more than %d instances or values: the rest were not extracted", maxInstances))
	}
}

// registerServerTools extracts the server.ServerTool values passed to
// AddTools or SetTools.
func (x *extractor) registerServerTools(f *file, call *ast.CallExpr) bool {
	x.budget()
	x.truncated = false
	found, complete := false, true
	for _, fr := range x.expand(call.Args, x.base(f)) {
		var items []flow
		for i, a := range call.Args {
			if call.Ellipsis.IsValid() && i == len(call.Args)-1 {
				els, ok := x.elements(a, fr)
				items, complete = append(items, els...), complete && ok
				continue
			}
			items = append(items, flow{e: a, fr: fr})
		}
		for _, it := range items {
			for _, st := range x.followFlow(it) {
				tf, ok := x.field(st, "Tool")
				if !ok {
					complete = false
					continue
				}
				hf, _ := x.field(st, "Handler")
				for _, site := range x.followFlow(tf) {
					if x.siteOf(site) == "" {
						complete = false
						continue
					}
					found = true
					x.budget()
					t, b := x.buildTool(site, viaMethod)
					var h *handlerRef
					if hf.e != nil {
						h = x.handlerOf(hf.e, hf.fr, 0)
					}
					x.attachHandler(b, t, h, viaMethod)
					x.addTool(t, b)
				}
			}
		}
	}
	if !complete && f.importsSDK() {
		x.pending = append(x.pending, x.gapAt(f, call, "some tools passed to %s are built at run time", describe(call.Fun)))
	}
	x.checkTruncated(f, call)
	return found
}

func (x *extractor) followFlow(fl flow) []flow {
	if fl.list != nil {
		return []flow{fl}
	}
	var out []flow
	x.followInto(fl.e, fl.fr, fl.typ, &out)
	return out
}

// gapAt describes a dynamic tool table at n.
func (x *extractor) gapAt(f *file, n ast.Node, format string, args ...any) analysis.Gap {
	return analysis.Gap{
		Kind:   gapDynamicTools,
		Path:   f.path,
		Detail: fmt.Sprintf("line %d: ", x.pos(f, n).StartLine) + fmt.Sprintf(format, args...),
	}
}

// siteOf returns the SDK import path when fl is a tool declaration:
// mcp.NewTool, mcp.NewToolWithRawSchema or a mcp.Tool literal.
func (x *extractor) siteOf(fl flow) string {
	if fl.e == nil {
		return ""
	}
	switch v := fl.e.(type) {
	case *ast.CallExpr:
		if ip, name, _ := fl.fr.f.sdkRef(v.Fun); ip == pathMCPGo && (name == "NewTool" || name == "NewToolWithRawSchema") {
			return ip
		}
	case *ast.CompositeLit:
		_, t := compositeOf(fl)
		if ip, name, _ := fl.fr.f.sdkRef(t); isMCP(ip) && name == "Tool" {
			return ip
		}
	}
	return ""
}

// declarations extracts the declarations of f not reached from a
// registration (they are de-duplicated against those that were), and the
// prompts, resources and instructions.
func (x *extractor) declarations(f *file) {
	ast.PreorderStack(f.syn, nil, func(n ast.Node, stack []ast.Node) bool {
		if x.ctx.Err() != nil {
			return false
		}
		switch v := n.(type) {
		case *ast.CallExpr:
			ip, name, _ := f.sdkRef(v.Fun)
			switch {
			case ip == pathMCPGo && (name == "NewTool" || name == "NewToolWithRawSchema"):
				x.declaredTool(f, v, nil, stack)
			case ip == pathMCPGo && name == "NewPrompt":
				x.declaredPrompt(f, v, nil)
			case ip == pathMCPGo && (name == "NewResource" || name == "NewResourceTemplate"):
				x.declaredResource(f, v, nil)
			case ip == pathMCPGoServer && name == "WithInstructions" && len(v.Args) == 1:
				x.instructions(f, v.Args[0])
			}
		case *ast.CompositeLit:
			if v.Type != nil {
				x.declaredLit(f, v, nil, stack)
			}
			if et, _ := x.elemType(v.Type, f); et != nil {
				for _, el := range v.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						el = kv.Value
					}
					if u, ok := el.(*ast.UnaryExpr); ok {
						el = u.X
					}
					if lit, ok := el.(*ast.CompositeLit); ok && lit.Type == nil {
						x.declaredLit(f, lit, et, stack)
					}
				}
			}
		}
		return true
	})
}

// declaredLit dispatches an SDK struct literal; typ is the implied type of
// an elided literal.
func (x *extractor) declaredLit(f *file, lit *ast.CompositeLit, typ ast.Expr, stack []ast.Node) {
	_, t := compositeOf(flow{e: lit, typ: typ})
	ip, name, _ := f.sdkRef(t)
	if !isMCP(ip) {
		return
	}
	switch name {
	case "Tool":
		x.declaredTool(f, lit, typ, stack)
	case "Prompt":
		x.declaredPrompt(f, lit, typ)
	case "Resource", "ResourceTemplate":
		x.declaredResource(f, lit, typ)
	case "ServerOptions":
		if fv, ok := x.field(flow{e: lit, fr: x.base(f)}, "Instructions"); ok {
			x.instructions(f, fv.e)
		}
	}
}

// declaredTool extracts a declaration on its own, one tool per instance of
// the table or helper it is in. A server.ServerTool literal around it gives
// its handler.
func (x *extractor) declaredTool(f *file, site ast.Expr, typ ast.Expr, stack []ast.Node) {
	x.budget()
	x.truncated = false
	for _, fr := range x.expand([]ast.Expr{site}, x.base(f)) {
		x.budget()
		t, b := x.buildTool(flow{e: site, fr: fr, typ: typ}, viaNone)
		var h *handlerRef
		if n := len(stack); n >= 2 {
			if kv, ok := stack[n-1].(*ast.KeyValueExpr); ok && isIdent(kv.Key, "Tool") {
				if lit, ok := stack[n-2].(*ast.CompositeLit); ok {
					if hf, ok := x.field(flow{e: lit, fr: fr}, "Handler"); ok {
						h = x.handlerOf(hf.e, hf.fr, 0)
					}
				}
			}
		}
		x.attachHandler(b, t, h, viaNone)
		x.addTool(t, b)
	}
	x.checkTruncated(f, site)
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// addTool adds t unless the same declaration instance (position, name,
// title, description) was already extracted. Registrations run first, so
// the instance linked to a handler wins.
func (x *extractor) addTool(t *surface.Tool, b *builder) {
	b.finish(t.Name.Value, "tool", &t.Resolution, &t.Reasons)
	if t.Name.Resolution != surface.Resolved {
		x.out.Gaps = append(x.out.Gaps, analysis.Gap{
			Kind:   gapDynamicTools,
			Path:   t.Pos.Path,
			Detail: fmt.Sprintf("line %d: a tool's name is computed at run time (%s): which tools exist is unknown", t.Pos.StartLine, t.Name.Reason),
		})
	}
	key := fmt.Sprintf("%s:%d:%d\x00%s", t.Pos.Path, t.Pos.StartLine, t.Pos.StartCol, t.Name.Value)
	if t.Title != nil {
		key += "\x00" + t.Title.Value
	}
	if t.Description != nil {
		key += "\x00" + t.Description.Value
	}
	if x.seen[key] {
		return
	}
	x.seen[key] = true
	x.out.Tools = append(x.out.Tools, t)
}

// builder collects the texts of one declaration: its resolution, the
// reasons of what is not resolved and the run-time sources it reads.
type builder struct {
	x       *extractor
	worst   surface.Resolution
	reasons []string
	runtime []labeledUse
}

type labeledUse struct {
	label string
	use   runtimeUse
}

// text evaluates a text of the declaration.
func (b *builder) text(label string, e ast.Expr, fr *frame) *surface.Text {
	t, v := b.x.text(e, fr)
	b.note(label, t)
	for _, u := range v.runtime {
		b.runtime = append(b.runtime, labeledUse{label: label, use: u})
	}
	return &t
}

func (b *builder) note(label string, t surface.Text) {
	b.worst = surface.Worse(t.Resolution, b.worst)
	if t.Resolution != surface.Resolved && t.Reason != "" {
		if r := label + ": " + t.Reason; !slices.Contains(b.reasons, r) {
			b.reasons = append(b.reasons, r)
		}
	}
}

// fail records something of the declaration that could not be recovered.
func (b *builder) fail(label, reason string) {
	b.note(label, surface.Text{Resolution: surface.Unresolved, Reason: reason})
}

// finish stores the resolution and reasons, and turns run-time sources into
// indicators.
func (b *builder) finish(name, kind string, res *surface.Resolution, reasons *[]string) {
	if res != nil {
		*res = surface.Resolved
		if b.worst != "" {
			*res = b.worst
		}
		*reasons = b.reasons
	}
	for _, u := range b.runtime {
		subject := fmt.Sprintf("%s %q", kind, name)
		if name == "" {
			subject = "a " + kind
		}
		detail := fmt.Sprintf("%s of %s is computed at run time from %s", u.label, subject, u.use.what)
		if kind == "server" {
			detail = fmt.Sprintf("server %s are computed at run time from %s", u.label, u.use.what)
		}
		b.x.out.Indicators = append(b.x.out.Indicators, surface.Indicator{Kind: indRuntimeMetadata, Detail: detail, Pos: u.use.pos})
	}
}

// buildTool extracts the tool declared at fl.
func (x *extractor) buildTool(fl flow, via string) (*surface.Tool, *builder) {
	b := &builder{x: x}
	t := &surface.Tool{Pos: x.pos(fl.fr.f, fl.e)}
	ip := x.siteOf(fl)
	switch v := fl.e.(type) {
	case *ast.CallExpr:
		_, name, _ := fl.fr.f.sdkRef(v.Fun)
		t.Pattern = "go:mcp-go." + name
		if name == "NewToolWithRawSchema" {
			x.rawTool(b, t, v, fl.fr)
		} else {
			x.mcpgoTool(b, t, v, fl.fr)
		}
	case *ast.CompositeLit:
		t.Pattern = "go:" + sdkName(ip) + ".Tool"
		if ip == pathGoSDK {
			switch via {
			case viaTyped:
				t.Pattern = "go:go-sdk.AddTool"
			case viaMethod:
				t.Pattern = "go:go-sdk.Server.AddTool"
			}
		}
		x.toolLit(b, t, fl, ip, via)
	}
	return t, b
}

func argAt(call *ast.CallExpr, i int) ast.Expr {
	if i < len(call.Args) {
		return call.Args[i]
	}
	return nil
}

// mcpgoTool extracts mcp.NewTool(name, opts...).
func (x *extractor) mcpgoTool(b *builder, t *surface.Tool, call *ast.CallExpr, fr *frame) {
	t.InputSchema = &surface.Schema{Type: "object", Pos: t.Pos}
	if len(call.Args) == 0 {
		t.Name = surface.Text{Resolution: surface.Unresolved, Reason: "no name", Pos: t.Pos}
		b.note("name", t.Name)
		return
	}
	t.Name = *b.text("name", call.Args[0], fr)
	for _, o := range x.variadic(b, call, 1, fr, "options") {
		x.toolOption(b, t, o)
	}
}

// rawTool extracts mcp.NewToolWithRawSchema(name, description, schema).
func (x *extractor) rawTool(b *builder, t *surface.Tool, call *ast.CallExpr, fr *frame) {
	if len(call.Args) != 3 {
		t.Name = surface.Text{Resolution: surface.Unresolved, Reason: "wrong number of arguments", Pos: t.Pos}
		b.note("name", t.Name)
		return
	}
	t.Name = *b.text("name", call.Args[0], fr)
	t.Description = b.text("description", call.Args[1], fr)
	t.InputSchema = x.rawSchema(b, "input schema", flow{e: call.Args[2], fr: fr})
}

// variadic returns the flows of the arguments from index i on, expanding a
// spread slice.
func (x *extractor) variadic(b *builder, call *ast.CallExpr, i int, fr *frame, what string) []flow {
	var out []flow
	for j := i; j < len(call.Args); j++ {
		if call.Ellipsis.IsValid() && j == len(call.Args)-1 {
			els, ok := x.elements(call.Args[j], fr)
			if !ok {
				b.fail(what, "some are computed at run time")
			}
			for _, el := range els {
				out = append(out, x.followFlow(el)...)
			}
			continue
		}
		out = append(out, x.follow(call.Args[j], fr)...)
	}
	return out
}

// toolOption applies one mcp-go ToolOption.
func (x *extractor) toolOption(b *builder, t *surface.Tool, o flow) {
	call, ok := o.e.(*ast.CallExpr)
	if !ok {
		return
	}
	ip, name, targs := o.fr.f.sdkRef(call.Fun)
	if ip != pathMCPGo {
		return
	}
	a0 := argAt(call, 0)
	switch name {
	case "WithDescription":
		if a0 != nil {
			t.Description = b.text("description", a0, o.fr)
		}
	case "WithTitle", "WithToolTitle":
		if a0 != nil {
			t.Title = b.text("title", a0, o.fr)
		}
	case "WithTitleAnnotation":
		if a0 != nil {
			setAnnotation(t, "title", *b.text("annotations.title", a0, o.fr))
		}
	case "WithToolAnnotation":
		if a0 != nil {
			x.annotations(b, t, flow{e: a0, fr: o.fr})
		}
	case "WithReadOnlyHintAnnotation", "WithDestructiveHintAnnotation", "WithIdempotentHintAnnotation", "WithOpenWorldHintAnnotation":
		if a0 == nil {
			return
		}
		if v, ok := x.boolOf(a0, o.fr); ok {
			key := lowerFirst(strings.TrimSuffix(strings.TrimPrefix(name, "With"), "Annotation"))
			setAnnotation(t, key, v)
		}
	case "WithString", "WithNumber", "WithInteger", "WithBoolean", "WithArray", "WithObject", "WithAny":
		typ := strings.ToLower(strings.TrimPrefix(name, "With"))
		if typ == "any" {
			typ = ""
		}
		if t.InputSchema != nil {
			t.InputSchema.Properties = append(t.InputSchema.Properties, x.mcpgoProp(b, call, typ, o.fr))
		}
	case "WithRawInputSchema":
		if a0 != nil {
			t.InputSchema = x.rawSchema(b, "input schema", flow{e: a0, fr: o.fr})
		}
	case "WithRawOutputSchema":
		if a0 != nil {
			t.OutputSchema = x.rawSchema(b, "output schema", flow{e: a0, fr: o.fr})
		}
	case "WithInputSchema", "WithOutputSchema":
		label := "input schema"
		if name == "WithOutputSchema" {
			label = "output schema"
		}
		var s *surface.Schema
		if len(targs) == 1 {
			s = x.typeSchema(b, label, targs[0], o.fr.f, styleMCPGo)
		} else {
			b.fail(label, "type argument missing")
		}
		if name == "WithInputSchema" {
			t.InputSchema = s
		} else {
			t.OutputSchema = s
		}
	}
}

func setAnnotation(t *surface.Tool, key string, v any) {
	if txt, ok := v.(surface.Text); ok {
		if txt.Resolution == surface.Unresolved {
			return
		}
		v = txt.Value
	}
	if t.Annotations == nil {
		t.Annotations = map[string]any{}
	}
	t.Annotations[key] = v
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// boolOf evaluates a boolean, also through pointer helpers such as
// mcp.ToBoolPtr(true) or jsonschema.Ptr(false).
func (x *extractor) boolOf(e ast.Expr, fr *frame) (bool, bool) {
	for range 3 {
		v := x.eval(e, fr)
		if v.c != nil {
			if b, ok := jsonValue(v.c); ok {
				bv, isBool := b.(bool)
				return bv, isBool
			}
		}
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return false, false
		}
		e = call.Args[0]
	}
	return false, false
}

// annotations reads a ToolAnnotation(s) literal.
func (x *extractor) annotations(b *builder, t *surface.Tool, fl flow) {
	for _, v := range x.followFlow(fl) {
		lit, _ := compositeOf(v)
		if lit == nil {
			continue
		}
		for _, el := range lit.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			id, ok := kv.Key.(*ast.Ident)
			if !ok {
				continue
			}
			if id.Name == "Title" {
				setAnnotation(t, "title", *b.text("annotations.title", kv.Value, v.fr))
			} else if bv, ok := x.boolOf(kv.Value, v.fr); ok {
				setAnnotation(t, lowerFirst(id.Name), bv)
			}
		}
		return
	}
}

// mcpgoProp extracts mcp.WithString(name, propOpts...) and its siblings.
func (x *extractor) mcpgoProp(b *builder, call *ast.CallExpr, typ string, fr *frame) *surface.Prop {
	p := &surface.Prop{Schema: &surface.Schema{Type: typ, Pos: x.pos(fr.f, call)}}
	if len(call.Args) == 0 {
		p.Name = surface.Text{Resolution: surface.Unresolved, Reason: "no name", Pos: p.Schema.Pos}
		b.note("property name", p.Name)
		return p
	}
	p.Name = *b.text("property name", call.Args[0], fr)
	label := fmt.Sprintf("property %q", p.Name.Value)
	for _, o := range x.variadic(b, call, 1, fr, label+" options") {
		x.propOption(b, p, p.Schema, o, label)
	}
	return p
}

// propOption applies one mcp-go PropertyOption to s (p is nil for items).
func (x *extractor) propOption(b *builder, p *surface.Prop, s *surface.Schema, o flow, label string) {
	call, ok := o.e.(*ast.CallExpr)
	if !ok {
		return
	}
	ip, name, _ := o.fr.f.sdkRef(call.Fun)
	if ip != pathMCPGo {
		return
	}
	a0 := argAt(call, 0)
	switch name {
	case "Required":
		if p != nil {
			p.Required = true
		}
	case "Description":
		if a0 != nil {
			s.Description = b.text(label+" description", a0, o.fr)
		}
	case "Title":
		if a0 != nil {
			s.Title = b.text(label+" title", a0, o.fr)
		}
	case "Pattern":
		if a0 != nil {
			s.Other = append(s.Other, *b.text(label+" pattern", a0, o.fr))
		}
	case "Enum":
		for _, el := range x.variadic(b, call, 0, o.fr, label+" enum") {
			if v, ok := x.jsonOf(b, label+" enum", el); ok {
				s.Enum = append(s.Enum, v)
			}
		}
	case "WithStringEnumItems":
		if a0 != nil {
			item := &surface.Schema{Type: "string", Pos: x.pos(o.fr.f, call)}
			els, ok := x.elements(a0, o.fr)
			if !ok {
				b.fail(label+" enum", "some values are computed at run time")
			}
			for _, el := range els {
				if v, ok := x.jsonOf(b, label+" enum", el); ok {
					item.Enum = append(item.Enum, v)
				}
			}
			s.Items = item
		}
	case "DefaultString", "DefaultNumber", "DefaultBool":
		if a0 != nil {
			if v, ok := x.jsonOf(b, label+" default", flow{e: a0, fr: o.fr}); ok {
				s.Default, s.HasDefault = v, true
			}
		}
	case "DefaultArray":
		if a0 != nil {
			els, ok := x.elements(a0, o.fr)
			if !ok {
				b.fail(label+" default", "computed at run time")
				return
			}
			arr := []any{}
			for _, el := range els {
				if v, ok := x.jsonOf(b, label+" default", el); ok {
					arr = append(arr, v)
				}
			}
			s.Default, s.HasDefault = arr, true
		}
	case "Items":
		if a0 != nil {
			s.Items = x.schemaFromJ(b, label+" items", x.jvalOf(b, label+" items", flow{e: a0, fr: o.fr}, false, 0))
		}
	case "Properties":
		if a0 != nil {
			j := x.jvalOf(b, label+" properties", flow{e: a0, fr: o.fr}, false, 0)
			s.Properties = x.propsFromJ(b, label, j)
		}
	case "WithStringItems", "WithNumberItems", "WithIntegerItems", "WithBooleanItems":
		item := &surface.Schema{Type: strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(name, "With"), "Items")), Pos: x.pos(o.fr.f, call)}
		for _, io := range x.variadic(b, call, 0, o.fr, label+" items") {
			x.propOption(b, nil, item, io, label+" items")
		}
		s.Items = item
	}
}

// jsonOf evaluates a JSON scalar (enum value, default).
func (x *extractor) jsonOf(b *builder, label string, fl flow) (any, bool) {
	if fl.e == nil {
		b.fail(label, "variadic arguments")
		return nil, false
	}
	if id, ok := fl.e.(*ast.Ident); ok && id.Name == "nil" && fl.fr.f.uses[id] == nil {
		return nil, true
	}
	t, v := x.text(fl.e, fl.fr)
	if v.c != nil {
		if jv, ok := jsonValue(v.c); ok {
			return jv, true
		}
	}
	b.note(label, t)
	return nil, false
}

// toolLit extracts a mcp.Tool literal of either SDK.
func (x *extractor) toolLit(b *builder, t *surface.Tool, fl flow, ip, via string) {
	get := func(name string) (flow, bool) { return x.field(fl, name) }
	if v, ok := get("Name"); ok {
		t.Name = *b.text("name", v.e, v.fr)
	} else {
		t.Name = surface.Text{Resolution: surface.Unresolved, Reason: "tool literal without a Name", Pos: t.Pos}
		b.note("name", t.Name)
	}
	if v, ok := get("Title"); ok {
		t.Title = b.text("title", v.e, v.fr)
	}
	if v, ok := get("Description"); ok {
		t.Description = b.text("description", v.e, v.fr)
	}
	if v, ok := get("Annotations"); ok {
		x.annotations(b, t, v)
	}
	for _, f := range []struct {
		field, label string
		raw          bool
		dst          **surface.Schema
	}{
		{"InputSchema", "input schema", false, &t.InputSchema},
		{"RawInputSchema", "input schema", true, &t.InputSchema},
		{"OutputSchema", "output schema", false, &t.OutputSchema},
		{"RawOutputSchema", "output schema", true, &t.OutputSchema},
	} {
		v, ok := get(f.field)
		if !ok {
			continue
		}
		if f.raw {
			*f.dst = x.rawSchema(b, f.label, v)
		} else {
			*f.dst = x.schemaValue(b, f.label, v)
		}
	}
	if ip == pathGoSDK && via == viaNone && t.InputSchema == nil {
		b.fail("input schema", "not declared, and the registration giving the handler's input type was not found")
	}
}

// schemaValue extracts a schema given as a value: a jsonschema.Schema
// literal, jsonschema.For[T](), a map literal or raw JSON.
func (x *extractor) schemaValue(b *builder, label string, fl flow) *surface.Schema {
	for _, v := range x.followFlow(fl) {
		if call, ok := v.e.(*ast.CallExpr); ok {
			ip, name, targs := v.fr.f.sdkRef(call.Fun)
			if (ip == pathJSONSchema || ip == pathOldJSONSchema) && name == "For" && len(targs) == 1 {
				return x.typeSchema(b, label, targs[0], v.fr.f, styleGoSDK)
			}
		}
		return x.schemaFromJ(b, label, x.jvalOf(b, label, v, false, 0))
	}
	b.fail(label, "not found")
	return nil
}

// rawSchema extracts a schema given as JSON text.
func (x *extractor) rawSchema(b *builder, label string, fl flow) *surface.Schema {
	return x.schemaFromJ(b, label, x.jvalOf(b, label, fl, true, 0))
}
