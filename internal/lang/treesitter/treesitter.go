// Package treesitter is the only package that imports the tree-sitter cgo
// binding. It parses JavaScript, TypeScript, TSX and Python and exposes a
// small Node type of its own, so that no tree-sitter type leaks into the
// extractors and the binding stays replaceable (by a pure-Go runtime, say).
package treesitter

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/javascript"
	"github.com/smacker/go-tree-sitter/python"
	"github.com/smacker/go-tree-sitter/typescript/tsx"
	"github.com/smacker/go-tree-sitter/typescript/typescript"
)

// Lang is a grammar.
type Lang int

// Grammars.
const (
	JavaScript Lang = iota
	TypeScript
	TSX
	Python
)

func (l Lang) grammar() *sitter.Language {
	switch l {
	case JavaScript:
		return javascript.GetLanguage()
	case TypeScript:
		return typescript.GetLanguage()
	case TSX:
		return tsx.GetLanguage()
	case Python:
		return python.GetLanguage()
	}
	return nil
}

// Tree is a parsed file. Its nodes are valid until Close.
type Tree struct {
	tree  *sitter.Tree
	src   []byte
	lines *Lines
}

// Parse parses src. It fails if ctx ends first; a file with syntax errors
// still parses (see Node.HasError).
func Parse(ctx context.Context, lang Lang, src []byte) (*Tree, error) {
	g := lang.grammar()
	if g == nil {
		return nil, fmt.Errorf("treesitter: unknown language %d", lang)
	}
	p := sitter.NewParser()
	defer p.Close()
	p.SetLanguage(g)
	t, err := p.ParseCtx(ctx, nil, src)
	if err != nil {
		return nil, fmt.Errorf("treesitter: %w", err)
	}
	if t == nil {
		return nil, errors.New("treesitter: parse failed")
	}
	return &Tree{tree: t, src: src, lines: NewLines(src)}, nil
}

// Close frees the tree's C memory.
func (t *Tree) Close() { t.tree.Close() }

// Root returns the root node.
func (t *Tree) Root() *Node { return t.wrap(t.tree.RootNode()) }

func (t *Tree) wrap(n *sitter.Node) *Node {
	if n == nil || n.IsNull() {
		return nil
	}
	return &Node{n: n, t: t}
}

// Node is a syntax node.
type Node struct {
	n *sitter.Node
	t *Tree
}

// Type is the grammar's node type ("call_expression", "string", …).
func (n *Node) Type() string { return n.n.Type() }

// Text is the node's source text.
func (n *Node) Text() string { return string(n.t.src[n.n.StartByte():n.n.EndByte()]) }

// IsNamed reports whether the node is a named (not punctuation) node.
func (n *Node) IsNamed() bool { return n.n.IsNamed() }

// HasError reports whether the node or a descendant is a syntax error.
func (n *Node) HasError() bool { return n.n.HasError() }

// Field returns the child with the given field name, or nil.
func (n *Node) Field(name string) *Node { return n.t.wrap(n.n.ChildByFieldName(name)) }

// Parent returns the parent, or nil at the root.
func (n *Node) Parent() *Node { return n.t.wrap(n.n.Parent()) }

// Children returns all children, named or not.
func (n *Node) Children() []*Node {
	out := make([]*Node, 0, n.n.ChildCount())
	for i := 0; i < int(n.n.ChildCount()); i++ {
		out = append(out, n.t.wrap(n.n.Child(i)))
	}
	return out
}

// NamedChildren returns the named children.
func (n *Node) NamedChildren() []*Node {
	out := make([]*Node, 0, n.n.NamedChildCount())
	for i := 0; i < int(n.n.NamedChildCount()); i++ {
		out = append(out, n.t.wrap(n.n.NamedChild(i)))
	}
	return out
}

// FieldNameOfChild returns the field name of the i-th child, if any.
func (n *Node) FieldNameOfChild(i int) string { return n.n.FieldNameForChild(i) }

// StartByte and EndByte delimit the node in the source.
func (n *Node) StartByte() int { return int(n.n.StartByte()) }
func (n *Node) EndByte() int   { return int(n.n.EndByte()) }

// Start returns the 1-based line and character column of the node's start.
func (n *Node) Start() (line, col int) { return n.t.pos(int(n.n.StartByte())) }

// End returns the 1-based line and character column of the node's last character.
func (n *Node) End() (line, col int) {
	end := int(n.n.EndByte())
	if end > int(n.n.StartByte()) {
		end--
	}
	return n.t.pos(end)
}

func (t *Tree) pos(off int) (line, col int) { return t.lines.Pos(off) }

// Lines maps byte offsets of a source to 1-based lines and character
// columns, for positions of nodes from any parser of that source.
type Lines struct {
	src    []byte
	starts []int // starts[i] is the byte offset of line i+1
}

// NewLines indexes the line starts of src.
func NewLines(src []byte) *Lines {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &Lines{src: src, starts: starts}
}

// Pos returns the 1-based line and character column of byte offset off.
func (l *Lines) Pos(off int) (line, col int) {
	lo, hi := 0, len(l.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if l.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, utf8.RuneCount(l.src[l.starts[lo]:off]) + 1
}

// Walk calls f for n and its descendants in preorder; returning false from f
// skips the node's children.
func (n *Node) Walk(f func(*Node) bool) {
	c := sitter.NewTreeCursor(n.n)
	defer c.Close()
	for {
		descend := f(n.t.wrap(c.CurrentNode()))
		if descend && c.GoToFirstChild() {
			continue
		}
		for !c.GoToNextSibling() {
			if !c.GoToParent() {
				return
			}
			if c.CurrentNode().Equal(n.n) {
				return
			}
		}
	}
}
