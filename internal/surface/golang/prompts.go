package golang

import (
	"fmt"
	"go/ast"
	"go/token"

	"github.com/mcpcert/mcpcert/internal/surface"
)

// linkPrompt remembers the handler of a prompt registered with AddPrompt:
// the texts it returns are the prompt's messages.
func (x *extractor) linkPrompt(f *file, call *ast.CallExpr) {
	x.budget()
	fr := x.base(f)
	h := x.handlerOf(call.Args[1], fr, 0)
	if h == nil {
		return
	}
	for _, fl := range x.follow(call.Args[0], fr) {
		if fl.e != nil {
			x.prompts[fl.e] = h
		}
	}
}

// optionCalls returns the SDK option calls among the variadic arguments of
// call from index i: the function name and the call.
func (x *extractor) optionCalls(b *builder, call *ast.CallExpr, i int, fr *frame, ip, what string) []flow {
	var out []flow
	for _, o := range x.variadic(b, call, i, fr, what) {
		if c, ok := o.e.(*ast.CallExpr); ok {
			if oip, _, _ := o.fr.f.sdkRef(c.Fun); oip == ip {
				out = append(out, o)
			}
		}
	}
	return out
}

func optName(o flow) string {
	_, name, _ := o.fr.f.sdkRef(o.e.(*ast.CallExpr).Fun)
	return name
}

// declaredPrompt extracts mcp.NewPrompt(…) or a Prompt literal, once per
// instance.
func (x *extractor) declaredPrompt(f *file, site ast.Expr, typ ast.Expr) {
	x.budget()
	x.truncated = false
	for _, fr := range x.expand([]ast.Expr{site}, x.base(f)) {
		x.budget()
		b := &builder{x: x}
		p := &surface.Prompt{Pos: x.pos(f, site)}
		fl := flow{e: site, fr: fr, typ: typ}
		switch v := site.(type) {
		case *ast.CallExpr:
			p.Pattern = "go:mcp-go.NewPrompt"
			if len(v.Args) == 0 {
				continue
			}
			p.Name = *b.text("name", v.Args[0], fr)
			for _, o := range x.optionCalls(b, v, 1, fr, pathMCPGo, "options") {
				c := o.e.(*ast.CallExpr)
				switch a0 := argAt(c, 0); optName(o) {
				case "WithPromptDescription":
					if a0 != nil {
						p.Description = b.text("description", a0, o.fr)
					}
				case "WithPromptTitle":
					if a0 != nil {
						p.Title = b.text("title", a0, o.fr)
					}
				case "WithArgument":
					if a0 != nil {
						p.Arguments = append(p.Arguments, x.promptArg(b, c, o.fr))
					}
				}
			}
		case *ast.CompositeLit:
			_, t := compositeOf(fl)
			ip, _, _ := f.sdkRef(t)
			p.Pattern = "go:" + sdkName(ip) + ".Prompt"
			x.litTexts(b, fl, map[string]**surface.Text{"Title": &p.Title, "Description": &p.Description})
			if nv, ok := x.field(fl, "Name"); ok {
				p.Name = *b.text("name", nv.e, nv.fr)
			}
			if av, ok := x.field(fl, "Arguments"); ok {
				els, complete := x.elements(av.e, av.fr)
				if !complete {
					b.fail("arguments", "computed at run time")
				}
				for _, el := range els {
					var pa surface.PromptArg
					x.litTexts(b, el, map[string]**surface.Text{"Description": &pa.Description})
					if nv, ok := x.field(el, "Name"); ok {
						pa.Name = *b.text("argument name", nv.e, nv.fr)
					}
					if rv, ok := x.field(el, "Required"); ok {
						pa.Required, _ = x.boolOf(rv.e, rv.fr)
					}
					p.Arguments = append(p.Arguments, pa)
				}
			}
		}
		if h := x.prompts[site]; h != nil {
			p.Messages = x.outputs(h)
		}
		b.finish(p.Name.Value, "prompt", nil, nil)
		if x.firstTime("prompt", p.Pos, p.Name, p.Description) {
			x.out.Prompts = append(x.out.Prompts, p)
		}
	}
	x.checkTruncated(f, site)
}

// promptArg extracts mcp.WithArgument(name, opts...).
func (x *extractor) promptArg(b *builder, call *ast.CallExpr, fr *frame) surface.PromptArg {
	pa := surface.PromptArg{Name: *b.text("argument name", call.Args[0], fr)}
	for _, o := range x.optionCalls(b, call, 1, fr, pathMCPGo, "argument options") {
		a0 := argAt(o.e.(*ast.CallExpr), 0)
		switch optName(o) {
		case "ArgumentDescription":
			if a0 != nil {
				pa.Description = b.text("argument description", a0, o.fr)
			}
		case "RequiredArgument":
			pa.Required = true
		}
	}
	return pa
}

// litTexts extracts the given text fields of a struct literal.
func (x *extractor) litTexts(b *builder, fl flow, fields map[string]**surface.Text) {
	for name, dst := range fields {
		if v, ok := x.field(fl, name); ok {
			*dst = b.text(lowerFirst(name), v.e, v.fr)
		}
	}
}

// declaredResource extracts mcp.NewResource, mcp.NewResourceTemplate or a
// Resource / ResourceTemplate literal, once per instance.
func (x *extractor) declaredResource(f *file, site ast.Expr, typ ast.Expr) {
	x.budget()
	x.truncated = false
	for _, fr := range x.expand([]ast.Expr{site}, x.base(f)) {
		x.budget()
		b := &builder{x: x}
		r := &surface.Resource{Pos: x.pos(f, site)}
		fl := flow{e: site, fr: fr, typ: typ}
		var mime *surface.Text
		switch v := site.(type) {
		case *ast.CallExpr:
			_, fname, _ := f.sdkRef(v.Fun)
			r.Pattern = "go:mcp-go." + fname
			if len(v.Args) < 2 {
				continue
			}
			r.URI = *b.text("uri", v.Args[0], fr)
			r.Name = *b.text("name", v.Args[1], fr)
			for _, o := range x.optionCalls(b, v, 2, fr, pathMCPGo, "options") {
				a0 := argAt(o.e.(*ast.CallExpr), 0)
				if a0 == nil {
					continue
				}
				switch optName(o) {
				case "WithResourceDescription", "WithTemplateDescription":
					r.Description = b.text("description", a0, o.fr)
				case "WithResourceTitle", "WithTemplateTitle":
					r.Title = b.text("title", a0, o.fr)
				case "WithMIMEType", "WithTemplateMIMEType":
					mime = b.text("mimeType", a0, o.fr)
				}
			}
		case *ast.CompositeLit:
			_, t := compositeOf(fl)
			ip, tname, _ := f.sdkRef(t)
			r.Pattern = "go:" + sdkName(ip) + "." + tname
			x.litTexts(b, fl, map[string]**surface.Text{"Title": &r.Title, "Description": &r.Description, "MIMEType": &mime})
			if nv, ok := x.field(fl, "Name"); ok {
				r.Name = *b.text("name", nv.e, nv.fr)
			}
			for _, uf := range []string{"URI", "URITemplate"} {
				if uv, ok := x.field(fl, uf); ok {
					r.URI = *b.text("uri", uv.e, uv.fr)
				}
			}
		}
		if mime != nil && mime.Resolution == surface.Resolved {
			r.MimeType = mime.Value
		}
		b.finish(r.Name.Value, "resource", nil, nil)
		if x.firstTime("resource", r.Pos, r.URI, r.Description) {
			x.out.Resources = append(x.out.Resources, r)
		}
	}
	x.checkTruncated(f, site)
}

// instructions extracts the server instructions.
func (x *extractor) instructions(f *file, e ast.Expr) {
	x.budget()
	x.truncated = false
	for _, fr := range x.expand([]ast.Expr{e}, x.base(f)) {
		x.budget()
		b := &builder{x: x}
		t := b.text("instructions", e, fr)
		b.finish("", "server", nil, nil)
		if x.firstTime("instructions", t.Pos, *t, nil) {
			x.out.Instructions = append(x.out.Instructions, *t)
		}
	}
	x.checkTruncated(f, e)
}

// firstTime reports whether a prompt, resource or instruction text was not
// extracted yet.
func (x *extractor) firstTime(kind string, pos any, name surface.Text, desc *surface.Text) bool {
	key := fmt.Sprintf("%s\x00%v\x00%s", kind, pos, name.Value)
	if desc != nil {
		key += "\x00" + desc.Value
	}
	if x.seen[key] {
		return false
	}
	x.seen[key] = true
	return true
}

// mutations reports the registrations that run after the server started:
// in goroutines, timers or handlers, and SetTools outside the setup code
// reachable from main and init.
func (x *extractor) mutations() {
	setup := x.setupFuncs()
	for _, r := range x.regs {
		var detail string
		if where := x.dynamicContext(r); where != "" {
			detail = fmt.Sprintf("%s called %s: the tool list can change after approval", r.name, where)
		} else if r.name == "SetTools" && !setup[enclosingDecl(r.stack)] {
			detail = "SetTools called outside the server's setup: the tool list can change after approval"
		}
		if detail != "" {
			x.out.Indicators = append(x.out.Indicators, surface.Indicator{Kind: indMutation, Detail: detail, Pos: x.pos(r.f, r.call)})
		}
	}
}

func enclosingDecl(stack []ast.Node) *ast.FuncDecl {
	for _, n := range stack {
		if d, ok := n.(*ast.FuncDecl); ok {
			return d
		}
	}
	return nil
}

// dynamicContext says where a registration runs when that is after setup.
func (x *extractor) dynamicContext(r registration) string {
	for i := len(r.stack) - 1; i >= 0; i-- {
		switch n := r.stack[i].(type) {
		case *ast.GoStmt:
			return "from a goroutine"
		case *ast.FuncLit:
			if x.handlers[n] {
				return "from a tool handler"
			}
		case *ast.FuncDecl:
			if x.handlers[n] {
				return "from a tool handler"
			}
			if x.goFuncs[n.Name.Name] {
				return "from a goroutine"
			}
		case *ast.CallExpr:
			if isSelector(n.Fun, "time", "AfterFunc", r.f) {
				return "from a timer"
			}
		case *ast.RangeStmt:
			if timerChan(n.X, r.f) {
				return "from a timer loop"
			}
		case *ast.CommClause:
			if recv := commRecv(n.Comm); recv != nil && timerChan(recv, r.f) {
				return "from a timer"
			}
		}
	}
	return ""
}

// timerChan reports whether e is a timer's channel: time.Tick(…),
// time.After(…) or x.C (a Ticker's or Timer's).
func timerChan(e ast.Expr, f *file) bool {
	switch v := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		return isSelector(v.Fun, "time", "Tick", f) || isSelector(v.Fun, "time", "After", f)
	case *ast.SelectorExpr:
		return v.Sel.Name == "C" && f.importPath(v.X) == ""
	}
	return false
}

// commRecv returns the channel a select case receives from.
func commRecv(s ast.Stmt) ast.Expr {
	var e ast.Expr
	switch s := s.(type) {
	case *ast.ExprStmt:
		e = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			e = s.Rhs[0]
		}
	}
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return u.X
	}
	return nil
}

// setupFuncs are the functions reachable from main and init through direct
// calls (not go statements).
func (x *extractor) setupFuncs() map[*ast.FuncDecl]bool {
	out := map[*ast.FuncDecl]bool{}
	var queue []*funcRef
	for _, p := range x.scanned {
		for _, f := range p.files {
			for _, d := range f.syn.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && (fd.Name.Name == "main" || fd.Name.Name == "init") {
					out[fd] = true
					queue = append(queue, &funcRef{f: f, decl: fd})
				}
			}
		}
	}
	for len(queue) > 0 && x.ctx.Err() == nil {
		fn := queue[0]
		queue = queue[1:]
		if fn.decl.Body == nil {
			continue
		}
		ast.Inspect(fn.decl.Body, func(n ast.Node) bool {
			if _, ok := n.(*ast.GoStmt); ok {
				return false
			}
			if call, ok := n.(*ast.CallExpr); ok {
				x.budget()
				if c := x.funcOf(call.Fun, x.base(fn.f)); c != nil && c.decl != nil && !out[c.decl] {
					out[c.decl] = true
					queue = append(queue, c)
				}
			}
			return true
		})
	}
	return out
}
