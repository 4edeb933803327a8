// Package certify turns a graded scan into a certification attestation and
// checks one at install time. It is the cobra-free core of `mcpcert certify`
// and `mcpcert verify`; internal/attest does the in-toto and Sigstore work.
package certify

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/mcpcert/mcpcert/internal/attest"
	"github.com/mcpcert/mcpcert/internal/report"
)

// VerifierID names mcpcert as the verifier in every attestation.
const VerifierID = "https://github.com/mcpcert/mcpcert"

// Policy URIs. The digest, not the URI, identifies the exact policy.
const (
	DefaultPolicyURI = "https://mcpcert.dev/policies/default"
	CustomPolicyURI  = "urn:mcpcert:policy:custom"
)

// ErrNoArtifact means the source has no release artifact to bind the
// attestation to (a directory or a bare git checkout).
var ErrNoArtifact = errors.New("certify: the source has no release artifact (an archive, .mcpb, npm:, pypi: or go: version) whose sha256 the attestation could name")

// Subjects are the release artifact (sha256, and sha512 where the registry
// publishes one) and the git commit when known. Nothing else gets a sha256:
// cosign accepts an attestation for any blob matching any sha256 subject.
func Subjects(src report.Source) ([]attest.Subject, error) {
	sum := src.Digests["sha256"]
	if sum == "" || src.Kind == "dir" || src.Kind == "git" {
		return nil, ErrNoArtifact
	}
	name := src.Artifact
	if name == "" {
		name = src.Input
	}
	artifact := attest.Subject{Name: name, Digest: map[string]string{"sha256": sum}}
	if s := src.Digests["sha512"]; s != "" {
		artifact.Digest["sha512"] = s
	}
	out := []attest.Subject{artifact}
	if src.GitCommit != "" {
		out = append(out, attest.Subject{Name: "git-commit", Digest: map[string]string{"gitCommit": src.GitCommit}})
	}
	return out, nil
}

// ResourceURI is the certified release as a purl: the registry's purl when
// there is one, otherwise a generic purl carrying the artifact's checksum.
func ResourceURI(src report.Source) string {
	if src.PURL != "" {
		return src.PURL
	}
	name := src.Artifact
	if name == "" {
		name = "artifact"
	}
	q := packageurl.Qualifiers{{Key: "checksum", Value: "sha256:" + src.Digests["sha256"]}}
	return packageurl.NewPackageURL("generic", "", name, "", q, "").ToString()
}

// PredicateInput is what a predicate is built from.
type PredicateInput struct {
	Report *report.Report
	// ReportJSON is the exact bytes of the JSON report written next to the
	// attestation; the predicate binds it by digest.
	ReportJSON []byte
	// ReportName is the report's file name, recorded as its URI.
	ReportName string
	// PolicyURI names the policy (DefaultPolicyURI or CustomPolicyURI).
	PolicyURI string
	// Time is when the certification was made.
	Time time.Time
}

// Predicate summarises a graded report: digests, counts and versions,
// never a finding's evidence or a secret.
func Predicate(in PredicateInput) (attest.Predicate, error) {
	r := in.Report
	a := r.Assessment
	if a == nil {
		return attest.Predicate{}, errors.New("certify: the report has no assessment")
	}
	p := attest.Predicate{
		Verifier:     attest.Verifier{ID: VerifierID, Version: map[string]string{"mcpcert": r.Tool.Version}},
		TimeVerified: in.Time,
		ResourceURI:  ResourceURI(r.Source),
		Policy:       attest.Policy{URI: in.PolicyURI, Digest: hexDigest(a.PolicyDigest)},
		Tier:         string(a.Tier),
		Score:        a.Score,
		RulesDigest:  hexDigest(r.Rules.Digest),
		RulesVersion: r.Rules.Version,
	}
	p.VerificationResult = attest.ResultFailed
	if a.Tier.Meets(report.TierSandbox) {
		p.VerificationResult = attest.ResultPassed
	}
	sum := sha256.Sum256(in.ReportJSON)
	p.Findings = attest.Findings{
		Counts:   map[string]int{},
		BySource: map[string]int{},
		Report:   attest.ReportRef{Digest: map[string]string{"sha256": hex.EncodeToString(sum[:])}, URI: in.ReportName},
	}
	for _, s := range report.Severities {
		p.Findings.Counts[s] = 0
	}
	for _, e := range r.Engines {
		p.Findings.BySource[e.Name] = 0
	}
	for _, f := range r.Findings {
		p.Findings.Counts[f.Severity]++
		p.Findings.BySource[f.Engine]++
	}
	for _, e := range r.Engines {
		ae := attest.Engine{Name: e.Name, Version: e.Version, Outcome: e.Outcome}
		for _, db := range e.Databases {
			ae.Databases = append(ae.Databases, attest.Database{Ecosystem: db.Ecosystem, Source: db.Source, Modified: db.Modified, SHA256: db.SHA256})
		}
		p.Engines = append(p.Engines, ae)
	}
	if s := r.Surface; s != nil && s.Pin != nil {
		tp := &attest.ToolPin{Version: s.Pin.Version, SHA256: s.Pin.SHA256, Exact: s.Pin.Exact}
		for _, t := range s.Pin.Tools {
			tp.Tools = append(tp.Tools, attest.PinnedTool{Name: t.Name, SHA256: t.SHA256})
		}
		p.ToolPin = tp
	}
	for _, c := range r.Capabilities {
		p.Capabilities = append(p.Capabilities, attest.Capability{Name: c.Name, Declared: c.Declared})
	}
	for _, ar := range a.Accepted {
		p.AcceptedRisks = append(p.AcceptedRisks, attest.AcceptedRisk{Fingerprint: ar.Fingerprint, RuleID: ar.RuleID, Reason: ar.Reason, Origin: ar.Origin})
	}
	return p, nil
}

// hexDigest turns the report's "sha256:<hex>" into a digest set.
func hexDigest(s string) map[string]string {
	alg, v, ok := strings.Cut(s, ":")
	if !ok || v == "" {
		return nil
	}
	return map[string]string{alg: v}
}

// Base is the file-name stem of a certification's outputs: the artifact's
// name without its archive extension, or the package name and version.
func Base(src report.Source) string {
	name := src.Artifact
	for _, ext := range []string{".tar.gz", ".tgz", ".tar", ".zip", ".mcpb", ".dxt", ".whl"} {
		name = strings.TrimSuffix(name, ext)
	}
	if name == "" {
		name = strings.TrimPrefix(src.Name, "@")
		if src.Version != "" {
			name += "-" + src.Version
		}
	}
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '-'
	}, name)
	clean = strings.Trim(clean, ".-")
	if clean == "" {
		clean = "release"
	}
	return clean
}
