package python

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"runtime"
	"strings"
	"sync"

	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
)

// The prepass parses every file the extraction will load, in parallel,
// and keeps of each only what the extraction can reach; it closes each
// tree at once. It decides from the source text alone:
//
//   - which files may declare something (candidates, see hasTrigger): they
//     are copied whole, since extractModule walks all their nodes;
//   - which module-level names may be looked up from anywhere (refs: every
//     word of every file, except the name right after def or class): the
//     statements binding them are copied, with the bodies of the functions
//     and methods whose names are referenced. A name can only be looked up
//     through the text of some file, so the rest is never reached;
//   - which classes have base classes, for serverClasses.
//
// What was not copied is still reachable (pnode.expand parses the file
// again), so a wrong guess costs time, never correctness.
type prepass struct {
	ctx   context.Context
	reach *reachInfo
	done  map[string]*prep
	order []string // the prepassed paths, sorted
}

// reached reports a name the extraction may look up (see reach).
func (pp *prepass) reached(name string) bool {
	return pp.reach.words[name] || pp.reach.modWords[name]
}

// prep is a processed file: its module, or why it could not be parsed.
type prep struct {
	src []byte
	m   *module
	err error
}

// run prepasses the files of x.
func (pp *prepass) run(x *extractor) error {
	pp.reach = computeReach(x)
	var list []string
	nonTest := 0
	for _, p := range x.paths {
		if len(x.files[p]) > maxFileSize {
			continue
		}
		if isTestFile(p) {
			// A test file is a module only when imported, by its name.
			if !pp.reached(moduleName(p)) {
				continue
			}
		} else if nonTest++; nonTest > maxModules {
			continue
		}
		list = append(list, p)
	}
	results := make([]*prep, len(list))
	err := parallel(pp.ctx, len(list), func(i int, intern map[string]string) {
		results[i] = pp.process(list[i], x.files[list[i]], intern)
	})
	if err != nil {
		return err
	}
	for i, p := range list {
		pp.done[p] = results[i]
	}
	pp.order = list
	return pp.ctx.Err()
}

// parallel calls f for 0…n-1 on up to GOMAXPROCS goroutines, each with
// its own string interning table. A panic in f is returned as an error.
func parallel(ctx context.Context, n int, f func(i int, intern map[string]string)) error {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed error
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					mu.Lock()
					failed = fmt.Errorf("python surface: internal error: %v", r)
					mu.Unlock()
					for range jobs {
					}
				}
			}()
			intern := map[string]string{}
			for i := range jobs {
				f(i, intern)
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return failed
}

// load returns the processed file p, processing it now if the prepass did
// not (a module read through ReadFile, a test file) or saw other content.
// inFiles reports a file of src.Files, whose words are already in refs.
func (pp *prepass) load(p string, src []byte, inFiles bool) *prep {
	if pr := pp.done[p]; pr != nil && bytes.Equal(pr.src, src) {
		return pr
	}
	if !inFiles {
		addRefs(src, pp.reach.words)
	}
	pr := pp.process(p, src, map[string]string{})
	pp.done[p] = pr
	return pr
}

// process parses one file and copies what may be needed of it.
func (pp *prepass) process(p string, src []byte, intern map[string]string) *prep {
	tree, err := treesitter.Parse(pp.ctx, treesitter.Python, src)
	if err != nil {
		return &prep{src: src, err: err}
	}
	f := openFile(pp.ctx, p, src, tree, intern)
	defer f.close()
	m := &module{path: p, src: src, root: f.root, file: f}
	trigger, classes := scanSource(src)
	m.cand = !isTestFile(p) && (f.errs || trigger)
	if m.cand {
		f.root.expandAll()
	}
	if m.cand || isInit(p) || pp.reached(moduleName(p)) || len(classes) > 0 {
		wx := &extractor{ctx: pp.ctx}
		m.sc = wx.indexScope(m, m.root, nil)
		if wx.err != nil {
			return &prep{src: src, err: wx.err}
		}
		if !m.cand {
			pp.copyReferenced(m)
		}
	}
	for _, off := range classes {
		if c := nodeAt(f.root, uint32(off), "class_definition"); c != nil && c.Field("superclasses") != nil {
			copyClassHeader(c)
			m.classes = append(m.classes, c)
		}
	}
	return &prep{src: src, m: m}
}

// moduleName is the name a file is imported by: its stem, or its
// package's name for an __init__.py.
func moduleName(p string) string {
	base := strings.TrimSuffix(path.Base(p), ".py")
	if base == "__init__" {
		return path.Base(path.Dir(p))
	}
	return base
}

// copyReferenced copies the module-level statements that bind a
// referenced name (see prepass).
func (pp *prepass) copyReferenced(m *module) {
	top := map[*pnode]bool{}
	mark := func(n *pnode) {
		for n != nil && n.parent != nil && n.parent != m.root {
			n = n.parent
		}
		if n != nil && n.parent == m.root {
			top[n] = true
		}
	}
	for name, bs := range m.sc.binds {
		if !pp.reached(name) {
			continue
		}
		for _, b := range bs {
			mark(b.node)
		}
	}
	for _, b := range m.sc.stars {
		mark(b.node)
	}
	if pp.reach.words["__doc__"] {
		if sts := namedNoComments(m.root); len(sts) > 0 {
			sts[0].expandAll()
		}
	}
	for _, st := range m.root.Children() {
		if top[st] {
			pp.copyStatement(st)
		}
	}
}

// copyStatement copies a module-level statement: compound statements
// whole but for the functions and classes in them, which are copied when
// their names are referenced.
func (pp *prepass) copyStatement(st *pnode) {
	switch st.Type() {
	case "function_definition":
		pp.copyFunction(st)
	case "class_definition":
		pp.copyClass(st)
	case "decorated_definition":
		for _, c := range st.Children() {
			switch c.Type() {
			case "function_definition":
				pp.copyFunction(c)
			case "class_definition":
				pp.copyClass(c)
			default:
				c.expandAll()
			}
		}
	case "if_statement", "for_statement", "while_statement", "try_statement", "with_statement", "match_statement",
		"elif_clause", "else_clause", "except_clause", "except_group_clause", "finally_clause", "case_clause", "block":
		for _, c := range st.Children() {
			switch c.Type() {
			case "block", "elif_clause", "else_clause", "except_clause", "except_group_clause", "finally_clause", "case_clause":
				pp.copyStatement(c)
			default:
				if st.Type() == "block" {
					pp.copyStatement(c)
				} else {
					c.expandAll()
				}
			}
		}
	default:
		st.expandAll()
	}
}

// copyFunction copies a function whose name is referenced, body included.
func (pp *prepass) copyFunction(fn *pnode) {
	if n := fn.Field("name"); n != nil && pp.reach.words[n.Text()] {
		fn.expandAll()
	}
}

// copyClass copies a referenced class: its header and body, the bodies of
// its methods only when their names are referenced.
func (pp *prepass) copyClass(cls *pnode) {
	if n := cls.Field("name"); n == nil || !pp.reach.words[n.Text()] {
		return
	}
	for _, c := range cls.Children() {
		if c.field != "body" || c.Type() != "block" {
			c.expandAll()
			continue
		}
		for _, st := range c.Children() {
			switch st.Type() {
			case "function_definition":
				pp.copyFunction(st)
			case "class_definition":
				pp.copyClass(st)
			case "decorated_definition":
				for _, d := range st.Children() {
					switch d.Type() {
					case "function_definition":
						pp.copyFunction(d)
					case "class_definition":
						pp.copyClass(d)
					default:
						d.expandAll()
					}
				}
			default:
				st.expandAll()
			}
		}
	}
}

// copyClassHeader copies what evaluating a class's bases reads: the class
// header, its decorators, and the functions it is nested in.
func copyClassHeader(c *pnode) {
	for _, k := range c.Children() {
		if k.field != "body" {
			k.expandAll()
		}
	}
	if p := c.parent; p != nil && p.Type() == "decorated_definition" {
		for _, k := range p.Children() {
			if k != c {
				k.expandAll()
			}
		}
	}
	var outer *pnode
	for p := c.parent; p != nil; p = p.parent {
		if p.Type() == "function_definition" {
			outer = p
		}
	}
	if outer != nil {
		outer.expandAll()
	}
}

// nodeAt is the node of type typ starting at off, found by descending
// from root through the children that contain off.
func nodeAt(root *pnode, off uint32, typ string) *pnode {
	n := root
	for n != nil {
		if n.start == off && n.typ == typ {
			return n
		}
		var next *pnode
		for _, k := range n.Children() {
			if k.start <= off && off < k.end {
				next = k
				break
			}
		}
		n = next
	}
	return nil
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func isASCIIWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// addRefs adds the words of src to set, but for the names right after the
// def and class keywords.
func addRefs(src []byte, set map[string]bool) {
	prevKW := false // the last word was def or class, followed by blanks only
	for i := 0; i < len(src); {
		c := src[i]
		if !isWordByte(c) {
			if c != ' ' && c != '\t' {
				prevKW = false
			}
			i++
			continue
		}
		j := i + 1
		for j < len(src) && isWordByte(src[j]) {
			j++
		}
		w := src[i:j]
		if !prevKW && !set[string(w)] {
			set[string(w)] = true
		}
		prevKW = string(w) == "def" || string(w) == "class"
		i = j
	}
}

// attrTriggers are the attribute names extractModule acts on: decorators
// and registration calls, mounts, the mutation APIs.
var attrTriggers = func() map[string]bool {
	t := map[string]bool{}
	for k := range fastAttrs {
		t[k] = true
	}
	for k := range lowAttrs {
		t[k] = true
	}
	for _, k := range []string{"add_tool", "mount", "import_server", "from_openapi", "from_fastapi",
		"remove_tool", "remove_prompt", "remove_resource", "send_tool_list_changed", "send_prompt_list_changed",
		"send_resource_list_changed", "_tool_manager", "_prompt_manager", "_resource_manager"} {
		t[k] = true
	}
	return t
}()

// ctorTriggers are the callee names that make a call a server constructor.
var ctorTriggers = [][]byte{[]byte("FastMCP"), []byte("MCPServer"), []byte("Server")}

// skipExtras skips what may sit between two tokens: blanks, line
// continuations, comments, and (to err on the safe side) any non-ASCII
// byte, which may be a zero-width extra.
func skipExtras(src []byte, i int) int {
	for i < len(src) {
		switch c := src[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\\' || c >= 0x80:
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		default:
			return i
		}
	}
	return i
}

// scanSource reports whether src may hold something extractModule acts on
// (an attribute named in attrTriggers, a call of FastMCP, MCPServer or
// Server), and the offsets of the class keywords that may start a class
// with bases. Only files without syntax errors are judged by it, and it
// errs on the side of yes: a match in a string or comment only costs time.
func scanSource(src []byte) (trigger bool, classes []int) {
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '.':
			if trigger {
				continue
			}
			j := skipExtras(src, i+1)
			k := j
			for k < len(src) && isASCIIWordByte(src[k]) {
				k++
			}
			if k > j && attrTriggers[string(src[j:k])] && (k == len(src) || !isASCIIWordByte(src[k])) {
				trigger = true
			}
		case 'c':
			if !bytes.HasPrefix(src[i:], []byte("class")) || (i > 0 && isASCIIWordByte(src[i-1])) || (i+5 < len(src) && isASCIIWordByte(src[i+5])) {
				continue
			}
			j := skipExtras(src, i+5)
			k := j
			for k < len(src) && isWordByte(src[k]) {
				k++
			}
			if k == j {
				continue
			}
			if l := skipExtras(src, k); l < len(src) && src[l] == ':' {
				continue // class Name: has no bases
			}
			classes = append(classes, i)
		}
	}
	if !trigger {
		for _, w := range ctorTriggers {
			for at := 0; ; {
				i := bytes.Index(src[at:], w)
				if i < 0 {
					break
				}
				i += at
				at = i + 1
				if i > 0 && isASCIIWordByte(src[i-1]) {
					continue
				}
				end := i + len(w)
				if end < len(src) && isASCIIWordByte(src[end]) {
					continue
				}
				if j := skipExtras(src, end); j < len(src) && src[j] == '(' {
					trigger = true
					break
				}
			}
			if trigger {
				break
			}
		}
	}
	return trigger, classes
}

// hasWord reports whether src has one of the words.
func hasWord(src []byte, words map[string]bool) bool {
	for i := 0; i < len(src); {
		if !isWordByte(src[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(src) && isWordByte(src[j]) {
			j++
		}
		if words[string(src[i:j])] {
			return true
		}
		i = j
	}
	return false
}

// serverClasses finds the workspace classes that subclass a server class.
// A plain call Name(…) in a file that is no candidate can construct a
// server only through one of them (constructor), so when there is none,
// such files need not be walked. When there are, the files whose text
// names them, or names bound through them, are walked (x.slow).
//
// The classes are judged by a sandbox: an extractor of its own sharing the
// modules, so that this early evaluation changes neither the memos, the
// modules loaded and their order, nor the gaps of the extraction.
func (x *extractor) serverClasses() {
	type class struct {
		m *module
		n *pnode
	}
	var classes []class
	for _, p := range x.pre.order {
		if pr := x.pre.done[p]; pr != nil && pr.m != nil {
			for _, c := range pr.m.classes {
				classes = append(classes, class{pr.m, c})
			}
		}
	}
	if len(classes) == 0 {
		return
	}
	sb := newExtractor(x.ctx, x.src)
	sb.pre = x.pre
	words := map[string]bool{}
	for _, c := range classes {
		if sb.serverOfValue(&value{k: kClass, m: c.m, node: c.n}) != nil {
			if n := c.n.Field("name"); n != nil {
				words[n.Text()] = true
			}
		}
		if sb.err != nil {
			x.err = sb.err
			return
		}
	}
	if len(words) == 0 {
		return
	}
	// Names bound by a module-level statement that mentions one of words
	// may hold such a class too, to a fixpoint.
	type stmt struct {
		src   []byte
		names []string
		fired bool
	}
	var stmts []*stmt
	byWord := map[string][]*stmt{}
	for _, p := range x.pre.order {
		pr := x.pre.done[p]
		if pr == nil || pr.m == nil || pr.m.sc == nil {
			continue
		}
		m := pr.m
		of := map[*pnode]*stmt{}
		for name, bs := range m.sc.binds {
			for _, b := range bs {
				t := b.node
				for t != nil && t.parent != nil && t.parent != m.root {
					t = t.parent
				}
				if t == nil {
					continue
				}
				s := of[t]
				if s == nil {
					s = &stmt{src: m.src[t.start:t.end]}
					of[t] = s
					stmts = append(stmts, s)
					seen := map[string]bool{}
					for i := 0; i < len(s.src); {
						if !isWordByte(s.src[i]) {
							i++
							continue
						}
						j := i + 1
						for j < len(s.src) && isWordByte(s.src[j]) {
							j++
						}
						if w := string(s.src[i:j]); !seen[w] {
							seen[w] = true
							byWord[w] = append(byWord[w], s)
						}
						i = j
					}
				}
				s.names = append(s.names, name)
			}
		}
	}
	var work []string
	for w := range words {
		work = append(work, w)
	}
	for len(work) > 0 {
		w := work[len(work)-1]
		work = work[:len(work)-1]
		for _, s := range byWord[w] {
			if s.fired {
				continue
			}
			s.fired = true
			for _, n := range s.names {
				if !words[n] {
					words[n] = true
					work = append(work, n)
				}
			}
		}
	}
	for _, p := range x.paths {
		if pr := x.pre.done[p]; !isTestFile(p) && (pr == nil || pr.m == nil || !pr.m.cand) && hasWord(x.files[p], words) {
			x.slow[p] = true
		}
	}
}
