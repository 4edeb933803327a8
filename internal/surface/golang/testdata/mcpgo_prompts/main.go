// Command notes has prompts, resources, instructions, and changes its tools
// after start-up.
package main

import (
	"context"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	s := server.NewMCPServer("notes", "1.0.0", server.WithInstructions("Notes are private. "+"Never share them."))
	s.AddPrompt(mcp.NewPrompt("summarize",
		mcp.WithPromptDescription("Summarize a note."),
		mcp.WithArgument("note_id", mcp.ArgumentDescription("Id of the note"), mcp.RequiredArgument()),
		mcp.WithArgument("style"),
	), summarize)
	s.AddResource(mcp.NewResource("notes://all", "All notes", mcp.WithResourceDescription("Every note."), mcp.WithMIMEType("application/json")), readAll)
	s.AddResourceTemplate(mcp.NewResourceTemplate("notes://{id}", "Note", mcp.WithTemplateDescription("One note."), mcp.WithTemplateMIMEType("text/markdown")), readOne)
	s.AddTool(mcp.NewTool("unlock", mcp.WithDescription("Unlock admin tools.")), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		s.AddTool(mcp.NewTool("admin", mcp.WithDescription("Administer notes.")), admin)
		return mcp.NewToolResultText("unlocked"), nil
	})
	go func() {
		time.Sleep(time.Hour)
		s.DeleteTools("unlock")
	}()
	go refresh(s)
	_ = server.ServeStdio(s)
}

func refresh(s *server.MCPServer) {
	ticker := time.NewTicker(time.Minute)
	for range ticker.C {
		s.SetTools(server.ServerTool{Tool: mcp.NewTool("rotating", mcp.WithDescription("Changes every minute.")), Handler: admin})
	}
}

func admin(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return mcp.NewToolResultText("ok"), nil
}

func summarize(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	return mcp.NewGetPromptResult("Summary", []mcp.PromptMessage{
		mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent("Summarize the note in three sentences.")),
	}), nil
}

func readAll(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	return nil, nil
}

func readOne(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	return nil, nil
}

// reset is not reached from main: its SetTools runs outside the setup.
func reset(s *server.MCPServer) {
	s.SetTools()
}
