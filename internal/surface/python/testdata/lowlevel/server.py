import json
from typing import Any

import mcp.types as types
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import McpError
from mcp.types import ErrorData, TextContent, Tool
from pydantic import BaseModel, Field

server = Server("kv-store", "1.0.0", "A key-value store. Keys are case-sensitive.")

STORE: dict[str, str] = {}


class PutArgs(BaseModel):
    """Arguments of put."""

    key: str = Field(description="Key to write")
    value: str = Field(description="Value to store")
    ttl: int | None = Field(default=None, description="Seconds before expiry")


TOOLS = [
    Tool(
        name="get",
        description="Read the value of a key.",
        inputSchema={
            "type": "object",
            "properties": {"key": {"type": "string", "description": "Key to read"}},
            "required": ["key"],
        },
    ),
    Tool(name="put", description="Write a key.", inputSchema=PutArgs.model_json_schema()),
]


@server.list_tools()
async def list_tools() -> list[Tool]:
    return TOOLS + [
        types.Tool(
            name="stats",
            description="Count the stored keys.",
            inputSchema={"type": "object", "properties": {"verbose": {"type": "boolean", "enum": [True, False]}}},
            annotations={"readOnlyHint": True, "title": "Statistics"},
        )
    ]


@server.call_tool()
async def call_tool(name: str, arguments: dict[str, Any]) -> list[TextContent]:
    args = arguments or {}
    match name:
        case "get":
            key = args["key"]
            if key not in STORE:
                raise McpError(ErrorData(code=-32602, message=f"no such key: {key}"))
            return [TextContent(type="text", text=STORE[key])]
        case "put":
            STORE[args["key"]] = args.get("value", "")
            return [TextContent(type="text", text="stored")]
        case "stats":
            return [TextContent(type="text", text=json.dumps({"keys": len(STORE), "note": "counts only"}))]
        case _:
            raise ValueError(f"Unknown tool: {name}")
