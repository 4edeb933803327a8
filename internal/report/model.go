// Package report holds the scan result model and renders it as JSON, SARIF
// 2.1.0, Markdown and text. The JSON form is the documented, versioned schema
// (docs/report.schema.json); the other formats are views of the same value.
package report

import (
	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/surface"
)

// SchemaVersion is the version of the JSON report schema. It changes only
// when a field is removed or changes meaning.
const SchemaVersion = "1"

// Status of a scan.
const (
	// StatusComplete means every engine ran and covered everything it should.
	StatusComplete = "complete"
	// StatusIncomplete means some engine failed, timed out, was unavailable
	// or left a coverage gap: absence of findings proves nothing.
	StatusIncomplete = "incomplete"
)

// Engine outcomes.
const (
	OutcomeOK          = "ok"          // ran and covered its whole scope
	OutcomePartial     = "partial"     // ran, but recorded coverage gaps
	OutcomeError       = "error"       // failed or panicked
	OutcomeTimeout     = "timeout"     // exceeded its time budget
	OutcomeUnavailable = "unavailable" // could not run here (e.g. no database)
)

// Severities, from most to least severe.
var Severities = []string{"critical", "high", "medium", "low", "info"}

// SeverityRank orders severities: critical=5 … info=1, unknown=0.
func SeverityRank(s string) int {
	for i, v := range Severities {
		if v == s {
			return len(Severities) - i
		}
	}
	return 0
}

// Report is the complete, deterministic result of one scan.
type Report struct {
	SchemaVersion string       `json:"schemaVersion"`
	Tool          Tool         `json:"tool"`
	Source        Source       `json:"source"`
	Status        string       `json:"status"`
	Summary       Summary      `json:"summary"`
	Rules         RuleSet      `json:"rules"`
	Engines       []Engine     `json:"engines"`
	Findings      []Finding    `json:"findings"`
	Workspace     Workspace    `json:"workspace"`
	Dependencies  []Dependency `json:"dependencies,omitempty"`
	Surface       *ToolSurface `json:"surface,omitempty"`
	// Capabilities is the capability inventory: what the code can do.
	Capabilities []Capability `json:"capabilities,omitempty"`
	// Assessment is the score and tier under the policy, with reasons.
	Assessment *Assessment `json:"assessment,omitempty"`
	// SuppressionProblems are acceptances that were not applied.
	SuppressionProblems []SuppressionProblem `json:"suppressionProblems,omitempty"`
	// Baseline summarises the comparison with --baseline.
	Baseline *Baseline `json:"baseline,omitempty"`
}

// SuppressionProblem is an inline suppression or accepted-risks entry that
// was not applied, and why.
type SuppressionProblem struct {
	// Origin is "inline" or "file".
	Origin string `json:"origin"`
	// Location is "path:line" of an inline suppression.
	Location string `json:"location,omitempty"`
	// Fingerprint is the key of an accepted-risks entry.
	Fingerprint string `json:"fingerprint,omitempty"`
	RuleID      string `json:"ruleId,omitempty"`
	Problem     string `json:"problem"`
}

// Baseline states, as SARIF's result.baselineState names them.
const (
	BaselineNew       = "new"
	BaselineUnchanged = "unchanged"
)

// Baseline counts findings against a previous report.
type Baseline struct {
	New       int `json:"new"`
	Unchanged int `json:"unchanged"`
	// Absent counts findings of the baseline that are gone.
	Absent int `json:"absent"`
}

// Tool identifies the mcpcert build that produced the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Source is the scanned release and its identity.
type Source struct {
	// Input is what the user asked to scan, as given.
	Input string `json:"input"`
	// Kind is one of dir, archive, npm, pypi, go, git.
	Kind    string `json:"kind"`
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
	PURL    string `json:"purl,omitempty"`
	// Artifact is the file name of the release artifact, when there is one.
	Artifact string `json:"artifact,omitempty"`
	URL      string `json:"url,omitempty"`
	// Digests of the exact artifact bytes ("sha256", "sha512"), or "dirhash"
	// (Go's h1 directory hash) for plain directories.
	Digests   map[string]string `json:"digests"`
	GitCommit string            `json:"gitCommit,omitempty"`
	GitRef    string            `json:"gitRef,omitempty"`
	Subdir    string            `json:"subdir,omitempty"`
	// Verified lists the published digests that were checked and matched.
	Verified []string `json:"verified,omitempty"`
}

// Summary counts findings by severity.
type Summary struct {
	Total    int `json:"total"`
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

// RuleSet identifies the rules that ran.
type RuleSet struct {
	Version string `json:"version"`
	// Digest is the sha256 of the canonical rule set, "sha256:<hex>".
	Digest string `json:"digest"`
}

// Engine is one analyzer's outcome.
type Engine struct {
	Name      string              `json:"name"`
	Version   string              `json:"version"`
	Outcome   string              `json:"outcome"`
	Detail    string              `json:"detail,omitempty"`
	Rules     []string            `json:"rules"`
	Databases []analysis.Database `json:"databases,omitempty"`
	Gaps      []analysis.Gap      `json:"gaps,omitempty"`
}

// Finding is one diagnostic enriched with its rule's metadata.
type Finding struct {
	RuleID     string            `json:"ruleId"`
	Title      string            `json:"title"`
	Severity   string            `json:"severity"`
	Confidence string            `json:"confidence"`
	CWE        string            `json:"cwe,omitempty"`
	Engine     string            `json:"engine"`
	Message    string            `json:"message"`
	Location   analysis.Position `json:"location"`
	// Fingerprint is stable across runs and unaffected by line moves where
	// possible; it keys baselines, suppressions and SARIF partialFingerprints.
	Fingerprint string `json:"fingerprint"`
	// Secret is present for secret findings: never the secret itself.
	Secret     *Secret              `json:"secret,omitempty"`
	Dependency *analysis.Dependency `json:"dependency,omitempty"`
	Properties map[string]string    `json:"properties,omitempty"`
	// Accepted is set when the finding is an accepted risk: it neither
	// loses points nor fails the scan.
	Accepted *AcceptedRisk `json:"accepted,omitempty"`
	// BaselineState is "new" or "unchanged" when a baseline was given.
	BaselineState string `json:"baselineState,omitempty"`
}

// Secret identifies a secret without revealing it.
type Secret struct {
	// Redacted shows at most a short prefix of the secret and its length.
	Redacted string `json:"redacted"`
	// SHA256 is a salted digest of the secret, stable across scans, that
	// lets a reviewer recognise the same secret without seeing it.
	Fingerprint string `json:"fingerprint"`
}

// Workspace describes what was read.
type Workspace struct {
	Files   int           `json:"files"`
	Bytes   int64         `json:"bytes"`
	Skipped []SkippedFile `json:"skipped,omitempty"`
}

// SkippedFile is a file no analyzer saw, with the reason.
type SkippedFile struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Dependency is one package of the dependency set that was checked.
type Dependency struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	// Origin is the lockfile or manifest that pinned it, or "resolved".
	Origin string `json:"origin"`
	Direct bool   `json:"direct"`
}

// ToolSurface is the server's tool surface as mcpcert extracted it, and
// the pins an installer verifies a live server against.
type ToolSurface struct {
	Tools     []ToolEntry     `json:"tools"`
	Prompts   []SurfaceEntry  `json:"prompts,omitempty"`
	Resources []SurfaceEntry  `json:"resources,omitempty"`
	Declared  []DeclaredEntry `json:"declared,omitempty"`
	// Pin is the pin of the tools extracted from source; LivePin that of
	// the tools/list given with --tools-json.
	Pin     *surface.Pin `json:"pin,omitempty"`
	LivePin *surface.Pin `json:"livePin,omitempty"`
}

// ToolEntry is one extracted tool.
type ToolEntry struct {
	Name       string            `json:"name"`
	Pattern    string            `json:"pattern"`
	Location   analysis.Position `json:"location"`
	Resolution string            `json:"resolution"`
	Reasons    []string          `json:"reasons,omitempty"`
	SHA256     string            `json:"sha256,omitempty"`
}

// SurfaceEntry is an extracted prompt or resource.
type SurfaceEntry struct {
	Name     string            `json:"name"`
	Pattern  string            `json:"pattern"`
	Location analysis.Position `json:"location"`
}

// DeclaredEntry is a declared surface that was read.
type DeclaredEntry struct {
	Kind  string `json:"kind"`
	Path  string `json:"path"`
	Tools int    `json:"tools"`
}
