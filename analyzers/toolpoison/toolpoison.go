// Package toolpoison defines an analyzer that finds tool poisoning in every
// string of an MCP server's tool surface — names, titles, descriptions,
// every schema key and value, prompt and resource texts, server
// instructions, and literals a handler returns or throws — and in the code
// that can change the surface after approval.
//
// Text is normalised first (invisible characters stripped and reported,
// Unicode Tags and variation-selector bytes decoded, NFKC, confusables
// folded, HTML entities and base64, hex or \uXXXX runs decoded within a
// budget, spaced-out letters and leetspeak folded in a copy; identifiers
// are matched as words); the patterns are data
// (rules/poisoning.yaml): bounded signals combined within a window, so that
// combinations weigh far above single words.
package toolpoison

import (
	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/analyzers/mcpsurface"
	"github.com/mcpcert/mcpcert/rules"
)

// Analyzer finds tool poisoning.
var Analyzer = &analysis.Analyzer{
	Name: "toolpoison",
	Doc: `find tool poisoning in the tool surface

Checks the surface extracted by mcpsurface, and the surfaces the release
declares, for hidden instructions, sensitive-file coercion, cross-tool
shadowing, session-wide rules, preference manipulation, poisoned schemas and
outputs, control and invisible characters, hidden markup, look-alike names,
exfiltration parameters, run-time metadata and declared-vs-code mismatches.`,
	Version:  "mcpcert-toolpoison 1",
	Rules:    []string{"TP001", "TP002", "TP003", "TP004", "TP005", "TP006", "TP007", "TP008", "TP009", "TP010", "TP011", "TP012", "TP013", "TP014"},
	Requires: []*analysis.Analyzer{mcpsurface.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	set, err := rules.Default()
	if err != nil {
		return nil, err
	}
	res := pass.ResultOf[mcpsurface.Analyzer].(*mcpsurface.Result)
	ds, err := Detect(res.Surface, res.Declared, set)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		pass.Report(d)
	}
	return nil, nil
}
