package python

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
)

// pnode is a syntax node copied out of a tree-sitter tree, with the same
// methods as treesitter.Node. A file is parsed once; the nodes the
// extractor may need later are copied while its tree is open, and the tree
// is then closed, so that no C tree (about 110 bytes a node) nor the
// binding's per-tree node cache outlives the processing of its file.
//
// A node's children are copied on first use (expand). A node of a closed
// tree whose children were never copied is expanded by parsing the file
// again and copying it whole; the prepass predicts what is needed so that
// this does not happen in practice (reparses counts it).
type pnode struct {
	f      *pyfile
	parent *pnode
	kids   []*pnode
	named  *[]*pnode // named children, once asked for
	live   *treesitter.Node
	start  uint32
	end    uint32
	typ    symbol
	field  symbol // field name of the node in its parent
	// hasErr: the node or a descendant is a syntax error; then the
	// answers of Field are in f.fields.
	hasErr   bool
	isNamed  bool
	expanded bool
}

// symbol is an interned node type or field name.
type symbol uint16

// symbols holds the interned strings; the grammar has a few hundred.
var symbols struct {
	sync.Mutex
	ids   map[string]symbol
	names [1 << 16]string
	n     int
}

// intern returns the symbol of s.
func intern(s string) symbol {
	symbols.Lock()
	defer symbols.Unlock()
	if id, ok := symbols.ids[s]; ok {
		return id
	}
	if symbols.ids == nil {
		symbols.ids = map[string]symbol{"": 0}
		symbols.n = 1
	}
	if symbols.n == len(symbols.names) {
		panic("python surface: too many node types")
	}
	id := symbol(symbols.n)
	symbols.names[id] = s
	symbols.ids[s] = id
	symbols.n++
	return id
}

func (s symbol) String() string { return symbols.names[s] }

// pyfile is the source of a module and the state of its tree.
type pyfile struct {
	path  string
	src   []byte
	ctx   context.Context
	lines *treesitter.Lines // computed on first use
	root  *pnode
	tree  *treesitter.Tree // open while the file is processed
	// errs: the tree has syntax errors, so that HasError is read per node.
	errs bool
	// openNodes are the node blocks holding live handles, cleared on close.
	openNodes [][]pnode
	// syms caches intern for the strings of the open tree.
	syms map[string]symbol
	// fields are the answers of the tree's ChildByFieldName for the field
	// names the extractor uses, for a node with a syntax error inside,
	// where the first child with the field name may not be the answer.
	fields map[*pnode]map[string]*pnode
}

// reparses counts files parsed a second time because a node was needed
// that the prepass had not copied (tests check that it stays 0).
var reparses atomic.Int64

// openFile wraps a freshly parsed tree. syms may be shared by the files
// one goroutine processes.
func openFile(ctx context.Context, p string, src []byte, tree *treesitter.Tree, syms map[string]symbol) *pyfile {
	f := &pyfile{path: p, src: src, ctx: ctx, tree: tree, syms: syms}
	r := tree.Root()
	f.errs = r.HasError()
	f.root = &pnode{f: f, live: r, typ: f.sym(r.Type()), start: uint32(r.StartByte()), end: uint32(r.EndByte()), isNamed: r.IsNamed(), hasErr: f.errs}
	return f
}

func (f *pyfile) sym(s string) symbol {
	if id, ok := f.syms[s]; ok {
		return id
	}
	id := intern(s)
	if f.syms != nil {
		f.syms[s] = id
	}
	return id
}

// close drops the live handles and frees the tree.
func (f *pyfile) close() {
	if f.tree == nil {
		return
	}
	f.root.live = nil
	for _, block := range f.openNodes {
		for i := range block {
			block[i].live = nil
		}
	}
	f.openNodes = nil
	f.tree.Close()
	f.tree = nil
	f.syms = nil
}

// expand copies the children of n.
func (n *pnode) expand() {
	if n.expanded {
		return
	}
	if n.live == nil {
		n.f.reparse()
		if n.expanded {
			return
		}
		// The second parse failed (the context ended): no children.
		n.expanded = true
		return
	}
	f := n.f
	cs := n.live.Children()
	n.expanded = true
	if len(cs) == 0 {
		return
	}
	block := make([]pnode, len(cs))
	kids := make([]*pnode, len(cs))
	for i, c := range cs {
		k := &block[i]
		*k = pnode{f: f, parent: n, live: c, typ: f.sym(c.Type()), field: f.sym(n.live.FieldNameOfChild(i)),
			start: uint32(c.StartByte()), end: uint32(c.EndByte()), isNamed: c.IsNamed()}
		if f.errs {
			k.hasErr = c.HasError()
		}
		kids[i] = k
	}
	f.openNodes = append(f.openNodes, block)
	n.kids = kids
	if n.hasErr {
		answers := map[string]*pnode{}
		for _, name := range fieldNames {
			c := n.live.Field(name)
			if c == nil {
				continue
			}
			for _, k := range kids {
				if k.start == uint32(c.StartByte()) && k.end == uint32(c.EndByte()) && k.Type() == c.Type() {
					answers[name] = k
					break
				}
			}
		}
		if f.fields == nil {
			f.fields = map[*pnode]map[string]*pnode{}
		}
		f.fields[n] = answers
	}
}

// fieldNames are the field names the extractor asks for.
var fieldNames = []string{"name", "body", "function", "left", "right", "arguments", "value", "attribute", "object",
	"operator", "parameters", "type", "alias", "definition", "consequence", "condition", "superclasses", "argument",
	"type_conversion", "subscript", "subject", "module_name", "key", "format_specifier", "expression", "return_type"}

// expandAll copies the whole subtree of n.
func (n *pnode) expandAll() {
	stack := []*pnode{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		c.expand()
		stack = append(stack, c.kids...)
	}
}

// reparse parses the file again and copies every node not copied yet.
func (f *pyfile) reparse() {
	if f.tree != nil {
		return
	}
	reparses.Add(1)
	tree, err := treesitter.Parse(f.ctx, treesitter.Python, f.src)
	if err != nil {
		return
	}
	f.tree = tree
	f.syms = map[string]symbol{}
	defer f.close()
	var attach func(n *pnode, live *treesitter.Node)
	attach = func(n *pnode, live *treesitter.Node) {
		if !n.expanded {
			n.live = live
			n.expandAll()
			return
		}
		if len(n.kids) == 0 {
			return
		}
		cs := live.Children()
		for i, k := range n.kids {
			if i < len(cs) {
				attach(k, cs[i])
			}
		}
	}
	attach(f.root, tree.Root())
}

// Type is the grammar's node type.
func (n *pnode) Type() string { return n.typ.String() }

// Text is the node's source text.
func (n *pnode) Text() string { return string(n.f.src[n.start:n.end]) }

// IsNamed reports a named (not punctuation) node.
func (n *pnode) IsNamed() bool { return n.isNamed }

// HasError reports whether the node or a descendant is a syntax error.
func (n *pnode) HasError() bool { return n.hasErr }

// Field returns the first child with the given field name, or nil. As in
// tree-sitter, comments (extras) are never the value of a field, though
// FieldNameOfChild may report the field of the node they sit in; around a
// syntax error, the tree's answers were recorded (expand).
func (n *pnode) Field(name string) *pnode {
	n.expand()
	if n.hasErr {
		if answers, ok := n.f.fields[n]; ok {
			return answers[name]
		}
	}
	for _, k := range n.kids {
		if k.field.String() == name && !isExtra(k.Type()) {
			return k
		}
	}
	return nil
}

// isExtra reports the grammar's extras that are nodes.
func isExtra(typ string) bool { return typ == "comment" || typ == "line_continuation" }

// Parent returns the parent, or nil at the root.
func (n *pnode) Parent() *pnode { return n.parent }

// Children returns all children, named or not. The slice must not be
// modified.
func (n *pnode) Children() []*pnode {
	n.expand()
	return n.kids[:len(n.kids):len(n.kids)]
}

// NamedChildren returns the named children. The slice must not be modified.
func (n *pnode) NamedChildren() []*pnode {
	n.expand()
	if n.named == nil {
		named := n.kids
		for _, k := range n.kids {
			if !k.isNamed {
				named = make([]*pnode, 0, len(n.kids))
				for _, k := range n.kids {
					if k.isNamed {
						named = append(named, k)
					}
				}
				break
			}
		}
		n.named = &named
	}
	return (*n.named)[:len(*n.named):len(*n.named)]
}

// FieldNameOfChild returns the field name of the i-th child, if any.
func (n *pnode) FieldNameOfChild(i int) string {
	n.expand()
	if i < 0 || i >= len(n.kids) {
		return ""
	}
	return n.kids[i].field.String()
}

// StartByte and EndByte delimit the node in the source.
func (n *pnode) StartByte() int { return int(n.start) }
func (n *pnode) EndByte() int   { return int(n.end) }

// Start returns the 1-based line and character column of the node's start.
func (n *pnode) Start() (line, col int) { return n.f.pos(int(n.start)) }

// End returns the 1-based line and character column of the node's last
// character.
func (n *pnode) End() (line, col int) {
	end := int(n.end)
	if end > int(n.start) {
		end--
	}
	return n.f.pos(end)
}

func (f *pyfile) pos(off int) (line, col int) {
	if f.lines == nil {
		f.lines = treesitter.NewLines(f.src)
	}
	return f.lines.Pos(off)
}

// Walk calls fn for n and its descendants in preorder; returning false
// from fn skips the node's children.
func (n *pnode) Walk(fn func(*pnode) bool) {
	if !fn(n) {
		return
	}
	n.expand()
	// An explicit stack of (parent, next child) keeps deep trees off the
	// goroutine stack.
	type frame struct {
		n *pnode
		i int
	}
	stack := []frame{{n, 0}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.i >= len(top.n.kids) {
			stack = stack[:len(stack)-1]
			continue
		}
		c := top.n.kids[top.i]
		top.i++
		if fn(c) {
			c.expand()
			if len(c.kids) > 0 {
				stack = append(stack, frame{c, 0})
			}
		}
	}
}
