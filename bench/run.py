"""The any-agent benchmark: the cost of the abstraction, per framework. One command runs it all:

    uv run python bench/run.py            # 30 timed runs per variant and scenario after 5 warm-ups
    uv run python bench/run.py --quick    # the goals' verdict in under a minute (only what they measure)

Both end with the verdict of every goal of `goals.py` (measure, now with its interval, goal, met or not).

It creates what it needs under bench/.venvs/ (git-ignored) on first use, from PyPI with uv:
mozilla's any-agent 1.18 in a venv of its own (same import name as ours), AG2's OpenAI config in a
venv of its own (it needs a newer openai than the project's lock allows), and langchain-openai
(for native LangGraph) in an overlay directory. Shared packages are pinned to the project's versions.

Results: bench/results/<date>.json and the tables in docs/benchmarks.md (between the markers).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import random
import select
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENVS = HERE / ".venvs"
LOGS = HERE / ".logs"
sys.path.insert(0, str(HERE))

import goals  # noqa: E402
from scenarios import SCENARIOS  # noqa: E402


def _worker_frameworks() -> list[str]:
    """Every framework worker.py can run natively: one ``async def native_<fw>`` builder each."""
    tree = ast.parse((HERE / "worker.py").read_text())
    return [
        node.name.removeprefix("native_")
        for node in tree.body
        if isinstance(node, ast.AsyncFunctionDef) and node.name.startswith("native_")
    ]


FRAMEWORKS = _worker_frameworks()
MOZILLA = {"openai": "openai", "langgraph": "langchain"}  # ours -> mozilla's framework name
# Packages both sides share, pinned in the side venvs to the project's versions (the rest resolves freely).
SHARED = {
    "pydantic",
    "pydantic-core",
    "httpx",
    "httpcore",
    "anyio",
    "any-llm-sdk",
    "langgraph",
    "langgraph-prebuilt",
    "langgraph-checkpoint",
    "langchain",
    "langchain-core",
    "ag2",
    "opentelemetry-api",
    "opentelemetry-sdk",
    "mcp",
    "llama-index-core",
    "llama-index-workflows",
}
FRAMEWORK_MODULES = {
    "crewai",
    "langgraph",
    "langchain",
    "langchain_core",
    "ag2",
    "autogen",
    "agents",
    "litellm",
    "any_agent_crewai",
    "any_agent_langgraph",
    "any_agent_ag2",
    "any_agent_openai",
    "pydantic_ai",
    "any_agent_pydantic_ai",
    "smolagents",
    "any_agent_smolagents",
    "llama_index",
    "any_agent_llama_index",
    "google.adk",
    "any_agent_adk",
}
CONTENT_OFF = {"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "false"}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------- environments


def _uv() -> str:
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("bench/run.py needs uv (https://docs.astral.sh/uv/) to create its side environments")
    return uv


def _constraints(python: str | Path = sys.executable, name: str = "constraints.txt") -> Path:
    frozen = subprocess.run(
        [_uv(), "pip", "freeze", "--python", str(python)], check=True, capture_output=True, text=True
    ).stdout
    pins = [line for line in frozen.splitlines() if line.split("==")[0].lower() in SHARED]
    path = VENVS / name
    path.write_text("\n".join(pins) + "\n")
    return path


def _venv(name: str, requirements: list[str], constraints: Path) -> Path:
    python = VENVS / name / "bin" / "python"
    marker = VENVS / name / ".bench-ready"
    if marker.exists() and marker.read_text() == " ".join(requirements):
        return python
    log(f"creating bench/.venvs/{name}: {' '.join(requirements)}")
    subprocess.run([_uv(), "venv", "-q", "--clear", "--python", sys.executable, str(VENVS / name)], check=True)
    subprocess.run(
        [_uv(), "pip", "install", "-q", "--python", str(python), *requirements, "-c", str(constraints)], check=True
    )
    marker.write_text(" ".join(requirements))
    return python


def _overlay(name: str, requirements: list[str], constraints: Path) -> Path:
    target = VENVS / name
    marker = target / ".bench-ready"
    if marker.exists() and marker.read_text() == " ".join(requirements):
        return target
    log(f"installing {' '.join(requirements)} into bench/.venvs/{name}")
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(
        [_uv(), "pip", "install", "-q", "--target", str(target), *requirements, "-c", str(constraints)], check=True
    )
    marker.write_text(" ".join(requirements))
    return target


@dataclass
class Environments:
    mozilla: Path | None
    """mozilla's any-agent 1.18, unless --no-mozilla or no framework it has is measured."""
    ag2: Path | None
    """Native AG2's venv, when ag2 is measured."""
    pydantic_ai: Path | None = None
    """Native pydantic-ai's venv, when pydantic_ai is measured."""
    adk: Path | None = None
    """Native ADK's venv (google-adk and LiteLLM, pinned as adk's own environment), when adk is measured."""

    def native_python(self, framework: str, default: Path) -> Path:
        """The interpreter that runs ``framework`` natively: its side venv, if it has one."""
        side = {"ag2": self.ag2, "pydantic_ai": self.pydantic_ai, "adk": self.adk}.get(framework)
        return side or default


def needed_environments(args: argparse.Namespace) -> list[str]:
    """The side environments this run needs, and only those: a smoke run creates nothing it skips."""
    needed = []
    if not args.no_mozilla and any(fw in MOZILLA for fw in args.frameworks):
        needed.append("mozilla")
    if "ag2" in args.frameworks:
        needed.append("ag2")
    if "pydantic_ai" in args.frameworks:
        needed.append("pydantic_ai")
    if "langgraph" in args.frameworks:
        needed.append("overlay")
    if "llama_index" in args.frameworks:
        needed.append("llama_index")
    if "adk" in args.frameworks:
        needed.append("adk")
    if full_run(args):
        needed.append("tools")
    return needed


def ensure_environments(args: argparse.Namespace) -> Environments:
    needed = needed_environments(args)
    if not needed:
        return Environments(mozilla=None, ag2=None)
    VENVS.mkdir(parents=True, exist_ok=True)
    constraints = _constraints()
    mozilla = ag2 = pydantic_ai = None
    if "mozilla" in needed:
        # mozilla any-agent 1.18 fails to import with mcp 2.x (NameError: MCPTool), and its OpenAI
        # adapter builds usage objects that openai>=2.43 rejects (cache_write_tokens became required).
        mozilla = _venv("mozilla", ["any-agent[openai,langchain]==1.18.*", "mcp<2", "openai<2.43"], constraints)
    if "ag2" in needed:
        # ag2's OpenAIConfig needs openai>=3.27; the project's lock holds openai 2.x (openai-agents 0.20).
        ag2 = _venv("ag2", [f"ag2[openai]=={_version(sys.executable, 'ag2')}"], constraints)
    if "pydantic_ai" in needed:
        # pydantic-ai's OpenAIChatModel needs its `openai` extra (openai>=3.31); the project's lock holds openai 2.x.
        version = _version(sys.executable, "pydantic-ai-slim")
        pydantic_ai = _venv("pydantic_ai", [f"pydantic-ai-slim[openai]=={version}"], constraints)
    if "overlay" in needed:
        _overlay("overlay", ["langchain-openai"], constraints)  # native LangGraph's ChatOpenAI
    if "llama_index" in needed:
        _overlay("llama_index", ["llama-index-llms-openai-like"], constraints)  # native LlamaIndex's OpenAILike
    if "tools" in needed:
        _overlay("tools", ["pyinstrument", "py-spy"], constraints)  # for bench/profiling.py
    adk = None
    if "adk" in needed:
        # ADK's own route to an OpenAI-compatible server is LiteLLM; pinned as adk's environment (OpenTelemetry <=1.44).
        ours = _ours_python("adk")
        adk = _venv("adk", [f"google-adk=={_version(ours, 'google-adk')}", "litellm"], _constraints(ours, "adk.txt"))
    return Environments(mozilla=mozilla, ag2=ag2, pydantic_ai=pydantic_ai, adk=adk)


def _ours_python(framework: str) -> Path:
    """The interpreter of any-agent on ``framework``: this one, or the framework's own environment (adk)."""
    from any_agent.environments import OWN_ENVIRONMENT, environment_python, sync_command

    if framework not in OWN_ENVIRONMENT:
        return Path(sys.executable)
    python = environment_python(framework)
    if python is None:
        raise SystemExit(
            f"bench/run.py: {framework} runs in its own environment; install it: {sync_command(framework)}"
        )
    return python


def _version(python: str | Path, package: str) -> str | None:
    code = f"import importlib.metadata as m\ntry: print(m.version({package!r}))\nexcept Exception: print('')"
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True).stdout.strip()
    return out or None


def versions(python: str | Path, packages: list[str]) -> dict[str, str | None]:
    code = (
        "import importlib.metadata as m, json\n"
        f"out = {{}}\nfor p in {packages!r}:\n"
        "    try: out[p] = m.version(p)\n    except Exception: out[p] = None\nprint(json.dumps(out))"
    )
    return json.loads(subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout)


# ---------------------------------------------------------------------------------------------- processes


class Server:
    """The scripted model (bench/server.py) in its own process."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "server.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(LOGS / "server.log", "w"),  # noqa: SIM115
            text=True,
        )
        self.base_url = json.loads(self._line())["base_url"]

    def _line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the scripted server died; see bench/.logs/server.log")
        return line

    def ask(self, command: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return json.loads(self._line())  # type: ignore[no-any-return]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ask("quit")
        self.proc.wait(timeout=10)


@dataclass
class Variant:
    label: str  # as reported
    worker: str  # worker.py's variant argument
    python: Path
    group: str  # "floor", "native", "ours", "mozilla", "tracing"
    framework: str | None = None
    env: dict[str, str] = field(default_factory=dict)


class Worker:
    def __init__(self, variant: Variant, base_url: str, timeout: float = 600) -> None:
        self.variant = variant
        env = {**os.environ, **variant.env}
        self.proc = subprocess.Popen(
            [str(variant.python), str(HERE / "worker.py"), variant.worker, base_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(LOGS / f"{variant.label}.log", "w"),  # noqa: SIM115
            text=True,
            env=env,
        )
        self.ready = self._read(timeout)

    def _read(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError(f"{self.variant.label}: no answer in {timeout}s")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.variant.label} died; see bench/.logs/{self.variant.label}.log")
        return json.loads(line)  # type: ignore[no-any-return]

    def ask(self, timeout: float = 600, **command: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        answer = self._read(timeout)
        if "error" in answer:
            raise RuntimeError(f"{self.variant.label}: {answer['error']}")
        return answer

    def close(self) -> None:
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=30)
        except Exception:
            self.proc.kill()


# ---------------------------------------------------------------------------------------------- statistics


def summary(values_ns: list[int]) -> dict[str, float]:
    ms = sorted(v / 1e6 for v in values_ns)
    q1, median, q3 = statistics.quantiles(ms, n=4, method="inclusive") if len(ms) > 1 else (ms[0],) * 3
    return {"n": len(ms), "median_ms": median, "q1_ms": q1, "q3_ms": q3, "iqr_ms": q3 - q1, "min_ms": ms[0]}


def ratio(top: list[int], bottom: list[int], seed: int = 0) -> dict[str, float]:
    """Ratio of medians with a 95% bootstrap interval (resampling each side's runs)."""
    rng = random.Random(seed)
    value = statistics.median(top) / statistics.median(bottom)
    draws = sorted(
        statistics.median(rng.choices(top, k=len(top))) / statistics.median(rng.choices(bottom, k=len(bottom)))
        for _ in range(1000)
    )
    return {"ratio": value, "low": draws[25], "high": draws[974]}


# ---------------------------------------------------------------------------------------------- phases


def variants_for(args: argparse.Namespace, envs: Environments | None) -> list[Variant]:
    ours = Path(sys.executable)
    quick = getattr(args, "quick", False)  # only what the goals read: no floor, mozilla where a goal compares
    out = [] if quick else [Variant("floor", "floor", ours, "floor")]
    out.append(Variant("any-agent tiny", "ours-tiny", ours, "ours", "tiny"))
    for fw in args.frameworks:
        native_python = envs.native_python(fw, ours) if envs else ours
        out.append(Variant(f"native {fw}", f"native-{fw}", native_python, "native", fw))
        out.append(Variant(f"any-agent {fw}", f"ours-{fw}", _ours_python(fw), "ours", fw))
        if envs and envs.mozilla and fw in MOZILLA and (not quick or fw in goals.mozilla_frameworks()):
            out.append(Variant(f"mozilla {MOZILLA[fw]}", f"mozilla-{MOZILLA[fw]}", envs.mozilla, "mozilla", fw))
    if not args.no_tracing:
        for fw in ["tiny", *args.frameworks]:
            python = _ours_python(fw)
            out.append(Variant(f"any-agent {fw} content-off", f"ours-{fw}", python, "tracing", fw, dict(CONTENT_OFF)))
            out.append(Variant(f"any-agent {fw} no-op tracer", f"ours-{fw}+noop", python, "tracing", fw))
    return out


def verify(worker: Worker, server: Server) -> str | None:
    """One run per scenario: the expected answer from exactly the expected model calls, else why not."""
    for name, scenario in SCENARIOS.items():
        server.ask("reset")
        answer = worker.ask(cmd="run", scenario=name, n=1)["answers"]
        seen = server.ask("count")
        expected_messages = [2 + 2 * i for i in range(scenario["model_calls"])]
        if answer != [scenario["final"]]:
            return f"{name}: answered {answer!r}, expected {scenario['final']!r}"
        if seen["requests"] != scenario["model_calls"]:
            return f"{name}: {seen['requests']} model calls, expected {scenario['model_calls']}"
        if seen["messages"] != expected_messages:
            return f"{name}: requests carried {seen['messages']} messages, expected {expected_messages}"
    return None


def start_worker(
    variant: Variant,
    server: Server,
    check: Callable[[Worker, Server], str | None],
    results: dict[str, Any],
    starting: Future[Worker] | None = None,
) -> Worker | None:
    """A worker for ``variant`` that passed ``check``, or None, with why in ``results``: a variant that
    cannot run (framework missing, wrong answer) is reported as excluded, never fatal."""
    log(f"starting {variant.label}")
    worker: Worker | None = None
    try:
        worker = starting.result() if starting is not None else Worker(variant, server.base_url)
        problem = check(worker, server)
    except Exception as error:
        problem = f"{type(error).__name__}: {error}"[:500]
    if problem is None and worker is not None:
        return worker
    log(f"  {variant.label} EXCLUDED: {problem}")
    results[variant.label] = {"excluded": problem, "group": variant.group, "framework": variant.framework}
    if worker is not None:
        worker.close()
    return None


def timed_runs(
    args: argparse.Namespace, variants: list[Variant], server: Server, kept: dict[str, Worker] | None = None
) -> dict[str, Any]:
    """Interleaved timed runs; the workers whose labels are keys of ``kept`` are left running there.

    A quick run starts its workers in parallel, one per core (their setup times then overlap);
    a full run starts them one after another, so each setup time is its own.
    """
    workers: dict[str, Worker] = {}
    results: dict[str, Any] = {}
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2) if getattr(args, "quick", False) else None
    starting = {variant.label: pool.submit(Worker, variant, server.base_url) for variant in variants} if pool else {}
    for variant in variants:
        worker = start_worker(variant, server, verify, results, starting.get(variant.label))
        if worker is None:
            continue
        for name in SCENARIOS:
            worker.ask(cmd="run", scenario=name, n=args.warmup)
        workers[variant.label] = worker
        results[variant.label] = {
            "group": variant.group,
            "framework": variant.framework,
            "worker": variant.worker,
            "python": str(variant.python),
            "env": variant.env,
            "setup_ms": worker.ready["setup_ns"] / 1e6,
            "rss_after_setup_kib": worker.ready["maxrss_kib"],
            "ns": {name: [] for name in SCENARIOS},
        }
    if pool is not None:
        pool.shutdown()  # every worker was waited for above
    labels = list(workers)
    log(f"timing {len(labels)} variants x {len(SCENARIOS)} scenarios x {args.runs} runs, interleaved")
    for repetition in range(args.runs):
        shift = repetition % len(labels)
        order = labels[shift:] + labels[:shift]  # rotating order, so no variant always runs first
        for label in order:
            for name in SCENARIOS:
                results[label]["ns"][name] += workers[label].ask(cmd="run", scenario=name, n=1)["ns"]
        server.ask("reset")
        if repetition % 10 == 9:
            log(f"  repetition {repetition + 1}/{args.runs}")
    for label, worker in workers.items():
        results[label]["peak_rss_kib"] = worker.ask(cmd="rss")["maxrss_kib"]
        if kept is not None and label in kept:
            kept[label] = worker
        else:
            worker.close()
        results[label]["stats"] = {name: summary(ns) for name, ns in results[label]["ns"].items()}
    return results


def ratios(results: dict[str, Any], frameworks: list[str]) -> dict[str, Any]:
    def ns(label: str, scenario: str) -> list[int] | None:
        entry = results.get(label)
        return entry["ns"][scenario] if entry and "ns" in entry else None

    out: dict[str, Any] = {}
    for fw in ["tiny", *frameworks]:
        for scenario in SCENARIOS:
            ours, native, floor = ns(f"any-agent {fw}", scenario), ns(f"native {fw}", scenario), ns("floor", scenario)
            mozilla = ns(f"mozilla {MOZILLA[fw]}", scenario) if fw in MOZILLA else None
            entry: dict[str, Any] = {}
            if ours and native:
                entry["ours_over_native"] = ratio(ours, native)
                entry["ours_minus_native_ms"] = (statistics.median(ours) - statistics.median(native)) / 1e6
            if ours and mozilla:
                entry["ours_over_mozilla"] = ratio(ours, mozilla)
            if native and floor:
                entry["native_over_floor"] = ratio(native, floor)
            if ours and floor:
                entry["ours_over_floor"] = ratio(ours, floor)
            for mode in ("content-off", "no-op tracer"):
                other = ns(f"any-agent {fw} {mode}", scenario)
                if ours and other:
                    entry[f"tracing_on_over_{mode.replace(' ', '_').replace('-', '_')}"] = ratio(ours, other)
            out[f"{fw}/{scenario}"] = entry
    return out


CONCURRENCY_REPEATS = 3
"""Times each variant runs a batch of concurrent runs of 100 or fewer (a larger batch runs once)."""


def concurrency_subjects(args: argparse.Namespace, envs: Environments | None) -> list[Variant]:
    ours = Path(sys.executable)
    frameworks = getattr(args, "concurrency_frameworks", args.frameworks)
    reference = [] if getattr(args, "quick", False) else ["tiny"]
    subjects = [
        Variant(f"any-agent {fw}", f"ours-{fw}", _ours_python(fw), "ours", fw) for fw in [*reference, *frameworks]
    ]
    for fw in frameworks:
        # CrewAI and smolagents agents are stateful: their docs do not share one between concurrent runs.
        if fw not in ("crewai", "smolagents"):
            python = envs.native_python(fw, ours) if envs else ours
            subjects.append(Variant(f"native {fw}", f"native-{fw}", python, "native", fw))
    return subjects


def concurrency(
    args: argparse.Namespace, server: Server, envs: Environments | None, reuse: dict[str, Worker | None] | None = None
) -> list[dict[str, Any]]:
    """Concurrent runs, each variant in a fresh worker, or in the timed runs' worker where ``reuse`` holds one
    (--quick: two fewer processes to start; its peak RSS was read before)."""
    out = []
    reuse = reuse or {}
    for n in args.concurrency:
        for variant in concurrency_subjects(args, envs):
            log(f"concurrency: {variant.label} x {n}")
            worker = reuse.pop(variant.label, None) or Worker(variant, server.base_url)
            try:
                worker.ask(cmd="run", scenario="short", n=3)
                walls = []
                for _ in range(CONCURRENCY_REPEATS if n <= 100 else 1):
                    server.ask("reset")
                    answer = worker.ask(cmd="concurrent", scenario="short", n=n, timeout=900)
                    seen = server.ask("count")
                    walls.append(answer["wall_ns"] / 1e9)
                out.append(
                    {
                        "variant": variant.label,
                        "framework": variant.framework,
                        "concurrent_runs": n,
                        "wall_s": statistics.median(walls),
                        "runs_per_s": n / statistics.median(walls),
                        "runs_per_s_samples": [n / wall for wall in walls],
                        "errors": answer["n_errors"],
                        "error_samples": answer["errors"],
                        "answers_ok": answer["answers"] == [SCENARIOS["short"]["final"]],
                        "model_calls": seen["requests"],
                        "peak_rss_kib": answer["maxrss_kib"],
                        "rss_after_setup_kib": worker.ready["maxrss_kib"],
                    }
                )
            except Exception as error:
                out.append({"variant": variant.label, "concurrent_runs": n, "failed": f"{error}"[:500]})
            finally:
                worker.close()
    return out


def _time_process(argv: list[str], env: dict[str, str]) -> float:
    begin = time.perf_counter_ns()
    subprocess.run(argv, check=True, capture_output=True, env=env)
    return (time.perf_counter_ns() - begin) / 1e6


QUICK_STARTUP = [
    "import any_agent",
    "from any_agent import Agent, AgentConfig",
    "import pydantic, opentelemetry.sdk.trace",
    "any-agent --help",
]


def startup(args: argparse.Namespace, envs: Environments | None) -> dict[str, Any]:
    """Import and CLI start-up, in fresh processes, with warm bytecode (each is run once first with writing on)."""
    python = sys.executable
    cli = str(Path(python).parent / "any-agent")
    inner = "import time; t = time.perf_counter_ns(); import {m}; print(time.perf_counter_ns() - t)"
    cases = {
        "python -c pass": [python, "-c", "pass"],
        "import any_agent": [python, "-c", inner.format(m="any_agent")],
        "import pydantic, opentelemetry.sdk.trace": [python, "-c", inner.format(m="pydantic, opentelemetry.sdk.trace")],
        # What a program that builds an agent pays on import (the public names are loaded on first use).
        "from any_agent import Agent, AgentConfig": [
            python,
            "-c",
            "import time; t = time.perf_counter_ns(); from any_agent import Agent, AgentConfig; "
            "print(time.perf_counter_ns() - t)",
        ],
        "any-agent --help": [cli, "--help"],
        # The command line's floor: typer and the rich help it renders with (--help loads no more of the core).
        "import typer, typer.rich_utils": [python, "-c", "import typer, typer.rich_utils"],
    }
    if getattr(args, "quick", False):  # what the goals read, and nothing else
        cases = {name: cases[name] for name in QUICK_STARTUP}
    elif envs and envs.mozilla:
        cases["mozilla: import any_agent"] = [str(envs.mozilla), "-c", inner.format(m="any_agent")]
    env = dict(os.environ)
    warm = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    for argv in cases.values():
        subprocess.run(argv, check=True, capture_output=True, env=warm)  # writes the bytecode
    wall: dict[str, list[float]] = {name: [] for name in cases}
    # The commands that time their own import (they print it); the rest are timed as whole processes.
    inside: dict[str, list[float]] = {name: [] for name, argv in cases.items() if "perf_counter_ns" in argv[-1]}
    for repetition in range(args.startup_repeats):
        names = list(cases)
        shift = repetition % len(names)
        for name in names[shift:] + names[:shift]:  # rotating order, as the timed runs
            argv = cases[name]
            begin = time.perf_counter_ns()
            out = subprocess.run(argv, check=True, capture_output=True, text=True, env=env).stdout
            wall[name].append((time.perf_counter_ns() - begin) / 1e6)
            if name in inside:
                inside[name].append(int(out.strip()) / 1e6)
    check = subprocess.run(
        [
            python,
            "-c",
            "import sys, json, any_agent; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    loaded = set(json.loads(check.stdout))
    return {
        "bytecode": "warm: each command ran once with bytecode writing on before timing",
        "repeats": args.startup_repeats,
        "process_wall_ms": {name: statistics.median(v) for name, v in wall.items()},
        "process_wall_iqr_ms": {name: _iqr(v) for name, v in wall.items()},
        "process_wall_q1_q3_ms": {name: _quartiles(v) for name, v in wall.items()},
        "process_wall_samples_ms": wall,
        "import_ms": {name: statistics.median(v) for name, v in inside.items()},
        "import_iqr_ms": {name: _iqr(v) for name, v in inside.items()},
        "import_samples_ms": inside,
        "ratios": {
            f"{top} / {bottom}": ratio(inside[top], inside[bottom])  # type: ignore[arg-type]
            for top, bottom in [
                ("import any_agent", "import pydantic, opentelemetry.sdk.trace"),
                ("from any_agent import Agent, AgentConfig", "import pydantic, opentelemetry.sdk.trace"),
            ]
            if top in inside
        },
        "framework_modules_imported_by_import_any_agent": sorted(loaded & FRAMEWORK_MODULES),
        "modules_imported_by_import_any_agent": len(loaded),
    }


def _quartiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return values[0], values[0]
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def _iqr(values: list[float]) -> float:
    q1, q3 = _quartiles(values)
    return q3 - q1


def machine() -> dict[str, Any]:
    def sh(command: str) -> str:
        return subprocess.run(command, shell=True, capture_output=True, text=True).stdout.strip()

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "nproc": sh("nproc"),
        "cpu": cpu,
        "memory": sh("free -h | sed -n 2p"),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "uptime": sh("uptime"),
    }


# ---------------------------------------------------------------------------------------------- report


def _cell(stats: dict[str, float]) -> str:
    return f"{stats['median_ms']:.1f} ({stats['iqr_ms']:.1f})"


def _ratio_cell(entry: dict[str, float] | None) -> str:
    if not entry:
        return "-"
    return f"{entry['ratio']:.2f} [{entry['low']:.2f}-{entry['high']:.2f}]"


def markdown(report: dict[str, Any]) -> str:
    results, ratio_table = report["variants"], report["ratios"]
    lines = [
        f"Measured {report['date']} with `{report['command']}` ({report['runs']} timed runs per variant and "
        f"scenario after {report['warmup']} warm-ups, interleaved in rotating order).",
        "",
        f"Machine: {report['machine']['nproc']} cores, {report['machine']['cpu']}; memory: "
        f"`{report['machine']['memory']}`; Linux {report['machine']['kernel']}; Python {report['machine']['python']}.",
        f"Load before: `{report['machine']['uptime']}`; after: `{report['uptime_after']}`.",
        "",
        "### Goals (issue 22): the verdict",
        "",
        goals.verdict(report),
        "### Per-run wall time (ms): median (IQR)",
        "",
        *(
            [f"Not measured, adapter not installed: {', '.join(report['not_installed'])}.", ""]
            if report.get("not_installed")
            else []
        ),
        "| variant | " + " | ".join(SCENARIOS) + " | peak RSS (MiB) | RSS after setup (MiB) |",
        "|---|" + "---|" * len(SCENARIOS) + "---|---|",
    ]
    for label, entry in results.items():
        if entry["group"] == "tracing":
            continue
        if "excluded" in entry:
            lines.append(f"| {label} | excluded: {entry['excluded']} |" + " |" * (len(SCENARIOS) + 1))
            continue
        cells = " | ".join(_cell(entry["stats"][name]) for name in SCENARIOS)
        lines.append(
            f"| {label} | {cells} | {entry['peak_rss_kib'] / 1024:.0f} | {entry['rss_after_setup_kib'] / 1024:.0f} |"
        )
    lines += [
        "",
        "### Ratios of medians [95% bootstrap interval]",
        "",
        "| framework / scenario | any-agent / native | any-agent - native (ms) | any-agent / mozilla 1.18 "
        "| framework tax: native / floor | any-agent / floor |",
        "|---|---|---|---|---|---|",
    ]
    for key, entry in ratio_table.items():
        delta = f"{entry['ours_minus_native_ms']:+.2f}" if "ours_minus_native_ms" in entry else "-"
        lines.append(
            f"| {key} | {_ratio_cell(entry.get('ours_over_native'))} | {delta} | "
            f"{_ratio_cell(entry.get('ours_over_mozilla'))} | {_ratio_cell(entry.get('native_over_floor'))} | "
            f"{_ratio_cell(entry.get('ours_over_floor'))} |"
        )
    tracing_rows = [(k, e) for k, e in ratio_table.items() if "tracing_on_over_content_off" in e]
    if tracing_rows:
        lines += [
            "",
            "### Tracing: default (spans + content) against content capture off and against a no-op tracer",
            "",
            "| framework / scenario | default | content off | no-op tracer | default / content off "
            "| default / no-op tracer |",
            "|---|---|---|---|---|---|",
        ]
        for key, entry in tracing_rows:
            fw, scenario = key.split("/")

            def med(label: str, scenario: str = scenario) -> str:
                e = results.get(label, {})
                return _cell(e["stats"][scenario]) if "stats" in e else "-"

            lines.append(
                f"| {key} | {med(f'any-agent {fw}')} | {med(f'any-agent {fw} content-off')} | "
                f"{med(f'any-agent {fw} no-op tracer')} | {_ratio_cell(entry.get('tracing_on_over_content_off'))} | "
                f"{_ratio_cell(entry.get('tracing_on_over_no_op_tracer'))} |"
            )
    if report.get("concurrency"):
        lines += [
            "",
            "### Concurrent runs on one agent (short scenario, one event loop)",
            "",
            "| variant | concurrent runs | wall (s) | runs/s | errors | answers ok | model calls | peak RSS (MiB) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in report["concurrency"]:
            if "failed" in row:
                lines.append(f"| {row['variant']} | {row['concurrent_runs']} | failed: {row['failed']} | | | | | |")
                continue
            lines.append(
                f"| {row['variant']} | {row['concurrent_runs']} | {row['wall_s']:.2f} | {row['runs_per_s']:.1f} | "
                f"{row['errors']} | {'yes' if row['answers_ok'] else 'NO'} | {row['model_calls']} | "
                f"{row['peak_rss_kib'] / 1024:.0f} |"
            )
    if report.get("startup"):
        s = report["startup"]
        lines += [
            "",
            f"### Start-up ({s['repeats']} fresh processes each, median (IQR), {s['bytecode']})",
            "",
            "| command | import time in-process (ms) | whole process (ms) |",
            "|---|---|---|",
        ]
        for name, wall in s["process_wall_ms"].items():
            inner = f"{s['import_ms'][name]:.0f} ({s['import_iqr_ms'][name]:.0f})" if name in s["import_ms"] else "-"
            lines.append(f"| `{name}` | {inner} | {wall:.0f} ({s['process_wall_iqr_ms'][name]:.0f}) |")
        for key, entry in s.get("ratios", {}).items():
            lines.append(f"| ratio `{key}` [95% bootstrap] | {_ratio_cell(entry)} | |")
        framework_modules = s["framework_modules_imported_by_import_any_agent"]
        lines += [
            "",
            f"`import any_agent` loads {s['modules_imported_by_import_any_agent']} top-level modules; framework "
            f"modules among them: {', '.join(framework_modules) if framework_modules else 'none'}.",
        ]
    lines += ["", "### Versions", "", "| environment | packages |", "|---|---|"]
    for name, packages in report["versions"].items():
        listed = ", ".join(f"{p} {v}" for p, v in packages.items() if v)
        lines.append(f"| {name} | {listed} |")
    return "\n".join(lines) + "\n"


def write_docs(text: str, section: str = "results") -> None:
    """Put ``text`` between the ``<!-- {section}:start -->`` and ``:end`` markers of docs/benchmarks.md."""
    path = ROOT / "docs" / "benchmarks.md"
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    current = path.read_text() if path.exists() else f"# Benchmarks\n\n{start}\n{end}\n"
    if start not in current:
        current += f"\n{start}\n{end}\n"
    head, rest = current.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{text}{end}{tail}")


# ---------------------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per variant and scenario")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up runs per variant and scenario")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="only what the goals measure (their frameworks, no tracing variants, 100 concurrent on "
        f"{','.join(goals.concurrency_frameworks())}), 8 runs, 2 warm-ups, 7 start-ups: the verdict in under a minute",
    )
    parser.add_argument(
        "--frameworks",
        default=None,
        help=f"comma-separated, of {','.join(FRAMEWORKS)} (tiny, the reference, is always measured); "
        "default: every one installed (with --quick: the goals' own)",
    )
    parser.add_argument("--concurrency", default="100,500", help="comma-separated concurrent run counts")
    parser.add_argument("--startup-repeats", type=int, default=15)
    parser.add_argument("--no-mozilla", action="store_true", help="skip mozilla any-agent 1.18 (no side venv)")
    parser.add_argument("--no-tracing", action="store_true", help="skip the tracing on/off variants")
    parser.add_argument("--no-concurrency", action="store_true")
    parser.add_argument("--no-startup", action="store_true")
    parser.add_argument(
        "--no-docs", action="store_true", help="never update docs/benchmarks.md (only a full run ever does)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="JSON path (default bench/results/<date>.json; bench/.logs/ if partial)"
    )
    args = parser.parse_args(argv)
    chosen = args.frameworks is not None
    if args.frameworks is None:
        args.frameworks = ",".join(goals.goal_frameworks() if args.quick else FRAMEWORKS)
    names = [fw.strip() for fw in args.frameworks.split(",") if fw.strip()]
    unknown = sorted(set(names) - {*FRAMEWORKS, "tiny"})
    if unknown:
        parser.error(f"--frameworks: unknown {', '.join(unknown)}; choose from {', '.join(FRAMEWORKS)}")
    names = [fw for fw in dict.fromkeys(names) if fw != "tiny"]  # tiny has no native twin
    args.not_installed = [fw for fw in names if not adapter_installed(fw)]
    args.frameworks = [fw for fw in names if fw not in args.not_installed]
    args.concurrency = [int(n) for n in args.concurrency.split(",") if n]
    args.concurrency_frameworks = list(args.frameworks)
    args.full = not args.quick and not chosen and argv_is_default_scope(args)
    if args.quick:
        args.runs, args.warmup, args.concurrency, args.startup_repeats = 8, 2, [100], 7
        args.no_tracing = True
        args.concurrency_frameworks = [fw for fw in goals.concurrency_frameworks() if fw in args.frameworks]
    return args


def adapter_installed(framework: str) -> bool:
    """Whether any-agent's adapter for ``framework`` is installed, here or in the framework's own environment (adk).

    Else the run skips it, and says so.
    """
    from any_agent.environments import OWN_ENVIRONMENT, environment_python

    if framework in OWN_ENVIRONMENT:
        return environment_python(framework) is not None
    return any(ep.name == framework for ep in importlib.metadata.entry_points(group="any_agent.adapters"))


def argv_is_default_scope(args: argparse.Namespace) -> bool:
    """Every installed framework and every phase, at full size: the only kind of run that may update the docs."""
    skipped = args.no_mozilla or args.no_tracing or args.no_concurrency or args.no_startup
    return not skipped and args.runs >= 30 and args.warmup >= 5


def full_run(args: argparse.Namespace) -> bool:
    """True for the run whose numbers docs/benchmarks.md publishes."""
    return bool(getattr(args, "full", False))


def main() -> None:
    args = parse_args()
    LOGS.mkdir(exist_ok=True)
    started = time.time()
    # `uv run` sets UV for the processes it starts; otherwise say which interpreter ran it.
    launcher = "uv run python" if os.environ.get("UV") else os.path.relpath(sys.executable, ROOT)
    command = f"{launcher} bench/run.py " + " ".join(sys.argv[1:])
    report: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": command.strip(),
        "runs": args.runs,
        "warmup": args.warmup,
        "machine": machine(),
        "memory_measure": "ru_maxrss (RSS high-water mark) of each variant's own worker process, KiB",
        "server": "bench/server.py: any_agent.testing.ScriptedLLM in its own process, TCP_NODELAY on (see docs)",
    }
    if args.not_installed:
        log(f"skipped, adapter not installed here: {', '.join(args.not_installed)} (uv sync --all-extras)")
    report["not_installed"] = args.not_installed
    envs = ensure_environments(args)
    report["versions"] = {
        "project venv": versions(
            sys.executable,
            [
                "any-agent",
                "crewai",
                "langgraph",
                "langchain",
                "langchain-core",
                "ag2",
                "openai-agents",
                "pydantic-ai-slim",
                "smolagents",
                "llama-index-core",
                "google-adk",
                "openai",
                "any-llm-sdk",
                "httpx",
                "pydantic",
                "opentelemetry-sdk",
            ],
        ),
        "overlay (native LangGraph)": versions(sys.executable, []) | {"langchain-openai": _overlay_version()},
        "bench/.venvs/ag2 (native AG2)": versions(envs.ag2, ["ag2", "openai", "httpx", "pydantic"]) if envs.ag2 else {},
        "bench/.venvs/pydantic_ai (native pydantic-ai)": (
            versions(envs.pydantic_ai, ["pydantic-ai-slim", "openai", "httpx", "pydantic"]) if envs.pydantic_ai else {}
        ),
        "bench/.venvs/mozilla": versions(
            envs.mozilla,
            [
                "any-agent",
                "openai-agents",
                "openai",
                "langgraph",
                "langchain",
                "langchain-core",
                "any-llm-sdk",
                "httpx",
                "pydantic",
                "mcp",
            ],
        )
        if envs.mozilla
        else {},
    }
    server = Server()
    # A quick run reuses the timed runs' workers for its concurrent runs, rather than starting them again.
    reuse: dict[str, Worker | None] = {}
    if args.quick and not args.no_concurrency:
        reuse = {variant.label: None for variant in concurrency_subjects(args, envs)}
    try:
        report["variants"] = timed_runs(args, variants_for(args, envs), server, kept=reuse)  # type: ignore[arg-type]
        report["ratios"] = ratios(report["variants"], args.frameworks)
        if not args.no_concurrency:
            report["concurrency"] = concurrency(args, server, envs, reuse)
    finally:
        for worker in reuse.values():
            if worker is not None:
                worker.close()
        server.close()
    if not args.no_startup:
        log("start-up")
        report["startup"] = startup(args, envs)
    report["uptime_after"] = machine()["uptime"]
    report["duration_s"] = time.time() - started
    for entry in report["variants"].values():
        entry.pop("ns_raw", None)
    # bench/results/ and docs/benchmarks.md hold full runs only; a partial run's JSON goes to bench/.logs/.
    default_out = HERE / "results" if full_run(args) else LOGS
    out = args.out or default_out / f"{dt.date.today().isoformat()}{'' if full_run(args) else '-partial'}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    text = markdown(report)
    if full_run(args) and not args.no_docs:
        write_docs(text)
    elif not args.no_docs:
        log("docs/benchmarks.md left as is: only a full run (no --quick, no --no-*, every framework) updates it")
    if not args.quick:
        print(text)
    print(f"Goals (issue 22), {report['command']}, {report['duration_s']:.0f} s:\n")
    print(goals.verdict(report))
    log(f"done in {report['duration_s']:.0f}s; JSON: {out}")


def _overlay_version() -> str | None:
    for dist in (VENVS / "overlay").glob("langchain_openai-*.dist-info"):
        return dist.name.removeprefix("langchain_openai-").removesuffix(".dist-info")
    return None


if __name__ == "__main__":
    main()
