"""The MCP examples run offline, and the agent file is a plain config naming an MCP server."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from any_agent import AgentConfig
from any_agent.tools.mcp import McpStdio
from tests.mcp_tools.servers import time_server_available

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "mcp"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"mcp_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not time_server_available(), reason="mcp-server-time is not installed")
def test_time_agent_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert _load("time_agent").main(["tiny"]) == 0
    assert "'Noon in Paris is 20:00 in Tokyo.'  (execute_tool convert_time, extension)" in capsys.readouterr().out


def test_serve_agent_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert _load("serve_agent").main("tiny") == 0
    assert "tiny caller got: 'Done: You said: ping'" in capsys.readouterr().out


def test_agent_file_names_the_time_server() -> None:
    config = AgentConfig.from_file(EXAMPLES / "agent.yaml")
    (server,) = config.tools
    assert isinstance(server, McpStdio)
    assert (server.name, server.command, server.args[:2]) == ("time", "python", ["-m", "mcp_server_time"])
    sidecar = json.loads((EXAMPLES / "agent.offline.json").read_text())
    assert {call["tool"] for step in sidecar["steps"] for call in step} <= {"get_current_time", "convert_time"}
