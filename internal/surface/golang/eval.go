package golang

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"io/fs"
	"math"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// hole stands for a runtime part of a partially resolved text.
const hole = "${…}"

// frame is where an expression is evaluated: its file, the arguments of the
// helper function being followed (if any) and the instance environment.
type frame struct {
	f       *file
	local   map[*binding]arg // parameters of a followed helper, bound to its call's arguments
	env     *env
	iota    int // value of iota in a const spec, -1 elsewhere
	depth   int
	helpers int // helper calls followed to get here
}

// env fixes parameters and loop variables for one instance of a tool table
// or of a helper reached through its call sites.
type env struct {
	vals   map[*binding]arg
	opaque map[*binding]bool // could not be expanded: keep unknown
}

// arg is the value bound to a parameter or loop variable.
type arg struct {
	expr  ast.Expr
	list  []ast.Expr // a variadic parameter bound to the remaining arguments
	fr    *frame     // where expr (or list) is evaluated
	typ   ast.Expr   // implied type of an elided composite literal
	konst constant.Value
}

func (x *extractor) base(f *file) *frame {
	return &frame{f: f, env: &env{}, iota: -1}
}

// at is a frame for another file, keeping the environment (package-level
// declarations never depend on local bindings).
func (fr *frame) at(f *file) *frame {
	return &frame{f: f, env: fr.env, iota: -1, depth: fr.depth + 1, helpers: fr.helpers}
}

func (fr *frame) deeper() *frame {
	c := *fr
	c.depth++
	return &c
}

func (fr *frame) withEnv(vals map[*binding]arg, opaque map[*binding]bool) *frame {
	c := *fr
	c.env = &env{vals: vals, opaque: opaque}
	return &c
}

// lookup returns the value bound to b, re-anchored in the current
// environment (bindings made by later expansions apply to it too).
func (fr *frame) lookup(b *binding) (arg, bool) {
	a, ok := fr.local[b]
	if !ok && fr.env != nil {
		a, ok = fr.env.vals[b]
	}
	if ok && a.fr != nil {
		c := *a.fr
		c.env = fr.env
		c.depth = fr.depth + 1
		a.fr = &c
	}
	return a, ok
}

// val is the result of evaluating an expression.
type val struct {
	c       constant.Value // set when the value is fully known
	tmpl    string         // partial strings: known parts, holes for runtime parts
	partial bool
	reason  string // why the value is not (fully) known
	origin  *origin
	runtime []runtimeUse
	// stringer: a typed constant whose type has a String or Error method,
	// which fmt calls instead of printing the constant.
	stringer bool
}

// origin is the single literal (or embedded file) a string comes from,
// used for positions.
type origin struct {
	t          *srcText
	start, end int  // the content, delimiters excluded
	delim      int  // bytes of delimiter on each side (quotes, backquotes)
	raw        bool // the content maps byte for byte to the value
}

// runtimeUse is a call to a source of run-time data (environment, clock,
// files, network) found in an expression.
type runtimeUse struct {
	what string
	pos  analysis.Position
}

func unknown(format string, args ...any) val { return val{reason: fmt.Sprintf(format, args...)} }

func (v val) str() (string, bool) {
	if v.c != nil && v.c.Kind() == constant.String {
		return constant.StringVal(v.c), true
	}
	return "", false
}

// step spends one unit of the evaluation budget.
func (x *extractor) step(fr *frame) bool {
	x.steps--
	return x.steps > 0 && fr.depth < maxDepth && x.ctx.Err() == nil
}

// budget starts the evaluation of a new declaration.
func (x *extractor) budget() { x.steps = maxSteps }

// text evaluates e as a text of the surface.
func (x *extractor) text(e ast.Expr, fr *frame) (surface.Text, val) {
	v := x.eval(e, fr)
	return x.textOf(v, e, fr), v
}

// textOf turns the value of e into a text: positioned at the literal it
// comes from, or else at e.
func (x *extractor) textOf(v val, e ast.Expr, fr *frame) surface.Text {
	t := surface.Text{Pos: x.pos(fr.f, e)}
	if o := v.origin; o != nil {
		t.Pos = o.t.position(o.start-o.delim, o.end+o.delim)
	}
	switch s, ok := v.str(); {
	case ok:
		t.Value, t.Resolution = s, surface.Resolved
	case v.c != nil:
		t.Resolution, t.Reason = surface.Unresolved, "not a string constant: "+v.c.ExactString()
	case v.partial:
		t.Value, t.Resolution, t.Reason = v.tmpl, surface.Partial, v.reason
	default:
		t.Resolution, t.Reason = surface.Unresolved, v.reason
	}
	return t
}

func (x *extractor) eval(e ast.Expr, fr *frame) val {
	if !x.step(fr) {
		return unknown("expression too complex to evaluate")
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		c := constant.MakeFromLiteral(e.Value, e.Kind, 0)
		if c.Kind() == constant.Unknown {
			return unknown("invalid literal")
		}
		v := val{c: c}
		if e.Kind == token.STRING {
			// The content maps byte for byte unless escapes (interpreted
			// strings) or carriage returns (dropped from raw strings) occur.
			raw := !strings.Contains(e.Value, "\r") && (strings.HasPrefix(e.Value, "`") || !strings.Contains(e.Value, `\`))
			v.origin = &origin{t: fr.f.srcText, start: x.offset(e.Pos()) + 1, end: x.offset(e.End()) - 1, delim: 1, raw: raw}
		}
		return v
	case *ast.ParenExpr:
		return x.eval(e.X, fr.deeper())
	case *ast.TypeAssertExpr:
		return x.eval(e.X, fr.deeper())
	case *ast.BinaryExpr:
		return x.binary(e, fr)
	case *ast.UnaryExpr:
		v := x.eval(e.X, fr.deeper())
		if e.Op == token.AND || v.c == nil {
			return v
		}
		return unaryOp(e.Op, v)
	case *ast.Ident:
		return x.evalIdent(e, fr)
	case *ast.SelectorExpr:
		return x.evalSelector(e, fr)
	case *ast.CallExpr:
		return x.evalCall(e, 0, fr)
	case *ast.IndexExpr:
		return x.evalIndex(e, fr)
	}
	return unknown("%s is not a constant", describe(e))
}

// describe names an expression in reasons.
func describe(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return describe(e.X) + "." + e.Sel.Name
	case *ast.CallExpr:
		return describe(e.Fun) + "(…)"
	case *ast.IndexExpr:
		return describe(e.X) + "[…]"
	case *ast.StarExpr:
		return "*" + describe(e.X)
	case *ast.ParenExpr:
		return describe(e.X)
	case *ast.CompositeLit:
		return "a composite literal"
	case *ast.FuncLit:
		return "a function literal"
	}
	return "an expression"
}

func (x *extractor) evalIdent(id *ast.Ident, fr *frame) val {
	if b := fr.f.uses[id]; b != nil {
		if a, ok := fr.lookup(b); ok {
			return x.evalArg(a)
		}
		switch b.kind {
		case bindParam:
			return unknown("parameter %s", b.name)
		case bindRange:
			return val{reason: fmt.Sprintf("loop variable %s over %s", b.name, describe(b.rng.X)), runtime: x.scanRuntime(b.rng.X, fr)}
		}
		return x.evalLocal(b, id.Pos(), fr)
	}
	if id.Name == "iota" && fr.iota >= 0 {
		return val{c: constant.MakeInt64(int64(fr.iota))}
	}
	return x.evalGlobal(fr.f.pkg, id.Name, fr)
}

func (x *extractor) evalArg(a arg) val {
	switch {
	case a.konst != nil:
		return val{c: a.konst}
	case a.expr == nil:
		return unknown("variadic arguments")
	}
	return x.eval(a.expr, a.fr)
}

// evalLocal evaluates a local variable at a use. Assignments in the block
// of the declaration are straight-line code and are folded in order up to
// the use; assignments in several blocks must all agree.
func (x *extractor) evalLocal(b *binding, use token.Pos, fr *frame) val {
	var cur val
	have := false
	if id, ok := b.typ.(*ast.Ident); ok && id.Name == "string" && (len(b.assigns) == 0 || b.assigns[0].pos != b.decl.Pos()) {
		cur, have = val{c: constant.MakeString("")}, true // declared without a value: the zero value
	}
	if len(b.assigns) == 0 && !have {
		return unknown("variable %s has no constant value", b.name)
	}
	if !sequential(b) {
		for _, a := range b.assigns {
			if a.op != token.DEFINE && a.op != token.ASSIGN {
				return unknown("variable %s is modified at run time", b.name)
			}
			v := x.evalAssign(a, fr)
			if have && !sameConst(cur, v) {
				return val{reason: fmt.Sprintf("variable %s is assigned different values", b.name), runtime: append(cur.runtime, v.runtime...)}
			}
			cur, have = v, true
		}
		return cur
	}
	for _, a := range b.assigns {
		if have && a.pos > use {
			break
		}
		switch a.op {
		case token.DEFINE, token.ASSIGN:
			cur = x.evalAssign(a, fr)
		case token.ADD_ASSIGN:
			cur = x.binaryVals(cur, token.ADD, x.evalAssign(a, fr))
		default:
			return unknown("variable %s is modified at run time", b.name)
		}
		have = true
	}
	return cur
}

// sequential reports whether every assignment to b is in one block.
func sequential(b *binding) bool {
	for _, a := range b.assigns {
		if a.block != b.assigns[0].block {
			return false
		}
	}
	return true
}

func (x *extractor) evalAssign(a assign, fr *frame) val {
	switch {
	case a.rhs == nil:
		return unknown("value assigned at run time")
	case a.idx >= 0:
		return x.evalTuple(a.rhs, a.idx, fr.deeper())
	}
	return x.eval(a.rhs, fr.deeper())
}

// evalTuple evaluates result idx of a multi-valued expression.
func (x *extractor) evalTuple(e ast.Expr, idx int, fr *frame) val {
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		return x.evalCall(e, idx, fr)
	case *ast.IndexExpr, *ast.TypeAssertExpr:
		if idx == 0 {
			return x.eval(e, fr)
		}
	}
	return unknown("second value of %s", describe(e))
}

func sameConst(a, b val) bool {
	return a.c != nil && b.c != nil && a.c.Kind() == b.c.Kind() && a.c.Kind() != constant.Unknown && constant.Compare(a.c, token.EQL, b.c)
}

// evalGlobal evaluates a package-level name of p. Values are memoised: they
// do not depend on where they are used.
func (x *extractor) evalGlobal(p *pkg, name string, fr *frame) val {
	if p == nil {
		return unknown("%s is not declared in the workspace", name)
	}
	x.index(p)
	if cd := p.consts[name]; cd != nil {
		return x.memoize(cd.name, func() val {
			if cd.value == nil {
				return unknown("constant %s has no value", name)
			}
			v := x.eval(cd.value, &frame{f: cd.f, env: &env{}, iota: cd.iota, depth: fr.depth + 1})
			v.stringer = hasStringMethod(p, cd.typ)
			return v
		})
	}
	if vd := p.vars[name]; vd != nil {
		return x.memoize(vd.name, func() val { return x.evalVar(vd, fr) })
	}
	switch {
	case p.funcs[name] != nil:
		return unknown("function %s", name)
	case name == "true" || name == "false":
		return val{c: constant.MakeBool(name == "true")}
	}
	return unknown("%s is not declared in the workspace", name)
}

// hasStringMethod reports whether t names a type of p with a String or
// Error method.
func hasStringMethod(p *pkg, t ast.Expr) bool {
	id, ok := t.(*ast.Ident)
	if !ok {
		return false
	}
	for _, m := range append(slices.Clone(p.methods["String"]), p.methods["Error"]...) {
		if recvName(m.decl) == id.Name {
			return true
		}
	}
	return false
}

func (x *extractor) memoize(id *ast.Ident, compute func() val) val {
	if v, ok := x.memo[id]; ok {
		return v
	}
	x.memo[id] = unknown("%s is defined in terms of itself", id.Name)
	v := compute()
	x.memo[id] = v
	return v
}

func (x *extractor) evalVar(vd *varDecl, fr *frame) val {
	p, name := vd.f.pkg, vd.name.Name
	if len(vd.embed) > 0 {
		if isSelector(vd.spec.Type, "embed", "FS", vd.f) {
			return unknown("embed.FS variable %s", name)
		}
		if len(vd.embed) != 1 {
			return unknown("variable %s embeds several files", name)
		}
		t, reason := x.embedded(vd.f.pkg.dir, vd.embed[0])
		if t == nil {
			return unknown("%s", reason)
		}
		return val{c: constant.MakeString(string(t.content)), origin: &origin{t: t, start: 0, end: len(t.content), raw: true}}
	}
	if len(p.assigned[name]) > 0 {
		return unknown("package variable %s is assigned at run time", name)
	}
	vfr := &frame{f: vd.f, env: &env{}, iota: -1, depth: fr.depth + 1}
	switch vs := vd.spec; {
	case len(vs.Values) == len(vs.Names):
		return x.eval(vs.Values[vd.index], vfr)
	case len(vs.Values) == 1:
		return x.evalTuple(vs.Values[0], vd.index, vfr)
	}
	return unknown("variable %s has no initializer", name)
}

// isSelector reports whether e is pkg.name with pkg imported from ip.
func isSelector(e ast.Expr, ip, name string, f *file) bool {
	sip, sname, _ := f.sdkRef(e)
	return sip == ip && sname == name
}

// embedded reads the file a go:embed pattern names, relative to dir.
func (x *extractor) embedded(dir, pattern string) (*srcText, string) {
	pattern = strings.TrimPrefix(pattern, "all:")
	if !fs.ValidPath(pattern) || strings.ContainsAny(pattern, `*?[\`) {
		return nil, fmt.Sprintf("go:embed pattern %q does not name one file", pattern)
	}
	p := path.Join(dir, pattern)
	if t, ok := x.texts[p]; ok {
		return t, ""
	}
	data, err := x.read(p)
	switch {
	case err != nil:
		return nil, fmt.Sprintf("embedded file %s is not in the workspace", p)
	case len(data) > maxText:
		return nil, fmt.Sprintf("embedded file %s is larger than %d bytes", p, maxText)
	}
	t := newSrcText(p, data)
	x.texts[p] = t
	return t, ""
}

// embedRead evaluates fsys.ReadFile(name) or fs.ReadFile(fsys, name) on an
// embed.FS variable: the file's content when a pattern of the variable
// covers it.
func (x *extractor) embedRead(fsys, name ast.Expr, fr *frame) (val, bool) {
	var vd *varDecl
	switch e := ast.Unparen(fsys).(type) {
	case *ast.Ident:
		if fr.f.uses[e] == nil {
			x.index(fr.f.pkg)
			vd = fr.f.pkg.vars[e.Name]
		}
	case *ast.SelectorExpr:
		if ip := fr.f.importPath(e.X); ip != "" {
			if p := x.pkgByImport(ip); p != nil {
				x.index(p)
				vd = p.vars[e.Sel.Name]
			}
		}
	}
	if vd == nil || len(vd.embed) == 0 || !isSelector(vd.spec.Type, "embed", "FS", vd.f) {
		return val{}, false
	}
	nv := x.eval(name, fr.deeper())
	n, ok := nv.str()
	if !ok {
		return val{reason: "embedded file name: " + nv.reason, runtime: nv.runtime}, true
	}
	for _, pat := range vd.embed {
		pat = strings.TrimPrefix(pat, "all:")
		for d := n; d != "." && d != "/" && d != ""; d = path.Dir(d) {
			if m, _ := path.Match(pat, d); m || d == pat {
				t, reason := x.embedded(vd.f.pkg.dir, n)
				if t == nil {
					return unknown("%s", reason), true
				}
				return val{c: constant.MakeString(string(t.content)), origin: &origin{t: t, start: 0, end: len(t.content), raw: true}}, true
			}
		}
	}
	return unknown("%s is not embedded in %s", n, vd.name.Name), true
}

func (x *extractor) evalSelector(e *ast.SelectorExpr, fr *frame) val {
	if ip := fr.f.importPath(e.X); ip != "" {
		if ip == "os" && e.Sel.Name == "Args" {
			return val{reason: "run-time value os.Args", runtime: []runtimeUse{{what: "os.Args", pos: x.pos(fr.f, e)}}}
		}
		if p := x.pkgByImport(ip); p != nil && ast.IsExported(e.Sel.Name) {
			return x.evalGlobal(p, e.Sel.Name, fr.deeper())
		}
		return unknown("%s.%s is declared outside the workspace", defaultImportName(ip), e.Sel.Name)
	}
	var out val
	n := 0
	for _, fl := range x.follow(e.X, fr) {
		fv, ok := x.field(fl, e.Sel.Name)
		if !ok {
			continue
		}
		v := x.eval(fv.e, fv.fr)
		if n > 0 && !sameConst(out, v) {
			return unknown("%s has several possible values", describe(e))
		}
		out, n = v, n+1
	}
	if n == 0 {
		xv := x.eval(e.X, fr.deeper())
		return val{reason: fmt.Sprintf("field %s of %s", e.Sel.Name, describe(e.X)), runtime: xv.runtime}
	}
	return out
}

func (x *extractor) evalIndex(e *ast.IndexExpr, fr *frame) val {
	key := x.eval(e.Index, fr.deeper())
	if key.c == nil {
		return val{reason: "index " + key.reason, runtime: key.runtime}
	}
	var out val
	n := 0
	for _, fl := range x.follow(e.X, fr) {
		el, ok := x.elementAt(fl, key.c)
		if !ok {
			continue
		}
		v := x.eval(el.e, el.fr)
		if n > 0 && !sameConst(out, v) {
			return unknown("%s has several possible values", describe(e))
		}
		out, n = v, n+1
	}
	if n == 0 {
		return unknown("element of %s", describe(e.X))
	}
	return out
}

// evalCall evaluates result idx of a call: conversions, the formatting and
// string functions we model, embedded files, and helper functions of the
// workspace. Any other call is a run-time value.
func (x *extractor) evalCall(call *ast.CallExpr, idx int, fr *frame) val {
	f := fr.f
	if x.isConversion(call.Fun, f) {
		if len(call.Args) != 1 || idx != 0 {
			return unknown("invalid conversion")
		}
		v := x.eval(call.Args[0], fr.deeper())
		if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "string" && v.c != nil && v.c.Kind() == constant.Int {
			r, exact := constant.Int64Val(v.c)
			if !exact || r < 0 || r > utf8.MaxRune {
				r = utf8.RuneError
			}
			return val{c: constant.MakeString(string(rune(r)))}
		}
		return v
	}
	ip, name, _ := f.sdkRef(call.Fun)
	if ip != "" {
		if what, ok := runtimeSource(ip, name); ok {
			return val{reason: "run-time value from " + what, runtime: []runtimeUse{{what: what, pos: x.pos(f, call)}}}
		}
	}
	switch ip + "." + name {
	case "fmt.Sprintf":
		if idx == 0 {
			return x.sprintf(call.Args, fr, false)
		}
	case "strings.TrimSpace":
		if idx == 0 && len(call.Args) == 1 {
			v := x.eval(call.Args[0], fr.deeper())
			if s, ok := v.str(); ok {
				v.c = constant.MakeString(strings.TrimSpace(s))
				if v.origin != nil {
					o := *v.origin // shared by memoised constants
					o.raw = false
					v.origin = &o
				}
			} else if v.partial {
				v.tmpl = strings.TrimSpace(v.tmpl)
			}
			return v
		}
	case "strings.Join":
		if idx == 0 && len(call.Args) == 2 {
			return x.join(call.Args[0], call.Args[1], fr)
		}
	case "io/fs.ReadFile":
		if len(call.Args) == 2 {
			if v, ok := x.embedRead(call.Args[0], call.Args[1], fr); ok {
				return tupleFirst(v, idx)
			}
		}
	}
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "ReadFile" && len(call.Args) == 1 {
		if v, ok := x.embedRead(sel.X, call.Args[0], fr); ok {
			return tupleFirst(v, idx)
		}
	}
	if fn, hfr := x.callee(call, fr); fn != nil {
		return x.evalHelper(fn, hfr, idx)
	}
	return val{reason: "computed at run time by " + describe(call.Fun), runtime: x.scanRuntime(call, fr)}
}

func tupleFirst(v val, idx int) val {
	if idx == 0 {
		return v
	}
	return unknown("error result")
}

// evalHelper evaluates result idx of a workspace function through its
// return statements, which must all agree.
func (x *extractor) evalHelper(fn *funcRef, hfr *frame, idx int) val {
	var out val
	n := 0
	for _, ret := range returns(fn) {
		var v val
		switch {
		case len(ret.Results) > idx && (len(ret.Results) > 1 || idx == 0):
			v = x.eval(ret.Results[idx], hfr)
		case len(ret.Results) == 1:
			v = x.evalTuple(ret.Results[0], idx, hfr)
		default:
			continue
		}
		if n > 0 && !sameConst(out, v) {
			return unknown("%s returns different values", funcName(fn))
		}
		out, n = v, n+1
	}
	if n == 0 {
		return unknown("%s has no return value", funcName(fn))
	}
	return out
}

func funcName(fn *funcRef) string {
	if fn.decl != nil {
		return fn.decl.Name.Name
	}
	return "function literal"
}

// returns lists the return statements of fn (not of nested literals).
func returns(fn *funcRef) []*ast.ReturnStmt {
	var out []*ast.ReturnStmt
	if fn.body() == nil {
		return nil
	}
	ast.Inspect(fn.body(), func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			out = append(out, n)
		}
		return true
	})
	return out
}

// builtinTypes are the predeclared types a conversion may name.
var builtinTypes = map[string]bool{
	"string": true, "bool": true, "byte": true, "rune": true, "any": true,
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"float32": true, "float64": true,
}

// isConversion reports whether fun denotes a type, making the call a
// conversion that keeps the constant.
func (x *extractor) isConversion(fun ast.Expr, f *file) bool {
	switch t := ast.Unparen(fun).(type) {
	case *ast.ArrayType:
		return true
	case *ast.Ident:
		if f.uses[t] != nil {
			return false
		}
		x.index(f.pkg)
		if _, ok := f.pkg.types[t.Name]; ok {
			return true
		}
		return builtinTypes[t.Name] && f.pkg.funcs[t.Name] == nil && f.pkg.vars[t.Name] == nil
	case *ast.SelectorExpr:
		ip := f.importPath(t.X)
		if ip == "" {
			return false
		}
		if ip == "encoding/json" && t.Sel.Name == "RawMessage" {
			return true
		}
		if p := x.pkgByImport(ip); p != nil {
			x.index(p)
			_, ok := p.types[t.Sel.Name]
			return ok
		}
	}
	return false
}

// runtimeFuncs are the calls whose results are chosen at run time by the
// environment, the clock, the file system or the network: metadata built
// from them can change after approval.
var runtimeFuncs = map[string]bool{
	"os.Getenv": true, "os.LookupEnv": true, "os.Environ": true, "os.ExpandEnv": true,
	"os.ReadFile": true, "os.Open": true, "os.OpenFile": true, "os.ReadDir": true, "os.Hostname": true,
	"io/ioutil.ReadFile": true, "io/ioutil.ReadDir": true,
	"time.Now": true, "time.Since": true, "time.Until": true,
	"net/http.Get": true, "net/http.Post": true, "net/http.PostForm": true, "net/http.Head": true,
	"net/http.NewRequest": true, "net/http.NewRequestWithContext": true,
}

// runtimeSource names the run-time data source a call reads, if any.
func runtimeSource(ip, name string) (string, bool) {
	switch ip {
	case "math/rand", "math/rand/v2", "crypto/rand", "flag":
	default:
		if !runtimeFuncs[ip+"."+name] {
			return "", false
		}
	}
	return defaultImportName(ip) + "." + name, true
}

// scanRuntime finds run-time data sources in an expression that could not
// be evaluated, following local variables and package variables.
func (x *extractor) scanRuntime(e ast.Node, fr *frame) []runtimeUse {
	var out []runtimeUse
	seen := map[any]bool{}
	var scan func(n ast.Node, fr *frame, depth int)
	scan = func(n ast.Node, fr *frame, depth int) {
		if n == nil || depth > 4 {
			return
		}
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if ip, name, _ := fr.f.sdkRef(n.Fun); ip != "" {
					if what, ok := runtimeSource(ip, name); ok {
						out = append(out, runtimeUse{what: what, pos: x.pos(fr.f, n)})
					}
				}
			case *ast.SelectorExpr:
				if fr.f.importPath(n.X) == "os" && n.Sel.Name == "Args" {
					out = append(out, runtimeUse{what: "os.Args", pos: x.pos(fr.f, n)})
				}
			case *ast.Ident:
				b := fr.f.uses[n]
				if b == nil {
					x.index(fr.f.pkg)
					if vd := fr.f.pkg.vars[n.Name]; vd != nil && !seen[vd] {
						seen[vd] = true
						for _, v := range vd.spec.Values {
							scan(v, fr.at(vd.f), depth+1)
						}
					}
					return true
				}
				if seen[b] {
					return true
				}
				seen[b] = true
				if a, ok := fr.lookup(b); ok {
					if a.expr != nil {
						scan(a.expr, a.fr, depth+1)
					}
					return true
				}
				for _, as := range b.assigns {
					if as.rhs != nil {
						scan(as.rhs, fr, depth+1)
					}
				}
			}
			return true
		})
	}
	scan(e, fr, 0)
	return out
}

func (x *extractor) binary(e *ast.BinaryExpr, fr *frame) val {
	return x.binaryVals(x.eval(e.X, fr.deeper()), e.Op, x.eval(e.Y, fr.deeper()))
}

// binaryVals applies op. A concatenation with a runtime operand gives a
// partial text; everything else needs constants of matching kinds (go/constant
// panics on mismatched operands).
func (x *extractor) binaryVals(l val, op token.Token, r val) val {
	rt := append(append([]runtimeUse(nil), l.runtime...), r.runtime...)
	if l.c != nil && r.c != nil {
		v := constOp(l.c, op, r.c)
		v.runtime = rt
		return v
	}
	_, ls := l.str()
	_, rs := r.str()
	if op == token.ADD && (ls || rs || l.partial || r.partial) {
		part := func(v val) string {
			if s, ok := v.str(); ok {
				return s
			}
			if v.partial {
				return v.tmpl
			}
			return hole
		}
		reason := l.reason
		if reason == "" {
			reason = r.reason
		}
		t := part(l) + part(r)
		if len(t) > maxText {
			return unknown("text longer than %d bytes", maxText)
		}
		return val{tmpl: t, partial: true, reason: reason, runtime: rt}
	}
	reason := l.reason
	if l.c != nil {
		reason = r.reason
	}
	return val{reason: reason, runtime: rt}
}

func constOp(l constant.Value, op token.Token, r constant.Value) val {
	lk, rk := l.Kind(), r.Kind()
	numeric := func(k constant.Kind) bool { return k == constant.Int || k == constant.Float }
	switch {
	case lk == constant.String && rk == constant.String && op == token.ADD:
		if len(constant.StringVal(l))+len(constant.StringVal(r)) > maxText {
			return unknown("text longer than %d bytes", maxText)
		}
		return val{c: constant.BinaryOp(l, op, r)}
	case lk == rk && (op == token.EQL || op == token.NEQ) && lk != constant.Unknown && lk != constant.Complex:
		return val{c: constant.MakeBool(constant.Compare(l, op, r))}
	case lk == constant.Bool && rk == constant.Bool && (op == token.LAND || op == token.LOR):
		return val{c: constant.BinaryOp(l, op, r)}
	case numeric(lk) && numeric(rk):
		switch op {
		case token.LSS, token.LEQ, token.GTR, token.GEQ:
			return val{c: constant.MakeBool(constant.Compare(l, op, r))}
		case token.SHL, token.SHR:
			s, ok := constant.Uint64Val(constant.ToInt(r))
			if lk != constant.Int || !ok || s > 512 {
				return unknown("shift out of range")
			}
			return boundedNum(constant.Shift(l, op, uint(s)))
		case token.QUO, token.REM:
			if constant.Sign(r) == 0 {
				return unknown("division by zero")
			}
			if lk == constant.Int && rk == constant.Int {
				if op == token.QUO {
					op = token.QUO_ASSIGN // integer division
				}
				return boundedNum(constant.BinaryOp(l, op, r))
			}
			if op == token.REM {
				return unknown("invalid operation")
			}
			return boundedNum(constant.BinaryOp(l, op, r))
		case token.ADD, token.SUB, token.MUL:
			return boundedNum(constant.BinaryOp(l, op, r))
		case token.AND, token.OR, token.XOR, token.AND_NOT:
			if lk == constant.Int && rk == constant.Int {
				return boundedNum(constant.BinaryOp(l, op, r))
			}
		}
	}
	return unknown("invalid constant operation %s", op)
}

// boundedNum keeps numbers small enough that repeated operations cannot
// exhaust memory.
func boundedNum(c constant.Value) val {
	switch c.Kind() {
	case constant.Int:
		if constant.BitLen(c) > 4096 {
			return unknown("constant too large")
		}
	case constant.Float:
		f, _ := constant.Float64Val(c)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return unknown("constant too large")
		}
		c = constant.MakeFloat64(f)
	}
	return val{c: c}
}

func unaryOp(op token.Token, v val) val {
	k := v.c.Kind()
	switch {
	case (op == token.SUB || op == token.ADD) && (k == constant.Int || k == constant.Float):
	case op == token.NOT && k == constant.Bool:
	case op == token.XOR && k == constant.Int:
	default:
		return unknown("invalid constant operation %s", op)
	}
	out := boundedNum(constant.UnaryOp(op, v.c, 0))
	out.runtime = v.runtime
	return out
}

// sprintf evaluates fmt.Sprintf (or fmt.Errorf's message). With constant
// arguments the result is exact; runtime arguments become holes.
func (x *extractor) sprintf(args []ast.Expr, fr *frame, errorf bool) val {
	if len(args) == 0 {
		return unknown("format missing")
	}
	fv := x.eval(args[0], fr.deeper())
	format, ok := fv.str()
	if !ok {
		return val{reason: "format is not a constant: " + fv.reason, runtime: fv.runtime}
	}
	vals := make([]val, len(args)-1)
	var goVals []any
	var rt []runtimeUse
	reason := ""
	size := len(format)
	stringer := false
	for i, a := range args[1:] {
		vals[i] = x.eval(a, fr.deeper())
		rt = append(rt, vals[i].runtime...)
		stringer = stringer || vals[i].stringer
		if vals[i].c == nil {
			if reason == "" {
				reason = "formatted argument: " + vals[i].reason
			}
			continue
		}
		if s, ok := vals[i].str(); ok {
			size += len(s)
		}
		goVals = append(goVals, goValue(vals[i].c))
	}
	verbs := strings.Count(format, "%")
	if !safeFormat(format) || size+verbs*1000 > 4*maxText {
		return unknown("format too large to evaluate")
	}
	if len(goVals) == len(vals) && !stringer && !(errorf && strings.Contains(format, "%w")) {
		s := fmt.Sprintf(format, goVals...)
		if len(s) > maxText {
			return unknown("text longer than %d bytes", maxText)
		}
		return val{c: constant.MakeString(s), runtime: rt}
	}
	var b strings.Builder
	ai := 0
	for i := 0; i < len(format); {
		if format[i] != '%' {
			b.WriteByte(format[i])
			i++
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			b.WriteString("%!(NOVERB)")
			break
		}
		if format[j] == '*' || format[j] == '[' {
			return val{reason: "format uses * or argument indexes with run-time arguments", runtime: rt}
		}
		verb, n := utf8.DecodeRuneInString(format[j:])
		spec := format[i:j]
		i = j + n
		switch {
		case verb == '%':
			b.WriteByte('%')
		case ai >= len(vals):
			b.WriteString("%!" + string(verb) + "(MISSING)")
		case vals[ai].c == nil:
			b.WriteString(hole)
			ai++
		case vals[ai].stringer && strings.ContainsRune("svq", verb):
			b.WriteString(hole)
			if reason == "" {
				reason = "formatted argument: printed by its String method"
			}
			ai++
		default:
			if errorf && verb == 'w' {
				verb = 'v'
			}
			fmt.Fprintf(&b, spec+string(verb), goValue(vals[ai].c))
			ai++
		}
	}
	if reason == "" {
		return val{c: constant.MakeString(b.String()), runtime: rt}
	}
	return val{tmpl: b.String(), partial: true, reason: reason, runtime: rt}
}

// safeFormat rejects widths and precisions that would build huge strings:
// more than three digits, or taken from an argument with *.
func safeFormat(format string) bool {
	digits := func(i int) (int, bool) {
		n := 0
		for i < len(format) && format[i] >= '0' && format[i] <= '9' {
			i++
			n++
		}
		return i, n <= 3
	}
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			i++
		}
		if i < len(format) && format[i] == '[' { // explicit argument index
			for i < len(format) && format[i] != ']' {
				i++
			}
			i++
		}
		ok := true
		if i, ok = digits(i); !ok {
			return false
		}
		if i < len(format) && format[i] == '.' {
			if i, ok = digits(i + 1); !ok {
				return false
			}
		}
		if i < len(format) && format[i] == '*' {
			return false
		}
	}
	return true
}

// goValue converts a constant to the Go value fmt would see.
func goValue(c constant.Value) any {
	switch c.Kind() {
	case constant.String:
		return constant.StringVal(c)
	case constant.Bool:
		return constant.BoolVal(c)
	case constant.Int:
		if v, ok := constant.Int64Val(c); ok {
			return v
		}
		return constant.Val(c)
	case constant.Float:
		f, _ := constant.Float64Val(c)
		return f
	}
	return c.String()
}

// join evaluates strings.Join over a slice literal.
func (x *extractor) join(list, sep ast.Expr, fr *frame) val {
	sv := x.eval(sep, fr.deeper())
	s, ok := sv.str()
	if !ok {
		return val{reason: "separator: " + sv.reason, runtime: sv.runtime}
	}
	elems, complete := x.elements(list, fr)
	if !complete {
		return unknown("strings.Join of a slice built at run time")
	}
	var b strings.Builder
	partial, reason := false, ""
	var rt []runtimeUse
	for i, el := range elems {
		if i > 0 {
			b.WriteString(s)
		}
		v := x.eval(el.e, el.fr)
		rt = append(rt, v.runtime...)
		if es, ok := v.str(); ok {
			b.WriteString(es)
		} else {
			partial = true
			if reason == "" {
				reason = v.reason
			}
			if v.partial {
				b.WriteString(v.tmpl)
			} else {
				b.WriteString(hole)
			}
		}
		if b.Len() > maxText {
			return unknown("text longer than %d bytes", maxText)
		}
	}
	if partial {
		return val{tmpl: b.String(), partial: true, reason: reason, runtime: rt}
	}
	return val{c: constant.MakeString(b.String()), runtime: rt}
}

// jsonValue converts a constant to a JSON value of the model.
func jsonValue(c constant.Value) (any, bool) {
	switch c.Kind() {
	case constant.String:
		return constant.StringVal(c), true
	case constant.Bool:
		return constant.BoolVal(c), true
	case constant.Int, constant.Float:
		f, _ := constant.Float64Val(constant.ToFloat(c))
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, false // not representable in JSON
		}
		return f, true
	}
	return nil, false
}
