package golang

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mcpcert/mcpcert/internal/surface"
)

// fixtureTool is what a fixture's tool must be, exactly.
type fixtureTool struct {
	name, desc  string
	annotations map[string]any
	props       []string // name:type[:required] description
	handler     string   // file:line
	used        []string
	outputs     []string
}

func propLine(p *surface.Prop) string {
	s := p.Name.Value + ":" + p.Schema.Type
	if p.Required {
		s += ":required"
	}
	if d := p.Schema.Description; d != nil {
		s += " " + d.Value
	}
	if len(p.Schema.Enum) > 0 {
		s += fmt.Sprintf(" enum=%v", p.Schema.Enum)
	}
	if p.Schema.HasDefault {
		s += fmt.Sprintf(" default=%v", p.Schema.Default)
	}
	return s
}

func checkFixture(t *testing.T, s *surface.Surface, pattern string, want []fixtureTool) {
	t.Helper()
	if len(s.Gaps) > 0 || len(s.Indicators) > 0 || len(s.Prompts) > 0 || len(s.Resources) > 0 || len(s.Instructions) > 0 {
		t.Errorf("unexpected gaps %v, indicators %v, prompts %d, resources %d, instructions %v", s.Gaps, s.Indicators, len(s.Prompts), len(s.Resources), s.Instructions)
	}
	if len(s.Tools) != len(want) {
		t.Fatalf("got %d tools, want %d", len(s.Tools), len(want))
	}
	for i, w := range want {
		got := s.Tools[i]
		if got.Name.Value != w.name || got.Description == nil || got.Description.Value != w.desc {
			t.Errorf("tool %d: got %q %v, want %q %q", i, got.Name.Value, got.Description, w.name, w.desc)
		}
		if got.Resolution != surface.Resolved || got.Pattern != pattern || !got.HandlerKnown {
			t.Errorf("%s: resolution %s, pattern %s, handler known %v", w.name, got.Resolution, got.Pattern, got.HandlerKnown)
		}
		if fmt.Sprint(got.Annotations) != fmt.Sprint(w.annotations) {
			t.Errorf("%s: annotations %v, want %v", w.name, got.Annotations, w.annotations)
		}
		var props []string
		for _, p := range got.InputSchema.Properties {
			props = append(props, propLine(p))
		}
		if !slices.Equal(props, w.props) {
			t.Errorf("%s: properties\n  %s\nwant\n  %s", w.name, strings.Join(props, "\n  "), strings.Join(w.props, "\n  "))
		}
		if h := fmt.Sprintf("%s:%d", got.Handler.Path, got.Handler.StartLine); h != w.handler {
			t.Errorf("%s: handler at %s, want %s", w.name, h, w.handler)
		}
		if !slices.Equal(got.UsedParams, w.used) {
			t.Errorf("%s: used params %v, want %v", w.name, got.UsedParams, w.used)
		}
		var outs []string
		for _, o := range got.Outputs {
			outs = append(outs, o.Value)
		}
		if !slices.Equal(outs, w.outputs) {
			t.Errorf("%s: outputs %q, want %q", w.name, outs, w.outputs)
		}
	}
}

func TestFixtureMCPGoTasks(t *testing.T) {
	s := extractDir(t, fixtureDir("go-mcpgo-tasks"))
	checkFixture(t, s, "go:mcp-go.NewTool", []fixtureTool{{
		name: "add_task", desc: "Add a task to the task list. Returns the id of the new task.",
		props: []string{
			"title:string:required Short description of what needs to be done",
			"due:string Optional due date, YYYY-MM-DD",
			"priority:string Priority of the task enum=[low normal high] default=normal",
		},
		handler: "main.go:93",
		used:    []string{"due", "priority", "title"},
		outputs: []string{"due must be YYYY-MM-DD", "added task ${…}"},
	}, {
		name: "list_tasks", desc: "List tasks, open ones first, ordered by due date.",
		annotations: map[string]any{"readOnlyHint": true},
		props:       []string{"include_done:boolean Also list completed tasks"},
		handler:     "main.go:112",
		used:        []string{"include_done"},
		outputs:     []string{"no tasks"},
	}, {
		name: "complete_task", desc: "Mark a task as done.",
		props:   []string{"id:string:required Id of the task, as shown by list_tasks"},
		handler: "main.go:148",
		used:    []string{"id"},
		// errNotFound is returned by the closure passed to st.Update.
		outputs: []string{"task not found", "no task with id ${…}", "completed ${…}"},
	}, {
		name: "import_checklist", desc: "Import every list item (<li>) of a local HTML file as a task, e.g. a checklist exported from a notes app.",
		props:   []string{"path:string:required Path of the HTML file to import"},
		handler: "import.go:44",
		used:    []string{"path"},
		outputs: []string{"cannot open ${…}: ${…}", "cannot parse ${…}: ${…}", "imported ${…} tasks from ${…}"},
	}})
}

func TestFixtureGoSDKClean(t *testing.T) {
	s := extractDir(t, fixtureDir("go-sdk-clean"))
	readOnly := map[string]any{"readOnlyHint": true}
	checkFixture(t, s, "go:go-sdk.AddTool", []fixtureTool{{
		name: "current_time", desc: "Get the current time in a specific time zone.", annotations: readOnly,
		props:   []string{"timezone:string:required IANA time zone name, e.g. Europe/Berlin or America/New_York"},
		handler: "main.go:51",
		used:    []string{"timezone"},
	}, {
		name: "convert_time", desc: "Convert a time of day from one time zone to another.", annotations: readOnly,
		props: []string{
			"source_timezone:string:required IANA time zone of the given time",
			"time:string:required time of day to convert, 24-hour HH:MM",
			"target_timezone:string:required IANA time zone to convert to",
			"date:string date of the time, YYYY-MM-DD; defaults to today in the source zone",
		},
		handler: "main.go:60",
		used:    []string{"date", "source_timezone", "target_timezone", "time"},
		outputs: []string{"time must be HH:MM and date YYYY-MM-DD: ${…}"},
	}})
	var out []string
	for _, p := range s.Tools[0].OutputSchema.Properties {
		out = append(out, propLine(p))
	}
	want := []string{"timezone:string:required", "datetime:string:required current time in RFC 3339 format", "is_dst:boolean:required whether daylight saving time is in effect"}
	if !slices.Equal(out, want) {
		t.Errorf("current_time output schema %q, want %q", out, want)
	}
}
