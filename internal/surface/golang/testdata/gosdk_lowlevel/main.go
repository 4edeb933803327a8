// Command low registers tools with explicit input schemas.
package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type renameArgs struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func main() {
	server := mcp.NewServer(&mcp.Implementation{Name: "low", Version: "0.1.0"}, nil)
	server.AddTool(&mcp.Tool{
		Name:        "move",
		Description: "Move a file.",
		InputSchema: &jsonschema.Schema{
			Type: "object",
			Properties: map[string]*jsonschema.Schema{
				"src":  {Type: "string", Description: "Source path"},
				"dst":  {Type: "string", Description: "Destination path", Default: json.RawMessage(`"/tmp"`)},
				"mode": {Type: "string", Enum: []any{"copy", "move"}},
			},
			Required: []string{"src", "dst"},
		},
	}, move)
	server.AddTool(&mcp.Tool{
		Name:        "rename",
		Description: "Rename a file.",
		InputSchema: json.RawMessage(`{"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"},"force":{"type":"boolean"}}}`),
	}, rename)
	schema, err := jsonschema.For[renameArgs](nil)
	if err != nil {
		panic(err)
	}
	server.AddTool(&mcp.Tool{Name: "rename2", Description: "Rename, inferred.", InputSchema: schema}, rename)
	_ = server.Run(context.Background(), &mcp.StdioTransport{})
}

// move decodes into a map and reads it whole.
func move(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	var args map[string]any
	if err := json.Unmarshal(req.Params.Arguments, &args); err != nil {
		return nil, err
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprint(args)}}}, nil
}

func rename(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	var a renameArgs
	if err := json.Unmarshal(req.Params.Arguments, &a); err != nil {
		return nil, fmt.Errorf("bad arguments: %w", err)
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "renamed " + a.From}}}, nil
}
