package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcpcert/mcpcert/internal/accept"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/scan"
	"github.com/mcpcert/mcpcert/rules"
	"github.com/mcpcert/mcpcert/scoring"
)

// TestFixtureTiers: each fixture server lands in the tier a reviewer would
// give it, for the reasons the report gives. Servers without a lockfile are
// incomplete offline (their transitive dependencies were not checked), but
// their ceiling shows where they would land.
func TestFixtureTiers(t *testing.T) {
	tests := []struct {
		server  string
		tier    report.Tier
		ceiling report.Tier
		reasons []string // substrings of cap reasons that must be present
	}{
		{"ts-notes", scoring.TierRegulated, scoring.TierRegulated, nil},
		{"go-sdk-clean", scoring.TierRegulated, scoring.TierRegulated, nil},
		{"ts-weather-leaky", scoring.TierRejected, scoring.TierRejected, []string{"a credential ships with the release", "high-severity published vulnerability"}},
		{"go-mcpgo-tasks", scoring.TierSandbox, scoring.TierSandbox, []string{"below 75, the production threshold", "high-severity published vulnerability"}},
		{"py-lowlevel-clean", scoring.TierIncomplete, scoring.TierRegulated, []string{"depvuln: partial"}},
		// It calls fetch without declaring network egress: not regulated.
		{"mcpb-bundle", scoring.TierIncomplete, scoring.TierProduction, []string{"depvuln: partial", "regulated requires network-egress to be declared"}},
		{"ts-poisoned-calc", scoring.TierIncomplete, scoring.TierRejected, []string{"tool poisoning"}},
		{"py-poisoned-mailer", scoring.TierIncomplete, scoring.TierRejected, []string{"tool poisoning"}},
		{"go-poisoned-logs", scoring.TierIncomplete, scoring.TierRejected, []string{"tool poisoning", "rug pull risk", "mcpsurface: partial"}},
		{"py-fastmcp-files", scoring.TierIncomplete, scoring.TierRejected, []string{"critical published vulnerability"}},
	}
	for _, tt := range tests {
		t.Run(tt.server, func(t *testing.T) {
			res, err := scan.Run(context.Background(), filepath.Join(fixtures, "servers", tt.server), options(t))
			if err != nil {
				t.Fatal(err)
			}
			a := res.Report.Assessment
			if a == nil {
				t.Fatal("no assessment in the report")
			}
			if a.Tier != tt.tier || a.Ceiling != tt.ceiling {
				t.Errorf("tier %s (ceiling %s), want %s (ceiling %s); caps: %+v", a.Tier, a.Ceiling, tt.tier, tt.ceiling, a.Caps)
			}
			if a.PolicyDigest != scoring.DefaultPolicy().Digest() {
				t.Errorf("policy digest %s is not the default policy's", a.PolicyDigest)
			}
			for _, want := range tt.reasons {
				if !slices.ContainsFunc(a.Caps, func(c report.Cap) bool { return strings.Contains(c.Reason, want) }) {
					t.Errorf("no cap says %q: %+v", want, a.Caps)
				}
			}
			// Every cap and deduction points at something that exists.
			fps := map[string]bool{}
			for _, f := range res.Report.Findings {
				fps[f.Fingerprint] = true
			}
			for _, c := range a.Caps {
				if len(c.Findings)+len(c.Engines)+len(c.Evidence) == 0 {
					t.Errorf("cap %q points at nothing", c.Reason)
				}
				for _, fp := range c.Findings {
					if !fps[fp] {
						t.Errorf("cap %q points at unknown finding %s", c.Reason, fp)
					}
				}
			}
			for _, d := range a.Deductions {
				if !fps[d.Fingerprint] || d.Reason == "" {
					t.Errorf("deduction %+v is unexplained", d)
				}
			}
		})
	}
}

// TestEngineForcedToFailIsIncomplete: a clean server whose vulnerability
// database is missing is incomplete, never regulated.
func TestEngineForcedToFailIsIncomplete(t *testing.T) {
	opts := options(t)
	opts.OSVDBDir = filepath.Join(t.TempDir(), "no-such-db")
	res, err := scan.Run(context.Background(), filepath.Join(fixtures, "servers", "ts-notes"), opts)
	if err != nil {
		t.Fatal(err)
	}
	a := res.Report.Assessment
	if a.Tier != scoring.TierIncomplete || a.Tier.Meets(scoring.TierSandbox) {
		t.Fatalf("tier %s with a missing database", a.Tier)
	}
	if len(a.Incomplete) == 0 || !strings.HasPrefix(a.Incomplete[0], "depvuln: ") {
		t.Errorf("incomplete does not name depvuln: %v", a.Incomplete)
	}
}

// TestAcceptedRisks: the reviewer's file accepts findings by fingerprint,
// an inline comment accepts a secret in the publisher's code but not tool
// poisoning, and every acceptance and every problem is in the report.
func TestAcceptedRisks(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtures, "servers", "ts-weather-leaky"))
	cfg := filepath.Join(dir, "src", "config.ts")
	lines := strings.Split(readFile(t, cfg), "\n")
	// The first SEC001 is on line 14: suppress it from the line above, and
	// leave a stale suppression at the end of the file.
	lines = slices.Insert(lines, 13, "// mcpcert:ignore SEC001 revoked key used by the recorded e2e fixtures")
	lines = append(lines, "// mcpcert:ignore SEC001 stale: nothing here any more")
	writeFile(t, cfg, strings.Join(lines, "\n"))

	opts := options(t)
	opts.Now = func() time.Time { return time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC) }
	set := rules.MustDefault()
	file, err := accept.ParseFile([]byte(`
risks:
  - fingerprint: b43ed80bb1c3784d528e23a31200c805
    rule: SEC004
    reason: self-signed test certificate, never deployed
  - fingerprint: 00000000000000000000000000000000
    reason: left over from an old review
`), set.Has, scoring.IsCapability)
	if err != nil {
		t.Fatal(err)
	}
	opts.Accepted = file
	res, err := scan.Run(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	var accepted []string
	for _, f := range r.Findings {
		if f.Accepted != nil {
			accepted = append(accepted, f.RuleID+" "+f.Accepted.Origin+" "+f.Accepted.Location)
		}
	}
	slices.Sort(accepted)
	want := []string{"SEC001 inline src/config.ts:14", "SEC004 file "}
	if !slices.Equal(accepted, want) {
		t.Errorf("accepted %q, want %q", accepted, want)
	}
	if len(r.Assessment.Accepted) != 2 {
		t.Errorf("assessment lists %d accepted risks, want 2", len(r.Assessment.Accepted))
	}
	for _, d := range r.Assessment.Deductions {
		if d.RuleID == "SEC004" {
			t.Errorf("an accepted finding lost points: %+v", d)
		}
	}
	var problems []string
	for _, p := range r.SuppressionProblems {
		problems = append(problems, p.Origin+": "+p.Problem)
	}
	wantProblems := []string{"file: matches no finding", "inline: matches no finding of this rule on its line or the next"}
	if !slices.Equal(problems, wantProblems) {
		t.Errorf("problems %q, want %q", problems, wantProblems)
	}
}

// TestBaseline: a finding already in the baseline is unchanged, a new one
// is new, and a fixed one is counted as absent.
func TestBaseline(t *testing.T) {
	dir := filepath.Join(fixtures, "servers", "ts-weather-leaky")
	res, err := scan.Run(context.Background(), dir, options(t))
	if err != nil {
		t.Fatal(err)
	}
	fs := res.Report.Findings
	// The baseline knew every finding but the first, and one that is gone.
	base := `{"schemaVersion":"1","findings":[{"fingerprint":"0000000000000000ffffffffffffffff"}`
	for _, f := range fs[1:] {
		base += `,{"fingerprint":"` + f.Fingerprint + `"}`
	}
	b, err := accept.ParseBaseline([]byte(base + "]}"))
	if err != nil {
		t.Fatal(err)
	}
	opts := options(t)
	opts.Baseline = b
	res, err = scan.Run(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := res.Report.Baseline
	if got == nil || *got != (report.Baseline{New: 1, Unchanged: len(fs) - 1, Absent: 1}) {
		t.Errorf("baseline %+v", got)
	}
	if res.Report.Findings[0].BaselineState != report.BaselineNew {
		t.Errorf("first finding is %q", res.Report.Findings[0].BaselineState)
	}
}

func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDeclaredCapability: the MCPB bundle calls fetch. Undeclared, network
// egress keeps it out of regulated; declared with a justification in the
// accepted-risks file, it no longer does, and the report says so.
func TestDeclaredCapability(t *testing.T) {
	opts := options(t)
	file, err := accept.ParseFile([]byte("capabilities:\n  - name: network-egress\n    justification: calls the weather API at api.weather.example only\n"),
		rules.MustDefault().Has, scoring.IsCapability)
	if err != nil {
		t.Fatal(err)
	}
	opts.Accepted = file
	res, err := scan.Run(context.Background(), filepath.Join(fixtures, "servers", "mcpb-bundle"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Report.Assessment.Ceiling; c != scoring.TierRegulated {
		t.Errorf("ceiling %s with egress declared, want regulated: %+v", c, res.Report.Assessment.Caps)
	}
	var egress *report.Capability
	for i, c := range res.Report.Capabilities {
		if c.Name == scoring.CapNetworkEgress {
			egress = &res.Report.Capabilities[i]
		}
	}
	if egress == nil || !egress.Declared || egress.Justification == "" || !slices.Contains(egress.Evidence, "server/index.js:21 fetch") {
		t.Errorf("network egress: %+v", egress)
	}
}
