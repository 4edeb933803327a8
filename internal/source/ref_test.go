package source

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tests := []struct {
		in   string
		want Ref
	}{
		{"./srv", Ref{Kind: KindDir, Path: abs("srv")}},
		{"/abs/dir", Ref{Kind: KindDir, Path: "/abs/dir"}},
		{"pkg.tgz", Ref{Kind: KindArchive, Path: abs("pkg.tgz")}},
		{"x/pkg.TAR.GZ", Ref{Kind: KindArchive, Path: abs("x/pkg.TAR.GZ")}},
		{"b.tar", Ref{Kind: KindArchive, Path: abs("b.tar")}},
		{"b.zip", Ref{Kind: KindArchive, Path: abs("b.zip")}},
		{"b.mcpb", Ref{Kind: KindArchive, Path: abs("b.mcpb")}},
		{"b.dxt", Ref{Kind: KindArchive, Path: abs("b.dxt")}},
		{"w-1.0-py3-none-any.whl", Ref{Kind: KindArchive, Path: abs("w-1.0-py3-none-any.whl")}},
		{"npm:left-pad@1.3.0", Ref{Kind: KindNPM, Name: "left-pad", Version: "1.3.0"}},
		{"npm:left-pad@v1.3.0", Ref{Kind: KindNPM, Name: "left-pad", Version: "1.3.0"}},
		{"npm:@modelcontextprotocol/server-filesystem@2026.8.31", Ref{Kind: KindNPM, Name: "@modelcontextprotocol/server-filesystem", Version: "2026.8.31"}},
		{"npm:a@1.0.0-rc.1+build.5", Ref{Kind: KindNPM, Name: "a", Version: "1.0.0-rc.1+build.5"}},
		{"npm:@s/a@latest", Ref{Kind: KindNPM, Name: "@s/a", DistTag: "latest"}},
		{"npm:JSONStream@next", Ref{Kind: KindNPM, Name: "JSONStream", DistTag: "next"}},
		{"pypi:mcp-server-fetch==2025.4.7", Ref{Kind: KindPyPI, Name: "mcp-server-fetch", Version: "2025.4.7"}},
		{"pypi:Foo_Bar.baz==1.0rc1", Ref{Kind: KindPyPI, Name: "foo-bar-baz", Version: "1.0rc1"}},
		{"pypi:a==1!2.0.post1", Ref{Kind: KindPyPI, Name: "a", Version: "1!2.0.post1"}},
		{"go:github.com/org/server@v1.2.3", Ref{Kind: KindGo, Name: "github.com/org/server", Version: "v1.2.3"}},
		{"go:github.com/org/server/v2@v2.0.0-20240101000000-abcdefabcdef", Ref{Kind: KindGo, Name: "github.com/org/server/v2", Version: "v2.0.0-20240101000000-abcdefabcdef"}},
		{"go:github.com/org/old@v3.0.0+incompatible", Ref{Kind: KindGo, Name: "github.com/org/old", Version: "v3.0.0+incompatible"}},
		{"git+https://github.com/org/repo@v1.0.0", Ref{Kind: KindGit, Name: "github.com/org/repo", URL: "https://github.com/org/repo", GitRef: "v1.0.0"}},
		{"git+https://github.com/org/repo.git@feature/x", Ref{Kind: KindGit, Name: "github.com/org/repo", URL: "https://github.com/org/repo.git", GitRef: "feature/x"}},
		{"git+ssh://git@github.com/org/repo.git@0123456789abcdef0123456789abcdef01234567", Ref{Kind: KindGit, Name: "github.com/org/repo", URL: "ssh://git@github.com/org/repo.git", GitRef: "0123456789abcdef0123456789abcdef01234567"}},
		{"git+https://tok:secret@example.com/r", Ref{Kind: KindGit, Name: "example.com/r", URL: "https://tok:secret@example.com/r", GitRef: "HEAD"}},
		{"git+http://example.com:8080/a/b@main", Ref{Kind: KindGit, Name: "example.com/a/b", URL: "http://example.com:8080/a/b", GitRef: "main"}},
		{"git+file:///srv/repos/x@main", Ref{Kind: KindGit, Name: "/srv/repos/x", URL: "file:///srv/repos/x", GitRef: "main"}},
		{"git+file:///srv/a@b/x@main", Ref{Kind: KindGit, Name: "/srv/a@b/x", URL: "file:///srv/a@b/x", GitRef: "main"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			tc.want.Input = tc.in
			if got != tc.want {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in      string
		want    error
		mention string // must appear in the message
	}{
		{"", ErrBadRef, "empty"},
		{"./a\x1bb", ErrBadRef, `\x1b`},
		{"npm:left-pad", ErrBadRef, "version required"},
		{"npm:@scope/x", ErrBadRef, "version required"},
		{"npm:left-pad@", ErrBadRef, ""},
		{"npm:left-pad@^1.3.0", ErrBadRef, "range"},
		{"npm:left-pad@~1.3.0", ErrBadRef, "range"},
		{"npm:left-pad@1.x", ErrBadRef, "range"},
		{"npm:left-pad@1.3", ErrBadRef, "range"},
		{"npm:left-pad@*", ErrBadRef, "range"},
		{"npm:left-pad@>=1.0.0 <2", ErrBadRef, "range"},
		{"npm:left-pad@1.0.0 || 2.0.0", ErrBadRef, "range"},
		{"npm:../etc@1.0.0", ErrBadRef, "invalid npm package name"},
		{"npm:a/b/c@1.0.0", ErrBadRef, "invalid npm package name"},
		{"npm:.hidden@1.0.0", ErrBadRef, "invalid npm package name"},
		{"pypi:requests", ErrBadRef, "exact version"},
		{"pypi:requests>=2", ErrBadRef, "ranges"},
		{"pypi:requests~=2.0", ErrBadRef, "ranges"},
		{"pypi:requests==2.*", ErrBadRef, "exact version"},
		{"pypi:requests===2.0", ErrBadRef, "exact version"},
		{"pypi:-bad==1.0", ErrBadRef, "invalid PyPI project name"},
		{"pypi:a/b==1.0", ErrBadRef, "invalid PyPI project name"},
		{"go:github.com/org/x", ErrBadRef, "version required"},
		{"go:github.com/org/x@latest", ErrBadRef, "exact"},
		{"go:github.com/org/x@v1.2", ErrBadRef, "exact"},
		{"go:github.com/org/x@master", ErrBadRef, "exact"},
		{"go:github.com/org/x/v2@v1.0.0", ErrBadRef, ""},
		{"go:../evil@v1.0.0", ErrBadRef, ""},
		{"git+ftp://host/repo@main", ErrUnsupported, "ftp"},
		{"git+ext::sh -c touch% /tmp/pwned", ErrBadRef, ""},
		{"git+https://github.com@main", ErrBadRef, "repository path"},
		{"git+https://github.com/org/repo@--upload-pack=evil", ErrBadRef, "invalid git ref"},
		{"git+https://github.com/org/repo@a:b", ErrBadRef, "invalid git ref"},
		{"git+https://github.com/org/repo@a..b", ErrBadRef, "invalid git ref"},
		{"git+https://github.com/org/repo?x=1@main", ErrBadRef, "query"},
		{"git+ssh://-oProxyCommand=evil/repo@main", ErrBadRef, "host"},
		{"git+file://remotehost/repo@main", ErrBadRef, "absolute local path"},
		{"https://github.com/org/repo", ErrUnsupported, "git+https"},
		{"oci:ghcr.io/x/y", ErrUnsupported, "unknown source scheme"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := Parse(tc.in)
			assertIs(t, err, tc.want)
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q does not mention %q", err, tc.mention)
			}
		})
	}
}

func TestParseGitRedactsCredentials(t *testing.T) {
	r, err := Parse("git+https://user:s3cret@example.com/org/repo@main")
	if err != nil {
		t.Fatal(err)
	}
	if d := r.display(); strings.Contains(d, "s3cret") || strings.Contains(d, "user") {
		t.Errorf("display %q leaks credentials", d)
	}
	_, err = Parse("git+https://user:s3cret@example.com/org/repo?q=1@main")
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v leaks credentials", err)
	}
	_, err = Parse("git+https://user:s3cret@exa mple.com/org/repo@main")
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v leaks credentials", err)
	}
}

func TestNormalizePyPIName(t *testing.T) {
	for in, want := range map[string]string{
		"Friendly-Bard": "friendly-bard", "FRIENDLY-BARD": "friendly-bard", "friendly.bard": "friendly-bard",
		"friendly_bard": "friendly-bard", "friendly--bard": "friendly-bard", "FrIeNdLy-._.-bArD": "friendly-bard",
	} {
		if got := normalizePyPIName(in); got != want {
			t.Errorf("normalizePyPIName(%q) = %q, want %q", in, got, want)
		}
	}
}
