"""Fixtures of the MCP tests: every installed framework, and the real third-party stdio server."""

from __future__ import annotations

import pytest

from any_agent.tools.mcp import McpStdio
from tests.frameworks import FRAMEWORKS
from tests.mcp_tools.servers import PYTHON, time_server_available


@pytest.fixture(params=FRAMEWORKS)
def framework(request: pytest.FixtureRequest) -> str:
    """Each installed adapter in turn (ANY_AGENT_TEST_FRAMEWORKS narrows them)."""
    return str(request.param)


@pytest.fixture
def time_server() -> McpStdio:
    """``mcp-server-time`` (PyPI), run over stdio with this interpreter."""
    if not time_server_available():
        pytest.skip("mcp-server-time is not installed (it is in the dev dependency group)")
    return McpStdio(name="time", command=PYTHON, args=["-m", "mcp_server_time", "--local-timezone", "Etc/UTC"])
