package capabilities

import (
	"context"
	"slices"
	"strings"

	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
	"github.com/mcpcert/mcpcert/internal/surface/python"
)

// pyWalk resolves the names of one parsed Python file.
type pyWalk struct {
	c *collector
	// binds maps a local name to the dotted name it imports:
	// import subprocess as sp → sp: "subprocess"; from os import environ
	// → environ: "os.environ"; import os.path → os: "os".
	binds map[string]string
	stars []string // modules imported with *
	paths bool     // the file imports a module with Path objects
}

// python inventories one Python file.
func (c *collector) python(ctx context.Context, src []byte) error {
	tree, err := c.parse(ctx, treesitter.Python, src)
	if tree == nil {
		return err
	}
	defer tree.Close()
	root := tree.Root()
	w := &pyWalk{c: c, binds: map[string]string{}}
	root.Walk(func(n *treesitter.Node) bool {
		switch n.Type() {
		case "import_statement", "import_from_statement":
			w.importStatement(n)
			return false
		}
		return true
	})
	root.Walk(func(n *treesitter.Node) bool {
		switch n.Type() {
		case "import_statement", "import_from_statement":
			return false
		case "identifier":
			w.ident(n)
		case "attribute":
			w.pathMethod(n)
		}
		return true
	})
	return nil
}

func (w *pyWalk) bind(local, dotted string) {
	w.binds[local] = dotted
	top, _, _ := strings.Cut(dotted, ".")
	if slices.Contains(pyPathModules, top) {
		w.paths = true
	}
}

// importStatement binds the names of import and from-import statements;
// relative imports name workspace modules, never the vocabulary's.
func (w *pyWalk) importStatement(st *treesitter.Node) {
	if st.Type() == "import_statement" {
		for i, c := range st.Children() {
			if st.FieldNameOfChild(i) != "name" {
				continue
			}
			switch c.Type() {
			case "dotted_name": // import a.b binds a
				top, _, _ := strings.Cut(c.Text(), ".")
				w.bind(top, top)
			case "aliased_import":
				if name, alias := c.Field("name"), c.Field("alias"); name != nil && alias != nil {
					w.bind(alias.Text(), name.Text())
				}
			}
		}
		return
	}
	mod := st.Field("module_name")
	if mod == nil || mod.Type() != "dotted_name" {
		return
	}
	for i, c := range st.Children() {
		switch {
		case c.Type() == "wildcard_import":
			w.stars = append(w.stars, mod.Text())
			if top, _, _ := strings.Cut(mod.Text(), "."); slices.Contains(pyPathModules, top) {
				w.paths = true
			}
		case st.FieldNameOfChild(i) != "name":
		case c.Type() == "dotted_name":
			w.bind(c.Text(), mod.Text()+"."+c.Text())
		case c.Type() == "aliased_import":
			if name, alias := c.Field("name"), c.Field("alias"); name != nil && alias != nil {
				w.bind(alias.Text(), mod.Text()+"."+name.Text())
			}
		}
	}
}

// pyDeclaring are the parents whose identifier child declares a name.
var pyDeclaring = map[string]bool{
	"function_definition": true, "class_definition": true, "parameters": true, "lambda_parameters": true,
	"default_parameter": true, "typed_parameter": true, "typed_default_parameter": true,
	"list_splat_pattern": true, "dictionary_splat_pattern": true, "keyword_argument": true,
	"global_statement": true, "nonlocal_statement": true,
}

// ident resolves a reference.
func (w *pyWalk) ident(n *treesitter.Node) {
	name := n.Text()
	parent := n.Parent()
	if parent == nil {
		return
	}
	pt := parent.Type()
	if pt == "attribute" && !same(parent.Field("object"), n) {
		return // x.name: a member, not a reference
	}
	if pyDeclaring[pt] && !(pt == "keyword_argument" && same(parent.Field("value"), n)) &&
		!((pt == "default_parameter" || pt == "typed_default_parameter") && same(parent.Field("value"), n)) {
		return
	}
	var quals []string
	if d, ok := w.binds[name]; ok {
		quals = []string{d}
	} else {
		if name == "open" {
			quals = []string{"open"}
		}
		for _, m := range w.stars {
			quals = append(quals, m+"."+name)
		}
	}
	if len(quals) == 0 {
		return
	}
	top, path, call := pyChain(n)
	for _, q := range quals {
		if len(path) > 0 {
			q += "." + strings.Join(path, ".")
		}
		api, e, ok := pyVocab.lookup(q)
		if !ok || pyShadowed(n, name) {
			continue
		}
		var a *callArgs
		if call != nil {
			a = pyArgs(call)
		}
		w.c.use(api, e, a, nodePos(top))
		return
	}
}

// pathMethod records p.read_text(), p.write_bytes(), p.open("w")… in a
// file that imports pathlib (or anyio, trio…): the receiver's type is
// unknown, so the method name and the import decide, unless the receiver
// is itself an imported name (webbrowser.open is no file).
func (w *pyWalk) pathMethod(n *treesitter.Node) {
	if !w.paths {
		return
	}
	attr, obj := n.Field("attribute"), n.Field("object")
	if attr == nil || obj == nil {
		return
	}
	e, ok := pyPathMethods[attr.Text()]
	if !ok {
		return
	}
	call := n.Parent()
	if call == nil || call.Type() != "call" || !same(call.Field("function"), n) {
		return
	}
	root := obj
	for root.Type() == "attribute" {
		if o := root.Field("object"); o != nil {
			root = o
		} else {
			break
		}
	}
	if root.Type() == "identifier" {
		if _, imported := w.binds[root.Text()]; imported {
			return
		}
	}
	w.c.use("pathlib.Path."+attr.Text(), e, pyArgs(call), nodePos(n))
}

// pyChain climbs the attribute accesses above n and returns the outermost
// node, the attribute names and the call of that node, if any.
func pyChain(n *treesitter.Node) (*treesitter.Node, []string, *treesitter.Node) {
	var path []string
	cur := n
	for depth := 0; depth < 64; depth++ {
		p := cur.Parent()
		if p == nil || p.Type() != "attribute" || !same(p.Field("object"), cur) {
			break
		}
		a := p.Field("attribute")
		if a == nil {
			break
		}
		path = append(path, a.Text())
		cur = p
	}
	if p := cur.Parent(); p != nil && p.Type() == "call" && same(p.Field("function"), cur) {
		return cur, path, p
	}
	return cur, path, nil
}

// pyArgs reads a call's arguments; a string literal without
// interpolation has its value.
func pyArgs(call *treesitter.Node) *callArgs {
	a := &callArgs{kw: map[string]arg{}}
	al := call.Field("arguments")
	if al == nil {
		return a
	}
	for _, x := range al.NamedChildren() {
		switch x.Type() {
		case "comment":
		case "keyword_argument":
			if k, v := x.Field("name"), x.Field("value"); k != nil && v != nil {
				a.kw[k.Text()] = pyArg(v)
			}
		default:
			a.pos = append(a.pos, pyArg(x))
		}
	}
	return a
}

func pyArg(n *treesitter.Node) arg {
	v := arg{text: n.Text()}
	if n.Type() != "string" {
		return v
	}
	s := strings.TrimLeft(v.text, "rRbBuU")
	if len(s) != len(strings.TrimLeft(v.text, "rRbBuUfF")) {
		return v // an f-string
	}
	for _, q := range []string{`"""`, `'''`, `"`, `'`} {
		if len(s) >= 2*len(q) && strings.HasPrefix(s, q) && strings.HasSuffix(s, q) {
			v.str, v.isStr = s[len(q):len(s)-len(q)], true
			break
		}
	}
	return v
}

// pyShadowed reports whether name at n is a parameter of an enclosing
// function or lambda, or is defined or assigned by a statement of an
// enclosing block or of the module.
func pyShadowed(n *treesitter.Node, name string) bool {
	for a, depth := n.Parent(), 0; a != nil && depth < 512; a, depth = a.Parent(), depth+1 {
		switch a.Type() {
		case "function_definition", "lambda":
			if ps := a.Field("parameters"); ps != nil {
				for _, p := range ps.NamedChildren() {
					if python.ParamName(p) == name {
						return true
					}
				}
			}
		case "block", "module":
			for _, st := range a.NamedChildren() {
				if pyDefines(st, name) {
					return true
				}
			}
		}
	}
	return false
}

// pyDefines reports whether statement st binds name (def, class, or a
// plain assignment to it).
func pyDefines(st *treesitter.Node, name string) bool {
	switch st.Type() {
	case "decorated_definition":
		if d := st.Field("definition"); d != nil {
			return pyDefines(d, name)
		}
	case "function_definition", "class_definition":
		id := st.Field("name")
		return id != nil && id.Text() == name
	case "expression_statement":
		for _, x := range st.NamedChildren() {
			if x.Type() == "assignment" {
				if l := x.Field("left"); l != nil && l.Type() == "identifier" && l.Text() == name {
					return true
				}
			}
		}
	}
	return false
}
