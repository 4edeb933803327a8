package python

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// pyWhitespace is what str.strip() removes: the characters of str.isspace().
const pyWhitespace = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"

func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// evalString folds one string literal, f-strings included.
func (x *extractor) evalString(e *env, n *pnode, depth int) *value {
	if n.Type() != "string" {
		return x.eval(e, n, depth)
	}
	var start, end *pnode
	var interps []*pnode
	for _, c := range n.Children() {
		switch c.Type() {
		case "string_start":
			start = c
		case "string_end":
			end = c
		case "interpolation":
			interps = append(interps, c)
		}
	}
	if start == nil || end == nil || end.StartByte() < start.EndByte() {
		return unknown("a malformed string literal")
	}
	prefix := strings.ToLower(strings.TrimRight(start.Text(), `'"`))
	raw := strings.ContainsRune(prefix, 'r')
	bytesMode := strings.ContainsRune(prefix, 'b')
	fstr := strings.ContainsAny(prefix, "ft")
	src := e.m.src
	var parts []*value
	var nodes []*pnode
	literal := func(from, to int) {
		if to <= from {
			return
		}
		s := normalizeNewlines(string(src[from:to]))
		if fstr {
			s = strings.NewReplacer("{{", "{", "}}", "}").Replace(s)
		}
		v := strVal(s, analysis.Position{})
		if !raw {
			dec, ok := unescape(s, bytesMode)
			v.s = dec
			if !ok {
				v.res, v.reason = surface.Partial, `a \N{…} escape names a character that is not decoded`
			}
		}
		parts, nodes = append(parts, v), append(nodes, nil)
	}
	at := start.EndByte()
	for _, in := range interps {
		literal(at, in.StartByte())
		parts, nodes = append(parts, x.interpolation(e, in, depth)), append(nodes, in)
		at = in.EndByte()
	}
	literal(at, end.StartByte())
	if len(parts) == 0 {
		return strVal("", e.m.pos(n))
	}
	return concat(parts, nodes, e.m.pos(n))
}

// interpolation folds an f-string field: only a plain {expr} whose value is
// known becomes text; conversions and format specs stay holes.
func (x *extractor) interpolation(e *env, in *pnode, depth int) *value {
	expr := in.Field("expression")
	simple := in.Field("type_conversion") == nil && in.Field("format_specifier") == nil
	for _, c := range in.Children() {
		if !c.IsNamed() && c.Text() == "=" {
			simple = false
		}
	}
	v := x.eval(e, expr, depth+1)
	if !simple {
		return unknown("the f-string field "+srcOf(in)+" has a conversion or format spec", v.rt...)
	}
	if s, ok := scalarStr(v); ok {
		return strVal(s, analysis.Position{})
	}
	if v.k == kStr {
		return v
	}
	reason := v.reason
	if v.k != kUnknown {
		reason = srcOf(expr) + " is not a string constant"
	}
	return unknown("the f-string field "+srcOf(in)+" is not a constant: "+reason, v.rt...)
}

// concat joins folded parts into one text; a part that is not text becomes a
// hole "{expr}" and makes the result partial (unresolved when nothing of it
// is known).
func concat(parts []*value, nodes []*pnode, pos analysis.Position) *value {
	var sb strings.Builder
	out := &value{k: kStr, pos: pos}
	known, holes := false, false
	var reasons []string
	for i, p := range parts {
		out.rt = append(out.rt, p.rt...)
		if p.k == kMember && p.member != nil {
			p = p.member
		}
		if s, ok := scalarStr(p); ok {
			sb.WriteString(s)
			known = known || s != ""
			continue
		}
		if p.k == kStr && !(p.res == surface.Unresolved && p.s == "") {
			sb.WriteString(p.s)
			// Separators alone ("\n".join of unknown lines) are not
			// knowledge of the text.
			if p.res == surface.Partial || p.res == surface.Resolved && strings.TrimSpace(p.s) != "" {
				known = true
			}
			if p.res != surface.Resolved {
				holes = true
				reasons = append(reasons, p.reason)
			}
		} else {
			sb.WriteString(holeOf(nodes[i]))
			holes = true
			reasons = append(reasons, p.reason)
		}
		if sb.Len() > maxText {
			break
		}
	}
	out.s = sb.String()
	if len(out.s) > maxText {
		out.s = truncUTF8(out.s, maxText)
		holes, known = true, true
		reasons = append(reasons, "the text is longer than the folding limit")
	}
	switch {
	case !holes:
		out.res = surface.Resolved
	case known:
		out.res = surface.Partial
	default:
		out.res = surface.Unresolved
	}
	out.reason = joinReasons(reasons)
	return out
}

// holeOf is the placeholder of an expression that was not folded.
func holeOf(n *pnode) string {
	if n == nil {
		return "{…}"
	}
	if n.Type() == "interpolation" {
		return srcOf(n)
	}
	return "{" + srcOf(n) + "}"
}

// joinReasons joins distinct non-empty reasons.
func joinReasons(rs []string) string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rs {
		for _, p := range strings.Split(r, "; ") {
			if p != "" && !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	if len(out) > 5 {
		out = append(out[:5], "…")
	}
	return strings.Join(out, "; ")
}

func truncUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// mapText applies f to the text of a string value.
func mapText(v *value, f func(string) string) *value {
	if v.k != kStr {
		if v.k == kUnknown {
			return v
		}
		return unknown("the value is not a string", v.rt...)
	}
	out := *v
	out.s = f(v.s)
	return &out
}

func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

func surfacePos(p string) analysis.Position {
	return analysis.Position{Path: p, StartLine: 1, StartCol: 1}
}

// unescape decodes the backslash escapes of a non-raw literal. It reports
// false when a \N{name} escape names a character it does not know.
func unescape(s string, bytesMode bool) (string, bool) {
	if !strings.Contains(s, `\`) {
		return s, true
	}
	var b strings.Builder
	ok := true
	put := func(r rune) {
		if bytesMode {
			b.WriteByte(byte(r))
		} else {
			b.WriteRune(r)
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			i++
			continue
		}
		d := s[i+1]
		switch d {
		case '\n': // line continuation
			i += 2
		case '\\', '\'', '"':
			b.WriteByte(d)
			i += 2
		case 'a', 'b', 'f', 'n', 'r', 't', 'v':
			b.WriteByte(map[byte]byte{'a': 7, 'b': 8, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11}[d])
			i += 2
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i + 1
			v := 0
			for j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7' {
				v = v*8 + int(s[j]-'0')
				j++
			}
			put(rune(v))
			i = j
		case 'x', 'u', 'U':
			w := map[byte]int{'x': 2, 'u': 4, 'U': 8}[d]
			if bytesMode && d != 'x' || i+2+w > len(s) {
				b.WriteByte('\\')
				i++
				continue
			}
			v, err := strconv.ParseUint(s[i+2:i+2+w], 16, 32)
			if err != nil || v > unicode.MaxRune {
				b.WriteByte('\\')
				i++
				continue
			}
			put(rune(v))
			i += 2 + w
		case 'N':
			end := strings.IndexByte(s[i:], '}')
			if bytesMode || i+2 >= len(s) || s[i+2] != '{' || end < 0 {
				b.WriteByte('\\')
				i++
				continue
			}
			name := s[i+3 : i+end]
			if r, known := unicodeName(name); known {
				b.WriteRune(r)
			} else {
				b.WriteString(s[i : i+end+1])
				ok = false
			}
			i += end + 1
		default: // an unknown escape keeps its backslash
			b.WriteByte('\\')
			i++
		}
	}
	return b.String(), ok
}

// unicodeName decodes the \N{…} names that matter for hidden text (format
// and control characters, tags) and a few common ones.
func unicodeName(name string) (rune, bool) {
	n := strings.ToUpper(strings.Join(strings.Fields(name), " "))
	named := map[string]rune{
		"NULL": 0, "CHARACTER TABULATION": 9, "LINE FEED": 10, "CARRIAGE RETURN": 13, "ESCAPE": 0x1b, "SPACE": 0x20,
		"NO-BREAK SPACE": 0xa0, "SOFT HYPHEN": 0xad, "DEGREE SIGN": 0xb0, "EN DASH": 0x2013, "EM DASH": 0x2014,
		"BULLET": 0x2022, "HORIZONTAL ELLIPSIS": 0x2026, "ZERO WIDTH SPACE": 0x200b,
		"ZERO WIDTH NON-JOINER": 0x200c, "ZERO WIDTH JOINER": 0x200d, "LEFT-TO-RIGHT MARK": 0x200e,
		"RIGHT-TO-LEFT MARK": 0x200f, "LEFT-TO-RIGHT EMBEDDING": 0x202a, "RIGHT-TO-LEFT EMBEDDING": 0x202b,
		"POP DIRECTIONAL FORMATTING": 0x202c, "LEFT-TO-RIGHT OVERRIDE": 0x202d, "RIGHT-TO-LEFT OVERRIDE": 0x202e,
		"WORD JOINER": 0x2060, "LEFT-TO-RIGHT ISOLATE": 0x2066, "RIGHT-TO-LEFT ISOLATE": 0x2067,
		"FIRST STRONG ISOLATE": 0x2068, "POP DIRECTIONAL ISOLATE": 0x2069, "ZERO WIDTH NO-BREAK SPACE": 0xfeff,
		"CHECK MARK": 0x2713, "TAG SPACE": 0xe0020, "LANGUAGE TAG": 0xe0001, "CANCEL TAG": 0xe007f,
	}
	if r, ok := named[n]; ok {
		return r, true
	}
	for _, t := range []struct {
		prefix string
		base   rune
	}{{"TAG LATIN CAPITAL LETTER ", 0xe0041}, {"TAG LATIN SMALL LETTER ", 0xe0061}} {
		if rest, ok := strings.CutPrefix(n, t.prefix); ok && len(rest) == 1 && rest[0] >= 'A' && rest[0] <= 'Z' {
			return t.base + rune(rest[0]-'A'), true
		}
	}
	digits := []string{"ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"}
	for i, d := range digits {
		if n == "TAG DIGIT "+d {
			return 0xe0030 + rune(i), true
		}
	}
	return 0, false
}

// format folds str.format with positional and keyword fields; fields with a
// conversion, a format spec or an attribute path stay holes.
func (x *extractor) format(e *env, tmpl *value, args, n *pnode, depth int) *value {
	if tmpl.res != surface.Resolved {
		return unknown(srcOf(n)+" formats a template that is not folded", tmpl.rt...)
	}
	pos := argNodes(args)
	var parts []*value
	var nodes []*pnode
	lit := func(s string) {
		if s != "" {
			parts, nodes = append(parts, strVal(s, analysis.Position{})), append(nodes, nil)
		}
	}
	s, auto := tmpl.s, 0
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c == '{' || c == '}') && i+1 < len(s) && s[i+1] == c {
			cur.WriteByte(c)
			i++
			continue
		}
		if c != '{' {
			cur.WriteByte(c)
			continue
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return unknown(srcOf(n) + " has a malformed format template")
		}
		lit(cur.String())
		cur.Reset()
		field := s[i+1 : i+j]
		i += j
		var v *value
		switch {
		case strings.ContainsAny(field, "!:.["):
			v = unknown("the format field {" + field + "} is not folded")
		case field == "" || isDigits(field):
			k := auto
			if field != "" {
				k, _ = strconv.Atoi(field)
			} else {
				auto++
			}
			if k < len(pos) {
				v = x.eval(e, pos[k], depth+1)
			} else {
				v = unknown("the format field {" + field + "} has no argument")
			}
		default:
			if kw := kwargNode(args, field); kw != nil {
				v = x.eval(e, kw, depth+1)
			} else {
				v = unknown("the format field {" + field + "} is not passed by name")
			}
		}
		if v.k != kStr {
			if str, ok := scalarStr(v); ok {
				v = strVal(str, analysis.Position{})
			} else {
				v = &value{k: kStr, s: "{" + field + "}", res: surface.Unresolved, reason: v.reason, rt: v.rt}
			}
		}
		parts, nodes = append(parts, v), append(nodes, nil)
	}
	lit(cur.String())
	out := concat(parts, nodes, e.m.pos(n))
	out.rt = append(out.rt, tmpl.rt...)
	return out
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// cleandoc is inspect.cleandoc, which fastmcp (inspect.getdoc) and pydantic
// apply to docstrings: tabs expanded, the first line left-stripped, the
// common indentation of the other lines removed, leading and trailing blank
// lines dropped.
func cleandoc(doc string) string {
	lines := strings.Split(expandTabs(doc), "\n")
	margin := -1
	for _, l := range lines[1:] {
		r := []rune(l)
		content := len([]rune(strings.TrimLeftFunc(l, pyIsSpace)))
		if content > 0 {
			if ind := len(r) - content; margin < 0 || ind < margin {
				margin = ind
			}
		}
	}
	lines[0] = strings.TrimLeftFunc(lines[0], pyIsSpace)
	if margin >= 0 {
		for i := 1; i < len(lines); i++ {
			r := []rune(lines[i])
			if margin < len(r) {
				lines[i] = string(r[margin:])
			} else {
				lines[i] = ""
			}
		}
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	return strings.Join(lines, "\n")
}

// expandTabs is str.expandtabs(8): the column restarts after \n and \r.
func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case '\n', '\r':
			b.WriteRune(r)
			col = 0
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}

// dedent is textwrap.dedent: lines of only blanks and tabs are emptied and
// the longest common leading run of blanks and tabs is removed.
func dedent(text string) string {
	lines := strings.Split(text, "\n")
	margin, have := "", false
	for i, l := range lines {
		if strings.Trim(l, " \t") == "" {
			lines[i] = ""
			continue
		}
		ind := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		switch {
		case !have:
			margin, have = ind, true
		case strings.HasPrefix(ind, margin):
		case strings.HasPrefix(margin, ind):
			margin = ind
		default:
			k := 0
			for k < len(margin) && k < len(ind) && margin[k] == ind[k] {
				k++
			}
			margin = margin[:k]
		}
	}
	if margin == "" {
		return strings.Join(lines, "\n")
	}
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, margin)
	}
	return strings.Join(lines, "\n")
}

// docNode is the docstring literal of a module or function body, if any:
// the first statement, a plain (not f-) string or implicit concatenation.
func docNode(body *pnode) *pnode {
	if body == nil {
		return nil
	}
	sts := namedNoComments(body)
	if len(sts) == 0 || !isDocStatement(sts[0]) {
		return nil
	}
	return namedNoComments(sts[0])[0]
}

func isDocStatement(st *pnode) bool {
	if st.Type() != "expression_statement" {
		return false
	}
	cs := namedNoComments(st)
	if len(cs) != 1 {
		return false
	}
	strs := []*pnode{cs[0]}
	switch cs[0].Type() {
	case "string":
	case "concatenated_string":
		strs = namedNoComments(cs[0])
	default:
		return false
	}
	for _, s := range strs {
		for _, c := range s.Children() {
			if c.Type() == "string_start" && strings.ContainsAny(strings.ToLower(c.Text()), "fbt") {
				return false
			}
		}
	}
	return true
}

// docValue is the raw (not yet cleaned) text of a docstring literal.
func (x *extractor) docValue(m *module, n *pnode) *value {
	return x.eval(&env{m: m}, n, 0)
}
