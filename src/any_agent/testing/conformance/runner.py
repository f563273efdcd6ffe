"""Running one conformance scenario on one framework, against a fresh scripted server."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Literal

from any_agent import Agent, AgentConfig, AgentRunError, AgentTrace
from any_agent.registry import load_adapter
from any_agent.streaming import RunEvent
from any_agent.testing import ChatRequest, Fault, ScriptedLLM
from any_agent.testing.conformance.scenarios import Scenario

__all__ = [
    "Outcome",
    "StreamOutcome",
    "expected_steps",
    "reference",
    "run_scenario",
    "stop_reading_at_first_text",
    "stream_scenario",
]


@dataclass
class Outcome:
    """What one run of a scenario produced."""

    trace: AgentTrace
    error: AgentRunError | None
    requests: list[ChatRequest]
    base_url: str = ""
    """The scripted server's base URL (it differs between runs; error messages name it)."""

    @property
    def output(self) -> Any:
        """The run's final output."""
        return self.trace.final_output


def run_scenario(scenario: Scenario, framework: str) -> Outcome:
    """Run ``scenario`` on ``framework`` against a fresh scripted server."""
    with ScriptedLLM(scenario.handler) as llm:
        for fault, times in scenario.faults:
            llm.inject(fault, times=times)
        agent = Agent.create(_config(scenario, framework, llm))
        try:
            trace = agent.run(scenario.prompt)
            return Outcome(trace, None, list(llm.requests), llm.base_url)
        except AgentRunError as error:
            return Outcome(error.trace, error, list(llm.requests), llm.base_url)


def _config(scenario: Scenario, framework: str, llm: ScriptedLLM) -> AgentConfig:
    return AgentConfig(
        name="conformance",
        framework=framework,
        model_id=llm.model_id,
        api_base=llm.base_url,
        instructions="You are a helpful assistant. Use the tools when they help.",
        tools=list(scenario.tools),
        **scenario.config,
    )


_references: dict[str, Outcome] = {}


def reference(scenario: Scenario) -> Outcome:
    """The scenario's run on `tiny`, the reference loop (run once per process)."""
    if scenario.name not in _references:
        _references[scenario.name] = run_scenario(scenario, "tiny")
    return _references[scenario.name]


def expected_steps(framework: str, scenario: Scenario, reference: AgentTrace) -> list[dict[str, Any]]:
    """The `tiny` trace of ``scenario`` with the adapter's declared differences applied."""
    steps = reference.normalized()
    for difference in load_adapter(framework).trace_differences:
        if difference.scenario == scenario.name:
            steps = difference.transform(steps)
    return steps


@dataclass
class StreamOutcome:
    """What one streamed run of a scenario produced: its events, and the error it raised."""

    events: list[RunEvent]
    error: BaseException | None


def stream_scenario(scenario: Scenario, framework: str, *, faults: Sequence[tuple[Fault, int]] = ()) -> StreamOutcome:
    """Stream ``scenario`` on ``framework`` against a fresh scripted server (bounded: a hang fails)."""

    async def collect(agent: Agent, events: list[RunEvent]) -> None:
        async with aclosing(agent.stream_async(scenario.prompt)) as stream:
            async for event in stream:
                events.append(event)

    with ScriptedLLM(scenario.handler) as llm:
        for fault, times in [*scenario.faults, *faults]:
            llm.inject(fault, times=times)
        agent = Agent.create(_config(scenario, framework, llm))
        events: list[RunEvent] = []
        try:
            asyncio.run(asyncio.wait_for(collect(agent, events), STREAM_BOUND))
        except (AgentRunError, TimeoutError) as error:
            return StreamOutcome(events, error)
        return StreamOutcome(events, None)


STREAM_BOUND = 120.0
"""Seconds a streamed scenario may take before it counts as hung."""


def stop_reading_at_first_text(agent: Agent, prompt: str, how: Literal["break", "cancel"]) -> None:
    """Stream a run and stop at its first `TextDeltaEvent`, the way users do (bounded: a hang fails).

    ``break`` leaves a ``for`` loop over `Agent.stream`; ``cancel`` cancels the task reading
    `Agent.stream_async`, as a web server does when its client goes away.
    """
    if how == "break":
        for event in agent.stream(prompt):
            if event.kind == "text_delta":
                break
        return

    async def read(first_text: asyncio.Event) -> None:
        async for event in agent.stream_async(prompt):
            if event.kind == "text_delta":
                first_text.set()

    async def main() -> None:
        first_text = asyncio.Event()
        reader = asyncio.create_task(read(first_text))
        waiting = asyncio.create_task(first_text.wait())
        await asyncio.wait([reader, waiting], timeout=STREAM_BOUND, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if reader.done():
            reader.result()  # the run ended before any text: raise what it raised
            raise AssertionError("the stream ended without a text_delta")
        reader.cancel()
        await asyncio.wait([reader], timeout=STREAM_BOUND)
        if not reader.cancelled():
            raise AssertionError(f"the cancelled reader ended with {reader!r}")

    asyncio.run(main())
