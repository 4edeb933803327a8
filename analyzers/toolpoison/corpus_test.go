package toolpoison

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/surface"
	"github.com/mcpcert/mcpcert/internal/surface/golang"
	"github.com/mcpcert/mcpcert/internal/surface/jsts"
	"github.com/mcpcert/mcpcert/internal/surface/python"
	"github.com/mcpcert/mcpcert/rules"
)

var writeResults = flag.Bool("write-results", false, "write the corpus results to fixtures/poisoning/RESULTS.md")

const corpusDir = "../../fixtures/poisoning"

// corpusCase is one file of fixtures/poisoning (see its README).
type corpusCase struct {
	ID              string          `json:"id"`
	Family          string          `json:"family"`
	Placement       string          `json:"placement"`
	MinSeverity     string          `json:"minSeverity"`
	CanonicalServer bool            `json:"canonicalServer"`
	Surface         json.RawMessage `json:"surface"`
	Source          *struct {
		Lang, Path, Code string
	} `json:"source"`
	file string
}

func loadCorpus(tb testing.TB, kind string) []corpusCase {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(corpusDir, kind, "*.json"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no %s corpus: %v", kind, err)
	}
	var out []corpusCase
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		var c corpusCase
		if err := json.Unmarshal(data, &c); err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		c.file = p
		out = append(out, c)
	}
	return out
}

// surfaceOf builds the case's surface: from its listing, and from its
// source snippet through the real extractors.
func surfaceOf(tb testing.TB, c corpusCase) *surface.Surface {
	tb.Helper()
	s := &surface.Surface{Tools: []*surface.Tool{}}
	if len(c.Surface) > 0 && string(c.Surface) != "null" {
		live, err := surface.ParseLive(c.Surface, filepath.Base(c.file))
		if err != nil {
			tb.Fatalf("%s: %v", c.file, err)
		}
		s.Merge(live)
		addResultsAndMessages(tb, c, s)
	}
	if c.Source != nil {
		src := surface.Source{Files: []surface.File{{Path: c.Source.Path, Content: []byte(c.Source.Code)}},
			ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist }}
		var got *surface.Surface
		var err error
		switch c.Source.Lang {
		case "ts", "js":
			got, err = jsts.Extract(context.Background(), src)
		case "py":
			got, err = python.Extract(context.Background(), src)
		case "go":
			got, err = golang.Extract(context.Background(), src)
		default:
			tb.Fatalf("%s: unknown source language %q", c.file, c.Source.Lang)
		}
		if err != nil {
			tb.Fatalf("%s: %v", c.file, err)
		}
		s.Merge(got)
	}
	return s
}

// addResultsAndMessages maps what a listing does not carry: tool results
// (a case's "results": [{tool, result}]) to the tool's outputs, and prompt
// messages (as prompts/get returns them) to the prompt's messages.
func addResultsAndMessages(tb testing.TB, c corpusCase, s *surface.Surface) {
	tb.Helper()
	var extra struct {
		Results []struct {
			Tool   string `json:"tool"`
			Result struct {
				Content []struct {
					Text string `json:"text"`
				} `json:"content"`
			} `json:"result"`
		} `json:"results"`
		Prompts []struct {
			Name     string `json:"name"`
			Messages []struct {
				Content struct {
					Text string `json:"text"`
				} `json:"content"`
			} `json:"messages"`
		} `json:"prompts"`
	}
	if err := json.Unmarshal(c.Surface, &extra); err != nil {
		tb.Fatalf("%s: %v", c.file, err)
	}
	pos := analysis.Position{Path: filepath.Base(c.file)}
	for _, r := range extra.Results {
		for _, t := range s.Tools {
			if t.Name.Value == r.Tool {
				for _, ct := range r.Result.Content {
					t.Outputs = append(t.Outputs, surface.Lit(ct.Text, pos))
				}
			}
		}
	}
	for _, p := range extra.Prompts {
		for _, sp := range s.Prompts {
			if sp.Name.Value == p.Name {
				for _, m := range p.Messages {
					sp.Messages = append(sp.Messages, surface.Lit(m.Content.Text, pos))
				}
			}
		}
	}
}

// familyResult counts one family's cases, split into the tuning half (odd
// numeric suffix: rules may be tuned on them) and the held-out half (even
// suffix: never looked at while tuning), so that overfitting shows.
type familyResult struct {
	cases, detected [2]int // [tuning, held-out]
	missed          []string
}

// half is 0 for a tuning case (odd suffix) and 1 for a held-out one.
func half(id string) int {
	i := strings.LastIndexByte(id, '-')
	n, err := strconv.Atoi(id[i+1:])
	if err != nil || n%2 == 1 {
		return 0
	}
	return 1
}

type corpusResults struct {
	families                 map[string]*familyResult
	benignTools              int
	benignMedium, benignHigh []string
}

// evaluate scores the corpus set under dir (see corpusSets).
func evaluate(tb testing.TB, dir string) corpusResults {
	set := rules.MustDefault()
	res := corpusResults{families: map[string]*familyResult{}}
	for _, c := range loadCorpus(tb, filepath.Join(dir, "malicious")) {
		ds, err := Detect(surfaceOf(tb, c), nil, set)
		if err != nil {
			tb.Fatal(err)
		}
		f := res.families[c.Family]
		if f == nil {
			f = &familyResult{}
			res.families[c.Family] = f
		}
		h := half(c.ID)
		f.cases[h]++
		min := c.MinSeverity
		if min == "" {
			min = "medium"
		}
		hit := false
		for _, d := range ds {
			if report.SeverityRank(d.Severity) >= report.SeverityRank(min) {
				hit = true
			}
		}
		if hit {
			f.detected[h]++
		} else {
			f.missed = append(f.missed, c.ID)
		}
	}
	for _, c := range loadCorpus(tb, filepath.Join(dir, "benign")) {
		s := surfaceOf(tb, c)
		ds, err := Detect(s, nil, set)
		if err != nil {
			tb.Fatal(err)
		}
		res.benignTools += max(1, len(s.Tools))
		worst := 0
		for _, d := range ds {
			if c.CanonicalServer && d.RuleID == "TP010" {
				continue // the canonical server of a well-known name
			}
			worst = max(worst, report.SeverityRank(d.Severity))
		}
		if worst >= report.SeverityRank("medium") {
			res.benignMedium = append(res.benignMedium, c.ID)
		}
		if worst >= report.SeverityRank("high") {
			res.benignHigh = append(res.benignHigh, c.ID)
		}
	}
	return res
}

func pct(n, d int) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(d))
}

// totals sums the families' counts per half.
func (r corpusResults) totals() (cases, detected [2]int) {
	for _, f := range r.families {
		for h := range 2 {
			cases[h] += f.cases[h]
			detected[h] += f.detected[h]
		}
	}
	return cases, detected
}

func (r corpusResults) markdown() string {
	var b strings.Builder
	b.WriteString("Tuning half: cases with an odd numeric suffix; held-out half: even suffix.\n\n")
	b.WriteString("| family | cases | detected | recall | tuning recall | held-out recall | missed |\n|---|---:|---:|---:|---:|---:|---|\n")
	var names []string
	for n := range r.families {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := r.families[n]
		c, d := f.cases[0]+f.cases[1], f.detected[0]+f.detected[1]
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s | %s |\n", n, c, d, pct(d, c),
			pct(f.detected[0], f.cases[0]), pct(f.detected[1], f.cases[1]), strings.Join(f.missed, ", "))
	}
	c, d := r.totals()
	fmt.Fprintf(&b, "| **all** | %d | %d | %s | %s | %s | |\n\n", c[0]+c[1], d[0]+d[1], pct(d[0]+d[1], c[0]+c[1]), pct(d[0], c[0]), pct(d[1], c[1]))
	fmt.Fprintf(&b, "Benign: %d tools; flagged at medium or above: %d (%s) %s; at high or above: %d (%s) %s\n",
		r.benignTools, len(r.benignMedium), pct(len(r.benignMedium), r.benignTools), strings.Join(r.benignMedium, ", "),
		len(r.benignHigh), pct(len(r.benignHigh), r.benignTools), strings.Join(r.benignHigh, ", "))
	return b.String()
}

// corpusSet is one directory of fixtures/poisoning and what it is for.
type corpusSet struct {
	dir, title, about string
	tuned             bool // the rules were tuned on it
}

// corpusSets are the sets the benchmark measures. Only the tuned ones may
// be read while changing rules; the blind ones are bug reports by number.
var corpusSets = []corpusSet{
	{"blind2", "Independent blind set 2 (fixtures/poisoning/blind2)",
		"Written without seeing the rules or any other case, by a separate author; the rules were never tuned on it. Its figures measure generalisation. Measured in sessions 3, 4 and 5.", false},
	{"blind3", "Independent blind set 3 (fixtures/poisoning/blind3)",
		"Written blind like blind2/, in session 4, by another author; the rules were never tuned on its cases. Measured in sessions 4 and 5. In session 5 the technique list of its README (not its cases) informed the covert-channel, decoding and markup work, so its invisible-unicode, hidden-markup and ansi-control figures are no longer blind.", false},
	{"blind4", "Independent blind set 4 (fixtures/poisoning/blind4)",
		"Written blind like blind3/, in session 5, by another author; neither its cases nor its README were read while the rules changed. Measured once, at the end of session 5.", false},
	{"", "Tuning corpus (fixtures/poisoning/malicious and benign)",
		"The rules were tuned on this set: first on its odd half only, then on all of it.", true},
	{"tuning2", "Second tuning set (fixtures/poisoning/tuning2)",
		"Written blind by a separate author and used as the held-out set in sessions 1–2; its figures there were 58.3% recall, 9.9% of benign tools at medium or above and 7.0% at high or above. Tuning data since session 3.", true},
	{"tuning3", "Third tuning set (fixtures/poisoning/tuning3)",
		"Written blind by another author and used as the blind set blind/ in sessions 2–3; its figures there were 64.1% recall, 4.6% of benign tools at medium or above and 2.8% at high or above. Tuning data since session 4.", true},
}

// BenchmarkPoisoningCorpus measures detection quality: recall per family
// and the share of benign tools flagged, on every corpus set. Run with
// -write-results to refresh RESULTS.md.
func BenchmarkPoisoningCorpus(b *testing.B) {
	results := make([]corpusResults, len(corpusSets))
	for b.Loop() {
		for i, cs := range corpusSets {
			if *tunedOnly && !cs.tuned {
				continue
			}
			if _, err := os.Stat(filepath.Join(corpusDir, cs.dir, "malicious")); err != nil {
				b.Fatalf("corpus set %q: %v", cs.dir, err)
			}
			results[i] = evaluate(b, cs.dir)
		}
	}
	doc := "# Tool-poisoning corpus results\n\nGenerated by `go test ./analyzers/toolpoison -run '^$' -bench PoisoningCorpus -benchtime 1x -args -write-results`.\nA malicious case counts as detected when any finding reaches its minSeverity.\n"
	for i, cs := range corpusSets {
		if *tunedOnly && !cs.tuned {
			continue
		}
		r := results[i]
		name := cs.dir
		if name == "" {
			name = "tuning"
		}
		c, d := r.totals()
		b.ReportMetric(100*float64(d[0]+d[1])/float64(c[0]+c[1]), name+"-recall%")
		b.ReportMetric(100*float64(len(r.benignMedium))/float64(r.benignTools), name+"-benign≥medium%")
		b.ReportMetric(100*float64(len(r.benignHigh))/float64(r.benignTools), name+"-benign≥high%")
		doc += "\n## " + cs.title + "\n\n" + cs.about + "\n\n" + r.markdown()
	}
	if *reportFile != "" {
		if err := os.WriteFile(*reportFile, []byte(doc), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if *writeResults {
		if *tunedOnly {
			b.Fatal("-write-results needs every set; drop -tuned-only")
		}
		if err := os.WriteFile(filepath.Join(corpusDir, "RESULTS.md"), []byte(doc), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

var reportFile = flag.String("report", "", "also write the results as Markdown to this file (the benchmark log truncates them)")

var tunedOnly = flag.Bool("tuned-only", false, "measure only the sets the rules are tuned on (while changing rules, so the blind sets' figures are not seen)")

var showCase = flag.String("show-case", "", "print the findings on the tuning cases whose ids match this glob (e.g. 'benign-14*')")

// TestShowCase prints the findings on chosen tuning cases, to see why a
// case is missed or flagged. It does nothing without -show-case, and never
// reads a blind set.
func TestShowCase(t *testing.T) {
	if *showCase == "" {
		return
	}
	for _, cs := range corpusSets {
		if !cs.tuned {
			continue
		}
		for _, kind := range []string{"malicious", "benign"} {
			for _, c := range loadCorpus(t, filepath.Join(cs.dir, kind)) {
				if ok, _ := filepath.Match(*showCase, c.ID); !ok {
					continue
				}
				ds, err := Detect(surfaceOf(t, c), nil, rules.MustDefault())
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s (min %s):", c.ID, c.MinSeverity)
				for _, d := range ds {
					t.Logf("    %s %s: %s", d.RuleID, d.Severity, d.Message)
				}
			}
		}
	}
}
