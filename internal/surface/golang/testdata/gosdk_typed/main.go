// Command sdk uses the official Go SDK with typed handlers.
package main

import (
	"context"
	"errors"
	"log"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Paging is embedded: its fields are promoted.
type Paging struct {
	Page    int `json:"page,omitempty" jsonschema:"page number, from 1"`
	PerPage int `json:"per_page,omitzero"`
}

// Address is nested.
type Address struct {
	City    string `json:"city" jsonschema:"city name"`
	Country string `json:"country,omitempty"`
}

// SearchInput is the input of search.
type SearchInput struct {
	Paging
	Query    string             `json:"query" jsonschema:"what to search for"`
	Tags     []string           `json:"tags,omitempty" jsonschema:"tags, any of which must match"`
	Near     *Address           `json:"near,omitempty"`
	Stops    []Address          `json:"stops,omitempty"`
	Weights  map[string]float64 `json:"weights,omitempty"`
	Since    time.Time          `json:"since,omitempty"`
	Debug    bool               `json:"-"`
	internal string
	Limit    uint8 `json:"limit,omitempty"`
	Notes    string
}

// SearchOutput is the structured output of search.
type SearchOutput struct {
	Results []string `json:"results" jsonschema:"matching ids"`
	Total   int      `json:"total"`
}

func lookup(q string, tags []string, page int) []string { return nil }

func search(ctx context.Context, req *mcp.CallToolRequest, in SearchInput) (*mcp.CallToolResult, SearchOutput, error) {
	if in.Query == "" {
		return nil, SearchOutput{}, errors.New("query is required")
	}
	out := SearchOutput{Results: lookup(in.Query, in.Tags, in.Page)}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "Found results."}}}, out, nil
}

// EchoInput is logged whole by echo.
type EchoInput struct {
	Text string `json:"text"`
	Loud bool   `json:"loud,omitempty"`
}

func echo(ctx context.Context, req *mcp.CallToolRequest, in EchoInput) (*mcp.CallToolResult, any, error) {
	log.Printf("echo %+v", in)
	return nil, nil, nil
}

func reviewPrompt(ctx context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: "Review the code carefully."}}}}, nil
}

func readResource(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	return nil, nil
}

func main() {
	server := mcp.NewServer(&mcp.Implementation{Name: "sdk", Version: "1.0.0"}, &mcp.ServerOptions{Instructions: "Prefer search over browsing."})
	mcp.AddTool(server, &mcp.Tool{
		Name:        "search",
		Title:       "Search",
		Description: "Search the index.",
		Annotations: &mcp.ToolAnnotations{Title: "Index search", ReadOnlyHint: true, DestructiveHint: jsonschema.Ptr(false), OpenWorldHint: jsonschema.Ptr(true)},
	}, search)
	mcp.AddTool(server, &mcp.Tool{Name: "echo", Description: "Echo text."}, echo)
	server.AddPrompt(&mcp.Prompt{Name: "review", Description: "Review code.", Arguments: []*mcp.PromptArgument{{Name: "lang", Description: "Language", Required: true}, {Name: "focus"}}}, reviewPrompt)
	server.AddResource(&mcp.Resource{URI: "file:///readme", Name: "readme", Description: "The README.", MIMEType: "text/markdown"}, readResource)
	server.AddResourceTemplate(&mcp.ResourceTemplate{URITemplate: "file:///{path}", Name: "files", Description: "Any file."}, readResource)
	server.RemoveTools("echo")
	if err := server.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		log.Fatal(err)
	}
}
