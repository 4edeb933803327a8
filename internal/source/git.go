package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// gitHardening returns the -c options passed to every git command. They
// disable everything that could run code or pull in configuration: hooks
// (hooksDir is an empty private directory), fsmonitor, submodules,
// credential helpers. core.symlinks=false makes git write symlinks as plain
// files, which git() then removes. Only the four transports Parse accepts
// are allowed (no ext::).
func gitHardening(hooksDir string) []string {
	return []string{
		"-c", "core.hooksPath=" + hooksDir,
		"-c", "core.symlinks=false",
		"-c", "core.fsmonitor=false",
		"-c", "core.autocrlf=false",
		"-c", "submodule.recurse=false",
		"-c", "credential.helper=",
		"-c", "advice.detachedHead=false",
		"-c", "protocol.allow=never",
		"-c", "protocol.https.allow=always",
		"-c", "protocol.http.allow=always",
		"-c", "protocol.ssh.allow=always",
		"-c", "protocol.file.allow=always",
		// Lets a local (file://) upload-pack serve any commit by ID; remote
		// servers decide for themselves.
		"-c", "uploadpack.allowAnySHA1InWant=true",
	}
}

// keptGitEnv are GIT_* variables that only configure how to reach the
// remote (the user's SSH and TLS setup); all other GIT_* variables are
// dropped so they cannot redirect the repository, templates or config.
var keptGitEnv = map[string]bool{
	"GIT_SSH": true, "GIT_SSH_COMMAND": true, "GIT_SSH_VARIANT": true,
	"GIT_SSL_CAINFO": true, "GIT_SSL_CAPATH": true,
}

var fullSHARE = regexp.MustCompile(`^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$`)

// git fetches exactly one revision (shallow) into a private repository,
// checks it out detached and removes .git before handing the tree out.
func (f *fetcher) git(r Ref) (string, Identity, error) {
	label := r.display()
	wrap := func(err error) (string, Identity, error) {
		return "", Identity{}, fmt.Errorf("%s: %w", label, err)
	}
	bin, err := exec.LookPath("git")
	if err != nil {
		return wrap(fmt.Errorf("%w: git is not installed", ErrUnsupported))
	}
	// The empty global config and hooks directory live in the private
	// workspace rather than at /dev/null, which is not always a device.
	tree, home, hooks := filepath.Join(f.tmp, "tree"), filepath.Join(f.tmp, "home"), filepath.Join(f.tmp, "hooks")
	for _, d := range []string{tree, home, hooks} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return wrap(err)
		}
	}
	globalConfig := filepath.Join(home, ".gitconfig")
	if err := os.WriteFile(globalConfig, nil, 0o600); err != nil {
		return wrap(err)
	}
	g := &gitRunner{ctx: f.ctx, bin: bin, dir: tree, env: gitEnv(home, globalConfig), hardening: gitHardening(hooks), rawURL: r.URL}
	f.log.Info("fetching git revision", "url", redactURL(r.URL), "ref", r.GitRef)
	if _, err := g.run("init", "-q", "--template="); err != nil {
		return wrap(err)
	}
	if _, err := g.run("remote", "add", "origin", r.URL); err != nil {
		return wrap(err)
	}
	sha := fullSHARE.MatchString(r.GitRef)
	target := "FETCH_HEAD"
	if _, err := g.run("fetch", "-q", "--depth", "1", "--no-tags", "--no-recurse-submodules", "origin", r.GitRef); err != nil {
		if !sha || f.ctx.Err() != nil {
			return wrap(err)
		}
		// Servers that refuse a want for an arbitrary commit: fetch all
		// branches and tags in full and check the commit out of them.
		f.log.Info("server refused fetch by commit; fetching all branches and tags", "err", err)
		if _, err := g.run("fetch", "-q", "--no-tags", "--no-recurse-submodules", "origin",
			"+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"); err != nil {
			return wrap(err)
		}
		target = r.GitRef
	}
	if _, err := g.run("checkout", "-q", "--detach", target); err != nil {
		return wrap(err)
	}
	commit, err := g.run("rev-parse", "HEAD")
	if err != nil {
		return wrap(err)
	}
	if sha && !strings.EqualFold(commit, r.GitRef) {
		return wrap(fmt.Errorf("%w: checked out %s, asked for %s", ErrIntegrity, commit, r.GitRef))
	}
	if err := f.neutraliseGitTree(g, tree); err != nil {
		return wrap(err)
	}
	if err := os.RemoveAll(filepath.Join(tree, ".git")); err != nil {
		return wrap(err)
	}
	id := Identity{
		Name:      r.Name,
		Version:   r.GitRef,
		URL:       redactURL(r.URL),
		GitCommit: commit,
		GitRef:    r.GitRef,
		PURL:      githubPURL(r.URL, commit),
	}
	return tree, id, nil
}

// githubPURL is pkg:github/org/repo@commit for a github.com repository URL,
// or "" for any other host.
func githubPURL(rawURL, commit string) string {
	u, err := url.Parse(rawURL)
	if err != nil || !strings.EqualFold(u.Hostname(), "github.com") {
		return ""
	}
	parts := strings.Split(strings.Trim(strings.TrimSuffix(u.Path, ".git"), "/"), "/")
	if len(parts) != 2 {
		return ""
	}
	return purl("github", parts[0], parts[1], commit)
}

// neutraliseGitTree brings a checkout in line with extracted archives:
// symlinks (written as plain files because core.symlinks=false) are removed
// and recorded, submodules are recorded as not fetched, and executable bits
// are dropped.
func (f *fetcher) neutraliseGitTree(g *gitRunner, tree string) error {
	out, err := g.run("ls-tree", "-r", "-z", "--full-tree", "HEAD")
	if err != nil {
		return err
	}
	for _, rec := range strings.Split(out, "\x00") {
		meta, p, ok := strings.Cut(rec, "\t")
		if !ok {
			continue
		}
		mode, _, _ := strings.Cut(meta, " ")
		native := filepath.FromSlash(p)
		if !filepath.IsLocal(native) {
			return fmt.Errorf("%w: git tree entry %q is not a local path", ErrUnsafeArchive, p)
		}
		full := filepath.Join(tree, native)
		switch mode {
		case "120000":
			if err := os.Remove(full); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			f.skipped = append(f.skipped, Skipped{Path: p, Reason: "symlink not followed"})
		case "160000":
			f.skipped = append(f.skipped, Skipped{Path: p, Reason: "submodule not fetched"})
		case "100755":
			if err := os.Chmod(full, 0o644); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// gitEnv is the caller's environment minus anything that could make git
// read foreign configuration or prompt, plus a private HOME.
func gitEnv(home, globalConfig string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") && !keptGitEnv[k] || k == "HOME" || k == "SSH_ASKPASS" || k == "XDG_CONFIG_HOME" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"HOME="+home,
		"GIT_TERMINAL_PROMPT=0",
		"GCM_INTERACTIVE=never",
		"SSH_ASKPASS_REQUIRE=never",
		"GIT_LFS_SKIP_SMUDGE=1",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+globalConfig,
	)
	if os.Getenv("GIT_SSH_COMMAND") == "" && os.Getenv("GIT_SSH") == "" {
		// Never wait for a password or host-key confirmation.
		env = append(env, "GIT_SSH_COMMAND=ssh -o BatchMode=yes")
	}
	return env
}

type gitRunner struct {
	ctx       context.Context
	bin       string
	dir       string
	env       []string
	hardening []string
	rawURL    string // scrubbed from messages
}

// maxGitStderr bounds how much git chatter is kept for error messages.
const maxGitStderr = 4096

// run executes one git command and returns its trimmed stdout.
func (g *gitRunner) run(args ...string) (string, error) {
	cmd := exec.CommandContext(g.ctx, g.bin, append(slices.Clone(g.hardening), args...)...)
	cmd.Dir = g.dir
	cmd.Env = g.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// Helpers (git-remote-https, ssh) may outlive a killed git; do not wait
	// for them forever once the context is done.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if cerr := g.ctx.Err(); cerr != nil {
			return "", fmt.Errorf("git %s: %w", args[0], cerr)
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > maxGitStderr {
			msg = msg[len(msg)-maxGitStderr:]
		}
		msg = g.scrub(msg)
		if strings.Contains(msg, "couldn't find remote ref") || strings.Contains(msg, "not found") ||
			strings.Contains(msg, "does not appear to be a git repository") || strings.Contains(msg, "not our ref") {
			return "", fmt.Errorf("git %s: %w: %s", args[0], ErrNotFound, msg)
		}
		return "", fmt.Errorf("git %s: %v: %s", args[0], err, msg)
	}
	return strings.TrimSpace(stdout.String()), nil
}

// scrub removes the remote URL's credentials from git output.
func (g *gitRunner) scrub(s string) string {
	u, err := url.Parse(g.rawURL)
	if err != nil || u.User == nil {
		return s
	}
	s = strings.ReplaceAll(s, g.rawURL, redactURL(g.rawURL))
	if pw, ok := u.User.Password(); ok && pw != "" {
		s = strings.ReplaceAll(s, pw, "REDACTED")
	}
	return strings.ReplaceAll(s, u.User.String()+"@", "")
}
