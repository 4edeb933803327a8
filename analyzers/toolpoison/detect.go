package toolpoison

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/surface"
	"github.com/mcpcert/mcpcert/rules"
)

// site is one string of the surface and where it sits.
type site struct {
	text  surface.Text
	where string // tool.description, schema.enum, output, instructions, …
	owner string // `tool "x"`, `prompt "y"`, "server"
	tool  *surface.Tool
}

// schemaWhere are locations whose text is data, not prose: a text rule
// firing there is full-schema poisoning (TP004).
var schemaWhere = map[string]bool{
	"schema.key": true, "schema.enum": true, "schema.default": true, "schema.examples": true,
	"schema.title": true, "schema.other": true, "outputSchema.description": true,
}

var validName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,128}$`)

// Detect finds tool poisoning in an extracted surface and the surfaces the
// release declares. It is the analyzer's logic without the pass, for the
// evaluation benchmark.
func Detect(extracted *surface.Surface, declared []surface.Declared, set *rules.Set) ([]analysis.Diagnostic, error) {
	e, err := newEngine(set)
	if err != nil {
		return nil, err
	}
	d := &detector{e: e, set: set, defined: map[string]bool{}}
	for _, w := range set.List("well_known_tools") {
		d.wellKnown = append(d.wellKnown, w)
	}
	surfaces := []*surface.Surface{extracted}
	for _, dc := range declared {
		surfaces = append(surfaces, dc.Surface)
	}
	for _, s := range surfaces {
		if s == nil {
			continue
		}
		for _, t := range s.Tools {
			d.defined[strings.ToLower(t.Name.Value)] = true
		}
	}
	for _, s := range surfaces {
		if s == nil {
			continue
		}
		d.surface(s)
	}
	if extracted != nil {
		d.indicators(extracted)
	}
	d.mismatch(extracted, declared)
	sort.SliceStable(d.out, func(i, j int) bool {
		a, b := d.out[i], d.out[j]
		if a.Pos.Path != b.Pos.Path {
			return a.Pos.Path < b.Pos.Path
		}
		if a.Pos.StartLine != b.Pos.StartLine {
			return a.Pos.StartLine < b.Pos.StartLine
		}
		return a.RuleID+a.Message < b.RuleID+b.Message
	})
	return d.out, nil
}

type detector struct {
	e         *engine
	set       *rules.Set
	wellKnown []string
	defined   map[string]bool
	out       []analysis.Diagnostic
	seen      map[string]bool
}

func (d *detector) report(rule, severity string, pos analysis.Position, key, format string, args ...any) {
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	k := rule + "\x00" + pos.Path + "\x00" + fmt.Sprint(pos.StartLine) + "\x00" + key
	if d.seen[k] {
		return
	}
	d.seen[k] = true
	d.out = append(d.out, analysis.Diagnostic{RuleID: rule, Severity: severity, Pos: pos, Key: key, Message: fmt.Sprintf(format, args...)})
}

func (d *detector) surface(s *surface.Surface) {
	for _, t := range s.Tools {
		owner := fmt.Sprintf("tool %q", t.Name.Value)
		sites := []site{{t.Name, "tool.name", owner, t}}
		if t.Title != nil {
			sites = append(sites, site{*t.Title, "tool.title", owner, t})
		}
		if t.Description != nil {
			sites = append(sites, site{*t.Description, "tool.description", owner, t})
		}
		if title, ok := t.Annotations["title"].(string); ok {
			sites = append(sites, site{surface.Lit(title, t.Pos), "tool.title", owner, t})
		}
		sites = append(sites, schemaSites(t.InputSchema, "", owner, t)...)
		for _, st := range schemaSites(t.OutputSchema, "outputSchema", owner, t) {
			if st.where == "schema.description" {
				st.where = "outputSchema.description"
			}
			sites = append(sites, st)
		}
		for _, o := range t.Outputs {
			sites = append(sites, site{o, "output", owner, t})
		}
		for _, st := range sites {
			d.text(st)
		}
		d.name(t)
		d.params(t)
	}
	for _, p := range s.Prompts {
		owner := fmt.Sprintf("prompt %q", p.Name.Value)
		sites := []site{{p.Name, "prompt.name", owner, nil}}
		for _, x := range []*surface.Text{p.Title, p.Description} {
			if x != nil {
				sites = append(sites, site{*x, "prompt.description", owner, nil})
			}
		}
		for _, a := range p.Arguments {
			sites = append(sites, site{a.Name, "prompt.argument", owner, nil})
			if a.Description != nil {
				sites = append(sites, site{*a.Description, "prompt.argument", owner, nil})
			}
		}
		for _, m := range p.Messages {
			sites = append(sites, site{m, "prompt.message", owner, nil})
		}
		for _, st := range sites {
			d.text(st)
		}
	}
	for _, r := range s.Resources {
		owner := fmt.Sprintf("resource %q", r.Name.Value)
		for _, x := range []*surface.Text{&r.Name, &r.URI, r.Title, r.Description} {
			if x != nil {
				d.text(site{*x, "resource.description", owner, nil})
			}
		}
	}
	for _, in := range s.Instructions {
		d.text(site{in, "instructions", "server", nil})
	}
}

// schemaSites lists every string of a schema: property names, titles,
// descriptions, enum values, defaults, examples and other keywords.
func schemaSites(s *surface.Schema, prefix, owner string, t *surface.Tool) []site {
	if s == nil {
		return nil
	}
	var out []site
	pos := s.Pos
	if s.Title != nil {
		out = append(out, site{*s.Title, "schema.title", owner, t})
	}
	if s.Description != nil {
		out = append(out, site{*s.Description, "schema.description", owner, t})
	}
	for _, v := range s.Enum {
		if str, ok := v.(string); ok {
			out = append(out, site{surface.Lit(str, pos), "schema.enum", owner, t})
		}
	}
	if str, ok := s.Default.(string); ok && s.HasDefault {
		out = append(out, site{surface.Lit(str, pos), "schema.default", owner, t})
	}
	for _, v := range s.Examples {
		if str, ok := v.(string); ok {
			out = append(out, site{surface.Lit(str, pos), "schema.examples", owner, t})
		}
	}
	for _, o := range s.Other {
		out = append(out, site{o, "schema.other", owner, t})
	}
	for _, p := range s.Properties {
		out = append(out, site{p.Name, "schema.key", owner, t})
		out = append(out, schemaSites(p.Schema, prefix, owner, t)...)
	}
	out = append(out, schemaSites(s.Items, prefix, owner, t)...)
	return out
}

func where(w string) string { return strings.ReplaceAll(w, ".", " ") }

// text applies the character checks and the text rules to one string.
func (d *detector) text(st site) {
	if st.text.Value == "" {
		return
	}
	n := normalize(st.text.Value)
	pos := st.text.Pos
	loc := fmt.Sprintf("%s %s", st.owner, where(st.where))

	if len(n.controls) > 0 || n.escapes > 0 {
		d.report("TP007", "high", pos, loc+"ansi", "%s contains terminal control characters (%s): %q", loc, describeControls(n), excerpt(visible(st.text.Value)))
	}
	if len(n.invisibles) > 0 {
		kinds := map[string]int{}
		for _, iv := range n.invisibles {
			kinds[iv.kind]++
		}
		sev := "medium"
		switch {
		case n.tags != "":
			sev = "critical"
		case kinds["bidi"] > 0 || st.where == "tool.name" || st.where == "schema.key":
			sev = "high"
		}
		msg := fmt.Sprintf("%s contains %s: %q", loc, describeKinds(kinds), excerpt(visible(st.text.Value)))
		if n.tags != "" {
			msg += fmt.Sprintf("; hidden Tags text decodes to %q", excerpt(n.tags))
		}
		d.report("TP008", sev, pos, loc+"invisible", "%s", msg)
	}

	computed := map[string]bool{"encoded_directive": n.decodedFrom >= 0}
	for _, name := range d.wellKnown {
		// Plain words (search, fetch, exec) are English before they are
		// tool names; only compound names identify another server's tool.
		if strings.ContainsAny(name, "_-") && !d.defined[name] && containsWord(n.match, name) {
			computed["foreign_tool"] = true
		}
	}
	for _, h := range d.e.evaluate(n, computed) {
		rule, sev := h.rule.ID, h.severity
		switch {
		case schemaWhere[st.where]:
			rule = "TP004"
			if report.SeverityRank(sev) < report.SeverityRank("high") && h.rule.ID != "TP009" {
				sev = "high"
			}
		case st.where == "output":
			rule = "TP005"
		}
		d.report(rule, sev, pos, loc+h.rule.ID+quote(n, h.lo, h.hi), "%s: %s (%s): %q",
			loc, strings.ToLower(h.rule.Title), strings.Join(h.signals, " + "), quote(n, h.lo, h.hi))
	}
	// Property names are identifiers; one that reads like a sentence is
	// prose smuggled into the schema.
	if st.where == "schema.key" && (len(strings.Fields(st.text.Value)) >= 4 || len(st.text.Value) > 64) {
		d.report("TP004", "medium", pos, loc+"long-key", "%s: property name reads like prose: %q", loc, excerpt(visible(st.text.Value)))
	}
}

func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isIdent(s[j-1])
		after := j+len(w) >= len(s) || !isIdent(s[j+len(w)])
		if before && after {
			return true
		}
		i = j + 1
	}
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// name checks tool names: invalid characters, look-alike letters, and
// collisions with well-known tools.
func (d *detector) name(t *surface.Tool) {
	name := t.Name.Value
	if name == "" {
		return
	}
	n := normalize(name)
	pos := t.Name.Pos
	switch {
	case n.confusables:
		d.report("TP010", "high", pos, "confusable", "tool name %q imitates %q with look-alike letters", visible(name), n.match)
	case !validName.MatchString(name):
		d.report("TP010", "medium", pos, "invalid", "tool name %q has characters outside [A-Za-z0-9_.-]", visible(name))
	case slices.Contains(d.wellKnown, strings.ToLower(name)):
		d.report("TP010", "low", pos, "well-known", "tool name %q is the name of a widely used tool of another server; a model may call this one instead", name)
	}
}

// params checks for parameters that carry data out.
func (d *detector) params(t *surface.Tool) {
	if t.InputSchema == nil {
		return
	}
	suspicious := d.set.List("suspicious_params")
	for _, p := range t.InputSchema.Properties {
		name := strings.ToLower(p.Name.Value)
		free := p.Schema == nil || p.Schema.Type == "" || p.Schema.Type == "string" || p.Schema.Type == "object"
		var desc normalized
		if p.Schema != nil && p.Schema.Description != nil {
			desc = normalize(p.Schema.Description.Value)
		}
		asks := desc.match != "" && (d.matches(desc, "conversation_data") ||
			(d.matches(desc, "sensitive_path") && d.matches(desc, "access_verb") && !d.matches(desc, "negation")))
		pos := p.Name.Pos
		owner := fmt.Sprintf("tool %q parameter %q", t.Name.Value, p.Name.Value)
		switch {
		case asks && free:
			d.report("TP011", "high", pos, "asks", "%s asks the model for the conversation, files or secrets: %q", owner, quote(desc, 0, len(desc.match)))
		case free && slices.Contains(suspicious, name) && t.HandlerKnown && !slices.Contains(t.UsedParams, p.Name.Value):
			d.report("TP011", "medium", pos, "unused", "%s is a free-text parameter the handler never reads: a channel for data to leave through the call", owner)
		}
	}
}

func (d *detector) matches(n normalized, signal string) bool {
	rx := d.e.signals[signal]
	return rx != nil && rx.MatchString(n.match)
}

// indicators reports code that can change the surface after approval.
func (d *detector) indicators(s *surface.Surface) {
	for _, in := range s.Indicators {
		sev := "medium"
		if in.Kind == "runtime-metadata" {
			sev = "high"
		}
		d.report("TP003", sev, in.Pos, in.Kind+in.Detail, "%s: %s", strings.ReplaceAll(in.Kind, "-", " "), in.Detail)
	}
}

// mismatch compares declared surfaces with the extracted one.
func (d *detector) mismatch(extracted *surface.Surface, declared []surface.Declared) {
	if extracted == nil {
		return
	}
	code := map[string]*surface.Tool{}
	for _, t := range extracted.Tools {
		code[t.Name.Value] = t
	}
	for _, dc := range declared {
		if dc.Surface == nil {
			continue
		}
		listed := map[string]bool{}
		for _, t := range dc.Surface.Tools {
			listed[t.Name.Value] = true
			ct, ok := code[t.Name.Value]
			switch {
			case !ok && len(code) > 0 && len(extracted.Gaps) == 0:
				d.report("TP014", "medium", t.Pos, "missing-in-code"+t.Name.Value, "%s declares tool %q, which the code does not define", dc.Path, t.Name.Value)
			case ok && t.Description != nil && ct.Description != nil && ct.Description.Resolution == surface.Resolved &&
				dc.Kind == "tools-json" && strings.TrimSpace(t.Description.Value) != strings.TrimSpace(ct.Description.Value):
				d.report("TP014", "high", t.Pos, "description"+t.Name.Value, "%s: the description of tool %q differs from the code's", dc.Path, t.Name.Value)
			}
		}
		if dc.ToolsGenerated {
			continue
		}
		for name, t := range code {
			if !listed[name] && (dc.Kind == "tools-json" || len(dc.Surface.Tools) > 0) {
				d.report("TP014", "medium", t.Pos, "missing-in-"+dc.Kind+name, "the code defines tool %q, which %s does not declare", name, dc.Path)
			}
		}
	}
}

func describeControls(n normalized) string {
	var parts []string
	for _, r := range n.controls {
		parts = append(parts, fmt.Sprintf("U+%04X", r))
	}
	if n.escapes > 0 {
		parts = append(parts, fmt.Sprintf("%d written-out escape sequence(s)", n.escapes))
	}
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), ", ")
}

func describeKinds(kinds map[string]int) string {
	var parts []string
	for k, c := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s character(s)", c, k))
	}
	sort.Strings(parts)
	return "invisible characters (" + strings.Join(parts, ", ") + ")"
}

func excerpt(s string) string {
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}
