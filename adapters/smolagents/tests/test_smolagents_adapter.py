"""The smolagents adapter's own behaviour; the shared scenarios are the conformance kit (test_conformance.py)."""

from __future__ import annotations

from typing import Any

import pytest
import smolagents
from smolagents import tool
from smolagents.memory import ActionStep

from any_agent import Agent, AgentConfig, ConfigError, MaxTurnsExceeded
from any_agent.testing import ScriptedLLM, plan
from any_agent_smolagents import ModelBridge, SmolagentsAdapter


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name.
    """
    return f"{city}: sunny, 21°C"


def config(llm: ScriptedLLM, **fields: Any) -> AgentConfig:
    defaults: dict[str, Any] = {"framework": "smolagents", "tools": [get_weather]}
    return AgentConfig(
        name="weather",
        model_id=llm.model_id,
        api_base=llm.base_url,
        instructions="Answer about the weather.",
        **{**defaults, **fields},
    )


def step_names(trace: Any) -> list[str]:
    return [step["name"] for step in trace.normalized()]


# --- console and telemetry -------------------------------------------------------------------


def test_smolagents_prints_nothing_and_nothing_leaves_the_machine(
    network_attempts: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        trace = Agent.create(config(llm)).run("Weather in Paris?")
    assert trace.final_output == "Sunny."
    assert capsys.readouterr() == ("", "")
    assert network_attempts == []
    assert step_names(trace) == ["invoke_agent weather", "chat scripted", "execute_tool get_weather", "chat scripted"]


def test_smolagents_console_output_can_be_turned_back_on(capsys: pytest.CaptureFixture[str]) -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        Agent.create(config(llm, agent_args={"verbosity_level": 1})).run("Weather in Paris?")
    printed = capsys.readouterr().out
    assert "Calling tool: 'get_weather'" in printed and "Final answer" in printed


# --- translation -----------------------------------------------------------------------------


def test_smolagents_runs_the_loop_step_by_step() -> None:
    steps: list[ActionStep] = []
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny in Paris.")) as llm:
        trace = Agent.create(config(llm, agent_args={"step_callbacks": [steps.append]})).run("Weather in Paris?")
    assert trace.final_output == "Sunny in Paris."
    assert [step.step_number for step in steps] == [1, 2]
    assert [call.name for call in steps[0].tool_calls] == ["get_weather"]
    assert steps[0].observations == "Paris: sunny, 21°C"
    assert steps[1].is_final_answer and [call.name for call in steps[1].tool_calls] == ["final_answer"]
    assert (steps[0].token_usage.input_tokens, steps[0].token_usage.output_tokens) == (10, 5)


def test_the_model_is_sent_the_run_conversation_not_smolagents_text() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        Agent.create(config(llm)).run("Weather in Paris?")
        second = llm.requests[1]
    assert [m["role"] for m in second.messages] == ["system", "user", "assistant", "tool"]
    assert second.messages[0]["content"] == "Answer about the weather."
    assert second.messages[3]["content"] == "Paris: sunny, 21°C"
    assert second.tool_names == ["get_weather"]  # smolagents' final_answer tool is not offered
    assert "stop" not in second.raw  # nor its "Observation:" stop sequences


def test_native_is_a_tool_calling_agent_run_by_smolagents() -> None:
    # The scripted plan advances on tool messages, which smolagents' own rendering has none of: a
    # plain answer here; tool turns in a native run are shown by the next test.
    with ScriptedLLM(plan(["Sunny in Paris."])) as llm:
        agent = Agent.create(config(llm, description="Knows the weather."))
        native = agent.native
        assert isinstance(native, smolagents.ToolCallingAgent)
        assert isinstance(agent.adapter, SmolagentsAdapter)
        assert isinstance(native.model, ModelBridge)
        assert (native.name, native.description, native.max_steps) == ("weather", "Knows the weather.", 10)
        assert sorted(native.tools) == ["final_answer", "get_weather"]
        assert native.run("Weather in Paris?") == "Sunny in Paris."
        # smolagents' own rendering when driven natively: its system prompt, then the task.
        first = llm.requests[0].messages
        assert first[0]["role"] == "system" and "final_answer" in first[0]["content"][0]["text"]
        assert "Weather in Paris?" in first[1]["content"][0]["text"]


def test_a_native_run_calls_the_core_tools_with_smolagents_text_history() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny in Paris.")) as llm:
        native = Agent.create(config(llm, max_turns=2)).native
        native.run("Weather in Paris?")
        second = llm.requests[1].messages
    # smolagents' rendering of a tool turn: the call as assistant text, the result as a user message.
    assert [m["role"] for m in second[-2:]] == ["assistant", "user"]
    assert "Paris: sunny, 21°C" in second[-1]["content"][0]["text"]


@tool
def add(a: int, b: int) -> int:
    """Add two numbers.

    Args:
        a: The first number.
        b: The second number.
    """
    return a + b


def test_smolagents_tools_from_agent_args_run_beside_the_core_tools() -> None:
    with ScriptedLLM(plan([[("add", {"a": 1, "b": 2})], [("nope", {})]], final="3")) as llm:
        trace = Agent.create(config(llm, agent_args={"tools": [add]})).run("1+2?")
        assert trace.final_output == "3"
        assert llm.requests[0].tool_names == ["get_weather", "add"]
        unknown = [m["content"] for m in llm.requests[2].messages if m["role"] == "tool"][-1]
        assert unknown == "Error: there is no tool named 'nope'. Available tools: get_weather, add."


async def test_the_smolagents_step_limit_is_max_turns() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": c})] for c in ("Paris", "Rome", "Oslo")])) as llm:
        with pytest.raises(MaxTurnsExceeded) as caught:
            await Agent.create(config(llm, max_turns=1)).run_async("Weather everywhere?")
        assert len(llm.requests) == 1
    assert caught.value.max_turns == 1
    assert step_names(caught.value.trace) == ["invoke_agent weather", "chat scripted", "execute_tool get_weather"]


@pytest.mark.parametrize(
    ("agent_args", "expected"),
    [
        ({"model": "gpt-4.1"}, "'model' is set by any-agent for smolagents' ToolCallingAgent"),
        ({"max_steps": 3}, "use AgentConfig.max_turns"),
        ({"planning_interval": 2}, "planning steps are not supported"),
        ({"max_tool_thread": 2}, "did you mean 'max_tool_threads'?"),
        ({"tools": [get_weather]}, "'tools' takes smolagents tools"),
    ],
)
def test_bad_agent_args_fail_at_create_naming_the_field(agent_args: dict[str, Any], expected: str) -> None:
    with ScriptedLLM(plan(["ok"])) as llm, pytest.raises(ConfigError) as caught:
        Agent.create(config(llm, agent_args=agent_args))
    assert caught.value.field == "agent_args"
    assert expected in str(caught.value)
