package golang

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// loadDir builds a Source from a directory the way the scanner does: every
// .go file (tests and vendor/ included: the extractor must skip them), and
// any other file through ReadFile.
func loadDir(t testing.TB, dir string) surface.Source {
	t.Helper()
	root := os.DirFS(dir)
	var src surface.Source
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		data, err := fs.ReadFile(root, p)
		src.Files = append(src.Files, surface.File{Path: p, Content: data})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	src.ReadFile = func(p string) ([]byte, error) { return fs.ReadFile(root, p) }
	return src
}

func extractDir(t testing.TB, dir string) *surface.Surface {
	t.Helper()
	s, err := Extract(context.Background(), loadDir(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The projection keeps what the tests pin: texts as plain strings when
// resolved, positions as file:line.

type pTool struct {
	Name        any            `json:"name"`
	Title       any            `json:"title,omitempty"`
	Description any            `json:"description,omitempty"`
	Resolution  string         `json:"resolution"`
	Reasons     []string       `json:"reasons,omitempty"`
	Pattern     string         `json:"pattern"`
	At          string         `json:"at"`
	Annotations map[string]any `json:"annotations,omitempty"`
	Input       *pSchema       `json:"input,omitempty"`
	Output      *pSchema       `json:"output,omitempty"`
	Handler     string         `json:"handler,omitempty"`
	UsedParams  []string       `json:"usedParams,omitempty"`
	Outputs     []any          `json:"outputs,omitempty"`
}

type pSchema struct {
	Type        string          `json:"type,omitempty"`
	Title       any             `json:"title,omitempty"`
	Description any             `json:"description,omitempty"`
	Enum        []any           `json:"enum,omitempty"`
	Default     json.RawMessage `json:"default,omitempty"`
	Examples    []any           `json:"examples,omitempty"`
	Properties  []pProp         `json:"properties,omitempty"`
	Items       *pSchema        `json:"items,omitempty"`
	Other       []any           `json:"other,omitempty"`
}

type pProp struct {
	Name     any  `json:"name"`
	Required bool `json:"required,omitempty"`
	*pSchema
}

type pPrompt struct {
	Name        any    `json:"name"`
	Title       any    `json:"title,omitempty"`
	Description any    `json:"description,omitempty"`
	Arguments   []any  `json:"arguments,omitempty"`
	Messages    []any  `json:"messages,omitempty"`
	Pattern     string `json:"pattern"`
}

type pResource struct {
	Name        any    `json:"name"`
	URI         any    `json:"uri"`
	Title       any    `json:"title,omitempty"`
	Description any    `json:"description,omitempty"`
	MimeType    string `json:"mimeType,omitempty"`
	Pattern     string `json:"pattern"`
}

type pIndicator struct {
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
	At     string `json:"at"`
}

type projection struct {
	Tools        []pTool        `json:"tools"`
	Prompts      []pPrompt      `json:"prompts,omitempty"`
	Resources    []pResource    `json:"resources,omitempty"`
	Instructions []any          `json:"instructions,omitempty"`
	Indicators   []pIndicator   `json:"indicators,omitempty"`
	Gaps         []analysis.Gap `json:"gaps,omitempty"`
}

func at(p analysis.Position) string {
	if p.Path == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", p.Path, p.StartLine)
}

// ptext is a resolved text's value, or its value with resolution and reason.
func ptext(t surface.Text) any {
	if t.Resolution == surface.Resolved {
		return t.Value
	}
	m := map[string]any{"resolution": string(t.Resolution), "reason": t.Reason}
	if t.Value != "" {
		m["value"] = t.Value
	}
	return m
}

func ptextp(t *surface.Text) any {
	if t == nil {
		return nil
	}
	return ptext(*t)
}

func ptexts(ts []surface.Text) []any {
	var out []any
	for _, t := range ts {
		out = append(out, ptext(t))
	}
	return out
}

func pschema(s *surface.Schema) *pSchema {
	if s == nil {
		return nil
	}
	p := &pSchema{Type: s.Type, Title: ptextp(s.Title), Description: ptextp(s.Description), Enum: s.Enum, Examples: s.Examples, Items: pschema(s.Items), Other: ptexts(s.Other)}
	if s.HasDefault {
		p.Default, _ = json.Marshal(s.Default)
	}
	for _, pr := range s.Properties {
		ps := pschema(pr.Schema)
		if ps == nil {
			ps = &pSchema{}
		}
		p.Properties = append(p.Properties, pProp{Name: ptext(pr.Name), Required: pr.Required, pSchema: ps})
	}
	return p
}

func project(s *surface.Surface) projection {
	p := projection{Tools: []pTool{}, Gaps: s.Gaps}
	for _, t := range s.Tools {
		pt := pTool{
			Name: ptext(t.Name), Title: ptextp(t.Title), Description: ptextp(t.Description),
			Resolution: string(t.Resolution), Reasons: t.Reasons, Pattern: t.Pattern, At: at(t.Pos),
			Annotations: t.Annotations, Input: pschema(t.InputSchema), Output: pschema(t.OutputSchema),
			UsedParams: t.UsedParams, Outputs: ptexts(t.Outputs),
		}
		if t.HandlerKnown {
			pt.Handler = at(t.Handler)
		}
		p.Tools = append(p.Tools, pt)
	}
	for _, pr := range s.Prompts {
		pp := pPrompt{Name: ptext(pr.Name), Title: ptextp(pr.Title), Description: ptextp(pr.Description), Messages: ptexts(pr.Messages), Pattern: pr.Pattern}
		for _, a := range pr.Arguments {
			arg := map[string]any{"name": ptext(a.Name), "required": a.Required}
			if a.Description != nil {
				arg["description"] = ptext(*a.Description)
			}
			pp.Arguments = append(pp.Arguments, arg)
		}
		p.Prompts = append(p.Prompts, pp)
	}
	for _, r := range s.Resources {
		p.Resources = append(p.Resources, pResource{Name: ptext(r.Name), URI: ptext(r.URI), Title: ptextp(r.Title), Description: ptextp(r.Description), MimeType: r.MimeType, Pattern: r.Pattern})
	}
	p.Instructions = ptexts(s.Instructions)
	for _, i := range s.Indicators {
		p.Indicators = append(p.Indicators, pIndicator{Kind: i.Kind, Detail: i.Detail, At: at(i.Pos)})
	}
	return p
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(data, '\n')
}

func fixtureDir(name string) string {
	return filepath.Join("..", "..", "..", "fixtures", "servers", name)
}
