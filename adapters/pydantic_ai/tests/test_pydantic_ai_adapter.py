"""The pydantic-ai adapter's own behaviour; the shared scenarios are the conformance kit (test_conformance.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pydantic_ai
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import BaseModel
from pydantic_ai.models.instrumented import InstrumentationSettings

from any_agent import Agent, AgentConfig, ConfigError, MaxTurnsExceeded
from any_agent.testing import Reply, ScriptedLLM, plan
from any_agent.tools.ledger import CATCH_ALL
from any_agent_pydantic_ai import ModelBridge, PydanticAIAdapter


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
    defaults: dict[str, Any] = {"framework": "pydantic_ai", "tools": [get_weather]}
    return AgentConfig(
        name="weather",
        model_id=llm.model_id,
        api_base=llm.base_url,
        instructions="Answer about the weather.",
        **{**defaults, **fields},
    )


def step_names(trace: Any) -> list[str]:
    return [step["name"] for step in trace.normalized()]


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    """pydantic-ai's instrumentation, for every agent that does not opt out, into memory (reset after)."""
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    pydantic_ai.Agent.instrument_all(InstrumentationSettings(tracer_provider=provider))
    yield memory
    pydantic_ai.Agent.instrument_all(False)


# --- telemetry -------------------------------------------------------------------------------


def test_pydantic_ai_instrumentation_is_off_even_after_instrument_all(
    exporter: InMemorySpanExporter, network_attempts: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        trace = Agent.create(config(llm)).run("Weather in Paris?")
    assert trace.final_output == "Sunny."
    assert exporter.get_finished_spans() == ()
    assert network_attempts == []
    assert capsys.readouterr() == ("", "")  # prints nothing
    assert step_names(trace) == ["invoke_agent weather", "chat scripted", "execute_tool get_weather", "chat scripted"]


def test_pydantic_ai_instrumentation_can_be_turned_back_on(exporter: InMemorySpanExporter) -> None:
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    settings = InstrumentationSettings(tracer_provider=provider)
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        trace = Agent.create(config(llm, agent_args={"instrument": settings})).run("Weather in Paris?")
    # pydantic-ai's own spans, beside (not in) the core's trace.
    names = [span.name for span in memory.get_finished_spans()]
    assert names == ["chat scripted", "execute_tool get_weather", "chat scripted", "invoke_agent weather"]
    assert exporter.get_finished_spans() == ()  # the agent's own settings, not the global ones
    assert step_names(trace)[1:] == ["chat scripted", "execute_tool get_weather", "chat scripted"]


# --- translation -----------------------------------------------------------------------------


def test_native_is_the_pydantic_ai_agent_built_from_the_config() -> None:
    with ScriptedLLM(plan(["ok"])) as llm:
        agent = Agent.create(config(llm, description="Knows the weather."))
    native = agent.native
    assert isinstance(native, pydantic_ai.Agent)
    assert isinstance(agent.adapter, PydanticAIAdapter)
    assert native.name == "weather"
    assert native.description == "Knows the weather."
    assert isinstance(native.model, ModelBridge)
    assert native.instrument is False
    tools = native._function_toolset.tools  # the tools as pydantic-ai registered them
    assert list(tools) == ["get_weather", CATCH_ALL]
    assert tools["get_weather"].function_schema.json_schema["required"] == ["city"]


async def test_native_runs_on_pydantic_ai_with_usage_and_streaming() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny in Paris.")) as llm:
        native = Agent.create(config(llm)).native
        result = await native.run("Weather in Paris?")
        assert result.output == "Sunny in Paris."
        assert result.usage.requests == 2
        assert (result.usage.input_tokens, result.usage.output_tokens) == (20, 10)
        tool_returns = [
            part.content
            for message in result.all_messages()
            for part in getattr(message, "parts", [])
            if part.part_kind == "tool-return"
        ]
        assert tool_returns == ["Paris: sunny, 21°C"]

        async with native.run_stream("Weather in Paris?") as streamed:
            deltas = [delta async for delta in streamed.stream_text(delta=True)]
        assert "".join(deltas) == "Sunny in Paris."
        assert streamed.usage.input_tokens == 20
        assert len(llm.requests) == 4
        assert llm.requests[3].raw.get("stream") is True


def test_agent_args_reach_the_pydantic_ai_agent() -> None:
    with ScriptedLLM(plan(["ok"])) as llm:
        agent = Agent.create(config(llm, agent_args={"model_settings": {"temperature": 0.3, "seed": 7}, "retries": 4}))
        trace = agent.run("Hi")
        assert trace.final_output == "ok"
        assert (llm.requests[0].raw["temperature"], llm.requests[0].raw["seed"]) == (0.3, 7)


def test_model_args_win_over_pydantic_ai_model_settings() -> None:
    with ScriptedLLM(plan(["ok"])) as llm:
        Agent.create(
            config(llm, model_args={"temperature": 0.1}, agent_args={"model_settings": {"temperature": 0.3}})
        ).run("Hi")
        assert llm.requests[0].raw["temperature"] == 0.1


def test_pydantic_ai_tools_from_agent_args_run_beside_the_core_tools() -> None:
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    with ScriptedLLM(plan([[("add", {"a": 1, "b": 2})], [("nope", {})]], final="3")) as llm:
        trace = Agent.create(config(llm, agent_args={"tools": [pydantic_ai.Tool(add)]})).run("1+2?")
        assert trace.final_output == "3"
        assert llm.requests[0].tool_names == ["get_weather", "add"]
        assert [m["content"] for m in llm.requests[1].messages if m["role"] == "tool"] == ["3"]
        unknown = [m["content"] for m in llm.requests[2].messages if m["role"] == "tool"][-1]
        assert unknown == "Error: there is no tool named 'nope'. Available tools: get_weather, add."


def test_structured_output_is_the_core_response_format() -> None:
    answer = {"city": "Paris", "temperature_c": 21, "summary": "sunny"}
    with ScriptedLLM(plan([Reply(content=f"```json\n{__import__('json').dumps(answer)}\n```")])) as llm:
        trace = Agent.create(config(llm, output_type=WeatherReport)).run("Report.")
        assert trace.final_output == WeatherReport(**answer)
        assert llm.requests[0].response_format is not None
        assert llm.requests[0].tool_names == ["get_weather"]  # no "final_result" tool of pydantic-ai's


async def test_the_core_stops_at_max_turns_before_pydantic_ais_own_limit() -> None:
    from any_agent.model.client import TurnLimitReached

    with ScriptedLLM(plan([[("get_weather", {"city": c})] for c in ("Paris", "Rome", "Oslo")])) as llm:
        with pytest.raises(MaxTurnsExceeded) as caught:
            await Agent.create(config(llm, max_turns=1)).run_async("Weather everywhere?")
        assert len(llm.requests) == 1
    assert caught.value.max_turns == 1
    # The core's run accounting stopped it; pydantic-ai's request limit (one past) never fired.
    assert type(caught.value.cause) is TurnLimitReached and caught.value.cause.__cause__ is None


@pytest.mark.parametrize(
    ("agent_args", "expected"),
    [
        ({"model": "openai:gpt-4.1"}, "'model' is set by any-agent for pydantic-ai's Agent"),
        ({"system_prompt": "Be brief."}, "use AgentConfig.instructions"),
        ({"toolsets": []}, "use AgentConfig.tools"),
        ({"retires": 2}, "did you mean 'retries'?"),
        ({"instrument": "yes"}, "instrument must be True, False or a pydantic_ai InstrumentationSettings"),
    ],
)
def test_bad_agent_args_fail_at_create_naming_the_field(agent_args: dict[str, Any], expected: str) -> None:
    with ScriptedLLM(plan(["ok"])) as llm, pytest.raises(ConfigError) as caught:
        Agent.create(config(llm, agent_args=agent_args))
    assert caught.value.field == "agent_args"
    assert expected in str(caught.value)
