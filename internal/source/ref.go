package source

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Ref is a parsed release reference.
type Ref struct {
	Kind  Kind
	Input string // the reference as given; for git it may carry credentials
	// Path is the absolute local path (KindDir, KindArchive).
	Path string
	// Name is the npm package name, the PEP 503-normalised PyPI name, the Go
	// module path, or host+path of a git remote.
	Name string
	// Version is the exact version (npm, PyPI, Go). Empty when DistTag is set.
	Version string
	// DistTag is an npm dist-tag (such as "latest") to resolve to a version.
	DistTag string
	// URL is the git remote as given, without the "git+" prefix. It may
	// carry credentials, so it is only ever shown through redactURL.
	URL string
	// GitRef is the commit, tag or branch to check out ("HEAD" if omitted).
	GitRef string
}

// Parse recognises the reference forms accepted by Open:
//
//	./dir, /abs/dir                     KindDir
//	file.tgz .tar.gz .tar .zip .mcpb .dxt .whl   KindArchive
//	npm:name@1.2.3, npm:@scope/name@1.2.3, npm:name@latest
//	pypi:name==1.2.3
//	go:github.com/org/mod@v1.2.3 (semver or pseudo-version)
//	git+https://host/org/repo@<commit|tag|branch> (also git+http, git+ssh, git+file)
//
// Only exact versions are accepted (an npm dist-tag is resolved to one and
// recorded): a certificate must name the bytes it certifies.
func Parse(ref string) (Ref, error) {
	if ref == "" {
		return Ref{}, fmt.Errorf("%w: empty reference", ErrBadRef)
	}
	if strings.ContainsFunc(ref, unicode.IsControl) {
		return Ref{}, fmt.Errorf("%w: %q contains control characters", ErrBadRef, ref)
	}
	switch {
	case strings.HasPrefix(ref, "npm:"):
		return parseNPM(ref)
	case strings.HasPrefix(ref, "pypi:"):
		return parsePyPI(ref)
	case strings.HasPrefix(ref, "go:"):
		return parseGo(ref)
	case strings.HasPrefix(ref, "git+"):
		return parseGit(ref)
	}
	if m := schemeRE.FindStringSubmatch(ref); m != nil {
		hint := "prefix a local path with ./"
		if s := strings.ToLower(m[1]); s == "http" || s == "https" || s == "ssh" {
			hint = "use git+" + s + ":// for a repository"
		}
		return Ref{}, fmt.Errorf("%w: %q: unknown source scheme %q (%s)", ErrUnsupported, ref, m[1], hint)
	}
	abs, err := filepath.Abs(ref)
	if err != nil {
		return Ref{}, fmt.Errorf("%w: %q: %v", ErrBadRef, ref, err)
	}
	kind := KindDir
	if _, ok := formatFor(ref); ok {
		kind = KindArchive
	}
	return Ref{Kind: kind, Input: ref, Path: abs}, nil
}

// schemeRE matches "scheme:" prefixes; two letters minimum so that Windows
// drive letters ("C:\x") stay local paths.
var schemeRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]+):`)

// network reports whether fetching r needs the network.
func (r Ref) network() bool {
	switch r.Kind {
	case KindNPM, KindPyPI, KindGo:
		return true
	case KindGit:
		return !strings.HasPrefix(strings.ToLower(r.URL), "file:")
	}
	return false
}

// display is the reference as it may appear in errors and reports.
func (r Ref) display() string {
	if r.Kind == KindGit {
		return "git+" + redactURL(r.URL) + "@" + r.GitRef
	}
	return r.Input
}

var (
	npmNameRE = regexp.MustCompile(`(?i)^(?:@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*$`)
	// semverRE is SemVer 2.0.0 (https://semver.org), as npm versions are.
	semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
		`(?:-(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?` +
		`(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$`)
	// partialRE matches versions npm treats as ranges: 1, 1.2, 1.x, *, x.
	partialRE = regexp.MustCompile(`^[vV=]?(?:\d+|[xX*])(?:\.(?:\d+|[xX*])){0,2}$`)
	npmTagRE  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

func parseNPM(ref string) (Ref, error) {
	s := strings.TrimPrefix(ref, "npm:")
	at := strings.LastIndex(s, "@")
	if at <= 0 {
		return Ref{}, fmt.Errorf("%w: %q: version required (npm:name@1.2.3 or npm:name@latest)", ErrBadRef, ref)
	}
	name, ver := s[:at], s[at+1:]
	if len(name) > 214 || !npmNameRE.MatchString(name) {
		return Ref{}, fmt.Errorf("%w: %q: invalid npm package name %q", ErrBadRef, ref, name)
	}
	r := Ref{Kind: KindNPM, Input: ref, Name: name}
	exact := strings.TrimPrefix(ver, "v")
	switch {
	case semverRE.MatchString(exact):
		r.Version = exact
	case strings.ContainsAny(ver, " <>=^~*|") || partialRE.MatchString(ver):
		return Ref{}, fmt.Errorf("%w: %q: %q is a version range; give an exact version or a dist-tag", ErrBadRef, ref, ver)
	case npmTagRE.MatchString(ver):
		r.DistTag = ver
	default:
		return Ref{}, fmt.Errorf("%w: %q: invalid version or dist-tag %q", ErrBadRef, ref, ver)
	}
	return r, nil
}

var (
	pypiNameRE    = regexp.MustCompile(`(?i)^(?:[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`)
	pypiVersionRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.!+_-]*$`)
	pypiSepRE     = regexp.MustCompile(`[-_.]+`)
)

func parsePyPI(ref string) (Ref, error) {
	s := strings.TrimPrefix(ref, "pypi:")
	name, ver, ok := strings.Cut(s, "==")
	if !ok {
		if strings.ContainsAny(s, "<>~!=") {
			return Ref{}, fmt.Errorf("%w: %q: version ranges are not accepted; use pypi:name==1.2.3", ErrBadRef, ref)
		}
		return Ref{}, fmt.Errorf("%w: %q: exact version required (pypi:name==1.2.3)", ErrBadRef, ref)
	}
	if !pypiNameRE.MatchString(name) {
		return Ref{}, fmt.Errorf("%w: %q: invalid PyPI project name %q", ErrBadRef, ref, name)
	}
	if !pypiVersionRE.MatchString(ver) {
		return Ref{}, fmt.Errorf("%w: %q: exact version required, got %q", ErrBadRef, ref, ver)
	}
	return Ref{Kind: KindPyPI, Input: ref, Name: normalizePyPIName(name), Version: ver}, nil
}

// normalizePyPIName applies PEP 503: lowercase, runs of -_. become "-".
func normalizePyPIName(name string) string {
	return strings.ToLower(pypiSepRE.ReplaceAllString(name, "-"))
}

func parseGo(ref string) (Ref, error) {
	s := strings.TrimPrefix(ref, "go:")
	at := strings.LastIndex(s, "@")
	if at <= 0 {
		return Ref{}, fmt.Errorf("%w: %q: version required (go:module@v1.2.3)", ErrBadRef, ref)
	}
	p, v := s[:at], s[at+1:]
	if err := module.CheckPath(p); err != nil {
		return Ref{}, fmt.Errorf("%w: %q: %v", ErrBadRef, ref, err)
	}
	if !semver.IsValid(v) || module.CanonicalVersion(v) != v {
		return Ref{}, fmt.Errorf("%w: %q: exact canonical version or pseudo-version required, got %q", ErrBadRef, ref, v)
	}
	if err := module.Check(p, v); err != nil {
		return Ref{}, fmt.Errorf("%w: %q: %v", ErrBadRef, ref, err)
	}
	return Ref{Kind: KindGo, Input: ref, Name: p, Version: v}, nil
}

func parseGit(ref string) (Ref, error) {
	s := strings.TrimPrefix(ref, "git+")
	i := strings.Index(s, "://")
	if i < 0 {
		return Ref{}, fmt.Errorf("%w: git reference must be git+https://, git+http://, git+ssh:// or git+file://", ErrBadRef)
	}
	switch strings.ToLower(s[:i]) {
	case "https", "http", "ssh", "file":
	default:
		return Ref{}, fmt.Errorf("%w: git transport %q (use https, http, ssh or file)", ErrUnsupported, s[:i])
	}
	rest := s[i+3:]
	slash := strings.Index(rest, "/")
	if slash < 0 {
		return Ref{}, fmt.Errorf("%w: git reference has no repository path", ErrBadRef)
	}
	// The ref follows the last "@" of the path; an "@" in the authority is
	// userinfo (git@host).
	raw, gitRef := s, "HEAD"
	if at := strings.LastIndex(rest[slash:], "@"); at >= 0 {
		raw = s[:i+3+slash+at]
		gitRef = rest[slash+at+1:]
	}
	u, err := url.Parse(raw)
	if err != nil {
		// *url.Error quotes the whole URL, credentials included; keep the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return Ref{}, fmt.Errorf("%w: invalid git URL: %v", ErrBadRef, err)
	}
	safe := redactURL(raw)
	switch {
	case u.RawQuery != "" || u.Fragment != "":
		return Ref{}, fmt.Errorf("%w: %q: query and fragment are not supported in git URLs", ErrBadRef, safe)
	case u.Scheme == "file" && (u.Host != "" && u.Host != "localhost" || !strings.HasPrefix(u.Path, "/")):
		return Ref{}, fmt.Errorf("%w: %q: git+file needs an absolute local path (git+file:///abs/path)", ErrBadRef, safe)
	case u.Scheme != "file" && (u.Hostname() == "" || strings.HasPrefix(u.Hostname(), "-")):
		return Ref{}, fmt.Errorf("%w: %q: invalid host", ErrBadRef, safe)
	}
	if !validGitRef(gitRef) {
		return Ref{}, fmt.Errorf("%w: invalid git ref %q", ErrBadRef, gitRef)
	}
	name := strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), ".git")
	if u.Scheme != "file" {
		name = u.Hostname() + name
	}
	return Ref{Kind: KindGit, Input: ref, Name: name, URL: raw, GitRef: gitRef}, nil
}

// validGitRef accepts commit IDs and ref names per git-check-ref-format,
// and in particular nothing git could read as an option or a refspec.
func validGitRef(r string) bool {
	if r == "" || len(r) > 255 || strings.HasPrefix(r, "-") || strings.HasPrefix(r, "/") ||
		strings.HasSuffix(r, "/") || strings.HasSuffix(r, ".") || strings.HasSuffix(r, ".lock") ||
		strings.Contains(r, "..") || strings.Contains(r, "@{") || strings.Contains(r, "//") {
		return false
	}
	return !strings.ContainsFunc(r, func(c rune) bool {
		return c <= ' ' || c == 0x7f || strings.ContainsRune(`~^:?*[\`, c)
	})
}
