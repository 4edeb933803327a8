// Package accept decides which findings are accepted risks and which are
// new. Three inputs feed it:
//
//   - inline suppressions, `mcpcert:ignore RULE-ID reason` in a comment of
//     any language, on the finding's line or the line above it. They are
//     written by the publisher of the code under scan, so the policy can
//     refuse them for rules only a reviewer may accept (tool poisoning: a
//     poisoned server would otherwise suppress its own poison);
//   - the reviewer's accepted-risks file, keyed by finding fingerprint;
//   - a baseline, a previous JSON report, whose findings are not new.
//
// A reason is mandatory. An acceptance that matches nothing, lacks a reason,
// names an unknown rule, has expired or is not allowed inline is never
// applied and is reported as a Problem, so a stale or malformed acceptance
// can never hide a finding silently.
package accept

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mcpcert/mcpcert/internal/report"
)

// Origins of an acceptance.
const (
	OriginInline = "inline"
	OriginFile   = "file"
)

// Marker is the word an inline suppression starts with.
const Marker = "mcpcert:ignore"

// Inline is one `mcpcert:ignore` comment found in the scanned code.
type Inline struct {
	Path   string
	Line   int
	RuleID string
	Reason string
}

// inlinePattern is a comment opener (//, #, /*, *, --, ;, <!--, REM-less
// languages are out of scope), the marker, a rule ID and the reason up to a
// comment closer. The opener must follow the start of the line or a space,
// so that "http://x#mcpcert:ignore" inside a URL does not count.
var inlinePattern = regexp.MustCompile(`(?:^|\s)(?://+|#+|/\*+|\*|--|;+|<!--)\s*` + regexp.QuoteMeta(Marker) + `(?:\s+(\S+))?(.*)$`)

// closers end a block comment after the reason.
var closers = []string{"*/", "-->"}

// FindInline returns the inline suppressions of one file, in line order.
// It reads only lines that contain the marker.
func FindInline(path string, content []byte) []Inline {
	if !bytes.Contains(content, []byte(Marker)) {
		return nil
	}
	var out []Inline
	for i, line := range bytes.Split(content, []byte("\n")) {
		if !bytes.Contains(line, []byte(Marker)) {
			continue
		}
		m := inlinePattern.FindSubmatch(bytes.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		reason := strings.TrimSpace(strings.ToValidUTF8(string(m[2]), "\uFFFD"))
		for _, c := range closers {
			reason = strings.TrimSpace(strings.TrimSuffix(reason, c))
		}
		out = append(out, Inline{Path: path, Line: i + 1, RuleID: strings.ToValidUTF8(string(m[1]), "\uFFFD"), Reason: reason})
	}
	return out
}

// File is the reviewer's accepted-risks file.
type File struct {
	// Risks are accepted findings, by fingerprint.
	Risks []Risk `yaml:"risks"`
	// Capabilities are the capabilities the reviewer has seen declared and
	// accepts, with a justification (for example the hosts a server calls).
	Capabilities []Declaration `yaml:"capabilities"`
}

// Risk accepts one finding.
type Risk struct {
	Fingerprint string `yaml:"fingerprint"`
	// Rule is optional; when given, it must be the finding's rule, which
	// guards against a fingerprint pasted into the wrong line.
	Rule   string `yaml:"rule"`
	Reason string `yaml:"reason"`
	// Expires is an optional date (YYYY-MM-DD) after which the acceptance
	// no longer applies.
	Expires string `yaml:"expires"`
}

// Declaration declares one capability.
type Declaration struct {
	Name          string `yaml:"name"`
	Justification string `yaml:"justification"`
}

var fingerprintPattern = regexp.MustCompile(`^[0-9a-f]{32}(-[0-9]+)?$`)

// ParseFile parses an accepted-risks file strictly: unknown fields and
// entries without a reason are errors, because an acceptance that means less
// than it says, or more, must not pass review unnoticed. knownRule and
// knownCapability check names.
func ParseFile(data []byte, knownRule, knownCapability func(string) bool) (*File, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return &f, nil
		}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("accepted risks: %s", strings.Join(te.Errors, "; "))
		}
		return nil, fmt.Errorf("accepted risks: %w", err)
	}
	seen := map[string]bool{}
	for i, r := range f.Risks {
		field := fmt.Sprintf("accepted risks: risks[%d]", i)
		switch {
		case !fingerprintPattern.MatchString(r.Fingerprint):
			return nil, fmt.Errorf("%s.fingerprint: %q is not a finding fingerprint (32 hex digits, from the report)", field, r.Fingerprint)
		case seen[r.Fingerprint]:
			return nil, fmt.Errorf("%s.fingerprint: %s is listed twice", field, r.Fingerprint)
		case strings.TrimSpace(r.Reason) == "":
			return nil, fmt.Errorf("%s.reason: empty; every accepted risk must say why", field)
		case r.Rule != "" && !knownRule(r.Rule):
			return nil, fmt.Errorf("%s.rule: unknown rule %q", field, r.Rule)
		}
		if r.Expires != "" {
			if _, err := time.Parse(time.DateOnly, r.Expires); err != nil {
				return nil, fmt.Errorf("%s.expires: %q is not a date (YYYY-MM-DD)", field, r.Expires)
			}
		}
		seen[r.Fingerprint] = true
	}
	declared := map[string]bool{}
	for i, d := range f.Capabilities {
		field := fmt.Sprintf("accepted risks: capabilities[%d]", i)
		switch {
		case !knownCapability(d.Name):
			return nil, fmt.Errorf("%s.name: unknown capability %q", field, d.Name)
		case declared[d.Name]:
			return nil, fmt.Errorf("%s.name: %s is declared twice", field, d.Name)
		case strings.TrimSpace(d.Justification) == "":
			return nil, fmt.Errorf("%s.justification: empty; a declaration must say what the capability is used for", field)
		}
		declared[d.Name] = true
	}
	return &f, nil
}

// Options are the policy's rules for acceptances.
type Options struct {
	// Inline allows inline suppressions at all.
	Inline bool
	// ReviewerOnly lists rule IDs, or prefixes ending in "*", that only the
	// accepted-risks file may accept.
	ReviewerOnly []string
	// KnownRule reports whether a rule ID exists.
	KnownRule func(string) bool
	// Now decides whether a file entry has expired.
	Now time.Time
}

// Result is what Apply decided.
type Result struct {
	// Accepted maps a finding fingerprint to its acceptance.
	Accepted map[string]report.AcceptedRisk
	// Problems are acceptances that were not applied, sorted.
	Problems []report.SuppressionProblem
}

// Apply matches the inline suppressions and the file (nil for none) to the
// findings. A finding accepted both ways keeps the file's acceptance: the
// reviewer's word is the one that counts.
func Apply(findings []report.Finding, inline []Inline, file *File, o Options) Result {
	res := Result{Accepted: map[string]report.AcceptedRisk{}}
	problem := func(p report.SuppressionProblem) { res.Problems = append(res.Problems, p) }

	for _, s := range inline {
		loc := fmt.Sprintf("%s:%d", s.Path, s.Line)
		p := report.SuppressionProblem{Origin: OriginInline, Location: loc, RuleID: s.RuleID}
		switch {
		case s.RuleID == "":
			p.Problem = "no rule ID after " + Marker
		case !o.KnownRule(s.RuleID):
			p.Problem = "unknown rule"
		case s.Reason == "":
			p.Problem = "no reason given; a suppression must say why"
		case !o.Inline:
			p.Problem = "the policy does not allow inline suppressions; use the accepted-risks file"
		case reviewerOnly(s.RuleID, o.ReviewerOnly):
			p.Problem = "the policy lets only the reviewer's accepted-risks file accept this rule"
		}
		if p.Problem != "" {
			problem(p)
			continue
		}
		matched := false
		for _, f := range findings {
			if f.RuleID == s.RuleID && f.Location.Path == s.Path && f.Location.StartLine > 0 &&
				(s.Line == f.Location.StartLine || s.Line == f.Location.StartLine-1) {
				matched = true
				if _, dup := res.Accepted[f.Fingerprint]; !dup {
					res.Accepted[f.Fingerprint] = report.AcceptedRisk{Fingerprint: f.Fingerprint, RuleID: f.RuleID, Reason: s.Reason, Origin: OriginInline, Location: loc}
				}
			}
		}
		if !matched {
			p.Problem = "matches no finding of this rule on its line or the next"
			problem(p)
		}
	}

	if file != nil {
		byFingerprint := map[string]report.Finding{}
		for _, f := range findings {
			byFingerprint[f.Fingerprint] = f
		}
		for _, r := range file.Risks {
			p := report.SuppressionProblem{Origin: OriginFile, Fingerprint: r.Fingerprint, RuleID: r.Rule}
			f, ok := byFingerprint[r.Fingerprint]
			switch {
			case !ok:
				p.Problem = "matches no finding"
			case r.Rule != "" && r.Rule != f.RuleID:
				p.Problem = fmt.Sprintf("the finding is %s, not %s", f.RuleID, r.Rule)
			case r.Expires != "" && expired(r.Expires, o.Now):
				p.Problem = "expired on " + r.Expires
			}
			if p.Problem != "" {
				problem(p)
				continue
			}
			res.Accepted[f.Fingerprint] = report.AcceptedRisk{Fingerprint: f.Fingerprint, RuleID: f.RuleID, Reason: strings.TrimSpace(r.Reason), Origin: OriginFile}
		}
	}
	slices.SortFunc(res.Problems, func(a, b report.SuppressionProblem) int {
		return strings.Compare(a.Origin+"\x00"+a.Location+"\x00"+a.Fingerprint+"\x00"+a.RuleID, b.Origin+"\x00"+b.Location+"\x00"+b.Fingerprint+"\x00"+b.RuleID)
	})
	return res
}

// expired reports whether the date has passed: an entry expiring on a day
// still applies during that day (UTC).
func expired(date string, now time.Time) bool {
	d, err := time.Parse(time.DateOnly, date)
	return err != nil || now.UTC().After(d.Add(24*time.Hour-time.Nanosecond))
}

func reviewerOnly(id string, list []string) bool {
	for _, e := range list {
		if prefix, ok := strings.CutSuffix(e, "*"); ok {
			if strings.HasPrefix(id, prefix) {
				return true
			}
		} else if id == e {
			return true
		}
	}
	return false
}

// Baseline is the set of findings of a previous report.
type Baseline struct {
	fingerprints map[string]bool
}

// ParseBaseline reads the fingerprints of a previous mcpcert JSON report.
func ParseBaseline(data []byte) (*Baseline, error) {
	var r struct {
		SchemaVersion string `json:"schemaVersion"`
		Findings      []struct {
			Fingerprint string `json:"fingerprint"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("baseline: not an mcpcert JSON report: %w", err)
	}
	if r.SchemaVersion != report.SchemaVersion {
		return nil, fmt.Errorf("baseline: report schema version %q, want %q (an mcpcert JSON report, --format json)", r.SchemaVersion, report.SchemaVersion)
	}
	b := &Baseline{fingerprints: map[string]bool{}}
	for _, f := range r.Findings {
		if !fingerprintPattern.MatchString(f.Fingerprint) {
			return nil, fmt.Errorf("baseline: %q is not a finding fingerprint", f.Fingerprint)
		}
		b.fingerprints[f.Fingerprint] = true
	}
	return b, nil
}

// Mark sets each finding's BaselineState (SARIF's terms: "new" or
// "unchanged") and returns how many findings of the baseline are gone.
func (b *Baseline) Mark(findings []report.Finding) (absent int) {
	seen := map[string]bool{}
	for i := range findings {
		fp := findings[i].Fingerprint
		if b.fingerprints[fp] {
			findings[i].BaselineState = report.BaselineUnchanged
			seen[fp] = true
		} else {
			findings[i].BaselineState = report.BaselineNew
		}
	}
	return len(b.fingerprints) - len(seen)
}
