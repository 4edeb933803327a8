package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mcpcert/mcpcert/analyzers/all"
	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/accept"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/scan"
	"github.com/mcpcert/mcpcert/internal/source"
	"github.com/mcpcert/mcpcert/internal/workspace"
	"github.com/mcpcert/mcpcert/rules"
	"github.com/mcpcert/mcpcert/scoring"
)

// ScanOptions are the flags of `mcpcert scan`.
type ScanOptions struct {
	Format      string
	Output      string
	FailOn      string
	Offline     bool
	OSVDB       string
	Subdir      string
	NPMRegistry string
	PyPIURL     string
	GoProxy     string
	GoSumDB     string
	ToolsJSON   string
	Policy      string
	Accept      string
	Baseline    string
	Timeout     time.Duration
	Budget      time.Duration
	Source      source.Limits
	Workspace   workspace.Limits
}

// failOnLevels are the accepted --fail-on values, most permissive first.
var failOnLevels = []string{"none", "info", "low", "medium", "high", "critical"}

// AddFlags binds the options to a flag set.
func (o *ScanOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Format, "format", "f", "text", "report format: "+strings.Join(report.Formats(), ", "))
	fs.StringVar(&o.FailOn, "fail-on", "high", "exit 1 when a finding is at or above this severity: "+strings.Join(failOnLevels, ", "))
	fs.StringVar(&o.OSVDB, "osv-db", "", "match vulnerabilities from this local OSV database directory (see `mcpcert db download`) instead of the OSV.dev API; required with --offline")
	fs.DurationVar(&o.Budget, "analyzer-timeout", 10*time.Minute, "time budget of each analyzer; one that overruns makes the scan incomplete")
	fs.StringVar(&o.Baseline, "baseline", "", "a previous JSON report: only findings not in it count towards --fail-on")
	o.addAssessFlags(fs)
	o.addSourceFlags(fs)
}

// addAssessFlags binds the flags that decide how a scan is graded, shared
// by scan and certify.
func (o *ScanOptions) addAssessFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Policy, "policy", "", "scoring policy YAML replacing the embedded default (`mcpcert policy` prints it)")
	fs.StringVar(&o.Accept, "accept", "", "accepted-risks file: findings accepted by fingerprint, and declared capabilities")
}

// addSourceFlags binds the flags that say how a source is fetched and read,
// shared by every command that takes a SOURCE.
func (o *ScanOptions) addSourceFlags(fs *pflag.FlagSet) {
	o.Source = source.DefaultLimits()
	o.Workspace = workspace.DefaultLimits()
	fs.StringVarP(&o.Output, "output", "o", "", "write the report to this file instead of stdout")
	fs.BoolVar(&o.Offline, "offline", false, "no network access at all: local sources only, vulnerability matching from --osv-db")
	fs.StringVar(&o.Subdir, "subdir", "", "analyse only this subdirectory of the source (monorepos)")
	fs.StringVar(&o.NPMRegistry, "npm-registry", "https://registry.npmjs.org", "npm registry used to fetch npm: sources and resolve npm dependencies")
	fs.StringVar(&o.PyPIURL, "pypi-url", "https://pypi.org", "PyPI base URL used to fetch pypi: sources and resolve Python dependencies")
	fs.StringVar(&o.GoProxy, "go-proxy", "https://proxy.golang.org", "Go module proxy used to fetch go: sources")
	fs.StringVar(&o.GoSumDB, "go-sumdb", "", `Go checksum database URL ("off" skips the check; default: the proxy's sum.golang.org endpoint)`)
	fs.StringVar(&o.ToolsJSON, "tools-json", "", "a captured tools/list (JSON-RPC response, result or tools array) to compare with the code and to scan")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Minute, "overall time limit")
	fs.Int64Var(&o.Source.MaxTotalBytes, "max-archive-bytes", o.Source.MaxTotalBytes, "largest total size an archive may unpack to")
	fs.IntVar(&o.Source.MaxFiles, "max-archive-files", o.Source.MaxFiles, "most entries an archive may have")
	fs.Int64Var(&o.Source.MaxRatio, "max-compression-ratio", o.Source.MaxRatio, "largest unpacked/packed size ratio an archive may have")
	fs.Int64Var(&o.Workspace.MaxFileBytes, "max-file-bytes", o.Workspace.MaxFileBytes, "largest file analysed; larger files are a coverage gap")
}

func scanCommand(s Streams, logger func() (*slog.Logger, error)) *cobra.Command {
	o := &ScanOptions{}
	cmd := &cobra.Command{
		Use:   "scan SOURCE",
		Short: "Fetch a release safely and analyse it",
		Long: `Fetch a release safely and analyse it without executing it.

SOURCE is one of:
  ./path/to/server                    a directory
  server-1.2.0.tgz                    .tgz .tar.gz .tar .zip .mcpb .dxt .whl
  npm:@scope/name@1.2.3               an exact npm version
  pypi:name==1.2.3                    an exact PyPI version (sdist preferred)
  go:github.com/org/server@v1.2.3     a Go module version from the module proxy
  git+https://host/org/repo@REF       a git commit, tag or branch (--subdir for monorepos)`,
		Example: `  mcpcert scan ./my-server
  mcpcert scan npm:@modelcontextprotocol/server-filesystem@2026.8.31 --format sarif -o results.sarif
  mcpcert scan server.mcpb --offline --osv-db ~/.cache/mcpcert/osv`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			log, err := logger()
			if err != nil {
				return err
			}
			return o.Run(cmd.Context(), args[0], s, log)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// Run scans ref and writes the report.
func (o *ScanOptions) Run(ctx context.Context, ref string, s Streams, log *slog.Logger) error {
	if !slices.Contains(report.Formats(), o.Format) {
		return usageErrorf("--format %q: want one of %s", o.Format, strings.Join(report.Formats(), ", "))
	}
	if !slices.Contains(failOnLevels, o.FailOn) {
		return usageErrorf("--fail-on %q: want one of %s", o.FailOn, strings.Join(failOnLevels, ", "))
	}
	if o.Offline && o.OSVDB == "" {
		return usageErrorf("--offline needs --osv-db DIR (download one with `mcpcert db download --dir DIR`)")
	}
	res, err := o.scan(ctx, ref, all.Analyzers(), log)
	if err != nil {
		return err
	}
	set, err := rules.Default()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	color := o.Output == "" && s.OutIsTTY && !s.ColorDenied
	if err := report.Write(&buf, o.Format, res.Report, report.Options{Rules: set.All(), Color: color}); err != nil {
		return err
	}
	if err := o.write(s, res.Redactor.Bytes(buf.Bytes())); err != nil {
		return err
	}
	return verdict(res.Report, o.FailOn, log)
}

// scan runs the pipeline with the given analyzers.
func (o *ScanOptions) scan(ctx context.Context, ref string, analyzers []*analysis.Analyzer, log *slog.Logger) (*scan.Result, error) {
	assess, err := o.assessOptions()
	if err != nil {
		return nil, err
	}
	var toolsJSON []byte
	if o.ToolsJSON != "" {
		data, err := os.ReadFile(o.ToolsJSON)
		if err != nil {
			return nil, usageErrorf("--tools-json: %v", err)
		}
		toolsJSON = data
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	client := scan.DefaultHTTPClient()
	res, err := scan.Run(ctx, ref, scan.Options{
		Analyzers:     analyzers,
		ToolsJSON:     toolsJSON,
		ToolsJSONPath: o.ToolsJSON,
		Source: source.Options{
			Limits:      o.Source,
			NPMRegistry: o.NPMRegistry,
			PyPIURL:     o.PyPIURL,
			GoProxy:     o.GoProxy,
			GoSumDBURL:  o.GoSumDB,
			Subdir:      o.Subdir,
		},
		Limits:      o.Workspace,
		Budget:      o.Budget,
		Offline:     o.Offline,
		OSVDBDir:    o.OSVDB,
		HTTPClient:  client,
		NPMRegistry: o.NPMRegistry,
		PyPIURL:     o.PyPIURL,
		Logger:      log,
		Policy:      assess.Policy,
		Accepted:    assess.Accepted,
		Baseline:    assess.Baseline,
	})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, withCode(ExitIncomplete, fmt.Errorf("scan timed out after %s: %w", o.Timeout, err))
		}
		return nil, withCode(ExitUsage, err)
	}
	return res, nil
}

// assessOptions reads --policy, --accept and --baseline. Each is checked
// before anything is fetched: a typo must not cost a whole scan.
func (o *ScanOptions) assessOptions() (scan.Options, error) {
	var out scan.Options
	if o.Policy != "" {
		data, err := readAll("policy", o.Policy)
		if err != nil {
			return out, err
		}
		if out.Policy, err = scoring.ParsePolicy(data); err != nil {
			return out, usageErrorf("--policy %s: %v", o.Policy, err)
		}
	}
	if o.Accept != "" {
		data, err := readAll("accept", o.Accept)
		if err != nil {
			return out, err
		}
		if out.Accepted, err = accept.ParseFile(data, rules.MustDefault().Has, scoring.IsCapability); err != nil {
			return out, usageErrorf("--accept %s: %v", o.Accept, err)
		}
	}
	if o.Baseline != "" {
		data, err := readAll("baseline", o.Baseline)
		if err != nil {
			return out, err
		}
		if out.Baseline, err = accept.ParseBaseline(data); err != nil {
			return out, usageErrorf("--baseline %s: %v", o.Baseline, err)
		}
	}
	return out, nil
}

// write sends a rendered report to --output or stdout. The caller has
// passed it through the scan's redactor: the last line of defence, so that
// no rendering carries a secret found in the scan.
func (o *ScanOptions) write(s Streams, out []byte) error {
	if o.Output != "" {
		return os.WriteFile(o.Output, out, 0o644)
	}
	_, err := s.Out.Write(out)
	return err
}

// verdict turns a report into the exit code of the scan. Accepted risks
// and findings already in the baseline do not count towards --fail-on.
func verdict(r *report.Report, failOn string, log *slog.Logger) error {
	for _, p := range r.SuppressionProblems {
		log.Warn("suppression not applied", "origin", p.Origin, "at", p.Location+p.Fingerprint, "rule", p.RuleID, "problem", p.Problem)
	}
	if failOn != "none" {
		threshold := report.SeverityRank(failOn)
		n := 0
		for _, f := range r.Findings {
			if f.Accepted == nil && f.BaselineState != report.BaselineUnchanged && report.SeverityRank(f.Severity) >= threshold {
				n++
			}
		}
		if n > 0 {
			log.Warn("findings at or above --fail-on", "count", n, "fail-on", failOn)
			return withCode(ExitFindings, nil)
		}
	}
	if r.Status != report.StatusComplete {
		log.Warn("scan incomplete: see the engines' outcomes and coverage gaps in the report")
		return withCode(ExitIncomplete, nil)
	}
	return nil
}
