package resolve

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"deps.dev/util/semver"
)

// pypiProject is the part of GET /pypi/{name}/json that lists releases.
type pypiProject struct {
	Releases map[string][]pypiFile `json:"releases"`
	cands    []pyCand              // installable releases, highest first
}

type pypiFile struct {
	Yanked         bool   `json:"yanked"`
	RequiresPython string `json:"requires_python"`
	PackageType    string `json:"packagetype"`
}

type pyCand struct {
	raw string
	v   *semver.Version
}

// pypiRelease is the part of GET /pypi/{name}/{version}/json that carries
// the release's dependencies.
type pypiRelease struct {
	Info struct {
		RequiresDist []string `json:"requires_dist"`
	} `json:"info"`
	URLs []pypiFile `json:"urls"`
}

func pythonVersion() (*semver.Version, error) {
	return semver.PyPI.Parse(pyTarget["python_full_version"])
}

// pythonOK reports whether a Requires-Python specifier admits the target
// interpreter; unparsable specifiers are given the benefit of the doubt.
func pythonOK(spec string) bool {
	if strings.TrimSpace(spec) == "" {
		return true
	}
	c, err := semver.PyPI.ParseConstraint(spec)
	v, verr := pythonVersion()
	return err != nil || verr != nil || c.MatchVersionPrerelease(v)
}

// index keeps the releases pip could install on the target: at least one
// file that is not yanked (PEP 592) and whose Requires-Python admits it.
func (p *pypiProject) index() {
	for raw, files := range p.Releases {
		v, err := semver.PyPI.Parse(raw)
		if err != nil {
			continue
		}
		if slices.ContainsFunc(files, func(f pypiFile) bool { return !f.Yanked && pythonOK(f.RequiresPython) }) {
			p.cands = append(p.cands, pyCand{raw, v})
		}
	}
	slices.SortFunc(p.cands, func(a, b pyCand) int { return b.v.Compare(a.v) })
}

// best returns the highest installable release satisfying every spec.
func (p *pypiProject) best(specs []pySpec, allowPre bool) string {
	for _, c := range p.cands {
		if !slices.ContainsFunc(specs, func(s pySpec) bool { return !s.match(c.raw, c.v, allowPre) }) {
			return c.raw
		}
	}
	return ""
}

func (r *resolver) pypiProject(ctx context.Context, name string) (*pypiProject, error) {
	return r.pyPrj.get(name, func() (*pypiProject, error) {
		var p pypiProject
		if err := r.fetch.getJSON(ctx, r.opts.PyPIURL+"/pypi/"+url.PathEscape(name)+"/json", "application/json", &p); err != nil {
			return nil, err
		}
		p.index()
		return &p, nil
	})
}

func (r *resolver) pypiRelease(ctx context.Context, name, version string) (*pypiRelease, error) {
	return r.pyRel.get(name+"=="+version, func() (*pypiRelease, error) {
		var rel pypiRelease
		u := r.opts.PyPIURL + "/pypi/" + url.PathEscape(name) + "/" + url.PathEscape(version) + "/json"
		if err := r.fetch.getJSON(ctx, u, "application/json", &rel); err != nil {
			return nil, err
		}
		return &rel, nil
	})
}

// pyState is what resolution knows about one project within a manifest.
type pyState struct {
	name     string
	specs    []pySpec // every constraint seen, including from -c files
	extras   []string // union of requested extras
	chosen   string
	sig      string   // chosen version and extras whose dependencies were read
	deps     []string // projects required by chosen with extras
	direct   bool
	pinned   bool
	conflict bool // already reported
}

type pyEdge struct {
	parent string // requiring project, "" for the manifest
	req    pyReq
	file   string
}

// resolvePyPI resolves one Python manifest the way pip would pick versions,
// without backtracking: each project gets the highest release satisfying
// every constraint seen so far and is re-expanded when that choice (or its
// extras) changes. Levels are fetched concurrently and processed in order.
func (r *resolver) resolvePyPI(ctx context.Context, p string, pm *pyManifest) {
	states := map[string]*pyState{}
	state := func(name string) *pyState {
		if states[name] == nil {
			states[name] = &pyState{name: name}
		}
		return states[name]
	}
	for _, c := range pm.constraints {
		if c.applies(nil) {
			state(c.name).specs = append(state(c.name).specs, c.spec)
		}
	}
	var level []pyEdge
	for _, q := range pm.reqs {
		if !q.req.applies(nil) {
			continue // environment marker excludes it on the target
		}
		level = append(level, pyEdge{req: q.req, file: q.file})
		if pin := q.req.spec.exact; pin != "" {
			// Exact pins are known without the registry.
			if r.addPackage(Package{Ecosystem: PyPI, Name: q.req.name, Version: pin, Direct: true, Origin: p, Pinned: true}) != nil {
				return
			}
		}
	}
	if len(level) == 0 {
		return
	}
	if r.opts.Offline {
		for _, e := range level {
			if e.req.spec.exact == "" {
				r.gap(GapUnpinned, e.file, "%s needs PyPI to resolve (offline)", e.req.text)
			}
		}
		r.gap(GapTransitive, p, "offline: transitive PyPI dependencies are not resolved")
		return
	}
	roots := make([]string, 0, len(level))
	for _, e := range level {
		roots = append(roots, e.req.name)
	}

	for len(level) > 0 {
		if ctx.Err() != nil {
			return
		}
		if len(states) > r.opts.MaxPackages {
			r.gap(GapLimitExceeded, p, "resolved dependency set exceeds %d packages; dependency set is incomplete", r.opts.MaxPackages)
			return
		}
		var need []string
		for _, e := range level {
			if e.req.spec.exact == "" && exactPin(states[e.req.name]) == "" {
				need = append(need, e.req.name)
			}
		}
		slices.Sort(need)
		parallel(slices.Compact(need), func(n string) { _, _ = r.pypiProject(ctx, n) })

		var changed []*pyState
		for _, e := range level {
			s := state(e.req.name)
			s.specs = append(s.specs, e.req.spec)
			s.extras = mergeSorted(s.extras, e.req.extras)
			if e.parent == "" {
				s.direct = true
				s.pinned = s.pinned || e.req.spec.exact != ""
			}
			v, err := r.pickPyPI(ctx, p, s, pm.pre)
			if err != nil {
				return
			}
			sig := v + "[" + strings.Join(s.extras, ",") + "]"
			if v == "" || sig == s.sig {
				continue
			}
			s.chosen, s.sig = v, sig
			if !slices.Contains(changed, s) {
				changed = append(changed, s)
			}
		}

		keys := make([]string, len(changed))
		for i, s := range changed {
			keys[i] = s.name
		}
		parallel(keys, func(n string) { _, _ = r.pypiRelease(ctx, n, states[n].chosen) })

		var next []pyEdge
		for _, s := range changed {
			s.deps = nil
			rel, err := r.pypiRelease(ctx, s.name, s.chosen)
			if err != nil {
				if ctx.Err() != nil || r.fetchGap(p, err, "PyPI release %s==%s", s.name, s.chosen) != nil {
					return
				}
				continue
			}
			if rel.Info.RequiresDist == nil && !slices.ContainsFunc(rel.URLs, func(f pypiFile) bool { return f.PackageType == "bdist_wheel" }) {
				// PyPI only extracts metadata from wheels: for sdist-only
				// releases "no dependencies" really means "unknown".
				r.gap(GapTransitive, p, "%s==%s is published without dependency metadata (sdist only); its dependencies are unknown", s.name, s.chosen)
			}
			for _, rd := range rel.Info.RequiresDist {
				q, err := parseRequirement(rd)
				if err != nil {
					r.gap(GapUnsupportedSpec, p, "%s==%s requires %q: %v", s.name, s.chosen, rd, err)
					continue
				}
				if !q.applies(s.extras) {
					continue
				}
				if q.url != "" {
					r.gap(GapUnsupportedSpec, p, "%s==%s requires %s from a direct URL (%s)", s.name, s.chosen, q.name, q.url)
					continue
				}
				s.deps = append(s.deps, q.name)
				next = append(next, pyEdge{parent: s.name, req: q, file: p})
			}
		}
		level = next
	}

	// Keep only what the final choices reach: a release replaced after a
	// later constraint must not contribute its old dependencies.
	seen := map[string]bool{}
	queue := slices.Clone(roots)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if seen[n] {
			continue
		}
		seen[n] = true
		s := states[n]
		if s == nil || s.chosen == "" {
			continue
		}
		if r.addPackage(Package{Ecosystem: PyPI, Name: s.name, Version: s.chosen, Direct: s.direct, Origin: p, Pinned: s.pinned && s.chosen == exactPin(s)}) != nil {
			return
		}
		queue = append(queue, s.deps...)
	}
}

// exactPin returns the version of the first exact pin among s's specs.
func exactPin(s *pyState) string {
	if s == nil {
		return ""
	}
	for _, sp := range s.specs {
		if sp.exact != "" {
			return sp.exact
		}
	}
	return ""
}

func mergeSorted(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// pickPyPI chooses s's version. It returns errLimit when resolution of the
// manifest must stop; other failures are recorded as Gaps and yield "".
func (r *resolver) pickPyPI(ctx context.Context, p string, s *pyState, pre bool) (string, error) {
	if pin := exactPin(s); pin != "" {
		// An exact pin needs no release list; yanked releases are allowed
		// for it, as PEP 592 says.
		v, err := semver.PyPI.Parse(pin)
		conflicts := func(sp pySpec) bool {
			if sp.arbitrary {
				return !strings.EqualFold(pin, sp.exact)
			}
			return err == nil && !sp.match(pin, v, true)
		}
		if !s.conflict && slices.ContainsFunc(s.specs, conflicts) {
			s.conflict = true
			r.gap(GapConflict, p, "%s: pin %s conflicts with %s; keeping the pin", s.name, pin, specList(s.specs))
		}
		return pin, nil
	}
	proj, err := r.pypiProject(ctx, s.name)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", r.fetchGap(p, err, "PyPI project %s", s.name)
	}
	allowPre := pre || slices.ContainsFunc(s.specs, func(sp pySpec) bool { return sp.pre })
	if v := proj.best(s.specs, allowPre); v != "" {
		return v, nil
	}
	if !allowPre {
		// pip falls back to pre-releases when no final release fits.
		if v := proj.best(s.specs, true); v != "" {
			return v, nil
		}
	}
	last := s.specs[len(s.specs)-1:]
	v := proj.best(last, true)
	if v == "" {
		r.gap(GapResolutionFailed, p, "%s: no installable release matches %q", s.name, last[0].text)
		return s.chosen, nil
	}
	if s.chosen != "" && semver.PyPI.Compare(s.chosen, v) > 0 {
		v = s.chosen
	}
	if !s.conflict {
		s.conflict = true
		r.gap(GapConflict, p, "%s: no release satisfies all of %s; using %s", s.name, specList(s.specs), v)
	}
	return v, nil
}

func specList(specs []pySpec) string {
	var parts []string
	for _, s := range specs {
		t := s.text
		if t == "" {
			t = "*"
		}
		if !slices.Contains(parts, t) {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ; ")
}

// requirementsLock renders PyPI packages as a pip requirements file of
// exact pins, which osv-scanner reads as a lockfile.
func requirementsLock(pkgs []Package) []byte {
	var b strings.Builder
	b.WriteString("# Synthetic lockfile written by mcpcert: versions resolved from PyPI metadata, not installed.\n")
	for _, p := range pkgs {
		fmt.Fprintf(&b, "%s==%s\n", p.Name, p.Version)
	}
	return []byte(b.String())
}
