package treesitter_test

import (
	"context"
	"testing"

	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
)

func TestParseAndWalk(t *testing.T) {
	src := []byte("import { McpServer } from \"@modelcontextprotocol/sdk/server/mcp.js\";\n" +
		"const s = new McpServer({ name: \"héllo\", version: \"1.0.0\" });\n" +
		"s.registerTool(\"add\", { description: `Add two numbers` }, async ({a, b}) => ({ content: [] }));\n")
	for _, lang := range []treesitter.Lang{treesitter.JavaScript, treesitter.TypeScript, treesitter.TSX} {
		tree, err := treesitter.Parse(context.Background(), lang, src)
		if err != nil {
			t.Fatal(err)
		}
		var calls []string
		tree.Root().Walk(func(n *treesitter.Node) bool {
			if n.Type() == "call_expression" {
				calls = append(calls, n.Field("function").Text())
			}
			return true
		})
		if len(calls) != 1 || calls[0] != "s.registerTool" {
			t.Errorf("lang %d: calls %v", lang, calls)
		}
		var str *treesitter.Node
		tree.Root().Walk(func(n *treesitter.Node) bool {
			if n.Type() == "string" && n.Text() == `"1.0.0"` {
				str = n
			}
			return str == nil
		})
		if str == nil {
			t.Fatal("string not found")
		}
		// Columns count characters: "é" is two bytes, one column.
		if line, col := str.Start(); line != 2 || col != 51 {
			t.Errorf("lang %d: start %d:%d", lang, line, col)
		}
		tree.Close()
	}
}

func TestPython(t *testing.T) {
	src := []byte("@mcp.tool()\ndef greet(name: str) -> str:\n    \"\"\"Greet someone.\"\"\"\n    return name\n")
	tree, err := treesitter.Parse(context.Background(), treesitter.Python, src)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	found := false
	tree.Root().Walk(func(n *treesitter.Node) bool {
		if n.Type() == "decorated_definition" {
			found = n.Field("definition").Field("name").Text() == "greet"
		}
		return true
	})
	if !found || tree.Root().HasError() {
		t.Error("decorated function not parsed")
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := make([]byte, 0, 4<<20)
	for len(big) < 4<<20 {
		big = append(big, "const x = [1, 2, 3, {a: 'b'}];\n"...)
	}
	if tree, err := treesitter.Parse(ctx, treesitter.JavaScript, big); err == nil {
		tree.Close()
		t.Error("parse of a cancelled context succeeded")
	}
}
