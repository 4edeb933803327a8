package python

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mcpcert/mcpcert/internal/surface"
)

// TestCleandoc checks cases whose results were produced by CPython 3.11's
// inspect.cleandoc.
func TestCleandoc(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Summary.", "Summary."},
		{"Summary.\n\n    Detail line.\n      Indented more.\n    ", "Summary.\n\nDetail line.\n  Indented more."},
		{"\n    Leading blank lines.\n\n    Body.\n\n\n", "Leading blank lines.\n\nBody."},
		{"  First line indented.\n    second\n  third", "First line indented.\n  second\nthird"},
		{"Tabs:\n\tone\n\t  two", "Tabs:\none\n  two"},
		{"x\n    a\n   \n    b", "x\na\n\nb"},
		// Blank lines longer than the margin keep their rest and are not
		// "blank" for the trailing-line strip.
		{"x\n    a\n        \n    b\n      ", "x\na\n    \nb\n  "},
		{"\u3000Ideographic space first\n\u3000\u3000body", "Ideographic space first\nbody"},
		{"no\n\x1ccontrol\n \x1fsep", "no\ncontrol\n\x1fsep"},
		{"", ""},
		{"   \n   \n", "   "},
		{"ab\tc\n    d\te", "ab      c\nd   e"},
	} {
		if got := cleandoc(c.in); got != c.want {
			t.Errorf("cleandoc(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestDedent checks cases produced by CPython 3.11's textwrap.dedent.
func TestDedent(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"  a\n  b", "a\nb"},
		{"    a\n  b\n", "  a\nb\n"},
		{"\ta\n\t\tb", "a\n\tb"},
		{"  a\n\n  b\n    ", "a\n\nb\n"},
		{"  a\n\tb", "  a\n\tb"},
		{"x\n  y", "x\n  y"},
		{"  \t\n  a\n  b", "\na\nb"},
	} {
		if got := dedent(c.in); got != c.want {
			t.Errorf("dedent(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestUnescape(t *testing.T) {
	for _, c := range []struct {
		in, want string
		bytes    bool
		ok       bool
	}{
		{`a\nb\t\\\'\"`, "a\nb\t\\'\"", false, true},
		{`\x41\101\u00e9\U0001F600`, "AAé😀", false, true},
		{"line\\\ncontinued", "linecontinued", false, true},
		{`\d\w`, `\d\w`, false, true},
		{`\N{ZERO WIDTH SPACE}x\N{tag latin small letter a}`, "\u200bx\U000e0061", false, true},
		{`\N{SNOWMAN}`, `\N{SNOWMAN}`, false, false},
		{`\u00e9`, `\u00e9`, true, true},
		{`\x`, `\x`, false, true},
	} {
		got, ok := unescape(c.in, c.bytes)
		if got != c.want || ok != c.ok {
			t.Errorf("unescape(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseDocstring(t *testing.T) {
	for _, c := range []struct {
		doc, desc string
		params    map[string]string
	}{
		{
			"Add numbers.\n\nArgs:\n    a (float): The first number.\n    b: The second\n        number.\n\nReturns:\n    The sum.",
			"Add numbers.", map[string]string{"a": "The first number.", "b": "The second\nnumber."},
		},
		{
			"Scale a vector.\n\nParameters\n----------\nv : list of float\n    The vector.\nk, m : float\n    Factors.\n\nReturns\n-------\nlist",
			"Scale a vector.", map[string]string{"v": "The vector.", "k": "Factors.", "m": "Factors."},
		},
		{
			"Fetch a page.\n\n:param url: The address.\n:param int timeout: Seconds to wait\n    before giving up.\n:returns: the body",
			"Fetch a page.", map[string]string{"url": "The address.", "timeout": "Seconds to wait\nbefore giving up."},
		},
	} {
		desc, params, ok := parseDocstring(c.doc)
		if !ok || desc != c.desc || !reflect.DeepEqual(params, c.params) {
			t.Errorf("parseDocstring(%q) = %q, %v, %v; want %q, %v", c.doc, desc, params, ok, c.desc, c.params)
		}
	}
	// No parameters found: fastmcp keeps the whole docstring.
	if _, _, ok := parseDocstring("Just text.\n\nReturns:\n    nothing"); ok {
		t.Error("a docstring without parameters was split")
	}
}

func src(files map[string]string) surface.Source {
	var s surface.Source
	for p, c := range files {
		s.Files = append(s.Files, surface.File{Path: p, Content: []byte(c)})
	}
	s.ReadFile = func(p string) ([]byte, error) {
		if c, ok := files[p]; ok {
			return []byte(c), nil
		}
		return nil, errors.New("not found")
	}
	return s
}

func TestHostileInput(t *testing.T) {
	deep := "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\nD = " + strings.Repeat("(", 5000) + "'x'" + strings.Repeat(")", 5000) +
		"\n@mcp.tool(description=D)\ndef f(): pass\n"
	var doubling strings.Builder
	doubling.WriteString("from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\nA0 = 'xxxxxxxxxxxxxxxx'\n")
	for i := 1; i < 60; i++ {
		fmt.Fprintf(&doubling, "A%d = A%d + A%d\n", i, i-1, i-1)
	}
	doubling.WriteString("@mcp.tool(description=A59)\ndef f(): pass\n")
	for name, files := range map[string]map[string]string{
		"deep nesting": {"a.py": deep},
		"doubling":     {"a.py": doubling.String()},
		"cycle": {"a.py": "from mcp.server.fastmcp import FastMCP\nfrom b import B\nmcp = FastMCP('x')\nA = B\n@mcp.tool(description=A)\ndef f(): pass\n",
			"b.py": "from a import A\nB = A + 'b'\n"},
		"self import":   {"pkg/__init__.py": "from . import *\nfrom .pkg import x\n", "pkg/pkg.py": "from pkg import *\n"},
		"invalid utf-8": {"a.py": "\xff\xfe@mcp.tool(description='\xc3')\ndef \xe9(): '''\xff'''\n"},
		"garbage":       {"a.py": strings.Repeat("@mcp.tool(\n", 3000)},
		"recursive fn": {"a.py": "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\ndef d(n): return d(n) + d(n) + d(n)\n" +
			"@mcp.tool(description=d(1))\ndef f(): return f()\n"},
		"local doubling": {"a.py": localDoubling(), "b.py": "def f():\n    a = a + a + a + a\n    return a\nX = f()\n"},
		"constant chain": {"a.py": constantChain()},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s, err := Extract(ctx, src(files))
			if err != nil {
				t.Fatal(err)
			}
			for _, tool := range s.Tools {
				if tool.Description != nil && len(tool.Description.Value) > maxText {
					t.Errorf("description of %d bytes", len(tool.Description.Value))
				}
			}
		})
	}
}

// localDoubling builds a = b + b; b = c + c; … inside a handler.
func localDoubling() string {
	var b strings.Builder
	b.WriteString("from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\n@mcp.tool()\ndef f():\n")
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, "    a%d = a%d + a%d\n", i, i+1, i+1)
	}
	b.WriteString("    a60 = 'xy'\n    return a0\n")
	return b.String()
}

// constantChain builds 3000 module constants, each defined by the next.
func constantChain() string {
	var b strings.Builder
	b.WriteString("from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\n@mcp.tool(description=C0)\ndef f(): pass\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "C%d = C%d + '.'\n", i, i+1)
	}
	b.WriteString("C3000 = 'end'\n")
	return b.String()
}

func TestTooLarge(t *testing.T) {
	s, err := Extract(context.Background(), src(map[string]string{"big.py": strings.Repeat("x = 1\n", maxFileSize/6+1)}))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Gaps) != 1 || s.Gaps[0].Kind != "file-too-large" {
		t.Errorf("gaps %v", s.Gaps)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Extract(ctx, src(map[string]string{"a.py": "x = 1\n"})); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// FuzzExtract feeds arbitrary source to the extractor: it must neither
// panic nor fail.
func FuzzExtract(f *testing.F) {
	for _, seed := range []string{
		"from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x', instructions=f'{A}')\n@mcp.tool()\ndef f(a: int = 1):\n    '''Doc.'''\n    return 'x'\n",
		"from fastmcp import FastMCP\nmcp = FastMCP()\nfor s in [('a', f)]:\n    mcp.tool(name=s[0])(s[1])\n",
		"@server.list_tools()\nasync def l():\n    return [Tool(name='a', inputSchema={'type': 'object'})]\n@server.call_tool()\nasync def c(name, arguments):\n    match name:\n        case 'a': return arguments['q']\n",
		"x = '\\N{ZERO WIDTH SPACE}' '{{' f'{x!r:>{w}}' rb'\\d' % (1,)\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := Extract(ctx, src(map[string]string{"a.py": string(b), "b.py": "from a import *\n"})); err != nil && ctx.Err() == nil {
			t.Fatal(err)
		}
	})
}
