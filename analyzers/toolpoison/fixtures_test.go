package toolpoison_test

import (
	"path/filepath"
	"testing"

	"github.com/mcpcert/mcpcert/analyzers/analysistest"
	"github.com/mcpcert/mcpcert/analyzers/toolpoison"
)

// TestFixtureServers runs the analyzer over every fixture server: the
// poisoned ones carry a want expectation for each planted technique, and
// the clean ones must produce nothing unexpected.
func TestFixtureServers(t *testing.T) {
	servers, err := filepath.Glob("../../fixtures/servers/*")
	if err != nil || len(servers) < 10 {
		t.Fatalf("fixture servers: %v %v", servers, err)
	}
	for _, dir := range servers {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			analysistest.Run(t, dir, toolpoison.Analyzer, nil)
		})
	}
}
