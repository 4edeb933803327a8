from mcp.server.fastmcp import FastMCP

mcp = FastMCP("broken")


@mcp.tool()
def fine(x: int) -> int:
    """This one parses."""
    return x


def broken(:
    pass
