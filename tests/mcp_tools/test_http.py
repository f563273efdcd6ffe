"""MCP over streamable HTTP (and the deprecated SSE), against a FastMCP server the test starts."""

from __future__ import annotations

import json
import socket

import pytest

from any_agent import Agent, AgentConfig, AgentRunError
from any_agent.testing import ScriptedLLM, plan
from any_agent.tools.mcp import McpHttp, McpServerError, mcp_toolbox
from any_agent.tracing import attributes as attr
from tests.mcp_tools.servers import http_tools_server


def test_streamable_http_server_on_every_framework(framework: str) -> None:
    with http_tools_server() as url, ScriptedLLM(plan([[("add", {"a": 2, "b": 40})]])) as llm:
        config = AgentConfig(
            model_id=llm.model_id,
            api_base=llm.base_url,
            framework=framework,
            tools=[McpHttp(url=url, name="tools", allowed_tools=["add", "forecast"])],
        )
        with Agent.create(config) as agent:
            trace = agent.run("What is 2 + 40?")
        requests = list(llm.requests)
    (span,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert span.attributes[attr.TOOL_TYPE] == "extension"
    assert span.attributes[attr.TOOL_CALL_RESULT] == "42"
    assert trace.final_output == "Done: 42"
    assert sorted(tool["function"]["name"] for tool in requests[0].tools) == ["add", "forecast"]
    assert requests[0].tools[0]["function"]["parameters"]["required"] == ["a", "b"]


@pytest.fixture(scope="module")
def tools_url():  # type: ignore[no-untyped-def]
    with http_tools_server() as url:
        yield url


async def _results(url: str, calls: list[tuple[str, dict[str, object]]], **server: object) -> list[tuple[str, bool]]:
    toolbox = mcp_toolbox([McpHttp(url=url, **server)])  # type: ignore[arg-type]
    assert toolbox is not None
    try:
        specs = {spec.name: spec for spec in await toolbox.start()}
        results = [await specs[name].call(arguments) for name, arguments in calls]
        return [(result.text, result.is_error) for result in results]
    finally:
        await toolbox.aclose()


async def test_content_that_is_not_text_is_described(tools_url: str) -> None:
    (picture, document, forecast) = await _results(
        tools_url, [("picture", {}), ("document", {}), ("forecast", {"city": "Lyon"})]
    )
    assert picture == ("[image: image/png, 70 bytes]", False)
    assert document == ("see the attached notes\n[resource <file:///notes.txt>, text/plain]\nhello notes", False)
    assert json.loads(forecast[0]) == {"city": "Lyon", "sky": "clear", "high_c": 21}


async def test_tool_errors_and_invalid_arguments_are_error_results(tools_url: str) -> None:
    (failed, invalid) = await _results(tools_url, [("fail", {"reason": "no"}), ("add", {"a": "two"})])
    assert failed == ("Error: tool 'fail' failed: Error executing tool fail: refused: no", True)
    assert invalid[1] and "invalid arguments for tool 'add'" in invalid[0]
    assert "a: 'two' is not of type 'integer'" in invalid[0] and "'b' is a required property" in invalid[0]


async def test_headers_are_sent_with_env_references_expanded(tools_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANY_AGENT_TEST_TOKEN", "tok-123")
    assert await _results(tools_url, [("whoami", {})], headers={"X-Token": "${ANY_AGENT_TEST_TOKEN}"}) == [
        ("tok-123", False)
    ]


async def test_the_deprecated_sse_transport_works_too() -> None:
    with http_tools_server("sse") as url:
        assert await _results(url, [("add", {"a": 1, "b": 2})], transport="sse") == [("3", False)]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_server_fails_the_run_naming_it() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/mcp"
    with ScriptedLLM(plan(["unused"])) as llm:
        agent = Agent.create(
            AgentConfig(model_id=llm.model_id, api_base=llm.base_url, tools=[McpHttp(url=url, timeout=5)])
        )
        with pytest.raises(AgentRunError) as info:
            agent.run("hi")
        assert llm.requests == []
    assert f"MCP server '{url}' failed to start" in str(info.value)
    assert "ConnectError" in str(info.value)
    assert isinstance(info.value.cause, McpServerError)
    assert info.value.trace.root is not None and info.value.trace.root.status == "ERROR"
