package capabilities

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface/golang"
)

// golang inventories one Go file with go/parser alone: no type checking,
// no build. A package name is resolved through the file's imports (named,
// dot and default), and only when the parser's object resolution left it
// unresolved, so that a local variable named os is not the os package.
// A file the parser rejects is a gap; what it did parse is still read.
func (c *collector) golang(src []byte) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, c.file, src, parser.AllErrors)
	if err != nil {
		c.gap("unparsable", "cannot parse Go file: "+firstLine(err.Error()))
	}
	if f == nil {
		return
	}
	imports := map[string]string{}
	var dots []string
	for _, im := range f.Imports {
		ip, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			continue
		}
		name := golang.DefaultImportName(ip)
		if im.Name != nil {
			name = im.Name.Name
		}
		switch name {
		case "_":
		case ".":
			dots = append(dots, ip)
		default:
			imports[name] = ip
		}
	}
	if len(imports) == 0 && len(dots) == 0 {
		return
	}
	lines := newLines(src)
	off := func(p token.Pos) int { return fset.PositionFor(p, false).Offset }
	pos := func(n ast.Node) posFunc {
		return func() analysis.Position { return lines.span(off(n.Pos()), off(n.End())) }
	}
	calls := map[ast.Expr]*ast.CallExpr{} // callee → call
	types := map[ast.Expr]bool{}          // composite literal types and new(T)
	sels := map[*ast.Ident]bool{}         // selectors' Sel, not references
	argsOf := func(call *ast.CallExpr) *callArgs {
		a := &callArgs{}
		for _, x := range call.Args {
			v := arg{text: string(src[off(x.Pos()):off(x.End())])}
			if bl, ok := x.(*ast.BasicLit); ok && bl.Kind == token.STRING {
				v.str, _ = strconv.Unquote(bl.Value)
				v.isStr = true
			}
			a.pos = append(a.pos, v)
		}
		return a
	}
	resolve := func(q string, n ast.Expr) {
		api, e, ok := goVocab.lookup(q)
		if !ok || (e.typ && !types[n]) {
			return
		}
		var a *callArgs
		if call := calls[n]; call != nil && e.mode != nil {
			a = argsOf(call)
		}
		c.use(api, e, a, pos(n))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.ImportSpec:
			return false
		case *ast.CallExpr:
			calls[ast.Unparen(x.Fun)] = x
			if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "new" && id.Obj == nil && len(x.Args) == 1 {
				types[ast.Unparen(x.Args[0])] = true
			}
		case *ast.CompositeLit:
			if x.Type != nil {
				types[ast.Unparen(x.Type)] = true
			}
		case *ast.SelectorExpr:
			sels[x.Sel] = true
			if id, ok := x.X.(*ast.Ident); ok && id.Obj == nil {
				if ip, ok := imports[id.Name]; ok {
					resolve(ip+"."+x.Sel.Name, x)
				}
			}
		case *ast.Ident:
			if !sels[x] && x.Obj == nil {
				for _, ip := range dots {
					resolve(ip+"."+x.Name, x)
				}
			}
		}
		return true
	})
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
