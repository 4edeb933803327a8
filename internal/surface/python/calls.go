package python

import (
	"fmt"
	"strings"

	"github.com/mcpcert/mcpcert/internal/surface"
)

// className is the declared name of a workspace class.
func className(c *value) string {
	if n := c.node.Field("name"); n != nil {
		return n.Text()
	}
	return "?"
}

// runtimeSources are calls whose result is known only at run time and
// that make metadata able to change after approval.
var runtimeSources = []struct{ prefix, what string }{
	{"os.getenv", "the environment"},
	{"os.environ", "the environment"},
	{"dotenv.", "the environment"},
	{"datetime.", "the clock"},
	{"time.", "the clock"},
	{"random.", "randomness"},
	{"secrets.", "randomness"},
	{"uuid.", "randomness"},
	{"requests.", "the network"},
	{"httpx.", "the network"},
	{"aiohttp.", "the network"},
	{"urllib.request.", "the network"},
	{"http.client.", "the network"},
	{"subprocess.", "a subprocess"},
	{"os.popen", "a subprocess"},
	{"socket.", "the host"},
	{"platform.", "the host"},
	{"getpass.", "the host"},
	{"os.listdir", "the file system"},
	{"os.scandir", "the file system"},
	{"os.walk", "the file system"},
	{"glob.", "the file system"},
}

// runtimeOf reports whether a qualified name reads a run-time source.
func runtimeOf(q string) (string, bool) {
	for _, r := range runtimeSources {
		if q == strings.TrimSuffix(r.prefix, ".") || strings.HasPrefix(q, r.prefix) {
			return r.what, true
		}
	}
	return "", false
}

// externalCall folds calls of names from outside the workspace.
func (x *extractor) externalCall(e *env, callee *value, args *pnode, n *pnode, depth int) *value {
	q := callee.s
	if what, ok := runtimeOf(q); ok {
		return unknown(srcOf(n)+" reads "+what+" at run time", rtSource{what: srcOf(n) + " (" + what + ")", pos: e.m.pos(n)})
	}
	if fw, ctor, ok := serverFromQual(q); ok {
		return x.newServer(e.m, n, fw, ctor)
	}
	pos := argNodes(args)
	arg := func(i int) *value {
		if i < len(pos) {
			return x.eval(e, pos[i], depth+1)
		}
		return unknown(srcOf(n) + " lacks an argument")
	}
	switch q {
	case "open", "io.open", "codecs.open":
		p := x.asPath(arg(0))
		if p.k != kPath {
			return unknown(srcOf(n)+" opens a file whose path is not folded", p.rt...)
		}
		return &value{k: kFile, s: p.s, base: p.base, m: e.m, node: n, rt: p.rt}
	case "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath":
		if len(pos) == 0 {
			return &value{k: kPath, base: cwdRelative}
		}
		p := x.asPath(arg(0))
		for i := 1; i < len(pos) && p.k == kPath; i++ {
			p = x.joinPathValue(p, arg(i))
		}
		return p
	case "os.path.join":
		if len(pos) == 0 {
			break
		}
		p := x.asPath(arg(0))
		for i := 1; i < len(pos) && p.k == kPath; i++ {
			p = x.joinPathValue(p, arg(i))
		}
		return p
	case "os.path.dirname":
		if p := x.asPath(arg(0)); p.k == kPath {
			return &value{k: kPath, s: dirOf(p.s), base: p.base, rt: p.rt}
		}
	case "os.path.abspath", "os.path.realpath", "os.path.normpath":
		return x.asPath(arg(0))
	case "chr":
		// Control characters are often built this way: ESC = chr(27).
		if v := arg(0); len(pos) == 1 && v.k == kNum && v.isInt && v.num >= 0 && v.num <= 0x10FFFF {
			return strVal(string(rune(int(v.num))), e.m.pos(n))
		}
	case "textwrap.dedent":
		return mapText(arg(0), dedent)
	case "inspect.cleandoc":
		return mapText(arg(0), cleandoc)
	case "str":
		if len(pos) == 1 {
			v := arg(0)
			if s, ok := scalarStr(v); ok {
				return strVal(s, e.m.pos(n))
			}
			if v.k == kStr {
				return v
			}
		}
	case "dict":
		return x.dict(e, args, depth)
	case "list", "tuple":
		if len(pos) == 1 {
			if v := arg(0); v.k == kList {
				return v
			}
		}
	}
	return &value{k: kInstance, s: q, m: e.m, node: n, env: e}
}

// method folds a method call on a folded value; false when it does not apply.
func (x *extractor) method(e *env, obj *value, meth string, args, n *pnode, depth int) (*value, bool) {
	pos := argNodes(args)
	arg := func(i int) *value {
		if i < len(pos) {
			return x.eval(e, pos[i], depth+1)
		}
		return unknown(srcOf(n) + " lacks an argument")
	}
	switch obj.k {
	case kStr:
		switch meth {
		case "strip", "lstrip", "rstrip":
			cut := pyWhitespace
			if len(pos) == 1 {
				c, ok := arg(0).resolvedStr()
				if !ok {
					return unknown(srcOf(n) + " strips characters that are not folded"), true
				}
				cut = c
			}
			return mapText(obj, func(s string) string {
				switch meth {
				case "lstrip":
					return strings.TrimLeft(s, cut)
				case "rstrip":
					return strings.TrimRight(s, cut)
				}
				return strings.Trim(s, cut)
			}), true
		case "join":
			if len(pos) != 1 {
				return nil, false
			}
			it := arg(0)
			if it.k != kList {
				return unknown(srcOf(n)+" joins values that are not folded", it.rt...), true
			}
			var parts []*value
			var nodes []*pnode
			for i, item := range it.items {
				if i > 0 {
					parts, nodes = append(parts, obj), append(nodes, nil)
				}
				parts, nodes = append(parts, item), append(nodes, nil)
			}
			return concat(parts, nodes, e.m.pos(n)), true
		case "format":
			return x.format(e, obj, args, n, depth), true
		case "replace":
			if len(pos) == 2 {
				old, ok1 := arg(0).resolvedStr()
				nw, ok2 := arg(1).resolvedStr()
				if ok1 && ok2 && len(obj.s)+strings.Count(obj.s, old)*len(nw) <= maxText {
					return mapText(obj, func(s string) string { return strings.ReplaceAll(s, old, nw) }), true
				}
			}
		case "upper", "lower":
			if len(pos) == 0 {
				return mapText(obj, map[string]func(string) string{"upper": strings.ToUpper, "lower": strings.ToLower}[meth]), true
			}
		}
	case kPath:
		switch meth {
		case "read_text":
			return x.readFile(obj, n, e.m), true
		case "open":
			return &value{k: kFile, s: obj.s, base: obj.base, m: e.m, node: n, rt: obj.rt}, true
		case "resolve", "absolute", "expanduser":
			return obj, true
		case "joinpath":
			p := obj
			for i := range pos {
				p = x.joinPathValue(p, arg(i))
			}
			return p, true
		}
	case kFile:
		if meth == "read" {
			return x.readFile(obj, n, e.m), true
		}
	case kDict:
		switch meth {
		case "get":
			if len(pos) >= 1 {
				k, ok := arg(0).resolvedStr()
				if !ok {
					return unknown(srcOf(n) + " looks up a key that is not folded"), true
				}
				if v, ok := dictGet(obj, k); ok {
					return v, true
				}
				if len(pos) == 2 {
					return arg(1), true
				}
				return &value{k: kNone}, true
			}
		case "items":
			out := &value{k: kList}
			for i, k := range obj.keys {
				out.items = append(out.items, &value{k: kList, items: []*value{k, obj.items[i]}})
			}
			return out, true
		case "keys":
			return &value{k: kList, items: obj.keys}, true
		case "values":
			return &value{k: kList, items: obj.items}, true
		}
	case kClass:
		if (meth == "model_json_schema" || meth == "schema") && len(pos) == 0 {
			return &value{k: kSchema, cls: obj, m: e.m, node: n}, true
		}
	}
	return nil, false
}

// callFunc folds a call of a workspace function whose body is a single
// return (def desc(): return "…"), binding its parameters to the arguments.
func (x *extractor) callFunc(e *env, fn *value, args, n *pnode, depth int) *value {
	body := fn.node.Field("body")
	ret := singleReturn(body)
	k := keyOf(fn.m, fn.node)
	if x.calling[k] {
		return unknown(srcOf(n) + " is recursive")
	}
	x.calling[k] = true
	defer delete(x.calling, k)
	vars := map[string]*value{}
	pos := argNodes(args)
	i := 0
	outer := x.envAt(fn.m, fn.node)
	if ps := fn.node.Field("parameters"); ps != nil {
		for _, p := range namedNoComments(ps) {
			name := ParamName(p)
			if name == "" {
				continue
			}
			switch {
			case p.Type() == "list_splat_pattern" || p.Type() == "dictionary_splat_pattern":
				vars[name] = unknown(name + " collects arguments at run time")
			case i < len(pos):
				vars[name] = x.eval(e, pos[i], depth+1)
				i++
			default:
				if kw := kwargNode(args, name); kw != nil {
					vars[name] = x.eval(e, kw, depth+1)
				} else if d := p.Field("value"); d != nil {
					vars[name] = x.eval(outer, d, depth+1)
				} else {
					vars[name] = unknown(name + " is not passed")
				}
			}
		}
	}
	fe := &env{m: fn.m, sc: x.funcScope(fn.m, fn.node), vars: vars, parent: outer}
	if ret == nil {
		return unknown(srcOf(n)+" is computed at run time", x.returnRT(fe, body, depth)...)
	}
	return x.eval(fe, ret, depth+1)
}

// returnRT are the run-time sources of a function body that cannot be
// folded to one value: those of its return expressions and of the
// conditions that choose between them. A description helper that returns
// os.environ["DESC"] or an HTTP response is as dynamic as a description
// read in place.
func (x *extractor) returnRT(e *env, body *pnode, depth int) []rtSource {
	var out []rtSource
	if body == nil {
		return nil
	}
	body.Walk(func(c *pnode) bool {
		switch c.Type() {
		case "function_definition", "class_definition", "lambda":
			return false
		case "return_statement":
			for _, r := range namedNoComments(c) {
				out = append(out, x.eval(e, r, depth+1).rt...)
			}
			out = append(out, x.conditionRT(e, c, depth)...)
			return false
		}
		return true
	})
	return out
}

// singleReturn is the expression of a body made of one return statement
// (after an optional docstring).
func singleReturn(body *pnode) *pnode {
	if body == nil {
		return nil
	}
	sts := namedNoComments(body)
	if len(sts) > 0 && isDocStatement(sts[0]) {
		sts = sts[1:]
	}
	if len(sts) != 1 || sts[0].Type() != "return_statement" {
		return nil
	}
	cs := namedNoComments(sts[0])
	if len(cs) != 1 {
		return nil
	}
	return cs[0]
}

// asPath turns a folded string or path into a path value.
func (x *extractor) asPath(v *value) *value {
	switch v.k {
	case kPath:
		return v
	case kStr:
		s, ok := v.resolvedStr()
		if !ok {
			return unknown("a path that is not folded", v.rt...)
		}
		switch {
		case strings.HasPrefix(s, "/"):
			return &value{k: kPath, s: s, base: absolute, rt: v.rt}
		case strings.HasPrefix(s, "~"):
			return &value{k: kPath, s: s, base: unknownBase, rt: v.rt}
		}
		return &value{k: kPath, s: cleanRel(s), base: cwdRelative, rt: v.rt}
	}
	return unknown("a path that is not folded", v.rt...)
}

// joinPathValue is p / part.
func (x *extractor) joinPathValue(p, part *value) *value {
	q := x.asPath(part)
	if q.k != kPath {
		return unknown("a path joined with a part that is not folded", mergeRT(p, part)...)
	}
	if q.base == absolute || q.base == unknownBase {
		return q
	}
	out := &value{k: kPath, s: joinPath(p.s, q.s), base: p.base, rt: mergeRT(p, q)}
	if p.base == inWorkspace {
		c := cleanRel(out.s)
		if c == ".." || strings.HasPrefix(c, "../") {
			out.base = unknownBase // above the workspace root
		}
		out.s = c
	}
	return out
}

// cleanRel cleans a relative slash path ("" for the root).
func cleanRel(s string) string {
	parts := strings.Split(s, "/")
	var out []string
	for _, p := range parts {
		switch p {
		case "", ".":
		case "..":
			if len(out) > 0 && out[len(out)-1] != ".." {
				out = out[:len(out)-1]
			} else {
				out = append(out, "..")
			}
		default:
			out = append(out, p)
		}
	}
	return strings.Join(out, "/")
}

// readFile folds the text of a file read at import time: known only if the
// file ships in the workspace.
func (x *extractor) readFile(p *value, n *pnode, m *module) *value {
	where := m.pos(n)
	if p.base != inWorkspace {
		what := fmt.Sprintf("file %s (outside the workspace)", p.s)
		if p.base == cwdRelative {
			what = fmt.Sprintf("file %s (relative to the working directory)", p.s)
		}
		return unknown(srcOf(n)+" reads "+what, append(mergeRT(p), rtSource{what: what, pos: where})...)
	}
	var b []byte
	if c, ok := x.files[p.s]; ok {
		b = c
	} else if x.src.ReadFile != nil {
		c, err := x.src.ReadFile(p.s)
		if err == nil {
			b = c
		}
	}
	if b == nil {
		what := fmt.Sprintf("file %s (not in the workspace)", p.s)
		return unknown(srcOf(n)+" reads "+what, append(mergeRT(p), rtSource{what: what, pos: where})...)
	}
	s := normalizeNewlines(string(b))
	v := strVal(s, surfacePos(p.s))
	if len(s) > maxText {
		v.s, v.res, v.reason = s[:maxText], surface.Partial, "the file is longer than the folding limit"
	}
	v.rt = p.rt
	return v
}
