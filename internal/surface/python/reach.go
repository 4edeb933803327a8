package python

import (
	"path"
	"runtime"
	"sync"
)

// reach estimates, from the source text alone, which names the extraction
// may look up, so that the prepass copies their definitions before it
// closes each tree. Evaluation starts in the candidate files (the only
// ones extractModule walks) and reaches other code only by name: a module
// by an imported or accessed name, a module-level binding by its name, a
// function or method by its name. So the names are closed over:
//
//   - every word of a candidate file;
//   - every word of the module-level code (all but the top-level def and
//     class statements) of a module whose name is reached;
//   - every word of a top-level function of such a module whose name is
//     reached; for a class, every word but those of its methods, and the
//     words of the methods whose names are reached.
//
// A second, weaker closure (modWords) follows what evaluating the bases of
// classes needs (serverClasses): it starts from the module-level code and
// class headers of the files with classes that have bases, and follows
// module-level code only, never function bodies.
//
// The statement structure comes from a logical-line scan (lines, strings,
// brackets, comments, indentation). A wrong guess costs time, never
// correctness: what was not copied is parsed again when needed.
type reachInfo struct {
	words    map[string]bool // names reached from the candidate files
	modWords map[string]bool // names reached from the classes with bases
}

// chunk is a def or class statement: a top-level one, or a method.
type chunk struct {
	name       string
	class      bool
	start, end int
	methods    []chunk // of a class
}

// fileText is what reach knows of a file.
type fileText struct {
	path    string
	src     []byte
	cand    bool
	classes bool    // has a class with bases
	chunks  []chunk // its top-level def and class statements
}

// logicalLine is the first token of a logical line and its indentation.
type logicalLine struct {
	at, indent int
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
		out = append(out, logicalLine{at: j, indent: j - ls})
		depth := 0
		k := j
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
					k++
					break line
				}
			}
			k++
		}
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

// defName returns whether the logical line at i is a def or class
// statement (after decorators), and its name.
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

// chunksOf finds the def and class statements of lines at indentation
// indent, within [from, to): top-level ones, or the methods of a class.
func chunksOf(src []byte, lines []logicalLine, indent, to int, methods bool) []chunk {
	var out []chunk
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l.indent != indent {
			continue
		}
		start := l.at
		j := i
		for j < len(lines) && lines[j].indent == indent && src[lines[j].at] == '@' {
			j++
		}
		if j >= len(lines) || lines[j].indent != indent {
			continue
		}
		name, class, ok := defName(src, lines[j].at)
		if !ok {
			i = j
			continue
		}
		k := j + 1
		for k < len(lines) && lines[k].indent > indent {
			k++
		}
		end := to
		if k < len(lines) {
			end = lines[k].at - lines[k].indent
		}
		c := chunk{name: name, class: class, start: start, end: end}
		if class && !methods && j+1 < k {
			c.methods = chunksOf(src, lines[j+1:k], lines[j+1].indent, end, true)
		}
		out = append(out, c)
		i = k - 1
	}
	return out
}

// computeReach closes the reached names over the files of x.
func computeReach(x *extractor) *reachInfo {
	files := make([]*fileText, len(x.paths))
	n := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(x.paths); i += n {
				p := x.paths[i]
				src := x.files[p]
				ft := &fileText{path: p, src: src}
				trigger, classes := scanSource(src)
				ft.cand = trigger && !isTestFile(p)
				ft.classes = len(classes) > 0
				ft.chunks = chunksOf(src, logicalLines(src), 0, len(src), false)
				files[i] = ft
			}
		}(w)
	}
	wg.Wait()
	r := &reachInfo{}
	var full, mod []*fileText
	for _, ft := range files {
		if ft.cand {
			full = append(full, ft)
		}
		if ft.classes {
			mod = append(mod, ft)
		}
	}
	r.words = closeNames(files, full, true)
	r.modWords = closeNames(files, mod, false)
	return r
}

// closeNames closes the names reached from the seed files: with bodies,
// from all their words and through functions; without, from their
// module-level code and class headers, through module-level code only.
func closeNames(files []*fileText, seeds []*fileText, bodies bool) map[string]bool {
	words := map[string]bool{}
	var work []string
	add := func(src []byte, from, to int, skip []chunk) {
		for i := from; i < to; {
			if len(skip) > 0 && i >= skip[0].start {
				if i < skip[0].end {
					i = skip[0].end
				}
				skip = skip[1:]
				continue
			}
			if !isWordByte(src[i]) {
				i++
				continue
			}
			j := i + 1
			for j < to && isWordByte(src[j]) {
				j++
			}
			if !words[string(src[i:j])] {
				w := string(src[i:j])
				words[w] = true
				work = append(work, w)
			}
			i = j
		}
	}
	type ref struct {
		f *fileText
		c *chunk
		m *chunk // a method of c
	}
	byName := map[string][]ref{}
	modules := map[string][]*fileText{}
	for _, f := range files {
		modules[moduleName(f.path)] = append(modules[moduleName(f.path)], f)
		for i := range f.chunks {
			c := &f.chunks[i]
			byName[c.name] = append(byName[c.name], ref{f: f, c: c})
			if bodies {
				for j := range c.methods {
					byName[c.methods[j].name] = append(byName[c.methods[j].name], ref{f: f, c: c, m: &c.methods[j]})
				}
			}
		}
	}
	byPath := map[string]*fileText{}
	for _, f := range files {
		byPath[f.path] = f
	}
	reachedFile := map[*fileText]bool{}
	fired := map[*chunk]bool{}
	var fire func(r ref)
	fire = func(r ref) {
		switch {
		case r.m != nil:
			if !fired[r.c] || fired[r.m] {
				return
			}
			fired[r.m] = true
			add(r.f.src, r.m.start, r.m.end, nil)
		case !fired[r.c]:
			fired[r.c] = true
			switch {
			case !r.c.class:
				if bodies {
					add(r.f.src, r.c.start, r.c.end, nil)
				}
			case bodies:
				add(r.f.src, r.c.start, r.c.end, r.c.methods)
				for j := range r.c.methods {
					if words[r.c.methods[j].name] {
						fire(ref{f: r.f, c: r.c, m: &r.c.methods[j]})
					}
				}
			default:
				// The header, up to the colon that ends it.
				end := r.c.end
				if len(r.c.methods) > 0 {
					end = r.c.methods[0].start
				}
				add(r.f.src, r.c.start, end, nil)
			}
		}
	}
	var reach func(f *fileText)
	reach = func(f *fileText) {
		if reachedFile[f] {
			return
		}
		reachedFile[f] = true
		add(f.src, 0, len(f.src), f.chunks)
		for i := range f.chunks {
			if words[f.chunks[i].name] {
				fire(ref{f: f, c: &f.chunks[i]})
			}
		}
		// Relative imports reach the packages around a module unnamed.
		if d := path.Dir(f.path); f.path != "__init__.py" {
			if isInit(f.path) {
				d = path.Dir(d)
			}
			for {
				init := "__init__.py"
				if d != "." && d != "/" {
					init = d + "/__init__.py"
				}
				if pf := byPath[init]; pf != nil {
					reach(pf)
				}
				if d == "." || d == "/" {
					break
				}
				d = path.Dir(d)
			}
		}
	}
	for _, f := range seeds {
		if bodies {
			for i := range f.chunks {
				fired[&f.chunks[i]] = true
				for j := range f.chunks[i].methods {
					fired[&f.chunks[i].methods[j]] = true
				}
			}
			add(f.src, 0, len(f.src), nil)
			reach(f)
			continue
		}
		reach(f)
		for i := range f.chunks {
			if f.chunks[i].class {
				fire(ref{f: f, c: &f.chunks[i]})
			}
		}
	}
	for len(work) > 0 {
		w := work[len(work)-1]
		work = work[:len(work)-1]
		for _, f := range modules[w] {
			reach(f)
		}
		for _, r := range byName[w] {
			if reachedFile[r.f] {
				fire(r)
			}
		}
	}
	return words
}

// isInit reports a package's __init__.py.
func isInit(p string) bool { return path.Base(p) == "__init__.py" }
