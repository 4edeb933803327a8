// Package driver runs analyzers over a workspace: in dependency order,
// concurrently, each within a time budget. An analyzer that errors, panics or
// overruns is recorded as an engine outcome, never silently dropped, and the
// scan is then incomplete. The driver also turns raw diagnostics into
// findings: rule metadata, redacted secrets, fingerprints, sorted order.
package driver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/workspace"
	"github.com/mcpcert/mcpcert/rules"
)

// Options configure a run.
type Options struct {
	Rules *rules.Set
	// Budget is each analyzer's time budget.
	Budget time.Duration
	Config *analysis.Config
	Logger *slog.Logger
}

// Result is what the analyzers produced.
type Result struct {
	Findings []report.Finding
	Engines  []report.Engine
	// Results holds each analyzer's Run result, for callers that read them.
	Results map[*analysis.Analyzer]any
	// Redactor removes every secret found in this run from any text.
	Redactor *Redactor
}

type state struct {
	a        *analysis.Analyzer
	done     chan struct{}
	result   any
	outcome  string
	detail   string
	diags    []analysis.Diagnostic
	gaps     []analysis.Gap
	dbs      []analysis.Database
	duration time.Duration
}

// Run executes the analyzers (already validated) over the workspace.
func Run(ctx context.Context, ws *workspace.Workspace, analyzers []*analysis.Analyzer, opts Options) *Result {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	states := make(map[*analysis.Analyzer]*state, len(analyzers))
	for _, a := range analyzers {
		states[a] = &state{a: a, done: make(chan struct{})}
	}
	var wg sync.WaitGroup
	for _, a := range analyzers {
		wg.Add(1)
		go func(st *state) {
			defer wg.Done()
			defer close(st.done)
			for _, req := range st.a.Requires {
				rs := states[req]
				<-rs.done
				if rs.outcome != report.OutcomeOK && rs.outcome != report.OutcomePartial {
					st.outcome = report.OutcomeError
					st.detail = fmt.Sprintf("required analyzer %s did not run: %s", req.Name, rs.outcome)
					return
				}
			}
			runOne(ctx, ws, st, states, opts, log)
		}(states[a])
	}
	wg.Wait()

	res := &Result{Results: map[*analysis.Analyzer]any{}}
	var secrets []string
	for _, a := range analyzers {
		st := states[a]
		if st.result != nil {
			res.Results[a] = st.result
		}
		for _, d := range st.diags {
			if d.Secret != "" {
				secrets = append(secrets, d.Secret)
			}
		}
	}
	res.Redactor = newRedactor(secrets)
	for _, a := range analyzers {
		st := states[a]
		// Durations vary from run to run, so they are logged, never reported.
		log.Debug("analyzer finished", "analyzer", a.Name, "outcome", st.outcome, "duration", st.duration)
		eng := report.Engine{
			Name:      a.Name,
			Version:   a.Version,
			Outcome:   st.outcome,
			Detail:    res.Redactor.String(st.detail),
			Rules:     slices.Sorted(slices.Values(a.Rules)),
			Databases: st.dbs,
			Gaps:      st.gaps,
		}
		sort.Slice(eng.Databases, func(i, j int) bool { return eng.Databases[i].Ecosystem < eng.Databases[j].Ecosystem })
		sort.Slice(eng.Gaps, func(i, j int) bool {
			x, y := eng.Gaps[i], eng.Gaps[j]
			return x.Kind+"\x00"+x.Path+"\x00"+x.Detail < y.Kind+"\x00"+y.Path+"\x00"+y.Detail
		})
		res.Engines = append(res.Engines, eng)
		for _, d := range st.diags {
			res.Findings = append(res.Findings, finding(a, d, opts.Rules, res.Redactor))
		}
	}
	sort.Slice(res.Engines, func(i, j int) bool { return res.Engines[i].Name < res.Engines[j].Name })
	SortFindings(res.Findings)
	disambiguate(res.Findings)
	return res
}

// runOne runs one analyzer with a deadline, recovering panics. An analyzer
// that ignores its context is abandoned at the deadline: its goroutine may
// linger, but its results are discarded and the outcome is "timeout".
func runOne(ctx context.Context, ws *workspace.Workspace, st *state, states map[*analysis.Analyzer]*state, opts Options, log *slog.Logger) {
	a := st.a
	actx, cancel := context.WithTimeout(ctx, opts.Budget)
	defer cancel()

	var mu sync.Mutex
	closed := false
	var diags []analysis.Diagnostic
	var gaps []analysis.Gap
	var dbs []analysis.Database
	var undeclared []string
	guard := func(f func()) {
		mu.Lock()
		defer mu.Unlock()
		if !closed {
			f()
		}
	}
	pass := &analysis.Pass{
		Analyzer: a,
		Context:  actx,
		Config:   opts.Config,
		Files:    filesFor(ws.Files, a.Languages),
		Dir:      ws.Root,
		ReadFile: ws.ReadFile,
		ResultOf: map[*analysis.Analyzer]any{},
		Report: func(d analysis.Diagnostic) {
			guard(func() {
				if !slices.Contains(a.Rules, d.RuleID) {
					undeclared = append(undeclared, d.RuleID)
					return
				}
				diags = append(diags, d)
			})
		},
		Gap:         func(g analysis.Gap) { guard(func() { gaps = append(gaps, g) }) },
		UseDatabase: func(db analysis.Database) { guard(func() { dbs = append(dbs, db) }) },
	}
	for _, req := range a.Requires {
		pass.ResultOf[req] = states[req].result
	}

	type outcome struct {
		result any
		err    error
		panic  any
		stack  []byte
	}
	ch := make(chan outcome, 1)
	start := time.Now()
	go func() {
		defer func() {
			if p := recover(); p != nil {
				ch <- outcome{panic: p, stack: debug.Stack()}
			}
		}()
		r, err := a.Run(pass)
		ch <- outcome{result: r, err: err}
	}()

	var out outcome
	select {
	case out = <-ch:
	case <-actx.Done():
		// Give a cooperative analyzer a moment to return its own error.
		select {
		case out = <-ch:
		case <-time.After(time.Second):
			out = outcome{err: actx.Err()}
		}
	}
	mu.Lock()
	closed = true
	mu.Unlock()
	st.duration = time.Since(start)

	switch {
	case out.panic != nil:
		st.outcome = report.OutcomeError
		st.detail = fmt.Sprintf("analyzer panicked: %v", out.panic)
		log.Error("analyzer panicked", "analyzer", a.Name, "panic", fmt.Sprint(out.panic), "stack", string(out.stack))
		return
	case errors.Is(out.err, context.DeadlineExceeded) && ctx.Err() == nil:
		st.outcome = report.OutcomeTimeout
		st.detail = fmt.Sprintf("exceeded its time budget of %s", opts.Budget)
		return
	case errors.Is(out.err, analysis.ErrUnavailable):
		st.outcome = report.OutcomeUnavailable
		st.detail = out.err.Error()
		return
	case out.err != nil:
		st.outcome = report.OutcomeError
		st.detail = out.err.Error()
		return
	case len(undeclared) > 0:
		st.outcome = report.OutcomeError
		st.detail = fmt.Sprintf("reported undeclared rule IDs %v", undeclared)
		return
	}
	st.result, st.diags, st.gaps, st.dbs = out.result, diags, gaps, dbs
	st.outcome = report.OutcomeOK
	if len(gaps) > 0 {
		st.outcome = report.OutcomePartial
	}
}

func filesFor(files []*analysis.File, langs []analysis.Lang) []*analysis.File {
	if len(langs) == 0 {
		return files
	}
	var out []*analysis.File
	for _, f := range files {
		if slices.Contains(langs, f.Lang) {
			out = append(out, f)
		}
	}
	return out
}

func finding(a *analysis.Analyzer, d analysis.Diagnostic, set *rules.Set, red *Redactor) report.Finding {
	rule, _ := set.Get(d.RuleID)
	f := report.Finding{
		RuleID:     d.RuleID,
		Title:      rule.Title,
		Severity:   rule.Severity,
		Confidence: rule.Confidence,
		CWE:        rule.CWE,
		Engine:     a.Name,
		Message:    red.String(d.Message),
		Location:   d.Pos,
		Dependency: d.Dependency,
	}
	if d.Severity != "" && report.SeverityRank(d.Severity) > 0 {
		f.Severity = d.Severity
	}
	if len(d.Properties) > 0 {
		f.Properties = map[string]string{}
		for k, v := range d.Properties {
			f.Properties[k] = red.String(v)
		}
	}
	key := d.Key
	if d.Secret != "" {
		f.Secret = &report.Secret{Redacted: Redact(d.Secret), Fingerprint: SecretFingerprint(d.Secret)}
		key += "\x00" + f.Secret.Fingerprint
	}
	if key == "" {
		key = f.Message
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{"mcpcert/finding/v1", d.RuleID, d.Pos.Path, key}, "\x00")))
	f.Fingerprint = hex.EncodeToString(sum[:16])
	return f
}

// SortFindings orders findings by severity (most severe first), then
// location, rule and fingerprint, so that output is deterministic.
func SortFindings(fs []report.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		x, y := fs[i], fs[j]
		if rx, ry := report.SeverityRank(x.Severity), report.SeverityRank(y.Severity); rx != ry {
			return rx > ry
		}
		if x.Location.Path != y.Location.Path {
			return x.Location.Path < y.Location.Path
		}
		if x.Location.StartLine != y.Location.StartLine {
			return x.Location.StartLine < y.Location.StartLine
		}
		if x.Location.StartCol != y.Location.StartCol {
			return x.Location.StartCol < y.Location.StartCol
		}
		if x.RuleID != y.RuleID {
			return x.RuleID < y.RuleID
		}
		return x.Fingerprint < y.Fingerprint
	})
}

// disambiguate keeps fingerprints unique when the same evidence occurs more
// than once in a file (the same token on two lines): later occurrences, in
// sorted order, get an ordinal suffix.
func disambiguate(fs []report.Finding) {
	seen := map[string]int{}
	for i := range fs {
		fp := fs[i].Fingerprint
		seen[fp]++
		if n := seen[fp]; n > 1 {
			fs[i].Fingerprint = fmt.Sprintf("%s-%d", fp, n)
		}
	}
}
