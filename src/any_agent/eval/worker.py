"""Running one case once on one framework and model, and judging it: the unit every executor runs.

A `Worker` lives in one process (the caller's, or a Ray worker's) and keeps one agent per framework
and model, built once and shared by every run there, as ``compare`` does: building an agent imports
its framework, which takes seconds and must not land in the runs' timings.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from any_agent.agent import Agent
from any_agent.cli.compare import RunResult, run_once
from any_agent.config import AgentConfig
from any_agent.eval.cases import Case, Judge
from any_agent.eval.checks import CheckResult, decide
from any_agent.eval.endpoints import Endpoint
from any_agent.eval.judge import JudgePool
from any_agent.eval.results import EvalRun
from any_agent.registry import load_adapter

__all__ = ["Job", "RunSpec", "Worker"]


@dataclass(frozen=True)
class Job:
    """What every run of an evaluation shares; sent once to each process that runs some of it."""

    config: AgentConfig
    judge: Endpoint | None = None
    time_limit: float | None = None
    """Seconds one agent run (and, apart, one judge call) may take."""


@dataclass(frozen=True)
class RunSpec:
    """One run to do: small and picklable, so it can travel to another process."""

    case: Case
    framework: str
    endpoint: Endpoint
    repeat: int

    @property
    def key(self) -> tuple[str, str, str, int]:
        """The same key as the `EvalRun` it becomes."""
        return (self.case.id, self.framework, self.endpoint.model_id, self.repeat)


class Worker:
    """Runs specs of one job in this process."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.judges = JudgePool(job.judge, time_limit=job.time_limit)
        self._agents: dict[tuple[str, Endpoint], Agent | str] = {}
        self._building: dict[tuple[str, Endpoint], asyncio.Task[Agent | str]] = {}

    async def agent(self, framework: str, endpoint: Endpoint) -> Agent | str:
        """The agent for this framework and model, or why it cannot be built (then every run there fails)."""
        key = (framework, endpoint)
        if key in self._agents:
            return self._agents[key]
        task = self._building.get(key)
        if task is None:
            task = self._building[key] = asyncio.ensure_future(self._build(framework, endpoint))
        built = await task
        self._agents[key] = built
        return built

    async def _build(self, framework: str, endpoint: Endpoint) -> Agent | str:
        try:
            await asyncio.to_thread(load_adapter, framework)  # off the loop: framework imports are slow
            return Agent.create(endpoint.apply(self.job.config, framework=framework))
        except Exception as error:  # a missing or broken framework fails its own runs only
            return str(error) or type(error).__name__

    async def execute(self, spec: RunSpec, *, attempts: int = 1, worker: str | None = None) -> EvalRun:
        """Run the case once, then decide every check; never raises."""
        agent = await self.agent(spec.framework, spec.endpoint)
        if isinstance(agent, str):
            result = RunResult.failure(agent).model_copy(update={"error_type": "ConfigError"})
        else:
            result = await run_once(agent, spec.case.input, self.job.time_limit)
        checks: list[CheckResult] = []
        judge_cost: float | None = None
        if result.status == "ok":
            for check in spec.case.checks:
                if isinstance(check, Judge):
                    verdict, cost = await self.judges.decide(check, spec.case.input, result.final_output)
                    if cost is not None:
                        judge_cost = (judge_cost or 0.0) + cost
                    checks.append(verdict)
                else:
                    checks.append(decide(check, result))
        return EvalRun(
            case_id=spec.case.id,
            framework=spec.framework,
            model=spec.endpoint.model_id,
            repeat=spec.repeat,
            passed=result.status == "ok" and all(check.passed for check in checks),
            checks=checks,
            run=result,
            judge_cost=judge_cost,
            attempts=attempts,
            worker=worker,
        )

    async def aclose(self) -> None:
        """Close every agent built here (their MCP servers) and the judges."""
        for agent in self._agents.values():
            if isinstance(agent, Agent):
                await agent.aclose()
        self._agents.clear()
        await self.judges.aclose()
