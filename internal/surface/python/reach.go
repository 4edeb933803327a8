package python

import (
	"bytes"
	"path"
	"strings"
)

// reach estimates, from the source text alone, which definitions the
// extraction may read, so that the prepass copies them before it closes
// each tree (copyReferenced). Evaluation starts at the sites of the
// candidate files (the nodes extractModule acts on) and reaches other code
// only by name:
//
//   - a name read in a module is looked up among the bindings of its top
//     level (then through its star imports);
//   - a binding made by an import looks the imported name up in the
//     imported module; alias.name looks name up in the module alias stands
//     for;
//   - other attribute names may name methods (a kept instance's method).
//
// So, from the statements holding the sites, to a fixpoint: the top-level
// statements that bind a looked-up name are read (all their words: names
// read in their module, attribute names), a function's body included; for
// a class, all but its methods, and the methods named by attribute names.
// A second closure (bases) follows what evaluating the bases of classes
// reads (serverClasses): it starts from the headers of the classes with
// bases and never enters a function.
//
// The statement structure comes from a scan of logical lines (strings,
// brackets, comments, continuation lines, indentation) and modules are
// matched by their last name. A wrong guess costs time, never correctness:
// what was not copied is parsed again when needed.
type reachInfo struct {
	looked  map[string]map[string]bool // by path: names looked up in the module
	attrs   map[string]bool            // attribute names: the methods that may be read
	reached map[string]bool            // the modules that may be read
	bases   map[string]map[string]bool // by path: names looked up by the bases closure
	texts   []*fileText                // the files, in path order
}

// lookedUp reports a name the extraction may look up in module p.
func (r *reachInfo) lookedUp(p, name string) bool {
	return r.looked[p][name] || r.bases[p][name]
}

// unit is a statement of a module's top level, or a method of a class.
type unit struct {
	kind       byte // 'd' def, 'c' class, 'i' import, 's' other statement
	names      []string
	start, end int
	methods    []unit // of a class
}

// importEntry is one name an import statement binds: import a.b as local
// (attr ""), from mod import attr as local.
type importEntry struct {
	local, mod, attr string
}

// fileText is what reach knows of a file.
type fileText struct {
	path     string
	src      []byte
	triggers []int // of a candidate (see scanSource)
	classes  bool  // has a class with bases
	units    []unit
	imports  map[string][]importEntry // by local name
	stars    []string                 // modules star-imported
}

// logicalLine is a logical line: its first token, its end (the newline
// or the end of the source) and its indentation.
type logicalLine struct {
	at, end, indent int
}

// logicalLines splits src into logical lines (blank and comment-only
// lines left out), following strings, brackets and line continuations.
func logicalLines(src []byte) []logicalLine {
	var out []logicalLine
	i := 0
	for i < len(src) {
		ls := i
		j := i
		for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\f') {
			j++
		}
		if j >= len(src) {
			break
		}
		switch src[j] {
		case '\n', '\r':
			i = j + 1
			continue
		case '#':
			for j < len(src) && src[j] != '\n' {
				j++
			}
			i = j
			continue
		case '\\':
			if j+1 < len(src) && (src[j+1] == '\n' || src[j+1] == '\r') {
				i = j + 2
				continue
			}
		}
		depth := 0
		k := j
		end := len(src)
	line:
		for k < len(src) {
			switch c := src[k]; c {
			case '#':
				for k < len(src) && src[k] != '\n' {
					k++
				}
				continue
			case '\\':
				k += 2
				continue
			case '\'', '"':
				k = skipString(src, k)
				continue
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
			case '\n':
				if depth == 0 {
					end = k
					k++
					break line
				}
			}
			k++
		}
		out = append(out, logicalLine{at: j, end: end, indent: j - ls})
		i = k
	}
	return out
}

// skipString returns the offset after the string literal whose opening
// quote is at k (an unterminated one-line string ends at the line's end).
func skipString(src []byte, k int) int {
	q := src[k]
	if k+2 < len(src) && src[k+1] == q && src[k+2] == q {
		for i := k + 3; i < len(src); i++ {
			switch src[i] {
			case '\\':
				i++
			case q:
				if i+2 < len(src) && src[i+1] == q && src[i+2] == q {
					return i + 3
				}
			}
		}
		return len(src)
	}
	for i := k + 1; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case q:
			return i + 1
		case '\n':
			return i
		}
	}
	return len(src)
}

// wordAt returns the word starting at i, if any.
func wordAt(src []byte, i int) string {
	j := i
	for j < len(src) && isWordByte(src[j]) {
		j++
	}
	return string(src[i:j])
}

// eachWord calls fn for each word of src[from:to], with the word before
// the dot when it is an attribute name (recv, "" when the receiver is no
// plain name).
func eachWord(src []byte, from, to int, fn func(w []byte, attr bool, recv []byte)) {
	var prev []byte // the last word, while only blanks follow it
	dot := false    // a dot follows prev (or something else)
	attr := false
	for i := from; i < to; {
		c := src[i]
		if !isWordByte(c) {
			switch c {
			case ' ', '\t', '\n', '\r', '\\':
			case '.':
				attr, dot = true, prev != nil
				if !dot {
					prev = nil
				}
			default:
				attr, prev, dot = false, nil, false
			}
			i++
			continue
		}
		j := i + 1
		for j < to && isWordByte(src[j]) {
			j++
		}
		w := src[i:j]
		var recv []byte
		if attr && dot {
			recv = prev
		}
		fn(w, attr, recv)
		prev, attr, dot = w, false, false
		i = j
	}
}

var compound = map[string]bool{"if": true, "for": true, "while": true, "try": true, "with": true, "match": true, "async": true}

// statement reads a top-level statement other than def and class: the
// names it may bind and, for an import, what they stand for.
func (ft *fileText) statement(from, to int) []string {
	src := ft.src
	first := wordAt(src, from)
	var out []string
	all := func() {
		eachWord(src, from, to, func(w []byte, _ bool, _ []byte) { out = append(out, string(w)) })
	}
	switch {
	case compound[first]:
		all() // whatever its blocks bind
	case first == "import" || first == "from":
		mod := ""
		at := from + len(first)
		if first == "from" {
			i := bytes.Index(src[from:to], []byte(" import"))
			if i < 0 {
				all()
				return out
			}
			mod = strings.Join(strings.Fields(string(src[at:from+i])), "")
			at = from + i + len(" import")
		}
		rest := src[at:to]
		if first == "from" && bytes.IndexByte(rest, '*') >= 0 {
			ft.stars = append(ft.stars, mod)
			out = append(out, "*")
		}
		for _, item := range bytes.Split(rest, []byte(",")) {
			fs := strings.Fields(strings.NewReplacer("(", " ", ")", " ", "\\", " ").Replace(string(item)))
			if len(fs) == 0 || fs[0] == "*" {
				continue
			}
			e := importEntry{local: fs[0], mod: mod, attr: fs[0]}
			if first == "import" {
				e = importEntry{local: fs[0], mod: fs[0]}
				if i := strings.IndexByte(fs[0], '.'); i >= 0 {
					e.local = fs[0][:i]
				}
			}
			if len(fs) >= 3 && fs[1] == "as" {
				e.local = fs[2]
			}
			ft.imports[e.local] = append(ft.imports[e.local], e)
			out = append(out, e.local)
		}
	default:
		// The targets of an assignment (a, b = …; x: T = …; x += …), or
		// the name changed by x.append(…).
		depth := 0
		for i := from; i < to; i++ {
			switch c := src[i]; c {
			case '\'', '"':
				i = skipString(src, i) - 1
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
			case '=':
				if depth == 0 && (i+1 >= to || src[i+1] != '=') && (i == from || !bytes.ContainsRune([]byte("=!<>"), rune(src[i-1]))) {
					eachWord(src, from, i, func(w []byte, _ bool, _ []byte) { out = append(out, string(w)) })
					return out
				}
			}
		}
		if first != "" {
			out = append(out, first)
		}
	}
	return out
}

// defName returns whether the logical line at i is a def or class
// statement, and its name.
func defName(src []byte, i int) (name string, class, ok bool) {
	w := wordAt(src, i)
	if w == "async" {
		i = skipExtras(src, i+len(w))
		w = wordAt(src, i)
	}
	if w != "def" && w != "class" {
		return "", false, false
	}
	return wordAt(src, skipExtras(src, i+len(w))), w == "class", true
}

// unitsOf groups the logical lines at indentation indent with the deeper
// lines after them into units; within a class (methods), only the def
// and class statements are kept.
func (ft *fileText) unitsOf(lines []logicalLine, indent int, methods bool) []unit {
	src := ft.src
	var out []unit
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l.indent != indent {
			continue
		}
		j := i
		for j < len(lines) && lines[j].indent == indent && src[lines[j].at] == '@' {
			j++
		}
		if j >= len(lines) || lines[j].indent != indent {
			j = i // decorators of nothing
		}
		k := j + 1
		for k < len(lines) && lines[k].indent > indent {
			k++
		}
		u := unit{start: l.at, end: lines[k-1].end}
		name, class, ok := defName(src, lines[j].at)
		switch {
		case ok && class:
			u.kind, u.names = 'c', []string{name}
			if !methods && j+1 < k {
				u.methods = ft.unitsOf(lines[j+1:k], lines[j+1].indent, true)
			}
		case ok:
			u.kind, u.names = 'd', []string{name}
		case methods:
			i = k - 1
			continue
		default:
			u.kind, u.names = 's', ft.statement(l.at, u.end)
			if w := wordAt(src, l.at); w == "import" || w == "from" {
				u.kind = 'i'
			}
		}
		out = append(out, u)
		i = k - 1
	}
	return out
}

// computeReach closes the reached names over the files of x.
func computeReach(x *extractor) (*reachInfo, error) {
	files := make([]*fileText, len(x.paths))
	err := parallel(x.ctx, len(x.paths), func(i int, _ map[string]symbol) {
		p := x.paths[i]
		src := x.files[p]
		ft := &fileText{path: p, src: src, imports: map[string][]importEntry{}}
		triggers, classes := scanSource(src)
		if !isTestFile(p) {
			ft.triggers = triggers
		}
		ft.classes = len(classes) > 0
		ft.units = ft.unitsOf(logicalLines(src), 0, false)
		files[i] = ft
	})
	if err != nil {
		return nil, err
	}
	if err := x.ctx.Err(); err != nil {
		return nil, err
	}
	r := &reachInfo{reached: map[string]bool{}, texts: files}
	r.looked, r.attrs = closeNames(files, true, r.reached)
	r.bases, _ = closeNames(files, false, r.reached)
	return r, nil
}

// closeNames computes the closure: with bodies, from the candidate sites;
// without, from the class headers, never entering functions. It returns
// the names looked up by module and the attribute names, and adds the
// modules it reaches to reached.
func closeNames(files []*fileText, bodies bool, reached map[string]bool) (map[string]map[string]bool, map[string]bool) {
	byPath := map[string]*fileText{}
	modules := map[string][]*fileText{}
	type ref struct {
		f *fileText
		u *unit
		m *unit // a method of u
	}
	bindings := map[*fileText]map[string][]*unit{}
	methods := map[string][]ref{}
	for _, f := range files {
		byPath[f.path] = f
		modules[moduleName(f.path)] = append(modules[moduleName(f.path)], f)
		b := map[string][]*unit{}
		for i := range f.units {
			u := &f.units[i]
			for _, name := range u.names {
				b[name] = append(b[name], u)
			}
			for j := range u.methods {
				methods[u.methods[j].names[0]] = append(methods[u.methods[j].names[0]], ref{f: f, u: u, m: &u.methods[j]})
			}
		}
		bindings[f] = b
	}
	looked := map[string]map[string]bool{}
	attrs := map[string]bool{}
	fired := map[*unit]bool{}
	type event struct {
		f    *fileText
		name string
	}
	var work []event
	lookUp := func(f *fileText, name string) {
		reached[f.path] = true
		l := looked[f.path]
		if l == nil {
			l = map[string]bool{}
			looked[f.path] = l
		}
		if !l[name] {
			l[name] = true
			work = append(work, event{f, name})
		}
	}
	// targets are the modules an import of mod from f may read.
	targets := func(f *fileText, mod string) []*fileText {
		rest := strings.TrimLeft(mod, ".")
		if rest == "" {
			d := path.Dir(f.path)
			for i := 1; i < len(mod); i++ {
				d = path.Dir(d)
			}
			init := "__init__.py"
			if d != "." && d != "/" {
				init = d + "/__init__.py"
			}
			if pf := byPath[init]; pf != nil {
				return []*fileText{pf}
			}
			return nil
		}
		if i := strings.LastIndexByte(rest, '.'); i >= 0 {
			rest = rest[i+1:]
		}
		return modules[rest]
	}
	var fire func(r ref)
	read := func(f *fileText, from, to int) {
		eachWord(f.src, from, to, func(w []byte, attr bool, recv []byte) {
			name := string(w)
			if !attr {
				lookUp(f, name)
				return
			}
			if !attrs[name] {
				attrs[name] = true
				if bodies {
					for _, r := range methods[name] {
						if fired[r.u] {
							fire(r)
						}
					}
				}
			}
			if recv == nil {
				return
			}
			// alias.name: name in the modules alias stands for, or a
			// submodule.
			rs := string(recv)
			var ts []*fileText
			for _, e := range f.imports[rs] {
				if e.attr == "" {
					ts = append(ts, targets(f, e.mod)...)
				} else {
					ts = append(ts, modules[e.attr]...)
				}
			}
			ts = append(ts, modules[rs]...)
			for _, t := range ts {
				lookUp(t, name)
			}
			for _, t := range modules[name] {
				reached[t.path] = true
			}
		})
	}
	readRange := func(f *fileText, from, to int, skip []unit) {
		for _, s := range skip {
			if s.start > from {
				read(f, from, s.start)
			}
			if s.end > from {
				from = s.end
			}
		}
		if to > from {
			read(f, from, to)
		}
	}
	fire = func(r ref) {
		if r.m != nil {
			if bodies && fired[r.u] && !fired[r.m] {
				fired[r.m] = true
				read(r.f, r.m.start, r.m.end)
			}
			return
		}
		if fired[r.u] {
			return
		}
		fired[r.u] = true
		switch r.u.kind {
		case 'd':
			if bodies {
				read(r.f, r.u.start, r.u.end)
			}
		case 'c':
			if !bodies {
				// The header: what comes before the first method.
				end := r.u.end
				if len(r.u.methods) > 0 {
					end = r.u.methods[0].start
				}
				read(r.f, r.u.start, end)
				return
			}
			readRange(r.f, r.u.start, r.u.end, r.u.methods)
			for j := range r.u.methods {
				if attrs[r.u.methods[j].names[0]] {
					fire(ref{f: r.f, u: r.u, m: &r.u.methods[j]})
				}
			}
		case 's':
			read(r.f, r.u.start, r.u.end)
		}
		// An import ('i') is followed name by name (closeNames' loop).
	}
	for _, f := range files {
		switch {
		case bodies && len(f.triggers) > 0:
			// The statements holding the sites.
			reached[f.path] = true
			for _, t := range f.triggers {
				for i := range f.units {
					u := &f.units[i]
					if t < u.start || t >= u.end {
						continue
					}
					fire(ref{f: f, u: u})
					for j := range u.methods {
						if m := &u.methods[j]; t >= m.start && t < m.end {
							fired[m] = true
							read(f, m.start, m.end)
						}
					}
				}
			}
		case !bodies && f.classes:
			reached[f.path] = true
			for i := range f.units {
				if f.units[i].kind == 'c' {
					fire(ref{f: f, u: &f.units[i]})
				}
			}
		}
	}
	for len(work) > 0 {
		ev := work[len(work)-1]
		work = work[:len(work)-1]
		f := ev.f
		for _, u := range bindings[f][ev.name] {
			fire(ref{f: f, u: u})
		}
		for _, e := range f.imports[ev.name] {
			if e.attr != "" {
				for _, t := range targets(f, e.mod) {
					lookUp(t, e.attr)
				}
				for _, t := range modules[e.attr] {
					reached[t.path] = true
				}
				continue
			}
			for _, part := range strings.Split(strings.TrimLeft(e.mod, "."), ".") {
				for _, t := range modules[part] {
					reached[t.path] = true
				}
			}
		}
		for _, mod := range f.stars {
			for _, t := range targets(f, mod) {
				lookUp(t, ev.name)
			}
		}
	}
	return looked, attrs
}

// bindingClosure closes names over the top-level statements of all
// files: a statement whose text holds one of the names binds names that
// may hold the same values (a def, a class and its methods, an import, an
// assignment's targets).
func bindingClosure(files []*fileText, names map[string]bool) map[string]bool {
	type uref struct {
		f *fileText
		u *unit
	}
	byWord := map[string][]uref{}
	for _, f := range files {
		for i := range f.units {
			u := &f.units[i]
			seen := map[string]bool{}
			eachWord(f.src, u.start, u.end, func(w []byte, _ bool, _ []byte) {
				if !seen[string(w)] {
					seen[string(w)] = true
					byWord[string(w)] = append(byWord[string(w)], uref{f, u})
				}
			})
		}
	}
	out := map[string]bool{}
	var work []string
	add := func(n string) {
		if n != "" && n != "*" && !out[n] {
			out[n] = true
			work = append(work, n)
		}
	}
	for n := range names {
		add(n)
	}
	fired := map[*unit]bool{}
	for len(work) > 0 {
		w := work[len(work)-1]
		work = work[:len(work)-1]
		for _, r := range byWord[w] {
			if fired[r.u] {
				continue
			}
			fired[r.u] = true
			for _, n := range r.u.names {
				add(n)
			}
			for _, m := range r.u.methods {
				add(m.names[0])
			}
		}
	}
	return out
}

// isInit reports a package's __init__.py.
func isInit(p string) bool { return path.Base(p) == "__init__.py" }
