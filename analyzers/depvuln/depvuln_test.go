package depvuln_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/analyzers/analysistest"
	"github.com/mcpcert/mcpcert/analyzers/depvuln"
	"github.com/mcpcert/mcpcert/internal/report"
)

const fixtures = "../../fixtures"

func offline(t *testing.T, db string) *analysis.Config {
	return &analysis.Config{Offline: true, OSVDBDir: db, TempDir: t.TempDir()}
}

// TestFixtureServers checks every planted vulnerable dependency of the
// fixture servers, and nothing else, against the fixture OSV database.
func TestFixtureServers(t *testing.T) {
	servers, err := filepath.Glob(filepath.Join(fixtures, "servers", "*"))
	if err != nil || len(servers) == 0 {
		t.Fatalf("no fixture servers: %v", err)
	}
	for _, dir := range servers {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			eng, findings := analysistest.Run(t, dir, depvuln.Analyzer, offline(t, filepath.Join(fixtures, "osvdb")))
			for _, f := range findings {
				d := f.Dependency
				if d == nil || d.AdvisoryID == "" || d.Package == "" || d.Version == "" || d.Ecosystem == "" {
					t.Errorf("incomplete dependency finding: %+v", f)
					continue
				}
				if d.Severity == "" || f.Severity != d.Severity {
					t.Errorf("%s: severity %q not taken from the advisory (%q)", d.AdvisoryID, f.Severity, d.Severity)
				}
			}
			for _, db := range eng.Databases {
				if db.Records == 0 || db.SHA256 == "" || db.Modified == "" {
					t.Errorf("database without provenance: %+v", db)
				}
			}
		})
	}
}

// TestMissingEcosystemDatabase is the osv-scanner trap: with no offline
// database for one ecosystem, the library silently drops every match of the
// scan. The npm finding must survive and the PyPI gap must be reported.
func TestMissingEcosystemDatabase(t *testing.T) {
	src := t.TempDir()
	copyFile(t, filepath.Join(fixtures, "servers", "ts-weather-leaky", "package-lock.json"), filepath.Join(src, "package-lock.json"))
	os.WriteFile(filepath.Join(src, "requirements.txt"), []byte("PyYAML==5.3.1\n"), 0o644)
	db := t.TempDir()
	copyDir(t, filepath.Join(fixtures, "osvdb", "npm"), filepath.Join(db, "npm"))

	eng, findings := run(t, src, offline(t, db))
	if eng.Outcome != report.OutcomePartial {
		t.Errorf("outcome %q, want partial", eng.Outcome)
	}
	if !slices.ContainsFunc(eng.Gaps, func(g analysis.Gap) bool {
		return g.Kind == "no-vulnerability-database" && strings.Contains(g.Detail, "PyPI")
	}) {
		t.Errorf("no PyPI database gap in %+v", eng.Gaps)
	}
	if !slices.ContainsFunc(findings, func(f report.Finding) bool { return f.Dependency != nil && f.Dependency.Package == "lodash" }) {
		t.Errorf("npm matches were lost: %+v", findings)
	}
}

// TestOfflineUnpinnedManifest: a package.json with ranges and no lockfile
// cannot be resolved offline; that is a gap, while exact pins are checked.
func TestOfflineUnpinnedManifest(t *testing.T) {
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "package.json"), []byte(`{
  "name": "weather-mcp", "version": "1.0.0",
  "dependencies": {"@modelcontextprotocol/sdk": "^1.12.0", "lodash": "4.17.20"}
}`), 0o644)
	eng, findings := run(t, src, offline(t, filepath.Join(fixtures, "osvdb")))
	if eng.Outcome != report.OutcomePartial {
		t.Errorf("outcome %q, want partial", eng.Outcome)
	}
	if !slices.ContainsFunc(eng.Gaps, func(g analysis.Gap) bool {
		return g.Kind == "unpinned-dependency" && strings.Contains(g.Detail, "@modelcontextprotocol/sdk")
	}) {
		t.Errorf("no unpinned gap for the sdk in %+v", eng.Gaps)
	}
	if !slices.ContainsFunc(findings, func(f report.Finding) bool {
		return f.Dependency != nil && f.Dependency.Package == "lodash" && f.Location.Path == "package.json" && f.Location.StartLine == 3
	}) {
		t.Errorf("the exact pin lodash@4.17.20 was not checked and located: %+v", findings)
	}
}

// TestNoDatabaseOffline: offline without any database the engine is
// unavailable, never ok.
func TestNoDatabaseOffline(t *testing.T) {
	src := t.TempDir()
	copyFile(t, filepath.Join(fixtures, "servers", "ts-weather-leaky", "package-lock.json"), filepath.Join(src, "package-lock.json"))
	eng, _ := runAllowFail(t, src, offline(t, t.TempDir()))
	if eng.Outcome != report.OutcomeUnavailable {
		t.Errorf("outcome %q (%s), want unavailable", eng.Outcome, eng.Detail)
	}
}

func run(t *testing.T, dir string, cfg *analysis.Config) (report.Engine, []report.Finding) {
	t.Helper()
	return analysistest.RunUnchecked(t, dir, depvuln.Analyzer, cfg, true)
}

func runAllowFail(t *testing.T, dir string, cfg *analysis.Config) (report.Engine, []report.Finding) {
	t.Helper()
	return analysistest.RunUnchecked(t, dir, depvuln.Analyzer, cfg, false)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		copyFile(t, filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
	}
}
