package golang

import (
	"context"
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// memSource is a workspace held in memory.
func memSource(files map[string]string) surface.Source {
	var src surface.Source
	for p, c := range files {
		if strings.HasSuffix(p, ".go") {
			src.Files = append(src.Files, surface.File{Path: p, Content: []byte(c)})
		}
	}
	src.ReadFile = func(p string) ([]byte, error) {
		if c, ok := files[p]; ok {
			return []byte(c), nil
		}
		return nil, fs.ErrNotExist
	}
	return src
}

func extractMem(t *testing.T, files map[string]string) *surface.Surface {
	t.Helper()
	s, err := Extract(context.Background(), memSource(files))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func toolNamed(t *testing.T, s *surface.Surface, name string) *surface.Tool {
	t.Helper()
	for _, tl := range s.Tools {
		if tl.Name.Value == name {
			return tl
		}
	}
	t.Fatalf("no tool %q among %d", name, len(s.Tools))
	return nil
}

func checkPos(t *testing.T, what string, got analysis.Position, path string, line, col int) {
	t.Helper()
	if got.Path != path || got.StartLine != line || got.StartCol != col {
		t.Errorf("%s at %s:%d:%d, want %s:%d:%d", what, got.Path, got.StartLine, got.StartCol, path, line, col)
	}
}

// Positions point at the literal a text comes from, with columns counted
// in characters; inside a raw JSON schema, at the JSON string itself.
func TestPositions(t *testing.T) {
	const main = "package main\n" + // 1
		"\n" + // 2
		"import (\n" + // 3
		"\t\"encoding/json\"\n" + // 4
		"\t\"github.com/mark3labs/mcp-go/mcp\"\n" + // 5
		"\t\"github.com/modelcontextprotocol/go-sdk/mcp\" // unused here\n" + // 6
		")\n" + // 7
		"\n" + // 8
		"//go:embed doc.md\n" + // 9
		"var doc string\n" + // 10
		"\n" + // 11
		"var t = mcp.NewTool(\"ünïcode\", /* é */ mcp.WithDescription(\"ß desc\"),\n" + // 12
		"\tmcp.WithRawInputSchema(json.RawMessage(`{\"properties\": {\n" + // 13
		"\t\t\"ä\": {\"description\": \"in json\"}}}`)))\n" + // 14
		"\n" + // 15
		"var u = mcp.NewTool(\"embedded\", mcp.WithDescription(doc))\n" // 16
	s := extractMem(t, map[string]string{
		"go.mod":     "module example.com/p\n",
		"srv/p.go":   strings.Replace(main, "\t\"github.com/modelcontextprotocol/go-sdk/mcp\" // unused here\n", "", 1),
		"srv/doc.md": "Embedded description.\n",
	})
	tl := toolNamed(t, s, "ünïcode")
	// Line 12 (11 after removing line 6): `var t = mcp.NewTool(` is 20 characters.
	checkPos(t, "name", tl.Name.Pos, "srv/p.go", 11, 21)
	if tl.Name.Pos.EndCol != 30 {
		t.Errorf("name ends at column %d, want 30", tl.Name.Pos.EndCol)
	}
	checkPos(t, "description", tl.Description.Pos, "srv/p.go", 11, 60)
	p := tl.InputSchema.Properties[0]
	checkPos(t, "JSON property name", p.Name.Pos, "srv/p.go", 13, 3)
	checkPos(t, "JSON description", p.Schema.Description.Pos, "srv/p.go", 13, 24)
	checkPos(t, "tool", tl.Pos, "srv/p.go", 11, 9)
	e := toolNamed(t, s, "embedded")
	checkPos(t, "embedded description", e.Description.Pos, "srv/doc.md", 1, 1)
	if e.Description.Value != "Embedded description.\n" {
		t.Errorf("embedded description %q", e.Description.Value)
	}
}

// The go-sdk description of a field is positioned at its tag value.
func TestTagPosition(t *testing.T) {
	s := extractMem(t, map[string]string{"main.go": `package main

import (
	"context"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type In struct {
	Név string ` + "`json:\"nev\" jsonschema:\"the name\"`" + `
}

func h(ctx context.Context, req *mcp.CallToolRequest, in In) (*mcp.CallToolResult, any, error) {
	return nil, nil, nil
}

func main() {
	mcp.AddTool(mcp.NewServer(nil, nil), &mcp.Tool{Name: "t"}, h)
}
`})
	p := toolNamed(t, s, "t").InputSchema.Properties[0]
	checkPos(t, "property name", p.Name.Pos, "main.go", 10, 20)
	checkPos(t, "description", p.Schema.Description.Pos, "main.go", 10, 37)
	if got := toolNamed(t, s, "t").UsedParams; len(got) != 0 {
		t.Errorf("used params %v, want none", got)
	}
}

// Constant evaluation follows Go: integer division, iota, typed string
// constants, string(rune), and sequential string building.
func TestConstants(t *testing.T) {
	s := extractMem(t, map[string]string{"main.go": `package main

import (
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
)

type Label string

const (
	a = iota * 10
	b
	c
)

const name Label = "calc"

func main() {
	d := "Divides: "
	d += fmt.Sprintf("%d/%d=%d, %v %q %5.2f%%", 7, 2, 7/2, c, string(rune(65)), 2.5)
	var suffix string
	suffix += "!"
	mcp.NewTool(string(name), mcp.WithDescription(d+suffix))
	e := "first"
	println(e)
	e = "second"
	mcp.NewTool("later", mcp.WithDescription(e))
}
`})
	tl := toolNamed(t, s, "calc")
	if want := `Divides: 7/2=3, 20 "A"  2.50%!`; tl.Description.Value != want || tl.Resolution != surface.Resolved {
		t.Errorf("description %q (%s), want %q", tl.Description.Value, tl.Resolution, want)
	}
	if d := toolNamed(t, s, "later").Description.Value; d != "second" {
		t.Errorf("description %q, want the value reaching the use", d)
	}
}

// Hostile code must neither panic nor hang: cycles, exponential constants,
// huge format widths, division by zero, recursion.
func TestHostile(t *testing.T) {
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n\t\"fmt\"\n\t\"github.com/mark3labs/mcp-go/mcp\"\n)\n\nconst c0 = \"xxxxxxxxxxxxxxxx\"\n")
	for i := 1; i <= 40; i++ {
		b.WriteString("const c" + strconv.Itoa(i) + " = c" + strconv.Itoa(i-1) + " + c" + strconv.Itoa(i-1) + "\n")
	}
	b.WriteString("const deep = `{\"properties\": {\"a\": " + strings.Repeat(`{"x": [1, `, 300) + "2" + strings.Repeat("]}", 300) + `, "b": {"description": "after"}}}` + "`\n")
	b.WriteString(`
const loopA = loopB
const loopB = loopA
const zero = 0
const big = 1 << 400
const huge = big * big * big * big * big * big * big * big * big * big * big * big

func rec(n string) string { return rec(n) }

func main() {
	mcp.NewTool("doubling", mcp.WithDescription(c40))
	mcp.NewTool("cycle", mcp.WithDescription(loopA))
	mcp.NewTool("width", mcp.WithDescription(fmt.Sprintf("%999999999d", 1)))
	mcp.NewTool("star", mcp.WithDescription(fmt.Sprintf("%*d", 999999999, 1)))
	mcp.NewTool("div", mcp.WithDescription(fmt.Sprintf("%d", 1/zero)))
	mcp.NewTool("shift", mcp.WithDescription(fmt.Sprintf("%d", 1<<huge)))
	mcp.NewTool("rec", mcp.WithDescription(rec("x")))
	mcp.NewTool("mixed", mcp.WithDescription("a"+1))
	mcp.NewTool("deep", mcp.WithDescription("ok"), mcp.WithRawInputSchema(deep))
}
`)
	start := time.Now()
	s := extractMem(t, map[string]string{"main.go": b.String()})
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("extraction took %v", d)
	}
	for name, reason := range map[string]string{
		"doubling": "text longer than",
		"cycle":    "defined in terms of itself",
		"width":    "format too large",
		"star":     "format too large",
		"div":      "division by zero",
		"shift":    "constant too large",
		"rec":      "rec",
		"mixed":    "invalid constant operation",
	} {
		tl := toolNamed(t, s, name)
		if tl.Description.Resolution == surface.Resolved || !strings.Contains(tl.Description.Reason, reason) {
			t.Errorf("%s: description %s %.40q (%s), want not resolved because %s", name, tl.Description.Resolution, tl.Description.Value, tl.Description.Reason, reason)
		}
	}
	deep := toolNamed(t, s, "deep")
	if props := deep.InputSchema.Properties; len(props) != 2 || props[1].Schema.Description.Value != "after" || deep.Resolution != surface.Unresolved {
		t.Errorf("deep JSON: %d properties, resolution %s", len(props), deep.Resolution)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Extract(ctx, loadDir(t, fixtureDir("go-mcpgo-tasks")))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
