package resolve

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"deps.dev/util/semver"
)

// npmAccept asks for the abbreviated ("corgi") packument: it carries every
// field resolution needs and is an order of magnitude smaller.
const npmAccept = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8"

// Target platform for optional dependencies that declare os/cpu/libc, the
// npm counterpart of the PyPI marker environment.
const (
	npmTargetOS   = "linux"
	npmTargetCPU  = "x64"
	npmTargetLibc = "glibc"
)

var (
	npmNameRe = regexp.MustCompile(`^(?:@[A-Za-z0-9._~-]+/)?[A-Za-z0-9._~-]+$`)
	// npmExactRe matches a single full version, which npm installs verbatim.
	npmExactRe = regexp.MustCompile(`^(?:=\s*)?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+[0-9A-Za-z.-]+)?$`)
	npmTagRe   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]*$`)
)

type npmSpecKind int

const (
	npmPinned npmSpecKind = iota // exact version
	npmRange                     // semver range, including "" and "*"
	npmTag                       // dist-tag such as "latest" or "next"
)

// npmDep is one dependency edge as declared in package.json or a packument.
type npmDep struct {
	alias    string // install name: the key in the dependencies object
	name     string // registry name; differs from alias for "npm:" aliases
	spec     string // range, tag or exact version, alias prefix removed
	raw      string // spec as written, for the lockfile and messages
	kind     npmSpecKind
	optional bool
}

// parseNPMSpec classifies a dependency spec the way npm-package-arg does,
// returning an error for specs that do not come from the registry.
func parseNPMSpec(alias, raw string) (npmDep, error) {
	d := npmDep{alias: alias, name: alias, raw: raw, spec: strings.TrimSpace(raw)}
	if rest, ok := strings.CutPrefix(d.spec, "npm:"); ok {
		// npm:name@range; a scope's leading "@" is not the separator.
		i := strings.LastIndex(rest, "@")
		if i <= 0 {
			d.name, d.spec = rest, ""
		} else {
			d.name, d.spec = rest[:i], strings.TrimSpace(rest[i+1:])
		}
	}
	if len(d.name) > 214 || !npmNameRe.MatchString(d.name) {
		return d, fmt.Errorf("invalid package name %q", d.name)
	}
	s := d.spec
	if strings.ContainsAny(s, ":/\\") || s == "." || s == ".." ||
		strings.HasSuffix(s, ".tgz") || strings.HasSuffix(s, ".tar.gz") || strings.HasSuffix(s, ".tar") {
		// git+…, github:, file:, link:, workspace:, URLs, user/repo shorthands and paths.
		return d, fmt.Errorf("non-registry dependency %q", raw)
	}
	if m := npmExactRe.FindStringSubmatch(s); m != nil {
		d.kind, d.spec = npmPinned, m[1]
		return d, nil
	}
	if _, err := semver.NPM.ParseConstraint(s); err == nil {
		d.kind = npmRange
		return d, nil
	}
	if npmTagRe.MatchString(s) {
		d.kind = npmTag
		return d, nil
	}
	return d, fmt.Errorf("unrecognised version range %q", raw)
}

// npmDeps turns the dependency objects of a package into install edges.
// Precedence follows npm's arborist: optionalDependencies override
// dependencies, which override peerDependencies; optional peers are not
// installed. Bad specs are returned as messages, not edges.
func npmDeps(deps, optional, peer map[string]string, peerMeta map[string]peerMetaEntry) (edges []npmDep, bad []string) {
	type entry struct {
		raw      string
		optional bool
	}
	all := map[string]entry{}
	for name, spec := range peer {
		if !peerMeta[name].Optional {
			all[name] = entry{spec, false}
		}
	}
	for name, spec := range deps {
		all[name] = entry{spec, false}
	}
	for name, spec := range optional {
		all[name] = entry{spec, true}
	}
	for _, name := range slices.Sorted(maps.Keys(all)) {
		e := all[name]
		d, err := parseNPMSpec(name, e.raw)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		d.optional = e.optional
		edges = append(edges, d)
	}
	return edges, bad
}

// packageJSON is the subset of package.json that determines what a consumer
// installs. devDependencies are deliberately absent: they are never
// installed for a published package.
type packageJSON struct {
	Dependencies         map[string]string        `json:"dependencies"`
	OptionalDependencies map[string]string        `json:"optionalDependencies"`
	PeerDependencies     map[string]string        `json:"peerDependencies"`
	PeerDependenciesMeta map[string]peerMetaEntry `json:"peerDependenciesMeta"`
}

type peerMetaEntry struct {
	Optional bool `json:"optional"`
}

// packument is the abbreviated npm registry document for one package.
// Field types are lenient: old packages carry odd shapes (arrays for
// dependency objects, strings for os lists) that must not make the whole
// package unresolvable.
type packument struct {
	DistTags stringMap             `json:"dist-tags"`
	Versions map[string]npmVersion `json:"versions"`
	cands    []npmCand             // versions, highest first
}

type npmVersion struct {
	Dependencies         stringMap  `json:"dependencies"`
	OptionalDependencies stringMap  `json:"optionalDependencies"`
	PeerDependencies     stringMap  `json:"peerDependencies"`
	PeerDependenciesMeta peerMeta   `json:"peerDependenciesMeta"`
	Deprecated           deprecated `json:"deprecated"`
	OS                   stringList `json:"os"`
	CPU                  stringList `json:"cpu"`
	Libc                 stringList `json:"libc"`
	Dist                 struct {
		Tarball   string `json:"tarball"`
		Integrity string `json:"integrity"`
	} `json:"dist"`
}

type npmCand struct {
	raw        string
	v          *semver.Version
	deprecated bool
}

// stringMap decodes a JSON object of strings, dropping non-string values
// and decoding anything that is not an object as empty.
type stringMap map[string]string

func (m *stringMap) UnmarshalJSON(b []byte) error {
	var strict map[string]string
	if json.Unmarshal(b, &strict) == nil {
		*m = strict
		return nil
	}
	var loose map[string]any
	_ = json.Unmarshal(b, &loose)
	*m = stringMap{}
	for k, v := range loose {
		if s, ok := v.(string); ok {
			(*m)[k] = s
		}
	}
	return nil
}

// stringList decodes a JSON array of strings or a single string.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = stringList{one}
		return nil
	}
	var many []any
	_ = json.Unmarshal(b, &many)
	*l = nil
	for _, v := range many {
		if s, ok := v.(string); ok {
			*l = append(*l, s)
		}
	}
	return nil
}

// peerMeta decodes peerDependenciesMeta, ignoring malformed entries.
type peerMeta map[string]peerMetaEntry

func (m *peerMeta) UnmarshalJSON(b []byte) error {
	var loose map[string]json.RawMessage
	_ = json.Unmarshal(b, &loose)
	*m = peerMeta{}
	for k, raw := range loose {
		var e peerMetaEntry
		if json.Unmarshal(raw, &e) == nil {
			(*m)[k] = e
		}
	}
	return nil
}

// deprecated is true for a non-empty deprecation message (or literal true).
type deprecated bool

func (d *deprecated) UnmarshalJSON(b []byte) error {
	var v any
	_ = json.Unmarshal(b, &v)
	switch v := v.(type) {
	case string:
		*d = v != ""
	case bool:
		*d = deprecated(v)
	default:
		*d = false
	}
	return nil
}

// index parses and orders the version list once per packument.
func (p *packument) index() {
	for raw, meta := range p.Versions {
		v, err := semver.NPM.Parse(raw)
		if err != nil {
			continue
		}
		p.cands = append(p.cands, npmCand{raw: raw, v: v, deprecated: bool(meta.Deprecated)})
	}
	slices.SortFunc(p.cands, func(a, b npmCand) int { return b.v.Compare(a.v) })
}

// pick chooses the version npm would install for d, or "" if none fits.
// hoisted is the version of d.name already placed at the top of the tree:
// npm keeps it when it satisfies the range instead of adding a duplicate.
func (p *packument) pick(d npmDep, hoisted string) string {
	switch d.kind {
	case npmPinned:
		if _, ok := p.Versions[d.spec]; ok {
			return d.spec
		}
		return ""
	case npmTag:
		if v := p.DistTags[d.spec]; v != "" {
			if _, ok := p.Versions[v]; ok {
				return v
			}
		}
		return ""
	}
	c, err := semver.NPM.ParseConstraint(d.spec)
	if err != nil {
		return ""
	}
	if hoisted != "" && c.Match(hoisted) {
		return hoisted
	}
	// npm-pick-manifest: the "latest" dist-tag wins whenever it satisfies
	// the range (for "*" even if it is a prerelease) and is not deprecated.
	if latest := p.DistTags["latest"]; latest != "" {
		if meta, ok := p.Versions[latest]; ok && !bool(meta.Deprecated) &&
			(d.spec == "" || d.spec == "*" || c.Match(latest)) {
			return latest
		}
	}
	// Otherwise the highest satisfying version, preferring non-deprecated
	// ones; deprecated versions are still chosen when nothing else fits.
	best := ""
	for _, cand := range p.cands {
		if !c.MatchVersion(cand.v) {
			continue
		}
		if !cand.deprecated {
			return cand.raw
		}
		if best == "" {
			best = cand.raw
		}
	}
	return best
}

// platformOK reports whether an os/cpu/libc list admits target, using npm's
// rules: "!x" excludes x; any positive entry makes the list an allow-list.
func platformOK(list []string, target string) bool {
	allowList, allowed := false, false
	for _, e := range list {
		if neg, ok := strings.CutPrefix(e, "!"); ok {
			if neg == target {
				return false
			}
			continue
		}
		allowList = true
		allowed = allowed || e == target
	}
	return !allowList || allowed
}

func (v *npmVersion) installableHere() bool {
	return platformOK(v.OS, npmTargetOS) && platformOK(v.CPU, npmTargetCPU) && platformOK(v.Libc, npmTargetLibc)
}

func (v *npmVersion) deps() ([]npmDep, []string) {
	return npmDeps(v.Dependencies, v.OptionalDependencies, v.PeerDependencies, v.PeerDependenciesMeta)
}

func (r *resolver) packument(ctx context.Context, name string) (*packument, error) {
	return r.pkums.get(name, func() (*packument, error) {
		// Names are validated by npmNameRe, so only a scope's "/" needs escaping.
		u := r.opts.NPMRegistry + "/" + strings.Replace(name, "/", "%2f", 1)
		var p packument
		if err := r.fetch.getJSON(ctx, u, npmAccept, &p); err != nil {
			return nil, err
		}
		p.index()
		return &p, nil
	})
}

// resolveNPM resolves one package.json breadth-first, level by level:
// each level's packuments are fetched concurrently, then its edges are
// resolved sequentially in a fixed order so that the result is deterministic.
func (r *resolver) resolveNPM(ctx context.Context, m Manifest) {
	var pj packageJSON
	if err := json.Unmarshal(m.Data, &pj); err != nil {
		r.gap(GapMalformedManifest, m.Path, "invalid package.json: %v", err)
		return
	}
	direct, bad := npmDeps(pj.Dependencies, pj.OptionalDependencies, pj.PeerDependencies, pj.PeerDependenciesMeta)
	for _, b := range bad {
		r.gap(GapUnsupportedSpec, m.Path, "%s", b)
	}
	if len(direct) == 0 {
		return
	}
	// Exact pins are known without the registry: record them first so they
	// survive offline mode and registry failures.
	for _, d := range direct {
		if d.kind != npmPinned {
			continue
		}
		if r.addPackage(Package{Ecosystem: NPM, Name: d.name, Version: d.spec, Direct: true, Origin: m.Path, Pinned: true}) != nil {
			return
		}
		r.npm.link("", d, d.name+"@"+d.spec, d.name, d.spec)
	}
	if r.opts.Offline {
		for _, d := range direct {
			if d.kind != npmPinned {
				r.gap(GapUnpinned, m.Path, "%s@%s needs the npm registry to resolve (offline)", d.alias, d.raw)
			}
		}
		r.gap(GapTransitive, m.Path, "offline: transitive npm dependencies are not resolved")
		return
	}

	type pending struct {
		parent string // node key, "" for the manifest itself
		dep    npmDep
	}
	level := make([]pending, 0, len(direct))
	for _, d := range direct {
		level = append(level, pending{"", d})
	}
	hoisted := map[string]string{}
	expanded := map[string]bool{}
	for len(level) > 0 {
		if ctx.Err() != nil {
			return
		}
		names := map[string]bool{}
		for _, p := range level {
			names[p.dep.name] = true
		}
		parallel(slices.Sorted(maps.Keys(names)), func(n string) { _, _ = r.packument(ctx, n) })

		var next []pending
		for _, p := range level {
			d := p.dep
			where := d.name + "@" + d.raw
			if p.parent != "" {
				where = p.parent + " → " + where
			}
			pk, err := r.packument(ctx, d.name)
			if err != nil {
				if ctx.Err() != nil || r.fetchGap(m.Path, err, "%s", where) != nil {
					return
				}
				continue
			}
			v := pk.pick(d, hoisted[d.name])
			if v == "" {
				r.gap(GapResolutionFailed, m.Path, "%s: no matching version in the registry", where)
				continue
			}
			meta := pk.Versions[v]
			if d.optional && !meta.installableHere() {
				continue // npm skips optional dependencies built for other platforms
			}
			key := d.name + "@" + v
			if r.addPackage(Package{Ecosystem: NPM, Name: d.name, Version: v, Direct: p.parent == "", Origin: m.Path, Pinned: p.parent == "" && d.kind == npmPinned}) != nil {
				return
			}
			r.npm.link(p.parent, d, key, d.name, v)
			r.npm.setDist(key, meta.Dist.Tarball, meta.Dist.Integrity)
			if hoisted[d.name] == "" {
				hoisted[d.name] = v
			}
			if expanded[key] {
				continue
			}
			expanded[key] = true
			deps, bad := meta.deps()
			for _, b := range bad {
				r.gap(GapUnsupportedSpec, m.Path, "%s depends on %s", key, b)
			}
			for _, c := range deps {
				next = append(next, pending{key, c})
			}
		}
		level = next
	}
}
