"""The LlamaIndex adapter's own behaviour; the shared scenarios are the conformance kit (test_conformance.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from llama_index.core.agent.workflow import AgentStream, FunctionAgent, ToolCallResult
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

from any_agent import Agent, AgentConfig, ConfigError, MaxTurnsExceeded
from any_agent.model.client import TurnLimitReached
from any_agent.testing import Reply, ScriptedLLM, plan
from any_agent.tools.ledger import CATCH_ALL
from any_agent_llama_index import LlamaIndexAdapter, ModelBridge, ToolBridge


def get_weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's English name.
    """
    return f"{city}: sunny, 21°C"


class WeatherReport(BaseModel):
    city: str
    temperature_c: float
    summary: str


def config(llm: ScriptedLLM, **fields: Any) -> AgentConfig:
    defaults: dict[str, Any] = {"framework": "llama_index", "tools": [get_weather]}
    return AgentConfig(
        name="weather",
        model_id=llm.model_id,
        api_base=llm.base_url,
        instructions="Answer about the weather.",
        **{**defaults, **fields},
    )


def step_names(trace: Any) -> list[str]:
    return [step["name"] for step in trace.normalized()]


# --- quiet ------------------------------------------------------------------------------------


def test_llama_index_prints_nothing_and_sends_nothing(
    network_attempts: list[str], capfd: pytest.CaptureFixture[str]
) -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        trace = Agent.create(config(llm)).run("Weather in Paris?")
    assert trace.final_output == "Sunny."
    assert network_attempts == []
    assert capfd.readouterr() == ("", "")  # nothing printed, by Python or below it
    assert step_names(trace) == ["invoke_agent weather", "chat scripted", "execute_tool get_weather", "chat scripted"]


def test_verbose_turns_llama_indexs_step_printing_back_on(capfd: pytest.CaptureFixture[str]) -> None:
    with ScriptedLLM(plan(["ok"])) as llm:
        Agent.create(config(llm, agent_args={"verbose": True})).run("Hi")
    assert "complete with StopEvent" in capfd.readouterr().out


# --- translation -----------------------------------------------------------------------------


def test_native_is_the_function_agent_built_from_the_config() -> None:
    with ScriptedLLM(plan(["ok"])) as llm:
        agent = Agent.create(config(llm, description="Knows the weather."))
    native = agent.native
    assert isinstance(native, FunctionAgent)
    assert isinstance(agent.adapter, LlamaIndexAdapter)
    assert (native.name, native.description, native.system_prompt) == (
        "weather",
        "Knows the weather.",
        "Answer about the weather.",
    )
    assert isinstance(native.llm, ModelBridge)
    assert native.llm.metadata.is_function_calling_model
    assert all(isinstance(tool, ToolBridge) for tool in native.tools or [])
    assert [tool.metadata.name for tool in native.tools or []] == ["get_weather", CATCH_ALL]
    weather = (native.tools or [])[0].metadata
    assert weather.get_parameters_dict()["required"] == ["city"]  # the core's schema, for any LlamaIndex LLM


async def test_native_runs_on_llama_index_with_its_own_event_stream() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny in Paris.")) as llm:
        native = Agent.create(config(llm)).native
        handler = native.run(user_msg="Weather in Paris?")
        deltas, results = [], []
        async for event in handler.stream_events():
            if isinstance(event, AgentStream):
                deltas.append(event.delta)
            elif isinstance(event, ToolCallResult):
                results.append(event.tool_output.content)
        output = await handler
        assert str(output.response.content) == "Sunny in Paris."
        assert "".join(deltas) == "Sunny in Paris."
        assert results == ["Paris: sunny, 21°C"]
        assert len(llm.requests) == 2
        assert all(request.raw.get("stream") is True for request in llm.requests)  # the core's stream
        assert llm.requests[0].messages[0] == {"role": "system", "content": "Answer about the weather."}


def test_agent_args_reach_the_function_agent() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="ok")) as llm:
        agent_args = {"initial_tool_choice": "get_weather", "allow_parallel_tool_calls": False}
        trace = Agent.create(config(llm, agent_args=agent_args)).run("Weather?")
        assert trace.final_output == "ok"
        first, second = llm.requests[0].raw, llm.requests[1].raw
        assert first["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
        assert "tool_choice" not in second  # LlamaIndex forces the tool on the first turn only
        assert first["parallel_tool_calls"] is False


def test_llama_index_tools_from_agent_args_run_beside_the_core_tools() -> None:
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    with ScriptedLLM(plan([[("add", {"a": 1, "b": 2})], [("nope", {})]], final="3")) as llm:
        trace = Agent.create(config(llm, agent_args={"tools": [FunctionTool.from_defaults(add)]})).run("1+2?")
        assert trace.final_output == "3"
        assert llm.requests[0].tool_names == ["get_weather", "add"]
        assert [m["content"] for m in llm.requests[1].messages if m["role"] == "tool"] == ["3"]
        unknown = [m["content"] for m in llm.requests[2].messages if m["role"] == "tool"][-1]
        assert unknown == "Error: there is no tool named 'nope'. Available tools: get_weather, add."


def test_structured_output_is_the_core_response_format() -> None:
    answer = {"city": "Paris", "temperature_c": 21, "summary": "sunny"}
    with ScriptedLLM(plan([Reply(content=json.dumps(answer))])) as llm:
        trace = Agent.create(config(llm, output_type=WeatherReport)).run("Report.")
        assert trace.final_output == WeatherReport(**answer)
        assert len(llm.requests) == 1  # no second call of LlamaIndex's own structured-output step
        assert llm.requests[0].response_format is not None


async def test_the_core_stops_at_max_turns_before_llama_indexs_own_limit() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": c})] for c in ("Paris", "Rome", "Oslo")])) as llm:
        with pytest.raises(MaxTurnsExceeded) as caught:
            await Agent.create(config(llm, max_turns=2)).run_async("Weather everywhere?")
        assert len(llm.requests) == 2
    assert caught.value.max_turns == 2
    # The core's run accounting stopped it; LlamaIndex's max_iterations (one past) never fired.
    assert type(caught.value.cause) is TurnLimitReached


@pytest.mark.parametrize(
    ("agent_args", "expected"),
    [
        ({"llm": None}, "'llm' is set by any-agent for LlamaIndex's FunctionAgent"),
        ({"system_prompt": "Be brief."}, "use AgentConfig.instructions"),
        ({"output_cls": WeatherReport}, "use AgentConfig.output_type"),
        ({"max_iterations": 3}, "use AgentConfig.max_turns"),
        ({"can_handoff_to": ["other"]}, "use AgentConfig.tools"),
        ({"alow_parallel_tool_calls": False}, "did you mean 'allow_parallel_tool_calls'?"),
        ({"tools": [get_weather]}, "'tools' takes LlamaIndex tools; put callables in AgentConfig.tools"),
    ],
)
def test_bad_agent_args_fail_at_create_naming_the_field(agent_args: dict[str, Any], expected: str) -> None:
    with ScriptedLLM(plan(["ok"])) as llm, pytest.raises(ConfigError) as caught:
        Agent.create(config(llm, agent_args=agent_args))
    assert caught.value.field == "agent_args"
    assert expected in str(caught.value)


def test_a_long_history_reaches_the_model_whole() -> None:
    # Far past LlamaIndex's default memory budget for a real model (3,000 tokens): nothing is trimmed.
    history: list[Any] = []
    for index in range(60):
        history.append({"role": "user", "content": f"question {index}: " + "lorem ipsum " * 100})
        history.append({"role": "assistant", "content": f"answer {index}"})
    history.append({"role": "user", "content": "And now?"})
    with ScriptedLLM(plan(["ok"])) as llm:
        trace = Agent.create(config(llm)).run(history)
        assert trace.final_output == "ok"
        assert llm.requests[0].messages[1:] == history
