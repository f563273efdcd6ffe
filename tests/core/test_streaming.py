"""Streamed runs on the reference loop: the events, the end of a run, and a reader that stops early."""

from __future__ import annotations

import asyncio
from contextlib import aclosing

import pytest
from pydantic import BaseModel

from any_agent import (
    Agent,
    AgentConfig,
    AgentRunError,
    ModelResponseEvent,
    RunCancelled,
    RunFailed,
    RunFinished,
    TextDeltaEvent,
    ToolCallEvent,
    ToolResultEvent,
)
from any_agent.testing import Fault, ScriptedLLM, plan

STARTED: list[str] = []


def get_weather(city: str) -> str:
    """The weather in a city.

    Args:
        city: The city's name.
    """
    STARTED.append(city)
    return f"{city}: sunny"


class Report(BaseModel):
    city: str
    sunny: bool


def _agent(llm: ScriptedLLM, **config: object) -> Agent:
    return Agent.create(
        AgentConfig(framework="tiny", model_id=llm.model_id, api_base=llm.base_url, tools=[get_weather], **config)  # type: ignore[arg-type]
    )


def test_stream_yields_model_and_tool_events_then_the_trace() -> None:
    script = plan([[("get_weather", {"city": "Paris"})]], final="Sunny in Paris, says the tool.")
    with ScriptedLLM(script) as llm:
        events = list(_agent(llm).stream("Weather in Paris?"))
    kinds = [event.kind for event in events]
    assert kinds[:3] == ["model_response", "tool_call", "tool_result"]
    assert kinds[-2:] == ["model_response", "run_finished"]
    assert kinds.count("text_delta") > 1  # the scripted server sends the answer in several chunks
    call, result = events[1], events[2]
    assert isinstance(call, ToolCallEvent) and isinstance(result, ToolResultEvent)
    assert (call.name, call.arguments) == ("get_weather", '{"city": "Paris"}')
    assert (result.call_id, result.result, result.is_error) == (call.call_id, "Paris: sunny", False)
    first = events[0]
    assert isinstance(first, ModelResponseEvent)
    assert (first.finish_reason, first.tool_calls, first.usage.input_tokens) == ("tool_calls", 1, 10)
    finished = events[-1]
    assert isinstance(finished, RunFinished)
    text = "".join(event.text for event in events if isinstance(event, TextDeltaEvent))
    assert text == finished.trace.final_output == "Sunny in Paris, says the tool."


def test_stream_async_gives_the_same_events_as_stream() -> None:
    script = plan([[("get_weather", {"city": "Oslo"})]], final="Cold.")

    async def collect(agent: Agent) -> list[str]:
        return [event.kind async for event in agent.stream_async("Weather in Oslo?")]

    with ScriptedLLM(script) as llm:
        agent = _agent(llm)
        assert asyncio.run(collect(agent)) == [event.kind for event in agent.stream("Weather in Oslo?")]


def test_structured_output_streams_no_text_and_finishes_with_the_object() -> None:
    script = plan([[("get_weather", {"city": "Rome"})]], final='{"city": "Rome", "sunny": true}')
    with ScriptedLLM(script) as llm:
        events = list(_agent(llm, output_type=Report).stream("Weather in Rome?"))
    assert "text_delta" not in [event.kind for event in events]
    finished = events[-1]
    assert isinstance(finished, RunFinished)
    assert finished.trace.final_output == Report(city="Rome", sunny=True)


def test_failed_run_ends_with_run_failed_then_raises() -> None:
    seen = []
    with ScriptedLLM(plan([], final="never")) as llm:
        llm.inject(Fault.truncated_stream(), times=10)
        with pytest.raises(AgentRunError) as raised:
            for event in _agent(llm, max_retries=0).stream("Hi"):
                seen.append(event)
    assert isinstance(seen[-1], RunFailed)
    assert seen[-1].error is raised.value
    assert not raised.value.trace.succeeded


def test_breaking_out_cancels_the_run_before_the_next_tool() -> None:
    STARTED.clear()
    script = plan([[("get_weather", {"city": "Lima"})]], final="Done.")
    with ScriptedLLM(script) as llm:
        for event in _agent(llm).stream("Weather in Lima?"):
            if event.kind == "model_response":
                break
        assert len(llm.requests) == 1
    assert STARTED == []  # the model asked for the tool, but the reader had gone


def test_a_cancelled_async_reader_cancels_the_run() -> None:
    STARTED.clear()
    script = plan([[("get_weather", {"city": "Quito"})]], final="Done.")

    async def main(agent: Agent) -> None:
        async with aclosing(agent.stream_async("Weather in Quito?")) as events:
            async for event in events:
                if event.kind == "model_response":
                    raise asyncio.CancelledError

    with ScriptedLLM(script) as llm:
        with pytest.raises(asyncio.CancelledError):
            asyncio.run(main(_agent(llm)))
        assert len(llm.requests) == 1
    assert STARTED == []


def test_bad_input_raises_without_events() -> None:
    with ScriptedLLM(plan([])) as llm, pytest.raises(Exception, match="needs a prompt"):
        list(_agent(llm).stream([]))


def test_a_timed_out_stream_gives_the_partial_trace_as_run_async_does() -> None:
    async def read_all(agent: Agent) -> None:
        async with aclosing(agent.stream_async("Weather in Bern?")) as events:
            async for _ in events:
                pass

    with ScriptedLLM(plan([[("get_weather", {"city": "Bern"})]], final="Done.")) as llm:
        llm.inject(Fault.slow(30), times=1)  # the first model call outlasts the time limit
        agent = _agent(llm)
        with pytest.raises(TimeoutError) as raised:
            asyncio.run(asyncio.wait_for(read_all(agent), 0.5))
    cancelled = raised.value.__cause__
    assert isinstance(cancelled, RunCancelled), repr(cancelled)
    assert cancelled.trace.root is not None and not cancelled.trace.succeeded
