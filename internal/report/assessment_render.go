package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// locations maps fingerprints to "RULE path:line", so that a cap or a
// deduction can point at its findings in words a reviewer can follow.
func locations(r *Report) map[string]string {
	m := make(map[string]string, len(r.Findings))
	for _, f := range r.Findings {
		m[f.Fingerprint] = f.RuleID + " " + location(f.Location, true)
	}
	return m
}

// pointsAt lists what a cap points at, at most max entries.
func pointsAt(c Cap, where map[string]string, max int) string {
	var items []string
	for _, fp := range c.Findings {
		if l, ok := where[fp]; ok {
			items = append(items, l)
		} else {
			items = append(items, fp)
		}
	}
	items = append(items, c.Evidence...)
	for _, e := range c.Engines {
		items = append(items, "engine "+e)
	}
	if len(items) > max {
		items = append(items[:max], fmt.Sprintf("and %d more", len(items)-max))
	}
	return strings.Join(items, "; ")
}

// tierLine is the one-line verdict.
func tierLine(a *Assessment) string {
	line := fmt.Sprintf("%s (score %d/100)", strings.ToUpper(string(a.Tier)), a.Score)
	if a.Tier == TierIncomplete {
		line += fmt.Sprintf("; at best %s once every required engine completes", a.Ceiling)
	}
	return line
}

func (w *textWriter) writeAssessment(r *Report) {
	a := r.Assessment
	if a == nil {
		return
	}
	where := locations(r)
	w.WriteString("\nAssessment\n")
	style := ansiGreen
	switch a.Tier {
	case TierRejected, TierIncomplete:
		style = ansiBold + ansiRed
	case TierSandbox:
		style = ansiYellow
	}
	fmt.Fprintf(w, "  tier     %s\n", w.paint(style, SanitizeLine(tierLine(a))))
	if a.PolicyDigest != "" {
		fmt.Fprintf(w, "  policy   %s\n", SanitizeLine(a.PolicyDigest))
	}
	for _, c := range r.Capabilities {
		fmt.Fprintf(w, "  can      %s%s\n", SanitizeLine(c.Name), SanitizeLine(declaredNote(c)))
	}
	for _, c := range a.Caps {
		fmt.Fprintf(w, "  cap      %s: %s\n", SanitizeLine(string(c.Tier)), SanitizeLine(c.Reason))
		if s := pointsAt(c, where, 5); s != "" {
			fmt.Fprintf(w, "%s%s\n", detailIndent, SanitizeLine(s))
		}
	}
	for _, d := range a.Deductions {
		fmt.Fprintf(w, "  -%-7s %s: %s\n", strconv.FormatFloat(d.Points, 'f', -1, 64), SanitizeLine(where[d.Fingerprint]), SanitizeLine(d.Reason))
	}
	if len(a.Accepted) > 0 {
		w.WriteString("\nAccepted risks\n")
		for _, ar := range a.Accepted {
			fmt.Fprintf(w, "  %s (%s): %s\n", SanitizeLine(where[ar.Fingerprint]), SanitizeLine(acceptedBy(ar)), SanitizeLine(ar.Reason))
		}
	}
	if len(r.SuppressionProblems) > 0 {
		w.WriteString("\nSuppressions not applied\n")
		for _, p := range r.SuppressionProblems {
			fmt.Fprintf(w, "  %s: %s\n", SanitizeLine(suppressionSite(p)), SanitizeLine(p.Problem))
		}
	}
}

func acceptedBy(a AcceptedRisk) string {
	if a.Origin == "inline" {
		return "inline at " + a.Location
	}
	return "accepted-risks file"
}

func suppressionSite(p SuppressionProblem) string {
	site := p.Origin
	if p.Location != "" {
		site += " " + p.Location
	}
	if p.Fingerprint != "" {
		site += " " + p.Fingerprint
	}
	if p.RuleID != "" {
		site += " " + p.RuleID
	}
	return site
}

// findingTags marks accepted and baseline-unchanged findings in listings.
func findingTags(f Finding) string {
	var tags []string
	if f.Accepted != nil {
		tags = append(tags, "accepted")
	}
	if f.BaselineState == BaselineUnchanged {
		tags = append(tags, "in baseline")
	}
	if len(tags) == 0 {
		return ""
	}
	return " [" + strings.Join(tags, ", ") + "]"
}

func writeAssessmentMarkdown(b *bytes.Buffer, r *Report) {
	a := r.Assessment
	if a == nil {
		return
	}
	where := locations(r)
	fmt.Fprintf(b, "**Tier: %s**", mdText(tierLine(a)))
	if a.PolicyDigest != "" {
		fmt.Fprintf(b, " under policy `%s`", mdText(a.PolicyDigest))
	}
	b.WriteString("\n\n")
	if len(r.Capabilities) > 0 {
		b.WriteString("Capabilities: ")
		for i, c := range r.Capabilities {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(mdText(c.Name + declaredNote(c)))
		}
		b.WriteString("\n\n")
	}
	if len(a.Caps) > 0 {
		b.WriteString("| Cap | Reason | Because of |\n|---|---|---|\n")
		for _, c := range a.Caps {
			fmt.Fprintf(b, "| %s | %s | %s |\n", mdCell(string(c.Tier)), mdCell(c.Reason), mdCell(pointsAt(c, where, 5)))
		}
		b.WriteString("\n")
	}
	if len(a.Deductions) > 0 {
		b.WriteString("<details><summary>Points lost</summary>\n\n| Points | Finding | Why |\n|---:|---|---|\n")
		for _, d := range a.Deductions {
			fmt.Fprintf(b, "| -%s | %s | %s |\n", strconv.FormatFloat(d.Points, 'f', -1, 64), mdCell(where[d.Fingerprint]), mdCell(d.Reason))
		}
		b.WriteString("\n</details>\n\n")
	}
	if len(a.Accepted) > 0 {
		b.WriteString("**Accepted risks**\n\n| Finding | Accepted by | Reason |\n|---|---|---|\n")
		for _, ar := range a.Accepted {
			fmt.Fprintf(b, "| %s | %s | %s |\n", mdCell(where[ar.Fingerprint]), mdCell(acceptedBy(ar)), mdCell(ar.Reason))
		}
		b.WriteString("\n")
	}
	if len(r.SuppressionProblems) > 0 {
		b.WriteString("**Suppressions not applied**\n\n")
		for _, p := range r.SuppressionProblems {
			fmt.Fprintf(b, "- %s: %s\n", mdText(suppressionSite(p)), mdText(p.Problem))
		}
		b.WriteString("\n")
	}
}

// declaredNote says whether a capability was declared, and why.
func declaredNote(c Capability) string {
	switch {
	case c.Declared && c.Justification != "":
		return " (declared: " + c.Justification + ")"
	case c.Declared:
		return " (declared)"
	}
	return " (undeclared)"
}
