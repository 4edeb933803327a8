package jsts

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
	"github.com/mcpcert/mcpcert/internal/surface"
)

func memSource(files map[string]string) surface.Source {
	var src surface.Source
	for p, c := range files {
		if isSource(p) {
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

func mustExtract(t *testing.T, files map[string]string) *surface.Surface {
	t.Helper()
	done := make(chan struct{})
	var s *surface.Surface
	var err error
	go func() {
		defer close(done)
		s, err = Extract(context.Background(), memSource(files))
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("extraction did not finish")
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const header = `import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
const server = new McpServer({ name: "x", version: "1" });
`

// TestHostile feeds inputs built to exhaust recursion, time or memory.
func TestHostile(t *testing.T) {
	cases := map[string]string{
		"deep parens": header + `server.tool("deep", ` + strings.Repeat("(", 100000) + `"d"` + strings.Repeat(")", 100000) + `, async () => ({}));`,
		"deep arrays": header + `const D = ` + strings.Repeat("[", 50000) + strings.Repeat("]", 50000) + `;
server.tool("arrays", "ok", async () => ({}));`,
		"unbalanced":  header + `server.tool("open", "ok", async () => ({` + strings.Repeat("{[(", 20000),
		"huge string": header + `server.tool("huge", "` + strings.Repeat("A", 4<<20) + `", async () => ({}));`,
		"invalid utf8": header + "server.tool(\"bad\", \"caf\xe9 \xff\xfe\", async () => ({}));\n" +
			"const \xc3 = 1;\n",
		"doubling":      header + doubling(80) + `server.tool("double", c80, async () => ({}));`,
		"chain":         header + chain(5000) + `server.tool("chain", c4999, async () => ({}));`,
		"self":          header + `const a = b + "x"; const b = a + "y"; server.tool("self", a, async () => ({}));`,
		"deep template": header + `server.tool("tmpl", ` + strings.Repeat("`${", 5000) + `x` + strings.Repeat("}`", 5000) + `, async () => ({}));`,
		"big table": header + `const T = [` + strings.Repeat(`{ name: "t", description: "d" },`, 20000) + `];
for (const t of T) server.tool(t.name, t.description, async () => ({}));`,
		"nested loops": header + `const A = [1,2,3,4,5,6,7,8,9,10];
for (const a of A) for (const b of A) for (const c of A) for (const d of A) for (const e of A)
  server.tool("t" + a + b + c + d + e, "nested", async () => ({}));`,
		"empty inner tables": header + `const A = [` + strings.Repeat(`{ list: [] },`, 5000) + `];
for (const a of A) for (const b of A) for (const c of a.list) server.tool(c, "d", async () => ({}));`,
		"only garbage": "\x00\x01\x02}}}])))\"'`/*",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			for _, p := range []string{"a.ts", "a.js"} {
				s := mustExtract(t, map[string]string{p: src})
				for _, tl := range s.Tools {
					if tl.Pos.StartLine < 1 || tl.Name.Pos.Path != p && tl.Name.Resolution == surface.Resolved {
						t.Errorf("%s: bad position %+v / %+v", p, tl.Pos, tl.Name.Pos)
					}
				}
			}
		})
	}
}

func doubling(n int) string {
	var b strings.Builder
	b.WriteString("const c0 = \"ab\";\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "const c%d = c%d + c%d;\n", i, i-1, i-1)
	}
	return b.String()
}

func chain(n int) string {
	var b strings.Builder
	b.WriteString("const c0 = \"x\";\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "const c%d = c%d;\n", i, i-1)
	}
	return b.String()
}

// TestLimits checks the bounds on import following and unrolling, and that
// hitting one is a gap, not silence.
func TestLimits(t *testing.T) {
	t.Run("import depth", func(t *testing.T) {
		files := map[string]string{"index.ts": header + `import { D } from "./m0.js";
server.tool("deep_import", D, async () => ({}));`}
		for i := 0; i < 12; i++ {
			files[fmt.Sprintf("m%d.ts", i)] = fmt.Sprintf(`export { D } from "./m%d.js";`, i+1)
		}
		files["m12.ts"] = `export const D = "found";`
		s := mustExtract(t, files)
		if len(s.Tools) != 1 || s.Tools[0].Resolution != surface.Unresolved || !hasGap(s, "import-limit") {
			t.Errorf("tools %v gaps %v", project(s).Tools, s.Gaps)
		}
	})
	t.Run("import count", func(t *testing.T) {
		var imports, uses []string
		files := map[string]string{}
		for i := 0; i < 40; i++ {
			imports = append(imports, fmt.Sprintf(`import { N%d } from "./n%d.js";`, i, i))
			uses = append(uses, fmt.Sprintf("N%d", i))
			files[fmt.Sprintf("n%d.ts", i)] = fmt.Sprintf(`export const N%d = "n%d";`, i, i)
		}
		files["index.ts"] = strings.Join(imports, "\n") + "\n" + header +
			`server.tool("many", ` + strings.Join(uses, " + ") + `, async () => ({}));`
		s := mustExtract(t, files)
		if len(s.Tools) != 1 || s.Tools[0].Resolution != surface.Partial || !hasGap(s, "import-limit") {
			t.Errorf("tools %v gaps %v", project(s).Tools, s.Gaps)
		}
	})
	t.Run("import cycle", func(t *testing.T) {
		s := mustExtract(t, map[string]string{
			"a.ts": header + `import { B } from "./b.js"; export const A = "a" + B;
server.tool("cycle", A, async () => ({}));`,
			"b.ts": `import { A } from "./a.js"; export const B = "b" + A;`,
		})
		if len(s.Tools) != 1 {
			t.Errorf("tools %v", project(s).Tools)
		}
	})
	t.Run("unroll", func(t *testing.T) {
		s := mustExtract(t, map[string]string{"a.ts": header + `const B = [` + strings.Repeat(`"x",`, 3000) + `];
for (const b of B) server.tool(b, "d", async () => ({}));`})
		if len(s.Tools) != maxVisits-1 || !hasGap(s, "unroll-limit") {
			t.Errorf("%d tools, gaps %v", len(s.Tools), s.Gaps)
		}
	})
}

func hasGap(s *surface.Surface, kind string) bool {
	for _, g := range s.Gaps {
		if g.Kind == kind {
			return true
		}
	}
	return false
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Extract(ctx, bundleSource(genBundle(1<<20, 4)))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

// TestPositions checks that positions are Node.Start's, in the plain and
// the masked path, on a line with multi-byte characters far from its start.
func TestPositions(t *testing.T) {
	line := "const pad = \"" + strings.Repeat("é", 20000) + "\"; "
	src := header + line + `server.tool("far", "d", async () => ({}));` + "\n"
	tree, err := treesitter.Parse(context.Background(), treesitter.TypeScript, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	var wantLine, wantCol int
	tree.Root().Walk(func(n *treesitter.Node) bool {
		if n.Type() == "call_expression" && strings.HasPrefix(n.Text(), "server.tool") {
			wantLine, wantCol = n.Start()
		}
		return true
	})
	for _, maskMin := range []int{maskThreshold, 0} {
		s, err := extract(context.Background(), memSource(map[string]string{"a.ts": src}), maskMin)
		if err != nil || len(s.Tools) != 1 {
			t.Fatalf("%v %v", err, s)
		}
		if p := s.Tools[0].Pos; p.StartLine != wantLine || p.StartCol != wantCol {
			t.Errorf("mask %d: %d:%d, want %d:%d", maskMin, p.StartLine, p.StartCol, wantLine, wantCol)
		}
	}
}

// TestScan covers the lexer's traps: regex versus division, templates with
// nested substitutions, comments and strings holding brackets.
func TestScan(t *testing.T) {
	src := []byte("const re = /[}{]\\//g; const d = a / b / c;\n" +
		"const t = `x ${ `y ${ {a: 1}.a }` } }`; // server.tool( in a comment\n" +
		"const s = \"server.tool(\"; let n = 0; n += 1; const k = 1;\n" +
		"server.tool(\"real\", async () => ({}));\n")
	r := scan(src)
	if !r.balanced || len(r.spans) != 1 || r.cands != 1 {
		t.Fatalf("balanced %v spans %v cands %d", r.balanced, r.spans, r.cands)
	}
	if got := string(src[r.spans[0].start:r.spans[0].end]); got != `tool("real", async () => ({}))` {
		t.Errorf("span %q", got)
	}
	if r.assigns["n"] != 1 || r.assigns["k"] != 0 || r.assigns["re"] != 0 {
		t.Errorf("assigns %v", r.assigns)
	}
}

// TestSkipped: declaration files, tests and framework packages are not
// the server's surface.
func TestSkipped(t *testing.T) {
	s := mustExtract(t, map[string]string{
		"src/types.d.ts":          header + `server.tool("dts", "d", async () => ({}));`,
		"src/a.spec.ts":           header + `server.tool("spec", "d", async () => ({}));`,
		"src/__tests__/x.ts":      header + `server.tool("tests", "d", async () => ({}));`,
		"node_modules/x/index.js": header + `server.tool("dep", "d", async () => ({}));`,
		"src/index.ts":            header + `server.tool("real", "d", async () => ({}));`,
	})
	if len(s.Tools) != 1 || s.Tools[0].Name.Value != "real" {
		t.Errorf("tools %v", project(s).Tools)
	}
}

// FuzzExtract: any input, as TypeScript or JavaScript and through the
// masked path, must extract without panicking or hanging.
func FuzzExtract(f *testing.F) {
	_ = filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isSource(p) {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
		return nil
	})
	f.Add([]byte(header + "server.tool(`a${b}`, {x: z.string().describe(`d`)}, async ({x}) => x);"))
	f.Add([]byte("for (const t of T) s.registerTool(t.name, {description: t.d}, t.h); const T = [{name: 'n'}];"))
	f.Add([]byte(strings.Repeat("(", 1000)))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range []string{"f.ts", "f.js", "f.tsx"} {
			src := surface.Source{Files: []surface.File{{Path: p, Content: data}},
				ReadFile: func(string) ([]byte, error) { return data, nil }}
			for _, maskMin := range []int{maskThreshold, 0} {
				s, err := extract(context.Background(), src, maskMin)
				if err != nil {
					t.Fatal(err)
				}
				for _, tl := range s.Tools {
					if tl.Pos.StartLine < 1 {
						t.Fatalf("position %+v", tl.Pos)
					}
				}
			}
		}
	})
}
