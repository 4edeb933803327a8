package jsts

import (
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

func (cv *conv) pos(z *zschema, v *value) analysis.Position {
	if z != nil && z.m != nil {
		return z.m.pos(z.n)
	}
	return cv.x.posOf(v)
}

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
	return s
}

// json converts a JSON Schema literal; every string under a keyword it
// does not model goes to Other, so that no model-visible text is lost.
func (cv *conv) json(field string, v *value, depth int) *surface.Schema {
	if v.kind == vZod {
		return cv.zod(field, v.zod, v, depth)
	}
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
				for _, e := range p.elems {
					if e.kind == vString && e.str != "null" {
						s.Type = e.str
						break
					}
				}
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
					Schema: cv.json(field+"."+pk, pv, depth+1)})
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
			switch p.kind {
			case vArray:
				if len(p.elems) > 0 {
					s.Items = cv.json(field+"[]", p.elems[0], depth+1)
				}
			default:
				s.Items = cv.json(field+"[]", p, depth+1)
			}
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
