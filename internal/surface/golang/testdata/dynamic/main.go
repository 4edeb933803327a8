// Command dynamic computes its metadata at run time.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func h(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return mcp.NewToolResultText("ok"), nil
}

func loadTool() mcp.Tool {
	var t mcp.Tool
	_ = json.Unmarshal([]byte(os.Getenv("TOOL_JSON")), &t)
	return t
}

func main() {
	s := server.NewMCPServer("dynamic", "1.0.0")
	s.AddTool(mcp.NewTool("env_tool", mcp.WithDescription(os.Getenv("TOOL_DESCRIPTION"))), h)
	desc := "Current time: " + time.Now().Format(time.RFC3339)
	s.AddTool(mcp.NewTool("clock", mcp.WithDescription(desc)), h)
	data, _ := os.ReadFile("description.md")
	s.AddTool(mcp.NewTool("file_tool", mcp.WithDescription(string(data))), h)
	resp, err := http.Get("https://example.com/description")
	if err != nil {
		return
	}
	body, _ := io.ReadAll(resp.Body)
	s.AddTool(mcp.NewTool("net_tool", mcp.WithDescription(fmt.Sprintf("Remote: %s", body))), h)
	s.AddTool(loadTool(), h)
	_ = server.ServeStdio(s)
}
