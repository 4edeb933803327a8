// Package secrets defines an analyzer that finds credentials in a release
// with the gitleaks v8 library: gitleaks' default rules plus mcpcert's
// MCP-specific rules and allow-list from rules/secrets.yaml.
package secrets

import (
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
	glregexp "github.com/zricethezav/gitleaks/v8/regexp"
	"github.com/zricethezav/gitleaks/v8/report"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/rules"
)

// Rule IDs this analyzer reports.
const (
	RuleSecret       = "SEC001"
	RuleClientConfig = "SEC002"
	RuleDotEnv       = "SEC003"
	RulePrivateKey   = "SEC004"
)

// MaxDecodeDepth is how many rounds of base64/hex/percent decoding gitleaks
// applies before rescanning; the gitleaks CLI default is 5, the library's 0.
// Three rounds find secrets wrapped in the usual one or two encodings while
// bounding the cost on minified bundles full of data: URIs.
const MaxDecodeDepth = 3

// Analyzer finds hard-coded secrets.
var Analyzer = &analysis.Analyzer{
	Name: "secrets",
	Doc: `find hard-coded credentials

Runs gitleaks' default rules and mcpcert's MCP-specific rules (credentials in
MCP client configuration files and committed .env files) over every text file
of the release, decoding base64 and hex. Secrets are redacted before they are
stored anywhere; findings carry a fingerprint of the secret instead.`,
	Version: "gitleaks 8.30.1", // kept equal to go.mod by analyzers/all's test
	Rules:   []string{RuleSecret, RuleClientConfig, RuleDotEnv, RulePrivateKey},
	Run:     run,
}

// gitleaks' default config is loaded through a global viper instance, which
// is not safe for concurrent use: load it once.
var (
	defaultOnce sync.Once
	defaultCfg  config.Config
	defaultErr  error
)

func defaultConfig() (config.Config, error) {
	defaultOnce.Do(func() {
		logging.Logger = zerolog.Nop()
		d, err := detect.NewDetectorDefaultConfig()
		if err != nil {
			defaultErr = fmt.Errorf("load gitleaks default rules: %w", err)
			return
		}
		defaultCfg = d.Config
	})
	return defaultCfg, defaultErr
}

// NewDetector builds a gitleaks detector with the default rules (unless
// onlyCustom) plus the pattern rules and allow-list of the rule set. It is
// exported for rules_test.go, which enforces each rule's samples with it.
func NewDetector(set *rules.Set, onlyCustom bool) (*detect.Detector, error) {
	base, err := defaultConfig()
	if err != nil {
		return nil, err
	}
	cfg := base
	cfg.Rules = map[string]config.Rule{}
	cfg.Keywords = map[string]struct{}{}
	cfg.OrderedRules = nil
	cfg.Allowlists = append([]*config.Allowlist(nil), base.Allowlists...)
	if !onlyCustom {
		for id, r := range base.Rules {
			cfg.Rules[id] = r
		}
		for k := range base.Keywords {
			cfg.Keywords[k] = struct{}{}
		}
		cfg.OrderedRules = append(cfg.OrderedRules, base.OrderedRules...)
	}
	for _, r := range set.All() {
		if r.Secret == nil {
			continue
		}
		gr := config.Rule{
			RuleID:      r.ID,
			Description: r.Title,
			Regex:       glregexp.MustCompile(r.Secret.Regex),
			SecretGroup: r.Secret.SecretGroup,
			Entropy:     r.Secret.Entropy,
			Keywords:    r.Secret.Keywords,
		}
		if r.Secret.Path != "" {
			gr.Path = glregexp.MustCompile(r.Secret.Path)
		}
		if err := gr.Validate(); err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		cfg.Rules[r.ID] = gr
		cfg.OrderedRules = append(cfg.OrderedRules, r.ID)
		for _, k := range r.Secret.Keywords {
			cfg.Keywords[k] = struct{}{}
		}
	}
	for _, a := range set.Allow() {
		al := &config.Allowlist{Description: a.Reason}
		if a.Regex != "" {
			al.Regexes = []*glregexp.Regexp{glregexp.MustCompile(a.Regex)}
		}
		if a.Path != "" {
			al.Paths = []*glregexp.Regexp{glregexp.MustCompile(a.Path)}
		}
		if err := al.Validate(); err != nil {
			return nil, fmt.Errorf("allow-list %q: %w", a.Reason, err)
		}
		cfg.Allowlists = append(cfg.Allowlists, al)
	}
	d := detect.NewDetector(cfg)
	d.MaxDecodeDepth = MaxDecodeDepth
	return d, nil
}

func run(pass *analysis.Pass) (any, error) {
	set, err := rules.Default()
	if err != nil {
		return nil, err
	}
	d, err := NewDetector(set, false)
	if err != nil {
		return nil, err
	}
	type result struct {
		path     string
		content  []byte
		findings []report.Finding
	}
	jobs := make(chan *analysis.File)
	results := make(chan result)
	var wg sync.WaitGroup
	var readErr error
	var errOnce sync.Once
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				content, err := pass.ReadFile(f.Path)
				if err != nil {
					errOnce.Do(func() { readErr = err })
					continue
				}
				var fs []report.Finding
				for _, c := range chunks(content) {
					fs = append(fs, d.DetectContext(pass.Context, detect.Fragment{Raw: c.text, FilePath: f.Path, StartLine: c.line})...)
				}
				if len(fs) > 0 {
					results <- result{f.Path, content, fs}
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, f := range pass.Files {
			select {
			case jobs <- f:
			case <-pass.Context.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	var diags []analysis.Diagnostic
	for r := range results {
		diags = append(diags, diagnostics(r.path, r.content, r.findings)...)
	}
	if err := pass.Context.Err(); err != nil {
		return nil, err
	}
	if readErr != nil {
		return nil, readErr
	}
	for _, dg := range dedupe(diags) {
		pass.Report(dg)
	}
	return nil, nil
}

// Chunking bounds the text each gitleaks rule and decoding pass runs over,
// as gitleaks' own file source does: rules are chosen per fragment by
// keyword, so one keyword anywhere in a 4 MB bundle would otherwise run its
// regexes over all 4 MB. Chunks end at a newline where one is near;
// minified code without newlines is cut hard, with an overlap longer than
// any single-line secret, and dedupe removes the duplicates this causes.
// (Multi-line private keys have newlines, so they are never cut hard.)
const (
	chunkSize    = 64 << 10
	chunkSlack   = 16 << 10
	chunkOverlap = 1 << 10
)

type chunk struct {
	text string
	line int // 1-based line of the chunk's first byte
}

func chunks(content []byte) []chunk {
	s := string(content)
	var out []chunk
	line := 1
	for start := 0; start < len(s); {
		end := len(s)
		next := end
		if end-start > chunkSize+chunkSlack {
			end = start + chunkSize
			if nl := strings.IndexByte(s[end:start+chunkSize+chunkSlack], '\n'); nl >= 0 {
				end += nl + 1
				next = end
			} else {
				next = end - chunkOverlap
			}
		}
		out = append(out, chunk{s[start:end], line})
		line += strings.Count(s[start:next], "\n")
		start = next
	}
	return out
}

var (
	jsonKey = regexp.MustCompile(`^"([^"]+)"`)
	envKey  = regexp.MustCompile(`^\s*(?:export\s+)?([A-Za-z0-9_]+)\s*=`)
)

func diagnostics(path string, content []byte, fs []report.Finding) []analysis.Diagnostic {
	var out []analysis.Diagnostic
	for _, f := range fs {
		if f.Secret == "" {
			continue
		}
		d := analysis.Diagnostic{Secret: f.Secret, Pos: locate(path, content, f), Properties: map[string]string{"gitleaksRule": f.RuleID}}
		switch f.RuleID {
		case RuleClientConfig:
			d.RuleID = RuleClientConfig
			d.Message = fmt.Sprintf("MCP client configuration sets %s to a literal credential", field(jsonKey, f.Match))
			d.Key = field(jsonKey, f.Match)
		case RuleDotEnv:
			d.RuleID = RuleDotEnv
			d.Message = fmt.Sprintf("committed .env file sets %s to a credential", field(envKey, f.Match))
			d.Key = field(envKey, f.Match)
		case "private-key":
			d.RuleID = RulePrivateKey
			d.Message = describe(f)
			d.Key = f.RuleID
		default:
			d.RuleID = RuleSecret
			d.Message = describe(f)
			d.Key = f.RuleID
		}
		out = append(out, d)
	}
	return out
}

func field(rx *regexp.Regexp, match string) string {
	if m := rx.FindStringSubmatch(match); m != nil {
		return m[1]
	}
	return "a credential field"
}

// describe names the gitleaks rule in a short sentence: its description up
// to the first comma, which is the "what" without the "so what".
func describe(f report.Finding) string {
	desc, _, _ := strings.Cut(f.Description, ",")
	desc = strings.TrimSpace(desc)
	for _, verb := range []string{"Uncovered ", "Detected ", "Identified ", "Found "} {
		desc = strings.TrimPrefix(desc, verb)
	}
	for _, article := range []string{"a ", "an ", "A ", "An "} {
		desc = strings.TrimPrefix(desc, article)
	}
	return fmt.Sprintf("%s (gitleaks rule %s)", desc, f.RuleID)
}

// locate computes a 1-based line and character column for the secret from
// the file itself; gitleaks' own columns are off by one after the first line.
func locate(path string, content []byte, f report.Finding) analysis.Position {
	pos := analysis.Position{Path: path, StartLine: f.StartLine, EndLine: f.EndLine}
	// A secret found after decoding, or a multi-line key, is not on the
	// line as such: fall back to gitleaks' column, at least 1.
	pos.StartCol = max(1, f.StartColumn)
	lines := strings.Split(string(content), "\n")
	if f.StartLine >= 1 && f.StartLine <= len(lines) {
		line := lines[f.StartLine-1]
		if i := strings.Index(line, f.Secret); i >= 0 {
			pos.StartCol = utf8.RuneCountInString(line[:i]) + 1
			if !strings.Contains(f.Secret, "\n") {
				pos.EndLine = f.StartLine
				pos.EndCol = pos.StartCol + utf8.RuneCountInString(f.Secret) - 1
			}
		}
	}
	return pos
}

// dedupe keeps one finding per secret occurrence when several rules match
// it, preferring the most specific: a private key, then the MCP-specific
// rules, then a named gitleaks rule over its generic fallback.
func dedupe(ds []analysis.Diagnostic) []analysis.Diagnostic {
	rank := func(d analysis.Diagnostic) int {
		switch {
		case d.RuleID == RulePrivateKey:
			return 0
		case d.RuleID == RuleClientConfig || d.RuleID == RuleDotEnv:
			return 1
		case d.Properties["gitleaksRule"] != "generic-api-key":
			return 2
		}
		return 3
	}
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Pos.Path != b.Pos.Path {
			return a.Pos.Path < b.Pos.Path
		}
		if a.Pos.StartLine != b.Pos.StartLine {
			return a.Pos.StartLine < b.Pos.StartLine
		}
		if rank(a) != rank(b) {
			return rank(a) < rank(b)
		}
		return a.Secret < b.Secret
	})
	var out []analysis.Diagnostic
	for _, d := range ds {
		if n := len(out); n > 0 && out[n-1].Pos == d.Pos && out[n-1].Secret == d.Secret && out[n-1].RuleID == d.RuleID {
			continue // the same match seen twice in overlapping chunks
		}
		dup := false
		for i := len(out) - 1; i >= 0; i-- {
			k := out[i]
			if k.Pos.Path != d.Pos.Path || k.Pos.StartLine != d.Pos.StartLine {
				break
			}
			if strings.Contains(k.Secret, d.Secret) || strings.Contains(d.Secret, k.Secret) {
				dup = true
				if k.Properties["gitleaksRule"] != d.Properties["gitleaksRule"] {
					k.Properties["alsoMatched"] = strings.TrimPrefix(k.Properties["alsoMatched"]+","+d.Properties["gitleaksRule"], ",")
				}
				break
			}
		}
		if !dup {
			out = append(out, d)
		}
	}
	return out
}
