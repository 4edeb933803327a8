from typing import Annotated

from fastmcp import Context, FastMCP
from fastmcp.dependencies import Depends

mcp = FastMCP(name="notes", instructions="""
    Notes server. Call search_notes before create_note to avoid duplicates.
""")


def get_db():
    return {}


@mcp.tool
def search_notes(
    query: Annotated[str, "Text to search for in note titles and bodies"],
    limit: int = 10,
    db=Depends(get_db),
) -> list[str]:
    """Search the user's notes.

    Args:
        query: ignored, the Annotated string wins
        limit: Maximum number of notes to return.
            Values above 50 are clamped.

    Returns:
        The matching note titles.
    """
    return [n for n in db if query in n][:limit]


@mcp.tool("create_note", exclude_args=["author"])
async def add(title: str, body: str, author: str = "me", ctx: Context | None = None) -> str:
    """Create a note."""
    return "created"


def archive(note_id: int) -> str:
    """Archive a note by id.

    :param note_id: The id returned by search_notes.
    """
    return "archived"


mcp.tool(archive, name="archive_note")
