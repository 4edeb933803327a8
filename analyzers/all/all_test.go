package all_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/mcpcert/mcpcert/analyzers/all"
	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/rules"
)

func TestAnalyzersValid(t *testing.T) {
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	as := all.Analyzers()
	if err := analysis.Validate(as, set.Has); err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(as, func(a, b *analysis.Analyzer) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	}) {
		t.Error("analyzers are not sorted by name")
	}
	// Every rule belongs to exactly one listed analyzer, which names the
	// rule's engine: a rule nobody reports is dead, and scoring would
	// treat its absence as a pass.
	owner := map[string]string{}
	for _, a := range as {
		for _, id := range a.Rules {
			if prev, dup := owner[id]; dup {
				t.Errorf("rule %s reported by both %s and %s", id, prev, a.Name)
			}
			owner[id] = a.Name
		}
	}
	for _, r := range set.All() {
		if owner[r.ID] == "" {
			t.Errorf("rule %s is reported by no analyzer", r.ID)
		} else if owner[r.ID] != r.Engine {
			t.Errorf("rule %s: engine %q, but reported by analyzer %q", r.ID, r.Engine, owner[r.ID])
		}
	}
}

// TestEngineVersionsMatchGoMod: the engine version a report names must be
// the version of the library that go.mod links in.
func TestEngineVersionsMatchGoMod(t *testing.T) {
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	engines := map[string]struct{ tool, module string }{
		"secrets": {"gitleaks", "github.com/zricethezav/gitleaks/v8"},
		"depvuln": {"osv-scanner", "github.com/google/osv-scanner/v2"},
	}
	for _, a := range all.Analyzers() {
		e, ok := engines[a.Name]
		if !ok {
			continue
		}
		var version string
		for _, r := range mf.Require {
			if r.Mod.Path == e.module {
				version = strings.TrimPrefix(r.Mod.Version, "v")
			}
		}
		if want := e.tool + " " + version; a.Version != want {
			t.Errorf("analyzer %s: Version %q, go.mod links %q", a.Name, a.Version, want)
		}
	}
}
