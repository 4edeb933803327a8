package jsts

import (
	"encoding/json"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/lang/treesitter"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// vkind is the kind of a statically evaluated JavaScript value.
type vkind uint8

const (
	vUnknown vkind = iota
	vString
	vNumber
	vBool
	vNull
	vUndef
	vArray
	vObject
	vFunc
	vZod    // a zod schema
	vZodNS  // the zod namespace: z, import_zod, import_zod.z
	vZodFn  // a zod constructor taken as a value: (0, import_zod.string)
	vModule // a workspace module's namespace
	vGlobal // a builtin or package object by name: "process.env", "path.join"
	vPath   // a workspace path (from __dirname, import.meta.url, new URL)
)

// value is a statically evaluated value. Values are immutable once built:
// memoised values are shared.
type value struct {
	kind    vkind
	str     string // string text with ${…} holes when partial; vZodFn, vGlobal name; vPath path
	partial bool
	why     string // why unknown, or what the holes of a partial string are
	num     float64
	b       bool
	elems   []*value
	keys    []string
	props   map[string]*value
	open    bool // an array/object with an unresolvable spread
	fn      *fnRef
	zod     *zschema
	mod     *module
	rt      []string // run-time sources (process.env.X, Date, fs.existsSync, …)
	dyn     string   // "loop" or "param": depends on a loop variable or parameter
	n       *treesitter.Node
	m       *module
}

type fnRef struct {
	node *treesitter.Node
	m    *module
	sc   *scope
}

// inherit merges the run-time sources and dependencies of vs into v.
func (v *value) inherit(vs ...*value) *value {
	for _, o := range vs {
		if o == nil {
			continue
		}
		for _, r := range o.rt {
			if !contains(v.rt, r) {
				v.rt = append(v.rt, r)
			}
		}
		if v.dyn == "" {
			v.dyn = o.dyn
		}
	}
	return v
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// unk is an unknown value, with why and the run-time sources of from.
func unk(why string, from ...*value) *value {
	return (&value{kind: vUnknown, why: clip(why, maxWhy)}).inherit(from...)
}

// maxWhy bounds reasons, which nest as values combine.
const maxWhy = 300

// joinWhy joins distinct reasons.
func joinWhy(whys []string) string {
	var out []string
	for _, w := range whys {
		if !contains(out, w) {
			out = append(out, w)
		}
	}
	return clip(strings.Join(out, "; "), maxWhy)
}

// argAt is the i-th argument of a call, undefined when absent.
func argAt(vals []*value, i int) *value {
	if i < len(vals) {
		return vals[i]
	}
	return &value{kind: vUndef}
}

// strv is a resolved string.
func strv(s string) *value { return &value{kind: vString, str: s} }

// runtime marks an unknown value computed from a run-time source.
func runtime(src, why string, from ...*value) *value {
	v := unk(why, from...)
	if !contains(v.rt, src) {
		v.rt = append(v.rt, src)
	}
	return v
}

// absent reports undefined, null or a missing value: an omitted field.
func (v *value) absent() bool { return v == nil || v.kind == vUndef || v.kind == vNull }

// scalar is the string form of a string, number, boolean, null or undefined.
func (v *value) scalar() (string, bool) {
	switch v.kind {
	case vString:
		return v.str, true
	case vNumber:
		return jsNumber(v.num), true
	case vBool:
		if v.b {
			return "true", true
		}
		return "false", true
	case vNull:
		return "null", true
	case vUndef:
		return "undefined", true
	}
	return "", false
}

// truthy returns the value's truthiness, if known.
func (v *value) truthy() (bool, bool) {
	switch v.kind {
	case vString:
		if v.partial {
			return true, v.str != ""
		}
		return v.str != "", true
	case vNumber:
		return v.num != 0 && v.num == v.num, true
	case vBool:
		return v.b, true
	case vNull, vUndef:
		return false, true
	case vArray, vObject, vFunc, vZod, vZodNS, vZodFn, vModule, vPath:
		return true, true
	}
	return false, false
}

// get is a property of an object value, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.kind != vObject {
		return nil
	}
	return v.props[key]
}

// set adds or replaces a property, keeping the first insertion order.
func (v *value) set(key string, p *value) {
	if _, ok := v.props[key]; !ok {
		if len(v.keys) >= maxElems {
			v.open = true
			return
		}
		v.keys = append(v.keys, key)
	}
	v.props[key] = p
}

func newObject() *value { return &value{kind: vObject, props: map[string]*value{}} }

// toJSON converts a value to a JSON value (string, float64, bool, nil,
// []any, map[string]any); ok is false when any part is not static.
func toJSON(v *value, depth int) (any, bool) {
	if v == nil || depth > 32 {
		return nil, false
	}
	switch v.kind {
	case vString:
		return v.str, !v.partial
	case vNumber:
		return v.num, true
	case vBool:
		return v.b, true
	case vNull, vUndef:
		return nil, true
	case vArray:
		out := make([]any, 0, len(v.elems))
		ok := !v.open
		for _, e := range v.elems {
			j, eok := toJSON(e, depth+1)
			ok = ok && eok
			out = append(out, j)
		}
		return out, ok
	case vObject:
		out := make(map[string]any, len(v.keys))
		ok := !v.open
		for _, k := range v.keys {
			j, eok := toJSON(v.props[k], depth+1)
			ok = ok && eok
			out[k] = j
		}
		return out, ok
	}
	return nil, false
}

// fromJSON converts decoded JSON into a value, keeping object key order
// from the source text.
func fromJSON(data []byte) *value {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	v, err := decodeJSON(dec, 0)
	if err != nil {
		return unk("invalid JSON: " + clip(err.Error(), 80))
	}
	return v
}

func decodeJSON(dec *json.Decoder, depth int) (*value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth > 64 {
			return nil, errTooDeep
		}
		switch t {
		case '{':
			o := newObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeJSON(dec, depth+1)
				if err != nil {
					return nil, err
				}
				o.set(k, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := &value{kind: vArray}
			for dec.More() {
				v, err := decodeJSON(dec, depth+1)
				if err != nil {
					return nil, err
				}
				if len(a.elems) < maxElems {
					a.elems = append(a.elems, v)
				}
			}
			_, err := dec.Token()
			return a, err
		}
	case string:
		return strv(t), nil
	case json.Number:
		f, _ := t.Float64()
		return &value{kind: vNumber, num: f}, nil
	case bool:
		return &value{kind: vBool, b: t}, nil
	case nil:
		return &value{kind: vNull}, nil
	}
	return nil, errTooDeep
}

type jsonErr string

func (e jsonErr) Error() string { return string(e) }

const errTooDeep = jsonErr("nested too deeply")

// text converts a value into a surface text at the value's position.
func (x *extractor) text(v *value) surface.Text {
	t := surface.Text{Pos: x.posOf(v)}
	switch {
	case v.kind == vString && v.partial:
		t.Value, t.Resolution, t.Reason = v.str, surface.Partial, v.why
	case v.kind == vString || v.kind == vNumber || v.kind == vBool:
		t.Value, _ = v.scalar()
		t.Resolution = surface.Resolved
	default:
		t.Resolution = surface.Unresolved
		t.Reason = v.why
		if t.Reason == "" {
			t.Reason = "not a string"
		}
	}
	return t
}

// posOf is where a value comes from.
func (x *extractor) posOf(v *value) (p analysis.Position) {
	if v == nil || v.m == nil {
		return p
	}
	return v.m.pos(v.n)
}
