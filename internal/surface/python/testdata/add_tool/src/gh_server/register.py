"""Tools registered by functions that receive the server."""

from mcp.server.fastmcp import FastMCP


class Admin:
    def reset(self, confirm: bool) -> str:
        """Reset the cache."""
        if not confirm:
            return "nothing done"
        return "reset"


def register(mcp: FastMCP) -> None:
    @mcp.tool()
    def health() -> str:
        """Report health."""
        return "ok"

    mcp.add_tool(Admin().reset)


def register_untyped(app) -> None:
    @app.tool()
    def version() -> str:
        """Report the version."""
        return "1.0"
