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
const Version = "2026.11.0"

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
	Rules []Rule  `yaml:"rules"`
	Allow []Allow `yaml:"allow"`
}

// Set is the loaded, validated rule set.
type Set struct {
	rules  []Rule
	byID   map[string]*Rule
	allow  []Allow
	digest string
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
	s := &Set{byID: map[string]*Rule{}}
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
	}
	sort.Slice(s.rules, func(i, j int) bool { return s.rules[i].ID < s.rules[j].ID })
	for i := range s.rules {
		s.byID[s.rules[i].ID] = &s.rules[i]
	}
	canon, err := json.Marshal(struct {
		Version string  `json:"version"`
		Rules   []Rule  `json:"rules"`
		Allow   []Allow `json:"allow"`
	}{Version, s.rules, s.allow})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(canon)
	s.digest = "sha256:" + hex.EncodeToString(sum[:])
	return s, nil
}

var (
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

// Allow returns the secrets allow-list.
func (s *Set) Allow() []Allow { return slices.Clone(s.allow) }

// Digest is the sha256 of the canonical rule set, "sha256:<hex>".
func (s *Set) Digest() string { return s.digest }
