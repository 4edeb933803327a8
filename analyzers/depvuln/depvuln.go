// Package depvuln defines an analyzer that matches a release's dependencies
// against OSV advisories with the osv-scanner v2 library.
//
// Lockfiles in the release are scanned as they are. Manifests without a
// lockfile (the normal case for published packages) are resolved the way an
// installer would resolve them today, from registry metadata, by
// internal/resolve; offline, only exact pins count and every range is a
// coverage gap. Offline matching uses only the local database, and every
// ecosystem found without a database is a gap, never a silent pass.
package depvuln

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/google/osv-scanner/v2/pkg/models"
	"github.com/google/osv-scanner/v2/pkg/osvscanner"
	"github.com/ossf/osv-schema/bindings/go/osvschema"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/buildinfo"
	"github.com/mcpcert/mcpcert/internal/osvdb"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/resolve"
)

// Rule IDs this analyzer reports.
const (
	RuleVulnerable = "DEP001"
	RuleMalicious  = "DEP002"
)

// Analyzer finds dependencies with known vulnerabilities.
var Analyzer = &analysis.Analyzer{
	Name: "depvuln",
	Doc: `find dependencies with known vulnerabilities

Scans every lockfile osv-scanner supports, the exact versions of bundled
node_modules, and the dependency set resolved from manifests that ship
without a lockfile, against OSV (online, or offline from --osv-db). Each
ecosystem without database coverage and each dependency that could not be
pinned is a coverage gap.`,
	Version:    "osv-scanner 2.5.0", // kept equal to go.mod by analyzers/all's test
	Rules:      []string{RuleVulnerable, RuleMalicious},
	ResultType: reflect.TypeFor[*Result](),
	Run:        run,
}

// Result is the dependency set that was checked.
type Result struct {
	Packages []report.Dependency
}

// lockfiles are the file names osv-scanner v2.5.0 extracts as lockfiles.
// requirements files are absent on purpose: unpinned lines would be dropped
// silently, so they go through the resolver, which pins or reports them.
var lockfiles = map[string]bool{
	"package-lock.json": true, "npm-shrinkwrap.json": true, "pnpm-lock.yaml": true, "yarn.lock": true, "bun.lock": true,
	"poetry.lock": true, "uv.lock": true, "Pipfile.lock": true, "pdm.lock": true, "pylock.toml": true,
	"go.mod": true, "Cargo.lock": true, "composer.lock": true, "Gemfile.lock": true, "gems.locked": true,
	"gradle.lockfile": true, "mix.lock": true, "pubspec.lock": true, "renv.lock": true, "conan.lock": true,
	"packages.lock.json": true, "cabal.project.freeze": true, "stack.yaml.lock": true,
}

// lockEcosystem says which manifests a lockfile makes authoritative.
var lockEcosystem = map[string]string{
	"package-lock.json": "npm", "npm-shrinkwrap.json": "npm", "pnpm-lock.yaml": "npm", "yarn.lock": "npm", "bun.lock": "npm",
	"poetry.lock": "PyPI", "uv.lock": "PyPI", "Pipfile.lock": "PyPI", "pdm.lock": "PyPI", "pylock.toml": "PyPI",
}

func manifestEcosystem(base string) string {
	switch {
	case base == "package.json":
		return "npm"
	case base == "pyproject.toml" || base == "setup.cfg",
		strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt"):
		return "PyPI"
	}
	return ""
}

// osv-scanner keeps its logger in a global; scans are serialised so each
// one's log lines are attributed to it.
var scanMu sync.Mutex

func run(pass *analysis.Pass) (any, error) {
	cfg := pass.Config
	var locks []string
	locked := map[string]bool{} // dir + "\x00" + ecosystem
	var manifests []resolve.Manifest
	var bundled []resolve.Package
	for _, f := range pass.Files {
		base := path.Base(f.Path)
		dir := path.Dir(f.Path)
		if inNodeModules(f.Path) {
			if base == "package.json" {
				if p, ok := installedPackage(pass, f.Path); ok {
					bundled = append(bundled, p)
				}
			}
			continue
		}
		if lockfiles[base] {
			locks = append(locks, f.Path)
			if eco := lockEcosystem[base]; eco != "" {
				locked[dir+"\x00"+eco] = true
			}
		}
	}
	for _, f := range pass.Files {
		base := path.Base(f.Path)
		eco := manifestEcosystem(base)
		if eco == "" || inNodeModules(f.Path) {
			continue
		}
		if locked[path.Dir(f.Path)+"\x00"+eco] && !strings.HasPrefix(base, "requirements") {
			continue
		}
		data, err := pass.ReadFile(f.Path)
		if err != nil {
			return nil, err
		}
		manifests = append(manifests, resolve.Manifest{Path: f.Path, Data: data})
	}

	work, err := os.MkdirTemp(cfg.TempDir, "depvuln-")
	if err != nil {
		return nil, err
	}
	res := &resolve.Result{}
	if len(manifests) > 0 || len(bundled) > 0 {
		res, err = resolve.Resolve(pass.Context, manifests, resolve.Options{
			Offline:     cfg.Offline,
			HTTPClient:  cfg.HTTPClient,
			NPMRegistry: cfg.NPMRegistry,
			PyPIURL:     cfg.PyPIURL,
			Dir:         filepath.Join(work, "resolved"),
			Extra:       bundled,
		})
		if err != nil {
			return nil, fmt.Errorf("resolve dependencies: %w", err)
		}
		for _, g := range res.Gaps {
			pass.Gap(analysis.Gap{Kind: g.Kind, Path: g.Path, Detail: g.Detail})
		}
	}
	if len(locks) == 0 && len(res.Lockfiles) == 0 {
		return &Result{}, nil
	}

	actions := osvscanner.ScannerActions{
		ShowAllPackages: true,
		// With a local database, osv-scanner v2.5.0 matched nothing at all
		// when network plugins were enabled (TestNPMSourceResolvedOnline
		// caught it): local matching always runs with them disabled.
		PluginNetworkDisabled: cfg.Offline || cfg.OSVDBDir != "",
		ExperimentalScannerActions: osvscanner.ExperimentalScannerActions{
			// deps.dev transitive resolution is a network service; mcpcert
			// resolves manifests itself so the resolved set is recorded.
			TransitiveScanning: osvscanner.TransitiveScanningActions{Disabled: true},
			HTTPClient:         cfg.HTTPClient,
			RequestUserAgent:   "mcpcert/" + buildinfo.Version,
		},
	}
	for _, l := range locks {
		actions.LockfilePaths = append(actions.LockfilePaths, filepath.Join(pass.Dir, filepath.FromSlash(l)))
	}
	parseAs := slices.Sorted(maps.Keys(res.Lockfiles))
	for _, name := range parseAs {
		actions.LockfilePaths = append(actions.LockfilePaths, name+":"+res.Lockfiles[name])
	}
	// A local database is used whenever one is given, offline or not (a CI
	// runner with a mirrored database still fetches sources online).
	var db *osvdb.Local
	switch {
	case cfg.OSVDBDir != "":
		db, err = osvdb.Open(cfg.OSVDBDir)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", analysis.ErrUnavailable, err)
		}
		private, err := db.PrivateView(filepath.Join(work, "osvdb"))
		if err != nil {
			return nil, err
		}
		actions.CompareOffline = true
		actions.LocalDBPath = private
	case cfg.Offline:
		return nil, fmt.Errorf("offline scan needs a local OSV database (--osv-db): %w", analysis.ErrUnavailable)
	}

	results, logErrs, err := doScan(pass.Context, actions)
	if err != nil && !errors.Is(err, osvscanner.ErrVulnerabilitiesFound) && !errors.Is(err, osvscanner.ErrNoPackagesFound) {
		return nil, fmt.Errorf("osv-scanner: %w", err)
	}
	if len(logErrs) > 0 {
		// osv-scanner reports some failures (a missing database, an
		// unparsable lockfile) only in its log and returns no error; any of
		// them may have dropped matches, so the run cannot count as clean.
		return nil, fmt.Errorf("osv-scanner reported errors: %s", strings.Join(logErrs, "; "))
	}

	origin := map[string]resolve.Package{}
	for _, p := range res.Packages {
		origin[string(p.Ecosystem)+"\x00"+p.Name+"\x00"+p.Version] = p
	}
	synthetic := map[string]bool{}
	for _, p := range res.Lockfiles {
		synthetic[filepath.Clean(p)] = true
	}
	out := &Result{}
	ecosystems := map[string]bool{}
	seen := map[string]bool{}
	for _, src := range results.Results {
		lock := relative(pass.Dir, src.Source.Path)
		for _, pv := range src.Packages {
			pkg := pv.Package
			eco := baseEcosystem(pkg.Ecosystem)
			ecosystems[eco] = true
			dep := report.Dependency{Ecosystem: eco, Name: pkg.Name, Version: pkg.Version, Origin: lock}
			resolved := false
			if synthetic[filepath.Clean(src.Source.Path)] {
				o := origin[eco+"\x00"+pkg.Name+"\x00"+pkg.Version]
				dep.Origin, dep.Direct = o.Origin, o.Direct
				if !o.Pinned {
					resolved = true
					dep.Origin = "resolved:" + o.Origin
				}
			}
			key := dep.Ecosystem + "\x00" + dep.Name + "\x00" + dep.Version + "\x00" + dep.Origin
			if !seen[key] {
				seen[key] = true
				out.Packages = append(out.Packages, dep)
			}
			reportVulns(pass, pv, dep, resolved)
		}
	}
	sort.Slice(out.Packages, func(i, j int) bool {
		a, b := out.Packages[i], out.Packages[j]
		return a.Ecosystem+"\x00"+a.Name+"\x00"+a.Version+"\x00"+a.Origin < b.Ecosystem+"\x00"+b.Name+"\x00"+b.Version+"\x00"+b.Origin
	})
	for _, eco := range slices.Sorted(maps.Keys(ecosystems)) {
		if db == nil {
			pass.UseDatabase(analysis.Database{Name: "OSV", Ecosystem: eco, Source: "api.osv.dev (live)"})
			continue
		}
		info, ok, err := db.Info(eco)
		if err != nil {
			return nil, err
		}
		if !ok {
			pass.Gap(analysis.Gap{Kind: "no-vulnerability-database", Detail: fmt.Sprintf("no offline OSV database for ecosystem %s: its dependencies were not checked (run `mcpcert db download --ecosystem %s`)", eco, eco)})
			continue
		}
		pass.UseDatabase(info)
	}
	return out, nil
}

func doScan(ctx context.Context, actions osvscanner.ScannerActions) (models.VulnerabilityResults, []string, error) {
	scanMu.Lock()
	defer scanMu.Unlock()
	h := &captureHandler{}
	osvscanner.SetLogger(h)
	defer osvscanner.SetLogger(slog.DiscardHandler)
	type outcome struct {
		r   models.VulnerabilityResults
		err error
	}
	ch := make(chan outcome, 1)
	go func() {
		r, err := osvscanner.DoScan(actions)
		ch <- outcome{r, err}
	}()
	select {
	case o := <-ch:
		return o.r, h.errors(), o.err
	case <-ctx.Done():
		return models.VulnerabilityResults{}, nil, ctx.Err()
	}
}

// captureHandler keeps osv-scanner's error-level log records.
type captureHandler struct {
	mu   sync.Mutex
	errs []string
}

func (h *captureHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	msg := r.Message
	r.Attrs(func(a slog.Attr) bool { msg += " " + a.String(); return true })
	h.errs = append(h.errs, msg)
	return nil
}
func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *captureHandler) WithGroup(string) slog.Handler      { return h }
func (h *captureHandler) errors() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.errs)
}

func reportVulns(pass *analysis.Pass, pv models.PackageVulns, dep report.Dependency, resolved bool) {
	byID := map[string]*osvschema.Vulnerability{}
	for _, v := range pv.Vulnerabilities {
		byID[v.GetId()] = v
	}
	for _, g := range pv.Groups {
		if len(g.IDs) == 0 {
			continue
		}
		primary := primaryID(g.IDs)
		v := byID[primary]
		rule := RuleVulnerable
		for _, id := range g.IDs {
			if strings.HasPrefix(id, "MAL-") {
				rule = RuleMalicious
			}
		}
		var aliases []string
		for _, a := range g.Aliases {
			if a != primary {
				aliases = append(aliases, a)
			}
		}
		sort.Strings(aliases)
		fixed := fixedVersions(pv.Vulnerabilities, g.IDs, dep.Name)
		d := &analysis.Dependency{
			Ecosystem: dep.Ecosystem, Package: dep.Name, Version: dep.Version,
			AdvisoryID: primary, Aliases: aliases, Summary: v.GetSummary(),
			CVSS: g.MaxSeverity, Severity: severity(g.MaxSeverity, v),
			FixedIn: fixed, Source: dep.Origin, Direct: dep.Direct, Resolved: resolved,
		}
		for _, r := range v.GetReferences() {
			if r.GetType() == osvschema.Reference_ADVISORY {
				d.AdvisoryURLs = append(d.AdvisoryURLs, r.GetUrl())
			}
		}
		msg := fmt.Sprintf("%s@%s is affected by %s", dep.Name, dep.Version, primary)
		if cves := filter(aliases, "CVE-"); len(cves) > 0 {
			msg += " (" + strings.Join(cves, ", ") + ")"
		}
		if s := v.GetSummary(); s != "" {
			msg += ": " + s
		}
		if len(fixed) > 0 {
			msg += "; fixed in " + strings.Join(fixed, ", ")
		} else {
			msg += "; no fixed version published"
		}
		if resolved {
			msg += " (version chosen by resolving " + strings.TrimPrefix(dep.Origin, "resolved:") + ")"
		}
		pass.Report(analysis.Diagnostic{
			RuleID:     rule,
			Pos:        locatePackage(pass, strings.TrimPrefix(dep.Origin, "resolved:"), dep.Name, dep.Version),
			Message:    msg,
			Severity:   d.Severity,
			Key:        primary + "\x00" + dep.Name + "@" + dep.Version,
			Dependency: d,
		})
	}
}

// primaryID prefers the GHSA, then the CVE, then any other ID of a group,
// so that the same advisory has the same ID whatever database reported it.
func primaryID(ids []string) string {
	for _, prefix := range []string{"MAL-", "GHSA-", "CVE-"} {
		for _, id := range ids {
			if strings.HasPrefix(id, prefix) {
				return id
			}
		}
	}
	return ids[0]
}

func filter(ids []string, prefix string) []string {
	var out []string
	for _, id := range ids {
		if strings.HasPrefix(id, prefix) {
			out = append(out, id)
		}
	}
	return out
}

// severity rates a group from its CVSS score, or failing that from the
// advisory's own rating (GHSA's database_specific.severity).
func severity(score string, v *osvschema.Vulnerability) string {
	if f, err := strconv.ParseFloat(score, 64); err == nil && f > 0 {
		switch {
		case f >= 9:
			return "critical"
		case f >= 7:
			return "high"
		case f >= 4:
			return "medium"
		default:
			return "low"
		}
	}
	if ds := v.GetDatabaseSpecific(); ds != nil {
		switch strings.ToUpper(ds.GetFields()["severity"].GetStringValue()) {
		case "CRITICAL":
			return "critical"
		case "HIGH":
			return "high"
		case "MODERATE", "MEDIUM":
			return "medium"
		case "LOW":
			return "low"
		}
	}
	return ""
}

func fixedVersions(vulns []*osvschema.Vulnerability, ids []string, name string) []string {
	set := map[string]bool{}
	for _, v := range vulns {
		if !slices.Contains(ids, v.GetId()) {
			continue
		}
		for _, a := range v.GetAffected() {
			if !strings.EqualFold(normalizeName(a.GetPackage().GetName()), normalizeName(name)) {
				continue
			}
			for _, r := range a.GetRanges() {
				for _, e := range r.GetEvents() {
					if e.GetFixed() != "" {
						set[e.GetFixed()] = true
					}
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func normalizeName(n string) string {
	return strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(n))
}

// baseEcosystem drops the release suffix osv-scanner may add ("Go", not "Go:1.22").
func baseEcosystem(e string) string {
	eco, _, _ := strings.Cut(e, ":")
	return eco
}

func relative(root, p string) string {
	if rel, err := filepath.Rel(root, p); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return p
}

func inNodeModules(p string) bool {
	return strings.HasPrefix(p, "node_modules/") || strings.Contains(p, "/node_modules/")
}

// locatePackage finds the line that pins or declares a package in the file
// the dependency came from, by the file's own syntax; comment lines are
// never taken. The location falls back to the file itself.
func locatePackage(pass *analysis.Pass, file, name, version string) analysis.Position {
	pos := analysis.Position{Path: file}
	data, err := pass.ReadFile(file)
	if err != nil {
		return pos
	}
	norm := normalizeName(name)
	var match func(l string) bool
	switch base := path.Base(file); {
	case base == "package-lock.json" || base == "npm-shrinkwrap.json":
		match = func(l string) bool { return strings.Contains(l, `node_modules/`+name+`":`) }
	case base == "package.json":
		match = func(l string) bool { return strings.Contains(l, `"`+name+`":`) }
	case base == "go.mod":
		match = func(l string) bool {
			return slices.Contains(strings.Fields(l), name) && strings.Contains(l, " v"+strings.TrimPrefix(version, "v"))
		}
	case base == "yarn.lock":
		match = func(l string) bool { return strings.HasPrefix(l, name+"@") || strings.HasPrefix(l, `"`+name+"@") }
	case strings.HasPrefix(base, "requirements") || base == "setup.cfg":
		match = func(l string) bool {
			n := normalizeName(strings.TrimLeft(l, " \t\"'"))
			rest, ok := strings.CutPrefix(n, norm)
			return ok && (rest == "" || strings.ContainsRune("=<>!~[; ,\"'", rune(rest[0])))
		}
	default:
		match = func(l string) bool {
			return strings.Contains(l, name+"@"+version) || strings.Contains(normalizeName(l), `"`+norm+`"`)
		}
	}
	for i, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") {
			continue
		}
		if match(l) {
			pos.StartLine = i + 1
			return pos
		}
	}
	return pos
}

// installedPackage reads the name and version of a bundled node_modules package.
func installedPackage(pass *analysis.Pass, p string) (resolve.Package, bool) {
	data, err := pass.ReadFile(p)
	if err != nil {
		return resolve.Package{}, false
	}
	name, version, ok := resolve.PackageJSONIdentity(data)
	if !ok {
		return resolve.Package{}, false
	}
	return resolve.Package{Ecosystem: "npm", Name: name, Version: version, Origin: p, Pinned: true}, true
}
