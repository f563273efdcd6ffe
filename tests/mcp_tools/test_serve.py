"""An agent served over MCP, called with the ``mcp`` SDK's own client and by other agents."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from pydantic import BaseModel
from rich.console import Console

from any_agent import Agent, AgentConfig
from any_agent.serve.command import serve_command
from any_agent.serve.mcp import McpAgentServer, serve_mcp_async
from any_agent.testing import Fault, ScriptedLLM, echo, json_answer, plan
from any_agent.tools.mcp import McpHttp
from any_agent.tracing import attributes as attr


class Weather(BaseModel):
    city: str
    sky: str


async def _session_call(url: str, arguments: dict[str, object]):  # type: ignore[no-untyped-def]
    async with streamable_http_client(url) as (read, write, _), ClientSession(read, write) as session:
        await session.initialize()
        tools = (await session.list_tools()).tools
        return tools, await session.call_tool(tools[0].name, arguments)


def test_the_sdk_client_lists_and_calls_the_agent() -> None:
    with ScriptedLLM(echo()) as llm:
        agent = Agent.create(
            AgentConfig(model_id=llm.model_id, api_base=llm.base_url, name="echo agent", description="Repeats you.")
        )
        with McpAgentServer(agent) as served:
            assert served.url.startswith("http://127.0.0.1:") and served.url.endswith("/mcp")
            tools, result = asyncio.run(_session_call(served.url, {"prompt": "hello"}))
    (tool,) = tools
    assert tool.name == "echo_agent"
    assert tool.description == "Repeats you."
    assert tool.inputSchema["required"] == ["prompt"]
    assert not result.isError
    assert [block.text for block in result.content] == ["You said: hello"]  # type: ignore[union-attr]


def test_structured_output_is_structured_content() -> None:
    with ScriptedLLM(json_answer({"city": "Oslo", "sky": "snow"})) as llm:
        agent = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url, output_type=Weather))
        with McpAgentServer(agent, tool_name="weather") as served:
            tools, result = asyncio.run(_session_call(served.url, {"prompt": "Oslo?"}))
    assert tools[0].name == "weather"
    assert tools[0].outputSchema is not None and tools[0].outputSchema["required"] == ["city", "sky"]
    assert result.structuredContent == {"city": "Oslo", "sky": "snow"}


def test_a_failed_run_is_an_mcp_tool_error() -> None:
    with ScriptedLLM(echo()) as llm:
        llm.inject(Fault.server_error(), times=10)
        agent = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url, max_retries=0))
        with McpAgentServer(agent) as served:
            _, result = asyncio.run(_session_call(served.url, {"prompt": "hello"}))
    assert result.isError
    assert "the agent's run failed" in result.content[0].text and "500" in result.content[0].text  # type: ignore[union-attr]


def test_an_agent_on_any_framework_calls_a_served_agent(framework: str) -> None:
    with ScriptedLLM(echo()) as inner_llm:
        inner = Agent.create(AgentConfig(model_id=inner_llm.model_id, api_base=inner_llm.base_url, name="echoer"))
        with McpAgentServer(inner) as served, ScriptedLLM(plan([[("echoer", {"prompt": "ping"})]])) as llm:
            outer = Agent.create(
                AgentConfig(
                    model_id=llm.model_id, api_base=llm.base_url, framework=framework, tools=[McpHttp(url=served.url)]
                )
            )
            with outer:
                trace = outer.run("ask the echoer")
    assert trace.final_output == "Done: You said: ping"
    (span,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert span.attributes[attr.TOOL_TYPE] == "extension"


def test_requests_from_a_foreign_host_are_refused() -> None:
    with ScriptedLLM(echo()) as llm:
        agent = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url))
        with McpAgentServer(agent) as served:
            body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
            headers = {"Accept": "application/json, text/event-stream"}
            rebound = httpx.post(served.url, json=body, headers={**headers, "Host": "evil.example:80"})
            foreign = httpx.post(served.url, json=body, headers={**headers, "Origin": "http://evil.example"})
    assert rebound.status_code == 421
    assert foreign.status_code == 403


async def test_serve_mcp_async_serves_until_cancelled() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with ScriptedLLM(echo()) as llm:
        agent = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url, name="async"))
        task = asyncio.create_task(serve_mcp_async(agent, port=port))
        url = f"http://127.0.0.1:{port}/mcp"
        for _ in range(500):
            try:
                _, result = await _session_call(url, {"prompt": "hi"})
                break
            except Exception:
                await asyncio.sleep(0.02)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert result.content[0].text == "You said: hi"  # type: ignore[union-attr]


def test_serve_command_refuses_without_mcp_or_with_a_bad_file(tmp_path: Path) -> None:
    err = Console(record=True, width=200)
    file = tmp_path / "agent.yaml"
    file.write_text("model_id: openai:gpt-4.1-mini\n")
    assert serve_command(file, mcp=False, host="127.0.0.1", port=0, framework=None, model=None, err=err) == 2
    assert "--mcp" in err.export_text()
    missing = tmp_path / "missing.yaml"
    assert serve_command(missing, mcp=True, host="127.0.0.1", port=0, framework=None, model=None, err=err) == 2
    assert "cannot read agent file" in err.export_text()


@pytest.mark.parametrize("host", ["127.0.0.1"])
def test_serve_command_reports_a_port_in_use(tmp_path: Path, host: str) -> None:
    file = tmp_path / "agent.yaml"
    file.write_text("model_id: openai:gpt-4.1-mini\napi_key: k\n")
    err = Console(record=True, width=200)
    with socket.socket() as busy:
        busy.bind((host, 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        code = serve_command(file, mcp=True, host=host, port=port, framework=None, model=None, err=err)
    assert code == 2
    assert f"cannot serve the agent on {host}:{port}" in err.export_text()


def test_serve_command_reports_an_mcp_server_that_cannot_start(tmp_path: Path) -> None:
    file = tmp_path / "agent.yaml"
    file.write_text("model_id: openai:gpt-4.1-mini\napi_key: k\ntools:\n  - command: no-such-mcp-server-xyz\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    err = Console(record=True, width=200)
    assert serve_command(file, mcp=True, host="127.0.0.1", port=port, framework=None, model=None, err=err) == 1
    assert "MCP server 'no-such-mcp-server-xyz' failed to start" in err.export_text()
