package jsts

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
)

func dump(n *treesitter.Node, depth int, field string, b *strings.Builder) {
	if n.Type() == "binary_expression" {
		fmt.Fprintf(b, "OP=%q\n", text(n.Field("operator")))
	}
	if !n.IsNamed() {
		return
	}
	t := n.Text()
	if len(t) > 40 {
		t = t[:40]
	}
	f := ""
	if field != "" {
		f = field + ": "
	}
	fmt.Fprintf(b, "%s%s%s %q\n", strings.Repeat("  ", depth), f, n.Type(), t)
	for i, c := range n.Children() {
		dump(c, depth+1, n.FieldNameOfChild(i), b)
	}
}

func TestDump(t *testing.T) {
	src, _ := os.ReadFile(os.Getenv("DUMP"))
	lang := treesitter.TypeScript
	if strings.HasSuffix(os.Getenv("DUMP"), ".js") {
		lang = treesitter.JavaScript
	}
	tree, _ := treesitter.Parse(context.Background(), lang, src)
	defer tree.Close()
	var b strings.Builder
	dump(tree.Root(), 0, "", &b)
	fmt.Print(b.String())
}

func TestDebugDir(t *testing.T) {
	dir := os.Getenv("DIR")
	if dir == "" {
		t.Skip()
	}
	s, err := Extract(context.Background(), workspace(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.Write(marshal(t, project(s)))
}
