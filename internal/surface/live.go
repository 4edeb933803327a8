package surface

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
)

// ParseLive reads a captured MCP listing: a tools/list JSON-RPC response, a
// bare result ({"tools": […]}), a bare array of tools, an array of pages, or
// an object holding "initialize", "tools/list", "prompts/list" and
// "resources/list" responses (as scripts/capture-tools-list.sh writes).
// Duplicate tool names across pages are an error: a client would see one.
func ParseLive(data []byte, path string) (*Surface, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &Surface{Tools: []*Tool{}}
	pos := analysis.Position{Path: path}
	if err := collect(v, s, pos, 0); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]bool{}
	for _, t := range s.Tools {
		if seen[t.Name.Value] {
			return nil, fmt.Errorf("%s: tool %q listed twice", path, t.Name.Value)
		}
		seen[t.Name.Value] = true
	}
	return s, nil
}

func collect(v any, s *Surface, pos analysis.Position, depth int) error {
	if depth > 8 {
		return fmt.Errorf("listing nested too deeply")
	}
	switch x := v.(type) {
	case []any:
		// Either tools or pages/responses.
		for _, e := range x {
			if m, ok := e.(map[string]any); ok && isTool(m) {
				s.Tools = append(s.Tools, liveTool(m, pos))
				continue
			}
			if err := collect(e, s, pos, depth+1); err != nil {
				return err
			}
		}
	case map[string]any:
		if r, ok := x["result"]; ok {
			return collect(r, s, pos, depth+1)
		}
		if e, ok := x["error"]; ok {
			return fmt.Errorf("the listing is a JSON-RPC error: %v", e)
		}
		for _, k := range []string{"initialize", "tools/list", "prompts/list", "resources/list"} {
			if r, ok := x[k]; ok {
				if err := collect(r, s, pos, depth+1); err != nil {
					return err
				}
			}
		}
		if tools, ok := x["tools"].([]any); ok {
			for _, t := range tools {
				m, ok := t.(map[string]any)
				if !ok || !isTool(m) {
					return fmt.Errorf("a tools entry is not a tool: %v", t)
				}
				s.Tools = append(s.Tools, liveTool(m, pos))
			}
		}
		if prompts, ok := x["prompts"].([]any); ok {
			for _, p := range prompts {
				if m, ok := p.(map[string]any); ok {
					s.Prompts = append(s.Prompts, livePrompt(m, pos))
				}
			}
		}
		for _, key := range []string{"resources", "resourceTemplates"} {
			if rs, ok := x[key].([]any); ok {
				for _, r := range rs {
					if m, ok := r.(map[string]any); ok {
						s.Resources = append(s.Resources, liveResource(m, pos))
					}
				}
			}
		}
		if ins, ok := x["instructions"].(string); ok && ins != "" {
			s.Instructions = append(s.Instructions, Lit(ins, pos))
		}
	}
	return nil
}

func isTool(m map[string]any) bool {
	_, named := m["name"].(string)
	_, schema := m["inputSchema"]
	return named && schema
}

func text(m map[string]any, key string, pos analysis.Position) *Text {
	s, ok := m[key].(string)
	if !ok || s == "" {
		return nil
	}
	t := Lit(s, pos)
	return &t
}

func liveTool(m map[string]any, pos analysis.Position) *Tool {
	t := &Tool{Name: Lit(m["name"].(string), pos), Title: text(m, "title", pos), Description: text(m, "description", pos),
		Pattern: "live:tools/list", Pos: pos, Resolution: Resolved}
	if a, ok := m["annotations"].(map[string]any); ok {
		t.Annotations = map[string]any{}
		for k, v := range a {
			t.Annotations[k] = jsonValue(v)
		}
	}
	if sc, ok := m["inputSchema"].(map[string]any); ok {
		t.InputSchema = ParseJSONSchema(sc, pos)
	}
	if sc, ok := m["outputSchema"].(map[string]any); ok {
		t.OutputSchema = ParseJSONSchema(sc, pos)
	}
	return t
}

func livePrompt(m map[string]any, pos analysis.Position) *Prompt {
	name, _ := m["name"].(string)
	p := &Prompt{Name: Lit(name, pos), Title: text(m, "title", pos), Description: text(m, "description", pos), Pattern: "live:prompts/list", Pos: pos}
	if args, ok := m["arguments"].([]any); ok {
		for _, a := range args {
			am, ok := a.(map[string]any)
			if !ok {
				continue
			}
			n, _ := am["name"].(string)
			req, _ := am["required"].(bool)
			p.Arguments = append(p.Arguments, PromptArg{Name: Lit(n, pos), Description: text(am, "description", pos), Required: req})
		}
	}
	return p
}

func liveResource(m map[string]any, pos analysis.Position) *Resource {
	name, _ := m["name"].(string)
	uri, _ := m["uri"].(string)
	if uri == "" {
		uri, _ = m["uriTemplate"].(string)
	}
	mime, _ := m["mimeType"].(string)
	return &Resource{Name: Lit(name, pos), URI: Lit(uri, pos), Title: text(m, "title", pos), Description: text(m, "description", pos),
		MimeType: mime, Pattern: "live:resources/list", Pos: pos}
}

// ParseJSONSchema reads the parts of a JSON Schema object the model sees.
// Local references ($ref to #/$defs or #/definitions) are resolved and a
// union with null (anyOf/oneOf [X, {"type": "null"}], as pydantic writes
// Optional[X]) is read as X, which is how the extractors describe the same
// parameter from source, so that pins agree.
func ParseJSONSchema(m map[string]any, pos analysis.Position) *Schema {
	return parseSchema(m, m, pos, 0)
}

// flatten merges a node's $ref target, single allOf member, or single
// non-null anyOf/oneOf branch under the node's own keys.
func flattenNode(root, m map[string]any, depth int) map[string]any {
	if depth > 16 {
		return m
	}
	var base map[string]any
	if ref, ok := m["$ref"].(string); ok {
		for _, prefix := range []string{"#/$defs/", "#/definitions/"} {
			if name, ok := strings.CutPrefix(ref, prefix); ok {
				defs, _ := root[strings.Trim(prefix[1:], "/")].(map[string]any)
				base, _ = defs[name].(map[string]any)
			}
		}
	}
	if base == nil {
		if all, ok := m["allOf"].([]any); ok && len(all) == 1 {
			base, _ = all[0].(map[string]any)
		}
	}
	if base == nil {
		for _, k := range []string{"anyOf", "oneOf"} {
			branches, ok := m[k].([]any)
			if !ok {
				continue
			}
			var rest []map[string]any
			for _, b := range branches {
				bm, _ := b.(map[string]any)
				if bm != nil && bm["type"] != "null" {
					rest = append(rest, bm)
				}
			}
			if len(rest) == 1 {
				base = rest[0]
			}
		}
	}
	if base == nil {
		return m
	}
	merged := map[string]any{}
	for k, v := range flattenNode(root, base, depth+1) {
		merged[k] = v
	}
	for k, v := range m {
		switch k {
		case "$ref", "allOf", "anyOf", "oneOf":
			continue
		}
		merged[k] = v
	}
	// The null branch of a union is dropped from the normal form, but a
	// model still reads any text in it: keep that text for scanning.
	var dropped []any
	for _, k := range []string{"anyOf", "oneOf"} {
		branches, _ := m[k].([]any)
		for _, b := range branches {
			if bm, _ := b.(map[string]any); bm != nil && bm["type"] == "null" && len(bm) > 1 {
				dropped = append(dropped, bm)
			}
		}
	}
	if len(dropped) > 0 {
		merged[droppedBranches] = dropped
	}
	return merged
}

// droppedBranches holds, in a flattened node, the union branches left out
// of it; a key no JSON Schema document uses.
const droppedBranches = "\x00dropped"

func parseSchema(root, m map[string]any, pos analysis.Position, depth int) *Schema {
	s := &Schema{Pos: pos}
	if depth > 32 {
		return s
	}
	m = flattenNode(root, m, 0)
	switch t := m["type"].(type) {
	case string:
		s.Type = t
	case []any:
		var ts []string
		for _, x := range t {
			if str, ok := x.(string); ok {
				ts = append(ts, str)
			}
		}
		sort.Strings(ts)
		s.Type = strings.Join(ts, ",")
	}
	s.Title, s.Description = text(m, "title", pos), text(m, "description", pos)
	if e, ok := m["enum"].([]any); ok {
		for _, v := range e {
			s.Enum = append(s.Enum, jsonValue(v))
		}
	}
	if d, ok := m["default"]; ok {
		s.Default, s.HasDefault = jsonValue(d), true
	}
	if ex, ok := m["examples"].([]any); ok {
		for _, v := range ex {
			s.Examples = append(s.Examples, jsonValue(v))
		}
	}
	required := map[string]bool{}
	if r, ok := m["required"].([]any); ok {
		for _, x := range r {
			if name, ok := x.(string); ok {
				required[name] = true
			}
		}
	}
	if props, ok := m["properties"].(map[string]any); ok {
		names := make([]string, 0, len(props))
		for k := range props {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			pm, _ := props[k].(map[string]any)
			if pm == nil {
				pm = map[string]any{}
			}
			s.Properties = append(s.Properties, &Prop{Name: Lit(k, pos), Required: required[k], Schema: parseSchema(root, pm, pos, depth+1)})
		}
	}
	if items, ok := m["items"].(map[string]any); ok {
		s.Items = parseSchema(root, items, pos, depth+1)
	}
	for k, v := range m {
		switch k {
		case "type", "title", "description", "enum", "default", "examples", "required", "properties", "items", "$defs", "definitions":
			continue
		}
		collectStrings(v, pos, &s.Other, depth)
	}
	if depth == 0 {
		// Definitions are read once, at the root, for scanning.
		for _, k := range []string{"$defs", "definitions"} {
			if v, ok := m[k]; ok {
				collectStrings(v, pos, &s.Other, depth)
			}
		}
	}
	sort.Slice(s.Other, func(i, j int) bool { return s.Other[i].Value < s.Other[j].Value })
	return s
}

// collectStrings gathers every string of a JSON value (keys included) so
// that schema keywords outside the pinned ones are still scanned.
func collectStrings(v any, pos analysis.Position, out *[]Text, depth int) {
	if depth > 32 {
		return
	}
	switch x := v.(type) {
	case string:
		*out = append(*out, Lit(x, pos))
	case []any:
		for _, e := range x {
			collectStrings(e, pos, out, depth+1)
		}
	case map[string]any:
		for k, e := range x {
			*out = append(*out, Lit(k, pos))
			collectStrings(e, pos, out, depth+1)
		}
	}
}

// jsonValue turns json.Number into float64 (or int64 when integral), so
// that pins from source and from live listings compare equal.
func jsonValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = jsonValue(e)
		}
		return out
	}
	return v
}
