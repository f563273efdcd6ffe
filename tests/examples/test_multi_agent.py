"""examples/multi_agent: a writer on CrewAI using a researcher on LangGraph, in-process and over A2A."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from any_agent.cli.app import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multi_agent"
KEY_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL")


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"multi_agent_{name}", EXAMPLE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def no_provider_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_compose_runs_the_writer_with_the_researcher_in_one_trace(capsys: pytest.CaptureFixture[str]) -> None:
    assert _module("compose").main("crewai", "langgraph") == 0
    printed = capsys.readouterr().out
    assert "writer on crewai: 2 model calls" in printed
    assert "  researcher on langgraph: 2 model calls" in printed
    assert "one trace id: True" in printed


def test_over_a2a_composes_two_processes(capsys: pytest.CaptureFixture[str]) -> None:
    assert _module("over_a2a").main("crewai") == 0
    assert capsys.readouterr().out.startswith("A paragraph for you: Sea otters hold hands")


def test_the_writer_file_runs_offline_with_each_agent_on_its_own_plan() -> None:
    final = json.loads((EXAMPLE / "writer.offline.json").read_text(encoding="utf-8"))["final"]
    result = CliRunner().invoke(app, ["run", str(EXAMPLE / "writer.yaml")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == final
    assert "4 turns · 2 tool calls · 40 in / 20 out tokens" in result.stderr
    assert "  writer [crewai]: 2 model calls" in result.stderr
    assert "    researcher [langgraph]: 2 model calls" in result.stderr
    assert "✗" not in result.stderr


def test_serve_a2a_and_run_the_a2a_writer_in_two_processes(tmp_path: Path) -> None:
    """The commands in writer_a2a.yaml's header, on a free port, offline."""
    example = _module("over_a2a")
    port = example.free_port()
    server, url = example.serve_researcher(port)
    try:
        text = (EXAMPLE / "writer_a2a.yaml").read_text(encoding="utf-8").replace("http://127.0.0.1:8766/", url)
        (tmp_path / "writer_a2a.yaml").write_text(text, encoding="utf-8")
        shutil.copy(EXAMPLE / "writer_a2a.offline.json", tmp_path)
        env = {key: value for key, value in os.environ.items() if key not in KEY_VARIABLES}
        command = [str(Path(sys.executable).parent / "any-agent"), "run", str(tmp_path / "writer_a2a.yaml")]
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    finally:
        server.terminate()
        server.wait(timeout=30)
    final = json.loads((EXAMPLE / "writer_a2a.offline.json").read_text(encoding="utf-8"))["final"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == final
    assert "tool researcher" in result.stderr  # named after the remote agent's card
