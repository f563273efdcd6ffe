"""A stdio MCP server for the environment and crash tests: it reports its environment, and can die."""

from __future__ import annotations

import os
import sys

from mcp.server.fastmcp import FastMCP

server = FastMCP("env-server", log_level="WARNING")


@server.tool()
def getenv(name: str) -> str:
    """The value of an environment variable in the server's process, or <unset>."""
    return os.environ.get(name, "<unset>")


@server.tool()
def workdir() -> str:
    """The server's working directory."""
    return os.getcwd()


@server.tool()
def die() -> str:
    """Exit the server's process at once, mid-call."""
    sys.stderr.write("env-server: dying on request\n")
    sys.stderr.flush()
    os._exit(7)


if __name__ == "__main__":
    if os.environ.get("ENV_SERVER_FAIL"):
        sys.stderr.write(f"env-server: cannot start: {os.environ['ENV_SERVER_FAIL']}\n")
        sys.exit(3)
    server.run("stdio")
