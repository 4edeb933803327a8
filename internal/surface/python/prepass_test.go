package python

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// crossModule are workspaces whose declarations read other modules in
// every way the extractor follows: handlers, helpers and texts imported by
// name, through aliases, star imports and package __init__ files, enums and
// models as parameter types, a low-level server split over modules, a
// module read through ReadFile only, a test module imported.
var crossModule = map[string]map[string]string{
	"imported": {
		"server.py": "from mcp.server.fastmcp import FastMCP\nfrom handlers import search, fetch as get_one\nfrom helpers import *\nimport texts\n\n" +
			"mcp = FastMCP(\"imp\", instructions=texts.__doc__)\nmcp.add_tool(search, description=texts.SEARCH)\nmcp.tool(name=\"fetch\")(get_one)\n" +
			"for name, fn in texts.TABLE.items():\n    mcp.add_tool(fn, name=name)\n",
		"texts.py":    "\"\"\"Instructions from a module docstring.\"\"\"\nfrom handlers import search, fetch\nSEARCH = \"Search \" + \"things\"\nTABLE = {\"s2\": search, \"f2\": fetch}\n",
		"handlers.py": "from helpers import render, fail\nfrom models import Query, Color\n\ndef search(q: Query, color: Color = Color.RED, limit: int = 10) -> str:\n    \"\"\"Search the index.\n\n    Args:\n        q: the query\n    \"\"\"\n    if not q:\n        fail(\"empty query\")\n    return render(q)\n\ndef fetch(id: str) -> str:\n    \"\"\"Fetch one.\"\"\"\n    return f\"item {id}\"\n\ndef unused():\n    return \"never\"\n",
		"helpers.py":  "def render(q):\n    return \"Result: \" + str(q)\n\ndef fail(msg):\n    raise ValueError(\"failed: \" + msg)\n",
		"models.py":   "from enum import Enum\nfrom pydantic import BaseModel, Field\n\nclass Color(str, Enum):\n    RED = \"red\"\n    BLUE = \"blue\"\n\nclass Query(BaseModel):\n    \"\"\"A query.\"\"\"\n    text: str = Field(description=\"The text\")\n    color: Color = Color.BLUE\n",
	},
	"lowlevel": {
		"app/__init__.py": "from .server import server\n",
		"app/server.py":   "from mcp.server.lowlevel import Server\nserver = Server(\"low\", \"1.0\", \"Low instructions\")\n",
		"app/listing.py":  "from mcp.types import Tool\nfrom .server import server\nfrom .schemas import ECHO\n\n@server.list_tools()\nasync def list_tools():\n    return [Tool(name=\"echo\", description=\"Echo it\", inputSchema=ECHO)]\n",
		"app/calling.py":  "from .server import server\nfrom .dispatch import handle_echo\n\n@server.call_tool()\nasync def call_tool(name, arguments):\n    if name == \"echo\":\n        return handle_echo(arguments)\n",
		"app/dispatch.py": "def handle_echo(args):\n    return \"echo: \" + args[\"text\"] + args.get(\"suffix\", \"\")\n",
		"app/schemas.py":  "ECHO = {\"type\": \"object\", \"properties\": {\"text\": {\"type\": \"string\", \"description\": \"What to echo\"}}}\n",
	},
	"packages": {
		"pkg/__init__.py":     "from .texts import *\nfrom . import sub\n",
		"pkg/texts.py":        "import os\nBASE = \"Base text\"\nclass Limits:\n    MAX = 5\n    def label(self):\n        return \"limit\"\n",
		"pkg/sub/__init__.py": "from .deep import DEEP\n",
		"pkg/sub/deep.py":     "DEEP = 'deep ' + 'text'\n",
		"srv/main.py": "from fastmcp import FastMCP\nimport pkg\nimport pkg.sub as ps\nfrom tests.fixtures import EXTRA\nmcp = FastMCP(\"p\")\n\n" +
			"@mcp.tool(description=pkg.BASE + \" \" + ps.DEEP + EXTRA, annotations={\"title\": str(pkg.Limits.MAX)})\ndef t(x: int = pkg.Limits.MAX) -> str:\n    return pkg.Limits().label()\n",
		"tests/__init__.py": "",
		"tests/fixtures.py": "EXTRA = \"!\"\n",
	},
}

// TestNoSecondParse checks that the prepass copies everything the
// extraction reads, so that no file is parsed twice.
func TestNoSecondParse(t *testing.T) {
	check := func(name string, src func() (int, error)) {
		before := reparses.Load()
		n, err := src()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n == 0 {
			t.Errorf("%s: nothing extracted", name)
		}
		if d := reparses.Load() - before; d != 0 {
			t.Errorf("%s: %d files parsed twice", name, d)
		}
	}
	for name, files := range crossModule {
		s := src(files)
		if name == "packages" {
			// A module outside src.Files, read through ReadFile.
			var kept []int
			for i, f := range s.Files {
				if f.Path != "pkg/sub/deep.py" {
					kept = append(kept, i)
				}
			}
			var fs = s.Files[:0:0]
			for _, i := range kept {
				fs = append(fs, s.Files[i])
			}
			s.Files = fs
		}
		check(name, func() (int, error) {
			out, err := Extract(context.Background(), s)
			if err != nil {
				return 0, err
			}
			return len(out.Tools), nil
		})
	}
	dirs, _ := filepath.Glob(filepath.Join("testdata", "*"))
	dirs = append(dirs, filepath.Join("..", "..", "..", "fixtures", "servers", "py-fastmcp-files"),
		filepath.Join("..", "..", "..", "fixtures", "servers", "py-lowlevel-clean"))
	for _, dir := range dirs {
		check(dir, func() (int, error) {
			out, err := Extract(context.Background(), loadDir(t, dir))
			if err != nil {
				return 0, err
			}
			return len(out.Tools) + len(out.Prompts) + len(out.Resources) + len(out.Gaps), nil
		})
	}
	dir := t.TempDir()
	if err := writeBenchTree(dir, 300<<10); err != nil {
		t.Fatal(err)
	}
	check("generated tree", func() (int, error) {
		s, _ := loadTree(t, dir)
		out, err := Extract(context.Background(), s)
		if err != nil {
			return 0, err
		}
		return len(out.Tools), nil
	})
}

// TestCrossModule pins a few results of the cross-module workspaces.
func TestCrossModule(t *testing.T) {
	out, err := Extract(context.Background(), src(crossModule["imported"]))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tool := range out.Tools {
		d := ""
		if tool.Description != nil {
			d = tool.Description.Value
		}
		got = append(got, tool.Name.Value+": "+d+" "+strings.Join(tool.UsedParams, ","))
	}
	want := []string{"search: Search things q", "fetch: Fetch one. id", "s2: Search the index.\n\nArgs:\n    q: the query q", "f2: Fetch one. id"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("tools\n got  %q\n want %q", got, want)
	}
	if len(out.Instructions) != 1 || out.Instructions[0].Value != "Instructions from a module docstring." {
		t.Errorf("instructions %v", out.Instructions)
	}
}

// TestServerSubclass checks that a workspace subclass of FastMCP is still
// recognised where it is constructed in a file that declares nothing
// else, through an alias in a third module, or when defined in a test file.
func TestServerSubclass(t *testing.T) {
	out, err := Extract(context.Background(), src(map[string]string{
		"tests/helpers.py":  "from mcp.server.fastmcp import FastMCP\nclass TestServer(FastMCP):\n    pass\n",
		"tests/test_app.py": "import unittest\nclass TestApp(unittest.TestCase):\n    pass\n",
		"app.py":            "from tests.helpers import TestServer as S\nsrv = S(\"t\", instructions=\"from a test helper\")\n",
		"other/settings.py": "class Config(dict):\n    pass\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Instructions) != 1 || out.Instructions[0].Value != "from a test helper" {
		t.Errorf("instructions %v", out.Instructions)
	}

	out, err = Extract(context.Background(), src(map[string]string{
		"pkg/__init__.py": "",
		"pkg/srv.py":      "from mcp.server.fastmcp import FastMCP\n\nclass MyServer(FastMCP):\n    \"\"\"Custom.\"\"\"\n\nBase = MyServer\n",
		"pkg/alias.py":    "from .srv import Base as B2\n",
		"pkg/app.py":      "from .alias import B2\nINSTR = \"Use \" + \"me\"\napp = B2(\"demo\", instructions=INSTR)\n",
		"pkg/other.py":    "from .srv import MyServer\n\ndef make():\n    return MyServer(\"x\", \"positional instructions\")\n",
		"pkg/tools.py":    "from .app import app\n\n@app.tool()\ndef hello(name: str) -> str:\n    \"\"\"Say hello.\"\"\"\n    return \"Hello \" + name\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	var ins []string
	for _, i := range out.Instructions {
		ins = append(ins, i.Value)
	}
	if strings.Join(ins, "|") != "Use me|positional instructions" {
		t.Errorf("instructions %q", ins)
	}
	if len(out.Tools) != 1 || out.Tools[0].Pattern != "py:FastMCP.tool" {
		t.Errorf("tools %v", out.Tools)
	}
}

// TestPathIndex checks the index search uses against the scan it
// replaces, on random workspaces and module names.
func TestPathIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	segs := []string{"a", "b", "pkg", "src", "x", "tests", "a_b"}
	randPath := func(n int) string {
		var parts []string
		for i := 0; i < n; i++ {
			parts = append(parts, segs[r.IntN(len(segs))])
		}
		return strings.Join(parts, "/")
	}
	for round := 0; round < 200; round++ {
		files := map[string]string{}
		for i := r.IntN(12); i >= 0; i-- {
			p := randPath(1 + r.IntN(4))
			if r.IntN(3) == 0 {
				p += "/__init__.py"
			} else {
				p += ".py"
			}
			if r.IntN(10) == 0 {
				p = "/" + p
			}
			files[p] = ""
		}
		x := newExtractor(context.Background(), src(files))
		for i := 0; i < 40; i++ {
			rel := randPath(1 + r.IntN(3))
			for _, exact := range []bool{false, true} {
				want, wok := x.scan(rel, exact)
				got, gok := x.indexed(rel, exact)
				if want != got || wok != gok {
					t.Fatalf("paths %v, %q exact=%v: indexed %+v %v, scan %+v %v", x.paths, rel, exact, got, gok, want, wok)
				}
			}
		}
	}
}
