"""The evaluation: every case x framework x model x repeat, scheduled under concurrency limits.

Scheduling is done here, once, for every executor: at most ``concurrency`` runs in flight, at most
``per_endpoint`` of them against one model endpoint (a provider's rate limit, one local server), each
run collected exactly once under its (case, framework, model, repeat) key.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar

from any_agent._portal import run_sync
from any_agent.config import AgentConfig
from any_agent.eval.cases import Case, load_cases, parse_cases
from any_agent.eval.endpoints import Endpoint, as_endpoint
from any_agent.eval.executor import Executor, InProcessExecutor
from any_agent.eval.results import CaseInfo, EvalResults, EvalRun
from any_agent.eval.worker import Job, RunSpec

__all__ = ["OnRun", "evaluate", "evaluate_async"]

P = ParamSpec("P")
T = TypeVar("T")

OnRun = Callable[[EvalRun], None]
"""Called as each run is collected (for progress display), on the event loop: keep it quick."""


def _executor(executor: Executor | Literal["inprocess", "ray"], ray_address: str | None) -> Executor:
    if isinstance(executor, Executor):
        return executor
    if executor == "inprocess":
        return InProcessExecutor()
    if executor == "ray":
        from any_agent.eval.ray_executor import RayExecutor

        return RayExecutor(address=ray_address)
    raise ValueError(f"unknown executor {executor!r}: use 'inprocess' or 'ray'")


def _cases(cases: str | Path | Sequence[Case | dict[str, object]]) -> list[Case]:
    if isinstance(cases, str | Path):
        return load_cases(cases)
    return parse_cases(cases)


async def evaluate_async(
    config: AgentConfig,
    cases: str | Path | Sequence[Case | dict[str, object]],
    *,
    frameworks: Sequence[str] | None = None,
    models: Sequence[str | Endpoint] | None = None,
    repeats: int = 1,
    concurrency: int = 4,
    per_endpoint: int | None = None,
    judge: str | Endpoint | None = None,
    time_limit: float | None = 600.0,
    executor: Executor | Literal["inprocess", "ray"] = "inprocess",
    ray_address: str | None = None,
    on_run: OnRun | None = None,
) -> EvalResults:
    """Run every case on every framework and model, ``repeats`` times, and judge each run.

    ``cases`` is a ``.yaml``/``.jsonl`` path or a list of `Case` (or mappings). ``frameworks``
    defaults to the config's; ``models`` to its model (a string keeps the config's endpoint and
    key; an `Endpoint` brings its own). ``judge`` is the default judge model for ``judge`` checks.
    ``time_limit`` bounds each run in seconds. ``executor``: ``"inprocess"`` (this event loop),
    ``"ray"`` (Ray tasks; ``ray_address`` to join a cluster), or an `Executor`.
    """
    if repeats < 1 or concurrency < 1 or (per_endpoint is not None and per_endpoint < 1):
        raise ValueError("repeats, concurrency and per_endpoint are at least 1")
    case_list = _cases(cases)
    framework_list = [name.strip().lower() for name in (frameworks or [config.framework])]
    endpoints = [as_endpoint(model) for model in (models or [Endpoint(model_id=config.model_id)])]
    judge_endpoint = as_endpoint(judge) if judge is not None else None
    runner = _executor(executor, ray_address)
    specs = [
        RunSpec(case=case, framework=framework, endpoint=endpoint, repeat=repeat)
        for case in case_list
        for framework in framework_list
        for endpoint in endpoints
        for repeat in range(repeats)
    ]
    results = EvalResults(
        agent=config.name,
        frameworks=framework_list,
        models=[endpoint.model_id for endpoint in endpoints],
        repeats=repeats,
        executor=runner.name,
        judge=judge_endpoint.model_id if judge_endpoint else None,
        cases=[
            CaseInfo(id=case.id, input=case.input, checks=[check.kind for check in case.checks]) for case in case_list
        ],
    )
    started = time.perf_counter()
    total = asyncio.Semaphore(concurrency)
    limits = {endpoint.limit_key: asyncio.Semaphore(per_endpoint or concurrency) for endpoint in endpoints}
    collected: dict[tuple[str, str, str, int], EvalRun] = {}

    async def one(spec: RunSpec) -> None:
        async with limits[spec.endpoint.limit_key], total:
            run = await runner.execute(spec)
        if run.key != spec.key:
            raise RuntimeError(f"the executor returned run {run.key} for {spec.key}")
        if run.key in collected:  # an executor bug, not a result: never count a run twice
            raise RuntimeError(f"run {run.key} was collected twice")
        collected[run.key] = run
        if on_run is not None:
            on_run(run)

    await runner.start(Job(config=config, judge=judge_endpoint, time_limit=time_limit), specs)
    try:
        await asyncio.gather(*(one(spec) for spec in specs))
    finally:
        await runner.close()
    results.runs = [collected[spec.key] for spec in specs]
    results.errors = {
        f"{run.framework} {run.model}": run.run.error or "cannot build the agent"
        for run in results.runs
        if run.run.error_type == "ConfigError" and run.run.trace is None
    }
    results.wall_seconds = time.perf_counter() - started
    return results


def _synchronous(function: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_sync(function(*args, **kwargs))

    wrapper.__doc__ = "`evaluate_async` from synchronous code (a script, a pytest test); the same arguments."
    return wrapper


evaluate = _synchronous(evaluate_async)
