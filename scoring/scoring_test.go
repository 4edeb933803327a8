package scoring

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/report"
)

const (
	secretCap     = "a credential ships with the release: everyone who installs the server can read it"
	poisonCap     = "tool poisoning: metadata the model reads carries instructions, concealment or exfiltration the user never sees"
	rugPullCap    = "rug pull risk: the server can change its tool definitions after they were approved, so approved tools are not necessarily the ones that run"
	mismatchCap   = "the declared tool surface differs from the code: users approve descriptions that are not the ones that run"
	criticalDep   = "a dependency has a critical published vulnerability"
	highDep       = "a dependency has a high-severity published vulnerability"
	egressMissing = "regulated requires network-egress to be declared, and the server uses it without declaring it"
)

func TestEvaluate(t *testing.T) {
	t.Parallel()
	egress := Capability{Name: CapNetworkEgress, Evidence: []string{"0f1e2d3c4b5a69788796a5b4c3d2e1f0"}}
	declaredEgress := egress
	declaredEgress.Declared = true

	tests := []struct {
		name   string
		in     Input
		policy *Policy // the default policy when nil
		want   Result
	}{{
		name: "clean server",
		in:   Input{Engines: engines()},
		want: Result{Score: 100, Tier: TierRegulated, Ceiling: TierRegulated},
	}, {
		// A moderate advisory costs 8 points: still regulated by default.
		name: "one medium vulnerable dependency",
		in:   Input{Findings: []report.Finding{lodashVuln}, Engines: engines()},
		want: Result{Score: 92, Tier: TierRegulated, Ceiling: TierRegulated, Deductions: []Deduction{
			{Fingerprint: lodashVuln.Fingerprint, RuleID: "DEP001", Severity: "medium", Confidence: "high", Points: 8, Reason: "medium severity (8) × high confidence (1)"},
		}},
	}, {
		name: "planted GitHub token",
		in:   Input{Findings: []report.Finding{githubToken}, Engines: engines()},
		want: Result{Score: 80, Tier: TierRejected, Ceiling: TierRejected,
			Deductions: []Deduction{{Fingerprint: githubToken.Fingerprint, RuleID: "SEC001", Severity: "high", Confidence: "high", Points: 20, Reason: "high severity (20) × high confidence (1)"}},
			Caps: []Cap{
				{Tier: TierRejected, Reason: secretCap, Findings: []string{githubToken.Fingerprint}},
				{Tier: TierProduction, Reason: "score 80 is below 90, the regulated threshold", Findings: []string{githubToken.Fingerprint}},
			}},
	}, {
		name: "tool poisoning reading ~/.ssh",
		in:   Input{Findings: []report.Finding{sshExfil}, Engines: engines()},
		want: Result{Score: 70, Tier: TierRejected, Ceiling: TierRejected,
			Deductions: []Deduction{{Fingerprint: sshExfil.Fingerprint, RuleID: "TP013", Severity: "critical", Confidence: "medium", Points: 30, Reason: "critical severity (40) × medium confidence (0.75)"}},
			Caps: []Cap{
				{Tier: TierRejected, Reason: poisonCap, Findings: []string{sshExfil.Fingerprint}},
				{Tier: TierSandbox, Reason: "score 70 is below 75, the production threshold", Findings: []string{sshExfil.Fingerprint}},
			}},
	}, {
		// Rug-pull indicators and a stale manifest are excepted from the
		// tool-poisoning rejection and cap at production instead.
		name: "rug pull and declared mismatch",
		in:   Input{Findings: []report.Finding{rugPull, mismatch}, Engines: engines()},
		want: Result{Score: 70, Tier: TierSandbox, Ceiling: TierSandbox,
			Deductions: []Deduction{
				{Fingerprint: rugPull.Fingerprint, RuleID: "TP003", Severity: "high", Confidence: "medium", Points: 15, Reason: "high severity (20) × medium confidence (0.75)"},
				{Fingerprint: mismatch.Fingerprint, RuleID: "TP014", Severity: "high", Confidence: "medium", Points: 15, Reason: "high severity (20) × medium confidence (0.75)"},
			},
			Caps: []Cap{
				{Tier: TierSandbox, Reason: "score 70 is below 75, the production threshold", Findings: sorted(rugPull.Fingerprint, mismatch.Fingerprint)},
				{Tier: TierProduction, Reason: rugPullCap, Findings: []string{rugPull.Fingerprint}},
				{Tier: TierProduction, Reason: mismatchCap, Findings: []string{mismatch.Fingerprint}},
			}},
	}, {
		// A critical advisory matches both DEP001 caps; the worse one wins.
		name: "critical vulnerable dependency",
		in:   Input{Findings: []report.Finding{lodashCrit}, Engines: engines()},
		want: Result{Score: 60, Tier: TierSandbox, Ceiling: TierSandbox,
			Deductions: []Deduction{{Fingerprint: lodashCrit.Fingerprint, RuleID: "DEP001", Severity: "critical", Confidence: "high", Points: 40, Reason: "critical severity (40) × high confidence (1)"}},
			Caps: []Cap{
				{Tier: TierSandbox, Reason: criticalDep, Findings: []string{lodashCrit.Fingerprint}},
				{Tier: TierSandbox, Reason: "score 60 is below 75, the production threshold", Findings: []string{lodashCrit.Fingerprint}},
				{Tier: TierProduction, Reason: highDep, Findings: []string{lodashCrit.Fingerprint}},
			}},
	}, {
		name: "depvuln unavailable",
		in: Input{Findings: []report.Finding{lodashVuln}, Engines: engines(report.Engine{Name: "depvuln", Outcome: report.OutcomeUnavailable,
			Detail: "no offline OSV database for ecosystem npm"})},
		want: Result{Score: 92, Tier: TierIncomplete, Ceiling: TierRegulated,
			Deductions: []Deduction{{Fingerprint: lodashVuln.Fingerprint, RuleID: "DEP001", Severity: "medium", Confidence: "high", Points: 8, Reason: "medium severity (8) × high confidence (1)"}},
			Caps:       []Cap{{Tier: TierIncomplete, Reason: "depvuln: unavailable: no offline OSV database for ecosystem npm", Engines: []string{"depvuln"}}},
			Incomplete: []string{"depvuln: unavailable: no offline OSV database for ecosystem npm"}},
	}, {
		// Incomplete still reports what the finished scan could at most be.
		name: "secrets timed out on a server with a critical advisory",
		in: Input{Findings: []report.Finding{lodashCrit}, Engines: engines(report.Engine{Name: "secrets", Outcome: report.OutcomeTimeout,
			Detail: "exceeded its time budget of 1m0s"})},
		want: Result{Score: 60, Tier: TierIncomplete, Ceiling: TierSandbox,
			Deductions: []Deduction{{Fingerprint: lodashCrit.Fingerprint, RuleID: "DEP001", Severity: "critical", Confidence: "high", Points: 40, Reason: "critical severity (40) × high confidence (1)"}},
			Caps: []Cap{
				{Tier: TierIncomplete, Reason: "secrets: timeout: exceeded its time budget of 1m0s", Engines: []string{"secrets"}},
				{Tier: TierSandbox, Reason: criticalDep, Findings: []string{lodashCrit.Fingerprint}},
				{Tier: TierSandbox, Reason: "score 60 is below 75, the production threshold", Findings: []string{lodashCrit.Fingerprint}},
				{Tier: TierProduction, Reason: highDep, Findings: []string{lodashCrit.Fingerprint}},
			},
			Incomplete: []string{"secrets: timeout: exceeded its time budget of 1m0s"}},
	}, {
		name: "toolpoison never ran",
		in:   Input{Engines: without("toolpoison")},
		want: Result{Score: 100, Tier: TierIncomplete, Ceiling: TierRegulated,
			Caps:       []Cap{{Tier: TierIncomplete, Reason: "toolpoison: did not run (not in the report)", Engines: []string{"toolpoison"}}},
			Incomplete: []string{"toolpoison: did not run (not in the report)"}},
	}, {
		name: "toolpoison failed because mcpsurface errored",
		in: Input{Engines: engines(
			report.Engine{Name: "mcpsurface", Outcome: report.OutcomeError, Detail: "analyzer panicked: index out of range"},
			report.Engine{Name: "toolpoison", Outcome: report.OutcomeError, Detail: "required analyzer mcpsurface did not run: error"},
		)},
		want: Result{Score: 100, Tier: TierIncomplete, Ceiling: TierRegulated,
			Caps: []Cap{
				{Tier: TierIncomplete, Reason: "mcpsurface: error: analyzer panicked: index out of range", Engines: []string{"mcpsurface"}},
				{Tier: TierIncomplete, Reason: "toolpoison: error: required analyzer mcpsurface did not run: error", Engines: []string{"toolpoison"}},
			},
			Incomplete: []string{
				"mcpsurface: error: analyzer panicked: index out of range",
				"toolpoison: error: required analyzer mcpsurface did not run: error",
			}},
	}, {
		name: "partial with gaps, default policy",
		in:   Input{Engines: engines(partialSurface)},
		want: Result{Score: 100, Tier: TierIncomplete, Ceiling: TierRegulated,
			Caps:       []Cap{{Tier: TierIncomplete, Reason: partialReason, Engines: []string{"mcpsurface"}}},
			Incomplete: []string{partialReason}},
	}, {
		name:   "partial with gaps, gaps ignored",
		in:     Input{Engines: engines(partialSurface)},
		policy: policyWith(t, "{name: mcpsurface, gaps: incomplete}", "{name: mcpsurface, gaps: ignore}"),
		want:   Result{Score: 100, Tier: TierRegulated, Ceiling: TierRegulated},
	}, {
		// An engine that reports gaps with outcome ok contradicts itself;
		// it is held to the gaps rule rather than trusted.
		name: "ok with gaps",
		in:   Input{Engines: engines(report.Engine{Name: "depvuln", Outcome: report.OutcomeOK, Gaps: []analysis.Gap{{Kind: "unresolved", Path: "package.json", Detail: "2 dependencies have no pinned version"}}})},
		want: Result{Score: 100, Tier: TierIncomplete, Ceiling: TierRegulated,
			Caps:       []Cap{{Tier: TierIncomplete, Reason: "depvuln: ok: 1 coverage gap: unresolved package.json", Engines: []string{"depvuln"}}},
			Incomplete: []string{"depvuln: ok: 1 coverage gap: unresolved package.json"}},
	}, {
		name: "unknown outcome is not trusted",
		in:   Input{Engines: engines(report.Engine{Name: "secrets", Outcome: "skipped"})},
		want: Result{Score: 100, Tier: TierIncomplete, Ceiling: TierRegulated,
			Caps:       []Cap{{Tier: TierIncomplete, Reason: "secrets: skipped", Engines: []string{"secrets"}}},
			Incomplete: []string{"secrets: skipped"}},
	}, {
		name: "accepted test token",
		in: Input{Findings: []report.Finding{githubToken, squat}, Engines: engines(),
			Accepted: map[string]AcceptedRisk{githubToken.Fingerprint: {Reason: "revoked test token used by the e2e suite", Origin: "file"}, "ffffffffffffffffffffffffffffffff": {Reason: "stale entry", Origin: "file"}}},
		want: Result{Score: 99, Tier: TierRegulated, Ceiling: TierRegulated,
			Deductions: []Deduction{{Fingerprint: squat.Fingerprint, RuleID: "TP010", Severity: "low", Confidence: "medium", Points: 1.5, Reason: "low severity (2) × medium confidence (0.75)"}},
			Accepted:   []AcceptedRisk{{Fingerprint: githubToken.Fingerprint, RuleID: "SEC001", Reason: "revoked test token used by the e2e suite", Origin: "file"}}},
	}, {
		name: "acceptance without a reason is ignored",
		in: Input{Findings: []report.Finding{githubToken}, Engines: engines(),
			Accepted: map[string]AcceptedRisk{githubToken.Fingerprint: {Reason: "  ", Origin: "file"}}},
		want: Result{Score: 80, Tier: TierRejected, Ceiling: TierRejected,
			Deductions: []Deduction{{Fingerprint: githubToken.Fingerprint, RuleID: "SEC001", Severity: "high", Confidence: "high", Points: 20, Reason: "high severity (20) × high confidence (1)"}},
			Caps: []Cap{
				{Tier: TierRejected, Reason: secretCap, Findings: []string{githubToken.Fingerprint}},
				{Tier: TierProduction, Reason: "score 80 is below 90, the regulated threshold", Findings: []string{githubToken.Fingerprint}},
			}},
	}, {
		name: "undeclared network egress",
		in:   Input{Engines: engines(), Capabilities: []Capability{egress, {Name: CapEnvRead}}},
		want: Result{Score: 100, Tier: TierProduction, Ceiling: TierProduction,
			Caps: []Cap{{Tier: TierProduction, Reason: egressMissing, Evidence: egress.Evidence, Capability: CapNetworkEgress}}},
	}, {
		name: "declared network egress",
		in:   Input{Engines: engines(), Capabilities: []Capability{declaredEgress}},
		want: Result{Score: 100, Tier: TierRegulated, Ceiling: TierRegulated},
	}, {
		name:   "forbidden process execution",
		in:     Input{Engines: engines(), Capabilities: []Capability{declaredEgress, {Name: CapProcessExec, Declared: true, Evidence: []string{"b", "a", "b"}}}},
		policy: policyWith(t, "must_declare: [network-egress]", "must_declare: [network-egress]\n  production:\n    forbid: [process-exec]"),
		want: Result{Score: 100, Tier: TierSandbox, Ceiling: TierSandbox,
			Caps: []Cap{{Tier: TierSandbox, Reason: "production forbids process-exec, and the server uses it", Evidence: []string{"a", "b"}, Capability: CapProcessExec}}},
	}, {
		// Five unused free-text parameters: the fourth counts half, the
		// fifth a quarter. 6+6+6+3+1.5 = 22.5, and 77.5 rounds to 78.
		name: "diminishing repeats",
		in:   Input{Findings: []report.Finding{unusedParam("a"), unusedParam("b"), unusedParam("c"), unusedParam("d"), unusedParam("e")}, Engines: engines()},
		want: func() Result {
			fps := sorted(unusedParam("a").Fingerprint, unusedParam("b").Fingerprint, unusedParam("c").Fingerprint, unusedParam("d").Fingerprint, unusedParam("e").Fingerprint)
			r := Result{Score: 78, Tier: TierProduction, Ceiling: TierProduction,
				Caps: []Cap{{Tier: TierProduction, Reason: "score 78 is below 90, the regulated threshold", Findings: fps}}}
			base := "medium severity (8) × medium confidence (0.75)"
			for i, fp := range fps {
				d := Deduction{Fingerprint: fp, RuleID: "TP011", Severity: "medium", Confidence: "medium", Points: 6, Reason: base}
				switch i {
				case 3:
					d.Points, d.Reason = 3, base+"; 4th finding of TP011, × 0.5 (repeats count less after 3)"
				case 4:
					d.Points, d.Reason = 1.5, base+"; 5th finding of TP011, × 0.25 (repeats count less after 3)"
				}
				r.Deductions = append(r.Deductions, d)
			}
			return r
		}(),
	}, {
		// The same advisory under a policy that weighs DEP001 harder.
		name:   "one medium vulnerable dependency, strict policy",
		in:     Input{Findings: []report.Finding{lodashVuln}, Engines: engines()},
		policy: policyWith(t, "rules: {}", "rules: {DEP001: {medium: 15}}"),
		want: Result{Score: 85, Tier: TierProduction, Ceiling: TierProduction,
			Deductions: []Deduction{{Fingerprint: lodashVuln.Fingerprint, RuleID: "DEP001", Severity: "medium", Confidence: "high", Points: 15, Reason: "medium severity (15, DEP001 weight) × high confidence (1)"}},
			Caps:       []Cap{{Tier: TierProduction, Reason: "score 85 is below 90, the regulated threshold", Findings: []string{lodashVuln.Fingerprint}}}},
	}, {
		// Malformed severity and confidence count as the worst ones.
		name: "unknown severity and confidence",
		in: Input{Engines: engines(), Findings: []report.Finding{func() report.Finding {
			f := finding("DEP002", "", "package-lock.json", "MAL-2025-1234", "event-stream 3.3.6 is malicious")
			f.Severity, f.Confidence = "severe", ""
			return f
		}()}},
		want: func() Result {
			fp := finding("DEP002", "", "package-lock.json", "MAL-2025-1234", "").Fingerprint
			return Result{Score: 60, Tier: TierRejected, Ceiling: TierRejected,
				Deductions: []Deduction{{Fingerprint: fp, RuleID: "DEP002", Severity: "critical", Confidence: "high", Points: 40,
					Reason: `unknown severity "severe" counted as critical severity (40) × unknown confidence "" counted as high confidence (1)`}},
				Caps: []Cap{
					{Tier: TierRejected, Reason: "a known malicious package is installed: it runs an attacker's code", Findings: []string{fp}},
					{Tier: TierSandbox, Reason: "score 60 is below 75, the production threshold", Findings: []string{fp}},
				}}
		}(),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.policy
			if p == nil {
				p = DefaultPolicy()
			}
			got := Evaluate(tt.in, p)
			tt.want.PolicyDigest = p.Digest()
			equalJSON(t, got, tt.want)
		})
	}
}

// partialSurface is mcpsurface with gaps, sorted as the driver sorts them.
var partialSurface = report.Engine{Name: "mcpsurface", Version: "mcpcert-surface 1", Outcome: report.OutcomePartial, Gaps: []analysis.Gap{
	{Kind: "tool-pin", Detail: "tool surface could not be pinned"},
	{Kind: "unresolved-tool-text", Path: "src/tools.ts", Detail: `description of tool "fetch" is built at run time`},
	{Kind: "unresolved-tool-text", Path: "src/tools.ts", Detail: `description of tool "search" is built at run time`},
}}

const partialReason = "mcpsurface: partial: 3 coverage gaps: tool-pin; unresolved-tool-text src/tools.ts (2)"

func sorted(xs ...string) []string { return slices.Sorted(slices.Values(xs)) }

// TestScoreFloor checks that the score stops at 0 while every point lost
// is still listed.
func TestScoreFloor(t *testing.T) {
	t.Parallel()
	in := Input{Engines: engines(), Findings: []report.Finding{
		finding("SEC004", "", "keys/server.pem", "k1", "private key"),
		finding("TP001", "critical", "src/a.ts", "k2", "hidden instructions"),
		finding("TP013", "critical", "src/b.ts", "k3", "reads ~/.aws/credentials"),
		finding("DEP002", "", "package-lock.json", "k4", "malicious"),
	}}
	got := Evaluate(in, DefaultPolicy())
	total := 0.0
	for _, d := range got.Deductions {
		total += d.Points
	}
	if got.Score != 0 || got.Tier != TierRejected || total != 40+30+30+40 || len(got.Deductions) != 4 {
		t.Errorf("got score %d, tier %s, %d deductions totalling %g", got.Score, got.Tier, len(got.Deductions), total)
	}
}

func TestEvaluateInvalidPolicy(t *testing.T) {
	t.Parallel()
	bad := DefaultPolicy()
	bad.Thresholds.Production = 95
	for name, p := range map[string]*Policy{"nil": nil, "thresholds": bad} {
		got := Evaluate(Input{Engines: engines()}, p)
		if got.Tier != TierIncomplete || got.Ceiling != TierIncomplete || len(got.Incomplete) != 1 || !strings.HasPrefix(got.Incomplete[0], "invalid policy: ") {
			t.Errorf("%s: an invalid policy graded the scan %+v", name, got)
		}
	}
}

func TestTierMeets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tier, minimum Tier
		want          bool
	}{
		{TierRegulated, TierProduction, true},
		{TierProduction, TierProduction, true},
		{TierSandbox, TierProduction, false},
		{TierRejected, TierRejected, true},
		{TierIncomplete, TierRejected, false},
		{Tier("gold"), TierRejected, false},
	}
	for _, tt := range tests {
		if got := tt.tier.Meets(tt.minimum); got != tt.want {
			t.Errorf("%s.Meets(%s) = %v, want %v", tt.tier, tt.minimum, got, tt.want)
		}
	}
}

// TestEvaluateDoesNotMutate guards the purity the report and attestation
// rely on: they render the same findings after scoring.
func TestEvaluateDoesNotMutate(t *testing.T) {
	t.Parallel()
	in := Input{
		Findings:     []report.Finding{unusedParam("a"), githubToken, unusedParam("b"), lodashCrit},
		Engines:      engines(partialSurface),
		Capabilities: []Capability{{Name: CapNetworkEgress, Evidence: []string{"z", "a"}}},
		Accepted:     map[string]AcceptedRisk{githubToken.Fingerprint: {Reason: "test token", Origin: "file"}},
	}
	before := fmt.Sprintf("%#v", in)
	Evaluate(in, DefaultPolicy())
	if after := fmt.Sprintf("%#v", in); after != before {
		t.Errorf("Evaluate changed its input:\n%s\n%s", before, after)
	}
}

// randomFinding draws a finding of any rule, severity and confidence the
// analyzers produce, with a fingerprint unique to n.
func randomFinding(r *rand.Rand, n int) report.Finding {
	ids := []string{"SEC001", "SEC002", "SEC003", "SEC004", "DEP001", "DEP002", "TP001", "TP003", "TP008", "TP010", "TP011", "TP012", "TP013", "TP014"}
	sevs := append(report.Severities[:len(report.Severities):len(report.Severities)], "bogus")
	f := finding(ids[r.IntN(len(ids))], sevs[r.IntN(len(sevs))], "src/f.ts", fmt.Sprint(n), "")
	f.Confidence = []string{"high", "medium", "low", "?"}[r.IntN(4)]
	return f
}

func randomInput(r *rand.Rand, n int) Input {
	in := Input{Engines: engines(), Accepted: map[string]AcceptedRisk{}}
	for i := range r.IntN(n) {
		f := randomFinding(r, i)
		in.Findings = append(in.Findings, f)
		if r.IntN(8) == 0 {
			in.Accepted[f.Fingerprint] = AcceptedRisk{Reason: "accepted in review", Origin: "file"}
		}
	}
	if r.IntN(3) == 0 {
		in.Capabilities = append(in.Capabilities, Capability{Name: CapNetworkEgress, Declared: r.IntN(2) == 0, Evidence: []string{"e1"}})
	}
	if r.IntN(6) == 0 {
		in.Engines = engines(partialSurface)
	}
	return in
}

// TestMonotone is the property a certifier must have: one more finding
// never improves the score, the tier or the ceiling, whatever the policy
// weighs it at, and the order of the input never matters.
func TestMonotone(t *testing.T) {
	t.Parallel()
	policies := map[string]*Policy{
		"default":        DefaultPolicy(),
		"no diminishing": policyWith(t, "diminishing: {after: 3, factor: 0.5}\n", ""),
		"harsh repeats":  policyWith(t, "diminishing: {after: 3, factor: 0.5}", "diminishing: {after: 1, factor: 0.9}"),
		"rule weights":   policyWith(t, "rules: {}", "rules: {TP011: {medium: 30}, DEP001: {critical: 100, low: 0}}"),
	}
	for name, p := range policies {
		r := rand.New(rand.NewPCG(1, 4))
		for i := range 400 {
			in := randomInput(r, 12)
			before := Evaluate(in, p)

			shuffled := in
			shuffled.Findings = append([]report.Finding(nil), in.Findings...)
			r.Shuffle(len(shuffled.Findings), func(i, j int) {
				shuffled.Findings[i], shuffled.Findings[j] = shuffled.Findings[j], shuffled.Findings[i]
			})
			if again := Evaluate(shuffled, p); !reflect.DeepEqual(again, before) {
				t.Fatalf("%s #%d: the order of findings changed the result", name, i)
			}

			more := in
			more.Findings = append(append([]report.Finding(nil), in.Findings...), randomFinding(r, 1000+i))
			after := Evaluate(more, p)
			if after.Score > before.Score || after.Tier.Rank() > before.Tier.Rank() || after.Ceiling.Rank() > before.Ceiling.Rank() {
				t.Fatalf("%s #%d: adding %s %s/%s improved %d %s (%s) to %d %s (%s)", name, i,
					more.Findings[len(more.Findings)-1].RuleID, more.Findings[len(more.Findings)-1].Severity, more.Findings[len(more.Findings)-1].Confidence,
					before.Score, before.Tier, before.Ceiling, after.Score, after.Tier, after.Ceiling)
			}
			if (before.Tier == TierIncomplete) != (after.Tier == TierIncomplete) {
				t.Fatalf("%s #%d: a finding changed whether the scan is complete", name, i)
			}
		}
	}
}

// TestIncompleteReasons pins the wording of Incomplete for the outcomes the
// table above does not show.
func TestIncompleteReasons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		engine report.Engine
		want   string
	}{
		{report.Engine{Name: "depvuln", Outcome: report.OutcomePartial}, "depvuln: partial: coverage gaps (none listed)"},
		{report.Engine{Name: "depvuln"}, "depvuln: no outcome"},
		{report.Engine{Name: "depvuln", Outcome: report.OutcomePartial, Gaps: []analysis.Gap{
			{Kind: "no-vulnerability-database", Detail: "no offline OSV database for ecosystem PyPI"},
			{Kind: "unresolved", Path: "requirements.txt", Detail: "3 requirements have no pinned version"},
		}}, "depvuln: partial: 2 coverage gaps: no-vulnerability-database; unresolved requirements.txt"},
	}
	for _, tt := range tests {
		got := Evaluate(Input{Engines: engines(tt.engine)}, DefaultPolicy())
		if got.Tier != TierIncomplete || !reflect.DeepEqual(got.Incomplete, []string{tt.want}) {
			t.Errorf("%+v: got %s %q, want incomplete %q", tt.engine, got.Tier, got.Incomplete, tt.want)
		}
	}
}

// TestSandboxCapability checks that missing the sandbox tier's
// requirements rejects the server.
func TestSandboxCapability(t *testing.T) {
	t.Parallel()
	p := policyWith(t, "  regulated:\n    must_declare: [network-egress]", "  sandbox:\n    must_declare: [process-exec]")
	got := Evaluate(Input{Engines: engines(), Capabilities: []Capability{{Name: CapProcessExec, Evidence: []string{"9c"}}}}, p)
	want := []Cap{{Tier: TierRejected, Reason: "sandbox requires process-exec to be declared, and the server uses it without declaring it", Evidence: []string{"9c"}, Capability: CapProcessExec}}
	if got.Tier != TierRejected || !reflect.DeepEqual(got.Caps, want) {
		t.Errorf("got %s %+v, want rejected %+v", got.Tier, got.Caps, want)
	}
}

func TestOrdinal(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 103: "103rd", 111: "111th"} {
		if got := ordinal(n); got != want {
			t.Errorf("ordinal(%d) = %s, want %s", n, got, want)
		}
	}
}
