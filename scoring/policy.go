package scoring

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/rules"
)

//go:embed policy.yaml
var defaultPolicy []byte

// Policy is a scoring policy: the data that decides a tier. It is parsed
// from YAML (see policy.yaml for the meaning of every field) and hashed into
// Digest, so an attestation can name the exact policy behind its tier.
type Policy struct {
	RequiredEngines []RequiredEngine `yaml:"required_engines" json:"required_engines"`
	Weights         Weights          `yaml:"weights" json:"weights"`
	// Diminishing is optional: nil means every finding counts in full.
	Diminishing *Diminishing `yaml:"diminishing,omitempty" json:"diminishing,omitempty"`
	Thresholds  Thresholds   `yaml:"thresholds" json:"thresholds"`
	Caps        []CapRule    `yaml:"caps" json:"caps"`
	// Capabilities maps a tier to what it requires of the capability
	// inventory.
	Capabilities map[Tier]CapabilityRule `yaml:"capabilities,omitempty" json:"capabilities,omitempty"`
	// AcceptedRisks says who may accept which findings.
	AcceptedRisks AcceptedRisksRule `yaml:"accepted_risks" json:"accepted_risks"`
}

// AcceptedRisksRule governs acceptances (see internal/accept).
type AcceptedRisksRule struct {
	// Inline allows `mcpcert:ignore` comments in the scanned code.
	Inline bool `yaml:"inline" json:"inline"`
	// ReviewerOnly lists rule IDs, or prefixes ending in "*", that only the
	// reviewer's accepted-risks file may accept.
	ReviewerOnly []string `yaml:"reviewer_only,omitempty" json:"reviewer_only,omitempty"`
}

// RequiredEngine is an engine whose outcome must be ok, or partial when Gaps
// is GapsIgnore, for the scan to be graded at all.
type RequiredEngine struct {
	Name string `yaml:"name" json:"name"`
	Gaps string `yaml:"gaps" json:"gaps"`
}

// What a partial outcome of a required engine does.
const (
	// GapsIncomplete makes a partial outcome grade the scan incomplete.
	GapsIncomplete = "incomplete"
	// GapsIgnore accepts the engine's coverage gaps.
	GapsIgnore = "ignore"
)

// Weights turns a finding into points lost.
type Weights struct {
	// Severity maps every severity to its base points.
	Severity map[string]float64 `yaml:"severity" json:"severity"`
	// Confidence maps every confidence to a multiplier in [0, 1].
	Confidence map[string]float64 `yaml:"confidence" json:"confidence"`
	// Rules overrides Severity for one rule ID, severity by severity.
	Rules map[string]map[string]float64 `yaml:"rules,omitempty" json:"rules,omitempty"`
}

// Diminishing makes repeats of one rule count less: the After heaviest
// findings of a rule count in full and the k-th one after them counts
// Factor^k as much.
type Diminishing struct {
	After  int     `yaml:"after" json:"after"`
	Factor float64 `yaml:"factor" json:"factor"`
}

// Thresholds are the lowest scores of each tier. Below Sandbox is rejected.
type Thresholds struct {
	Regulated  int `yaml:"regulated" json:"regulated"`
	Production int `yaml:"production" json:"production"`
	Sandbox    int `yaml:"sandbox" json:"sandbox"`
}

// CapRule caps the tier at Tier when any finding satisfies Match.
type CapRule struct {
	Match  Match  `yaml:"match" json:"match"`
	Tier   Tier   `yaml:"tier" json:"tier"`
	Reason string `yaml:"reason" json:"reason"`
}

// Match selects findings. Every criterion given must hold; inside a list,
// one entry is enough.
type Match struct {
	Rules       []string `yaml:"rules,omitempty" json:"rules,omitempty"`
	ExceptRules []string `yaml:"except_rules,omitempty" json:"except_rules,omitempty"`
	RulePrefix  string   `yaml:"rule_prefix,omitempty" json:"rule_prefix,omitempty"`
	Families    []string `yaml:"families,omitempty" json:"families,omitempty"`
	CWEs        []string `yaml:"cwes,omitempty" json:"cwes,omitempty"`
	MinSeverity string   `yaml:"min_severity,omitempty" json:"min_severity,omitempty"`
	Engine      string   `yaml:"engine,omitempty" json:"engine,omitempty"`
}

// CapabilityRule is what one tier requires of the capability inventory.
type CapabilityRule struct {
	// MustDeclare lists capabilities the server may use only if it declares
	// them.
	MustDeclare []string `yaml:"must_declare,omitempty" json:"must_declare,omitempty"`
	// Forbid lists capabilities the server must not have at all.
	Forbid []string `yaml:"forbid,omitempty" json:"forbid,omitempty"`
}

// Capability names of the capability inventory. A policy may name only
// these, so a misspelt capability cannot make a requirement silently
// vacuous.
const (
	CapNetworkEgress   = report.CapNetworkEgress
	CapFilesystemRead  = report.CapFilesystemRead
	CapFilesystemWrite = report.CapFilesystemWrite
	CapProcessExec     = report.CapProcessExec
	CapEnvRead         = report.CapEnvRead
)

var capabilityNames = report.CapabilityNames

var (
	engineName = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
	cwePattern = regexp.MustCompile(`^CWE-[1-9][0-9]*$`)
)

// confidences, from most to least confident, as in rules/.
var confidences = []string{"high", "medium", "low"}

// DefaultPolicy returns a fresh copy of the embedded policy.yaml, which the
// package tests keep valid; it panics only if that guarantee was broken.
func DefaultPolicy() *Policy {
	p, err := ParsePolicy(defaultPolicy)
	if err != nil {
		panic("scoring: embedded policy.yaml: " + err.Error())
	}
	return p
}

// ParsePolicy parses and validates a policy. Parsing is strict: unknown
// fields, duplicate keys and more than one YAML document are errors,
// because a policy that silently means less than it says is worse than
// none.
func ParsePolicy(data []byte) (*Policy, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Policy
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("policy: empty document")
		}
		// yaml.v3 puts each unknown field or duplicate key on a line of
		// its own; one line reads better in a CLI error.
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("policy: %s", strings.Join(te.Errors, "; "))
		}
		return nil, fmt.Errorf("policy: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("policy: more than one YAML document")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Validate checks that the policy is complete and consistent, and that
// every rule, family and engine it names exists in the embedded rule set.
// Errors name the offending field as it is spelt in YAML.
func (p *Policy) Validate() error {
	if p == nil {
		return errors.New("policy: nil")
	}
	set, err := rules.Default()
	if err != nil {
		return fmt.Errorf("policy: rule set: %w", err)
	}
	// Each section reports its first error, so one run shows them all.
	return errors.Join(
		p.validateEngines(),
		p.validateWeights(set),
		p.validateDiminishing(),
		p.validateThresholds(),
		p.validateCaps(set),
		p.validateCapabilities(),
		p.validateAcceptedRisks(set),
	)
}

func (p *Policy) validateEngines() error {
	if len(p.RequiredEngines) == 0 {
		return errors.New("policy: required_engines: empty, so a scan where nothing ran would pass")
	}
	seen := map[string]bool{}
	for i, e := range p.RequiredEngines {
		field := fmt.Sprintf("policy: required_engines[%d]", i)
		switch {
		case !engineName.MatchString(e.Name):
			return fmt.Errorf("%s.name: %q is not an engine name", field, e.Name)
		case seen[e.Name]:
			return fmt.Errorf("%s.name: %s is listed twice", field, e.Name)
		case e.Gaps != GapsIncomplete && e.Gaps != GapsIgnore:
			return fmt.Errorf("%s.gaps: %q, want %s or %s", field, e.Gaps, GapsIncomplete, GapsIgnore)
		}
		seen[e.Name] = true
	}
	return nil
}

func (p *Policy) validateWeights(set *rules.Set) error {
	w := p.Weights
	if err := checkLevels("policy: weights.severity", w.Severity, report.Severities, "severity", false); err != nil {
		return err
	}
	if err := checkLevels("policy: weights.confidence", w.Confidence, confidences, "confidence", true); err != nil {
		return err
	}
	for _, id := range sortedKeys(w.Rules) {
		field := "policy: weights.rules." + id
		if !set.Has(id) {
			return fmt.Errorf("%s: unknown rule", field)
		}
		for _, sev := range sortedKeys(w.Rules[id]) {
			if report.SeverityRank(sev) == 0 {
				return fmt.Errorf("%s: unknown severity %q, want %s", field, sev, oneOf(report.Severities))
			}
			if v := w.Rules[id][sev]; !finite(v) || v < 0 {
				return fmt.Errorf("%s.%s: %g, want a finite number of points, 0 or more", field, sev, v)
			}
		}
	}
	return nil
}

// checkLevels checks a weight table: every level present, nothing else,
// no negative value, at most 1 if unit, and no rise from a level to the
// next, less severe or less confident one. A table that rewarded weaker
// evidence with more points would make the score mean nothing.
func checkLevels(field string, m map[string]float64, levels []string, kind string, unit bool) error {
	for _, k := range sortedKeys(m) {
		if !slices.Contains(levels, k) {
			return fmt.Errorf("%s: unknown %s %q, want %s", field, kind, k, oneOf(levels))
		}
	}
	for i, k := range levels {
		v, ok := m[k]
		switch {
		case !ok:
			return fmt.Errorf("%s.%s: missing", field, k)
		case !finite(v):
			return fmt.Errorf("%s.%s: %g is not a finite number", field, k, v)
		case v < 0 || (unit && v > 1):
			if unit {
				return fmt.Errorf("%s.%s: %g is outside [0, 1]", field, k, v)
			}
			return fmt.Errorf("%s.%s: %g is negative", field, k, v)
		case i > 0 && v > m[levels[i-1]]:
			return fmt.Errorf("%s.%s: %g is more than %s (%g)", field, k, v, levels[i-1], m[levels[i-1]])
		}
	}
	return nil
}

func (p *Policy) validateDiminishing() error {
	d := p.Diminishing
	switch {
	case d == nil:
		return nil
	case d.After < 1:
		return fmt.Errorf("policy: diminishing.after: %d, want at least 1", d.After)
	case !finite(d.Factor) || d.Factor < 0 || d.Factor > 1:
		return fmt.Errorf("policy: diminishing.factor: %g is outside [0, 1]", d.Factor)
	}
	return nil
}

func (p *Policy) validateThresholds() error {
	t := p.Thresholds
	switch {
	case t.Regulated > 100:
		return fmt.Errorf("policy: thresholds.regulated: %d is above 100", t.Regulated)
	case t.Sandbox < 0:
		return fmt.Errorf("policy: thresholds.sandbox: %d is negative", t.Sandbox)
	case t.Production >= t.Regulated:
		return fmt.Errorf("policy: thresholds: production (%d) must be below regulated (%d)", t.Production, t.Regulated)
	case t.Sandbox >= t.Production:
		return fmt.Errorf("policy: thresholds: sandbox (%d) must be below production (%d)", t.Sandbox, t.Production)
	}
	return nil
}

func (p *Policy) validateCaps(set *rules.Set) error {
	if len(p.Caps) == 0 {
		return errors.New("policy: caps: empty, so nothing could cap the tier, not even a shipped credential")
	}
	for i, c := range p.Caps {
		field := fmt.Sprintf("policy: caps[%d]", i)
		switch c.Tier {
		case TierProduction, TierSandbox, TierRejected:
		case TierRegulated:
			return fmt.Errorf("%s.tier: a cap at regulated restricts nothing, want production, sandbox or rejected", field)
		default:
			return fmt.Errorf("%s.tier: unknown tier %q, want production, sandbox or rejected", field, c.Tier)
		}
		if strings.TrimSpace(c.Reason) == "" {
			return fmt.Errorf("%s.reason: empty; every cap must say why", field)
		}
		if err := c.Match.validate(field+".match", set); err != nil {
			return err
		}
	}
	return nil
}

// validate rejects a match that is empty (it would cap every server) or
// names something that does not exist. A match that selects rules by ID,
// prefix, family or engine must select at least one rule of the rule set,
// since a cap that matches nothing silently disables a blocker. A match on
// CWEs or severity alone is exempt: CWEs are how a policy reaches rules that
// do not exist yet, and any rule can report any severity.
func (m Match) validate(field string, set *rules.Set) error {
	if len(m.Rules) == 0 && m.RulePrefix == "" && len(m.Families) == 0 && len(m.CWEs) == 0 && m.MinSeverity == "" && m.Engine == "" {
		return fmt.Errorf("%s: no criterion, so it would cap every server", field)
	}
	families := map[string]bool{}
	engines := map[string]bool{}
	for _, r := range set.All() {
		if r.Family != "" {
			families[r.Family] = true
		}
		engines[r.Engine] = true
	}
	for _, id := range append(slices.Clone(m.Rules), m.ExceptRules...) {
		if !set.Has(id) {
			return fmt.Errorf("%s: unknown rule %q", field, id)
		}
	}
	for _, f := range m.Families {
		if !families[f] {
			return fmt.Errorf("%s.families: unknown family %q", field, f)
		}
	}
	for _, c := range m.CWEs {
		if !cwePattern.MatchString(c) {
			return fmt.Errorf("%s.cwes: %q does not look like CWE-123", field, c)
		}
	}
	if m.MinSeverity != "" && report.SeverityRank(m.MinSeverity) == 0 {
		return fmt.Errorf("%s.min_severity: unknown severity %q, want %s", field, m.MinSeverity, oneOf(report.Severities))
	}
	if m.Engine != "" && !engines[m.Engine] {
		return fmt.Errorf("%s.engine: no rule is reported by engine %q", field, m.Engine)
	}
	if len(m.Rules) == 0 && m.RulePrefix == "" && len(m.Families) == 0 && m.Engine == "" {
		return nil
	}
	for _, r := range set.All() {
		if m.matchesRule(r.ID, r.Family, r.Engine, r.CWE) {
			return nil
		}
	}
	return fmt.Errorf("%s: matches no rule of rule set %s", field, rules.Version)
}

func (p *Policy) validateCapabilities() error {
	for _, t := range sortedKeys(p.Capabilities) {
		field := "policy: capabilities." + string(t)
		if t != TierRegulated && t != TierProduction && t != TierSandbox {
			return fmt.Errorf("%s: unknown tier, want regulated, production or sandbox", field)
		}
		r := p.Capabilities[t]
		for _, names := range [][]string{r.MustDeclare, r.Forbid} {
			for _, n := range names {
				if !slices.Contains(capabilityNames, n) {
					return fmt.Errorf("%s: unknown capability %q, want %s", field, n, oneOf(capabilityNames))
				}
			}
		}
	}
	return nil
}

func (p *Policy) validateAcceptedRisks(set *rules.Set) error {
	for i, e := range p.AcceptedRisks.ReviewerOnly {
		field := fmt.Sprintf("policy: accepted_risks.reviewer_only[%d]", i)
		prefix, isPrefix := strings.CutSuffix(e, "*")
		hit := false
		for _, r := range set.All() {
			if r.ID == e || (isPrefix && prefix != "" && strings.HasPrefix(r.ID, prefix)) {
				hit = true
				break
			}
		}
		if !hit {
			return fmt.Errorf("%s: %q matches no rule of rule set %s", field, e, rules.Version)
		}
	}
	return nil
}

// IsCapability reports whether name is a capability of the inventory.
func IsCapability(name string) bool { return slices.Contains(capabilityNames, name) }

// Digest is "sha256:<hex>" of the policy's canonical JSON: the parsed
// content, not the file, so comments and layout do not change it and any
// change of meaning does. encoding/json sorts map keys, which makes the
// encoding canonical.
func (p *Policy) Digest() string {
	canon, err := json.Marshal(p)
	if err != nil {
		// Only a NaN or infinite weight fails to encode, and Validate
		// rejects those: Digest is for policies that validate.
		panic("scoring: policy digest: " + err.Error())
	}
	sum := sha256.Sum256(canon)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// finite rejects the NaN and infinities YAML can spell (.nan, .inf): NaN
// slips through every comparison, and neither has a digest.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func oneOf(xs []string) string {
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}
