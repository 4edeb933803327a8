package capabilities

import (
	"fmt"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
)

// Large JavaScript files (bundles, often minified onto one line) are not
// parsed: tree-sitter costs about 0.35 µs a byte, seconds for a 5 MB
// bundle. They are lexed instead — strings, templates, regular
// expressions and comments told apart from code — and the same bindings
// (import, require with destructuring and interop wrappers) and member
// chains are read from the tokens. There are no scopes: a parameter that
// shadows an import is not seen, which in a bundle can only add uses of
// modules the bundle imports.

type tokKind uint8

const (
	tIdent tokKind = iota + 1
	tStr
	tTmpl // a template literal (its substitutions are lexed as code)
	tNum
	tRegex
	tPunct
)

type tok struct {
	start, end int32
	kind       tokKind
}

type lexer struct {
	src  []byte
	toks []tok
	err  string
	// braces tells a '}' that closes a template substitution ('$') from
	// one that closes a block or object ('{').
	braces []byte
}

// regexAfter are the keywords after which '/' starts a regular expression.
var regexAfter = map[string]bool{
	"return": true, "typeof": true, "instanceof": true, "in": true, "of": true, "new": true, "delete": true,
	"void": true, "throw": true, "case": true, "do": true, "else": true, "yield": true, "await": true,
}

func isIdentStart(b byte) bool {
	return b == '_' || b == '$' || b == '\\' || b >= 0x80 || (b|0x20) >= 'a' && (b|0x20) <= 'z'
}

func isIdentPart(b byte) bool { return isIdentStart(b) || b >= '0' && b <= '9' }

func (l *lexer) text(t tok) string { return string(l.src[t.start:t.end]) }

func (l *lexer) fail(at int, format string, args ...any) {
	line := 1
	for _, b := range l.src[:at] {
		if b == '\n' {
			line++
		}
	}
	l.err = fmt.Sprintf("line %d: %s", line, fmt.Sprintf(format, args...))
}

// regexAllowed reports whether a '/' here starts a regular expression.
func (l *lexer) regexAllowed() bool {
	if len(l.toks) == 0 {
		return true
	}
	t := l.toks[len(l.toks)-1]
	switch t.kind {
	case tIdent:
		return regexAfter[l.text(t)]
	case tPunct:
		c := l.src[t.start]
		return c != ')' && c != ']' && c != '}'
	}
	return false
}

// lex tokenizes l.src; on malformed input it stops and sets l.err, keeping
// the tokens before the error.
func (l *lexer) lex() {
	src, i := l.src, 0
	// Minified code has about one token in three bytes: reserving that
	// much avoids copying a growing slice of millions of tokens.
	l.toks = make([]tok, 0, len(src)/3+16)
	if len(src) > 1 && src[0] == '#' && src[1] == '!' {
		for i < len(src) && src[i] != '\n' {
			i++
		}
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := indexFrom(src, i+2, "*/")
			if end < 0 {
				l.fail(i, "unterminated comment")
				return
			}
			i = end + 2
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(src) && src[j] != c && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) || src[j] != c {
				l.fail(i, "unterminated string")
				return
			}
			l.toks = append(l.toks, tok{int32(i), int32(j + 1), tStr})
			i = j + 1
		case c == '`' || (c == '}' && len(l.braces) > 0 && l.braces[len(l.braces)-1] == '$'):
			if c == '}' {
				l.braces = l.braces[:len(l.braces)-1]
			}
			start := i
			j := i + 1
			for j < len(src) && src[j] != '`' && !(src[j] == '$' && j+1 < len(src) && src[j+1] == '{') {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				l.fail(i, "unterminated template")
				return
			}
			l.toks = append(l.toks, tok{int32(start), int32(j + 1), tTmpl})
			if src[j] == '$' {
				l.braces = append(l.braces, '$')
				j++
			}
			i = j + 1
		case c == '/' && l.regexAllowed():
			j, class := i+1, false
			for j < len(src) && src[j] != '\n' && (class || src[j] != '/') {
				switch src[j] {
				case '\\':
					j++
				case '[':
					class = true
				case ']':
					class = false
				}
				j++
			}
			if j >= len(src) || src[j] != '/' {
				l.fail(i, "unterminated regular expression")
				return
			}
			j++
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			l.toks = append(l.toks, tok{int32(i), int32(j), tRegex})
			i = j
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			l.toks = append(l.toks, tok{int32(i), int32(j), tIdent})
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i + 1
			for j < len(src) && (isIdentPart(src[j]) || src[j] == '.') {
				j++
			}
			l.toks = append(l.toks, tok{int32(i), int32(j), tNum})
			i = j
		default:
			n := 1
			switch {
			case c == '?' && i+1 < len(src) && src[i+1] == '.' && !(i+2 < len(src) && src[i+2] >= '0' && src[i+2] <= '9'):
				n = 2 // ?.
			case c == '=' && i+1 < len(src) && (src[i+1] == '=' || src[i+1] == '>'):
				n = 2 // == === =>: never a binding '='
				if i+2 < len(src) && src[i+2] == '=' {
					n = 3
				}
			case c == '.' && i+2 < len(src) && src[i+1] == '.' && src[i+2] == '.':
				n = 3
			case (c == '!' || c == '<' || c == '>') && i+1 < len(src) && src[i+1] == '=':
				n = 2
			case c == '{':
				l.braces = append(l.braces, '{')
			case c == '}' && len(l.braces) > 0:
				l.braces = l.braces[:len(l.braces)-1]
			}
			l.toks = append(l.toks, tok{int32(i), int32(i + n), tPunct})
			i += n
		}
	}
}

func indexFrom(src []byte, from int, sep string) int {
	for j := from; j+len(sep) <= len(src); j++ {
		if src[j] == sep[0] && string(src[j:j+len(sep)]) == sep {
			return j
		}
	}
	return -1
}

// lexFile is a lexed file being resolved.
type lexFile struct {
	*lexer
	binds map[string]jsBinding
	skip  []bool // tokens that bind names (import statements, patterns)
}

func (f *lexFile) is(i int, kind tokKind, text string) bool {
	if i < 0 || i >= len(f.toks) || f.toks[i].kind != kind {
		return false
	}
	t := f.toks[i]
	return text == "" || string(f.src[t.start:t.end]) == text
}

func (f *lexFile) punct(i int, p string) bool { return f.is(i, tPunct, p) }

func (f *lexFile) str(i int) string { return unquoteJS(f.text(f.toks[i])) }

// jsLex inventories a large JavaScript file from its tokens.
func (c *collector) jsLex(src []byte) {
	l := &lexer{src: src}
	l.lex()
	if l.err != "" {
		c.gap("unparsable", "cannot lex: "+l.err+"; uses after it are missing")
	}
	f := &lexFile{lexer: l, binds: map[string]jsBinding{}, skip: make([]bool, len(l.toks))}
	for i := range f.toks {
		switch {
		case f.is(i, tIdent, "import") && !f.punct(i-1, ".") && !f.punct(i+1, "(") && !f.punct(i+1, "."):
			f.importStatement(i)
		case f.toks[i].kind == tIdent && requireNames[f.text(f.toks[i])] && f.punct(i+1, "(") && f.is(i+2, tStr, "") && f.punct(i+3, ")"):
			f.require(i)
		}
	}
	lines := newLines(src)
	for i := 0; i < len(f.toks); i++ {
		t := f.toks[i]
		if f.skip[i] || t.kind != tIdent || f.punct(i-1, ".") || f.punct(i-1, "?.") {
			continue
		}
		name := f.text(t)
		isReq := (requireNames[name] || name == "import") && f.punct(i+1, "(") && f.is(i+2, tStr, "") && f.punct(i+3, ")")
		if _, bound := f.binds[name]; !bound && !isReq && !jsGlobals[name] && !jsGlobalObjects[name] {
			continue
		}
		if (f.punct(i-1, "{") || f.punct(i-1, ",")) && f.punct(i+1, ":") {
			continue // an object key
		}
		if f.is(i-1, tIdent, "function") || f.is(i-1, tIdent, "class") || f.is(i-1, tIdent, "var") || f.is(i-1, tIdent, "let") || f.is(i-1, tIdent, "const") {
			continue // a declaration
		}
		binds, root, j := f.binds, name, i+1
		if isReq {
			binds, root, j = map[string]jsBinding{"": {module: jsModule(f.str(i + 2))}}, "", i+4
		}
		var path []string
		for {
			switch {
			case (f.punct(j, ".") || f.punct(j, "?.")) && f.is(j+1, tIdent, ""):
				path = append(path, f.text(f.toks[j+1]))
				j += 2
				continue
			case f.punct(j, "[") && f.is(j+1, tStr, "") && f.punct(j+2, "]"):
				path = append(path, f.str(j+1))
				j += 3
				continue
			}
			break
		}
		if f.punct(j, "(") && len(path) == 0 && !isReq {
			if k := f.closing(j); k > 0 && f.punct(k+1, "{") {
				continue // a method definition: exec(cmd) { … }
			}
		}
		start, end := int(t.start), int(f.toks[j-1].end)
		open := j
		args := func() *callArgs {
			if !f.punct(open, "(") {
				return nil
			}
			return f.args(open)
		}
		c.jsResolve(binds, root, path, args, func() analysis.Position { return lines.span(start, end) }, nil)
		i = j - 1
	}
}

// closing returns the index of the token closing the bracket at i, or -1.
func (f *lexFile) closing(i int) int {
	depth := 0
	for k := i; k < len(f.toks) && k < i+4096; k++ {
		if f.toks[k].kind != tPunct {
			continue
		}
		switch f.src[f.toks[k].start] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

// args splits the arguments of the call whose '(' is token i.
func (f *lexFile) args(i int) *callArgs {
	a := &callArgs{}
	end := f.closing(i)
	if end < 0 {
		return a
	}
	depth, first := 0, i+1
	for k := i + 1; k <= end; k++ {
		if f.toks[k].kind == tPunct {
			switch ch := f.src[f.toks[k].start]; {
			case ch == '(' || ch == '[' || ch == '{':
				depth++
				continue
			case (ch == ')' || ch == ']' || ch == '}') && k != end:
				depth--
				continue
			case !(ch == ',' && depth == 0) && k != end:
				continue
			}
		} else if k != end {
			continue
		}
		if first < k {
			v := arg{text: string(f.src[f.toks[first].start:f.toks[k-1].end])}
			if k == first+1 && f.toks[first].kind == tStr {
				v.str, v.isStr = f.str(first), true
			}
			a.pos = append(a.pos, v)
		}
		first = k + 1
	}
	return a
}

// importStatement binds the names of `import … from "m"` at token i.
func (f *lexFile) importStatement(i int) {
	j := i + 1
	if f.is(j, tIdent, "type") && !f.is(j+1, tIdent, "from") && !f.punct(j+1, ",") {
		f.skipTo(i, f.fromEnd(j))
		return
	}
	end := f.fromEnd(j)
	if end < 0 {
		return
	}
	mod := jsModule(f.str(end))
	for k := j; k < end; k++ {
		switch {
		case f.punct(k, "*") && f.is(k+1, tIdent, "as") && f.is(k+2, tIdent, ""):
			f.binds[f.text(f.toks[k+2])] = jsBinding{module: mod}
			k += 2
		case f.punct(k, "{"):
			for k++; k < end && !f.punct(k, "}"); k++ {
				if f.is(k, tIdent, "type") && f.is(k+1, tIdent, "") {
					k += 2 // type-only specifier
					if f.is(k, tIdent, "as") {
						k += 2
					}
					continue
				}
				if !f.is(k, tIdent, "") && !f.is(k, tStr, "") {
					continue
				}
				name := unquoteJS(f.text(f.toks[k]))
				local := name
				if f.is(k+1, tIdent, "as") && f.is(k+2, tIdent, "") {
					local = f.text(f.toks[k+2])
					k += 2
				}
				f.binds[local] = jsBinding{module: mod, path: []string{name}}
			}
		case f.is(k, tIdent, "") && k == j:
			f.binds[f.text(f.toks[k])] = jsBinding{module: mod}
		}
	}
	f.skipTo(i, end)
}

// fromEnd returns the index of the module string ending an import clause
// that starts at j, or -1.
func (f *lexFile) fromEnd(j int) int {
	if f.is(j, tStr, "") {
		return j // import "m"
	}
	for k := j; k < len(f.toks) && k < j+512; k++ {
		if f.is(k, tIdent, "from") && f.is(k+1, tStr, "") {
			return k + 1
		}
		if f.punct(k, ";") {
			return -1
		}
	}
	return -1
}

func (f *lexFile) skipTo(from, to int) {
	for k := from; k <= to && k < len(f.skip); k++ {
		if k >= 0 {
			f.skip[k] = true
		}
	}
}

// require binds `x = require("m")`, `{a, b: c} = require("m")` and
// `x = require("m").a`, with interop wrappers around the call, for the
// require at token i.
func (f *lexFile) require(i int) {
	mod := jsModule(f.str(i + 2))
	j := i + 4
	var path []string
	for f.punct(j, ".") && f.is(j+1, tIdent, "") {
		path = append(path, f.text(f.toks[j+1]))
		j += 2
	}
	if f.punct(j, "(") {
		return // require("m").f(…): a call, resolved as a reference
	}
	k, wrapped := i-1, 0
	for f.punct(k, "(") && f.is(k-1, tIdent, "") && (interopWrappers[f.text(f.toks[k-1])]) {
		k -= 2
		wrapped++
	}
	if f.is(k, tIdent, "await") {
		k--
	}
	if !f.punct(k, "=") {
		return
	}
	b := jsBinding{module: mod, path: path}
	switch {
	case f.is(k-1, tIdent, "") && !f.punct(k-2, "."):
		f.binds[f.text(f.toks[k-1])] = b
		f.skipTo(k-1, j-1+wrapped)
	case f.punct(k-1, "}"):
		open := k - 1
		for depth := 0; open >= 0; open-- {
			if f.punct(open, "}") {
				depth++
			} else if f.punct(open, "{") {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if open < 0 {
			return
		}
		for p := open + 1; p < k-1; p++ {
			if !f.is(p, tIdent, "") || !(f.punct(p-1, "{") || f.punct(p-1, ",")) {
				continue
			}
			key := f.text(f.toks[p])
			local := key
			if f.punct(p+1, ":") && f.is(p+2, tIdent, "") {
				local = f.text(f.toks[p+2])
			}
			f.binds[local] = jsBinding{module: mod, path: append(append([]string(nil), path...), key)}
		}
		f.skipTo(open, j-1+wrapped)
	}
}
