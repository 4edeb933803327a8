package attest

import (
	"fmt"
	"time"

	packageurl "github.com/package-url/packageurl-go"
)

// PredicateType identifies mcpcert's certification predicate. Verifiers must
// ask for it by name: `cosign verify-blob-attestation --type <PredicateType>`
// (without --type cosign expects its own "custom" type and fails).
const PredicateType = "https://mcpcert.dev/attestations/mcp-certification/v1"

// Values of Predicate.VerificationResult, as in SLSA's Verification Summary.
const (
	ResultPassed = "PASSED"
	ResultFailed = "FAILED"
)

// Predicate is the body of a certification attestation. Fields that mean the
// same as in SLSA's Verification Summary (verifier, timeVerified, resourceUri,
// policy, verificationResult) carry its names, so the predicate reads like a
// VSA to people and tools that know one; the rest is mcpcert's own.
//
// It holds digests, counts and versions only: never a secret, a finding's
// evidence or source text. The full report is bound by Findings.Report.Digest.
//
// Optional slices and maps are omitted when empty, so nil and empty give the
// same bytes.
type Predicate struct {
	Verifier Verifier `json:"verifier"`
	// TimeVerified is when the scan finished. Statement records it in UTC to
	// the second, so a frozen clock gives identical bytes.
	TimeVerified time.Time `json:"timeVerified"`
	// ResourceURI is the certified release as a purl, e.g.
	// "pkg:npm/%40acme/mcp-server@1.2.0".
	ResourceURI        string `json:"resourceUri"`
	Policy             Policy `json:"policy"`
	VerificationResult string `json:"verificationResult"`
	Tier               string `json:"tier,omitempty"`
	// Score is 0–100.
	Score         int               `json:"score"`
	Findings      Findings          `json:"findings"`
	Engines       []Engine          `json:"engines,omitempty"`
	RulesDigest   map[string]string `json:"rulesDigest,omitempty"`
	RulesVersion  string            `json:"rulesVersion,omitempty"`
	ToolPin       *ToolPin          `json:"toolPin,omitempty"`
	Capabilities  []Capability      `json:"capabilities,omitempty"`
	AcceptedRisks []AcceptedRisk    `json:"acceptedRisks,omitempty"`
}

// Verifier identifies the tool that certified, as in the VSA.
type Verifier struct {
	ID string `json:"id"`
	// Version maps component names to versions, e.g. {"mcpcert": "0.4.0"}.
	Version map[string]string `json:"version,omitempty"`
}

// Policy is the certification policy that was applied, as a VSA
// ResourceDescriptor (uri plus digest).
type Policy struct {
	URI    string            `json:"uri"`
	Digest map[string]string `json:"digest,omitempty"`
}

// Findings summarises the report without reproducing it.
type Findings struct {
	// Counts is keyed by severity (critical … info); list zero counts too.
	Counts map[string]int `json:"counts,omitempty"`
	// BySource is keyed by engine.
	BySource map[string]int `json:"bySource,omitempty"`
	Report   ReportRef      `json:"report"`
}

// ReportRef binds the full JSON report by digest.
type ReportRef struct {
	Digest map[string]string `json:"digest"`
	URI    string            `json:"uri,omitempty"`
}

// Engine is one analyzer's outcome, with the databases it matched against.
type Engine struct {
	Name      string     `json:"name"`
	Version   string     `json:"version"`
	Outcome   string     `json:"outcome"`
	Databases []Database `json:"databases,omitempty"`
}

// Database identifies a vulnerability database by source, date and digest.
type Database struct {
	Ecosystem string `json:"ecosystem,omitempty"`
	Source    string `json:"source"`
	// Modified is the newest record's modification time (RFC 3339).
	Modified string `json:"modified,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
}

// ToolPin is the pin of the server's tool surface: digests only, never the
// tool definitions themselves.
type ToolPin struct {
	Version string `json:"version"`
	// SHA256 is the manifest digest over all tools' names and digests.
	SHA256 string `json:"sha256"`
	// Exact is false when some tool could only be extracted approximately.
	Exact bool         `json:"exact"`
	Tools []PinnedTool `json:"tools,omitempty"`
}

// PinnedTool is one tool's pin.
type PinnedTool struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// Capability is one entry of the capability inventory.
type Capability struct {
	Name string `json:"name"`
	// Declared is true when the server declares the capability, false when
	// mcpcert found it in code without a declaration.
	Declared bool `json:"declared"`
}

// AcceptedRisk is a finding the publisher accepted, by fingerprint.
type AcceptedRisk struct {
	Fingerprint string `json:"fingerprint"`
	RuleID      string `json:"ruleId"`
	Reason      string `json:"reason"`
	// Origin is "inline" (a comment in the certified code, written by its
	// publisher) or "file" (the reviewer's accepted-risks file).
	Origin string `json:"origin,omitempty"`
}

// validate checks what a verifier relies on: the VSA's required fields, a
// purl, a bound report, and well-formed digests.
func (p *Predicate) validate() error {
	switch {
	case p.Verifier.ID == "":
		return fmt.Errorf("%w: verifier.id is empty", ErrInvalidPredicate)
	case p.TimeVerified.IsZero():
		return fmt.Errorf("%w: timeVerified is not set", ErrInvalidPredicate)
	case p.Policy.URI == "":
		return fmt.Errorf("%w: policy.uri is empty", ErrInvalidPredicate)
	case p.VerificationResult != ResultPassed && p.VerificationResult != ResultFailed:
		return fmt.Errorf("%w: verificationResult %q is neither %s nor %s", ErrInvalidPredicate, p.VerificationResult, ResultPassed, ResultFailed)
	case p.Score < 0 || p.Score > 100:
		return fmt.Errorf("%w: score %d is outside 0–100", ErrInvalidPredicate, p.Score)
	case p.Findings.Report.Digest["sha256"] == "":
		return fmt.Errorf("%w: findings.report.digest has no sha256", ErrInvalidPredicate)
	}
	if _, err := packageurl.FromString(p.ResourceURI); err != nil {
		return fmt.Errorf("%w: resourceUri %q is not a purl: %v", ErrInvalidPredicate, p.ResourceURI, err)
	}
	digestSets := []struct {
		field string
		set   map[string]string
	}{
		{"policy.digest", p.Policy.Digest},
		{"rulesDigest", p.RulesDigest},
		{"findings.report.digest", p.Findings.Report.Digest},
	}
	for _, d := range digestSets {
		for alg, v := range d.set {
			if (alg != "sha256" && alg != "sha512") || !isDigest(alg, v) {
				return fmt.Errorf("%w: %s: %q is not a lowercase hex sha256 or sha512", ErrInvalidPredicate, d.field, alg+":"+v)
			}
		}
	}
	var hexes []string
	for _, e := range p.Engines {
		for _, db := range e.Databases {
			if db.SHA256 != "" {
				hexes = append(hexes, db.SHA256)
			}
		}
	}
	if p.ToolPin != nil {
		hexes = append(hexes, p.ToolPin.SHA256)
		for _, t := range p.ToolPin.Tools {
			hexes = append(hexes, t.SHA256)
		}
	}
	for _, h := range hexes {
		if !isDigest("sha256", h) {
			return fmt.Errorf("%w: %q is not a lowercase hex sha256", ErrInvalidPredicate, h)
		}
	}
	return nil
}
