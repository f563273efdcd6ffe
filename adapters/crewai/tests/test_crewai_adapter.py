"""The CrewAI-specific parts of the adapter, against real CrewAI and a scripted model server."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import pytest
from crewai import Agent as CrewAgent
from crewai.events.event_bus import crewai_event_bus
from crewai.events.types.tool_usage_events import ToolUsageStartedEvent
from crewai.tools import BaseTool
from crewai.tools.tool_failure import ToolExecutionFailedError, ToolFailure, ToolFailureReason, ToolFailureRecord
from pydantic import BaseModel

from any_agent import Agent, AgentRunError, ConfigError
from any_agent.testing import ChatRequest, Reply, ScriptedLLM, ScriptedToolCall, plan
from any_agent.tools.ledger import CATCH_ALL
from any_agent.tracing import attributes as attr
from any_agent_crewai import CrewAIAdapter
from any_agent_crewai.model_bridge import ModelBridge
from any_agent_crewai.tool_bridge import ToolBridge


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name.
    """
    return f"{city}: sunny, 21°C"


def get_local_time(city: str, twenty_four_hour: bool = True) -> str:
    """Get the local time in a city.

    Args:
        city: The city's English name.
        twenty_four_hour: Whether to answer in 24-hour format.
    """
    return f"{city}: 14:00" if twenty_four_hour else f"{city}: 2:00 PM"


class Report(BaseModel):
    city: str
    summary: str


class Shout(BaseTool):
    name: str = "shout"
    description: str = "Repeat a word in capitals."

    def _run(self, word: str) -> str:
        return word.upper()


def test_native_is_a_crewai_agent_built_from_the_config(crewai_config) -> None:  # type: ignore[no-untyped-def]
    with ScriptedLLM(plan(["ok"])) as llm:
        config = crewai_config(llm, description="Reports weather.", max_turns=4, tools=[get_weather, get_local_time])
        native = Agent.create(config).native
    assert isinstance(native, CrewAgent)
    assert (native.role, native.goal, native.backstory) == ("forecaster", "Reports weather.", "Answer briefly.")
    assert native.max_iter == 4
    assert native.cache is False and native.respect_context_window is False and native.verbose is False
    assert isinstance(native.llm, ModelBridge) and native.llm.supports_function_calling()
    assert [tool.name for tool in native.tools or []] == ["get_weather", "get_local_time", CATCH_ALL]
    assert all(isinstance(tool, ToolBridge) for tool in native.tools or [])


def test_native_agent_runs_on_its_own_and_reports_usage_to_crewai(crewai_config) -> None:  # type: ignore[no-untyped-def]
    with ScriptedLLM(plan([[("get_weather", {"city": "Oslo"})]], final="Oslo is sunny.")) as llm:
        native = Agent.create(crewai_config(llm, tools=[get_weather])).native
        output = native.kickoff("Weather in Oslo?")
    assert output.raw == "Oslo is sunny."
    assert output.usage_metrics is not None
    assert (output.usage_metrics["prompt_tokens"], output.usage_metrics["completion_tokens"]) == (20, 10)
    assert output.usage_metrics["successful_requests"] == 2


def test_agent_args_reach_the_crewai_agent(crewai_config) -> None:  # type: ignore[no-untyped-def]
    with ScriptedLLM(plan(["Sunny."])) as llm:
        agent = Agent.create(
            crewai_config(llm, agent_args={"role": "Weather desk", "inject_date": True, "max_iter": 3})
        )
        trace = agent.run("Weather?")
        system = llm.requests[0].system_prompt
    assert agent.native.role == "Weather desk" and agent.native.max_iter == 3
    assert trace.final_output == "Sunny."
    assert system is not None and system.startswith("You are Weather desk. Answer briefly.")
    assert "Current Date:" in system


def test_unknown_agent_args_are_refused_with_a_hint(crewai_config) -> None:  # type: ignore[no-untyped-def]
    with ScriptedLLM(plan(["ok"])) as llm, pytest.raises(ConfigError) as caught:
        Agent.create(crewai_config(llm, agent_args={"max_iters": 3}))
    assert caught.value.field == "agent_args"
    assert "'max_iters' (did you mean 'max_iter'?)" in str(caught.value)


@pytest.mark.parametrize("key", ["llm", "function_calling_llm"])
def test_a_model_in_agent_args_is_refused(crewai_config, key: str) -> None:  # type: ignore[no-untyped-def]
    with (
        ScriptedLLM(plan(["ok"])) as llm,
        pytest.raises(ConfigError, match=f"'{key}' is set by any-agent for crewai.Agent"),
    ):
        Agent.create(crewai_config(llm, agent_args={key: "openai/gpt-4o"}))


def test_invalid_agent_args_values_are_a_config_error(crewai_config) -> None:  # type: ignore[no-untyped-def]
    with ScriptedLLM(plan(["ok"])) as llm, pytest.raises(ConfigError, match="CrewAI rejected the agent: max_iter"):
        Agent.create(crewai_config(llm, agent_args={"max_iter": "many"}))


def test_crewai_tools_in_agent_args_run_through_the_core(crewai_config) -> None:  # type: ignore[no-untyped-def]
    with ScriptedLLM(plan([[("shout", {"word": "hi"})]], final="HI it is.")) as llm:
        trace = Agent.create(crewai_config(llm, agent_args={"tools": [Shout()]})).run("Shout hi")
        offered = llm.requests[0].tools
    span = trace.operation_spans(attr.OP_EXECUTE_TOOL)[0]
    assert span.name == "execute_tool shout" and span.attributes[attr.TOOL_CALL_RESULT] == "HI"
    assert offered[0]["function"]["parameters"]["properties"] == {"word": {"title": "Word", "type": "string"}}
    assert trace.final_output == "HI it is."


def test_the_model_sees_the_user_verbatim_and_the_core_tool_schemas(crewai_config) -> None:  # type: ignore[no-untyped-def]
    with ScriptedLLM(plan(["Noon."])) as llm:
        Agent.create(crewai_config(llm, tools=[get_local_time])).run("What time is it in Lima?")
        request = llm.requests[0]
    assert request.messages[0]["role"] == "system" and "Answer briefly." in request.messages[0]["content"]
    assert request.messages[1:] == [{"role": "user", "content": "What time is it in Lima?"}]
    # The core's schema (optional parameter not required), not CrewAI's strict-mode rewrite of it.
    assert request.tools[0]["function"]["parameters"]["required"] == ["city"]
    assert "strict" not in request.tools[0]["function"]


def test_history_with_tool_turns_reaches_the_model_as_it_was(crewai_config) -> None:  # type: ignore[no-untyped-def]
    history: list[dict[str, Any]] = [
        {"role": "user", "content": "Weather in Rome?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "Rome: sunny, 21°C"},
        {"role": "assistant", "content": "Sunny in Rome."},
        {"role": "user", "content": "And tomorrow?"},
    ]
    with ScriptedLLM(plan(["Also sunny."])) as llm:
        trace = Agent.create(crewai_config(llm, tools=[get_weather])).run(history)
        request = llm.requests[0]
    assert request.messages[1:] == history
    assert trace.final_output == "Also sunny."


def _turns(*replies: Reply) -> Any:
    def handler(request: ChatRequest) -> Reply:
        return replies[min(request.turn, len(replies) - 1)]

    return handler


def test_invalid_json_arguments_reach_the_core_tool_raw(crewai_config) -> None:  # type: ignore[no-untyped-def]
    handler = _turns(Reply(tool_calls=[ScriptedToolCall("get_weather", '{"city": "Par', id="bad1")]), Reply("Sorry."))
    with ScriptedLLM(handler) as llm:
        trace = Agent.create(crewai_config(llm, tools=[get_weather])).run("Weather?")
        second = llm.requests[1].messages
    span = trace.operation_spans(attr.OP_EXECUTE_TOOL)[0]
    assert span.status == "ERROR" and "not valid JSON" in span.attributes[attr.TOOL_CALL_RESULT]
    assert span.attributes[attr.TOOL_CALL_ID] == "bad1"
    assert second[-2]["tool_calls"][0]["function"]["arguments"] == '{"city": "Par'  # the model's own text
    assert second[-1]["role"] == "tool" and "not valid JSON" in second[-1]["content"]
    assert trace.final_output == "Sorry."


def test_crewai_stops_the_fifth_identical_tool_call(crewai_config) -> None:  # type: ignore[no-untyped-def]
    # A declared difference (docs/frameworks/crewai.md): CrewAI's own loop guard ends a run whose model
    # repeats the same call with the same result five times; tiny runs on until max_turns.
    script = plan([[("get_weather", {"city": "Oslo"})]] * 6, final="Still sunny.")
    with ScriptedLLM(script) as llm, pytest.raises(AgentRunError, match="same arguments 5 times") as caught:
        Agent.create(crewai_config(llm, tools=[get_weather])).run("Keep checking Oslo.")
    assert len(caught.value.trace.operation_spans(attr.OP_EXECUTE_TOOL)) == 5


def test_a_final_answer_reply_is_kept_whole(crewai_config) -> None:  # type: ignore[no-untyped-def]
    reply = "Thought: that is easy.\nFinal Answer: 42"
    with ScriptedLLM(plan([reply])) as llm:
        trace = Agent.create(crewai_config(llm)).run("Meaning of life?")
    assert trace.final_output == reply


def test_structured_output_without_tools(crewai_config) -> None:  # type: ignore[no-untyped-def]
    with ScriptedLLM(plan([{"city": "Oslo", "summary": "sunny"}])) as llm:
        trace = Agent.create(crewai_config(llm, output_type=Report)).run("Report on Oslo.")
        request = llm.requests[0]
    assert trace.final_output == Report(city="Oslo", summary="sunny")
    assert request.response_format is not None and request.response_format["type"] == "json_schema"
    assert len(llm.requests) == 1  # no CrewAI converter call on top


@pytest.mark.parametrize("verbose", [False, True])
def test_crewai_prints_only_when_verbose(crewai_config, capsys: pytest.CaptureFixture[str], verbose: bool) -> None:  # type: ignore[no-untyped-def]
    with ScriptedLLM(plan([[("get_weather", {"city": "Oslo"})]], final="Sunny.")) as llm:
        agent = Agent.create(crewai_config(llm, tools=[get_weather], agent_args={"verbose": verbose}))
        agent.run("Weather?")
    printed = capsys.readouterr().out
    assert ("LiteAgent" in printed) is verbose and (printed == "") is not verbose


def test_a_tool_failure_policy_stop_is_described(crewai_config) -> None:  # type: ignore[no-untyped-def]
    with ScriptedLLM(plan(["ok"])) as llm:
        adapter = Agent.create(crewai_config(llm)).adapter
    failure = ToolFailure(message="quota exceeded", reason=ToolFailureReason.EXCEPTION)
    message = adapter.describe_error(ToolExecutionFailedError(ToolFailureRecord(tool_name="search", failure=failure)))
    assert "crewai stopped the run on a tool failure" in message and "tool_failure_policy" in message


def test_crewai_does_not_retry_on_top_of_the_core() -> None:
    # BaseLLM wraps a subclass's call in its own rate-limit retry unless the method is marked.
    assert not hasattr(ModelBridge.call, "__wrapped__") and not hasattr(ModelBridge.acall, "__wrapped__")
    assert CrewAIAdapter.framework == "crewai"


def test_tool_calls_reach_crewai_events_with_their_arguments(crewai_config) -> None:  # type: ignore[no-untyped-def]
    seen: list[dict[str, Any]] = []
    with (
        ScriptedLLM(plan([[("get_weather", {"city": "Oslo"})]], final="Sunny.")) as llm,
        crewai_event_bus.scoped_handlers(),
    ):
        crewai_event_bus.on(ToolUsageStartedEvent)(lambda _, event: seen.append(dict(event.tool_args)))
        Agent.create(crewai_config(llm, tools=[get_weather])).run("Weather?")
        crewai_event_bus.flush()
    assert len(seen) == 1 and seen[0]["city"] == "Oslo"
    assert json.dumps(seen)  # plain data


def test_the_native_agent_prints_nothing_either(crewai_config, capfd: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    with ScriptedLLM(plan(["Hello."])) as llm:
        output = Agent.create(crewai_config(llm)).native.kickoff("Hi")
    assert output.raw == "Hello."
    printed = capfd.readouterr()
    assert (printed.out, printed.err) == ("", "")


async def test_concurrent_runs_keep_their_own_verbosity(crewai_config, capfd: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """Verbosity is per run, not a process-wide flag one run sets under another's feet."""
    with ScriptedLLM(plan(["Hello."])) as llm:
        loud = Agent.create(crewai_config(llm, name="loud_agent", agent_args={"verbose": True}))
        quiet = Agent.create(crewai_config(llm, name="quiet_agent"))
        await asyncio.gather(*(agent.run_async("Hi") for _ in range(5) for agent in (loud, quiet)))
    printed = capfd.readouterr()
    assert "loud_agent" in printed.out
    assert "quiet_agent" not in printed.out + printed.err


async def test_threads_are_released_after_many_concurrent_runs(crewai_config) -> None:  # type: ignore[no-untyped-def]
    with ScriptedLLM(plan([[("get_weather", {"city": "Oslo"})]], final="Sunny.")) as llm:
        agent = Agent.create(crewai_config(llm, tools=[get_weather]))
        await agent.run_async("Warm up")  # CrewAI's own pools and loops start once
        before = threading.active_count()
        await asyncio.gather(*(agent.run_async("Weather?") for _ in range(60)))
        await agent.aclose()
    deadline = time.monotonic() + 30
    while threading.active_count() > before + 8 and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.1)  # finished threads are gone a moment after their run
    assert threading.active_count() <= before + 8, [thread.name for thread in threading.enumerate()]
