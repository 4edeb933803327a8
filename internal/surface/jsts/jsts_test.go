package jsts

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

var update = flag.Bool("update", false, "rewrite testdata/*/want.json")

// workspace reads a directory as a surface.Source: the JS/TS files as
// Files, every file through ReadFile.
func workspace(t testing.TB, dir string) surface.Source {
	t.Helper()
	var src surface.Source
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "want.json" {
			return nil
		}
		switch filepath.Ext(p) {
		case ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx":
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			src.Files = append(src.Files, surface.File{Path: rel, Content: data})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	src.ReadFile = func(p string) ([]byte, error) {
		if strings.Contains(p, "..") || strings.HasPrefix(p, "/") {
			return nil, fs.ErrNotExist
		}
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	}
	return src
}

// The projection is what the golden files pin: the parts of the surface
// the extractor is responsible for, in a form that reads well in a diff.
type pSurface struct {
	Tools        []pTool     `json:"tools"`
	Prompts      []pPrompt   `json:"prompts,omitempty"`
	Resources    []pResource `json:"resources,omitempty"`
	Instructions []string    `json:"instructions,omitempty"`
	Indicators   []string    `json:"indicators,omitempty"`
	Gaps         []string    `json:"gaps,omitempty"`
}

type pTool struct {
	Name         string         `json:"name"`
	Pattern      string         `json:"pattern"`
	Pos          string         `json:"pos"`
	Title        string         `json:"title,omitempty"`
	Description  string         `json:"description,omitempty"`
	Resolution   string         `json:"resolution"`
	Reasons      []string       `json:"reasons,omitempty"`
	Annotations  map[string]any `json:"annotations,omitempty"`
	Input        []pProp        `json:"input,omitempty"`
	Output       []pProp        `json:"output,omitempty"`
	Handler      string         `json:"handler,omitempty"`
	HandlerKnown bool           `json:"handlerKnown,omitempty"`
	UsedParams   []string       `json:"usedParams,omitempty"`
	Outputs      []string       `json:"outputs,omitempty"`
}

type pProp struct {
	Name        string   `json:"name"`
	Type        string   `json:"type,omitempty"`
	Description string   `json:"description,omitempty"`
	Required    bool     `json:"required,omitempty"`
	Enum        []any    `json:"enum,omitempty"`
	Default     any      `json:"default,omitempty"`
	HasDefault  bool     `json:"hasDefault,omitempty"`
	Examples    []any    `json:"examples,omitempty"`
	Title       string   `json:"title,omitempty"`
	Other       []string `json:"other,omitempty"`
	Items       *pProp   `json:"items,omitempty"`
	Properties  []pProp  `json:"properties,omitempty"`
}

type pPrompt struct {
	Name        string   `json:"name"`
	Pattern     string   `json:"pattern"`
	Description string   `json:"description,omitempty"`
	Arguments   []string `json:"arguments,omitempty"`
	Messages    []string `json:"messages,omitempty"`
}

type pResource struct {
	Name        string `json:"name"`
	URI         string `json:"uri"`
	Pattern     string `json:"pattern"`
	Description string `json:"description,omitempty"`
	MimeType    string `json:"mimeType,omitempty"`
}

func ptext(t *surface.Text) string {
	if t == nil {
		return ""
	}
	switch t.Resolution {
	case surface.Partial:
		return "(partial) " + t.Value
	case surface.Unresolved:
		return "(unresolved: " + t.Reason + ")"
	}
	return t.Value
}

func ppos(p analysis.Position) string {
	if p.Path == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d", p.Path, p.StartLine, p.StartCol)
}

func pschema(s *surface.Schema) []pProp {
	if s == nil {
		return nil
	}
	var out []pProp
	for _, p := range s.Properties {
		out = append(out, pprop(p.Name.Value, p.Required, p.Schema, 0))
	}
	return out
}

func pprop(name string, req bool, s *surface.Schema, depth int) pProp {
	p := pProp{Name: name, Required: req}
	if s == nil || depth > 8 {
		return p
	}
	p.Type, p.Description, p.Enum, p.Default, p.HasDefault = s.Type, ptext(s.Description), s.Enum, s.Default, s.HasDefault
	p.Examples, p.Title = s.Examples, ptext(s.Title)
	for _, o := range s.Other {
		p.Other = append(p.Other, ptext(&o))
	}
	for _, c := range s.Properties {
		p.Properties = append(p.Properties, pprop(c.Name.Value, c.Required, c.Schema, depth+1))
	}
	if s.Items != nil {
		it := pprop("[]", false, s.Items, depth+1)
		p.Items = &it
	}
	return p
}

func project(s *surface.Surface) pSurface {
	out := pSurface{Tools: []pTool{}}
	for _, t := range s.Tools {
		pt := pTool{Name: ptext(&t.Name), Pattern: t.Pattern, Pos: ppos(t.Pos), Title: ptext(t.Title),
			Description: ptext(t.Description), Resolution: string(t.Resolution), Reasons: t.Reasons,
			Annotations: t.Annotations, Input: pschema(t.InputSchema), Output: pschema(t.OutputSchema),
			Handler: ppos(t.Handler), HandlerKnown: t.HandlerKnown, UsedParams: t.UsedParams}
		for _, o := range t.Outputs {
			pt.Outputs = append(pt.Outputs, ptext(&o))
		}
		out.Tools = append(out.Tools, pt)
	}
	for _, p := range s.Prompts {
		pp := pPrompt{Name: ptext(&p.Name), Pattern: p.Pattern, Description: ptext(p.Description)}
		for _, a := range p.Arguments {
			arg := a.Name.Value
			if a.Required {
				arg += "*"
			}
			if a.Description != nil {
				arg += ": " + ptext(a.Description)
			}
			pp.Arguments = append(pp.Arguments, arg)
		}
		for _, m := range p.Messages {
			pp.Messages = append(pp.Messages, ptext(&m))
		}
		out.Prompts = append(out.Prompts, pp)
	}
	for _, r := range s.Resources {
		out.Resources = append(out.Resources, pResource{Name: ptext(&r.Name), URI: ptext(&r.URI), Pattern: r.Pattern,
			Description: ptext(r.Description), MimeType: r.MimeType})
	}
	for _, in := range s.Instructions {
		out.Instructions = append(out.Instructions, ptext(&in))
	}
	for _, in := range s.Indicators {
		out.Indicators = append(out.Indicators, fmt.Sprintf("%s %s: %s", ppos(in.Pos), in.Kind, in.Detail))
	}
	for _, g := range s.Gaps {
		out.Gaps = append(out.Gaps, fmt.Sprintf("%s %s: %s", g.Kind, g.Path, g.Detail))
	}
	return out
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGolden extracts every testdata/<case> workspace and compares the
// projection with want.json (go test -update rewrites it). Each case runs
// twice: as is, and with every function body that holds no declaration cut
// out before parsing (the large-file path), which must not change the
// surface.
func TestGolden(t *testing.T) {
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == "fuzz" { // the fuzz corpus is no case
			continue
		}
		n++
		dir := filepath.Join("testdata", d.Name())
		t.Run(d.Name(), func(t *testing.T) {
			src := workspace(t, dir)
			s, err := Extract(context.Background(), src)
			if err != nil {
				t.Fatal(err)
			}
			got := marshal(t, project(s))
			wantPath := filepath.Join(dir, "want.json")
			if *update {
				if err := os.WriteFile(wantPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("surface differs from %s (go test -update rewrites it):\n%s", wantPath, diff(string(want), string(got)))
			}
			masked, err := extract(context.Background(), src, 0)
			if err != nil {
				t.Fatal(err)
			}
			if gotMasked := marshal(t, project(masked)); !bytes.Equal(gotMasked, got) {
				t.Errorf("masking bodies changed the surface:\n%s", diff(string(got), string(gotMasked)))
			}
		})
	}
	if n == 0 {
		t.Fatal("no test cases")
	}
}

// diff shows the first differing lines of two texts.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, wl, gl)
			if shown++; shown >= 12 {
				b.WriteString("  …\n")
				break
			}
		}
	}
	return b.String()
}
