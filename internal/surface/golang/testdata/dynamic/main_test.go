package main

import "github.com/mark3labs/mcp-go/mcp"

var testOnly = mcp.NewTool("test_only", mcp.WithDescription("Only in tests."))
