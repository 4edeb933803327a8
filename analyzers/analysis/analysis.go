// Package analysis defines the interface between an mcpcert analyzer and the
// driver that runs it, shaped after golang.org/x/tools/go/analysis.
//
// An analyzer is a value, not an implementation of an interface: it names the
// rules it may report, the languages it wants to see and the analyzers it
// requires, and its Run function receives a Pass. Run returns an error only
// when the analysis itself failed; findings go through Pass.Report. The driver
// turns an error, a panic or an exceeded time budget into an engine outcome
// that makes the whole scan incomplete.
package analysis

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
)

// Lang is the language of a workspace file as far as analyzers care.
type Lang string

// Languages recognised by the driver. Files of any other kind are LangOther.
const (
	LangJavaScript Lang = "javascript"
	LangTypeScript Lang = "typescript"
	LangPython     Lang = "python"
	LangGo         Lang = "go"
	LangJSON       Lang = "json"
	LangOther      Lang = "other"
)

// An Analyzer describes one analysis: its identity, what it reports and what
// it needs. Analyzers are listed explicitly (see analyzers/all) and checked
// with Validate before they run.
type Analyzer struct {
	// Name is a valid identifier; it names the engine in reports.
	Name string
	// Doc is a one-line title, a blank line, then detail.
	Doc string
	// Version identifies the engine behind the analyzer (for example
	// "gitleaks 8.30.1"); it is recorded in every report and attestation.
	Version string
	// Rules lists every rule ID the analyzer may report; the driver rejects a
	// diagnostic with any other ID.
	Rules []string
	// Languages restricts Pass.Files to these languages; empty means all files.
	Languages []Lang
	// Requires lists analyzers whose results this one reads from ResultOf.
	Requires []*Analyzer
	// ResultType is the type of the value Run returns, if any.
	ResultType reflect.Type
	// Run performs the analysis. It returns an error only if the analysis
	// could not be completed; a finding is never an error.
	Run func(*Pass) (any, error)
}

func (a *Analyzer) String() string { return a.Name }

// File is one regular file of the workspace.
type File struct {
	// Path is slash-separated and relative to the workspace root.
	Path string
	Lang Lang
	Size int64
}

// Config carries the scan settings analyzers may need. It is the same for
// every analyzer of a scan.
type Config struct {
	// Offline forbids every network access.
	Offline bool
	// OSVDBDir is the root of the local OSV databases (required offline).
	OSVDBDir string
	// HTTPClient is used for every network access an analyzer makes.
	HTTPClient *http.Client
	// NPMRegistry and PyPIURL are the registries used to resolve
	// dependencies that the source does not pin.
	NPMRegistry string
	PyPIURL     string
	// TempDir is a private scratch directory, removed after the scan.
	TempDir string
	// ToolsJSON is a captured tools/list (or initialize + lists) given by
	// the user with --tools-json, and ToolsJSONPath names it in findings.
	ToolsJSON     []byte
	ToolsJSONPath string
}

// A Pass provides one analyzer with the workspace and collects its output.
type Pass struct {
	Analyzer *Analyzer
	Context  context.Context
	Config   *Config

	// Files are the workspace files in the analyzer's languages, sorted by path.
	Files []*File
	// Dir is the workspace root on disk. Analyzers read file contents through
	// ReadFile; Dir exists only for engines that must be handed a path (a
	// lockfile for osv-scanner), and must never be written to.
	Dir string
	// ReadFile returns a workspace file's contents. The contents are read from
	// disk once and shared by all analyzers; callers must not modify them.
	ReadFile func(path string) ([]byte, error)

	// ResultOf holds the results of the required analyzers.
	ResultOf map[*Analyzer]any

	// Report records a finding.
	Report func(Diagnostic)
	// Gap records something the analyzer could not cover; any gap makes the
	// engine's outcome "partial" and the scan incomplete.
	Gap func(Gap)
	// UseDatabase records a database the analyzer consulted.
	UseDatabase func(Database)

	/* Further fields may be added in future. */
}

// Reportf reports a diagnostic with a formatted message at a position.
func (p *Pass) Reportf(rule string, pos Position, format string, args ...any) {
	p.Report(Diagnostic{RuleID: rule, Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// Position locates a finding; lines and columns are 1-based, 0 when unknown.
type Position struct {
	Path      string `json:"path"`
	StartLine int    `json:"startLine,omitempty"`
	StartCol  int    `json:"startColumn,omitempty"`
	EndLine   int    `json:"endLine,omitempty"`
	EndCol    int    `json:"endColumn,omitempty"`
}

// A Diagnostic is one finding reported by an analyzer.
type Diagnostic struct {
	// RuleID must be one of the analyzer's Rules.
	RuleID string
	Pos    Position
	// Message must never contain secret material; put that in Secret.
	Message string
	// Severity overrides the rule's severity when the evidence carries its
	// own (an advisory's CVSS rating); empty keeps the rule's.
	Severity string
	// Secret is the raw secret a secrets analyzer found. The driver replaces
	// it by a redacted form and a fingerprint before anything is stored.
	Secret string
	// Key distinguishes findings of one rule at one position (a vulnerability
	// ID, a gitleaks rule); it feeds the fingerprint.
	Key string
	// Dependency describes the vulnerable package of a dependency finding.
	Dependency *Dependency
	// Properties are extra machine-readable facts (string values only).
	Properties map[string]string
}

// Dependency describes a vulnerable package and its advisory.
type Dependency struct {
	Ecosystem    string   `json:"ecosystem"`
	Package      string   `json:"package"`
	Version      string   `json:"version"`
	AdvisoryID   string   `json:"advisoryId"`
	Aliases      []string `json:"aliases,omitempty"`
	Summary      string   `json:"summary,omitempty"`
	Severity     string   `json:"severity,omitempty"`
	CVSS         string   `json:"cvss,omitempty"`
	FixedIn      []string `json:"fixedIn,omitempty"`
	Source       string   `json:"source"` // lockfile, manifest pin or resolved set it came from
	Direct       bool     `json:"direct"`
	Resolved     bool     `json:"resolved"` // version chosen by mcpcert's resolver, not pinned by the source
	AdvisoryURLs []string `json:"references,omitempty"`
}

// Gap is something an analyzer could not cover.
type Gap struct {
	Kind   string `json:"kind"`
	Path   string `json:"path,omitempty"`
	Detail string `json:"detail"`
}

// Database is a database an analyzer used, for reproducibility.
type Database struct {
	Name      string `json:"name"`
	Ecosystem string `json:"ecosystem,omitempty"`
	Source    string `json:"source"`
	// Modified is the newest modification time of any record (RFC 3339).
	Modified string `json:"modified,omitempty"`
	Records  int    `json:"records,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
}

// ErrUnavailable is returned (wrapped) by an analyzer that cannot run in this
// environment, for example offline without a vulnerability database. The
// driver records the outcome "unavailable"; the scan is incomplete.
var ErrUnavailable = errors.New("engine unavailable")
