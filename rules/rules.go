// Package rules is the single source of every rule's metadata: ID, title,
// severity, confidence, CWE, help and remediation. Reports, SARIF rule
// descriptors, `mcpcert rules` and scoring all read it from here. Rules are
// data (the embedded *.yaml files); pattern-based rules carry positive and
// negative samples that rules_test.go enforces.
package rules

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Version is the version of the rule set; bump it with every rule change.
const Version = "2026.11.1"

//go:embed *.yaml
var files embed.FS

// Rule is one rule's metadata and, for pattern-based rules, its pattern.
type Rule struct {
	ID          string `yaml:"id" json:"id"`
	Title       string `yaml:"title" json:"title"`
	Severity    string `yaml:"severity" json:"severity"`
	Confidence  string `yaml:"confidence" json:"confidence"`
	CWE         string `yaml:"cwe,omitempty" json:"cwe,omitempty"`
	Engine      string `yaml:"engine" json:"engine"`
	Help        string `yaml:"help" json:"help"`
	Remediation string `yaml:"remediation" json:"remediation"`
	// Secret is the detection pattern of a secrets rule (see analyzers/secrets).
	Secret *SecretPattern `yaml:"secret,omitempty" json:"secret,omitempty"`
	// Poison is the detection logic of a text-based tool-poisoning rule
	// (see analyzers/toolpoison).
	Poison *PoisonPattern `yaml:"poison,omitempty" json:"poison,omitempty"`
	// Family is the tool-poisoning family a rule detects.
	Family string `yaml:"family,omitempty" json:"family,omitempty"`
}

// PoisonPattern fires when, in one normalised text of the tool surface, all
// signals of a clause match within Window characters of each other and
// none of its None signals matches in that window. The first matching
// clause (most severe first) gives the finding's severity.
type PoisonPattern struct {
	Clauses []Clause `yaml:"clauses" json:"clauses"`
	// Window bounds how far apart a clause's signals may be (characters).
	Window   int            `yaml:"window" json:"window"`
	Positive []PoisonSample `yaml:"positive" json:"-"`
	Negative []PoisonSample `yaml:"negative" json:"-"`
}

// Clause is one combination of signals.
type Clause struct {
	All  []string `yaml:"all" json:"all"`
	None []string `yaml:"none,omitempty" json:"none,omitempty"`
	// Sentence requires All to occur in one sentence (and None not in
	// it) instead of within the rule's window: who is asked to do what
	// to which object is a property of a sentence.
	Sentence bool   `yaml:"sentence,omitempty" json:"sentence,omitempty"`
	Severity string `yaml:"severity" json:"severity"`
}

// PoisonSample is a text that must (positive) or must not (negative) fire
// the rule at the given minimum severity; Where is the surface location
// ("tool.description" by default).
type PoisonSample struct {
	Text     string `yaml:"text"`
	Where    string `yaml:"where,omitempty"`
	Severity string `yaml:"severity,omitempty"`
}

// Signal is a named, bounded regular expression over normalised text
// (lower case, NFKC, invisibles stripped, confusables folded).
type Signal struct {
	ID    string `yaml:"id" json:"id"`
	Regex string `yaml:"regex,omitempty" json:"regex,omitempty"`
	Doc   string `yaml:"doc" json:"doc"`
	// Computed signals are set by the analyzer's own logic, not a regex.
	Computed bool `yaml:"computed,omitempty" json:"computed,omitempty"`
}

// SecretPattern is a gitleaks rule written as data.
type SecretPattern struct {
	// Regex finds the secret; SecretGroup selects the secret inside it.
	Regex       string `yaml:"regex" json:"regex"`
	SecretGroup int    `yaml:"secretGroup,omitempty" json:"secretGroup,omitempty"`
	// Path restricts the rule to files whose slash path matches.
	Path     string   `yaml:"path,omitempty" json:"path,omitempty"`
	Keywords []string `yaml:"keywords,omitempty" json:"keywords,omitempty"`
	Entropy  float64  `yaml:"entropy,omitempty" json:"entropy,omitempty"`
	// Samples: each Positive must be found (with the given file path), each
	// Negative must not.
	Positive []Sample `yaml:"positive" json:"-"`
	Negative []Sample `yaml:"negative" json:"-"`
}

// Sample is a test input for a pattern rule.
type Sample struct {
	Path string `yaml:"path"`
	Text string `yaml:"text"`
}

// Allow is an allow-list entry for secrets: a match it covers is not a
// finding. Every entry must say why.
type Allow struct {
	// Regex is matched against the secret; Path against the file path.
	Regex  string `yaml:"regex,omitempty" json:"regex,omitempty"`
	Path   string `yaml:"path,omitempty" json:"path,omitempty"`
	Reason string `yaml:"reason" json:"reason"`
}

type document struct {
	Rules   []Rule              `yaml:"rules"`
	Allow   []Allow             `yaml:"allow"`
	Signals []Signal            `yaml:"signals"`
	Lists   map[string][]string `yaml:"lists"`
}

// Set is the loaded, validated rule set.
type Set struct {
	rules   []Rule
	byID    map[string]*Rule
	allow   []Allow
	signals []Signal
	lists   map[string][]string
	digest  string
}

var (
	loadOnce sync.Once
	loaded   *Set
	loadErr  error
)

// Default returns the embedded rule set. It fails only if the embedded data
// is invalid, which rules_test.go prevents.
func Default() (*Set, error) {
	loadOnce.Do(func() { loaded, loadErr = LoadFS(files) })
	return loaded, loadErr
}

// MustDefault is Default for callers that run after the rules test passed.
func MustDefault() *Set {
	s, err := Default()
	if err != nil {
		panic(err)
	}
	return s
}

// LoadFS loads and validates the *.yaml rule files of fsys. Default uses it
// on the embedded files; tests use it on invalid ones.
func LoadFS(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	s := &Set{byID: map[string]*Rule{}, lists: map[string][]string{}}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var doc document
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("rules/%s: %w", name, err)
		}
		for _, r := range doc.Rules {
			if err := r.validate(); err != nil {
				return nil, fmt.Errorf("rules/%s: %w", name, err)
			}
			if _, dup := s.byID[r.ID]; dup {
				return nil, fmt.Errorf("rules/%s: duplicate rule ID %s", name, r.ID)
			}
			s.rules = append(s.rules, r)
			s.byID[r.ID] = nil
		}
		for _, a := range doc.Allow {
			if err := a.validate(); err != nil {
				return nil, fmt.Errorf("rules/%s: %w", name, err)
			}
			s.allow = append(s.allow, a)
		}
		for _, sg := range doc.Signals {
			if !signalID.MatchString(sg.ID) || strings.TrimSpace(sg.Doc) == "" {
				return nil, fmt.Errorf("rules/%s: signal %q needs a snake_case id and a doc", name, sg.ID)
			}
			if sg.Computed != (sg.Regex == "") {
				return nil, fmt.Errorf("rules/%s: signal %s: a signal has a regex or is computed, not both", name, sg.ID)
			}
			if _, err := regexp.Compile(sg.Regex); err != nil {
				return nil, fmt.Errorf("rules/%s: signal %s: %w", name, sg.ID, err)
			}
			if slices.ContainsFunc(s.signals, func(x Signal) bool { return x.ID == sg.ID }) {
				return nil, fmt.Errorf("rules/%s: duplicate signal %s", name, sg.ID)
			}
			s.signals = append(s.signals, sg)
		}
		for k, v := range doc.Lists {
			if _, dup := s.lists[k]; dup {
				return nil, fmt.Errorf("rules/%s: duplicate list %s", name, k)
			}
			s.lists[k] = v
		}
	}
	for _, r := range s.rules {
		if r.Poison == nil {
			continue
		}
		for _, c := range r.Poison.Clauses {
			for _, id := range append(slices.Clone(c.All), c.None...) {
				if !slices.ContainsFunc(s.signals, func(x Signal) bool { return x.ID == id }) {
					return nil, fmt.Errorf("rule %s: unknown signal %q", r.ID, id)
				}
			}
		}
	}
	sort.Slice(s.rules, func(i, j int) bool { return s.rules[i].ID < s.rules[j].ID })
	for i := range s.rules {
		s.byID[s.rules[i].ID] = &s.rules[i]
	}
	canon, err := json.Marshal(struct {
		Version string              `json:"version"`
		Rules   []Rule              `json:"rules"`
		Allow   []Allow             `json:"allow"`
		Signals []Signal            `json:"signals"`
		Lists   map[string][]string `json:"lists"`
	}{Version, s.rules, s.allow, s.signals, s.lists})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(canon)
	s.digest = "sha256:" + hex.EncodeToString(sum[:])
	return s, nil
}

var (
	signalID      = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	idPattern     = regexp.MustCompile(`^[A-Z]{2,4}[0-9]{3}$`)
	cwePattern    = regexp.MustCompile(`^CWE-[0-9]+$`)
	severities    = []string{"critical", "high", "medium", "low", "info"}
	confidences   = []string{"high", "medium", "low"}
	enginePattern = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
)

func (r *Rule) validate() error {
	switch {
	case !idPattern.MatchString(r.ID):
		return fmt.Errorf("rule %q: ID must look like ABC123", r.ID)
	case strings.TrimSpace(r.Title) == "":
		return fmt.Errorf("rule %s: empty title", r.ID)
	case !slices.Contains(severities, r.Severity):
		return fmt.Errorf("rule %s: severity %q not one of %v", r.ID, r.Severity, severities)
	case !slices.Contains(confidences, r.Confidence):
		return fmt.Errorf("rule %s: confidence %q not one of %v", r.ID, r.Confidence, confidences)
	case r.CWE != "" && !cwePattern.MatchString(r.CWE):
		return fmt.Errorf("rule %s: CWE %q must look like CWE-798", r.ID, r.CWE)
	case !enginePattern.MatchString(r.Engine):
		return fmt.Errorf("rule %s: engine %q is not a valid engine name", r.ID, r.Engine)
	case strings.TrimSpace(r.Help) == "":
		return fmt.Errorf("rule %s: empty help", r.ID)
	case strings.TrimSpace(r.Remediation) == "":
		return fmt.Errorf("rule %s: empty remediation", r.ID)
	}
	if p := r.Poison; p != nil {
		if len(p.Clauses) == 0 || p.Window <= 0 {
			return fmt.Errorf("rule %s: a poison rule needs clauses and a window", r.ID)
		}
		for _, c := range p.Clauses {
			if len(c.All) == 0 || !slices.Contains(severities, c.Severity) {
				return fmt.Errorf("rule %s: a clause needs signals and a severity", r.ID)
			}
		}
		if len(p.Positive) == 0 || len(p.Negative) == 0 {
			return fmt.Errorf("rule %s: a pattern rule needs positive and negative samples", r.ID)
		}
	}
	if p := r.Secret; p != nil {
		if _, err := regexp.Compile(p.Regex); err != nil {
			return fmt.Errorf("rule %s: regex: %w", r.ID, err)
		}
		if p.Path != "" {
			if _, err := regexp.Compile(p.Path); err != nil {
				return fmt.Errorf("rule %s: path: %w", r.ID, err)
			}
		}
		if len(p.Positive) == 0 || len(p.Negative) == 0 {
			return fmt.Errorf("rule %s: a pattern rule needs positive and negative samples", r.ID)
		}
		for _, k := range p.Keywords {
			if k != strings.ToLower(k) {
				return fmt.Errorf("rule %s: keyword %q must be lower case", r.ID, k)
			}
		}
	}
	return nil
}

func (a *Allow) validate() error {
	if strings.TrimSpace(a.Reason) == "" {
		return fmt.Errorf("allow-list entry %q%q: a reason is required", a.Regex, a.Path)
	}
	if a.Regex == "" && a.Path == "" {
		return fmt.Errorf("allow-list entry %q: needs a regex or a path", a.Reason)
	}
	for _, rx := range []string{a.Regex, a.Path} {
		if _, err := regexp.Compile(rx); err != nil {
			return fmt.Errorf("allow-list entry %q: %w", a.Reason, err)
		}
	}
	return nil
}

// All returns every rule, sorted by ID.
func (s *Set) All() []Rule { return slices.Clone(s.rules) }

// Get returns the rule with the given ID.
func (s *Set) Get(id string) (Rule, bool) {
	r, ok := s.byID[id]
	if !ok || r == nil {
		return Rule{}, false
	}
	return *r, true
}

// Has reports whether a rule with the given ID exists.
func (s *Set) Has(id string) bool { _, ok := s.Get(id); return ok }

// ForEngine returns the rules an engine reports, sorted by ID.
func (s *Set) ForEngine(engine string) []Rule {
	var out []Rule
	for _, r := range s.rules {
		if r.Engine == engine {
			out = append(out, r)
		}
	}
	return out
}

// Signals returns the tool-poisoning signals.
func (s *Set) Signals() []Signal { return slices.Clone(s.signals) }

// List returns a named word list (well-known tool names, suspicious
// parameter names, …).
func (s *Set) List(name string) []string { return slices.Clone(s.lists[name]) }

// Allow returns the secrets allow-list.
func (s *Set) Allow() []Allow { return slices.Clone(s.allow) }

// Digest is the sha256 of the canonical rule set, "sha256:<hex>".
func (s *Set) Digest() string { return s.digest }
