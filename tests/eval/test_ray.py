"""The Ray executor on a real local Ray (2 CPUs) started by the test, a worker killed mid-run included."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from any_agent import AgentConfig
from any_agent.eval import EvalResults, evaluate
from any_agent.testing import ScriptedLLM
from tests.eval.scripted import get_weather, hold, ray_agent_and_judge
from tests.eval.test_eval import CASES

os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")  # what RayExecutor does before importing Ray
ray = pytest.importorskip("ray")

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        yield
    finally:
        ray.shutdown()


def config_for(llm: ScriptedLLM) -> AgentConfig:
    return AgentConfig(
        name="weather",
        model_id=llm.model_id,
        api_base=llm.base_url,
        tools=[get_weather, hold],
        max_turns=3,
        max_retries=0,
    )


def verdicts(results: EvalResults) -> list[tuple[str, str, bool, list[tuple[str, bool, str]]]]:
    return [
        (run.case_id, run.framework, run.passed, [(check.kind, check.passed, check.reason) for check in run.checks])
        for run in results.runs
    ]


def test_ray_runs_decide_exactly_as_in_process(local_ray: None) -> None:
    frameworks = ["tiny", "langgraph"]
    with ScriptedLLM(ray_agent_and_judge) as llm:
        options = {"frameworks": frameworks, "judge": llm.model_id, "time_limit": 60.0}
        config = config_for(llm).model_copy(update={"api_key": None})
        on_ray = evaluate(config, CASES, executor="ray", **options)  # type: ignore[arg-type]
        here = evaluate(config, CASES, **options)  # type: ignore[arg-type]
    assert on_ray.executor == "ray" and here.executor == "inprocess"
    assert verdicts(on_ray) == verdicts(here)
    workers = {run.worker for run in on_ray.runs}
    assert None not in workers and all(str(os.getpid()) not in (worker or "") for worker in workers)
    assert {run.attempts for run in on_ray.runs} == {1}
    assert all(run.run.trace is not None and run.run.trace.spans for run in on_ray.runs)


def test_a_worker_killed_mid_run_is_retried_once_and_counted_once(local_ray: None, tmp_path: Path) -> None:
    cases = [
        {"id": f"city-{n}", "input": f"weather in City{n}", "checks": [{"contains": f"City{n}"}]} for n in range(4)
    ]
    cases.append({"id": "victim", "input": f"hold {tmp_path}", "checks": [{"contains": "resumed after a worker died"}]})
    with ScriptedLLM(ray_agent_and_judge) as llm, concurrent.futures.ThreadPoolExecutor(1) as pool:
        running = pool.submit(evaluate, config_for(llm), cases, executor="ray", time_limit=90.0)
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob("*.pid")) and time.monotonic() < deadline and not running.done():
            time.sleep(0.1)
        (pid_file,) = tmp_path.glob("*.pid")
        killed = int(pid_file.read_text())
        (tmp_path / "killed").write_text("", encoding="utf-8")
        os.kill(killed, signal.SIGKILL)
        results = running.result(timeout=180)
    assert [run.case_id for run in results.runs] == [case["id"] for case in cases]  # each run once
    victim = results.runs[-1]
    assert victim.passed, victim.failure
    assert victim.attempts == 2 and victim.worker is not None and not victim.worker.endswith(f":{killed}")
    assert all(run.passed and run.attempts == 1 for run in results.runs[:-1])
    assert results.matrix[0].passed == 5


def _wait_for_pid(folder: Path, known: set[int], running: concurrent.futures.Future[EvalResults]) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not running.done():
        fresh = {int(path.read_text()) for path in folder.glob("*.pid")} - known
        if fresh:
            return fresh.pop()
        time.sleep(0.1)
    raise AssertionError("no run started holding")


def test_a_run_whose_worker_dies_twice_is_one_failed_run_saying_so(local_ray: None, tmp_path: Path) -> None:
    cases = [{"id": "victim", "input": f"hold {tmp_path}"}, {"id": "bystander", "input": "weather in Lima"}]
    with ScriptedLLM(ray_agent_and_judge) as llm, concurrent.futures.ThreadPoolExecutor(1) as pool:
        running = pool.submit(evaluate, config_for(llm), cases, executor="ray", time_limit=90.0)
        first = _wait_for_pid(tmp_path, set(), running)
        os.kill(first, signal.SIGKILL)
        second = _wait_for_pid(tmp_path, {first}, running)
        os.kill(second, signal.SIGKILL)
        results = running.result(timeout=180)
    victim, bystander = results.runs
    assert not victim.passed and victim.attempts == 2
    assert (
        victim.failure
        == "run failed: its Ray worker died on each of 2 attempts (WorkerCrashedError, WorkerCrashedError)"
    )
    assert bystander.passed and [run.case_id for run in results.runs] == ["victim", "bystander"]
