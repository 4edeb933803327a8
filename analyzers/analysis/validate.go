package analysis

import (
	"fmt"
	"go/token"
	"strings"
)

// Validate checks that the analyzers are well formed: valid unique names, a
// title, a Run function, rules known to ruleExists, and an acyclic Requires
// graph in which every requirement is itself listed.
func Validate(analyzers []*Analyzer, ruleExists func(id string) bool) error {
	listed := make(map[*Analyzer]bool, len(analyzers))
	names := make(map[string]bool, len(analyzers))
	for _, a := range analyzers {
		if a == nil {
			return fmt.Errorf("nil analyzer")
		}
		if !token.IsIdentifier(a.Name) {
			return fmt.Errorf("analyzer %q: name is not a valid identifier", a.Name)
		}
		if names[a.Name] {
			return fmt.Errorf("analyzer %q: duplicate name", a.Name)
		}
		names[a.Name] = true
		listed[a] = true
		if strings.TrimSpace(a.Doc) == "" {
			return fmt.Errorf("analyzer %q: empty Doc", a.Name)
		}
		if a.Run == nil {
			return fmt.Errorf("analyzer %q: nil Run", a.Name)
		}
		if a.Version == "" {
			return fmt.Errorf("analyzer %q: empty Version", a.Name)
		}
		for _, id := range a.Rules {
			if ruleExists != nil && !ruleExists(id) {
				return fmt.Errorf("analyzer %q: rule %q is not defined in rules/", a.Name, id)
			}
		}
	}
	const (
		white = iota
		grey
		black
	)
	color := map[*Analyzer]int{}
	var visit func(a *Analyzer, path []string) error
	visit = func(a *Analyzer, path []string) error {
		switch color[a] {
		case grey:
			return fmt.Errorf("cycle in analyzer requirements: %s", strings.Join(append(path, a.Name), " -> "))
		case black:
			return nil
		}
		color[a] = grey
		for _, r := range a.Requires {
			if !listed[r] {
				return fmt.Errorf("analyzer %q requires %q, which is not listed", a.Name, r.Name)
			}
			if err := visit(r, append(path, a.Name)); err != nil {
				return err
			}
		}
		color[a] = black
		return nil
	}
	for _, a := range analyzers {
		if err := visit(a, nil); err != nil {
			return err
		}
	}
	return nil
}

// Title returns the first line of an analyzer's Doc.
func (a *Analyzer) Title() string {
	title, _, _ := strings.Cut(a.Doc, "\n")
	return strings.TrimSpace(title)
}
