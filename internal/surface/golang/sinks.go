package golang

import (
	"go/ast"
	"go/token"
	"regexp"
	"slices"
	"strings"
)

// A sink use says where one read of an argument goes.
type sinkUse uint8

const (
	useReal    sinkUse = 1 << iota // the tool's own logic: anything not below
	useNetwork                     // sent off the machine
	useLog                         // written to a log
	useTest                        // only tested (if x != "")
)

// read is one place a handler reads an argument: the expression holding
// its value and that expression's ancestors.
type read struct {
	e     ast.Expr
	stack []ast.Node
	fn    *funcRef
}

// sinkFlow follows argument values through a handler to where they end.
// It is bounded: variables and workspace helpers are followed two levels
// deep, and a value that goes anywhere it cannot name counts as real use.
type sinkFlow struct {
	x *extractor
}

// sinkParams returns, for each argument read only to be sent off the
// machine or logged (and perhaps tested), "network" or "log".
func (x *extractor) sinkParams(reads map[string][]read) map[string]string {
	s := &sinkFlow{x: x}
	out := map[string]string{}
	for name, rs := range reads {
		var u sinkUse
		for _, r := range rs {
			u |= s.use(r.e, r.stack, r.fn, 0)
		}
		switch {
		case u&useReal != 0:
		case u&useNetwork != 0:
			out[name] = "network"
		case u&useLog != 0:
			out[name] = "log"
		}
	}
	return out
}

// use classifies where the value of e goes, walking up its ancestors.
func (s *sinkFlow) use(e ast.Expr, stack []ast.Node, fn *funcRef, depth int) sinkUse {
	for {
		parent, up := top(stack)
		switch p := parent.(type) {
		case *ast.ParenExpr, *ast.StarExpr, *ast.KeyValueExpr, *ast.CompositeLit, *ast.TypeAssertExpr:
			// Carried along: wrapped, put into a literal, asserted.
		case *ast.UnaryExpr:
			if p.Op != token.AND {
				return useReal
			}
		case *ast.BinaryExpr:
			switch p.Op {
			case token.ADD:
			case token.EQL, token.NEQ:
				return useTest
			default:
				return useReal
			}
		case *ast.IfStmt:
			return useTest
		case *ast.AssignStmt:
			return s.assigned(e, p.Lhs, p.Rhs, fn, depth)
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(p.Names))
			for i, n := range p.Names {
				lhs[i] = n
			}
			return s.assigned(e, lhs, p.Values, fn, depth)
		case *ast.CallExpr:
			if p.Fun == e {
				return useReal
			}
			k, carrier := s.callee(p, fn)
			switch {
			case k == useNetwork && !discarded(up):
				// An API client uses what the call returns; a channel
				// only sends.
				return useReal
			case k != 0:
				return k
			case !carrier:
				return s.helper(p, e, fn, depth)
			}
		default:
			return useReal
		}
		e, _ = parent.(ast.Expr)
		if e == nil {
			return useReal
		}
		stack = up
	}
}

// assigned follows a value into the variable it is assigned to.
func (s *sinkFlow) assigned(e ast.Expr, lhs, rhs []ast.Expr, fn *funcRef, depth int) sinkUse {
	i := slices.Index(rhs, e)
	if i < 0 || depth >= 3 {
		return useReal
	}
	target := lhs[0]
	if len(lhs) == len(rhs) {
		target = lhs[i]
	}
	id, ok := target.(*ast.Ident)
	if !ok {
		return useReal
	}
	b := fn.f.uses[id]
	if b == nil {
		return useReal
	}
	return s.uses(b, fn, depth)
}

// helper follows a value passed to a workspace function into its
// parameter; a function it cannot see counts as real use.
func (s *sinkFlow) helper(call *ast.CallExpr, e ast.Expr, fn *funcRef, depth int) sinkUse {
	i := slices.Index(call.Args, e)
	callee := s.x.funcOf(call.Fun, s.x.base(fn.f))
	if i < 0 || callee == nil || callee.body() == nil || depth >= 2 {
		return useReal
	}
	ps := flatParams(callee.typ())
	if i >= len(ps) || ps[i].name == nil {
		return useReal
	}
	if u := s.uses(callee.f.uses[ps[i].name], callee, depth); u != 0 {
		return u
	}
	return useReal // a parameter the helper never reads: nothing to follow
}

// uses joins where the reads of binding b in fn go.
func (s *sinkFlow) uses(b *binding, fn *funcRef, depth int) sinkUse {
	var u sinkUse
	for _, o := range s.x.occurrences(fn)[b] {
		if o.id != b.decl {
			u |= s.use(o.id, o.stack, fn, depth+1)
		}
	}
	return u
}

// netFuncs are the standard library's calls that send their arguments off
// the machine; logFuncs write them to a log.
var (
	netFuncs = map[string][]string{
		"net/http": {"Post", "PostForm", "Get", "Head", "NewRequest", "NewRequestWithContext"},
		"net/smtp": {"SendMail"},
	}
	logFuncs = map[string]bool{"log": true, "log/slog": true}
	// carriers return their argument in another form.
	carriers = map[string][]string{
		"bytes":         {"NewBufferString", "NewReader", "NewBuffer"},
		"strings":       {"NewReader", "TrimSpace", "ToLower", "ToUpper"},
		"fmt":           {"Sprintf", "Sprint", "Sprintln"},
		"net/url":       {"QueryEscape", "PathEscape"},
		"encoding/json": {"Marshal"},
	}
	// netMethod and logMethod recognise method calls on clients, sockets
	// and loggers by their names.
	netMethod = regexp.MustCompile(`(?i)^(?:\w*(?:client|http|conn|socket|api|webhook|telemetry|tracker)\w*)\.(?:Post|PostForm|Do|Write|WriteString|Send|SendMail)$`)
	logMethod = regexp.MustCompile(`(?i)^(?:\w*log\w*)\.(?:Print\w*|Info\w*|Debug\w*|Warn\w*|Error\w*|Trace\w*|Log\w*)$`)
)

// callee classifies a call by what it does with its arguments: sends
// them (useNetwork), logs them (useLog), carries them on in another form
// (carrier), or anything else (0: a helper to follow, or real use).
func (s *sinkFlow) callee(call *ast.CallExpr, fn *funcRef) (k sinkUse, carrier bool) {
	if ip, name, _ := fn.f.sdkRef(call.Fun); ip != "" {
		switch {
		case slices.Contains(netFuncs[ip], name):
			return useNetwork, false
		case logFuncs[ip]:
			return useLog, false
		}
		return 0, slices.Contains(carriers[ip], name)
	}
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.ArrayType:
		return 0, true // []byte(x)
	case *ast.Ident:
		return 0, f.Name == "string" && fn.f.uses[f] == nil
	case *ast.SelectorExpr:
		name := exprName(f)
		switch {
		case netMethod.MatchString(name):
			return useNetwork, false
		case logMethod.MatchString(name):
			return useLog, false
		}
		return 0, strings.HasSuffix(name, ".EncodeToString")
	}
	return 0, false
}

// discarded reports whether the call under ancestors stack has its result
// dropped: a statement of its own, run by go or defer, or assigned to _.
func discarded(stack []ast.Node) bool {
	p, _ := top(stack)
	switch p := p.(type) {
	case *ast.ExprStmt, *ast.GoStmt, *ast.DeferStmt:
		return true
	case *ast.AssignStmt:
		for _, l := range p.Lhs {
			if !isIdent(l, "_") {
				return false
			}
		}
		return true
	}
	return false
}

// exprName spells a selector chain (a.b.C) for matching by name.
func exprName(e ast.Expr) string {
	switch v := e.(type) {
	case *ast.Ident:
		return v.Name
	case *ast.SelectorExpr:
		return exprName(v.X) + "." + v.Sel.Name
	}
	return ""
}
