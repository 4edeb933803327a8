package secrets_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/analysistest"
	"github.com/mcpcert/mcpcert/analyzers/secrets"
)

func TestSecrets(t *testing.T) {
	_, findings := analysistest.Run(t, filepath.Join("testdata", "server"), secrets.Analyzer, nil)
	for _, f := range findings {
		if f.Secret == nil || f.Secret.Fingerprint == "" || f.Secret.Redacted == "" {
			t.Errorf("%s: secret finding without redaction/fingerprint: %+v", f.RuleID, f)
		}
		if f.Location.StartCol == 0 {
			t.Errorf("%s:%d: no column", f.Location.Path, f.Location.StartLine)
		}
	}
}

// TestNoSecretInFindings reads every planted secret back from the fixture
// and checks that no finding field carries it.
func TestNoSecretInFindings(t *testing.T) {
	_, findings := analysistest.Run(t, filepath.Join("testdata", "server"), secrets.Analyzer, nil)
	env, err := os.ReadFile(filepath.Join("testdata", "server", ".env"))
	if err != nil {
		t.Fatal(err)
	}
	var planted []string
	for _, line := range strings.Split(string(env), "\n") {
		if _, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") && len(v) > 10 {
			planted = append(planted, v)
		}
	}
	for _, f := range findings {
		for _, s := range planted {
			for _, field := range []string{f.Message, f.Secret.Redacted, f.Secret.Fingerprint, f.Fingerprint} {
				if strings.Contains(field, s) {
					t.Errorf("secret %q… leaked in %q", s[:4], field)
				}
			}
		}
	}
}

// TestChunksCoverEverything: chunks are bounded, start at the right line,
// and together cover the whole file.
func TestChunksCoverEverything(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "const line%d = 'some ordinary code here';\n", i+1)
	}
	for i := 0; b.Len() < 420_000; i++ { // one long minified line, no repeats
		fmt.Fprintf(&b, "v%d=%d;", i, i*7)
	}
	content := b.String()
	cs := secrets.Chunks([]byte(content))
	if len(cs) < 4 {
		t.Fatalf("%d chunks", len(cs))
	}
	covered := 0
	for _, c := range cs {
		if len(c.Text) > 100<<10 {
			t.Errorf("chunk of %d bytes", len(c.Text))
		}
		if m := regexp.MustCompile(`^const line(\d+) `).FindStringSubmatch(c.Text); m != nil && m[1] != strconv.Itoa(c.Line) {
			t.Errorf("chunk starting with line %s says line %d", m[1], c.Line)
		}
		start := strings.Index(content[max(0, covered-2048):], c.Text) + max(0, covered-2048)
		if start > covered {
			t.Fatalf("gap before byte %d", start)
		}
		covered = start + len(c.Text)
	}
	if covered != len(content) {
		t.Errorf("chunks cover %d of %d bytes", covered, len(content))
	}
}

// TestSecretAcrossChunkCut: a token in a minified bundle that straddles a
// hard chunk cut is found, once.
func TestSecretAcrossChunkCut(t *testing.T) {
	dir := t.TempDir()
	token := "ghp_" + "Zq8wLm3Rt7Yp2Kx9Vb4Nc6Hd1Jf5Gs0Ae3Ui"
	min := strings.Repeat("a=1;", 16380) + `var t="` + token + `";` + strings.Repeat("b=2;", 40000)
	if err := os.WriteFile(filepath.Join(dir, "bundle.min.js"), []byte(min), 0o644); err != nil {
		t.Fatal(err)
	}
	if at := strings.Index(min, token); at > 64<<10 || at+len(token) < 64<<10 {
		t.Fatalf("token at %d does not straddle the cut", at)
	}
	_, findings := analysistest.RunUnchecked(t, dir, secrets.Analyzer, nil, true)
	if len(findings) != 1 || findings[0].Location.StartLine != 1 || findings[0].Location.StartCol != strings.Index(min, token)+1 {
		t.Errorf("findings = %+v", findings)
	}
}
