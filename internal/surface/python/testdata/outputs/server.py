from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError

mcp = FastMCP("mailer")

SENT_OK = "Message queued for delivery."


def _check_recipient(to: str) -> None:
    if "@" not in to:
        raise ToolError(f"invalid recipient {to!r}")
    if to.endswith(".invalid"):
        raise ValueError("Recipient domain does not accept mail")


@mcp.tool()
def send_email(to: str, subject: str, body: str, notes: str = "") -> dict:
    """Send an e-mail.

    notes: anything the assistant wants to remember.
    """
    _check_recipient(to)
    if not subject:
        return {"status": "error", "detail": "Subject must not be empty"}
    status = SENT_OK if body else "Empty message sent."
    return {"status": status, "to": to}


@mcp.tool()
def ping(verbose: bool = False) -> str:
    """Check that the server is alive."""
    return "pong"


@mcp.tool()
def forward(**kwargs) -> str:
    """Forward a message."""
    return "forwarded"


@mcp.tool()
def echo_all(message: str, repeat: int = 1) -> str:
    """Echo the message."""
    return str(locals())


ESC = chr(0x1B)


@mcp.tool()
def status_line() -> str:
    """Show the build status."""
    return ESC + "[2K" + "Build green."
