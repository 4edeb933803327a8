package surface

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cyberphone/json-canonicalization/go/src/webpki.org/jsoncanonicalizer"
)

// PinVersion names the normal form below; it changes only if the form does.
const PinVersion = "mcpcert-tool-pin/v1"

// PinnedProperty is one schema property of a tool's normal form.
type PinnedProperty struct {
	// Path is the RFC 6901 JSON Pointer of the property's schema inside the
	// input schema: "/properties/a", "/properties/a/items",
	// "/properties/a/properties/b".
	Path        string `json:"path"`
	Type        any    `json:"type,omitempty"` // a string, or a sorted list for type unions
	Description string `json:"description,omitempty"`
	Enum        []any  `json:"enum,omitempty"`
	Default     any    `json:"default,omitempty"`
	HasDefault  bool   `json:"-"`
	Examples    []any  `json:"examples,omitempty"`
	Required    bool   `json:"required"`
}

// NormalTool is the normal form of a tool as a client sees it: name, title,
// description, annotations (hints equal to their MCP default left out), and
// every input-schema property reachable
// through "properties" and "items" with its path, type, description, enum,
// default, examples and whether it is required. Empty strings count as
// absent; key order, schema layout and every other keyword do not matter.
type NormalTool struct {
	Name        string           `json:"name"`
	Title       string           `json:"title,omitempty"`
	Description string           `json:"description,omitempty"`
	Annotations map[string]any   `json:"annotations,omitempty"`
	Properties  []PinnedProperty `json:"properties"`
}

// ToolPin is a tool's normal form and its digest.
type ToolPin struct {
	Name   string     `json:"name"`
	SHA256 string     `json:"sha256"`
	Normal NormalTool `json:"normal"`
	// Exact is false when some text of the tool was not resolved from
	// source, so the digest cannot be expected to match the live server.
	Exact bool `json:"exact"`
}

// Pin is the pin of a whole server.
type Pin struct {
	Version string    `json:"version"`
	SHA256  string    `json:"sha256"` // over the names and digests of all tools
	Tools   []ToolPin `json:"tools"`  // sorted by name
	// Exact is true when every tool's pin is exact.
	Exact bool `json:"exact"`
}

// annotationKeys are the MCP tool annotations the pin covers.
var annotationKeys = []string{"title", "readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}

// annotationDefaults are the MCP specification's defaults for the hints. A
// client reads a missing hint as its default, and SDKs differ in whether
// they send defaults (mcp-go sends all four, the TypeScript SDK none), so
// a hint equal to its default is left out of the normal form.
var annotationDefaults = map[string]any{"readOnlyHint": false, "destructiveHint": true, "idempotentHint": false, "openWorldHint": true}

// NormalForm computes a tool's normal form.
func NormalForm(t *Tool) NormalTool {
	n := NormalTool{Name: t.Name.Value, Properties: []PinnedProperty{}}
	if t.Title != nil {
		n.Title = t.Title.Value
	}
	if t.Description != nil {
		n.Description = t.Description.Value
	}
	for _, k := range annotationKeys {
		if v, ok := t.Annotations[k]; ok && v != nil && v != "" && v != annotationDefaults[k] {
			if n.Annotations == nil {
				n.Annotations = map[string]any{}
			}
			n.Annotations[k] = v
		}
	}
	if t.InputSchema != nil {
		flatten(t.InputSchema, "", &n.Properties)
	}
	sort.Slice(n.Properties, func(i, j int) bool { return n.Properties[i].Path < n.Properties[j].Path })
	return n
}

func flatten(s *Schema, path string, out *[]PinnedProperty) {
	for _, p := range s.Properties {
		child := path + "/properties/" + escapePointer(p.Name.Value)
		*out = append(*out, property(p.Schema, child, p.Required))
		flatten(p.Schema, child, out)
	}
	if s.Items != nil {
		child := path + "/items"
		*out = append(*out, property(s.Items, child, false))
		flatten(s.Items, child, out)
	}
}

func property(s *Schema, path string, required bool) PinnedProperty {
	p := PinnedProperty{Path: path, Required: required}
	if s == nil {
		return p
	}
	if s.Type != "" {
		if strings.Contains(s.Type, ",") {
			types := strings.Split(s.Type, ",")
			slices.Sort(types)
			p.Type = types
		} else {
			p.Type = s.Type
		}
	}
	if s.Description != nil {
		p.Description = s.Description.Value
	}
	p.Enum, p.Examples = s.Enum, s.Examples
	if s.HasDefault {
		p.Default, p.HasDefault = s.Default, true
	}
	return p
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// Canonical serialises v as RFC 8785 (JCS) canonical JSON.
func Canonical(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jsoncanonicalizer.Transform(raw)
}

// MarshalJSON keeps a default of JSON null distinct from no default.
func (p PinnedProperty) MarshalJSON() ([]byte, error) {
	type plain PinnedProperty
	raw, err := json.Marshal(plain(p))
	if err != nil || !p.HasDefault || p.Default != nil {
		return raw, err
	}
	return append(raw[:len(raw)-1], []byte(`,"default":null}`)...), nil
}

// UnmarshalJSON restores HasDefault, so that a pin read back from a report
// compares equal to the one computed.
func (p *PinnedProperty) UnmarshalJSON(data []byte) error {
	type plain PinnedProperty
	var q plain
	if err := json.Unmarshal(data, &q); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return err
	}
	_, q.HasDefault = keys["default"]
	*p = PinnedProperty(q)
	return nil
}

// PinTool computes one tool's pin.
func PinTool(t *Tool) (ToolPin, error) {
	n := NormalForm(t)
	c, err := Canonical(n)
	if err != nil {
		return ToolPin{}, fmt.Errorf("pin tool %q: %w", n.Name, err)
	}
	sum := sha256.Sum256(c)
	return ToolPin{Name: n.Name, SHA256: hex.EncodeToString(sum[:]), Normal: n, Exact: exact(t)}, nil
}

// exact reports whether every text the normal form uses was resolved.
func exact(t *Tool) bool {
	ok := t.Name.Resolution == Resolved
	for _, x := range []*Text{t.Title, t.Description} {
		ok = ok && (x == nil || x.Resolution == Resolved)
	}
	var walk func(s *Schema)
	walk = func(s *Schema) {
		if s == nil {
			return
		}
		for _, x := range []*Text{s.Description} {
			ok = ok && (x == nil || x.Resolution == Resolved)
		}
		for _, p := range s.Properties {
			ok = ok && p.Name.Resolution == Resolved
			walk(p.Schema)
		}
		walk(s.Items)
	}
	walk(t.InputSchema)
	return ok
}

// PinTools computes the pin of a set of tools. Duplicate names are an
// error: a client would see only one of them.
func PinTools(tools []*Tool) (*Pin, error) {
	p := &Pin{Version: PinVersion, Tools: []ToolPin{}, Exact: true}
	seen := map[string]bool{}
	for _, t := range tools {
		tp, err := PinTool(t)
		if err != nil {
			return nil, err
		}
		if seen[tp.Name] {
			return nil, fmt.Errorf("pin: tool %q is declared twice", tp.Name)
		}
		seen[tp.Name] = true
		p.Tools = append(p.Tools, tp)
		p.Exact = p.Exact && tp.Exact
	}
	sort.Slice(p.Tools, func(i, j int) bool { return p.Tools[i].Name < p.Tools[j].Name })
	type entry struct {
		Name   string `json:"name"`
		SHA256 string `json:"sha256"`
	}
	entries := []entry{}
	for _, t := range p.Tools {
		entries = append(entries, entry{t.Name, t.SHA256})
	}
	c, err := Canonical(struct {
		Version string  `json:"version"`
		Tools   []entry `json:"tools"`
	}{PinVersion, entries})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(c)
	p.SHA256 = hex.EncodeToString(sum[:])
	return p, nil
}
