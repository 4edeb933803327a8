// Command options uses every mcp-go tool and property option, under local
// import names.
package main

import (
	"context"
	"errors"
	"fmt"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	srv "github.com/mark3labs/mcp-go/server"
)

const instructions = "Use the search tool before the ping tool."

func main() {
	s := srv.NewMCPServer("options", "1.0.0", srv.WithInstructions(instructions))

	search := mcpgo.NewTool("search",
		mcpgo.WithDescription("Search the catalogue."),
		mcpgo.WithTitle("Catalogue search"),
		mcpgo.WithString("query", mcpgo.Required(), mcpgo.Description("Words to look for"), mcpgo.Title("Query"), mcpgo.MinLength(1), mcpgo.Pattern("^[a-z ]+$")),
		mcpgo.WithNumber("limit", mcpgo.Description("Maximum results"), mcpgo.DefaultNumber(10), mcpgo.Min(1), mcpgo.Max(100)),
		mcpgo.WithInteger("page", mcpgo.DefaultNumber(1)),
		mcpgo.WithBoolean("exact", mcpgo.DefaultBool(false)),
		mcpgo.WithString("sort", mcpgo.Enum("relevance", "date"), mcpgo.DefaultString("relevance")),
		mcpgo.WithArray("tags", mcpgo.Description("Tags to filter on"), mcpgo.Items(map[string]any{"type": "string", "description": "One tag"})),
		mcpgo.WithArray("ids", mcpgo.WithStringItems(mcpgo.Enum("a", "b"))),
		mcpgo.WithObject("filter", mcpgo.Properties(map[string]any{
			"from": map[string]any{"type": "string", "description": "Start date"},
			"to":   map[string]any{"type": "string"},
		})),
		mcpgo.WithAny("extra", mcpgo.Description("Anything else")),
		mcpgo.WithToolAnnotation(mcpgo.ToolAnnotation{Title: "Search", ReadOnlyHint: mcpgo.ToBoolPtr(true), OpenWorldHint: mcpgo.ToBoolPtr(false)}),
		mcpgo.WithIdempotentHintAnnotation(true),
	)
	s.AddTool(search, handleSearch)

	s.AddTool(mcpgo.NewTool("ping", mcpgo.WithDescription("Check that the server is alive."), mcpgo.WithDestructiveHintAnnotation(false)),
		func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
			return mcpgo.NewToolResultText("pong"), nil
		})

	if err := srv.ServeStdio(s); err != nil {
		fmt.Println(err)
	}
}

var errEmpty = errors.New("the query is empty")

// handleSearch reads query, limit, exact, sort and page, but not tags, ids,
// filter or extra.
func handleSearch(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
	query, err := req.RequireString("query")
	if err != nil {
		return mcpgo.NewToolResultError(err.Error()), nil
	}
	if query == "" {
		return nil, errEmpty
	}
	limit := req.GetInt("limit", 10)
	args := req.GetArguments()
	if exact, ok := args["exact"].(bool); ok && exact {
		return nil, fmt.Errorf("exact search of %q is not supported", query)
	}
	if order, ok := req.Params.Arguments.(map[string]any)["sort"]; ok {
		_ = order
	}
	_ = mcpgo.ParseInt(req, "page", 1)
	return mcpgo.NewToolResultText(fmt.Sprintf("%d results for %s", limit, query)), nil
}
