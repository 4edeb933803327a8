import textwrap

import pkg.texts as t
from fastmcp import FastMCP
from pkg.texts import PRODUCT, SEARCH_DESC, VERSION

mcp = FastMCP(f"{PRODUCT} v{VERSION}")

LIMIT_HELP = textwrap.dedent(
    """\
    Maximum number of results.
      Defaults to 20.
    """
).strip()


@mcp.tool(description=SEARCH_DESC + " " + t.SHARED_NOTE)
def search_contacts(query: str, limit: int = 20) -> list[dict]:
    return []


@mcp.tool(description=f"Create a contact in {PRODUCT} (API v{VERSION}).")
def create_contact(name: str, email: str) -> dict:
    return {}


@mcp.tool(description=" | ".join(["Delete a contact", PRODUCT, LIMIT_HELP]))
def delete_contact(contact_id: str) -> bool:
    return True
