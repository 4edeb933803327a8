package python

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/internal/surface"
)

// BenchmarkExtractTree extracts a whole tree of Python files: the directory
// named by MCPCERT_PY_TREE (e.g. the .py files of scripts/gen-tree.py's
// output), else a deterministic ~3 MB workspace of modules that import each
// other, generated in a temporary directory.
func BenchmarkExtractTree(b *testing.B) {
	dir := os.Getenv("MCPCERT_PY_TREE")
	generated := dir == ""
	if generated {
		dir = b.TempDir()
		if err := writeBenchTree(dir, 3<<20); err != nil {
			b.Fatal(err)
		}
	}
	src, size := loadTree(b, dir)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := Extract(context.Background(), src)
		if err != nil {
			b.Fatal(err)
		}
		if generated && len(s.Tools) == 0 {
			b.Fatal("no tools extracted")
		}
	}
}

// TestExtractTreeOnce extracts one whole tree, once, as a process can be
// measured doing (peak RSS with /usr/bin/time): the tree in MCPCERT_PY_TREE,
// else a generated ~1 MB workspace of modules that import each other, which
// must yield tools. It writes the surface as JSON to MCPCERT_PY_TREE_OUT
// when that is set.
//
//	go test -c -o /tmp/py.test ./internal/surface/python
//	MCPCERT_PY_TREE=/tmp/t50-py /usr/bin/time -f '%e s %M KB' /tmp/py.test -test.run TestExtractTreeOnce
func TestExtractTreeOnce(t *testing.T) {
	dir := os.Getenv("MCPCERT_PY_TREE")
	generated := dir == ""
	if generated {
		dir = t.TempDir()
		if err := writeBenchTree(dir, 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	src, size := loadTree(t, dir)
	s, err := Extract(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if generated && len(s.Tools) == 0 {
		t.Fatal("no tools extracted from the generated tree")
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d files, %d bytes: %d tools, %d prompts, %d resources, %d gaps, %d indicators; Go sys %d MB; %d files parsed twice",
		len(src.Files), size, len(s.Tools), len(s.Prompts), len(s.Resources), len(s.Gaps), len(s.Indicators), ms.Sys>>20, reparses.Load())
	if out := os.Getenv("MCPCERT_PY_TREE_OUT"); out != "" {
		b, err := json.MarshalIndent(s, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// loadTree reads the .py files of dir as Source files; every file of dir
// is readable through ReadFile, as the scanner's workspace is. Files whose
// path contains MCPCERT_PY_READFILE_ONLY are only readable.
func loadTree(t testing.TB, dir string) (surface.Source, int64) {
	t.Helper()
	var src surface.Source
	var size int64
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel] = b
		if hidden := os.Getenv("MCPCERT_PY_READFILE_ONLY"); hidden != "" && strings.Contains(rel, hidden) {
			return nil // readable, but not among the Source files
		}
		if strings.HasSuffix(rel, ".py") {
			src.Files = append(src.Files, surface.File{Path: rel, Content: b})
			size += int64(len(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	src.ReadFile = func(p string) ([]byte, error) {
		if b, ok := files[p]; ok {
			return b, nil
		}
		return nil, fs.ErrNotExist
	}
	return src, size
}

var benchEntities = []string{
	"issue", "ticket", "project", "repository", "commit", "invoice", "customer", "order",
	"forecast", "station", "calendar", "event", "contact", "document", "folder", "page",
	"channel", "message", "workspace", "member", "dashboard", "metric", "alert", "incident",
}

var benchVerbs = []string{"get", "list", "create", "update", "delete", "search", "archive", "sync", "export", "resolve"}

var benchWords = strings.Fields("the server exposes tools resources and prompts over stdio each tool has a name " +
	"a description and an input schema clients call tools with arguments that are validated before the " +
	"handler runs results are returned as text content errors are reported so the model can recover " +
	"pagination uses an opaque cursor rate limits are respected by backing off and retrying")

func benchSentence(r *rand.Rand, lo, hi int) string {
	n := lo + r.IntN(hi-lo+1)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = benchWords[r.IntN(len(benchWords))]
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func benchPascal(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// writeBenchTree writes a deterministic workspace of about size bytes:
// several server packages (src layout) sharing a common package, each with
// settings constants, entity modules that import the settings, the common
// texts and sibling modules, and a server module registering FastMCP tools
// (and a low-level server in some packages) whose texts are folded through
// those imports.
func writeBenchTree(dir string, size int) error {
	r := rand.New(rand.NewPCG(1, 2))
	total := 0
	write := func(rel, text string) error {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		total += len(text)
		return os.WriteFile(p, []byte(text), 0o644)
	}
	common := `"""Texts shared by every server."""

from __future__ import annotations

VENDOR = "Acme"
PRODUCT = VENDOR + " Cloud"
FOOTER = f"Data comes from {PRODUCT}; results are paginated."
LIMIT_HELP = "Maximum number of results (1-200)."
QUERY_HELP = "Free-text " + "query; " + "supports quoted phrases."
LEVELS = ["low", "normal", "high", "urgent"]
LABELS = {"low": "Low", "normal": "Normal", "high": "High", "urgent": "Urgent"}


def describe(entity: str, verb: str = "list") -> str:
    return f"{verb.capitalize()} {entity} records of {PRODUCT}. {FOOTER}"


def title(entity):
    return PRODUCT + " " + entity
`
	if err := write("shared/src/acme_common/__init__.py", "from .texts import PRODUCT, VENDOR\n"); err != nil {
		return err
	}
	if err := write("shared/src/acme_common/texts.py", common); err != nil {
		return err
	}
	servers := []string{"github", "jira", "linear", "notion", "slack", "postgres", "weather", "calendar"}
	type mod struct{ name, entity, class string }
	mods := map[string][]mod{}
	n := 0
	for total < size {
		for _, s := range servers {
			if total >= size {
				break
			}
			pkg := s + "_mcp"
			base := "python/" + s + "/src/" + pkg
			if len(mods[s]) == 0 {
				env := strings.ToUpper(s)
				settings := fmt.Sprintf(`"""Settings for the %[1]s server."""

import os

from acme_common.texts import PRODUCT, FOOTER

NAME = "%[1]s"
BASE_URL = os.environ.get("%[2]s_URL", "https://api.%[1]s.example.com")
TIMEOUT = float(os.environ.get("%[2]s_TIMEOUT", "20"))
PREFIX = NAME + "_"
BANNER = f"{PRODUCT} connector for {NAME}"
HELP = BANNER + ". " + FOOTER
`, s, env)
				if err := write(base+"/__init__.py", `"""`+s+` MCP server."""`+"\n\nfrom .settings import NAME, PREFIX\n"); err != nil {
					return err
				}
				if err := write(base+"/settings.py", settings); err != nil {
					return err
				}
			}
			n++
			ent := benchEntities[r.IntN(len(benchEntities))]
			m := mod{name: fmt.Sprintf("%s_%d", ent, n), entity: ent, class: benchPascal(ent) + fmt.Sprint(n)}
			var b strings.Builder
			fmt.Fprintf(&b, "%q\n\nfrom __future__ import annotations\n\nfrom dataclasses import dataclass, field\nfrom typing import Any, Literal\n\nimport httpx\nfrom pydantic import BaseModel, Field\n\n", benchSentence(r, 6, 14))
			b.WriteString("from acme_common.texts import FOOTER, LEVELS, describe\nfrom .settings import PREFIX, HELP\n")
			siblings := mods[s]
			for k := 0; k < 3 && len(siblings) > 0; k++ {
				o := siblings[r.IntN(len(siblings))]
				fmt.Fprintf(&b, "from .%s import %s, %s_DESCRIPTION\n", o.name, o.class, strings.ToUpper(o.entity))
			}
			fmt.Fprintf(&b, "\n%s_DESCRIPTION = describe(%q) + \" \" + HELP\n", strings.ToUpper(ent), ent)
			fmt.Fprintf(&b, "%s_TOOL = PREFIX + %q\n", strings.ToUpper(ent), "get_"+ent)
			fmt.Fprintf(&b, "STATUSES = Literal[\"open\", \"closed\", \"pending\"]\n\n\n")
			fmt.Fprintf(&b, "class %s(BaseModel):\n    \"\"\"A %s of the %s API.\"\"\"\n\n    id: str = Field(description=\"Identifier of the %s.\")\n    status: STATUSES = \"open\"\n    priority: int = Field(0, description=\"Priority; \" + FOOTER)\n    tags: list[str] = []\n\n", m.class, ent, s, ent)
			target := 2000 + r.IntN(20000)
			for b.Len() < target {
				verb := benchVerbs[r.IntN(len(benchVerbs))]
				other := benchEntities[r.IntN(len(benchEntities))]
				switch r.IntN(3) {
				case 0:
					fmt.Fprintf(&b, `

async def %[1]s_%[2]ss(client: httpx.AsyncClient, *, limit: int = %[3]d, cursor: str | None = None) -> list[dict[str, Any]]:
    """%[4]s"""
    params: dict[str, Any] = {"limit": min(limit, 500)}
    if cursor:
        params["cursor"] = cursor
    resp = await client.get("/v1/%[2]ss", params=params)
    resp.raise_for_status()
    return resp.json().get("items", [])
`, verb, other, 20+r.IntN(80), benchSentence(r, 6, 16))
				case 1:
					fmt.Fprintf(&b, `

def format_%[1]s_%[2]d(item: dict[str, Any]) -> str:
    """Render one %[1]s as markdown."""
    lines = [f"# {item.get('title') or item.get('id')}"]
    for key, value in sorted(item.items()):
        if value in (None, "", []):
            continue
        lines.append(f"- **{key}**: {value}")
    return "\n".join(lines) + "\n" + FOOTER
`, other, b.Len())
				default:
					fmt.Fprintf(&b, `

def %[1]s_%[2]s_filter_%[4]d(items: list[dict[str, Any]], status: str = %[3]q) -> list[dict[str, Any]]:
    """Keep the %[2]s items whose status is given."""
    out = []
    for item in items:
        if item.get("status") != status or item.get("level") not in LEVELS:
            continue
        out.append(item)
    return out
`, verb, other, benchWords[r.IntN(len(benchWords))], b.Len())
				}
			}
			mods[s] = append(mods[s], m)
			if err := write(base+"/"+m.name+".py", b.String()); err != nil {
				return err
			}
		}
	}
	// Each server module imports the last modules of its package.
	for si, s := range servers {
		pkg := s + "_mcp"
		base := "python/" + s + "/src/" + pkg
		var sv strings.Builder
		fmt.Fprintf(&sv, "\"\"\"%s MCP server.\"\"\"\n\nfrom __future__ import annotations\n\nfrom typing import Annotated\n\nfrom mcp.server.fastmcp import FastMCP\nfrom pydantic import Field\n\nfrom acme_common.texts import LIMIT_HELP, QUERY_HELP, title\nfrom %s.settings import NAME, HELP\n", s, pkg)
		ms := mods[s]
		if len(ms) > 12 {
			ms = ms[len(ms)-12:]
		}
		for _, o := range ms {
			fmt.Fprintf(&sv, "from .%s import %s, %s_DESCRIPTION, %s_TOOL\n", o.name, o.class, strings.ToUpper(o.entity), strings.ToUpper(o.entity))
		}
		fmt.Fprintf(&sv, "\nmcp = FastMCP(NAME, instructions=HELP)\n")
		for i, o := range ms {
			fmt.Fprintf(&sv, `

@mcp.tool(name=%[2]s_TOOL + "_%[4]d", description=%[2]s_DESCRIPTION, annotations={"title": title(%[3]q), "readOnlyHint": True})
async def tool_%[4]d(
    query: Annotated[str, Field(description=QUERY_HELP)],
    item: %[1]s,
    limit: Annotated[int, Field(description=LIMIT_HELP, ge=1, le=200)] = 20,
) -> str:
    """%[5]s"""
    if not query:
        raise ValueError("query is required for " + %[2]s_TOOL)
    return f"{NAME}: {query} ({limit})"
`, o.class, strings.ToUpper(o.entity), o.entity, i, benchSentence(r, 8, 18))
		}
		if si%3 == 0 {
			sv.WriteString(`

from mcp.server.lowlevel import Server
from mcp.types import Tool, TextContent

low = Server(NAME + "-low")


@low.list_tools()
async def list_tools():
    return [
        Tool(name=PREFIX + "ping", description="Check that " + NAME + " answers.", inputSchema={"type": "object", "properties": {"echo": {"type": "string", "description": QUERY_HELP}}}),
        Tool(name=PREFIX + "status", description=HELP, inputSchema={"type": "object"}),
    ]


@low.call_tool()
async def call_tool(name, arguments):
    if name == PREFIX + "ping":
        return [TextContent(type="text", text="pong " + arguments.get("echo", ""))]
    if name == PREFIX + "status":
        return [TextContent(type="text", text="ok")]
    raise ValueError("unknown tool")


from .settings import PREFIX
`)
		}
		if err := write(base+"/server.py", sv.String()); err != nil {
			return err
		}
	}
	return nil
}
