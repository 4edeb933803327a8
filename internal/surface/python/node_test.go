package python

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
)

// mirrorSources are the Python sources checked by TestNodeMirror: the
// testdata and fixture workspaces, the fuzz seeds and hostile inputs, and
// the tree of MCPCERT_PY_TREE when set.
func mirrorSources(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	dirs := []string{"testdata", filepath.Join("..", "..", "..", "fixtures", "servers")}
	if d := os.Getenv("MCPCERT_PY_TREE"); d != "" {
		dirs = append(dirs, d)
	}
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".py") {
				if b, err := os.ReadFile(p); err == nil {
					out[p] = b
				}
			}
			return nil
		})
	}
	extra := []string{
		"x[a # c\n]\ny = f(a, # c\n b)\nclass A(B, # c\n metaclass=M): # c\n  '''d''' # c\n  x: int = 1 # c\n",
		"def f(:\n  pass\nif x\n  y = (1,\nz = [1, 2\n@mcp.tool(\ndef g(): return 1\n",
		"from . import (a, # c\n b)\nimport x.y as z, w\nmatch p:\n  case {'a': 1, **r} | [1, *_] if x: pass\n  case _: pass\n",
		"async def f(a, /, b=1, *args, c: int = 2, **kw) -> str:\n  async with a as (x, y), b: pass\n  try: pass\n  except* E as e: pass\n  return f'{a!r:>{b}} {c=}' rb'x' 'y'\n",
		"x = lambda a, *b: (yield a)\nprint(*a, **b)\na[1:2, ::3]\nglobal q\ndel a[0]\nassert x, 'y'\nwhile x: break\nelse: continue\n",
		"\xff\xfe@mcp.tool(description='\xc3')\ndef \xe9(): '''\xff'''\n",
		strings.Repeat("@mcp.tool(\n", 50),
		"class C[T](Base[T]):\n  type X = list[T]\n  def m[U](self) -> U: ...\n",
	}
	for i, s := range extra {
		out[fmt.Sprintf("extra%d.py", i)] = []byte(s)
	}
	return out
}

// TestNodeMirror checks that the copied nodes answer every question the
// extractor asks exactly as the tree-sitter nodes do.
func TestNodeMirror(t *testing.T) {
	for p, src := range mirrorSources(t) {
		tree, err := treesitter.Parse(context.Background(), treesitter.Python, src)
		if err != nil {
			t.Fatal(err)
		}
		tree2, err := treesitter.Parse(context.Background(), treesitter.Python, src)
		if err != nil {
			t.Fatal(err)
		}
		f := openFile(context.Background(), p, src, tree2, map[string]symbol{})
		f.root.expandAll()
		f.close()
		same := func(a *treesitter.Node, b *pnode) bool {
			if a == nil || b == nil {
				return a == nil && b == nil
			}
			return a.Type() == b.Type() && a.StartByte() == b.StartByte() && a.EndByte() == b.EndByte()
		}
		var check func(a *treesitter.Node, b *pnode, depth int)
		bad := 0
		check = func(a *treesitter.Node, b *pnode, depth int) {
			if bad > 5 {
				return
			}
			where := fmt.Sprintf("%s: %s %d-%d", p, a.Type(), a.StartByte(), a.EndByte())
			if !same(a, b) || a.IsNamed() != b.IsNamed() || a.HasError() != b.HasError() {
				t.Errorf("%s: node differs", where)
				bad++
				return
			}
			al, ac := a.Start()
			bl, bc := b.Start()
			el, ec := a.End()
			fl, fc := b.End()
			if al != bl || ac != bc || el != fl || ec != fc {
				t.Errorf("%s: position differs", where)
				bad++
			}
			if a.Text() != b.Text() {
				t.Errorf("%s: text differs", where)
				bad++
			}
			// tree-sitter finds the parent of a node by position, which for a
			// zero-width node (a missing token or an empty block, only in a
			// damaged file) may be a node that does not hold it; the copy
			// keeps the node that holds it. The extractor asks for the parent
			// of such a node only in a damaged file's x += (missing).
			if a.StartByte() < a.EndByte() && !same(a.Parent(), b.Parent()) {
				t.Errorf("%s: parent differs", where)
				bad++
			}
			for _, name := range fieldNames {
				if !same(a.Field(name), b.Field(name)) {
					t.Errorf("%s: field %s differs", where, name)
					bad++
				}
			}
			an, bn := a.NamedChildren(), b.NamedChildren()
			if len(an) != len(bn) {
				t.Errorf("%s: %d named children, copied %d", where, len(an), len(bn))
				bad++
			} else {
				for i := range an {
					if !same(an[i], bn[i]) {
						t.Errorf("%s: named child %d differs", where, i)
						bad++
					}
				}
			}
			ac2, bc2 := a.Children(), b.Children()
			if len(ac2) != len(bc2) {
				t.Errorf("%s: %d children, copied %d", where, len(ac2), len(bc2))
				bad++
				return
			}
			for i := range ac2 {
				if a.FieldNameOfChild(i) != b.FieldNameOfChild(i) {
					t.Errorf("%s: field name of child %d differs", where, i)
					bad++
				}
				check(ac2[i], bc2[i], depth+1)
			}
		}
		check(tree.Root(), f.root, 0)
		// Walk visits the same nodes in the same order, skipping alike.
		var wa, wb []string
		skip := func(typ string) bool { return typ == "string" || typ == "parameters" }
		tree.Root().Walk(func(n *treesitter.Node) bool {
			wa = append(wa, fmt.Sprintf("%s %d %d", n.Type(), n.StartByte(), n.EndByte()))
			return !skip(n.Type())
		})
		f.root.Walk(func(n *pnode) bool {
			wb = append(wb, fmt.Sprintf("%s %d %d", n.Type(), n.StartByte(), n.EndByte()))
			return !skip(n.Type())
		})
		if strings.Join(wa, "\n") != strings.Join(wb, "\n") {
			t.Errorf("%s: walks differ (%d and %d nodes)", p, len(wa), len(wb))
		}
		tree.Close()
	}
}

// TestFieldNamesListed checks that every field name the extractor asks for
// is in fieldNames, whose answers are recorded around syntax errors.
func TestFieldNamesListed(t *testing.T) {
	listed := map[string]bool{}
	for _, n := range fieldNames {
		listed[n] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\.Field\("([a-z_]+)"\)`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !listed[m[1]] {
				t.Errorf("%s asks for field %q, which fieldNames lacks", f, m[1])
			}
		}
	}
}
