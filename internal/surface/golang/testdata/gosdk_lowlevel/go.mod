module example.com/gosdk_lowlevel

go 1.25

require (
	github.com/google/jsonschema-go v0.4.3
	github.com/modelcontextprotocol/go-sdk v1.8.0
)
