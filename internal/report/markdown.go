package report

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/mcpcert/mcpcert/rules"
)

// The Markdown format is sized for a GitHub job summary ($GITHUB_STEP_SUMMARY),
// which GitHub rejects above 1 MiB: tables are capped in rows and, because a
// hostile source can make every cell long, in bytes too.
const (
	mdMaxFindings = 500
	mdMaxListed   = 100 // gaps, skipped files
	mdMaxCell     = 200 // runes per cell, before escaping
	mdBudget      = 1<<20 - 64<<10
)

func renderMarkdown(r *Report, descriptors []rules.Rule) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "## mcpcert report: %s\n\n", mdText(sourceTitle(r.Source)))
	if r.Status == StatusComplete {
		b.WriteString("✅ **Complete**: every engine ran and covered the whole source.\n\n")
	} else {
		b.WriteString("⚠️ **Incomplete**: an engine failed or left a coverage gap, so the absence of a finding proves nothing.\n\n")
	}

	fmt.Fprintf(&b, "- Source: %s (%s)\n", mdText(r.Source.Input), mdText(r.Source.Kind))
	if r.Source.PURL != "" {
		fmt.Fprintf(&b, "- Package: %s\n", mdText(r.Source.PURL))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Source.Digests)) {
		fmt.Fprintf(&b, "- Digest: %s:%s\n", mdText(k), mdText(r.Source.Digests[k]))
	}
	if r.Source.GitCommit != "" {
		fmt.Fprintf(&b, "- Commit: %s\n", mdText(r.Source.GitCommit))
	}
	fmt.Fprintf(&b, "- Rules: %s (%s)\n", mdText(r.Rules.Version), mdText(r.Rules.Digest))
	fmt.Fprintf(&b, "- Tool: %s %s\n\n", mdText(r.Tool.Name), mdText(r.Tool.Version))

	writeAssessmentMarkdown(&b, r)

	s := r.Summary
	b.WriteString("| Severity | Findings |\n|---|---:|\n")
	for i, n := range []int{s.Critical, s.High, s.Medium, s.Low, s.Info} {
		fmt.Fprintf(&b, "| %s | %d |\n", Severities[i], n)
	}
	fmt.Fprintf(&b, "| **total** | **%d** |\n\n", s.Total)

	b.WriteString("### Engines\n\n| Engine | Version | Outcome | Databases | Gaps |\n|---|---|---|---:|---:|\n")
	for _, e := range r.Engines {
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %d |\n", mdCell(e.Name), mdCell(e.Version), outcomeBadge(e.Outcome), len(e.Databases), len(e.Gaps))
	}
	b.WriteString("\n")

	b.WriteString("### Findings\n\n")
	if len(r.Findings) == 0 {
		b.WriteString("No findings.\n\n")
	} else {
		b.WriteString("| Severity | Rule | Location | Message |\n|---|---|---|---|\n")
		shown := 0
		for _, f := range r.Findings {
			if shown == mdMaxFindings || b.Len() > mdBudget {
				break
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdCell(f.Severity), mdCell(f.RuleID), mdCell(location(f.Location, false)), mdCell(f.Message+findingTags(f)))
			shown++
		}
		writeOmitted(&b, len(r.Findings)-shown, "finding", "findings")
		b.WriteString("\n")
		writeRemediation(&b, r, descriptors)
	}

	writeCoverage(&b, r)
	return b.Bytes()
}

// writeRemediation explains how to fix each rule that fired.
func writeRemediation(b *bytes.Buffer, r *Report, descriptors []rules.Rule) {
	fired := map[string]bool{}
	for _, f := range r.Findings {
		fired[f.RuleID] = true
	}
	var rs []rules.Rule
	for _, d := range descriptors {
		if fired[d.ID] && d.Remediation != "" {
			rs = append(rs, d)
		}
	}
	if len(rs) == 0 {
		return
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	b.WriteString("<details><summary>How to fix</summary>\n\n")
	for _, d := range rs {
		fmt.Fprintf(b, "- **%s** %s: %s\n", mdText(d.ID), mdText(d.Title), mdText(strings.Join(strings.Fields(d.Remediation), " ")))
	}
	b.WriteString("\n</details>\n\n")
}

// writeCoverage lists what the scan did not cover, collapsed: it matters to
// an auditor, not at a glance.
func writeCoverage(b *bytes.Buffer, r *Report) {
	gaps := 0
	for _, e := range r.Engines {
		gaps += len(e.Gaps)
	}
	skipped := len(r.Workspace.Skipped)
	if gaps == 0 && skipped == 0 {
		return
	}
	fmt.Fprintf(b, "<details><summary>Coverage gaps (%d) and skipped files (%d)</summary>\n\n", gaps, skipped)
	if gaps > 0 {
		b.WriteString("| Engine | Kind | Path | Detail |\n|---|---|---|---|\n")
		shown := 0
	engines:
		for _, e := range r.Engines {
			for _, g := range e.Gaps {
				if shown == mdMaxListed || b.Len() > mdBudget {
					break engines
				}
				fmt.Fprintf(b, "| %s | %s | %s | %s |\n", mdCell(e.Name), mdCell(g.Kind), mdCell(g.Path), mdCell(g.Detail))
				shown++
			}
		}
		writeOmitted(b, gaps-shown, "gap", "gaps")
		b.WriteString("\n")
	}
	if skipped > 0 {
		b.WriteString("| Skipped file | Reason |\n|---|---|\n")
		shown := 0
		for _, s := range r.Workspace.Skipped {
			if shown == mdMaxListed || b.Len() > mdBudget {
				break
			}
			fmt.Fprintf(b, "| %s | %s |\n", mdCell(s.Path), mdCell(s.Reason))
			shown++
		}
		writeOmitted(b, skipped-shown, "skipped file", "skipped files")
		b.WriteString("\n")
	}
	b.WriteString("</details>\n")
}

// writeOmitted says how many entries a capped table left out.
func writeOmitted(b *bytes.Buffer, n int, singular, plural string) {
	switch {
	case n == 1:
		fmt.Fprintf(b, "\n1 more %s is not shown here; the JSON report lists it.\n", singular)
	case n > 1:
		fmt.Fprintf(b, "\n%d more %s are not shown here; the JSON report lists them all.\n", n, plural)
	}
}

func outcomeBadge(outcome string) string {
	switch outcome {
	case OutcomeOK:
		return "✅ ok"
	case OutcomePartial:
		return "⚠️ partial"
	default:
		return "❌ " + mdCell(outcome)
	}
}

// mdCell renders a value for a table cell: at most mdMaxCell runes,
// Markdown-escaped, line breaks as <br> so that the row stays one line.
func mdCell(s string) string {
	s = truncate(sanitize(strings.ReplaceAll(s, "\r\n", "\n")), mdMaxCell)
	return strings.ReplaceAll(mdEscaper.Replace(s), "\n", "<br>")
}

// mdText renders a value as inline Markdown text on one line.
func mdText(s string) string { return mdEscaper.Replace(SanitizeLine(s)) }

// mdEscaper backslash-escapes the characters with which source-controlled
// text could format itself, link, embed HTML or break out of a table cell.
// The escapes are CommonMark's, so the text reads unchanged.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `&`, `\&`, `~`, `\~`, `#`, `\#`, `!`, `\!`,
)
