package driver_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/driver"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/workspace"
	"github.com/mcpcert/mcpcert/rules"
)

func load(t *testing.T) *workspace.Workspace {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.ts"), []byte("const a = 1;\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "server.py"), []byte("x = 1\n"), 0o644)
	ws, err := workspace.Load(context.Background(), dir, workspace.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func analyzer(name string, run func(*analysis.Pass) (any, error)) *analysis.Analyzer {
	return &analysis.Analyzer{Name: name, Doc: "test analyzer", Version: "test 1", Rules: []string{"SEC001"}, Run: run}
}

func runAll(t *testing.T, budget time.Duration, as ...*analysis.Analyzer) *driver.Result {
	t.Helper()
	set := rules.MustDefault()
	if err := analysis.Validate(as, set.Has); err != nil {
		t.Fatal(err)
	}
	return driver.Run(context.Background(), load(t), as, driver.Options{Rules: set, Budget: budget, Config: &analysis.Config{}})
}

func outcome(r *driver.Result, name string) report.Engine {
	for _, e := range r.Engines {
		if e.Name == name {
			return e
		}
	}
	return report.Engine{}
}

func TestOutcomes(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	ok := analyzer("good", func(p *analysis.Pass) (any, error) {
		p.Reportf("SEC001", analysis.Position{Path: "index.ts", StartLine: 1}, "found %d", 1)
		return nil, nil
	})
	failing := analyzer("failing", func(*analysis.Pass) (any, error) { return nil, errors.New("boom") })
	panicking := analyzer("panicking", func(*analysis.Pass) (any, error) { panic("kaboom") })
	slow := analyzer("slow", func(*analysis.Pass) (any, error) { <-block; return nil, nil })
	undeclared := analyzer("undeclared", func(p *analysis.Pass) (any, error) {
		p.Report(analysis.Diagnostic{RuleID: "DEP001", Message: "not mine"})
		return nil, nil
	})
	unavailable := analyzer("unavailable", func(*analysis.Pass) (any, error) {
		return nil, errors.Join(errors.New("no database"), analysis.ErrUnavailable)
	})
	gappy := analyzer("gappy", func(p *analysis.Pass) (any, error) {
		p.Gap(analysis.Gap{Kind: "unpinned-dependency", Detail: "x"})
		return nil, nil
	})
	dependent := analyzer("dependent", func(*analysis.Pass) (any, error) { return nil, nil })
	dependent.Requires = []*analysis.Analyzer{failing}

	r := runAll(t, 300*time.Millisecond, ok, failing, panicking, slow, undeclared, unavailable, gappy, dependent)
	want := map[string]string{
		"good": report.OutcomeOK, "failing": report.OutcomeError, "panicking": report.OutcomeError,
		"slow": report.OutcomeTimeout, "undeclared": report.OutcomeError, "unavailable": report.OutcomeUnavailable,
		"gappy": report.OutcomePartial, "dependent": report.OutcomeError,
	}
	for name, w := range want {
		if got := outcome(r, name); got.Outcome != w {
			t.Errorf("%s: outcome %q (%s), want %q", name, got.Outcome, got.Detail, w)
		}
	}
	if d := outcome(r, "panicking").Detail; !strings.Contains(d, "kaboom") {
		t.Errorf("panic detail %q", d)
	}
	if len(r.Findings) != 1 || r.Findings[0].Engine != "good" || r.Findings[0].Title == "" || r.Findings[0].Fingerprint == "" {
		t.Errorf("findings = %+v", r.Findings)
	}
}

func TestFilesByLanguage(t *testing.T) {
	var seen []string
	a := analyzer("py", func(p *analysis.Pass) (any, error) {
		for _, f := range p.Files {
			seen = append(seen, f.Path)
		}
		return nil, nil
	})
	a.Languages = []analysis.Lang{analysis.LangPython}
	runAll(t, time.Minute, a)
	if len(seen) != 1 || seen[0] != "server.py" {
		t.Errorf("files = %v", seen)
	}
}

func TestSecretsRedactedEverywhere(t *testing.T) {
	const secret = "ghp_R4nd0mT0kenValue1234567890abcdefXY"
	a := analyzer("leaky", func(p *analysis.Pass) (any, error) {
		p.Report(analysis.Diagnostic{
			RuleID: "SEC001", Pos: analysis.Position{Path: "index.ts", StartLine: 1},
			// An analyzer that forgets the rule and puts the secret in its
			// message and properties must still not leak it.
			Message: "token " + secret, Secret: secret, Properties: map[string]string{"match": "x=" + secret},
		})
		return nil, nil
	})
	r := runAll(t, time.Minute, a)
	f := r.Findings[0]
	for _, s := range []string{f.Message, f.Properties["match"], f.Secret.Redacted, f.Secret.Fingerprint} {
		if strings.Contains(s, secret) || strings.Contains(s, secret[4:20]) {
			t.Errorf("secret leaked: %q", s)
		}
	}
	if !strings.HasPrefix(f.Secret.Redacted, "ghp_") || !strings.Contains(f.Secret.Redacted, "38 chars") {
		t.Errorf("redacted = %q", f.Secret.Redacted)
	}
	if got := string(r.Redactor.Bytes([]byte("a " + secret + " b"))); strings.Contains(got, secret) {
		t.Errorf("Redactor left the secret: %q", got)
	}
	if driver.Redact("short") != "******** (5 chars)" {
		t.Errorf("short secrets must not show a prefix: %q", driver.Redact("short"))
	}
}

func TestFingerprintsStableAndUnique(t *testing.T) {
	mk := func(line int) *analysis.Analyzer {
		return analyzer("dup", func(p *analysis.Pass) (any, error) {
			for _, l := range []int{line, line + 5} {
				p.Report(analysis.Diagnostic{RuleID: "SEC001", Pos: analysis.Position{Path: "index.ts", StartLine: l}, Message: "same", Secret: "s3cr3t-value-123456"})
			}
			return nil, nil
		})
	}
	a, b := runAll(t, time.Minute, mk(1)), runAll(t, time.Minute, mk(3))
	if a.Findings[0].Fingerprint == a.Findings[1].Fingerprint {
		t.Error("duplicate fingerprints in one report")
	}
	// Moving the lines does not change fingerprints: baselines survive edits.
	for i := range a.Findings {
		if a.Findings[i].Fingerprint != b.Findings[i].Fingerprint {
			t.Errorf("fingerprint changed with the line: %s vs %s", a.Findings[i].Fingerprint, b.Findings[i].Fingerprint)
		}
	}
}
