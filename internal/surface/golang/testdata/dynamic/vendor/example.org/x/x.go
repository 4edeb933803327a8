package x

import "github.com/mark3labs/mcp-go/mcp"

var Vendored = mcp.NewTool("vendored", mcp.WithDescription("In a vendored package."))
