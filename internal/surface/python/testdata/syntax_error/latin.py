from mcp.server.fastmcp import FastMCP
mcp = FastMCP("badÿþ")
@mcp.tool(description="café Ã©")
def t(): pass
