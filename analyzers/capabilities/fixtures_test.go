package capabilities_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/analyzers/capabilities"
	"github.com/mcpcert/mcpcert/internal/driver"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/workspace"
	"github.com/mcpcert/mcpcert/rules"
)

// inventory runs the analyzer over dir through the driver.
func inventory(t *testing.T, dir string) (*capabilities.Result, report.Engine) {
	t.Helper()
	ws, err := workspace.Load(context.Background(), dir, workspace.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	res := driver.Run(context.Background(), ws, []*analysis.Analyzer{capabilities.Analyzer},
		driver.Options{Rules: rules.MustDefault(), Budget: time.Minute, Config: &analysis.Config{Offline: true, TempDir: t.TempDir()}})
	eng := res.Engines[0]
	if eng.Outcome != report.OutcomeOK && eng.Outcome != report.OutcomePartial {
		t.Fatalf("outcome %s: %s", eng.Outcome, eng.Detail)
	}
	return res.Results[capabilities.Analyzer].(*capabilities.Result), eng
}

// TestFixtureServers pins the inventory of every fixture server, decided
// by reading its code (see the comments).
func TestFixtureServers(t *testing.T) {
	for name, want := range map[string][]string{
		// fs.readFile / fs.mkdir, writeFile, rename through
		// `import { promises as fs } from "node:fs"`; process.env.MCP_NOTES_FILE.
		"ts-notes": {"env-read", "filesystem-read", "filesystem-write"},
		// axios.create + http.get/post, node-fetch; process.env in config.ts.
		"ts-weather-leaky": {"env-read", "network-egress"},
		// The descriptions talk about reading files; the code does nothing.
		"ts-poisoned-calc": nil,
		// Built dist file: global fetch, process.env.READWISE_API_KEY.
		"mcpb-bundle": {"env-read", "network-egress"},
		// os.environ.get; Path.read_bytes/iterdir/open("r"); httpx.AsyncClient,
		// requests.get (update_check.py).
		"py-fastmcp-files": {"env-read", "filesystem-read", "network-egress"},
		// sqlite3.connect("file:…?mode=ro", uri=True) only; tests/ is skipped.
		"py-lowlevel-clean":  {"filesystem-read"},
		"py-poisoned-mailer": nil,
		// os.Open, os.ReadFile; os.MkdirAll, os.WriteFile, os.Rename.
		"go-mcpgo-tasks": {"filesystem-read", "filesystem-write"},
		// time.LoadLocation only.
		"go-sdk-clean": nil,
		// os.Getenv("STATUS_TOOL_DESCRIPTION").
		"go-poisoned-logs": {"env-read"},
	} {
		t.Run(name, func(t *testing.T) {
			res, eng := inventory(t, filepath.Join("../../fixtures/servers", name))
			if got := res.Capabilities(); !slices.Equal(got, want) {
				t.Errorf("capabilities %v, want %v", got, want)
				for _, u := range res.Uses {
					t.Logf("  %s:%d:%d %s %s", u.Pos.Path, u.Pos.StartLine, u.Pos.StartCol, u.Capability, u.API)
				}
			}
			if len(eng.Gaps) > 0 {
				t.Errorf("gaps: %+v", eng.Gaps)
			}
		})
	}
}
