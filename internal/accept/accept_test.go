package accept

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/rules"
)

func TestFindInline(t *testing.T) {
	tests := []struct {
		name, path, src string
		want            []Inline
	}{
		{"ts trailing", "src/index.ts",
			"const token = \"ghp_x\"; // mcpcert:ignore SEC001 revoked token used only by the e2e suite\n",
			[]Inline{{Path: "src/index.ts", Line: 1, RuleID: "SEC001", Reason: "revoked token used only by the e2e suite"}}},
		{"python line above", "server.py",
			"import os\n# mcpcert:ignore SEC002   sandbox key, rotated daily  \nKEY = 'x'\n",
			[]Inline{{Path: "server.py", Line: 2, RuleID: "SEC002", Reason: "sandbox key, rotated daily"}}},
		{"block comment", "main.go",
			"/* mcpcert:ignore DEP001 not reachable: only the CLI uses it */\n",
			[]Inline{{Path: "main.go", Line: 1, RuleID: "DEP001", Reason: "not reachable: only the CLI uses it"}}},
		{"html comment and CRLF", "README.md",
			"<!-- mcpcert:ignore SEC001 documentation example -->\r\nkey\r\n",
			[]Inline{{Path: "README.md", Line: 1, RuleID: "SEC001", Reason: "documentation example"}}},
		{"jsdoc continuation", "src/a.js",
			"/**\n * mcpcert:ignore SEC001 placeholder\n */\n",
			[]Inline{{Path: "src/a.js", Line: 2, RuleID: "SEC001", Reason: "placeholder"}}},
		{"no rule, no reason", "a.py", "x = 1  # mcpcert:ignore\n",
			[]Inline{{Path: "a.py", Line: 1}}},
		{"marker inside a URL is not a comment", "a.ts", "fetch('http://x.example/#mcpcert:ignore SEC001 no')\n", nil},
		{"marker in prose is not a comment", "a.md", "Use mcpcert:ignore SEC001 reason to suppress.\n", nil},
		{"binary-ish and invalid UTF-8", "a.bin", "\xff\xfe // mcpcert:ignore SEC001 \xffreason\n",
			[]Inline{{Path: "a.bin", Line: 1, RuleID: "SEC001", Reason: "\ufffdreason"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FindInline(tt.path, []byte(tt.src))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func finding(rule, path string, line int, fp string) report.Finding {
	return report.Finding{RuleID: rule, Severity: "high", Location: analysis.Position{Path: path, StartLine: line}, Fingerprint: fp}
}

var (
	fpToken  = "0123456789abcdef0123456789abcdef"
	fpPoison = "fedcba9876543210fedcba9876543210"
	fpVuln   = "00112233445566778899aabbccddeeff"
	fpOther  = "ffffffffffffffffffffffffffffffff"
)

func options() Options {
	set := rules.MustDefault()
	return Options{Inline: true, ReviewerOnly: []string{"TP*", "DEP002"}, KnownRule: set.Has, Now: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)}
}

func TestApply(t *testing.T) {
	findings := []report.Finding{
		finding("SEC001", "src/index.ts", 10, fpToken),
		finding("TP001", "src/index.ts", 20, fpPoison),
		finding("DEP001", "package-lock.json", 0, fpVuln),
	}
	inline := []Inline{
		{Path: "src/index.ts", Line: 9, RuleID: "SEC001", Reason: "revoked test token"},
		{Path: "src/index.ts", Line: 19, RuleID: "TP001", Reason: "false positive, trust me"},
		{Path: "src/index.ts", Line: 30, RuleID: "SEC001", Reason: "stale"},
		{Path: "src/index.ts", Line: 10, RuleID: "SEC003", Reason: ""},
		{Path: "src/index.ts", Line: 11, RuleID: "NOPE1", Reason: "x"},
	}
	file := &File{Risks: []Risk{
		{Fingerprint: fpVuln, Rule: "DEP001", Reason: "the vulnerable function is never called", Expires: "2026-11-21"},
		{Fingerprint: fpOther, Reason: "gone"},
		{Fingerprint: fpPoison, Rule: "SEC001", Reason: "pasted into the wrong line"},
	}}
	got := Apply(findings, inline, file, options())
	wantAccepted := map[string]report.AcceptedRisk{
		fpToken: {Fingerprint: fpToken, RuleID: "SEC001", Reason: "revoked test token", Origin: OriginInline, Location: "src/index.ts:9"},
		fpVuln:  {Fingerprint: fpVuln, RuleID: "DEP001", Reason: "the vulnerable function is never called", Origin: OriginFile},
	}
	if !reflect.DeepEqual(got.Accepted, wantAccepted) {
		t.Errorf("accepted:\n got %+v\nwant %+v", got.Accepted, wantAccepted)
	}
	wantProblems := []report.SuppressionProblem{
		{Origin: OriginFile, Fingerprint: fpPoison, RuleID: "SEC001", Problem: "the finding is TP001, not SEC001"},
		{Origin: OriginFile, Fingerprint: fpOther, Problem: "matches no finding"},
		{Origin: OriginInline, Location: "src/index.ts:10", RuleID: "SEC003", Problem: "no reason given; a suppression must say why"},
		{Origin: OriginInline, Location: "src/index.ts:11", RuleID: "NOPE1", Problem: "unknown rule"},
		{Origin: OriginInline, Location: "src/index.ts:19", RuleID: "TP001", Problem: "the policy lets only the reviewer's accepted-risks file accept this rule"},
		{Origin: OriginInline, Location: "src/index.ts:30", RuleID: "SEC001", Problem: "matches no finding of this rule on its line or the next"},
	}
	if !reflect.DeepEqual(got.Problems, wantProblems) {
		t.Errorf("problems:\n got %+v\nwant %+v", got.Problems, wantProblems)
	}
}

func TestApplyExpiredAndInlineOff(t *testing.T) {
	findings := []report.Finding{finding("SEC001", "a.py", 3, fpToken), finding("DEP001", "poetry.lock", 0, fpVuln)}
	o := options()
	o.Inline = false
	o.Now = time.Date(2026, 11, 22, 0, 0, 1, 0, time.UTC)
	got := Apply(findings, []Inline{{Path: "a.py", Line: 3, RuleID: "SEC001", Reason: "test"}},
		&File{Risks: []Risk{{Fingerprint: fpVuln, Reason: "r", Expires: "2026-11-21"}}}, o)
	if len(got.Accepted) != 0 {
		t.Fatalf("nothing may be accepted, got %+v", got.Accepted)
	}
	if len(got.Problems) != 2 || got.Problems[0].Problem != "expired on 2026-11-21" ||
		!strings.Contains(got.Problems[1].Problem, "does not allow inline") {
		t.Errorf("problems: %+v", got.Problems)
	}
}

func TestParseFile(t *testing.T) {
	set := rules.MustDefault()
	known := func(s string) bool { return s == "network-egress" }
	good := `
risks:
  - fingerprint: 0123456789abcdef0123456789abcdef
    rule: SEC001
    reason: revoked test token
    expires: 2027-01-31
capabilities:
  - name: network-egress
    justification: calls api.weather.gov only
`
	f, err := ParseFile([]byte(good), set.Has, known)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Risks) != 1 || f.Capabilities[0].Justification != "calls api.weather.gov only" {
		t.Errorf("parsed %+v", f)
	}
	bad := map[string]string{
		"no reason":        "risks: [{fingerprint: 0123456789abcdef0123456789abcdef}]",
		"blank reason":     "risks: [{fingerprint: 0123456789abcdef0123456789abcdef, reason: '  '}]",
		"bad fingerprint":  "risks: [{fingerprint: abc, reason: x}]",
		"duplicate":        "risks: [{fingerprint: 0123456789abcdef0123456789abcdef, reason: x}, {fingerprint: 0123456789abcdef0123456789abcdef, reason: y}]",
		"unknown rule":     "risks: [{fingerprint: 0123456789abcdef0123456789abcdef, reason: x, rule: XX9}]",
		"bad date":         "risks: [{fingerprint: 0123456789abcdef0123456789abcdef, reason: x, expires: soon}]",
		"unknown field":    "risks: [{fingerprint: 0123456789abcdef0123456789abcdef, reasn: x}]",
		"unknown cap":      "capabilities: [{name: telepathy, justification: x}]",
		"no justification": "capabilities: [{name: network-egress}]",
		"not yaml":         "risks: [",
	}
	for name, doc := range bad {
		if _, err := ParseFile([]byte(doc), set.Has, known); err == nil {
			t.Errorf("%s: accepted %q", name, doc)
		}
	}
	if f, err := ParseFile(nil, set.Has, known); err != nil || len(f.Risks) != 0 {
		t.Errorf("an empty file is an empty list: %v %+v", err, f)
	}
}

func TestBaseline(t *testing.T) {
	b, err := ParseBaseline([]byte(`{"schemaVersion":"1","findings":[{"fingerprint":"` + fpToken + `"},{"fingerprint":"` + fpOther + `"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	fs := []report.Finding{finding("SEC001", "a", 1, fpToken), finding("SEC001", "b", 1, fpVuln)}
	if absent := b.Mark(fs); absent != 1 {
		t.Errorf("absent = %d, want 1", absent)
	}
	if fs[0].BaselineState != report.BaselineUnchanged || fs[1].BaselineState != report.BaselineNew {
		t.Errorf("states: %q %q", fs[0].BaselineState, fs[1].BaselineState)
	}
	for _, bad := range []string{`{"findings":[]}`, `not json`, `{"schemaVersion":"1","findings":[{"fingerprint":"x"}]}`} {
		if _, err := ParseBaseline([]byte(bad)); err == nil {
			t.Errorf("accepted baseline %s", bad)
		}
	}
}
