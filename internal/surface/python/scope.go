package python

import (
	"path"
	"strings"
)

type bindKind int

const (
	bAssign bindKind = iota // name = value
	bAug                    // name += value
	bMutate                 // name.append(v) / name.extend(vs) / name.insert(i, v)
	bDef                    // def name
	bClass                  // class name
	bImport                 // import … / from … import …
	bParam                  // a parameter of the function
	bOpaque                 // a for/with/except target, walrus, or anything not folded
)

// binding is one statement that binds a name in a scope.
type binding struct {
	kind bindKind
	node *pnode // value, def, class, parameter or import statement
	elem int    // for a, b = x, y: the index into the right-hand side; -1 otherwise
	// import: the module, its relative level, and the imported name ("" when
	// the module itself is bound).
	mod   string
	level int
	attr  string
	// bMutate: append, extend or insert.
	method string
}

// scope is the bindings of a module or of one function body, in source
// order. Nested functions and classes are scopes of their own.
type scope struct {
	m     *module
	fn    *pnode // the function_definition; nil for the module
	binds map[string][]binding
	stars []binding // from x import *
}

// indexScope indexes the bindings of body (a module or a function_definition).
func (x *extractor) indexScope(m *module, body *pnode, fn *pnode) *scope {
	sc := &scope{m: m, fn: fn, binds: map[string][]binding{}}
	if fn != nil {
		if ps := fn.Field("parameters"); ps != nil {
			for _, p := range ps.NamedChildren() {
				if name := ParamName(p); name != "" {
					sc.add(name, binding{kind: bParam, node: p, elem: -1})
				}
			}
		}
		body = fn.Field("body")
	}
	if body != nil {
		x.indexBlock(sc, body, 0)
	}
	return sc
}

// funcScope returns the (cached) scope of a function_definition.
func (x *extractor) funcScope(m *module, fn *pnode) *scope {
	k := keyOf(m, fn)
	if sc, ok := x.scopes[k]; ok {
		return sc
	}
	sc := x.indexScope(m, nil, fn)
	x.scopes[k] = sc
	return sc
}

func (sc *scope) add(name string, b binding) {
	sc.binds[name] = append(sc.binds[name], b)
}

// indexBlock records the bindings of the statements of a block, descending
// into compound statements but not into nested functions or classes.
func (x *extractor) indexBlock(sc *scope, block *pnode, depth int) {
	if depth > maxDepth || !x.alive() {
		return
	}
	for _, st := range block.NamedChildren() {
		switch st.Type() {
		case "expression_statement":
			for _, c := range st.NamedChildren() {
				x.indexExpr(sc, c)
			}
		case "function_definition":
			if n := st.Field("name"); n != nil {
				sc.add(n.Text(), binding{kind: bDef, node: st, elem: -1})
			}
		case "class_definition":
			if n := st.Field("name"); n != nil {
				sc.add(n.Text(), binding{kind: bClass, node: st, elem: -1})
			}
		case "decorated_definition":
			if d := st.Field("definition"); d != nil {
				if n := d.Field("name"); n != nil {
					k := bDef
					if d.Type() == "class_definition" {
						k = bClass
					}
					sc.add(n.Text(), binding{kind: k, node: d, elem: -1})
				}
			}
		case "import_statement", "import_from_statement", "future_import_statement":
			indexImport(sc, st)
		case "for_statement":
			opaqueTargets(sc, st.Field("left"))
			x.indexChildren(sc, st, depth)
		case "with_statement":
			// with open(p) as f binds f to what open(p) returns, which is
			// what __enter__ returns for files; other targets are opaque.
			st.Walk(func(n *pnode) bool {
				if n.Type() != "as_pattern" {
					return n.Type() != "block"
				}
				alias := n.Field("alias")
				cs := namedNoComments(n)
				if t := namedNoComments(alias); alias != nil && len(cs) > 0 && len(t) == 1 && t[0].Type() == "identifier" {
					sc.add(t[0].Text(), binding{kind: bAssign, node: cs[0], elem: -1})
				} else {
					opaqueTargets(sc, alias)
				}
				return false
			})
			x.indexChildren(sc, st, depth)
		case "if_statement", "try_statement", "while_statement", "match_statement", "case_clause":
			x.indexChildren(sc, st, depth)
		}
	}
}

// indexChildren indexes the blocks of a compound statement (bodies, elif,
// else, except, finally and case clauses).
func (x *extractor) indexChildren(sc *scope, st *pnode, depth int) {
	for _, c := range st.NamedChildren() {
		switch c.Type() {
		case "block":
			x.indexBlock(sc, c, depth+1)
		case "elif_clause", "else_clause", "except_clause", "except_group_clause", "finally_clause", "case_clause":
			if c.Type() == "except_clause" {
				for _, e := range c.NamedChildren() {
					if e.Type() == "as_pattern" {
						opaqueTargets(sc, e.Field("alias"))
					}
				}
			}
			x.indexChildren(sc, c, depth+1)
		}
	}
}

// indexExpr records the binding made by an expression statement.
func (x *extractor) indexExpr(sc *scope, n *pnode) {
	switch n.Type() {
	case "assignment":
		right := n.Field("right")
		// a = b = value binds every target to the innermost value.
		targets := []*pnode{n.Field("left")}
		for right != nil && right.Type() == "assignment" {
			targets = append(targets, right.Field("left"))
			right = right.Field("right")
		}
		if right == nil { // an annotation without a value binds nothing
			return
		}
		for _, t := range targets {
			bindTarget(sc, t, right)
		}
	case "augmented_assignment":
		left, right := n.Field("left"), n.Field("right")
		if left == nil || left.Type() != "identifier" || right == nil {
			return
		}
		k := bOpaque
		if op := n.Field("operator"); op != nil && op.Text() == "+=" {
			k = bAug
		}
		sc.add(left.Text(), binding{kind: k, node: right, elem: -1})
	case "call":
		fn := n.Field("function")
		if fn == nil || fn.Type() != "attribute" {
			return
		}
		obj, attr := fn.Field("object"), fn.Field("attribute")
		if obj == nil || attr == nil || obj.Type() != "identifier" {
			return
		}
		switch attr.Text() {
		case "append", "extend", "insert":
			sc.add(obj.Text(), binding{kind: bMutate, node: n, elem: -1, method: attr.Text()})
		}
	}
}

// bindTarget binds the names of an assignment target to value.
func bindTarget(sc *scope, t, value *pnode) {
	if t == nil {
		return
	}
	switch t.Type() {
	case "identifier":
		sc.add(t.Text(), binding{kind: bAssign, node: value, elem: -1})
	case "pattern_list", "tuple_pattern", "list_pattern", "tuple", "list":
		elems := namedNoComments(t)
		var vals []*pnode
		if value.Type() == "tuple" || value.Type() == "list" || value.Type() == "expression_list" {
			vals = namedNoComments(value)
		}
		for i, e := range elems {
			if e.Type() == "identifier" && len(vals) == len(elems) {
				sc.add(e.Text(), binding{kind: bAssign, node: value, elem: i})
				continue
			}
			opaqueTargets(sc, e)
		}
	}
}

// opaqueTargets binds every identifier of a target to an unknown value.
func opaqueTargets(sc *scope, t *pnode) {
	if t == nil {
		return
	}
	t.Walk(func(n *pnode) bool {
		if n.Type() == "identifier" {
			sc.add(n.Text(), binding{kind: bOpaque, node: n, elem: -1})
		}
		return n.Type() != "attribute" && n.Type() != "subscript"
	})
}

func indexImport(sc *scope, st *pnode) {
	if st.Type() == "future_import_statement" {
		return
	}
	if st.Type() == "import_statement" {
		for i, c := range st.Children() {
			if st.FieldNameOfChild(i) != "name" {
				continue
			}
			switch c.Type() {
			case "dotted_name": // import a.b.c binds a to the package a
				full := c.Text()
				top, _, _ := strings.Cut(full, ".")
				sc.add(top, binding{kind: bImport, node: st, elem: -1, mod: top})
			case "aliased_import":
				name, alias := c.Field("name"), c.Field("alias")
				if name != nil && alias != nil {
					sc.add(alias.Text(), binding{kind: bImport, node: st, elem: -1, mod: name.Text()})
				}
			}
		}
		return
	}
	modNode := st.Field("module_name")
	if modNode == nil {
		return
	}
	mod, level := modNode.Text(), 0
	if modNode.Type() == "relative_import" {
		mod = ""
		for _, c := range modNode.NamedChildren() {
			switch c.Type() {
			case "import_prefix":
				level = len(strings.TrimSpace(c.Text()))
			case "dotted_name":
				mod = c.Text()
			}
		}
	}
	for i, c := range st.Children() {
		switch {
		case c.Type() == "wildcard_import":
			sc.stars = append(sc.stars, binding{kind: bImport, node: st, elem: -1, mod: mod, level: level})
		case st.FieldNameOfChild(i) != "name":
		case c.Type() == "dotted_name":
			sc.add(c.Text(), binding{kind: bImport, node: st, elem: -1, mod: mod, level: level, attr: c.Text()})
		case c.Type() == "aliased_import":
			name, alias := c.Field("name"), c.Field("alias")
			if name != nil && alias != nil {
				sc.add(alias.Text(), binding{kind: bImport, node: st, elem: -1, mod: mod, level: level, attr: name.Text()})
			}
		}
	}
}

// syntaxNode is what ParamName needs of a node: the extractor's cached
// nodes and tree-sitter's own both have it.
type syntaxNode[N any] interface {
	comparable
	Type() string
	Text() string
	Field(name string) N
	NamedChildren() []N
}

// ParamName is the name a Python parameter node binds ("" for the * and /
// markers). The capabilities analyzer uses it on tree-sitter nodes.
func ParamName[N syntaxNode[N]](p N) string {
	var none N
	switch p.Type() {
	case "identifier":
		return p.Text()
	case "default_parameter", "typed_default_parameter":
		if n := p.Field("name"); n != none {
			return n.Text()
		}
	case "typed_parameter", "list_splat_pattern", "dictionary_splat_pattern":
		for _, c := range p.NamedChildren() {
			switch c.Type() {
			case "identifier":
				return c.Text()
			case "list_splat_pattern", "dictionary_splat_pattern":
				return ParamName(c)
			}
		}
	}
	return ""
}

// namedNoComments returns the named children of n that are not comments.
func namedNoComments(n *pnode) []*pnode {
	var out []*pnode
	for _, c := range n.NamedChildren() {
		if c.Type() != "comment" {
			out = append(out, c)
		}
	}
	return out
}

// dirOf is the directory of a workspace path, "" at the root.
func dirOf(p string) string {
	d := path.Dir(p)
	if d == "." || d == "/" {
		return ""
	}
	return d
}

// joinPath joins workspace path elements, ignoring empty ones ("." is
// the root).
func joinPath(a, b string) string {
	if a == "" || a == "." {
		return b
	}
	if b == "" {
		return a
	}
	return a + "/" + b
}
