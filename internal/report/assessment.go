package report

// Tier is what a certified server may be used for. The scoring package
// decides it; the report and the attestation carry it.
type Tier string

// Tiers, from best to worst, then incomplete, which is not a verdict.
const (
	// TierRegulated may touch production systems and regulated data.
	TierRegulated Tier = "regulated"
	// TierProduction may run in production, away from regulated data.
	TierProduction Tier = "production"
	// TierSandbox may run only in a sandbox.
	TierSandbox Tier = "sandbox"
	// TierRejected must not be installed.
	TierRejected Tier = "rejected"
	// TierIncomplete means a required engine did not complete, so the
	// scan cannot vouch for anything.
	TierIncomplete Tier = "incomplete"
)

// Tiers lists the verdicts, best first.
var Tiers = []Tier{TierRegulated, TierProduction, TierSandbox, TierRejected}

// Rank orders the verdicts, best highest. Incomplete and unknown tiers rank
// 0 because they are not verdicts at all.
func (t Tier) Rank() int {
	switch t {
	case TierRegulated:
		return 4
	case TierProduction:
		return 3
	case TierSandbox:
		return 2
	case TierRejected:
		return 1
	}
	return 0
}

// Meets reports whether t is a verdict at least as good as minimum. It is
// the one comparison a gate (an exit code, an admission check) should use:
// incomplete meets nothing, so a scan that did not look never passes.
func (t Tier) Meets(minimum Tier) bool {
	return t.Rank() > 0 && t.Rank() >= minimum.Rank()
}

// Below is the next tier down: where a server lands when it misses a tier's
// capability requirements.
func (t Tier) Below() Tier {
	switch t {
	case TierRegulated:
		return TierProduction
	case TierProduction:
		return TierSandbox
	}
	return TierRejected
}

// Assessment is a graded scan: the score, the tier and every reason behind
// them. It is part of the report and, summarised, of the attestation.
type Assessment struct {
	Score int  `json:"score"`
	Tier  Tier `json:"tier"`
	// Ceiling is the tier the score and caps allow. It equals Tier when
	// every required engine completed. Otherwise Tier is incomplete, and
	// Ceiling is the best the server could reach once those engines run
	// and find nothing. It is incomplete only when the policy is invalid.
	Ceiling      Tier           `json:"ceiling"`
	PolicyDigest string         `json:"policyDigest,omitempty"`
	Deductions   []Deduction    `json:"deductions,omitempty"`
	Caps         []Cap          `json:"caps,omitempty"`
	Accepted     []AcceptedRisk `json:"accepted,omitempty"`
	// Incomplete lists the required engines that did not complete, each
	// as "name: outcome: detail".
	Incomplete []string `json:"incomplete,omitempty"`
}

// Deduction is the points one finding cost.
type Deduction struct {
	Fingerprint string  `json:"fingerprint"`
	RuleID      string  `json:"ruleId"`
	Severity    string  `json:"severity"`
	Confidence  string  `json:"confidence"`
	Points      float64 `json:"points"`
	Reason      string  `json:"reason"`
}

// Cap is one reason the tier is no better than Tier. It points at the
// findings behind it, at the required engines that did not complete, or at
// a capability and the code that shows it.
type Cap struct {
	Tier       Tier     `json:"tier"`
	Reason     string   `json:"reason"`
	Findings   []string `json:"findings,omitempty"`
	Engines    []string `json:"engines,omitempty"`
	Capability string   `json:"capability,omitempty"`
	Evidence   []string `json:"evidence,omitempty"`
}

// AcceptedRisk is a finding left out of scoring, and why.
type AcceptedRisk struct {
	Fingerprint string `json:"fingerprint"`
	RuleID      string `json:"ruleId"`
	Reason      string `json:"reason"`
	// Origin is "inline" (an mcpcert:ignore comment in the scanned code,
	// written by its publisher) or "file" (the reviewer's accepted-risks
	// file).
	Origin string `json:"origin"`
	// Location is where the inline comment is, for inline acceptances.
	Location string `json:"location,omitempty"`
}

// Capability names: the capabilities analyzer reports them and policies
// require them, so there is one list.
const (
	CapNetworkEgress   = "network-egress"
	CapFilesystemRead  = "filesystem-read"
	CapFilesystemWrite = "filesystem-write"
	CapProcessExec     = "process-exec"
	CapEnvRead         = "env-read"
)

// CapabilityNames lists every capability name, sorted.
var CapabilityNames = []string{CapEnvRead, CapFilesystemRead, CapFilesystemWrite, CapNetworkEgress, CapProcessExec}

// Capability is one entry of the capability inventory: something the
// server's code can do, whether it was declared, and where the code does it.
type Capability struct {
	Name     string `json:"name"`
	Declared bool   `json:"declared"`
	// Justification is the reason the declaration gives.
	Justification string `json:"justification,omitempty"`
	// Evidence lists call sites as "path:line api", sorted.
	Evidence []string `json:"evidence,omitempty"`
}
