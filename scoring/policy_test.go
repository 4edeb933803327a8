package scoring

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/internal/report"
)

func TestDefaultPolicy(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	// DefaultPolicy hands out copies: a caller that edits one must not
	// change the next scan's policy.
	p.Thresholds.Regulated = 99
	if DefaultPolicy().Thresholds.Regulated != 90 {
		t.Error("editing one DefaultPolicy changed the next one")
	}
}

func TestDigest(t *testing.T) {
	t.Parallel()
	d := DefaultPolicy().Digest()
	if !strings.HasPrefix(d, "sha256:") || len(d) != len("sha256:")+64 {
		t.Fatalf("digest %q is not sha256:<hex>", d)
	}
	if again := DefaultPolicy().Digest(); again != d {
		t.Errorf("digest is not stable: %s then %s", d, again)
	}

	// The same content in another layout (JSON is YAML) and without any
	// comment names the same policy.
	canon, err := json.Marshal(DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	relaid, err := ParsePolicy(canon)
	if err != nil {
		t.Fatal(err)
	}
	if got := relaid.Digest(); got != d {
		t.Errorf("relaid policy digest %s, want %s", got, d)
	}
	comment := edit(t, "# The default mcpcert scoring policy.", "# A renamed policy.")
	if p, err := ParsePolicy(comment); err != nil || p.Digest() != d {
		t.Errorf("a comment changed the digest (err %v)", err)
	}

	// Any change of meaning changes it.
	for name, p := range map[string]*Policy{
		"threshold": policyWith(t, "regulated: 90", "regulated: 91"),
		"weight":    policyWith(t, "medium: 8", "medium: 9"),
		"cap tier":  policyWith(t, "tier: production\n    reason: >-\n      rug pull", "tier: sandbox\n    reason: >-\n      rug pull"),
		"gaps":      policyWith(t, "{name: depvuln, gaps: incomplete}", "{name: depvuln, gaps: ignore}"),
	} {
		if p.Digest() == d {
			t.Errorf("%s: changed policy has the default digest", name)
		}
	}
}

func TestParsePolicyErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		old, repl string // edit of policy.yaml; old "" means repl is the whole document
		want      string
	}{
		{"unknown top-level field", "thresholds:", "treshold: {regulated: 90}\nthresholds:", "field treshold not found"},
		{"unknown match field", "{rules: [DEP002]}", "{rule: [DEP002]}", "field rule not found"},
		{"duplicate key", "diminishing: {after: 3, factor: 0.5}", "diminishing: {after: 3, after: 4, factor: 0.5}", `"after" already defined`},
		{"two documents", "", "---\nthresholds: {}\n---\nthresholds: {}\n", "more than one YAML document"},
		{"empty document", "", "# nothing here\n", "empty document"},
		{"not YAML", "", "thresholds: {regulated: 90\n", "policy: yaml: line"},
		{"not a mapping", "", "- regulated\n", "cannot unmarshal"},

		{"no required engine", "required_engines:\n  - {name: capabilities, gaps: incomplete}\n  - {name: depvuln, gaps: incomplete}\n  - {name: mcpsurface, gaps: incomplete}\n  - {name: secrets, gaps: incomplete}\n  - {name: toolpoison, gaps: incomplete}", "required_engines: []", "required_engines: empty"},
		{"bad gaps", "{name: secrets, gaps: incomplete}", "{name: secrets, gaps: maybe}", `required_engines[3].gaps: "maybe", want incomplete or ignore`},
		{"engine twice", "{name: secrets, gaps: incomplete}", "{name: depvuln, gaps: ignore}", "required_engines[3].name: depvuln is listed twice"},
		{"bad engine name", "{name: secrets, gaps: incomplete}", "{name: Secrets, gaps: incomplete}", `required_engines[3].name: "Secrets" is not an engine name`},

		{"bad severity weight", "low: 2,", "lo: 2,", `weights.severity: unknown severity "lo"`},
		{"missing severity weight", ", info: 0}", "}", "weights.severity.info: missing"},
		{"weights rise as severity falls", "high: 20", "high: 50", "weights.severity.high: 50 is more than critical (40)"},
		{"negative weight", "info: 0", "info: -1", "weights.severity.info: -1 is negative"},
		{"NaN weight", "info: 0", "info: .nan", "weights.severity.info: NaN is not a finite number"},
		{"multiplier above 1", "high: 1.0", "high: 1.5", "weights.confidence.high: 1.5 is outside [0, 1]"},
		{"multiplier rises as confidence falls", "low: 0.5}", "low: 0.9}", "weights.confidence.low: 0.9 is more than medium (0.75)"},
		{"unknown rule weight", "rules: {}", "rules: {DEP009: {high: 1}}", "weights.rules.DEP009: unknown rule"},
		{"negative rule weight", "rules: {}", "rules: {DEP001: {high: -1}}", "weights.rules.DEP001.high: -1, want a finite number of points"},
		{"bad rule weight severity", "rules: {}", "rules: {DEP001: {severe: 1}}", `weights.rules.DEP001: unknown severity "severe"`},

		{"diminishing after 0", "after: 3", "after: 0", "diminishing.after: 0, want at least 1"},
		{"diminishing factor above 1", "factor: 0.5", "factor: 2", "diminishing.factor: 2 is outside [0, 1]"},

		{"thresholds not monotonic", "production: 75", "production: 95", "thresholds: production (95) must be below regulated (90)"},
		{"thresholds equal", "sandbox: 50", "sandbox: 75", "thresholds: sandbox (75) must be below production (75)"},
		{"threshold above 100", "regulated: 90", "regulated: 101", "thresholds.regulated: 101 is above 100"},
		{"unknown threshold tier", "sandbox: 50}", "sandbox: 50, prod: 60}", "field prod not found"},

		{"no caps", "", minimalPolicy, "caps: empty"},
		{"bad cap tier", "tier: sandbox", "tier: sandboxed", `caps[5].tier: unknown tier "sandboxed"`},
		{"cap at regulated", "tier: sandbox", "tier: regulated", "caps[5].tier: a cap at regulated restricts nothing"},
		{"cap at incomplete", "tier: sandbox", "tier: incomplete", `caps[5].tier: unknown tier "incomplete"`},
		{"cap without reason", "reason: >-\n      a known malicious package is installed: it runs an attacker's code", `reason: ""`, "caps[4].reason: empty"},
		{"bad min_severity", "min_severity: critical}", "min_severity: crit}", `caps[5].match.min_severity: unknown severity "crit"`},
		{"empty match", "{rules: [DEP002]}", "{}", "caps[4].match: no criterion"},
		{"only an exception", "{rules: [DEP002]}", "{except_rules: [DEP002]}", "caps[4].match: no criterion"},
		{"unknown rule", "{rules: [DEP002]}", "{rules: [DEP003]}", `caps[4].match: unknown rule "DEP003"`},
		{"unknown exception", "except_rules: [TP003, TP014]", "except_rules: [TP003, TP015]", `caps[0].match: unknown rule "TP015"`},
		{"prefix matching nothing", "{rules: [DEP002]}", "{rule_prefix: TAINT}", "caps[4].match: matches no rule of rule set"},
		{"criteria that exclude each other", "{rules: [DEP002]}", "{rules: [DEP002], engine: secrets}", "caps[4].match: matches no rule of rule set"},
		{"cwe no rule has", "{rules: [DEP002]}", "{rules: [DEP002], cwes: [CWE-78]}", "caps[4].match: matches no rule of rule set"},
		{"unknown family", "{rules: [DEP002]}", "{families: [rug_pull]}", `caps[4].match.families: unknown family "rug_pull"`},
		{"unknown engine", "{rules: [DEP002]}", "{engine: deps}", `caps[4].match.engine: no rule is reported by engine "deps"`},
		{"malformed cwe", "CWE-77, CWE-78", "CWE-77, 78", `caps[7].match.cwes: "78" does not look like CWE-123`},

		{"unknown capability", "must_declare: [network-egress]", "must_declare: [network_egress]", `capabilities.regulated: unknown capability "network_egress"`},
		{"unknown capability tier", "  regulated:\n    must_declare", "  rejected:\n    must_declare", "capabilities.rejected: unknown tier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := []byte(tt.repl)
			if tt.old != "" {
				data = edit(t, tt.old, tt.repl)
			}
			p, err := ParsePolicy(data)
			if err == nil {
				t.Fatalf("parsed %+v, want an error containing %q", p, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "policy: ") {
				t.Errorf("error %q, want one starting with policy: and containing %q", err, tt.want)
			}
		})
	}
}

// minimalPolicy has every required section but caps.
const minimalPolicy = `
required_engines: [{name: secrets, gaps: incomplete}]
weights:
  severity: {critical: 10, high: 5, medium: 2, low: 1, info: 0}
  confidence: {high: 1, medium: 1, low: 1}
thresholds: {regulated: 100, production: 50, sandbox: 0}
`

func TestParsePolicyMinimal(t *testing.T) {
	t.Parallel()
	p, err := ParsePolicy([]byte(minimalPolicy + "caps: [{match: {rule_prefix: SEC}, tier: rejected, reason: a secret ships}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := Evaluate(Input{Engines: engines(), Findings: []report.Finding{squat}}, p)
	if got.Score != 99 || got.Tier != TierProduction || len(got.Caps) != 1 {
		t.Errorf("minimal policy graded one low finding %+v", got)
	}
}

// TestParsePolicyMatches covers criteria the default policy does not use,
// and a CWE-only cap, which must parse although no rule has its CWE yet.
func TestParsePolicyMatches(t *testing.T) {
	t.Parallel()
	for _, match := range []string{
		"{families: [sensitive-file, rug-pull]}",
		"{engine: toolpoison, min_severity: critical}",
		"{min_severity: critical}",
		"{cwes: [CWE-918]}",
		"{rule_prefix: DEP, cwes: [CWE-506]}",
	} {
		if _, err := ParsePolicy(edit(t, "{rules: [DEP002]}", match)); err != nil {
			t.Errorf("%s: %v", match, err)
		}
	}
}

func TestValidateReportsEverySection(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	p.Thresholds.Sandbox = -1
	p.Weights.Confidence["low"] = 2
	err := p.Validate()
	if err == nil || !strings.Contains(err.Error(), "thresholds.sandbox") || !strings.Contains(err.Error(), "weights.confidence.low") {
		t.Errorf("Validate() = %v, want both the weights and the thresholds error", err)
	}
}
