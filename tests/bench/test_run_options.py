"""bench/run.py's options: tiny is the reference (never a native variant), a partial run creates no
side environment it skips and never rewrites docs/benchmarks.md."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_smoke_command_of_the_issue_needs_no_side_environment(bench: ModuleType) -> None:
    args = bench.parse_args(["--quick", "--no-mozilla", "--no-docs", "--frameworks", "tiny,openai"])
    assert args.frameworks == ["openai"]  # tiny is measured as the reference, never as "native tiny"
    assert bench.needed_environments(args) == []
    assert not bench.full_run(args)
    labels = [variant.label for variant in bench.variants_for(args, bench.Environments(mozilla=None, ag2=None))]
    assert "native tiny" not in labels and "native openai" in labels and "any-agent tiny" in labels


def test_no_mozilla_never_builds_mozillas_environment(bench: ModuleType) -> None:
    args = bench.parse_args(["--no-mozilla"])
    assert "mozilla" not in bench.needed_environments(args)
    assert "mozilla" in bench.needed_environments(bench.parse_args([]))


@pytest.mark.parametrize(
    "argv",
    [["--quick"], ["--frameworks", "openai"], ["--no-startup"], ["--no-mozilla"], ["--runs", "5"]],
    ids=lambda argv: " ".join(argv),
)
def test_only_a_full_run_updates_the_docs(bench: ModuleType, argv: list[str]) -> None:
    assert not bench.full_run(bench.parse_args(argv))
    assert bench.full_run(bench.parse_args([]))


def test_an_unknown_framework_is_a_usage_error(bench: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        bench.parse_args(["--frameworks", "openai,nope"])
    assert exit_info.value.code == 2
    assert "unknown nope" in capsys.readouterr().err


@pytest.fixture(scope="module")
def streaming(bench: ModuleType) -> ModuleType:
    sys.path.insert(0, str(ROOT / "bench"))  # it imports run.py and scenarios.py by their names
    spec = importlib.util.spec_from_file_location("bench_streaming", ROOT / "bench" / "streaming.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_streaming_bench_compares_each_framework_with_its_own_streaming(streaming: ModuleType) -> None:
    args = streaming.parse_args(["--quick", "--frameworks", "openai,ag2"])
    assert (args.runs, args.warmup, args.full) == (8, 2, False)  # a smoke run never rewrites the docs
    envs = streaming.run.Environments(mozilla=None, ag2=Path("/venvs/ag2/bin/python"))
    variants = {v.label: v for v in streaming.variants(args.frameworks, envs)}
    assert list(variants) == ["any-agent tiny", "native openai", "any-agent openai", "native ag2", "any-agent ag2"]
    assert variants["native ag2"].python == Path("/venvs/ag2/bin/python")  # AG2's own streaming needs its venv
    assert streaming.parse_args([]).full
    with pytest.raises(SystemExit):
        streaming.parse_args(["--frameworks", "mozilla"])


def test_every_builder_in_the_worker_is_a_benchmarked_framework(bench: ModuleType) -> None:
    worker = (ROOT / "bench" / "worker.py").read_text()
    assert bench.FRAMEWORKS[:6] == ["openai", "langgraph", "crewai", "ag2", "pydantic_ai", "smolagents"]
    for fw in bench.FRAMEWORKS:
        assert f"async def native_{fw}(" in worker


def test_a_framework_whose_adapter_is_not_installed_is_skipped_and_said(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert bench.adapter_installed("openai") and not bench.adapter_installed("no_such_framework")
    monkeypatch.setattr(bench, "adapter_installed", lambda fw: fw != "smolagents")
    args = bench.parse_args(["--no-docs"])
    assert args.not_installed == ["smolagents"] and "smolagents" not in args.frameworks
    assert "openai" in args.frameworks


def test_quick_measures_only_what_the_goals_read(bench: ModuleType) -> None:
    args = bench.parse_args(["--quick"])
    assert args.frameworks == ["openai", "langgraph", "crewai"]  # the issue's table names no other
    assert (args.no_tracing, args.concurrency, args.concurrency_frameworks) == (True, [100], ["openai"])
    envs = bench.Environments(mozilla=Path("/venvs/mozilla/bin/python"), ag2=None)
    labels = [variant.label for variant in bench.variants_for(args, envs)]
    assert labels == [
        "any-agent tiny",
        "native openai",
        "any-agent openai",
        "mozilla openai",  # a goal compares with mozilla on the OpenAI Agents SDK only
        "native langgraph",
        "any-agent langgraph",
        "native crewai",
        "any-agent crewai",
    ]
    assert not args.full


@pytest.fixture(scope="module")
def goals(bench: ModuleType) -> ModuleType:
    return sys.modules["goals"]  # run.py imports it by name


def test_a_run_that_measured_nothing_says_so_for_every_goal(goals: ModuleType) -> None:
    rows = goals.verdict_rows({})
    assert len(rows) == len(goals.GOALS) == 11  # the issue's table, a line per scenario, + the real import
    assert {row[3] for row in rows} == {"not measured"}


def test_the_verdict_reads_each_measure_against_its_goal(goals: ModuleType) -> None:
    def ratio(value: float) -> dict[str, float]:
        return {"ratio": value, "low": value - 0.01, "high": value + 0.01}

    def variant(peak_mib: int) -> dict[str, int]:
        return {"peak_rss_kib": peak_mib * 1024}

    report = {
        "ratios": {
            "openai/short": {"ours_over_native": ratio(1.01), "ours_over_mozilla": ratio(0.90)},
            "openai/long": {"ours_over_native": ratio(1.10), "ours_over_mozilla": ratio(1.00)},
        },
        "startup": {
            "ratios": {
                "import any_agent / import pydantic, opentelemetry.sdk.trace": ratio(0.2),
                "from any_agent import Agent, AgentConfig / import pydantic, opentelemetry.sdk.trace": ratio(3.0),
            },
            "process_wall_ms": {"any-agent --help": 300.0},
            "process_wall_q1_q3_ms": {"any-agent --help": [290.0, 310.0]},
        },
        "concurrency": [
            {"variant": "any-agent openai", "concurrent_runs": 100, "runs_per_s": 50.0, "runs_per_s_samples": [50.0]},
            {"variant": "native openai", "concurrent_runs": 100, "runs_per_s": 40.0, "runs_per_s_samples": [40.0]},
        ],
        "variants": {
            "native openai": variant(100),
            "any-agent openai": variant(105),
            "native langgraph": variant(100),
            "any-agent langgraph": variant(112),
            "native crewai": variant(100),
            "any-agent crewai": variant(101),
        },
    }
    verdicts = {row[0]: (row[1], row[3]) for row in goals.verdict_rows(report)}
    assert verdicts["any-agent / native, OpenAI Agents SDK, short"] == ("1.01 [1.00 to 1.02]", "met")
    assert verdicts["any-agent / native, OpenAI Agents SDK, long"][1] == "NOT MET"
    assert verdicts["any-agent / native, LangGraph, short"][1] == "not measured"
    assert verdicts["any-agent / mozilla any-agent 1.18, OpenAI Agents SDK, short"][1] == "met"
    assert verdicts["any-agent / mozilla any-agent 1.18, OpenAI Agents SDK, long"][1] == "NOT MET"
    assert verdicts["`import any_agent` / `import pydantic, opentelemetry.sdk.trace`"][1] == "met"
    real_import = "`from any_agent import Agent, AgentConfig` / `import pydantic, opentelemetry.sdk.trace`"
    assert verdicts[real_import] == ("3.00 [2.99 to 3.01]", "NOT MET")
    assert verdicts["`any-agent --help`, whole process"] == ("300 ms [290 ms to 310 ms]", "NOT MET")
    assert verdicts["concurrency, OpenAI Agents SDK, 100 runs: any-agent / native runs/s"][1] == "met"
    worst_rss = verdicts["peak RSS above native, worst of OpenAI / LangGraph / CrewAI"]
    assert worst_rss == ("+12.0 MiB [+1.0 MiB to +12.0 MiB]", "NOT MET")  # the worst framework decides
    assert "4 of 11 goals met" in goals.verdict(report)


def test_start_up_times_every_command_and_the_import_ratios(bench: ModuleType) -> None:
    startup = bench.startup(bench.parse_args(["--startup-repeats", "2"]), None)
    assert set(startup["process_wall_ms"]) == {
        "python -c pass",
        "import any_agent",
        "import pydantic, opentelemetry.sdk.trace",
        "from any_agent import Agent, AgentConfig",
        "any-agent --help",
        "import typer, typer.rich_utils",
    }
    assert set(startup["import_ms"]) == {  # the commands that time their own import
        "import any_agent",
        "import pydantic, opentelemetry.sdk.trace",
        "from any_agent import Agent, AgentConfig",
    }
    assert set(startup["ratios"]) == {
        "import any_agent / import pydantic, opentelemetry.sdk.trace",
        "from any_agent import Agent, AgentConfig / import pydantic, opentelemetry.sdk.trace",
    }
    assert startup["framework_modules_imported_by_import_any_agent"] == []


def test_quick_start_up_times_only_what_the_goals_read(bench: ModuleType) -> None:
    args = bench.parse_args(["--quick"])
    args.startup_repeats = 2
    startup = bench.startup(args, None)
    assert list(startup["process_wall_ms"]) == bench.QUICK_STARTUP
    assert list(startup["ratios"]) == [
        "import any_agent / import pydantic, opentelemetry.sdk.trace",
        "from any_agent import Agent, AgentConfig / import pydantic, opentelemetry.sdk.trace",
    ]
