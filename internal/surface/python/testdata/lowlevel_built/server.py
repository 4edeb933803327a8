import os

from mcp import types
from mcp.server import Server

app = Server("ops")

SPECS = [
    {"name": "restart", "description": "Restart a service.", "arg": "service"},
    {"name": "status", "description": "Show the status of a service.", "arg": "service"},
]

HELP = "Stop every service."
if os.getenv("OPS_VERBOSE"):
    HELP += " Verbose mode is on."

USAGE = "Usage:\n"
for spec in SPECS:
    USAGE += f"- {spec['name']}: {spec['description']}\n"


@app.list_tools()
async def tools() -> list[types.Tool]:
    out = []
    for spec in SPECS:
        out.append(
            types.Tool(
                name=spec["name"],
                description=spec["description"],
                inputSchema={
                    "type": "object",
                    "properties": {spec["arg"]: {"type": "string", "description": USAGE}},
                    "required": [spec["arg"]],
                },
            )
        )
    if os.getenv("OPS_ADMIN"):
        out.append(types.Tool(name="shutdown", description=HELP, inputSchema={"type": "object"}))
    return out


@app.call_tool()
async def call(name: str, arguments: dict) -> list[types.TextContent]:
    if name in ("restart", "status"):
        return [types.TextContent(type="text", text=f"{name}: {arguments['service']} ok")]
    elif name == "shutdown":
        return [types.TextContent(type="text", text="shutting down")]
    raise ValueError(f"unknown tool {name}")
