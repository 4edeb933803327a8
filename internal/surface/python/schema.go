package python

import (
	"fmt"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// collector gathers the resolution, reasons and run-time sources of the
// texts of one declaration (a tool, a prompt, a resource).
type collector struct {
	res     surface.Resolution
	reasons []string
	rts     []fieldRT
}

type fieldRT struct {
	field string
	rt    rtSource
}

func newCollector() *collector { return &collector{res: surface.Resolved} }

// text converts v to a Text of field, recording its resolution.
func (c *collector) text(field string, v *value, at analysis.Position) surface.Text {
	t := v.text(at)
	if t.Resolution != surface.Resolved {
		c.worsen(t.Resolution, field+": "+t.Reason)
	}
	for _, r := range v.rt {
		c.rts = append(c.rts, fieldRT{field, r})
	}
	return t
}

// textPtr is text for optional fields.
func (c *collector) textPtr(field string, v *value, at analysis.Position) *surface.Text {
	t := c.text(field, v, at)
	return &t
}

// missing records a part of the declaration that could not be folded at
// all (a schema that is not a literal): its texts are unknown.
func (c *collector) missing(field, reason string, rt ...rtSource) {
	c.worsen(surface.Partial, field+": "+reason)
	for _, r := range rt {
		c.rts = append(c.rts, fieldRT{field, r})
	}
}

func (c *collector) worsen(r surface.Resolution, reason string) {
	c.res = surface.Worse(r, c.res)
	for _, have := range c.reasons {
		if have == reason {
			return
		}
	}
	c.reasons = append(c.reasons, reason)
}

// flush reports the run-time sources of a declaration's texts.
func (x *extractor) flush(c *collector, owner string) {
	for _, f := range c.rts {
		x.indicate("runtime-metadata", fmt.Sprintf("%s of %s: computed at run time from %s", f.field, owner, f.rt.what), f.rt.pos)
	}
}

// schemaCtx builds JSON schemas the way pydantic would from type hints, or
// reads literal JSON Schema dicts.
type schemaCtx struct {
	x        *extractor
	fw       framework
	c        *collector
	visiting map[nodeKey]bool
}

// typeSchema is the schema of a type annotation. The bool reports a default
// given by an Annotated[…, Field(default=…)].
func (sc *schemaCtx) typeSchema(e *env, t *pnode, field string, depth int) (*surface.Schema, bool) {
	s := &surface.Schema{}
	if t == nil {
		return s, false
	}
	t = unwrapType(t)
	s.Pos = e.m.pos(t)
	if depth > maxDepth || !sc.x.alive() {
		return s, false
	}
	switch t.Type() {
	case "none":
		s.Type = "null"
	case "identifier", "attribute":
		return sc.named(e, t, nil, field, depth)
	case "generic_type":
		var head *pnode
		var params []*pnode
		for _, c := range namedNoComments(t) {
			switch c.Type() {
			case "type_parameter":
				params = namedNoComments(c)
			default:
				if head == nil {
					head = c
				}
			}
		}
		return sc.named(e, head, params, field, depth)
	case "subscript":
		var params []*pnode
		for i, c := range t.Children() {
			if t.FieldNameOfChild(i) == "subscript" {
				params = append(params, c)
			}
		}
		if len(params) == 1 && params[0].Type() == "tuple" {
			params = namedNoComments(params[0])
		}
		return sc.named(e, t.Field("value"), params, field, depth)
	case "union_type", "binary_operator":
		return sc.union(e, unionMembers(t), field, depth), false
	case "string":
		// A forward reference: "Model".
		if v := sc.x.eval(e, t, depth+1); v.k == kStr && isIdentifier(v.s) {
			if cls := sc.x.lookup(e, v.s, nil, depth+1); cls.k == kClass {
				return sc.classSchema(cls, field, depth+1), false
			}
		}
	}
	return s, false
}

// unwrapType strips the grammar's "type" wrapper.
func unwrapType(t *pnode) *pnode {
	for t != nil && t.Type() == "type" {
		cs := namedNoComments(t)
		if len(cs) != 1 {
			return t
		}
		t = cs[0]
	}
	return t
}

func unionMembers(t *pnode) []*pnode {
	t = unwrapType(t)
	if t.Type() == "union_type" || (t.Type() == "binary_operator" && t.Field("operator") != nil && t.Field("operator").Text() == "|") {
		var out []*pnode
		for _, c := range namedNoComments(t) {
			if c.Type() == "comment" || (!c.IsNamed()) {
				continue
			}
			out = append(out, unionMembers(c)...)
		}
		return out
	}
	return []*pnode{t}
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

var jsonTypes = map[string]string{
	"str": "string", "bytes": "string", "int": "integer", "float": "number", "bool": "boolean",
	"list": "array", "List": "array", "Sequence": "array", "MutableSequence": "array", "Iterable": "array",
	"Collection": "array", "set": "array", "Set": "array", "frozenset": "array", "FrozenSet": "array",
	"AbstractSet": "array", "MutableSet": "array", "tuple": "array", "Tuple": "array", "deque": "array",
	"dict": "object", "Dict": "object", "Mapping": "object", "MutableMapping": "object",
	"OrderedDict": "object", "defaultdict": "object",
	"NoneType": "null", "None": "null",
	"datetime": "string", "date": "string", "time": "string", "timedelta": "string", "UUID": "string",
	"Path": "string", "PurePath": "string", "PosixPath": "string", "EmailStr": "string", "HttpUrl": "string",
	"AnyUrl": "string", "AnyHttpUrl": "string", "SecretStr": "string", "constr": "string",
	"conint": "integer", "confloat": "number", "StrictStr": "string", "StrictInt": "integer",
	"StrictFloat": "number", "StrictBool": "boolean", "PositiveInt": "integer", "NonNegativeInt": "integer",
}

// named is the schema of a named type, possibly subscripted.
func (sc *schemaCtx) named(e *env, head *pnode, params []*pnode, field string, depth int) (*surface.Schema, bool) {
	s := &surface.Schema{}
	if head == nil {
		return s, false
	}
	s.Pos = e.m.pos(head)
	v := sc.x.eval(e, head, depth+1)
	if v.k == kClass {
		return sc.classSchema(v, field, depth+1), false
	}
	if len(params) == 0 && head.Type() == "identifier" {
		// A type alias: Priority = Literal["low", "high"].
		if ae, an := sc.x.aliasNode(e, head.Text(), depth+1); an != nil {
			switch an.Type() {
			case "subscript", "generic_type", "binary_operator", "attribute":
				return sc.typeSchema(ae, an, field, depth+1)
			}
		}
	}
	name := ""
	switch v.k {
	case kExternal:
		name = lastName(v.s)
	case kNone:
		name = "None"
	default:
		return s, false
	}
	switch name {
	case "Optional", "Required", "NotRequired", "ReadOnly", "Final":
		if len(params) > 0 {
			return sc.typeSchema(e, params[0], field, depth+1)
		}
	case "Union":
		return sc.union(e, params, field, depth), false
	case "Literal":
		return sc.literal(e, params, s, depth), false
	case "Annotated":
		if len(params) == 0 {
			return s, false
		}
		base, hasDef := sc.typeSchema(e, params[0], field, depth+1)
		for _, meta := range params[1:] {
			meta = unwrapType(meta)
			if fi := sc.fieldCall(e, meta, depth+1); fi != nil {
				hasDef = sc.applyField(base, fi, field) || hasDef
				continue
			}
			if meta.Type() == "string" || meta.Type() == "concatenated_string" {
				// jlowin fastmcp (≥2.11) reads a plain string as the
				// description; the official SDK ignores it.
				if sc.fw != fwOfficial && base.Description == nil {
					base.Description = sc.c.textPtr(field+".description", sc.x.eval(e, meta, depth+1), e.m.pos(meta))
				}
			}
		}
		return base, hasDef
	}
	s.Type = jsonTypes[name]
	if s.Type == "array" && len(params) > 0 {
		items := params
		if (name == "tuple" || name == "Tuple") && !(len(params) == 2 && unwrapType(params[1]).Type() == "ellipsis") {
			items = nil // a fixed tuple is prefixItems, not items
		}
		if len(items) > 0 {
			s.Items, _ = sc.typeSchema(e, items[0], field+"[]", depth+1)
		}
	}
	return s, false
}

// aliasNode finds the expression a name is assigned once, following imports,
// so that type aliases can be read as types.
func (x *extractor) aliasNode(e *env, name string, depth int) (*env, *pnode) {
	if depth > maxDepth {
		return nil, nil
	}
	for c := e; c != nil; c = c.parent {
		if _, ok := c.vars[name]; ok {
			return nil, nil
		}
		if c.sc != nil {
			if _, ok := c.sc.binds[name]; ok {
				return x.aliasIn(c, c.sc, name, depth)
			}
		}
	}
	return x.aliasIn(&env{m: e.m}, x.modScope(e.m), name, depth)
}

func (x *extractor) aliasIn(e *env, sc *scope, name string, depth int) (*env, *pnode) {
	bs := sc.binds[name]
	if len(bs) != 1 {
		return nil, nil
	}
	b := bs[0]
	switch b.kind {
	case bAssign:
		if b.elem < 0 {
			return e, b.node
		}
	case bImport:
		if b.attr != "" {
			if mv := x.importTarget(e.m, b); mv.k == kModule && mv.m != nil {
				return x.aliasIn(&env{m: mv.m}, x.modScope(mv.m), b.attr, depth+1)
			}
		}
	}
	return nil, nil
}

// union is the schema of Union[…]/X | Y: None members make it optional (not
// a type); one remaining member is that member's schema.
func (sc *schemaCtx) union(e *env, members []*pnode, field string, depth int) *surface.Schema {
	var rest []*pnode
	for _, m := range members {
		m = unwrapType(m)
		if m.Type() == "none" {
			continue
		}
		if v := sc.x.eval(e, m, depth+1); v.k == kNone || (v.k == kExternal && lastName(v.s) == "NoneType") {
			continue
		}
		rest = append(rest, m)
	}
	if len(rest) == 1 {
		s, _ := sc.typeSchema(e, rest[0], field, depth+1)
		return s
	}
	// anyOf: the members' own texts are still read for the surface.
	s := &surface.Schema{}
	if len(members) > 0 {
		s.Pos = e.m.pos(members[0])
	}
	for _, m := range rest {
		ms, _ := sc.typeSchema(e, m, field, depth+1)
		if ms.Description != nil {
			s.Other = append(s.Other, *ms.Description)
		}
	}
	return s
}

// literal is Literal[...]: an enum with the values' common type.
func (sc *schemaCtx) literal(e *env, params []*pnode, s *surface.Schema, depth int) *surface.Schema {
	types := map[string]bool{}
	for _, p := range params {
		p = unwrapType(p)
		v := sc.x.eval(e, p, depth+1)
		j, ok := jsonValue(v, 0)
		if !ok {
			sc.c.missing("enum", srcOf(p)+" is not a literal")
			continue
		}
		s.Enum = append(s.Enum, j)
		types[jsonTypeOf(v)] = true
	}
	if len(types) == 1 {
		for t := range types {
			s.Type = t
		}
	}
	return s
}

// jsonTypeOf is the JSON Schema type of a literal value.
func jsonTypeOf(v *value) string {
	switch v.k {
	case kStr:
		return "string"
	case kNum:
		if v.isInt {
			return "integer"
		}
		return "number"
	case kBool:
		return "boolean"
	case kNone:
		return "null"
	case kMember:
		if v.member != nil {
			return jsonTypeOf(v.member)
		}
	}
	return ""
}

// fieldInfo is what a pydantic Field(…) (or dataclasses.field) declares.
type fieldInfo struct {
	m               *module
	env             *env
	desc, title     *pnode
	def             *pnode // the default expression
	hasDefault      bool   // default or default_factory given
	examples, extra *pnode
	pattern, alias  *pnode
}

// fieldCall reads n as a Field(...) call, or returns nil.
func (sc *schemaCtx) fieldCall(e *env, n *pnode, depth int) *fieldInfo {
	if n == nil || n.Type() != "call" {
		return nil
	}
	fn := n.Field("function")
	if fn == nil {
		return nil
	}
	name := fn.Text()
	if fn.Type() == "attribute" && fn.Field("attribute") != nil {
		name = fn.Field("attribute").Text()
	}
	if name != "Field" && name != "field" {
		return nil
	}
	args := n.Field("arguments")
	fi := &fieldInfo{m: e.m, env: e}
	if pos := argNodes(args); len(pos) > 0 && name == "Field" {
		if pos[0].Type() != "ellipsis" {
			fi.def, fi.hasDefault = pos[0], true
		}
	}
	if d := kwargNode(args, "default"); d != nil && d.Type() != "ellipsis" {
		fi.def, fi.hasDefault = d, true
	}
	if kwargNode(args, "default_factory") != nil {
		fi.hasDefault = true
	}
	fi.desc = kwargNode(args, "description")
	fi.title = kwargNode(args, "title")
	fi.examples = kwargNode(args, "examples")
	fi.extra = kwargNode(args, "json_schema_extra")
	fi.alias = kwargNode(args, "alias")
	fi.pattern = kwargNode(args, "pattern")
	return fi
}

// applyField sets what a Field declares on s; it reports a default.
func (sc *schemaCtx) applyField(s *surface.Schema, fi *fieldInfo, field string) bool {
	x := sc.x
	if fi.desc != nil {
		s.Description = sc.c.textPtr(field+".description", x.eval(fi.env, fi.desc, 1), fi.m.pos(fi.desc))
	}
	if fi.title != nil {
		s.Title = sc.c.textPtr(field+".title", x.eval(fi.env, fi.title, 1), fi.m.pos(fi.title))
	}
	if fi.examples != nil {
		ev := x.eval(fi.env, fi.examples, 1)
		if j, ok := jsonValue(ev, 0); ok {
			if l, ok := j.([]any); ok {
				s.Examples = l
			}
		} else {
			sc.c.missing(field+".examples", srcOf(fi.examples)+" is not a literal", ev.rt...)
		}
	}
	if fi.extra != nil {
		sc.otherStrings(x.eval(fi.env, fi.extra, 1), field+".json_schema_extra", &s.Other, 0)
	}
	if fi.pattern != nil {
		s.Other = append(s.Other, sc.c.text(field+".pattern", x.eval(fi.env, fi.pattern, 1), fi.m.pos(fi.pattern)))
	}
	if fi.def != nil {
		dv := x.eval(fi.env, fi.def, 1)
		if j, ok := jsonValue(dv, 0); ok {
			s.Default, s.HasDefault = j, true
		}
	}
	return fi.hasDefault
}

// prop builds one property from a name, an annotation and a default
// expression, as pydantic does for a parameter or a model field.
func (sc *schemaCtx) prop(e *env, name string, nameNode, typ, def *pnode, field string, depth int) *surface.Prop {
	s, annotatedDefault := sc.typeSchema(e, typ, field, depth+1)
	if s.Pos.Path == "" {
		s.Pos = e.m.pos(nameNode)
	}
	required := def == nil && !annotatedDefault
	propName := name
	if def != nil {
		if fi := sc.fieldCall(e, def, depth+1); fi != nil {
			required = !sc.applyField(s, fi, field) && !annotatedDefault
			if fi.alias != nil {
				if a, ok := sc.x.eval(e, fi.alias, depth+1).resolvedStr(); ok {
					propName = a
				}
			}
		} else {
			dv := sc.x.eval(e, def, depth+1)
			if j, ok := jsonValue(dv, 0); ok {
				s.Default, s.HasDefault = j, true
			}
		}
	}
	return &surface.Prop{Name: surface.Lit(propName, e.m.pos(nameNode)), Required: required, Schema: s}
}

type classKind int

const (
	ckOther classKind = iota
	ckEnum
	ckModel // pydantic BaseModel
	ckTypedDict
	ckDataclass
	ckNamedTuple
)

// kindOf classifies a workspace class by its bases and decorators.
func (x *extractor) kindOf(cls *value, depth int) classKind {
	if depth > maxDepth {
		return ckOther
	}
	if p := cls.node.Parent(); p != nil && p.Type() == "decorated_definition" {
		for _, d := range namedNoComments(p) {
			if d.Type() == "decorator" && (lastName(stripCall(d)) == "dataclass") {
				return ckDataclass
			}
		}
	}
	for _, b := range x.bases(cls, depth) {
		switch b.k {
		case kClass:
			if k := x.kindOf(b, depth+1); k != ckOther {
				return k
			}
		case kExternal:
			switch lastName(b.s) {
			case "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag":
				return ckEnum
			case "BaseModel", "RootModel":
				return ckModel
			case "TypedDict":
				return ckTypedDict
			case "NamedTuple":
				return ckNamedTuple
			}
		}
	}
	return ckOther
}

// stripCall is the dotted callee of a decorator ("dataclasses.dataclass"
// for @dataclasses.dataclass(frozen=True)).
func stripCall(d *pnode) string {
	cs := namedNoComments(d)
	if len(cs) != 1 {
		return ""
	}
	n := cs[0]
	if n.Type() == "call" && n.Field("function") != nil {
		n = n.Field("function")
	}
	return n.Text()
}

// bases are the evaluated base classes of a workspace class.
func (x *extractor) bases(cls *value, depth int) []*value {
	sup := cls.node.Field("superclasses")
	if sup == nil {
		return nil
	}
	e := x.envAt(cls.m, cls.node)
	var out []*value
	for _, b := range argNodes(sup) {
		out = append(out, x.eval(e, b, depth+1))
	}
	return out
}

// classSchema is the schema pydantic builds for a class used as a type.
func (sc *schemaCtx) classSchema(cls *value, field string, depth int) *surface.Schema {
	s := &surface.Schema{Pos: cls.m.pos(cls.node)}
	k := keyOf(cls.m, cls.node)
	if depth > maxDepth || sc.visiting[k] {
		s.Type = "object"
		return s
	}
	if sc.visiting == nil {
		sc.visiting = map[nodeKey]bool{}
	}
	sc.visiting[k] = true
	defer delete(sc.visiting, k)
	x := sc.x
	kind := x.kindOf(cls, depth)
	if d := docNode(cls.node.Field("body")); d != nil && kind != ckOther {
		dv := mapText(x.docValue(cls.m, d), cleandoc)
		s.Description = sc.c.textPtr(field+".description", dv, cls.m.pos(d))
	}
	switch kind {
	case ckEnum:
		types := map[string]bool{}
		for _, mem := range x.enumMembers(cls, depth+1) {
			j, ok := jsonValue(mem, 0)
			if !ok {
				sc.c.missing(field+".enum", "an enum member of "+className(cls)+" is not a literal", mem.rt...)
				continue
			}
			s.Enum = append(s.Enum, j)
			types[jsonTypeOf(mem)] = true
		}
		if len(types) == 1 {
			for t := range types {
				s.Type = t
			}
		}
	case ckModel, ckTypedDict, ckDataclass, ckNamedTuple:
		s.Type = "object"
		total := true
		if sup := cls.node.Field("superclasses"); sup != nil {
			if t := kwargNode(sup, "total"); t != nil && t.Type() == "false" {
				total = false
			}
		}
		for _, f := range x.classFields(cls, depth+1) {
			fe := x.envAt(f.m, f.stmt)
			p := sc.prop(fe, f.name, f.nameNode, f.typ, f.value, field+"."+f.name, depth+1)
			if kind == ckTypedDict {
				p.Required = total
				switch headName(f.typ) {
				case "NotRequired":
					p.Required = false
				case "Required":
					p.Required = true
				}
			}
			s.Properties = append(s.Properties, p)
		}
	}
	return s
}

// headName is the last name of a subscripted annotation (NotRequired for
// NotRequired[int]).
func headName(t *pnode) string {
	t = unwrapType(t)
	if t == nil {
		return ""
	}
	switch t.Type() {
	case "generic_type":
		if cs := namedNoComments(t); len(cs) > 0 {
			return lastName(cs[0].Text())
		}
	case "subscript":
		if v := t.Field("value"); v != nil {
			return lastName(v.Text())
		}
	case "identifier", "attribute":
		return lastName(t.Text())
	}
	return ""
}

// classField is an annotated attribute of a class body.
type classField struct {
	m                    *module
	name                 string
	nameNode, typ, value *pnode
	stmt                 *pnode
}

// classFields are the annotated fields of a class and its workspace bases,
// bases first, as pydantic orders them.
func (x *extractor) classFields(cls *value, depth int) []classField {
	if depth > maxDepth {
		return nil
	}
	var out []classField
	put := func(f classField) {
		for i := range out {
			if out[i].name == f.name {
				out[i] = f
				return
			}
		}
		out = append(out, f)
	}
	bs := x.bases(cls, depth)
	for i := len(bs) - 1; i >= 0; i-- {
		if bs[i].k == kClass {
			for _, f := range x.classFields(bs[i], depth+1) {
				put(f)
			}
		}
	}
	body := cls.node.Field("body")
	if body == nil {
		return out
	}
	for _, st := range namedNoComments(body) {
		if st.Type() != "expression_statement" {
			continue
		}
		for _, a := range namedNoComments(st) {
			left, typ := a.Field("left"), a.Field("type")
			if a.Type() != "assignment" || left == nil || typ == nil || left.Type() != "identifier" {
				continue
			}
			name := left.Text()
			if name == "model_config" || strings.HasPrefix(name, "_") || name == "" || headName(typ) == "ClassVar" {
				continue
			}
			put(classField{m: cls.m, name: name, nameNode: left, typ: typ, value: a.Field("right"), stmt: a})
		}
	}
	return out
}

// enumMembers are the values of an Enum's members in order (auto() as
// Python numbers it: 1, 2, … or the lower-cased name for a StrEnum).
func (x *extractor) enumMembers(cls *value, depth int) []*value {
	var out []*value
	for _, name := range x.memberNames(cls) {
		out = append(out, x.classAttr(cls, name, depth+1))
	}
	return out
}

func (x *extractor) memberNames(cls *value) []string {
	var out []string
	body := cls.node.Field("body")
	if body == nil {
		return nil
	}
	for _, st := range namedNoComments(body) {
		if st.Type() != "expression_statement" {
			continue
		}
		for _, a := range namedNoComments(st) {
			if left := a.Field("left"); a.Type() == "assignment" && left != nil && left.Type() == "identifier" && a.Field("right") != nil && left.Text() != "" && !strings.HasPrefix(left.Text(), "_") {
				out = append(out, left.Text())
			}
		}
	}
	return out
}

// classAttr is Cls.name: an enum member, or a class constant, looked up in
// the class and its workspace bases.
func (x *extractor) classAttr(cls *value, name string, depth int) *value {
	if depth > maxDepth {
		return unknown(className(cls) + "." + name + " is nested too deeply")
	}
	body := cls.node.Field("body")
	var found *pnode
	if body != nil {
		for _, st := range namedNoComments(body) {
			if st.Type() != "expression_statement" {
				continue
			}
			for _, a := range namedNoComments(st) {
				if left := a.Field("left"); a.Type() == "assignment" && left != nil && left.Text() == name && a.Field("right") != nil {
					found = a.Field("right")
				}
			}
		}
	}
	if found == nil {
		for _, b := range x.bases(cls, depth) {
			if b.k == kClass {
				if v := x.classAttr(b, name, depth+1); v.k != kUnknown {
					return v
				}
			}
		}
		return unknown(className(cls) + "." + name + " is not defined in the class")
	}
	e := x.envAt(cls.m, cls.node)
	if x.kindOf(cls, depth) != ckEnum {
		return x.eval(e, found, depth+1)
	}
	var mv *value
	if found.Type() == "call" && found.Field("function") != nil && lastName(found.Field("function").Text()) == "auto" {
		mv = x.autoValue(cls, name, depth)
	} else {
		mv = x.eval(e, found, depth+1)
		if mv.k == kList && len(mv.items) > 0 { // RED = ("red", "Red colour")
			mv = mv.items[0]
		}
	}
	return &value{k: kMember, s: name, cls: cls, member: mv, m: cls.m, node: found}
}

// autoValue numbers auto() members as enum.Enum does.
func (x *extractor) autoValue(cls *value, name string, depth int) *value {
	for _, b := range x.bases(cls, depth) {
		if b.k == kExternal && lastName(b.s) == "StrEnum" {
			return strVal(toLower(name), cls.m.pos(cls.node))
		}
	}
	last := 0.0
	for _, n := range x.memberNames(cls) {
		if n == name {
			return &value{k: kNum, num: last + 1, isInt: true}
		}
		if v := x.classAttr(cls, n, depth+1); v.member != nil && v.member.k == kNum {
			last = v.member.num
		}
	}
	return unknown(name + " is not a member")
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// field is inst.name of a kept call: a keyword argument, or the positional
// argument at the field's place in a workspace dataclass or NamedTuple.
func (x *extractor) field(inst *value, name string, depth int) *value {
	args := inst.node.Field("arguments")
	if kw := kwargNode(args, name); kw != nil {
		return x.eval(inst.env, kw, depth+1)
	}
	if inst.cls != nil {
		pos := argNodes(args)
		for i, f := range x.classFields(inst.cls, depth+1) {
			if f.name != name {
				continue
			}
			if i < len(pos) {
				return x.eval(inst.env, pos[i], depth+1)
			}
			if f.value != nil {
				return x.eval(x.envAt(f.m, f.stmt), f.value, depth+1)
			}
		}
	}
	if inst.cls != nil {
		if fn := x.classMethod(inst.cls, name, depth+1); fn != nil {
			return fn // a bound method: obj.method
		}
	}
	return unknown(srcOf(inst.node) + "." + name + " is not folded")
}

// classMethod finds a def of a workspace class or of its workspace bases.
func (x *extractor) classMethod(cls *value, name string, depth int) *value {
	if depth > maxDepth {
		return nil
	}
	if body := cls.node.Field("body"); body != nil {
		for _, st := range namedNoComments(body) {
			def := st
			if st.Type() == "decorated_definition" {
				def = st.Field("definition")
			}
			if def != nil && def.Type() == "function_definition" && def.Field("name") != nil && def.Field("name").Text() == name {
				return &value{k: kFunc, m: cls.m, node: def}
			}
		}
	}
	for _, b := range x.bases(cls, depth) {
		if b.k == kClass {
			if fn := x.classMethod(b, name, depth+1); fn != nil {
				return fn
			}
		}
	}
	return nil
}

// schemaFromValue reads a literal JSON Schema (a folded dict), or the
// schema of a workspace model for Model.model_json_schema().
func (sc *schemaCtx) schemaFromValue(v *value, field string, depth int) *surface.Schema {
	if v.k == kSchema {
		return sc.classSchema(v.cls, field, depth+1)
	}
	if v.k != kDict {
		reason := v.reason
		if reason == "" {
			reason = "it is not a literal dict"
		}
		sc.c.missing(field, reason, v.rt...)
		return nil
	}
	if depth > maxDepth {
		sc.c.missing(field, "the schema is nested too deeply")
		return nil
	}
	s := &surface.Schema{}
	if v.m != nil && v.node != nil {
		s.Pos = v.m.pos(v.node)
	}
	at := s.Pos
	var required []string
	for i, kv := range v.keys {
		key, ok := kv.resolvedStr()
		if !ok {
			sc.c.missing(field, "a key is not a literal", kv.rt...)
			continue
		}
		val := v.items[i]
		switch key {
		case "type":
			if t, ok := val.resolvedStr(); ok {
				s.Type = t
			} else if val.k == kList {
				for _, it := range val.items {
					if t, ok := it.resolvedStr(); ok && t != "null" && s.Type == "" {
						s.Type = t
					}
				}
			}
		case "title":
			s.Title = sc.c.textPtr(field+".title", val, at)
		case "description":
			s.Description = sc.c.textPtr(field+".description", val, at)
		case "enum", "examples":
			j, ok := jsonValue(val, 0)
			l, isList := j.([]any)
			if !ok || !isList {
				sc.c.missing(field+"."+key, "it is not a literal list", val.rt...)
				continue
			}
			if key == "enum" {
				s.Enum = l
			} else {
				s.Examples = l
			}
		case "default":
			if j, ok := jsonValue(val, 0); ok {
				s.Default, s.HasDefault = j, true
			} else {
				sc.c.missing(field+".default", "it is not a literal", val.rt...)
			}
		case "properties":
			if val.k != kDict {
				sc.c.missing(field+".properties", "it is not a literal dict", val.rt...)
				continue
			}
			for j, pk := range val.keys {
				name := sc.c.text(field+".properties", pk, at)
				ps := sc.schemaFromValue(val.items[j], field+"."+name.Value, depth+1)
				if ps == nil {
					ps = &surface.Schema{Pos: at}
				}
				s.Properties = append(s.Properties, &surface.Prop{Name: name, Schema: ps})
			}
		case "required":
			if val.k != kList {
				sc.c.missing(field+".required", "it is not a literal list", val.rt...)
				continue
			}
			for _, it := range val.items {
				if r, ok := it.resolvedStr(); ok {
					required = append(required, r)
				}
			}
		case "items":
			if val.k == kDict {
				s.Items = sc.schemaFromValue(val, field+"[]", depth+1)
				continue
			}
			sc.otherStrings(val, field+".items", &s.Other, depth+1)
		default:
			sc.otherStrings(val, field+"."+key, &s.Other, depth+1)
		}
	}
	for _, p := range s.Properties {
		for _, r := range required {
			if p.Name.Value == r {
				p.Required = true
			}
		}
	}
	return s
}

// otherStrings collects every string (and dict key) of a schema keyword the
// model reads but the model type does not name.
func (sc *schemaCtx) otherStrings(v *value, field string, out *[]surface.Text, depth int) {
	if depth > maxDepth {
		return
	}
	at := analysis.Position{}
	if v.m != nil && v.node != nil {
		at = v.m.pos(v.node)
	}
	switch v.k {
	case kStr, kUnknown:
		*out = append(*out, sc.c.text(field, v, at))
	case kList:
		for _, it := range v.items {
			sc.otherStrings(it, field, out, depth+1)
		}
	case kDict:
		for i, k := range v.keys {
			sc.otherStrings(k, field, out, depth+1)
			sc.otherStrings(v.items[i], field, out, depth+1)
		}
	}
}
