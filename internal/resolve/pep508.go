package resolve

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"deps.dev/util/semver"
)

// pyTarget is the environment PEP 508 markers are evaluated against: the
// CPython-on-Linux interpreter an MCP server is most commonly run with.
var pyTarget = map[string]string{
	"python_version":                 "3.12",
	"python_full_version":            "3.12.0",
	"implementation_version":         "3.12.0",
	"implementation_name":            "cpython",
	"platform_python_implementation": "CPython",
	"os_name":                        "posix",
	"sys_platform":                   "linux",
	"platform_system":                "Linux",
	"platform_machine":               "x86_64",
	"platform_release":               "",
	"platform_version":               "",
}

// pyMarkerAliases maps legacy marker variable spellings that packaging
// still accepts to their PEP 508 names.
var pyMarkerAliases = map[string]string{
	"os.name":                        "os_name",
	"sys.platform":                   "sys_platform",
	"platform.version":               "platform_version",
	"platform.machine":               "platform_machine",
	"platform.python_implementation": "platform_python_implementation",
	"python_implementation":          "platform_python_implementation",
}

var (
	pyNameRe     = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`)
	pyNormRe     = regexp.MustCompile(`[-_.]+`)
	pyClauseRe   = regexp.MustCompile(`^\s*(===|~=|==|!=|<=|>=|<|>)\s*([^\s=<>!~]\S*)\s*$`)
	pyURLSplitRe = regexp.MustCompile(`\s+;`)
)

// normalizeName applies PEP 503 (and PEP 685 for extras): lowercase, with
// runs of "-", "_" and "." collapsed to "-".
func normalizeName(n string) string {
	return strings.ToLower(pyNormRe.ReplaceAllString(n, "-"))
}

// pyReq is one PEP 508 requirement.
type pyReq struct {
	name   string   // PEP 503-normalised
	extras []string // normalised, sorted, unique
	spec   pySpec
	marker *marker // nil: applies everywhere
	url    string  // PEP 508 direct reference ("name @ url")
	text   string  // as written, for messages
}

// applies reports whether the requirement is installed in the target
// environment when the requiring package was installed with extras.
func (q *pyReq) applies(extras []string) bool {
	if q.marker == nil || q.marker.eval("") {
		return true
	}
	return slices.ContainsFunc(extras, q.marker.eval)
}

// pySpec is a PEP 440 version specifier (or a translated Poetry constraint).
type pySpec struct {
	text      string
	alts      []*semver.Constraint // matches if any alternative matches; none: any version
	exact     string               // version of an "==V" or "===V" clause: nothing to resolve
	arbitrary bool                 // exact came from "===": compare as strings
	pre       bool                 // names a pre-release, so pre-releases may be chosen
}

// isPyPre reports whether v is a pre-release or development release, which
// pip only installs when asked to.
func isPyPre(v *semver.Version) bool {
	return v.IsPrerelease() || strings.Contains(v.Canon(false), "dev")
}

func (s *pySpec) match(raw string, v *semver.Version, allowPre bool) bool {
	if s.arbitrary {
		return strings.EqualFold(raw, s.exact)
	}
	if !allowPre && isPyPre(v) {
		// deps.dev's matcher lets "<2" admit 2.0b1; PEP 440 does not.
		return false
	}
	if len(s.alts) == 0 {
		return true
	}
	for _, c := range s.alts {
		if (allowPre && c.MatchVersionPrerelease(v)) || (!allowPre && c.MatchVersion(v)) {
			return true
		}
	}
	return false
}

// parseSpecifier parses a comma-separated PEP 440 specifier, optionally in
// parentheses (the legacy "name (>=1.0)" form).
func parseSpecifier(text string) (pySpec, error) {
	s := pySpec{text: strings.TrimSpace(text)}
	t := s.text
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") {
		t = strings.TrimSpace(t[1 : len(t)-1])
	}
	if t == "" {
		return s, nil
	}
	clauses := strings.Split(t, ",")
	parts := make([]string, 0, len(clauses))
	for _, c := range clauses {
		m := pyClauseRe.FindStringSubmatch(c)
		if m == nil {
			return s, fmt.Errorf("invalid version specifier %q", strings.TrimSpace(c))
		}
		op, ver := m[1], m[2]
		if op == "===" {
			if len(clauses) != 1 {
				return s, errors.New(`"===" cannot be combined with other specifiers`)
			}
			s.exact, s.arbitrary = ver, true
			return s, nil
		}
		core, wildcard := strings.CutSuffix(ver, ".*")
		if wildcard && op != "==" && op != "!=" {
			return s, fmt.Errorf("wildcard not allowed with %q", op)
		}
		v, err := semver.PyPI.Parse(core)
		if err != nil {
			return s, fmt.Errorf("invalid version %q", ver)
		}
		s.pre = s.pre || isPyPre(v)
		if op == "==" && !wildcard && s.exact == "" {
			s.exact = ver
		}
		parts = append(parts, op+ver)
	}
	c, err := semver.PyPI.ParseConstraint(strings.Join(parts, ","))
	if err != nil {
		return s, fmt.Errorf("invalid version specifier %q: %v", t, err)
	}
	s.alts = []*semver.Constraint{c}
	return s, nil
}

// parseRequirement parses a PEP 508 dependency specification:
// name [extras] (specifier | "@" url) [";" marker].
func parseRequirement(line string) (pyReq, error) {
	q := pyReq{text: strings.TrimSpace(line)}
	rest := q.text
	name := pyNameRe.FindString(rest)
	if name == "" {
		return q, errors.New("missing or invalid project name")
	}
	q.name = normalizeName(name)
	rest = strings.TrimSpace(rest[len(name):])
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return q, errors.New("unterminated extras")
		}
		for e := range strings.SplitSeq(rest[1:end], ",") {
			e = strings.TrimSpace(e)
			if e == "" {
				continue
			}
			if pyNameRe.FindString(e) != e {
				return q, fmt.Errorf("invalid extra %q", e)
			}
			q.extras = append(q.extras, normalizeName(e))
		}
		slices.Sort(q.extras)
		q.extras = slices.Compact(q.extras)
		rest = strings.TrimSpace(rest[end+1:])
	}
	var markerText string
	hasMarker := false
	if u, ok := strings.CutPrefix(rest, "@"); ok {
		// PEP 508: a URL's marker must be preceded by whitespace, because
		// ";" is legal inside URLs.
		parts := pyURLSplitRe.Split(strings.TrimSpace(u), 2)
		q.url = strings.TrimSpace(parts[0])
		if q.url == "" {
			return q, errors.New("empty direct reference")
		}
		if len(parts) == 2 {
			markerText, hasMarker = parts[1], true
		}
	} else {
		var specText string
		specText, markerText, hasMarker = strings.Cut(rest, ";")
		var err error
		if q.spec, err = parseSpecifier(specText); err != nil {
			return q, err
		}
	}
	if hasMarker {
		m, err := parseMarker(markerText)
		if err != nil {
			return q, err
		}
		q.marker = m
	}
	return q, nil
}

// marker is a parsed PEP 508 environment marker expression.
type marker struct {
	op       string  // "and", "or", or a comparison operator
	l, r     *marker // operands of "and" / "or"
	lhs, rhs markerValue
}

type markerValue struct {
	variable string // PEP 508 variable name, or "" for a literal
	literal  string
}

// eval evaluates the marker in pyTarget with the given "extra" value.
func (m *marker) eval(extra string) bool {
	switch m.op {
	case "and":
		return m.l.eval(extra) && m.r.eval(extra)
	case "or":
		return m.l.eval(extra) || m.r.eval(extra)
	}
	l, r := m.lhs.value(extra), m.rhs.value(extra)
	if m.lhs.variable == "extra" || m.rhs.variable == "extra" {
		l, r = normalizeName(l), normalizeName(r)
	}
	switch m.op {
	case "in":
		return strings.Contains(r, l)
	case "not in":
		return !strings.Contains(r, l)
	case "===":
		return l == r
	}
	// Like packaging: compare as PEP 440 versions when both sides are
	// versions, otherwise as strings.
	if c, err := semver.PyPI.ParseConstraint(m.op + r); err == nil {
		if v, err := semver.PyPI.Parse(l); err == nil {
			return c.MatchVersionPrerelease(v)
		}
	}
	switch m.op {
	case "==":
		return l == r
	case "!=":
		return l != r
	case "<":
		return l < r
	case "<=":
		return l <= r
	case ">":
		return l > r
	case ">=":
		return l >= r
	}
	return false // "~=" on non-versions
}

func (v markerValue) value(extra string) string {
	switch v.variable {
	case "":
		return v.literal
	case "extra":
		return extra
	}
	return pyTarget[v.variable]
}

// maxMarkerDepth bounds parenthesis nesting so hostile input cannot
// exhaust the stack.
const maxMarkerDepth = 32

type markerParser struct {
	toks  []string
	pos   int
	depth int
}

func parseMarker(s string) (*marker, error) {
	toks, err := markerTokens(s)
	if err != nil {
		return nil, err
	}
	p := &markerParser{toks: toks}
	m, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q in marker", p.toks[p.pos])
	}
	return m, nil
}

func markerTokens(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '(' || c == ')':
			toks = append(toks, s[i:i+1])
			i++
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, errors.New("unterminated string in marker")
			}
			toks = append(toks, s[i:i+j+2])
			i += j + 2
		case strings.IndexByte("<>=!~", c) >= 0:
			j := i
			for j < len(s) && strings.IndexByte("<>=!~", s[j]) >= 0 {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '.' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q in marker", c)
		}
	}
	if len(toks) == 0 {
		return nil, errors.New("empty marker")
	}
	return toks, nil
}

func (p *markerParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *markerParser) or() (*marker, error) {
	l, err := p.and()
	for err == nil && p.peek() == "or" {
		p.pos++
		var r *marker
		if r, err = p.and(); err == nil {
			l = &marker{op: "or", l: l, r: r}
		}
	}
	return l, err
}

func (p *markerParser) and() (*marker, error) {
	l, err := p.atom()
	for err == nil && p.peek() == "and" {
		p.pos++
		var r *marker
		if r, err = p.atom(); err == nil {
			l = &marker{op: "and", l: l, r: r}
		}
	}
	return l, err
}

func (p *markerParser) atom() (*marker, error) {
	if p.peek() == "(" {
		if p.depth++; p.depth > maxMarkerDepth {
			return nil, errors.New("marker nested too deeply")
		}
		p.pos++
		m, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, errors.New("missing ) in marker")
		}
		p.pos++
		p.depth--
		return m, nil
	}
	lhs, err := p.value()
	if err != nil {
		return nil, err
	}
	op := p.peek()
	switch op {
	case "<", "<=", "==", "!=", ">=", ">", "~=", "===", "in":
		p.pos++
	case "not":
		p.pos++
		if p.peek() != "in" {
			return nil, errors.New(`expected "in" after "not" in marker`)
		}
		p.pos++
		op = "not in"
	default:
		return nil, fmt.Errorf("expected comparison operator in marker, got %q", op)
	}
	rhs, err := p.value()
	if err != nil {
		return nil, err
	}
	return &marker{op: op, lhs: lhs, rhs: rhs}, nil
}

func (p *markerParser) value() (markerValue, error) {
	t := p.peek()
	p.pos++
	switch {
	case t == "":
		return markerValue{}, errors.New("truncated marker")
	case t[0] == '"' || t[0] == '\'':
		return markerValue{literal: t[1 : len(t)-1]}, nil
	case t == "extra":
		return markerValue{variable: t}, nil
	}
	if alias, ok := pyMarkerAliases[t]; ok {
		t = alias
	}
	if _, ok := pyTarget[t]; !ok {
		return markerValue{}, fmt.Errorf("unknown marker variable %q", t)
	}
	return markerValue{variable: t}, nil
}
