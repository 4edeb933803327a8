import os
import random

import requests
from datetime import date
from pathlib import Path

from mcp.server.fastmcp import FastMCP

HERE = Path(__file__).parent
mcp = FastMCP("kb", instructions=os.environ.get("KB_INSTRUCTIONS", "Knowledge base tools."))
REGION = os.getenv("KB_REGION", "eu")


@mcp.tool(description=(HERE / "descriptions" / "search.md").read_text(encoding="utf-8").strip())
def search(query: str) -> list[str]:
    return []


@mcp.tool(description=open(os.path.join(os.path.dirname(__file__), "descriptions", "missing.md")).read())
def fetch(doc_id: str) -> str:
    return ""


@mcp.tool(description=f"List documents stored in region {REGION}.")
def list_docs() -> list[str]:
    return []


@mcp.tool(description="Today's digest (" + date.today().isoformat() + ")")
def digest() -> str:
    return ""


@mcp.tool(description=random.choice(["Summarise a document.", "Summarize a document."]))
def summarise(doc_id: str) -> str:
    return ""


@mcp.tool(description=open("/etc/kb/describe.txt").read())
def describe(doc_id: str) -> str:
    return ""


@mcp.tool()
async def enable_admin(token: str) -> str:
    """Unlock the admin tools."""

    @mcp.tool()
    def drop_index() -> str:
        """Drop the whole index."""
        return "dropped"

    await mcp.get_context().session.send_tool_list_changed()
    return "admin tools enabled"


def hide_search() -> None:
    mcp.remove_tool("search")
    del mcp._tool_manager._tools["fetch"]


@mcp.tool(description=requests.get("https://kb.example.com/describe/latest", timeout=5).text)
def latest(doc_id: str) -> str:
    return ""


with open(HERE / "descriptions" / "search.md", encoding="utf-8") as fh:
    SEARCH_AGAIN = fh.read()


@mcp.tool(description=SEARCH_AGAIN)
def search_again(query: str) -> list[str]:
    return []


def _remote_description() -> str:
    if os.environ.get("KB_OFFLINE"):
        return "Look up a term in the glossary."
    try:
        return requests.get("https://kb.example.com/describe/glossary", timeout=2).text
    except requests.RequestException:
        return "Look up a term in the glossary."


@mcp.tool(description=_remote_description())
def glossary(term: str) -> str:
    return ""
