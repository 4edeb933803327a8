package report_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/internal/report"
)

// hostileReport names files and quotes content the way an attacker who
// controls the scanned source could: terminal escapes (ESC and the 8-bit
// CSI), a BEL-terminated OSC title change, a bidi override, invalid UTF-8,
// and a newline that would forge a finding line.
func hostileReport() *report.Report {
	r := minimalReport()
	r.Status = report.StatusIncomplete
	r.Source.Input = "./srv\x1b]0;pwned\x07"
	r.Engines = []report.Engine{{
		Name: "secrets", Version: "gitleaks 8.30.1", Outcome: report.OutcomeError, Detail: "open evil\x1b[2J: denied",
		Gaps: []analysis.Gap{{Kind: "unreadable", Path: "g\x1b[1m.js", Detail: "bad \u009b31m"}},
	}}
	r.Findings = []report.Finding{{
		RuleID: "SEC001", Severity: "high", Confidence: "high", Engine: "secrets", Fingerprint: "f",
		Message:  "key here\x1b[8m hidden\nHIGH      SEC001  forged.js:1  forged \u202egnp.exe\xff zero\u200bwidth tag\U000E0041",
		Location: analysis.Position{Path: "src/\x1b[31mred\x1b[0m.js", StartLine: 2},
		Secret:   &report.Secret{Redacted: "AKIA******** (20 chars)\x1b[0m", Fingerprint: "sha256:00"},
	}}
	r.Workspace.Skipped = []report.SkippedFile{{Path: "bin/\x00x\r", Reason: "binary\x7f"}}
	return r
}

var forbidden = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\U000E0000-\U000E007F]|\ufffd")

func TestTextSanitizesSourceStrings(t *testing.T) {
	for _, format := range []string{"text", "markdown"} {
		out := string(render(t, format, hostileReport(), report.Options{}))
		if loc := forbidden.FindStringIndex(out); loc != nil {
			t.Errorf("%s output contains control character %q at %d:\n%s", format, out[loc[0]:loc[1]], loc[0], out)
		}
		for _, want := range []string{`src/\x1b[31mred\x1b[0m.js`, `\u202egnp.exe\xff`, `bad \u009b31m`, `bin/\x00x\x0d`} {
			if format == "markdown" {
				want = strings.NewReplacer(`\`, `\\`, `[`, `\[`).Replace(want)
			}
			if !strings.Contains(out, want) {
				t.Errorf("%s output lacks the visible escape %q:\n%s", format, want, out)
			}
		}
	}
}

func TestTextNoForgedLines(t *testing.T) {
	out := string(render(t, "text", hostileReport(), report.Options{}))
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "HIGH") && strings.Contains(line, "forged.js") {
			t.Errorf("a message line passes for a finding: %q", line)
		}
	}
}

var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func TestTextColor(t *testing.T) {
	plain := string(render(t, "text", hostileReport(), report.Options{}))
	if strings.ContainsRune(plain, 0x1b) {
		t.Error("ANSI escape in text output without Color")
	}
	colored := string(render(t, "text", hostileReport(), report.Options{Color: true}))
	if !strings.Contains(colored, "\x1b[31mHIGH\x1b[0m") {
		t.Errorf("no colour with Color:\n%q", colored)
	}
	// Every escape in the coloured output is one of ours, and removing them
	// gives the plain output back.
	if stripped := sgr.ReplaceAllString(colored, ""); stripped != plain {
		t.Errorf("coloured output minus SGR sequences differs from plain output:\n%s\n%s", stripped, plain)
	}
	for _, format := range []string{"json", "sarif", "markdown"} {
		if out := render(t, format, populatedReport(), report.Options{Rules: testRules(), Color: true}); strings.ContainsRune(string(out), 0x1b) {
			t.Errorf("%s output contains ANSI escapes", format)
		}
	}
}
