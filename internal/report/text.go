package report

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// ANSI SGR sequences, used only when the caller asks for colour.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

// detailIndent aligns a finding's continuation lines under its rule ID.
const detailIndent = "          "

type textWriter struct {
	bytes.Buffer
	color bool
}

// paint wraps s in an ANSI style when colour is on.
func (w *textWriter) paint(style, s string) string {
	if !w.color || style == "" {
		return s
	}
	return style + s + ansiReset
}

func renderText(r *Report, color bool) []byte {
	w := &textWriter{color: color}
	fmt.Fprintf(w, "%s %s: %s\n", SanitizeLine(r.Tool.Name), SanitizeLine(r.Tool.Version), w.paint(ansiBold, SanitizeLine(sourceTitle(r.Source))))
	field := func(name, value string) { fmt.Fprintf(w, "  %-8s %s\n", name, value) }
	field("source", SanitizeLine(r.Source.Input)+" ("+SanitizeLine(r.Source.Kind)+")")
	if r.Source.PURL != "" {
		field("package", SanitizeLine(r.Source.PURL))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Source.Digests)) {
		field(SanitizeLine(k), SanitizeLine(r.Source.Digests[k]))
	}
	if r.Source.GitCommit != "" {
		field("commit", SanitizeLine(r.Source.GitCommit))
	}
	field("rules", SanitizeLine(r.Rules.Version)+" "+SanitizeLine(r.Rules.Digest))
	if r.Status == StatusComplete {
		field("status", w.paint(ansiGreen, "complete"))
	} else {
		field("status", w.paint(ansiBold+ansiYellow, "INCOMPLETE")+": an engine failed or left a coverage gap; the absence of a finding proves nothing")
	}

	w.writeEngines(r.Engines)
	w.writeAssessment(r)

	if len(r.Findings) > 0 {
		w.WriteString("\nFindings\n")
		idW := 0
		for _, f := range r.Findings {
			idW = max(idW, len(SanitizeLine(f.RuleID)))
		}
		for _, f := range bySeverity(r.Findings) {
			w.writeFinding(f, idW)
		}
	}

	w.writeCoverage(r)
	w.WriteString("\n" + summaryLine(r) + "\n")
	return w.Bytes()
}

func (w *textWriter) writeEngines(engines []Engine) {
	if len(engines) == 0 {
		return
	}
	w.WriteString("\nEngines\n")
	nameW, versionW, outcomeW := 0, 0, 0
	for _, e := range engines {
		nameW = max(nameW, len(SanitizeLine(e.Name)))
		versionW = max(versionW, len(SanitizeLine(e.Version)))
		outcomeW = max(outcomeW, len(SanitizeLine(e.Outcome)))
	}
	for _, e := range engines {
		outcome := SanitizeLine(e.Outcome)
		line := fmt.Sprintf("  %-*s  %-*s  %s%s", nameW, SanitizeLine(e.Name), versionW, SanitizeLine(e.Version),
			w.paint(outcomeStyle(e.Outcome), outcome), strings.Repeat(" ", outcomeW-len(outcome)))
		if n := len(e.Gaps); n == 1 {
			line += ", 1 gap"
		} else if n > 1 {
			line += fmt.Sprintf(", %d gaps", n)
		}
		if e.Detail != "" {
			line += ": " + SanitizeLine(e.Detail)
		}
		w.WriteString(line + "\n")
	}
}

func (w *textWriter) writeFinding(f Finding, idW int) {
	sev := strings.ToUpper(SanitizeLine(f.Severity))
	fmt.Fprintf(w, "%s%s  %-*s  %s  ", w.paint(severityStyle(f.Severity), sev), strings.Repeat(" ", max(0, 8-len(sev))),
		idW, SanitizeLine(f.RuleID), SanitizeLine(location(f.Location, true)))
	// A message may span lines; continuation lines are indented so that no
	// line of it can pass for a finding of its own.
	w.WriteString(strings.ReplaceAll(strings.TrimRight(sanitize(f.Message), "\n"), "\n", "\n"+detailIndent) + findingTags(f) + "\n")
	if s := f.Secret; s != nil {
		fmt.Fprintf(w, "%ssecret %s, fingerprint %s\n", detailIndent, SanitizeLine(s.Redacted), SanitizeLine(s.Fingerprint))
	}
	if d := f.Dependency; d != nil {
		parts := []string{SanitizeLine(d.Ecosystem + " " + d.Package + "@" + d.Version)}
		adv := "advisory " + SanitizeLine(d.AdvisoryID)
		if len(d.Aliases) > 0 {
			adv += " (" + SanitizeLine(strings.Join(d.Aliases, ", ")) + ")"
		}
		parts = append(parts, adv)
		if len(d.FixedIn) > 0 {
			parts = append(parts, "fixed in "+SanitizeLine(strings.Join(d.FixedIn, ", ")))
		} else {
			parts = append(parts, "no fixed version")
		}
		origin := "transitive"
		if d.Direct {
			origin = "direct"
		}
		if d.Source != "" {
			origin += " via " + SanitizeLine(d.Source)
		}
		if d.Resolved {
			origin += ", version resolved by mcpcert"
		}
		parts = append(parts, origin)
		fmt.Fprintf(w, "%sdependency %s\n", detailIndent, strings.Join(parts, "; "))
	}
}

func (w *textWriter) writeCoverage(r *Report) {
	var gaps []string
	for _, e := range r.Engines {
		for _, g := range e.Gaps {
			line := "  " + SanitizeLine(e.Name) + ": " + SanitizeLine(g.Kind)
			if g.Path != "" {
				line += " " + SanitizeLine(g.Path)
			}
			gaps = append(gaps, line+": "+SanitizeLine(g.Detail))
		}
	}
	if len(gaps) > 0 {
		w.WriteString("\nCoverage gaps\n" + strings.Join(gaps, "\n") + "\n")
	}
	if len(r.Workspace.Skipped) > 0 {
		w.WriteString("\nSkipped files\n")
		for _, s := range r.Workspace.Skipped {
			fmt.Fprintf(w, "  %s: %s\n", SanitizeLine(s.Path), SanitizeLine(s.Reason))
		}
	}
}

// bySeverity returns the findings grouped by severity, most severe first,
// keeping their order within a severity.
func bySeverity(fs []Finding) []Finding {
	out := append([]Finding(nil), fs...)
	sort.SliceStable(out, func(i, j int) bool { return SeverityRank(out[i].Severity) > SeverityRank(out[j].Severity) })
	return out
}

func summaryLine(r *Report) string {
	s := r.Summary
	var counts []string
	for i, n := range []int{s.Critical, s.High, s.Medium, s.Low, s.Info} {
		if n > 0 {
			counts = append(counts, strconv.Itoa(n)+" "+Severities[i])
		}
	}
	line := "No findings"
	if s.Total > 0 {
		line = strconv.Itoa(s.Total) + " finding"
		if s.Total > 1 {
			line += "s"
		}
		if len(counts) > 0 {
			line += " (" + strings.Join(counts, ", ") + ")"
		}
	}
	if r.Assessment != nil {
		line += "; tier " + string(r.Assessment.Tier)
	}
	if r.Status == StatusComplete {
		return line + "; scan complete."
	}
	return line + "; scan INCOMPLETE."
}

func severityStyle(severity string) string {
	switch severity {
	case "critical":
		return ansiBold + ansiRed
	case "high":
		return ansiRed
	case "medium":
		return ansiYellow
	case "low":
		return ansiCyan
	default:
		return ansiDim
	}
}

func outcomeStyle(outcome string) string {
	switch outcome {
	case OutcomeOK:
		return ansiGreen
	case OutcomePartial:
		return ansiYellow
	default:
		return ansiRed
	}
}
