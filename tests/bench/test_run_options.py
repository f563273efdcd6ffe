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
