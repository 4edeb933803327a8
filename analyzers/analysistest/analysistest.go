// Package analysistest runs an analyzer over a fixture directory and checks
// its findings against expectations written in the fixture itself, like
// golang.org/x/tools/go/analysis/analysistest but for any language.
//
// An expectation is a comment whose text starts with "want", written with the
// file's comment syntax (// for JS/TS/Go, # for Python, shell, YAML, TOML,
// .env and requirements files, <!-- --> for Markdown and HTML):
//
//	const token = "…" // want SEC001:"GitHub Personal Access Token"
//	# want +1 SEC003:"OPENWEATHER_API_KEY"
//
// Each item is RULE:"regexp" or just "regexp" (any rule); the regexp is
// matched against the finding's message. "+N" moves the expectation N lines
// down, for lines that cannot carry a comment. Files without comments (JSON,
// PEM) get a sidecar "<file>.want" whose lines read `LINE RULE:"regexp"`.
// Every finding must match an expectation and every expectation must be
// matched by exactly one finding.
package analysistest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/scanner"
	"time"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/driver"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/workspace"
	"github.com/mcpcert/mcpcert/rules"
)

// Expectation is one parsed `want` item.
type Expectation struct {
	Path string
	Line int
	Rule string // empty: any rule
	Rx   *regexp.Regexp
}

func (e Expectation) String() string {
	return fmt.Sprintf("%s:%d: %s:%q", e.Path, e.Line, e.Rule, e.Rx)
}

// Run runs a (with its requirements) over dir and checks the findings of a
// against the expectations in dir. It fails the test if the analyzer does
// not complete. It returns the analyzer's engine record and findings for
// further assertions.
func Run(t testing.TB, dir string, a *analysis.Analyzer, cfg *analysis.Config) (report.Engine, []report.Finding) {
	t.Helper()
	eng, findings, ws := run(t, dir, a, cfg, true)
	var exps []Expectation
	for _, f := range ws.Files {
		content, _ := ws.ReadFile(f.Path)
		es, err := Parse(f.Path, content)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.Rule == "" || slices.Contains(a.Rules, e.Rule) {
				exps = append(exps, e)
			}
		}
	}
	Check(t, exps, findings)
	return eng, findings
}

// RunUnchecked runs a over dir without checking expectations, for tests
// that build their input on the fly; with mustComplete it still fails the
// test unless the analyzer's outcome is ok or partial.
func RunUnchecked(t testing.TB, dir string, a *analysis.Analyzer, cfg *analysis.Config, mustComplete bool) (report.Engine, []report.Finding) {
	t.Helper()
	eng, findings, _ := run(t, dir, a, cfg, mustComplete)
	return eng, findings
}

func run(t testing.TB, dir string, a *analysis.Analyzer, cfg *analysis.Config, mustComplete bool) (report.Engine, []report.Finding, *workspace.Workspace) {
	t.Helper()
	ws, err := workspace.Load(context.Background(), dir, workspace.DefaultLimits())
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	if cfg == nil {
		cfg = &analysis.Config{Offline: true, TempDir: t.TempDir()}
	}
	list := withRequirements(a)
	if err := analysis.Validate(list, set.Has); err != nil {
		t.Fatal(err)
	}
	res := driver.Run(context.Background(), ws, list, driver.Options{Rules: set, Budget: 2 * time.Minute, Config: cfg})
	var eng report.Engine
	for _, e := range res.Engines {
		if e.Name == a.Name {
			eng = e
		}
	}
	if mustComplete && eng.Outcome != report.OutcomeOK && eng.Outcome != report.OutcomePartial {
		t.Fatalf("analyzer %s: outcome %s: %s", a.Name, eng.Outcome, eng.Detail)
	}
	var mine []report.Finding
	for _, f := range res.Findings {
		if f.Engine == a.Name {
			mine = append(mine, f)
		}
	}
	return eng, mine, ws
}

func withRequirements(a *analysis.Analyzer) []*analysis.Analyzer {
	var out []*analysis.Analyzer
	seen := map[*analysis.Analyzer]bool{}
	var visit func(*analysis.Analyzer)
	visit = func(x *analysis.Analyzer) {
		if seen[x] {
			return
		}
		seen[x] = true
		for _, r := range x.Requires {
			visit(r)
		}
		out = append(out, x)
	}
	visit(a)
	return out
}

// Check reports every finding without an expectation and every expectation
// without a finding, sorted for determinism.
func Check(t testing.TB, exps []Expectation, findings []report.Finding) {
	t.Helper()
	used := make([]bool, len(exps))
	var errs []string
	for _, f := range findings {
		ok := false
		for i, e := range exps {
			if used[i] || e.Path != f.Location.Path || e.Line != f.Location.StartLine {
				continue
			}
			if (e.Rule == "" || e.Rule == f.RuleID) && e.Rx.MatchString(f.Message) {
				used[i], ok = true, true
				break
			}
		}
		if !ok {
			errs = append(errs, fmt.Sprintf("%s:%d: unexpected finding %s: %s", f.Location.Path, f.Location.StartLine, f.RuleID, f.Message))
		}
	}
	for i, e := range exps {
		if !used[i] {
			errs = append(errs, fmt.Sprintf("%s:%d: no finding matched %s:%q", e.Path, e.Line, e.Rule, e.Rx))
		}
	}
	sort.Strings(errs)
	for _, e := range errs {
		t.Error(e)
	}
}

// commentToken returns the line-comment syntax of a file, or "" if it has none.
func commentToken(p string) (open, close string) {
	base := strings.ToLower(path.Base(p))
	switch ext := path.Ext(base); {
	case slices.Contains([]string{".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".go", ".jsonc", ".mod", ".java", ".rs", ".c", ".h"}, ext):
		return "//", ""
	case slices.Contains([]string{".py", ".pyi", ".sh", ".bash", ".yaml", ".yml", ".toml", ".txt", ".cfg", ".ini", ".rb", ".in"}, ext),
		base == ".env" || strings.HasPrefix(base, ".env.") || base == "dockerfile" || base == "makefile" || base == "pipfile":
		return "#", ""
	case ext == ".md" || ext == ".html" || ext == ".htm" || ext == ".xml":
		return "<!--", "-->"
	}
	return "", ""
}

// Parse extracts the expectations of one file: its `want` comments, or the
// lines of a "<file>.want" sidecar (which apply to <file>).
func Parse(p string, content []byte) ([]Expectation, error) {
	if target, ok := strings.CutSuffix(p, ".want"); ok {
		return parseSidecar(target, content)
	}
	open, close := commentToken(p)
	if open == "" {
		return nil, nil
	}
	var out []Expectation
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		for rest := text; ; {
			i := strings.Index(rest, open)
			if i < 0 {
				break
			}
			rest = rest[i+len(open):]
			body := strings.TrimSpace(rest)
			if close != "" {
				body, _, _ = strings.Cut(body, close)
			}
			if after, ok := strings.CutPrefix(body, "want "); ok {
				es, err := parseItems(p, line, after)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: %w", p, line, err)
				}
				out = append(out, es...)
				break
			}
		}
	}
	return out, sc.Err()
}

func parseSidecar(target string, content []byte) ([]Expectation, error) {
	var out []Expectation
	for i, text := range strings.Split(string(content), "\n") {
		text = strings.TrimSpace(text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		num, rest, _ := strings.Cut(text, " ")
		line, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("%s.want:%d: want a line number, got %q", target, i+1, num)
		}
		es, err := parseItems(target, line, strings.TrimPrefix(strings.TrimSpace(rest), "want "))
		if err != nil {
			return nil, fmt.Errorf("%s.want:%d: %w", target, i+1, err)
		}
		out = append(out, es...)
	}
	return out, nil
}

// parseItems parses `[+N] [RULE:]"rx" ...` with Go's scanner, like x/tools.
func parseItems(p string, line int, text string) ([]Expectation, error) {
	var s scanner.Scanner
	s.Init(strings.NewReader(text))
	s.Mode = scanner.ScanIdents | scanner.ScanStrings | scanner.ScanRawStrings | scanner.ScanInts
	s.Error = func(*scanner.Scanner, string) {}
	var out []Expectation
	offset := 0
	for tok := s.Scan(); tok != scanner.EOF; tok = s.Scan() {
		rule := ""
		switch tok {
		case '+':
			if s.Scan() != scanner.Int {
				return nil, fmt.Errorf("want +N: expected a number")
			}
			n, _ := strconv.Atoi(s.TokenText())
			offset = n
			continue
		case scanner.Ident:
			rule = s.TokenText()
			if s.Scan() != ':' {
				return nil, fmt.Errorf("want: expected ':' after %s", rule)
			}
			tok = s.Scan()
		}
		if tok != scanner.String && tok != scanner.RawString {
			return nil, fmt.Errorf("want: expected a quoted regexp, got %q", s.TokenText())
		}
		lit, err := strconv.Unquote(s.TokenText())
		if err != nil {
			return nil, fmt.Errorf("want: %w", err)
		}
		rx, err := regexp.Compile(lit)
		if err != nil {
			return nil, fmt.Errorf("want: %w", err)
		}
		out = append(out, Expectation{Path: p, Line: line, Rule: rule, Rx: rx})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("want: no expectation")
	}
	for i := range out {
		out[i].Line += offset
	}
	return out, nil
}
