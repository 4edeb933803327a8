// Package mcpsurface defines an analyzer that extracts a server's tool
// surface statically — every tool, prompt, resource and the server
// instructions — from JavaScript/TypeScript, Python and Go source, reads the
// surfaces the release declares (MCPB manifest.json and its localization
// files, registry server.json, a captured tools/list given with
// --tools-json), and pins the tools. Other analyzers Require it.
package mcpsurface

import (
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"sort"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
	"github.com/mcpcert/mcpcert/internal/surface/golang"
	"github.com/mcpcert/mcpcert/internal/surface/jsts"
	"github.com/mcpcert/mcpcert/internal/surface/python"
)

// Analyzer extracts the tool surface.
var Analyzer = &analysis.Analyzer{
	Name: "mcpsurface",
	Doc: `extract the MCP tool surface statically and pin it

Reads tools, prompts, resources and server instructions from source without
running the server: the official SDKs and common frameworks in TypeScript and
JavaScript (including bundled dist files), Python and Go, with text resolved
through constants, concatenation and imports. Text that cannot be resolved is
a coverage gap unless a captured tools/list covers the tool.`,
	Version:    "mcpcert-surface 1",
	ResultType: reflect.TypeFor[*Result](),
	Run:        run,
}

// Result is the extracted and declared surface and the pin.
type Result struct {
	Surface  *surface.Surface
	Declared []surface.Declared
	// Pin is the pin of the tools extracted from source; LivePin that of
	// the captured tools/list, when one was given.
	Pin     *surface.Pin
	LivePin *surface.Pin
}

func run(pass *analysis.Pass) (any, error) {
	var js, py, gosrc []surface.File
	for _, f := range pass.Files {
		var dst *[]surface.File
		switch f.Lang {
		case analysis.LangJavaScript, analysis.LangTypeScript:
			dst = &js
		case analysis.LangPython:
			dst = &py
		case analysis.LangGo:
			dst = &gosrc
		default:
			continue
		}
		data, err := pass.ReadFile(f.Path)
		if err != nil {
			return nil, err
		}
		*dst = append(*dst, surface.File{Path: f.Path, Content: data})
	}
	s := &surface.Surface{Tools: []*surface.Tool{}}
	for _, x := range []struct {
		files   []surface.File
		extract func(surface.Source) (*surface.Surface, error)
	}{
		{js, func(src surface.Source) (*surface.Surface, error) { return jsts.Extract(pass.Context, src) }},
		{py, func(src surface.Source) (*surface.Surface, error) { return python.Extract(pass.Context, src) }},
		{gosrc, func(src surface.Source) (*surface.Surface, error) { return golang.Extract(pass.Context, src) }},
	} {
		if len(x.files) == 0 {
			continue
		}
		got, err := x.extract(surface.Source{Files: x.files, ReadFile: pass.ReadFile})
		if err != nil {
			return nil, err
		}
		s.Merge(got)
	}
	res := &Result{Surface: s}
	declared, err := declaredSurfaces(pass)
	if err != nil {
		return nil, err
	}
	res.Declared = declared

	pin, err := surface.PinTools(s.Tools)
	if err != nil {
		pass.Gap(analysis.Gap{Kind: "tool-pin", Detail: err.Error()})
	} else {
		res.Pin = pin
	}
	live := map[string]bool{}
	for _, d := range declared {
		if d.Kind != "tools-json" {
			continue
		}
		for _, t := range d.Surface.Tools {
			live[t.Name.Value] = true
		}
		lp, err := surface.PinTools(d.Surface.Tools)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.Path, err)
		}
		res.LivePin = lp
	}
	for _, g := range s.Gaps {
		pass.Gap(g)
	}
	for _, t := range s.Tools {
		if t.Resolution != surface.Resolved && !live[t.Name.Value] {
			pass.Gap(analysis.Gap{Kind: "unresolved-tool-text", Path: t.Pos.Path,
				Detail: fmt.Sprintf("tool %q is %s statically (%s); give a captured tools/list with --tools-json to cover it", t.Name.Value, t.Resolution, strings.Join(t.Reasons, "; "))})
		}
	}
	return res, nil
}

// declaredSurfaces reads what the release declares: an MCPB manifest (with
// localization files), a registry server.json, and --tools-json.
func declaredSurfaces(pass *analysis.Pass) ([]surface.Declared, error) {
	var out []surface.Declared
	for _, f := range pass.Files {
		switch path.Base(f.Path) {
		case "manifest.json":
			if path.Dir(f.Path) != "." {
				continue
			}
			data, err := pass.ReadFile(f.Path)
			if err != nil {
				return nil, err
			}
			d, ok := mcpbManifest(pass, f.Path, data)
			if ok {
				out = append(out, d)
			}
		case "server.json":
			data, err := pass.ReadFile(f.Path)
			if err != nil {
				return nil, err
			}
			if d, ok := serverJSON(f.Path, data); ok {
				out = append(out, d)
			}
		}
	}
	if cfg := pass.Config; cfg != nil && len(cfg.ToolsJSON) > 0 {
		s, err := surface.ParseLive(cfg.ToolsJSON, cfg.ToolsJSONPath)
		if err != nil {
			return nil, fmt.Errorf("--tools-json: %w", err)
		}
		out = append(out, surface.Declared{Kind: "tools-json", Path: cfg.ToolsJSONPath, Surface: s})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// mcpbManifest reads an MCPB (formerly DXT) manifest: declared tools and
// prompts (names and descriptions only; prompts carry their text), the
// long description, and per-locale overrides in localization resources.
func mcpbManifest(pass *analysis.Pass, p string, data []byte) (surface.Declared, bool) {
	var m struct {
		ManifestVersion string `json:"manifest_version"`
		DXTVersion      string `json:"dxt_version"`
		Description     string `json:"description"`
		LongDescription string `json:"long_description"`
		DisplayName     string `json:"display_name"`
		Tools           []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"tools"`
		ToolsGenerated bool `json:"tools_generated"`
		Prompts        []struct {
			Name        string   `json:"name"`
			Description string   `json:"description"`
			Arguments   []string `json:"arguments"`
			Text        string   `json:"text"`
		} `json:"prompts"`
		Localization struct {
			Resources string `json:"resources"`
		} `json:"localization"`
	}
	if json.Unmarshal(data, &m) != nil || (m.ManifestVersion == "" && m.DXTVersion == "") {
		return surface.Declared{}, false
	}
	pos := analysis.Position{Path: p}
	s := &surface.Surface{Tools: []*surface.Tool{}}
	for _, t := range m.Tools {
		tool := &surface.Tool{Name: surface.Lit(t.Name, pos), Pattern: "mcpb:manifest", Pos: pos, Resolution: surface.Resolved}
		if t.Description != "" {
			d := surface.Lit(t.Description, pos)
			tool.Description = &d
		}
		s.Tools = append(s.Tools, tool)
	}
	for _, pr := range m.Prompts {
		prompt := &surface.Prompt{Name: surface.Lit(pr.Name, pos), Pattern: "mcpb:manifest", Pos: pos}
		if pr.Description != "" {
			d := surface.Lit(pr.Description, pos)
			prompt.Description = &d
		}
		if pr.Text != "" {
			prompt.Messages = []surface.Text{surface.Lit(pr.Text, pos)}
		}
		for _, a := range pr.Arguments {
			prompt.Arguments = append(prompt.Arguments, surface.PromptArg{Name: surface.Lit(a, pos)})
		}
		s.Prompts = append(s.Prompts, prompt)
	}
	for _, t := range []string{m.Description, m.LongDescription, m.DisplayName} {
		if t != "" {
			s.Instructions = append(s.Instructions, surface.Lit(t, pos))
		}
	}
	// Localization resources override descriptions per locale: every
	// string in them reaches the model for some user, so all are scanned.
	if res := m.Localization.Resources; res != "" {
		pattern := strings.ReplaceAll(res, "${locale}", "*")
		for _, f := range pass.Files {
			if ok, _ := path.Match(path.Clean(pattern), f.Path); ok {
				if loc, err := pass.ReadFile(f.Path); err == nil {
					var v any
					if json.Unmarshal(loc, &v) == nil {
						collect(v, analysis.Position{Path: f.Path}, &s.Instructions, 0)
					}
				}
			}
		}
	}
	return surface.Declared{Kind: "mcpb-manifest", Path: p, Surface: s, ToolsGenerated: m.ToolsGenerated}, true
}

// serverJSON reads the text fields of an MCP registry server.json: the
// server's description and title, and every package argument's and
// environment variable's description.
func serverJSON(p string, data []byte) (surface.Declared, bool) {
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return surface.Declared{}, false
	}
	if _, ok := m["packages"]; !ok {
		if _, ok := m["remotes"]; !ok {
			return surface.Declared{}, false
		}
	}
	pos := analysis.Position{Path: p}
	s := &surface.Surface{Tools: []*surface.Tool{}}
	collect(m, pos, &s.Instructions, 0)
	return surface.Declared{Kind: "server.json", Path: p, Surface: s}, true
}

// collect gathers the prose strings of a JSON document (descriptions,
// titles, text), skipping URLs, identifiers and versions.
func collect(v any, pos analysis.Position, out *[]surface.Text, depth int) {
	if depth > 16 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if str, ok := x[k].(string); ok {
				if k == "description" || k == "title" || k == "text" || k == "long_description" || k == "valueHint" || k == "placeholder" || strings.Contains(str, " ") {
					*out = append(*out, surface.Lit(str, pos))
				}
				continue
			}
			collect(x[k], pos, out, depth+1)
		}
	case []any:
		for _, e := range x {
			collect(e, pos, out, depth+1)
		}
	case string:
		if strings.Contains(x, " ") {
			*out = append(*out, surface.Lit(x, pos))
		}
	}
}
