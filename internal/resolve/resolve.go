// Package resolve turns dependency manifests (package.json, requirements.txt,
// pyproject.toml, setup.cfg) into the concrete dependency set the installer
// would pick today, using registry metadata only, and writes that set as
// synthetic lockfiles that osv-scanner can scan.
//
// Published npm and PyPI packages rarely ship a lockfile, and osv-scanner only
// scans lockfiles, so without this step a manifest would wrongly read as "no
// known vulnerabilities". Nothing is ever executed or downloaded beyond
// registry JSON metadata; whatever cannot be resolved is reported as a Gap so
// that the caller can mark the result incomplete instead of clean.
package resolve

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"deps.dev/util/semver"
)

// Ecosystem is an OSV ecosystem name.
type Ecosystem string

// Supported ecosystems.
const (
	NPM  Ecosystem = "npm"
	PyPI Ecosystem = "PyPI"
)

// Package is one concrete dependency the installer would install.
type Package struct {
	Ecosystem Ecosystem
	Name      string // npm name as published; PyPI name PEP 503-normalised
	Version   string
	Direct    bool   // declared by the scanned project itself
	Origin    string // manifest path (slash, workspace-relative) that led to it
	Pinned    bool   // version exactly pinned by the manifest (no resolution needed)
}

// Gap records something that could not be resolved, so that an empty
// vulnerability result is never mistaken for complete coverage.
type Gap struct{ Kind, Path, Detail string }

// Gap kinds.
const (
	GapUnpinned            = "unpinned-dependency"                // offline: a range needs the registry
	GapTransitive          = "transitive-dependencies-unresolved" // dependencies of dependencies are unknown
	GapResolutionFailed    = "resolution-failed"                  // registry error, missing package or version
	GapConflict            = "resolution-conflict"                // no single PyPI version satisfies every constraint
	GapUnsupportedSpec     = "unsupported-dependency-spec"        // git, URL, path, editable … dependencies
	GapUnsupportedManifest = "unsupported-manifest"               // a manifest kind this package does not read
	GapMalformedManifest   = "malformed-manifest"                 // unparsable manifest or manifest line
	GapCustomIndex         = "custom-index"                       // manifest selects a non-default package index
	GapLimitExceeded       = "limit-exceeded"                     // MaxPackages or MaxRequests reached
)

// Result is the resolved dependency set.
type Result struct {
	Packages []Package // sorted by ecosystem, name, version; deduplicated
	Gaps     []Gap     // sorted and deduplicated
	// Lockfiles maps an osv-scanner "parse-as" name to a synthetic lockfile
	// written under Options.Dir, e.g. "package-lock.json" or "requirements.txt".
	Lockfiles map[string]string
}

// Manifest is a workspace-relative slash path and its contents.
type Manifest struct {
	Path string
	Data []byte
}

// Options configures Resolve. The zero value resolves online against the
// public registries with default bounds, but Dir must be set whenever a
// lockfile has to be written.
type Options struct {
	Offline     bool // no network: only exact pins are used; every range becomes a Gap
	HTTPClient  *http.Client
	NPMRegistry string // default https://registry.npmjs.org
	PyPIURL     string // default https://pypi.org
	Dir         string // where to write synthetic lockfiles (exists, private)
	MaxPackages int    // bound on the resolved set size, default 5000
	MaxRequests int    // bound on registry requests, default 3000
	// Extra are packages whose exact versions are already known, such as
	// the node_modules bundled in an MCPB bundle; they join the result and
	// the synthetic lockfiles as they are, without resolution.
	Extra []Package
}

// Defaults for Options.
const (
	DefaultNPMRegistry = "https://registry.npmjs.org"
	DefaultPyPIURL     = "https://pypi.org"
	DefaultMaxPackages = 5000
	DefaultMaxRequests = 3000
)

// errLimit stops a manifest's resolution once a bound is reached.
var errLimit = errors.New("limit reached")

// resolver holds the state shared by every manifest of one Resolve call:
// registry caches, the request budget and the merged output.
type resolver struct {
	opts  Options
	fetch *fetcher
	files map[string][]byte // manifests by path, for -r and file: references
	pkgs  map[pkgKey]*Package
	gaps  []Gap
	npm   *npmGraph
	pkums memo[*packument]
	pyPrj memo[*pypiProject]
	pyRel memo[*pypiRelease]
}

type pkgKey struct {
	eco           Ecosystem
	name, version string
}

// Resolve resolves manifests into a concrete dependency set. It handles
// package.json (npm), requirements*.txt, pyproject.toml ([project] and
// [tool.poetry] dependencies) and setup.cfg install_requires (PyPI); other
// paths yield an "unsupported-manifest" Gap. Callers pass only manifests
// whose directory has no lockfile of the same ecosystem.
//
// The error is reserved for internal failures (cancelled context, unwritable
// Dir); registry, network and manifest problems are reported as Gaps.
func Resolve(ctx context.Context, manifests []Manifest, opts Options) (*Result, error) {
	opts = withDefaults(opts)
	r := &resolver{
		opts:  opts,
		fetch: newFetcher(opts.HTTPClient, opts.MaxRequests),
		files: make(map[string][]byte, len(manifests)),
		pkgs:  map[pkgKey]*Package{},
		npm:   newNPMGraph(),
	}
	ms := slices.Clone(manifests)
	slices.SortStableFunc(ms, func(a, b Manifest) int { return strings.Compare(a.Path, b.Path) })
	for _, m := range ms {
		r.files[m.Path] = m.Data
	}
	// Python manifests are parsed up front: one that another manifest
	// includes (-r, -c, file:) is resolved only as part of its includer,
	// since on its own it would repeat part of that resolution (or, for a
	// constraints file, install what is only meant to restrict versions).
	py := map[string]*pyManifest{}
	for _, m := range ms {
		if k := manifestKind(m.Path); k == kindRequirements || k == kindPyproject || k == kindSetupCfg {
			py[m.Path] = r.parsePython(m)
		}
	}
	included := map[string]bool{}
	for p, pm := range py {
		for f := range pm.files {
			if f != p && (py[f] == nil || !py[f].files[p]) {
				included[f] = true
			}
		}
	}
	for _, m := range ms {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		switch {
		case included[m.Path]:
			// Resolved through the manifest that includes it.
		case py[m.Path] != nil:
			r.resolvePyPI(ctx, m.Path, py[m.Path])
		case manifestKind(m.Path) == kindPackageJSON:
			r.resolveNPM(ctx, m)
		default:
			r.gap(GapUnsupportedManifest, m.Path, "manifest kind not supported by the dependency resolver")
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, p := range opts.Extra {
		p.Pinned = true
		if err := r.addPackage(p); err != nil {
			break
		}
		if p.Ecosystem == NPM {
			r.npm.link("", npmDep{alias: p.Name, name: p.Name, spec: p.Version, raw: p.Version}, p.Name+"@"+p.Version, p.Name, p.Version)
		}
	}
	return r.result()
}

func withDefaults(o Options) Options {
	if o.HTTPClient == nil {
		// A whole-request timeout keeps a stalled registry from hanging a
		// scan whose context has no deadline.
		o.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if o.NPMRegistry == "" {
		o.NPMRegistry = DefaultNPMRegistry
	}
	if o.PyPIURL == "" {
		o.PyPIURL = DefaultPyPIURL
	}
	o.NPMRegistry = strings.TrimRight(o.NPMRegistry, "/")
	o.PyPIURL = strings.TrimRight(o.PyPIURL, "/")
	if o.MaxPackages <= 0 {
		o.MaxPackages = DefaultMaxPackages
	}
	if o.MaxRequests <= 0 {
		o.MaxRequests = DefaultMaxRequests
	}
	return o
}

type manifestType int

const (
	kindUnknown manifestType = iota
	kindPackageJSON
	kindRequirements
	kindPyproject
	kindSetupCfg
)

func manifestKind(p string) manifestType {
	base := path.Base(p)
	switch base {
	case "package.json":
		return kindPackageJSON
	case "pyproject.toml":
		return kindPyproject
	case "setup.cfg":
		return kindSetupCfg
	}
	ext := path.Ext(base)
	if ext != ".txt" && ext != ".in" {
		return kindUnknown
	}
	// requirements.txt, requirements-prod.txt, requirements/base.txt and
	// pip-tools' requirements.in all use pip's requirements file format.
	if strings.HasPrefix(base, "requirements") || path.Base(path.Dir(p)) == "requirements" {
		return kindRequirements
	}
	return kindUnknown
}

func (r *resolver) gap(kind, p, format string, args ...any) {
	r.gaps = append(r.gaps, Gap{Kind: kind, Path: p, Detail: fmt.Sprintf(format, args...)})
}

// fetchGap records a registry failure; it returns errLimit when the request
// budget is spent so that the caller stops resolving this manifest.
func (r *resolver) fetchGap(p string, err error, format string, args ...any) error {
	if errors.Is(err, errBudget) {
		r.gap(GapLimitExceeded, p, "registry request budget (%d) exhausted; dependency set is incomplete", r.opts.MaxRequests)
		return errLimit
	}
	r.gap(GapResolutionFailed, p, "%s: %v", fmt.Sprintf(format, args...), err)
	return nil
}

// addPackage merges p into the result. It returns errLimit (after recording
// a Gap) when p would exceed MaxPackages.
func (r *resolver) addPackage(p Package) error {
	k := pkgKey{p.Ecosystem, p.Name, p.Version}
	if old, ok := r.pkgs[k]; ok {
		if p.Direct && !old.Direct {
			old.Origin = p.Origin // a declaring manifest explains the package best
		}
		old.Direct = old.Direct || p.Direct
		old.Pinned = old.Pinned || p.Pinned
		return nil
	}
	if len(r.pkgs) >= r.opts.MaxPackages {
		r.gap(GapLimitExceeded, p.Origin, "resolved dependency set exceeds %d packages; dependency set is incomplete", r.opts.MaxPackages)
		return errLimit
	}
	r.pkgs[k] = &p
	return nil
}

func (r *resolver) result() (*Result, error) {
	res := &Result{Lockfiles: map[string]string{}}
	for _, p := range r.pkgs {
		res.Packages = append(res.Packages, *p)
	}
	slices.SortFunc(res.Packages, func(a, b Package) int {
		return cmp.Or(
			strings.Compare(string(a.Ecosystem), string(b.Ecosystem)),
			strings.Compare(a.Name, b.Name),
			compareVersions(a.Ecosystem, a.Version, b.Version),
		)
	})
	slices.SortFunc(r.gaps, func(a, b Gap) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Detail, b.Detail))
	})
	res.Gaps = slices.Compact(r.gaps)

	var npmPkgs, pyPkgs []Package
	for _, p := range res.Packages {
		if p.Ecosystem == NPM {
			npmPkgs = append(npmPkgs, p)
		} else {
			pyPkgs = append(pyPkgs, p)
		}
	}
	if len(npmPkgs) > 0 {
		data, err := r.npm.lockfile()
		if err != nil {
			return nil, fmt.Errorf("resolve: %w", err)
		}
		f, err := r.writeFile("npm", "package-lock.json", data)
		if err != nil {
			return nil, err
		}
		res.Lockfiles["package-lock.json"] = f
	}
	if len(pyPkgs) > 0 {
		f, err := r.writeFile("pypi", "requirements.txt", requirementsLock(pyPkgs))
		if err != nil {
			return nil, err
		}
		res.Lockfiles["requirements.txt"] = f
	}
	return res, nil
}

// compareVersions orders versions semantically where they parse, so that
// 1.10.0 sorts after 1.9.0; unparsable versions fall back to byte order.
func compareVersions(eco Ecosystem, a, b string) int {
	sys := semver.NPM
	if eco == PyPI {
		sys = semver.PyPI
	}
	va, errA := sys.Parse(a)
	vb, errB := sys.Parse(b)
	if errA == nil && errB == nil {
		if c := va.Compare(vb); c != 0 {
			return c
		}
	}
	return strings.Compare(a, b)
}

func (r *resolver) writeFile(sub, name string, data []byte) (string, error) {
	if r.opts.Dir == "" {
		return "", errors.New("resolve: Options.Dir is required to write synthetic lockfiles")
	}
	dir := filepath.Join(r.opts.Dir, sub)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("resolve: %w", err)
	}
	f := filepath.Join(dir, name)
	if err := os.WriteFile(f, data, 0o600); err != nil {
		return "", fmt.Errorf("resolve: %w", err)
	}
	return f, nil
}
