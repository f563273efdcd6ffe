"""Running one conformance scenario on one framework, against a fresh scripted server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from any_agent import Agent, AgentConfig, AgentRunError, AgentTrace
from any_agent.registry import load_adapter
from any_agent.testing import ChatRequest, ScriptedLLM
from any_agent.testing.conformance.scenarios import Scenario

__all__ = ["Outcome", "expected_steps", "reference", "run_scenario"]


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
        config = AgentConfig(
            name="conformance",
            framework=framework,
            model_id=llm.model_id,
            api_base=llm.base_url,
            instructions="You are a helpful assistant. Use the tools when they help.",
            tools=list(scenario.tools),
            **scenario.config,
        )
        agent = Agent.create(config)
        try:
            trace = agent.run(scenario.prompt)
            return Outcome(trace, None, list(llm.requests), llm.base_url)
        except AgentRunError as error:
            return Outcome(error.trace, error, list(llm.requests), llm.base_url)


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
