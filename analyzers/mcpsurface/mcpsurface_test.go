package mcpsurface_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcpcert/mcpcert/analyzers/analysis"
	"github.com/mcpcert/mcpcert/analyzers/mcpsurface"
	"github.com/mcpcert/mcpcert/internal/driver"
	"github.com/mcpcert/mcpcert/internal/report"
	"github.com/mcpcert/mcpcert/internal/workspace"
	"github.com/mcpcert/mcpcert/rules"
)

const fixtures = "../../fixtures"

func extract(t *testing.T, dir, toolsJSON string) (*mcpsurface.Result, report.Engine) {
	t.Helper()
	ws, err := workspace.Load(context.Background(), dir, workspace.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	cfg := &analysis.Config{Offline: true, TempDir: t.TempDir()}
	if toolsJSON != "" {
		data, err := os.ReadFile(toolsJSON)
		if err != nil {
			t.Fatal(err)
		}
		cfg.ToolsJSON, cfg.ToolsJSONPath = data, filepath.Base(toolsJSON)
	}
	res := driver.Run(context.Background(), ws, []*analysis.Analyzer{mcpsurface.Analyzer},
		driver.Options{Rules: rules.MustDefault(), Budget: time.Minute, Config: cfg})
	eng := res.Engines[0]
	if eng.Outcome != report.OutcomeOK && eng.Outcome != report.OutcomePartial {
		t.Fatalf("outcome %s: %s", eng.Outcome, eng.Detail)
	}
	return res.Results[mcpsurface.Analyzer].(*mcpsurface.Result), eng
}

// TestPinFromSourceEqualsLive is the proof the tool pin rests on: for our
// own fixture servers, run with their real SDKs by
// scripts/capture-tools-list.sh, the pin computed from source equals the
// pin of the tools/list the running server served.
func TestPinFromSourceEqualsLive(t *testing.T) {
	for _, name := range []string{"ts-notes", "go-mcpgo-tasks", "go-sdk-clean"} {
		t.Run(name, func(t *testing.T) {
			res, _ := extract(t, filepath.Join(fixtures, "servers", name), filepath.Join(fixtures, "captures", name+".tools-list.json"))
			if res.Pin == nil || res.LivePin == nil {
				t.Fatalf("pins: source %v, live %v", res.Pin, res.LivePin)
			}
			if len(res.Pin.Tools) != len(res.LivePin.Tools) {
				t.Fatalf("source has %d tools, live %d", len(res.Pin.Tools), len(res.LivePin.Tools))
			}
			for i, st := range res.Pin.Tools {
				lt := res.LivePin.Tools[i]
				if st.SHA256 != lt.SHA256 {
					t.Errorf("tool %s: source %s, live %s\nsource normal form %+v\nlive   normal form %+v", st.Name, st.SHA256, lt.SHA256, st.Normal, lt.Normal)
				}
			}
			if res.Pin.SHA256 != res.LivePin.SHA256 || !res.Pin.Exact {
				t.Errorf("manifest: source %s (exact %v), live %s", res.Pin.SHA256, res.Pin.Exact, res.LivePin.SHA256)
			}
		})
	}
}

func TestDeclaredSurfaces(t *testing.T) {
	res, _ := extract(t, filepath.Join(fixtures, "servers", "mcpb-bundle"), "")
	var kinds []string
	for _, d := range res.Declared {
		kinds = append(kinds, d.Kind)
	}
	if len(kinds) == 0 || kinds[0] != "mcpb-manifest" {
		t.Fatalf("declared %v", kinds)
	}
	if len(res.Declared[0].Surface.Tools) == 0 {
		t.Error("the manifest's tools were not read")
	}
}
