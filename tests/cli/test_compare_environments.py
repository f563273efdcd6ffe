"""``compare`` across environments: frameworks installed in their own (``adk``) run there, in one table."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from any_agent.cli.compare import Comparison
from any_agent.cli.compare_elsewhere import default_frameworks
from any_agent.environments import ENVIRONMENT_VARIABLE, environment_python
from any_agent.registry import installed_frameworks
from tests.cli.conftest import EXAMPLES, Invoke


def _adk_elsewhere() -> None:
    if "adk" in installed_frameworks():
        pytest.skip("adk is installed in this environment: nothing runs elsewhere")
    if environment_python("adk") is None:
        message = "adk's environment is not installed: run `uv sync --project adapters/adk`"
        if os.environ.get("ANY_AGENT_REQUIRE_ENVIRONMENTS") == "1":
            pytest.fail(message)
        pytest.skip(message)


def test_adk_runs_in_its_own_environment_and_joins_the_table_json_and_traces(invoke: Invoke) -> None:
    _adk_elsewhere()
    result = invoke("compare", EXAMPLES / "weather" / "agent.yaml", "--frameworks", "adk,tiny", "--json", "-")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stderr.splitlines() if "openai:scripted (offline)" in line]
    assert [row.split("│")[1].strip() for row in rows] == ["adk", "tiny"]  # the order asked for
    for row in rows:  # the same counts as every other framework
        cells = [cell.strip() for cell in row.split("│")]
        assert cells[3] == "ok" and cells[5:10] == ["3", "2", "30", "15", "unknown"], row
    document = Comparison.model_validate(json.loads(result.stdout))
    adk, tiny = document.cells
    assert adk.framework == "adk" and adk.model == tiny.model
    adk_trace, tiny_trace = adk.runs[0].trace, tiny.runs[0].trace
    assert adk_trace is not None and tiny_trace is not None
    assert [step["name"] for step in adk_trace.normalized()][1:] == [step["name"] for step in tiny_trace.normalized()][
        1:
    ]
    assert "[2/2] adk \u00d7 openai:scripted" in result.stderr  # its progress line, as for the others


def test_by_default_compare_includes_frameworks_installed_elsewhere() -> None:
    _adk_elsewhere()
    assert "adk" in default_frameworks() and set(installed_frameworks()) <= set(default_frameworks())


def test_without_its_environment_the_adk_cell_says_which_command_installs_it(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if "adk" in installed_frameworks():
        pytest.skip("adk is installed in this environment")
    (tmp_path / "adapters").mkdir()
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(tmp_path))  # a clone without adk's environment
    result = invoke("compare", EXAMPLES / "weather" / "agent.yaml", "--frameworks", "tiny,adk")
    assert result.exit_code == 1
    assert "uv sync --project adapters/adk" in " ".join(result.stderr.split())


def test_frameworks_lists_adk_in_its_own_environment(invoke: Invoke) -> None:
    _adk_elsewhere()
    result = invoke("frameworks")
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.startswith("│")}
    assert "in its own environment" in rows["adk"] and "adapters/adk/.venv" in " ".join(result.stdout.split())
