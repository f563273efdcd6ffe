"""MCP over stdio, against ``mcp-server-time`` (PyPI) and a small server of ours for crashes and env."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from any_agent import Agent, AgentConfig, AgentRunError, AgentTrace, ConfigError, ToolDefinitionError
from any_agent.testing import ChatRequest, Reply, ScriptedLLM, ScriptedToolCall, answer, plan
from any_agent.tools.mcp import McpServerError, McpStdio, mcp_toolbox
from any_agent.tracing import attributes as attr
from tests.mcp_tools.servers import ENV_SERVER, PYTHON, child_processes, wait_until_gone

CONVERT = ("convert_time", {"source_timezone": "Europe/Paris", "time": "12:00", "target_timezone": "Asia/Tokyo"})


def _run(framework: str, server: McpStdio, steps: list) -> tuple[AgentTrace, AgentRunError | None, list]:  # type: ignore[type-arg]
    """Run on a fresh agent whose servers start with the run; closed at the end."""
    with ScriptedLLM(plan(steps)) as llm:
        agent = Agent.create(
            AgentConfig(model_id=llm.model_id, api_base=llm.base_url, framework=framework, tools=[server])
        )
        try:
            return agent.run("What time is noon in Paris in Tokyo?"), None, list(llm.requests)
        except AgentRunError as error:
            return error.trace, error, list(llm.requests)
        finally:
            agent.close()


def test_time_server_on_every_framework(framework: str, time_server: McpStdio) -> None:
    trace, error, requests = _run(framework, time_server, [[CONVERT]])
    assert error is None
    (span,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert span.name == "execute_tool convert_time"
    assert span.attributes[attr.TOOL_TYPE] == "extension"
    assert span.attributes[attr.TOOL_DESCRIPTION] == "Convert time between timezones"
    result = json.loads(str(span.attributes[attr.TOOL_CALL_RESULT]))
    assert result["time_difference"] == "+8.0h"
    assert result["target"]["datetime"].endswith("T20:00:00+09:00")
    offered = {tool["function"]["name"] for tool in requests[0].tools}
    assert offered == {"get_current_time", "convert_time"}
    tool_messages = [m for m in requests[1].messages if m.get("role") == "tool"]
    assert "+8.0h" in json.dumps(tool_messages)
    assert trace.final_output == "Done: " + str(span.attributes[attr.TOOL_CALL_RESULT])
    reference, _, _ = _run("tiny", time_server, [[CONVERT]])
    assert trace.normalized() == reference.normalized()


def test_allowed_tools_limit_what_the_model_sees(time_server: McpStdio) -> None:
    server = time_server.model_copy(update={"allowed_tools": ["convert_time"]})
    _trace, error, requests = _run("tiny", server, [[CONVERT]])
    assert error is None
    assert [tool["function"]["name"] for tool in requests[0].tools] == ["convert_time"]


def test_a_server_side_tool_error_goes_back_to_the_model(framework: str, time_server: McpStdio) -> None:
    bad = ("get_current_time", {"timezone": "Mars/Olympus_Mons"})
    trace, error, requests = _run(framework, time_server, [[bad]])
    assert error is None
    (span,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert span.status == "ERROR"
    assert span.attributes[attr.ERROR_TYPE] == "tool_error"
    text = str(span.attributes[attr.TOOL_CALL_RESULT])
    assert text.startswith("Error: tool 'get_current_time' failed:") and "Mars/Olympus_Mons" in text
    assert "Mars/Olympus_Mons" in json.dumps([m for m in requests[1].messages if m.get("role") == "tool"])


def test_invalid_arguments_are_checked_against_the_input_schema(framework: str, time_server: McpStdio) -> None:
    trace, error, _requests = _run(framework, time_server, [[("convert_time", {"time": 12})], [CONVERT]])
    assert error is None
    first, second = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert first.status == "ERROR"
    assert first.attributes[attr.ERROR_TYPE] == "InvalidToolArguments"
    assert "'source_timezone' is a required property" in str(first.attributes[attr.TOOL_CALL_RESULT])
    assert "time: 12 is not of type 'string'" in str(first.attributes[attr.TOOL_CALL_RESULT])
    assert second.status != "ERROR"


async def test_async_with_starts_and_stops_the_server_process(time_server: McpStdio) -> None:
    marker = "mcp_server_time"
    assert child_processes(marker) == []
    agent = Agent.create(AgentConfig(model_id="openai:x", api_key="unused", tools=[time_server]))
    assert child_processes(marker) == []  # nothing starts before first use
    async with agent:
        assert len(child_processes(marker)) == 1
    assert wait_until_gone(marker, timeout=0.5) == []  # aclose waits for the process to end

    with pytest.raises(RuntimeError, match="boom"):
        async with agent:
            assert len(child_processes(marker)) == 1
            raise RuntimeError("boom")
    assert wait_until_gone(marker, timeout=0.5) == []


def test_servers_started_by_a_run_stop_on_close(time_server: McpStdio) -> None:
    with ScriptedLLM(plan([[CONVERT]])) as llm:
        agent = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url, tools=[time_server]))
        agent.run("noon?")
        assert len(child_processes("mcp_server_time")) == 1
        agent.run("again?")  # the same server serves the next run
        assert len(child_processes("mcp_server_time")) == 1
        agent.close()
        assert wait_until_gone("mcp_server_time", timeout=0.5) == []
        assert agent.run("after close?").final_output.startswith("Done:")  # starts it again
        agent.close()
    assert wait_until_gone("mcp_server_time") == []


async def test_fifty_concurrent_first_runs_start_one_server(time_server: McpStdio) -> None:
    with ScriptedLLM(plan([[CONVERT]])) as llm:
        agent = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url, tools=[time_server]))
        try:
            traces = await asyncio.gather(*(agent.run_async(f"run {i}") for i in range(50)))
            assert len(child_processes("mcp_server_time")) == 1
        finally:
            await agent.aclose()
    assert all("+8.0h" in str(t.final_output) for t in traces)
    assert len({t.root.attributes[attr.CONVERSATION_ID] for t in traces if t.root}) == 50
    assert wait_until_gone("mcp_server_time", timeout=0.5) == []


def _env_server(**fields: object) -> McpStdio:
    return McpStdio(name="env", command=PYTHON, args=[str(ENV_SERVER)], **fields)  # type: ignore[arg-type]


async def _getenv(server: McpStdio, *names: str) -> list[str]:
    toolbox = mcp_toolbox([server])
    assert toolbox is not None
    try:
        specs = {spec.name: spec for spec in await toolbox.start()}
        return [(await specs["getenv"].call({"name": name})).text for name in names]
    finally:
        await toolbox.aclose()


async def test_the_server_sees_only_the_environment_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANY_AGENT_TEST_SECRET", "s3cret")
    given = _env_server(env={"GIVEN": "token=${ANY_AGENT_TEST_SECRET}"})
    secret, mine, path = await _getenv(given, "ANY_AGENT_TEST_SECRET", "GIVEN", "PATH")
    assert secret == "<unset>"
    assert mine == "token=s3cret"
    assert path != "<unset>"  # what it needs to start
    assert await _getenv(_env_server(inherit_env=True), "ANY_AGENT_TEST_SECRET") == ["s3cret"]


async def test_the_working_directory_is_configurable(tmp_path: Path) -> None:
    toolbox = mcp_toolbox([_env_server(cwd=tmp_path)])
    assert toolbox is not None
    async with asyncio.timeout(60):
        specs = {spec.name: spec for spec in await toolbox.start()}
        assert (await specs["workdir"].call({})).text == str(tmp_path)
        await toolbox.aclose()


def test_a_server_that_cannot_start_fails_the_run_naming_it(framework: str) -> None:
    server = _env_server(env={"ENV_SERVER_FAIL": "no API token given"})
    trace, error, requests = _run(framework, server, [[("getenv", {"name": "X"})]])
    assert error is not None
    assert "MCP server 'env' failed to start" in str(error)
    assert "env-server: cannot start: no API token given" in str(error)  # its stderr
    assert isinstance(error.cause, McpServerError) and error.cause.server == "env"
    assert trace.root is not None and trace.root.status == "ERROR"
    assert requests == []  # the model was never called
    assert wait_until_gone(str(ENV_SERVER)) == []


async def test_a_missing_command_is_a_clear_error() -> None:
    agent = Agent.create(
        AgentConfig(model_id="openai:x", api_key="k", tools=[McpStdio(command="no-such-mcp-server-xyz")])
    )
    with pytest.raises(McpServerError, match=r"MCP server 'no-such-mcp-server-xyz' failed to start: FileNotFoundError"):
        async with agent:
            pass


def test_a_server_dying_mid_run_fails_the_run_with_the_partial_trace(framework: str) -> None:
    trace, error, requests = _run(framework, _env_server(), [[("die", {})], "never reached"])
    assert error is not None
    assert "MCP server 'env' stopped answering" in str(error)
    assert "env-server: dying on request" in str(error)
    (span,) = trace.operation_spans(attr.OP_EXECUTE_TOOL)
    assert span.status == "ERROR" and "McpServerError" in str(span.attributes[attr.ERROR_TYPE])
    assert len(requests) == 1  # the run stopped: the model was not asked again
    assert wait_until_gone(str(ENV_SERVER)) == []


def test_a_dead_server_is_started_again_by_the_next_run() -> None:
    def model(request: ChatRequest) -> Reply:
        if request.turn > 0:
            return answer(request, "ok")
        wanted = "die" if request.last_user_message == "die" else "getenv"
        return Reply(tool_calls=[ScriptedToolCall(wanted, {"name": "PATH"} if wanted == "getenv" else {})])

    with ScriptedLLM(model) as llm:
        agent = Agent.create(AgentConfig(model_id=llm.model_id, api_base=llm.base_url, tools=[_env_server()]))
        with pytest.raises(AgentRunError, match="stopped answering"):
            agent.run("die")
        assert agent.run("again").final_output == "ok"
        assert len(child_processes(str(ENV_SERVER))) == 1
        agent.close()
    assert wait_until_gone(str(ENV_SERVER)) == []


async def test_unknown_allowed_tools_and_name_clashes_are_reported(time_server: McpStdio) -> None:
    typo = time_server.model_copy(update={"allowed_tools": ["get_curent_time"]})
    with pytest.raises(
        McpServerError, match=r"has no tool named 'get_curent_time'.*offers: get_current_time, convert_time"
    ):
        async with Agent.create(AgentConfig(model_id="openai:x", api_key="k", tools=[typo])):
            pass

    def convert_time(value: str) -> str:
        """A Python tool with the same name as one of the server's."""
        return value

    with pytest.raises(ToolDefinitionError, match=r"tools\[1\]: MCP server 'time' offers a tool named 'convert_time'"):
        async with Agent.create(AgentConfig(model_id="openai:x", api_key="k", tools=[convert_time, time_server])):
            pass
    assert wait_until_gone("mcp_server_time") == []


async def test_a_server_that_never_answers_times_out_and_is_stopped() -> None:
    script = "import sys, time; sys.stderr.write('stuck in setup\\n'); sys.stderr.flush(); time.sleep(120)"
    server = McpStdio(name="stuck", command=PYTHON, args=["-c", script], timeout=1)
    with pytest.raises(McpServerError, match=r"MCP server 'stuck' did not start within 1s(.|\n)*stuck in setup"):
        async with Agent.create(AgentConfig(model_id="openai:x", api_key="k", tools=[server])):
            pass
    assert wait_until_gone("time.sleep(120)") == []


async def test_a_framework_config_error_surfaces_on_first_use_and_stops_the_servers(time_server: McpStdio) -> None:
    config = AgentConfig(model_id="openai:x", api_key="k", tools=[time_server], agent_args={"unknown": 1})
    agent = Agent.create(config)  # the framework's agent is built once the MCP tools are known
    with pytest.raises(ConfigError, match="agent_args: the tiny framework takes no agent_args"):
        async with agent:
            pass
    assert wait_until_gone("mcp_server_time", timeout=0.5) == []


@pytest.mark.parametrize("attempt", range(5))
async def test_a_command_that_exits_at_once_says_so(attempt: int) -> None:
    """``true`` exits before answering: the same clear message every time, whichever side notices first."""
    agent = Agent.create(AgentConfig(model_id="openai:x", api_key="k", tools=[McpStdio(command="true")]))
    with pytest.raises(McpServerError) as caught:
        async with agent:
            pass
    assert str(caught.value).startswith(
        "MCP server 'true' failed to start: the server closed the connection before answering (did the command exit?)"
    )
