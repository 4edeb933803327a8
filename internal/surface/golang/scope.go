package golang

import (
	"go/ast"
	"go/token"
)

// bindKind says what declared a local name.
type bindKind int

const (
	bindLocal bindKind = iota // var, :=, named result
	bindParam                 // function parameter or receiver
	bindRange                 // key or value variable of a range loop
)

// binding is a name declared inside a function. Without type information we
// resolve identifiers to bindings ourselves, following Go's block scoping,
// and remember every value assigned to each binding.
type binding struct {
	name     string
	kind     bindKind
	decl     *ast.Ident
	owner    ast.Node // parameters: the *ast.FuncDecl or *ast.FuncLit
	index    int      // parameters: position in the flattened list (-1: receiver)
	variadic bool
	typ      ast.Expr // declared type, if any
	assigns  []assign
	rng      *ast.RangeStmt // range variables: the loop
}

// assign is one assignment to a binding.
type assign struct {
	rhs   ast.Expr    // nil when the value is unknown (range with =, x++)
	idx   int         // index in a tuple-valued rhs, -1 for a single value
	op    token.Token // DEFINE, ASSIGN or an op-assignment
	block ast.Node    // the block the assignment statement is in
	pos   token.Pos
}

// resolver walks one file, maintaining the scope chain.
type resolver struct {
	f      *file
	scopes []map[string]*binding
	blocks []ast.Node
}

// resolve fills f.uses: every identifier that refers to a local binding.
// Identifiers absent from f.uses are package-level, imported or predeclared.
func (x *extractor) resolve(f *file) {
	if f.resolved {
		return
	}
	f.resolved = true
	f.uses = map[*ast.Ident]*binding{}
	f.litBind = map[*ast.FuncLit]*binding{}
	r := &resolver{f: f}
	for _, d := range f.syn.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			r.push(d.Body)
			if d.Recv != nil {
				for _, fld := range d.Recv.List {
					for _, n := range fld.Names {
						r.declare(n, &binding{kind: bindParam, owner: d, index: -1, typ: fld.Type})
					}
				}
			}
			r.funcType(d.Type, d)
			if d.Body != nil {
				r.stmts(d.Body.List)
			}
			r.pop()
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if vs, ok := s.(*ast.ValueSpec); ok {
					for _, v := range vs.Values {
						r.expr(v)
					}
				}
			}
		}
	}
}

func (r *resolver) push(block ast.Node) {
	r.scopes = append(r.scopes, map[string]*binding{})
	r.blocks = append(r.blocks, block)
}

func (r *resolver) pop() {
	r.scopes = r.scopes[:len(r.scopes)-1]
	r.blocks = r.blocks[:len(r.blocks)-1]
}

func (r *resolver) block() ast.Node { return r.blocks[len(r.blocks)-1] }

func (r *resolver) lookup(name string) *binding {
	for i := len(r.scopes) - 1; i >= 0; i-- {
		if b := r.scopes[i][name]; b != nil {
			return b
		}
	}
	return nil
}

func (r *resolver) declare(id *ast.Ident, b *binding) *binding {
	if id.Name == "_" {
		return nil
	}
	b.name, b.decl = id.Name, id
	r.scopes[len(r.scopes)-1][id.Name] = b
	r.f.uses[id] = b
	return b
}

func (r *resolver) funcType(ft *ast.FuncType, owner ast.Node) {
	idx := 0
	if ft.Params != nil {
		for _, fld := range ft.Params.List {
			_, variadic := fld.Type.(*ast.Ellipsis)
			if len(fld.Names) == 0 {
				idx++
				continue
			}
			for _, n := range fld.Names {
				r.declare(n, &binding{kind: bindParam, owner: owner, index: idx, typ: fld.Type, variadic: variadic})
				idx++
			}
		}
	}
	if ft.Results != nil {
		for _, fld := range ft.Results.List {
			for _, n := range fld.Names {
				r.declare(n, &binding{kind: bindLocal, typ: fld.Type})
			}
		}
	}
}

func (r *resolver) stmts(list []ast.Stmt) {
	for _, s := range list {
		r.stmt(s)
	}
}

func (r *resolver) blockStmt(b *ast.BlockStmt) {
	if b == nil {
		return
	}
	r.push(b)
	r.stmts(b.List)
	r.pop()
}

func (r *resolver) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.DeclStmt:
		if gd, ok := s.Decl.(*ast.GenDecl); ok {
			for _, sp := range gd.Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok {
					r.valueSpec(vs)
				}
			}
		}
	case *ast.AssignStmt:
		r.assignStmt(s)
	case *ast.RangeStmt:
		r.expr(s.X)
		r.push(s)
		if s.Tok == token.DEFINE {
			for _, e := range []ast.Expr{s.Key, s.Value} {
				if id, ok := e.(*ast.Ident); ok {
					r.declare(id, &binding{kind: bindRange, rng: s})
				}
			}
		} else {
			for _, e := range []ast.Expr{s.Key, s.Value} {
				r.unknownAssign(e, s.Pos())
			}
		}
		r.blockStmt(s.Body)
		r.pop()
	case *ast.ForStmt:
		r.push(s)
		r.optStmt(s.Init)
		r.optExpr(s.Cond)
		r.optStmt(s.Post)
		r.blockStmt(s.Body)
		r.pop()
	case *ast.IfStmt:
		r.push(s)
		r.optStmt(s.Init)
		r.expr(s.Cond)
		r.blockStmt(s.Body)
		r.optStmt(s.Else)
		r.pop()
	case *ast.SwitchStmt:
		r.push(s)
		r.optStmt(s.Init)
		r.optExpr(s.Tag)
		r.clauses(s.Body, nil)
		r.pop()
	case *ast.TypeSwitchStmt:
		r.push(s)
		r.optStmt(s.Init)
		var v *ast.Ident
		switch a := s.Assign.(type) {
		case *ast.AssignStmt:
			for _, e := range a.Rhs {
				r.expr(e)
			}
			if len(a.Lhs) == 1 {
				v, _ = a.Lhs[0].(*ast.Ident)
			}
		case *ast.ExprStmt:
			r.expr(a.X)
		}
		r.clauses(s.Body, v)
		r.pop()
	case *ast.SelectStmt:
		r.clauses(s.Body, nil)
	case *ast.BlockStmt:
		r.blockStmt(s)
	case *ast.LabeledStmt:
		r.stmt(s.Stmt)
	case *ast.ExprStmt:
		r.expr(s.X)
	case *ast.GoStmt:
		r.expr(s.Call)
	case *ast.DeferStmt:
		r.expr(s.Call)
	case *ast.ReturnStmt:
		for _, e := range s.Results {
			r.expr(e)
		}
	case *ast.IncDecStmt:
		r.expr(s.X)
		r.unknownAssign(s.X, s.Pos())
	case *ast.SendStmt:
		r.expr(s.Chan)
		r.expr(s.Value)
	}
}

func (r *resolver) optStmt(s ast.Stmt) {
	if s != nil {
		r.stmt(s)
	}
}

func (r *resolver) optExpr(e ast.Expr) {
	if e != nil {
		r.expr(e)
	}
}

// clauses walks the clauses of a switch or select; v is the variable a type
// switch declares in each clause.
func (r *resolver) clauses(body *ast.BlockStmt, v *ast.Ident) {
	if body == nil {
		return
	}
	for _, c := range body.List {
		switch c := c.(type) {
		case *ast.CaseClause:
			for _, e := range c.List {
				r.expr(e)
			}
			r.push(c)
			if v != nil {
				r.declare(&ast.Ident{NamePos: v.NamePos, Name: v.Name}, &binding{kind: bindLocal})
			}
			r.stmts(c.Body)
			r.pop()
		case *ast.CommClause:
			r.push(c)
			r.optStmt(c.Comm)
			r.stmts(c.Body)
			r.pop()
		}
	}
}

func (r *resolver) valueSpec(vs *ast.ValueSpec) {
	for _, v := range vs.Values {
		r.expr(v)
	}
	for i, n := range vs.Names {
		b := r.declare(n, &binding{kind: bindLocal, typ: vs.Type})
		if b == nil {
			continue
		}
		switch {
		case len(vs.Values) == len(vs.Names):
			r.record(b, assign{rhs: vs.Values[i], idx: -1, op: token.DEFINE, pos: n.Pos()})
		case len(vs.Values) == 1:
			r.record(b, assign{rhs: vs.Values[0], idx: i, op: token.DEFINE, pos: n.Pos()})
		}
	}
}

func (r *resolver) record(b *binding, a assign) {
	a.block = r.block()
	b.assigns = append(b.assigns, a)
	if lit, ok := a.rhs.(*ast.FuncLit); ok && a.idx < 0 {
		r.f.litBind[lit] = b
	}
}

func (r *resolver) assignStmt(s *ast.AssignStmt) {
	for _, e := range s.Rhs {
		r.expr(e)
	}
	for i, lhs := range s.Lhs {
		a := assign{idx: -1, op: s.Tok, pos: lhs.Pos()}
		switch {
		case len(s.Rhs) == len(s.Lhs):
			a.rhs = s.Rhs[i]
		case len(s.Rhs) == 1:
			a.rhs, a.idx = s.Rhs[0], i
		}
		id, ok := lhs.(*ast.Ident)
		if !ok {
			r.expr(lhs)
			continue
		}
		var b *binding
		if s.Tok == token.DEFINE {
			if b = r.scopes[len(r.scopes)-1][id.Name]; b == nil {
				b = r.declare(id, &binding{kind: bindLocal})
			} else {
				r.f.uses[id] = b
			}
		} else if b = r.lookup(id.Name); b != nil {
			r.f.uses[id] = b
		} else if id.Name != "_" {
			r.f.pkg.assigned[id.Name] = append(r.f.pkg.assigned[id.Name], assignRef{f: r.f, a: a})
		}
		if b != nil {
			r.record(b, a)
		}
	}
}

// unknownAssign records that e (if a local variable) gets a value we do not
// model, so that it is never taken for a constant.
func (r *resolver) unknownAssign(e ast.Expr, pos token.Pos) {
	if e == nil {
		return
	}
	r.expr(e)
	if id, ok := e.(*ast.Ident); ok {
		if b := r.lookup(id.Name); b != nil {
			r.record(b, assign{idx: -1, op: token.ILLEGAL, pos: pos})
		} else if id.Name != "_" {
			r.f.pkg.assigned[id.Name] = append(r.f.pkg.assigned[id.Name], assignRef{f: r.f, a: assign{idx: -1, op: token.ILLEGAL, pos: pos}})
		}
	}
}

// expr records the uses in an expression. Type expressions are skipped: a
// local name never denotes a value there.
func (r *resolver) expr(e ast.Expr) {
	switch e := e.(type) {
	case *ast.Ident:
		if b := r.lookup(e.Name); b != nil {
			r.f.uses[e] = b
		}
	case *ast.FuncLit:
		r.push(e.Body)
		r.funcType(e.Type, e)
		if e.Body != nil {
			r.stmts(e.Body.List)
		}
		r.pop()
	case *ast.CompositeLit:
		for _, el := range e.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if _, isIdent := kv.Key.(*ast.Ident); !isIdent {
					r.expr(kv.Key)
				}
				r.expr(kv.Value)
				continue
			}
			r.expr(el)
		}
	case *ast.SelectorExpr:
		r.expr(e.X)
	case *ast.CallExpr:
		r.expr(e.Fun)
		for _, a := range e.Args {
			r.expr(a)
			// f(&v) may set v: its value then comes from the call.
			if u, ok := a.(*ast.UnaryExpr); ok && u.Op == token.AND {
				if id, ok := u.X.(*ast.Ident); ok {
					if b := r.lookup(id.Name); b != nil {
						r.record(b, assign{rhs: e, idx: -1, op: token.ILLEGAL, pos: e.Pos()})
					}
				}
			}
		}
	case *ast.IndexExpr:
		r.expr(e.X)
		r.expr(e.Index)
	case *ast.IndexListExpr:
		r.expr(e.X)
	case *ast.SliceExpr:
		r.expr(e.X)
		r.optExpr(e.Low)
		r.optExpr(e.High)
		r.optExpr(e.Max)
	case *ast.TypeAssertExpr:
		r.expr(e.X)
	case *ast.StarExpr:
		r.expr(e.X)
	case *ast.UnaryExpr:
		r.expr(e.X)
	case *ast.BinaryExpr:
		r.expr(e.X)
		r.expr(e.Y)
	case *ast.ParenExpr:
		r.expr(e.X)
	case *ast.KeyValueExpr:
		r.expr(e.Key)
		r.expr(e.Value)
	}
}
