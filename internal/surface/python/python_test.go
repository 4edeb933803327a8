package python

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/internal/surface"
)

var update = flag.Bool("update", false, "rewrite testdata/*/want.json from the current output")

// loadDir reads a directory as a workspace: its .py files are the Source
// files, and every file is readable through ReadFile.
func loadDir(t testing.TB, dir string) surface.Source {
	t.Helper()
	files := map[string][]byte{}
	var src surface.Source
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == "want.json" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel] = b
		if strings.HasSuffix(rel, ".py") {
			src.Files = append(src.Files, surface.File{Path: rel, Content: b})
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
	return src
}

// The projection keeps what the golden files pin: texts with their
// resolution, schemas, handler facts, outputs, indicators and gaps.
type projSurface struct {
	Tools        []projTool     `json:"tools"`
	Prompts      []projPrompt   `json:"prompts,omitempty"`
	Resources    []projResource `json:"resources,omitempty"`
	Instructions []string       `json:"instructions,omitempty"`
	Indicators   []string       `json:"indicators,omitempty"`
	Gaps         []string       `json:"gaps,omitempty"`
}

type projTool struct {
	Name        string         `json:"name"`
	Pattern     string         `json:"pattern"`
	Title       string         `json:"title,omitempty"`
	Description string         `json:"description,omitempty"`
	Resolution  string         `json:"resolution"`
	Reasons     []string       `json:"reasons,omitempty"`
	Annotations map[string]any `json:"annotations,omitempty"`
	Properties  []projProp     `json:"properties,omitempty"`
	Handler     string         `json:"handler,omitempty"`
	UsedParams  []string       `json:"usedParams,omitempty"`
	Outputs     []string       `json:"outputs,omitempty"`
}

type projProp struct {
	Name        string     `json:"name"`
	Type        string     `json:"type,omitempty"`
	Title       string     `json:"title,omitempty"`
	Description string     `json:"description,omitempty"`
	Required    bool       `json:"required,omitempty"`
	Enum        []any      `json:"enum,omitempty"`
	Default     any        `json:"default,omitempty"`
	HasDefault  bool       `json:"hasDefault,omitempty"`
	Items       string     `json:"items,omitempty"`
	Other       []string   `json:"other,omitempty"`
	Properties  []projProp `json:"properties,omitempty"`
}

type projPrompt struct {
	Name        string   `json:"name"`
	Pattern     string   `json:"pattern"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Arguments   []string `json:"arguments,omitempty"`
	Messages    []string `json:"messages,omitempty"`
}

type projResource struct {
	URI         string `json:"uri"`
	Name        string `json:"name"`
	Pattern     string `json:"pattern"`
	Description string `json:"description,omitempty"`
	MimeType    string `json:"mimeType,omitempty"`
}

// txt renders a text: the value when resolved, else its resolution, value
// and reason.
func txt(t *surface.Text) string {
	if t == nil {
		return ""
	}
	if t.Resolution == surface.Resolved {
		return t.Value
	}
	return fmt.Sprintf("<%s> %s | %s", t.Resolution, t.Value, t.Reason)
}

func projProps(s *surface.Schema) []projProp {
	if s == nil {
		return nil
	}
	var out []projProp
	for _, p := range s.Properties {
		pp := projProp{
			Name:        txt(&p.Name),
			Type:        p.Schema.Type,
			Title:       txt(p.Schema.Title),
			Description: txt(p.Schema.Description),
			Required:    p.Required,
			Enum:        p.Schema.Enum,
			Default:     p.Schema.Default,
			HasDefault:  p.Schema.HasDefault,
			Properties:  projProps(p.Schema),
		}
		if p.Schema.Items != nil {
			pp.Items = p.Schema.Items.Type
		}
		for _, o := range p.Schema.Other {
			pp.Other = append(pp.Other, txt(&o))
		}
		out = append(out, pp)
	}
	return out
}

func project(s *surface.Surface) projSurface {
	out := projSurface{Tools: []projTool{}}
	for _, t := range s.Tools {
		pt := projTool{
			Name:        txt(&t.Name),
			Pattern:     t.Pattern,
			Title:       txt(t.Title),
			Description: txt(t.Description),
			Resolution:  string(t.Resolution),
			Reasons:     t.Reasons,
			Annotations: t.Annotations,
			Properties:  projProps(t.InputSchema),
			UsedParams:  t.UsedParams,
		}
		if t.HandlerKnown {
			pt.Handler = fmt.Sprintf("%s:%d", t.Handler.Path, t.Handler.StartLine)
		}
		for _, o := range t.Outputs {
			pt.Outputs = append(pt.Outputs, txt(&o))
		}
		out.Tools = append(out.Tools, pt)
	}
	for _, p := range s.Prompts {
		pp := projPrompt{Name: txt(&p.Name), Pattern: p.Pattern, Title: txt(p.Title), Description: txt(p.Description)}
		for _, a := range p.Arguments {
			r := ""
			if a.Required {
				r = " (required)"
			}
			pp.Arguments = append(pp.Arguments, txt(&a.Name)+r+": "+txt(a.Description))
		}
		for _, m := range p.Messages {
			pp.Messages = append(pp.Messages, txt(&m))
		}
		out.Prompts = append(out.Prompts, pp)
	}
	for _, r := range s.Resources {
		out.Resources = append(out.Resources, projResource{URI: txt(&r.URI), Name: txt(&r.Name), Pattern: r.Pattern, Description: txt(r.Description), MimeType: r.MimeType})
	}
	for _, i := range s.Instructions {
		out.Instructions = append(out.Instructions, txt(&i))
	}
	for _, i := range s.Indicators {
		out.Indicators = append(out.Indicators, fmt.Sprintf("%s %s:%d: %s", i.Kind, i.Pos.Path, i.Pos.StartLine, i.Detail))
	}
	for _, g := range s.Gaps {
		out.Gaps = append(out.Gaps, fmt.Sprintf("%s %s: %s", g.Kind, g.Path, g.Detail))
	}
	return out
}

// TestGolden extracts each testdata/<case> workspace and compares the
// projection with want.json; go test -update rewrites the files.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			s, err := Extract(context.Background(), loadDir(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(project(s)); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			wantPath := filepath.Join(dir, "want.json")
			if *update {
				if err := os.WriteFile(wantPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("projection differs from %s (go test -update rewrites it):\n%s", wantPath, diffLines(string(want), string(got)))
			}
		})
	}
}

// diffLines shows the first lines that differ.
func diffLines(want, got string) string {
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
			if shown++; shown == 10 {
				break
			}
		}
	}
	return b.String()
}
