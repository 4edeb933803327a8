"""Weather MCP server built on the official SDK's FastMCP."""

from enum import Enum
from typing import Annotated, Literal, Optional

from mcp.server.fastmcp import Context, FastMCP
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

mcp = FastMCP(
    "weather",
    instructions="Use these tools to look up forecasts. Temperatures are in Celsius unless asked otherwise.",
)


class Units(str, Enum):
    """Unit system of the returned values."""

    METRIC = "metric"
    IMPERIAL = "imperial"


class Location(BaseModel):
    """A place on Earth."""

    city: str = Field(description="City name, e.g. Lisbon")
    country: Optional[str] = Field(default=None, description="ISO 3166 country code")
    lat: float | None = None


@mcp.tool()
async def get_forecast(
    location: Location,
    days: Annotated[int, Field(description="Number of days, 1 to 7", ge=1, le=7)] = 3,
    units: Units = Units.METRIC,
    detail: Literal["short", "full"] = "short",
    ctx: Context = None,
) -> str:
    """Get the weather forecast for a location.

    Args:
        location: where to forecast
        days: how many days
    """
    if ctx is not None:
        await ctx.info("forecast requested")
    if days > 7:
        raise ValueError("days must be at most 7")
    return f"Forecast for {location.city}: sunny ({units.value}, {detail})"


@mcp.tool(
    name="alerts",
    title="Weather alerts",
    description="List active weather alerts for a US state.",
    annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=True),
)
def get_alerts(
    state: str = Field(description="Two-letter US state code", pattern="^[A-Z]{2}$"),
    severity: Annotated[Optional[str], "ignored by the official SDK"] = None,
    tags: list[str] = [],
    metadata: dict[str, str] | None = None,
) -> str:
    if not state:
        return "No state given"
    return "\n".join(f"{state}: {t}" for t in tags) or "No alerts"
