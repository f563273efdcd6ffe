"""MCP servers as tools: name them in `AgentConfig.tools` next to Python callables.

Example::

    from any_agent import Agent, AgentConfig
    from any_agent.tools.mcp import McpStdio

    config = AgentConfig(
        model_id="ollama:llama3.2",
        tools=[McpStdio(command="uvx", args=["mcp-server-time"], allowed_tools=["get_current_time"])],
    )
    async with Agent.create(config) as agent:  # starts the server; stops it on exit
        trace = await agent.run_async("What time is it in Tokyo?")

Importing this package does not import the ``mcp`` SDK (a dependency of any-agent); starting a
server does, so agents without MCP servers never pay its import time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from any_agent.errors import ConfigError
from any_agent.tools.mcp.config import McpHttp, McpServer, McpStdio
from any_agent.tools.mcp.errors import McpServerError

if TYPE_CHECKING:
    from any_agent.tools.mcp.toolbox import McpToolbox

__all__ = ["McpHttp", "McpServer", "McpServerError", "McpStdio", "mcp_toolbox"]


def mcp_toolbox(tools: Sequence[Any], *, reserved: Sequence[str] = ()) -> McpToolbox | None:
    """The toolbox of the MCP server entries among a config's ``tools``, or None when there are none.

    ``reserved`` are the names of the other tools, which MCP tools must not reuse. Raises
    `ConfigError` when the ``mcp`` SDK is not installed.
    """
    servers = [(index, tool) for index, tool in enumerate(tools) if isinstance(tool, McpStdio | McpHttp)]
    if not servers:
        return None
    try:
        from any_agent.tools.mcp.toolbox import McpToolbox
    except ImportError as error:
        raise ConfigError(
            f"MCP servers need the mcp package ({error}), a dependency of any-agent: reinstall any-agent "
            "(docs/install.md)",
            field=f"tools[{servers[0][0]}]",
        ) from None
    return McpToolbox(servers, reserved=reserved)
