package jsts

import (
	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
)

// zschema is a zod schema as far as its JSON Schema matters. Types are the
// ones zod-to-json-schema (and zod v4's toJSONSchema) emit, which is what
// the SDK sends in tools/list. Methods return modified copies: zod schemas
// are immutable and so are these.
type zschema struct {
	typ      string
	desc     *value // .describe(), {description}, .meta({description})
	title    *value
	optional bool
	def      any
	hasDef   bool
	enum     []any
	examples []any
	props    []zprop
	items    *zschema
	other    []*value // pattern and other model-visible strings
	unknown  string   // the base schema could not be seen (someSchema.describe())
	n        *treesitter.Node
	m        *module
}

// zprop is a property of a raw shape or z.object: a schema, or the value
// that could not be read as one.
type zprop struct {
	name string
	s    *zschema
	v    *value
}

func (z *zschema) clone() *zschema {
	c := *z
	c.props = append([]zprop(nil), z.props...)
	c.other = append([]*value(nil), z.other...)
	return &c
}

// zodCtorTypes maps zod constructors to the JSON Schema type they produce.
var zodCtorTypes = map[string]string{
	"string": "string", "email": "string", "url": "string", "uuid": "string", "guid": "string",
	"cuid": "string", "cuid2": "string", "ulid": "string", "nanoid": "string", "emoji": "string",
	"base64": "string", "base64url": "string", "jwt": "string", "e164": "string", "ipv4": "string",
	"ipv6": "string", "cidrv4": "string", "cidrv6": "string", "date": "string", "datetime": "string",
	"templateLiteral": "string",
	"number":          "number", "float32": "number", "float64": "number", "nan": "number",
	"int": "integer", "int32": "integer", "uint32": "integer", "int64": "integer", "uint64": "integer",
	"bigint":  "integer",
	"boolean": "boolean", "stringbool": "boolean",
	"null": "null",
	"any":  "", "unknown": "", "undefined": "", "void": "", "never": "", "custom": "",
	"instanceof": "", "lazy": "", "symbol": "", "promise": "", "file": "", "function": "",
	"object": "object", "strictObject": "object", "looseObject": "object", "record": "object",
	"map": "object", "partialRecord": "object",
	"array": "array", "set": "array", "tuple": "array",
	"enum": "string", "nativeEnum": "string", "literal": "",
	"union": "", "discriminatedUnion": "", "xor": "", "intersection": "",
	"optional": "", "nullable": "", "nullish": "", "preprocess": "",
}

// zodModifiers are the methods that mark a call chain as zod even when its
// base cannot be seen.
var zodModifiers = map[string]bool{
	"describe": true, "optional": true, "nullish": true, "default": true, "meta": true,
}

// zodCtor evaluates z.<name>(args), or returns nil if name is not a zod
// constructor.
func zodCtor(name string, vals []*value, nodes []*treesitter.Node) *value {
	typ, ok := zodCtorTypes[name]
	if !ok {
		return nil
	}
	arg := func(i int) *value {
		if i < len(vals) {
			return vals[i]
		}
		return &value{kind: vUndef}
	}
	z := &zschema{typ: typ}
	switch name {
	case "object", "strictObject", "looseObject":
		z.setShape(arg(0))
	case "array", "set":
		if a := arg(0); a.kind == vZod {
			z.items = a.zod
		}
	case "tuple":
		if a := arg(0); a.kind == vArray && len(a.elems) > 0 && a.elems[0].kind == vZod {
			z.items = a.elems[0].zod
		}
	case "enum", "nativeEnum":
		z.enum, z.typ = enumValues(arg(0))
	case "literal":
		if j, ok := toJSON(arg(0), 0); ok {
			z.enum = []any{j}
			z.typ = jsonType(j)
		}
	case "union", "xor":
		return zodUnion(arg(0))
	case "discriminatedUnion":
		if a := arg(0); a.kind == vArray {
			return zodUnion(a)
		}
		return zodUnion(arg(1))
	case "intersection":
		return zodMethod(arg(0), "and", vals[min(1, len(vals)):], nil)
	case "optional", "nullable", "nullish":
		if a := arg(0); a.kind == vZod {
			return zodMethod(a, name, nil, nil)
		}
	case "preprocess":
		if a := arg(1); a.kind == vZod {
			return a
		}
	}
	// v3 RawCreateParams and v4 params: z.string({description: "…"}).
	if len(vals) > 0 {
		if d := vals[len(vals)-1].get("description"); d != nil {
			z.desc = d
		}
	}
	return &value{kind: vZod, zod: z}
}

func jsonType(j any) string {
	switch j.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return ""
}

// enumValues reads z.enum([...]) or z.enum/nativeEnum({...}).
func enumValues(v *value) ([]any, string) {
	var vals []*value
	switch v.kind {
	case vArray:
		vals = v.elems
	case vObject:
		for _, k := range v.keys {
			vals = append(vals, v.props[k])
		}
	}
	var out []any
	typ := ""
	for _, e := range vals {
		j, ok := toJSON(e, 0)
		if !ok {
			continue
		}
		t := jsonType(j)
		if typ == "" {
			typ = t
		} else if typ != t {
			typ = "string"
		}
		out = append(out, j)
	}
	if typ == "" {
		typ = "string"
	}
	return out, typ
}

// zodUnion: a union of literals is an enum; any other union is read as its
// first member, which is what most clients render.
func zodUnion(opts *value) *value {
	if opts.kind != vArray || len(opts.elems) == 0 {
		return &value{kind: vZod, zod: &zschema{unknown: "union of " + why(opts, opts.n)}}
	}
	var lits []any
	typ := ""
	allLit := true
	for _, o := range opts.elems {
		if o.kind != vZod || len(o.zod.enum) == 0 || o.zod.props != nil {
			allLit = false
			break
		}
		if typ == "" {
			typ = o.zod.typ
		} else if typ != o.zod.typ {
			allLit = false
			break
		}
		lits = append(lits, o.zod.enum...)
	}
	if allLit {
		return &value{kind: vZod, zod: &zschema{typ: typ, enum: lits}}
	}
	if first := opts.elems[0]; first.kind == vZod {
		return first
	}
	return &value{kind: vZod, zod: &zschema{unknown: "union of " + why(opts.elems[0], opts.elems[0].n)}}
}

// setShape fills an object schema's properties from a raw shape.
func (z *zschema) setShape(shape *value) {
	switch shape.kind {
	case vObject:
		for _, k := range shape.keys {
			p := shape.props[k]
			zp := zprop{name: k, v: p}
			if p.kind == vZod {
				zp.s = p.zod
			}
			z.props = append(z.props, zp)
		}
		if shape.open {
			z.unknown = "a shape with a computed part"
		}
	case vZod:
		z.props = append(z.props, shape.zod.props...)
	default:
		z.unknown = "shape " + why(shape, shape.n)
	}
}

// zodProp reads schema.shape / schema.element.
func zodProp(v *value, key string) *value {
	z := v.zod
	switch key {
	case "shape":
		o := newObject()
		o.n, o.m = v.n, v.m
		for _, p := range z.props {
			pv := p.v
			if p.s != nil {
				pv = &value{kind: vZod, zod: p.s, n: p.s.n, m: p.s.m}
			}
			o.set(p.name, pv)
		}
		return o
	case "element":
		if z.items != nil {
			return &value{kind: vZod, zod: z.items}
		}
	case "options":
		return unk("union options")
	}
	return unk("." + key + " of a zod schema")
}

// zodMethod evaluates schema.<name>(args).
func zodMethod(v *value, name string, vals []*value, nodes []*treesitter.Node) *value {
	if v.kind != vZod {
		return unk("."+name+"() on "+why(v, v.n), v)
	}
	arg := func(i int) *value {
		if i < len(vals) {
			return vals[i]
		}
		return &value{kind: vUndef}
	}
	c := v.zod.clone()
	if c.n == nil {
		c.n, c.m = v.n, v.m
	}
	switch name {
	case "describe":
		c.desc = arg(0)
	case "meta":
		m := arg(0)
		if d := m.get("description"); d != nil {
			c.desc = d
		}
		if t := m.get("title"); t != nil {
			c.title = t
		}
		if e := m.get("examples"); e != nil {
			if j, ok := toJSON(e, 0); ok {
				c.examples, _ = j.([]any)
			}
		}
	case "optional", "nullish", "exactOptional":
		c.optional = true
	case "default", "prefault":
		c.def, _ = toJSON(arg(0), 0)
		c.hasDef = true
		c.optional = true
	case "removeDefault", "unwrap", "nonoptional":
		c.optional, c.hasDef, c.def = false, false, nil
	case "int", "safe":
		if c.typ == "number" {
			c.typ = "integer"
		}
	case "array":
		return &value{kind: vZod, zod: &zschema{typ: "array", items: v.zod, n: c.n, m: c.m}}
	case "or":
		return zodUnion(&value{kind: vArray, elems: []*value{v, arg(0)}})
	case "and", "extend", "merge", "safeExtend":
		o := arg(0)
		add := &zschema{}
		add.setShape(o)
		for _, p := range add.props {
			c.setProp(p)
		}
		if add.unknown != "" && c.unknown == "" {
			c.unknown = add.unknown
		}
		if c.typ == "" {
			c.typ = "object"
		}
	case "pick", "omit":
		keys := arg(0)
		var ps []zprop
		for _, p := range c.props {
			if (keys.get(p.name) != nil) == (name == "pick") {
				ps = append(ps, p)
			}
		}
		c.props = ps
	case "partial", "required":
		keys := arg(0)
		for i, p := range c.props {
			if keys.kind == vObject && keys.get(p.name) == nil {
				continue
			}
			if p.s != nil {
				s := p.s.clone()
				s.optional = name == "partial"
				c.props[i].s = s
			}
		}
	case "keyof":
		e := &zschema{typ: "string", n: c.n, m: c.m}
		for _, p := range c.props {
			e.enum = append(e.enum, p.name)
		}
		return &value{kind: vZod, zod: e}
	case "regex":
		if len(nodes) > 0 && nodes[0].Type() == "regex" {
			c.other = append(c.other, &value{kind: vString, str: text(nodes[0].Field("pattern")), n: nodes[0], m: v.m})
		}
	case "parse", "safeParse", "parseAsync", "safeParseAsync", "spa", "encode", "decode":
		return unk("result of ." + name + "()")
	}
	return &value{kind: vZod, zod: c, n: v.n, m: v.m}
}

// setProp adds or replaces a property.
func (z *zschema) setProp(p zprop) {
	for i := range z.props {
		if z.props[i].name == p.name {
			z.props[i] = p
			return
		}
	}
	z.props = append(z.props, p)
}
