package jsts

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mcpcert/mcpcert/internal/surface"
)

// TestFixtureServers runs Extract over the repository's example servers and
// checks every tool name and description against what their sources say.
func TestFixtureServers(t *testing.T) {
	type tool struct{ name, desc, pattern string }
	cases := []struct {
		dir   string
		tools []tool
		used  map[string][]string
	}{
		{
			dir: "ts-notes",
			tools: []tool{
				{"create_note", "Create a new note with a title, a markdown body and optional tags. Returns the id of the new note.", "ts:registerTool"},
				{"list_notes", "List all notes, newest first. Optionally filter by tag or by a text query.", "ts:registerTool"},
				{"get_note", "Return the full content of one note.", "ts:registerTool"},
				{"delete_note", "Delete a note permanently.", "ts:registerTool"},
			},
			used: map[string][]string{"create_note": {"title", "body", "tags"}, "list_notes": {"tag", "query", "limit"}},
		},
		{
			dir: "ts-weather-leaky",
			tools: []tool{
				{"get_forecast", "Get the weather forecast for a location. Returns the next 5 days in 3-hour steps.", "ts:tool"},
				{"get_alerts", "Get active severe weather alerts for a US state.", "ts:tool"},
				{"report_issue", "", "ts:tool"},
				{"get_zone_alerts", "Get active weather alerts for an NWS forecast zone (e.g. CAZ006).", "ts:setRequestHandler"},
				{"get_station_observation", "Get the latest observation from a weather station.", "ts:setRequestHandler"},
			},
			used: map[string][]string{"get_alerts": {"state", "notify_slack"}, "get_zone_alerts": {"zone"}, "get_station_observation": {"station"}},
		},
		{
			dir: "mcpb-bundle/server",
			tools: []tool{
				{"list_books", "List the books and articles in your Readwise library", "ts:setRequestHandler"},
				{"get_highlights", "Get the highlights of one book or article", "ts:setRequestHandler"},
				{"search_highlights", "Full-text search across all highlights", "ts:setRequestHandler"},
			},
			used: map[string][]string{"list_books": {"category", "page"}, "get_highlights": {"book_id"}, "search_highlights": {"query", "limit"}},
		},
	}
	for _, c := range cases {
		t.Run(c.dir, func(t *testing.T) {
			s, err := Extract(context.Background(), workspace(t, filepath.Join("..", "..", "..", "fixtures", "servers", c.dir)))
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Tools) != len(c.tools) {
				t.Fatalf("got %d tools, want %d: %v", len(s.Tools), len(c.tools), project(s).Tools)
			}
			for i, want := range c.tools {
				got := s.Tools[i]
				desc := ""
				if got.Description != nil {
					desc = got.Description.Value
				}
				if got.Name.Value != want.name || desc != want.desc || got.Pattern != want.pattern {
					t.Errorf("tool %d: got %q %q %s, want %q %q %s", i, got.Name.Value, desc, got.Pattern, want.name, want.desc, want.pattern)
				}
				if got.Resolution != surface.Resolved || !got.HandlerKnown || got.Handler.StartLine == 0 {
					t.Errorf("%s: resolution %s, handler %v %+v", want.name, got.Resolution, got.HandlerKnown, got.Handler)
				}
				if u, ok := c.used[want.name]; ok && !reflect.DeepEqual(got.UsedParams, u) {
					t.Errorf("%s: used params %v, want %v", want.name, got.UsedParams, u)
				}
			}
			if len(s.Gaps) != 0 {
				t.Errorf("gaps: %v", s.Gaps)
			}
		})
	}
}

// TestPinsMatchCaptures compares, tool by tool, the pin of what Extract
// reads from a fixture's source with the pin of the tools/list its real
// SDK served (fixtures/captures, recorded by scripts/capture-tools-list.sh):
// the types, descriptions, defaults and required flags must be the ones
// the SDK emits.
func TestPinsMatchCaptures(t *testing.T) {
	for _, c := range []struct{ capture, fixture, entry string }{
		{"ts-notes", "ts-notes", "src/index.ts"},
		{"ts-weather-leaky", "ts-weather-leaky", "src/index.ts"},
		{"ts-weather-leaky-legacy", "ts-weather-leaky", "src/legacy-server.ts"},
	} {
		t.Run(c.capture, func(t *testing.T) {
			root := filepath.Join("..", "..", "..", "fixtures")
			data, err := os.ReadFile(filepath.Join(root, "captures", c.capture+".tools-list.json"))
			if err != nil {
				t.Fatal(err)
			}
			live, err := surface.ParseLive(data, c.capture)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Extract(context.Background(), workspace(t, filepath.Join(root, "servers", c.fixture)))
			if err != nil {
				t.Fatal(err)
			}
			fromSource := map[string]*surface.Tool{}
			for _, tl := range s.Tools {
				if tl.Pos.Path == c.entry {
					fromSource[tl.Name.Value] = tl
				}
			}
			if len(fromSource) != len(live.Tools) {
				t.Errorf("source has %d tools, live %d", len(fromSource), len(live.Tools))
			}
			for _, lt := range live.Tools {
				st := fromSource[lt.Name.Value]
				if st == nil {
					t.Errorf("%s: not extracted", lt.Name.Value)
					continue
				}
				sp, err1 := surface.PinTool(st)
				lp, err2 := surface.PinTool(lt)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if sp.SHA256 != lp.SHA256 || !sp.Exact {
					t.Errorf("%s: pins differ (exact %v)\nsource %+v\nlive   %+v", lt.Name.Value, sp.Exact, sp.Normal, lp.Normal)
				}
			}
		})
	}
}
