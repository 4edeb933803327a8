// Command crosspkg resolves texts across packages, files and go:embed.
package main

import (
	"context"
	"embed"
	"fmt"
	"strings"

	"example.com/crosspkg/internal/text"
	"example.org/vendored/units"
	m "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

//go:embed forecast.md
var forecastDoc string

//go:embed prompts
var prompts embed.FS

//go:embed missing.md
var missingDoc string

func h(ctx context.Context, req m.CallToolRequest) (*m.CallToolResult, error) {
	return m.NewToolResultText(fmt.Sprintf("level %d of %d (%v)", text.High, text.Days, text.High)), nil
}

func main() {
	s := server.NewMCPServer("crosspkg", "1.0.0")
	s.AddTool(m.NewTool(text.ToolName, m.WithDescription(forecastDoc), m.WithTitle(fmt.Sprintf("%s for %d days", text.Prefix, text.Days))), h)
	alerts, _ := prompts.ReadFile("prompts/alerts.md")
	s.AddTool(m.NewTool("alerts", m.WithDescription(strings.TrimSpace(string(alerts)))), h)
	s.AddTool(m.NewTool("units", m.WithDescription(strings.Join([]string{"Convert between", units.Metric, "and", units.Imperial}, " "))), h)
	s.AddTool(m.NewTool("stale", m.WithDescription(missingDoc)), h)
	s.AddTool(m.NewTool("disclaimer", m.WithDescription(text.Disclaimer+" "+fmt.Sprintf("Valid %q.", "today"))), h)
	_ = server.ServeStdio(s)
}
