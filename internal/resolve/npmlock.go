package resolve

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// npmGraph is the union of the resolved npm trees of every package.json,
// kept to write one synthetic package-lock.json.
type npmGraph struct {
	roots     []npmChild        // edges from the scanned manifests
	rootSpecs map[string]string // install name → spec, for the root entry
	nodes     map[string]*npmNode
}

type npmChild struct{ alias, key string }

type npmNode struct {
	name, version       string
	resolved, integrity string
	children            []npmChild
	specs               map[string]string // install name → spec as declared
}

func newNPMGraph() *npmGraph {
	return &npmGraph{rootSpecs: map[string]string{}, nodes: map[string]*npmNode{}}
}

// link records that parent ("" for a manifest) depends on key through d.
func (g *npmGraph) link(parent string, d npmDep, key, name, version string) {
	if g.nodes[key] == nil {
		g.nodes[key] = &npmNode{name: name, version: version, specs: map[string]string{}}
	}
	c := npmChild{d.alias, key}
	if parent == "" {
		if !slices.Contains(g.roots, c) {
			g.roots = append(g.roots, c)
		}
		if _, ok := g.rootSpecs[d.alias]; !ok {
			g.rootSpecs[d.alias] = d.raw
		}
		return
	}
	p := g.nodes[parent]
	if !slices.Contains(p.children, c) {
		p.children = append(p.children, c)
	}
	p.specs[d.alias] = d.raw
}

var integrityRe = regexp.MustCompile(`^sha(?:1|256|384|512)-[A-Za-z0-9+/]+=*$`)

// setDist records where the registry says the tarball lives. Values are
// registry-controlled, so only plain http(s) tarball URLs are kept: a URL
// that looks like a git reference would make osv-scanner read a commit
// instead of the version.
func (g *npmGraph) setDist(key, tarball, integrity string) {
	n := g.nodes[key]
	if u, err := url.Parse(tarball); err == nil && (u.Scheme == "https" || u.Scheme == "http") &&
		u.Host != "" && u.RawQuery == "" && u.Fragment == "" && !strings.Contains(tarball, "#") &&
		!slices.Contains([]string{"github.com", "gitlab.com", "bitbucket.org", "codeload.github.com"}, u.Hostname()) {
		n.resolved = tarball
	}
	if integrityRe.MatchString(integrity) {
		n.integrity = integrity
	}
}

type lockPackage struct {
	Name         string            `json:"name,omitempty"`
	Version      string            `json:"version"`
	Resolved     string            `json:"resolved,omitempty"`
	Integrity    string            `json:"integrity,omitempty"`
	Dependencies map[string]string `json:"dependencies,omitempty"`
}

type lockFile struct {
	Name            string                 `json:"name"`
	Version         string                 `json:"version"`
	LockfileVersion int                    `json:"lockfileVersion"`
	Requires        bool                   `json:"requires"`
	Packages        map[string]lockPackage `json:"packages"`
}

// lockfile renders the graph as a package-lock.json (lockfileVersion 3).
//
// Layout: nodes are placed breadth-first; the first version of each install
// name reached takes the hoisted node_modules/<name> slot and any other
// version nests under its first placed dependent, as npm would. Every
// name@version appears exactly once, at a unique path, which is all the
// osv-scalibr extractor needs to report it.
func (g *npmGraph) lockfile() ([]byte, error) {
	loc := map[string]string{}
	taken := map[string]bool{}
	var queue []string
	place := func(under string, c npmChild) {
		if _, ok := loc[c.key]; ok {
			return
		}
		p := "node_modules/" + c.alias
		if taken[p] && under != "" {
			p = under + "/node_modules/" + c.alias
		}
		for taken[p] {
			// Only reachable for conflicting direct dependencies of
			// different manifests (or a package depending on another
			// version of itself): nest deeper until the slot is free.
			p += "/node_modules/" + c.alias
		}
		taken[p] = true
		loc[c.key] = p
		queue = append(queue, c.key)
	}
	for _, c := range g.roots {
		place("", c)
	}
	for i := 0; i < len(queue); i++ {
		k := queue[i]
		for _, c := range g.nodes[k].children {
			place(loc[k], c)
		}
	}

	lf := lockFile{
		Name:            "mcpcert-resolved",
		Version:         "0.0.0",
		LockfileVersion: 3,
		Requires:        true,
		Packages: map[string]lockPackage{
			"": {Name: "mcpcert-resolved", Version: "0.0.0", Dependencies: g.rootSpecs},
		},
	}
	for key, p := range loc {
		n := g.nodes[key]
		e := lockPackage{Version: n.version, Resolved: n.resolved, Integrity: n.integrity}
		if len(n.specs) > 0 {
			e.Dependencies = n.specs
		}
		if p[strings.LastIndex(p, "node_modules/")+len("node_modules/"):] != n.name {
			e.Name = n.name // aliased install: record the real package name
		}
		lf.Packages[p] = e
	}
	b, err := json.MarshalIndent(lf, "", "  ")
	return append(b, '\n'), err
}
