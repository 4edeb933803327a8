package report_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/report"
)

func TestMarkdownEscapesCells(t *testing.T) {
	r := minimalReport()
	r.Findings = []report.Finding{{
		RuleID: "SEC002", Severity: "medium", Confidence: "low", Engine: "secrets", Fingerprint: "f",
		Message:  "a|b `c`\nd <img src=x> [x](https://e.example) *b* &amp;",
		Location: analysis.Position{Path: "x|y.js", StartLine: 7},
	}}
	out := string(render(t, "markdown", r, report.Options{}))
	want := "| medium | SEC002 | x\\|y.js:7 | a\\|b \\`c\\`<br>d \\<img src=x\\> \\[x\\](https://e.example) \\*b\\* \\&amp; |\n"
	if !strings.Contains(out, want) {
		t.Errorf("finding row not escaped; want\n%s\nin\n%s", want, out)
	}
}

func TestMarkdownTruncatesMessages(t *testing.T) {
	r := minimalReport()
	r.Findings = []report.Finding{{RuleID: "SEC002", Severity: "medium", Confidence: "low", Engine: "secrets", Fingerprint: "f",
		Message: strings.Repeat("é", 300), Location: analysis.Position{Path: "a.js"}}}
	out := string(render(t, "markdown", r, report.Options{}))
	if want := "| " + strings.Repeat("é", 199) + "… |"; !strings.Contains(out, want) {
		t.Errorf("message not truncated to 200 runes:\n%s", out)
	}
}

// A hostile source can produce many findings with long cells; the summary
// must stay under GitHub's 1 MiB step-summary limit and say what it left out.
func TestMarkdownSizeLimit(t *testing.T) {
	r := minimalReport()
	long := strings.Repeat("𝕏|", 1000)
	for i := range 2000 {
		r.Findings = append(r.Findings, report.Finding{RuleID: "SEC002", Severity: "medium", Confidence: "low", Engine: "secrets",
			Fingerprint: fmt.Sprint(i), Message: long, Location: analysis.Position{Path: long, StartLine: i + 1}})
	}
	r.Engines = []report.Engine{{Name: "secrets", Outcome: report.OutcomePartial}}
	for range 1000 {
		r.Engines[0].Gaps = append(r.Engines[0].Gaps, analysis.Gap{Kind: "unreadable", Path: long, Detail: long})
		r.Workspace.Skipped = append(r.Workspace.Skipped, report.SkippedFile{Path: long, Reason: long})
	}
	out := string(render(t, "markdown", r, report.Options{}))
	if len(out) >= 1<<20 {
		t.Errorf("markdown is %d bytes, over GitHub's 1 MiB limit", len(out))
	}
	rows := strings.Count(out, "\n| medium | SEC002 |")
	if rows == 0 || rows > 500 {
		t.Errorf("%d finding rows, want 1..500", rows)
	}
	if want := fmt.Sprintf("%d more findings are not shown here", 2000-rows); !strings.Contains(out, want) {
		t.Errorf("markdown does not say %q", want)
	}
	for _, want := range []string{"more gaps are not shown", "more skipped files are not shown"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown does not say %q", want)
		}
	}
}

func TestMarkdownFindingCap(t *testing.T) {
	r := minimalReport()
	for i := range 501 {
		r.Findings = append(r.Findings, report.Finding{RuleID: "SEC002", Severity: "low", Confidence: "low", Engine: "secrets",
			Fingerprint: fmt.Sprint(i), Message: "m", Location: analysis.Position{Path: "a.js", StartLine: i + 1}})
	}
	out := string(render(t, "markdown", r, report.Options{}))
	if rows := strings.Count(out, "\n| low | SEC002 |"); rows != 500 {
		t.Errorf("%d rows, want 500", rows)
	}
	if !strings.Contains(out, "1 more finding is not shown here") {
		t.Error("omitted findings not mentioned")
	}
}
