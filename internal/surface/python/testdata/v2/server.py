from mcp.server import MCPServer
from mcp.server.lowlevel import Server
from mcp.types import CallToolResult, ListToolsResult, TextContent, Tool

app = MCPServer("v2-demo")


@app.tool(description="Say hello.")
def hello(name: str) -> str:
    return f"Hello, {name}!"


async def list_tools(ctx, params) -> ListToolsResult:
    return ListToolsResult(
        tools=[
            Tool(name="add", description="Add two integers.", input_schema={
                "type": "object",
                "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}, "memo": {"type": "string"}},
                "required": ["a", "b"],
            }),
        ]
    )


async def call_tool(ctx, params) -> CallToolResult:
    if params.name == "add":
        total = params.arguments["a"] + params.arguments["b"]
        return CallToolResult(content=[TextContent(type="text", text=str(total))])
    raise ValueError("unknown tool")


low = Server("v2-low", on_list_tools=list_tools, on_call_tool=call_tool, instructions="Low-level v2 server.")
