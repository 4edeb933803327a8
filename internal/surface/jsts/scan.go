package jsts

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
)

// The lexical pre-scan runs before tree-sitter on every file. Parsing and
// walking with tree-sitter costs about 0.35 µs per byte and 2 µs per node
// here, so a 5 MB bundle would take seconds; the scan (one pass, about
// 10 ns per byte) finds the few places that matter so that
//   - files with no candidate are never parsed unless imported,
//   - the walk descends only into nodes that overlap a candidate span,
//   - in large files, function bodies with no candidate are cut out and
//     variable initializers are replaced by placeholders parsed on demand
//     (see mask), so the parse covers little more than the declarations.
// It also counts assignments per identifier, so that a let/var that is
// reassigned anywhere (a counter) is not folded as a constant.

// callVocab are method names whose calls are extraction sites.
var callVocab = map[string]bool{
	"tool": true, "registerTool": true, "prompt": true, "registerPrompt": true,
	"resource": true, "registerResource": true, "addTool": true, "addPrompt": true,
	"addResource": true, "addResourceTemplate": true, "setRequestHandler": true,
	"sendToolListChanged": true, "sendPromptListChanged": true, "sendResourceListChanged": true,
	"update": true, "remove": true, "enable": true, "disable": true,
}

// ctorVocab are server classes whose construction carries instructions.
var ctorVocab = map[string]bool{"McpServer": true, "Server": true, "FastMCP": true}

// baseName strips the suffixes bundlers add to renamed identifiers
// (McpServer2, tool$1).
func baseName(s string) string {
	if i := strings.IndexByte(s, '$'); i > 0 {
		s = s[:i]
	}
	return strings.TrimRight(s, "0123456789")
}

// span is a half-open byte range.
type span struct{ start, end int }

// cut is a range of the source the parse may skip: a function body with
// no candidate, or a variable initializer (parsed later if evaluated).
type cut struct {
	start, end int
	name       string // the function's name, for a body
	lazy       bool   // an initializer
}

type scanResult struct {
	spans    []span          // sorted, disjoint: where the walk must descend
	cuts     []cut           // in closing order
	refNames map[string]bool // identifiers inside candidate calls
	assigns  map[string]int  // reassignments per identifier (declarations excluded)
	balanced bool            // brackets matched; masking is unsafe otherwise
	cands    int
	decls    int // candidates that declare (not mutation methods)
}

// mutationVocab are the candidates that only change declarations.
var mutationVocab = map[string]bool{"update": true, "remove": true, "enable": true, "disable": true}

type tokKind uint8

const (
	tkNone tokKind = iota
	tkIdent
	tkKeyword
	tkNum
	tkStr
	tkTmpl
	tkRegex
	tkPunct
)

var regexKeywords = map[string]bool{
	"return": true, "typeof": true, "instanceof": true, "in": true, "of": true, "new": true,
	"delete": true, "void": true, "throw": true, "case": true, "do": true, "else": true,
	"yield": true, "await": true,
}

var blockKeywords = map[string]bool{"else": true, "try": true, "finally": true, "do": true}

var controlWords = map[string]bool{
	"if": true, "for": true, "while": true, "switch": true, "catch": true, "with": true,
}

var keywords = map[string]bool{
	"var": true, "let": true, "const": true, "function": true, "class": true, "if": true,
	"else": true, "for": true, "while": true, "do": true, "return": true, "switch": true,
	"case": true, "default": true, "break": true, "continue": true, "new": true, "delete": true,
	"typeof": true, "instanceof": true, "in": true, "of": true, "void": true, "throw": true,
	"try": true, "catch": true, "finally": true, "yield": true, "await": true, "import": true,
	"export": true, "extends": true, "this": true, "super": true, "with": true, "async": true,
}

// keywordCheck[c] is set for the first letters of keywords, so that most
// identifiers skip the map lookup.
var keywordCheck [256]bool

// isKeyword reports whether b is one of keywords, without allocating.
func isKeyword(b []byte) bool {
	return len(b) >= 2 && len(b) <= 10 && keywordCheck[b[0]] && keywords[string(b)]
}

// statementWords start a statement and cannot continue an expression.
var statementWords = map[string]bool{
	"var": true, "let": true, "const": true, "if": true, "for": true, "while": true, "do": true,
	"return": true, "switch": true, "try": true, "throw": true, "break": true, "continue": true,
	"export": true,
}

type frame struct {
	ch        byte // '(' '[' '{' or '$' (a template substitution)
	open      int
	cand      int // start of the candidate identifier for this '(', or -1
	body      bool
	name      string
	cands     int    // scanner.cands when opened
	prevIdent []byte // identifier or keyword before '('
}

// decl follows a var/let/const list in statement position, to find the
// extent of each initializer.
type decl struct {
	depth      int
	expectName bool // after the keyword or a ','
	named      bool // the declarator is a plain identifier
	pending    bool // '=' seen; the next token starts the initializer
	initStart  int  // -1 until then
	cands      int  // scanner.cands at '='
}

type scanner struct {
	src     []byte
	i       int
	tok     int // start of the current token
	prev    tokKind
	ptext   string // the previous keyword or punctuator
	pident  []byte // the previous identifier
	pmember bool   // the previous identifier is a property (after '.')
	stack   []frame
	res     scanResult

	pending   int // start of a candidate identifier awaiting '('
	candOpen  int
	lastParen []byte // prevIdent of the last closed '('
	hint      []byte // identifier of the last `x =` or `x:`
	hintDepth int
	declDepth int // depth of an open var/let/const list (for assignment counting), or -1
	decls     []decl
	prevEnd   int // end of the previous token
}

// scan lexes src. It never fails: on malformed input it reports
// balanced=false and the caller falls back to descending everywhere.
func scan(src []byte) *scanResult {
	s := &scanner{src: src, pending: -1, declDepth: -1, hintDepth: -1}
	s.res.refNames = map[string]bool{}
	s.res.assigns = map[string]int{}
	s.res.balanced = true
	if bytes.HasPrefix(src, []byte("\xEF\xBB\xBF")) {
		s.i = 3
	}
	if len(src) > s.i+1 && src[s.i] == '#' && src[s.i+1] == '!' {
		s.skipLine()
	}
	s.run()
	if len(s.stack) > 0 {
		s.res.balanced = false
		for _, f := range s.stack {
			if f.cand >= 0 {
				s.res.spans = append(s.res.spans, span{f.cand, len(src)})
			}
		}
	}
	s.res.spans = mergeSpans(s.res.spans)
	return &s.res
}

func mergeSpans(sp []span) []span {
	sort.Slice(sp, func(i, j int) bool { return sp[i].start < sp[j].start })
	out := sp[:0]
	for _, x := range sp {
		if n := len(out); n > 0 && x.start <= out[n-1].end {
			if x.end > out[n-1].end {
				out[n-1].end = x.end
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

var identStart, identPart [256]bool

func init() {
	for k := range keywords {
		keywordCheck[k[0]] = true
	}
	for c := 0; c < 256; c++ {
		b := byte(c)
		identStart[c] = b == '_' || b == '$' || b == '#' || b == '\\' || b >= 0x80 ||
			(b|0x20 >= 'a' && b|0x20 <= 'z')
		identPart[c] = identStart[c] || (b >= '0' && b <= '9')
	}
}

func (s *scanner) skipLine() {
	if j := bytes.IndexByte(s.src[s.i:], '\n'); j >= 0 {
		s.i += j
	} else {
		s.i = len(s.src)
	}
}

func isAssignOp(p string) bool {
	switch p {
	case "=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=", "||=", "??=":
		return true
	}
	return false
}

// regexAllowed tells a regular expression from a division by the token
// before the slash.
func (s *scanner) regexAllowed() bool {
	switch s.prev {
	case tkNone:
		return true
	case tkKeyword:
		return regexKeywords[s.ptext]
	case tkIdent:
		return false
	case tkPunct:
		return s.ptext != ")" && s.ptext != "]"
	}
	return false
}

func (s *scanner) run() {
	src := s.src
	for s.i < len(src) {
		c := src[s.i]
		s.tok = s.i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			s.i++
			continue
		case c == '/' && s.i+1 < len(src) && src[s.i+1] == '/':
			s.skipLine()
			continue
		case c == '/' && s.i+1 < len(src) && src[s.i+1] == '*':
			if end := bytes.Index(src[s.i+2:], []byte("*/")); end < 0 {
				s.i = len(src)
			} else {
				s.i += end + 4
			}
			continue
		}
		if n := len(s.decls); n > 0 && s.decls[n-1].pending {
			s.decls[n-1].pending = false
			s.decls[n-1].initStart = s.tok
		}
		switch {
		case c == '\'' || c == '"':
			s.str(c)
			s.token(tkStr, "")
		case c == '`':
			s.i++
			s.template()
		case c == '/' && s.regexAllowed():
			s.regex()
			s.token(tkRegex, "")
		case c >= '0' && c <= '9' || (c == '.' && s.i+1 < len(src) && src[s.i+1] >= '0' && src[s.i+1] <= '9'):
			for s.i < len(src) && (identPart[src[s.i]] || src[s.i] == '.') {
				s.i++
			}
			s.token(tkNum, "")
		case identStart[c]:
			start := s.i
			s.i++
			for s.i < len(src) && identPart[src[s.i]] {
				s.i++
			}
			s.ident(start, src[start:s.i])
		default:
			s.punct()
		}
	}
	s.endDecls(0)
}

// str skips a quoted string; a raw newline ends an unterminated one.
func (s *scanner) str(q byte) {
	src := s.src
	s.i++
	for s.i < len(src) {
		switch src[s.i] {
		case '\\':
			s.i += 2
			continue
		case q:
			s.i++
			return
		case '\n':
			return
		}
		s.i++
	}
}

// template skips template text up to the closing backtick or a `${`, which
// opens a substitution frame that the matching `}` closes.
func (s *scanner) template() {
	src := s.src
	for s.i < len(src) {
		switch src[s.i] {
		case '\\':
			s.i += 2
			continue
		case '`':
			s.i++
			s.token(tkTmpl, "")
			return
		case '$':
			if s.i+1 < len(src) && src[s.i+1] == '{' {
				s.stack = append(s.stack, frame{ch: '$', open: s.i, cand: -1})
				s.i += 2
				s.prev, s.ptext = tkPunct, "${"
				return
			}
		}
		s.i++
	}
}

func (s *scanner) regex() {
	src := s.src
	s.i++
	inClass := false
	for s.i < len(src) {
		switch src[s.i] {
		case '\\':
			s.i += 2
			continue
		case '[':
			inClass = true
		case ']':
			inClass = false
		case '/':
			if !inClass {
				s.i++
				for s.i < len(src) && identPart[src[s.i]] {
					s.i++
				}
				return
			}
		case '\n':
			return
		}
		s.i++
	}
}

// token records the previous significant token; every token but '(' ends
// a pending candidate.
func (s *scanner) token(k tokKind, text string) {
	if k != tkPunct || text != "(" {
		s.pending = -1
	}
	s.prev, s.ptext = k, text
	s.prevEnd = s.i
}

// identText is the previous identifier as a string.
func (s *scanner) identText() string { return string(s.pident) }

// ident handles an identifier or keyword: declarations, candidates,
// prefix increments.
func (s *scanner) ident(start int, b []byte) {
	member := s.prev == tkPunct && (s.ptext == "." || s.ptext == "?.")
	if !member && isKeyword(b) {
		text := string(b)
		if statementWords[text] {
			s.endDecls(len(s.stack))
		}
		if text == "var" || text == "let" || text == "const" {
			s.declDepth = len(s.stack)
			if s.statementLevel() {
				s.decls = append(s.decls, decl{depth: len(s.stack), expectName: true, initStart: -1})
			}
		}
		s.token(tkKeyword, text)
		return
	}
	isCand := false
	switch {
	case member:
		isCand = callVocab[string(b)]
	case b[0] == 'M' || b[0] == 'S' || b[0] == 'F':
		isCand = ctorVocab[baseName(string(b))]
	case len(b) == 12 && string(b) == "instructions":
		s.res.spans = append(s.res.spans, span{start, s.i})
		s.res.cands++
		s.res.decls++
	}
	if s.candOpen > 0 && len(s.res.refNames) < 10000 {
		s.res.refNames[string(b)] = true
	}
	if !member && s.prev == tkPunct && (s.ptext == "++" || s.ptext == "--") {
		s.res.assigns[string(b)]++
	}
	if n := len(s.decls); n > 0 && s.decls[n-1].depth == len(s.stack) && s.decls[n-1].expectName {
		s.decls[n-1].expectName, s.decls[n-1].named = false, true
	}
	s.token(tkIdent, "")
	s.pident, s.pmember = b, member
	if isCand {
		s.pending = start
		s.res.cands++
		if !member || !mutationVocab[string(b)] {
			s.res.decls++
		}
	}
}

// statementLevel reports whether a declaration here is a statement: at the
// top level or directly in a block, outside any candidate call.
func (s *scanner) statementLevel() bool {
	if s.candOpen > 0 {
		return false
	}
	n := len(s.stack)
	return n == 0 || s.stack[n-1].ch == '{'
}

// endDecls drops the declarations at depth >= d: an initializer that does
// not end with ',' or ';' (automatic semicolon insertion, a closing
// bracket) is never cut.
func (s *scanner) endDecls(d int) {
	for n := len(s.decls); n > 0 && s.decls[n-1].depth >= d; n = len(s.decls) {
		s.decls = s.decls[:n-1]
	}
}

// declBoundary handles ',' and ';' at the depth of the innermost
// declaration list.
func (s *scanner) declBoundary(p string) {
	n := len(s.decls)
	if n == 0 || s.decls[n-1].depth != len(s.stack) {
		return
	}
	d := &s.decls[n-1]
	if d.named && d.initStart >= 0 && d.cands == s.res.cands && s.prevEnd > d.initStart {
		s.res.cuts = append(s.res.cuts, cut{start: d.initStart, end: s.prevEnd, lazy: true})
	}
	if p == ";" {
		s.decls = s.decls[:n-1]
		return
	}
	*d = decl{depth: d.depth, expectName: true, initStart: -1}
}

// punctuators longer than one byte, by first byte, longest first.
var puncts = [256][]string{
	'>': {">>>=", ">>=", ">>>", ">=", ">>"},
	'.': {"..."},
	'=': {"===", "=>", "=="},
	'!': {"!==", "!="},
	'*': {"**=", "*=", "**"},
	'<': {"<<=", "<=", "<<"},
	'&': {"&&=", "&=", "&&"},
	'|': {"||=", "|=", "||"},
	'?': {"??=", "?.", "??"},
	'+': {"+=", "++"},
	'-': {"-=", "--"},
	'/': {"/="},
	'%': {"%="},
	'^': {"^="},
}

var single [256]string

func init() {
	for c := 0; c < 256; c++ {
		single[c] = string([]byte{byte(c)})
	}
}

// punct handles a punctuator: brackets, assignments, declaration
// boundaries.
func (s *scanner) punct() {
	src := s.src
	c := src[s.i]
	p := single[c]
	for _, q := range puncts[c] {
		if s.i+len(q) <= len(src) && string(src[s.i:s.i+len(q)]) == q {
			p = q
			break
		}
	}
	start := s.i
	s.i += len(p)
	if s.prev == tkIdent && !s.pmember {
		if (isAssignOp(p) && !(s.declDepth == len(s.stack) && p == "=")) || p == "++" || p == "--" {
			s.res.assigns[s.identText()]++
		}
		if p == "=" || p == ":" {
			s.hint, s.hintDepth = s.pident, len(s.stack)
		}
	}
	if n := len(s.decls); n > 0 && s.decls[n-1].depth == len(s.stack) && s.decls[n-1].expectName {
		s.decls[n-1].expectName = false // a destructuring pattern
	}
	switch p {
	case "=":
		if n := len(s.decls); n > 0 && s.decls[n-1].depth == len(s.stack) && s.decls[n-1].initStart < 0 && !s.decls[n-1].pending {
			s.decls[n-1].pending = true
			s.decls[n-1].cands = s.res.cands
		}
	case ";", ",":
		s.declBoundary(p)
		if p == ";" && s.declDepth == len(s.stack) {
			s.declDepth = -1
		}
	case "(", "[":
		f := frame{ch: p[0], open: start, cand: -1}
		if p == "(" {
			switch s.prev {
			case tkIdent:
				f.prevIdent = s.pident
			case tkKeyword:
				f.prevIdent = []byte(s.ptext)
			}
			if s.pending >= 0 {
				f.cand = s.pending
				s.candOpen++
			}
		}
		s.stack = append(s.stack, f)
	case ")", "]":
		want := byte('(')
		if p == "]" {
			want = '['
		}
		f, ok := s.pop(want)
		if ok && f.cand >= 0 {
			s.candOpen--
			s.res.spans = append(s.res.spans, span{f.cand, s.i})
		}
		if ok && p == ")" {
			s.lastParen = f.prevIdent
		}
	case "{":
		f := frame{ch: '{', open: start, cand: -1, cands: s.res.cands}
		switch {
		case s.prev == tkPunct && s.ptext == ")":
			f.body = true
			switch {
			case controlWords[string(s.lastParen)]:
			case len(s.lastParen) > 0 && !keywords[string(s.lastParen)]:
				f.name = string(s.lastParen)
			case s.hintDepth == len(s.stack):
				f.name = string(s.hint)
			}
		case s.prev == tkPunct && s.ptext == "=>":
			f.body = true
			if s.hintDepth == len(s.stack) {
				f.name = string(s.hint)
			}
		case s.prev == tkKeyword && blockKeywords[s.ptext]:
			f.body = true
		}
		s.stack = append(s.stack, f)
	case "}":
		if n := len(s.stack); n > 0 && s.stack[n-1].ch == '$' {
			s.stack = s.stack[:n-1]
			s.template()
			return
		}
		f, ok := s.pop('{')
		if ok && f.body && f.cands == s.res.cands && s.candOpen == 0 {
			s.res.cuts = append(s.res.cuts, cut{start: f.open + 1, end: start, name: f.name})
		}
	}
	if s.declDepth > len(s.stack) {
		s.declDepth = -1
	}
	s.endDecls(len(s.stack) + 1)
	s.token(tkPunct, p)
}

// pop removes the innermost frame if it is opened by want; a mismatch
// marks the input unbalanced and leaves the stack alone.
func (s *scanner) pop(want byte) (frame, bool) {
	n := len(s.stack)
	if n == 0 || s.stack[n-1].ch != want {
		s.res.balanced = false
		return frame{}, false
	}
	f := s.stack[n-1]
	s.stack = s.stack[:n-1]
	return f, true
}

// Cuts smaller than these are not worth their placeholder.
const (
	minBody = 64
	minLazy = 48
)

// lazyPrefix names the placeholder of a cut initializer.
const lazyPrefix = "__mcpcert_lazy_"

// skeleton is src with its cuts applied, and the map back.
type skeleton struct {
	src    []byte
	segs   []seg           // ascending by skel and by orig
	masked map[int]bool    // skeleton offsets of the '{' of removed bodies
	lazy   map[string]span // placeholder → original initializer
}

// seg maps skeleton offsets from skel on to original offsets from orig.
type seg struct{ skel, orig int }

// mask applies the outermost cuts: a body that holds no candidate and is
// not a function named inside a candidate call (a handler passed by name)
// becomes `{}`, an initializer becomes a placeholder identifier evaluated by
// parsing the original text on demand. It returns nil when nothing would
// be cut or the scan could not match brackets.
func mask(src []byte, r *scanResult) *skeleton {
	if !r.balanced {
		return nil
	}
	var keep []cut
	for _, c := range r.cuts {
		switch {
		case c.lazy && c.end-c.start >= minLazy:
		case !c.lazy && c.end-c.start >= minBody && (c.name == "" || !r.refNames[c.name]):
		default:
			continue
		}
		keep = append(keep, c)
	}
	if len(keep) == 0 {
		return nil
	}
	sort.Slice(keep, func(i, j int) bool { return keep[i].start < keep[j].start })
	sk := &skeleton{masked: map[int]bool{}, lazy: map[string]span{}}
	out := make([]byte, 0, len(src)/4)
	last := 0
	sk.segs = append(sk.segs, seg{0, 0})
	for _, c := range keep {
		if c.start < last {
			continue // inside a cut already applied
		}
		out = append(out, src[last:c.start]...)
		if c.lazy {
			name := lazyPrefix + strconv.Itoa(len(sk.lazy))
			sk.lazy[name] = span{c.start, c.end}
			sk.segs = append(sk.segs, seg{len(out), c.start})
			out = append(out, name...)
		} else {
			sk.masked[len(out)-1] = true
		}
		sk.segs = append(sk.segs, seg{len(out), c.end})
		last = c.end
	}
	out = append(out, src[last:]...)
	sk.src = out
	return sk
}

// toOrig maps a skeleton offset to the original source.
func (sk *skeleton) toOrig(off int) int {
	i := sort.Search(len(sk.segs), func(i int) bool { return sk.segs[i].skel > off }) - 1
	if i < 0 {
		i = 0
	}
	return sk.segs[i].orig + off - sk.segs[i].skel
}

// toSkel maps an original offset outside any cut to the skeleton.
func (sk *skeleton) toSkel(off int) int {
	i := sort.Search(len(sk.segs), func(i int) bool { return sk.segs[i].orig > off }) - 1
	if i < 0 {
		i = 0
	}
	return sk.segs[i].skel + off - sk.segs[i].orig
}
