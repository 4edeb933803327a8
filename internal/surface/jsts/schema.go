package jsts

import (
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// schema converts a zod schema, a zod raw shape (when shape is set: the
// McpServer and fastmcp forms) or a JSON Schema literal.
func (cv *conv) schema(field string, v *value, shape bool) *surface.Schema {
	switch {
	case v.absent():
		return nil
	case v.kind == vZod:
		return cv.zod(field, v.zod, v, 0)
	case v.kind == vObject && shape && !looksJSONSchema(v):
		z := &zschema{typ: "object"}
		z.setShape(v)
		return cv.zod(field, z, v, 0)
	case v.kind == vObject:
		return cv.json(field, v, 0)
	}
	cv.note(field, cv.x.text(v), v)
	return nil
}

// looksJSONSchema tells a literal JSON Schema from a raw shape: a string
// "type" or an object of plain "properties".
func looksJSONSchema(v *value) bool {
	if t := v.get("type"); t != nil && t.kind == vString {
		return true
	}
	p := v.get("properties")
	if p == nil || p.kind != vObject {
		return false
	}
	for _, k := range p.keys {
		if p.props[k].kind == vZod {
			return false
		}
	}
	return true
}

// pos is where a schema is written.
func (cv *conv) pos(z *zschema, v *value) analysis.Position {
	if z != nil && z.m != nil {
		return z.m.pos(z.n)
	}
	return cv.x.posOf(v)
}

// zod converts a zod schema; a property whose schema could not be read
// keeps its name and gets an unresolved description saying why.
func (cv *conv) zod(field string, z *zschema, v *value, depth int) *surface.Schema {
	s := &surface.Schema{Type: z.typ, Enum: z.enum, Default: z.def, HasDefault: z.hasDef,
		Examples: z.examples, Pos: cv.pos(z, v)}
	if depth > 32 {
		return s
	}
	if z.desc != nil && !z.desc.absent() {
		t := cv.text(field+".description", z.desc)
		s.Description = &t
	}
	if z.title != nil && !z.title.absent() {
		t := cv.text(field+".title", z.title)
		s.Title = &t
	}
	for _, o := range z.other {
		s.Other = append(s.Other, cv.text(field, o))
	}
	if z.unknown != "" {
		cv.note(field, surface.Text{Resolution: surface.Partial, Reason: "schema " + z.unknown}, nil)
	}
	for _, p := range z.props {
		f := field + "." + p.name
		pr := &surface.Prop{Name: surface.Lit(p.name, cv.x.posOf(p.v)), Required: true}
		if p.s != nil {
			pr.Schema = cv.zod(f, p.s, p.v, depth+1)
			pr.Required = !p.s.optional
		} else {
			t := cv.x.text(p.v)
			if t.Resolution == surface.Resolved {
				t = surface.Text{Resolution: surface.Unresolved, Reason: "not a schema: " + short(p.v.n), Pos: t.Pos}
			}
			cv.note(f, t, p.v)
			pr.Schema = &surface.Schema{Description: &t, Pos: t.Pos}
		}
		s.Properties = append(s.Properties, pr)
	}
	if z.items != nil {
		s.Items = cv.zod(field+"[]", z.items, v, depth+1)
	}
	for _, b := range z.branches {
		// anyOf/allOf members have no place in the model but their texts
		// reach the model all the same.
		schemaTexts(cv.zod(field, b, v, depth+1), &s.Other, depth)
	}
	return s
}

// schemaTexts collects every text of a schema: descriptions, titles,
// property names and other strings.
func schemaTexts(s *surface.Schema, out *[]surface.Text, depth int) {
	if s == nil || depth > 32 {
		return
	}
	for _, t := range []*surface.Text{s.Title, s.Description} {
		if t != nil {
			*out = append(*out, *t)
		}
	}
	*out = append(*out, s.Other...)
	for _, p := range s.Properties {
		*out = append(*out, p.Name)
		schemaTexts(p.Schema, out, depth+1)
	}
	schemaTexts(s.Items, out, depth+1)
}

// json converts a JSON Schema literal as surface.ParseJSONSchema reads a
// live one (type lists, local $ref, single-branch allOf/anyOf/oneOf), so
// that pins agree; every string under a keyword it does not model goes to
// Other, so that no model-visible text is lost.
func (cv *conv) json(field string, v *value, depth int) *surface.Schema {
	return cv.jsonAt(field, v, v, depth)
}

func (cv *conv) jsonAt(field string, root, v *value, depth int) *surface.Schema {
	if v.kind == vZod {
		return cv.zod(field, v.zod, v, depth)
	}
	v = flattenSchema(root, v, 0)
	if v.kind != vObject {
		t := cv.x.text(v)
		if t.Resolution == surface.Resolved {
			t = surface.Text{Resolution: surface.Unresolved, Reason: "not a schema", Pos: t.Pos}
		}
		cv.note(field, t, v)
		return &surface.Schema{Description: &t, Pos: t.Pos}
	}
	s := &surface.Schema{Pos: cv.x.posOf(v)}
	if depth > 32 {
		return s
	}
	if v.open {
		cv.note(field, surface.Text{Resolution: surface.Partial, Reason: "schema with a computed part"}, v)
	}
	var required []string
	for _, k := range v.keys {
		p := v.props[k]
		switch k {
		case "type":
			switch {
			case p.kind == vString:
				s.Type = p.str
			case p.kind == vArray:
				var ts []string
				for _, e := range p.elems {
					if e.kind == vString {
						ts = append(ts, e.str)
					}
				}
				s.Type = typeList(ts...)
			}
		case "description":
			t := cv.text(field+".description", p)
			s.Description = &t
		case "title":
			t := cv.text(field+".title", p)
			s.Title = &t
		case "enum":
			if j, _ := toJSON(p, 0); j != nil {
				s.Enum, _ = j.([]any)
			}
			cv.strings(field+".enum", p, nil, depth)
		case "default":
			s.Default, _ = toJSON(p, 0)
			s.HasDefault = true
		case "examples":
			if j, _ := toJSON(p, 0); j != nil {
				s.Examples, _ = j.([]any)
			}
		case "properties":
			if p.kind != vObject {
				cv.note(field+".properties", cv.x.text(p), p)
				continue
			}
			for _, pk := range p.keys {
				pv := p.props[pk]
				s.Properties = append(s.Properties, &surface.Prop{Name: surface.Lit(pk, cv.x.posOf(pv)),
					Schema: cv.jsonAt(field+"."+pk, root, pv, depth+1)})
			}
		case "required":
			if p.kind == vArray {
				for _, e := range p.elems {
					if e.kind == vString {
						required = append(required, e.str)
					}
				}
			}
		case "items":
			if p.kind == vArray { // tuple items: texts only, as the live reader
				cv.strings(field+".items", p, &s.Other, depth)
				continue
			}
			s.Items = cv.jsonAt(field+"[]", root, p, depth+1)
		default:
			cv.strings(field+"."+k, p, &s.Other, depth)
		}
	}
	for _, pr := range s.Properties {
		pr.Required = contains(required, pr.Name.Value)
	}
	return s
}

// strings collects the strings of a value into out (when out is set), and
// notes the parts that are not static.
func (cv *conv) strings(field string, v *value, out *[]surface.Text, depth int) {
	if depth > 32 {
		return
	}
	switch v.kind {
	case vString:
		if out != nil {
			*out = append(*out, cv.text(field, v))
		} else {
			cv.text(field, v)
		}
	case vArray:
		for _, e := range v.elems {
			cv.strings(field, e, out, depth+1)
		}
	case vObject:
		for _, k := range v.keys {
			cv.strings(field+"."+k, v.props[k], out, depth+1)
		}
	case vZod:
		if out != nil {
			s := cv.zod(field, v.zod, v, depth+1)
			if s.Description != nil {
				*out = append(*out, *s.Description)
			}
		}
	case vUnknown:
		t := cv.text(field, v)
		if out != nil {
			*out = append(*out, t)
		}
	}
}

// flattenSchema merges a schema's local $ref target, single allOf member
// or single non-null anyOf/oneOf branch under its own keys, as
// surface.ParseJSONSchema does.
func flattenSchema(root, v *value, depth int) *value {
	if v.kind != vObject || depth > 16 {
		return v
	}
	var base *value
	if ref := v.get("$ref"); ref != nil && ref.kind == vString {
		for _, prefix := range []string{"#/$defs/", "#/definitions/"} {
			if name, ok := strings.CutPrefix(ref.str, prefix); ok {
				base = root.get(strings.Trim(prefix[1:], "/")).get(name)
			}
		}
	}
	if all := v.get("allOf"); base == nil && all != nil && all.kind == vArray && len(all.elems) == 1 {
		base = all.elems[0]
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		bs := v.get(k)
		if base != nil || bs == nil || bs.kind != vArray {
			continue
		}
		var rest []*value
		for _, b := range bs.elems {
			if t := b.get("type"); b.kind == vObject && (t == nil || t.kind != vString || t.str != "null") {
				rest = append(rest, b)
			}
		}
		if len(rest) == 1 {
			base = rest[0]
		}
	}
	if base == nil || base.kind != vObject {
		return v
	}
	merged := newObject()
	merged.n, merged.m, merged.open = v.n, v.m, v.open || base.open
	b := flattenSchema(root, base, depth+1)
	for _, k := range b.keys {
		merged.set(k, b.props[k])
	}
	for _, k := range v.keys {
		switch k {
		case "$ref", "allOf", "anyOf", "oneOf":
			continue
		}
		merged.set(k, v.props[k])
	}
	return merged
}
