package report_test

import (
	"strings"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/surface"
	"github.com/mcpcert/mcpcert/rules"
)

// rawSecret is the secret behind the fixture's secret finding. It is built at
// run time so that no secret scanner mistakes this file for a leak, and it
// must never appear in SARIF output.
var rawSecret = "sk_live_" + strings.Repeat("Q7", 12)

// testRules stands in for the rule set, so that the tests do not depend on
// the rules that happen to exist. TPS001 belongs to an engine that is not in
// the fixture report and so must not appear in SARIF.
func testRules() []rules.Rule {
	return []rules.Rule{
		{ID: "DEP001", Title: "Dependency with a known vulnerability", Severity: "high", Confidence: "high", CWE: "CWE-1395", Engine: "deps",
			Help: "A dependency has a published advisory.", Remediation: "Upgrade to a fixed version."},
		{ID: "DEP002", Title: "Unpinned dependency", Severity: "info", Confidence: "medium", Engine: "deps",
			Help: "The dependency's version is a range.", Remediation: "Commit a lockfile."},
		{ID: "SEC001", Title: "Hard-coded API key", Severity: "high", Confidence: "high", CWE: "CWE-798", Engine: "secrets",
			Help: "An API key is committed in the source.", Remediation: "Revoke the key and load it from the environment."},
		{ID: "SEC002", Title: "Possible password", Severity: "medium", Confidence: "low", CWE: "CWE-259", Engine: "secrets",
			Help: "A string looks like a password.", Remediation: "Remove it or mark it as a placeholder."},
		{ID: "TPS001", Title: "Tool poisoning", Severity: "critical", Confidence: "medium", Engine: "toolpoison",
			Help: "A tool description instructs the model.", Remediation: "Rewrite the description."},
	}
}

// populatedReport sets every field of the model, including every optional
// one, so that schema and golden tests cover all of it.
func populatedReport() *report.Report {
	return &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "mcpcert", Version: "0.4.0"},
		Source: report.Source{
			Input:    "npm:@acme/mcp-weather@1.2.3",
			Kind:     "npm",
			Name:     "@acme/mcp-weather",
			Version:  "1.2.3",
			PURL:     "pkg:npm/%40acme/mcp-weather@1.2.3",
			Artifact: "mcp-weather-1.2.3.tgz",
			URL:      "https://registry.example/@acme/mcp-weather/-/mcp-weather-1.2.3.tgz",
			Digests: map[string]string{
				"sha512": strings.Repeat("ab", 64),
				"sha256": strings.Repeat("0f", 32),
			},
			GitCommit: "0123456789abcdef0123456789abcdef01234567",
			GitRef:    "v1.2.3",
			Subdir:    "packages/weather",
			Verified:  []string{"sha512"},
		},
		Status:  report.StatusIncomplete,
		Summary: report.Summary{Total: 4, Critical: 1, High: 1, Medium: 1, Info: 1},
		Rules:   report.RuleSet{Version: "2026.11.0", Digest: "sha256:" + strings.Repeat("1e", 32)},
		Engines: []report.Engine{
			{Name: "secrets", Version: "gitleaks 8.30.1", Outcome: report.OutcomeOK, Rules: []string{"SEC001", "SEC002"}},
			{
				Name: "deps", Version: "osv-scanner 2.5.0", Outcome: report.OutcomePartial,
				Rules: []string{"DEP001", "DEP002"},
				Databases: []analysis.Database{{
					Name: "osv", Ecosystem: "npm", Source: "offline", Modified: "2026-11-20T08:00:00Z",
					Records: 20412, SHA256: strings.Repeat("c3", 32),
				}},
				Gaps: []analysis.Gap{{Kind: "unresolved", Path: "package.json", Detail: "2 dependencies have no pinned version"}},
			},
			{Name: "sast", Version: "semgrep 1.0", Outcome: report.OutcomeTimeout, Detail: "exceeded its 60s budget", Rules: []string{"SAS001"}},
		},
		Findings: []report.Finding{
			{
				RuleID: "DEP001", Title: "Dependency with a known vulnerability", Severity: "critical", Confidence: "high", CWE: "CWE-1395",
				Engine: "deps", Message: "lodash 4.17.20: Prototype pollution in lodash",
				Location:    analysis.Position{Path: "package-lock.json"},
				Fingerprint: "5f0c2a9e1b7d4c3a8e6f0b1d2c3e4f5a",
				Dependency: &analysis.Dependency{
					Ecosystem: "npm", Package: "lodash", Version: "4.17.20", AdvisoryID: "GHSA-35jh-r3h4-6jhm",
					Aliases: []string{"CVE-2021-23337"}, Summary: "Prototype pollution in lodash", Severity: "CRITICAL",
					CVSS: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", FixedIn: []string{"4.17.21"},
					Source: "package-lock.json", Direct: true, Resolved: false,
					AdvisoryURLs: []string{"https://github.com/advisories/GHSA-35jh-r3h4-6jhm"},
				},
			},
			{
				RuleID: "SEC001", Title: "Hard-coded API key", Severity: "high", Confidence: "high", CWE: "CWE-798",
				Engine: "secrets", Message: "API key assigned to STRIPE_KEY",
				Location:      analysis.Position{Path: "src/index.ts", StartLine: 12, StartCol: 5, EndLine: 12, EndCol: 45},
				Fingerprint:   "9a8b7c6d5e4f30211203f4e5d6c7b8a9",
				Secret:        &report.Secret{Redacted: rawSecret[:4] + "******** (32 chars)", Fingerprint: "sha256:00112233aabbccdd"},
				BaselineState: report.BaselineNew,
				// The driver redacts properties too; SARIF must not rely on it.
				Properties: map[string]string{"gitleaksRule": "stripe-access-token", "match": rawSecret},
			},
			{
				RuleID: "SEC002", Title: "Possible password", Severity: "medium", Confidence: "low", CWE: "CWE-259",
				Engine: "secrets", Message: "Password-like value in `DB_PASS | fallback`",
				Location:    analysis.Position{Path: "config/db.js", StartLine: 3, StartCol: 1},
				Fingerprint: "0badc0de0badc0de0badc0de0badc0de",
				Accepted: &report.AcceptedRisk{Fingerprint: "0badc0de0badc0de0badc0de0badc0de", RuleID: "SEC002", Reason: "local development default, overridden in deployment",
					Origin: "inline", Location: "config/db.js:2"},
				BaselineState: report.BaselineUnchanged,
			},
			{
				RuleID: "DEP002", Title: "Unpinned dependency", Severity: "info", Confidence: "medium",
				Engine: "deps", Message: "zod is required as ^3.23.0; the checked version was resolved",
				Location:    analysis.Position{Path: "package.json", StartLine: 14},
				Fingerprint: "feedfacefeedfacefeedfacefeedface",
				Properties:  map[string]string{"range": "^3.23.0"},
			},
		},
		Workspace: report.Workspace{
			Files: 42, Bytes: 123456,
			Skipped: []report.SkippedFile{{Path: "assets/logo.bin", Reason: "binary"}, {Path: "dist/bundle.js", Reason: "larger than 5 MiB"}},
		},
		Dependencies: []report.Dependency{
			{Ecosystem: "npm", Name: "lodash", Version: "4.17.20", Origin: "package-lock.json", Direct: true},
			{Ecosystem: "npm", Name: "zod", Version: "3.23.8", Origin: "resolved"},
		},
		Surface: &report.ToolSurface{
			Tools: []report.ToolEntry{
				{Name: "get_alerts", Pattern: "ts:registerTool", Location: analysis.Position{Path: "src/index.ts", StartLine: 20, StartCol: 3},
					Resolution: "resolved", SHA256: strings.Repeat("ab", 32)},
				{Name: "forecast", Pattern: "ts:server.tool", Location: analysis.Position{Path: "src/index.ts", StartLine: 40},
					Resolution: "partial", Reasons: []string{"template with ${units}"}},
			},
			Prompts:   []report.SurfaceEntry{{Name: "summarize", Pattern: "ts:registerPrompt", Location: analysis.Position{Path: "src/index.ts", StartLine: 60}}},
			Resources: []report.SurfaceEntry{{Name: "alerts", Pattern: "ts:registerResource", Location: analysis.Position{Path: "src/index.ts", StartLine: 70}}},
			Declared:  []report.DeclaredEntry{{Kind: "tools-json", Path: "live.json", Tools: 2}},
			Pin:       testPin(),
			LivePin:   testPin(),
		},
		Capabilities: []report.Capability{
			{Name: "network-egress", Declared: true, Justification: "calls api.weather.gov only", Evidence: []string{"src/index.ts:31 fetch"}},
			{Name: "env-read", Evidence: []string{"src/config.ts:3 process.env"}},
		},
		Assessment: &report.Assessment{
			Score: 52, Tier: report.TierIncomplete, Ceiling: report.TierSandbox,
			PolicyDigest: "sha256:" + strings.Repeat("7a", 32),
			Deductions: []report.Deduction{
				{Fingerprint: "5f0c2a9e1b7d4c3a8e6f0b1d2c3e4f5a", RuleID: "DEP001", Severity: "critical", Confidence: "high", Points: 40, Reason: "critical severity (40) × high confidence (1)"},
				{Fingerprint: "9a8b7c6d5e4f30211203f4e5d6c7b8a9", RuleID: "SEC001", Severity: "high", Confidence: "high", Points: 8, Reason: "high severity (8, SEC001 weight) × high confidence (1)"},
			},
			Caps: []report.Cap{
				{Tier: report.TierIncomplete, Reason: "sast: timeout: exceeded its 60s budget", Engines: []string{"sast"}},
				{Tier: report.TierSandbox, Reason: "a dependency has a critical published vulnerability", Findings: []string{"5f0c2a9e1b7d4c3a8e6f0b1d2c3e4f5a"}},
				{Tier: report.TierProduction, Reason: "regulated requires env-read to be declared", Capability: "env-read", Evidence: []string{"src/config.ts:3 process.env"}},
			},
			Accepted:   []report.AcceptedRisk{{Fingerprint: "0badc0de0badc0de0badc0de0badc0de", RuleID: "SEC002", Reason: "local development default, overridden in deployment", Origin: "inline", Location: "config/db.js:2"}},
			Incomplete: []string{"sast: timeout: exceeded its 60s budget"},
		},
		SuppressionProblems: []report.SuppressionProblem{
			{Origin: "inline", Location: "src/old.ts:9", RuleID: "SEC001", Problem: "matches no finding of this rule on its line or the next"},
			{Origin: "file", Fingerprint: "00000000000000000000000000000000", Problem: "matches no finding"},
		},
		Baseline: &report.Baseline{New: 3, Unchanged: 1, Absent: 2},
	}
}

func testPin() *surface.Pin {
	return &surface.Pin{Version: surface.PinVersion, SHA256: strings.Repeat("cd", 32), Exact: true, Tools: []surface.ToolPin{{
		Name: "get_alerts", SHA256: strings.Repeat("ab", 32), Exact: true,
		Normal: surface.NormalTool{Name: "get_alerts", Title: "Alerts", Description: "Get weather alerts for a US state.",
			Annotations: map[string]any{"readOnlyHint": true},
			Properties: []surface.PinnedProperty{{Path: "/properties/state", Type: "string", Description: "Two-letter state code",
				Enum: []any{"CA", "NY"}, Default: "CA", HasDefault: true, Examples: []any{"TX"}, Required: true}}},
	}}}
}

// minimalReport sets only what every report has.
func minimalReport() *report.Report {
	return &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "mcpcert", Version: "dev"},
		Source:        report.Source{Input: "./server", Kind: "dir"},
		Status:        report.StatusComplete,
		Rules:         report.RuleSet{Version: "2026.11.0", Digest: "sha256:" + strings.Repeat("00", 32)},
	}
}
