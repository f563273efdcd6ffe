"""The core's own cost per run, without the network: ``python bench/core_cost.py FRAMEWORK [REPS]``.

End-to-end times (`run.py`, `ab.py`) carry the server round trips and their noise, which hide a
change of a few hundred microseconds per run. Here every model call is answered in-process by a
fake any-llm provider (the long scenario's script: five ``weather`` tool calls, one per turn, then
the answer), the tool is async (no thread hop), and what is timed is the rest: the framework, the
adapter and the core. Worker processes, this tree's code and the checkout in ``$BENCH_BASELINE``
(e.g. ``git worktree add --detach /tmp/base HEAD``; several, separated by ``:``, are compared in
the same run), run 5 runs at a time, each going first in turn, several processes per variant
(``CORE_COST_PROCESSES``) started and used in turn; each ratio new / old is of medians, with a 95%
bootstrap interval. Put a checkout of this tree's own commit among the baselines as a control: its
ratio is what the setup itself gives identical code (with the processes of one variant all started
first, that was 1.015; started in turn, 0.996-1.006).

With ``--cpu`` each run's time is the worker thread's CPU time (``time.thread_time_ns``) instead of
wall time: on a machine shared with other work, time spent waiting for a core is left out. The
runs are single-threaded here (the tool is async), so it is the whole of a run's work.

With ``--hooks`` both workers run this tree, the new one's agent with one hook that overrides every
method and changes nothing (`any_agent.hooks`): what a hook costs. Without hooks an agent has no hook
layer at all; the plain comparison against the commit before hooks shows that costs nothing.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

PROMPT = "What is the weather in five cities?"
ANSWER = "Sunny everywhere."


async def weather(city: str) -> str:
    """Get the current weather in a city.

    Args:
        city: The city's name.
    """
    return f"Sunny in {city}"


class FakeProvider:
    """any-llm's ``acompletion``, answered from the script with no I/O."""

    async def acompletion(self, model: str, messages: list[dict[str, Any]], **params: Any) -> Any:
        done = sum(1 for message in messages if message.get("role") == "tool")
        if done < 5:
            call = SimpleNamespace(
                id=f"call_{done}", function=SimpleNamespace(name="weather", arguments='{"city": "Paris"}')
            )
            message, reason = SimpleNamespace(content=None, tool_calls=[call]), "tool_calls"
        else:
            message, reason = SimpleNamespace(content=ANSWER, tool_calls=None), "stop"
        return SimpleNamespace(
            choices=[SimpleNamespace(message=message, finish_reason=reason)],
            usage=SimpleNamespace(prompt_tokens=10, completion_tokens=5),
            model="scripted",
            id="chatcmpl-1",
        )


async def serve(framework: str) -> None:
    """Worker: after ``ready``, each line N on stdin runs N runs and answers their times (ns)."""
    from pydantic import SecretStr

    from any_agent import Agent, AgentConfig
    from any_agent.model.route import ModelRoute

    hooks = []
    if os.environ.get("CORE_COST_HOOKS"):
        from any_agent.hooks import Hooks

        class PassThrough(Hooks):
            """Every method overridden, nothing changed: the price of the hook machinery itself."""

            async def on_run_start(self, run: Any) -> None: ...
            async def before_model_call(self, call: Any) -> None: ...
            async def after_model_call(self, call: Any, response: Any) -> None: ...
            async def before_tool_call(self, call: Any) -> None: ...
            async def after_tool_call(self, call: Any, result: Any) -> None: ...
            async def on_run_end(self, run: Any, trace: Any) -> None: ...

        hooks.append(PassThrough())
    fake = FakeProvider()
    if inspect.iscoroutinefunction(ModelRoute.provider_for_this_loop):  # async since the lifetime change

        async def fake_provider(self: ModelRoute) -> FakeProvider:
            return fake

        ModelRoute.provider_for_this_loop = fake_provider  # type: ignore[assignment,method-assign]
    else:  # a baseline checkout from before it
        ModelRoute.provider_for_this_loop = lambda self: fake  # type: ignore[assignment,method-assign,return-value]
    agent = Agent.create(
        AgentConfig(
            framework=framework,
            name="bench",
            model_id="openai:scripted",
            api_base="http://127.0.0.1:9/v1",
            api_key=SecretStr("not-needed"),
            instructions="You are a weather assistant.",
            tools=[weather],
            **({"hooks": hooks} if hooks else {}),
        )
    )
    for _ in range(50):
        result = await agent.run_async(PROMPT)
    assert result.final_output == ANSWER and len(result.spans) == 12, result.spans
    print("ready", flush=True)
    clock = time.thread_time_ns if os.environ.get("CORE_COST_CPU") else time.perf_counter_ns
    for line in sys.stdin:
        times = []
        for _ in range(int(line)):
            begin = clock()
            await agent.run_async(PROMPT)
            times.append(clock() - begin)
        print(" ".join(map(str, times)), flush=True)


PROCESSES = int(os.environ.get("CORE_COST_PROCESSES", "3"))
"""Worker processes per variant (``CORE_COST_PROCESSES``, default 3)."""


def _worker(framework: str, baseline: Path | None, *, hooks: bool = False) -> subprocess.Popen[str]:
    env = {**os.environ, "CORE_COST_WORKER": framework, "CORE_COST_BASELINE": str(baseline or "")}
    env["CORE_COST_HOOKS"] = "1" if hooks else ""
    process = subprocess.Popen(
        [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def compare(framework: str, reps: int, *, hooks: bool = False) -> None:
    """Driver: this tree against each checkout in ``$BENCH_BASELINE`` (``os.pathsep``-separated), interleaved.

    ``hooks``: a hooked agent against a plain one, both this tree.
    """
    if hooks:
        variants: dict[str, tuple[Path | None, bool]] = {"new": (None, True), "old": (None, False)}
    else:
        baselines = [Path(path) for path in os.environ["BENCH_BASELINE"].split(os.pathsep) if path]
        variants = {"new": (None, False)}
        for baseline in baselines:
            variants[baseline.name if len(baselines) > 1 else "old"] = (baseline, False)
    # Several processes per variant, used in turn: one process's own layout (hash seed, addresses)
    # moves its times by a percent or two, which one process per variant would count as the change.
    workers: dict[str, list[subprocess.Popen[str]]] = {label: [] for label in variants}
    for _ in range(PROCESSES):  # started in turn too, so no variant has all the first processes
        for label, (root, hooked) in variants.items():
            workers[label].append(_worker(framework, root, hooks=hooked))
    times: dict[str, list[int]] = {label: [] for label in workers}
    try:
        for rep in range(reps):
            labels = list(workers)
            shift = rep % len(labels)  # each variant goes first in turn
            for label in labels[shift:] + labels[:shift]:
                process = workers[label][rep % PROCESSES]
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write("5\n")
                process.stdin.flush()
                times[label] += [int(ns) for ns in process.stdout.readline().split()]
    finally:
        for processes in workers.values():
            for process in processes:
                process.kill()
    new = statistics.median(times["new"])
    rng = random.Random(1)
    for label in list(workers)[1:]:
        old = statistics.median(times[label])
        ratios = sorted(
            statistics.median(rng.choices(times["new"], k=len(times["new"])))
            / statistics.median(rng.choices(times[label], k=len(times[label])))
            for _ in range(1000)
        )
        print(
            f"{framework}: {len(times['new'])} runs each, new {new / 1e3:.0f} µs, {label} {old / 1e3:.0f} µs per run, "
            f"new/{label} {new / old:.3f} [{ratios[25]:.3f}-{ratios[974]:.3f}]"
        )


def _use_checkout(root: Path) -> None:
    """Import any-agent and its adapters from ``root`` (the editable installs are path entries)."""
    sys.path[:0] = [str(root / "src"), *(str(path) for path in sorted((root / "adapters").glob("*/src")))]


if __name__ == "__main__":
    if os.environ.get("CORE_COST_WORKER"):
        # This tree is loaded the way the baselines are (path entries first), not through the
        # environment's editable install, so the variants differ only in their code.
        _use_checkout(Path(os.environ.get("CORE_COST_BASELINE") or Path(__file__).resolve().parents[1]))
        asyncio.run(serve(os.environ["CORE_COST_WORKER"]))
    else:
        arguments = [argument for argument in sys.argv[1:] if argument not in ("--hooks", "--cpu")]
        if "--cpu" in sys.argv:  # the workers' CPU time per run: steadier than wall time on a loaded machine
            os.environ["CORE_COST_CPU"] = "1"
        compare(
            arguments[0] if arguments else "tiny",
            int(arguments[1]) if len(arguments) > 1 else 150,
            hooks="--hooks" in sys.argv,
        )
