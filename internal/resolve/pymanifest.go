package resolve

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// pyManifest is what one Python manifest asks pip to install.
type pyManifest struct {
	reqs        []pyReqAt
	constraints []pyReq         // from "-c" files: restrict versions, install nothing
	pre         bool            // "--pre": pre-releases allowed everywhere
	files       map[string]bool // the manifest and every file it includes
}

func newPyManifest(p string) *pyManifest {
	return &pyManifest{files: map[string]bool{p: true}}
}

// parsePython reads a Python manifest of any supported kind.
func (r *resolver) parsePython(m Manifest) *pyManifest {
	switch manifestKind(m.Path) {
	case kindPyproject:
		return r.parsePyproject(m)
	case kindSetupCfg:
		return r.parseSetupCfg(m)
	}
	pm := newPyManifest(m.Path)
	r.readRequirements(m.Path, pm, false)
	return pm
}

// pyReqAt is a requirement and the file that declared it, which is where
// a Gap about it should point.
type pyReqAt struct {
	req  pyReq
	file string
}

var (
	reqCommentRe = regexp.MustCompile(`(^|\s+)#.*$`)
	archiveRe    = regexp.MustCompile(`(?i)\.(whl|zip|tar|tgz|tar\.gz|tar\.bz2|tar\.xz)$`)
)

// requirementLines splits a pip requirements file into logical lines:
// backslash continuations joined, comments and blank lines dropped.
func requirementLines(data string) (lines []string, numbers []int) {
	var cur strings.Builder
	start := 0
	for i, l := range strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n") {
		if cur.Len() == 0 {
			start = i + 1
		}
		if c, ok := strings.CutSuffix(l, `\`); ok && !strings.HasPrefix(strings.TrimSpace(l), "#") {
			cur.WriteString(c)
			continue
		}
		cur.WriteString(l)
		if t := strings.TrimSpace(reqCommentRe.ReplaceAllString(cur.String(), "")); t != "" {
			lines, numbers = append(lines, t), append(numbers, start)
		}
		cur.Reset()
	}
	if t := strings.TrimSpace(reqCommentRe.ReplaceAllString(cur.String(), "")); t != "" {
		lines, numbers = append(lines, t), append(numbers, start)
	}
	return lines, numbers
}

// readRequirements reads requirements file p into pm, following -r and -c
// references among the manifests handed to Resolve.
func (r *resolver) readRequirements(p string, pm *pyManifest, constraint bool) {
	pm.files[p] = true
	lines, numbers := requirementLines(string(r.files[p]))
	for i, l := range lines {
		n := numbers[i]
		if strings.HasPrefix(l, "-") {
			r.requirementsOption(p, n, l, pm, constraint)
			continue
		}
		// Per-requirement options (--hash, --config-settings …) start at
		// the first token that begins with "-".
		fields := strings.Fields(l)
		if i := slices.IndexFunc(fields, func(f string) bool { return strings.HasPrefix(f, "-") }); i >= 0 {
			fields = fields[:i]
		}
		r.addRequirement(p, n, strings.Join(fields, " "), pm, constraint)
	}
}

// addRequirement parses one requirement string found at line n of file p
// (n is 0 for manifests without meaningful line numbers).
func (r *resolver) addRequirement(p string, n int, text string, pm *pyManifest, constraint bool) {
	at := lineRef(n)
	if strings.Contains(text, "${") {
		r.gap(GapUnsupportedSpec, p, "%s%q depends on an environment variable", at, text)
		return
	}
	if archiveRe.MatchString(text) {
		r.gap(GapUnsupportedSpec, p, "%s%q is a local or remote archive, not a registry requirement", at, text)
		return
	}
	q, err := parseRequirement(text)
	if err != nil {
		if strings.Contains(text, "://") || strings.IndexAny(text, "./~") == 0 {
			r.gap(GapUnsupportedSpec, p, "%s%q is a URL, VCS or path requirement", at, text)
		} else {
			r.gap(GapMalformedManifest, p, "%s%q: %v", at, text, err)
		}
		return
	}
	if q.url != "" {
		r.gap(GapUnsupportedSpec, p, "%s%s is a direct URL reference (%s)", at, q.name, q.url)
		return
	}
	if constraint {
		pm.constraints = append(pm.constraints, q)
	} else {
		pm.reqs = append(pm.reqs, pyReqAt{q, p})
	}
}

// lineRef prefixes messages with a line number, when there is one.
func lineRef(n int) string {
	if n > 0 {
		return fmt.Sprintf("line %d: ", n)
	}
	return ""
}

func (r *resolver) requirementsOption(p string, n int, l string, pm *pyManifest, constraint bool) {
	opt, val := splitOption(l)
	switch opt {
	case "-r", "--requirement":
		r.includeRequirements(p, n, val, pm, constraint)
	case "-c", "--constraint":
		r.includeRequirements(p, n, val, pm, true)
	case "-e", "--editable":
		r.gap(GapUnsupportedSpec, p, "line %d: editable requirement %q is not resolved", n, val)
	case "-i", "--index-url":
		if u := strings.TrimRight(val, "/"); u != "https://pypi.org/simple" && u != "https://pypi.python.org/simple" {
			r.gap(GapCustomIndex, p, "line %d: packages come from index %q; resolved against PyPI instead", n, val)
		}
	case "--extra-index-url", "-f", "--find-links", "--no-index":
		r.gap(GapCustomIndex, p, "line %d: %s changes where packages come from; resolved against PyPI only", n, opt)
	case "--pre":
		pm.pre = true
	case "--hash", "--trusted-host", "--no-binary", "--only-binary", "--prefer-binary",
		"--require-hashes", "--use-feature", "--config-settings", "--global-option", "--install-option":
		// No influence on which versions are selected.
	default:
		r.gap(GapMalformedManifest, p, "line %d: unknown option %q", n, opt)
	}
}

// splitOption splits "-rfile", "-r file", "--requirement=file" and
// "--requirement file" into option and value.
func splitOption(l string) (opt, val string) {
	if strings.HasPrefix(l, "--") {
		opt, val, _ = strings.Cut(l, " ")
		if o, v, ok := strings.Cut(opt, "="); ok {
			return o, strings.TrimSpace(v + " " + val)
		}
		return opt, strings.TrimSpace(val)
	}
	if len(l) < 2 {
		return l, ""
	}
	return l[:2], strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l[2:]), "="))
}

// includeRequirements follows a -r/-c (or file:) reference relative to the
// referring file, but only within the manifests handed to Resolve: the
// package never reads the filesystem or the network for them.
func (r *resolver) includeRequirements(from string, n int, ref string, pm *pyManifest, constraint bool) {
	if strings.Contains(ref, "://") {
		r.gap(GapUnsupportedSpec, from, "%sremote requirements file %q is not fetched", lineRef(n), ref)
		return
	}
	target := path.Join(path.Dir(from), ref)
	if pm.files[target] {
		return
	}
	if _, ok := r.files[target]; !ok {
		r.gap(GapResolutionFailed, from, "%sreferenced requirements file %q was not provided", lineRef(n), target)
		return
	}
	r.readRequirements(target, pm, constraint)
}

// pyprojectTOML is the part of pyproject.toml that lists runtime
// dependencies. Optional dependencies, dependency groups and Poetry dev
// groups are not installed for consumers and are ignored.
type pyprojectTOML struct {
	Project *struct {
		Dependencies []string `toml:"dependencies"`
		Dynamic      []string `toml:"dynamic"`
	} `toml:"project"`
	Tool struct {
		Poetry struct {
			Dependencies map[string]any `toml:"dependencies"`
		} `toml:"poetry"`
		Setuptools struct {
			Dynamic struct {
				Dependencies struct {
					File any `toml:"file"`
				} `toml:"dependencies"`
			} `toml:"dynamic"`
		} `toml:"setuptools"`
	} `toml:"tool"`
}

func (r *resolver) parsePyproject(m Manifest) *pyManifest {
	pm := newPyManifest(m.Path)
	var pp pyprojectTOML
	if _, err := toml.Decode(string(m.Data), &pp); err != nil {
		r.gap(GapMalformedManifest, m.Path, "invalid pyproject.toml: %v", err)
		return pm
	}
	if pp.Project != nil {
		for _, d := range pp.Project.Dependencies {
			r.addRequirement(m.Path, 0, d, pm, false)
		}
		if slices.Contains(pp.Project.Dynamic, "dependencies") {
			files := tomlStrings(pp.Tool.Setuptools.Dynamic.Dependencies.File)
			if len(files) == 0 {
				r.gap(GapUnsupportedManifest, m.Path, "[project] dependencies are dynamic (computed by the build backend)")
			}
			for _, f := range files {
				r.includeRequirements(m.Path, 0, f, pm, false)
			}
		}
	}
	deps := pp.Tool.Poetry.Dependencies
	for _, name := range slices.Sorted(maps.Keys(deps)) {
		if strings.EqualFold(name, "python") {
			continue
		}
		r.poetryDependency(m.Path, name, deps[name], pm)
	}
	return pm
}

func tomlStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// poetryDependency translates one [tool.poetry.dependencies] entry: a
// constraint string, a table, or a list of tables (multiple constraints).
func (r *resolver) poetryDependency(p, name string, v any, pm *pyManifest) {
	if pyNameRe.FindString(name) != name {
		r.gap(GapMalformedManifest, p, "invalid Poetry dependency name %q", name)
		return
	}
	switch v := v.(type) {
	case string:
		spec, err := poetrySpec(v)
		if err != nil {
			r.gap(GapMalformedManifest, p, "Poetry dependency %s = %q: %v", name, v, err)
			return
		}
		pm.reqs = append(pm.reqs, pyReqAt{pyReq{name: normalizeName(name), spec: spec, text: name + " " + v}, p})
	case map[string]any:
		r.poetryTable(p, name, v, pm)
	case []map[string]any:
		for _, t := range v {
			r.poetryTable(p, name, t, pm)
		}
	case []any:
		for _, e := range v {
			if t, ok := e.(map[string]any); ok {
				r.poetryTable(p, name, t, pm)
			} else {
				r.gap(GapMalformedManifest, p, "Poetry dependency %s: unexpected %T in constraint list", name, e)
			}
		}
	default:
		r.gap(GapMalformedManifest, p, "Poetry dependency %s: unexpected %T", name, v)
	}
}

func (r *resolver) poetryTable(p, name string, t map[string]any, pm *pyManifest) {
	for _, k := range []string{"git", "path", "url"} {
		if _, ok := t[k]; ok {
			r.gap(GapUnsupportedSpec, p, "Poetry dependency %s is a %s dependency", name, k)
			return
		}
	}
	if opt, _ := t["optional"].(bool); opt {
		return // installed only through an extra
	}
	if py, ok := t["python"].(string); ok {
		s, err := poetrySpec(py)
		if v, perr := pythonVersion(); err == nil && perr == nil && !s.match(pyTarget["python_full_version"], v, true) {
			return
		}
	}
	if plat, ok := t["platform"].(string); ok && plat != pyTarget["sys_platform"] {
		return
	}
	if src, _ := t["source"].(string); src != "" && !strings.EqualFold(src, "pypi") {
		r.gap(GapCustomIndex, p, "Poetry dependency %s comes from source %q; resolved against PyPI instead", name, src)
	}
	ver, _ := t["version"].(string)
	spec, err := poetrySpec(ver)
	if err != nil {
		r.gap(GapMalformedManifest, p, "Poetry dependency %s version %q: %v", name, ver, err)
		return
	}
	if pre, _ := t["allow-prereleases"].(bool); pre {
		spec.pre = true
	}
	q := pyReq{name: normalizeName(name), spec: spec, text: name + " " + ver}
	for _, e := range tomlStrings(t["extras"]) {
		q.extras = append(q.extras, normalizeName(e))
	}
	slices.Sort(q.extras)
	q.extras = slices.Compact(q.extras)
	if ms, ok := t["markers"].(string); ok && strings.TrimSpace(ms) != "" {
		if q.marker, err = parseMarker(ms); err != nil {
			r.gap(GapMalformedManifest, p, "Poetry dependency %s markers %q: %v", name, ms, err)
			return
		}
	}
	pm.reqs = append(pm.reqs, pyReqAt{q, p})
}

var (
	poetryOpSpaceRe = regexp.MustCompile(`(===|>=|<=|==|!=|~=|>|<|\^|~)\s+`)
	poetrySepRe     = regexp.MustCompile(`[\s,]+`)
	poetryOrRe      = regexp.MustCompile(`\|\|?`)
	releaseRe       = regexp.MustCompile(`^\d+(?:\.\d+)*`)
)

// poetrySpec translates a Poetry constraint into PEP 440: "^" and "~" get
// Poetry's caret/tilde bounds, a bare version is an exact pin, "*" means any,
// "||" separates alternatives.
func poetrySpec(s string) (pySpec, error) {
	s = strings.TrimSpace(s)
	var alts []string
	for alt := range strings.SplitSeq(poetryOrRe.ReplaceAllString(s, "\x00"), "\x00") {
		alt = poetryOpSpaceRe.ReplaceAllString(strings.TrimSpace(alt), "$1")
		var out []string
		for c := range strings.SplitSeq(alt, ",") {
			for _, c := range poetrySepRe.Split(strings.TrimSpace(c), -1) {
				pep, err := poetryClause(c)
				if err != nil {
					return pySpec{text: s}, err
				}
				out = append(out, pep...)
			}
		}
		alts = append(alts, strings.Join(out, ","))
	}
	if len(alts) == 1 {
		spec, err := parseSpecifier(alts[0])
		spec.text = s
		return spec, err
	}
	spec := pySpec{text: s}
	for _, a := range alts {
		sub, err := parseSpecifier(a)
		if err != nil {
			return spec, err
		}
		if len(sub.alts) == 0 {
			return pySpec{text: s, pre: spec.pre || sub.pre}, nil // one alternative admits anything
		}
		spec.alts = append(spec.alts, sub.alts...)
		spec.pre = spec.pre || sub.pre
	}
	return spec, nil
}

func poetryClause(c string) ([]string, error) {
	switch {
	case c == "" || c == "*":
		return nil, nil
	case strings.HasPrefix(c, "^"):
		hi, err := bumpRelease(c[1:], true)
		return []string{">=" + c[1:], "<" + hi}, err
	case strings.HasPrefix(c, "~="):
		return []string{c}, nil
	case strings.HasPrefix(c, "~"):
		hi, err := bumpRelease(c[1:], false)
		return []string{">=" + c[1:], "<" + hi}, err
	case strings.IndexAny(c[:1], "<>=!") == 0:
		return []string{c}, nil
	}
	return []string{"==" + c}, nil // bare versions (and 1.2.*) are exact in Poetry
}

// bumpRelease returns the exclusive upper bound of a caret (^) or tilde (~)
// constraint on version v, following Poetry.
func bumpRelease(v string, caret bool) (string, error) {
	rel := releaseRe.FindString(v)
	if rel == "" {
		return "", fmt.Errorf("invalid version %q", v)
	}
	parts := strings.Split(rel, ".")
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n > 1<<30 {
			return "", fmt.Errorf("invalid version %q", v)
		}
		nums[i] = n
	}
	i := 0
	if caret {
		// The first non-zero component may not change (^0.2.3 → <0.3.0).
		for i < len(nums)-1 && nums[i] == 0 {
			i++
		}
	} else if len(nums) > 1 {
		i = 1 // ~1.2.3 → <1.3.0; ~1 → <2
	}
	out := make([]string, i+1)
	for j := range i {
		out[j] = strconv.Itoa(nums[j])
	}
	out[i] = strconv.Itoa(nums[i] + 1)
	return strings.Join(out, "."), nil
}

// parseSetupCfg reads [options] install_requires with setuptools' rules:
// a multi-line value is one requirement per line, a single-line value is
// ";"-separated, and "file:" points at requirements files.
func (r *resolver) parseSetupCfg(m Manifest) *pyManifest {
	pm := newPyManifest(m.Path)
	value, ok := setupCfgValue(string(m.Data), "options", "install_requires")
	if !ok {
		return pm
	}
	value = strings.TrimSpace(value)
	if files, ok := strings.CutPrefix(value, "file:"); ok {
		for f := range strings.SplitSeq(files, ",") {
			r.includeRequirements(m.Path, 0, strings.TrimSpace(f), pm, false)
		}
		return pm
	}
	items := strings.Split(value, "\n")
	if len(items) == 1 {
		items = strings.Split(value, ";")
	}
	for _, it := range items {
		it = strings.TrimSpace(reqCommentRe.ReplaceAllString(it, ""))
		if it != "" {
			r.addRequirement(m.Path, 0, it, pm, false)
		}
	}
	return pm
}

// setupCfgValue returns the (possibly multi-line) value of key in section
// of an INI file, as Python's configparser reads it.
func setupCfgValue(data, section, key string) (string, bool) {
	cur := ""
	var val []string
	found := false
	for _, line := range strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		if found {
			if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") {
				continue
			}
			if line[0] == ' ' || line[0] == '\t' {
				val = append(val, t)
				continue
			}
			break
		}
		switch {
		case t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";"):
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
			cur = strings.ToLower(strings.TrimSpace(t[1 : len(t)-1]))
		case cur == section && line[0] != ' ' && line[0] != '\t':
			i := strings.IndexAny(t, "=:")
			if i < 0 {
				continue
			}
			if k := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(t[:i])), "-", "_"); k == key {
				found = true
				val = append(val, strings.TrimSpace(t[i+1:]))
			}
		}
	}
	return strings.Join(val, "\n"), found
}
