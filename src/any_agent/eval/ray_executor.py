"""Runs on Ray: each run is a Ray task, on this machine or a cluster; results come back to the caller.

Each task runs one `RunSpec` with a `Worker` kept per process (agents built once per worker, as
in-process). The caller's runner keeps the concurrency limits, so a model endpoint sees at most its
limit however many Ray CPUs there are. Ray's own task retries are off: a task whose worker dies
(killed, out of memory, node lost) is resubmitted here, once, and the run it returns is recorded
under the run's key, so a run is never lost and never counted twice. A run that fails by itself
(an error, a timeout) is a result, not retried.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import uuid
from collections.abc import Sequence
from typing import Any

from any_agent.cli.compare import RunResult
from any_agent.errors import ConfigError
from any_agent.eval.executor import Executor
from any_agent.eval.results import EvalRun
from any_agent.eval.worker import Job, RunSpec, Worker

__all__ = ["RayExecutor"]

ATTEMPTS = 2
"""A run whose worker died is started at most this many times in all."""

_workers: dict[str, Worker] = {}
"""In each Ray worker process: one `Worker` per evaluation it has run tasks of."""


def _ray() -> Any:
    # Under `uv run`, Ray by default starts each worker with `uv run` too, in a fresh environment
    # built from the project without its extras (so without Ray itself). Local workers should use
    # this interpreter; set the variable to 1 to keep Ray's behaviour. Read once, when Ray is imported.
    os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "the ray executor needs Ray: install this project's ray extra (uv sync --extra ray in its clone)",
            field="executor",
        ) from None
    return ray


def _run_remote(job: tuple[list[str], bytes], job_id: str, spec: RunSpec, attempt: int) -> EvalRun:
    """The Ray task: one run, in whatever worker process Ray chose."""
    import ray

    from any_agent._portal import run_sync

    worker = _workers.get(job_id)
    if worker is None:
        folders, payload = job
        sys.path.extend(folder for folder in folders if folder not in sys.path)
        worker = _workers[job_id] = Worker(ray.cloudpickle.loads(payload))
    where = f"{ray.get_runtime_context().get_node_id()[:8]}:{os.getpid()}"
    return run_sync(worker.execute(spec, attempts=attempt, worker=where))


class RayExecutor(Executor):
    """Runs each run as a Ray task.

    Joins the Ray instance already initialized in this process, else ``address`` (``"auto"``, or
    ``ray://host:10001``), else starts a local one that `close` shuts down again.
    """

    name = "ray"

    def __init__(
        self,
        *,
        address: str | None = None,
        cpus_per_run: float = 1.0,
        runtime_env: dict[str, Any] | None = None,
        grace: float = 60.0,
    ) -> None:
        """Configure; nothing connects until `start`.

        Args:
            address: The cluster to join; None starts a local Ray (unless one is already running here).
            cpus_per_run: Ray CPUs each run reserves; below 1 packs more model-bound runs per core.
            runtime_env: Ray's runtime environment for the workers (``working_dir``, ``pip``...), so a
                cluster's workers can import your tools and output types.
            grace: Seconds past the run's time limit (and the judge's) after which a task that has
                not answered is cancelled and its run counted as failed.
        """
        self.address = address
        self.cpus_per_run = cpus_per_run
        self.runtime_env = runtime_env
        self.grace = grace
        self._started_ray = False
        self._job_ref: Any = None
        self._job_id = uuid.uuid4().hex
        self._task: Any = None
        self._time_limit: float | None = None

    async def start(self, job: Job, specs: Sequence[RunSpec]) -> None:
        """Connect to (or start) Ray and send the job once to the object store."""
        ray = _ray()
        if not ray.is_initialized():
            options: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "logging_level": logging.ERROR,
                "configure_logging": True,
            }
            if self.runtime_env is not None:
                options["runtime_env"] = self.runtime_env
            ray.init(address=self.address, **options)  # the main thread: Ray installs signal handlers
            self._started_ray = True
        self._job_ref = ray.put((_tool_folders(job), ray.cloudpickle.dumps(job)))
        self._task = ray.remote(_run_remote).options(max_retries=0, num_cpus=self.cpus_per_run)
        if job.time_limit is not None:
            self._time_limit = 2 * job.time_limit + self.grace  # the run, then its judge calls

    async def execute(self, spec: RunSpec) -> EvalRun:
        """Submit the run as a task; resubmit it once if its worker dies."""
        ray = _ray()
        died: list[str] = []
        for attempt in range(1, ATTEMPTS + 1):
            ref = self._task.remote(self._job_ref, self._job_id, spec, attempt)
            try:
                run: EvalRun = await asyncio.wait_for(asyncio.wrap_future(ref.future()), self._time_limit)
                return run
            except TimeoutError:
                ray.cancel(ref, force=True)
                return _failed(spec, f"no answer from the Ray task within {self._time_limit:g} s", attempt)
            except _worker_deaths(ray) as error:
                died.append(type(error).__name__)
            except ray.exceptions.RayTaskError as error:  # Worker.execute never raises: a bug or a broken install
                return _failed(spec, f"the Ray task failed: {error.cause!r}", attempt)
        return _failed(spec, f"its Ray worker died on each of {ATTEMPTS} attempts ({', '.join(died)})", ATTEMPTS)

    async def close(self) -> None:
        """Shut down the local Ray this executor started (not one it joined)."""
        if self._started_ray:
            await asyncio.to_thread(_ray().shutdown)
            self._started_ray = False


def _tool_folders(job: Job) -> list[str]:
    """Where the tools' and output type's own modules are imported from, when not from an installed package.

    An agent file's tools live next to it (``weather_tools:get_forecast``), on no worker's path: the
    task puts these folders on its ``sys.path`` before reading the job. Installed packages (any-agent,
    the frameworks, libraries) must be installed on a cluster's workers (see docs/eval.md).
    """
    objects: list[Any] = [tool for tool in job.config.tools if callable(tool)]
    if job.config.output_type is not None:
        objects.append(job.config.output_type)
    folders: dict[str, None] = {}
    for name in dict.fromkeys(getattr(obj, "__module__", None) for obj in objects):
        module = sys.modules.get(name or "")
        path = getattr(module, "__file__", None) or ""
        if name is None or not path or any(part in path for part in ("site-packages", "dist-packages")):
            continue
        folder = os.path.dirname(os.path.abspath(path))
        for _ in range(name.count(".")):  # a package's module: the folder that holds the top package
            folder = os.path.dirname(folder)
        folders[folder] = None
    return list(folders)


def _worker_deaths(ray: Any) -> tuple[type[BaseException], ...]:
    exceptions = ray.exceptions
    return (exceptions.WorkerCrashedError, exceptions.NodeDiedError, exceptions.ObjectLostError)


def _failed(spec: RunSpec, reason: str, attempts: int) -> EvalRun:
    return EvalRun(
        case_id=spec.case.id,
        framework=spec.framework,
        model=spec.endpoint.model_id,
        repeat=spec.repeat,
        passed=False,
        run=RunResult.failure(reason).model_copy(update={"error_type": "RayError"}),
        attempts=attempts,
    )
