"""The LLM judge: a model reads the task, the answer and a rubric, and returns a verdict with a reason.

The judge is itself an any-agent agent (on the built-in ``tiny`` loop, no tools) with a structured
output, so it works on any model id the core reaches, ``local:`` included (constrained decoding makes
a small local model's verdict parse), with the core's retries, and its cost is read from its own trace.
"""

from __future__ import annotations

import asyncio

from pydantic import BaseModel, Field

from any_agent.agent import Agent
from any_agent.config import AgentConfig
from any_agent.errors import AgentRunError
from any_agent.eval.cases import Judge
from any_agent.eval.checks import CheckResult, answer_text
from any_agent.eval.endpoints import Endpoint

__all__ = ["JUDGE_INSTRUCTIONS", "JudgePool", "Verdict"]

JUDGE_INSTRUCTIONS = (
    "You are an impartial evaluator. You are given a task, an AI agent's answer to it, and a rubric. "
    "Decide whether the answer satisfies the rubric. Judge only against the rubric, not style. "
    "Reply with passed (true or false) and a one-sentence reason."
)


class Verdict(BaseModel):
    """What the judge model answers."""

    passed: bool = Field(description="True when the answer satisfies the rubric.")
    reason: str = Field(description="One sentence: why it passes or fails.")


def judge_prompt(task: str, answer: str, rubric: str) -> str:
    """What the judge is asked."""
    return f"Task:\n{task}\n\nAnswer:\n{answer}\n\nRubric:\n{rubric}"


class JudgePool:
    """One judge agent per judge model, built on first use and shared by every run of the process."""

    def __init__(self, default: Endpoint | None, *, time_limit: float | None = None) -> None:
        self.default = default
        self.time_limit = time_limit
        self._agents: dict[Endpoint, Agent] = {}

    def _agent(self, endpoint: Endpoint) -> Agent:
        agent = self._agents.get(endpoint)
        if agent is None:
            config = AgentConfig(
                model_id=endpoint.model_id,
                api_base=endpoint.api_base,
                api_key=endpoint.api_key,
                name="judge",
                instructions=JUDGE_INSTRUCTIONS,
                output_type=Verdict,
                max_turns=2,
                model_args={"temperature": 0},
            )
            agent = self._agents[endpoint] = Agent.create(config)
        return agent

    async def decide(self, check: Judge, task: str, output: object) -> tuple[CheckResult, float | None]:
        """The judge's verdict and what it cost (None when unknown); a judge that fails fails the check."""
        endpoint = Endpoint(model_id=check.model) if check.model else self.default
        if endpoint is None:
            return CheckResult(
                kind="judge", passed=False, reason="no judge model: pass --judge provider:model (or judge=...)"
            ), None
        try:
            trace = await asyncio.wait_for(
                self._agent(endpoint).run_async(judge_prompt(task, answer_text(output), check.rubric)), self.time_limit
            )
        except AgentRunError as error:
            return CheckResult(kind="judge", passed=False, reason=f"the judge failed: {error}"), error.trace.cost
        except Exception as error:  # a judge that cannot be built or reached fails this check only
            return CheckResult(
                kind="judge", passed=False, reason=f"the judge failed: {type(error).__name__}: {error}"
            ), None
        verdict = trace.final_output
        assert isinstance(verdict, Verdict)
        return CheckResult(kind="judge", passed=verdict.passed, reason=verdict.reason), trace.cost

    async def aclose(self) -> None:
        """Close the judge agents."""
        for agent in self._agents.values():
            await agent.aclose()
        self._agents.clear()
