// Command tables declares tools through tables, helpers and loops.
package main

import (
	"context"
	"os"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func ok(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return mcp.NewToolResultText("done"), nil
}

func echo(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return mcp.NewToolResultText(req.GetString("text", "")), nil
}

// newEchoTool is a helper: its tools come from its call sites.
func newEchoTool(name, desc string) mcp.Tool {
	return mcp.NewTool(name, mcp.WithDescription(desc), mcp.WithString("text", mcp.Required()))
}

// weatherTool returns a tool with its handler.
func weatherTool() (mcp.Tool, server.ToolHandlerFunc) {
	return mcp.NewTool("weather", mcp.WithDescription("Current weather."), mcp.WithString("city")),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText("sunny in " + req.GetString("city", "Paris")), nil
		}
}

type registry struct{ tool mcp.Tool }

func main() {
	s := server.NewMCPServer("tables", "1.0.0")

	s.AddTools(
		server.ServerTool{Tool: mcp.NewTool("list", mcp.WithDescription("List items.")), Handler: ok},
		server.ServerTool{Tool: newEchoTool("echo", "Echo the text back."), Handler: echo},
	)

	for _, st := range []server.ServerTool{
		{Tool: mcp.NewTool("start", mcp.WithDescription("Start the job.")), Handler: ok},
		{Tool: mcp.NewTool("stop", mcp.WithDescription("Stop the job.")), Handler: ok},
	} {
		s.AddTool(st.Tool, st.Handler)
	}

	tools := []mcp.Tool{
		{Name: "lit_one", Description: "First literal tool."},
		{Name: "lit_two", Description: "Second " + "literal tool."},
	}
	for _, t := range tools {
		s.AddTool(t, ok)
	}

	defs := []struct {
		name, desc string
		readOnly   bool
	}{
		{"get_user", "Get a user.", true},
		{"delete_user", "Delete a user.", false},
	}
	for _, d := range defs {
		s.AddTool(mcp.NewTool(d.name, mcp.WithDescription(d.desc), mcp.WithReadOnlyHintAnnotation(d.readOnly)), ok)
	}

	s.AddTool(newEchoTool("shout", strings.TrimSpace("  Echo the text back, loudly.  ")), echo)
	s.AddTool(weatherTool())

	add := func(name, desc string) {
		s.AddTool(mcp.NewTool(name, mcp.WithDescription(desc)), ok)
	}
	add("archive", "Archive an item.")

	var extra []server.ServerTool
	extra = append(extra, server.ServerTool{Tool: mcp.NewTool("extra_one", mcp.WithDescription("Set at startup.")), Handler: ok})
	s.SetTools(extra...)

	// A tool kept in a struct field is not followed to its declaration:
	// it is extracted on its own, without its handler.
	var reg registry
	reg.tool = mcp.NewTool("stored", mcp.WithDescription("Kept in a struct field."))
	s.AddTool(reg.tool, ok)

	for _, name := range strings.Split(os.Getenv("EXTRA_TOOLS"), ",") {
		s.AddTool(mcp.NewTool(name, mcp.WithDescription("A dynamic tool.")), ok)
	}
	_ = server.ServeStdio(s)
}
