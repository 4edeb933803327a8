// Package source turns a release reference (a directory, a local archive, an
// npm/PyPI/Go-proxy release or a git revision) into a tree on disk that can be
// analysed statically.
//
// Nothing obtained here is ever executed: registry metadata is read over
// HTTP, archives are unpacked by hardened in-process readers that refuse
// anything that could write outside the workspace, and git (the user's tool,
// not the scanned code) is only asked to fetch and check out, with hooks,
// filters, submodules and credential prompts disabled.
package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// UserAgent is sent with every HTTP request. The CLI sets it to
// "mcpcert/<version>" so registries can identify the client.
var UserAgent = "mcpcert"

// Sentinel errors. Every error returned by Open that is caused by the input
// (rather than by the local machine) wraps exactly one of these, so callers
// can map them to an exit code with errors.Is.
var (
	ErrUnsafeArchive = errors.New("unsafe or corrupt archive")
	ErrLimitExceeded = errors.New("limit exceeded")
	ErrIntegrity     = errors.New("integrity check failed")
	ErrNotFound      = errors.New("not found")
	ErrUnsupported   = errors.New("unsupported")
	ErrOffline       = errors.New("network access disabled (offline mode)")
	ErrBadRef        = errors.New("bad reference")
)

// Kind says where a release comes from.
type Kind string

// Source kinds.
const (
	KindDir     Kind = "dir"
	KindArchive Kind = "archive"
	KindNPM     Kind = "npm"
	KindPyPI    Kind = "pypi"
	KindGo      Kind = "go"
	KindGit     Kind = "git"
)

// Identity is the release identity recorded in reports and attestations.
type Identity struct {
	Input   string // what the user typed (credentials removed)
	Kind    Kind
	Name    string
	Version string
	// PURL is the package URL where one exists: pkg:npm/%40scope/name@1.2.3,
	// pkg:pypi/name@1.2.3, pkg:golang/github.com/org/mod@v1.2.3, and
	// pkg:github/org/repo@<commit> for github.com git sources.
	PURL string
	// Artifact is the file name of the release artifact.
	Artifact string
	// URL is where the bytes came from; it never carries userinfo.
	URL string
	// Digests of the exact artifact bytes, hex encoded: "sha256" always,
	// "sha512" for npm, "h1" (go.sum-style hash) for Go modules. Empty for
	// directories and git checkouts.
	Digests   map[string]string
	GitCommit string
	GitRef    string
	Subdir    string
	// Verified lists the published digests that were checked and matched.
	Verified []string
}

// Limits bound what an archive may expand to. Zero fields take the default.
type Limits struct {
	MaxDownloadBytes int64 // artifact size; default 512 MiB
	MaxTotalBytes    int64 // total extracted bytes; default 1 GiB
	MaxFiles         int   // archive entries; default 100 000
	MaxFileBytes     int64 // one extracted entry; default 256 MiB
	MaxRatio         int64 // uncompressed/compressed, enforced past 1 MiB; default 200
	MaxDepth         int   // path components of an entry; default 64
}

// DefaultLimits returns the limits used for zero Limits fields.
func DefaultLimits() Limits {
	return Limits{
		MaxDownloadBytes: 512 << 20,
		MaxTotalBytes:    1 << 30,
		MaxFiles:         100_000,
		MaxFileBytes:     256 << 20,
		MaxRatio:         200,
		MaxDepth:         64,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxDownloadBytes <= 0 {
		l.MaxDownloadBytes = d.MaxDownloadBytes
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = d.MaxTotalBytes
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = d.MaxFiles
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	return l
}

// Options configure Open. The zero value is usable.
type Options struct {
	Limits Limits
	// HTTPClient defaults to a client with connection timeouts that honours
	// HTTP(S)_PROXY/NO_PROXY.
	HTTPClient  *http.Client
	NPMRegistry string // default https://registry.npmjs.org
	PyPIURL     string // default https://pypi.org
	GoProxy     string // default https://proxy.golang.org
	// GoSumDB is the checksum database verifier key ("name+hash+key"), or
	// "sum.golang.org" (the default) for the public database's key.
	GoSumDB string
	// GoSumDBURL is the checksum database base URL; default
	// "<GoProxy>/sumdb/<name>". "off" skips the check, which leaves the
	// module unverified (nothing is added to Identity.Verified).
	GoSumDBURL string
	Offline    bool   // refuse every network source with ErrOffline
	Subdir     string // analyse only this subdirectory of the fetched tree
	TempDir    string // parent of the private workspace; default os.TempDir()
	Logger     *slog.Logger
}

// sumGolangOrgKey is the public verifier key of sum.golang.org, the same one
// compiled into the go command.
const sumGolangOrgKey = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ljp6/xdCx2ir7i8qQ"

func (o Options) withDefaults() Options {
	o.Limits = o.Limits.withDefaults()
	if o.HTTPClient == nil {
		o.HTTPClient = defaultHTTPClient()
	}
	o.NPMRegistry = strings.TrimRight(orDefault(o.NPMRegistry, "https://registry.npmjs.org"), "/")
	o.PyPIURL = strings.TrimRight(orDefault(o.PyPIURL, "https://pypi.org"), "/")
	o.GoProxy = strings.TrimRight(orDefault(o.GoProxy, "https://proxy.golang.org"), "/")
	if o.GoSumDB == "" || o.GoSumDB == "sum.golang.org" {
		o.GoSumDB = sumGolangOrgKey
	}
	o.GoSumDBURL = strings.TrimRight(o.GoSumDBURL, "/")
	o.TempDir = orDefault(o.TempDir, os.TempDir())
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Workspace is a fetched, unpacked release on disk.
type Workspace struct {
	// Root is the absolute path of the tree to analyse, with Subdir applied.
	// It is read-only by convention; for directory sources it is the user's
	// directory itself.
	Root     string
	Identity Identity
	// Skipped lists entries deliberately not materialised, with the reason.
	Skipped []Skipped

	tmp string // private workspace to remove on Close; "" for directories
}

// Skipped is an entry that was deliberately not materialised.
type Skipped struct{ Path, Reason string }

// Close removes the private workspace. It is a no-op for directory sources
// and safe to call more than once.
func (w *Workspace) Close() error {
	if w == nil || w.tmp == "" {
		return nil
	}
	tmp := w.tmp
	w.tmp = ""
	return os.RemoveAll(tmp)
}

// Open fetches and unpacks the release named by ref (see Parse for the
// accepted forms). On error nothing is left behind in opts.TempDir.
func Open(ctx context.Context, ref string, opts Options) (*Workspace, error) {
	r, err := Parse(ref)
	if err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	if o.Offline && r.network() {
		return nil, fmt.Errorf("%s: %w", r.display(), ErrOffline)
	}
	if r.Kind == KindDir {
		return openDir(r, o)
	}
	tmp, err := os.MkdirTemp(o.TempDir, "mcpcert-*")
	if err != nil {
		return nil, fmt.Errorf("create workspace: %w", err)
	}
	// Root must be absolute even when TempDir is relative.
	abs, err := filepath.Abs(tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("create workspace: %w", err)
	}
	tmp = abs
	f := &fetcher{ctx: ctx, opts: o, log: o.Logger, tmp: tmp}
	ws, err := f.run(r)
	if err != nil {
		if rmErr := os.RemoveAll(tmp); rmErr != nil {
			o.Logger.Warn("could not remove workspace", "dir", tmp, "err", rmErr)
		}
		return nil, err
	}
	return ws, nil
}

// fetcher carries the state of one Open call for a non-directory source.
type fetcher struct {
	ctx     context.Context
	opts    Options
	log     *slog.Logger
	tmp     string // private workspace (mode 0700)
	skipped []Skipped
}

func (f *fetcher) run(r Ref) (*Workspace, error) {
	var (
		root string
		id   Identity
		err  error
	)
	switch r.Kind {
	case KindArchive:
		root, id, err = f.archive(r)
	case KindNPM:
		root, id, err = f.npm(r)
	case KindPyPI:
		root, id, err = f.pypi(r)
	case KindGo:
		root, id, err = f.gomod(r)
	default: // KindGit; Parse returns no other kind and Open handles KindDir
		root, id, err = f.git(r)
	}
	if err != nil {
		return nil, err
	}
	id.Input = r.display()
	id.Kind = r.Kind
	root, id.Subdir, err = applySubdir(root, f.opts.Subdir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.display(), err)
	}
	return &Workspace{Root: root, Identity: id, Skipped: f.skipped, tmp: f.tmp}, nil
}

// openDir hands out the user's directory itself: the caller hashes files
// while reading them, so copying or hashing here would only cost time.
func openDir(r Ref, o Options) (*Workspace, error) {
	resolved, err := filepath.EvalSymlinks(r.Path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("directory %q: %w", r.Path, ErrNotFound)
		}
		return nil, fmt.Errorf("directory %q: %w", r.Path, err)
	}
	fi, err := os.Stat(resolved)
	if err != nil {
		return nil, fmt.Errorf("directory %q: %w", r.Path, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%q is neither a directory nor a supported archive (.tgz .tar.gz .tar .zip .mcpb .dxt .whl): %w", r.Path, ErrUnsupported)
	}
	if resolved != r.Path {
		o.Logger.Info("resolved directory symlink", "from", r.Path, "to", resolved)
	}
	root, sub, err := applySubdir(resolved, o.Subdir)
	if err != nil {
		return nil, fmt.Errorf("directory %q: %w", r.Path, err)
	}
	id := Identity{
		Input:  r.Input,
		Kind:   KindDir,
		Name:   filepath.Base(resolved),
		URL:    fileURL(resolved),
		Subdir: sub,
	}
	return &Workspace{Root: root, Identity: id}, nil
}

// applySubdir returns root/sub after checking that sub stays inside root and
// does not pass through a symlink (which could point anywhere). It also
// returns sub in cleaned slash form for the identity.
func applySubdir(root, sub string) (string, string, error) {
	if sub == "" {
		return root, "", nil
	}
	s := strings.ReplaceAll(sub, `\`, "/")
	if strings.HasPrefix(s, "/") || hasDrive(s) {
		return "", "", fmt.Errorf("subdir %q: %w: must be relative", sub, ErrBadRef)
	}
	var parts []string
	for _, p := range strings.Split(s, "/") {
		switch p {
		case "", ".":
			continue
		case "..":
			return "", "", fmt.Errorf("subdir %q: %w: must not contain ..", sub, ErrBadRef)
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return root, "", nil
	}
	cur := root
	for _, p := range parts {
		cur = filepath.Join(cur, p)
		fi, err := os.Lstat(cur)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return "", "", fmt.Errorf("subdir %q: %w", sub, ErrNotFound)
		case err != nil:
			return "", "", fmt.Errorf("subdir %q: %w", sub, err)
		case fi.Mode()&os.ModeSymlink != 0:
			return "", "", fmt.Errorf("subdir %q: %w: passes through symlink %q", sub, ErrBadRef, p)
		case !fi.IsDir():
			return "", "", fmt.Errorf("subdir %q: %w: not a directory", sub, ErrBadRef)
		}
	}
	clean := path.Join(parts...)
	if !filepath.IsLocal(filepath.FromSlash(clean)) {
		return "", "", fmt.Errorf("subdir %q: %w: not a local path", sub, ErrBadRef)
	}
	return cur, clean, nil
}

// hasDrive reports whether s starts with a Windows drive ("C:"), which makes
// it absolute or drive-relative on Windows.
func hasDrive(s string) bool {
	return len(s) >= 2 && s[1] == ':' && ('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z')
}
