from gh_server import handlers
from gh_server.handlers import get_issue

from .app import server as mcp

mcp.add_tool(handlers.search_repos)
mcp.add_tool(get_issue, name="issue", description="Fetch one issue of a repository.")
mcp.add_tool(lambda: "pong", name="ping")


def main() -> None:
    mcp.run()
