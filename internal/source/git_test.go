package source

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testGit runs git for test setup with an isolated configuration.
type testGit struct {
	t   *testing.T
	env []string
}

func newTestGit(t *testing.T) *testGit {
	t.Helper()
	// git is a requirement of git sources (.ci/run installs it): without it
	// these tests must fail, never skip.
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("git is required: %v", err)
	}
	home := t.TempDir()
	cfg := writeTestFile(t, home, "gitconfig", nil)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+cfg,
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	return &testGit{t: t, env: env}
}

func (g *testGit) run(dir string, args ...string) string {
	g.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = g.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestGit(t *testing.T) {
	g := newTestGit(t)
	src := filepath.Join(t.TempDir(), "repo")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	markers := t.TempDir()
	hook := "#!/bin/sh\ntouch " + filepath.Join(markers, "hook-ran") + "\n"

	g.run(src, "init", "-q", "-b", "main")
	writeTestFile(t, src, "README.md", []byte("v1\n"))
	writeTestFile(t, src, "sub/pkg/index.js", []byte("one\n"))
	writeTestFile(t, src, "hooks/post-checkout", []byte(hook))
	if err := os.Chmod(filepath.Join(src, "hooks/post-checkout"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(src, "leak")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("README.md", filepath.Join(src, "inlink")); err != nil {
		t.Fatal(err)
	}
	g.run(src, "add", "-A")
	g.run(src, "commit", "-q", "--no-verify", "-m", "one")
	c1 := g.run(src, "rev-parse", "HEAD")
	g.run(src, "tag", "-a", "v1.0", "-m", "v1.0")
	g.run(src, "checkout", "-q", "-b", "feature")
	writeTestFile(t, src, "sub/pkg/index.js", []byte("two\n"))
	g.run(src, "commit", "-q", "-a", "-m", "two")
	c2 := g.run(src, "rev-parse", "HEAD")
	g.run(src, "tag", "light")
	g.run(src, "checkout", "-q", "main")
	writeTestFile(t, src, "README.md", []byte("v3\n"))
	g.run(src, "commit", "-q", "-a", "-m", "three")
	c3 := g.run(src, "rev-parse", "HEAD")
	// Hooks in the source repository must not run on fetch either.
	writeTestFile(t, src, ".git/hooks/post-checkout", []byte(hook))
	os.Chmod(filepath.Join(src, ".git/hooks/post-checkout"), 0o755)

	// A hostile environment: a template with an active hook and GIT_DIR
	// pointing elsewhere must both be ignored.
	tmpl := t.TempDir()
	writeTestFile(t, tmpl, "hooks/post-checkout", []byte("#!/bin/sh\ntouch "+filepath.Join(markers, "template-hook-ran")+"\n"))
	os.Chmod(filepath.Join(tmpl, "hooks/post-checkout"), 0o755)
	t.Setenv("GIT_TEMPLATE_DIR", tmpl)
	t.Setenv("GIT_DIR", filepath.Join(src, ".git"))

	base := "git+file://" + src
	tests := []struct {
		name, ref, subdir string
		commit            string
		readme, index     string
	}{
		{"commit", base + "@" + c1, "", c1, "v1\n", "one\n"},
		{"annotated tag", base + "@v1.0", "", c1, "v1\n", "one\n"},
		{"lightweight tag", base + "@light", "", c2, "v1\n", "two\n"},
		{"branch", base + "@feature", "", c2, "v1\n", "two\n"},
		{"default head", base, "", c3, "v3\n", "one\n"},
		{"subdir", base + "@main", "sub/pkg", c3, "", "one\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			ws, err := Open(context.Background(), tc.ref, Options{TempDir: tmp, Subdir: tc.subdir, Offline: true})
			if err != nil {
				t.Fatal(err)
			}
			id := ws.Identity
			if id.Kind != KindGit || id.GitCommit != tc.commit || id.URL != "file://"+src || id.PURL != "" || id.Subdir != tc.subdir {
				t.Errorf("identity %+v", id)
			}
			if tc.subdir != "" {
				if got := readTestFile(t, filepath.Join(ws.Root, "index.js")); got != tc.index {
					t.Errorf("index.js = %q", got)
				}
			} else {
				tree := ws.Root
				if got := readTestFile(t, filepath.Join(tree, "README.md")); got != tc.readme {
					t.Errorf("README = %q", got)
				}
				if got := readTestFile(t, filepath.Join(tree, "sub/pkg/index.js")); got != tc.index {
					t.Errorf("index.js = %q", got)
				}
				if _, err := os.Stat(filepath.Join(tree, ".git")); !errors.Is(err, os.ErrNotExist) {
					t.Errorf(".git left in the tree (err=%v)", err)
				}
				for _, link := range []string{"leak", "inlink"} {
					if fi, err := os.Lstat(filepath.Join(tree, link)); err == nil && fi.Mode()&os.ModeSymlink != 0 {
						t.Errorf("%s is a symlink", link)
					}
					if !hasSkipped(ws, link, "symlink not followed") {
						t.Errorf("%s not recorded as skipped: %v", link, ws.Skipped)
					}
				}
				fi, err := os.Stat(filepath.Join(tree, "hooks/post-checkout"))
				if err != nil || fi.Mode()&0o111 != 0 {
					t.Errorf("hook-like file: %v, mode %v", err, fi.Mode())
				}
			}
			if err := ws.Close(); err != nil {
				t.Fatal(err)
			}
			assertDirEmpty(t, tmp)
		})
	}
	assertDirEmpty(t, markers)

	failures := []struct {
		name, ref string
		want      error
	}{
		{"missing branch", base + "@no-such-branch", ErrNotFound},
		{"missing repo", "git+file://" + filepath.Join(src, "nope") + "@main", ErrNotFound},
		{"unknown commit", base + "@" + strings.Repeat("ab", 20), nil},
	}
	for _, tc := range failures {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			_, err := Open(context.Background(), tc.ref, Options{TempDir: tmp})
			if err == nil {
				t.Fatal("expected an error")
			}
			if tc.want != nil {
				assertIs(t, err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "git+file://") {
				t.Errorf("error %q lacks the reference", err)
			}
			assertDirEmpty(t, tmp)
		})
	}

	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		tmp := t.TempDir()
		_, err := Open(ctx, base+"@main", Options{TempDir: tmp})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		assertDirEmpty(t, tmp)
	})
}

func TestGithubPURL(t *testing.T) {
	const c = "0123456789abcdef0123456789abcdef01234567"
	for raw, want := range map[string]string{
		"https://github.com/Org/Repo.git":        "pkg:github/org/repo@" + c,
		"ssh://git@github.com/org/repo":          "pkg:github/org/repo@" + c,
		"https://tok@GitHub.com/org/repo/":       "pkg:github/org/repo@" + c,
		"https://github.com/org/repo/extra":      "",
		"https://gitlab.com/org/repo":            "",
		"https://github.com.evil.example/org/re": "",
		"file:///srv/repo":                       "",
	} {
		if got := githubPURL(raw, c); got != want {
			t.Errorf("githubPURL(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestGitScrub(t *testing.T) {
	g := &gitRunner{rawURL: "https://user:s3cret@example.com/org/repo"}
	out := g.scrub("fatal: could not read from 'https://user:s3cret@example.com/org/repo': s3cret rejected for user:s3cret@")
	if strings.Contains(out, "s3cret") || !strings.Contains(out, "https://example.com/org/repo") {
		t.Errorf("scrub left %q", out)
	}
}
