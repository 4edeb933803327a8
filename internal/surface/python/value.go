package python

import (
	"math"
	"strconv"
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

type kind int

const (
	kUnknown  kind = iota // not folded; reason says why
	kStr                  // text, possibly partial
	kNum                  // int or float
	kBool                 //
	kNone                 //
	kList                 // list, tuple or set literal
	kDict                 // dict literal, keys in order
	kFunc                 // a function defined in the workspace
	kClass                // a class defined in the workspace
	kModule               // a workspace module or package
	kExternal             // a name from outside the workspace, by qualified name
	kInstance             // a call kept unevaluated: a workspace class or external callee
	kServer               // an MCP server object
	kPath                 // a filesystem path
	kFile                 // an opened file
	kMember               // a member of an Enum class of the workspace
	kSchema               // Model.model_json_schema() of a workspace class
)

// value is the static value of an expression. Values are never mutated once
// built, so module constants can be memoised.
type value struct {
	k kind
	// kStr: the text ("{expr}" at holes); kExternal: the qualified name;
	// kPath: the path; kModule: the dotted name; kMember: the member name.
	s      string
	res    surface.Resolution // kStr
	reason string             // kStr partial/unresolved, kUnknown
	pos    analysis.Position  // kStr: where the text is
	num    float64
	isInt  bool
	b      bool
	items  []*value // kList elements, kDict values
	keys   []*value // kDict keys
	m      *module  // where node is
	node   *pnode
	env    *env       // kInstance: the env its arguments are evaluated in
	cls    *value     // kMember, kSchema: the class; kInstance: the workspace class, if any
	member *value     // kMember: the member's value
	srv    *server    // kServer
	base   pathBase   // kPath, kFile
	dir    string     // kModule: the package directory
	rt     []rtSource // run-time sources the value depends on
}

// pathBase says what a path is relative to: only workspace paths can be read.
type pathBase int

const (
	inWorkspace pathBase = iota
	absolute
	cwdRelative
	unknownBase
)

// rtSource is a run-time source of a value: the environment, the clock,
// randomness, the network, a file outside the workspace.
type rtSource struct {
	what string
	pos  analysis.Position
}

func unknown(reason string, rt ...rtSource) *value {
	return &value{k: kUnknown, reason: reason, rt: rt}
}

func strVal(s string, pos analysis.Position) *value {
	return &value{k: kStr, s: s, res: surface.Resolved, pos: pos}
}

// isText reports a string value that has at least some known text.
func (v *value) isText() bool {
	return v.k == kStr && v.res != surface.Unresolved
}

// resolvedStr returns the string of a fully resolved text.
func (v *value) resolvedStr() (string, bool) {
	if v.k == kStr && v.res == surface.Resolved {
		return v.s, true
	}
	if v.k == kMember && v.member != nil {
		return v.member.resolvedStr()
	}
	return "", false
}

// text turns a value into a surface Text; at is the position of the
// expression, used when the value has none of its own.
func (v *value) text(at analysis.Position) surface.Text {
	if v.k == kMember && v.member != nil {
		return v.member.text(at)
	}
	if v.k == kStr {
		t := surface.Text{Value: v.s, Resolution: v.res, Reason: v.reason, Pos: v.pos}
		if t.Pos.Path == "" {
			t.Pos = at
		}
		if t.Resolution == surface.Unresolved {
			t.Value = ""
		}
		return t
	}
	if s, ok := scalarStr(v); ok {
		return surface.Lit(s, at)
	}
	reason := v.reason
	if v.k != kUnknown {
		reason = "the value is not a string"
	}
	return surface.Text{Resolution: surface.Unresolved, Reason: reason, Pos: at}
}

// scalarStr is str() of a number, bool or None, as Python prints it.
func scalarStr(v *value) (string, bool) {
	switch v.k {
	case kNum:
		return pyNum(v.num, v.isInt), true
	case kBool:
		if v.b {
			return "True", true
		}
		return "False", true
	case kNone:
		return "None", true
	}
	return "", false
}

// pyNum formats a number as Python's str() does.
func pyNum(f float64, isInt bool) string {
	if isInt && math.Abs(f) < 1<<53 {
		return strconv.FormatInt(int64(f), 10)
	}
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	a := math.Abs(f)
	if a != 0 && (a < 1e-4 || a >= 1e16) {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		// Python writes at least two exponent digits, as Go does.
		return s
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// jsonValue converts a literal value to a JSON value (string, float64, bool,
// nil, []any, map[string]any).
func jsonValue(v *value, depth int) (any, bool) {
	if depth > maxDepth {
		return nil, false
	}
	switch v.k {
	case kStr:
		if v.res != surface.Resolved {
			return nil, false
		}
		return v.s, true
	case kNum:
		return v.num, true
	case kBool:
		return v.b, true
	case kNone:
		return nil, true
	case kMember:
		if v.member != nil {
			return jsonValue(v.member, depth+1)
		}
	case kList:
		out := make([]any, 0, len(v.items))
		for _, it := range v.items {
			j, ok := jsonValue(it, depth+1)
			if !ok {
				return nil, false
			}
			out = append(out, j)
		}
		return out, true
	case kDict:
		out := map[string]any{}
		for i, k := range v.keys {
			ks, ok := k.resolvedStr()
			if !ok {
				return nil, false
			}
			j, ok := jsonValue(v.items[i], depth+1)
			if !ok {
				return nil, false
			}
			out[ks] = j
		}
		return out, true
	}
	return nil, false
}

// dictGet returns the value at a string key of a dict value.
func dictGet(d *value, key string) (*value, bool) {
	if d == nil || d.k != kDict {
		return nil, false
	}
	for i := len(d.keys) - 1; i >= 0; i-- {
		if s, ok := d.keys[i].resolvedStr(); ok && s == key {
			return d.items[i], true
		}
	}
	return nil, false
}

// mergeRT returns the run-time sources of several values.
func mergeRT(vs ...*value) []rtSource {
	var out []rtSource
	for _, v := range vs {
		if v != nil {
			out = append(out, v.rt...)
		}
	}
	return out
}

// lastName is the last dotted segment of a qualified name.
func lastName(q string) string {
	if i := strings.LastIndexByte(q, '.'); i >= 0 {
		return q[i+1:]
	}
	return q
}

// srcOf is the source of an expression, shortened, for holes and reasons.
func srcOf(n *pnode) string {
	if n == nil {
		return "?"
	}
	s := strings.Join(strings.Fields(n.Text()), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}
