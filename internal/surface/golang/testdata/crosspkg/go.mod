module example.com/crosspkg

go 1.23

require (
	example.org/vendored v1.0.0
	github.com/mark3labs/mcp-go v0.32.0
)
