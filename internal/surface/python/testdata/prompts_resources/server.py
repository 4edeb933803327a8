from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.prompts import base
from pydantic import Field

app = FastMCP("docs")


@app.prompt(title="Code review")
def review_code(code: str, language: str = Field(default="python", description="Language of the code")) -> str:
    """Ask for a careful code review."""
    return f"Please review this {language} code:\n\n{code}"


@app.prompt(name="debug")
def debug_error(error: str) -> list[base.Message]:
    return [
        base.UserMessage("I'm seeing this error:"),
        base.UserMessage(error),
        base.AssistantMessage("I'll help debug that. What have you tried so far?"),
    ]


@app.resource("config://app", mime_type="application/json")
def get_config() -> str:
    """Static configuration of the app."""
    return '{"debug": false}'


@app.resource("users://{user_id}/profile", name="user_profile", description="Profile of one user")
def get_profile(user_id: str) -> str:
    return f"Profile of {user_id}"
