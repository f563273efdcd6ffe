"""The OpenAI Agents SDK adapter's own behaviour; the shared scenarios are the conformance kit (test_conformance.py)."""

from __future__ import annotations

import json
import os
import socket
from typing import Any, cast

import agents
import pytest
from agents import (
    GuardrailFunctionOutput,
    InputGuardrail,
    ModelSettings,
    RunConfig,
    Runner,
    function_tool,
    set_trace_processors,
)
from agents.exceptions import MaxTurnsExceeded as SDKMaxTurnsExceeded
from agents.models.chatcmpl_converter import Converter
from agents.tracing import TracingProcessor, get_trace_provider
from pydantic import BaseModel

from any_agent import Agent, AgentConfig, AgentRunError, ConfigError, MaxTurnsExceeded, TurnLimitReached
from any_agent.context import RunContext
from any_agent.model.types import ModelResponse as CoreResponse
from any_agent.model.types import ToolCall
from any_agent.output import OutputError
from any_agent.testing import Reply, ScriptedLLM, plan
from any_agent.tools.dispatch import unknown_tool_message
from any_agent_openai import ModelBridge, OpenAIAgentsAdapter
from any_agent_openai.messages import to_chat_message, to_output_items
from any_agent_openai.tool_bridge import UnknownToolAnswer


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


class LooseReport(BaseModel):
    """Optional fields and defaults: not strict-schema compatible."""

    city: str
    note: str | None = None
    tags: list[str] = []


class RecordingProcessor(TracingProcessor):
    """An SDK trace processor that keeps what it is given (in memory only)."""

    def __init__(self) -> None:
        self.traces: list[Any] = []
        self.spans: list[Any] = []

    def on_trace_start(self, trace: Any) -> None:
        self.traces.append(trace)

    def on_trace_end(self, trace: Any) -> None:
        pass

    def on_span_start(self, span: Any) -> None:
        pass

    def on_span_end(self, span: Any) -> None:
        self.spans.append(span)

    def shutdown(self) -> None:
        pass

    def force_flush(self) -> None:
        pass


def config(llm: ScriptedLLM, **fields: Any) -> AgentConfig:
    defaults: dict[str, Any] = {"framework": "openai", "tools": [get_weather]}
    return AgentConfig(
        name="weather",
        model_id=llm.model_id,
        api_base=llm.base_url,
        instructions="Answer about the weather.",
        **{**defaults, **fields},
    )


def step_names(trace: Any) -> list[str]:
    return [step["name"] for step in trace.normalized()]


# --- telemetry -------------------------------------------------------------------------------


def test_sdk_tracing_is_off_and_nothing_leaves_the_machine(network_attempts: list[str]) -> None:
    recorder = RecordingProcessor()
    agents.add_trace_processor(recorder)  # beside the SDK's own exporter to OpenAI
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        trace = Agent.create(config(llm)).run("Weather in Paris?")
    get_trace_provider().force_flush()  # anything the SDK had queued for export would go now

    assert trace.final_output == "Sunny."
    assert recorder.traces == [] and recorder.spans == []
    assert network_attempts == []
    # The user's OpenTelemetry is untouched: the core's spans are all there.
    assert "OTEL_SDK_DISABLED" not in os.environ
    assert step_names(trace) == ["invoke_agent weather", "chat scripted", "execute_tool get_weather", "chat scripted"]
    # The audit is live: a connection outside loopback is seen (and refused).
    with pytest.raises(OSError):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
    assert len(network_attempts) == 1 and "192.0.2.1" in network_attempts[0]
    network_attempts.clear()  # the provoked attempt was the point; the guard fails on any other


@pytest.mark.parametrize(
    "run_config",
    [{"tracing_disabled": False, "workflow_name": "weather-flow"}, RunConfig(workflow_name="weather-flow")],
    ids=["dict", "RunConfig"],
)
def test_sdk_tracing_can_be_turned_back_on(run_config: Any, network_attempts: list[str]) -> None:
    recorder = RecordingProcessor()
    set_trace_processors([recorder])  # the user's own processor instead of the export to OpenAI
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny.")) as llm:
        trace = Agent.create(config(llm, agent_args={"run_config": run_config})).run("Weather in Paris?")

    assert [t.name for t in recorder.traces] == ["weather-flow"]
    kinds = [span.span_data.type for span in recorder.spans]
    assert kinds.count("generation") == 2 and kinds.count("function") == 1
    generation = next(span for span in recorder.spans if span.span_data.type == "generation")
    assert generation.span_data.usage == {"input_tokens": 10, "output_tokens": 5}
    assert step_names(trace)[1:] == ["chat scripted", "execute_tool get_weather", "chat scripted"]
    assert network_attempts == []


# --- translation -----------------------------------------------------------------------------


def test_native_is_the_sdk_agent_built_from_the_config() -> None:
    with ScriptedLLM(plan(["ok"])) as llm:
        agent = Agent.create(config(llm, description="Knows the weather.", output_type=WeatherReport))
    native = agent.native
    assert isinstance(native, agents.Agent)
    assert native.name == "weather"
    assert native.instructions == "Answer about the weather."
    assert native.handoff_description == "Knows the weather."
    # Only the agent's tools: calls of unknown ones are answered through the run's RunConfig.
    assert [tool.name for tool in native.tools] == ["get_weather"]
    assert native.tools[0].params_json_schema["required"] == ["city"]  # type: ignore[union-attr]
    assert isinstance(native.model, ModelBridge)
    assert native.output_type.name() == "WeatherReport"  # type: ignore[union-attr]
    assert isinstance(agent.adapter, OpenAIAgentsAdapter)


async def test_native_runs_on_the_sdk_runner_with_usage_and_streaming() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="Sunny in Paris.")) as llm:
        native = Agent.create(config(llm)).native
        result = await Runner.run(native, "Weather in Paris?", run_config=RunConfig(tracing_disabled=True))
        assert result.final_output == "Sunny in Paris."
        assert result.context_wrapper.usage.requests == 2
        assert result.context_wrapper.usage.input_tokens == 20
        assert result.context_wrapper.usage.output_tokens == 10

        streamed = Runner.run_streamed(native, "Weather in Paris?", run_config=RunConfig(tracing_disabled=True))
        deltas = [
            event.data.delta
            async for event in streamed.stream_events()
            if event.type == "raw_response_event" and event.data.type == "response.output_text.delta"
        ]
        assert deltas == ["Sunny in Paris."]
        assert streamed.final_output == "Sunny in Paris."
        assert streamed.context_wrapper.usage.input_tokens == 20
        assert len(llm.requests) == 4


def test_agent_args_reach_the_sdk_agent() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": "Paris"})]], final="never")) as llm:
        agent = Agent.create(
            config(
                llm,
                agent_args={
                    "tool_use_behavior": "stop_on_first_tool",
                    "model_settings": ModelSettings(temperature=0.3),
                },
            )
        )
        trace = agent.run("Weather in Paris?")
        assert agent.native.tool_use_behavior == "stop_on_first_tool"
        assert trace.final_output == "Paris: sunny, 21°C"
        assert step_names(trace) == ["invoke_agent weather", "chat scripted", "execute_tool get_weather"]
        assert llm.requests[0].raw["temperature"] == 0.3


def test_model_args_win_over_the_sdk_model_settings() -> None:
    with ScriptedLLM(plan(["ok"])) as llm:
        Agent.create(
            config(llm, model_args={"temperature": 0.1}, agent_args={"model_settings": {"temperature": 0.3}})
        ).run("Hi")
        assert llm.requests[0].raw["temperature"] == 0.1


def test_sdk_tools_from_agent_args_run_beside_the_core_tools() -> None:
    @function_tool
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    with ScriptedLLM(plan([[("add", {"a": 1, "b": 2})]], final="3")) as llm:
        trace = Agent.create(config(llm, agent_args={"tools": [add]})).run("1+2?")
        assert trace.final_output == "3"
        assert llm.requests[0].tool_names == ["get_weather", "add"]
        assert [m["content"] for m in llm.requests[1].messages if m["role"] == "tool"] == ["3"]


def test_history_with_tool_turns_reaches_the_model_as_tiny_sends_it() -> None:
    history = [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": "Let me check.",
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "Paris: sunny, 21°C"},
        {"role": "assistant", "content": "Sunny."},
        {"role": "user", "content": [{"type": "text", "text": "And tomorrow?"}]},
    ]
    sent = {}
    for framework in ("tiny", "openai"):
        with ScriptedLLM(plan(["Also sunny."])) as llm:
            trace = Agent.create(config(llm, framework=framework)).run(history)
            assert trace.final_output == "Also sunny."
            sent[framework] = llm.requests[0].messages
    assert sent["openai"] == sent["tiny"]
    assert sent["openai"][1:] == history


def test_structured_output_with_optional_fields() -> None:
    with ScriptedLLM(plan([{"city": "Paris"}])) as llm:
        trace = Agent.create(config(llm, output_type=LooseReport)).run("Report.")
        assert trace.final_output == LooseReport(city="Paris")
        assert llm.requests[0].response_format is not None


def test_structured_output_in_a_code_fence_is_accepted() -> None:
    fenced = '```json\n{"city": "Paris", "temperature_c": 21, "summary": "sunny"}\n```'
    with ScriptedLLM(plan([Reply(content=fenced)])) as llm:
        trace = Agent.create(config(llm, output_type=WeatherReport)).run("Report.")
    assert trace.final_output == WeatherReport(city="Paris", temperature_c=21, summary="sunny")


async def test_the_sdk_turn_limit_is_a_turn_above_max_turns() -> None:
    with ScriptedLLM(plan([[("get_weather", {"city": c})] for c in ("Paris", "Rome", "Oslo")])) as llm:
        with pytest.raises(MaxTurnsExceeded) as caught:
            await Agent.create(config(llm, max_turns=1)).run_async("Weather everywhere?")
        assert len(llm.requests) == 1
    assert caught.value.max_turns == 1
    # The core's count stopped the run, not the SDK's own limit (see any_agent.adapter_kit.turns).
    cause = caught.value.__cause__
    assert isinstance(cause, TurnLimitReached) and not isinstance(cause.__cause__, SDKMaxTurnsExceeded)
    assert step_names(caught.value.trace) == ["invoke_agent weather", "chat scripted", "execute_tool get_weather"]


# --- errors ----------------------------------------------------------------------------------


def test_an_answer_that_does_not_fit_output_type_says_so() -> None:
    with ScriptedLLM(plan([Reply(content="It is sunny.")])) as llm, pytest.raises(AgentRunError) as caught:
        Agent.create(config(llm, output_type=WeatherReport)).run("Report.")
    message = str(caught.value)
    assert message.startswith("the final answer does not fit output_type WeatherReport: Invalid JSON")  # as elsewhere
    assert isinstance(caught.value.cause, OutputError)
    assert not caught.value.trace.succeeded


def test_a_tripped_guardrail_is_named() -> None:
    def no_secrets(context: Any, agent: Any, user_input: Any) -> GuardrailFunctionOutput:
        return GuardrailFunctionOutput(output_info=None, tripwire_triggered="secret" in json.dumps(user_input))

    guardrail = InputGuardrail(guardrail_function=no_secrets, name="no_secrets", run_in_parallel=False)
    with ScriptedLLM(plan(["never"])) as llm:
        with pytest.raises(AgentRunError) as caught:
            Agent.create(config(llm, agent_args={"input_guardrails": [guardrail]})).run("my secret")
        assert llm.requests == []
    assert "guardrail 'no_secrets'" in str(caught.value)


@pytest.mark.parametrize(
    ("agent_args", "expected"),
    [
        (
            {"model": "gpt-4.1"},
            "'model' is set by any-agent for the OpenAI Agents SDK's Agent",
        ),
        ({"not_an_sdk_field": 1}, "not_an_sdk_field"),
        ({"run_config": {"no_such_option": True}}, "no_such_option"),
        ({"run_config": 42}, "must be an agents.RunConfig or a dict"),
    ],
)
def test_bad_agent_args_fail_at_create_naming_the_field(agent_args: dict[str, Any], expected: str) -> None:
    with ScriptedLLM(plan(["ok"])) as llm, pytest.raises(ConfigError) as caught:
        Agent.create(config(llm, agent_args=agent_args))
    assert caught.value.field == "agent_args"
    assert expected in str(caught.value)


def test_an_unknown_tool_gets_the_core_answer_whatever_the_given_run_config_says() -> None:
    script = plan([[("book_hotel", {"city": "Paris"})]], final="No hotels.")
    with ScriptedLLM(script) as llm:
        given = RunConfig(tracing_disabled=True, tool_not_found_behavior="raise_error")
        result = Agent.create(config(llm, agent_args={"run_config": given})).run("Book a hotel.")
        told = [m["content"] for m in llm.requests[1].messages if m.get("role") == "tool"]
    assert result.final_output == "No hotels."
    assert told == [unknown_tool_message("book_hotel", ["get_weather"])]


async def test_other_tool_errors_keep_the_users_formatter_or_the_sdks_words() -> None:
    seen: list[str] = []

    async def formatter(error: agents.ToolErrorFormatterArgs[Any]) -> str:
        seen.append(error.kind)
        return f"{error.tool_name} was not approved"

    with ScriptedLLM(plan(["ok"])) as llm:
        adapter = Agent.create(config(llm)).adapter
    assert isinstance(adapter, OpenAIAgentsAdapter)
    rejected = agents.ToolErrorFormatterArgs(
        kind="approval_rejected",
        tool_type="function",
        tool_name="get_weather",
        call_id="call_1",
        default_message="Tool call rejected.",
        run_context=agents.RunContextWrapper(context=None),
    )
    no_run = cast(RunContext, None)  # a run is used only for unknown tools
    assert await UnknownToolAnswer(adapter.toolset, no_run, formatter)(rejected) == "get_weather was not approved"
    assert seen == ["approval_rejected"]
    assert await UnknownToolAnswer(adapter.toolset, no_run, None)(rejected) is None


@pytest.mark.parametrize(
    "response",
    [
        CoreResponse(content=None, tool_calls=(ToolCall("call_1", "get_weather", '{"city": "Paris"}'),)),
        CoreResponse(content="Both.", tool_calls=(ToolCall("c1", "get_weather", "{}"), ToolCall("c2", "x", "{bad"))),
        CoreResponse(content="Sunny."),
        CoreResponse(content=""),
        CoreResponse(content=None),
    ],
    ids=["one call", "text and two calls", "text", "empty text", "nothing"],
)
def test_output_items_are_those_of_the_sdks_own_converter(response: CoreResponse) -> None:
    ours = to_output_items(response)
    sdks = Converter.message_to_output_items(to_chat_message(response))
    assert ours == sdks
    # The SDK replays items into the next request with exclude_unset: the same fields must be set.
    assert [item.model_dump(exclude_unset=True) for item in ours] == [
        item.model_dump(exclude_unset=True) for item in sdks
    ]
