"""``any-agent serve``: the same offline rule as ``run``, and "Serving" only once it is true."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from rich.console import Console

from any_agent.cli.agent_file import OFFLINE_NOTICE
from any_agent.serve.command import serve_command
from tests.cli.conftest import EXAMPLES, KEY_VARIABLES, Invoke

MCP_AGENT = EXAMPLES / "mcp" / "agent.yaml"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def ask(url: str, task: str) -> str:
    async with streamable_http_client(url) as (read, write, _), ClientSession(read, write) as session:
        await session.initialize()
        (tool,) = (await session.list_tools()).tools
        assert list(tool.inputSchema["properties"]) == ["prompt"]
        result = await session.call_tool(tool.name, {"prompt": task})
        return str(result.content[0].text)  # type: ignore[union-attr]


def test_serve_without_a_key_serves_the_scripted_model_and_says_so() -> None:
    """The command in examples/mcp/agent.yaml's own header, on a machine without a key."""
    port = free_port()
    bin_folder = str(Path(sys.executable).parent)
    env = {key: value for key, value in os.environ.items() if key not in KEY_VARIABLES}
    env["PATH"] = bin_folder + os.pathsep + env.get("PATH", "")  # the agent file starts `python -m mcp_server_time`
    command = [str(Path(bin_folder) / "any-agent"), "serve", str(MCP_AGENT), "--mcp", "--port", str(port)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, env=env, text=True)
    try:
        assert process.stderr is not None
        seen = []
        while not any(line.startswith("Serving") for line in seen):
            line = process.stderr.readline()
            assert line, f"serve ended early: {seen}"
            seen.append(line)
        said = " ".join("".join(seen).split())
        assert OFFLINE_NOTICE in said
        assert "The scripted model ignores the callers' prompts: it follows the plan in agent.offline.json" in said
        answer = asyncio.run(ask(f"http://127.0.0.1:{port}/mcp", "What time is it in Lima?"))
        assert answer.startswith("When it is noon in Paris, it is 8 pm in Tokyo")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 130
    finally:
        process.kill()
        process.wait()


def test_a_port_in_use_is_reported_without_announcing_serving() -> None:
    err = Console(record=True, width=200)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        code = serve_command(MCP_AGENT, mcp=True, host="127.0.0.1", port=port, framework=None, model=None, err=err)
    said = err.export_text()
    assert code == 2
    assert f"cannot serve the agent on 127.0.0.1:{port}" in said
    assert "Serving" not in said


def test_offline_with_a_key_set_gives_the_right_reason(invoke: Invoke) -> None:
    result = invoke("run", EXAMPLES / "weather" / "agent.yaml", "--offline", env={"OPENAI_API_KEY": "sk-unused"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "--offline: running on the scripted offline model" in said
    assert "No provider key found" not in said


def test_the_scripted_model_says_when_it_ignores_the_prompt(invoke: Invoke) -> None:
    own = invoke("run", EXAMPLES / "weather" / "agent.yaml")
    assert own.exit_code == 0, own.output
    assert "ignores" not in own.stderr  # the plan was written for its own prompt
    other = invoke("run", EXAMPLES / "weather" / "agent.yaml", "What about Oslo?")
    assert other.exit_code == 0, other.output
    said = " ".join(other.stderr.split())
    assert "The scripted model ignores your prompt: it follows the plan in agent.offline.json, written for" in said
    assert "Lisbon on 14 June" in other.stdout  # and indeed it did
