package report

import (
	"maps"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/mcpcert/mcpcert/rules"
)

// SARIF 2.1.0 as hand-written types: only what mcpcert emits, so the output
// is plain to read and needs no SARIF library.

const (
	sarifSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	informationURI = "https://github.com/mcpcert/mcpcert"
	// srcRoot is the base of every artifact URI: the root of the scanned
	// source, wherever a consumer checked it out.
	srcRoot = "%SRCROOT%"
	// fingerprintKey names mcpcert's fingerprint among a result's partial
	// fingerprints; the version changes if the fingerprint's recipe does.
	fingerprintKey = "mcpcertFingerprint/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	Invocations        []sarifInvocation                `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds"`
	Results            []sarifResult                    `json:"results"`
	Properties         sarifRunProperties               `json:"properties"`
}

type sarifTool struct {
	Driver     sarifComponent   `json:"driver"`
	Extensions []sarifComponent `json:"extensions,omitempty"`
}

type sarifComponent struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules,omitempty"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name,omitempty"`
	ShortDescription     *sarifMessage      `json:"shortDescription,omitempty"`
	FullDescription      *sarifMessage      `json:"fullDescription,omitempty"`
	Help                 *sarifMessage      `json:"help,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags      []string `json:"tags"`
	Precision string   `json:"precision,omitempty"`
	// SecuritySeverity is the CVSS-like score GitHub code scanning uses to
	// rank security alerts.
	SecuritySeverity string `json:"security-severity"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level      string                 `json:"level"`
	Message    sarifMessage           `json:"message"`
	Locations  []sarifLocation        `json:"locations,omitempty"`
	Properties sarifNotificationProps `json:"properties"`
}

type sarifNotificationProps struct {
	Engine  string `json:"engine,omitempty"`
	Outcome string `json:"outcome,omitempty"`
	Gap     string `json:"gap,omitempty"`
	Skipped string `json:"skipped,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	// Suppressions marks an accepted risk: inSource for an inline
	// mcpcert:ignore comment, external for the accepted-risks file.
	Suppressions  []sarifSuppression `json:"suppressions,omitempty"`
	BaselineState string             `json:"baselineState,omitempty"`
	Properties    sarifResultProps   `json:"properties"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

// sarifResultProps is deliberately closed: a finding's free-form Properties
// are not copied, so nothing but these fields (and for secrets only the
// redacted form and fingerprint) can reach a code-scanning service.
type sarifResultProps struct {
	Severity          string   `json:"severity"`
	Confidence        string   `json:"confidence"`
	Engine            string   `json:"engine"`
	Package           string   `json:"package,omitempty"`
	Version           string   `json:"version,omitempty"`
	Ecosystem         string   `json:"ecosystem,omitempty"`
	Advisory          string   `json:"advisory,omitempty"`
	Aliases           []string `json:"aliases,omitempty"`
	FixedIn           []string `json:"fixedIn,omitempty"`
	Redacted          string   `json:"redacted,omitempty"`
	SecretFingerprint string   `json:"secretFingerprint,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI         string        `json:"uri,omitempty"`
	URIBaseID   string        `json:"uriBaseId,omitempty"`
	Description *sarifMessage `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifRunProperties struct {
	Status  string      `json:"status"`
	Source  sarifSource `json:"source"`
	RuleSet RuleSet     `json:"ruleSet"`
	// Tier, Score and PolicyDigest summarise the assessment.
	Tier         Tier   `json:"tier,omitempty"`
	Score        *int   `json:"score,omitempty"`
	PolicyDigest string `json:"policyDigest,omitempty"`
}

type sarifSource struct {
	Input     string            `json:"input"`
	Kind      string            `json:"kind"`
	Name      string            `json:"name,omitempty"`
	Version   string            `json:"version,omitempty"`
	PURL      string            `json:"purl,omitempty"`
	Digests   map[string]string `json:"digests"`
	GitCommit string            `json:"gitCommit,omitempty"`
}

func marshalSARIF(r *Report, descriptors []rules.Rule) ([]byte, error) {
	driverRules, index := sarifRules(r, descriptors)
	name := r.Tool.Name
	if name == "" {
		name = "mcpcert"
	}
	run := sarifRun{
		Tool: sarifTool{
			Driver: sarifComponent{
				Name:           name,
				Version:        r.Tool.Version,
				InformationURI: informationURI,
				Rules:          driverRules,
			},
		},
		Invocations: []sarifInvocation{{
			ExecutionSuccessful:        r.Status == StatusComplete,
			ToolExecutionNotifications: sarifNotifications(r),
		}},
		OriginalURIBaseIDs: map[string]sarifArtifactLocation{
			srcRoot: {Description: &sarifMessage{Text: "The root of the scanned source: " + r.Source.Input}},
		},
		Results: make([]sarifResult, 0, len(r.Findings)),
		Properties: sarifRunProperties{
			Status: r.Status,
			Source: sarifSource{
				Input:     r.Source.Input,
				Kind:      r.Source.Kind,
				Name:      r.Source.Name,
				Version:   r.Source.Version,
				PURL:      r.Source.PURL,
				Digests:   r.Source.Digests,
				GitCommit: r.Source.GitCommit,
			},
			RuleSet: r.Rules,
		},
	}
	if a := r.Assessment; a != nil {
		score := a.Score
		run.Properties.Tier, run.Properties.Score, run.Properties.PolicyDigest = a.Tier, &score, a.PolicyDigest
	}
	if run.Properties.Source.Digests == nil {
		run.Properties.Source.Digests = map[string]string{}
	}
	for _, e := range r.Engines {
		run.Tool.Extensions = append(run.Tool.Extensions, sarifComponent{Name: e.Name, Version: e.Version})
	}
	for _, f := range r.Findings {
		run.Results = append(run.Results, sarifResultFor(f, index[f.RuleID]))
	}
	return encodeJSON(sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}, "  ")
}

// sarifRules returns the descriptors of every rule of the report's engines,
// sorted by ID, and each ID's index. A finding whose rule is not among the
// descriptors still gets one, built from the finding, so that every ruleIndex
// resolves.
func sarifRules(r *Report, descriptors []rules.Rule) ([]sarifRule, map[string]int) {
	engines := map[string]bool{}
	ran := map[string]bool{}
	for _, e := range r.Engines {
		engines[e.Name] = true
		for _, id := range e.Rules {
			ran[id] = true
		}
	}
	byID := map[string]rules.Rule{}
	for _, d := range descriptors {
		if engines[d.Engine] || ran[d.ID] {
			byID[d.ID] = d
		}
	}
	for _, f := range r.Findings {
		if _, ok := byID[f.RuleID]; !ok {
			byID[f.RuleID] = rules.Rule{ID: f.RuleID, Title: f.Title, Severity: f.Severity, Confidence: f.Confidence, CWE: f.CWE, Engine: f.Engine}
		}
	}
	ids := slices.Sorted(maps.Keys(byID))
	out := make([]sarifRule, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		out[i] = sarifRuleFor(byID[id])
		index[id] = i
	}
	return out, index
}

func sarifRuleFor(d rules.Rule) sarifRule {
	sr := sarifRule{
		ID:                   d.ID,
		Name:                 camelCase(d.Title),
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(d.Severity)},
		Properties: sarifRuleProps{
			Tags:             ruleTags(d),
			Precision:        d.Confidence,
			SecuritySeverity: securitySeverity(d.Severity),
		},
	}
	if d.Title != "" {
		sr.ShortDescription = &sarifMessage{Text: d.Title}
	}
	if d.Help != "" {
		sr.FullDescription = &sarifMessage{Text: d.Help}
		text, md := d.Help, d.Help
		if d.Remediation != "" {
			text += "\n\nRemediation: " + d.Remediation
			md += "\n\n**Remediation:** " + d.Remediation
		}
		if n, ok := strings.CutPrefix(d.CWE, "CWE-"); ok {
			md += "\n\n[" + d.CWE + "](https://cwe.mitre.org/data/definitions/" + n + ".html)"
		}
		sr.Help = &sarifMessage{Text: text, Markdown: md}
	}
	return sr
}

// ruleTags marks every rule "security" (GitHub code scanning applies
// security-severity only to such rules), names its engine, and its CWE in
// the form GitHub links to.
func ruleTags(d rules.Rule) []string {
	tags := []string{"security"}
	add := func(t string) {
		if t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	add(d.Engine)
	if n, ok := strings.CutPrefix(d.CWE, "CWE-"); ok {
		add("external/cwe/cwe-" + n)
	}
	return tags
}

func sarifResultFor(f Finding, ruleIndex int) sarifResult {
	res := sarifResult{
		RuleID:    f.RuleID,
		RuleIndex: ruleIndex,
		Level:     sarifLevel(f.Severity),
		Message:   sarifMessage{Text: f.Message},
		Properties: sarifResultProps{
			Severity:   f.Severity,
			Confidence: f.Confidence,
			Engine:     f.Engine,
		},
	}
	if f.Location.Path != "" {
		res.Locations = []sarifLocation{sarifLocationFor(f.Location.Path, f.Location.StartLine, f.Location.StartCol, f.Location.EndLine, f.Location.EndCol)}
	}
	if f.Fingerprint != "" {
		res.PartialFingerprints = map[string]string{fingerprintKey: f.Fingerprint}
	}
	if d := f.Dependency; d != nil {
		p := &res.Properties
		p.Package, p.Version, p.Ecosystem, p.Advisory = d.Package, d.Version, d.Ecosystem, d.AdvisoryID
		p.Aliases, p.FixedIn = d.Aliases, d.FixedIn
	}
	if s := f.Secret; s != nil {
		res.Properties.Redacted, res.Properties.SecretFingerprint = s.Redacted, s.Fingerprint
	}
	if a := f.Accepted; a != nil {
		kind := "external"
		if a.Origin == "inline" {
			kind = "inSource"
		}
		res.Suppressions = []sarifSuppression{{Kind: kind, Status: "accepted", Justification: a.Reason}}
	}
	res.BaselineState = f.BaselineState
	return res
}

// sarifLocationFor builds a location relative to %SRCROOT%. SARIF lines and
// columns start at 1, so a region is given only for a known line, and an end
// only where it is consistent with the start.
func sarifLocationFor(path string, startLine, startCol, endLine, endCol int) sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysicalLocation{
		ArtifactLocation: sarifArtifactLocation{URI: pathURI(path), URIBaseID: srcRoot},
	}}
	if startLine >= 1 {
		reg := &sarifRegion{StartLine: startLine}
		if startCol >= 1 {
			reg.StartColumn = startCol
		}
		if endLine >= startLine {
			reg.EndLine = endLine
			if endCol >= 1 && (endLine > startLine || endCol >= reg.StartColumn) {
				reg.EndColumn = endCol
			}
		}
		loc.PhysicalLocation.Region = reg
	}
	return loc
}

// pathURI turns a slash-separated relative path into a relative URI
// reference: each segment is percent-encoded, colons included, so that no
// file name can turn into a scheme ("c:x") or a fragment ("a#b").
func pathURI(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return strings.Join(segs, "/")
}

// sarifNotifications reports everything that makes a scan incomplete: an
// engine that did not run fully (error), each coverage gap (warning), and
// each file no analyzer saw (note).
func sarifNotifications(r *Report) []sarifNotification {
	var out []sarifNotification
	for _, e := range r.Engines {
		if e.Outcome != OutcomeOK && e.Outcome != OutcomePartial {
			msg := "Engine " + e.Name
			if e.Version != "" {
				msg += " (" + e.Version + ")"
			}
			msg += ": " + e.Outcome
			if e.Detail != "" {
				msg += ": " + e.Detail
			}
			out = append(out, sarifNotification{
				Level:      "error",
				Message:    sarifMessage{Text: msg},
				Properties: sarifNotificationProps{Engine: e.Name, Outcome: e.Outcome},
			})
		}
		for _, g := range e.Gaps {
			msg := "Engine " + e.Name + " did not cover "
			if g.Path != "" {
				msg += g.Path + " "
			} else {
				msg += "part of the source "
			}
			msg += "(" + g.Kind + "): " + g.Detail
			n := sarifNotification{
				Level:      "warning",
				Message:    sarifMessage{Text: msg},
				Properties: sarifNotificationProps{Engine: e.Name, Outcome: e.Outcome, Gap: g.Kind},
			}
			if g.Path != "" {
				n.Locations = []sarifLocation{sarifLocationFor(g.Path, 0, 0, 0, 0)}
			}
			out = append(out, n)
		}
	}
	for _, s := range r.Workspace.Skipped {
		out = append(out, sarifNotification{
			Level:      "note",
			Message:    sarifMessage{Text: "No analyzer read " + s.Path + ": " + s.Reason},
			Locations:  []sarifLocation{sarifLocationFor(s.Path, 0, 0, 0, 0)},
			Properties: sarifNotificationProps{Skipped: s.Reason},
		})
	}
	return out
}

// sarifLevel maps a severity to a SARIF level: GitHub fails a check on
// "error", so only critical and high findings get it.
func sarifLevel(severity string) string {
	switch severity {
	case "critical", "high":
		return "error"
	case "low", "info":
		return "note"
	default:
		return "warning"
	}
}

// securitySeverity is the score GitHub code scanning maps back to its
// critical (≥9.0), high (≥7.0), medium (≥4.0) and low bands.
func securitySeverity(severity string) string {
	switch severity {
	case "critical":
		return "9.5"
	case "high":
		return "8.0"
	case "medium":
		return "5.5"
	case "low":
		return "3.0"
	default:
		return "0.0"
	}
}

// camelCase turns a rule title into a SARIF rule name: "Hard-coded AWS key"
// becomes "HardCodedAWSKey".
func camelCase(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(w)
		b.WriteRune(unicode.ToUpper(rs[0]))
		b.WriteString(string(rs[1:]))
	}
	return b.String()
}
