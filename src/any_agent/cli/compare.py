"""The comparison matrix: one agent config run on every framework and model, each cell isolated.

Pure logic, no terminal: the CLI renders what `run_matrix` returns, the HTML report reads the same
`Comparison`, and ``--json`` writes it. A cell whose framework is missing, whose agent cannot be
built or whose run fails or hangs becomes a failed cell with its reason; it never stops the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import statistics
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from any_agent.agent import Agent
from any_agent.config import AgentConfig
from any_agent.errors import AgentRunError, RunCancelled
from any_agent.registry import load_adapter
from any_agent.streaming import RunEvent, RunFinished
from any_agent.tracing import attributes as attr
from any_agent.tracing.trace import AgentTrace

__all__ = [
    "COST_ATTRIBUTE",
    "SCHEMA_VERSION",
    "AgentInfo",
    "CellResult",
    "CellSummary",
    "Comparison",
    "EventCallback",
    "RunResult",
    "Spread",
    "cost_of",
    "run_matrix",
]

SCHEMA_VERSION = 1
"""Bumped on any change to the JSON shape that could break a consumer (a removed or renamed field)."""

COST_ATTRIBUTE = attr.COST
"""The cost of one model call, on its ``chat`` span, when the core knows the price."""

RunCallback = Callable[["CellResult", "RunResult"], None]


class RunResult(BaseModel):
    """One run of one cell."""

    status: Literal["ok", "failed"]
    error: str | None = None
    """Why the run failed, as the user should read it."""
    error_type: str | None = None
    """The exception class name (``MaxTurnsExceeded``, ``TimeoutError``, ``AgentRunError``...)."""
    final_output: Any = None
    """The answer: text, or the structured output as a JSON object."""
    model_calls: int = 0
    tool_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None
    """In the provider's currency unit (USD for the major ones); None when unknown."""
    wall_seconds: float = 0.0
    trace: AgentTrace | None = None
    """The run's trace (partial for a failed run), None when the run never started."""

    @classmethod
    def from_trace(cls, trace: AgentTrace, *, wall_seconds: float, error: BaseException | None = None) -> RunResult:
        """Counts, usage and cost read from the trace, the same way for every framework."""
        usage = trace.usage
        output = trace.final_output
        return cls(
            status="ok" if error is None else "failed",
            error=None if error is None else str(error),
            error_type=None if error is None else type(error).__name__,
            final_output=output.model_dump(mode="json") if isinstance(output, BaseModel) else output,
            model_calls=len(trace.operation_spans(attr.OP_CHAT)),
            tool_calls=len(trace.operation_spans(attr.OP_EXECUTE_TOOL)),
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost=cost_of(trace),
            wall_seconds=trace.duration.total_seconds() if trace.root is not None else wall_seconds,
            trace=trace,
        )

    @classmethod
    def failure(cls, error: BaseException | str, *, wall_seconds: float = 0.0) -> RunResult:
        """A run that produced no trace at all."""
        message = error if isinstance(error, str) else str(error) or type(error).__name__
        return cls(
            status="failed",
            error=message,
            error_type=None if isinstance(error, str) else type(error).__name__,
            wall_seconds=wall_seconds,
        )


class Spread(BaseModel):
    """Median and range of a measurement over a cell's runs."""

    median: float
    min: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread | None:
        """None for no values."""
        if not values:
            return None
        return cls(median=statistics.median(values), min=min(values), max=max(values))


class CellSummary(BaseModel):
    """A cell's runs in one row: medians over the runs that produced a trace."""

    final_output: Any = None
    """The first successful run's answer (or None)."""
    model_calls: float | None = None
    tool_calls: float | None = None
    input_tokens: float | None = None
    output_tokens: float | None = None
    cost: float | None = None
    wall_seconds: Spread | None = None


class CellResult(BaseModel):
    """One framework and model combination, and its runs."""

    framework: str
    model: str
    error: str | None = None
    """Why the agent could not be built on this framework (then there are no runs)."""
    runs: list[RunResult] = Field(default_factory=list)
    warmed_up: bool = False
    """True when the process's one-time imports were done before this cell's first timed run.

    Results written before this field existed read as False: their first runs may include them.
    """

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> Literal["ok", "failed", "partial"]:
        """``ok`` when every run succeeded, ``failed`` when none did, else ``partial``."""
        if self.error is not None or not self.runs:
            return "failed"
        succeeded = sum(run.status == "ok" for run in self.runs)
        if succeeded == len(self.runs):
            return "ok"
        return "failed" if succeeded == 0 else "partial"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def summary(self) -> CellSummary:
        """Medians over the runs, and the spread of wall time."""
        traced = [run for run in self.runs if run.trace is not None]
        ok = next((run for run in self.runs if run.status == "ok"), None)
        costs = [run.cost for run in traced if run.cost is not None]

        def median(values: list[int]) -> float | None:
            return statistics.median(values) if values else None

        return CellSummary(
            final_output=ok.final_output if ok else None,
            model_calls=median([run.model_calls for run in traced]),
            tool_calls=median([run.tool_calls for run in traced]),
            input_tokens=median([run.input_tokens for run in traced]),
            output_tokens=median([run.output_tokens for run in traced]),
            cost=statistics.median(costs) if costs and len(costs) == len(traced) else None,
            wall_seconds=Spread.of([run.wall_seconds for run in self.runs]),
        )

    @property
    def failure_reason(self) -> str | None:
        """The reason to show for a failed or partial cell."""
        if self.error is not None:
            return self.error
        return next((run.error for run in self.runs if run.status == "failed"), None)


class AgentInfo(BaseModel):
    """What was compared."""

    name: str
    file: str | None = None
    prompt: str


class Comparison(BaseModel):
    """The result of ``any-agent compare``: the ``--json`` document and the HTML report's data."""

    schema_version: int = SCHEMA_VERSION
    agent: AgentInfo
    offline: bool = False
    """True when the cells ran on the scripted offline model."""
    frameworks: list[str]
    models: list[str]
    repeat: int = 1
    started_at: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    cells: list[CellResult] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def all_ok(self) -> bool:
        """True when every run of every cell succeeded."""
        return bool(self.cells) and all(cell.status == "ok" for cell in self.cells)


def cost_of(trace: AgentTrace) -> float | None:
    """The run's cost: the sum over its model calls, or None unless every call has one."""
    return trace.cost if trace.operation_spans(attr.OP_CHAT) else None


EventCallback = Callable[["CellResult", int, RunEvent], None]
"""Called with each event of a streamed run: its cell, the run's index in the cell (0-based), the event."""


async def run_matrix(
    config: AgentConfig,
    prompt: str,
    *,
    frameworks: Sequence[str],
    models: Sequence[str] | None = None,
    repeat: int = 1,
    concurrency: int = 4,
    time_limit: float | None = None,
    on_run: RunCallback | None = None,
    on_event: EventCallback | None = None,
) -> list[CellResult]:
    """Run ``config`` on every framework and model, ``repeat`` times each, at most ``concurrency`` at once.

    Cells come back in matrix order (frameworks, then models). ``time_limit`` bounds each run,
    in seconds. ``on_run`` is called as each run finishes (for progress display). With ``on_event``
    the runs are streamed (`Agent.stream_async`) and it sees every event as it happens (for a live
    display); the results are the same.
    """
    if repeat < 1 or concurrency < 1:
        raise ValueError("repeat and concurrency are at least 1")
    limit = asyncio.Semaphore(concurrency)
    cells = [
        CellResult(framework=framework.strip().lower(), model=model)
        for framework in frameworks
        for model in (models or [config.model_id])
    ]
    # Build every agent before running any: framework imports take seconds and would otherwise
    # land in the timings of whichever runs happened to be in flight.
    load_errors = await asyncio.to_thread(_load_adapters, {cell.framework for cell in cells})
    agents = [_prepare(cell, config, load_errors) for cell in cells]
    await asyncio.to_thread(_warm_up)
    for cell in cells:
        cell.warmed_up = True
    if on_run is not None:
        for cell in cells:
            if cell.error is not None:
                on_run(cell, RunResult.failure(cell.error))
    await asyncio.gather(
        *(
            _run_cell(cell, agent, prompt, repeat, limit, time_limit, on_run, on_event)
            for cell, agent in zip(cells, agents, strict=True)
            if agent is not None
        )
    )
    return cells


WARM_UP_MODULES = ("openai.resources.chat", "genai_prices.data")
"""What a process's first model call imports lazily (about 0.5 s together).

Imported once before any run is timed, so the first cell's wall time does not carry a cost that
every later cell skips.
"""


def _warm_up() -> None:
    for module in WARM_UP_MODULES:
        with contextlib.suppress(ImportError):  # a provider stack without the module has nothing to warm
            importlib.import_module(module)


def _load_adapters(frameworks: set[str]) -> dict[str, Exception]:
    """Import each framework's adapter, one after another; the error of each that failed.

    One thread, in turn: frameworks import packages with import cycles (the OpenAI Agents SDK and
    httpx2, for one), and two threads importing such a package at once can see it half-initialised
    ("partially initialized module 'httpx2' has no attribute 'URL'").
    """
    errors: dict[str, Exception] = {}
    for framework in sorted(frameworks):
        try:
            load_adapter(framework)
        except Exception as error:  # a missing or broken framework is its cells' failure only
            errors[framework] = error
    return errors


def _prepare(cell: CellResult, config: AgentConfig, load_errors: Mapping[str, Exception]) -> Agent | None:
    if (load_error := load_errors.get(cell.framework)) is not None:
        cell.error = str(load_error) or type(load_error).__name__
        return None
    try:
        return Agent.create(config.model_copy(update={"framework": cell.framework, "model_id": cell.model}))
    except Exception as error:  # a missing or broken framework is this cell's failure only
        cell.error = str(error) or type(error).__name__
        return None


async def _run_cell(
    cell: CellResult,
    agent: Agent,
    prompt: str,
    repeat: int,
    limit: asyncio.Semaphore,
    time_limit: float | None,
    on_run: RunCallback | None,
    on_event: EventCallback | None,
) -> None:
    results: list[RunResult | None] = [None] * repeat

    async def one(index: int) -> None:
        async with limit:
            if on_event is None:
                result = await _run_once(agent.run_async(prompt), time_limit)
            else:
                result = await _run_once(_streamed(agent, prompt, cell, index, on_event), time_limit)
        results[index] = result
        if on_run is not None:
            on_run(cell, result)

    try:
        await asyncio.gather(*(one(index) for index in range(repeat)))
    finally:
        await agent.aclose()  # stops the agent's MCP servers, if it has any
    cell.runs = [result for result in results if result is not None]


async def _streamed(agent: Agent, prompt: str, cell: CellResult, index: int, on_event: EventCallback) -> AgentTrace:
    """`Agent.run_async`, streamed: the same trace or error, each event shown to ``on_event`` first."""
    async with contextlib.aclosing(agent.stream_async(prompt)) as events:
        async for event in events:
            on_event(cell, index, event)
            if isinstance(event, RunFinished):
                return event.trace
    raise RuntimeError("the stream ended without run_finished")  # a stream always ends with it, or raises


async def _run_once(run: Coroutine[Any, Any, AgentTrace], time_limit: float | None) -> RunResult:
    started = time.perf_counter()
    try:
        trace = await asyncio.wait_for(run, time_limit)
    except AgentRunError as error:
        return RunResult.from_trace(error.trace, wall_seconds=time.perf_counter() - started, error=error)
    except TimeoutError as timeout:
        elapsed = time.perf_counter() - started
        timed_out = TimeoutError(f"timed out after {time_limit:g} s")
        if isinstance(timeout.__cause__, RunCancelled):  # the run's partial trace
            return RunResult.from_trace(timeout.__cause__.trace, wall_seconds=elapsed, error=timed_out)
        return RunResult.failure(str(timed_out), wall_seconds=elapsed).model_copy(update={"error_type": "TimeoutError"})
    except Exception as error:  # one cell's failure, whatever it is, must not stop the others
        return RunResult.failure(
            f"{type(error).__name__}: {error}", wall_seconds=time.perf_counter() - started
        ).model_copy(update={"error_type": type(error).__name__})
    return RunResult.from_trace(trace, wall_seconds=time.perf_counter() - started)


async def run_once(agent: Agent, prompt: str, time_limit: float | None = None) -> RunResult:
    """One run of ``agent``, bounded by ``time_limit`` seconds, as a `RunResult`: it never raises.

    A failed run keeps its partial trace; what failed and why is in ``error`` and ``error_type``
    (``any_agent.eval`` runs its cases through this, so both commands count a run the same way).
    """
    return await _run_once(agent.run_async(prompt), time_limit)
