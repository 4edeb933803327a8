package golang

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/constant"
	"reflect"
	"strconv"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// jkind is the kind of a JSON value.
type jkind int

const (
	jUnknown jkind = iota
	jNull
	jBool
	jNumber
	jString
	jArray
	jObject
)

// jval is a JSON value recovered from a Go literal (map, slice or struct
// literal) or parsed from JSON text, keeping every string's provenance.
type jval struct {
	kind jkind
	text surface.Text // jString: the value; jUnknown: why
	num  float64
	b    bool
	keys []surface.Text // jObject, in order
	vals []*jval
	pos  analysis.Position
}

func junknown(pos analysis.Position, reason string) *jval {
	return &jval{kind: jUnknown, pos: pos, text: surface.Text{Resolution: surface.Unresolved, Reason: reason, Pos: pos}}
}

// schemaKeywords maps jsonschema.Schema (and mcp-go ToolInputSchema) field
// names to keywords where lowering the first letter is not enough.
var schemaKeywords = map[string]string{
	"Types": "type", "Defs": "$defs", "Ref": "$ref", "ID": "$id", "Schema": "$schema",
	"Comment": "$comment", "Anchor": "$anchor", "DynamicRef": "$dynamicRef", "DynamicAnchor": "$dynamicAnchor",
}

// jvalOf recovers the JSON value of a Go expression. raw says that a string
// is JSON text to parse (WithRawInputSchema, json.RawMessage).
func (x *extractor) jvalOf(b *builder, label string, fl flow, raw bool, depth int) *jval {
	flows := x.followFlow(fl)
	if len(flows) == 0 || flows[0].e == nil || depth > maxDepth {
		return junknown(analysis.Position{}, "not found")
	}
	v := flows[0]
	f := v.fr.f
	pos := x.pos(f, v.e)
	switch e := v.e.(type) {
	case *ast.CompositeLit:
		_, t := compositeOf(v)
		et, isMap := x.elemType(t, f)
		_, isArray := t.(*ast.ArrayType)
		if !isMap && !isArray && et != nil {
			isArray = true // a named slice type
		}
		j := &jval{pos: pos, kind: jObject}
		if isArray {
			j.kind = jArray
		}
		for _, el := range e.Elts {
			kv, keyed := el.(*ast.KeyValueExpr)
			if !keyed {
				if j.kind == jArray {
					j.vals = append(j.vals, x.jvalOf(b, label, flow{e: el, fr: v.fr, typ: et}, false, depth+1))
				}
				continue
			}
			if j.kind == jArray {
				j.vals = append(j.vals, x.jvalOf(b, label, flow{e: kv.Value, fr: v.fr, typ: et}, false, depth+1))
				continue
			}
			var key surface.Text
			if id, ok := kv.Key.(*ast.Ident); ok && !isMap {
				kw, ok := schemaKeywords[id.Name]
				if !ok {
					kw = lowerFirst(id.Name)
				}
				key = surface.Lit(kw, x.pos(f, id))
			} else {
				key, _ = x.text(kv.Key, v.fr)
			}
			j.keys = append(j.keys, key)
			j.vals = append(j.vals, x.jvalOf(b, label, flow{e: kv.Value, fr: v.fr, typ: et}, false, depth+1))
		}
		return j
	case *ast.CallExpr:
		if x.isConversion(e.Fun, f) {
			if _, arr := e.Fun.(*ast.ArrayType); arr || isSelector(e.Fun, "encoding/json", "RawMessage", f) {
				raw = true
			}
		}
	case *ast.Ident:
		if e.Name == "nil" && f.uses[e] == nil {
			return &jval{kind: jNull, pos: pos}
		}
	}
	t, val := x.text(v.e, v.fr)
	for _, u := range val.runtime {
		b.runtime = append(b.runtime, labeledUse{label: label, use: u})
	}
	if raw {
		if t.Resolution != surface.Resolved {
			return &jval{kind: jUnknown, pos: t.Pos, text: t}
		}
		return parseJSON(t, val.origin)
	}
	if val.c == nil {
		return &jval{kind: jUnknown, pos: t.Pos, text: t}
	}
	switch val.c.Kind() {
	case constant.String:
		return &jval{kind: jString, text: t, pos: t.Pos}
	case constant.Bool:
		return &jval{kind: jBool, b: constant.BoolVal(val.c), pos: pos}
	case constant.Int, constant.Float:
		if n, ok := jsonValue(val.c); ok {
			return &jval{kind: jNumber, num: n.(float64), pos: pos}
		}
	}
	return junknown(pos, "not a JSON value")
}

// parseJSON parses a JSON document. When the text maps byte for byte to a
// file (a raw string literal, an embedded file), every value gets its own
// position; otherwise all get the text's.
func parseJSON(t surface.Text, o *origin) *jval {
	if !json.Valid([]byte(t.Value)) {
		return junknown(t.Pos, "not valid JSON")
	}
	p := &jsonParser{s: t.Value, pos: func(int, int) analysis.Position { return t.Pos }}
	if o != nil && o.raw {
		p.pos = func(a, b int) analysis.Position { return o.t.position(o.start+a, o.start+b) }
	}
	return p.value(0)
}

// jsonParser reads JSON already checked with json.Valid, keeping offsets
// and object key order (which encoding/json's maps lose).
type jsonParser struct {
	s   string
	i   int
	pos func(start, end int) analysis.Position
}

func (p *jsonParser) ws() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *jsonParser) value(depth int) *jval {
	p.ws()
	start := p.i
	if p.i >= len(p.s) {
		return junknown(p.pos(start, start), "JSON value missing")
	}
	if depth > maxDepth {
		p.skip()
		return junknown(p.pos(start, p.i), "JSON nested too deeply")
	}
	switch c := p.s[p.i]; {
	case c == '{' || c == '[':
		j := &jval{kind: jArray}
		if c == '{' {
			j.kind = jObject
		}
		p.i++
		for {
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] == '}' || p.s[p.i] == ']' {
				p.i++
				break
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			if j.kind == jObject {
				k := p.value(depth + 1)
				j.keys = append(j.keys, k.text)
				p.ws()
				p.i++ // ':'
			}
			j.vals = append(j.vals, p.value(depth+1))
		}
		j.pos = p.pos(start, p.i)
		return j
	case c == '"':
		p.i++
		for p.i < len(p.s) && p.s[p.i] != '"' {
			if p.s[p.i] == '\\' {
				p.i++
			}
			p.i++
		}
		p.i++
		var s string
		_ = json.Unmarshal([]byte(p.s[start:min(p.i, len(p.s))]), &s) // valid by construction
		pos := p.pos(start, p.i)
		return &jval{kind: jString, text: surface.Lit(s, pos), pos: pos}
	case c == 't' || c == 'f' || c == 'n':
		for p.i < len(p.s) && p.s[p.i] >= 'a' && p.s[p.i] <= 'z' {
			p.i++
		}
		j := &jval{kind: jBool, b: c == 't', pos: p.pos(start, p.i)}
		if c == 'n' {
			j.kind = jNull
		}
		return j
	default:
		for p.i < len(p.s) && strings.IndexByte("+-0123456789.eE", p.s[p.i]) >= 0 {
			p.i++
		}
		n, _ := strconv.ParseFloat(p.s[start:p.i], 64)
		return &jval{kind: jNumber, num: n, pos: p.pos(start, p.i)}
	}
}

// skip moves past one value without building it.
func (p *jsonParser) skip() {
	nest := 0
	for ; p.i < len(p.s); p.i++ {
		switch p.s[p.i] {
		case '"':
			for p.i++; p.i < len(p.s) && p.s[p.i] != '"'; p.i++ {
				if p.s[p.i] == '\\' {
					p.i++
				}
			}
		case '{', '[':
			nest++
		case '}', ']':
			if nest == 0 {
				return // the enclosing value's end
			}
			if nest--; nest == 0 {
				p.i++
				return
			}
		case ',', ':':
			if nest == 0 {
				return
			}
		}
	}
}

// structuralKeywords are schema keywords whose name is not a text for the
// model; the strings inside their values still are.
var structuralKeywords = map[string]bool{
	"$schema": true, "$id": true, "$ref": true, "$defs": true, "definitions": true, "$comment": true,
	"$anchor": true, "$dynamicRef": true, "$dynamicAnchor": true, "$vocabulary": true,
	"const": true, "pattern": true, "format": true, "minimum": true, "maximum": true,
	"exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true, "minLength": true,
	"maxLength": true, "minItems": true, "maxItems": true, "uniqueItems": true, "minProperties": true,
	"maxProperties": true, "additionalProperties": true, "patternProperties": true, "propertyNames": true,
	"anyOf": true, "oneOf": true, "allOf": true, "not": true, "if": true, "then": true, "else": true,
	"contentMediaType": true, "contentEncoding": true, "deprecated": true, "readOnly": true,
	"writeOnly": true, "nullable": true, "additionalItems": true, "prefixItems": true, "contains": true,
	"dependentRequired": true, "dependentSchemas": true, "unevaluatedProperties": true, "unevaluatedItems": true,
}

// schemaFromJ turns a JSON value into the schema model.
func (x *extractor) schemaFromJ(b *builder, label string, j *jval) *surface.Schema {
	switch {
	case j == nil:
		return nil
	case j.kind == jUnknown:
		b.note(label, j.text)
		return nil
	case j.kind == jBool:
		return &surface.Schema{Pos: j.pos}
	case j.kind != jObject:
		b.fail(label, "not a JSON Schema object")
		return nil
	}
	s := &surface.Schema{Pos: j.pos}
	var required []string
	for i, k := range j.keys {
		v := j.vals[i]
		if k.Resolution != surface.Resolved {
			b.note(label+" keyword", k)
			continue
		}
		switch k.Value {
		case "type":
			s.Type = jtype(v)
		case "title":
			s.Title = x.jtext(b, label+" title", v)
		case "description":
			s.Description = x.jtext(b, label+" description", v)
		case "enum", "examples":
			var vals []any
			for _, e := range v.vals {
				vals = append(vals, x.jany(b, label+" "+k.Value, e, 0))
			}
			if k.Value == "enum" {
				s.Enum = vals
			} else {
				s.Examples = vals
			}
		case "default":
			s.Default, s.HasDefault = x.jany(b, label+" default", v, 0), true
		case "properties":
			s.Properties = x.propsFromJ(b, label, v)
		case "items":
			if v.kind == jArray && len(v.vals) > 0 {
				v = v.vals[0]
			}
			s.Items = x.schemaFromJ(b, label+" items", v)
		case "required":
			for _, e := range v.vals {
				if e.kind == jString {
					b.note(label+" required", e.text)
					required = append(required, e.text.Value)
				}
			}
		default:
			if !structuralKeywords[k.Value] {
				s.Other = append(s.Other, k)
			}
			s.Other = append(s.Other, x.jtexts(b, label+" "+k.Value, v, 0)...)
		}
	}
	for _, p := range s.Properties {
		for _, r := range required {
			p.Required = p.Required || r == p.Name.Value
		}
	}
	return s
}

// jtype reads "type": a string, or the first non-null type of a list.
func jtype(v *jval) string {
	if v.kind == jString {
		return v.text.Value
	}
	for _, e := range v.vals {
		if e.kind == jString && e.text.Value != "null" {
			return e.text.Value
		}
	}
	return ""
}

func (x *extractor) jtext(b *builder, label string, v *jval) *surface.Text {
	if v.kind != jString && v.kind != jUnknown {
		return nil
	}
	b.note(label, v.text)
	t := v.text
	return &t
}

// jany converts a JSON value to the model's any (strings, float64, bool,
// nil, []any, map[string]any), noting its strings.
func (x *extractor) jany(b *builder, label string, v *jval, depth int) any {
	if depth > maxDepth {
		return nil
	}
	switch v.kind {
	case jBool:
		return v.b
	case jNumber:
		return v.num
	case jString, jUnknown:
		b.note(label, v.text)
		if v.kind == jString {
			return v.text.Value
		}
	case jArray:
		out := []any{}
		for _, e := range v.vals {
			out = append(out, x.jany(b, label, e, depth+1))
		}
		return out
	case jObject:
		out := map[string]any{}
		for i, k := range v.keys {
			b.note(label, k)
			out[k.Value] = x.jany(b, label, v.vals[i], depth+1)
		}
		return out
	}
	return nil
}

// jtexts collects every string (object keys included) in a value.
func (x *extractor) jtexts(b *builder, label string, v *jval, depth int) []surface.Text {
	if depth > maxDepth {
		return nil
	}
	var out []surface.Text
	switch v.kind {
	case jString, jUnknown:
		b.note(label, v.text)
		if v.kind == jString {
			out = append(out, v.text)
		}
	case jArray, jObject:
		for i, e := range v.vals {
			if v.kind == jObject {
				b.note(label, v.keys[i])
				out = append(out, v.keys[i])
			}
			out = append(out, x.jtexts(b, label, e, depth+1)...)
		}
	}
	return out
}

// propsFromJ turns a "properties" object into properties.
func (x *extractor) propsFromJ(b *builder, label string, j *jval) []*surface.Prop {
	if j.kind != jObject {
		if j.kind == jUnknown {
			b.note(label+" properties", j.text)
		}
		return nil
	}
	var out []*surface.Prop
	for i, k := range j.keys {
		b.note("property name", k)
		out = append(out, &surface.Prop{Name: k, Schema: x.schemaFromJ(b, fmt.Sprintf("property %q", k.Value), j.vals[i])})
	}
	return out
}

// tagStyle says how struct tags describe properties.
type tagStyle int

const (
	// styleGoSDK is github.com/google/jsonschema-go: the whole jsonschema
	// tag is the description.
	styleGoSDK tagStyle = iota
	// styleMCPGo is mcp-go's WithInputSchema[T]: jsonschema_description, or
	// the comma-separated jsonschema tag (enum=, invopop's description=,
	// title=, default=, example=, required; other parts are description).
	styleMCPGo
)

// typeSchema infers the schema of a Go type as the SDKs' reflection does:
// exported fields named by their json tag, optional when omitempty or
// omitzero, pointers as their element type.
func (x *extractor) typeSchema(b *builder, label string, t ast.Expr, f *file, style tagStyle) *surface.Schema {
	return x.typeSchemaAt(b, label, t, f, style, 0, map[*ast.TypeSpec]bool{})
}

func basicType(name string) (string, bool) {
	switch name {
	case "string":
		return "string", true
	case "bool":
		return "boolean", true
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "byte", "rune":
		return "integer", true
	case "float32", "float64":
		return "number", true
	case "any", "error", "complex64", "complex128":
		return "", true
	}
	return "", false
}

// wellKnown are library types whose JSON form is not their Go structure.
var wellKnown = map[string]string{
	"time.Time": "string", "time.Duration": "integer", "encoding/json.RawMessage": "",
	"math/big.Int": "string", "math/big.Float": "string", "math/big.Rat": "string", "log/slog.Level": "string",
}

func (x *extractor) typeSchemaAt(b *builder, label string, t ast.Expr, f *file, style tagStyle, depth int, seen map[*ast.TypeSpec]bool) *surface.Schema {
	s := &surface.Schema{Pos: x.pos(f, t)}
	if depth > 16 {
		return s
	}
	named := func(td *typeDecl) *surface.Schema {
		if seen[td.spec] {
			s.Type = "object" // a recursive type
			return s
		}
		seen[td.spec] = true
		defer delete(seen, td.spec)
		inner := x.typeSchemaAt(b, label, td.spec.Type, td.f, style, depth+1, seen)
		inner.Pos = s.Pos
		return inner
	}
	switch v := t.(type) {
	case *ast.Ident:
		x.index(f.pkg)
		if td := f.pkg.types[v.Name]; td != nil {
			return named(td)
		}
		s.Type, _ = basicType(v.Name)
	case *ast.ParenExpr:
		return x.typeSchemaAt(b, label, v.X, f, style, depth+1, seen)
	case *ast.StarExpr:
		return x.typeSchemaAt(b, label, v.X, f, style, depth+1, seen)
	case *ast.IndexExpr:
		return x.typeSchemaAt(b, label, v.X, f, style, depth+1, seen)
	case *ast.IndexListExpr:
		return x.typeSchemaAt(b, label, v.X, f, style, depth+1, seen)
	case *ast.SelectorExpr:
		ip := f.importPath(v.X)
		if typ, ok := wellKnown[ip+"."+v.Sel.Name]; ok {
			s.Type = typ
			return s
		}
		if p := x.pkgByImport(ip); p != nil {
			x.index(p)
			if td := p.types[v.Sel.Name]; td != nil {
				return named(td)
			}
		}
		b.fail(label, fmt.Sprintf("type %s.%s is declared outside the workspace", defaultImportName(ip), v.Sel.Name))
	case *ast.ArrayType:
		s.Type = "array"
		s.Items = x.typeSchemaAt(b, label, v.Elt, f, style, depth+1, seen)
	case *ast.MapType:
		s.Type = "object"
	case *ast.StructType:
		s.Type = "object"
		x.structProps(b, v, f, style, depth, seen, s)
	}
	return s
}

// structOf resolves a type to the struct type it names.
func (x *extractor) structOf(t ast.Expr, f *file) (*ast.StructType, *file) {
	st, sf, _ := x.structSpec(t, f)
	return st, sf
}

func (x *extractor) structSpec(t ast.Expr, f *file) (*ast.StructType, *file, *ast.TypeSpec) {
	var spec *ast.TypeSpec
	for range maxDepth {
		switch v := t.(type) {
		case *ast.StructType:
			return v, f, spec
		case *ast.StarExpr:
			t = v.X
		case *ast.ParenExpr:
			t = v.X
		case *ast.IndexExpr:
			t = v.X
		case *ast.Ident:
			x.index(f.pkg)
			td := f.pkg.types[v.Name]
			if td == nil {
				return nil, nil, nil
			}
			t, f, spec = td.spec.Type, td.f, td.spec
		case *ast.SelectorExpr:
			p := x.pkgByImport(f.importPath(v.X))
			if p == nil {
				return nil, nil, nil
			}
			x.index(p)
			td := p.types[v.Sel.Name]
			if td == nil {
				return nil, nil, nil
			}
			t, f, spec = td.spec.Type, td.f, td.spec
		default:
			return nil, nil, nil
		}
	}
	return nil, nil, nil
}

// jsonField is how encoding/json names a struct field.
type jsonField struct {
	goName, name string
	explicit     bool // named by the json tag
	omit         bool // omitempty or omitzero
	fld          *ast.Field
	f            *file      // the file of the struct declaring it
	ident        *ast.Ident // nil for an embedded field
	tag          reflect.StructTag
}

// jsonFields lists the JSON fields of a struct type, embedded structs
// promoted, first name wins.
func (x *extractor) jsonFields(st *ast.StructType, f *file, depth int, seen map[*ast.TypeSpec]bool, out *[]jsonField) {
	if depth > 16 || st.Fields == nil {
		return
	}
	for _, fld := range st.Fields.List {
		var tag reflect.StructTag
		if fld.Tag != nil {
			if s, err := strconv.Unquote(fld.Tag.Value); err == nil {
				tag = reflect.StructTag(s)
			}
		}
		jt, hasJSON := tag.Lookup("json")
		name, opts, _ := strings.Cut(jt, ",")
		if hasJSON && name == "-" && opts == "" {
			continue
		}
		omit := false
		for o := range strings.SplitSeq(opts, ",") {
			omit = omit || o == "omitempty" || o == "omitzero"
		}
		mk := func(goName string, id *ast.Ident) {
			if !ast.IsExported(goName) {
				return
			}
			jf := jsonField{goName: goName, name: goName, explicit: name != "", omit: omit, fld: fld, f: f, ident: id, tag: tag}
			if name != "" {
				jf.name = name
			}
			for _, o := range *out {
				if o.name == jf.name {
					return
				}
			}
			*out = append(*out, jf)
		}
		if len(fld.Names) == 0 {
			if name == "" {
				if st2, f2, spec := x.structSpec(fld.Type, f); st2 != nil && (spec == nil || !seen[spec]) {
					if spec != nil {
						seen[spec] = true
					}
					x.jsonFields(st2, f2, depth+1, seen, out)
					if spec != nil {
						delete(seen, spec)
					}
					continue
				}
			}
			mk(baseTypeName(fld.Type), nil)
			continue
		}
		for _, n := range fld.Names {
			mk(n.Name, n)
		}
	}
}

// structProps adds the properties of a struct type to s.
func (x *extractor) structProps(b *builder, st *ast.StructType, f *file, style tagStyle, depth int, seen map[*ast.TypeSpec]bool, s *surface.Schema) {
	var fields []jsonField
	x.jsonFields(st, f, depth, seen, &fields)
	for _, jf := range fields {
		ff := jf.f
		namePos := x.pos(ff, jf.fld.Type)
		if jf.ident != nil {
			namePos = x.pos(ff, jf.ident)
		}
		if jf.explicit {
			namePos = x.tagValuePos(ff, jf.fld, "json")
		}
		p := &surface.Prop{Name: surface.Lit(jf.name, namePos), Required: !jf.omit}
		p.Schema = x.typeSchemaAt(b, fmt.Sprintf("property %q", jf.name), jf.fld.Type, ff, style, depth+1, seen)
		p.Schema.Pos = x.pos(ff, jf.fld)
		x.tagAnnotations(p, jf, ff, style)
		s.Properties = append(s.Properties, p)
	}
}

// tagAnnotations reads the description (and, for mcp-go, enum, title,
// default, examples and required) from a field's tags.
func (x *extractor) tagAnnotations(p *surface.Prop, jf jsonField, f *file, style tagStyle) {
	js, hasJS := jf.tag.Lookup("jsonschema")
	if style == styleGoSDK {
		if hasJS && js != "" {
			t := surface.Lit(js, x.tagValuePos(f, jf.fld, "jsonschema"))
			p.Schema.Description = &t
		}
		return
	}
	if d, ok := jf.tag.Lookup("jsonschema_description"); ok && strings.TrimSpace(d) != "" {
		t := surface.Lit(strings.TrimSpace(d), x.tagValuePos(f, jf.fld, "jsonschema_description"))
		p.Schema.Description = &t
	}
	if !hasJS {
		return
	}
	pos := x.tagValuePos(f, jf.fld, "jsonschema")
	var text []string
	for part := range strings.SplitSeq(js, ",") {
		part = strings.TrimSpace(part)
		k, v, kv := strings.Cut(part, "=")
		switch {
		case part == "":
		case part == "required":
			p.Required = true
		case kv && k == "enum":
			p.Schema.Enum = append(p.Schema.Enum, scalarFor(p.Schema.Type, v))
		case kv && k == "description":
			text = append(text, v)
		case kv && k == "title":
			t := surface.Lit(v, pos)
			p.Schema.Title = &t
		case kv && k == "default":
			p.Schema.Default, p.Schema.HasDefault = scalarFor(p.Schema.Type, v), true
		case kv && (k == "example" || k == "examples"):
			p.Schema.Examples = append(p.Schema.Examples, scalarFor(p.Schema.Type, v))
		case kv && strings.IndexFunc(k, func(r rune) bool { return r == ' ' }) < 0:
			// another keyword (minimum=, pattern=, …): not a description
		default:
			text = append(text, part)
		}
	}
	if len(text) > 0 && p.Schema.Description == nil {
		t := surface.Lit(strings.Join(text, ", "), pos)
		p.Schema.Description = &t
	}
}

// scalarFor parses a tag value as the property's JSON type.
func scalarFor(typ, v string) any {
	switch typ {
	case "integer", "number":
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			return n
		}
	case "boolean":
		if bv, err := strconv.ParseBool(v); err == nil {
			return bv
		}
	}
	return v
}

// tagValuePos is the position of key's value inside a field's tag literal,
// or of the whole tag when it cannot be mapped byte for byte.
func (x *extractor) tagValuePos(f *file, fld *ast.Field, key string) analysis.Position {
	if fld.Tag == nil {
		return x.pos(f, fld)
	}
	lit := fld.Tag.Value
	base := x.offset(fld.Tag.Pos())
	if strings.HasPrefix(lit, "`") {
		for i := 0; ; {
			j := strings.Index(lit[i:], key+`:"`)
			if j < 0 {
				break
			}
			j += i
			if j == 1 || lit[j-1] == ' ' || lit[j-1] == '\t' {
				start := j + len(key) + 2
				end := strings.IndexByte(lit[start:], '"')
				if end >= 0 && !strings.Contains(lit[start:start+end], `\`) {
					return f.position(base+start, base+start+end)
				}
				break
			}
			i = j + 1
		}
	}
	return x.pos(f, fld.Tag)
}
