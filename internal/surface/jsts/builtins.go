package jsts

import (
	"encoding/base64"
	"encoding/hex"
	"path"
	"strings"

	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
)

// The builtins and packages the evaluator models: string and array
// methods, Object/JSON/String/Buffer, path and url over workspace paths,
// readFileSync of shipped files, and the calls whose results are run-time
// data (fs, os, fetch, axios, Date, Math.random…).

// dedentTags are template tags that strip indentation, by package name.
var dedentTags = map[string]bool{"dedent": true, "outdent": true, "stripIndent": true, "stripIndents": true}

// jsonSchemaConverters turn a zod schema into JSON Schema at run time.
var jsonSchemaConverters = map[string]bool{
	"zodToJsonSchema": true, "zodToJSONSchema": true, "toJsonSchema": true, "toJSONSchema": true,
	"zodToJsonSchemaCompat": true,
}

// rtRoots are modules and globals whose results are run-time data.
var rtRoots = map[string]bool{
	"fs": true, "os": true, "child_process": true, "http": true, "https": true, "net": true,
	"crypto": true, "axios": true, "node-fetch": true, "undici": true, "got": true, "ky": true,
	"cross-fetch": true, "isomorphic-fetch": true, "fetch": true, "process": true, "Date": true,
	"Math": true, "dns": true,
}

// globalProp reads a member of a builtin: import.meta.url, process.env.X.
func (x *extractor) globalProp(c ectx, v *value, key string) *value {
	name := v.str + "." + key
	switch name {
	case "import.meta":
		return &value{kind: vGlobal, str: name}
	case "import.meta.url", "import.meta.filename":
		return &value{kind: vPath, str: c.m.path}
	case "import.meta.dirname":
		return &value{kind: vPath, str: path.Dir(c.m.path)}
	case "path.sep", "path.posix.sep":
		return strv("/")
	}
	if v.str == "process.env" {
		return runtime(name, name)
	}
	if v.str == "process" && key != "env" {
		return runtime(name, name)
	}
	return &value{kind: vGlobal, str: name}
}

// strMethod folds string methods; nil when it cannot.
func strMethod(s *value, name string, vals []*value) *value {
	str := s.str
	argStr := func(i int) (string, bool) {
		if i < len(vals) && vals[i].kind == vString && !vals[i].partial {
			return vals[i].str, true
		}
		return "", false
	}
	var out string
	switch name {
	case "trim":
		out = strings.TrimSpace(str)
	case "trimStart", "trimLeft":
		out = strings.TrimLeft(str, " \t\n\r\v\f")
	case "trimEnd", "trimRight":
		out = strings.TrimRight(str, " \t\n\r\v\f")
	case "toUpperCase":
		out = strings.ToUpper(str)
	case "toLowerCase":
		out = strings.ToLower(str)
	case "toString", "valueOf", "normalize":
		return s
	case "concat":
		v := s
		for _, a := range vals {
			v = concat(v, a, a.n)
		}
		return v
	case "replace", "replaceAll":
		from, ok1 := argStr(0)
		to, ok2 := argStr(1)
		if !ok1 || !ok2 || s.partial {
			return nil
		}
		if name == "replace" {
			out = strings.Replace(str, from, to, 1)
		} else {
			out = strings.ReplaceAll(str, from, to)
		}
	case "repeat":
		if len(vals) == 0 || vals[0].kind != vNumber || vals[0].num < 0 || float64(len(str))*vals[0].num > maxString {
			return nil
		}
		out = strings.Repeat(str, int(vals[0].num))
	case "split":
		sep, ok := argStr(0)
		if !ok || s.partial {
			return nil
		}
		a := &value{kind: vArray}
		for _, p := range strings.Split(str, sep) {
			if len(a.elems) >= maxElems {
				break
			}
			a.elems = append(a.elems, strv(p))
		}
		return a
	default:
		return nil
	}
	cp := *s
	cp.str = out
	cp.n = nil
	return &cp
}

// arrayMethod folds join, concat, flat and map with an inlinable callback.
func (x *extractor) arrayMethod(c ectx, n *treesitter.Node, a *value, name string, vals []*value) *value {
	switch name {
	case "join":
		sep := ","
		if len(vals) > 0 && vals[0].kind == vString {
			sep = vals[0].str
		}
		if a.open {
			return unk("join of an array with a computed part", a)
		}
		out := &value{kind: vString}
		parts := make([]string, 0, len(a.elems))
		var whys []string
		size := 0
		for _, e := range a.elems {
			s, ok := e.scalar()
			switch {
			case !ok:
				s = "${" + short(e.n) + "}"
				out.partial = true
				whys = append(whys, why(e, e.n))
			case e.absent():
				s = ""
			case e.partial:
				out.partial = true
				whys = append(whys, e.why)
			}
			out.inherit(e)
			size += len(s) + len(sep)
			if size > maxString {
				return unk("string too long", a)
			}
			parts = append(parts, s)
		}
		out.str = strings.Join(parts, sep)
		out.why = joinWhy(whys)
		return out
	case "concat":
		out := &value{kind: vArray, elems: append([]*value(nil), a.elems...), open: a.open}
		for _, v := range vals {
			if v.kind == vArray {
				out.elems = append(out.elems, v.elems...)
				out.open = out.open || v.open
			} else {
				out.elems = append(out.elems, v)
			}
		}
		return out
	case "flat":
		out := &value{kind: vArray, open: a.open}
		for _, e := range a.elems {
			if e.kind == vArray {
				out.elems = append(out.elems, e.elems...)
			} else {
				out.elems = append(out.elems, e)
			}
		}
		return out
	case "map":
		if len(vals) == 0 || vals[0].kind != vFunc || a.open {
			return nil
		}
		out := &value{kind: vArray}
		for i, e := range a.elems {
			out.elems = append(out.elems, x.inline(c, vals[0].fn, []*value{e, {kind: vNumber, num: float64(i)}}, n))
		}
		return out
	}
	return nil
}

// callGlobal evaluates calls to builtins and known packages by name.
func (x *extractor) callGlobal(c ectx, n *treesitter.Node, name string, vals []*value) *value {
	switch name {
	case "require", "__require":
		if s := argAt(vals, 0); s.kind == vString && !s.partial {
			return x.namespace(c.m, s.str)
		}
		return unk("require of a computed path", argAt(vals, 0))
	case "Object.freeze", "Object.seal", "__toESM", "__importStar", "__importDefault", "__toCommonJS":
		return argAt(vals, 0)
	case "Object.entries", "Object.keys", "Object.values":
		o := argAt(vals, 0)
		if o.kind != vObject || o.open {
			return unk(name+" of "+why(o, o.n), o)
		}
		a := &value{kind: vArray}
		for _, k := range o.keys {
			kv := strv(k)
			switch name {
			case "Object.keys":
				a.elems = append(a.elems, kv)
			case "Object.values":
				a.elems = append(a.elems, o.props[k])
			default:
				a.elems = append(a.elems, &value{kind: vArray, elems: []*value{kv, o.props[k]}})
			}
		}
		return a
	case "Object.assign":
		out := newObject()
		for _, v := range vals {
			switch v.kind {
			case vObject:
				for _, k := range v.keys {
					out.set(k, v.props[k])
				}
				out.open = out.open || v.open
			case vUndef, vNull:
			default:
				out.open = true
				out.inherit(v)
			}
		}
		return out
	case "Object.fromEntries":
		a := argAt(vals, 0)
		if a.kind != vArray || a.open {
			return unk("Object.fromEntries of "+why(a, a.n), a)
		}
		out := newObject()
		for _, e := range a.elems {
			if e.kind != vArray || len(e.elems) < 2 {
				out.open = true
				continue
			}
			if k, ok := e.elems[0].scalar(); ok {
				out.set(k, e.elems[1])
			}
		}
		return out
	case "JSON.parse":
		if s := argAt(vals, 0); s.kind == vString && !s.partial {
			return fromJSON([]byte(s.str))
		}
	case "String":
		if s, ok := argAt(vals, 0).scalar(); ok {
			cp := strv(s)
			cp.partial, cp.why = argAt(vals, 0).partial, argAt(vals, 0).why
			return cp
		}
	case "String.fromCharCode", "String.fromCodePoint":
		var b strings.Builder
		for _, v := range vals {
			if v.kind != vNumber {
				return unk(name+" of a computed code", v)
			}
			b.WriteRune(rune(v.num))
		}
		return strv(b.String())
	case "Buffer.from":
		s := argAt(vals, 0)
		if s.kind != vString || s.partial {
			break
		}
		enc := "utf8"
		if e := argAt(vals, 1); e.kind == vString {
			enc = e.str
		}
		switch enc {
		case "base64", "base64url":
			if d, ok := decodeBase64(s.str); ok {
				return strv(d)
			}
		case "hex":
			if d, err := hex.DecodeString(s.str); err == nil {
				return strv(string(d))
			}
		default:
			return s
		}
	case "atob":
		if s := argAt(vals, 0); s.kind == vString && !s.partial {
			if d, ok := decodeBase64(s.str); ok {
				return strv(d)
			}
		}
	case "path.join", "path.resolve", "path.posix.join", "path.posix.resolve":
		return joinPath(vals)
	case "path.dirname", "path.posix.dirname":
		if p := argAt(vals, 0); p.kind == vPath {
			return &value{kind: vPath, str: path.Dir(p.str)}
		}
	case "path.basename", "path.posix.basename":
		if p := argAt(vals, 0); p.kind == vPath || (p.kind == vString && !p.partial) {
			return strv(path.Base(p.str))
		}
	case "url.fileURLToPath", "url.pathToFileURL":
		if p := argAt(vals, 0); p.kind == vPath {
			return p
		}
	case "fs.readFileSync":
		return x.readFile(c, argAt(vals, 0), n)
	case "dedent":
		if s := argAt(vals, 0); s.kind == vString {
			cp := *s
			cp.str = dedent(s.str)
			cp.n = nil
			return &cp
		}
	}
	root := name
	if i := strings.IndexByte(root, '.'); i > 0 {
		root = root[:i]
	}
	if rtRoots[root] {
		return runtime(name, "call to "+name+"()", vals...)
	}
	return unk("call to "+name+"()", vals...)
}

// decodeBase64 accepts standard and URL alphabets, padded or not.
func decodeBase64(s string) (string, bool) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(s); err == nil {
			return string(d), true
		}
	}
	return "", false
}

// joinPath is path.join/resolve over a workspace path and literal parts.
func joinPath(vals []*value) *value {
	if len(vals) == 0 || vals[0].kind != vPath {
		return unk("path relative to the working directory", vals...)
	}
	parts := []string{vals[0].str}
	for _, v := range vals[1:] {
		switch {
		case v.kind == vString && !v.partial:
			if strings.HasPrefix(v.str, "/") {
				return unk("absolute path " + v.str)
			}
			parts = append(parts, v.str)
		case v.kind == vPath:
			parts = []string{v.str}
		default:
			return unk("computed path", v)
		}
	}
	return &value{kind: vPath, str: path.Join(parts...)}
}

// readFile resolves readFileSync of a workspace file; a file the workspace
// does not hold is run-time data.
func (x *extractor) readFile(c ectx, p *value, n *treesitter.Node) *value {
	switch {
	case p.kind == vPath:
		if p.str == ".." || strings.HasPrefix(p.str, "../") {
			return runtime("fs.readFileSync", "readFileSync of "+p.str+" (outside the workspace)")
		}
		if data, ok := x.read(p.str); ok {
			return strv(string(data))
		}
		return runtime("fs.readFileSync", "readFileSync of "+p.str+" (not in the workspace)")
	case p.kind == vString && !p.partial:
		return runtime("fs.readFileSync", "readFileSync of "+p.str+" (relative to the working directory)")
	}
	return runtime("fs.readFileSync", "readFileSync of "+why(p, p.n), p)
}

// newExpr evaluates new URL(rel, import.meta.url), new ResourceTemplate and
// the constructions that are run-time data.
func (x *extractor) newExpr(c ectx, n *treesitter.Node) *value {
	ctor := unwrap(n.Field("constructor"))
	name := baseName(lastIdent(ctor))
	vals, _ := x.args(c, n.Field("arguments"))
	switch name {
	case "URL":
		rel, b := argAt(vals, 0), argAt(vals, 1)
		if b.kind == vPath && rel.kind == vString && !rel.partial && !strings.HasPrefix(rel.str, "/") && !strings.Contains(rel.str, ":") {
			return &value{kind: vPath, str: path.Join(path.Dir(b.str), rel.str)}
		}
		return unk("new URL("+short(n.Field("arguments"))+")", rel, b)
	case "ResourceTemplate":
		return argAt(vals, 0)
	case "String":
		if s, ok := argAt(vals, 0).scalar(); ok {
			return strv(s)
		}
	case "Date":
		return runtime("Date", "new Date()")
	}
	return unk("new "+short(ctor)+"()", vals...)
}

// nodeBuiltins are Node modules the evaluator models by name.
var nodeBuiltins = map[string]string{
	"path": "path", "fs": "fs", "fs/promises": "fs.promises", "url": "url", "os": "os",
	"crypto": "crypto", "child_process": "child_process", "http": "http", "https": "https",
	"net": "net", "process": "process", "buffer": "buffer", "dns": "dns",
	"axios": "axios", "node-fetch": "fetch", "undici": "undici", "got": "got", "ky": "ky",
	"cross-fetch": "fetch", "isomorphic-fetch": "fetch",
	"dedent": "dedent", "ts-dedent": "dedent", "outdent": "dedent", "common-tags": "dedent",
	"zod-to-json-schema": "zod-to-json-schema",
}
