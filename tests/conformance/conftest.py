"""Fixtures of the conformance suite: every installed adapter, and a way to run a scenario on one."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

from any_agent import Agent, AgentConfig, AgentRunError, AgentTrace
from any_agent.registry import available_frameworks, load_adapter
from any_agent.testing import ChatRequest, ScriptedLLM
from tests.conformance.scenarios import Scenario

# ANY_AGENT_TEST_FRAMEWORKS=tiny,crewai narrows the suite to some adapters (for adapter work).
_ONLY = {name.strip() for name in os.environ.get("ANY_AGENT_TEST_FRAMEWORKS", "").split(",") if name.strip()}
FRAMEWORKS = [name for name in available_frameworks() if not _ONLY or name in _ONLY]


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


def expected_steps(framework: str, scenario: Scenario, reference: AgentTrace) -> list[dict[str, Any]]:
    """The `tiny` trace of ``scenario`` with the adapter's declared differences applied."""
    steps = reference.normalized()
    for difference in load_adapter(framework).trace_differences:
        if difference.scenario == scenario.name:
            steps = difference.transform(steps)
    return steps


@pytest.fixture(params=FRAMEWORKS)
def framework(request: pytest.FixtureRequest) -> str:
    """Each installed adapter in turn."""
    return str(request.param)
