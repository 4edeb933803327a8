// Package capabilities defines an analyzer that inventories what a server's
// code can do — reach the network, read or write files, run processes, read
// the environment — statically, from JavaScript/TypeScript, Python and Go
// source, without running it.
//
// Detection is import-aware: a call counts only when its callee resolves,
// through the file's imports and their aliases (ESM named, namespace and
// default imports with or without the node: prefix, require with
// destructuring and the wrappers tsc and esbuild emit, Python import and
// from-import with as, Go imports with names), to a known API of a known
// module, or to a global of the runtime (fetch, process.env, Python's
// open) that the file does not shadow. A local function named exec, a
// method obj.exec(...) or the string "child_process" is no capability.
// File APIs whose effect depends on a mode (open(p, "w"), fs.open(p, "a"),
// os.OpenFile with O_WRONLY, sqlite3.connect with mode=ro) are read or
// write according to the mode when it is a literal, and both otherwise.
//
// Scope: files under node_modules/ and vendor/ are dependencies, and test
// files and directories (*.test.*, *.spec.*, test_*.py, *_test.py,
// conftest.py, *_test.go, test/, tests/, __tests__/, __mocks__/,
// testdata/) do not run in the server: neither is inventoried. Bundled
// dist/*.js files are: what a bundle can do is what the release can do. A
// file that cannot be parsed or lexed is a coverage gap, as is a file with
// syntax errors (its damaged parts may hide uses).
//
// JavaScript and TypeScript files up to 256 KiB are parsed with
// tree-sitter and names are resolved with their scopes (a parameter or
// local declaration named like an import shadows it). Larger files —
// bundles, often minified — are lexed instead (see lex.go), in one pass of
// a few nanoseconds per byte, with the same import resolution but without
// scopes.
//
// The analyzer reports no findings: capabilities are facts about a server,
// not defects; the scoring policy and the attestation read its Result.
package capabilities

import (
	"context"
	"fmt"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/surface/golang"
	"github.com/mcpcert/mcpcert/internal/surface/jsts"
	"github.com/mcpcert/mcpcert/internal/surface/python"
)

// Capability names, as the report and the scoring policy spell them.
const (
	NetworkEgress   = report.CapNetworkEgress
	FilesystemRead  = report.CapFilesystemRead
	FilesystemWrite = report.CapFilesystemWrite
	ProcessExec     = report.CapProcessExec
	EnvRead         = report.CapEnvRead
)

// Names lists every capability name, sorted.
var Names = report.CapabilityNames

// Analyzer inventories the server's capabilities.
var Analyzer = &analysis.Analyzer{
	Name: "capabilities",
	Doc: `inventory what the server's code can do

Finds, without running the server, the calls through which its JavaScript,
TypeScript, Python and Go code reaches the network, reads or writes files,
runs processes and reads the environment, resolved through imports and
aliases. Dependencies (node_modules, vendor) and tests are not inventoried;
bundled dist files are. An unparsable file is a coverage gap.`,
	Version:    "mcpcert-capabilities 1",
	Languages:  []analysis.Lang{analysis.LangJavaScript, analysis.LangTypeScript, analysis.LangPython, analysis.LangGo},
	ResultType: reflect.TypeFor[*Result](),
	Run:        run,
}

// Result is the capability inventory of a workspace.
type Result struct {
	// Uses are sorted by position, then capability and API, and distinct.
	Uses []Use `json:"uses"`
}

// Use is one place where the code uses a capability.
type Use struct {
	// Capability is one of Names.
	Capability string `json:"capability"`
	// API names what is used, qualified by its module: "child_process.exec",
	// "fs.writeFile", "fetch", "process.env", "subprocess.run", "open",
	// "os.environ", "os/exec.Command", "net/http.Get".
	API      string            `json:"api"`
	Pos      analysis.Position `json:"pos"`
	Language string            `json:"language"`
}

// Capabilities returns the distinct capability names of the uses, sorted.
func (r *Result) Capabilities() []string {
	var out []string
	for _, u := range r.Uses {
		if !slices.Contains(out, u.Capability) {
			out = append(out, u.Capability)
		}
	}
	slices.Sort(out)
	return out
}

// Limits on what one file may cost.
const (
	// treeMax is the size above which JavaScript is lexed, not parsed.
	treeMax = 256 << 10
	// maxPerAPI bounds the positions kept per file and API: a bundle may
	// call fs.readFileSync thousands of times, and the inventory needs the
	// capability and a few places, not all of them.
	maxPerAPI = 32
)

func run(pass *analysis.Pass) (any, error) {
	c := &collector{pass: pass, perAPI: map[string]int{}}
	for _, f := range pass.Files {
		if err := pass.Context.Err(); err != nil {
			return nil, err
		}
		if skipped(f.Path, f.Lang) {
			continue
		}
		src, err := pass.ReadFile(f.Path)
		if err != nil {
			return nil, err
		}
		c.file, c.lang = f.Path, string(f.Lang)
		switch f.Lang {
		case analysis.LangJavaScript, analysis.LangTypeScript:
			err = c.js(pass.Context, f.Path, src)
		case analysis.LangPython:
			err = c.python(pass.Context, src)
		case analysis.LangGo:
			c.golang(src)
		}
		if err != nil {
			return nil, err
		}
	}
	return &Result{Uses: sortUses(c.uses)}, nil
}

// skipped reports dependencies and tests (see the package comment).
func skipped(p string, lang analysis.Lang) bool {
	for _, d := range strings.Split(path.Dir(p), "/") {
		switch d {
		case "node_modules", "vendor", "test", "tests", "__tests__", "__mocks__", "testdata":
			return true
		}
	}
	switch lang {
	case analysis.LangJavaScript, analysis.LangTypeScript:
		return !jsts.IsSource(p)
	case analysis.LangPython:
		return python.IsTestFile(p) || path.Ext(p) == ".pyi"
	case analysis.LangGo:
		return strings.HasSuffix(p, "_test.go") || golang.IgnoredDir(path.Dir(p))
	}
	return true
}

// collector gathers the uses of a pass.
type collector struct {
	pass       *analysis.Pass
	file, lang string
	uses       []Use
	perAPI     map[string]int
}

func (c *collector) add(capability, api string, pos analysis.Position) {
	k := c.file + "\x00" + capability + "\x00" + api
	if c.perAPI[k] >= maxPerAPI {
		return
	}
	c.perAPI[k]++
	pos.Path = c.file
	c.uses = append(c.uses, Use{Capability: capability, API: api, Pos: pos, Language: c.lang})
}

func (c *collector) gap(kind, detail string) {
	c.pass.Gap(analysis.Gap{Kind: kind, Path: c.file, Detail: detail})
}

// parse parses src with tree-sitter within a second plus a second per
// megabyte, as the surface extractors allow. A file that cannot be parsed
// is a gap (nil tree, nil error), and one with syntax errors is parsed
// with a gap; the error is the pass's, when it was cancelled.
func (c *collector) parse(ctx context.Context, lang treesitter.Lang, src []byte) (*treesitter.Tree, error) {
	pctx, cancel := context.WithTimeout(ctx, time.Second+time.Duration(len(src))*time.Microsecond)
	defer cancel()
	tree, err := treesitter.Parse(pctx, lang, src)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		c.gap("unparsable", fmt.Sprintf("cannot parse: %v; its capabilities are unknown", err))
		return nil, nil
	}
	if tree.Root().HasError() {
		c.gap("syntax-error", "the parser reported syntax errors; uses in the damaged parts may be missing")
	}
	return tree, nil
}

func sortUses(us []Use) []Use {
	slices.SortFunc(us, func(a, b Use) int {
		return cmpUse(a, b)
	})
	return slices.CompactFunc(us, func(a, b Use) bool { return cmpUse(a, b) == 0 })
}

func cmpUse(a, b Use) int {
	if c := strings.Compare(a.Pos.Path, b.Pos.Path); c != 0 {
		return c
	}
	for _, d := range [][2]int{{a.Pos.StartLine, b.Pos.StartLine}, {a.Pos.StartCol, b.Pos.StartCol}, {a.Pos.EndLine, b.Pos.EndLine}, {a.Pos.EndCol, b.Pos.EndCol}} {
		if d[0] != d[1] {
			return d[0] - d[1]
		}
	}
	if c := strings.Compare(a.Capability, b.Capability); c != 0 {
		return c
	}
	if c := strings.Compare(a.API, b.API); c != 0 {
		return c
	}
	return strings.Compare(a.Language, b.Language)
}

// posFunc computes a Use's position only when there is a use.
type posFunc func() analysis.Position

// lines maps byte offsets to 1-based lines and character columns.
type lines struct {
	src    []byte
	starts []int
	// last is the previous answer: uses come in source order, so counting
	// characters from it keeps a 5 MB one-line bundle linear.
	lastOff, lastLine, lastCol int
}

func newLines(src []byte) *lines {
	l := &lines{src: src, starts: []int{0}}
	for i, b := range src {
		if b == '\n' {
			l.starts = append(l.starts, i+1)
		}
	}
	return l
}

// at returns the line and character column of off.
func (l *lines) at(off int) (int, int) {
	off = max(0, min(off, len(l.src)))
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	from, col := l.starts[i], 1
	if l.lastLine == i+1 && l.lastOff <= off {
		from, col = l.lastOff, l.lastCol
	}
	col += utf8.RuneCount(l.src[from:off])
	l.lastOff, l.lastLine, l.lastCol = off, i+1, col
	return i + 1, col
}

// span is the Position of the byte range [start, end).
func (l *lines) span(start, end int) analysis.Position {
	var p analysis.Position
	p.StartLine, p.StartCol = l.at(start)
	p.EndLine, p.EndCol = l.at(max(start, end-1))
	return p
}
