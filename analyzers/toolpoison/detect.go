package toolpoison

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/surface"
	"github.com/mcpcert/mcpcert/rules"
	"golang.org/x/text/unicode/norm"
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
	"schema.key": true, "schema.enum": true, "schema.default": true, "schema.default.message": true, "schema.examples": true,
	"schema.title": true, "schema.other": true, "outputSchema.description": true,
}

// identWhere are locations whose text is an identifier: rules run over
// its words (read_ssh_key_first → "read ssh key first").
var identWhere = map[string]bool{"tool.name": true, "schema.key": true, "prompt.name": true, "prompt.argument.name": true}

// valueWhere are locations whose text is a value; one written as a
// compound identifier (an enum value forward_results_to_x) is matched as
// words too.
var valueWhere = map[string]bool{"schema.enum": true, "schema.default": true, "schema.default.message": true, "schema.examples": true}

// manySpaceKinds is how many kinds of non-ASCII space make a text
// suspect even when what they spell is not decoded.
const manySpaceKinds = 5

var (
	validName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,128}$`)
	// identLike is a value written as an identifier of three words or more.
	identLike = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+){2,}$`)
	// clientNamespace is the prefix clients put before a server's tools
	// (mcp__github__create_issue); a server that names its own tool so
	// poses as another server's tool.
	clientNamespace = regexp.MustCompile(`(?i)^mcp__[a-z0-9_-]{1,64}__`)
	// toolRef finds identifiers used as tool names: after a verb of
	// calling, in a condition, or before "tool"/"is called".
	toolRef = []*regexp.Regexp{
		regexp.MustCompile("\\b(?:call(?:s|ed|ing)?|invok(?:e|es|ed|ing)|us(?:e|es|ed|ing)|run(?:s|ning)?|whenever|when|before|after)\\s+(?:the\\s+|its\\s+|their\\s+|that\\s+server.s\\s+)?[`'\"]?([a-z][a-z0-9]{0,30}(?:_[a-z0-9]{1,30}){1,6}|[a-z][a-z0-9]{0,30}(?:-[a-z0-9]{1,30}){2,6})\\b"),
		regexp.MustCompile("\\b([a-z][a-z0-9]{0,30}(?:[_-][a-z0-9]{1,30}){0,6})[`'\"]?\\s+(?:tools?|functions?|(?:is|are|gets)\\s+(?:called|invoked|used|available))\\b"),
		// "updates it with update_direct_deposit", "via send_email": a
		// compound identifier used as the means of an action.
		regexp.MustCompile("\\b(?:with|via|through|using)\\s+(?:the\\s+)?[`'\"]?([a-z][a-z0-9]{0,30}(?:_[a-z0-9]{1,30}){1,6})[`'\"]?\\s+(?:tool|function|from|on|in|to|and|or|,|\\()"),
	}
	// osc52 is the terminal sequence that sets the clipboard.
	osc52 = regexp.MustCompile("(?:\x1b\\]|\u009d)52;")
	// terminalReport asks the terminal to type back its window title or
	// icon label (CSI 20 t, CSI 21 t) or a setting (DECRQSS): with a
	// title set just before, that is input chosen by the server.
	terminalReport = regexp.MustCompile("(?:\x1b\\[|\u009b)2[01]t|(?:\x1bP|\u0090)\\$q")
	// sentenceEnd ends a sentence (not the dot of a path: ~/.aws).
	sentenceEnd = regexp.MustCompile(`[.;!?](?:\s|$)|\n|[。！？；]`)
	// padding is a run of blank lines or spaces long enough to push what
	// follows out of a client's view.
	padding = regexp.MustCompile(`(?:[ \t]{0,8}\n){10,100}|[ \t]{80,1000}`)
)

// Detect finds tool poisoning in an extracted surface and the surfaces the
// release declares. It is the analyzer's logic without the pass, for the
// evaluation benchmark.
func Detect(extracted *surface.Surface, declared []surface.Declared, set *rules.Set) ([]analysis.Diagnostic, error) {
	e, err := engineFor(set)
	if err != nil {
		return nil, err
	}
	d := &detector{e: e, set: set, defined: map[string]bool{}, paramSet: map[string]bool{}}
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
			for _, name := range paramNames(t.InputSchema) {
				d.paramSet[name] = true
			}
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
	defined   map[string]bool // tool names of this server
	paramSet  map[string]bool // parameter names of this server's tools
	surf      *surface.Surface
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
	d.surf = s
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
		for _, o := range append(slices.Clone(t.Outputs), t.PartialOutputs...) {
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
			sites = append(sites, site{a.Name, "prompt.argument.name", owner, nil})
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
	for _, str := range valueStrings(s.Enum) {
		out = append(out, site{surface.Lit(str, pos), "schema.enum", owner, t})
	}
	if s.HasDefault {
		for _, str := range valueStrings(s.Default) {
			out = append(out, site{surface.Lit(str, pos), "schema.default", owner, t})
		}
	}
	for _, str := range valueStrings(s.Examples) {
		out = append(out, site{surface.Lit(str, pos), "schema.examples", owner, t})
	}
	for _, o := range s.Other {
		out = append(out, site{o, "schema.other", owner, t})
	}
	for _, p := range s.Properties {
		out = append(out, site{p.Name, "schema.key", owner, t})
		for _, st := range schemaSites(p.Schema, prefix, owner, t) {
			if st.where == "schema.default" && st.text.Value == defaultOf(p.Schema) && messageProp.MatchString(words(p.Name.Value)) {
				st.where = "schema.default.message"
			}
			out = append(out, st)
		}
	}
	out = append(out, schemaSites(s.Items, prefix, owner, t)...)
	return out
}

// messageProp is a property whose value is text for people to read (a
// message, a subject, a greeting): a sentence is its natural default.
var messageProp = regexp.MustCompile(`(?i)\b(?:message|msg|text|body|content|greeting|subject|caption|prompt|comment|note|label|placeholder|template)s?$`)

// defaultOf is a schema's default when it is a string.
func defaultOf(s *surface.Schema) string {
	if s == nil || !s.HasDefault {
		return ""
	}
	str, _ := s.Default.(string)
	return str
}

// valueStrings lists every string of a JSON value — an array default is
// as much a value as a string one — object keys included.
func valueStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, valueStrings(e)...)
		}
		return out
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		var out []string
		for _, k := range keys {
			out = append(out, k)
			out = append(out, valueStrings(x[k])...)
		}
		return out
	}
	return nil
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

	m := n
	if identWhere[st.where] || (valueWhere[st.where] && identLike.MatchString(st.text.Value)) {
		m = normalize(words(st.text.Value))
	}
	hits := d.e.evaluate(m, d.computed(st, m))
	worst := ""
	for _, h := range hits {
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
		// A name is chosen, not written: steering in it is deliberate.
		if identWhere[st.where] && report.SeverityRank(sev) < report.SeverityRank("medium") {
			sev = "medium"
		}
		if report.SeverityRank(sev) > report.SeverityRank(worst) {
			worst = sev
		}
		d.report(rule, sev, pos, loc+h.rule.ID+quote(m, h.lo, h.hi), "%s: %s (%s): %q",
			loc, strings.ToLower(h.rule.Title), strings.Join(h.signals, " + "), quote(m, h.lo, h.hi))
	}
	if len(n.controls) > 0 || n.escapes > 0 {
		// Escapes written out as text (`\x1b[31m` in a colour tool's
		// documentation) do nothing in a terminal; real control
		// characters do.
		sev := "high"
		switch {
		case len(n.controls) == 0:
			sev = "low"
		case osc52.MatchString(st.text.Value), terminalReport.MatchString(st.text.Value):
			// OSC 52 writes the clipboard, and a report request makes the
			// terminal type text back: what runs next is the server's
			// choice.
			sev = "critical"
		case report.SeverityRank(worst) >= report.SeverityRank("high"):
			// The controls hide or rewrite text that itself asks for
			// something dangerous.
			sev = "critical"
		}
		d.report("TP007", sev, pos, loc+"ansi", "%s contains terminal control characters (%s): %q", loc, describeControls(n), excerpt(visible(st.text.Value)))
	}
	if len(n.invisibles) > 0 || n.smuggled != "" || n.spaceKinds >= manySpaceKinds {
		kinds := map[string]int{}
		for _, iv := range n.invisibles {
			kinds[iv.kind]++
		}
		sev := "medium"
		switch {
		case n.tags != "" || n.smuggled != "":
			sev = "critical"
		case kinds["bidi"] > 0 || st.where == "tool.name" || st.where == "schema.key":
			sev = "high"
		case report.SeverityRank(worst) >= report.SeverityRank("medium"):
			// Invisible characters in a text that carries instructions
			// split the trigger words so that filters miss them.
			sev = "high"
		}
		msg := fmt.Sprintf("%s contains %s: %q", loc, describeKinds(kinds, n.spaceKinds), excerpt(visible(st.text.Value)))
		if n.tags != "" {
			msg += fmt.Sprintf("; hidden Tags text decodes to %q", excerpt(n.tags))
		}
		if n.smuggled != "" {
			msg += fmt.Sprintf("; hidden characters decode to %q", excerpt(strings.TrimSpace(n.smuggled)))
		}
		d.report("TP008", sev, pos, loc+"invisible", "%s", msg)
	}
	d.links(n, pos, loc)
	// Enum values and defaults are data; one that reads like a sentence is
	// prose smuggled into the schema. (Other keywords are not checked: they
	// hold nested schemas' descriptions, which are prose by design.)
	if (st.where == "schema.enum" || st.where == "schema.default") && isProse(st.text.Value) && worst == "" {
		d.report("TP004", "medium", pos, loc+"prose", "%s reads like prose rather than a value: %q", loc, excerpt(visible(st.text.Value)))
	}
	// Property names are identifiers; one that reads like a sentence is
	// prose smuggled into the schema.
	if st.where == "schema.key" && (len(strings.Fields(st.text.Value)) >= 4 || len(st.text.Value) > 64) {
		// A name long enough to spell out sending something somewhere
		// is an instruction, not a name.
		sev := "medium"
		if w := words(st.text.Value); len(strings.Fields(w)) >= 8 && d.e.matchesText("outbound_verb", w) {
			sev = "high"
		}
		d.report("TP004", sev, pos, loc+"long-key", "%s: property name reads like prose: %q", loc, excerpt(visible(st.text.Value)))
	}
}

// computed gives the computed signals of one text (see rules/poisoning.yaml):
// offsets in the match text, or -1 for the whole text.
func (d *detector) computed(st site, n normalized) map[string][]int {
	c := map[string][]int{}
	if n.decodedFrom >= 0 {
		c["encoded_directive"] = []int{-1}
	}
	if identWhere[st.where] {
		c["identifier"] = []int{-1}
	}
	if schemaWhere[st.where] {
		c["schema_value"] = []int{-1}
	}
	if st.where == "output" {
		c["output"] = []int{-1}
	}
	if st.where == "schema.description" && st.tool != nil {
		c["param_description"] = []int{-1}
	}
	// A value the call carries by default (default, example, enum) in a
	// tool that sends data away: the value is what leaves.
	if st.tool != nil && (st.where == "schema.default" || st.where == "schema.default.message" || st.where == "schema.examples" || st.where == "schema.enum") &&
		d.matches(purpose(st.tool), "outbound_verb") {
		c["outbound_tool"] = []int{-1}
	}
	for _, m := range padding.FindAllStringIndex(n.match, 16) {
		rest := n.match[m[1]:]
		if text := strings.TrimLeft(rest, " \t\r\n"); text != "" {
			c["padding"] = append(c["padding"], m[1]+len(rest)-len(text))
		}
	}
	// Another server's tool: a compound identifier used as a tool name, or
	// a well-known name, that this server neither defines nor takes as a
	// parameter. Plain words (search, fetch) count only in a tool context.
	foreign := func(name string) bool {
		return !d.defined[name] && !d.paramSet[name] &&
			(strings.Contains(name, "_") || strings.Count(name, "-") >= 2 || slices.Contains(d.wellKnown, name))
	}
	for _, rx := range toolRef {
		for _, m := range rx.FindAllStringSubmatchIndex(n.match, 32) {
			if name := n.match[m[2]:m[3]]; foreign(name) {
				c["foreign_tool"] = append(c["foreign_tool"], m[2])
			}
		}
	}
	for _, name := range d.wellKnown {
		if strings.ContainsAny(name, "_-") && foreign(name) {
			for _, at := range wordIndexes(n.match, name) {
				c["foreign_tool"] = append(c["foreign_tool"], at)
			}
		}
	}
	// One of the tool's own parameters named as the place to put
	// something ("in sidenote", "as `hint`"), or required to carry
	// credentials ("the snippet must include the real credentials").
	var names []string
	if st.tool != nil {
		names = paramNames(st.tool.InputSchema)
	} else {
		for name := range d.paramSet {
			names = append(names, name)
		}
	}
	var alts []string
	for _, name := range names {
		if len(name) >= 3 {
			alts = append(alts, regexp.QuoteMeta(name))
		}
	}
	if len(alts) > 0 {
		slices.Sort(alts)
		params := "(?:" + strings.Join(alts, "|") + ")"
		in := regexp.MustCompile("\\b(?:in|into|as|inside|within)\\s+(?:the\\s+)?[`'\"]?" + params + "\\b|\\b(?:with|set|setting|fill|populate)\\s+(?:the\\s+)?[`'\"]?" + params + "[`'\"]?\\s+(?:set\\s+to|to|=|with)\\b")
		for _, m := range in.FindAllStringIndex(n.match, 16) {
			c["param_target"] = append(c["param_target"], m[0])
		}
		must := regexp.MustCompile("\\b" + params + "[`'\"]?\\s+(?:must|should|needs?\\s+to|has\\s+to)\\s+(?:include|contain|carry|hold|be\\s+set\\s+to)\\b")
		for _, m := range must.FindAllStringIndex(n.match[:n.textEnd], 16) {
			// What the parameter must carry: the rest of the clause.
			next := n.match[m[1]:min(n.textEnd, m[1]+60)]
			if end := sentenceEnd.FindStringIndex(next); end != nil {
				next = next[:end[0]]
			}
			if d.e.matchesText("secret_word", next) || d.e.matchesText("sensitive_path", next) {
				c["param_target"] = append(c["param_target"], m[0])
			}
		}
	}
	return c
}

// paramNames lists the lower-cased property names of a schema, nested
// objects included.
func paramNames(s *surface.Schema) []string {
	if s == nil {
		return nil
	}
	var out []string
	for _, p := range s.Properties {
		out = append(out, strings.ToLower(p.Name.Value))
		out = append(out, paramNames(p.Schema)...)
	}
	return append(out, paramNames(s.Items)...)
}

// isProse reports a value that reads like a sentence: many words, or a
// long run of text in a script written without spaces.
func isProse(s string) bool {
	if f := strings.Fields(s); len(f) >= 8 {
		// Code (a default SQL query, a shell line) is not prose: many
		// upper-case keywords or code punctuation.
		code := 0
		for _, w := range f {
			if strings.ContainsAny(w, "(){}[]=<>*$;|`") || (len(w) > 1 && strings.ToUpper(w) == w && strings.ToLower(w) != w) {
				code++
			}
		}
		return code*3 < len(f)
	}
	letters := 0
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			letters++
		}
	}
	return letters >= 20
}

// wordIndexes returns where w occurs in s as a whole identifier.
func wordIndexes(s, w string) []int {
	var out []int
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return out
		}
		j += i
		before := j == 0 || !isIdent(s[j-1])
		after := j+len(w) >= len(s) || !isIdent(s[j+len(w)])
		if before && after {
			out = append(out, j)
		}
		i = j + 1
	}
}

var (
	// mdLink and htmlLink capture a link's visible text and its target.
	mdLink   = regexp.MustCompile(`\[([^\]]{1,200})\]\(\s{0,3}([^)\s]{1,300})\s{0,3}\)`)
	htmlLink = regexp.MustCompile(`<a\b[^>]{0,200}\bhref\s*=\s*["']?([^"'\s>]{1,300})["']?[^>]{0,100}>([^<]{1,200})</a>`)
	hostIn   = regexp.MustCompile(`(?:https?://)?((?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,24})\b`)
)

// links reports links whose visible text shows one host and whose target
// is another: the user approves what they read, the model follows the URL.
func (d *detector) links(n normalized, pos analysis.Position, loc string) {
	check := func(text, target string) {
		shown, aim := hostIn.FindStringSubmatch(text), hostIn.FindStringSubmatch(target)
		if shown == nil || aim == nil || !strings.Contains(target, "://") {
			return
		}
		a, b := shown[1], aim[1]
		if a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a) {
			return
		}
		d.report("TP012", "high", pos, loc+"link"+target, "%s: link text shows %q but the link goes to %q", loc, a, b)
	}
	for _, m := range mdLink.FindAllStringSubmatch(n.match, 16) {
		check(m[1], m[2])
	}
	for _, m := range htmlLink.FindAllStringSubmatch(n.match, 16) {
		check(m[2], m[1])
	}
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// name checks tool names: invalid characters, look-alike letters, client
// namespaces, and collisions with well-known tools.
func (d *detector) name(t *surface.Tool) {
	name := t.Name.Value
	if name == "" {
		return
	}
	n := normalize(name)
	pos := t.Name.Pos
	// Compatibility forms (fullwidth ｓｅａｒｃｈ, ligatures) fold to a
	// plain ASCII name under NFKC: the name imitates that one.
	folded := norm.NFKC.String(name)
	switch {
	case n.confusables:
		d.report("TP010", "high", pos, "confusable", "tool name %q imitates %q with look-alike letters", visible(name), n.match)
	case folded != name && validName.MatchString(folded):
		d.report("TP010", "high", pos, "confusable", "tool name %q imitates %q with compatibility (fullwidth) letters", visible(name), folded)
	case clientNamespace.MatchString(name):
		d.report("TP010", "high", pos, "namespace", "tool name %q poses as another server's tool under a client's mcp__server__ namespace", name)
	case d.serverPrefixed(name) != "":
		d.report("TP010", "high", pos, "namespace", "tool name %q poses as the well-known tool %q of another server under a client's server__tool name", name, d.serverPrefixed(name))
	case !validName.MatchString(name) && nativeName(name):
		// A name written in one non-Latin script (予定を追加) breaks the
		// naming convention but imitates nothing.
		d.report("TP010", "low", pos, "invalid", "tool name %q has characters outside [A-Za-z0-9_.-]", visible(name))
	case !validName.MatchString(name):
		d.report("TP010", "medium", pos, "invalid", "tool name %q has characters outside [A-Za-z0-9_.-]", visible(name))
	case d.typosquat(strings.ToLower(name)) != "":
		d.report("TP010", "medium", pos, "typosquat", "tool name %q is one slip away from the well-known %q", name, d.typosquat(strings.ToLower(name)))
	case slices.Contains(d.wellKnown, strings.ToLower(name)) || d.variant(name) != "":
		w, as := strings.ToLower(name), "the name"
		if !slices.Contains(d.wellKnown, w) {
			w = d.variant(name)
			as = fmt.Sprintf("a spelling of the name %q", w)
		}
		if others, related := d.related(t, w); others && !related {
			d.report("TP010", "medium", pos, "well-known", "tool name %q is %s of a widely used tool of another server, and this server's other tools do nothing of the kind; a model may call this one instead", name, as)
			return
		}
		if ns := d.foreignNamespace(t, w); ns != "" {
			d.report("TP010", "medium", pos, "well-known", "tool name %q is %s of a widely used tool of another server, under that server's prefix %q, which none of this server's other tools carries; a model may call this one instead", name, as, ns)
			return
		}
		// Another spelling of a distinctive name (brave_websearch,
		// resolve_library_id): nobody arrives at the same three words by
		// chance, and a model takes one for the other.
		if w != strings.ToLower(name) && strings.Count(strings.NewReplacer("-", "_", ".", "_").Replace(w), "_") >= 2 {
			d.report("TP010", "medium", pos, "well-known", "tool name %q is %s of a widely used tool of another server; a model may call this one instead", name, as)
			return
		}
		d.report("TP010", "low", pos, "well-known", "tool name %q is %s of a widely used tool of another server; a model may call this one instead", name, as)
	}
}

// serverPrefixed returns the well-known tool that name carries under a
// server__tool prefix, the form clients give another server's tools
// (filesystem__write_file): a server's own tool has no reason to wear it.
func (d *detector) serverPrefixed(name string) string {
	_, tool, ok := strings.Cut(strings.ToLower(name), "__")
	if !ok || !slices.Contains(d.wellKnown, tool) || d.defined[tool] {
		return ""
	}
	return tool
}

// versionSuffix is what squatters append to a well-known name to pass as
// a newer or better edition of it (execute_command_v2, read_file_pro).
var versionSuffix = regexp.MustCompile(`[_.-]?(?:v\d{1,3}|\d{1,3}|new|pro|plus|latest|official|secure|safe|fast|fixed|better)$`)

// variant returns the well-known name that name spells another way — in
// another case or with other separators (readFile, read-file, sendemail) or
// with a version suffix (execute_command_v2) — when it is not itself that
// name and this server does not define that name too.
func (d *detector) variant(name string) string {
	canon := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '_' || r == '-' || r == '.' || r == ' ' {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	lower := strings.ToLower(name)
	forms := []string{canon(name)}
	if trimmed := versionSuffix.ReplaceAllString(lower, ""); trimmed != lower && len(trimmed) >= 4 {
		forms = append(forms, canon(trimmed))
	}
	for _, w := range d.wellKnown {
		if w == lower || d.defined[w] || len(w) < 4 {
			continue
		}
		if slices.Contains(forms, canon(w)) {
			return w
		}
	}
	return ""
}

// lookalike holds letters and digits that pass for one another in a name
// (read_flle, exec_c0mmand).
var lookalike = [][]byte{[]byte("li1jI"), []byte("o0"), []byte("s5"), []byte("e3"), []byte("a4"), []byte("gq9"), []byte("uv"), []byte("b6"), []byte("z2"), []byte("t7")}

func lookalikes(a, b byte) bool {
	for _, g := range lookalike {
		if slices.Contains(g, a) && slices.Contains(g, b) {
			return true
		}
	}
	return false
}

// nativeName reports a name whose letters are all of scripts other than
// Latin, with no invisible or control characters and no spaces: a name in
// the author's language, not a disguise.
func nativeName(name string) bool {
	letters := 0
	for _, r := range name {
		switch {
		case r < 0x80 && unicode.IsLetter(r), invisibleKind(r) != "", unicode.IsControl(r), unicode.IsSpace(r):
			return false
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			letters++
		case r == '_' || r == '-' || r == '.' || unicode.IsDigit(r):
		default:
			return false
		}
	}
	return letters > 0
}

// typosquat returns the well-known compound name that name imitates by
// one swap of adjacent letters, one doubled letter or one dropped inner
// letter (raed_file, send_emaill, exeute_command); plurals and other real
// variants (read_files) differ at the end and are not counted.
func (d *detector) typosquat(name string) string {
	if d.defined[name] && slices.Contains(d.wellKnown, name) {
		return ""
	}
	for _, w := range d.wellKnown {
		if len(w) < 7 || !strings.ContainsAny(w, "_-") || w == name || d.defined[w] {
			continue
		}
		switch len(name) - len(w) {
		case 0:
			for i := 0; i+1 < len(w); i++ {
				if w[i] != w[i+1] && name == w[:i]+string(w[i+1])+string(w[i])+w[i+2:] {
					return w
				}
			}
			// One letter swapped for a look-alike one.
			diff := -1
			for i := 0; i < len(w); i++ {
				if name[i] != w[i] {
					if diff >= 0 {
						diff = -2
						break
					}
					diff = i
				}
			}
			if diff >= 0 && lookalikes(name[diff], w[diff]) {
				return w
			}
		case 1:
			for i := 1; i < len(w); i++ {
				if name == w[:i]+string(w[i-1])+w[i:] {
					return w
				}
			}
		case -1:
			for i := 1; i+1 < len(w); i++ {
				if w[i] != '_' && w[i] != '-' && name == w[:i]+w[i+1:] {
					return w
				}
			}
		}
	}
	return ""
}

// related reports whether the server has other tools, and whether any of
// them shares the capability domain of t's well-known name (a sandbox
// server's reset_sandbox next to its bash): a well-known name alone in an
// unrelated server (a weather server's read_file) is squatting.
func (d *detector) related(t *surface.Tool, name string) (others, related bool) {
	var vocab []string
	for _, entry := range d.set.List("tool_domains") {
		names, words, ok := strings.Cut(entry, ":")
		if ok && slices.Contains(strings.Fields(names), name) {
			vocab = append(vocab, strings.Fields(words)...)
		}
	}
	if d.surf == nil || len(vocab) == 0 {
		return false, false
	}
	for _, o := range d.surf.Tools {
		if o == t || strings.EqualFold(o.Name.Value, t.Name.Value) {
			continue
		}
		others = true
		text := strings.ToLower(words(o.Name.Value))
		if o.Description != nil {
			text += " " + strings.ToLower(o.Description.Value)
		}
		for _, w := range vocab {
			if len(wordIndexes(text, w)) > 0 {
				return true, true
			}
		}
	}
	// The server's own instructions say what the server is for.
	if others {
		for _, in := range d.surf.Instructions {
			text := strings.ToLower(in.Value)
			for _, w := range vocab {
				if len(wordIndexes(text, w)) > 0 {
					return true, true
				}
			}
		}
	}
	return others, false
}

// foreignNamespace returns the prefix of a well-known name that names a
// product or server rather than an action (slack_post_message,
// browser_click: the first word is not a verb), when the server has other
// tools and none of them carries that prefix: the tool poses as one of
// another server's family.
func (d *detector) foreignNamespace(t *surface.Tool, name string) string {
	i := strings.IndexAny(name, "_-")
	if i <= 0 || slices.Contains(d.set.List("name_verbs"), name[:i]) {
		return ""
	}
	prefix, others := name[:i+1], false
	for _, o := range d.surf.Tools {
		if o == t || strings.EqualFold(o.Name.Value, t.Name.Value) {
			continue
		}
		others = true
		if strings.HasPrefix(strings.ToLower(o.Name.Value), prefix) {
			return ""
		}
	}
	if !others {
		return ""
	}
	return name[:i]
}

// params checks for parameters that carry data out, nested ones included.
func (d *detector) params(t *surface.Tool) {
	if t.InputSchema != nil {
		d.props(t, t.InputSchema, "")
	}
}

func (d *detector) props(t *surface.Tool, s *surface.Schema, prefix string) {
	suspicious := d.set.List("suspicious_params")
	for _, p := range s.Properties {
		name := strings.ToLower(p.Name.Value)
		// Free text: a string, an untyped value, an object or an array of
		// them (a conversation is a list of messages), with no enum.
		free := p.Schema == nil || (len(p.Schema.Enum) == 0 &&
			(p.Schema.Type == "" || p.Schema.Type == "string" || p.Schema.Type == "object" || p.Schema.Type == "array"))
		var desc normalized
		if p.Schema != nil {
			// An array's items describe what each element carries.
			var text []string
			for _, sc := range []*surface.Schema{p.Schema, p.Schema.Items} {
				if sc != nil && sc.Description != nil {
					text = append(text, sc.Description.Value)
				}
			}
			if len(text) > 0 {
				desc = normalize(strings.Join(text, "\n"))
			}
		}
		has := func(signal string) bool { return desc.match != "" && d.matches(desc, signal) }
		secrets := has("secret_word") && has("conversation_data") && !has("negation")
		files := (has("sensitive_path") && has("access_verb") || has("env_source") && has("content_request")) && !has("negation")
		asks := has("conversation_data") || files
		pos := p.Name.Pos
		owner := fmt.Sprintf("tool %q parameter %q", t.Name.Value, prefix+p.Name.Value)
		sink := t.SinkParams[p.Name.Value]
		switch {
		case free && prefix == "" && sink == "network" && asks:
			d.report("TP011", "critical", pos, "sink"+owner, "%s asks the model for the conversation, files or secrets, and the handler only sends it off the machine: %q", owner, quote(desc, 0, desc.textEnd))
		case secrets && free:
			d.report("TP011", "critical", pos, "asks"+owner, "%s asks the model for secrets it has seen in the conversation: %q", owner, quote(desc, 0, desc.textEnd))
		case files && free && !d.matches(purpose(t), "sensitive_path") && !d.matches(purpose(t), "secret_word"):
			// The tool's name and description never speak of credentials:
			// the parameter exists to carry the file away.
			d.report("TP011", "critical", pos, "asks"+owner, "%s asks the model for a credential file the tool's own description never mentions: %q", owner, quote(desc, 0, desc.textEnd))
		case asks && free:
			d.report("TP011", "high", pos, "asks"+owner, "%s asks the model for the conversation, files or secrets: %q", owner, quote(desc, 0, desc.textEnd))
		case free && prefix == "" && sink == "network":
			d.report("TP011", "critical", pos, "sink"+owner, "%s is read by the handler only to send it off the machine (a network call or a remote log): a channel for data to leave through the call", owner)
		case free && prefix == "" && sink == "log" && slices.Contains(suspicious, name):
			d.report("TP011", "medium", pos, "sink"+owner, "%s is a free-text parameter the handler only logs: a channel for data to leave through the call", owner)
		case free && prefix == "" && slices.Contains(suspicious, name) && t.HandlerKnown && !slices.Contains(t.UsedParams, p.Name.Value):
			d.report("TP011", "medium", pos, "unused"+owner, "%s is a free-text parameter the handler never reads: a channel for data to leave through the call", owner)
		}
		if p.Schema != nil {
			d.props(t, p.Schema, prefix+p.Name.Value+".")
			if p.Schema.Items != nil {
				d.props(t, p.Schema.Items, prefix+p.Name.Value+"[].")
			}
		}
	}
}

// purpose is what a tool says it does: its name as words and its
// description.
func purpose(t *surface.Tool) normalized {
	text := words(t.Name.Value)
	if t.Description != nil {
		text += "\n" + t.Description.Value
	}
	return normalize(text)
}

func (d *detector) matches(n normalized, signal string) bool {
	return d.e.matchesText(signal, n.match)
}

// dynamicSource recognises, in an extractor's note on a tool table it
// could not enumerate, a table read at run time from the network, files
// or the environment.
var dynamicSource = regexp.MustCompile(`(?i)\b(?:fetch|https?|axios|requests?\.|urlopen|http\.get|readfile|read_text|open\(|os\.readfile|environ|process\.env|getenv)`)

// runtimeChoice recognises, in an extractor's reason for an unresolved
// text, a value chosen between alternatives or drawn from chance or the
// clock at run time.
var runtimeChoice = regexp.MustCompile(`(?i)\bconditional on\b|\bchosen at run time\b|\b(?:random|secrets|uuid|datetime|date|time)\.[a-z_]{1,30}\(|\bnew Date\b|\bDate\.now\b|\bMath\.random\b`)

// indicators reports code that can change the surface after approval.
// Run-time metadata is high; a mutation API is high when it rewrites a
// tool that is already registered — update(), or the same name registered
// twice — and medium when it only adds, removes or toggles tools.
// installerChosen reports whether run-time metadata comes only from what the
// person installing the server configures (its environment variables,
// working directory, arguments), as the extractors describe the source in
// the indicator's detail. Quoted names (a tool called "lint_file") are not
// sources. Facts about who or where the server runs — the user, the host,
// a CI or sandbox marker (list targeting_env) — are not configuration:
// metadata that depends on them targets some machines and spares others.
func (d *detector) installerChosen(detail string) bool {
	s := strings.ToLower(quoted.ReplaceAllString(detail, `""`))
	for _, remote := range []string{"fetch", "http", "axios", "request", "network", "date", "time.now", "datetime", "clock", "random", "counter", "readfile", "read_text", "open(", "file", "socket"} {
		if strings.Contains(s, remote) {
			return false
		}
	}
	for _, v := range d.set.List("targeting_env") {
		if targetsEnv(s, strings.ToLower(v)) {
			return false
		}
	}
	for _, local := range []string{"process.env", "os.getenv", "os.environ", "environment", "process.cwd", "os.getcwd", "argv", "flag"} {
		if strings.Contains(s, local) {
			return true
		}
	}
	return false
}

// quoted is a quoted name in an indicator's detail.
var quoted = regexp.MustCompile(`"[^"]{0,200}"`)

// targetsEnv reports whether a lower-cased detail reads the environment
// variable or host fact v (process.env.CI, os.environ["USER"], os.hostname).
func targetsEnv(detail, v string) bool {
	for _, at := range wordIndexes(detail, v) {
		before := detail[:at]
		if strings.HasSuffix(before, "env.") || strings.HasSuffix(before, "environ.get(") || strings.HasSuffix(before, "getenv(") ||
			strings.HasSuffix(before, "environ[") || strings.HasSuffix(before, "os.") || strings.HasSuffix(before, "socket.") || strings.HasSuffix(before, "getpass.") {
			return true
		}
	}
	return false
}

// mutationSeverity rates a mutation-API indicator: rewriting a registered
// tool (update()) is high; adding tools from a goroutine, a timer, a
// handler or a loop, or making listed fields depend on run-time data, is
// medium; only removing, toggling or announcing a change of tools whose
// definitions are all in the source is low — what can appear was reviewed.
func mutationSeverity(detail string) string {
	switch {
	case strings.HasPrefix(detail, "update()"):
		return "high"
	case strings.HasPrefix(detail, "sendToolListChanged()"), strings.HasPrefix(detail, "remove()"), strings.HasPrefix(detail, "disable()"),
		strings.HasPrefix(detail, "enable()"), strings.HasPrefix(detail, "calls ") && !strings.Contains(detail, "add"),
		strings.HasPrefix(detail, "DeleteTools"), strings.HasPrefix(detail, "RemoveTools"), strings.HasPrefix(detail, "DeletePrompts"), strings.HasPrefix(detail, "RemovePrompts"),
		strings.HasPrefix(detail, "RemoveResources"), strings.HasPrefix(detail, "DeleteResources"):
		return "low"
	}
	return "medium"
}

func (d *detector) indicators(s *surface.Surface) {
	// Registered twice in one file: the same tool in src/index.ts and its
	// build dist/index.js (or in a listing and the code) is one tool.
	count := map[[2]string]int{}
	for _, t := range s.Tools {
		count[[2]string{t.Pos.Path, t.Name.Value}]++
	}
	var twice []string
	for k, c := range count {
		if c > 1 {
			twice = append(twice, k[1])
		}
	}
	slices.Sort(twice)
	twice = slices.Compact(twice)
	mutates := slices.ContainsFunc(s.Indicators, func(in surface.Indicator) bool { return in.Kind == "mutation-api" })
	for _, in := range s.Indicators {
		sev := "medium"
		switch {
		case in.Kind == "runtime-metadata" && d.installerChosen(in.Detail):
			// Set by the installer's own configuration (environment,
			// working directory, arguments): not what was reviewed, but
			// fixed for the installation and not changeable behind the
			// user's back; the pin at install time records it.
			sev = "low"
		case in.Kind == "runtime-metadata" && strings.Contains(in.Detail, "mutable variable") && !mutates:
			// A variable the code reassigns (a description assembled from
			// feature flags at start-up) with no way to tell clients the
			// list changed: worth a look, not a rug pull by itself.
			sev = "medium"
		case in.Kind == "runtime-metadata":
			sev = "high"
		default:
			sev = mutationSeverity(in.Detail)
		}
		d.report("TP003", sev, in.Pos, in.Kind+in.Detail, "%s: %s", strings.ReplaceAll(in.Kind, "-", " "), in.Detail)
	}
	if mutates {
		for _, name := range twice {
			for _, t := range s.Tools {
				if t.Name.Value == name {
					d.report("TP003", "high", t.Pos, "re-registered"+name, "tool %q is registered more than once and the server removes tools at run time: the definition the model sees can be swapped after approval", name)
					break
				}
			}
		}
	}
	// A name or description the extractor could not resolve because it is
	// chosen at run time (a conditional, a random draw, the clock) is
	// run-time metadata, whether or not the extractor also reported it.
	for _, t := range s.Tools {
		for _, f := range []struct {
			field string
			x     *surface.Text
		}{{"name", &t.Name}, {"title", t.Title}, {"description", t.Description}} {
			field, x := f.field, f.x
			if x == nil || x.Resolution == surface.Resolved || !(runtimeChoice.MatchString(x.Reason) || dynamicSource.MatchString(x.Reason)) {
				continue
			}
			tagged := fmt.Sprintf("%s of tool %q", field, t.Name.Value)
			if slices.ContainsFunc(s.Indicators, func(in surface.Indicator) bool { return strings.Contains(in.Detail, tagged) }) {
				continue
			}
			d.report("TP003", "high", x.Pos, "chosen"+tagged, "runtime metadata: the %s is chosen at run time: %s", tagged, x.Reason)
		}
	}
	for _, g := range s.Gaps {
		if g.Kind == "dynamic-tool-table" && dynamicSource.MatchString(g.Detail) {
			sev := "high"
			if d.installerChosen(g.Detail) {
				sev = "low" // a table chosen by the installer's configuration
			}
			d.report("TP003", sev, analysis.Position{Path: g.Path}, "dynamic"+g.Detail, "runtime metadata: the tool list is built from data read at run time: %s", g.Detail)
		}
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

// describeKinds names the hidden characters of a text by kind and count,
// and the kinds of space it uses when there are several: typographic text
// uses one or two (no-break, thin), a covert channel many.
func describeKinds(kinds map[string]int, spaceKinds int) string {
	var parts []string
	for k, c := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s character(s)", c, k))
	}
	if spaceKinds >= 2 {
		parts = append(parts, fmt.Sprintf("spaces of %d kinds", spaceKinds))
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
