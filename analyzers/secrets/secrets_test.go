package secrets_test

import (
	"os"
	"path/filepath"
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
