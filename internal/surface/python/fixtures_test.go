package python

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mcpcert/mcpcert/internal/surface"
)

// fixtureTool is what the fixture tests pin of a tool, written by hand from
// the fixture's source.
type fixtureTool struct {
	Name, Pattern, Description string
	Annotations                map[string]any
	Props                      []string // "name type [required] [default=v] [: description]"
	Handler                    int      // line of the handler (function or dispatch branch)
	Used                       []string
	Outputs                    []string // the text, prefixed "partial: " when partial
}

func viewTool(t *surface.Tool) fixtureTool {
	v := fixtureTool{Name: t.Name.Value, Pattern: t.Pattern, Annotations: t.Annotations, Used: t.UsedParams}
	if t.Description != nil {
		v.Description = t.Description.Value
	}
	if t.InputSchema != nil {
		for _, p := range t.InputSchema.Properties {
			s := p.Name.Value + " " + p.Schema.Type
			if p.Required {
				s += " required"
			}
			if p.Schema.HasDefault {
				s += fmt.Sprintf(" default=%v", p.Schema.Default)
			}
			if p.Schema.Description != nil {
				s += ": " + p.Schema.Description.Value
			}
			v.Props = append(v.Props, s)
		}
	}
	if t.HandlerKnown {
		v.Handler = t.Handler.StartLine
	}
	for _, o := range t.Outputs {
		s := o.Value
		if o.Resolution != surface.Resolved {
			s = string(o.Resolution) + ": " + s
		}
		v.Outputs = append(v.Outputs, s)
	}
	return v
}

func checkFixture(t *testing.T, dir string, want []fixtureTool) {
	t.Helper()
	s, err := Extract(context.Background(), loadDir(t, filepath.Join("..", "..", "..", "fixtures", "servers", dir)))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tools) != len(want) {
		t.Fatalf("%d tools, want %d", len(s.Tools), len(want))
	}
	for i, tool := range s.Tools {
		if got := viewTool(tool); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("tool %d:\n got  %#v\n want %#v", i, got, want[i])
		}
		if tool.Resolution != surface.Resolved || tool.Name.Resolution != surface.Resolved {
			t.Errorf("tool %s: resolution %s %v", tool.Name.Value, tool.Resolution, tool.Reasons)
		}
	}
	if len(s.Prompts)+len(s.Resources)+len(s.Instructions)+len(s.Indicators)+len(s.Gaps) != 0 {
		t.Errorf("unexpected prompts %v, resources %v, instructions %v, indicators %v or gaps %v",
			s.Prompts, s.Resources, s.Instructions, s.Indicators, s.Gaps)
	}
}

func TestFixturePyFastMCPFiles(t *testing.T) {
	outside := "partial: {path} is outside the allowed directories"
	checkFixture(t, "py-fastmcp-files", []fixtureTool{
		{
			Name: "read_file", Pattern: "py:FastMCP.tool",
			Description: "Read a text file from the local disk and return its contents.\n\n" +
				"Only files inside the directories listed in FILES_MCP_ROOTS can be read.\nLarge files are truncated.",
			Props: []string{
				"path string required: Absolute or ~-relative path of the file to read",
				"encoding string default=utf-8: Text encoding of the file",
			},
			Handler: 40, Used: []string{"path", "encoding"}, Outputs: []string{outside},
		},
		{
			Name: "list_directory", Pattern: "py:FastMCP.tool",
			Description: "List the entries of a directory with their sizes, as a markdown table.",
			Props: []string{
				"path string required: Directory to list",
				"show_hidden boolean default=false: Include dot files",
			},
			Handler: 56, Used: []string{"path", "show_hidden"}, Outputs: []string{outside},
		},
		{
			Name: "read_yaml", Pattern: "py:FastMCP.tool",
			Description: "Parse a YAML file and return it as pretty-printed JSON.",
			Props:       []string{"path string required: Path of a YAML file"},
			Handler:     72, Used: []string{"path"}, Outputs: []string{outside},
		},
		{
			// ctx: Context is injected, not part of the schema.
			Name: "fetch_url", Pattern: "py:FastMCP.tool",
			Description: "Fetch a web page over HTTP(S) and return the response body as text.",
			Props: []string{
				"url string required: http(s) URL to download",
				"max_chars integer default=20000: Truncate the body after this many characters",
			},
			Handler: 83, Used: []string{"url", "max_chars"}, Outputs: []string{"only http and https URLs are supported"},
		},
	})
}

func TestFixturePyLowlevelClean(t *testing.T) {
	ro := map[string]any{"readOnlyHint": true}
	checkFixture(t, "py-lowlevel-clean", []fixtureTool{
		{
			Name: "list_tables", Pattern: "py:Server.list_tools",
			Description: "List the tables of the open SQLite database.", Annotations: ro,
			Handler: 111, Outputs: []string{"database path not configured", "(no tables)"},
		},
		{
			Name: "describe_table", Pattern: "py:Server.list_tools",
			Description: "Show the columns (name, type, nullability, primary key) of a table.", Annotations: ro,
			Props:   []string{"table string required: Name of the table to describe"},
			Handler: 113, Used: []string{"table"},
			Outputs: []string{"database path not configured", "partial: unknown table: {table}", "(no rows)"},
		},
		{
			// The f-string over the module constant MAX_ROWS folds.
			Name: "sample_rows", Pattern: "py:Server.list_tools",
			Description: "Return the first rows of a table (at most 200).", Annotations: ro,
			Props: []string{
				"table string required: Name of the table",
				"limit integer default=20: Number of rows to return",
			},
			Handler: 120, Used: []string{"table", "limit"},
			Outputs: []string{"database path not configured", "partial: unknown table: {table}", "(no rows)"},
		},
	})
}
