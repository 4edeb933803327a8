// Package surface is the model of an MCP server's tool surface — every tool,
// prompt, resource and the server instructions, as a client would list them
// — extracted statically from source (internal/surface/jsts, /python,
// /golang), read from declared surfaces (MCPB manifest.json, registry
// server.json, a captured tools/list), and pinned (pin.go).
package surface

import (
	"github.com/mcpcert/mcpcert/analyzers/analysis"
)

// Resolution says how much of a text was recovered statically.
type Resolution string

const (
	// Resolved: the exact text a client would see.
	Resolved Resolution = "resolved"
	// Partial: a template with holes (runtime values); Value has the known
	// parts and "${…}" where a hole is.
	Partial Resolution = "partial"
	// Unresolved: nothing could be recovered (a runtime value, a file that
	// is not shipped, a call); a coverage gap, never silence.
	Unresolved Resolution = "unresolved"
)

// Worse returns the worse of two resolutions: what a tool made of several
// texts is, given the resolution of each.
func Worse(a, b Resolution) Resolution {
	rank := func(r Resolution) int {
		switch r {
		case Partial:
			return 1
		case Unresolved:
			return 2
		}
		return 0
	}
	if rank(a) > rank(b) {
		return a
	}
	return b
}

// Text is one string of the surface with its provenance.
type Text struct {
	Value      string            `json:"value"`
	Resolution Resolution        `json:"resolution"`
	Reason     string            `json:"reason,omitempty"` // why partial or unresolved
	Pos        analysis.Position `json:"pos"`              // where the text (or the expression) is
}

// Lit is a resolved text at a position.
func Lit(v string, pos analysis.Position) Text {
	return Text{Value: v, Resolution: Resolved, Pos: pos}
}

// Schema is the part of a JSON Schema the model sees and the pin covers.
// Extractors build it from zod, pydantic/type hints, Go struct tags or
// literal JSON Schema; ParseJSONSchema builds it from a live tools/list.
type Schema struct {
	Type        string  `json:"type,omitempty"` // JSON Schema type; "" if unknown
	Title       *Text   `json:"title,omitempty"`
	Description *Text   `json:"description,omitempty"`
	Enum        []any   `json:"enum,omitempty"` // JSON values (string, float64, bool, nil)
	Default     any     `json:"default,omitempty"`
	HasDefault  bool    `json:"hasDefault,omitempty"`
	Examples    []any   `json:"examples,omitempty"`
	Properties  []*Prop `json:"properties,omitempty"` // in declaration order
	Items       *Schema `json:"items,omitempty"`
	// Other holds the strings of any other schema keyword (pattern, const,
	// $defs, …) that a model reads; they are scanned, not pinned.
	Other []Text            `json:"other,omitempty"`
	Pos   analysis.Position `json:"pos"`
}

// Prop is a named property of an object schema.
type Prop struct {
	Name     Text    `json:"name"`
	Required bool    `json:"required"`
	Schema   *Schema `json:"schema"`
}

// Tool is one tool.
type Tool struct {
	Name         Text    `json:"name"`
	Title        *Text   `json:"title,omitempty"`
	Description  *Text   `json:"description,omitempty"`
	InputSchema  *Schema `json:"inputSchema,omitempty"`
	OutputSchema *Schema `json:"outputSchema,omitempty"`
	// Annotations are the MCP tool annotations (title, readOnlyHint,
	// destructiveHint, idempotentHint, openWorldHint) with their values.
	Annotations map[string]any `json:"annotations,omitempty"`
	// Pattern names how the tool was declared, e.g. "ts:registerTool",
	// "ts:setRequestHandler", "py:FastMCP.tool", "go:mcp-go.NewTool".
	Pattern string            `json:"pattern"`
	Pos     analysis.Position `json:"pos"`     // the declaration
	Handler analysis.Position `json:"handler"` // the handler function, if found
	// Params are the handler's parameter names bound to the input schema's
	// properties, for the exfiltration-channel check (declared but unused).
	UsedParams []string `json:"usedParams,omitempty"`
	// HandlerKnown is true when the handler body was analysed, so that
	// UsedParams is meaningful.
	HandlerKnown bool `json:"handlerKnown,omitempty"`
	// Outputs are string literals that flow to the handler's results or
	// errors (content text, thrown errors): output poisoning's surface.
	Outputs []Text `json:"outputs,omitempty"`
	// SinkParams are the parameters the handler reads only to send them
	// out of the machine ("network") or to a log ("log") — never for the
	// tool's purpose: exfiltration channels. Not listed or pinned.
	SinkParams map[string]string `json:"-"`
	// PartialOutputs are output texts only partly known: a literal joined
	// to run-time text (results + "\n\nNow call …"), with "${…}" where the
	// run-time part is. They are scanned for poisoning, not listed or
	// pinned.
	PartialOutputs []Text `json:"-"`
	// Resolution summarises the tool's texts: the worst of them.
	Resolution Resolution `json:"resolution"`
	Reasons    []string   `json:"reasons,omitempty"`
}

// Prompt is one prompt.
type Prompt struct {
	Name        Text        `json:"name"`
	Title       *Text       `json:"title,omitempty"`
	Description *Text       `json:"description,omitempty"`
	Arguments   []PromptArg `json:"arguments,omitempty"`
	// Messages are literal texts of the prompt's messages.
	Messages []Text            `json:"messages,omitempty"`
	Pattern  string            `json:"pattern"`
	Pos      analysis.Position `json:"pos"`
}

// PromptArg is a prompt argument.
type PromptArg struct {
	Name        Text  `json:"name"`
	Description *Text `json:"description,omitempty"`
	Required    bool  `json:"required"`
}

// Resource is a resource or resource template.
type Resource struct {
	Name        Text              `json:"name"`
	URI         Text              `json:"uri"`
	Title       *Text             `json:"title,omitempty"`
	Description *Text             `json:"description,omitempty"`
	MimeType    string            `json:"mimeType,omitempty"`
	Pattern     string            `json:"pattern"`
	Pos         analysis.Position `json:"pos"`
}

// Indicator is a static sign that the surface can change after approval:
// a tool-mutation API call, or metadata computed at run time from files,
// the environment, the clock or the network.
type Indicator struct {
	Kind   string            `json:"kind"` // "mutation-api", "runtime-metadata"
	Detail string            `json:"detail"`
	Pos    analysis.Position `json:"pos"`
}

// Surface is the whole extracted surface of a server.
type Surface struct {
	Tools        []*Tool     `json:"tools"`
	Prompts      []*Prompt   `json:"prompts,omitempty"`
	Resources    []*Resource `json:"resources,omitempty"`
	Instructions []Text      `json:"instructions,omitempty"` // server instructions
	Indicators   []Indicator `json:"indicators,omitempty"`
	// Gaps are places where a declaration was recognised but could not be
	// extracted (a dynamic tool table, an unparsable file).
	Gaps []analysis.Gap `json:"gaps,omitempty"`
}

// Merge appends o's contents to s.
func (s *Surface) Merge(o *Surface) {
	if o == nil {
		return
	}
	s.Tools = append(s.Tools, o.Tools...)
	s.Prompts = append(s.Prompts, o.Prompts...)
	s.Resources = append(s.Resources, o.Resources...)
	s.Instructions = append(s.Instructions, o.Instructions...)
	s.Indicators = append(s.Indicators, o.Indicators...)
	s.Gaps = append(s.Gaps, o.Gaps...)
}

// File is a source file handed to an extractor.
type File struct {
	Path    string // workspace-relative, slash-separated
	Content []byte
}

// Source gives an extractor the files it may read: the files of its
// language, and any other workspace file by path (imported modules,
// description files read with readFileSync, go:embed targets).
type Source struct {
	Files    []File
	ReadFile func(path string) ([]byte, error)
}

// Declared is a surface the release declares rather than implements: an
// MCPB manifest.json, a registry server.json, or a captured tools/list.
type Declared struct {
	Kind    string   `json:"kind"` // "mcpb-manifest", "server.json", "tools-json"
	Path    string   `json:"path"`
	Surface *Surface `json:"surface"`
	// ToolsGenerated is the MCPB manifest's tools_generated flag: the
	// declared tool list is not expected to be complete.
	ToolsGenerated bool `json:"toolsGenerated,omitempty"`
}
