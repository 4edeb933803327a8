package scoring

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/rules"
)

// finding builds a Finding the way internal/driver does: the rule's
// metadata, the diagnostic's own severity when it has one (advisories and
// tool-poisoning clauses set it), and the v1 fingerprint of rule, path and
// key.
func finding(ruleID, severity, path, key, message string) report.Finding {
	rule, ok := rules.MustDefault().Get(ruleID)
	if !ok {
		panic("unknown rule " + ruleID)
	}
	f := report.Finding{
		RuleID:     ruleID,
		Title:      rule.Title,
		Severity:   rule.Severity,
		Confidence: rule.Confidence,
		CWE:        rule.CWE,
		Engine:     rule.Engine,
		Message:    message,
		Location:   analysis.Position{Path: path, StartLine: 1, StartCol: 1},
	}
	if severity != "" {
		f.Severity = severity
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{"mcpcert/finding/v1", ruleID, path, key}, "\x00")))
	f.Fingerprint = hex.EncodeToString(sum[:16])
	return f
}

// Findings as mcpcert reports them for a few realistic servers.
var (
	githubToken = withSecret(finding("SEC001", "", "src/index.ts", "ghp_", "GitHub personal access token assigned to GITHUB_TOKEN"))
	lodashVuln  = withDependency(finding("DEP001", "medium", "package-lock.json", "GHSA-29mw-wpgm-hmr9", "lodash 4.17.20: Regular Expression Denial of Service (ReDoS) in lodash"), "lodash", "GHSA-29mw-wpgm-hmr9", "MODERATE")
	lodashCrit  = withDependency(finding("DEP001", "critical", "package-lock.json", "GHSA-35jh-r3h4-6jhm", "lodash 4.17.20: Command Injection in lodash"), "lodash", "GHSA-35jh-r3h4-6jhm", "CRITICAL")
	sshExfil    = finding("TP013", "critical", "src/tools/notes.ts", "tool.add_note.description", `tool "add_note" description: asks to read ~/.ssh/id_rsa and pass it in the "note" parameter`)
	rugPull     = finding("TP003", "high", "src/server.ts", "dynamic", "runtime metadata: the tool list is built from data read at run time: fetch(config.toolsUrl)")
	mismatch    = finding("TP014", "high", "manifest.json", "descriptionsearch", `manifest.json: the description of tool "search" differs from the code's`)
	squat       = finding("TP010", "low", "src/index.ts", "well-known", `tool name "read_file" is the name of a widely used tool of another server; a model may call this one instead`)
)

func withSecret(f report.Finding) report.Finding {
	f.Secret = &report.Secret{Redacted: "ghp_******** (40 chars)", Fingerprint: "sha256:5e7a11c0ffee"}
	f.Properties = map[string]string{"gitleaksRule": "github-pat"}
	return f
}

func withDependency(f report.Finding, pkg, advisory, severity string) report.Finding {
	f.Dependency = &analysis.Dependency{Ecosystem: "npm", Package: pkg, Version: "4.17.20", AdvisoryID: advisory,
		Severity: severity, FixedIn: []string{"4.17.21"}, Source: "package-lock.json", Direct: true}
	return f
}

// unusedParam is a medium TP011 finding for one tool parameter.
func unusedParam(tool string) report.Finding {
	owner := `tool "` + tool + `" parameter "notes"`
	return finding("TP011", "medium", "src/tools/"+tool+".ts", "unused"+owner, owner+" is a free-text parameter the handler never reads")
}

// engines returns the required engines of the default policy, all ok,
// with any given engine replacing the one of the same name.
func engines(replace ...report.Engine) []report.Engine {
	out := []report.Engine{
		{Name: "capabilities", Version: "mcpcert-capabilities 1", Outcome: report.OutcomeOK},
		{Name: "depvuln", Version: "osv-scanner 2.5.0", Outcome: report.OutcomeOK, Rules: []string{"DEP001", "DEP002"}},
		{Name: "mcpsurface", Version: "mcpcert-surface 1", Outcome: report.OutcomeOK},
		{Name: "secrets", Version: "gitleaks 8.30.1", Outcome: report.OutcomeOK, Rules: []string{"SEC001", "SEC002", "SEC003", "SEC004"}},
		{Name: "toolpoison", Version: "mcpcert-toolpoison 1", Outcome: report.OutcomeOK, Rules: []string{"TP001", "TP003", "TP013"}},
	}
	for _, r := range replace {
		for i := range out {
			if out[i].Name == r.Name {
				out[i] = r
			}
		}
	}
	return out
}

// without returns the engines with one left out, as when it never ran.
func without(name string) []report.Engine {
	var out []report.Engine
	for _, e := range engines() {
		if e.Name != name {
			out = append(out, e)
		}
	}
	return out
}

// policyWith parses the default policy.yaml with one edit, failing the
// test if the text to replace is not in it.
func policyWith(t *testing.T, old, repl string) *Policy {
	t.Helper()
	p, err := ParsePolicy(edit(t, old, repl))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func edit(t *testing.T, old, repl string) []byte {
	t.Helper()
	s := string(defaultPolicy)
	if !strings.Contains(s, old) {
		t.Fatalf("policy.yaml has no %q", old)
	}
	return []byte(strings.Replace(s, old, repl, 1))
}

func equalJSON(t *testing.T, got, want any) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, _ := json.MarshalIndent(got, "", "  ")
	w, _ := json.MarshalIndent(want, "", "  ")
	t.Errorf("got\n%s\nwant\n%s", g, w)
}
