// Package scan is the certification pipeline's library entry point: fetch
// the release, read it once, run the analyzers, and assemble the report. It
// is the only place that knows that order; the CLI and (later) batch mode
// call it.
package scan

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sort"
	"time"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/analyzers/capabilities"
	"github.com/mcpcert/mcpcert/analyzers/depvuln"
	"github.com/mcpcert/mcpcert/analyzers/mcpsurface"
	"github.com/mcpcert/mcpcert/internal/accept"
	"github.com/mcpcert/mcpcert/internal/buildinfo"
	"github.com/mcpcert/mcpcert/internal/driver"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/source"
	"github.com/mcpcert/mcpcert/internal/workspace"
	"github.com/mcpcert/mcpcert/rules"
	"github.com/mcpcert/mcpcert/scoring"
)

// Options configure a scan.
type Options struct {
	Analyzers []*analysis.Analyzer
	Source    source.Options
	Limits    workspace.Limits
	// Budget is each analyzer's time budget.
	Budget   time.Duration
	Offline  bool
	OSVDBDir string
	// HTTPClient is used for every network access.
	HTTPClient  *http.Client
	NPMRegistry string
	PyPIURL     string
	TempDir     string
	Logger      *slog.Logger
	// ToolsJSON is a captured tools/list to compare with the code and to
	// cover tools whose text is not resolvable statically.
	ToolsJSON     []byte
	ToolsJSONPath string

	// Policy grades the scan; nil means scoring.DefaultPolicy.
	Policy *scoring.Policy
	// Accepted is the reviewer's accepted-risks file, or nil.
	Accepted *accept.File
	// Baseline marks findings as new or unchanged, or nil.
	Baseline *accept.Baseline
	// Now is the clock accepted risks expire by; nil means time.Now.
	Now func() time.Time
}

// Result is a finished scan.
type Result struct {
	Report *report.Report
	// Results holds each analyzer's result, for commands that print them.
	Results map[*analysis.Analyzer]any
	// Redactor removes the secrets found from any rendering of the report.
	Redactor *driver.Redactor
}

// Run scans one source. An error means the source could not be fetched or
// read (the CLI's exit code 2); analyzer failures are not errors but engine
// outcomes that make the report incomplete.
func Run(ctx context.Context, ref string, opts Options) (*Result, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	set, err := rules.Default()
	if err != nil {
		return nil, err
	}
	if err := analysis.Validate(opts.Analyzers, set.Has); err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp(opts.TempDir, "mcpcert-scan-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)

	srcOpts := opts.Source
	srcOpts.Offline = opts.Offline
	srcOpts.HTTPClient = opts.HTTPClient
	srcOpts.TempDir = scratch
	srcOpts.Logger = log
	log.Info("fetching", "source", ref)
	ws, err := source.Open(ctx, ref, srcOpts)
	if err != nil {
		return nil, err
	}
	defer ws.Close()

	log.Info("reading", "root", ws.Root)
	files, err := workspace.Load(ctx, ws.Root, opts.Limits)
	if err != nil {
		return nil, err
	}
	log.Info("analysing", "files", len(files.Files), "bytes", files.Bytes)
	cfg := &analysis.Config{
		Offline:     opts.Offline,
		OSVDBDir:    opts.OSVDBDir,
		HTTPClient:  opts.HTTPClient,
		NPMRegistry: opts.Source.NPMRegistry,
		PyPIURL:     opts.Source.PyPIURL,
		TempDir:     scratch,

		ToolsJSON:     opts.ToolsJSON,
		ToolsJSONPath: opts.ToolsJSONPath,
	}
	res := driver.Run(ctx, files, opts.Analyzers, driver.Options{Rules: set, Budget: opts.Budget, Config: cfg, Logger: log})

	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "mcpcert", Version: buildinfo.Version},
		Source:        sourceOf(ws, files),
		Rules:         report.RuleSet{Version: rules.Version, Digest: set.Digest()},
		Engines:       res.Engines,
		Findings:      res.Findings,
		Workspace:     report.Workspace{Files: len(files.Files), Bytes: files.Bytes},
	}
	if r.Findings == nil {
		r.Findings = []report.Finding{}
	}
	complete := true
	for _, e := range r.Engines {
		if e.Outcome != report.OutcomeOK {
			complete = false
		}
	}
	for _, s := range ws.Skipped {
		r.Workspace.Skipped = append(r.Workspace.Skipped, report.SkippedFile{Path: s.Path, Reason: s.Reason})
	}
	for _, s := range files.Skipped {
		r.Workspace.Skipped = append(r.Workspace.Skipped, report.SkippedFile{Path: s.Path, Reason: s.Reason})
		if workspace.IsGap(s.Reason) {
			complete = false
		}
	}
	r.Status = report.StatusComplete
	if !complete {
		r.Status = report.StatusIncomplete
	}
	for _, f := range r.Findings {
		r.Summary.Total++
		switch f.Severity {
		case "critical":
			r.Summary.Critical++
		case "high":
			r.Summary.High++
		case "medium":
			r.Summary.Medium++
		case "low":
			r.Summary.Low++
		default:
			r.Summary.Info++
		}
	}
	if dv, ok := res.Results[depvuln.Analyzer].(*depvuln.Result); ok {
		r.Dependencies = dv.Packages
	}
	if ms, ok := res.Results[mcpsurface.Analyzer].(*mcpsurface.Result); ok {
		r.Surface = toolSurface(ms)
	}
	if cr, ok := res.Results[capabilities.Analyzer].(*capabilities.Result); ok {
		r.Capabilities = inventory(cr, opts.Accepted)
	}
	assess(r, files, set, opts)
	log.Info("done", "status", r.Status, "findings", r.Summary.Total)
	return &Result{Report: r, Results: res.Results, Redactor: res.Redactor}, nil
}

func sourceOf(ws *source.Workspace, files *workspace.Workspace) report.Source {
	id := ws.Identity
	s := report.Source{
		Input: id.Input, Kind: string(id.Kind), Name: id.Name, Version: id.Version, PURL: id.PURL,
		Artifact: id.Artifact, URL: id.URL, Digests: map[string]string{},
		GitCommit: id.GitCommit, GitRef: id.GitRef, Subdir: id.Subdir, Verified: id.Verified,
	}
	for k, v := range id.Digests {
		s.Digests[k] = v
	}
	if id.Kind == source.KindDir || len(s.Digests) == 0 {
		s.Digests["dirhash"] = files.DirHash
	}
	return s
}

// toolSurface summarises the extracted surface and its pins for the report.
func toolSurface(ms *mcpsurface.Result) *report.ToolSurface {
	ts := &report.ToolSurface{Tools: []report.ToolEntry{}, Pin: ms.Pin, LivePin: ms.LivePin}
	digest := map[string]string{}
	if ms.Pin != nil {
		for _, t := range ms.Pin.Tools {
			digest[t.Name] = t.SHA256
		}
	}
	for _, t := range ms.Surface.Tools {
		ts.Tools = append(ts.Tools, report.ToolEntry{Name: t.Name.Value, Pattern: t.Pattern, Location: t.Pos,
			Resolution: string(t.Resolution), Reasons: t.Reasons, SHA256: digest[t.Name.Value]})
	}
	for _, p := range ms.Surface.Prompts {
		ts.Prompts = append(ts.Prompts, report.SurfaceEntry{Name: p.Name.Value, Pattern: p.Pattern, Location: p.Pos})
	}
	for _, r := range ms.Surface.Resources {
		ts.Resources = append(ts.Resources, report.SurfaceEntry{Name: r.Name.Value, Pattern: r.Pattern, Location: r.Pos})
	}
	for _, d := range ms.Declared {
		ts.Declared = append(ts.Declared, report.DeclaredEntry{Kind: d.Kind, Path: d.Path, Tools: len(d.Surface.Tools)})
	}
	sort.SliceStable(ts.Tools, func(i, j int) bool { return ts.Tools[i].Name < ts.Tools[j].Name })
	return ts
}

// inventory summarises the capability uses by capability, marking those
// the accepted-risks file declares.
func inventory(cr *capabilities.Result, declared *accept.File) []report.Capability {
	justification := map[string]string{}
	if declared != nil {
		for _, d := range declared.Capabilities {
			justification[d.Name] = d.Justification
		}
	}
	var out []report.Capability
	index := map[string]int{}
	for _, name := range cr.Capabilities() {
		j, ok := justification[name]
		index[name] = len(out)
		out = append(out, report.Capability{Name: name, Declared: ok, Justification: j})
	}
	for _, u := range cr.Uses {
		c := &out[index[u.Capability]]
		c.Evidence = append(c.Evidence, fmt.Sprintf("%s:%d %s", u.Pos.Path, u.Pos.StartLine, u.API))
	}
	for i := range out {
		slices.Sort(out[i].Evidence)
		out[i].Evidence = slices.Compact(out[i].Evidence)
	}
	return out
}

// assess applies accepted risks and the baseline to the findings and grades
// the scan under the policy.
func assess(r *report.Report, files *workspace.Workspace, set *rules.Set, opts Options) {
	policy := opts.Policy
	if policy == nil {
		policy = scoring.DefaultPolicy()
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	var inline []accept.Inline
	for _, f := range files.Files {
		content, err := files.ReadFile(f.Path)
		if err == nil {
			inline = append(inline, accept.FindInline(f.Path, content)...)
		}
	}
	acc := accept.Apply(r.Findings, inline, opts.Accepted, accept.Options{
		Inline:       policy.AcceptedRisks.Inline,
		ReviewerOnly: policy.AcceptedRisks.ReviewerOnly,
		KnownRule:    set.Has,
		Now:          now(),
	})
	r.SuppressionProblems = acc.Problems
	for i, f := range r.Findings {
		if a, ok := acc.Accepted[f.Fingerprint]; ok {
			r.Findings[i].Accepted = &a
		}
	}
	if opts.Baseline != nil {
		r.Baseline = &report.Baseline{Absent: opts.Baseline.Mark(r.Findings)}
		for _, f := range r.Findings {
			if f.BaselineState == report.BaselineNew {
				r.Baseline.New++
			} else {
				r.Baseline.Unchanged++
			}
		}
	}
	a := scoring.Evaluate(scoring.Input{Findings: r.Findings, Engines: r.Engines, Capabilities: r.Capabilities, Accepted: acc.Accepted}, policy)
	r.Assessment = &a
}

// DefaultHTTPClient honours HTTP(S)_PROXY and NO_PROXY and bounds every request.
func DefaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	return &http.Client{Transport: t, Timeout: 5 * time.Minute}
}
