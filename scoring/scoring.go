// Package scoring grades a scan. It turns findings and engine outcomes into
// a score from 0 to 100 and a tier, under a policy written as data
// (policy.yaml, or a replacement the user gives). It follows scorecard's
// split of probes, findings and evaluation: analyzers find things and
// scoring only weighs them, so it never reads source and does no I/O.
//
// Evaluate is a pure function. The same input and policy always give the
// same Result, every list in it is sorted, and the Result explains every
// point lost and every cap by the fingerprints of the findings behind it.
// A required engine that did not complete makes the tier incomplete, never
// a pass.
package scoring

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/rules"
)

// The grading model lives in the report, which carries it; these names
// keep scoring's API self-explanatory.
type (
	// Tier is what a certified server may be used for.
	Tier = report.Tier
	// Result is a graded scan.
	Result = report.Assessment
	// Deduction is the points one finding cost.
	Deduction = report.Deduction
	// Cap is one reason the tier is no better than it is.
	Cap = report.Cap
	// AcceptedRisk is a finding left out of scoring, and why.
	AcceptedRisk = report.AcceptedRisk
	// Capability is one entry of the capability inventory.
	Capability = report.Capability
)

// Tiers, from best to worst, then incomplete, which is not a verdict.
const (
	TierRegulated  = report.TierRegulated
	TierProduction = report.TierProduction
	TierSandbox    = report.TierSandbox
	TierRejected   = report.TierRejected
	TierIncomplete = report.TierIncomplete
)

// Input is everything scoring looks at.
type Input struct {
	Findings []report.Finding
	Engines  []report.Engine
	// Capabilities is the capability inventory. It is empty until the
	// capabilities analyzer exists, and an empty inventory meets every
	// must_declare requirement.
	Capabilities []Capability
	// Accepted maps a finding fingerprint to its acceptance. Accepted
	// findings neither lose points nor cap the tier, but they are listed in
	// the Result. An entry without a reason is ignored, so a malformed entry
	// can never improve a tier.
	Accepted map[string]AcceptedRisk
}

// Evaluate grades a scan under policy p. It never fails: a policy that does
// not validate (ParsePolicy and DefaultPolicy always validate) grades the
// scan incomplete and says why in Incomplete, because no verdict can come
// from an invalid policy.
func Evaluate(in Input, p *Policy) Result {
	if err := p.Validate(); err != nil {
		return Result{Tier: TierIncomplete, Ceiling: TierIncomplete, Incomplete: []string{"invalid policy: " + err.Error()}}
	}
	res := Result{PolicyDigest: p.Digest()}

	var scored []report.Finding
	for _, f := range in.Findings {
		if a := in.Accepted[f.Fingerprint]; strings.TrimSpace(a.Reason) != "" {
			a.Fingerprint, a.RuleID, a.Reason = f.Fingerprint, f.RuleID, strings.TrimSpace(a.Reason)
			res.Accepted = append(res.Accepted, a)
			continue
		}
		scored = append(scored, f)
	}
	slices.SortFunc(res.Accepted, func(a, b AcceptedRisk) int {
		return strings.Compare(a.RuleID+"\x00"+a.Fingerprint, b.RuleID+"\x00"+b.Fingerprint)
	})

	res.Deductions = deductions(scored, p)
	total := 0.0
	for _, d := range res.Deductions {
		total += d.Points
	}
	res.Score = max(0, int(math.Round(100-total)))

	res.Ceiling = TierRegulated
	addCap := func(c Cap) {
		res.Caps = append(res.Caps, c)
		if c.Tier.Rank() > 0 && c.Tier.Rank() < res.Ceiling.Rank() {
			res.Ceiling = c.Tier
		}
	}
	if c, ok := thresholdCap(res.Score, res.Deductions, p.Thresholds); ok {
		addCap(c)
	}
	for _, c := range findingCaps(scored, p.Caps) {
		addCap(c)
	}
	for _, c := range capabilityCaps(in.Capabilities, p.Capabilities) {
		addCap(c)
	}
	for _, c := range engineCaps(in.Engines, p.RequiredEngines) {
		addCap(c)
		res.Incomplete = append(res.Incomplete, c.Reason)
	}
	slices.Sort(res.Incomplete)
	slices.SortFunc(res.Caps, compareCaps)

	res.Tier = res.Ceiling
	if len(res.Incomplete) > 0 {
		res.Tier = TierIncomplete
	}
	return res
}

// deductions weighs every finding: severity weight (or the rule's own) times
// confidence multiplier, and, within one rule, the heaviest findings first
// at full weight and the rest diminishing. Zero-point findings are left
// out: they cost nothing to explain.
func deductions(fs []report.Finding, p *Policy) []Deduction {
	byRule := map[string][]Deduction{}
	for _, f := range fs {
		d := weigh(f, p.Weights)
		byRule[f.RuleID] = append(byRule[f.RuleID], d)
	}
	var out []Deduction
	for _, id := range sortedKeys(byRule) {
		ds := byRule[id]
		slices.SortFunc(ds, compareDeductions)
		for i := range ds {
			if dm := p.Diminishing; dm != nil && i >= dm.After {
				k := i + 1 - dm.After
				factor := math.Pow(dm.Factor, float64(k))
				ds[i].Points *= factor
				ds[i].Reason += fmt.Sprintf("; %s finding of %s, × %g (repeats count less after %d)", ordinal(i+1), id, factor, dm.After)
			}
			if ds[i].Points > 0 {
				out = append(out, ds[i])
			}
		}
	}
	slices.SortFunc(out, compareDeductions)
	return out
}

// weigh gives one finding its full points. A severity or confidence the
// policy does not know counts as the worst one, so malformed input can
// never raise a tier.
func weigh(f report.Finding, w Weights) Deduction {
	d := Deduction{Fingerprint: f.Fingerprint, RuleID: f.RuleID, Severity: f.Severity, Confidence: f.Confidence}
	sevNote, confNote := "", ""
	if report.SeverityRank(d.Severity) == 0 {
		sevNote = fmt.Sprintf("unknown severity %q counted as ", d.Severity)
		d.Severity = report.Severities[0]
	}
	if _, ok := w.Confidence[d.Confidence]; !ok {
		confNote = fmt.Sprintf("unknown confidence %q counted as ", d.Confidence)
		d.Confidence = confidences[0]
	}
	base, source := w.Severity[d.Severity], ""
	if v, ok := w.Rules[f.RuleID][d.Severity]; ok {
		base, source = v, ", "+f.RuleID+" weight"
	}
	mult := w.Confidence[d.Confidence]
	d.Points = base * mult
	d.Reason = fmt.Sprintf("%s%s severity (%g%s) × %s%s confidence (%g)", sevNote, d.Severity, base, source, confNote, d.Confidence, mult)
	return d
}

// thresholdCap explains a tier lost to the score alone. It points at every
// finding that cost points, since together they made the score.
func thresholdCap(score int, ds []Deduction, t Thresholds) (Cap, bool) {
	var tier, missed Tier
	var need int
	switch {
	case score >= t.Regulated:
		return Cap{}, false
	case score >= t.Production:
		tier, missed, need = TierProduction, TierRegulated, t.Regulated
	case score >= t.Sandbox:
		tier, missed, need = TierSandbox, TierProduction, t.Production
	default:
		tier, missed, need = TierRejected, TierSandbox, t.Sandbox
	}
	c := Cap{Tier: tier, Reason: fmt.Sprintf("score %d is below %d, the %s threshold", score, need, missed)}
	for _, d := range ds {
		c.Findings = append(c.Findings, d.Fingerprint)
	}
	slices.Sort(c.Findings)
	return c, true
}

// findingCaps applies the policy's caps: one Cap per matching cap rule,
// listing every finding that matched it.
func findingCaps(fs []report.Finding, rs []CapRule) []Cap {
	set := rules.MustDefault()
	var out []Cap
	for _, r := range rs {
		c := Cap{Tier: r.Tier, Reason: r.Reason}
		for _, f := range fs {
			rule, _ := set.Get(f.RuleID)
			if r.Match.matches(f, rule.Family) {
				c.Findings = append(c.Findings, f.Fingerprint)
			}
		}
		if len(c.Findings) > 0 {
			slices.Sort(c.Findings)
			out = append(out, c)
		}
	}
	return out
}

// matches reports whether a finding meets every criterion of the match. A
// finding's severity that is not known counts as critical.
func (m Match) matches(f report.Finding, family string) bool {
	if m.MinSeverity != "" {
		rank := report.SeverityRank(f.Severity)
		if rank == 0 {
			rank = report.SeverityRank(report.Severities[0])
		}
		if rank < report.SeverityRank(m.MinSeverity) {
			return false
		}
	}
	return m.matchesRule(f.RuleID, family, f.Engine, f.CWE)
}

// matchesRule checks the criteria that depend only on which rule reported
// a finding; Validate uses it to find caps that match no rule.
func (m Match) matchesRule(id, family, engine, cwe string) bool {
	switch {
	case len(m.Rules) > 0 && !slices.Contains(m.Rules, id),
		slices.Contains(m.ExceptRules, id),
		m.RulePrefix != "" && !strings.HasPrefix(id, m.RulePrefix),
		len(m.Families) > 0 && !slices.Contains(m.Families, family),
		len(m.CWEs) > 0 && !slices.Contains(m.CWEs, cwe),
		m.Engine != "" && m.Engine != engine:
		return false
	}
	return true
}

// capabilityCaps drops a server below every tier whose capability
// requirements it misses, one Cap per tier and capability, pointing at the
// evidence of the capability.
func capabilityCaps(inv []Capability, reqs map[Tier]CapabilityRule) []Cap {
	var out []Cap
	for _, tier := range sortedKeys(reqs) {
		r := reqs[tier]
		check := func(name, reason string, violates func(Capability) bool) {
			c := Cap{Tier: tier.Below(), Capability: name, Reason: reason}
			hit := false
			for _, have := range inv {
				if have.Name == name && violates(have) {
					hit = true
					c.Evidence = append(c.Evidence, have.Evidence...)
				}
			}
			if hit {
				slices.Sort(c.Evidence)
				c.Evidence = slices.Compact(c.Evidence)
				out = append(out, c)
			}
		}
		for _, name := range r.MustDeclare {
			check(name, fmt.Sprintf("%s requires %s to be declared, and the server uses it without declaring it", tier, name),
				func(c Capability) bool { return !c.Declared })
		}
		for _, name := range r.Forbid {
			check(name, fmt.Sprintf("%s forbids %s, and the server uses it", tier, name),
				func(Capability) bool { return true })
		}
	}
	return out
}

// engineCaps finds the required engines that did not complete. An engine
// missing from the report did not run, and one with an outcome this
// package does not know is not trusted to have run.
func engineCaps(engines []report.Engine, required []RequiredEngine) []Cap {
	var out []Cap
	for _, req := range required {
		incomplete := func(msg string) {
			out = append(out, Cap{Tier: TierIncomplete, Reason: req.Name + ": " + msg, Engines: []string{req.Name}})
		}
		ran := false
		for _, e := range engines {
			if e.Name != req.Name {
				continue
			}
			ran = true
			switch {
			case e.Outcome == report.OutcomeOK && len(e.Gaps) == 0:
			case e.Outcome == report.OutcomeOK || e.Outcome == report.OutcomePartial:
				if req.Gaps != GapsIgnore {
					incomplete(e.Outcome + ": " + describeGaps(e))
				}
			default:
				msg := e.Outcome
				if msg == "" {
					msg = "no outcome"
				}
				if e.Detail != "" {
					msg += ": " + e.Detail
				}
				incomplete(msg)
			}
		}
		if !ran {
			incomplete("did not run (not in the report)")
		}
	}
	return out
}

// describeGaps summarises an engine's gaps by kind and path, with a count
// for repeats; the report lists each gap in full.
func describeGaps(e report.Engine) string {
	if len(e.Gaps) == 0 {
		return "coverage gaps (none listed)"
	}
	var parts []string
	count := map[string]int{}
	for _, g := range e.Gaps {
		part := strings.TrimSpace(g.Kind + " " + g.Path)
		if count[part] == 0 {
			parts = append(parts, part)
		}
		count[part]++
	}
	for i, part := range parts {
		if n := count[part]; n > 1 {
			parts[i] = fmt.Sprintf("%s (%d)", part, n)
		}
	}
	noun := "gaps"
	if len(e.Gaps) == 1 {
		noun = "gap"
	}
	return fmt.Sprintf("%d coverage %s: %s", len(e.Gaps), noun, strings.Join(parts, "; "))
}

// compareDeductions orders deductions heaviest first, then by rule and
// fingerprint, so that output and diminishing are deterministic.
func compareDeductions(a, b Deduction) int {
	switch {
	case a.Points > b.Points:
		return -1
	case a.Points < b.Points:
		return 1
	}
	return strings.Compare(a.RuleID+"\x00"+a.Fingerprint, b.RuleID+"\x00"+b.Fingerprint)
}

// compareCaps orders caps worst first (incomplete, rejected, sandbox,
// production), then by reason and what they point at.
func compareCaps(a, b Cap) int {
	if a.Tier.Rank() != b.Tier.Rank() {
		return a.Tier.Rank() - b.Tier.Rank()
	}
	key := func(c Cap) string {
		return strings.Join([]string{c.Reason, c.Capability, strings.Join(c.Engines, ","), strings.Join(c.Findings, ","), strings.Join(c.Evidence, ",")}, "\x00")
	}
	return strings.Compare(key(a), key(b))
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
