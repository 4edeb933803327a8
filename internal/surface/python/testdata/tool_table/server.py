import os
from typing import Callable, NamedTuple

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("math")


def add(a: float, b: float) -> float:
    return a + b


def sub(a: float, b: float) -> float:
    return a - b


def neg(x: float) -> float:
    """Negate a number."""
    return -x


class Spec(NamedTuple):
    fn: Callable
    name: str
    desc: str


TOOLS = [
    Spec(add, "add", "Add two numbers."),
    Spec(fn=sub, name="subtract", desc="Subtract b from a."),
]

for spec in TOOLS:
    mcp.add_tool(spec.fn, name=spec.name, description=spec.desc)

UNARY = {"negate": neg}
for tool_name, fn in UNARY.items():
    mcp.tool(name=tool_name)(fn)

for plugin in os.listdir("plugins"):
    mcp.add_tool(load_plugin(plugin))
