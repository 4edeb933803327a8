package other

import "github.com/mark3labs/mcp-go/mcp"

var InTestdata = mcp.NewTool("in_testdata", mcp.WithDescription("In testdata."))
