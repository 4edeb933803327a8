package python

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
)

// prepass parses every file the extraction loads, in parallel, once, and
// keeps of each only what the extraction may read; it closes each tree at
// once (see pnode). From the source text alone it finds:
//
//   - the candidates, files that may declare something (scanSource), and in
//     them the sites, the only nodes extractModule acts on (findSites): the
//     code around each site is copied;
//   - the names the extraction may look up in each module (reach): the
//     top-level statements binding them are copied (copyReferenced), with
//     the bodies of the functions and methods reach may read;
//   - the classes with bases, whose headers serverClasses evaluates.
//
// What was not copied can still be read (pnode.expand parses the file
// again), so a wrong guess costs time, never correctness.
type prepass struct {
	ctx   context.Context
	reach *reachInfo
	done  map[string]*prep
}

// prep is a processed file: its module, or why it could not be parsed.
type prep struct {
	src []byte
	m   *module
	err error
}

// run prepasses the files of x.
func (pp *prepass) run(x *extractor) error {
	r, err := computeReach(x)
	if err != nil {
		return err
	}
	pp.reach = r
	var list []string
	nonTest := 0
	for _, p := range x.paths {
		if len(x.files[p]) > maxFileSize {
			continue
		}
		if isTestFile(p) {
			// A test file is a module only when imported, by its name.
			if !pp.reach.reached[p] {
				continue
			}
		} else if nonTest++; nonTest > maxModules {
			continue
		}
		list = append(list, p)
	}
	results := make([]*prep, len(list))
	err = parallel(pp.ctx, len(list), func(i int, syms map[string]symbol) {
		results[i] = pp.process(list[i], x.files[list[i]], syms, false)
	})
	if err != nil {
		return err
	}
	for i, p := range list {
		pp.done[p] = results[i]
	}
	return pp.ctx.Err()
}

// parallel calls f for 0…n-1 on up to GOMAXPROCS goroutines, each with
// its own cache of symbols. A panic in f is returned as an error.
func parallel(ctx context.Context, n int, f func(i int, syms map[string]symbol)) error {
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
			syms := map[string]symbol{}
			for i := range jobs {
				f(i, syms)
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
// not (a module read through ReadFile, a test file reach did not expect to
// be imported) or saw other content. inFiles reports a file of src.Files.
func (pp *prepass) load(p string, src []byte, inFiles bool) *prep {
	if pr := pp.done[p]; pr != nil && bytes.Equal(pr.src, src) {
		return pr
	}
	pr := pp.process(p, src, map[string]symbol{}, !inFiles || !pp.reach.reached[p])
	pp.done[p] = pr
	return pr
}

// process parses one file and copies what may be needed of it; all of it
// when late: a module reach did not see (read through ReadFile), or one it
// did not expect to be read.
func (pp *prepass) process(p string, src []byte, syms map[string]symbol, late bool) *prep {
	tree, err := treesitter.Parse(pp.ctx, treesitter.Python, src)
	if err != nil {
		return &prep{src: src, err: err}
	}
	f := openFile(pp.ctx, p, src, tree, syms)
	defer f.close()
	m := &module{path: p, src: src, root: f.root, file: f}
	triggers, classes := scanSource(src)
	m.cand = !isTestFile(p) && (f.errs || len(triggers) > 0)
	if m.cand && f.errs {
		// The walk of a damaged file visits everything.
		m.walkAll = true
		f.root.expandAll()
	}
	if late {
		f.root.expandAll()
	}
	if late || m.cand || isInit(p) || pp.reach.reached[p] || len(classes) > 0 {
		wx := &extractor{ctx: pp.ctx}
		m.sc = wx.indexScope(m, m.root, nil)
		if wx.err != nil {
			return &prep{src: src, err: wx.err}
		}
		if !late {
			pp.copyReferenced(m)
		}
	}
	if m.cand && !f.errs {
		m.sites = findSites(f.root, triggers)
	}
	for _, off := range classes {
		if c := nodeAt(f.root, uint32(off), "class_definition"); c != nil && c.Field("superclasses") != nil {
			copyClassHeader(c)
			m.classes = append(m.classes, c)
		}
	}
	return &prep{src: src, m: m}
}

// findSites returns the nodes extractModule acts on for the trigger names
// at the given offsets (see scanSource), in the order of a preorder walk:
// the attribute, the call of it (and the call of that call), and the
// decorated definition it decorates; for a constructor name, the call. It
// copies the code around each site: its outermost enclosing function, or
// else its statement.
func findSites(root *pnode, triggers []int) []*pnode {
	seen := map[*pnode]bool{}
	var out []*pnode
	add := func(n *pnode) {
		if n != nil && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	decorated := func(n *pnode) {
		if d := n.parent; d != nil && d.Type() == "decorator" {
			if dd := d.parent; dd != nil && dd.Type() == "decorated_definition" {
				add(dd)
			}
		}
	}
	for _, off := range triggers {
		id := nodeAt(root, uint32(off), "identifier")
		if id == nil || id.parent == nil {
			continue // in a string or a comment
		}
		p := id.parent
		switch {
		case p.Type() == "attribute" && p.Field("attribute") == id:
			add(p)
			decorated(p)
			if c := p.parent; c != nil && c.Type() == "call" && c.Field("function") == p {
				add(c)
				decorated(c)
				if cc := c.parent; cc != nil && cc.Type() == "call" && cc.Field("function") == c {
					add(cc)
				}
			}
		case p.Type() == "call" && p.Field("function") == id:
			add(p)
		default:
			continue
		}
		copyUnit(root, id)
	}
	depth := func(n *pnode) int {
		d := 0
		for ; n != nil; n = n.parent {
			d++
		}
		return d
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.start != b.start {
			return a.start < b.start
		}
		if a.end != b.end {
			return a.end > b.end
		}
		return depth(a) < depth(b)
	})
	return out
}

// copyUnit copies the code a site's evaluation reads: the outermost
// function around n with its decorators, or else the statement holding n
// (in the module or in a class body).
func copyUnit(root, n *pnode) {
	var fn, stmt *pnode
	for c := n; c != nil && c != root; c = c.parent {
		switch c.Type() {
		case "function_definition":
			fn = c
		}
		if p := c.parent; stmt == nil && p != nil && (p == root || p.Type() == "block" && p.parent != nil && p.parent.Type() == "class_definition") {
			stmt = c
		}
	}
	if fn == nil {
		if stmt != nil {
			stmt.expandAll()
		}
		return
	}
	fn.expandAll()
	if p := fn.parent; p != nil && p.Type() == "decorated_definition" {
		p.expandAll()
	}
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

// copyReferenced copies the module-level statements that bind a name
// reach may look up in m.
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
		if !pp.reach.lookedUp(m.path, name) {
			continue
		}
		for _, b := range bs {
			mark(b.node)
		}
	}
	for _, b := range m.sc.stars {
		mark(b.node)
	}
	if pp.reach.lookedUp(m.path, "__doc__") {
		if sts := namedNoComments(m.root); len(sts) > 0 {
			sts[0].expandAll()
		}
	}
	for _, st := range m.root.Children() {
		if top[st] {
			pp.copyStatement(m.path, st)
		}
	}
}

// copyStatement copies a module-level statement of module p: compound
// statements whole but for the functions and classes in them, which are
// copied when reach may look them up.
func (pp *prepass) copyStatement(p string, st *pnode) {
	switch st.Type() {
	case "function_definition":
		pp.copyFunction(p, st)
	case "class_definition":
		pp.copyClass(p, st)
	case "decorated_definition":
		for _, c := range st.Children() {
			switch c.Type() {
			case "function_definition":
				pp.copyFunction(p, c)
			case "class_definition":
				pp.copyClass(p, c)
			default:
				c.expandAll()
			}
		}
	case "if_statement", "for_statement", "while_statement", "try_statement", "with_statement", "match_statement",
		"elif_clause", "else_clause", "except_clause", "except_group_clause", "finally_clause", "case_clause", "block":
		for _, c := range st.Children() {
			switch c.Type() {
			case "block", "elif_clause", "else_clause", "except_clause", "except_group_clause", "finally_clause", "case_clause":
				pp.copyStatement(p, c)
			default:
				if st.Type() == "block" {
					pp.copyStatement(p, c)
				} else {
					c.expandAll()
				}
			}
		}
	default:
		st.expandAll()
	}
}

// copyFunction copies a function whose name is looked up in module p,
// body included.
func (pp *prepass) copyFunction(p string, fn *pnode) {
	if n := fn.Field("name"); n != nil && pp.reach.looked[p][n.Text()] {
		fn.expandAll()
	}
}

// copyMethod copies a method whose name is an attribute name of reach.
func (pp *prepass) copyMethod(fn *pnode) {
	if n := fn.Field("name"); n != nil && pp.reach.attrs[n.Text()] {
		fn.expandAll()
	}
}

// copyClass copies a class looked up in module p: its header and body,
// the bodies of its methods only when reach may read them.
func (pp *prepass) copyClass(p string, cls *pnode) {
	if n := cls.Field("name"); n == nil || !pp.reach.looked[p][n.Text()] {
		return
	}
	pp.copyClassBody(cls)
}

func (pp *prepass) copyClassBody(cls *pnode) {
	for _, c := range cls.Children() {
		if c.field.String() != "body" || c.Type() != "block" {
			c.expandAll()
			continue
		}
		for _, st := range c.Children() {
			switch st.Type() {
			case "function_definition":
				pp.copyMethod(st)
			case "class_definition":
				pp.copyClassBody(st)
			case "decorated_definition":
				for _, d := range st.Children() {
					switch d.Type() {
					case "function_definition":
						pp.copyMethod(d)
					case "class_definition":
						pp.copyClassBody(d)
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
		if k.field.String() != "body" {
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
		if n.start == off && n.Type() == typ {
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

// scanSource returns the offsets of the names extractModule may act on:
// an attribute named in attrTriggers (the offset of the name), and a call
// of FastMCP, MCPServer or Server (the offset of the callee's last name);
// and the offsets of the class keywords that may start a class with bases.
// Only files without syntax errors are judged by it, and it errs on the
// side of yes: a match in a string or comment only costs time.
func scanSource(src []byte) (triggers, classes []int) {
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '.':
			j := skipExtras(src, i+1)
			k := j
			for k < len(src) && isASCIIWordByte(src[k]) {
				k++
			}
			if k > j && attrTriggers[string(src[j:k])] && (k == len(src) || !isASCIIWordByte(src[k])) {
				triggers = append(triggers, j)
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
				triggers = append(triggers, i)
			}
		}
	}
	sort.Ints(triggers)
	return triggers, classes
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
// A plain call Name(…) can construct a server only through one of them
// (constructor), so when there is none, extractModule needs to visit only
// the sites. When there are, the files whose text names them, or names
// that top-level statements bind through them (bindingClosure), are walked
// whole (x.slow); they are parsed again, as the prepass did not copy them.
//
// Every file with classes with bases is examined but a test file that no
// other file names, which no module can import. The classes are judged by
// a sandbox: an extractor of its own sharing the modules, so that this
// early evaluation changes neither the memos, the modules loaded and their
// order, nor the gaps of the extraction.
func (x *extractor) serverClasses() {
	var examine []*fileText
	stems := map[string]bool{}
	for _, ft := range x.pre.reach.texts {
		if ft.classes && len(ft.src) <= maxFileSize {
			examine = append(examine, ft)
			if isTestFile(ft.path) {
				stems[moduleName(ft.path)] = false
			}
		}
	}
	if len(examine) == 0 {
		return
	}
	if len(stems) > 0 {
		// Which test files other files name (their own name aside).
		for _, ft := range x.pre.reach.texts {
			eachWord(ft.src, 0, len(ft.src), func(w []byte, _ bool, _ []byte) {
				if named, ok := stems[string(w)]; ok && !named && moduleName(ft.path) != string(w) {
					stems[string(w)] = true
				}
			})
		}
	}
	sb := newExtractor(x.ctx, x.src)
	sb.pre = x.pre
	servers := map[string]bool{}
	for _, ft := range examine {
		if isTestFile(ft.path) && !stems[moduleName(ft.path)] {
			continue
		}
		pr := x.pre.done[ft.path]
		if pr == nil {
			// A file the prepass skipped (a test file): only what
			// evaluating the bases reads is copied.
			pr = x.pre.process(ft.path, ft.src, map[string]symbol{}, false)
			x.pre.done[ft.path] = pr
		}
		if pr.m == nil {
			continue
		}
		for _, c := range pr.m.classes {
			if sb.serverOfValue(&value{k: kClass, m: pr.m, node: c}) != nil {
				if n := c.Field("name"); n != nil {
					servers[n.Text()] = true
				}
			}
			if sb.err != nil {
				x.err = sb.err
				return
			}
		}
	}
	if len(servers) == 0 {
		return
	}
	words := bindingClosure(x.pre.reach.texts, servers)
	for _, p := range x.paths {
		if !isTestFile(p) && hasWord(x.files[p], words) {
			x.slow[p] = true
		}
	}
}
