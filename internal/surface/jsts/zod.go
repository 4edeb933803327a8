package jsts

import (
	"sort"
	"strings"

	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
)

// zschema is a zod schema as far as its JSON Schema matters. It follows
// what zod-to-json-schema emits, which is what SDK v1 sends in tools/list,
// as surface.ParseLive then reads it: a nullable primitive is a type list
// ("null,string"), a union of primitives a type list, a union of literals
// an enum, a literal a type with a const, and any other union or
// intersection (anyOf/allOf) has no type, only the texts of its branches.
// The point is that a pin computed from source equals the pin of the live
// server. Methods return modified copies: zod schemas are immutable and so
// are these.
type zschema struct {
	typ      string // JSON Schema type; "a,b" for a type list
	family   string // zod class for zod-to-json-schema's shortcuts: string, number, bigint, boolean, null, literal, enum, object, array, or "" for anything else
	checks   bool   // .min(), .email(), .int()…: no type-list shortcut
	desc     *value // .describe(), {description}, .meta({description})
	title    *value
	optional bool
	def      any
	hasDef   bool
	enum     []any
	lit      []any // a literal's value
	examples []any
	props    []zprop
	items    *zschema
	branches []*zschema // anyOf/allOf members, for their texts
	other    []*value   // pattern, const and other model-visible strings
	unknown  string     // the base schema could not be seen (someSchema.describe())
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

// clone copies z for a method to modify.
func (z *zschema) clone() *zschema {
	c := *z
	c.props = append([]zprop(nil), z.props...)
	c.other = append([]*value(nil), z.other...)
	return &c
}

// zodCtors maps zod constructors to the JSON Schema type and the zod class
// family they produce.
var zodCtors = map[string][2]string{
	"string": {"string", "string"}, "email": {"string", ""}, "url": {"string", ""}, "uuid": {"string", ""},
	"guid": {"string", ""}, "cuid": {"string", ""}, "cuid2": {"string", ""}, "ulid": {"string", ""},
	"nanoid": {"string", ""}, "emoji": {"string", ""}, "base64": {"string", ""}, "base64url": {"string", ""},
	"jwt": {"string", ""}, "e164": {"string", ""}, "ipv4": {"string", ""}, "ipv6": {"string", ""},
	"cidrv4": {"string", ""}, "cidrv6": {"string", ""}, "date": {"string", ""}, "datetime": {"string", ""},
	"templateLiteral": {"string", ""},
	"number":          {"number", "number"}, "float32": {"number", ""}, "float64": {"number", ""}, "nan": {"number", ""},
	"int": {"integer", ""}, "int32": {"integer", ""}, "uint32": {"integer", ""}, "int64": {"integer", ""},
	"uint64": {"integer", ""}, "bigint": {"integer", "bigint"},
	"boolean": {"boolean", "boolean"}, "stringbool": {"boolean", ""},
	"null": {"null", "null"},
	"any":  {"", ""}, "unknown": {"", ""}, "undefined": {"", ""}, "void": {"", ""}, "never": {"", ""},
	"custom": {"", ""}, "instanceof": {"", ""}, "lazy": {"", ""}, "symbol": {"", ""}, "promise": {"", ""},
	"file": {"", ""}, "function": {"", ""},
	"object": {"object", "object"}, "strictObject": {"object", "object"}, "looseObject": {"object", "object"},
	"record": {"object", ""}, "partialRecord": {"object", ""},
	"array": {"array", "array"}, "set": {"array", ""}, "tuple": {"array", ""}, "map": {"array", ""},
	"enum": {"string", "enum"}, "nativeEnum": {"string", ""}, "literal": {"", "literal"},
	"union": {"", ""}, "discriminatedUnion": {"", ""}, "xor": {"", ""}, "intersection": {"", ""},
	"optional": {"", ""}, "nullable": {"", ""}, "nullish": {"", ""}, "preprocess": {"", ""},
}

// primitive are the classes zod-to-json-schema folds into type lists.
var primitive = map[string]bool{"string": true, "number": true, "bigint": true, "boolean": true, "null": true}

// zodModifiers are the methods that mark a call chain as zod even when its
// base cannot be seen.
var zodModifiers = map[string]bool{
	"describe": true, "optional": true, "nullish": true, "default": true, "meta": true,
}

// acceptsUndefined are the classes whose properties zod never requires.
var acceptsUndefined = map[string]bool{"any": true, "unknown": true, "undefined": true, "void": true}

// zodCtor evaluates z.<name>(args), or returns nil if name is not a zod
// constructor.
func zodCtor(name string, vals []*value, nodes []*treesitter.Node) *value {
	tf, ok := zodCtors[name]
	if !ok {
		return nil
	}
	z := &zschema{typ: tf[0], family: tf[1], optional: acceptsUndefined[name]}
	switch name {
	case "object", "strictObject", "looseObject":
		z.setShape(argAt(vals, 0))
	case "array", "set":
		if a := argAt(vals, 0); a.kind == vZod {
			z.items = a.zod
		}
	case "map":
		z.items = &zschema{typ: "array"} // [key, value] entries
	case "tuple":
		if a := argAt(vals, 0); a.kind == vArray {
			for _, e := range a.elems {
				if e.kind == vZod {
					z.branches = append(z.branches, e.zod)
				}
			}
		}
	case "enum", "nativeEnum":
		z.enum, z.typ = enumValues(argAt(vals, 0))
	case "literal":
		if j, ok := toJSON(argAt(vals, 0), 0); ok {
			z.lit = []any{j}
			z.typ = jsonType(j)
			if s, ok := j.(string); ok {
				z.other = append(z.other, strv(s).at(argAt(vals, 0)))
			}
		}
	case "union", "xor":
		return zodUnion(argAt(vals, 0))
	case "discriminatedUnion":
		if a := argAt(vals, 0); a.kind == vArray {
			return zodUnion(a)
		}
		return zodUnion(argAt(vals, 1))
	case "intersection":
		return zodMethod(argAt(vals, 0), "and", vals[min(1, len(vals)):], nil)
	case "optional", "nullable", "nullish":
		if a := argAt(vals, 0); a.kind == vZod {
			return zodMethod(a, name, nil, nil)
		}
	case "preprocess":
		if a := argAt(vals, 1); a.kind == vZod {
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

// at gives v the position of from.
func (v *value) at(from *value) *value {
	v.n, v.m = from.n, from.m
	return v
}

// jsonType is the JSON Schema type of a JSON value.
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

// typeList joins JSON Schema types as surface.ParseLive writes a type
// array: distinct, sorted, comma-separated.
func typeList(ts ...string) string {
	var out []string
	for _, t := range ts {
		for _, p := range strings.Split(t, ",") {
			if p != "" && !contains(out, p) {
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return strings.Join(out, ",")
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
	var types []string
	for _, e := range vals {
		j, ok := toJSON(e, 0)
		if !ok {
			continue
		}
		types = append(types, jsonType(j))
		out = append(out, j)
	}
	if len(types) == 0 {
		return out, "string"
	}
	return out, typeList(types...)
}

// zodUnion follows zod-to-json-schema's union: primitives without checks
// make a type list, literals an enum, enums one enum; anything else is an
// anyOf, which reads as its only non-null branch if it has one.
func zodUnion(opts *value) *value {
	if opts.kind != vArray || len(opts.elems) == 0 {
		return &value{kind: vZod, zod: &zschema{unknown: "union of " + why(opts, opts.n)}}
	}
	var zs []*zschema
	for _, o := range opts.elems {
		if o.kind != vZod {
			return &value{kind: vZod, zod: &zschema{unknown: "union member " + why(o, o.n)}}
		}
		zs = append(zs, o.zod)
	}
	all := func(f func(z *zschema) bool) bool {
		for _, z := range zs {
			if !f(z) {
				return false
			}
		}
		return true
	}
	out := &zschema{}
	switch {
	case all(func(z *zschema) bool { return primitive[z.family] && !z.checks }):
		var ts []string
		for _, z := range zs {
			ts = append(ts, z.typ)
		}
		out.typ = typeList(ts...)
	case all(func(z *zschema) bool { return z.family == "literal" && z.desc == nil && len(z.lit) == 1 }):
		var ts []string
		for _, z := range zs {
			ts = append(ts, jsonType(z.lit[0]))
			if !containsAny(out.enum, z.lit[0]) {
				out.enum = append(out.enum, z.lit[0])
			}
		}
		out.typ = typeList(ts...)
	case all(func(z *zschema) bool { return z.family == "enum" }):
		out.typ = "string"
		for _, z := range zs {
			for _, e := range z.enum {
				if !containsAny(out.enum, e) {
					out.enum = append(out.enum, e)
				}
			}
		}
	default:
		var rest []*zschema
		for _, z := range zs {
			if z.typ != "null" {
				rest = append(rest, z)
			}
		}
		if len(rest) == 1 {
			return &value{kind: vZod, zod: rest[0].clone()}
		}
		out.branches = zs
	}
	return &value{kind: vZod, zod: out}
}

func containsAny(xs []any, x any) bool {
	for _, e := range xs {
		if e == x {
			return true
		}
	}
	return false
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
				pv = &value{kind: vZod, zod: p.s, n: p.v.n, m: p.v.m}
			}
			o.set(p.name, pv)
		}
		return o
	case "element":
		if z.items != nil {
			return &value{kind: vZod, zod: z.items}
		}
	}
	return unk("." + key + " of a zod schema")
}

// structural are zod methods that neither wrap the schema nor add a check.
var structural = map[string]bool{
	"describe": true, "meta": true, "strict": true, "passthrough": true, "strip": true, "catchall": true,
	"nonstrict": true,
}

// zodMethod evaluates schema.<name>(args).
func zodMethod(v *value, name string, vals []*value, nodes []*treesitter.Node) *value {
	if v.kind != vZod {
		return unk("."+name+"() on "+why(v, v.n), v)
	}
	c := v.zod.clone()
	if c.n == nil {
		c.n, c.m = v.n, v.m
	}
	switch name {
	case "describe":
		c.desc = argAt(vals, 0)
	case "meta":
		m := argAt(vals, 0)
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
	case "optional", "exactOptional":
		c.optional = true
	case "nullable", "nullish":
		// A nullable primitive without checks becomes a type list; any
		// other nullable is anyOf [X, null], which reads as X.
		if primitive[c.family] && !c.checks {
			c.typ = typeList(c.typ, "null")
		}
		c.optional = c.optional || name == "nullish"
	case "default", "prefault":
		c.def, _ = toJSON(argAt(vals, 0), 0)
		c.hasDef = true
		c.optional = true
	case "removeDefault", "unwrap", "nonoptional":
		c.optional, c.hasDef, c.def = false, false, nil
	case "int", "safe":
		if c.typ == "number" {
			c.typ = "integer"
		}
		c.checks = true
	case "array":
		return &value{kind: vZod, zod: &zschema{typ: "array", family: "array", items: v.zod, n: c.n, m: c.m}}
	case "or":
		return zodUnion(&value{kind: vArray, elems: []*value{v, argAt(vals, 0)}})
	case "and":
		return &value{kind: vZod, zod: &zschema{branches: []*zschema{v.zod, zodOf(argAt(vals, 0))}, n: c.n, m: c.m}}
	case "extend", "merge", "safeExtend":
		add := &zschema{}
		add.setShape(argAt(vals, 0))
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
		keys := argAt(vals, 0)
		var ps []zprop
		for _, p := range c.props {
			if (keys.get(p.name) != nil) == (name == "pick") {
				ps = append(ps, p)
			}
		}
		c.props = ps
	case "partial", "required":
		keys := argAt(vals, 0)
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
		e := &zschema{typ: "string", family: "enum", n: c.n, m: c.m}
		for _, p := range c.props {
			e.enum = append(e.enum, p.name)
		}
		return &value{kind: vZod, zod: e}
	case "regex":
		if len(nodes) > 0 && nodes[0].Type() == "regex" {
			c.other = append(c.other, &value{kind: vString, str: text(nodes[0].Field("pattern")), n: nodes[0], m: v.m})
		}
		c.checks = true
	case "parse", "safeParse", "parseAsync", "safeParseAsync", "spa", "encode", "decode":
		return unk("result of ." + name + "()")
	default:
		// refine, transform, pipe, brand, catch, readonly wrap the schema
		// (their JSON Schema is the input's); min, max, email… are checks.
		// Either way zod-to-json-schema no longer folds it into a type list.
		c.checks = true
	}
	if !structural[name] && name != "int" && name != "safe" && name != "regex" {
		c.family = "" // a wrapper (ZodOptional, ZodDefault, ZodEffects…)
	}
	if name == "extend" || name == "merge" || name == "safeExtend" || name == "pick" || name == "omit" ||
		name == "partial" || name == "required" {
		c.family = "object"
	}
	return &value{kind: vZod, zod: c, n: v.n, m: v.m}
}

// zodOf is a value's schema, or an unknown one.
func zodOf(v *value) *zschema {
	if v.kind == vZod {
		return v.zod
	}
	return &zschema{unknown: why(v, v.n)}
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
