"""Where runs happen: the interface every executor implements, and the default, in this process.

The runner schedules (concurrency limits, progress, collecting each run exactly once); an executor
only starts, runs one `RunSpec` and stops. So a new place to run (a cluster, a queue) is one small
class, and the limits and the counting behave the same everywhere.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from any_agent.eval.results import EvalRun
from any_agent.eval.worker import Job, RunSpec, Worker

__all__ = ["Executor", "InProcessExecutor"]


class Executor(ABC):
    """Runs an evaluation's specs; `start` and `close` bracket one evaluation."""

    name: str = "executor"
    """What the results record as the executor."""

    async def start(self, job: Job, specs: Sequence[RunSpec]) -> None:  # noqa: B027 - optional hook
        """Prepare to run ``specs`` of ``job`` (build agents, connect to a cluster)."""

    @abstractmethod
    async def execute(self, spec: RunSpec) -> EvalRun:
        """Run one spec and return its run; it must not raise for a failed run (that is a result)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release what `start` took."""


class InProcessExecutor(Executor):
    """The default: runs on this process's event loop, agents built once before any run is timed."""

    name = "inprocess"

    def __init__(self) -> None:
        self._worker: Worker | None = None

    async def start(self, job: Job, specs: Sequence[RunSpec]) -> None:
        """Build every framework x model's agent up front (imports take seconds; not in the timings)."""
        import asyncio

        from any_agent.cli.compare import WARM_UP_MODULES

        self._worker = Worker(job)
        cells = dict.fromkeys((spec.framework, spec.endpoint) for spec in specs)
        await asyncio.gather(*(self._worker.agent(framework, endpoint) for framework, endpoint in cells))
        await asyncio.to_thread(_import_all, WARM_UP_MODULES)

    async def execute(self, spec: RunSpec) -> EvalRun:
        """Run ``spec`` here."""
        if self._worker is None:
            raise RuntimeError("InProcessExecutor.execute before start")
        return await self._worker.execute(spec)

    async def close(self) -> None:
        """Close the agents."""
        if self._worker is not None:
            await self._worker.aclose()


def _import_all(modules: Sequence[str]) -> None:
    import contextlib
    import importlib

    for module in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
