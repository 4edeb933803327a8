package jsts

import (
	"strings"
)

// Module values: imports, exports (ESM, re-exports, CommonJS, tsc's
// defineProperty getters) and the lazily parsed initializers of masked
// files.

// isZodSpec matches zod and its subpaths (zod/v4, zod/mini).
func isZodSpec(spec string) bool { return spec == "zod" || strings.HasPrefix(spec, "zod/") }

// namespace is the value of import * as x / require(spec).
func (x *extractor) namespace(from *module, spec string) *value {
	if isZodSpec(spec) {
		return &value{kind: vZodNS}
	}
	if g, ok := nodeBuiltins[strings.TrimPrefix(spec, "node:")]; ok {
		return &value{kind: vGlobal, str: g}
	}
	m, why := x.importModule(from, spec)
	if m == nil {
		return unk(why)
	}
	return &value{kind: vModule, mod: m}
}

// importValue is the value of import {name} from spec.
func (x *extractor) importValue(from *module, spec, name string) *value {
	if isZodSpec(spec) {
		if name == "default" || name == "z" {
			return &value{kind: vZodNS}
		}
		return &value{kind: vZodFn, str: name}
	}
	if g, ok := nodeBuiltins[strings.TrimPrefix(spec, "node:")]; ok {
		switch {
		case g == "dedent":
			return &value{kind: vGlobal, str: "dedent"}
		case name == "default":
			return &value{kind: vGlobal, str: g}
		case g == "buffer" && name == "Buffer":
			return &value{kind: vGlobal, str: "Buffer"}
		}
		return &value{kind: vGlobal, str: g + "." + name}
	}
	m, why := x.importModule(from, spec)
	if m == nil {
		return unk(why)
	}
	return x.exportValue(m, name)
}

type exportKey struct {
	m    *module
	name string
}

// exportValue is what module m exports as name (ESM, re-exports, CommonJS).
func (x *extractor) exportValue(m *module, name string) *value {
	if m.json != nil {
		if name == "default" {
			return m.json
		}
		return x.prop(ectx{m: m}, m.json, name)
	}
	k := exportKey{m, name}
	if x.busyExp[k] {
		return unk("circular export of " + name)
	}
	x.busyExp[k] = true
	defer delete(x.busyExp, k)
	c := ectx{m: m, sc: m.top}
	if e := m.exports[name]; e != nil {
		switch {
		case e.local != "":
			if b := m.top.lookup(e.local); b != nil {
				return x.bindingValue(c, b)
			}
			return unk(e.local + " is not declared in " + m.path)
		case e.ns:
			return x.namespace(m, e.spec)
		case e.spec != "":
			return x.importValue(m, e.spec, e.name)
		case e.node != nil:
			v := x.eval(c, e.node)
			if e.descriptor {
				if g := v.get("value"); g != nil {
					return g
				}
				if g := v.get("get"); g != nil && g.kind == vFunc {
					return x.inline(c, g.fn, nil, e.node)
				}
				return unk("accessor export " + name)
			}
			return v
		}
	}
	for _, s := range m.stars {
		if m2, _ := x.importModule(m, s); m2 != nil && x.exports(m2, name, 0) {
			return x.exportValue(m2, name)
		}
	}
	if m.cjs != nil {
		v := x.eval(c, m.cjs)
		if name == "default" {
			return v
		}
		return x.prop(c, v, name)
	}
	if name == "default" {
		return &value{kind: vModule, mod: m}
	}
	return unk(name + " is not exported by " + m.path)
}

// exports reports whether m declares name, following export * chains.
func (x *extractor) exports(m *module, name string, depth int) bool {
	if m.exports[name] != nil || m.cjs != nil || m.json != nil {
		return true
	}
	if depth > 8 {
		return false
	}
	for _, s := range m.stars {
		if m2, _ := x.importModule(m, s); m2 != nil && x.exports(m2, name, depth+1) {
			return true
		}
	}
	return false
}

// fragment returns the parsed initializer a placeholder stands for (see
// mask), parsing it on first use; nil if name is no placeholder of m.
func (x *extractor) fragment(m *module, name string) *module {
	if m.sk == nil || !strings.HasPrefix(name, lazyPrefix) {
		return nil
	}
	sp, ok := m.sk.lazy[name]
	if !ok {
		return nil
	}
	if fm, ok := m.frags[name]; ok {
		return fm
	}
	if m.frags == nil {
		m.frags = map[string]*module{}
	}
	m.frags[name] = nil
	text := make([]byte, 0, sp.end-sp.start+2)
	text = append(append(append(text, '('), m.src[sp.start:sp.end]...), ')')
	tree, err := x.parse(langOf(m.path), text)
	if err != nil {
		return nil
	}
	x.trees = append(x.trees, tree)
	fm := &module{path: m.path, src: m.src, lines: m.lines, ascii: m.ascii, tree: tree,
		sk: &skeleton{segs: []seg{{0, sp.start - 1}}}, scan: m.scan, top: m.top,
		scopes: map[span]*scope{}, exports: m.exports, depth: m.depth, imported: true}
	if st := named(tree.Root()); len(st) > 0 {
		if e := named(st[0]); len(e) > 0 {
			fm.expr = e[0]
		}
	}
	if fm.expr == nil {
		return nil
	}
	m.frags[name] = fm
	return fm
}
