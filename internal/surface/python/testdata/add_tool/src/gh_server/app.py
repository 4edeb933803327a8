from mcp.server.fastmcp import FastMCP

server = FastMCP("github")
