// Package all lists every analyzer mcpcert runs. The list is explicit and
// validated by its test; there is no registration by side effect.
package all

import (
	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/analyzers/capabilities"
	"github.com/mcpcert/mcpcert/analyzers/depvuln"
	"github.com/mcpcert/mcpcert/analyzers/mcpsurface"
	"github.com/mcpcert/mcpcert/analyzers/secrets"
	"github.com/mcpcert/mcpcert/analyzers/toolpoison"
)

// Analyzers returns the analyzers of a scan, sorted by name.
func Analyzers() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		capabilities.Analyzer,
		depvuln.Analyzer,
		mcpsurface.Analyzer,
		secrets.Analyzer,
		toolpoison.Analyzer,
	}
}
